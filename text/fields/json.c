/* JSON and JSON Lines, read as a stream of tokens: each string or number is labelled by its key,
 * its path from the root ("khach_hang[].ho_ten") recorded as its field. The reader is a lexer with
 * a stack of containers, byte by byte, so that a window may end anywhere and a 2 GB array is read
 * in bounded memory. It tolerates broken JSON (a scanner reads what it is given): a stray byte is
 * skipped, never fatal. No Debian library fits: json-c builds the whole tree, and yajl's callbacks
 * carry no byte offset, which every finding needs. */
#include "text/fields/fields-int.h"

#include <string.h>

#define MAX_DEPTH 64
#define MAX_KEY 96

enum lex { LEX_OUT, LEX_STRING, LEX_ESCAPE, LEX_UNICODE, LEX_BARE };

struct json_state {
    unsigned depth;
    char kinds[MAX_DEPTH + 1];   /* '{' or '[' at each depth (kinds[0]: the top level) */
    int paths[MAX_DEPTH + 1];    /* the field path of the container at each depth */
    int value_field;             /* the field of the next value in an object */
    bool expect_key;             /* in an object, the next string is a key */
    enum lex lex;
    bool string_is_key;
    bool bare_emitted;           /* the bare value being read is a number, written out */
    char key[MAX_KEY];
    unsigned key_len;
    unsigned hex_digits;
    uint32_t code, high_surrogate;
};

static bool detect(struct pd_fields *f, void *state, const char *p, size_t n, const struct pd_fields_hint *hint)
{
    (void)f;
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    bool json_mime = hint && hint->mime && strstr(hint->mime, "json");
    if (i == n || (p[i] != '{' && p[i] != '[') || !(json_mime || memmem(p + i, n - i, "\":", 2) || memmem(p + i, n - i, "\" :", 3)))
        return false;
    struct json_state *s = state;
    s->kinds[0] = '[';              /* the top level holds values, as an array does (JSON Lines) */
    s->paths[0] = PD_FIELD_NONE;
    s->value_field = PD_FIELD_NONE;
    return true;
}

/* The field of a value met at the current depth. */
static int value_field(const struct json_state *s)
{
    return s->kinds[s->depth] == '{' ? s->value_field : s->paths[s->depth];
}

static void push(struct pd_fields *f, struct json_state *s, char kind)
{
    int parent = value_field(s);
    if (s->depth == MAX_DEPTH) /* deeper than this: still read, labelled by the deepest known key */
        return;
    s->depth++;
    s->kinds[s->depth] = kind;
    s->paths[s->depth] = kind == '[' ? pd_fields_name(f, parent, "", "[]", 2, NULL) : parent;
    s->expect_key = kind == '{';
    s->value_field = PD_FIELD_NONE;
}

static void pop(struct json_state *s)
{
    if (s->depth > 0)
        s->depth--;
    s->expect_key = false;
}

static void put_code(struct pd_fields_out *o, struct json_state *s, uint32_t cp, size_t at)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (s->string_is_key) {
        for (size_t k = 0; k < n && s->key_len < MAX_KEY; k++)
            s->key[s->key_len++] = (char)b[k];
    } else {
        for (size_t k = 0; k < n; k++)
            pd_fields_put(o, (char)b[k], at);
    }
}

/* A string byte: into the key being read, or the view. */
static void string_byte(struct pd_fields_out *o, struct json_state *s, char c, size_t at)
{
    if (s->string_is_key) {
        if (s->key_len < MAX_KEY)
            s->key[s->key_len++] = c;
    } else {
        pd_fields_put(o, c, at);
    }
}

/* A key that is itself data (an object keyed by phone numbers or addresses) is read, unlabelled. */
static void key_done(struct pd_fields *f, struct pd_fields_out *o, struct json_state *s, size_t at)
{
    int parent = s->paths[s->depth];
    s->value_field = pd_fields_name(f, parent, parent == PD_FIELD_NONE ? "" : ".", s->key, s->key_len, NULL);
    bool data = false;
    for (unsigned k = 0; k < s->key_len && !data; k++)
        data = (s->key[k] >= '0' && s->key[k] <= '9') || s->key[k] == '@';
    if (data) { /* its bytes end at the closing quote (escapes aside) */
        for (unsigned k = 0; k < s->key_len; k++)
            pd_fields_put(o, s->key[k], at >= s->key_len - k ? at - (s->key_len - k) : 0);
        pd_fields_put(o, '\n', at);
    }
    s->expect_key = false;
}

static bool view(struct pd_fields *f, void *state, struct pd_fields_out *o, const char *in, size_t len,
                 size_t resume_in)
{
    struct json_state *s = state;
    if (((s->lex == LEX_STRING || s->lex == LEX_ESCAPE || s->lex == LEX_UNICODE) && !s->string_is_key) ||
        (s->lex == LEX_BARE && s->bare_emitted))
        pd_fields_continue(f, o, value_field(s));
    for (size_t i = 0; i < len; i++) {
        if (i == resume_in)
            pd_fields_at_resume(f, s);
        char c = in[i];
        switch (s->lex) {
        case LEX_STRING:
            if (c == '"') {
                s->lex = LEX_OUT;
                if (s->string_is_key) {
                    key_done(f, o, s, i);
                } else {
                    pd_fields_close(f, o, i);
                    pd_fields_put(o, '\n', i);
                }
            } else if (c == '\\') {
                s->lex = LEX_ESCAPE;
            } else {
                string_byte(o, s, c == '\n' ? ' ' : c, i);
            }
            continue;
        case LEX_ESCAPE:
            s->lex = LEX_STRING;
            switch (c) {
            case 'u':
                s->lex = LEX_UNICODE;
                s->hex_digits = 0;
                s->code = 0;
                break;
            case 'n': case 'r': case 't': case 'b': case 'f':
                string_byte(o, s, ' ', i); /* one value, one line */
                break;
            default:
                string_byte(o, s, c, i); /* \" \\ \/ */
            }
            continue;
        case LEX_UNICODE: {
            int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0) { /* a broken escape: read on as text */
                s->lex = LEX_STRING;
                i--;
                continue;
            }
            s->code = s->code << 4 | (uint32_t)d;
            if (++s->hex_digits < 4)
                continue;
            s->lex = LEX_STRING;
            if (s->code >= 0xD800 && s->code <= 0xDBFF) {
                s->high_surrogate = s->code;
            } else if (s->code >= 0xDC00 && s->code <= 0xDFFF) {
                if (s->high_surrogate)
                    put_code(o, s, 0x10000 + ((s->high_surrogate - 0xD800) << 10) + (s->code - 0xDC00), i);
                s->high_surrogate = 0;
            } else {
                put_code(o, s, s->code ? s->code : ' ', i);
            }
            continue;
        }
        case LEX_BARE:
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':') {
                if (s->bare_emitted) {
                    pd_fields_close(f, o, i);
                    pd_fields_put(o, '\n', i);
                }
                s->lex = LEX_OUT;
                break; /* the delimiter is read below */
            }
            if (s->bare_emitted)
                pd_fields_put(o, c, i);
            continue;
        case LEX_OUT:
            break;
        }
        switch (c) {
        case '"':
            s->lex = LEX_STRING;
            s->string_is_key = s->expect_key && s->kinds[s->depth] == '{';
            s->key_len = 0;
            s->high_surrogate = 0;
            if (!s->string_is_key)
                pd_fields_open(f, o, value_field(s), i);
            break;
        case '{':
        case '[':
            push(f, s, c);
            break;
        case '}':
        case ']':
            pop(s);
            break;
        case ',':
            s->expect_key = s->kinds[s->depth] == '{';
            break;
        case ':':
            s->expect_key = false;
            break;
        case ' ': case '\t': case '\r': case '\n':
            break;
        default:
            s->lex = LEX_BARE;
            s->bare_emitted = (c >= '0' && c <= '9') || c == '-' || c == '+';
            if (s->bare_emitted) {
                pd_fields_open(f, o, value_field(s), i);
                pd_fields_put(o, c, i);
            }
        }
    }
    return true;
}

const struct pd_fields_reader pd_fields_json = {
    .kind = "json", .state_size = sizeof(struct json_state), .detect = detect, .view = view};
