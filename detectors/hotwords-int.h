/* Context words: is one of a detector's hotwords (or anti-words) near a value? A word counts only
 * whole and only inside the range asked about. Sparse text is searched around each value; once
 * those searches have covered an eighth of a text (a CSV export, where every row holds values),
 * every word in it is found in one Hyperscan pass over a literal database and kept as an index
 * for the rest of it. Both ways give the same answer. Internal to the engine. */
#ifndef PD_HOTWORDS_H
#define PD_HOTWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum { PD_HOT_CONTEXT = 1, PD_HOT_ANTI = 2 };

struct pd_hotwords;      /* every detector's lists: immutable once built, shared by threads */
struct pd_hotword_marks; /* one thread's index of the text it is scanning */

/* Lists are '|'-separated folded words; det is the detector's index (< PD_MAX_DETECTORS).
 * PD_ERR_PATTERN: an empty or overlong word. */
enum pd_error pd_hotwords_create(size_t detectors, struct pd_hotwords **out);
enum pd_error pd_hotwords_add(struct pd_hotwords *h, unsigned det, const char *context, const char *anti);
/* After the last add: merges every list into the one dictionary the index is built from, a
 * Hyperscan literal database (kept in cache_dir like the detectors', NULL: always compiled). */
enum pd_error pd_hotwords_finish(struct pd_hotwords *h, const char *cache_dir);
void pd_hotwords_destroy(struct pd_hotwords *h);

/* Which lists (PD_HOT_*) the detector has. */
unsigned pd_hotwords_lists(const struct pd_hotwords *h, unsigned det);

enum pd_error pd_hotword_marks_create(const struct pd_hotwords *h, struct pd_hotword_marks **out);
void pd_hotword_marks_destroy(struct pd_hotword_marks *m);
/* Forgets the index: the next search is over a new text. */
void pd_hotword_marks_reset(struct pd_hotword_marks *m);

/* True once the current text's index is built (for tests). */
bool pd_hotword_marks_indexed(const struct pd_hotword_marks *m);

/* Which of the wanted lists have a word inside text[lo, hi) (text is len bytes). */
unsigned pd_hotwords_find(const struct pd_hotwords *h, struct pd_hotword_marks *m, unsigned det,
                          const char *text, size_t len, size_t lo, size_t hi, unsigned want);

#endif
