/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON values: parse text to a tree, build trees, format them back.
 *
 * A thin wrapper over yajl, so that only json.c knows which JSON library
 * is underneath.  Users (the QMP monitor first) see one small tree type,
 * vkJSON, with ordered objects and numbers kept as their original text
 * (QMP sends 64-bit unsigned counters a double would round).
 */
#ifndef VK_UTIL_JSON_H
#define VK_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef enum {
    VK_JSON_NULL,
    VK_JSON_BOOL,
    VK_JSON_NUMBER,
    VK_JSON_STRING,
    VK_JSON_ARRAY,
    VK_JSON_OBJECT,
} vkJSONType;

typedef struct _vkJSON vkJSON;

/* Nesting deeper than this is refused by the parser. */
#define VK_JSON_MAX_DEPTH 128

/* Parses one JSON document of len bytes (need not be NUL-terminated).
 * NULL with VIR_ERR_INTERNAL_ERROR ("cannot parse JSON ...") on bad input,
 * trailing garbage or excessive nesting. */
vkJSON *vkJSONParse(const char *text, size_t len);
/* Compact one-line text (what QMP wants); never NULL. */
char *vkJSONFormat(const vkJSON *val);
void vkJSONFree(vkJSON *val);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkJSON, vkJSONFree)

vkJSON *vkJSONNewNull(void);
vkJSON *vkJSONNewBool(bool b);
vkJSON *vkJSONNewInt(long long n);
vkJSON *vkJSONNewUInt(unsigned long long n);
vkJSON *vkJSONNewDouble(double d);
vkJSON *vkJSONNewString(const char *s);
vkJSON *vkJSONNewArray(void);
vkJSON *vkJSONNewObject(void);
/* Both take ownership of val. */
void vkJSONArrayAppend(vkJSON *arr, vkJSON *val);
void vkJSONObjectAppend(vkJSON *obj, const char *key, vkJSON *val);
/* Shorthands for building QMP arguments. */
void vkJSONObjectAppendString(vkJSON *obj, const char *key, const char *s);
void vkJSONObjectAppendInt(vkJSON *obj, const char *key, long long n);
void vkJSONObjectAppendBool(vkJSON *obj, const char *key, bool b);

vkJSONType vkJSONGetType(const vkJSON *val);
/* The member named key (first one), or NULL (also when obj is no object). */
vkJSON *vkJSONObjectGet(const vkJSON *obj, const char *key);
size_t vkJSONObjectSize(const vkJSON *obj);
const char *vkJSONObjectKeyAt(const vkJSON *obj, size_t i);
vkJSON *vkJSONObjectValueAt(const vkJSON *obj, size_t i);
size_t vkJSONArraySize(const vkJSON *arr);
vkJSON *vkJSONArrayGet(const vkJSON *arr, size_t i);

/* Typed reads: NULL / -1 (no error reported) when val is NULL or of
 * another type or out of range. */
const char *vkJSONGetString(const vkJSON *val);
int vkJSONGetBool(const vkJSON *val, bool *out);
int vkJSONGetInt64(const vkJSON *val, long long *out);
int vkJSONGetUInt64(const vkJSON *val, unsigned long long *out);
int vkJSONGetDouble(const vkJSON *val, double *out);
/* Shorthands: the typed member of an object. */
const char *vkJSONObjectGetString(const vkJSON *obj, const char *key);

#endif
