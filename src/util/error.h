/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Error reporting inside virtkit.
 *
 * Every failure is recorded as the calling thread's last error (what
 * virGetLastError returns).  A .c file defines VIR_FROM_THIS (a
 * virErrorDomain) before including this header, then reports with
 * vkReportError(code, fmt, ...).  The message becomes "<what the code means>:
 * <detail>", e.g. "Domain not found: no domain with matching name 'x'", the
 * layout libvirt users already grep for.
 */
#ifndef VK_UTIL_ERROR_H
#define VK_UTIL_ERROR_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

void vkReportErrorFull(int domain, int code, const char *file,
                       const char *func, int line, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
void vkReportSystemErrorFull(int domain, int errnum, const char *file,
                             const char *func, int line, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

#define vkReportError(code, ...) \
    vkReportErrorFull(VIR_FROM_THIS, code, __FILE__, __func__, __LINE__, __VA_ARGS__)
/* errno-style failure: the message gets ": <strerror(errnum)>" appended and
 * the code is VIR_ERR_SYSTEM_ERROR. */
#define vkReportSystemError(errnum, ...) \
    vkReportSystemErrorFull(VIR_FROM_THIS, errnum, __FILE__, __func__, __LINE__, __VA_ARGS__)
#define vkReportOOM() \
    vkReportError(VIR_ERR_NO_MEMORY, "%s", "out of memory")

/* Forget the thread's last error (virResetLastError). */
void vkErrorReset(void);
/* True when the thread has an error recorded. */
bool vkErrorIsSet(void);
/* The thread's last error, or NULL; owned by the thread. */
virErrorPtr vkErrorGetLast(void);

/* Keep the first error across cleanup code that may report its own:
 * saved = vkErrorSave(); ...cleanup...; vkErrorRestore(&saved); */
virErrorPtr vkErrorSave(void);
void vkErrorRestore(virErrorPtr *saved);

/* Called by every public entry point on failure: fills in a generic error
 * if the failing layer set none, copies it to the connection (for
 * virConnGetLastError) and runs the error handler. */
void vkDispatchError(virConnectPtr conn);

/* The fixed text for an error code ("Domain not found"); never NULL. */
const char *vkErrorCodeText(int code);
/* The name of an error domain as libvirt prints it ("Test Driver"). */
const char *vkErrorDomainText(int domain);

#endif
