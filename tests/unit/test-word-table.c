/* Word tables: a list numbered by an STT column labels each cell by its header, a form cell
 * labels the cell after it, and a marking is never taken for a label. */
#include <stdlib.h>
#include <string.h>

#include "scanner/formats/word_table.h"
#include "tests/unit/check.h"

struct sink {
    char text[4096];
    size_t len;
};

static void put(void *ctx, const char *s, size_t n)
{
    struct sink *k = ctx;
    if (k->len + n < sizeof k->text) {
        memcpy(k->text + k->len, s, n);
        k->len += n;
        k->text[k->len] = '\0';
    }
}

static void start(struct pd_word_table *t, const char *name, struct sink *k)
{
    static const char *no_attrs[] = {NULL};
    if (!pd_word_table_start(t, name, no_attrs) && strcmp(name, "w:tc") == 0)
        put(k, "\t", 1); /* what the DOCX reader writes for a cell the table did not place */
}

static void end(struct pd_word_table *t, const char *name, struct sink *k)
{
    if (!pd_word_table_end(t, name) && (strcmp(name, "w:p") == 0 || strcmp(name, "w:tr") == 0))
        put(k, "\n", 1);
}

/* Feeds a table given as rows of cells ("|" between cells, ";" between rows) as the DOCX reader
 * does: w:tbl, w:tr, w:tc, w:p, w:r elements around each cell's text. */
static void feed(const char *rows, struct sink *k)
{
    struct pd_word_table_out out = {.put = put, .ctx = k};
    struct pd_word_table t;
    pd_word_table_init(&t, &out);
    memset(k, 0, sizeof *k);
    start(&t, "w:tbl", k);
    for (const char *p = rows; *p;) {
        start(&t, "w:tr", k);
        for (;;) {
            size_t n = strcspn(p, "|;");
            start(&t, "w:tc", k);
            start(&t, "w:p", k);
            start(&t, "w:r", k);
            if (!pd_word_table_text(&t, p, n, true, true))
                put(k, p, n);
            end(&t, "w:r", k);
            end(&t, "w:p", k);
            end(&t, "w:tc", k);
            p += n;
            if (*p != '|')
                break;
            p++;
        }
        end(&t, "w:tr", k);
        if (*p == ';')
            p++;
    }
    end(&t, "w:tbl", k);
}

int main(void)
{
    struct sink k;
    feed("STT|Họ và tên|Số CMND;1|Lê Văn Cường|012345678;2|Trần Thị Lan|023456789", &k);
    CHECK_MSG(strstr(k.text, "Số CMND: 012345678") != NULL, "list: %s", k.text);
    CHECK_MSG(strstr(k.text, "Họ và tên: Trần Thị Lan") != NULL, "list: %s", k.text);
    CHECK_MSG(strstr(k.text, "STT: 1") == NULL || strstr(k.text, "Số CMND: 023456789") != NULL, "list: %s", k.text);

    feed("Số CMND|012345678;Họ và tên|Lê Văn Cường", &k);
    CHECK_MSG(strstr(k.text, "Số CMND: 012345678") != NULL, "form: %s", k.text);

    /* a letterhead: the marking stays a line of its own, never a label or a labelled value */
    feed("CƠ QUAN A|TỐI MẬT;Số: 12/BC|Hà Nội", &k);
    CHECK_MSG(strstr(k.text, "TỐI MẬT") != NULL, "letterhead: %s", k.text);
    CHECK_MSG(strstr(k.text, "TỐI MẬT:") == NULL && strstr(k.text, ": TỐI MẬT") == NULL, "letterhead: %s", k.text);

    /* a table without an STT column is not a list: no header label is written */
    feed("Tên|Ghi chú;Lan|012345678", &k);
    CHECK_MSG(strstr(k.text, "Ghi chú: 012345678") == NULL, "not a list: %s", k.text);
    return check_done();
}
