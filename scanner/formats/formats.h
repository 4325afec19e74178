/* Format readers: each is one struct behind the pd_format interface, registered in
 * format_list.h. The worker asks for the reader of a sniffed type; nothing outside this folder
 * names a particular reader. */
#ifndef PD_FORMATS_H
#define PD_FORMATS_H

#include <stdbool.h>

struct pd_worker;
struct pd_unit;
struct pd_source;

/* A reader of one kind of unit. It receives the unit's stream from byte 0 (the sniffed window is
 * handed back unread) and sets the unit's status; child units go to pd_worker_emit. */
struct pd_format {
    bool (*accepts)(const char *mime);
    void (*scan)(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth);
};

/* The first reader in format_list.h that accepts this MIME type, or NULL (read as text). */
const struct pd_format *pd_format_for(const char *mime);

#endif
