/* Personal and sensitive data known by its label (birth date, name, address, ethnicity, religion,
 * health, biometrics, criminal record, credentials): entries and checks. */
#include "detectors/family-int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "detectors/validators.h"

static bool check_dob(struct pd_candidate *c)
{
    int v[3], k = 0;
    const char *f = fold_at(c);
    for (size_t i = c->start; i < c->end && k < 3;) {
        if (f[i] >= '0' && f[i] <= '9') {
            long x = 0;
            size_t len = 0;
            while (i < c->end && f[i] >= '0' && f[i] <= '9' && len < 5) {
                x = x * 10 + (f[i++] - '0');
                len++;
            }
            v[k++] = (int)x;
        } else {
            i++;
        }
    }
    if (k != 3)
        return false;
    int d = v[0], m = v[1], y = v[2];
    if (v[0] > 999) { /* ISO yyyy-mm-dd */
        y = v[0];
        d = v[2];
    }
    if (!pd_valid_date(d, m, y, c->current_year))
        return false;
    snprintf(c->norm, sizeof c->norm, "%04d-%02d-%02d", y, m, d);
    pd_check_set_attr(c, "birth_year", y, 0);
    return true;
}

static bool check_name(struct pd_candidate *c)
{
    static const char surnames[] =
        "nguyen|tran|le|pham|hoang|huynh|phan|vu|vo|dang|bui|do|ho|ngo|duong|ly|dinh|dao|trinh|"
        "truong|luong|mai|ha|lam|doan|phung|ta|cao|trieu|to|quach|chu|la|luu|tang|thai|van|kieu|"
        "giang|tong|khuc|chau|quan|an|bach|lac|nong|thach|trang";
    /* first word must be a common surname */
    const char *f = fold_at(c);
    size_t w = c->start;
    while (w < c->end && f[w] != ' ')
        w++;
    struct pd_candidate first = *c;
    first.end = w;
    if (!pd_check_span_in_list(&first, surnames))
        return false;
    /* every word capitalised in the original */
    char orig[160];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    bool word_start = true;
    for (const char *p = orig; *p;) {
        if (*p == ' ') {
            word_start = true;
            p++;
            continue;
        }
        if (word_start && !pd_text_starts_upper(p))
            return false;
        word_start = false;
        p++;
    }
    return true;
}

static bool check_address(struct pd_candidate *c)
{
    static const char *admin[] = {"phuong", "xa", "quan", "huyen", "tinh", "thanh pho", "tp",
                                  "thi xa", "thi tran", "thon", "ap", "to", "khu pho", "duong",
                                  "so nha", "ngo", "ngach", "hem", "kiet", "street", "ward",
                                  "district", "province", "city", "village", "p", "q", NULL};
    pd_check_trim_end(c);
    if (c->end - c->start < 6)
        return false;
    const char *f = fold_at(c);
    for (int i = 0; admin[i]; i++) {
        size_t n = strlen(admin[i]);
        for (size_t p = c->start; p + n <= c->end; p++) {
            if (memcmp(f + p, admin[i], n) != 0)
                continue;
            bool left = p == c->start || !isalnum((unsigned char)f[p - 1]);
            bool right = p + n == c->end || !isalpha((unsigned char)f[p + n]);
            if (left && right)
                return true;
        }
    }
    return false;
}

/* A value that is a redaction's placeholder, not data: "<SUC_KHOE>", "[da xoa]", "***" (what
 * pdpscan redact and others write after a label). */
static bool placeholder(const struct pd_candidate *c)
{
    const char *f = fold_at(c) + c->start;
    size_t n = c->end - c->start;
    while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '.' || f[n - 1] == ','))
        n--;
    if (n >= 2 && ((f[0] == '<' && f[n - 1] == '>') || (f[0] == '[' && f[n - 1] == ']')))
        return true;
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += f[i] == '*';
    return n > 0 && stars * 2 >= n; /* mostly stars: masked */
}

static bool check_capitalised_value(struct pd_candidate *c)
{
    if (placeholder(c))
        return false;
    char orig[64];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    return pd_text_starts_upper(orig);
}

static bool check_labelled_value(struct pd_candidate *c)
{
    pd_check_trim_end(c);
    if (c->end - c->start < 2 || placeholder(c))
        return false;
    return !pd_check_span_in_list(c, NONE_VALUES);
}

/* A labelled value that reads as source code or a binary catalog, not as data: "passwd :
 * Pchar;", "fingerprint:=nil;", "password = split_auth(", "login:\0role:". */
static bool reads_as_code(const struct pd_candidate *c)
{
    const char *f = fold_at(c) + c->start;
    size_t n = c->end - c->start;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f[i] < 0x20)
            return true;
    return n == 0 || f[0] == '=' || strchr(";(,)", f[n - 1]); /* an assignment, a declaration or a call */
}

/* The English label "fingerprint" is, in files about keys and certificates, a digest and not a
 * finger: "SHA256 Fingerprint: eb:d4:10:...", "Key fingerprint: %s", "fingerprint : String;" in
 * code. The Vietnamese labels (vân tay...) have no such second sense. */
static bool check_biometric(struct pd_candidate *c)
{
    if (!check_labelled_value(c))
        return false;
    const char *fold = fold_at(c);
    size_t ls = c->start;
    while (ls > 0 && fold[ls - 1] != '\n' && c->start - ls < 80)
        ls--;
    char line[96];
    size_t k = c->start - ls; /* at most 80 */
    for (size_t i = 0; i < k; i++)
        line[i] = fold[ls + i] ? fold[ls + i] : ' '; /* NUL bytes of a binary catalog */
    line[k] = '\0';
    while (k > 0 && strchr(" \t:", line[k - 1]))
        line[--k] = '\0';
    if (k < 11 || strcmp(line + k - 11, "fingerprint") != 0)
        return true;
    if (k > 11 && (line[k - 12] == '_' || line[k - 12] == '-'))
        return false; /* the end of a name: "gnutls_fingerprint :", "with-fingerprint:" */
    if (reads_as_code(c))
        return false;
    static const char *const digests[] = {"md5", "sha1", "sha-1", "sha256", "sha-256", "sha 256", "key",
                                          "certificate", "ssh", NULL};
    for (int i = 0; digests[i]; i++)
        if (strstr(line, digests[i]))
            return false;
    const char *f = fold + c->start;
    size_t n = c->end - c->start, hex = 0, seps = 0;
    for (size_t i = 0; i < n; i++)
        if (isxdigit((unsigned char)f[i]))
            hex++;
        else if (strchr(": '\"", f[i]))
            seps++;
    if (hex >= 16 && hex + seps == n) /* a digest in hex, in pairs or not, quoted or not */
        return false;
    if (f[0] == '%')
        return false; /* a format string */
    static const char *const types[] = {"string", "str", "text", "bool", "boolean", "int", "integer", "bytes",
                                        "varchar", "char", "blob", NULL};
    size_t word = 0;
    while (word < n && isalpha((unsigned char)f[word]))
        word++;
    for (int i = 0; types[i]; i++)
        if (strlen(types[i]) == word && memcmp(f, types[i], word) == 0)
            return false; /* a declared type: "fingerprint : String;" */
    return true;
}

static bool check_criminal_record(struct pd_candidate *c)
{
    /* "Tiền sử:" (medical history) folds like "Tiền sự:" (prior offences): look at the label */
    size_t from = c->start > 24 ? c->start - 24 : 0;
    char label[96];
    pd_text_original(c->text, from, c->start, label, sizeof label);
    if (strstr(label, "sử") || strstr(label, "Sử") || strstr(label, "SỬ"))
        return false;
    pd_check_trim_end(c);
    if (c->end - c->start < 2 || placeholder(c))
        return false;
    if (pd_check_span_in_list(c, NONE_VALUES))
        c->confidence = 40;
    return true;
}

/* Source code and message catalogs name passwords without holding one: "passwd : Pchar;",
 * "UserName: LPWSTR;", "password = split_auth(", "self.password = key_password", "--username=USERNAME"
 * in a usage text, "login:\0role:" in a binary catalog. */
static bool credential_in_code(const struct pd_candidate *c)
{
    const char *fold = fold_at(c), *f = fold + c->start;
    size_t n = c->end - c->start;
    if (reads_as_code(c))
        return true;
    size_t p = c->start;
    while (p > 0 && strchr(" \t:=", fold[p - 1]))
        p--;
    size_t label_end = p;
    while (p > 0 && (isalnum((unsigned char)fold[p - 1]) || fold[p - 1] == '-' || fold[p - 1] == '_'))
        p--;
    size_t label = label_end - p;
    /* a variable named after the label: "password = key_password" */
    bool identifier = memchr(f, '_', n) != NULL;
    for (size_t i = 0; i < n && identifier; i++)
        identifier = isalnum((unsigned char)f[i]) || f[i] == '_' || f[i] == '.';
    if (identifier && label >= 3 && memmem(f, n, fold + p, label))
        return true;
    if (label < 3 || fold[p] != '-' || fold[p + 1] != '-')
        return false;
    char value[136];
    pd_text_original(c->text, c->start, c->end, value, sizeof value);
    for (const char *v = value; *v; v++)
        if (!isupper((unsigned char)*v) && *v != '_' && *v != '-')
            return false;
    return true; /* an option's placeholder: "--password=PASSWORD" */
}

static bool check_credential(struct pd_candidate *c)
{
    if (credential_in_code(c))
        return false;
    const char *f = fold_at(c) + c->start;
    size_t n = c->end - c->start;
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += f[i] == '*' || f[i] == 'x' || f[i] == '.';
    if (stars == n)
        return false;
    if (f[0] == '<' || f[0] == '$' || f[0] == '{' || f[0] == '%' || f[0] == '[')
        return false;
    /* placeholders, and a label repeated as its own value ("passwd: password unchanged") */
    return !pd_check_span_in_list(c, "null|none|undefined|khong|required|optional|string|true|false|yes|no|"
                            "password|passwd|pwd|pass|username|user|login|secret|record|str|text|int");
}

const struct pd_detector pd_family_labelled[] = {
    {.id = "dob", .category = PD_CAT_BASIC, .description = "Date of birth after a label (Ngày sinh, DOB...)",
     .label = "ngay thang nam sinh|ngay sinh|sinh ngay|dob|d\\.o\\.b\\.?|date of birth|birth ?date|birthday|born on",
     .pattern = "[^0-9\\n]{0,16}(?<v>\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2} thang \\d{1,2},? nam \\d{4})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 80, .validate = check_dob,
     .mask = PD_MASK_DIGITS, .base_confidence = 85},
    {.id = "person_name", .category = PD_CAT_BASIC,
     .description = "Vietnamese full name after a label (Họ và tên, Full name...)",
     /* no .label: the validator picks among the ends (how many words are capitalised), so
      * Hyperscan reports every end it could be */
     .pattern = "(?:ho va ten|ho ten|ho & ten|ten khach hang|ten nhan vien|ten benh nhan|nguoi lien he|chu tai khoan|full name|customer name|patient name)"
                "[ \\t]*:[ \\t]*(?<v>[a-z]+(?: [a-z]+){1,4})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 120, .validate = check_name,
     .mask = PD_MASK_WORDS, .base_confidence = 80},
    {.id = "address", .category = PD_CAT_BASIC,
     .description = "Postal address after a label (Địa chỉ, thường trú, quê quán...)",
     .label = "dia chi thuong tru|dia chi tam tru|dia chi lien he|dia chi|noi thuong tru|thuong tru|tam tru|que quan|noi o hien tai|noi o|address",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{6,200})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 260, .validate = check_address,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.ethnicity", .category = PD_CAT_SENSITIVE, .description = "Ethnic group after a \"Dân tộc:\" label",
     /* no .label: names that begin other names (Cơ, Cơ Lao) need every end Hyperscan finds */
     .pattern = "dan toc[ \\t]*:[ \\t]*(?<v>kinh|tay|thai|muong|khmer|hoa|nung|h'?mong|mong|dao|gia ?rai|e ?de|ba ?na|xo ?dang|san chay|co ho|cham|"
                "san diu|hre|ra ?glai|m'?nong|x'?tieng|bru[- ]van kieu|tho|giay|co tu|gie[- ]trieng|ma|kho ?mu|co|ta ?oi|cho ?ro|khang|"
                "xinh ?mun|ha nhi|chu ?ru|lao|la chi|la ha|phu la|la hu|lu|lo lo|chut|mang|pa then|co lao|cong|bo y|si la|pu peo|brau|o du|ro mam)",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 64, .validate = check_capitalised_value,
     .mask = PD_MASK_HIDDEN, .base_confidence = 85},
    {.id = "vn.religion", .category = PD_CAT_SENSITIVE, .description = "Religion after a \"Tôn giáo:\" label (\"Không\" is not reported)",
     .pattern = "ton giao[ \\t]*:[ \\t]*(?<v>phat giao(?: hoa hao)?|cong giao|thien chua giao|tin lanh|cao dai|hoa hao|hoi giao|islam|"
                "buu son ky huong|tu an hieu nghia|tinh do cu si|baha'?i|minh su dao|minh ly dao|ba la mon|buddhis[mt]|catholic|protestant|christian|muslim|hindu)",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 80, .mask = PD_MASK_HIDDEN,
     .base_confidence = 90},
    {.id = "vn.health", .category = PD_CAT_SENSITIVE, .description = "Health data after a label (chẩn đoán, bệnh án, xét nghiệm, ICD-10...)",
     .label = "chan doan|benh an|tien su benh|benh su|ket qua xet nghiem|xet nghiem hiv|hiv|benh ly|tinh trang suc khoe|diagnosis|medical history|ma icd(?:-?10)?",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,160})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 220, .validate = check_labelled_value,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.biometric", .category = PD_CAT_SENSITIVE, .description = "Biometric data after a label (vân tay, mống mắt, khuôn mặt, ADN...)",
     .label = "mau van tay|du lieu van tay|van tay|mong mat|du lieu khuon mat|anh khuon mat|adn|dna|fingerprint|iris scan|face template|du lieu sinh trac(?: hoc)?",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,200})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 260, .validate = check_biometric,
     .mask = PD_MASK_HIDDEN, .base_confidence = 75},
    {.id = "vn.criminal_record", .category = PD_CAT_SENSITIVE, .description = "Criminal record after a label (tiền án, tiền sự, án tích, lý lịch tư pháp)",
     .label = "tien an|tien su|an tich|ly lich tu phap|criminal record|conviction",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,160})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 200, .validate = check_criminal_record,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.credentials", .category = PD_CAT_SENSITIVE, .description = "User name, password or OTP after a label",
     .label = "mat khau|password|passwd|pwd|ten dang nhap|username|user name|user_name|login|tai khoan dang nhap|ma otp|otp|ma pin",
     /* "Mật khẩu email tạm: ...", "mat khau wifi: ...": what the secret opens may come between */
     .pattern = "(?:[ \\t]+(?:email|e-mail|mail|wifi|wi-fi|tam|tam thoi|moi|cu|mac dinh|dang nhap|he thong|"
                "tai khoan|admin|root|db|database|server|may chu|vpn|ftp|ssh|ngan hang|app|ung dung)){0,2}"
                "[ \\t]*[:=][ \\t]*(?<v>[^ \\t\\r\\n]{3,128})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_TOKEN, .max_len = 200, .validate = check_credential,
     .mask = PD_MASK_SECRET, .base_confidence = 75},
};
const size_t pd_family_labelled_count = sizeof pd_family_labelled / sizeof pd_family_labelled[0];
