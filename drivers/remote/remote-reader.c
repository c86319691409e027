/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection's reader thread: the only code that reads the socket.
 * It takes whole packets (and the descriptors that follow a
 * REPLY_WITH_FDS), hands each REPLY to the call slot waiting on its
 * serial, events and stream data to their dispatchers, and answers
 * keepalive PINGs; when nothing arrives for an interval it pings, and
 * gives the connection up after the configured count of silences.
 * Whatever stops it ends the connection, once, through vkRemoteClientFail.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "drivers/remote/remote-client-private.h"
#include "remote_protocol.h"
#include "keepalive_protocol.h"
#include "qemu_protocol.h"

/* ---- the reader thread ---- */

/* Why reading stopped: the peer went away (end of file, or a reset when
 * it died with our bytes unread -- both are libvirt's "EOF"), or
 * something else went wrong. */
typedef struct {
    const char *cause;
    int reason;
} vkReadFailure;

static int
readAll(vkRemoteClient *client, char *buf, size_t len, vkReadFailure *f)
{
    while (len > 0) {
        ssize_t n = vkRemoteTransportRead(client->transport, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE))) {
            f->cause = n == 0 ? "end of file from server"
                              : "connection reset by server";
            f->reason = VIR_CONNECT_CLOSE_REASON_EOF;
            return -1;
        }
        if (n < 0) {
            f->cause = "error reading from server";
            f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The descriptors of a *_WITH_FDS packet: their count opens the body, and
 * each follows the packet as one byte with SCM_RIGHTS.  More than
 * libvirt's limit is a broken or hostile peer. */
static int
readFds(vkRemoteClient *client, vkRpcMessage *msg, vkReadFailure *f)
{
    guint32 count;

    if (msg->length - msg->bodyOffset < 4) {
        f->cause = "the server sent a descriptor count beyond its packet";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return -1;
    }
    memcpy(&count, msg->buffer + msg->bodyOffset, 4);
    count = GUINT32_FROM_BE(count);
    msg->bodyOffset += 4;
    if (count > VK_RPC_MAX_CALL_FDS) {
        f->cause = "the server announced too many descriptors";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return -1;
    }
    msg->fds = g_new0(int, count ? count : 1);
    for (msg->nfds = 0; msg->nfds < count; msg->nfds++) {
        int fd = vkRemoteTransportRecvFd(client->transport);

        if (fd < 0) {
            f->cause = "the server's descriptor did not arrive";
            f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            return -1;
        }
        msg->fds[msg->nfds] = fd;
    }
    return 0;
}

static vkRpcMessage *
readMessage(vkRemoteClient *client, vkReadFailure *f)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();

    vkRpcMessageBeginRead(msg);
    if (readAll(client, msg->buffer, VK_RPC_LEN_WORD, f) < 0)
        return NULL;
    msg->offset = VK_RPC_LEN_WORD;
    if (vkRpcMessageDecodeLength(msg) < 0) {
        vkErrorReset();
        f->cause = "the server sent a packet with an invalid length";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return NULL;
    }
    if (readAll(client, msg->buffer + msg->offset, msg->length - msg->offset, f) < 0)
        return NULL;
    msg->offset = msg->length;
    if (vkRpcMessageDecodeHeader(msg) < 0) {
        vkErrorReset();
        f->cause = "the server sent a malformed packet header";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return NULL;
    }
    if (msg->header.type == VK_RPC_REPLY_WITH_FDS && readFds(client, msg, f) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

static void
handleReply(vkRemoteClient *client, vkRpcMessage *msg)
{
    vkRemotePending *p;
    bool wake = false;

    g_mutex_lock(&client->lock);
    p = g_hash_table_lookup(client->pending,
                            GUINT_TO_POINTER(msg->header.serial));
    if (p && !p->done) {
        p->reply = msg;
        p->done = true;
        msg = NULL;
        wake = true;
    }
    g_mutex_unlock(&client->lock);
    /* Woken under the lock, the caller would first block on the lock this
     * thread still holds: two more futex calls and a context switch per
     * call (strace).  The condition is the client's, alive while this
     * thread runs, so waking after the unlock is safe; a waiter that saw
     * done first just returns. */
    if (wake)
        g_cond_broadcast(&client->cond);
    /* an error REPLY may answer a stream's finish; else a reply nobody
     * waits for (a caller given up on) is dropped */
    if (msg)
        vkRemoteStreamDispatch(client, msg);
}

/* Milliseconds until the next keepalive action, or -1 for none. */
static int
keepAliveTimeout(vkRemoteClient *client)
{
    gint64 due;
    gint64 now = g_get_monotonic_time();
    int ms = -1;

    g_mutex_lock(&client->lock);
    if (client->kaSupported && client->kaInterval > 0) {
        due = client->kaLast + (gint64)client->kaInterval * G_USEC_PER_SEC;
        ms = due <= now ? 0 : (int)((due - now + 999) / 1000);
    }
    g_mutex_unlock(&client->lock);
    return ms;
}

/* Nothing arrived for an interval: ping, or give up after count pings. */
static bool
keepAliveTick(vkRemoteClient *client)
{
    bool dead = false;
    unsigned int sent;

    g_mutex_lock(&client->lock);
    if (!client->kaSupported || client->kaInterval <= 0) {
        g_mutex_unlock(&client->lock);
        return true;
    }
    if (client->kaUnanswered >= client->kaCount)
        dead = true;
    else
        client->kaUnanswered++;
    sent = client->kaUnanswered;
    client->kaLast = g_get_monotonic_time();
    g_mutex_unlock(&client->lock);

    if (dead) {
        g_autofree char *cause =
            g_strdup_printf("no keepalive response from server after %u pings",
                            sent);
        vkRemoteClientFail(client, VIR_CONNECT_CLOSE_REASON_KEEPALIVE, cause);
        return false;
    }
    vkRemoteClientSendKeepAlive(client, KEEPALIVE_PROC_PING);
    return true;
}

gpointer
vkRemoteClientReaderMain(gpointer opaque)
{
    vkRemoteClient *client = opaque;
    vkReadFailure f = { "end of file from server", VIR_CONNECT_CLOSE_REASON_EOF };

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = client->transport->fd, .events = POLLIN },
            { .fd = client->wake[0], .events = POLLIN },
        };
        g_autoptr(vkRpcMessage) msg = NULL;
        int rc = 1;

        if (!vkRemoteTransportPending(client->transport))
            rc = poll(fds, 2, keepAliveTimeout(client));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            f.cause = "poll on the server socket failed";
            f.reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            break;
        }
        if (fds[1].revents) {
            char buf[64];

            if (read(client->wake[0], buf, sizeof(buf)) < 0 && errno != EAGAIN)
                break;
            g_mutex_lock(&client->lock);
            rc = client->quit;
            g_mutex_unlock(&client->lock);
            if (rc)
                break;
            continue;
        }
        if (rc == 0) {
            if (!keepAliveTick(client))
                break;
            continue;
        }

        if (!(msg = readMessage(client, &f)))
            break;

        g_mutex_lock(&client->lock);
        client->kaUnanswered = 0;
        client->kaLast = g_get_monotonic_time();
        g_mutex_unlock(&client->lock);

        if (msg->header.prog == VK_KEEPALIVE_PROGRAM) {
            if (msg->header.proc == KEEPALIVE_PROC_PING)
                vkRemoteClientSendKeepAlive(client, KEEPALIVE_PROC_PONG);
            continue;
        }
        if (msg->header.prog != VK_REMOTE_PROGRAM) {
            /* The side programs' (QEMU, LXC) replies match a call by its
             * serial like the remote program's; QEMU's monitor events are
             * the only events among them. */
            if (msg->header.type == VK_RPC_REPLY ||
                msg->header.type == VK_RPC_REPLY_WITH_FDS)
                handleReply(client, g_steal_pointer(&msg));
            else if (msg->header.type == VK_RPC_MESSAGE &&
                     msg->header.prog == QEMU_PROGRAM)
                vkRemoteQemuEventDispatch(client, msg);
            continue;
        }
        if (msg->header.type == VK_RPC_REPLY || msg->header.type == VK_RPC_REPLY_WITH_FDS)
            handleReply(client, g_steal_pointer(&msg));
        else if (msg->header.type == VK_RPC_MESSAGE)
            vkRemoteEventDispatch(client, msg);
        else if (msg->header.type == VK_RPC_STREAM)
            vkRemoteStreamDispatch(client, g_steal_pointer(&msg));
    }

    vkRemoteClientFail(client, f.reason, f.cause);
    vkRemoteStreamsClientClosed(client, f.cause);
    vkRemoteClientUnref(client);
    return NULL;
}
