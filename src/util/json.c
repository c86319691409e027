/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON trees over yajl: the only file that includes yajl.
 *
 * Parsing uses yajl's event parser (not yajl_tree) so that we build our
 * own tree with an explicit stack and a depth limit: untrusted input (a
 * misbehaving QEMU, a fuzzer) can neither recurse us off the stack nor
 * make yajl_tree_free do so.  Numbers keep their text; the typed getters
 * convert on demand with range checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "util/json.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

struct _vkJSON {
    vkJSONType type;
    bool b;
    char *str;              /* STRING text, NUMBER text */
    GPtrArray *keys;        /* OBJECT: char* */
    GPtrArray *items;       /* ARRAY and OBJECT values: vkJSON* */
};

static vkJSON *
jsonNew(vkJSONType type)
{
    vkJSON *v = g_new0(vkJSON, 1);

    v->type = type;
    if (type == VK_JSON_ARRAY || type == VK_JSON_OBJECT)
        v->items = g_ptr_array_new_with_free_func((GDestroyNotify)vkJSONFree);
    if (type == VK_JSON_OBJECT)
        v->keys = g_ptr_array_new_with_free_func(g_free);
    return v;
}

void
vkJSONFree(vkJSON *v)
{
    /* Iterative over the last child would be nicer, but depth is bounded
     * by the parser and by our own builders, so recursion is safe. */
    if (!v)
        return;
    g_free(v->str);
    if (v->items)
        g_ptr_array_free(v->items, TRUE);
    if (v->keys)
        g_ptr_array_free(v->keys, TRUE);
    g_free(v);
}

vkJSON *vkJSONNewNull(void) { return jsonNew(VK_JSON_NULL); }
vkJSON *vkJSONNewArray(void) { return jsonNew(VK_JSON_ARRAY); }
vkJSON *vkJSONNewObject(void) { return jsonNew(VK_JSON_OBJECT); }

vkJSON *
vkJSONNewBool(bool b)
{
    vkJSON *v = jsonNew(VK_JSON_BOOL);

    v->b = b;
    return v;
}

vkJSON *
vkJSONNewInt(long long n)
{
    vkJSON *v = jsonNew(VK_JSON_NUMBER);

    v->str = g_strdup_printf("%lld", n);
    return v;
}

vkJSON *
vkJSONNewUInt(unsigned long long n)
{
    vkJSON *v = jsonNew(VK_JSON_NUMBER);

    v->str = g_strdup_printf("%llu", n);
    return v;
}

vkJSON *
vkJSONNewDouble(double d)
{
    vkJSON *v = jsonNew(VK_JSON_NUMBER);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    v->str = g_strdup(g_ascii_dtostr(buf, sizeof(buf), d));
    return v;
}

vkJSON *
vkJSONNewString(const char *s)
{
    vkJSON *v = jsonNew(VK_JSON_STRING);

    v->str = g_strdup(s ? s : "");
    return v;
}

void
vkJSONArrayAppend(vkJSON *arr, vkJSON *val)
{
    g_ptr_array_add(arr->items, val);
}

void
vkJSONObjectAppend(vkJSON *obj, const char *key, vkJSON *val)
{
    g_ptr_array_add(obj->keys, g_strdup(key));
    g_ptr_array_add(obj->items, val);
}

void
vkJSONObjectAppendString(vkJSON *obj, const char *key, const char *s)
{
    vkJSONObjectAppend(obj, key, vkJSONNewString(s));
}

void
vkJSONObjectAppendInt(vkJSON *obj, const char *key, long long n)
{
    vkJSONObjectAppend(obj, key, vkJSONNewInt(n));
}

void
vkJSONObjectAppendBool(vkJSON *obj, const char *key, bool b)
{
    vkJSONObjectAppend(obj, key, vkJSONNewBool(b));
}

vkJSONType
vkJSONGetType(const vkJSON *val)
{
    return val ? val->type : VK_JSON_NULL;
}

vkJSON *
vkJSONObjectGet(const vkJSON *obj, const char *key)
{
    if (!obj || obj->type != VK_JSON_OBJECT)
        return NULL;
    for (guint i = 0; i < obj->keys->len; i++) {
        if (strcmp(g_ptr_array_index(obj->keys, i), key) == 0)
            return g_ptr_array_index(obj->items, i);
    }
    return NULL;
}

size_t
vkJSONObjectSize(const vkJSON *obj)
{
    return obj && obj->type == VK_JSON_OBJECT ? obj->items->len : 0;
}

const char *
vkJSONObjectKeyAt(const vkJSON *obj, size_t i)
{
    return i < vkJSONObjectSize(obj) ? g_ptr_array_index(obj->keys, i) : NULL;
}

vkJSON *
vkJSONObjectValueAt(const vkJSON *obj, size_t i)
{
    return i < vkJSONObjectSize(obj) ? g_ptr_array_index(obj->items, i) : NULL;
}

size_t
vkJSONArraySize(const vkJSON *arr)
{
    return arr && arr->type == VK_JSON_ARRAY ? arr->items->len : 0;
}

vkJSON *
vkJSONArrayGet(const vkJSON *arr, size_t i)
{
    return i < vkJSONArraySize(arr) ? g_ptr_array_index(arr->items, i) : NULL;
}

const char *
vkJSONGetString(const vkJSON *val)
{
    return val && val->type == VK_JSON_STRING ? val->str : NULL;
}

const char *
vkJSONObjectGetString(const vkJSON *obj, const char *key)
{
    return vkJSONGetString(vkJSONObjectGet(obj, key));
}

int
vkJSONGetBool(const vkJSON *val, bool *out)
{
    if (!val || val->type != VK_JSON_BOOL)
        return -1;
    *out = val->b;
    return 0;
}

int
vkJSONGetInt64(const vkJSON *val, long long *out)
{
    char *end;
    long long n;

    if (!val || val->type != VK_JSON_NUMBER)
        return -1;
    errno = 0;
    n = strtoll(val->str, &end, 10);
    if (errno || *end)
        return -1;
    *out = n;
    return 0;
}

int
vkJSONGetUInt64(const vkJSON *val, unsigned long long *out)
{
    char *end;
    unsigned long long n;

    if (!val || val->type != VK_JSON_NUMBER || val->str[0] == '-')
        return -1;
    errno = 0;
    n = strtoull(val->str, &end, 10);
    if (errno || *end)
        return -1;
    *out = n;
    return 0;
}

int
vkJSONGetDouble(const vkJSON *val, double *out)
{
    char *end;
    double d;

    if (!val || val->type != VK_JSON_NUMBER)
        return -1;
    errno = 0;
    d = g_ascii_strtod(val->str, &end);
    if (errno || *end)
        return -1;
    *out = d;
    return 0;
}

/* ---- parsing ---- */

typedef struct {
    vkJSON *root;
    GPtrArray *stack;       /* open containers, innermost last */
    char *key;              /* pending object key */
    bool tooDeep;
} parseCtx;

static int
addValue(parseCtx *ctx, vkJSON *v)
{
    vkJSON *top;

    if (ctx->stack->len == 0) {
        if (ctx->root) {
            vkJSONFree(v);
            return 0;
        }
        ctx->root = v;
    } else {
        top = g_ptr_array_index(ctx->stack, ctx->stack->len - 1);
        if (top->type == VK_JSON_OBJECT) {
            g_ptr_array_add(top->keys, g_steal_pointer(&ctx->key));
            g_ptr_array_add(top->items, v);
        } else {
            g_ptr_array_add(top->items, v);
        }
    }
    if (v->type == VK_JSON_ARRAY || v->type == VK_JSON_OBJECT) {
        if (ctx->stack->len >= VK_JSON_MAX_DEPTH) {
            ctx->tooDeep = true;
            return 0;
        }
        g_ptr_array_add(ctx->stack, v);
    }
    return 1;
}

static int
cbNull(void *opaque)
{
    return addValue(opaque, vkJSONNewNull());
}

static int
cbBool(void *opaque, int b)
{
    return addValue(opaque, vkJSONNewBool(b));
}

static int
cbNumber(void *opaque, const char *s, size_t len)
{
    vkJSON *v = jsonNew(VK_JSON_NUMBER);

    v->str = g_strndup(s, len);
    return addValue(opaque, v);
}

static int
cbString(void *opaque, const unsigned char *s, size_t len)
{
    vkJSON *v = jsonNew(VK_JSON_STRING);

    v->str = g_strndup((const char *)s, len);
    return addValue(opaque, v);
}

static int
cbStartMap(void *opaque)
{
    return addValue(opaque, jsonNew(VK_JSON_OBJECT));
}

static int
cbMapKey(void *opaque, const unsigned char *s, size_t len)
{
    parseCtx *ctx = opaque;

    g_free(ctx->key);
    ctx->key = g_strndup((const char *)s, len);
    return 1;
}

static int
cbEnd(void *opaque)
{
    parseCtx *ctx = opaque;

    g_ptr_array_set_size(ctx->stack, ctx->stack->len - 1);
    return 1;
}

static int
cbStartArray(void *opaque)
{
    return addValue(opaque, jsonNew(VK_JSON_ARRAY));
}

static const yajl_callbacks parseCallbacks = {
    .yajl_null = cbNull,
    .yajl_boolean = cbBool,
    .yajl_number = cbNumber,
    .yajl_string = cbString,
    .yajl_start_map = cbStartMap,
    .yajl_map_key = cbMapKey,
    .yajl_end_map = cbEnd,
    .yajl_start_array = cbStartArray,
    .yajl_end_array = cbEnd,
};

vkJSON *
vkJSONParse(const char *text, size_t len)
{
    parseCtx ctx = { .stack = g_ptr_array_new() };
    yajl_handle h = yajl_alloc(&parseCallbacks, NULL, &ctx);
    yajl_status st;
    vkJSON *ret = NULL;

    st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);

    if (ctx.tooDeep) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "cannot parse JSON: nesting deeper than %d levels",
                      VK_JSON_MAX_DEPTH);
    } else if (st != yajl_status_ok || !ctx.root) {
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)text, len);

        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot parse JSON '%.*s': %s",
                      (int)MIN(len, 256), text,
                      ctx.root ? (const char *)msg : "empty document");
        yajl_free_error(h, msg);
    } else {
        ret = g_steal_pointer(&ctx.root);
    }
    vkJSONFree(ctx.root);
    g_free(ctx.key);
    g_ptr_array_free(ctx.stack, TRUE);
    yajl_free(h);
    return ret;
}

/* ---- formatting ---- */

static void
genValue(yajl_gen g, const vkJSON *v)
{
    switch (v->type) {
    case VK_JSON_NULL:
        yajl_gen_null(g);
        break;
    case VK_JSON_BOOL:
        yajl_gen_bool(g, v->b);
        break;
    case VK_JSON_NUMBER:
        yajl_gen_number(g, v->str, strlen(v->str));
        break;
    case VK_JSON_STRING:
        yajl_gen_string(g, (const unsigned char *)v->str, strlen(v->str));
        break;
    case VK_JSON_ARRAY:
        yajl_gen_array_open(g);
        for (guint i = 0; i < v->items->len; i++)
            genValue(g, g_ptr_array_index(v->items, i));
        yajl_gen_array_close(g);
        break;
    case VK_JSON_OBJECT:
        yajl_gen_map_open(g);
        for (guint i = 0; i < v->items->len; i++) {
            const char *k = g_ptr_array_index(v->keys, i);

            yajl_gen_string(g, (const unsigned char *)k, strlen(k));
            genValue(g, g_ptr_array_index(v->items, i));
        }
        yajl_gen_map_close(g);
        break;
    }
}

char *
vkJSONFormat(const vkJSON *val)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *ret;

    /* Strings from QEMU may hold any bytes; never let yajl refuse them. */
    yajl_gen_config(g, yajl_gen_validate_utf8, 0);
    genValue(g, val);
    yajl_gen_get_buf(g, &buf, &len);
    ret = g_strndup((const char *)buf, len);
    yajl_gen_free(g);
    return ret;
}
