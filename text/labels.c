/* The label vocabulary (labels.h): field-name spellings, folded, and the label each stands for. */
#include "text/labels.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text/text.h"

/* Each label, then every folded spelling of a field name that means it ('|'-separated). The
 * labels are the detectors' own (detectors/labelled.c, identifiers.c), in their shortest spelling:
 * every byte of a label is scanned again for each value ("sdt", not "so dien thoai"). "so
 * cccd/cmnd" is both the CCCD's context and the CMND's label, for names such as "id_number" that
 * hold either. */
static const struct vocabulary_entry {
    const char *label;
    const char *names;
    /* the spellings the detectors read as written before a colon, so that prose such as
     * "Họ và tên: ..." need not be rewritten ("*": all of them, for values found by shape) */
    const char *as_written;
    bool secret; /* credentials: never guessed from part of a compound name */
} vocabulary[] = {
    {"ho ten", "ho ten|ho va ten|hoten|hovaten|ho & ten|ten|ten day du|full name|fullname|name|display name|"
               "customer name|patient name|employee name|staff name|student name|member name|person name|"
               "holder name|card holder|cardholder|cardholder name|card holder name|account name|account holder|"
               "account holder name|contact name|recipient name|receiver name|sender name|guardian name|"
               "ten khach hang|ten kh|ho ten kh|ten nhan vien|ten nv|ten benh nhan|ten bn|ten chu the|"
               "chu tai khoan|ten chu tai khoan|nguoi lien he|ten nguoi lien he|ten nguoi dung|ten hoc sinh|"
               "ten sinh vien|ten nguoi nhan|nguoi nhan|ten nguoi gui|nguoi gui|ho ten khach hang|"
               "ho ten nhan vien|ho ten benh nhan|ho va ten khach hang|ho ten chu ho|ten chu ho|chu ho|"
               "ho ten hoc sinh|ho ten nguoi nhan|ho ten nguoi lien he|ho ten cha|ho ten me|ten cha|ten me|"
               "ho ten vo chong|nguoi dai dien|ho ten nguoi dai dien|dai dien|ten can bo|ho ten can bo",
     "ho va ten|ho ten|ho & ten|ten khach hang|ten nhan vien|ten benh nhan|nguoi lien he|chu tai khoan|full name|customer name|patient name", false},
    {"ngay sinh", "ngay sinh|ngaysinh|ngay thang nam sinh|sinh ngay|dob|d o b|date of birth|birth date|"
                  "birthdate|birthday|birth day|date birth|born|born on|ngay sinh kh|ngay sinh khach hang|"
                  "ngay sinh nhan vien|ngay sinh benh nhan",
     "ngay thang nam sinh|ngay sinh|sinh ngay|dob|date of birth|birth date|birthdate|birthday", false},
    {"so cccd", "cccd|so cccd|ma cccd|so can cuoc|can cuoc|can cuoc cong dan|so can cuoc cong dan|the can cuoc|"
                "so the can cuoc|so dinh danh|ma dinh danh|so dinh danh ca nhan|ma so dinh danh|"
                "citizen identity|citizen identity card",
     "so cccd|cccd|can cuoc cong dan|so can cuoc cong dan|the can cuoc|can cuoc|so dinh danh ca nhan|so dinh danh|ma dinh danh", false},
    {"so cmnd", "cmnd|so cmnd|cmt|so cmt|chung minh nhan dan|so chung minh nhan dan|chung minh thu|"
                "so chung minh thu|so cmnd cu|cmnd cu|old id|old id number|old id no|old national id|"
                "old id card|old identity card",
     "so cmnd|cmnd|cmt|so cmt|chung minh nhan dan|so chung minh nhan dan|chung minh thu|so chung minh thu", false},
    {"so cccd/cmnd", "cmnd cccd|so cmnd cccd|cccd cmnd|so cccd cmnd|national id|nationalid|national id number|"
                     "national id no|citizen id|citizenid|citizen id number|id number|id no|idno|id card|"
                     "id card number|id card no|identity number|identity card|identity card number|identity no|"
                     "personal id|personal id number|so giay to|so giay to tuy than|giay to tuy than|nid|so id",
     "cmnd cccd|so cmnd cccd|cccd cmnd|so cccd cmnd", false},
    {"so ho chieu", "passport|passport no|passport number|passportno|passport id|so ho chieu|ho chieu|so hc",
     "so ho chieu|ho chieu|passport|so hc", false},
    {"mst", "mst|ma so thue|masothue|so mst|ma so thue ca nhan|mst ca nhan|tax code|taxcode|tax id|"
                   "taxid|tax number|tax no|tin|tax identification number|personal tax code",
     "mst|ma so thue|tax code|tax id", false},
    {"sdt", "phone|phone number|phonenumber|phone no|mobile|mobile phone|mobile number|cell|"
                      "cellphone|cell phone|tel|telephone|sdt|so dt|so dien thoai|sodienthoai|dien thoai|dt|"
                      "di dong|so di dong|dtdd|contact phone|contact number|msisdn|zalo|sdt lien he|"
                      "dien thoai lien he|home phone|work phone|fax|hotline ca nhan",
     "sdt|so dien thoai|dien thoai|dt|di dong|so di dong|dtdd|tel|telephone|mobile|phone|zalo|fax", false},
    {"email", "email|e mail|mail|email address|e mail address|thu dien tu|dia chi email|dia chi thu dien tu|"
              "contact email|personal email|work email",
     "*", false},
    {"dia chi", "address|home address|street address|residential address|permanent address|current address|"
                "mailing address|postal address|address line|address line 1|address1|addr|dia chi|diachi|"
                "dia chi thuong tru|thuong tru|noi thuong tru|dia chi tam tru|tam tru|noi tam tru|que quan|"
                "nguyen quan|noi o|noi o hien tai|cho o hien tai|dia chi lien he|dia chi nha|dia chi khach hang|"
                "dia chi nhan hang|dia chi giao hang|shipping address|delivery address|billing address|ho khau|"
                "ho khau thuong tru",
     "dia chi thuong tru|dia chi tam tru|dia chi lien he|dia chi|noi thuong tru|thuong tru|tam tru|que quan|noi o hien tai|noi o|address", false},
    {"ton giao", "religion|religious|faith|belief|ton giao|tongiao",
     "ton giao", false},
    {"dan toc", "ethnicity|ethnic|ethnic group|ethnic origin|dan toc|dantoc",
     "dan toc", false},
    {"chan doan", "diagnosis|diagnoses|diagnostic|chan doan|chandoan|chan doan benh|ket luan chan doan|icd|"
                  "icd10|icd 10|icd code|ma icd|ma icd10|ma benh|benh|benh ly|benh chinh|medical history|"
                  "medical record|medical condition|medical conditions|disease|diseases|illness|"
                  "health condition|health status|tinh trang suc khoe|tien su benh|tien su|benh su|benh an|"
                  "ket qua xet nghiem|xet nghiem|test result|lab result|allergies|allergy|di ung|"
                  "hiv status|ket qua hiv|medication|thuoc dang dung",
     "chan doan|benh an|tien su benh|benh su|ket qua xet nghiem|benh ly|tinh trang suc khoe|diagnosis|medical history|ma icd|ma icd10", false},
    {"tien an", "criminal record|criminal records|criminal history|tien an|tien an tien su|"
                "tien su tien an|an tich|ly lich tu phap|conviction|convictions|prior convictions|"
                "criminal conviction|pham toi|toi danh",
     "tien an|an tich|ly lich tu phap|criminal record|conviction", false},
    {"ten dang nhap", "username|user name|user|login|login name|login id|userid|user login|account login|"
                      "ten dang nhap|tai khoan dang nhap",
     "ten dang nhap|username|user name|login|tai khoan dang nhap", true},
    {"mat khau", "password|passwd|pwd|pass|passcode|pass word|mat khau|matkhau|mk|pin|ma pin|pin code|"
                 "secret|user password|login password|mat khau dang nhap",
     "mat khau|password|passwd|pwd|ma pin", true},
    {"ma otp", "otp|ma otp|otp code|one time password|ma xac thuc|verification code",
     "ma otp|otp", true},
    {"stk", "account number|account no|account num|accountnumber|bank account|bank account number|"
                     "bank account no|so tai khoan|sotaikhoan|stk|so tk|tk ngan hang|tai khoan ngan hang|"
                     "so tai khoan ngan hang|acc no|acct no|iban|beneficiary account",
     "so tai khoan|so tk|stk|account number|bank account", false},
    {"so the", "card number|card no|cardnumber|card num|card|pan|credit card|credit card number|"
               "debit card|debit card number|so the|so the atm|the atm|the ngan hang|so the ngan hang|"
               "so the tin dung|the tin dung",
     "so the|card number|the atm|the ngan hang|the tin dung|credit card", false},
    {"bien so", "plate|license plate|licence plate|plate number|plate no|vehicle plate|number plate|"
                "registration plate|bien so|bien so xe|bienso|bks|bsx|bien kiem soat|so xe",
     "bien so|bien kiem soat|bks|bsx|so xe|bien so xe|license plate|plate", false},
    {"so bhxh", "bhxh|so bhxh|ma so bhxh|ma bhxh|so so bhxh|social insurance|social insurance number|"
                "social insurance no|social security number|ssn",
     "ma so bhxh|so so bhxh|so bhxh|ma bhxh|bhxh|bao hiem xa hoi", false},
    {"bhyt", "bhyt|the bhyt|ma the bhyt|so the bhyt|ma bhyt|so bhyt|health insurance|"
                 "health insurance card|health insurance number|health insurance no|insurance card|"
                 "bao hiem y te",
     "bhyt|the bhyt|bao hiem y te|health insurance", false},
    {"so gplx", "driving licence|driving license|driver license|drivers license|driver licence|"
                "driving licence number|driving license number|gplx|so gplx|giay phep lai xe|bang lai|"
                "bang lai xe|so bang lai",
     "so gplx|gplx|giay phep lai xe|bang lai xe|bang lai|driving licence|driving license", false},
    {"van tay", "fingerprint|fingerprints|van tay|mau van tay|du lieu van tay|biometric|biometrics|"
                "face template|iris|iris scan|mong mat|khuon mat|du lieu sinh trac hoc|sinh trac hoc",
     "mau van tay|du lieu van tay|van tay|mong mat|fingerprint|du lieu sinh trac hoc", false},
};

/* Names that look like labels and are not: their values are what they say (an order number, a
 * product, a company, a file), never a person's data by virtue of the key. */
static const char not_personal[] =
    "order id|order no|order number|ma don hang|so don hang|ma don|ma dh|product name|ten san pham|ten sp|"
    "ma san pham|ma sp|sku|product id|item name|company name|ten cong ty|ten doanh nghiep|ten don vi|"
    "business name|organization name|organisation name|org name|company address|dia chi cong ty|"
    "dia chi doanh nghiep|office address|business address|company phone|company email|file name|filename|"
    "ten file|ten tep|file|path|file path|host name|hostname|server name|table name|column name|"
    "invoice no|invoice number|so hoa don|ma hoa don|transaction id|ma giao dich|request id|trace id|"
    "session id|version|build|model|serial|serial number|so seri|bank name|ten ngan hang|branch name|"
    "ten chi nhanh|category name|project name|ten du an|event name|city name|country name|street name|"
    "province name|ten tinh|ten huyen|ten xa|department name|ten phong ban|title|job title|chuc vu|"
    "course name|ten mon hoc|school name|ten truong|hospital name|ten benh vien|drug name|ten thuoc";

/* Words before a field's name that make it a thing's, not a person's ("company_phone",
 * "product_name", "ten_cong_ty" read the other way round). */
static const char things[] =
    "company|cong ty|cty|product|san pham|sp|shop|store|cua hang|brand|file|tep|bank|ngan hang|branch|chi nhanh|"
    "category|item|event|project|du an|org|organization|organisation|department|phong ban|school|truong|hospital|"
    "benh vien|city|country|street|province|tinh|district|huyen|ward|server|host|app|device|model|order|don hang|"
    "invoice|hoa don|warehouse|kho|vendor|supplier|nha cung cap|agency|don vi|co quan|office|van phong";

/* One-word names that head a compound unambiguously ("sdt_nguoi_than"); "ten" or "name" may be a
 * thing's and head nothing. */
static const char unambiguous[] = "sdt|cmnd|cccd|cmt|mst|email|dob|stk|bhxh|bhyt|gplx|passport|phone|mobile|address|"
                                  "hoten|ngaysinh|diachi";

static bool ascii_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool ascii_lower_or_digit(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

size_t pd_label_words(const char *name, size_t n, char *out, size_t cap)
{
    if (!cap)
        return 0;
    /* camelCase becomes words before folding takes the case away: "hoTen" -> "ho Ten" */
    char split[2 * PD_LABEL_MAX * 2];
    size_t s = 0;
    bool ascii = true;
    for (size_t i = 0; i < n && s + 2 < sizeof split; i++) {
        unsigned char c = (unsigned char)name[i];
        if (i > 0 && ascii_upper(c) && ascii_lower_or_digit((unsigned char)name[i - 1]))
            split[s++] = ' ';
        split[s++] = (char)c;
        ascii &= c < 0x80;
    }
    split[s] = '\0';
    char folded[sizeof split * 2];
    if (ascii) {
        for (size_t i = 0; i <= s; i++)
            folded[i] = (char)(ascii_upper((unsigned char)split[i]) ? split[i] + 32 : split[i]);
    } else {
        pd_text_fold_string(split, folded, sizeof folded);
    }
    size_t o = 0;
    bool space = false;
    for (const char *p = folded; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool keep = pd_ascii_alnum[c] || c == '&' || c >= 0x80;
        if (!keep) {
            space = o > 0;
            continue;
        }
        if (space && o + 1 < cap)
            out[o++] = ' ';
        space = false;
        if (o + 1 >= cap)
            break;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return o;
}

/* Whether one of the words of words[0, n) is one of the names in list (a name of one word) or
 * they start with one. */
static bool word_listed(const char *words, size_t n, const char *list);

/* Whether words equals one of the '|'-separated names in list. */
static bool listed(const char *words, size_t n, const char *list)
{
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t k = bar ? (size_t)(bar - p) : strlen(p);
        if (k == n && memcmp(p, words, n) == 0)
            return true;
        p += k + (bar != NULL);
    }
    return false;
}

static bool word_listed(const char *words, size_t n, const char *list)
{
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && words[b] != ' ')
            b++;
        if (listed(words + a, b - a, list) || listed(words, b, list))
            return true;
        a = b + 1;
    }
    return false;
}

static enum pd_label_kind label_of_words(const char *words, size_t n, char out[PD_LABEL_MAX], bool *as_written)
{
    *as_written = false;
    bool letter = false;
    for (size_t i = 0; i < n && !letter; i++)
        letter = (words[i] >= 'a' && words[i] <= 'z') || (unsigned char)words[i] >= 0x80;
    if (!letter) {
        out[0] = '\0';
        return PD_LABEL_EMPTY;
    }
    for (size_t e = 0; e < sizeof vocabulary / sizeof vocabulary[0]; e++)
        if (listed(words, n, vocabulary[e].names)) {
            snprintf(out, PD_LABEL_MAX, "%s", vocabulary[e].label);
            *as_written = strcmp(vocabulary[e].as_written, "*") == 0 || listed(words, n, vocabulary[e].as_written);
            return PD_LABEL_KNOWN;
        }
    if (listed(words, n, not_personal)) {
        /* in brackets: no label pattern ends in ")" before its colon, and the words still count
         * as context against a number ("order id" lowers a phone-shaped order number) */
        snprintf(out, PD_LABEL_MAX, "(%.*s)", (int)(n < PD_LABEL_MAX - 3 ? n : PD_LABEL_MAX - 3), words);
        return PD_LABEL_NOT_PERSONAL;
    }
    /* compounds: "customer_phone", "emp_full_name" (the last words name the field, the first say
     * whose), "ngay_sinh_kh", "so_cccd_nguoi_dai_dien" (a name of two words or more, then whose).
     * Never a secret's: "last_login" is a date. */
    for (size_t i = 0; i < n; i++) {
        if (words[i] != ' ')
            continue;
        if (word_listed(words, i, things)) {
            snprintf(out, PD_LABEL_MAX, "(%.*s)", (int)(n < PD_LABEL_MAX - 3 ? n : PD_LABEL_MAX - 3), words);
            return PD_LABEL_NOT_PERSONAL;
        }
        /* the head first ("so cccd" of "so cccd nguoi dai dien"), then the tail */
        bool head = memchr(words, ' ', i) || listed(words, i, unambiguous);
        for (int part = head ? 0 : 1; part < 2; part++)
            for (size_t e = 0; e < sizeof vocabulary / sizeof vocabulary[0]; e++)
                if (!vocabulary[e].secret && (part == 0 ? listed(words, i, vocabulary[e].names)
                                                        : listed(words + i + 1, n - i - 1, vocabulary[e].names))) {
                    snprintf(out, PD_LABEL_MAX, "%s", vocabulary[e].label);
                    return PD_LABEL_KNOWN;
                }
    }
    /* its own words, without digits: a label is scanned too, and a number in it ("sdt 0912345678")
     * would be found there */
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < PD_LABEL_MAX;) {
        unsigned char c = (unsigned char)words[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + len > n)
            break;
        if (!(c >= '0' && c <= '9') && !(c == ' ' && (o == 0 || out[o - 1] == ' '))) {
            memcpy(out + o, words + i, len);
            o += len;
        }
        i += len;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return PD_LABEL_UNKNOWN;
}

enum pd_label_kind pd_label_lookup(const char *name, size_t n, char out[PD_LABEL_MAX], bool *as_written)
{
    char words[2 * PD_LABEL_MAX];
    size_t k = pd_label_words(name, n, words, sizeof words);
    return label_of_words(words, k, out, as_written);
}

int pd_label_listed(const char *name, size_t n)
{
    char words[2 * PD_LABEL_MAX];
    size_t k = pd_label_words(name, n, words, sizeof words);
    for (size_t e = 0; e < sizeof vocabulary / sizeof vocabulary[0]; e++)
        if (listed(words, k, vocabulary[e].names))
            return 1;
    return listed(words, k, not_personal) ? -1 : 0;
}

enum pd_label_kind pd_label_for_field(const char *name, size_t n, char out[PD_LABEL_MAX])
{
    bool as_written;
    return pd_label_lookup(name, n, out, &as_written);
}

/* Whether the folded words contain w as a whole word. */
static bool has_word(const char *words, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = words; (p = strstr(p, w)); p++)
        if ((p == words || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

enum pd_label_kind pd_label_for_column(const char *name, const char *sql_type, char out[PD_LABEL_MAX])
{
    char words[2 * PD_LABEL_MAX], type[32];
    size_t k = pd_label_words(name, strlen(name), words, sizeof words);
    pd_label_words(sql_type ? sql_type : "", sql_type ? strlen(sql_type) : 0, type, sizeof type);
    bool date_type = strncmp(type, "date", 4) == 0 || strncmp(type, "timestamp", 9) == 0;
    if (date_type && (has_word(words, "birth") || has_word(words, "sinh") || has_word(words, "dob") ||
                      has_word(words, "birthday") || has_word(words, "born"))) {
        snprintf(out, PD_LABEL_MAX, "ngay sinh");
        return PD_LABEL_KNOWN;
    }
    bool as_written;
    return label_of_words(words, k, out, &as_written);
}
