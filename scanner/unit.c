/* Unit records: creation, status, and the capped list of findings. */
#include "scanner/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"

const char *pd_unit_status_name(enum pd_unit_status status)
{
    static const char *names[] = {"scanned", "partial", "skipped", "error"};
    return status < PD_UNIT_STATUS_COUNT ? names[status] : "unknown";
}

struct pd_unit *pd_unit_create(const char *path)
{
    struct pd_unit *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    if (!(u->path = strdup(path))) {
        free(u);
        return NULL;
    }
    return u;
}

void pd_unit_destroy(struct pd_unit *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n_findings; i++)
        pd_finding_clear(&u->findings[i]);
    free(u->findings);
    for (size_t i = 0; i < u->n_columns; i++) {
        for (size_t k = 0; k < u->columns[i].n_stats; k++)
            pd_hashset_free(&u->columns[i].stats[k].distinct);
        free(u->columns[i].stats);
        free(u->columns[i].name);
    }
    free(u->columns);
    free(u->path);
    free(u);
}

void pd_unit_set(struct pd_unit *u, enum pd_unit_status status, const char *fmt, ...)
{
    u->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->reason, sizeof u->reason, fmt, ap);
    va_end(ap);
}

enum pd_error pd_unit_add_finding(struct pd_unit *u, struct pd_finding *f)
{
    if (u->n_findings >= PD_UNIT_MAX_FINDINGS) {
        size_t n;
        u->findings_unlisted++;
        u->unlisted_by_detector[f->detector - pd_detectors(&n)]++;
        pd_finding_clear(f);
        return PD_OK;
    }
    if (u->n_findings == u->cap_findings) {
        size_t ncap = u->cap_findings ? u->cap_findings * 2 : 16;
        struct pd_finding *nf = realloc(u->findings, ncap * sizeof *nf);
        if (!nf) {
            pd_finding_clear(f);
            return PD_ERR_NOMEM;
        }
        u->findings = nf;
        u->cap_findings = ncap;
    }
    u->findings[u->n_findings++] = *f;
    f->clear = NULL;
    return PD_OK;
}
