/* Vietnamese and payment identifiers with a fixed shape (CCCD, CMND, tax code, phone, insurance,
 * passport, licence, plate, cards, accounts): their table entries and the checks that confirm them. */
#include "detectors/family-int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/validators.h"

static bool check_cccd(struct pd_candidate *c)
{
    char d[16];
    int year, sex, prov;
    if (pd_check_span_digits(c, d, sizeof d) != 12 || !pd_valid_cccd(d, c->current_year, &year, &sex, &prov))
        return false;
    if (c->current_year - year > 110)
        c->confidence -= 20;
    pd_check_set_attr(c, "birth_year", year, 0);
    pd_check_set_attr_str(c, "sex", sex ? "female" : "male");
    pd_check_set_attr(c, "province_code", prov, 3);
    return true;
}

static bool check_cmnd(struct pd_candidate *c)
{
    char d[16];
    return pd_check_span_digits(c, d, sizeof d) == 9;
}

static bool check_mst(struct pd_candidate *c)
{
    char d[20];
    size_t n = pd_check_span_digits(c, d, sizeof d);
    if (!pd_valid_mst(d, n))
        return false;
    pd_check_set_attr_str(c, "form", n == 13 ? "branch" : "main");
    return true;
}

static bool check_phone(struct pd_candidate *c)
{
    char d[20];
    bool mobile;
    size_t n = pd_check_span_digits(c, d, sizeof d);
    if (!n || !pd_valid_vn_phone(d, n, &mobile))
        return false;
    /* written with +84 or 84: the national form must still be complete */
    const char *nsn = d[0] == '0' ? d + 1 : d + 2;
    if (strlen(nsn) != (mobile ? 9u : 10u))
        return false;
    memcpy(c->norm, "+84", 3);
    pd_check_set_string(c->norm + 3, sizeof c->norm - 3, nsn, strlen(nsn));
    if (!mobile)
        c->confidence -= 15;
    pd_check_set_attr_str(c, "kind", mobile ? "mobile" : "landline");
    return true;
}

static bool check_bhyt(struct pd_candidate *c)
{
    char orig[64], card[20];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    size_t n = 0;
    for (const char *p = orig; *p && n < sizeof card - 1; p++)
        if (*p != ' ')
            card[n++] = *p;
    card[n] = '\0';
    if (!pd_valid_bhyt(card))
        return false;
    snprintf(c->norm, sizeof c->norm, "%s", card);
    return true;
}

static bool check_passport(struct pd_candidate *c)
{
    if (c->start > 0 && isalnum((unsigned char)fold_at(c)[c->start - 1]))
        return false;
    char orig[32];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    return orig[0] >= 'A' && orig[0] <= 'Z';
}

static bool check_plate(struct pd_candidate *c)
{
    char orig[40];
    if (!pd_check_original_is_upper(c, orig, sizeof orig) || !pd_valid_plate(orig))
        return false;
    return true;
}

static bool check_bank_card(struct pd_candidate *c)
{
    char d[24];
    size_t n = pd_check_span_digits(c, d, sizeof d);
    if (n != 16 && n != 19)
        return false;
    c->confidence += pd_luhn(d, n) ? 15 : -10;
    pd_check_set_attr(c, "bin", strtol((char[]){d[0], d[1], d[2], d[3], d[4], d[5], 0}, NULL, 10), 6);
    return true;
}

static bool check_pan(struct pd_candidate *c)
{
    char d[24];
    size_t n = pd_check_span_digits(c, d, sizeof d);
    if (!n || !pd_valid_pan(d, n))
        return false;
    if (pd_pan_issuer(d, n) == PD_PAN_BROAD)
        c->confidence -= 30; /* Maestro's 5x/6x: a card only where the text says so */
    /* separators, if any, must group the digits as cards print them: 4-4-4-4(-3), Amex 4-6-5,
     * Diners 4-6-4; an arbitrary run of digit groups is not a card */
    const char *f = fold_at(c);
    size_t groups[8], ng = 0, len = 0;
    for (size_t i = c->start; i <= c->end; i++) {
        if (i < c->end && f[i] >= '0' && f[i] <= '9') {
            len++;
            continue;
        }
        if (ng == 8)
            return false;
        groups[ng++] = len;
        len = 0;
    }
    if (ng == 1)
        return true;
    if (ng == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4))
        return true;
    for (size_t i = 0; i < ng; i++)
        if (i + 1 < ng ? groups[i] != 4 : groups[i] < 1 || groups[i] > 4)
            return false;
    return true;
}

const struct pd_detector pd_family_identifiers[] = {
    {.id = "vn.cccd", .category = PD_CAT_BASIC,
     .description = "Citizen ID (CCCD, personal identification number): 12 digits, place code, century/sex, birth year",
     .pattern = "\\d{12}|\\d{3}[ .]\\d{3}[ .]\\d{3}[ .]\\d{3}|\\d{4}[ .]\\d{4}[ .]\\d{4}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 20, .validate = check_cccd,
     .alphabet = DIGITS " .",
     .mask = PD_MASK_DIGITS, .base_confidence = 55, .context_bonus = 35, .anti_penalty = 100,
     .context = "so cccd|cccd|can cuoc cong dan|the can cuoc|can cuoc|so dinh danh ca nhan|so dinh danh|cmnd|cmt|"
                "chung minh nhan dan|ngay cap|noi cap|citizen id|id no|id number|national id|personal id|so_cccd|ma dinh danh",
     .anti_context = NUMBER_CONTEXT_ANTI "|gplx|giay phep lai xe|bang lai"},
    {.id = "vn.cmnd", .category = PD_CAT_BASIC,
     .description = "Old identity card number (CMND): 9 digits after a CMND label",
     .label = "so cmnd|cmnd|cmt|chung minh nhan dan|chung minh thu",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{9}|\\d{3}[ .]\\d{3}[ .]\\d{3})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .validate = check_cmnd,
     .mask = PD_MASK_DIGITS, .base_confidence = 75},
    {.id = "vn.mst", .category = PD_CAT_BASIC,
     .description = "Tax code (MST): 10 digits with check digit, branch suffix -NNN",
     .pattern = "\\d{10}(?: ?- ?\\d{3}|\\d{3})?|\\d{2}\\.\\d{2}\\.\\d{3}\\.\\d{3}(?: ?- ?\\d{3})?|"
                "\\d{4} \\d{2} \\d{2} \\d{2}(?: ?- ?\\d{3})?|\\d{4} \\d{3} \\d{3}(?: ?- ?\\d{3})?",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 24, .validate = check_mst,
     .alphabet = DIGITS " .-",
     .mask = PD_MASK_DIGITS, .base_confidence = 35, .context_bonus = 50,
     /* "TIN" as a label, never the "tin" of "thông tin" (information) */
     .context = "mst|ma so thue|msdn|ma so doanh nghiep|ma doanh nghiep|tax code|tax id|tin:|tin no|taxpayer id|"
                "tax identification|ma_so_thue"},
    {.id = "vn.phone", .category = PD_CAT_BASIC,
     .description = "Vietnamese mobile or landline number, national or +84 form, any separators",
     .pattern = "(?:\\(\\+?84\\) ?|\\+84[ .-]?|84|0)(?:\\d[ .-]?){8,9}\\d",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 26, .validate = check_phone,
     .alphabet = DIGITS " .-()+",
     .mask = PD_MASK_DIGITS, .base_confidence = 60, .context_bonus = 30, .anti_penalty = 25,
     .context = "sdt|so dien thoai|dien thoai|dt|di dong|dtdd|tel|telephone|mobile|phone|hotline|zalo|lien he|contact|fax|so_dien_thoai",
     .anti_context = NUMBER_CONTEXT_ANTI "|stk|so tai khoan|account"},
    {.id = "vn.bhyt", .category = PD_CAT_BASIC,
     .description = "Health-insurance card number (BHYT): group code, level, province code, 10-digit BHXH number",
     .pattern = "[a-z]{2} ?[1-5] ?\\d{2} ?\\d{10}",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 20, .validate = check_bhyt,
     .mask = PD_MASK_DIGITS, .base_confidence = 70, .context_bonus = 25,
     .context = "bhyt|bao hiem y te|the bhyt|ma the|ma so the|health insurance"},
    {.id = "vn.bhxh", .category = PD_CAT_BASIC,
     .description = "Social-insurance number (BHXH): 10 digits after a BHXH label",
     .label = "ma so bhxh|so so bhxh|so bhxh|ma bhxh|bhxh|bao hiem xa hoi|so so bao hiem",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{10})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .mask = PD_MASK_DIGITS,
     .base_confidence = 75},
    {.id = "vn.passport", .category = PD_CAT_BASIC,
     .description = "Passport number: one letter and 7 digits after a passport label",
     .label = "so ho chieu|ho chieu|passport|so hc",
     .pattern = "[^0-9\\n]{0,24}(?<v>[a-z]\\d{7})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 64, .validate = check_passport,
     .mask = PD_MASK_DIGITS, .base_confidence = 80},
    {.id = "vn.driving_licence", .category = PD_CAT_BASIC,
     .description = "Driving licence number (GPLX): 12 digits after a licence label",
     .label = "so gplx|gplx|giay phep lai xe|bang lai xe|bang lai|driving licen[cs]e|driver'?s licen[cs]e",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{12})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .mask = PD_MASK_DIGITS,
     .base_confidence = 90},
    {.id = "vn.plate", .category = PD_CAT_BASIC,
     .description = "Vehicle licence plate: area code, series (no I, O, Q, W), number",
     /* every form BienSoXe's tests accept: a dash, a space, a dot or nothing between series and
      * number (29F3 9999, 43A1 000.52, 51G99999), two-letter series (50HA 6666, 29MĐ1 94190), and
      * the foreign missions' plates (80-011-NG-01, 80NG-636-70) */
     .pattern = "\\d{2}-?[a-z]{1,2}\\d?(?: ?- ?| |\\.)?\\d{3}\\.\\d{2}|\\d{2}-?[a-z]{1,2}\\d?(?: ?- ?| |\\.)?\\d{4,5}|"
                "\\d{2}-\\d{3}-(?:ng|nn|qt|cv)-\\d{2}|\\d{2}(?:ng|nn|qt|cv)-\\d{3}-\\d{2}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 16, .validate = check_plate,
     .mask = PD_MASK_DIGITS, .base_confidence = 45, .context_bonus = 40, .anti_penalty = 30,
     .context = "bien so|bien kiem soat|bks|bsx|so xe|bien so xe|license plate|plate|xe may|o to",
     .anti_context = "ma sp|ma san pham|sku|model|part no|serial"},
    {.id = "vn.bank_card", .category = PD_CAT_SENSITIVE,
     .description = "Domestic (NAPAS 9704) bank card number, 16 or 19 digits; Luhn raises confidence",
     .pattern = "9704(?:[ -]?\\d{4}){3}(?:[ -]?\\d{3})?", /* 16 digits, or 19 (4-4-4-4-3 as NAPAS cards print) */
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 24, .validate = check_bank_card,
     .alphabet = DIGITS " -",
     .mask = PD_MASK_DIGITS, .base_confidence = 70, .context_bonus = 15,
     .context = "so the|the atm|the ngan hang|napas|card|the ghi no|the tin dung|card number"},
    {.id = "card.pan", .category = PD_CAT_SENSITIVE,
     .description = "International payment card number: issuer range, length and Luhn",
     /* contiguous, or grouped as cards print them (check_pan): a separator allowed anywhere made
      * this pattern a quarter of Hyperscan's time on digit-heavy text */
     .pattern = "\\d{13,19}|\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{1,4}|\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{1,3}|"
                "\\d{4}[ -]\\d{6}[ -]\\d{4,5}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 40, .validate = check_pan,
     .alphabet = DIGITS " -",
     .mask = PD_MASK_DIGITS, .base_confidence = 75, .context_bonus = 20,
     .context = "card|the tin dung|credit card|visa|mastercard|so the|cvv|expiry|het han|amex|jcb",
     /* an account number that passes Luhn by chance is not a card */
     .anti_context = "so tai khoan|tai khoan so|stk|so tk|account number|account no|bank account|iban", .anti_penalty = 40},
    {.id = "vn.bank_account", .category = PD_CAT_SENSITIVE,
     .description = "Bank account number after an account label, or in a VietQR image URL",
     .pattern = "(?:(?:so tai khoan|so tk|stk|tai khoan so|tk so|account no\\.?|account number|bank account|acc no\\.?)[^0-9\\n]{0,20}|img\\.vietqr\\.io/image/\\d{6}-)(?<v>\\d{6,19})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 80, .mask = PD_MASK_DIGITS,
     .base_confidence = 75, .anti_penalty = 30, .anti_context = NUMBER_CONTEXT_ANTI},
};
const size_t pd_family_identifiers_count = sizeof pd_family_identifiers / sizeof pd_family_identifiers[0];
