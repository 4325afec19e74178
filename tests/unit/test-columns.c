/* Delimited text with a header: what is recognised as such, the labels, and the labelled view
 * (offsets back to the file, state carried across windows). */
#include <stdlib.h>
#include <string.h>

#include "text/columns.h"
#include "text/text.h"
#include "tests/unit/check.h"

static bool detect(const char *s, struct pd_columns *c) { return pd_columns_detect((const unsigned char *)s, strlen(s), c); }

static void test_detect(void)
{
    struct pd_columns c;
    CHECK(detect("ho_ten,so_cmnd\nAn,012345678\nBinh,023456789\n", &c) && c.delimiter == ',' && c.count == 2);
    CHECK_STR(c.labels[0], "ho ten");
    CHECK_STR(c.labels[1], "so cmnd");
    CHECK(detect("Họ tên;Số CMND (cũ);Ghi_chú 2\nA;1;x\n", &c) && c.delimiter == ';' && c.count == 3);
    CHECK_STR(c.labels[0], "Họ tên");
    CHECK_STR(c.labels[1], "Số CMND cũ");
    CHECK_STR(c.labels[2], "Ghi chú");
    CHECK(detect("a\tb\tc\n1\t2\t3\r\n", &c) && c.delimiter == '\t' && c.count == 3);
    CHECK(detect("\"ho ten\",\"dia chi\"\n\"A, B\",\"line one\nline two\"\nC,D\n", &c) && c.count == 2);
    CHECK_STR(c.labels[1], "dia chi");
    /* the last sampled row may be cut by the end of the sample */
    CHECK(detect("x|y\n1|2\n3|", &c) && c.delimiter == '|');

    CHECK(!detect("001087123456,0912345678\n001087123457,0912345679\n", &c)); /* first row is data */
    CHECK(!detect("ho_ten,so_cmnd\nAn,012345678,extra\n", &c));               /* ragged */
    CHECK(!detect("ho_ten,so_cmnd\n", &c));                                    /* no row */
    CHECK(!detect("ho_ten,so_cmnd", &c));
    CHECK(!detect("Kính gửi: các phòng, ban\nNội dung cuộc họp như sau.\n", &c)); /* prose */
    CHECK(!detect("single\ncolumn\n", &c));
    CHECK(!detect("Kinh gui cac phong nhan su, ban giam doc\nSo CMND cu, da thu hoi\n", &c)); /* 6 words */
    CHECK(detect("So dien thoai lien he, Email\n0912345678, a@b.vn\n", &c));
}

/* The view of text, built in windows of w bytes overlapping by o, must give every byte owned by
 * a window the same label context as the view of the whole text. */
static void test_view(void)
{
    const char *s = "ho_ten,so_cmnd,ghi_chu\n\"Nguyễn, An\",012345678,\"a \"\"b\"\",\nc\"\nBình,,x\n";
    struct pd_columns c;
    CHECK(detect(s, &c));
    size_t n = strlen(s);
    char out[512];
    uint32_t map[512];
    size_t m = pd_columns_view(&c, (const unsigned char *)s, n, out, map);
    const char *want = "ho_ten\nso_cmnd\nghi_chu\nho ten:  Nguyễn, An \nso cmnd: 012345678\n"
                       "ghi chu:  a \"\"b\"\",\nc \nho ten: Bình\nso cmnd: \nghi chu: x\n";
    CHECK_MSG(m == strlen(want) && memcmp(out, want, m) == 0, "view: [%.*s]", (int)m, out);
    /* a label maps to its cell's first byte; every other byte to itself */
    const char *cmnd = strstr(out, "so cmnd: 0123");
    CHECK(cmnd && map[cmnd - out] == (uint32_t)(strstr(s, "012345678") - s));
    CHECK(cmnd && map[cmnd - out + 9] == (uint32_t)(strstr(s, "012345678") - s));

    /* the same text in windows of every size from 12 bytes, overlapping by 4 to half a window:
     * the state at each window's start comes from the one before */
    bool same = true;
    for (size_t W = 12; W < 48; W++)
        for (size_t O = 4; O <= W / 2; O++) {
            struct pd_columns w;
            CHECK(detect(s, &w));
            for (size_t base = 0;; base += W - O) {
                size_t len = n - base < W ? n - base : W;
                w.resume = base + len < n ? len - O : SIZE_MAX;
                char part[256];
                uint32_t pmap[256];
                size_t pm = pd_columns_view(&w, (const unsigned char *)s + base, len, part, pmap);
                /* the whole view's bytes for the raw offsets this window owns (up to where the
                 * next one starts: past it a "" can be cut in two), label bytes included */
                size_t own = base + len < n ? len - O : len;
                size_t a = 0;
                while (a < m && map[a] < base)
                    a++;
                size_t b = a;
                while (b < m && map[b] < base + own)
                    b++;
                size_t pb = 0;
                while (pb < pm && pmap[pb] < own)
                    pb++;
                pm = pb;
                same &= pm == b - a && memcmp(part, out + a, pm) == 0;
                for (size_t k = 0; same && k < pm; k++)
                    same = pmap[k] + base == map[a + k];
                if (base + len >= n)
                    break;
                pd_columns_next_window(&w);
            }
        }
    CHECK(same);
}

/* Offsets of findings are the file's: the text views map through the labelled cells. */
static void test_text_offsets(void)
{
    const char *s = "ho_ten,so_cmnd\nAn,012345678\n";
    struct pd_columns c;
    CHECK(detect(s, &c));
    struct pd_text t;
    pd_text_init(&t, 0);
    t.columns = &c;
    CHECK(pd_text_build(&t, (const unsigned char *)s, strlen(s), PD_ENC_UTF8) == PD_OK);
    const char *v = strstr(t.fold, "012345678");
    CHECK(v && strstr(t.fold, "so cmnd: 012345678") != NULL);
    CHECK(v && pd_text_raw_offset(&t, (size_t)(v - t.fold)) == (size_t)(strstr(s, "012345678") - s));
    CHECK(v && pd_text_raw_offset(&t, (size_t)(v - t.fold) + 9) == strlen(s) - 1);
    CHECK(pd_text_raw_offset(&t, t.fold_len) == strlen(s));
    pd_text_release(&t);
}

int main(void)
{
    test_detect();
    test_view();
    test_text_offsets();
    return check_done();
}
