/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xend client: HTTP/1.1 requests carrying S-expressions.
 */
#ifndef VK_XEN_XEND_H
#define VK_XEN_XEND_H

#include "drivers/xen/sxpr.h"

#define VK_XEND_DEFAULT_SOCKET "/var/lib/xend/xend-socket"
#define VK_XEND_DEFAULT_PORT 8000
/* Replies larger than this are refused (a domain list is a few KiB). */
#define VK_XEND_MAX_REPLY (VK_SEXPR_MAX_SIZE + 65536)

typedef struct _vkXend vkXend;

vkXend *vkXendNewUnix(const char *path);
vkXend *vkXendNewTCP(const char *host, int port);
void vkXendFree(vkXend *x);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkXend, vkXendFree)
/* "unix:/var/lib/xend/xend-socket" or "localhost:8000", for messages. */
const char *vkXendAddress(const vkXend *x);

/* One request on a fresh connection.  Returns the HTTP status with the
 * body in *body (NUL-terminated, *len bytes), or -1 with
 * VIR_ERR_NO_CONNECT (cannot connect) / VIR_ERR_HTTP_ERROR (not an HTTP
 * reply, too large, cut short) reported.  quiet: report nothing when
 * the connection cannot be made (used to probe). */
int vkXendRequest(vkXend *x, const char *method, const char *path,
                  const char *form, char **body, size_t *len, bool quiet);

/* GET path and parse the S-expression reply.  0 with *out set; 1 when
 * xend answered 404 (nothing reported); -1 with an error reported: the
 * transport's, VIR_ERR_GET_FAILED with xend's own message for a 500 or a
 * (xend.err ...) body, or the parser's. */
int vkXendGet(vkXend *x, const char *path, vkSexpr **out);

/* POST an urlencoded form to /xend/domain/<dom> ("" for the domain
 * collection).  Arguments after dom are key, value pairs ending in NULL;
 * values are encoded here.  0 on success (reply in *out when out is not
 * NULL and the body is an S-expression), 1 on 404, -1 with
 * VIR_ERR_POST_FAILED naming the op, the domain and xend's message. */
int vkXendPost(vkXend *x, const char *dom, vkSexpr **out, ...)
    G_GNUC_NULL_TERMINATED;

/* xend's message from an error body: the text of (xend.err 'msg'), or the
 * body itself trimmed; never NULL. */
char *vkXendErrorMessage(const char *body);

#endif
