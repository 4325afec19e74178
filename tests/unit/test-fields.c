/* Structured text read as fields: the label vocabulary, what each reader recognises, the labelled
 * view it writes (offsets back to the input, state carried across windows) and the field paths. */
#include <stdlib.h>
#include <string.h>

#include "text/fields/fields.h"
#include "text/labels.h"
#include "text/text.h"
#include "tests/unit/check.h"

static enum pd_label_kind label(const char *name, char out[PD_LABEL_MAX])
{
    return pd_label_for_field(name, strlen(name), out);
}

static void test_vocabulary(void)
{
    char out[PD_LABEL_MAX];
    static const char *const names[] = {"ho_ten", "hoTen", "HO_TEN", "Họ và tên", "ho va ten", "full_name",
                                        "fullName", "name", "Customer Name", NULL};
    for (int i = 0; names[i]; i++)
        CHECK_MSG(label(names[i], out) == PD_LABEL_KNOWN && strcmp(out, "ho ten") == 0, "%s -> %s", names[i], out);
    CHECK(label("dob", out) == PD_LABEL_KNOWN && strcmp(out, "ngay sinh") == 0);
    CHECK(label("NgaySinh", out) == PD_LABEL_KNOWN && strcmp(out, "ngay sinh") == 0);
    CHECK(label("national_id", out) == PD_LABEL_KNOWN && strcmp(out, "so cccd/cmnd") == 0);
    CHECK(label("passport_no", out) == PD_LABEL_KNOWN && strcmp(out, "so ho chieu") == 0);
    CHECK(label("Tôn giáo", out) == PD_LABEL_KNOWN && strcmp(out, "ton giao") == 0);
    CHECK(label("icd10", out) == PD_LABEL_KNOWN && strcmp(out, "chan doan") == 0);
    /* look-alikes keep their words, in brackets */
    CHECK(label("order_id", out) == PD_LABEL_NOT_PERSONAL && strcmp(out, "(order id)") == 0);
    CHECK(label("ma_don_hang", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("product_name", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("company_name", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("file_name", out) == PD_LABEL_NOT_PERSONAL);
    /* unknown names keep their own words */
    CHECK(label("ghi_chu_them", out) == PD_LABEL_UNKNOWN && strcmp(out, "ghi chu them") == 0);
    /* compounds: whose field, or the field and whose */
    CHECK(label("customer_phone", out) == PD_LABEL_KNOWN && strcmp(out, "sdt") == 0);
    CHECK(label("emp_full_name", out) == PD_LABEL_KNOWN && strcmp(out, "ho ten") == 0);
    CHECK(label("ngay_sinh_kh", out) == PD_LABEL_KNOWN && strcmp(out, "ngay sinh") == 0);
    CHECK(label("so_cccd_nguoi_dai_dien", out) == PD_LABEL_KNOWN && strcmp(out, "so cccd") == 0);
    CHECK(label("sdt_nguoi_than", out) == PD_LABEL_KNOWN && strcmp(out, "sdt") == 0);
    CHECK(label("company_phone", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("shop_name", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("ten_cong_ty", out) == PD_LABEL_NOT_PERSONAL);
    CHECK(label("last_login", out) == PD_LABEL_UNKNOWN); /* a date: never a secret by part of its name */
    CHECK(label("123", out) == PD_LABEL_EMPTY && out[0] == '\0');
    /* a column's type speaks too */
    CHECK(pd_label_for_column("birth_date", "date", out) == PD_LABEL_KNOWN && strcmp(out, "ngay sinh") == 0);
    CHECK(pd_label_for_column("ngay_sinh_kh", "timestamp without time zone", out) == PD_LABEL_KNOWN &&
          strcmp(out, "ngay sinh") == 0);
    CHECK(pd_label_for_column("created_at", "timestamp", out) == PD_LABEL_UNKNOWN);
}

/* The whole view of s, or SIZE_MAX when the reader left s as it is. */
static size_t whole_view(struct pd_fields *f, const char *s, char *out, uint32_t *map)
{
    CHECK(pd_fields_detect(f, s, strlen(s), NULL));
    return pd_fields_view(f, s, strlen(s), NULL, SIZE_MAX, out, map);
}

static void check_view(const char *kind, const char *s, const char *const *want, const char *const *absent)
{
    struct pd_fields *f;
    CHECK(pd_fields_create(&f) == PD_OK);
    char *out = malloc(pd_fields_view_cap(strlen(s)));
    uint32_t *map = malloc(pd_fields_view_cap(strlen(s)) * sizeof *map);
    size_t m = whole_view(f, s, out, map);
    CHECK_MSG(strcmp(pd_fields_kind(f), kind) == 0, "%s read as %s", kind, pd_fields_kind(f));
    CHECK(m != SIZE_MAX);
    if (m == SIZE_MAX)
        m = 0;
    out[m < pd_fields_view_cap(strlen(s)) ? m : 0] = '\0';
    for (int i = 0; want && want[i]; i++)
        CHECK_MSG(strstr(out, want[i]) != NULL, "%s: no [%s] in [%s]", kind, want[i], out);
    for (int i = 0; absent && absent[i]; i++)
        CHECK_MSG(strstr(out, absent[i]) == NULL, "%s: [%s] in [%s]", kind, absent[i], out);
    /* every view byte leads to an input byte, in order */
    bool mapped = true;
    for (size_t i = 0; i < m; i++)
        mapped &= map[i] < strlen(s) && (i == 0 || map[i] >= map[i - 1]);
    CHECK_MSG(mapped, "%s: map out of order", kind);
    free(out);
    free(map);
    pd_fields_destroy(f);
}

static void test_readers(void)
{
    /* delimited: a title above the header, a note row below the data */
    check_view("delimited", "Danh sách nhân viên\n\nho_ten,so_cmnd,ghi_chu\n\"Nguyễn, An\",012345678,x\nBình,023456789,y\nGhi chú: số liệu tháng 3\n",
               (const char *const[]){"ho ten:  Nguyễn, An \n", "so cmnd: 012345678\n", "so cmnd: 023456789", NULL},
               (const char *const[]){"ghi chu: số liệu", "ho ten: Danh", NULL});
    /* a second block with other columns */
    check_view("delimited", "ho_ten;so_cmnd\nAn;012345678\nBinh;023456789\n\nma_don_hang;so_dien_thoai;ghi_chu\nDH1;0912345678;a\nDH2;0912345679;b\n",
               (const char *const[]){"sdt: 0912345678", "(ma don hang): DH1", NULL}, NULL);
    check_view("json", "{\"khach_hang\": [{\"ho_ten\": \"Tr\\u1ea7n \\\"B\\\"\", \"sdt\": 912345678, \"ok\": true}],"
                       " \"patient\": {\"diagnosis\": \"B18.1\"}, \"0912345678\": 1}",
               (const char *const[]){"ho ten: Trần \"B\"\n", "sdt: 912345678\n", "chan doan: B18.1\n",
                                     "0912345678\n", NULL},
               (const char *const[]){"true", "khach_hang", NULL});
    check_view("sql", "CREATE TABLE `nv` (`id` int, `ho_ten` varchar(9), `birth` date, PRIMARY KEY (`id`));\n"
                      "INSERT INTO `nv` VALUES (1,'Lê ''Văn'' An','1985-03-12'),(2,'B\\'C',NULL);\n"
                      "COPY public.kh (id, full_name, religion) FROM stdin;\n1\tHoàng Nam\tPhật giáo\n\\.\n",
               (const char *const[]){"ho ten: Lê 'Văn' An\n", "ngay sinh: 1985-03-12\n", "ho ten: B'C\n",
                                     "ho ten: Hoàng Nam\n", "ton giao: Phật giáo\n", NULL},
               NULL);
    /* "VALUES(" glued to the first tuple, N'...' strings, a function around a value */
    check_view("sql", "INSERT INTO nv (ho_ten, ngay_sinh) VALUES(N'Đỗ Văn Hùng', STR_TO_DATE('12/03/1985', '%d/%m/%Y'));\n",
               (const char *const[]){"\nho ten: Đỗ Văn Hùng\n", "ngay sinh: STR_TO_DATE(12/03/1985", NULL},
               (const char *const[]){"NĐỗ", NULL});
    /* a UTF-8 export's BOM is no part of its first column's name */
    check_view("delimited", "\xEF\xBB\xBFho_ten,so_cmnd\r\nAn Binh,012345678\r\nC D,023456789\r\n",
               (const char *const[]){"ho ten: An Binh\n", NULL}, NULL);
    {
        const char *bom = "\xEF\xBB\xBFho_ten,so_cmnd\r\nAn Binh,012345678\r\nC D,023456789\r\n";
        struct pd_fields *f;
        CHECK(pd_fields_create(&f) == PD_OK);
        char out[256];
        uint32_t map[256];
        CHECK(whole_view(f, bom, out, map) != SIZE_MAX);
        const char *field = pd_fields_field_at(f, (size_t)(strstr(bom, "An Binh") - bom));
        CHECK_MSG(field && strcmp(field, "ho_ten") == 0, "[%s]", field ? field : "(none)"); /* no BOM in the name */
        pd_fields_destroy(f);
    }
    check_view("text", "Danh sách:\n\nSTT | Họ và tên | Ngày sinh\n--- | --- | ---\n1 | Lê Văn Cường | 12/03/1985\n"
                       "\nfull_name=Trần Văn B\nuser=x password=Secr3t! ok=1\n<HoTen>Đỗ Thị C</HoTen>\n"
                       "<table><tr><th>Họ tên</th><th>Dân tộc</th></tr><tr><td>An</td><td>Tày</td></tr></table>\n",
               (const char *const[]){"ho ten: Lê Văn Cường\n", "ngay sinh: 12/03/1985\n", "ho ten: Trần Văn B\n",
                                     "mat khau: Secr3t!\n", "ho ten: Đỗ Thị C\n", "dan toc: Tày\n", NULL},
               (const char *const[]){"ho ten: Họ", NULL});
    /* prose is left as it is */
    struct pd_fields *f;
    CHECK(pd_fields_create(&f) == PD_OK);
    char out[512];
    uint32_t map[512];
    CHECK(whole_view(f, "Kính gửi: các phòng, ban.\nNội dung như sau.\n", out, map) == SIZE_MAX);
    pd_fields_destroy(f);
}

/* A field name that may be data is reported as "*": a JSON object keyed by people's names or
 * phone numbers puts no value into location.field. */
static void test_reported_paths(void)
{
    const char *s = "{\"contacts\": {\"0912345678\": {\"note\": \"a\"}, \"Nguyễn Văn An\": {\"sdt\": \"0987654321\"}}, "
                    "\"ho_ten\": \"Trần B\"}";
    struct pd_fields *f;
    CHECK(pd_fields_create(&f) == PD_OK);
    char out[512];
    uint32_t map[512];
    CHECK(whole_view(f, s, out, map) != SIZE_MAX);
    const char *sdt = pd_fields_field_at(f, (size_t)(strstr(s, "0987654321") - s));
    CHECK_MSG(sdt && strcmp(sdt, "contacts.*.sdt") == 0, "%s", sdt ? sdt : "(none)");
    const char *note = pd_fields_field_at(f, (size_t)(strstr(s, "\"a\"") - s) + 1);
    CHECK_MSG(note && strcmp(note, "contacts.*.note") == 0, "%s", note ? note : "(none)");
    const char *name = pd_fields_field_at(f, (size_t)(strstr(s, "Trần") - s));
    CHECK(name && strcmp(name, "ho_ten") == 0);
    pd_fields_destroy(f);
}

/* The view of s built in windows of W bytes overlapping by O must give the bytes each window owns
 * (from `from` into it up to where the next starts, less `keep` before that) what the whole view
 * gives them, and record the same field for each. */
static bool windows_agree(const char *s, size_t W, size_t O, size_t from)
{
    size_t n = strlen(s), cap = pd_fields_view_cap(n);
    struct pd_fields *whole, *f;
    pd_fields_create(&whole);
    pd_fields_create(&f);
    char *out = malloc(cap), *part = malloc(cap);
    uint32_t *map = malloc(cap * sizeof *map), *pmap = malloc(cap * sizeof *pmap);
    size_t m = whole_view(whole, s, out, map);
    bool same = m != SIZE_MAX && pd_fields_detect(f, s, n, NULL);
    for (size_t base = 0; same; base += W - O) {
        size_t len = n - base < W ? n - base : W;
        size_t resume = base + len < n ? len - O : SIZE_MAX;
        size_t pm = pd_fields_view(f, s + base, len, NULL, resume, part, pmap);
        size_t lo = base ? from : 0, hi = base + len < n ? len - O : len;
        size_t a = 0, pa = 0;
        while (a < m && map[a] < base + lo)
            a++;
        while (pm != SIZE_MAX && pa < pm && pmap[pa] < lo)
            pa++;
        size_t b = a, pb = pa;
        while (b < m && map[b] < base + hi)
            b++;
        while (pm != SIZE_MAX && pb < pm && pmap[pb] < hi)
            pb++;
        if (pm == SIZE_MAX)
            same = false;
        else
            same = pb - pa == b - a && memcmp(part + pa, out + a, pb - pa) == 0;
        for (size_t k = 0; same && k < pb - pa; k++)
            same = pmap[pa + k] + base == map[a + k];
        for (size_t k = lo; same && k < hi; k++) {
            const char *x = pd_fields_field_at(f, k), *y = pd_fields_field_at(whole, base + k);
            same = (!x && !y) || (x && y && strcmp(x, y) == 0);
        }
        if (!same)
            fprintf(stderr, "windows of %zu by %zu differ at %zu: [%.*s] / [%.*s]\n", W, O, base,
                    (int)(pb - pa), part + pa, (int)(b - a), out + a);
        if (base + len >= n)
            break;
        pd_fields_next_window(f);
    }
    free(out);
    free(part);
    free(map);
    free(pmap);
    pd_fields_destroy(whole);
    pd_fields_destroy(f);
    return same;
}

static void test_windows(void)
{
    /* byte by byte readers: any cut */
    static const char *const exact[] = {
        "ho_ten,so_cmnd,ghi_chu\n\"Nguyễn, An\",012345678,\"a \"\"b\"\",\nc\"\nBình,,x\n",
        "[{\"ho_ten\": \"A\\u1ea7n\", \"sdt\": 912345678, \"x\": {\"cmnd\": \"012345678\"}}, {\"ho_ten\": \"B\"}]\n",
        "INSERT INTO t (ho_ten, cmnd) VALUES ('Lê ''A''',012345678),('B\\'C',NULL);\nCOPY t (ho_ten) FROM stdin;\nAn\n\\.\n",
        NULL};
    bool same = true;
    for (int i = 0; exact[i]; i++)
        for (size_t W = 12; W < 48 && same; W++)
            for (size_t O = 4; O <= W / 2 && same; O++)
                same = windows_agree(exact[i], W, O, 0);
    CHECK(same);
    /* line by line: a window owns what starts past half its overlap, longer than any line here */
    const char *lines = "Tiêu đề\nA | Ho ten | So CMND\n1 | Lê An | 012345678\n2 | Bình | 023456789\n"
                        "x\nfull_name=Trần B\nuser=a password=Xy9!\n";
    same = true;
    for (size_t W = 80; W < 140 && same; W++)
        for (size_t O = 64; O <= W / 2 && same; O++)
            same = windows_agree(lines, W, O, O / 2);
    CHECK(same);
}

/* Offsets of findings are the file's: the text views map through the labelled view, in UTF-16 too. */
static void test_text_offsets(void)
{
    const char *s = "ho_ten,so_cmnd\nAn,012345678\n";
    struct pd_fields *f;
    CHECK(pd_fields_create(&f) == PD_OK);
    CHECK(pd_fields_detect(f, s, strlen(s), NULL));
    struct pd_text t;
    pd_text_init(&t, 0);
    t.fields = f;
    t.fields_resume = SIZE_MAX;
    CHECK(pd_text_build(&t, (const unsigned char *)s, strlen(s), PD_ENC_UTF8) == PD_OK);
    const char *v = strstr(t.fold, "012345678");
    CHECK(v && strstr(t.fold, "so cmnd: 012345678") != NULL);
    CHECK(v && pd_text_raw_offset(&t, (size_t)(v - t.fold)) == (size_t)(strstr(s, "012345678") - s));
    CHECK(pd_text_raw_offset(&t, t.fold_len) == strlen(s));
    CHECK(pd_fields_field_at(f, (size_t)(strstr(s, "012345678") - s)) &&
          strcmp(pd_fields_field_at(f, (size_t)(strstr(s, "012345678") - s)), "so_cmnd") == 0);
    /* the same in UTF-16LE: offsets are the UTF-16 file's */
    unsigned char u16[128];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        u16[2 * i] = (unsigned char)s[i];
        u16[2 * i + 1] = 0;
    }
    CHECK(pd_fields_detect(f, s, n, NULL));
    CHECK(pd_text_build(&t, u16, 2 * n, PD_ENC_UTF16LE) == PD_OK);
    v = strstr(t.fold, "so cmnd: 012345678");
    CHECK(v && pd_text_raw_offset(&t, (size_t)(v - t.fold) + 9) == 2 * (size_t)(strstr(s, "012345678") - s));
    pd_text_release(&t);
    pd_fields_destroy(f);
}

int main(void)
{
    test_vocabulary();
    test_readers();
    test_reported_paths();
    test_windows();
    test_text_offsets();
    return check_done();
}
