/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * S-expression parser, formatter and path queries (xend's wire format).
 *
 * The parser is a recursive descent over a byte buffer with an explicit
 * depth bound, so a reply of a million '(' fails cleanly instead of
 * exhausting the stack.  The formatter quotes an atom only when it holds a
 * character that would otherwise end it, so configs read as xend wrote
 * them: (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro'))).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_SEXPR
#include "util/error.h"
#include "drivers/xen/sxpr.h"

typedef struct {
    const char *s;
    size_t len;
    size_t pos;
} sxParser;

vkSexpr *
vkSexprNewList(void)
{
    vkSexpr *s = g_new0(vkSexpr, 1);
    s->items = g_ptr_array_new_with_free_func((GDestroyNotify)vkSexprFree);
    return s;
}

vkSexpr *
vkSexprNewAtom(const char *atom)
{
    vkSexpr *s = g_new0(vkSexpr, 1);
    s->atom = g_strdup(atom);
    return s;
}

void
vkSexprFree(vkSexpr *s)
{
    if (!s)
        return;
    g_free(s->atom);
    if (s->items)
        g_ptr_array_unref(s->items);
    g_free(s);
}

vkSexpr *
vkSexprAppend(vkSexpr *list, vkSexpr *child)
{
    g_ptr_array_add(list->items, child);
    return child;
}

void
vkSexprAddPair(vkSexpr *list, const char *key, const char *value)
{
    if (!value)
        return;
    vkSexpr *pair = vkSexprAppend(list, vkSexprNewList());
    vkSexprAppend(pair, vkSexprNewAtom(key));
    vkSexprAppend(pair, vkSexprNewAtom(value));
}

void
vkSexprAddPairFmt(vkSexpr *list, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *v = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vkSexprAddPair(list, key, v);
}

static void
skipBlanks(sxParser *p)
{
    while (p->pos < p->len && g_ascii_isspace(p->s[p->pos]))
        p->pos++;
}

static bool
isAtomEnd(char c)
{
    return g_ascii_isspace(c) || c == '(' || c == ')' || c == '\0';
}

static vkSexpr *
parseQuoted(sxParser *p)
{
    char quote = p->s[p->pos++];
    g_autoptr(GString) buf = g_string_new(NULL);

    while (p->pos < p->len && p->s[p->pos] != quote) {
        char c = p->s[p->pos++];
        if (c == '\\' && p->pos < p->len) {
            c = p->s[p->pos++];
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            default: break;     /* \\, \', \" and anything else: literal */
            }
        }
        g_string_append_c(buf, c);
    }
    if (p->pos >= p->len) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "malformed S-expression: unterminated %c-quoted atom at end of input",
                      quote);
        return NULL;
    }
    p->pos++;
    vkSexpr *s = g_new0(vkSexpr, 1);
    s->atom = g_string_free(g_steal_pointer(&buf), FALSE);
    return s;
}

static vkSexpr *
parseNode(sxParser *p, int depth)
{
    skipBlanks(p);
    if (p->pos >= p->len) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "malformed S-expression: unexpected end of input");
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == ')') {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "malformed S-expression: unbalanced ')' at offset %zu", p->pos);
        return NULL;
    }
    if (c == '\'' || c == '"')
        return parseQuoted(p);
    if (c != '(') {
        size_t start = p->pos;
        while (p->pos < p->len && !isAtomEnd(p->s[p->pos]))
            p->pos++;
        vkSexpr *s = g_new0(vkSexpr, 1);
        s->atom = g_strndup(p->s + start, p->pos - start);
        return s;
    }

    if (depth >= VK_SEXPR_MAX_DEPTH) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "malformed S-expression: nesting deeper than %d at offset %zu",
                      VK_SEXPR_MAX_DEPTH, p->pos);
        return NULL;
    }
    p->pos++;
    g_autoptr(vkSexpr) list = vkSexprNewList();
    for (;;) {
        skipBlanks(p);
        if (p->pos >= p->len) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "malformed S-expression: missing ')' at end of input");
            return NULL;
        }
        if (p->s[p->pos] == ')') {
            p->pos++;
            return g_steal_pointer(&list);
        }
        vkSexpr *child = parseNode(p, depth + 1);
        if (!child)
            return NULL;
        vkSexprAppend(list, child);
    }
}

vkSexpr *
vkSexprParse(const char *text, size_t len)
{
    sxParser p = { text, len, 0 };

    if (!text) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "malformed S-expression: no input");
        return NULL;
    }
    if (len > VK_SEXPR_MAX_SIZE) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "S-expression of %zu bytes exceeds the limit of %d bytes",
                      len, VK_SEXPR_MAX_SIZE);
        return NULL;
    }
    /* A NUL inside the buffer would silently cut an atom short. */
    if (memchr(text, '\0', len)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "malformed S-expression: NUL byte in input");
        return NULL;
    }
    g_autoptr(vkSexpr) s = parseNode(&p, 0);
    if (!s)
        return NULL;
    skipBlanks(&p);
    if (p.pos != len) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "malformed S-expression: trailing data at offset %zu", p.pos);
        return NULL;
    }
    return g_steal_pointer(&s);
}

static void
formatAtom(GString *buf, const char *a)
{
    bool plain = *a != '\0';
    for (const char *c = a; *c && plain; c++) {
        if (isAtomEnd(*c) || *c == '\'' || *c == '"' || *c == '\\')
            plain = false;
    }
    if (plain) {
        g_string_append(buf, a);
        return;
    }
    g_string_append_c(buf, '\'');
    for (const char *c = a; *c; c++) {
        switch (*c) {
        case '\'': g_string_append(buf, "\\'"); break;
        case '\\': g_string_append(buf, "\\\\"); break;
        case '\n': g_string_append(buf, "\\n"); break;
        case '\t': g_string_append(buf, "\\t"); break;
        case '\r': g_string_append(buf, "\\r"); break;
        default: g_string_append_c(buf, *c);
        }
    }
    g_string_append_c(buf, '\'');
}

void
vkSexprFormatBuf(GString *buf, const vkSexpr *s)
{
    if (s->atom) {
        formatAtom(buf, s->atom);
        return;
    }
    g_string_append_c(buf, '(');
    for (guint i = 0; i < s->items->len; i++) {
        if (i)
            g_string_append_c(buf, ' ');
        vkSexprFormatBuf(buf, g_ptr_array_index(s->items, i));
    }
    g_string_append_c(buf, ')');
}

char *
vkSexprFormat(const vkSexpr *s)
{
    GString *buf = g_string_new(NULL);
    vkSexprFormatBuf(buf, s);
    return g_string_free(buf, FALSE);
}

const char *
vkSexprHead(const vkSexpr *s)
{
    if (!s || s->atom || s->items->len == 0)
        return NULL;
    const vkSexpr *h = g_ptr_array_index(s->items, 0);
    return h->atom;
}

size_t
vkSexprLen(const vkSexpr *s)
{
    return s && !s->atom ? s->items->len : 0;
}

const vkSexpr *
vkSexprItem(const vkSexpr *s, size_t i)
{
    if (!s || s->atom || i >= s->items->len)
        return NULL;
    return g_ptr_array_index(s->items, i);
}

static const vkSexpr *
findChild(const vkSexpr *s, const char *name, size_t nlen)
{
    /* children after the head: (vm (name x) ...) looks past "vm" */
    for (size_t i = 1; i < vkSexprLen(s); i++) {
        const vkSexpr *c = vkSexprItem(s, i);
        const char *h = vkSexprHead(c);
        if (h && strlen(h) == nlen && strncmp(h, name, nlen) == 0)
            return c;
    }
    return NULL;
}

const vkSexpr *
vkSexprLookup(const vkSexpr *s, const char *path)
{
    const char *p = path;

    while (s && *p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        s = findChild(s, p, n);
        p += n;
        if (*p == '/')
            p++;
    }
    return s;
}

const char *
vkSexprString(const vkSexpr *s, const char *path)
{
    const vkSexpr *pair = vkSexprLookup(s, path);
    const vkSexpr *v = vkSexprItem(pair, 1);
    return v ? v->atom : NULL;
}

bool
vkSexprLong(const vkSexpr *s, const char *path, long long *out)
{
    const char *v = vkSexprString(s, path);
    char *end;

    if (!v || !*v)
        return false;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end)
        return false;
    *out = n;
    return true;
}

bool
vkSexprDouble(const vkSexpr *s, const char *path, double *out)
{
    const char *v = vkSexprString(s, path);
    char *end;

    if (!v || !*v)
        return false;
    double d = g_ascii_strtod(v, &end);
    if (*end)
        return false;
    *out = d;
    return true;
}
