/* State-secret markings (TUYỆT MẬT / TỐI MẬT / MẬT, recall, named-only, declassified): entries and
 * the checks of where a marking stands. */
#include "detectors/family-int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "detectors/validators.h"

/* Where a marking stands on its line decides whether it is a marking at all. */
enum mark_position { MARK_NONE, MARK_OWN_LINE, MARK_FIELD, MARK_STAMP };

static enum mark_position marking_position(const struct pd_candidate *c)
{
    const char *f = fold_at(c);
    size_t ls = c->start, le = c->end;
    while (ls > 0 && f[ls - 1] != '\n')
        ls--;
    while (le < c->text->fold_len && f[le] != '\n')
        le++;
    size_t p = c->start;
    while (p > ls && (f[p - 1] == ' ' || f[p - 1] == '\t'))
        p--;
    if (p > ls && f[p - 1] == ':') {
        size_t q = p - 1;
        while (q > ls && (f[q - 1] == ' ' || f[q - 1] == '\t'))
            q--;
        if (q >= ls + 6 && memcmp(f + q - 6, "do mat", 6) == 0)
            return MARK_FIELD;
    }
    bool prefix_blank = true, suffix_blank = true;
    for (size_t i = ls; i < c->start; i++)
        if (!strchr(" \t\"'*[(<", f[i]))
            prefix_blank = false;
    for (size_t i = c->end; i < le; i++)
        if (!strchr(" \t\"'*])>.\r", f[i]))
            suffix_blank = false;
    if (prefix_blank && suffix_blank)
        return MARK_OWN_LINE;
    /* "Số: 15/BC-CAT      MẬT": the stamp printed beside the document number */
    size_t i = ls;
    while (i < c->start && (f[i] == ' ' || f[i] == '\t'))
        i++;
    if (c->start - i > 4 && memcmp(f + i, "so", 2) == 0 && suffix_blank && c->start - ls >= 2 &&
        (f[c->start - 1] == '\t' || (f[c->start - 1] == ' ' && f[c->start - 2] == ' ')))
        return MARK_STAMP;
    return MARK_NONE;
}

static bool check_secret_mark(struct pd_candidate *c)
{
    static const struct {
        const char *text, *level;
        int confidence;
    } forms[] = {
        {"TUYỆT MẬT", "tuyet_mat", 95}, {"TỐI MẬT", "toi_mat", 95}, {"MẬT", "mat", 90},
        {"TUYET MAT", "tuyet_mat", 70}, {"TOI MAT", "toi_mat", 70}, {"MAT", "mat", 35},
    };
    enum mark_position pos = marking_position(c);
    if (pos == MARK_NONE)
        return false;
    char orig[48];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (strcmp(orig, forms[i].text) != 0)
            continue;
        c->confidence = forms[i].confidence;
        pd_check_set_attr_str(c, "level", forms[i].level);
        pd_check_set_attr_str(c, "position", pos == MARK_FIELD ? "field" : pos == MARK_STAMP ? "stamp" : "own_line");
        snprintf(c->norm, sizeof c->norm, "%s", forms[i].level);
        return true;
    }
    if (pos != MARK_FIELD) /* outside a "Độ mật:" field only stamp case counts */
        return false;
    /* "Độ mật: Tối mật" in ordinary case: the right accents are still required */
    char up[48];
    pd_text_upper(orig, up, sizeof up);
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(up, forms[i].text) != 0)
            continue;
        c->confidence = 85;
        pd_check_set_attr_str(c, "level", forms[i].level);
        pd_check_set_attr_str(c, "position", "field");
        snprintf(c->norm, sizeof c->norm, "%s", forms[i].level);
        return true;
    }
    return false;
}

/* Upper-case accented form scores `upper`, upper-case accent-less `bare`, anything else rejected
 * unless any_case gives it a score. */
static bool check_upper_phrase(struct pd_candidate *c, const char *accented, int upper, int bare, int any_case)
{
    char orig[96];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    if (strcmp(orig, accented) == 0) {
        c->confidence = upper;
        return true;
    }
    char folded_upper[96];
    size_t n = c->end - c->start;
    if (n >= sizeof folded_upper)
        return false;
    for (size_t i = 0; i < n; i++)
        folded_upper[i] = (char)toupper((unsigned char)fold_at(c)[c->start + i]);
    folded_upper[n] = '\0';
    if (strcmp(orig, folded_upper) == 0) {
        c->confidence = bare;
        return true;
    }
    if (any_case) {
        c->confidence = any_case;
        return true;
    }
    return false;
}

static bool check_recall(struct pd_candidate *c)
{
    return check_upper_phrase(c, "TÀI LIỆU THU HỒI", 90, 60, 0);
}

/* A sentence that names the stamp without applying it: "đóng dấu Chỉ người có tên mới được bóc bì",
 * "mẫu dấu ...: Mẫu số 07". */
static bool names_the_stamp(const struct pd_candidate *c)
{
    const char *f = fold_at(c);
    size_t p = c->start;
    while (p > 0 && (f[p - 1] == ' ' || f[p - 1] == '"' || f[p - 1] == '\''))
        p--;
    if (p >= 3 && memcmp(f + p - 3, "dau", 3) == 0 && (p == 3 || !pd_ascii_alnum[(unsigned char)f[p - 4]]))
        return true;
    size_t q = c->end;
    while (q < c->text->fold_len && (f[q] == ' ' || f[q] == '"' || f[q] == '\''))
        q++;
    return q + 5 < c->text->fold_len && f[q] == ':' && (memcmp(f + q + 1, " mau", 4) == 0 || memcmp(f + q + 1, "mau", 3) == 0);
}

static bool check_named_only(struct pd_candidate *c)
{
    return !names_the_stamp(c) && check_upper_phrase(c, "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ", 95, 80, 70);
}

static bool check_declassified(struct pd_candidate *c)
{
    enum mark_position pos = marking_position(c);
    if (pos != MARK_OWN_LINE && pos != MARK_STAMP)
        return false;
    return check_upper_phrase(c, "GIẢI MẬT", 90, 60, 0);
}

const struct pd_detector pd_family_markings[] = {
    {.id = "vn.secret_mark", .category = PD_CAT_STATE_SECRET,
     .description = "State-secret level marking TUYỆT MẬT / TỐI MẬT / MẬT in a marking position (own line, Độ mật field, beside Số:)",
     .pattern = "(?:^[ \\t\"'*\\[(<]*|do mat[ \\t]*:[ \\t]*|^[ \\t]*so[ \\t]*:[ \\t]*\\d[^\\n]{0,60}[ \\t][ \\t])(?<v>(?:tuyet |toi )?mat)",
     .left = PD_GUARD_NONE, .right = PD_GUARD_WORD, .max_len = 100, .validate = check_secret_mark,
     .mask = PD_MASK_NONE, .base_confidence = 90, .context_before = 800, .context_after = 120,
     .context_bonus = 5, .anti_penalty = 100,
     .context = "cong hoa xa hoi chu nghia viet nam|doc lap - tu do - hanh phuc|so|ubnd|bo cong an|quyet dinh|cong van|bao cao|noi nhan",
     .anti_context = "phim|film|tap phim|dien vien|trailer|vietsub|thuyet minh|netflix|imdb"},
    {.id = "vn.secret_recall", .category = PD_CAT_STATE_SECRET, .description = "Recall marking TÀI LIỆU THU HỒI (upper case)",
     .pattern = "(?<v>tai lieu thu hoi)", .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 20,
     .validate = check_recall, .mask = PD_MASK_NONE, .base_confidence = 90},
    {.id = "vn.secret_named_only", .category = PD_CAT_STATE_SECRET,
     .description = "Envelope marking CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ",
     .pattern = "(?<v>chi nguoi co ten moi duoc boc bi)", .left = PD_GUARD_WORD, .right = PD_GUARD_WORD,
     .max_len = 40, .validate = check_named_only, .mask = PD_MASK_NONE, .base_confidence = 90},
    {.id = "vn.secret_declassified", .category = PD_CAT_STATE_SECRET,
     .description = "Declassification marking GIẢI MẬT (own line or beside Số:)",
     .pattern = "(?:^[ \\t\"'*\\[(<]*|^[ \\t]*so[ \\t]*:[ \\t]*\\d[^\\n]{0,60}[ \\t][ \\t])(?<v>giai mat)",
     .left = PD_GUARD_NONE, .right = PD_GUARD_WORD, .max_len = 100, .validate = check_declassified,
     .mask = PD_MASK_NONE, .base_confidence = 90},
};
const size_t pd_family_markings_count = sizeof pd_family_markings / sizeof pd_family_markings[0];
