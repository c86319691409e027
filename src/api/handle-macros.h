/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The accessors every handle kind has (Free/Ref, a name, its connection,
 * its UUID, lookup by UUID string) have the same shape for each kind: one
 * macro per shape, stamped out in other-handles.c and secret-handles.c.
 * Include after api-internal.h, with VIR_FROM_THIS defined.
 */
#ifndef VK_API_HANDLE_MACROS_H
#define VK_API_HANDLE_MACROS_H

#include <string.h>

#include "util/uuid.h"

#define HANDLE_FREE_REF(Kind, type, check, unref, refs) \
    int vir##Kind##Free(type obj) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) { \
            vkDispatchError(NULL); \
            return -1; \
        } \
        unref(obj); \
        return 0; \
    } \
    int vir##Kind##Ref(type obj) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) { \
            vkDispatchError(NULL); \
            return -1; \
        } \
        g_atomic_int_inc(&obj->refs); \
        return 0; \
    }

#define HANDLE_STRING(fn, type, check, expr) \
    const char *fn(type obj) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) { \
            vkDispatchError(NULL); \
            return NULL; \
        } \
        return expr; \
    }

#define HANDLE_CONNECT(fn, type, check, expr) \
    virConnectPtr fn(type obj) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) { \
            vkDispatchError(NULL); \
            return NULL; \
        } \
        return expr; \
    }

#define HANDLE_UUID(Kind, type, check) \
    int vir##Kind##GetUUID(type obj, unsigned char *uuid) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) \
            goto error; \
        if (!uuid) { \
            vkReportNullArg(VIR_FROM_THIS, "uuid", __func__); \
            goto error; \
        } \
        memcpy(uuid, obj->uuid, VIR_UUID_BUFLEN); \
        return 0; \
     error: \
        vkDispatchError(NULL); \
        return -1; \
    } \
    int vir##Kind##GetUUIDString(type obj, char *buf) \
    { \
        vkErrorReset(); \
        if (!check(obj, __func__)) \
            goto error; \
        if (!buf) { \
            vkReportNullArg(VIR_FROM_THIS, "buf", __func__); \
            goto error; \
        } \
        vkUUIDFormat(obj->uuid, buf); \
        return 0; \
     error: \
        vkDispatchError(NULL); \
        return -1; \
    }

/* Lookup by UUID string: parse, then the driver's by-UUID member.  A driver
 * without it is reported under the by-UUID call's name (byuuid), as libvirt
 * does, whose string lookups go through the raw-UUID ones. */
#define LOOKUP_BY_UUID_STRING(fn, byuuid, rettype, objtype, check, reach, family, member) \
    rettype fn(objtype obj, const char *uuidstr) \
    { \
        unsigned char uuid[VIR_UUID_BUFLEN]; \
        virConnectPtr conn = NULL; \
        rettype ret; \
        vkErrorReset(); \
        if (!check(obj, __func__)) \
            goto error; \
        conn = reach; \
        if (!uuidstr) { \
            vkReportNullArg(VIR_FROM_THIS, "uuidstr", __func__); \
            goto error; \
        } \
        if (vkUUIDParse(uuidstr, uuid) < 0) { \
            vkReportError(VIR_ERR_INVALID_ARG, "invalid UUID '%s' in %s", uuidstr, __func__); \
            goto error; \
        } \
        if (!vkConnFamilyDriver(conn, family)->member) { \
            vkReportUnsupported(conn, VIR_FROM_THIS, #byuuid); \
            goto error; \
        } \
        if (!(ret = vkConnFamilyDriver(conn, family)->member(obj, uuid))) \
            goto error; \
        return ret; \
     error: \
        vkDispatchError(conn); \
        return NULL; \
    }

#endif
