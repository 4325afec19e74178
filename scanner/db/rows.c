/* Scanning a table's rows: batches of rows are held in a bounded arena, then each column's values
 * are scanned as lines "column name: value" (underscores as spaces), so that the column name is
 * the label weak identifiers need ("so_cmnd", "ho_ten", "ngay_sinh"). Findings point at the
 * column and row; each column gets aggregates per detector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "text/labels.h"
#include "scanner/db/db-int.h"
#include "util/hashset.h"
#include "scanner/worker-int.h"

#define BATCH_ROWS 1024
#define BATCH_BYTES (4u << 20)
#define MAX_VALUE (64u << 10)

struct batch {
    char *arena;
    size_t used;
    size_t (*cells)[2]; /* per row and column: offset, length; length SIZE_MAX for NULL */
    size_t rows;
};

struct column_scan {
    struct pd_unit *u;
    struct pd_column *col;
    const size_t *starts; /* offset of each row's line in the column text */
    const size_t *values; /* offset of each row's value in the column text */
    size_t rows;
    uint64_t base_row;
    bool failed;
};

static struct pd_column_stat *stat_for(struct pd_column *col, const struct pd_detector *d)
{
    for (size_t i = 0; i < col->n_stats; i++)
        if (col->stats[i].detector == d)
            return &col->stats[i];
    struct pd_column_stat *ns = realloc(col->stats, (col->n_stats + 1) * sizeof *ns);
    if (!ns)
        return NULL;
    col->stats = ns;
    memset(&ns[col->n_stats], 0, sizeof *ns);
    ns[col->n_stats].detector = d;
    ns[col->n_stats].last_row = UINT64_MAX;
    return &ns[col->n_stats++];
}

static bool on_cell_finding(void *arg, struct pd_finding *f)
{
    struct column_scan *cs = arg;
    /* the row whose line holds the finding */
    size_t lo = 0, hi = cs->rows;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (cs->starts[mid] <= f->offset)
            lo = mid;
        else
            hi = mid;
    }
    if (f->offset < cs->values[lo]) { /* inside the label: the column name is not data */
        pd_finding_clear(f);
        return true;
    }
    uint64_t row = cs->base_row + lo + 1;
    struct pd_column_stat *st = stat_for(cs->col, f->detector);
    if (st) {
        st->count++;
        if (st->last_row != row) {
            st->rows++;
            st->last_row = row;
        }
        pd_hashset_add(&st->distinct, f->value_key);
        if (f->confidence > st->confidence)
            st->confidence = f->confidence;
        if (st->n_examples < PD_COLUMN_EXAMPLES) {
            bool seen = false;
            for (unsigned i = 0; i < st->n_examples; i++)
                seen |= strcmp(st->examples[i], f->masked) == 0;
            if (!seen)
                snprintf(st->examples[st->n_examples++], sizeof st->examples[0], "%s", f->masked);
        }
    }
    f->offset -= cs->values[lo];
    f->line = row;
    f->column = f->offset + 1;
    f->field = cs->col->name;
    if (pd_unit_add_finding(cs->u, f) != PD_OK)
        cs->failed = true;
    return true;
}

/* Scans one column of a batch. */
static bool scan_column(struct pd_worker *w, struct pd_unit *u, struct batch *b, size_t ci, size_t n_cols,
                        struct pd_column *col, const char *type, uint64_t base_row)
{
    /* the vocabulary's label for the column's name and type ("birth_date date": "ngay sinh") */
    char label[PD_LABEL_MAX + 2];
    pd_label_for_column(col->name, type, label);
    size_t ll = strlen(label);
    label[ll++] = ':';
    label[ll++] = ' ';
    size_t total = 0;
    for (size_t r = 0; r < b->rows; r++)
        total += ll + (b->cells[r * n_cols + ci][1] == SIZE_MAX ? 0 : b->cells[r * n_cols + ci][1]) + 1;
    char *text = malloc(total + 1);
    size_t *starts = malloc((b->rows + 1) * sizeof *starts), *values = malloc((b->rows + 1) * sizeof *values);
    if (!text || !starts || !values) {
        free(text);
        free(starts);
        free(values);
        return false;
    }
    size_t o = 0;
    for (size_t r = 0; r < b->rows; r++) {
        starts[r] = o;
        memcpy(text + o, label, ll);
        o += ll;
        values[r] = o;
        size_t off = b->cells[r * n_cols + ci][0], len = b->cells[r * n_cols + ci][1];
        if (len != SIZE_MAX) {
            for (size_t k = 0; k < len; k++) { /* one value per line */
                char c = b->arena[off + k];
                text[o++] = c == '\n' || c == '\r' ? ' ' : c;
            }
        }
        text[o++] = '\n';
    }
    struct pd_text *t = pd_worker_text(w);
    enum pd_encoding enc = PD_ENC_UTF8;
    if (!pd_text_guess_legacy((const unsigned char *)text, o, &enc)) /* SQL_ASCII databases of TCVN3 text */
        pd_text_guess_viqr((const unsigned char *)text, o, &enc);
    if (enc != PD_ENC_UTF8 && !u->encoding)
        u->encoding = pd_encoding_name(enc);
    struct column_scan cs = {.u = u, .col = col, .starts = starts, .values = values, .rows = b->rows,
                             .base_row = base_row};
    bool truncated = false;
    enum pd_error err = pd_text_build(t, (const unsigned char *)text, o, enc);
    if (err == PD_OK || err == PD_ERR_LIMIT)
        /* column aggregates need every value hashed, listed or not */
        err = pd_engine_scan(pd_worker_scratch(w), t, 0, o, SIZE_MAX, on_cell_finding, &cs, &truncated);
    free(text);
    free(starts);
    free(values);
    return err == PD_OK && !cs.failed;
}

void pd_worker_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_table_reader *r)
{
    size_t n = r->n_columns;
    u->columns = calloc(n ? n : 1, sizeof *u->columns);
    struct batch b = {.arena = malloc(BATCH_BYTES), .cells = malloc(BATCH_ROWS * (n ? n : 1) * sizeof *b.cells)};
    if (!u->columns || !b.arena || !b.cells) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory reading the table");
        goto done;
    }
    u->n_columns = n;
    for (size_t i = 0; i < n; i++)
        u->columns[i].name = strdup(r->columns[i]);
    uint64_t rows = 0;
    bool end = false;
    char why[300] = "";
    while (!end) {
        b.rows = 0;
        b.used = 0;
        while (b.rows < BATCH_ROWS && b.used < BATCH_BYTES - MAX_VALUE * 2) {
            const char *const *values;
            int got = r->next(r->ctx, &values, why, sizeof why);
            if (got < 0) {
                pd_unit_set(u, rows + b.rows ? PD_UNIT_PARTIAL : PD_UNIT_ERROR, "%s (after %llu rows)", why,
                            (unsigned long long)(rows + b.rows));
                end = true;
                break;
            }
            if (got == 0) {
                end = true;
                break;
            }
            for (size_t c = 0; c < n; c++) {
                size_t *cell = b.cells[b.rows * n + c];
                if (!values[c]) {
                    cell[0] = 0;
                    cell[1] = SIZE_MAX;
                    continue;
                }
                size_t len = strlen(values[c]);
                if (len > MAX_VALUE)
                    len = MAX_VALUE; /* a huge JSON or XML value: its head is what holds identifiers */
                if (b.used + len > BATCH_BYTES)
                    len = BATCH_BYTES - b.used;
                memcpy(b.arena + b.used, values[c], len);
                cell[0] = b.used;
                cell[1] = len;
                b.used += len;
            }
            b.rows++;
        }
        for (size_t c = 0; c < n && b.rows; c++)
            if (!scan_column(w, u, &b, c, n, &u->columns[c], r->types ? r->types[c] : NULL, rows)) {
                pd_unit_set(u, PD_UNIT_ERROR, "detection failed in column %s", u->columns[c].name);
                end = true;
            }
        rows += b.rows;
        const struct pd_worker_config *cfg = pd_worker_config_of(w);
        if (!end && cfg->stop && atomic_load(cfg->stop)) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "scan interrupted after %llu rows", (unsigned long long)rows);
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        u->columns[i].rows = rows;
    u->rows = rows;
    pd_worker_fingerprints(w, u);
done:
    free(b.arena);
    free(b.cells);
}
