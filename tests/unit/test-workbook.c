/* XLSX workbooks read in two passes: a sheet's cells show their shared strings (stored after
 * the sheet), so a header row labels the column below it; a number in a zero-only format shows
 * the leading zeros a reader sees; strings no cell cites are still scanned. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "scanner/worker.h"
#include "tests/unit/check.h"

#define SS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static void add(struct archive *a, const char *name, const char *text)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)strlen(text));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, text, strlen(text));
    archive_entry_free(e);
}

/* The sheet first, then the strings and styles it cites, as Excel writes them. */
static unsigned char *workbook(size_t *len)
{
    size_t cap = 1 << 16;
    unsigned char *buf = malloc(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_open_memory(a, buf, cap, len) != ARCHIVE_OK)
        exit(99);
    add(a, "[Content_Types].xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override "
        "PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml."
        "sheet.main+xml\"/></Types>");
    add(a, "xl/workbook.xml", "<workbook " SS "><sheets><sheet name=\"KH\" sheetId=\"1\"/></sheets></workbook>");
    add(a, "xl/worksheets/sheet1.xml",
        "<worksheet " SS "><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
        "<c r=\"D1\" t=\"s\"><v>3</v></c></row>"
        "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4</v></c><c r=\"B2\" t=\"s\"><v>5</v></c><c r=\"C2\"><v>400000017</v></c>"
        "<c r=\"D2\" s=\"1\"><v>1087123456</v></c></row>"
        "</sheetData></worksheet>");
    add(a, "xl/styles.xml",
        "<styleSheet " SS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"000000000000\"/></numFmts>"
        "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>");
    add(a, "xl/sharedStrings.xml",
        "<sst " SS "><si><t>Họ và tên</t></si><si><t>Số CMND</t></si><si><t>Mã đơn hàng</t></si>"
        "<si><t>Số CCCD</t></si><si><t>Nguyễn Văn An</t></si><si><t>012345678</t></si>"
        "<si><t>Ghi chú: SĐT 0912345678</t></si></sst>");
    archive_write_close(a);
    archive_write_free(a);
    return buf;
}

static size_t count(const struct pd_unit *u, const char *detector, uint64_t *offset)
{
    size_t n = 0;
    for (size_t i = 0; i < u->n_findings; i++)
        if (strcmp(pd_unit_finding(u, i)->detector->id, detector) == 0) {
            n++;
            if (offset)
                *offset = pd_unit_finding(u, i)->offset;
        }
    return n;
}

static struct pd_unit *children[16];
static size_t n_children;
static void keep(void *arg, struct pd_unit *u)
{
    if (n_children < 16)
        children[n_children++] = u;
    else
        pd_unit_destroy(u);
}

int main(void)
{
    struct pd_diag diag;
    struct pd_engine *engine;
    const unsigned char key[] = "workbook-test key of 32 bytes...";
    struct pd_engine_options o = {.key = key, .key_len = 32, .min_confidence = 1};
    if (pd_engine_create(&o, &engine, &diag) != PD_OK)
        return 99;
    struct pd_worker *w;
    struct pd_worker_config cfg = {.engine = engine, .emit = keep};
    if (pd_worker_create(&cfg, &w, &diag) != PD_OK)
        return 99;
    size_t len = 0;
    unsigned char *book = workbook(&len);
    struct pd_unit *u = pd_worker_scan_buffer(w, "customers.xlsx", book, len);
    CHECK(u && u->status == PD_UNIT_SCANNED);
    size_t cmnd = 0, cccd = 0, phone = 0, names = 0;
    for (size_t i = 0; i < n_children; i++) {
        cmnd += count(children[i], "vn.cmnd", NULL);
        cccd += count(children[i], "vn.cccd", NULL);
        phone += count(children[i], "vn.phone", NULL);
        names += count(children[i], "person_name", NULL);
    }
    if (u) {
        cmnd += count(u, "vn.cmnd", NULL);
        cccd += count(u, "vn.cccd", NULL);
        phone += count(u, "vn.phone", NULL);
        names += count(u, "person_name", NULL);
    }
    CHECK_MSG(cmnd == 1, "CMND under its header: %zu", cmnd);          /* "Số CMND" labels column B */
    CHECK_MSG(cccd == 1, "CCCD with its zeros: %zu", cccd);            /* 1087123456 shown as 001087123456 */
    CHECK_MSG(phone == 1, "phone in a string no cell cites: %zu", phone); /* the unshown string */
    CHECK_MSG(names >= 1, "name under its header: %zu", names);
    for (size_t i = 0; i < n_children; i++) /* the order number under "Mã đơn hàng" is no CMND */
        CHECK(count(children[i], "vn.cmnd", NULL) == 0 || strstr(children[i]->path, "sheet1") != NULL);
    for (size_t i = 0; i < n_children; i++)
        pd_unit_destroy(children[i]);
    pd_unit_destroy(u);
    free(book);
    pd_worker_destroy(w);
    pd_engine_destroy(engine);
    return check_done();
}
