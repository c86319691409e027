/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a connection writes: calls and their replies' hand-over, stream
 * packets, keepalive answers.  Any thread may call; one packet is on the
 * wire at a time (the write lock), and a caller then sleeps on its own
 * slot until the reader thread (remote-reader.c) hands it the REPLY with
 * its serial, or fails it when the connection ends.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "drivers/remote/remote-client-private.h"
#include "remote_protocol.h"
#include "keepalive_protocol.h"

/* ---- writing ---- */

static int
writeLocked(vkRemoteClient *client, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = vkRemoteTransportWrite(client->transport, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int
vkRemoteClientWriteAll(vkRemoteClient *client, const char *buf, size_t len)
{
    int ret;

    g_mutex_lock(&client->writeLock);
    ret = writeLocked(client, buf, len);
    g_mutex_unlock(&client->writeLock);
    return ret;
}

int
vkRemoteClientSendKeepAlive(vkRemoteClient *client, int proc)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    vkRpcHeader hdr = {
        .prog = VK_KEEPALIVE_PROGRAM, .vers = VK_KEEPALIVE_VERSION,
        .proc = proc, .type = VK_RPC_MESSAGE, .serial = 0, .status = VK_RPC_OK,
    };

    if (vkRpcMessageEncode(msg, &hdr, NULL, NULL) < 0)
        return -1;
    return vkRemoteClientWriteAll(client, msg->buffer, msg->length);
}

int
vkRemoteClientSendPacket(vkRemoteClient *client, vkRpcMessage *msg)
{
    if (!vkRemoteClientIsAlive(client)) {
        vkRemoteClientReportClosed(client);
        return -1;
    }
    if (vkRemoteClientWriteAll(client, msg->buffer, msg->length) < 0) {
        vkRemoteTransportShutdown(client->transport);
        vkReportError(VIR_ERR_RPC, "%s", "cannot send to the server");
        return -1;
    }
    return 0;
}

unsigned int
vkRemoteClientNextSerial(vkRemoteClient *client)
{
    unsigned int serial;

    g_mutex_lock(&client->lock);
    serial = client->nextSerial++;
    g_mutex_unlock(&client->lock);
    return serial;
}

static int callFull(vkRemoteClient *client, unsigned int prog, int proc, unsigned int serial,
                    const int *outfds, size_t noutfds,
                    xdrproc_t argsFilter, void *args, xdrproc_t retFilter, void *ret,
                    int **fds, size_t *nfds);

int
vkRemoteClientCall(vkRemoteClient *client, int proc, xdrproc_t argsFilter,
                   void *args, xdrproc_t retFilter, void *ret)
{
    return vkRemoteClientCallSerial(client, proc, vkRemoteClientNextSerial(client),
                                    argsFilter, args, retFilter, ret);
}

int
vkRemoteClientCallSerial(vkRemoteClient *client, int proc, unsigned int serial,
                         xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                         void *ret)
{
    return callFull(client, VK_REMOTE_PROGRAM, proc, serial, NULL, 0, argsFilter, args,
                    retFilter, ret, NULL, NULL);
}

int
vkRemoteClientCallWithFds(vkRemoteClient *client, int proc, xdrproc_t argsFilter,
                          void *args, xdrproc_t retFilter, void *ret, int **fds,
                          size_t *nfds)
{
    return callFull(client, VK_REMOTE_PROGRAM, proc, vkRemoteClientNextSerial(client),
                    NULL, 0, argsFilter, args, retFilter, ret, fds, nfds);
}

int
vkRemoteClientCallProgram(vkRemoteClient *client, unsigned int prog, int proc,
                          xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                          void *ret, int **fds, size_t *nfds)
{
    return callFull(client, prog, proc, vkRemoteClientNextSerial(client), NULL, 0,
                    argsFilter, args, retFilter, ret, fds, nfds);
}

int
vkRemoteClientCallFull(vkRemoteClient *client, unsigned int prog, int proc,
                       const int *outfds, size_t noutfds,
                       xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                       void *ret, int **infds, size_t *ninfds)
{
    return callFull(client, prog, proc, vkRemoteClientNextSerial(client), outfds, noutfds,
                    argsFilter, args, retFilter, ret, infds, ninfds);
}

bool
vkRemoteClientCheckFdPassing(vkRemoteClient *client)
{
    if (client->transport->fdPassing)
        return true;
    /* libvirt's answer where its API finds fd passing unsupported */
    vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_ARGUMENT_UNSUPPORTED, __FILE__, __func__,
                      __LINE__, "%s", "fd passing is not supported by this connection");
    return false;
}

/* The packet, then its descriptors, under one hold of the write lock so
 * no other packet slips between them.  The descriptors stay the caller's:
 * sendmsg gives the server its own references, so there is nothing to
 * close here on any path. */
static int
writeCall(vkRemoteClient *client, vkRpcMessage *msg, const int *fds, size_t nfds)
{
    int rc = -1;

    g_mutex_lock(&client->writeLock);
    if (writeLocked(client, msg->buffer, msg->length) == 0 &&
        vkRemoteTransportSendFds(client->transport, fds, nfds) == 0)
        rc = 0;
    g_mutex_unlock(&client->writeLock);
    return rc;
}

static int
callFull(vkRemoteClient *client, unsigned int prog, int proc, unsigned int serial,
         const int *outfds, size_t noutfds,
         xdrproc_t argsFilter, void *args, xdrproc_t retFilter, void *ret,
         int **fds, size_t *nfds)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    g_autoptr(vkRpcMessage) reply = NULL;
    vkRemotePending slot = { 0 };
    vkRpcHeader hdr = {
        .prog = prog, .vers = 1, .proc = proc,
        .type = VK_RPC_CALL, .status = VK_RPC_OK,
    };

    hdr.serial = slot.serial = serial;

    /* Refused before a byte goes: half a CALL_WITH_FDS would leave the
     * server waiting for descriptors that cannot come. */
    if (noutfds > 0 && !vkRemoteClientCheckFdPassing(client))
        return -1;
    if (noutfds > 0 ? vkRpcMessageEncodeFdCount(msg, &hdr, argsFilter, args, noutfds) < 0
                    : vkRpcMessageEncode(msg, &hdr, argsFilter, args) < 0)
        return -1;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        vkRemoteClientReportClosed(client);
        return -1;
    }
    g_hash_table_insert(client->pending, GUINT_TO_POINTER(slot.serial), &slot);
    g_mutex_unlock(&client->lock);

    if (writeCall(client, msg, outfds, noutfds) < 0) {
        /* The reader will see the same failure and end the connection;
         * the slot is failed there, with the cause it finds. */
        vkRemoteTransportShutdown(client->transport);
    }

    g_mutex_lock(&client->lock);
    while (!slot.done)
        g_cond_wait(&client->cond, &client->lock);
    g_hash_table_remove(client->pending, GUINT_TO_POINTER(slot.serial));
    reply = slot.reply;
    g_mutex_unlock(&client->lock);

    if (!reply) {
        vkRemoteClientReportClosed(client);
        return -1;
    }
    /* The server's error, re-raised verbatim: its code, its domain, its
     * message ("Test Driver error", not "RPC error"). */
    if (reply->header.status == VK_RPC_ERROR)
        return vkRpcMessageRaiseError(reply, "unknown error reported by the server");
    if (reply->header.status != VK_RPC_OK) {
        vkReportError(VIR_ERR_RPC, "unexpected status %d in the reply to procedure %d",
                      reply->header.status, proc);
        return -1;
    }
    if (vkRpcMessageDecodeBody(reply, retFilter, ret) < 0)
        return -1;
    if (fds) {
        /* the reply's descriptors become the caller's */
        *nfds = reply->nfds;
        *fds = g_steal_pointer(&reply->fds);
        reply->nfds = 0;
    }
    return 0;
}
