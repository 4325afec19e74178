/* Text views: folding makes NFC, NFD, case and accent-less forms equal; offsets map back to the
 * original bytes; UTF-16 and invalid UTF-8 are decoded safely. */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "tests/unit/check.h"

static char *fold(const char *s)
{
    static char out[4][256];
    static int k;
    k = (k + 1) % 4;
    pd_text_fold_string(s, out[k], sizeof out[k]);
    return out[k];
}

static void test_fold(void)
{
    CHECK_STR(fold("TỐI MẬT"), "toi mat");
    CHECK_STR(fold("Tối mật"), "toi mat");
    CHECK_STR(fold("TOI MAT"), "toi mat");
    /* NFD: base letters followed by combining marks (macOS file names, some Word text) */
    CHECK_STR(fold("TO\xCC\x82\xCC\x81I MA\xCC\x82\xCC\xA3T"), "toi mat");
    CHECK_STR(fold("Đặng Đức"), "dang duc");
    CHECK_STR(fold("số điện thoại"), "so dien thoai");
    CHECK_STR(fold("Ngưỡng ơi"), "nguong oi");
    CHECK_STR(fold("\xEF\xBC\x90\xEF\xBC\x99"), "09"); /* full-width digits */
    CHECK_STR(fold("a\xC2\xA0" "b"), "a b");          /* no-break space */
    CHECK_STR(fold("x\xE2\x80\x8By"), "xy");          /* zero-width space is ignorable */
    CHECK_STR(fold("ABC xyz 123"), "abc xyz 123");
}

#define MARKS_8 "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
#define MARKS_64 MARKS_8 MARKS_8 MARKS_8 MARKS_8 MARKS_8 MARKS_8 MARKS_8 MARKS_8

/* The window fold (eight ASCII bytes at a time, up to the first accented letter) against folding
 * one character at a time: same bytes, and each folded byte maps to its character's first byte,
 * in windows that start inside the text or inside a character, with views reused between them. */
static void test_fold_matches_per_character(void)
{
    static const char *const pieces[] = {"A", "Z", "a", "z", "@", "[", "`", "{", "0", " ", "\n", "ĐẶNG", "đ", "Ứ",
                                         "ễ", "À", "ß", "ﬁ", "Ω", "\xCC\x81", "XIN CHÀO", "Tối Mật", "quý",
                                         "Vie\xCC\x82\xCC\xA3t", "abcdefghijklmnopqrstuvwxyz0123456789",
                                         MARKS_64, "\xEF\xBB\xBF"};
    unsigned seed = 1;
    struct pd_text t; /* reused, as a worker reuses its views from window to window */
    pd_text_init(&t, 0);
    for (int round = 0; round < 400; round++) {
        char in[1536], expect[4096];
        size_t starts[4096], len = 0, elen = 0;
        for (;;) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 8) % (sizeof pieces / sizeof *pieces)];
            if (len + strlen(piece) >= sizeof in)
                break;
            for (const char *c = piece; *c;) { /* character by character */
                size_t k = 1;
                while ((c[k] & 0xC0) == 0x80)
                    k++;
                char one[8], folded[64];
                memcpy(one, c, k);
                one[k] = '\0';
                size_t n = pd_text_fold_string(one, folded, sizeof folded);
                for (size_t j = 0; j < n; j++) {
                    expect[elen] = folded[j];
                    starts[elen++] = len;
                }
                memcpy(in + len, c, k);
                len += k;
                c += k;
            }
        }
        /* some windows start inside the text, even inside a character (whose tail is skipped) */
        size_t skip = round % 3 ? 0 : (seed >> 4) % 7 < len ? (seed >> 4) % 7 : 0;
        CHECK(pd_text_build(&t, (const unsigned char *)in + skip, len - skip, PD_ENC_UTF8) == PD_OK);
        size_t e0 = 0;
        while (e0 < elen && starts[e0] < skip)
            e0++;
        for (size_t j = e0; j < elen; j++)
            starts[j] -= skip;
        bool same = t.fold_len == elen - e0 && memcmp(t.fold, expect + e0, elen - e0) == 0;
        for (size_t j = 0; same && j < elen - e0; j++)
            same = pd_text_raw_offset(&t, j) == starts[e0 + j];
        CHECK_MSG(same, "round %d: \"%.*s\" folds to \"%.*s\"", round, (int)(len - skip), in + skip, (int)t.fold_len,
                  t.fold);
    }
    pd_text_release(&t);
}

static void test_offsets(void)
{
    struct pd_text t;
    pd_text_init(&t, 0);
    const char *s = "Số: MẬT"; /* "Số" has a 3-byte letter */
    CHECK(pd_text_build(&t, (const unsigned char *)s, strlen(s), PD_ENC_UTF8) == PD_OK);
    CHECK(t.fold_len == 7 && memcmp(t.fold, "so: mat", 7) == 0);
    size_t m = 4; /* 'm' of "mat" in the folded view */
    CHECK(pd_text_raw_offset(&t, m) == 6);
    CHECK(pd_text_raw_offset(&t, t.fold_len) == strlen(s));
    char orig[32];
    pd_text_original(&t, 4, 7, orig, sizeof orig);
    CHECK_STR(orig, "MẬT");

    /* already composed Vietnamese comes back as it is, cut only between characters */
    const char *name = "Họ tên: Nguyễn Thị Ánh";
    CHECK(pd_text_build(&t, (const unsigned char *)name, strlen(name), PD_ENC_UTF8) == PD_OK);
    pd_text_original(&t, 0, t.fold_len, orig, sizeof orig);
    CHECK_STR(orig, name);
    char small[8];
    pd_text_original(&t, 0, t.fold_len, small, sizeof small);
    CHECK_STR(small, "Họ t"); /* 7 bytes would end inside "ê": cut before it */

    /* NFD input: the original span comes back composed (NFC) */
    const char *nfd = "MA\xCC\x82\xCC\xA3T";
    CHECK(pd_text_build(&t, (const unsigned char *)nfd, strlen(nfd), PD_ENC_UTF8) == PD_OK);
    CHECK(t.fold_len == 3 && memcmp(t.fold, "mat", 3) == 0);
    pd_text_original(&t, 0, 3, orig, sizeof orig);
    CHECK_STR(orig, "MẬT");
    pd_text_release(&t);
}

static void test_utf16_and_repair(void)
{
    struct pd_text t;
    pd_text_init(&t, 0);
    /* "Số 1" in UTF-16LE with a BOM */
    const unsigned char le[] = {0xFF, 0xFE, 'S', 0, 0xD1, 0x1E, ' ', 0, '1', 0};
    CHECK(pd_text_build(&t, le, sizeof le, PD_ENC_UTF16LE) == PD_OK);
    CHECK(t.fold_len == 4 && memcmp(t.fold, "so 1", 4) == 0);
    CHECK(pd_text_raw_offset(&t, 3) == 8); /* '1' is at raw byte 8 */
    const unsigned char be[] = {0, 'A', 0xD8, 0x3D, 0xDE, 0x00, 0, 'b'}; /* A, U+1F600, b */
    CHECK(pd_text_build(&t, be, sizeof be, PD_ENC_UTF16BE) == PD_OK);
    CHECK(t.fold_len == 6 && t.fold[0] == 'a' && t.fold[5] == 'b');
    CHECK(pd_text_raw_offset(&t, 5) == 6);
    /* an unpaired surrogate is repaired, not passed on */
    const unsigned char lone[] = {0x00, 0xD8, 'x', 0};
    CHECK(pd_text_build(&t, lone, sizeof lone, PD_ENC_UTF16LE) == PD_OK && t.repaired);

    /* invalid UTF-8 bytes become one folded space each; offsets stay right */
    const unsigned char bad[] = {'a', 0xFF, 0xC0, 0xAF, 'b', 0xE1, 0xBB};
    CHECK(pd_text_build(&t, bad, sizeof bad, PD_ENC_UTF8) == PD_OK);
    CHECK(t.repaired);
    CHECK(t.fold_len == 7 && memcmp(t.fold, "a   b  ", 7) == 0);
    CHECK(pd_text_raw_offset(&t, 4) == 4);

    /* a character cut by the window's end is no damage: the views stop before it, unrepaired */
    const char *cut = "Số 0912345678\xE1\xBB";
    CHECK(pd_text_build(&t, (const unsigned char *)cut, strlen(cut), PD_ENC_UTF8) == PD_OK);
    CHECK(!t.repaired);
    CHECK(t.fold_len == 13 && memcmp(t.fold, "so 0912345678", 13) == 0);
    CHECK(pd_text_raw_offset(&t, t.fold_len) == strlen(cut) - 2);
    /* the same for the continuation bytes of a character cut at the window's start */
    const char *opened = "\xBB\x9D 0912345678";
    CHECK(pd_text_build(&t, (const unsigned char *)opened, strlen(opened), PD_ENC_UTF8) == PD_OK);
    CHECK(!t.repaired);
    CHECK(t.fold_len == 11 && memcmp(t.fold, " 0912345678", 11) == 0);
    CHECK(pd_text_raw_offset(&t, 1) == 3);
    /* but a lead byte followed by a non-continuation byte is damage, even at the end */
    const char *broken = "Số 0912345678\xE1\x41";
    CHECK(pd_text_build(&t, (const unsigned char *)broken, strlen(broken), PD_ENC_UTF8) == PD_OK);
    CHECK(t.repaired);

    enum pd_encoding enc;
    const char *ascii16 = "H\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0!\0!\0!\0";
    CHECK(pd_text_guess_utf16((const unsigned char *)ascii16, 28, &enc) && enc == PD_ENC_UTF16LE);
    CHECK(!pd_text_guess_utf16((const unsigned char *)"plain ascii text here", 21, &enc));
    unsigned char zeros[64] = {0};
    CHECK(!pd_text_guess_utf16(zeros, sizeof zeros, &enc));
    pd_text_release(&t);
}

static void test_case_helpers(void)
{
    char up[64];
    CHECK(pd_text_starts_upper("Đặng") && !pd_text_starts_upper("đặng"));
    CHECK(pd_text_is_upper("TÀI LIỆU THU HỒI") && !pd_text_is_upper("Tài liệu"));
    pd_text_upper("tối mật", up, sizeof up);
    CHECK_STR(up, "TỐI MẬT");
    char safe[32];
    pd_text_repair_utf8("a\xFF" "b", safe, sizeof safe);
    CHECK_STR(safe, "a\xEF\xBF\xBD" "b");
}

static void test_legacy_guess(void)
{
    enum pd_encoding enc = PD_ENC_UTF8;
    /* real UTF-8 whose accented letters all lie in Latin-1 stays UTF-8 */
    const char *real = "Tôn giáo: Công giáo. Dân tộc: Kinh. Địa chỉ: Hà Nội";
    CHECK(!pd_text_guess_legacy((const unsigned char *)real, strlen(real), &enc) && enc == PD_ENC_UTF8);
    const char *french = "Café crème brûlée, déjà vu, naïve, façade, été à Noël";
    CHECK(!pd_text_guess_legacy((const unsigned char *)french, strlen(french), &enc));
    /* catdoc's rendering of .VnTime text ("Họ và tên: Phạm Minh Tuấn") is TCVN3 in disguise */
    const char *mojibake = "H\xc3\xa4 v\xc2\xb5 t\xc2\xaan: Ph\xc2\xb9m Minh Tu\xc3\x8an";
    CHECK(pd_text_guess_legacy((const unsigned char *)mojibake, strlen(mojibake), &enc) && enc == PD_ENC_TCVN3_IN_UTF8);
    /* raw TCVN3 bytes, not UTF-8 at all */
    const unsigned char tcvn[] = "H\xe4 v\xb5 t\xaan: Ph\xb9m Minh Tu\xcan, Nguy\xd4n V\xa8n An";
    enc = PD_ENC_UTF8;
    CHECK(pd_text_guess_legacy(tcvn, sizeof tcvn - 1, &enc) && enc == PD_ENC_TCVN3);
}

static void test_limit(void)
{
    struct pd_text t;
    pd_text_init(&t, 4096); /* cap smaller than the decoded text */
    unsigned char *big = malloc(3000);
    memset(big, 0xFF, 3000); /* each bad byte needs 3 bytes once repaired */
    CHECK(pd_text_build(&t, big, 3000, PD_ENC_UTF8) == PD_ERR_LIMIT);
    free(big);
    pd_text_release(&t);
}

/* Binary data read for its strings: runs of four or more printable characters stay where they
 * are, every other byte becomes a space; runs at the window's edges may go on, so they stay. */
static void test_strings_view(void)
{
    struct pd_text t;
    pd_text_init(&t, 0);
    const char in[] = "ab\x00\x01Số CCCD\x00xyz\xff\xc3\x01MẬT\x02\x80\x80qrst\x00" "e\xe1\xbb";
    const char want[] = "ab  Số CCCD" "               " "qrst e  ";
    size_t n = sizeof in - 1;
    CHECK(pd_text_build(&t, (const unsigned char *)in, n, PD_ENC_BINARY) == PD_OK);
    CHECK(t.utf8_len == n && memcmp(t.utf8, want, n) == 0);
    CHECK(strcmp(pd_encoding_name(PD_ENC_BINARY), "binary") == 0);
    /* "MẬT" is three characters: too short; "Số CCCD" folds, and keeps its raw offsets */
    const char *v = memmem(t.fold, t.fold_len, "so cccd", 7);
    CHECK(v && pd_text_raw_offset(&t, (size_t)(v - t.fold)) == 4);
    CHECK(!memmem(t.fold, t.fold_len, "mat", 3));
    pd_text_release(&t);
}

int main(void)
{
    test_strings_view();
    test_fold();
    test_fold_matches_per_character();
    test_offsets();
    test_utf16_and_repair();
    test_case_helpers();
    test_legacy_guess();
    test_limit();
    return check_done();
}
