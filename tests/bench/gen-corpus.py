#!/usr/bin/python3
"""Writes a deterministic corpus of synthetic Vietnamese office text for the benchmark: prose
with a labelled record after about one line in eight, and CSV exports with three or four
identifiers on every row (together a finding every 150 bytes or so: a dense case).
Usage: gen-corpus.py DIR [MEGABYTES] [--docs | --small]   (default 256). Same arguments, same
bytes. With --docs the same text is packed into DOCX, XLSX, PDF and zip files instead; with
--small it is cut into the many small files (1-32 KiB) a department share mostly holds."""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fixtures  # noqa: E402 (tests/fixtures.py)

PROSE = [
    "Căn cứ Luật Bảo vệ dữ liệu cá nhân, đơn vị tổ chức rà soát hồ sơ lưu trữ.",
    "Phòng Hành chính đề nghị các bộ phận gửi báo cáo tổng hợp trước ngày làm việc cuối tuần.",
    "Thực hiện kế hoạch chuyển đổi số, hệ thống quản lý văn bản được nâng cấp trong quý này.",
    "Cuộc họp giao ban thống nhất phân công nhiệm vụ cho từng phòng ban và đơn vị trực thuộc.",
    "Khách hàng phản ánh về thời gian xử lý yêu cầu, bộ phận chăm sóc khách hàng đã tiếp nhận.",
    "The quarterly report covers revenue, operating costs and the status of ongoing projects.",
    "Nhân viên mới cần hoàn thiện thủ tục tiếp nhận theo hướng dẫn của phòng nhân sự.",
    "Số liệu thống kê cho thấy sản lượng tăng so với cùng kỳ năm trước ở hầu hết các chi nhánh.",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương"]
PROVINCES = ["001", "079", "048", "031", "092", "036", "040"]


def cccd(r):
    return f"{r.choice(PROVINCES)}{r.choice('0123')}{r.randint(0, 99):02d}{r.randint(0, 999999):06d}"


def phone(r):
    return "0" + r.choice(["91", "98", "90", "86", "70", "35"]) + f"{r.randint(0, 9999999):07d}"


def name(r):
    return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"


def record(r):
    kind = r.randint(0, 5)
    if kind == 0:
        return f"Họ và tên: {name(r)}\nSố CCCD: {cccd(r)}\n"
    if kind == 1:
        return f"Liên hệ SĐT: {phone(r)} hoặc email nv{r.randint(1, 99999)}@congty-vidu.vn\n"
    if kind == 2:
        return f"Ngày sinh: {r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1950, 2010)}\n"
    if kind == 3:
        return f"Địa chỉ: Số {r.randint(1, 200)} đường Lê Lợi, Phường {r.randint(1, 20)}, Quận {r.randint(1, 12)}\n"
    if kind == 4:
        return f"STK: {r.randint(10**9, 10**13)} tại ngân hàng\n"
    return f"client 203.113.{r.randint(0, 255)}.{r.randint(1, 254)} login ok\n"


def prose_file(r, size):
    out, n = [], 0
    while n < size:
        line = " ".join(r.choice(PROSE) for _ in range(r.randint(1, 4))) + "\n"
        if r.random() < 0.12:
            line += record(r)
        out.append(line)
        n += len(line.encode())
    return "".join(out)


def csv_file(r, size):
    out, n = ["ho_ten,so_cccd,sdt,email,ghi_chu\n"], 0
    while n < size:
        line = f"{name(r)},{cccd(r)},{phone(r)},nv{r.randint(1, 99999)}@congty-vidu.vn,{r.choice(PROSE)[:40]}\n"
        out.append(line)
        n += len(line.encode())
    return "".join(out)


def pdf_text(text):
    """A PDF of the text, 50 lines a page, in ASCII (the base-14 fonts have no Vietnamese)."""
    import unicodedata
    plain = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode()
    lines = plain.split("\n")
    return fixtures.pdf([lines[i:i + 50] for i in range(0, len(lines), 50)] or [[""]])


def main_docs(root, total):
    r = random.Random(20261130)
    os.makedirs(root, exist_ok=True)
    written, i = 0, 0
    while written < total:
        kind = ["docx", "xlsx", "pdf", "zip"][i % 4]
        size = r.choice([16, 64, 256]) * 1024
        if kind == "docx":
            data = fixtures.docx_text(prose_file(r, size))
        elif kind == "xlsx":
            data = fixtures.xlsx_table([line.split(",") for line in csv_file(r, size).split("\n") if line])
        elif kind == "pdf":
            data = pdf_text(prose_file(r, size // 4))
        else:
            data = fixtures.zip_bytes((f"thu-muc/tep-{i}.txt", prose_file(r, size // 4)) for i in range(4))
        with open(os.path.join(root, f"doc{i:05d}.{kind}"), "wb") as f:
            f.write(data)
        written += len(data)
        i += 1
    print(f"{i} documents, {written / 1048576:.0f} MiB in {root}")


def main_small(root, total):
    r = random.Random(20261201)
    written, i = 0, 0
    while written < total:
        size = min(r.choice([1, 2, 4, 8, 16, 32]) * 1024, total - written)
        text = csv_file(r, size) if r.random() < 0.2 else prose_file(r, size)
        sub = os.path.join(root, f"dept{i % 16:02d}", f"box{i // 16 % 32:02d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"doc{i:06d}." + ("csv" if text.startswith("ho_ten") else "txt")), "w",
                  encoding="utf-8") as f:
            f.write(text)
        written += len(text.encode())
        i += 1
    print(f"{i} files, {written / 1048576:.0f} MiB in {root}")


def main():
    root = sys.argv[1]
    total = int(sys.argv[2]) * 1024 * 1024 if len(sys.argv) > 2 else 256 * 1024 * 1024
    if "--docs" in sys.argv:
        return main_docs(root, total)
    if "--small" in sys.argv:
        return main_small(root, total)
    r = random.Random(20261129)
    os.makedirs(root, exist_ok=True)
    written, i = 0, 0
    while written < total:
        size = r.choice([8, 32, 128, 512, 2048, 8192]) * 1024
        if r.random() < 0.02:
            size = 32 * 1024 * 1024
        size = min(size, total - written)
        text = csv_file(r, size) if r.random() < 0.2 else prose_file(r, size)
        sub = os.path.join(root, f"dept{i % 16:02d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"doc{i:05d}." + ("csv" if text.startswith("ho_ten") else "txt"))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        written += len(text.encode())
        i += 1
    print(f"{i} files, {written / 1048576:.0f} MiB in {root}")


if __name__ == "__main__":
    main()
