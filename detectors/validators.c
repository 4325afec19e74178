/* Structural checks of identifiers; the sources of each rule are in docs/detectors.md. */
#include "detectors/validators.h"

#include <stdio.h>
#include <string.h>

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool pd_cccd_province_known(int code)
{
    /* The 63 assigned codes (001 Hà Nội ... 096 Cà Mau); the 2025 mergers renumbered nothing. */
    static const unsigned char assigned[] = {
        1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
        34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
        67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};
    for (size_t i = 0; i < sizeof assigned; i++)
        if (assigned[i] == code)
            return true;
    return false;
}

bool pd_valid_cccd(const char *d, int current_year, int *birth_year, int *sex, int *province)
{
    if (strlen(d) != 12 || !all_digits(d, 12) || d[0] != '0')
        return false;
    int prov = digits_value(d, 3);
    if (!pd_cccd_province_known(prov))
        return false;
    int g = d[3] - '0';
    if (g > 3) /* centuries after 2099 cannot be born yet */
        return false;
    int year = 1900 + (g / 2) * 100 + digits_value(d + 4, 2);
    if (year > current_year)
        return false;
    if (birth_year)
        *birth_year = year;
    if (sex)
        *sex = g % 2;
    if (province)
        *province = prov;
    return true;
}

bool pd_valid_mst(const char *d, size_t n)
{
    static const int weights[9] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
    if ((n != 10 && n != 13) || !all_digits(d, n))
        return false;
    if (memcmp(d + 2, "0000000", 7) == 0)
        return false;
    if (n == 13 && memcmp(d + 10, "000", 3) == 0)
        return false;
    int s = 0;
    for (int i = 0; i < 9; i++)
        s += weights[i] * (d[i] - '0');
    int r = s % 11;
    if (r == 0)
        return false;
    return d[9] - '0' == 10 - r;
}

bool pd_luhn(const char *d, size_t n)
{
    if (n < 2 || !all_digits(d, n))
        return false;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

/* Whether n lies in one of the ranges. */
static bool in_ranges(long n, const long (*ranges)[2], size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (n >= ranges[i][0] && n <= ranges[i][1])
            return true;
    return false;
}

/* Issuer ranges and lengths of the public card-type tables (as braintree's credit-card-type
 * lists them): Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir, Elo,
 * Hiper and Hipercard. Narrow ranges read as cards on their own; the broad ones (Maestro's 5x/6x,
 * UnionPay's 62/81) only with a card's context. */
enum pd_pan_issuer pd_pan_issuer(const char *d, size_t n)
{
    static const long elo[][2] = {{401178, 401179}, {431274, 431274}, {438935, 438935}, {451416, 451416},
                                  {457393, 457393}, {457631, 457632}, {504175, 504175}, {506699, 506778},
                                  {509000, 509999}, {627780, 627780}, {636297, 636297}, {636368, 636368},
                                  {650031, 650033}, {650035, 650051}, {650405, 650439}, {650485, 650538},
                                  {650541, 650598}, {650700, 650718}, {650720, 650727}, {650901, 650978},
                                  {651652, 651679}, {655000, 655019}, {655021, 655058}};
    static const long hiper[][2] = {{637095, 637095}, {637568, 637568}, {637599, 637599}, {637609, 637609},
                                    {637612, 637612}, {606282, 606282}};
    static const long maestro[][2] = {{493698, 493698}, {500000, 504174}, {504176, 506698}, {506779, 508999}};
    if (n < 12 || n > 19 || !all_digits(d, n) || strncmp(d, "9704", 4) == 0) /* 9704: NAPAS, vn.bank_card */
        return PD_PAN_NONE;
    long p1 = d[0] - '0', p2 = digits_value(d, 2), p3 = digits_value(d, 3), p4 = digits_value(d, 4),
         p6 = digits_value(d, 6), p8 = n >= 8 ? digits_value(d, 8) : 0;
    if (n == 16 && (in_ranges(p6, elo, sizeof elo / sizeof elo[0]) || in_ranges(p6, hiper, sizeof hiper / sizeof hiper[0]) ||
                    p8 == 63737423 || p8 == 63743358))
        return PD_PAN_NARROW; /* Elo, Hiper, Hipercard */
    if (p1 == 4)
        return n == 13 || n == 16 || n == 18 || n == 19 ? PD_PAN_NARROW : PD_PAN_NONE; /* Visa */
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return n == 16 ? PD_PAN_NARROW : PD_PAN_NONE; /* Mastercard */
    if (p2 == 34 || p2 == 37)
        return n == 15 ? PD_PAN_NARROW : PD_PAN_NONE; /* Amex */
    if (p4 >= 2200 && p4 <= 2204)
        return n >= 16 ? PD_PAN_NARROW : PD_PAN_NONE; /* Mir */
    if (p2 == 36 || p2 == 38 || p2 == 39 || (p3 >= 300 && p3 <= 305))
        return n == 14 || n == 16 || n == 19 ? PD_PAN_NARROW : PD_PAN_NONE; /* Diners */
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))
        return n >= 16 ? PD_PAN_NARROW : PD_PAN_NONE; /* Discover */
    if ((p4 >= 3528 && p4 <= 3589) || p4 == 2131 || p4 == 1800)
        return n >= 16 ? PD_PAN_NARROW : PD_PAN_NONE; /* JCB */
    if (p2 == 62 || (p4 >= 8100 && p4 <= 8171))
        return n >= 14 ? (n == 16 && p2 == 62 ? PD_PAN_NARROW : PD_PAN_BROAD) : PD_PAN_NONE; /* UnionPay */
    if (in_ranges(p6, maestro, sizeof maestro / sizeof maestro[0]) || (p2 >= 56 && p2 <= 59) || p2 == 63 || p2 == 67 ||
        p1 == 6)
        return PD_PAN_BROAD; /* Maestro, 12 to 19 digits */
    return PD_PAN_NONE;
}

bool pd_valid_pan(const char *d, size_t n)
{
    return pd_pan_issuer(d, n) != PD_PAN_NONE && pd_luhn(d, n);
}

/* National significant number (without 0 or 84) against the mobile and fixed-line tables. */
static bool vn_mobile_nsn(const char *s, size_t n)
{
    if (n != 9)
        return false;
    int p2 = digits_value(s, 2), p3 = digits_value(s, 3);
    if (p3 == 522 || p3 == 523 || p3 == 528 || p3 == 559 || (p3 >= 896 && p3 <= 899) ||
        p3 == 990 || p3 == 991 || (p3 >= 993 && p3 <= 999))
        return true;
    return (p2 >= 30 && p2 <= 39) || p2 == 51 || p2 == 56 || p2 == 58 || p2 == 59 || p2 == 70 ||
           (p2 >= 76 && p2 <= 79) || (p2 >= 81 && p2 <= 88) || (p2 >= 90 && p2 <= 98);
}

static bool vn_fixed_nsn(const char *s, size_t n)
{
    if (n != 10 || s[0] != '2')
        return false;
    int a = s[1] - '0', b = s[2] - '0';
    switch (a) {
    case 0: return b >= 3;
    case 1: return b <= 6 || b == 8 || b == 9;
    case 2: return b <= 2 || b >= 5;
    case 3:
    case 8: return b >= 2;
    case 4: return b >= 2 && b <= 8;
    case 5: return b == 1 || b == 2 || b >= 4;
    case 6: return b <= 3 || b == 9;
    case 7: return b <= 7;
    case 9: return b <= 4 || b == 6 || b == 7 || b == 9;
    default: return false;
    }
}

bool pd_valid_vn_phone(const char *d, size_t n, bool *mobile)
{
    if (!all_digits(d, n))
        return false;
    const char *nsn;
    size_t len;
    if (n >= 10 && d[0] == '0') {
        nsn = d + 1;
        len = n - 1;
    } else if (n >= 11 && d[0] == '8' && d[1] == '4') {
        nsn = d + 2;
        len = n - 2;
    } else {
        return false;
    }
    bool m = vn_mobile_nsn(nsn, len);
    if (mobile)
        *mobile = m;
    return m || vn_fixed_nsn(nsn, len);
}

bool pd_valid_bhyt(const char *c)
{
    /* Group codes of health-insurance cards (list marked uncertain in the sources). */
    static const char groups[] =
        "DN HX CH NN TK HC XK HT TB NO CT XB TN CS QN CA CY XN MS CC CK CB KC HD TE BT HN DT DK "
        "XD TS TC TQ TV TA TY HG LS PV CN HS SV GB GD";
    if (strlen(c) != 15)
        return false;
    if (c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
        return false;
    bool known = false;
    for (size_t i = 0; i + 2 <= sizeof groups - 1; i += 3) /* "XX " entries; the last has no space */
        if (groups[i] == c[0] && groups[i + 1] == c[1])
            known = true;
    if (!known || c[2] < '1' || c[2] > '5' || !all_digits(c + 3, 12))
        return false;
    return pd_cccd_province_known(digits_value(c + 3, 2));
}

static bool plate_series_letter(char ch)
{
    return ch >= 'A' && ch <= 'Z' && ch != 'I' && ch != 'O' && ch != 'Q' && ch != 'W';
}

/* The letters of a series, Đ (as in MĐ, the electric motorbikes' series) counted as D. */
static size_t plate_series(const char **p)
{
    size_t letters = 0;
    for (;;) {
        if (plate_series_letter(**p)) {
            (*p)++;
        } else if ((unsigned char)(*p)[0] == 0xC4 && (unsigned char)(*p)[1] == 0x90) {
            *p += 2;
        } else {
            return letters;
        }
        letters++;
    }
}

static size_t skip_separators(const char **p)
{
    size_t n = 0;
    while (**p == '-' || **p == ' ' || **p == '.') {
        (*p)++;
        n++;
    }
    return n;
}

/* "80-011-NG-01", "80NG-636-70": the plates of foreign missions (NG, NN, QT, CV). */
static bool diplomatic_plate(const char *p)
{
    static const char *const series[] = {"NG", "NN", "QT", "CV", NULL};
    p += 2;
    skip_separators(&p);
    const char *digits_first = p;
    bool series_first = false;
    for (int i = 0; series[i] && !series_first; i++)
        series_first = strncmp(p, series[i], 2) == 0;
    if (series_first) { /* 80NG-636-70 */
        p += 2;
        skip_separators(&p);
        if (!all_digits(p, 3))
            return false;
        p += 3;
        skip_separators(&p);
        return strlen(p) == 2 && all_digits(p, 2);
    }
    if (!all_digits(digits_first, 3)) /* 80-011-NG-01 */
        return false;
    p = digits_first + 3;
    if (!skip_separators(&p))
        return false;
    bool named = false;
    for (int i = 0; series[i] && !named; i++)
        named = strncmp(p, series[i], 2) == 0;
    if (!named)
        return false;
    p += 2;
    skip_separators(&p);
    return strlen(p) == 2 && all_digits(p, 2);
}

bool pd_valid_plate(const char *p)
{
    if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'))
        return false;
    if (digits_value(p, 2) < 11)
        return false;
    if (diplomatic_plate(p))
        return true;
    p += 2;
    if (*p == '-')
        p++;
    size_t letters = plate_series(&p);
    if (letters == 0 || letters > 2 || (*p >= 'A' && *p <= 'Z'))
        return false;
    if (*p >= '0' && *p <= '9' && (p[1] == '-' || p[1] == ' ' || p[1] == '.'))
        p++; /* a motorbike series digit: 29-B1, 77L1, 29MĐ1 */
    else if (*p >= '0' && *p <= '9' && letters == 1 && strlen(p) == 6 && all_digits(p, 6))
        p++; /* written without a separator: 29F39999 */
    size_t seps = skip_separators(&p);
    if (seps > 3)
        return false;
    size_t n = strlen(p);
    if (n == 6 && all_digits(p, 3) && p[3] == '.' && all_digits(p + 4, 2))
        return true; /* 123.45 */
    return (n == 4 || n == 5) && all_digits(p, n); /* 1234, 12345, 51G99999 */
}

bool pd_valid_date(int day, int month, int year, int current_year)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > current_year || month < 1 || month > 12 || day < 1)
        return false;
    if (day > days[month - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(month == 2 && day == 29 && !leap);
}

bool pd_valid_ipv4(const char *s, bool *is_private)
{
    int o[4];
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        size_t n = 0;
        while (p[n] >= '0' && p[n] <= '9')
            n++;
        if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
            return false;
        o[i] = digits_value(p, n);
        if (o[i] > 255)
            return false;
        p += n;
        if (i < 3) {
            if (*p != '.')
                return false;
            p++;
        }
    }
    if (*p || o[0] == 0 || o[0] >= 224)
        return false;
    if (is_private)
        *is_private = o[0] == 10 || o[0] == 127 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
                      (o[0] == 192 && o[1] == 168) || (o[0] == 169 && o[1] == 254) ||
                      (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
    return true;
}
