/* Identifiers of any country: e-mail and IP addresses, their entries and checks. */
#include "detectors/family-int.h"

#include <arpa/inet.h>
#include <string.h>

#include "detectors/validators.h"

/* Whether needle (k bytes, starting with a punctuation byte) is in s[0, n): memchr finds its
 * rare first byte, where glibc's memmem ran a generic search and cost three times strstr. */
static bool contains(const char *s, size_t n, const char *needle, size_t k)
{
    for (const char *p = s, *end = s + n; (size_t)(end - p) >= k && (p = memchr(p, needle[0], (size_t)(end - p - k + 1)));
         p++)
        if (memcmp(p, needle, k) == 0)
            return true;
    return false;
}

static bool check_email(struct pd_candidate *c)
{
    static const struct {
        const char *ext;
        size_t len;
    } file_exts[] = {{"png", 3}, {"jpg", 3}, {"jpeg", 4}, {"gif", 3}, {"svg", 3}, {"webp", 4}, {"css", 3},
                     {"js", 2},  {"ico", 3}, {"bmp", 3},  {"tif", 3}, {"tiff", 4}};
    const char *f = fold_at(c);
    const char *at = memchr(f + c->start, '@', c->end - c->start);
    if (!at || f[c->start] == '.' || at[-1] == '.')
        return false;
    for (const char *p = f + c->start; p + 1 < f + c->end; p++)
        if (p[0] == '.' && p[1] == '.')
            return false;
    const char *dot = f + c->end;
    while (dot > at && dot[-1] != '.')
        dot--;
    size_t tld = (size_t)(f + c->end - dot);
    for (size_t i = 0; i < sizeof file_exts / sizeof file_exts[0]; i++) /* an image name like logo@2x.png */
        if (file_exts[i].len == tld && memcmp(dot, file_exts[i].ext, tld) == 0)
            return false;
    size_t n = c->end - c->start < sizeof c->norm ? c->end - c->start : sizeof c->norm - 1;
    pd_check_set_string(c->norm, sizeof c->norm, f + c->start, n);
    if (contains(c->norm, n, "@example.", 9) || contains(c->norm, n, ".example", 8))
        c->confidence -= 30;
    return true;
}

/* An IPv6 address: what inet_pton takes, not glued to a longer token, with two groups at least
 * and five hex digits (so that "a::b" in code is none); link-local and unique local ones are low. */
static bool check_ipv6(struct pd_candidate *c, const char *s)
{
    const char *f = fold_at(c);
    if ((c->start > 0 && (pd_ascii_alnum[(unsigned char)f[c->start - 1]] || f[c->start - 1] == ':')) ||
        (c->end < c->text->fold_len && (pd_ascii_alnum[(unsigned char)f[c->end]] || f[c->end] == ':')))
        return false;
    unsigned char addr[16];
    if (inet_pton(AF_INET6, s, addr) != 1)
        return false;
    unsigned groups = 0, hex = 0;
    for (const char *p = s; *p; p++) {
        hex += *p != ':';
        groups += *p != ':' && (p == s || p[-1] == ':');
    }
    if (groups < 2 || hex < 5)
        return false;
    bool priv = (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80) || (addr[0] & 0xfe) == 0xfc;
    if (priv)
        c->confidence -= 30;
    pd_check_set_attr_str(c, "scope", priv ? "private" : "public");
    pd_check_set_attr_str(c, "version", "6");
    return true;
}

static bool check_ip(struct pd_candidate *c)
{
    char s[48];
    size_t n = c->end - c->start;
    bool priv;
    if (n >= sizeof s)
        return false;
    memcpy(s, fold_at(c) + c->start, n);
    s[n] = '\0';
    if (memchr(s, ':', n))
        return check_ipv6(c, s);
    if (!pd_valid_ipv4(s, &priv))
        return false;
    if (priv)
        c->confidence -= 30;
    pd_check_set_attr_str(c, "scope", priv ? "private" : "public");
    return true;
}

const struct pd_detector pd_family_generic[] = {
    {.id = "email", .category = PD_CAT_BASIC, .description = "E-mail address",
     /* the last label a TLD, or an international one in punycode (xn--p1ai) */
     .pattern = "[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})",
     .prefilter = "@[a-z0-9]", /* any repeat around the "@" slowed the whole database 5x */
     .left = PD_GUARD_EMAIL, .right = PD_GUARD_EMAIL, .max_len = 254, .anchor_reach = 66, /* local part <= 64 */
     .alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._%+-@",
     .validate = check_email,
     .mask = PD_MASK_EMAIL, .base_confidence = 80},
    {.id = "ip", .category = PD_CAT_BASIC, .description = "IPv4 or IPv6 address (private ranges get low confidence)",
     /* IPv6 in full or with "::" (times such as 10:30:00 have neither) */
     .pattern = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|"
                "(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}",
     /* Hyperscan looks for IPv4 itself, and for IPv6 only where "::" or two full groups are
      * (three groups of 1-4 hex digits, with no literal to anchor on, cost a fifth of the scan) */
     .prefilter = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|[0-9a-f]::|::[0-9a-f]|[0-9a-f]{4}:[0-9a-f]{4}:",
     .anchor_reach = 39,
     .left = PD_GUARD_IP, .right = PD_GUARD_IP, .max_len = 39, .validate = check_ip,
     .alphabet = DIGITS ".:abcdef",
     .mask = PD_MASK_DIGITS, .base_confidence = 60, .context_bonus = 20, .anti_penalty = 60,
     .context = "ip|dia chi ip|ip address|client|remote_addr|x-forwarded-for|src|dst|login from",
     .anti_context = "version|phien ban|ver|build|oid|snmp|release"},
};
const size_t pd_family_generic_count = sizeof pd_family_generic / sizeof pd_family_generic[0];
