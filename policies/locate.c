/* Finds where a JSON path's value starts in the source text, so that a message about a value
 * json-c parsed can say line:column. The text is known to be valid JSON (json-c parsed it). */
#include <string.h>

#include "policies/policy-int.h"

struct cursor {
    const char *s;
    size_t n, i;
};

static void skip_ws(struct cursor *c)
{
    while (c->i < c->n && strchr(" \t\r\n", c->s[c->i]))
        c->i++;
}

/* Skips a string starting at the quote; returns the raw (still escaped) key in [*a, *b). */
static void skip_string(struct cursor *c, size_t *a, size_t *b)
{
    c->i++;
    if (a)
        *a = c->i;
    while (c->i < c->n && c->s[c->i] != '"')
        c->i += c->s[c->i] == '\\' ? 2 : 1;
    if (b)
        *b = c->i;
    c->i++;
}

static void skip_value(struct cursor *c, int depth)
{
    skip_ws(c);
    if (c->i >= c->n || depth > 256)
        return;
    char ch = c->s[c->i];
    if (ch == '"') {
        skip_string(c, NULL, NULL);
    } else if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->i++;
        for (;;) {
            skip_ws(c);
            if (c->i >= c->n || c->s[c->i] == close) {
                c->i++;
                return;
            }
            if (ch == '{') {
                skip_string(c, NULL, NULL);
                skip_ws(c);
                c->i++; /* ':' */
            }
            skip_value(c, depth + 1);
            skip_ws(c);
            if (c->i < c->n && c->s[c->i] == ',')
                c->i++;
        }
    } else {
        while (c->i < c->n && !strchr(",]} \t\r\n", c->s[c->i]))
            c->i++;
    }
}

size_t pd_json_locate(const char *text, size_t len, const struct pd_jpath *path)
{
    struct cursor c = {text, len, 0};
    skip_ws(&c);
    for (int d = 0; d < path->depth && c.i < c.n; d++) {
        char ch = c.s[c.i];
        size_t start = c.i;
        bool found = false;
        c.i++;
        for (int k = 0; !found;) {
            skip_ws(&c);
            if (c.i >= c.n || c.s[c.i] == '}' || c.s[c.i] == ']')
                return start;
            if (ch == '{') {
                size_t a, b;
                skip_string(&c, &a, &b);
                skip_ws(&c);
                c.i++;
                skip_ws(&c);
                if (path->key[d] && strlen(path->key[d]) == b - a && memcmp(path->key[d], c.s + a, b - a) == 0) {
                    if (path->at_key && d == path->depth - 1)
                        return a - 1;
                    found = true;
                    break;
                }
            } else if (ch == '[' && k == path->index[d]) {
                found = true;
                break;
            }
            skip_value(&c, 0);
            skip_ws(&c);
            if (c.i < c.n && c.s[c.i] == ',')
                c.i++;
            k++;
        }
    }
    return c.i < c.n ? c.i : c.n;
}
