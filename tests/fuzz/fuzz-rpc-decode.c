/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: one RPC packet as virtkitd (or the remote driver) receives
 * it -- length word, header, then the body of the procedure the header
 * names, decoded with the codec the generated server table gives for it.
 *
 * The length word is overwritten with the input's real size, so mutations
 * are not wasted on framing the daemon would reject before decoding.
 * CALLs decode the procedure's arguments, REPLYs its return value or a
 * remote_error; every decoded body is re-encoded, decoded and encoded again,
 * and the two encodings must be identical (XDR is canonical once decoded),
 * then released with xdr_free.  ASan catches over-reads and leaks in the
 * rpcgen codecs; -malloc_limit_mb catches lengths that allocate before
 * they are checked.
 */
#include "fuzz-common.h"

#include "rpc/message.h"
#include "remote-convert.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    virSetErrorFunc(NULL, fuzzQuietError);
    return 0;
}

static void
encodeTwice(const vkRpcHeader *hdr, xdrproc_t filter, size_t size, void *body)
{
    g_autoptr(vkRpcMessage) m1 = vkRpcMessageNew();
    g_autoptr(vkRpcMessage) m2 = vkRpcMessageNew();
    g_autofree void *again = g_malloc0(size);

    /* Too big to re-encode is an honest refusal, not a bug */
    if (vkRpcMessageEncode(m1, hdr, filter, body) < 0)
        return;
    if (vkRpcMessageDecodeHeader(m1) < 0 ||
        vkRpcMessageDecodeBody(m1, filter, again) < 0)
        fuzzFail("a body we encoded does not decode", NULL, virGetLastErrorMessage());
    if (vkRpcMessageEncode(m2, hdr, filter, again) < 0)
        fuzzFail("a body we decoded does not encode", NULL, virGetLastErrorMessage());
    if (m1->length != m2->length || memcmp(m1->buffer, m2->buffer, m1->length) != 0)
        fuzzFail("re-encoding a decoded body changed its bytes", NULL, NULL);
    xdr_free(filter, again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(vkRpcMessage) msg = NULL;
    const vkServerProc *proc;
    g_autofree void *body = NULL;
    xdrproc_t filter;
    size_t bodySize;

    if (size < VK_RPC_MIN_MESSAGE || size > VK_RPC_MAX_MESSAGE)
        return 0;

    msg = vkRpcMessageNew();
    vkRpcMessageBeginRead(msg);
    msg->buffer[0] = (size >> 24) & 0xff;
    msg->buffer[1] = (size >> 16) & 0xff;
    msg->buffer[2] = (size >> 8) & 0xff;
    msg->buffer[3] = size & 0xff;
    msg->offset = VK_RPC_LEN_WORD;
    if (vkRpcMessageDecodeLength(msg) < 0)
        fuzzFail("a packet length within the limits was refused", NULL,
                 virGetLastErrorMessage());
    memcpy(msg->buffer + VK_RPC_LEN_WORD, data + VK_RPC_LEN_WORD,
           size - VK_RPC_LEN_WORD);
    msg->offset = size;
    if (vkRpcMessageDecodeHeader(msg) < 0)
        return 0;

    if (msg->header.prog != VK_REMOTE_PROGRAM ||
        !(proc = vkServerProcLookup(msg->header.proc)))
        return 0;

    if (msg->header.type == VK_RPC_REPLY && msg->header.status == VK_RPC_ERROR) {
        virError err = { 0 };
        if (vkRpcMessageDecodeError(msg, &err) == 0)
            vkRpcErrorClear(&err);
        return 0;
    }
    if (msg->header.type == VK_RPC_CALL) {
        filter = proc->argsFilter;
        bodySize = proc->argsSize;
    } else if (msg->header.type == VK_RPC_REPLY) {
        filter = proc->retFilter;
        bodySize = proc->retSize;
    } else {
        return 0;
    }
    if (!filter || filter == VK_XDR_VOID || bodySize == 0) {
        (void)vkRpcMessageDecodeBody(msg, VK_XDR_VOID, NULL);
        return 0;
    }

    body = g_malloc0(bodySize);
    if (vkRpcMessageDecodeBody(msg, filter, body) < 0)
        return 0;   /* DecodeBody released what it had decoded */
    encodeTwice(&msg->header, filter, bodySize, body);
    xdr_free(filter, body);
    return 0;
}
