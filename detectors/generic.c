/* Identifiers of any country: e-mail and IP addresses, their entries and checks. */
#include "detectors/family-int.h"

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

static bool check_ip(struct pd_candidate *c)
{
    char s[20];
    size_t n = c->end - c->start;
    bool priv;
    if (n >= sizeof s)
        return false;
    memcpy(s, fold_at(c) + c->start, n);
    s[n] = '\0';
    if (!pd_valid_ipv4(s, &priv))
        return false;
    if (priv)
        c->confidence -= 30;
    pd_check_set_attr_str(c, "scope", priv ? "private" : "public");
    return true;
}

const struct pd_detector pd_family_generic[] = {
    {.id = "email", .category = PD_CAT_BASIC, .description = "E-mail address",
     .pattern = "[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,24}",
     .prefilter = "@[a-z0-9]", /* any repeat around the "@" slowed the whole database 5x */
     .left = PD_GUARD_EMAIL, .right = PD_GUARD_EMAIL, .max_len = 254, .anchor_reach = 66, /* local part <= 64 */
     .alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._%+-@",
     .validate = check_email,
     .mask = PD_MASK_EMAIL, .base_confidence = 80},
    {.id = "ip", .category = PD_CAT_BASIC, .description = "IPv4 address (private ranges get low confidence)",
     .pattern = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
     .left = PD_GUARD_IP, .right = PD_GUARD_IP, .max_len = 15, .validate = check_ip,
     .alphabet = DIGITS ".",
     .mask = PD_MASK_DIGITS, .base_confidence = 60, .context_bonus = 20, .anti_penalty = 60,
     .context = "ip|dia chi ip|ip address|client|remote_addr|x-forwarded-for|src|dst|login from",
     .anti_context = "version|phien ban|ver|build|oid|snmp|release"},
};
const size_t pd_family_generic_count = sizeof pd_family_generic / sizeof pd_family_generic[0];
