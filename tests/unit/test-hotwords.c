/* Context words: the index built for dense texts answers exactly as the search around each value
 * does, on generated texts full of whole words, prefixes, phrases and words glued to digits. */
#include <stdlib.h>
#include <string.h>

#include "detectors/hotwords-int.h"
#include "tests/unit/check.h"

static const char *const vocabulary[] = {
    "so", "so dien thoai", "dien thoai", "sdt", "song", "tin", "tinh", "thong tin", "d.o.b", "dob",
    "ma don hang", "ma", "account no.", "account", "x", "xe", "o to", "0912345678", "079", "-", ",",
    " ", " ", "\n", ":", "_", "so_dien_thoai", "mst", "mstx", "a", "z9",
};

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static void test_index_matches_search(void)
{
    struct pd_hotwords *h;
    CHECK(pd_hotwords_create(3, &h) == PD_OK);
    CHECK(pd_hotwords_add(h, 0, "so dien thoai|sdt|dien thoai|so_dien_thoai", "ma don hang|account") == PD_OK);
    CHECK(pd_hotwords_add(h, 1, "tin|mst|d.o.b", "so") == PD_OK);
    CHECK(pd_hotwords_add(h, 2, "x|o to|account no.", NULL) == PD_OK);
    CHECK(pd_hotwords_finish(h, NULL) == PD_OK);
    CHECK(pd_hotwords_lists(h, 0) == (PD_HOT_CONTEXT | PD_HOT_ANTI));
    CHECK(pd_hotwords_lists(h, 2) == PD_HOT_CONTEXT);

    struct pd_hotword_marks *sparse, *dense;
    CHECK(pd_hotword_marks_create(h, &sparse) == PD_OK);
    CHECK(pd_hotword_marks_create(h, &dense) == PD_OK);
    unsigned seed = 7, mismatches = 0, found_any = 0;
    for (int round = 0; round < 20; round++) {
        char text[4096];
        size_t len = 0;
        for (;;) {
            const char *w = vocabulary[next_random(&seed) % (sizeof vocabulary / sizeof *vocabulary)];
            if (len + strlen(w) >= sizeof text)
                break;
            memcpy(text + len, w, strlen(w));
            len += strlen(w);
        }
        text[len] = '\0';
        pd_hotword_marks_reset(dense);
        pd_hotwords_find(h, dense, 0, text, len, 0, len, PD_HOT_CONTEXT | PD_HOT_ANTI);
        CHECK(pd_hotword_marks_indexed(dense));
        for (int q = 0; q < 2000; q++) {
            size_t lo = next_random(&seed) % len, hi = lo + next_random(&seed) % 90;
            if (hi > len)
                hi = len;
            unsigned det = next_random(&seed) % 3, want = pd_hotwords_lists(h, det);
            pd_hotword_marks_reset(sparse); /* searches stay far below the index's threshold */
            unsigned a = pd_hotwords_find(h, sparse, det, text, len, lo, hi, want);
            unsigned b = pd_hotwords_find(h, dense, det, text, len, lo, hi, want);
            CHECK(!pd_hotword_marks_indexed(sparse));
            if (a != b && mismatches++ < 5)
                CHECK_MSG(a == b, "detector %u, [%zu, %zu) of \"%.*s\": search %u, index %u", det, lo, hi,
                          (int)(hi - lo), text + lo, a, b);
            found_any |= a;
        }
    }
    CHECK(mismatches == 0);
    CHECK(found_any == (PD_HOT_CONTEXT | PD_HOT_ANTI)); /* the texts did hold words of both lists */
    pd_hotword_marks_destroy(sparse);
    pd_hotword_marks_destroy(dense);
    pd_hotwords_destroy(h);
}

/* A word counts only whole, and only inside the range: both ways agree on the edges. */
static void test_word_edges(void)
{
    struct pd_hotwords *h;
    CHECK(pd_hotwords_create(1, &h) == PD_OK);
    CHECK(pd_hotwords_add(h, 0, "tin|so dien thoai", NULL) == PD_OK);
    CHECK(pd_hotwords_finish(h, NULL) == PD_OK);
    struct pd_hotword_marks *m;
    CHECK(pd_hotword_marks_create(h, &m) == PD_OK);
    const char *t = "thong tinh 12 tin: so dien thoai0912";
    size_t len = strlen(t);
    for (int indexed = 0; indexed < 2; indexed++) {
        pd_hotword_marks_reset(m);
        if (indexed)
            pd_hotwords_find(h, m, 0, t, len, 0, len, PD_HOT_CONTEXT);
        CHECK(pd_hotword_marks_indexed(m) == (indexed == 1));
        CHECK(pd_hotwords_find(h, m, 0, t, len, 0, 10, PD_HOT_CONTEXT) == 0);             /* "tinh" */
        CHECK(pd_hotwords_find(h, m, 0, t, len, 6, 9, PD_HOT_CONTEXT) == PD_HOT_CONTEXT); /* range ends in it */
        CHECK(pd_hotwords_find(h, m, 0, t, len, 14, 17, PD_HOT_CONTEXT) == PD_HOT_CONTEXT);
        CHECK(pd_hotwords_find(h, m, 0, t, len, 15, 18, PD_HOT_CONTEXT) == 0); /* starts before the range */
        CHECK(pd_hotwords_find(h, m, 0, t, len, 19, len, PD_HOT_CONTEXT) == 0); /* glued to digits */
        CHECK(pd_hotwords_find(h, m, 0, t, len, 19, 32, PD_HOT_CONTEXT) == PD_HOT_CONTEXT);
    }
    pd_hotword_marks_destroy(m);
    pd_hotwords_destroy(h);
}

int main(void)
{
    test_index_matches_search();
    test_word_edges();
    return check_done();
}
