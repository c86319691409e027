/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public virTypedParams* helpers: building and reading arrays of
 * (name, type, value) records, the currency of the "parameters" APIs
 * (scheduler, memory tuning, job stats, migration, ...).
 *
 * The one idea: an array is three caller-owned values (*params, *nparams,
 * *maxparams) that every Add call grows in place, so the same array can be
 * built incrementally and handed to virTypedParamsFree.  Lookups are linear;
 * arrays are short.  A name may appear once, except that a string list
 * stores each element as its own entry under the same name.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

static const char *
typeName(int type)
{
    switch (type) {
    case VIR_TYPED_PARAM_INT: return "int";
    case VIR_TYPED_PARAM_UINT: return "uint";
    case VIR_TYPED_PARAM_LLONG: return "llong";
    case VIR_TYPED_PARAM_ULLONG: return "ullong";
    case VIR_TYPED_PARAM_DOUBLE: return "double";
    case VIR_TYPED_PARAM_BOOLEAN: return "boolean";
    case VIR_TYPED_PARAM_STRING: return "string";
    default: return "unknown";
    }
}

static virTypedParameterPtr
findParam(virTypedParameterPtr params, int nparams, const char *name)
{
    int i;

    if (!params || !name)
        return NULL;
    for (i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) == 0)
            return &params[i];
    }
    return NULL;
}

static int
checkArgs(virTypedParameterPtr *params, int *nparams, int *maxparams,
          const char *name)
{
    if (!params || !nparams || !maxparams || !name) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "params, nparams, maxparams and name must not be NULL");
        return -1;
    }
    if (*nparams < 0 || *maxparams < 0 || *nparams > *maxparams) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "inconsistent parameter array: %d used of %d allocated",
                      *nparams, *maxparams);
        return -1;
    }
    if (strlen(name) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "parameter name '%s' is too long (at most %d characters)",
                      name, VIR_TYPED_PARAM_FIELD_LENGTH - 1);
        return -1;
    }
    return 0;
}

static int
checkUnique(virTypedParameterPtr params, int nparams, const char *name)
{
    if (findParam(params, nparams, name)) {
        vkReportError(VIR_ERR_INVALID_ARG, "Parameter '%s' is already set", name);
        return -1;
    }
    return 0;
}

/* Makes room for `more` entries past *nparams; the new slots are zeroed. */
static void
reserve(virTypedParameterPtr *params, int nparams, int *maxparams, int more)
{
    int want = nparams + more;
    int grown;

    if (want <= *maxparams && *params)
        return;
    grown = MAX(want, *maxparams * 2);
    grown = MAX(grown, 4);
    *params = g_renew(virTypedParameter, *params, grown);
    memset(*params + *maxparams, 0,
           sizeof(virTypedParameter) * (grown - *maxparams));
    *maxparams = grown;
}

/* Validates, reserves a slot and names it; the caller sets type and value. */
static virTypedParameterPtr
addSlot(virTypedParameterPtr *params, int *nparams, int *maxparams,
        const char *name)
{
    virTypedParameterPtr slot;

    vkErrorReset();
    if (checkArgs(params, nparams, maxparams, name) < 0 ||
        checkUnique(*params, *nparams, name) < 0)
        return NULL;
    reserve(params, *nparams, maxparams, 1);
    slot = &(*params)[(*nparams)++];
    memset(slot, 0, sizeof(*slot));
    g_strlcpy(slot->field, name, sizeof(slot->field));
    return slot;
}

int
virTypedParamsAddInt(virTypedParameterPtr *params, int *nparams,
                     int *maxparams, const char *name, int value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_INT;
    p->value.i = value;
    return 0;
}

int
virTypedParamsAddUInt(virTypedParameterPtr *params, int *nparams,
                      int *maxparams, const char *name, unsigned int value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_UINT;
    p->value.ui = value;
    return 0;
}

int
virTypedParamsAddLLong(virTypedParameterPtr *params, int *nparams,
                       int *maxparams, const char *name, long long value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_LLONG;
    p->value.l = value;
    return 0;
}

int
virTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams,
                        int *maxparams, const char *name,
                        unsigned long long value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_ULLONG;
    p->value.ul = value;
    return 0;
}

int
virTypedParamsAddDouble(virTypedParameterPtr *params, int *nparams,
                        int *maxparams, const char *name, double value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_DOUBLE;
    p->value.d = value;
    return 0;
}

int
virTypedParamsAddBoolean(virTypedParameterPtr *params, int *nparams,
                         int *maxparams, const char *name, int value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_BOOLEAN;
    p->value.b = !!value;
    return 0;
}

int
virTypedParamsAddString(virTypedParameterPtr *params, int *nparams,
                        int *maxparams, const char *name, const char *value)
{
    virTypedParameterPtr p = addSlot(params, nparams, maxparams, name);

    if (!p)
        return -1;
    p->type = VIR_TYPED_PARAM_STRING;
    p->value.s = g_strdup(value);
    return 0;
}

int
virTypedParamsAddStringList(virTypedParameterPtr *params, int *nparams,
                            int *maxparams, const char *name,
                            const char **values)
{
    size_t count;
    size_t i;

    vkErrorReset();
    if (checkArgs(params, nparams, maxparams, name) < 0 ||
        checkUnique(*params, *nparams, name) < 0)
        return -1;
    if (!values)
        return 0;
    count = g_strv_length((char **)values);
    if (count > (size_t)(INT_MAX / 2 - *nparams)) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "too many values (%zu) for parameter '%s'", count, name);
        return -1;
    }

    reserve(params, *nparams, maxparams, (int)count);
    for (i = 0; i < count; i++) {
        virTypedParameterPtr p = &(*params)[(*nparams)++];

        memset(p, 0, sizeof(*p));
        g_strlcpy(p->field, name, sizeof(p->field));
        p->type = VIR_TYPED_PARAM_STRING;
        p->value.s = g_strdup(values[i]);
    }
    return 0;
}

static bool
parseSigned(const char *str, long long min, long long max, long long *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(str, &end, 10);
    if (errno || end == str || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Unsigned values must not start with '-': strtoull would quietly wrap
 * "-1" into a huge number. */
static bool
parseUnsigned(const char *str, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    unsigned long long v;

    while (g_ascii_isspace(*str))
        str++;
    if (*str == '-')
        return false;
    errno = 0;
    v = strtoull(str, &end, 10);
    if (errno || end == str || *end || v > max)
        return false;
    *out = v;
    return true;
}

int
virTypedParamsAddFromString(virTypedParameterPtr *params, int *nparams,
                            int *maxparams, const char *name, int type,
                            const char *value)
{
    virTypedParameter parsed = { 0 };
    virTypedParameterPtr p;
    long long sl = 0;
    unsigned long long ul = 0;
    bool ok = true;

    vkErrorReset();
    if (!value) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "no value given for parameter '%s'", name ? name : "");
        return -1;
    }

    parsed.type = type;
    switch (type) {
    case VIR_TYPED_PARAM_INT:
        if ((ok = parseSigned(value, INT_MIN, INT_MAX, &sl)))
            parsed.value.i = (int)sl;
        break;
    case VIR_TYPED_PARAM_UINT:
        if ((ok = parseUnsigned(value, UINT_MAX, &ul)))
            parsed.value.ui = (unsigned int)ul;
        break;
    case VIR_TYPED_PARAM_LLONG:
        if ((ok = parseSigned(value, LLONG_MIN, LLONG_MAX, &sl)))
            parsed.value.l = sl;
        break;
    case VIR_TYPED_PARAM_ULLONG:
        if ((ok = parseUnsigned(value, ULLONG_MAX, &ul)))
            parsed.value.ul = ul;
        break;
    case VIR_TYPED_PARAM_DOUBLE: {
        char *end = NULL;

        errno = 0;
        parsed.value.d = g_ascii_strtod(value, &end);
        ok = !errno && end != value && !*end;
        break;
    }
    case VIR_TYPED_PARAM_BOOLEAN:
        if (g_ascii_strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0) {
            parsed.value.b = 1;
        } else if (g_ascii_strcasecmp(value, "false") == 0 ||
                   strcmp(value, "0") == 0) {
            parsed.value.b = 0;
        } else {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "Invalid boolean value '%s' for field '%s': expected "
                          "true, false, 1 or 0", value, name ? name : "");
            return -1;
        }
        break;
    case VIR_TYPED_PARAM_STRING:
        break;
    default:
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "unexpected type %d for field '%s'", type, name ? name : "");
        return -1;
    }
    if (!ok) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "Invalid value '%s' for field '%s': expected %s",
                      value, name ? name : "", typeName(type));
        return -1;
    }

    if (!(p = addSlot(params, nparams, maxparams, name)))
        return -1;
    p->type = parsed.type;
    p->value = parsed.value;
    if (type == VIR_TYPED_PARAM_STRING)
        p->value.s = g_strdup(value);
    return 0;
}

virTypedParameterPtr
virTypedParamsGet(virTypedParameterPtr params, int nparams, const char *name)
{
    vkErrorReset();
    return findParam(params, nparams, name);
}

/* 1 and *out set when found with the right type, 0 when absent, -1 with an
 * error when present with another type. */
static int
getTyped(virTypedParameterPtr params, int nparams, const char *name,
         int type, virTypedParameterPtr *out)
{
    virTypedParameterPtr p;

    vkErrorReset();
    if (!(p = findParam(params, nparams, name)))
        return 0;
    if (p->type != type) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "Invalid type '%s' requested for parameter '%s', "
                      "actual type is '%s'",
                      typeName(type), name, typeName(p->type));
        return -1;
    }
    *out = p;
    return 1;
}

#define GETTER(fn, vtype, ptype, member) \
    int \
    fn(virTypedParameterPtr params, int nparams, const char *name, \
       vtype *value) \
    { \
        virTypedParameterPtr p = NULL; \
        int rc = getTyped(params, nparams, name, ptype, &p); \
        if (rc == 1 && value) \
            *value = p->value.member; \
        return rc; \
    }

GETTER(virTypedParamsGetInt, int, VIR_TYPED_PARAM_INT, i)
GETTER(virTypedParamsGetUInt, unsigned int, VIR_TYPED_PARAM_UINT, ui)
GETTER(virTypedParamsGetLLong, long long, VIR_TYPED_PARAM_LLONG, l)
GETTER(virTypedParamsGetULLong, unsigned long long, VIR_TYPED_PARAM_ULLONG, ul)
GETTER(virTypedParamsGetDouble, double, VIR_TYPED_PARAM_DOUBLE, d)
GETTER(virTypedParamsGetBoolean, int, VIR_TYPED_PARAM_BOOLEAN, b)
GETTER(virTypedParamsGetString, const char *, VIR_TYPED_PARAM_STRING, s)

/* Clear and Free are used on cleanup paths after a failure, so unlike the
 * other entry points they leave the thread's last error alone. */
void
virTypedParamsClear(virTypedParameterPtr params, int nparams)
{
    int i;

    if (!params)
        return;
    for (i = 0; i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING) {
            g_free(params[i].value.s);
            params[i].value.s = NULL;
        }
    }
}

void
virTypedParamsFree(virTypedParameterPtr params, int nparams)
{
    virTypedParamsClear(params, nparams);
    g_free(params);
}
