/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * STREAM packets: the header through the common encoder, the payload
 * appended as it is (see stream-msg.h).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "rpc/stream-msg.h"

int
vkRpcStreamEncode(vkRpcMessage *msg, int proc, unsigned int serial,
                  int status, const char *data, size_t len)
{
    vkRpcHeader hdr = {
        .prog = VK_REMOTE_PROGRAM, .vers = VK_REMOTE_VERSION, .proc = proc,
        .type = VK_RPC_STREAM, .serial = serial, .status = status,
    };
    size_t total;
    guint32 be;

    if (len > VK_RPC_STREAM_CHUNK) {
        vkReportError(VIR_ERR_RPC, "stream packet of %zu bytes exceeds %d",
                      len, VK_RPC_STREAM_CHUNK);
        return -1;
    }
    if (vkRpcMessageEncode(msg, &hdr, NULL, NULL) < 0)
        return -1;
    total = msg->length + len;
    if (total > msg->capacity) {
        msg->buffer = g_realloc(msg->buffer, total);
        msg->capacity = total;
    }
    if (len)
        memcpy(msg->buffer + msg->length, data, len);
    msg->length = total;
    be = GUINT32_TO_BE((guint32)total);
    memcpy(msg->buffer, &be, sizeof(be));
    return 0;
}

int
vkRpcStreamEncodeError(vkRpcMessage *msg, int proc, unsigned int serial,
                       const virError *err)
{
    vkRpcHeader hdr = {
        .prog = VK_REMOTE_PROGRAM, .vers = VK_REMOTE_VERSION, .proc = proc,
        .type = VK_RPC_STREAM, .serial = serial, .status = VK_RPC_ERROR,
    };
    virError copy = { 0 };

    if (err)
        copy = *err;
    if (!copy.code) {
        copy.code = VIR_ERR_INTERNAL_ERROR;
        copy.domain = VIR_FROM_STREAMS;
        copy.level = VIR_ERR_ERROR;
    }
    if (!copy.message)
        copy.message = (char *)"stream failed";
    return vkRpcMessageEncode(msg, &hdr, (xdrproc_t)vkRpcXdrError, &copy);
}

const char *
vkRpcStreamPayload(const vkRpcMessage *msg, size_t *len)
{
    *len = msg->length > msg->bodyOffset ? msg->length - msg->bodyOffset : 0;
    return msg->buffer + msg->bodyOffset;
}
