#!/bin/sh
# A share holding only look-alikes: nothing may be reported, and the exit code says clean.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share/docs"
cat >"$T/share/docs/decoys.txt" <<'TXT'
Vui lòng nhập mật khẩu để tiếp tục.
Chính sách bảo mật của công ty.
BẢO MẬT THÔNG TIN
MẬT KHẨU
Mật ong rừng nguyên chất, mật độ dân số cao, quan hệ thân mật, mật thiết.
Bí mật kinh doanh và bí mật đời tư được tôn trọng.
Bộ phim "Tuyệt mật" ra mắt tháng sau.
Phần mềm đã tải tài liệu thu hồi về máy.
Đề nghị giải mật tài liệu cũ.
MẶT TIỀN
Mã đơn hàng: 001087123456
Số CCCD: 003087123456
Số CCCD: 001887123456
Số: 0010871234567
MST: 0100109107
SĐT: 0112345678
Số cũ: 01689123456
Thẻ: 4111 1111 1111 1112
logo@2x.png
Phiên bản 1.2.3.4
Ngày sinh: 31/02/1987
Họ và tên: nguyễn văn an
Tôn giáo: Không
Chẩn đoán: Không
password: ********
password=${DB_PASSWORD}
Biển số 30I-123.45
TXT
printf 'Phim hay tháng này:\nTUYỆT MẬT\n' >"$T/share/docs/film.txt"
scan "$T/r.json" "$T/share"
expect_rc 0
[ "$(rq "$T/r.json" "len(r['findings'])")" = 0 ] ||
    fail "decoys reported: $(rq "$T/r.json" "[(f['detector'],f['location']['line']) for f in r['findings']]")"
ok
expect_status "$T/r.json" decoys.txt scanned
done_testing
