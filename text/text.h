/* Text views of one window of raw bytes.
 *
 * A window is decoded to valid UTF-8 (UTF-16 converted, invalid bytes replaced by U+FFFD), then
 * folded: compatibility decomposition, case folding, accents stripped and đ -> d, so that NFC,
 * NFD, upper-case and accent-less Vietnamese all produce the same bytes ("MẬT", "Mật", "MAT" ->
 * "mat"). Detectors scan the folded view in one Hyperscan pass; offset maps lead every folded byte
 * back to the raw byte it came from, and pd_text_original() returns the NFC text of a span for
 * checks that need case or accents. */
#ifndef PD_TEXT_H
#define PD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct pd_fields;

enum pd_encoding {
    PD_ENC_UTF8,    /* UTF-8 or ASCII; also used for unknown 8-bit data, invalid bytes repaired */
    PD_ENC_UTF16LE,
    PD_ENC_UTF16BE,
    PD_ENC_TCVN3,   /* TCVN 5712 (ABC), the .VnTime fonts' encoding */
    PD_ENC_VISCII,
    PD_ENC_CP1258,  /* Windows Vietnamese: base letters plus combining tone marks */
    PD_ENC_VNI,     /* VNI Windows (VNI-Times fonts): a base letter followed by mark bytes */
    PD_ENC_VIQR,    /* 7-bit Vietnamese: marks written after the vowel, "Vie^.t Nam" */
    PD_ENC_TCVN3_IN_UTF8, /* TCVN3 bytes shown as Windows-1252 characters, then saved as UTF-8 */
    PD_ENC_VNI_IN_UTF8,   /* the same for VNI (what catdoc prints for .VnTime / VNI-Times text) */
    PD_ENC_BINARY,  /* binary data: only its runs of printable characters are read (text/strings.c) */
};

const char *pd_encoding_name(enum pd_encoding enc);
/* The static name pd_encoding_name gives for name (a report's, a state's), or NULL. */
const char *pd_encoding_known(const char *name);
/* Bytes per code unit for line and column counting: 2 for UTF-16, else 1. */
unsigned pd_encoding_unit(enum pd_encoding enc);

/* Views of one window. Buffers are owned by the struct and reused between windows; each has a
 * hard cap so that hostile input cannot make a view grow without bound. */
struct pd_text {
    /* Set by the caller for structured text (fields/fields.h): the UTF-8 view is then the
     * labelled view of the decoded text, and the next window starts at raw offset fields_resume
     * (SIZE_MAX: none). */
    struct pd_fields *fields;
    size_t fields_resume;
    bool fields_changed; /* the last build's UTF-8 view was rewritten */

    const unsigned char *raw;
    size_t raw_len;

    const char *utf8; /* valid UTF-8: raw itself when raw was valid UTF-8 */
    size_t utf8_len;
    const uint32_t *utf8_raw; /* utf8 byte -> raw offset; NULL means identity */

    const char *fold;
    size_t fold_len;
    const uint32_t *fold_utf8; /* fold byte -> utf8 offset; NULL means identity */

    bool repaired; /* invalid sequences were replaced */
    enum pd_encoding legacy_enc; /* for the *_IN_UTF8 decodings */

    /* private storage */
    char *fields_buf;
    uint32_t *fields_map;
    size_t fields_cap;
    char *utf8_buf;
    uint32_t *utf8_map;
    size_t utf8_cap;
    char *fold_buf;
    uint32_t *fold_map;
    size_t fold_cap;
    size_t max_bytes;
};

/* Prepares an empty view whose buffers never exceed max_bytes each (0: 64 MiB). */
void pd_text_init(struct pd_text *t, size_t max_bytes);
void pd_text_release(struct pd_text *t);

/* Builds the views of raw[0..len). The raw bytes must stay alive while the views are used.
 * Returns PD_ERR_LIMIT when the decoded text would exceed the cap (views then cover a prefix),
 * PD_ERR_NOMEM on allocation failure. */
enum pd_error pd_text_build(struct pd_text *t, const unsigned char *raw, size_t len,
                            enum pd_encoding enc);

/* Raw offset of folded offset off (off may equal fold_len: then raw_len). */
size_t pd_text_raw_offset(const struct pd_text *t, size_t fold_off);

/* NFC of the original text behind fold[start, end), NUL-terminated into out (truncated to cap).
 * Returns the length written. */
size_t pd_text_original(const struct pd_text *t, size_t start, size_t end, char *out, size_t cap);

/* Folds a NUL-terminated UTF-8 string into out (for keyword tables and tests); returns length. */
size_t pd_text_fold_string(const char *in, char *out, size_t cap);

/* Copies NUL-terminated in to out as valid UTF-8 (bad bytes become U+FFFD); returns the length. */
size_t pd_text_repair_utf8(const char *in, char *out, size_t cap);

/* Case tests and upper-casing of NUL-terminated UTF-8 (any script, via utf8proc). */
bool pd_text_starts_upper(const char *utf8);
bool pd_text_is_upper(const char *utf8); /* no lower-case letter */
size_t pd_text_upper(const char *in, char *out, size_t cap);

/* Guesses a legacy Vietnamese encoding for 8-bit text that is not UTF-8: the one whose
 * decoding yields the most Vietnamese letters and the fewest stray symbols. Leaves *enc alone
 * (and returns false) when UTF-8 or no legacy encoding fits. */
bool pd_text_guess_legacy(const unsigned char *p, size_t len, enum pd_encoding *enc);

/* Decodes UTF-8 text whose characters stand for the bytes of a legacy encoding (enc: TCVN3, VNI,
 * VISCII, CP1258), as Word stores text typed in a legacy font, into proper UTF-8 in out; returns
 * the length written (at most cap - 1, NUL-terminated). */
size_t pd_text_redecode(enum pd_encoding enc, const char *utf8, size_t n, char *out, size_t cap);

/* The legacy encoding a font name implies: ".VnTime" and friends TCVN3, "VNI-Times" VNI. */
bool pd_text_font_encoding(const char *font, enum pd_encoding *enc);

/* Guesses VIQR in ASCII text: vowels followed by ^ ( + marks, often enough to be no accident. */
bool pd_text_guess_viqr(const unsigned char *p, size_t len, enum pd_encoding *enc);

/* Guesses UTF-16 without a BOM: many NUL bytes at one parity, few at the other.
 * Returns true and sets *enc when the sample looks like UTF-16 text. */
bool pd_text_guess_utf16(const unsigned char *p, size_t len, enum pd_encoding *enc);

/* 1 for ASCII letters and digits: what may not touch a word (or a value) for it to count */
extern const unsigned char pd_ascii_alnum[256];

#endif
