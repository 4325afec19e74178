/* Internals shared by the worker and its format handlers (container, document, extractor). */
#ifndef PD_WORKER_INT_H
#define PD_WORKER_INT_H

#include "scanner/budget.h"
#include "scanner/source.h"
#include "scanner/text.h"
#include "scanner/worker.h"

/* A handler reads one kind of unit. It receives the unit's stream from byte 0 (the sniffed window
 * is handed back unread) and sets the unit's status; child units go to pd_worker_emit. */
struct pd_handler {
    const char *name;
    bool (*accepts)(const char *mime);
    void (*scan)(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth);
};

extern const struct pd_handler pd_handler_container;
extern const struct pd_handler pd_handler_document;
extern const struct pd_handler pd_handler_extractor;
extern const struct pd_handler pd_handler_mail;
extern const struct pd_handler pd_handler_sqlite;

/* Scans a unit of any kind from src at the given container depth: sniff, then dispatch. */
void pd_worker_scan_unit(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth);

/* Scans a stream known to be text in enc (document parts, extractor output). */
void pd_worker_scan_text(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                         enum pd_encoding enc);

/* Hands a finished child unit to the report (or frees it when nobody listens). */
void pd_worker_emit(struct pd_worker *w, struct pd_unit *u);

struct pd_budget *pd_worker_budget(struct pd_worker *w);
struct pd_text *pd_worker_text(struct pd_worker *w);
struct pd_engine_scratch *pd_worker_scratch(struct pd_worker *w);
/* Gives every finding of u its stable fingerprint. */
void pd_worker_fingerprints(struct pd_worker *w, struct pd_unit *u);

/* One open database connection per worker, reused while jobs name the same database. */
struct pd_db_slot {
    char *key;                 /* the connection string */
    void *conn;
    void (*close)(void *conn);
};
struct pd_db_slot *pd_worker_db(struct pd_worker *w);
const struct pd_worker_config *pd_worker_config_of(const struct pd_worker *w);

struct archive;
/* Starts reading the unit's stream as an archive at depth (zip_only: document packages): checks
 * the depth budget, opens seekable on a file (zip central directories, zip64), else streams from
 * the source. NULL, with the unit's status and reason set, when it cannot; otherwise the caller
 * ends with pd_archive_end(a, state). */
struct archive *pd_archive_begin(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                 bool zip_only, void **state);
void pd_archive_end(struct archive *a, void *state);

/* Scans the current entry of a as the unit child at depth, charging the budget; *budget_hit
 * tells whether the budget stopped it. */
void pd_archive_scan_member(struct pd_worker *w, struct pd_unit *child, struct archive *a, unsigned depth,
                            bool *budget_hit);

/* Creates "parent!member" (the location chain of archive members and document parts). */
struct pd_unit *pd_worker_child(const struct pd_unit *parent, const char *member);

#endif
