/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RPC packet encoding and decoding (libvirt's framing).
 *
 * The one idea: a packet is a single buffer [length word | header | body]
 * and every step is an XDR memory stream positioned inside it.  Encoding
 * guesses a small buffer first and, if the body does not fit, asks XDR for
 * the exact size (xdr_sizeof) and encodes once more, so large replies cost
 * two passes and small ones one.  Decoding never trusts the peer: the length
 * word is bounded before anything is allocated, and a body must decode and
 * be consumed exactly.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <rpc/xdr.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "rpc/message.h"

#define VK_RPC_FIRST_GUESS 4096
/* A receive buffer up to this size is kept for the next packet. */
#define VK_RPC_KEEP_BUFFER 65536
/* xdr_void has an old-style prototype; this spelling avoids a cast warning. */
#define VK_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)
#define VK_RPC_STRING_MAX (4 * 1024 * 1024)

vkRpcMessage *
vkRpcMessageNew(void)
{
    return g_new0(vkRpcMessage, 1);
}

void
vkRpcMessageFree(vkRpcMessage *msg)
{
    if (!msg)
        return;
    for (size_t i = 0; i < msg->nfds; i++)
        close(msg->fds[i]);
    g_free(msg->fds);
    g_free(msg->buffer);
    g_free(msg);
}

void
vkRpcMessageBeginRead(vkRpcMessage *msg)
{
    /* descriptors of the previous call nobody took */
    for (size_t i = 0; i < msg->nfds; i++)
        close(msg->fds[i]);
    g_clear_pointer(&msg->fds, g_free);
    msg->nfds = msg->donefds = msg->wantfds = 0;
    memset(&msg->header, 0, sizeof(msg->header));
    /* Keep a previously grown buffer only if it is small: a client that
     * once sent 32 MiB should not pin that memory forever. */
    if (msg->capacity > VK_RPC_KEEP_BUFFER) {
        g_free(msg->buffer);
        msg->buffer = NULL;
        msg->capacity = 0;
    }
    if (!msg->buffer) {
        msg->buffer = g_malloc(VK_RPC_INITIAL_BUFFER);
        msg->capacity = VK_RPC_INITIAL_BUFFER;
    }
    msg->length = VK_RPC_LEN_WORD;
    msg->offset = 0;
    msg->bodyOffset = 0;
    msg->tracked = false;
}

int
vkRpcMessageDecodeLength(vkRpcMessage *msg)
{
    XDR xdr;
    unsigned int len = 0;

    xdrmem_create(&xdr, msg->buffer, VK_RPC_LEN_WORD, XDR_DECODE);
    if (!xdr_u_int(&xdr, &len)) {
        xdr_destroy(&xdr);
        vkReportError(VIR_ERR_RPC, "%s", "unable to decode message length");
        return -1;
    }
    xdr_destroy(&xdr);

    if (len < VK_RPC_MIN_MESSAGE) {
        vkReportError(VIR_ERR_RPC, "packet length %u is smaller than the %d-byte minimum",
                      len, VK_RPC_MIN_MESSAGE);
        return -1;
    }
    if (len > VK_RPC_MAX_MESSAGE) {
        vkReportError(VIR_ERR_RPC, "packet length %u exceeds the maximum of %d",
                      len, VK_RPC_MAX_MESSAGE);
        return -1;
    }
    if (len > msg->capacity) {
        msg->buffer = g_realloc(msg->buffer, len);
        msg->capacity = len;
    }
    msg->length = len;
    return 0;
}

static bool_t
xdrHeader(XDR *xdr, vkRpcHeader *hdr)
{
    return xdr_u_int(xdr, &hdr->prog) &&
           xdr_u_int(xdr, &hdr->vers) &&
           xdr_int(xdr, &hdr->proc) &&
           xdr_int(xdr, &hdr->type) &&
           xdr_u_int(xdr, &hdr->serial) &&
           xdr_int(xdr, &hdr->status);
}

int
vkRpcMessageDecodeHeader(vkRpcMessage *msg)
{
    XDR xdr;
    bool_t ok;

    xdrmem_create(&xdr, msg->buffer + VK_RPC_LEN_WORD,
                  msg->length - VK_RPC_LEN_WORD, XDR_DECODE);
    ok = xdrHeader(&xdr, &msg->header);
    xdr_destroy(&xdr);
    if (!ok) {
        vkReportError(VIR_ERR_RPC, "%s", "unable to decode message header");
        return -1;
    }
    msg->bodyOffset = VK_RPC_MIN_MESSAGE;
    return 0;
}

int
vkRpcMessageDecodeBody(vkRpcMessage *msg, xdrproc_t filter, void *body)
{
    XDR xdr;
    size_t avail = msg->length - msg->bodyOffset;
    bool ok;

    if (!filter || filter == VK_XDR_VOID) {
        if (avail != 0) {
            vkReportError(VIR_ERR_RPC, "%zu unexpected bytes after a message without payload",
                          avail);
            return -1;
        }
        return 0;
    }
    xdrmem_create(&xdr, msg->buffer + msg->bodyOffset, avail, XDR_DECODE);
    ok = filter(&xdr, body, 0);
    if (ok && xdr_getpos(&xdr) != avail) {
        /* Trailing bytes mean the peer and we disagree about the layout;
         * acting on a half-understood call is worse than refusing it. */
        ok = false;
    }
    xdr_destroy(&xdr);
    if (!ok) {
        xdr_free(filter, body);
        vkReportError(VIR_ERR_RPC, "Unable to decode message payload (procedure %d)",
                      msg->header.proc);
        return -1;
    }
    return 0;
}

static bool
encodeInto(vkRpcMessage *msg, size_t size, const vkRpcHeader *hdr,
           xdrproc_t filter, void *body)
{
    XDR xdr;
    vkRpcHeader h = *hdr;
    unsigned int len;
    bool ok;

    if (size > msg->capacity) {
        msg->buffer = g_realloc(msg->buffer, size);
        msg->capacity = size;
    }
    xdrmem_create(&xdr, msg->buffer, size, XDR_ENCODE);
    len = 0;
    ok = xdr_u_int(&xdr, &len) && xdrHeader(&xdr, &h);
    if (ok && filter && filter != VK_XDR_VOID)
        ok = filter(&xdr, body, 0);
    if (ok) {
        len = xdr_getpos(&xdr);
        xdr_setpos(&xdr, 0);
        ok = xdr_u_int(&xdr, &len);
    }
    xdr_destroy(&xdr);
    if (!ok)
        return false;
    msg->header = *hdr;
    msg->length = len;
    msg->offset = 0;
    msg->bodyOffset = VK_RPC_MIN_MESSAGE;
    return true;
}

int
vkRpcMessageEncode(vkRpcMessage *msg, const vkRpcHeader *hdr,
                   xdrproc_t filter, void *body)
{
    unsigned long need;

    if (encodeInto(msg, VK_RPC_FIRST_GUESS, hdr, filter, body))
        return 0;
    need = VK_RPC_MIN_MESSAGE + xdr_sizeof(filter, body);
    if (need > VK_RPC_MAX_MESSAGE) {
        vkReportError(VIR_ERR_RPC, "message of %lu bytes for procedure %d exceeds the maximum of %d",
                      need, hdr->proc, VK_RPC_MAX_MESSAGE);
        return -1;
    }
    if (!encodeInto(msg, need, hdr, filter, body)) {
        vkReportError(VIR_ERR_RPC, "unable to encode the payload of procedure %d", hdr->proc);
        return -1;
    }
    return 0;
}

/* The body of a *_WITH_FDS packet: the descriptor count, then the
 * procedure's own body. */
typedef struct {
    unsigned int nfds;
    xdrproc_t filter;
    void *body;
} withFds;

static bool_t
xdrWithFds(XDR *xdr, void *opaque)
{
    withFds *w = opaque;

    if (!xdr_u_int(xdr, &w->nfds))
        return FALSE;
    return !w->filter || w->filter(xdr, w->body);
}

int
vkRpcMessageEncodeFdCount(vkRpcMessage *msg, const vkRpcHeader *hdr,
                          xdrproc_t filter, void *body, size_t nfds)
{
    withFds w = { .nfds = nfds, .filter = filter, .body = body };
    vkRpcHeader h = *hdr;

    if (nfds > VK_RPC_MAX_CALL_FDS) {
        vkReportError(VIR_ERR_RPC, "too many file descriptors to send: %zu, the maximum is %d",
                      nfds, VK_RPC_MAX_CALL_FDS);
        return -1;
    }
    h.type = hdr->type == VK_RPC_CALL ? VK_RPC_CALL_WITH_FDS : VK_RPC_REPLY_WITH_FDS;
    return vkRpcMessageEncode(msg, &h, (xdrproc_t)xdrWithFds, &w);
}

int
vkRpcMessageEncodeWithFds(vkRpcMessage *msg, const vkRpcHeader *hdr,
                          xdrproc_t filter, void *body, int *fds, size_t nfds)
{
    msg->fds = g_memdup2(fds, nfds * sizeof(int));
    msg->nfds = nfds;
    msg->donefds = 0;
    return vkRpcMessageEncodeFdCount(msg, hdr, filter, body, nfds);
}

/* ---- remote_error ---- */

static bool_t
xdrOptString(XDR *xdr, char **s)
{
    bool_t present = *s != NULL;
    char *tmp = NULL;

    if (!xdr_bool(xdr, &present))
        return FALSE;
    if (!present) {
        if (xdr->x_op == XDR_DECODE)
            *s = NULL;
        return TRUE;
    }
    if (xdr->x_op == XDR_ENCODE)
        return xdr_string(xdr, s, VK_RPC_STRING_MAX);
    if (xdr->x_op == XDR_FREE)
        return TRUE;
    if (!xdr_string(xdr, &tmp, VK_RPC_STRING_MAX))
        return FALSE;
    *s = g_strdup(tmp);
    free(tmp);
    return TRUE;
}

/* The optional object markers of remote_error: we always send "absent" and
 * skip whatever a peer sends. */
static bool_t
xdrSkipObject(XDR *xdr, bool domain)
{
    bool_t present = FALSE;
    char *name = NULL;
    char uuid[VIR_UUID_BUFLEN];
    int id;
    bool_t ok;

    if (!xdr_bool(xdr, &present))
        return FALSE;
    if (!present || xdr->x_op != XDR_DECODE)
        return TRUE;
    ok = xdr_string(xdr, &name, VK_RPC_STRING_MAX) &&
         xdr_opaque(xdr, uuid, VIR_UUID_BUFLEN) &&
         (!domain || xdr_int(xdr, &id));
    free(name);
    return ok;
}

bool_t
vkRpcXdrError(XDR *xdr, virError *err)
{
    int level = err->level;

    if (!xdr_int(xdr, &err->code) ||
        !xdr_int(xdr, &err->domain) ||
        !xdrOptString(xdr, &err->message) ||
        !xdr_int(xdr, &level) ||
        !xdrSkipObject(xdr, true) ||
        !xdrOptString(xdr, &err->str1) ||
        !xdrOptString(xdr, &err->str2) ||
        !xdrOptString(xdr, &err->str3) ||
        !xdr_int(xdr, &err->int1) ||
        !xdr_int(xdr, &err->int2) ||
        !xdrSkipObject(xdr, false))
        return FALSE;
    err->level = level;
    return TRUE;
}

int
vkRpcMessageEncodeError(vkRpcMessage *msg, const vkRpcHeader *call,
                        const virError *err)
{
    vkRpcHeader hdr = *call;
    virError e = { 0 };

    if (err && err->code != VIR_ERR_OK) {
        e = *err;
    } else {
        e.code = VIR_ERR_INTERNAL_ERROR;
        e.domain = VIR_FROM_RPC;
        e.message = (char *)"An error occurred, but the cause is unknown";
        e.level = VIR_ERR_ERROR;
    }
    if (!e.level)
        e.level = VIR_ERR_ERROR;
    /* libvirt fills str1 with the code's fixed text; peers may show it. */
    if (!e.str1)
        e.str1 = (char *)vkErrorCodeText(e.code);
    if (e.int1 == 0 && e.int2 == 0)
        e.int1 = e.int2 = -1;
    e.conn = NULL;
    e.dom = NULL;
    e.net = NULL;
    hdr.type = VK_RPC_REPLY;
    hdr.status = VK_RPC_ERROR;
    return vkRpcMessageEncode(msg, &hdr, (xdrproc_t)vkRpcXdrError, &e);
}

int
vkRpcMessageDecodeError(vkRpcMessage *msg, virError *err)
{
    memset(err, 0, sizeof(*err));
    if (vkRpcMessageDecodeBody(msg, (xdrproc_t)vkRpcXdrError, err) < 0) {
        vkRpcErrorClear(err);
        return -1;
    }
    return 0;
}

int
vkRpcMessageRaiseError(vkRpcMessage *reply, const char *fallback)
{
    virError err = { 0 };
    virErrorPtr raised;

    if (vkRpcMessageDecodeError(reply, &err) < 0)
        return -1;
    if (!err.message)
        err.message = g_strdup(fallback);
    raised = g_new0(virError, 1);
    *raised = err;
    vkErrorRestore(&raised);
    return -1;
}

void
vkRpcErrorClear(virError *err)
{
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    memset(err, 0, sizeof(*err));
}
