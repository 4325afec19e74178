/* E-mail (.eml) and mailboxes (mbox) through GMime: headers decoded (RFC 2047) into one unit per
 * message, each MIME part decoded (base64, quoted-printable; text converted to UTF-8) and scanned
 * as a unit of its own, attachments included, so that a zip attached to a message is opened like
 * any other ("inbox.mbox!message-3!bang-luong.zip!bang-luong.xlsx!xl/sharedStrings.xml"). */
#include <errno.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/dynlib.h"
#include "scanner/worker-int.h"

/* GMime (and with it GLib) is opened when the first message is read (dynlib.h): these are the
 * functions called through it. */
#define GM_FUNCTIONS(X) \
    X(g_byte_array_append) X(g_byte_array_new) X(g_byte_array_unref) X(g_free) \
    X(g_mime_data_wrapper_write_to_stream) X(g_mime_header_get_name) X(g_mime_header_get_value) \
    X(g_mime_header_list_get_count) X(g_mime_header_list_get_header_at) X(g_mime_init) \
    X(g_mime_message_foreach) X(g_mime_message_part_get_message) X(g_mime_object_get_header_list) \
    X(g_mime_parser_construct_message) X(g_mime_parser_eos) X(g_mime_parser_new_with_stream) \
    X(g_mime_parser_set_format) X(g_mime_part_get_content) X(g_mime_part_get_filename) \
    X(g_mime_stream_fs_new) X(g_mime_stream_mem_get_byte_array) X(g_mime_stream_mem_new) \
    X(g_mime_stream_mem_new_with_byte_array) X(g_mime_text_part_get_text) X(g_object_unref) \
    X(g_string_append_printf) X(g_string_free) X(g_string_new) X(g_type_check_instance_is_a) \
    X(g_mime_message_part_get_type) X(g_mime_part_get_type) X(g_mime_text_part_get_type)
PD_DYNLIB_DEFINE(gm, libgmime, GM_FUNCTIONS, "libgmime-3.0.so.0", "the GMime library", "libgmime-3.0-0");

#define MAX_MESSAGE_COPY (256u << 20)

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static void gmime_start(void) { gm.g_mime_init(); }

/* GMIME_IS_PART() and friends, through the loaded functions */
static bool is_a(GMimeObject *obj, GType type)
{
    return obj && gm.g_type_check_instance_is_a((GTypeInstance *)obj, type);
}

static bool accepts(const char *mime)
{
    return strcmp(mime, "message/rfc822") == 0 || strcmp(mime, "application/mbox") == 0 ||
           strcmp(mime, "message/news") == 0;
}

/* Headers whose values are message identifiers shaped like addresses (<abc.123@congty.vn>): they
 * name messages, not people, and are left out. */
static bool identifier_header(const char *name)
{
    static const char *const names[] = {"Message-ID", "References", "In-Reply-To", "Content-ID", "Resent-Message-ID",
                                        "X-Original-Message-ID", NULL};
    for (int i = 0; name && names[i]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

/* Decoded headers as "Name: value" lines: where names, addresses and subjects live. */
static char *header_text(GMimeObject *obj)
{
    GMimeHeaderList *list = gm.g_mime_object_get_header_list(obj);
    GString *s = gm.g_string_new(NULL);
    int n = list ? gm.g_mime_header_list_get_count(list) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = gm.g_mime_header_list_get_header_at(list, i);
        const char *v = gm.g_mime_header_get_value(h), *name = gm.g_mime_header_get_name(h);
        if (!identifier_header(name))
            gm.g_string_append_printf(s, "%s: %s\n", name, v ? v : "");
    }
    return gm.g_string_free(s, FALSE);
}

static void scan_bytes(struct pd_worker *w, struct pd_unit *parent, const char *name, const unsigned char *data,
                       size_t len, unsigned depth, bool text)
{
    struct pd_unit *child = pd_worker_child(parent, name);
    if (!child)
        return;
    child->size = len;
    struct pd_source src;
    pd_source_open_memory(&src, data, len);
    src.kind = "mail part";
    /* a message's headers and text are its own, not archive members: only attachments count
     * toward the member budget (an mbox of 10,000 messages stopped at 5,000); every part counts
     * toward the bytes */
    if ((!text && !pd_budget_member(pd_worker_budget(w))) || !pd_budget_bytes(pd_worker_budget(w), len))
        pd_unit_set(child, PD_UNIT_SKIPPED, "%s", pd_worker_budget(w)->exceeded);
    else if (text)
        pd_worker_scan_text(w, child, &src, depth, PD_ENC_UTF8);
    else
        pd_worker_scan_unit(w, child, &src, depth);
    pd_worker_emit(w, child);
}

struct walk {
    struct pd_worker *w;
    struct pd_unit *msg;
    unsigned depth, index;
};

static void each_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    struct walk *wk = data;
    (void)parent;
    if (is_a(part, gm.g_mime_message_part_get_type())) { /* a forwarded message: its own headers and parts */
        GMimeMessage *inner = gm.g_mime_message_part_get_message((GMimeMessagePart *)part);
        if (inner) {
            char *h = header_text((GMimeObject *)inner);
            char name[64];
            snprintf(name, sizeof name, "forwarded-%u-headers", ++wk->index);
            scan_bytes(wk->w, wk->msg, name, (const unsigned char *)h, strlen(h), wk->depth, true);
            gm.g_free(h);
        }
        return;
    }
    if (!is_a(part, gm.g_mime_part_get_type()))
        return;
    wk->index++;
    const char *filename = gm.g_mime_part_get_filename((GMimePart *)part);
    char name[300];
    if (filename && *filename)
        snprintf(name, sizeof name, "%s", filename);
    else
        snprintf(name, sizeof name, "part-%u", wk->index);
    if (is_a(part, gm.g_mime_text_part_get_type()) && !filename) {
        char *text = gm.g_mime_text_part_get_text((GMimeTextPart *)part); /* decoded and in UTF-8 */
        if (text) {
            scan_bytes(wk->w, wk->msg, name, (const unsigned char *)text, strlen(text), wk->depth, true);
            gm.g_free(text);
        }
        return;
    }
    GMimeDataWrapper *content = gm.g_mime_part_get_content((GMimePart *)part);
    if (!content)
        return;
    GMimeStream *mem = gm.g_mime_stream_mem_new();
    gm.g_mime_data_wrapper_write_to_stream(content, mem); /* undoes base64 and quoted-printable */
    GByteArray *bytes = gm.g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
    scan_bytes(wk->w, wk->msg, name, bytes->data, bytes->len, wk->depth, false);
    gm.g_object_unref(mem);
}

/* The whole input as plain text: from the file again, or from the copy GMime was given. */
static void scan_as_text(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, const GByteArray *copy,
                         unsigned depth)
{
    struct pd_source mem;
    if (copy) {
        pd_source_open_memory(&mem, copy->data, copy->len);
        src = &mem;
    } else if (src->rewind(src) != 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "not a readable e-mail message, and cannot be read again: %s", strerror(errno));
        return;
    }
    pd_worker_scan_text(w, u, src, depth, PD_ENC_UTF8);
}

/* The unit's message as a GMime stream: the file itself (a duplicate descriptor) or, for a
 * member read from a container, a copy in memory (*copy, up to MAX_MESSAGE_COPY). NULL, with the
 * unit's status set, when it cannot be read. */
static GMimeStream *open_stream(struct pd_unit *u, struct pd_source *src, GByteArray **copy)
{
    GMimeStream *stream = NULL;
    if (src->fd >= 0 && src->rewind && src->rewind(src) == 0) {
        int fd = dup(src->fd);
        if (fd >= 0)
            stream = gm.g_mime_stream_fs_new(fd); /* owns the duplicate */
    } else {
        GByteArray *bytes = gm.g_byte_array_new();
        unsigned char buf[65536];
        ssize_t n;
        while ((n = pd_source_read(src, buf, sizeof buf)) > 0 && bytes->len + (size_t)n <= MAX_MESSAGE_COPY)
            gm.g_byte_array_append(bytes, buf, (guint)n);
        if (n != 0) {
            pd_unit_set(u, PD_UNIT_ERROR, "%s", n < 0 ? pd_source_error(src, errno) : "message larger than 256 MiB");
            gm.g_byte_array_unref(bytes);
            return NULL;
        }
        *copy = bytes;
        stream = gm.g_mime_stream_mem_new_with_byte_array(bytes); /* owns the copy */
    }
    if (!stream)
        pd_unit_set(u, PD_UNIT_ERROR, "cannot read the message: %s", strerror(errno));
    return stream;
}

/* One message: its headers and parts, in u itself or (number > 0, a mailbox's) in a child unit
 * "message-N". */
static void scan_message(struct pd_worker *w, struct pd_unit *u, GMimeMessage *message, unsigned number,
                         unsigned depth)
{
    struct pd_unit *msg_unit = u;
    if (number) {
        char name[48];
        snprintf(name, sizeof name, "message-%u", number);
        msg_unit = pd_worker_child(u, name);
    }
    if (!msg_unit)
        return;
    char *h = header_text((GMimeObject *)message);
    scan_bytes(w, msg_unit, "headers", (const unsigned char *)h, strlen(h), depth + 1, true);
    gm.g_free(h);
    struct walk wk = {.w = w, .msg = msg_unit, .depth = depth + 1};
    gm.g_mime_message_foreach(message, each_part, &wk);
    if (msg_unit != u) {
        snprintf(msg_unit->mime, sizeof msg_unit->mime, "message/rfc822");
        pd_worker_emit(w, msg_unit);
    }
}

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    char why[300];
    if (!pd_dynlib_load(&libgmime, why, sizeof why)) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
        return;
    }
    pthread_once(&gmime_once, gmime_start);
    struct pd_budget *budget = pd_worker_budget(w);
    if (!pd_budget_depth(budget, depth + 1)) {
        pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
        return;
    }
    GByteArray *copy = NULL;
    GMimeStream *stream = open_stream(u, src, &copy);
    if (!stream)
        return;
    GMimeParser *parser = gm.g_mime_parser_new_with_stream(stream);
    bool mbox = strcmp(u->mime, "application/mbox") == 0;
    gm.g_mime_parser_set_format(parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    unsigned count = 0;
    bool unparsed = false;
    while (!gm.g_mime_parser_eos(parser)) {
        GMimeMessage *message = gm.g_mime_parser_construct_message(parser, NULL);
        if (!message) {
            if (count == 0)
                unparsed = true;
            else
                pd_unit_set(u, PD_UNIT_PARTIAL, "mailbox unreadable after %u messages", count);
            break;
        }
        count++;
        scan_message(w, u, message, mbox ? count : 0, depth);
        gm.g_object_unref(message);
        if (budget->exceeded[0]) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
            break;
        }
        if (!mbox)
            break;
    }
    u->encoding = NULL;
    if (unparsed) /* looked like mail (a saved news article, say) but is not: still text */
        scan_as_text(w, u, src, copy, depth);
    gm.g_object_unref(parser);
    gm.g_object_unref(stream);
}

const struct pd_format pd_format_mail = {
    .accepts = accepts,
    .scan = scan,
};
