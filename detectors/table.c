/* The built-in detectors: one table, joined once from the families (identifiers.c, generic.c,
 * labelled.c, markings.c), each entry beside the check that turns a confirmed span into a
 * validated finding. Patterns run on the folded view (lower case, no accents, đ -> d); facts and
 * sources are in docs/detectors.md. Adding a detector touches its family's file only. */
#include "detectors/detector.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/family-int.h"

static struct pd_detector table[PD_MAX_DETECTORS];
static size_t table_count;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void join_families(void)
{
#define PD_FAMILY_JOIN(name)                                                                              \
    for (size_t i = 0; i < pd_family_##name##_count; i++) {                                              \
        if (table_count == PD_MAX_DETECTORS)                                                              \
            abort(); /* raise PD_MAX_DETECTORS */                                                         \
        table[table_count++] = pd_family_##name[i];                                                       \
    }
    PD_DETECTOR_FAMILIES(PD_FAMILY_JOIN)
#undef PD_FAMILY_JOIN
}

const struct pd_detector *pd_detectors(size_t *count)
{
    pthread_once(&table_once, join_families);
    *count = table_count;
    return table;
}

const struct pd_detector *pd_detector_find(const char *id)
{
    size_t n;
    const struct pd_detector *d = pd_detectors(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].id, id) == 0)
            return &d[i];
    return NULL;
}

const char *pd_category_name(enum pd_category cat)
{
    switch (cat) {
    case PD_CAT_BASIC: return "basic";
    case PD_CAT_SENSITIVE: return "sensitive";
    case PD_CAT_STATE_SECRET: return "state_secret";
    case PD_CAT_COUNT: break;
    }
    return "unknown";
}

const char *pd_confidence_name(int confidence)
{
    return confidence >= PD_CONF_HIGH ? "high" : confidence >= PD_CONF_MEDIUM ? "medium" : "low";
}
