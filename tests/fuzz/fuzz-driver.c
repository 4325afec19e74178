/* Runs the fuzz target over seeds and deterministic mutations of them (no libFuzzer needed), so
 * that every `make check`, plain and under sanitizers, exercises hostile input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void pd_fuzz_cleanup(void);

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static const char *seeds[] = {
    "Số CCCD: 001087123456\nSĐT: +84 912 345 678\nMẬT\n",
    "Họ và tên: Nguyễn Văn An\nĐịa chỉ: 12 Lê Lợi, Phường 1, Quận 3\nĐộ mật: Tối mật\n",
    "\xFF\xFE" "S\0\xD1\x1E \0" "0\0" "9\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0",
    "a@b.co 1.2.3.4 4111 1111 1111 1111 9704 3612 3456 7897 HS4010120878811 30A-123.45",
    "MA\xCC\x82\xCC\xA3T\n\xE1\xBB\n\xC0\xAF\xED\xA0\x80 ngày 05 tháng 3 năm 2020",
    /* a delimited export: repeated, its header reads as rows of as many cells */
    "ho_ten,so_cmnd,ghi_chu\n\"Nguyễn, An\",012345678,\"a \"\"b\"\"\nc\"\n",
    /* structured text: JSON with escapes and nesting, SQL dumps, tables and labelled lines */
    "{\"khach_hang\": [{\"ho_ten\": \"Tr\\u1ea7n \\\"A\\\"\", \"sdt\": 912345678, \"x\": {\"cmnd\": \"012345678\"}}]}\n",
    "CREATE TABLE `t` (`ho_ten` varchar(9), `ngay_sinh` date);\nINSERT INTO `t` VALUES ('L\\'A','1985-03-12'),"
    "('B''C',NULL);\nCOPY t (ho_ten) FROM stdin;\nAn\\tB\n\\.\n",
    "Danh sách:\n\n| Họ và tên | Ngày sinh |\n|---|---|\n| Lê An | 12/03/1985 |\nfull_name=Trần B user=a\n"
    "<HoTen>Đỗ C</HoTen>\n<tr><th>Dân tộc</th></tr><tr><td>Tày</td></tr>\n",
};

/* A seed file given on the command line (a corpus of real files: archives, documents, mail). */
static char *read_seed(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && n < (1 << 20) && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) != NULL &&
            fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        }
        *len = n > 0 ? (size_t)n : 0;
    }
    if (f)
        fclose(f);
    if (!data) {
        fprintf(stderr, "fuzz driver: cannot read seed %s\n", path);
        exit(99);
    }
    return data;
}

/* fuzz-TARGET [ROUNDS [SEED-FILE...]]: with seed files, only they are mutated */
int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 3000;
    int n_files = argc > 2 ? argc - 2 : 0;
    size_t cap = 1u << 21;
    uint8_t *buf = malloc(cap);
    long runs = 0;
    for (long r = 0; r < rounds; r++) {
        const char *seed = seeds[r % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        char *file = NULL;
        if (n_files) {
            seed = file = read_seed(argv[2 + r % n_files], &len);
        } else if (seed[0] == '\xFF') {
            len = 28; /* the UTF-16 seed holds NUL bytes */
        }
        size_t n = 0;
        /* repeat the seed (sometimes far past one window) and flip bytes */
        size_t reps = file ? 1 : 1 + (r % 17 == 0 ? next() % 600 : next() % 4);
        for (size_t k = 0; k < reps && n + len < cap; k++, n += len)
            memcpy(buf + n, seed, len);
        size_t flips = next() % 12;
        for (size_t k = 0; k < flips && n; k++)
            buf[next() % n] = (uint8_t)next();
        if (n && next() % 5 == 0)
            n = next() % n; /* truncate anywhere, mid-character included */
        LLVMFuzzerTestOneInput(buf, n);
        free(file);
        runs++;
    }
    pd_fuzz_cleanup();
    free(buf);
    printf("%ld passed, 0 failed\n", runs);
    return 0;
}
