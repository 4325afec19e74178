/* Archives and compressed streams through libarchive, read from the file or straight from the
 * enclosing member's stream (never extracted to disk). Each member becomes a unit of its own,
 * "outer.zip!dir/inner.tar.gz!file.txt", scanned by the same dispatch at depth + 1 under the
 * top-level file's budget. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/worker-int.h"

#define ARCHIVE_BLOCK (64u << 10)

/* Decompression filters that libarchive runs in-process here; one that would fork an external
 * program (ARCHIVE_WARN when enabled) is left out. Probed once. */
static int (*const filter_setup[])(struct archive *) = {
    archive_read_support_filter_gzip, archive_read_support_filter_bzip2, archive_read_support_filter_xz,
    archive_read_support_filter_lzma, archive_read_support_filter_zstd, archive_read_support_filter_lz4,
    archive_read_support_filter_compress, archive_read_support_filter_lzip,
};
#define N_FILTERS (sizeof filter_setup / sizeof filter_setup[0])
static bool filter_in_process[N_FILTERS];
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe_filters(void)
{
    for (size_t i = 0; i < N_FILTERS; i++) {
        struct archive *a = archive_read_new();
        filter_in_process[i] = a && filter_setup[i](a) == ARCHIVE_OK;
        archive_read_free(a);
    }
}

static struct archive *new_reader(void)
{
    pthread_once(&probe_once, probe_filters);
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    for (size_t i = 0; i < N_FILTERS; i++)
        if (filter_in_process[i])
            filter_setup[i](a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_raw(a); /* a bare .gz/.xz/.bz2 stream: one member, "data" */
    archive_read_support_format_empty(a); /* ... and one that holds nothing (empty man pages) */
    return a;
}

/* ---- reading an archive from a source that is not a plain file ---- */

struct outer_stream {
    struct pd_source *src;
    unsigned char buf[ARCHIVE_BLOCK];
};

static la_ssize_t outer_read(struct archive *a, void *ud, const void **out)
{
    struct outer_stream *s = ud;
    ssize_t n = pd_source_read(s->src, s->buf, sizeof s->buf);
    if (n < 0) {
        archive_set_error(a, errno ? errno : EIO, "%s", pd_source_error(s->src, errno));
        return -1;
    }
    *out = s->buf;
    return n;
}

/* ---- a member's data as a source ---- */

struct member_stream {
    struct archive *a;
    struct pd_budget *budget;
    bool budget_hit, corrupt;
};

static ssize_t member_read(struct pd_source *src, void *buf, size_t n)
{
    struct member_stream *m = src->ctx;
    if (m->budget_hit) {
        errno = EFBIG;
        return -1;
    }
    la_ssize_t r = archive_read_data(m->a, buf, n);
    if (r < 0) {
        m->corrupt = true;
        snprintf(src->error, sizeof src->error, "archive member unreadable: %s",
                 archive_error_string(m->a) ? archive_error_string(m->a) : "unknown error");
        errno = EIO;
        return -1;
    }
    if (!pd_budget_bytes(m->budget, (uint64_t)r)) {
        m->budget_hit = true;
        snprintf(src->error, sizeof src->error, "%s", m->budget->exceeded);
        errno = EFBIG;
        return -1;
    }
    return (ssize_t)r;
}

static void member_close(struct pd_source *src) { (void)src; }

static int open_stream(struct archive *a, struct pd_source *src, void **state)
{
    *state = NULL;
    if (src->fd >= 0 && src->rewind && src->rewind(src) == 0)
        return archive_read_open_fd(a, src->fd, ARCHIVE_BLOCK);
    struct outer_stream *outer = malloc(sizeof *outer);
    if (!outer)
        return ARCHIVE_FATAL;
    outer->src = src;
    *state = outer;
    return archive_read_open(a, outer, NULL, outer_read, NULL);
}

struct archive *pd_archive_begin(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                 bool zip_only, void **state)
{
    struct pd_budget *budget = pd_worker_budget(w);
    *state = NULL;
    if (!pd_budget_depth(budget, depth + 1)) {
        pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
        return NULL;
    }
    struct archive *a = zip_only ? archive_read_new() : new_reader();
    if (!a) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory opening the %s", zip_only ? "document" : "archive");
        return NULL;
    }
    if (zip_only)
        archive_read_support_format_zip(a);
    if (open_stream(a, src, state) != ARCHIVE_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "not a readable %s: %s", zip_only ? "document" : "archive",
                    archive_error_string(a) ? archive_error_string(a) : "unknown error");
        pd_archive_end(a, *state);
        *state = NULL;
        return NULL;
    }
    return a;
}

void pd_archive_end(struct archive *a, void *state)
{
    archive_read_free(a);
    free(state);
}

void pd_archive_scan_member(struct pd_worker *w, struct pd_unit *child, struct archive *a, unsigned depth,
                            bool *budget_hit)
{
    struct member_stream ms = {.a = a, .budget = pd_worker_budget(w)};
    struct pd_source msrc = {.kind = "archive member", .read = member_read, .close = member_close, .fd = -1,
                             .ctx = &ms};
    pd_worker_scan_unit(w, child, &msrc, depth);
    if (ms.budget_hit && child->status == PD_UNIT_SCANNED)
        pd_unit_set(child, PD_UNIT_PARTIAL, "%s", ms.budget->exceeded);
    *budget_hit = ms.budget_hit;
}

static bool valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t k = *p < 0x80 ? 1 : *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3 : *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
        if (!k)
            return false;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += k;
    }
    return true;
}

/* A member's name as UTF-8. A zip name stored without the UTF-8 flag is in the DOS code page
 * (CP437, as the zip format says and 7-Zip and Info-ZIP read it), unless it is valid UTF-8
 * already (many tools write UTF-8 without the flag); other formats' names of no known charset
 * are shown repaired (U+FFFD) by the report. buf holds a converted name. */
static const char *member_name(struct archive *a, struct archive_entry *e, char *buf, size_t cap)
{
    const char *name = archive_entry_pathname_utf8(e);
    if (!name)
        name = archive_entry_pathname(e);
    bool zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
    if (zip && name && *name && !valid_utf8(name)) {
        iconv_t cd = iconv_open("UTF-8", "CP437");
        char *in = (char *)name, *out = buf;
        size_t in_left = strlen(name), out_left = cap - 1;
        if (cd != (iconv_t)-1 && iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1) {
            *out = '\0';
            name = buf;
        }
        if (cd != (iconv_t)-1)
            iconv_close(cd);
    }
    if (!name || !*name)
        name = "(unnamed member)";
    while (name[0] == '/' && name[1])
        name++; /* only a label: members are never written anywhere */
    return name;
}

static bool accepts(const char *mime)
{
    static const char *const types[] = {
        "application/zip", "application/x-tar", "application/gzip", "application/x-gzip", "application/x-bzip2",
        "application/x-xz", "application/x-lzma", "application/zstd", "application/x-zstd", "application/x-lz4",
        "application/x-compress", "application/x-lzip", "application/x-7z-compressed", "application/x-rar",
        "application/vnd.rar", "application/x-rar-compressed", "application/x-cpio", "application/x-iso9660-image",
        "application/java-archive", "application/vnd.ms-cab-compressed", "application/x-archive", NULL};
    for (int i = 0; types[i]; i++)
        if (strcmp(mime, types[i]) == 0)
            return true;
    return false;
}

/* A compressed stream read again as one member, "data": libarchive's tar reader takes a first
 * block of 512 zero bytes for an empty archive's end, and everything after it went unread. */
static void scan_as_data(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    struct archive *a = archive_read_new();
    void *outer = NULL;
    struct archive_entry *entry;
    if (!a) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory opening the archive");
        return;
    }
    for (size_t i = 0; i < N_FILTERS; i++)
        if (filter_in_process[i])
            filter_setup[i](a);
    archive_read_support_format_raw(a);
    if (open_stream(a, src, &outer) != ARCHIVE_OK || archive_read_next_header(a, &entry) != ARCHIVE_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "compressed data could not be read: %s",
                    archive_error_string(a) ? archive_error_string(a) : "unknown error");
    } else {
        struct pd_unit *child = pd_worker_child(u, "data");
        if (child) {
            bool hit;
            pd_archive_scan_member(w, child, a, depth + 1, &hit);
            if (hit)
                pd_unit_set(u, PD_UNIT_PARTIAL, "%s", pd_worker_budget(w)->exceeded);
            pd_worker_emit(w, child);
        }
    }
    pd_archive_end(a, outer);
}

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    struct pd_budget *budget = pd_worker_budget(w);
    void *outer;
    struct archive *a = pd_archive_begin(w, u, src, depth, false, &outer);
    if (!a)
        return;
    int r;
    bool empty_tar = false;
    uint64_t encrypted = 0, members = 0;
    struct archive_entry *entry;
    for (;;) {
        if (pd_worker_config_of(w)->stop && atomic_load(pd_worker_config_of(w)->stop)) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "scan interrupted after %llu members", (unsigned long long)members);
            break;
        }
        r = archive_read_next_header(a, &entry);
        if (r == ARCHIVE_EOF) {
            /* a compressed stream that a tar reading ended at once: zero bytes first, no tar */
            empty_tar = members == 0 && archive_filter_count(a) > 1 &&
                        (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
            break;
        }
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
            const char *why = archive_error_string(a) ? archive_error_string(a) : "unknown error";
            if (members == 0 && (archive_read_has_encrypted_entries(a) > 0 || strstr(why, "ncrypt")))
                pd_unit_set(u, PD_UNIT_SKIPPED, "encrypted archive: %s", why);
            else
                pd_unit_set(u, PD_UNIT_ERROR, "corrupt or truncated archive after %llu members: %s",
                            (unsigned long long)members, why);
            break;
        }
        if (archive_entry_filetype(entry) == AE_IFDIR)
            continue;
        if (!pd_budget_member(budget)) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
            break;
        }
        members++;
        char converted[1024];
        struct pd_unit *child = pd_worker_child(u, member_name(a, entry, converted, sizeof converted));
        if (!child)
            break;
        child->size = archive_entry_size_is_set(entry) ? (uint64_t)archive_entry_size(entry) : 0;
        if (archive_entry_mtime_is_set(entry))
            child->mtime = archive_entry_mtime(entry); /* else its file's */
        if (archive_entry_filetype(entry) != AE_IFREG) {
            pd_unit_set(child, PD_UNIT_SKIPPED, "not a regular file inside the archive (link or device)");
        } else if (archive_entry_is_encrypted(entry)) {
            encrypted++;
            pd_unit_set(child, PD_UNIT_SKIPPED, "encrypted");
        } else {
            bool hit;
            pd_archive_scan_member(w, child, a, depth + 1, &hit);
            if (hit) {
                pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
                pd_worker_emit(w, child);
                break;
            }
            if (budget->exceeded[0] && u->status == PD_UNIT_SCANNED)
                pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded); /* a nested level hit a limit */
        }
        pd_worker_emit(w, child);
    }
    if (encrypted && u->status == PD_UNIT_SCANNED)
        pd_unit_set(u, PD_UNIT_PARTIAL, "%llu encrypted members could not be read", (unsigned long long)encrypted);
    u->bytes_scanned = (uint64_t)archive_filter_bytes(a, -1);
    u->encoding = NULL;
    pd_archive_end(a, outer);
    if (empty_tar) {
        if (src->rewind && src->rewind(src) == 0)
            scan_as_data(w, u, src, depth);
        else
            pd_unit_set(u, PD_UNIT_PARTIAL, "compressed data that begins with zero blocks could not be read again");
    }
}

const struct pd_format pd_format_archive = {
    .accepts = accepts,
    .scan = scan,
};
