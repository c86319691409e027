/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The thread's last error and the public virterror API.
 *
 * Each thread owns one heap virError, found through a GPrivate whose destroy
 * notify frees it when the thread exits.  Reporting replaces it; every
 * public entry point resets it first, so after a failing call it describes
 * exactly that failure.  On failure the API layer calls vkDispatchError,
 * which copies the error into the connection and runs the handler.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/object.h"

static void
errorFreeFull(gpointer p)
{
    virErrorPtr err = p;
    virResetError(err);
    g_free(err);
}

/* GLib builds its C locale on the first g_ascii_strto* call; threads that
 * race on that first call can see errno left over from the one-time setup,
 * and g_ascii_string_to_signed() then refuses a valid number ("1" read as
 * invalid in a status file at daemon start).  Build it once at load time,
 * before any thread exists.  Every virtkit binary links this file. */
__attribute__((constructor)) static void
warmAsciiLocale(void)
{
    (void)g_ascii_strtoll("0", NULL, 10);
}

static GPrivate lastErrorKey = G_PRIVATE_INIT(errorFreeFull);

static virErrorFunc globalHandler;
static void *globalUserData;
static GMutex handlerLock;

static virErrorPtr
threadError(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    if (!err) {
        err = g_new0(virError, 1);
        g_private_set(&lastErrorKey, err);
    }
    return err;
}

static void
copyError(virErrorPtr to, const virError *from)
{
    to->code = from->code;
    to->domain = from->domain;
    to->message = g_strdup(from->message);
    to->level = from->level;
    to->conn = NULL;
    to->dom = NULL;
    to->net = NULL;
    to->str1 = g_strdup(from->str1);
    to->str2 = g_strdup(from->str2);
    to->str3 = g_strdup(from->str3);
    to->int1 = from->int1;
    to->int2 = from->int2;
}

static void
setError(int domain, int code, char *detail)
{
    virErrorPtr err = threadError();
    const char *what = vkErrorCodeText(code);

    virResetError(err);
    err->domain = domain;
    err->code = code;
    err->level = VIR_ERR_ERROR;
    /* libvirt words a detailed XML_ERROR differently from a bare one */
    if (detail && *detail && code == VIR_ERR_XML_ERROR)
        what = "XML error";
    /* ... and prints a detailed XML_DETAIL as the detail alone */
    if (detail && *detail && code == VIR_ERR_XML_DETAIL)
        err->message = g_strdup(detail);
    /* ... and so is its flag check's INVALID_ARG */
    else if (detail && code == VIR_ERR_INVALID_ARG &&
             g_str_has_prefix(detail, "unsupported flags ("))
        err->message = g_strdup(detail);
    else if (detail && *detail && g_str_has_suffix(what, " in"))
        err->message = g_strdup_printf("%s %s", what, detail);
    else if (detail && *detail)
        err->message = g_strdup_printf("%s: %s", what, detail);
    else
        err->message = g_strdup(what);
    err->str1 = g_strdup(what);
    err->str2 = detail;
}

void
vkReportErrorFull(int domain, int code, const char *file, const char *func,
                  int line, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    setError(domain, code, g_strdup_vprintf(fmt, ap));
    va_end(ap);
    g_debug("%s:%d %s: error %d: %s", file, line, func, code,
            threadError()->message);
    errno = saved;
}

void
vkReportSystemErrorFull(int domain, int errnum, const char *file,
                        const char *func, int line, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    int saved = errno;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    setError(domain, VIR_ERR_SYSTEM_ERROR,
             g_strdup_printf("%s: %s", msg, g_strerror(errnum)));
    /* System errors read "<detail>: <strerror>" without the generic
     * prefix, as libvirt's do: that is what scripts match on. */
    g_free(threadError()->message);
    threadError()->message = g_strdup(threadError()->str2);
    threadError()->int1 = errnum;
    g_debug("%s:%d %s: %s", file, line, func, threadError()->message);
    errno = saved;
}

void
vkErrorReset(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    if (err && err->code != VIR_ERR_OK)
        virResetError(err);
}

bool
vkErrorIsSet(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    return err && err->code != VIR_ERR_OK;
}

virErrorPtr
vkErrorGetLast(void)
{
    return vkErrorIsSet() ? threadError() : NULL;
}

virErrorPtr
vkErrorSave(void)
{
    virErrorPtr copy;
    if (!vkErrorIsSet())
        return NULL;
    copy = g_new0(virError, 1);
    copyError(copy, threadError());
    return copy;
}

void
vkErrorRestore(virErrorPtr *saved)
{
    virErrorPtr err;
    if (!*saved)
        return;
    err = threadError();
    virResetError(err);
    *err = **saved;
    g_free(*saved);
    *saved = NULL;
}

void
vkDispatchError(virConnectPtr conn)
{
    virErrorPtr err = threadError();
    virErrorFunc handler;
    void *userData;

    /* libvirt's generic failure: its sentence is the whole message, with
     * no "internal error: " before it (virsh shows it so) */
    if (err->code == VIR_ERR_OK) {
        setError(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, NULL);
        g_free(err->message);
        err->message = g_strdup("An error occurred, but the cause is unknown");
        g_clear_pointer(&err->str1, g_free);
    }

    g_mutex_lock(&handlerLock);
    handler = globalHandler;
    userData = globalUserData;
    g_mutex_unlock(&handlerLock);

    if (conn) {
        g_mutex_lock(&conn->lock);
        virResetError(&conn->err);
        copyError(&conn->err, err);
        if (conn->handler) {
            handler = conn->handler;
            userData = conn->userData;
        }
        g_mutex_unlock(&conn->lock);
    }

    if (handler)
        handler(userData, err);
    else
        virDefaultErrorFunc(err);
}

/* ---- public API ---- */

virErrorPtr
virGetLastError(void)
{
    return vkErrorGetLast();
}

int
virGetLastErrorCode(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    return err ? err->code : VIR_ERR_OK;
}

int
virGetLastErrorDomain(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    return err ? err->domain : VIR_FROM_NONE;
}

const char *
virGetLastErrorMessage(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    if (!err || err->code == VIR_ERR_OK)
        return "no error";
    return err->message ? err->message : "unknown error";
}

void
virResetLastError(void)
{
    vkErrorReset();
}

int
virCopyLastError(virErrorPtr to)
{
    virErrorPtr err = g_private_get(&lastErrorKey);
    if (!to)
        return -1;
    if (!err || err->code == VIR_ERR_OK) {
        memset(to, 0, sizeof(*to));
        return 0;
    }
    copyError(to, err);
    return err->code;
}

virErrorPtr
virSaveLastError(void)
{
    virErrorPtr copy = g_new0(virError, 1);
    virErrorPtr err = g_private_get(&lastErrorKey);
    if (err && err->code != VIR_ERR_OK)
        copyError(copy, err);
    return copy;
}

void
virResetError(virErrorPtr err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    memset(err, 0, sizeof(*err));
}

void
virFreeError(virErrorPtr err)
{
    virResetError(err);
    g_free(err);
}

void
virSetErrorFunc(void *userData, virErrorFunc handler)
{
    g_mutex_lock(&handlerLock);
    globalHandler = handler;
    globalUserData = userData;
    g_mutex_unlock(&handlerLock);
}

void
virDefaultErrorFunc(virErrorPtr err)
{
    const char *dom;
    const char *lvl;

    if (!err || err->code == VIR_ERR_OK)
        return;
    dom = vkErrorDomainText(err->domain);
    lvl = err->level == VIR_ERR_WARNING ? "warning" : "error";
    if (*dom)
        fprintf(stderr, "libvirt: %s %s : %s\n", dom, lvl, err->message);
    else
        fprintf(stderr, "libvirt: %s : %s\n", lvl, err->message);
}

virErrorPtr
virConnGetLastError(virConnectPtr conn)
{
    if (!conn)
        return NULL;
    return conn->err.code == VIR_ERR_OK ? NULL : &conn->err;
}

int
virConnCopyLastError(virConnectPtr conn, virErrorPtr to)
{
    int code;
    if (!conn || !to)
        return -1;
    g_mutex_lock(&conn->lock);
    code = conn->err.code;
    if (code == VIR_ERR_OK)
        memset(to, 0, sizeof(*to));
    else
        copyError(to, &conn->err);
    g_mutex_unlock(&conn->lock);
    return code;
}

void
virConnResetLastError(virConnectPtr conn)
{
    if (!conn)
        return;
    g_mutex_lock(&conn->lock);
    virResetError(&conn->err);
    g_mutex_unlock(&conn->lock);
}

void
virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc handler)
{
    if (!conn)
        return;
    g_mutex_lock(&conn->lock);
    conn->handler = handler;
    conn->userData = userData;
    g_mutex_unlock(&conn->lock);
}
