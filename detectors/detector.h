/* The detector interface: one struct per kind of identifier or marking, all listed in one table
 * (detectors/table.c). The engine compiles every selected detector's pattern into one Hyperscan
 * database over the folded text view, confirms candidates with PCRE2, then runs the detector's
 * validator and context rules. */
#ifndef PD_DETECTOR_H
#define PD_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

enum pd_category {
    PD_CAT_BASIC,        /* basic personal data (Decree 356/2025 art. 3) */
    PD_CAT_SENSITIVE,    /* sensitive personal data (art. 4) */
    PD_CAT_STATE_SECRET, /* state-secret markings (Law 117/2025) */
    PD_CAT_COUNT
};

const char *pd_category_name(enum pd_category cat);

/* What may stand before a match (checked in the pattern) and after it (checked in C). */
enum pd_guard {
    PD_GUARD_NONE,
    PD_GUARD_NUMBER, /* not glued to letters, digits or a dotted number ("1.5"); commas are CSV separators */
    PD_GUARD_WORD,   /* not glued to letters or digits */
    PD_GUARD_IP,     /* not part of a longer dotted number */
    PD_GUARD_EMAIL,  /* not inside a longer address or host name */
    PD_GUARD_TOKEN,  /* ends at white space */
};

enum pd_mask_style {
    PD_MASK_DIGITS,  /* 079*******34 */
    PD_MASK_EMAIL,   /* n***@e***.vn */
    PD_MASK_WORDS,   /* N*** V*** A*** */
    PD_MASK_HIDDEN,  /* first character only */
    PD_MASK_SECRET,  /* nothing of it: "***" (passwords, OTPs: even one character helps a guess) */
    PD_MASK_NONE,    /* markings are not personal data: shown as found */
};

enum pd_confidence_level { PD_CONF_LOW = 1, PD_CONF_MEDIUM = 50, PD_CONF_HIGH = 80 };
const char *pd_confidence_name(int confidence);

#define PD_MAX_ATTRS 4
#define PD_NORM_MAX 256

/* A derived attribute of a finding, e.g. birth_year=1987 for a citizen ID. */
struct pd_attr {
    const char *key;
    char value[24];
};

/* A confirmed match handed to a validator, which may refine it. */
struct pd_candidate {
    const struct pd_text *text;
    size_t start, end;       /* value span in the folded view; a validator may shrink it */
    int confidence;          /* starts at the detector's base; the validator may adjust */
    int current_year;        /* for date sanity */
    char norm[PD_NORM_MAX];  /* normalised value, hashed and masked; empty: the engine derives it */
    struct pd_attr attrs[PD_MAX_ATTRS];
    unsigned n_attrs;
};

/* Returns false to reject the candidate. */
typedef bool (*pd_validator_fn)(struct pd_candidate *c);

struct pd_detector {
    const char *id;          /* stable: reports, policies and baselines refer to it */
    enum pd_category category;
    const char *description;
    const char *label;       /* optional: the label the value follows ("so cmnd|cmnd|cmt"), a regex
                              * without * + or {}: Hyperscan looks for it alone, and PCRE2 matches
                              * label then pattern around each place it is found */
    const char *pattern;     /* regex on the folded view (after the label); (?<v>...) marks the value */
    const char *prefilter;   /* optional: a cheap pattern Hyperscan runs instead, whose match ends
                              * inside the value (an anchor); PCRE2 then searches pattern around it */
    enum pd_guard left, right;
    unsigned max_len;        /* longest match in folded bytes, label included */
    unsigned anchor_reach;   /* with a prefilter: how far before the anchor's end a match can
                              * start (0: max_len); PCRE2 searches no further back */
    const char *alphabet;    /* optional: every byte a match can hold (up to the anchor, for
                              * anchored detectors); PCRE2 starts its search where the run of them
                              * that ends at the candidate begins, not max_len before it */
    pd_validator_fn validate;
    enum pd_mask_style mask;
    int base_confidence;     /* 0-100 before context */
    const char *context;     /* '|'-separated folded hotwords near the value: + context_bonus */
    const char *anti_context;/* '|'-separated folded words near the value: - anti_penalty */
    unsigned context_before, context_after; /* bytes searched (0: 64 and 24) */
    int context_bonus, anti_penalty;
    bool context_required;   /* weak identifiers: dropped without a hotword */
};

/* The built-in table, in a stable order. */
const struct pd_detector *pd_detectors(size_t *count);

#define PD_MAX_DETECTORS 64 /* the table's size limit, so per-detector counters can be arrays */
const struct pd_detector *pd_detector_find(const char *id);

/* One confirmed finding. Offsets are raw bytes of the unit; the clear value is only kept when
 * the user asked for it (--reveal). */
struct pd_finding {
    const struct pd_detector *detector;
    uint64_t offset;
    uint32_t length;
    uint64_t line;   /* 1-based */
    uint64_t column; /* 1-based, in bytes of the original file */
    int confidence;
    char masked[96];
    char value_hash[33]; /* keyed hash (HMAC-SHA256, 128 bits hex) of detector + value */
    uint64_t value_key;  /* its first 64 bits as a number, for hash tables; 0 when not hashed */
    char fingerprint[33];
    char *clear;
    struct pd_attr attrs[PD_MAX_ATTRS];
    unsigned n_attrs;
    const char *field; /* database column the value was in (owned by the unit); NULL for files */
};

#endif
