#!/usr/bin/python3
"""Writes a deterministic corpus of synthetic Vietnamese office text for the benchmark: prose
with a labelled record after about one line in eight, and CSV exports with three or four
identifiers on every row (together a finding every 150 bytes or so: a dense case).
Usage: gen-corpus.py DIR [MEGABYTES] [--docs | --small | --kinds]   (default 256). Same
arguments, same bytes. With --docs the same text is packed into DOCX, XLSX, PDF and zip files
instead; with --small it is cut into the many small files (1-32 KiB) a department share mostly
holds; with --kinds DIR gets one folder per kind of file the speed targets name: prose (.txt,
.md, .log, .html), csv, jsonl, binary (NUL bytes, with a few strings in them) and small."""
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


def jsonl_file(r, size):
    """Customer records as a data team exports them: one JSON object a line, keys as labels."""
    out, n = [], 0
    while n < size:
        line = (f'{{"id": {r.randint(1, 10**7)}, "ho_ten": "{name(r)}", "so_cccd": "{cccd(r)}", '
                f'"sdt": "{phone(r)}", "email": "nv{r.randint(1, 99999)}@congty-vidu.vn", '
                f'"ngay_sinh": "{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1950, 2010)}", '
                f'"trang_thai": "{r.choice(["mới", "đã xử lý", "chờ duyệt"])}", "ghi_chu": "{r.choice(PROSE)[:48]}"}}\n')
        out.append(line)
        n += len(line.encode())
    return "".join(out)


def binary_file(r, size):
    """Bytes as an executable or a database page holds them: mostly NUL and random bytes, with a
    printable string now and then (a log line, a record, a path) as strings(1) would find."""
    out, n = bytearray(), 0
    while n < size:
        block = bytearray(r.getrandbits(8) for _ in range(r.randint(64, 512)))
        block[r.randint(0, len(block) - 1)] = 0
        block += b"\0" * r.randint(1, 64)
        if r.random() < 0.2:
            block += (record(r) if r.random() < 0.5 else r.choice(PROSE)).encode() + b"\0"
        out += block
        n += len(block)
    return bytes(out[:size])


def prose_as(kind, text):
    """Prose written as Markdown, a log or an HTML page."""
    lines = text.split("\n")
    if kind == "md":
        return "".join(("## " if i % 40 == 0 else "- " if i % 7 == 3 else "") + l + "\n" for i, l in enumerate(lines))
    if kind == "log":
        return "".join(f"2026-11-{i % 28 + 1:02d}T08:{i % 60:02d}:00Z INFO app[{i % 97}]: {l}\n"
                       for i, l in enumerate(lines))
    if kind == "html":
        body = "".join(f"<p>{l}</p>\n" for l in lines)
        return f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo</title></head>\n<body>\n{body}</body></html>\n'
    return text


def main_kinds(root, total):
    """One folder per kind, in the proportions of the 2 GB share the speed issue measured: prose
    is most of it (1.8 GB), then CSV (96 MB), JSON Lines (73 MB) and binary files (36 MB)."""
    r = random.Random(20261204)
    share = {"prose": 0.86, "csv": 0.05, "jsonl": 0.035, "binary": 0.02}
    for kind, part in share.items():
        sub = os.path.join(root, kind)
        os.makedirs(sub, exist_ok=True)
        written, i = 0, 0
        while written < total * part:
            size = min(r.choice([64, 256, 1024, 4096, 8192]) * 1024, int(total * part) - written + 1)
            if kind == "prose":
                ext = ["txt", "md", "log", "html"][i % 4]
                data = prose_as(ext, prose_file(r, size)).encode()
            elif kind == "csv":
                ext, data = "csv", csv_file(r, size).encode()
            elif kind == "jsonl":
                ext, data = "jsonl", jsonl_file(r, size).encode()
            else:
                ext, data = ["bin", "dat", "so", "pak"][i % 4], binary_file(r, min(size, 1024 * 1024))
            with open(os.path.join(sub, f"f{i:05d}.{ext}"), "wb") as f:
                f.write(data)
            written += len(data)
            i += 1
        print(f"{kind}: {i} files, {written / 1048576:.0f} MiB")
    main_small(os.path.join(root, "small"), total * 35 // 1000)


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
    if "--kinds" in sys.argv:
        return main_kinds(root, total)
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
