/* The engine on small texts: every detector finds its positives, skips its decoys, and scores
 * confidence from context; overlaps resolve to one finding per value. */
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "tests/unit/check.h"

#define MAX_FOUND 64

static struct pd_finding found[MAX_FOUND];
static size_t n_found;

static bool collect(void *arg, struct pd_finding *f)
{
    if (n_found < MAX_FOUND)
        found[n_found++] = *f;
    else
        pd_finding_clear(f);
    return true;
}

static void reset(void)
{
    for (size_t i = 0; i < n_found; i++)
        pd_finding_clear(&found[i]);
    n_found = 0;
}

static struct pd_engine *engine;
static struct pd_engine_scratch *scratch;
static struct pd_text text;

static void scan_bytes_with(struct pd_engine_scratch *s, const char *input, size_t n)
{
    reset();
    bool truncated;
    pd_text_build(&text, (const unsigned char *)input, n, PD_ENC_UTF8);
    pd_engine_scan(s, &text, 0, n, SIZE_MAX, collect, NULL, &truncated);
}

static void scan_with(struct pd_engine_scratch *s, const char *input) { scan_bytes_with(s, input, strlen(input)); }

static void scan(const char *input) { scan_with(scratch, input); }

static const struct pd_finding *find(const char *id)
{
    for (size_t i = 0; i < n_found; i++)
        if (strcmp(found[i].detector->id, id) == 0)
            return &found[i];
    return NULL;
}

static size_t count(const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < n_found; i++)
        n += strcmp(found[i].detector->id, id) == 0;
    return n;
}

static const char *attr(const struct pd_finding *f, const char *key)
{
    for (unsigned i = 0; f && i < f->n_attrs; i++)
        if (strcmp(f->attrs[i].key, key) == 0)
            return f->attrs[i].value;
    return "";
}

#define EXPECT(input, id) \
    do { scan(input); CHECK_MSG(find(id) != NULL, "%s not found in \"%s\"", id, input); } while (0)
#define REJECT(input, id) \
    do { scan(input); CHECK_MSG(find(id) == NULL, "%s wrongly found in \"%s\"", id, input); } while (0)
/* input holding NUL bytes, as binary catalogs do */
#define REJECT_BYTES(input, n, id) \
    do { scan_bytes_with(scratch, input, n); CHECK_MSG(find(id) == NULL, "%s wrongly found in bytes", id); } while (0)

static void test_identifiers(void)
{
    EXPECT("Số CCCD: 001087123456", "vn.cccd");
    CHECK_STR(attr(find("vn.cccd"), "birth_year"), "1987");
    CHECK_STR(attr(find("vn.cccd"), "sex"), "male");
    CHECK_STR(find("vn.cccd")->masked, "001*******56");
    CHECK(find("vn.cccd")->offset == 11 && find("vn.cccd")->length == 12); /* "Số" takes 4 bytes */
    EXPECT("cccd 079 193 001 234", "vn.cccd");
    EXPECT("ID: 0791 9300 1234.", "vn.cccd");
    EXPECT("a,001087123456,b", "vn.cccd"); /* CSV column */
    REJECT("Số CCCD: 003087123456", "vn.cccd");   /* unassigned province */
    REJECT("Số CCCD: 001887123456", "vn.cccd");   /* year 2387 */
    REJECT("Số: 0010871234567", "vn.cccd");       /* 13 digits */
    REJECT("x 00108712345 y", "vn.cccd");         /* 11 digits */
    REJECT("Mã đơn hàng: 001087123456", "vn.cccd"); /* order number */
    /* the label on the value's line decides: the line above it belongs to another cell */
    EXPECT("Mã đơn hàng: 400000017\nSố CCCD: 001087123456", "vn.cccd");
    CHECK(find("vn.cccd")->confidence == 90);
    REJECT("Số CCCD:\nMã đơn hàng: 001087123456", "vn.cccd");
    REJECT("v1.001087123456", "vn.cccd");         /* part of a dotted number */
    REJECT("hash a001087123456", "vn.cccd");      /* glued to letters */

    EXPECT("Số CMND: 123456789", "vn.cmnd");
    REJECT("Số lượng: 123456789", "vn.cmnd");

    EXPECT("MST: 0100109106", "vn.mst");
    EXPECT("Mã số thuế 0314409058-002", "vn.mst");
    CHECK_STR(attr(find("vn.mst"), "form"), "branch");
    REJECT("MST: 0100109107", "vn.mst");

    EXPECT("SĐT 0912345678", "vn.phone");
    EXPECT("gọi +84 912 345 678 nhé", "vn.phone");
    EXPECT("(+84) 912345678", "vn.phone");
    EXPECT("ĐT: 0912.345.678", "vn.phone");
    EXPECT("Tel 024 3825 1234", "vn.phone");
    CHECK_STR(attr(find("vn.phone"), "kind"), "landline");
    REJECT("SĐT 0112345678", "vn.phone");
    REJECT("số 01689123456", "vn.phone"); /* retired 11-digit mobile */

    EXPECT("Thẻ BHYT: HS4010120878811", "vn.bhyt");
    EXPECT("BHYT HS 4 01 0120878811", "vn.bhyt");
    REJECT("mã ZZ4010120878811", "vn.bhyt");
    EXPECT("Mã số BHXH: 0120878811", "vn.bhxh");
    REJECT("Mã số: 0120878811", "vn.bhxh");
    EXPECT("Hộ chiếu số: C1234567", "vn.passport");
    REJECT("Mã hàng: C1234567", "vn.passport");
    EXPECT("Số GPLX: 790123456789", "vn.driving_licence");
    EXPECT("Biển số 30A-123.45", "vn.plate");
    EXPECT("xe 29-B1 123.45", "vn.plate");
    REJECT("Biển số 30I-123.45", "vn.plate");
    REJECT("model 30a-123.45", "vn.plate"); /* lower case is not a plate */
}

static void test_financial_and_generic(void)
{
    EXPECT("Thẻ ATM 9704 3612 3456 7897", "vn.bank_card");
    EXPECT("card 4111 1111 1111 1111", "card.pan");
    EXPECT("4111111111111111", "card.pan");
    REJECT("4111111111111112", "card.pan");       /* Luhn */
    REJECT("41111 11111 11111 1", "card.pan");     /* not card grouping */
    EXPECT("thẻ 4111-1111-1111-1111 hết hạn 12/27", "card.pan");
    EXPECT("Amex 3782 822463 10005", "card.pan");     /* 4-6-5 */
    EXPECT("4111 1111 1111 1111 110", "card.pan");  /* 19 digits, 4-4-4-4-3 */
    REJECT("41 11 11 11 11 11 11 11", "card.pan");
    EXPECT("STK: 0451000123456", "vn.bank_account");
    EXPECT("https://img.vietqr.io/image/970436-0451000123456-compact.png", "vn.bank_account");
    REJECT("Mã số 0451000123456", "vn.bank_account");

    EXPECT("mail an.nguyen@congty.vn.", "email");
    CHECK_STR(find("email")->masked, "a***@congty.vn");
    REJECT("logo@2x.png", "email");
    /* the local part is at most 64 characters (RFC 5321), found whole wherever it starts */
    EXPECT("x, aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234@congty.vn", "email");
    CHECK(find("email")->offset == 3 && find("email")->length == 74);
    REJECT("x, aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff12345@congty.vn", "email");
    EXPECT("Lien he: a@b.vn, c@d.vn", "email");
    CHECK(count("email") == 2);
    EXPECT("from 203.113.1.5 at", "ip");
    CHECK_STR(attr(find("ip"), "scope"), "public");
    REJECT("version 1.2.3.4", "ip");
    REJECT("1.2.3.4.5", "ip");

    EXPECT("Ngày sinh: 12/05/1987", "dob");
    CHECK_STR(attr(find("dob"), "birth_year"), "1987");
    EXPECT("Sinh ngày 05 tháng 3 năm 2020", "dob");
    REJECT("Ngày sinh: 31/02/1987", "dob");
    REJECT("Ngày ký: 12/05/1987", "dob");
}

static void test_labelled(void)
{
    scan("Họ và tên: Nguyễn Văn An sinh năm 1987");
    CHECK(count("person_name") == 1);
    CHECK_STR(find("person_name") ? find("person_name")->masked : "", "N*** V*** A***");
    REJECT("Họ và tên: nguyễn văn an", "person_name");
    REJECT("Họ tên: Smith John", "person_name"); /* not a Vietnamese surname */
    EXPECT("Địa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1", "address");
    REJECT("Địa chỉ email: an@example.com", "address");
    EXPECT("Dân tộc: Tày", "vn.ethnicity");
    REJECT("dân tộc: kinh tế", "vn.ethnicity");
    /* a name that begins another is not taken for it: the value is the whole name */
    EXPECT("Dân tộc: Cơ Lao", "vn.ethnicity");
    CHECK(find("vn.ethnicity")->length == strlen("Cơ Lao"));
    EXPECT("Dân tộc: Mảng", "vn.ethnicity");
    CHECK(find("vn.ethnicity")->length == strlen("Mảng"));
    EXPECT("Tôn giáo: Công giáo", "vn.religion");
    REJECT("Tôn giáo: Không", "vn.religion");
    EXPECT("Chẩn đoán: Viêm phổi", "vn.health");
    REJECT("Chẩn đoán: Không", "vn.health");
    EXPECT("Vân tay: mẫu 0x4f3a", "vn.biometric");
    /* "fingerprint" in English: a person's, or a key's digest, a format string, a declared type */
    EXPECT("Employee: Tran Thi Binh\nFingerprint: enrolled on 2024-03-01", "vn.biometric");
    EXPECT("Dữ liệu vân tay: 3fa2c4d5e6f708192a3b4c5d6e7f8091", "vn.biometric"); /* a template in hex */
    REJECT("# SHA256 Fingerprint: eb:d4:10:40:e4:bb:3e:c7:42:c9:e3:81:d3:1e:f2:a4", "vn.biometric");
    REJECT("Primary key fingerprint: 3C5F 8100 4A1B 22C7 99D2", "vn.biometric");
    REJECT("fingerprint: 3c5f81004a1b22c799d2e6f7a8b9c0d1", "vn.biometric");
    REJECT("has the fingerprint: %s", "vn.biometric");
    REJECT("    Property fingerprint : String Index 8 Read Ffingerprint;", "vn.biometric");
    REJECT("    fingerprint: str = None", "vn.biometric");
    REJECT("  fingerprint: '01:02:59:D9:C3:D2:0D:08:F7:82:4E:44:A4:B4:53:C5',", "vn.biometric");
    REJECT("  gnutls_fingerprint:=nil;", "vn.biometric");
    REJECT("    _gnutls_openpgp_send_fingerprint: remove unused declaration", "vn.biometric");
    REJECT("* with-fingerprint:                      GPG Input and Output.", "vn.biometric");
    EXPECT("Tiền án: 01 tiền án về tội trộm cắp", "vn.criminal_record");
    REJECT("Tiền sử: hen suyễn", "vn.criminal_record"); /* medical history, not a record */
    EXPECT("Địa chỉ thường trú: 12 Lê Lợi, Quận 1\nSố CMND cũ 012345678, CMND mới: 023 456 789", "address");
    CHECK(find("address")->length == strlen("12 Lê Lợi, Quận 1"));
    CHECK(count("vn.cmnd") == 2);
    EXPECT("Ngày sinh: 12/05/1987; ngày cấp: 01/01/2020", "dob");
    CHECK(count("dob") == 1 && find("dob")->length == strlen("12/05/1987"));
    REJECT("Số hộ chiếu: C12345678", "vn.passport"); /* one digit too many */
    EXPECT("Mật khẩu: Hunter2024!", "vn.credentials");
    CHECK_STR(find("vn.credentials")->masked, "***"); /* not even the first character */
    REJECT("password: ********", "vn.credentials");
    REJECT("password=${DB_PASSWORD}", "vn.credentials");
    /* code and usage texts name passwords without holding one; a real one on a command line counts */
    EXPECT("mysql --user=root --password=S3cret!2024 hr", "vn.credentials");
    REJECT("procedure make_scrambled_password(toarg, passwd : Pchar);", "vn.credentials");
    REJECT("    UserName: LPWSTR;", "vn.credentials");
    REJECT("  url, netloc, url_user_password = split_auth_netloc_from_url(", "vn.credentials");
    REJECT("  -U, --username=USERNAME   user name to connect as", "vn.credentials");
    REJECT_BYTES("login:\0role:\0", 14, "vn.credentials");
    REJECT("        self.key_password = key_password", "vn.credentials");
    REJECT("passwd: password unchanged", "vn.credentials");
    EXPECT("password: my_pass_2024", "vn.credentials");
    EXPECT("username: svc_user01", "vn.credentials");
}

static void test_markings(void)
{
    EXPECT("Số: 15/BC-CAT\nTỐI MẬT\nBÁO CÁO", "vn.secret_mark");
    CHECK_STR(attr(find("vn.secret_mark"), "level"), "toi_mat");
    CHECK(find("vn.secret_mark")->confidence >= 90);
    EXPECT("  TUYỆT MẬT  \n", "vn.secret_mark");
    CHECK_STR(attr(find("vn.secret_mark"), "level"), "tuyet_mat");
    EXPECT("MẬT\n", "vn.secret_mark");
    EXPECT("Độ mật: Tối mật\n", "vn.secret_mark");
    CHECK_STR(attr(find("vn.secret_mark"), "position"), "field");
    EXPECT("Số: 15/BC-CAT        MẬT\n", "vn.secret_mark");
    EXPECT("TUYET MAT\n", "vn.secret_mark"); /* accent-less, lower confidence */
    CHECK(find("vn.secret_mark")->confidence < 80);
    /* decoys: values of the right shape that fail a check (docs/detectors.md) */
    REJECT("Vui lòng nhập mật khẩu\n", "vn.secret_mark");
    REJECT("MẬT KHẨU\n", "vn.secret_mark");
    REJECT("Chính sách bảo mật\n", "vn.secret_mark");
    REJECT("BẢO MẬT\n", "vn.secret_mark");
    REJECT("mật ong rừng\n", "vn.secret_mark");
    REJECT("Mật\n", "vn.secret_mark");            /* not upper case, not a field */
    REJECT("MẶT\n", "vn.secret_mark");            /* another word with other accents */
    REJECT("bí mật kinh doanh\n", "vn.secret_mark");
    REJECT("Phim hay tháng này:\nTUYỆT MẬT\n", "vn.secret_mark"); /* the film */
    REJECT("Bộ phim \"Tuyệt mật\" ra mắt\n", "vn.secret_mark");
    EXPECT("TÀI LIỆU THU HỒI", "vn.secret_recall");
    REJECT("đã tải tài liệu thu hồi từ máy chủ", "vn.secret_recall");
    EXPECT("Chỉ người có tên mới được bóc bì", "vn.secret_named_only");
    EXPECT("\nGIẢI MẬT\n", "vn.secret_declassified");
    REJECT("đề nghị giải mật tài liệu\n", "vn.secret_declassified");
}

static void test_overlaps_and_context(void)
{
    /* a phone and a tax code may share digits: one finding per span, the more confident */
    scan("SĐT: 0912345678");
    CHECK(n_found == 1 && find("vn.phone"));
    scan("SĐT: 0912345678 và SĐT: 0912345678");
    CHECK(count("vn.phone") == 2);
    CHECK(memcmp(found[0].value_hash, found[1].value_hash, 32) == 0);
    /* the same number in two written forms hashes the same */
    scan("0912 345 678 / +84912345678");
    CHECK(count("vn.phone") == 2 && memcmp(found[0].value_hash, found[1].value_hash, 32) == 0);
    scan("xyz 001087123456");
    int bare = find("vn.cccd") ? find("vn.cccd")->confidence : -1;
    scan("Số CCCD: 001087123456");
    int labelled = find("vn.cccd") ? find("vn.cccd")->confidence : -1;
    CHECK(bare > 0 && labelled > bare);
    CHECK(strcmp(pd_confidence_name(labelled), "high") == 0);
    /* no clear value unless asked */
    CHECK(find("vn.cccd")->clear == NULL);
    /* documentation domains (RFC 2606) weigh less, wherever ".example" or "@example." is */
    scan("Liên hệ: an.nguyen@congty-vidu.vn");
    int real = find("email") ? find("email")->confidence : -1;
    const char *docs[] = {"Liên hệ: an.nguyen@example.com", "Liên hệ: an.nguyen@mail.example.org",
                          "Liên hệ: an.example@congty.vn"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        scan(docs[i]);
        CHECK(find("email") && find("email")->confidence == real - 30);
    }
    scan("Liên hệ: an@examplecorp.vn"); /* "@example." needs the dot */
    CHECK(find("email") && find("email")->confidence == real);
}

static void test_options(void)
{
    struct pd_diag diag;
    struct pd_engine *e2;
    struct pd_engine_scratch *s2;
    const unsigned char other_key[] = "another key of sixteen bytes";
    struct pd_engine_options o = {.enable = "vn.cccd,state_secret", .reveal = true, .min_confidence = 80,
                                  .key = other_key, .key_len = sizeof other_key - 1};
    CHECK(pd_engine_create(&o, &e2, &diag) == PD_OK);
    size_t n;
    pd_engine_detectors(e2, &n);
    CHECK(n == 5);
    CHECK(pd_engine_scratch_create(e2, &s2, &diag) == PD_OK);
    scan("Số CCCD: 001087123456");
    char hash_default[33];
    memcpy(hash_default, found[0].value_hash, 33);
    scan_with(s2, "Số CCCD: 001087123456 SĐT 0912345678\nMẬT\n");
    CHECK(count("vn.cccd") == 1 && count("vn.phone") == 0 && count("vn.secret_mark") == 1);
    CHECK(find("vn.cccd")->clear && strcmp(find("vn.cccd")->clear, "001087123456") == 0);
    CHECK(memcmp(find("vn.cccd")->value_hash, hash_default, 32) != 0); /* keyed */
    char first16[17];
    memcpy(first16, find("vn.cccd")->value_hash, 16);
    first16[16] = '\0';
    CHECK(find("vn.cccd")->value_key == strtoull(first16, NULL, 16)); /* the hash's first 64 bits */
    scan_with(s2, "xyz 001087123456"); /* below --min-confidence 80 */
    CHECK(count("vn.cccd") == 0);
    reset();
    pd_engine_scratch_destroy(s2);
    pd_engine_destroy(e2);

    struct pd_engine_options bad = {.enable = "vn.cccdd"};
    CHECK(pd_engine_create(&bad, &e2, &diag) == PD_ERR_USAGE && strstr(diag.text, "vn.cccdd"));
}

int main(void)
{
    struct pd_diag diag;
    const unsigned char key[] = "unit-test key of 32 bytes.......";
    struct pd_engine_options o = {.key = key, .key_len = 32, .current_year = 2026, .min_confidence = 1};
    if (pd_engine_create(&o, &engine, &diag) != PD_OK || pd_engine_scratch_create(engine, &scratch, &diag) != PD_OK) {
        fprintf(stderr, "engine: %s\n", diag.text);
        return 99;
    }
    pd_text_init(&text, 0);
    test_identifiers();
    test_financial_and_generic();
    test_labelled();
    test_markings();
    test_overlaps_and_context();
    test_options();
    reset();
    pd_text_release(&text);
    pd_engine_scratch_destroy(scratch);
    pd_engine_destroy(engine);
    return check_done();
}
