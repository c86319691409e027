/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running one CALL: the checks every procedure shares, then the generated
 * dispatch table does the rest.  Also where the daemon decides whether a
 * call may run on the I/O thread (vkDaemonCallInline): a cheap procedure on
 * a driver that never blocks skips the hop to a worker thread and back,
 * which on a small machine is most of a round trip.
 *
 * The order of the checks is the contract the tests rely on: procedure
 * known -> authenticated -> allowed on this socket (read-only sockets
 * refuse mutating procedures before their arguments are even decoded) ->
 * connection open -> arguments decode -> the procedure runs.  Whatever
 * fails, the client gets a REPLY with a complete remote_error and the
 * connection keeps being served.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "core/driver.h"
#include "daemon/daemon.h"
#include "daemon/stream.h"
#include "daemon/admin.h"
#include "remote_protocol.h"
#include "daemon/dispatch/dispatch.h"

#define VK_FEATURE_PROGRAM_KEEPALIVE 10

static void
replyWithError(vkDaemonClient *client, const vkRpcHeader *call, const virError *err)
{
    vkRpcMessage *msg = vkRpcMessageNew();

    if (vkRpcMessageEncodeError(msg, call, err) < 0) {
        vkRpcMessageFree(msg);
        vkDaemonClientClose(client, "cannot encode an error reply");
        return;
    }
    vkDaemonClientSend(client, msg);
}

void
vkDaemonReplyError(vkDaemonClient *client, const vkRpcHeader *call,
                   int code, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vkErrorReset();
    vkReportError(code, "%s", detail);
    VK_DLOG("client %s: procedure %d serial %u refused: %s",
            vkDaemonClientName(client), call->proc, call->serial, detail);
    replyWithError(client, call, vkErrorGetLast());
    vkErrorReset();
}

/* Test hook: VIRTKITD_TEST_SLOW_PROC="PROC:MS" makes one procedure sleep
 * before it runs, so tests can fill a client's request slots on purpose
 * (the test driver never blocks).  Unset in normal use.  A slowed
 * procedure always goes to the worker pool. */
static int slowProc = -1;
static int slowMs;

static void
testDelayInit(void)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        const char *env = g_getenv("VIRTKITD_TEST_SLOW_PROC");
        if (env && sscanf(env, "%d:%d", &slowProc, &slowMs) != 2)
            slowProc = -1;
        g_once_init_leave(&once, 1);
    }
}

static void
testDelay(int procnum)
{
    testDelayInit();
    if (procnum == slowProc)
        g_usleep((gulong)slowMs * 1000);
}

bool
vkDaemonCallInline(vkDaemonClient *client, const vkRpcHeader *hdr)
{
    const vkServerClient *pub = vkDaemonClientPublic(client);
    const vkServerProc *proc = vkDispatchProcLookup(hdr->prog, hdr->proc);

    if (!proc || !proc->inlineSafe)
        return false;
    testDelayInit();
    if (hdr->proc == slowProc)
        return false;
    if (!proc->needsConnection)
        return true;
    /* Without a connection the call is refused at once: cheap too. */
    if (!pub->conn)
        return true;
    /* Only drivers whose every call returns without waiting on anything
     * outside the process (all state in memory behind short locks) say
     * so.  The QEMU driver does not: its calls may wait for a domain job
     * or a monitor reply, and the I/O thread must never wait.  A
     * secondary driver (storage, network) on such a connection is never
     * inline, since the connection driver itself is not. */
    return pub->conn->connectDriver &&
           (pub->conn->connectDriver->features & VK_CONNECT_FEATURE_NONBLOCKING);
}

/* The CALL this thread is dispatching: procedures that open a stream tie
 * it to the call's procedure and serial (stream.c). */
static __thread const vkRpcHeader *currentCall;

const vkRpcHeader *
vkDaemonCallCurrent(void)
{
    return currentCall;
}

/* The descriptors the dispatched call sends back with its reply (a
 * graphics socket, or a container's namespaces: a handful at most). */
#define MAX_REPLY_FDS 16
static __thread int currentReplyFds[MAX_REPLY_FDS];
static __thread size_t currentNReplyFds;

int
vkDaemonCallReplyFd(vkServerClient *client, int fd)
{
    (void)client;
    if (!currentCall || currentNReplyFds >= MAX_REPLY_FDS) {
        close(fd);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "a reply descriptor outside a call, or too many");
        return -1;
    }
    currentReplyFds[currentNReplyFds++] = fd;
    return 0;
}

/* The message of the call this thread dispatches, for its descriptors. */
static __thread vkRpcMessage *currentMsg;

size_t
vkDaemonCallTakeFds(vkServerClient *client, int **fds)
{
    size_t n = currentMsg ? currentMsg->nfds : 0;

    (void)client;
    *fds = NULL;
    if (n) {
        *fds = g_steal_pointer(&currentMsg->fds);
        currentMsg->nfds = currentMsg->wantfds = 0;
    }
    return n;
}

void
vkDaemonCallRun(vkDaemonClient *client, vkRpcMessage *msg)
{
    vkServerClient *pub = vkDaemonClientPublic(client);
    const vkRpcHeader *hdr = &msg->header;
    const vkServerProc *proc = vkDispatchProcLookup(hdr->prog, hdr->proc);
    g_autofree void *args = NULL;
    g_autofree void *ret = NULL;
    vkRpcHeader rh = *hdr;
    vkRpcMessage *reply;
    int replyFds[MAX_REPLY_FDS];
    size_t nReplyFds;
    int rv;

    if (vkDaemonAdminCallRun(client, msg))
        return;
    if (!proc) {
        vkDaemonReplyError(client, hdr, VIR_ERR_RPC, "unknown procedure: %d", hdr->proc);
        return;
    }
    VK_DLOG("client %s: call %s serial %u", vkDaemonClientName(client), proc->name,
            hdr->serial);
    if (!pub->authenticated && !proc->noAuth) {
        vkDaemonReplyError(client, hdr, VIR_ERR_RPC, "%s", "authentication required");
        return;
    }
    if (pub->readonly && proc->mutating) {
        if (proc->api)
            vkDaemonReplyError(client, hdr, VIR_ERR_OPERATION_DENIED,
                               "read only access prevents %s", proc->api);
        else
            vkDaemonReplyError(client, hdr, VIR_ERR_OPERATION_DENIED,
                               "procedure %s is not allowed on a read-only connection",
                               proc->name);
        return;
    }
    if (proc->needsConnection && !pub->conn) {
        vkDaemonReplyError(client, hdr, VIR_ERR_INTERNAL_ERROR, "%s", "connection not open");
        return;
    }

    args = g_malloc0(proc->argsSize ? proc->argsSize : 1);
    ret = g_malloc0(proc->retSize ? proc->retSize : 1);
    vkErrorReset();
    if (vkRpcMessageDecodeBody(msg, proc->argsFilter, args) < 0) {
        VK_LOG("client %s: arguments of %s (serial %u) do not decode",
               vkDaemonClientName(client), proc->name, hdr->serial);
        replyWithError(client, hdr, vkErrorGetLast());
        vkErrorReset();
        return;
    }

    testDelay(hdr->proc);
    currentCall = hdr;
    currentMsg = msg;
    currentNReplyFds = 0;
    rv = proc->func(pub, args, ret);
    currentCall = NULL;
    currentMsg = NULL;
    /* The descriptors the procedure did not take are closed before its
     * answer goes: a client that sees the reply sees them gone. */
    for (size_t i = 0; i < msg->nfds; i++)
        close(msg->fds[i]);
    g_clear_pointer(&msg->fds, g_free);
    msg->nfds = msg->wantfds = 0;
    nReplyFds = currentNReplyFds;
    memcpy(replyFds, currentReplyFds, nReplyFds * sizeof(int));
    currentNReplyFds = 0;
    /* The server answers keepalive PINGs always, but only sends its own to
     * clients that said they understand them (libvirt does the same).  Both
     * structs of SUPPORTS_FEATURE are a single int. */
    if (rv == 0 && hdr->prog == VK_REMOTE_PROGRAM &&
        hdr->proc == REMOTE_PROC_CONNECT_SUPPORTS_FEATURE &&
        *(int *)args == VK_FEATURE_PROGRAM_KEEPALIVE && *(int *)ret)
        vkDaemonClientEnableKeepalive(client);
    if (proc->argsFilter)
        xdr_free(proc->argsFilter, args);
    if (rv < 0) {
        for (size_t i = 0; i < nReplyFds; i++)
            close(replyFds[i]);
        replyWithError(client, hdr, vkErrorGetLast());
        vkErrorReset();
        return;
    }

    rh.type = VK_RPC_REPLY;
    rh.status = VK_RPC_OK;
    reply = vkRpcMessageNew();
    if (nReplyFds > 0) {
        /* the message owns a copy of the descriptor list; ours goes */
        rv = vkRpcMessageEncodeWithFds(reply, &rh, proc->retFilter, ret, replyFds, nReplyFds);
    } else {
        rv = vkRpcMessageEncode(reply, &rh, proc->retFilter, ret);
    }
    if (proc->retFilter)
        xdr_free(proc->retFilter, ret);
    if (rv < 0) {
        vkRpcMessageFree(reply);
        replyWithError(client, hdr, vkErrorGetLast());
        vkErrorReset();
        return;
    }
    vkDaemonClientSend(client, reply);
    vkDaemonStreamCallReplied(client, hdr);
}
