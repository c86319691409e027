/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QMP client.
 *
 * Two sides meet on one mutex and one condition.  Reading happens in a
 * GLib main context (the driver's event thread): a fd source reads what is
 * there, cuts complete lines, and routes each JSON message: the greeting
 * flips a flag, a reply fills the pending command's slot, an event goes to
 * the callback, EOF fails everything pending.  Writing happens in the
 * caller's thread: a command waits its turn (one in flight), writes its
 * line, then sleeps on the condition until the reader fills the slot.  So
 * no thread ever polls, and a caller blocked on a reply never blocks event
 * delivery.  No wait is unbounded: QEMU's death ends it (EOF), and so does
 * a deadline, after which the reply, if it ever comes, is recognised by
 * its id and dropped.  The monitor is reference counted because the fd
 * source and callers may outlive each other by one dispatch.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/qemu/monitor.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

struct _vkQemuMonitor {
    gint refs;
    int fd;
    GSource *source;
    vkQemuMonitorCallbacks cb;
    void *opaque;

    GMutex lock;
    GCond cond;
    GString *rbuf;
    bool greeted;
    bool closed;          /* by us: no more callbacks */
    bool eof;             /* by the peer or a protocol error */
    bool writeFailed;     /* a command could not be sent: QEMU is gone */
    char *eofError;
    bool busy;            /* a command is in flight */
    char *pendingId;
    bool replied;
    vkJSON *reply;        /* the whole reply message */
    unsigned long long nextId;
    int commandTimeoutMs; /* how long a reply may take */
    long long evSeconds;  /* the timestamp of the event being delivered */
    unsigned int evMicros;
};

static void
monitorUnref(vkQemuMonitor *mon)
{
    if (!g_atomic_int_dec_and_test(&mon->refs))
        return;
    if (mon->fd >= 0)
        close(mon->fd);
    g_string_free(mon->rbuf, TRUE);
    vkJSONFree(mon->reply);
    g_free(mon->pendingId);
    g_free(mon->eofError);
    g_mutex_clear(&mon->lock);
    g_cond_clear(&mon->cond);
    g_free(mon);
}

vkQemuMonitor *
vkQemuMonitorRef(vkQemuMonitor *mon)
{
    g_atomic_int_inc(&mon->refs);
    return mon;
}

void
vkQemuMonitorUnref(vkQemuMonitor *mon)
{
    if (mon)
        monitorUnref(mon);
}

void
vkQemuMonitorEventTime(vkQemuMonitor *mon, long long *seconds, unsigned int *micros)
{
    *seconds = mon->evSeconds;
    *micros = mon->evMicros;
}

/* Called locked; returns true when the EOF callback should run. */
static bool
markEOF(vkQemuMonitor *mon, const char *error)
{
    if (mon->eof)
        return false;
    mon->eof = true;
    mon->eofError = g_strdup(error);
    g_cond_broadcast(&mon->cond);
    return !mon->closed;
}

static void
handleLine(vkQemuMonitor *mon, const char *line, size_t len)
{
    g_autoptr(vkJSON) msg = NULL;
    const char *event;
    vkJSON *id;

    while (len > 0 && (line[len - 1] == '\r' || g_ascii_isspace(line[len - 1])))
        len--;
    if (len == 0)
        return;
    msg = vkJSONParse(line, len);
    if (!msg) {
        vkErrorReset();    /* a garbled line is dropped, not fatal */
        return;
    }

    if (vkJSONObjectGet(msg, "QMP")) {
        g_mutex_lock(&mon->lock);
        mon->greeted = true;
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        return;
    }
    if ((event = vkJSONObjectGetString(msg, "event"))) {
        bool deliver;

        g_mutex_lock(&mon->lock);
        deliver = !mon->closed;
        g_mutex_unlock(&mon->lock);
        if (deliver && mon->cb.event) {
            vkJSON *ts = vkJSONObjectGet(msg, "timestamp");
            long long us = 0;

            mon->evSeconds = 0;
            vkJSONGetInt64(vkJSONObjectGet(ts, "seconds"), &mon->evSeconds);
            vkJSONGetInt64(vkJSONObjectGet(ts, "microseconds"), &us);
            mon->evMicros = (unsigned int)us;
            mon->cb.event(mon, event, vkJSONObjectGet(msg, "data"), mon->opaque);
        }
        return;
    }
    if (vkJSONObjectGet(msg, "return") || vkJSONObjectGet(msg, "error")) {
        id = vkJSONObjectGet(msg, "id");
        g_mutex_lock(&mon->lock);
        if (mon->busy && !mon->replied &&
            (!id || g_strcmp0(vkJSONGetString(id), mon->pendingId) == 0)) {
            mon->reply = g_steal_pointer(&msg);
            mon->replied = true;
            g_cond_broadcast(&mon->cond);
        }
        g_mutex_unlock(&mon->lock);
    }
}

static gboolean
onReadable(gint fd, GIOCondition cond, gpointer opaque)
{
    vkQemuMonitor *mon = opaque;
    char buf[65536];
    const char *err = NULL;
    bool callEOF = false;
    ssize_t n;

    for (;;) {
        n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return G_SOURCE_CONTINUE;

    if (n > 0) {
        char *nl;
        size_t start = 0;

        g_string_append_len(mon->rbuf, buf, n);
        while ((nl = memchr(mon->rbuf->str + start, '\n', mon->rbuf->len - start))) {
            size_t end = nl - mon->rbuf->str;

            if (end - start > VK_QEMU_MONITOR_MAX_LINE) {
                err = "QMP message longer than the 10 MiB limit";
                break;
            }
            handleLine(mon, mon->rbuf->str + start, end - start);
            start = end + 1;
        }
        g_string_erase(mon->rbuf, 0, start);
        if (!err && mon->rbuf->len > VK_QEMU_MONITOR_MAX_LINE)
            err = "QMP message longer than the 10 MiB limit";
        if (!err)
            return G_SOURCE_CONTINUE;
    } else if (n < 0) {
        err = g_strerror(errno);
    }

    g_mutex_lock(&mon->lock);
    callEOF = markEOF(mon, err);
    g_mutex_unlock(&mon->lock);
    if (callEOF && mon->cb.eof)
        mon->cb.eof(mon, err, mon->opaque);
    return G_SOURCE_REMOVE;
}

vkQemuMonitor *
vkQemuMonitorOpen(int fd, GMainContext *ctx, const vkQemuMonitorCallbacks *cb,
                  void *opaque)
{
    vkQemuMonitor *mon = g_new0(vkQemuMonitor, 1);

    mon->refs = 2;                 /* the caller's and the source's */
    mon->fd = fd;
    mon->cb = *cb;
    mon->opaque = opaque;
    mon->rbuf = g_string_new(NULL);
    mon->commandTimeoutMs = VK_QEMU_MONITOR_REPLY_TIMEOUT_MS;
    g_mutex_init(&mon->lock);
    g_cond_init(&mon->cond);
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);

    mon->source = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->source, G_SOURCE_FUNC(onReadable), mon,
                          (GDestroyNotify)monitorUnref);
    g_source_attach(mon->source, ctx);
    return mon;
}

void
vkQemuMonitorClose(vkQemuMonitor *mon)
{
    if (!mon)
        return;
    g_mutex_lock(&mon->lock);
    mon->closed = true;
    mon->eof = true;
    g_cond_broadcast(&mon->cond);
    g_mutex_unlock(&mon->lock);
    /* Wakes any blocked reader; the fd itself is closed with the last ref. */
    shutdown(mon->fd, SHUT_RDWR);
    g_source_destroy(mon->source);
    g_source_unref(mon->source);
    monitorUnref(mon);
}

/* Writes the whole line; passFd (>= 0) rides along with its first byte
 * as SCM_RIGHTS, which is how QMP's getfd receives a descriptor. */
static int
writeAll(vkQemuMonitor *mon, const char *p, size_t len, int passFd)
{
    while (len > 0) {
        ssize_t n;

        if (passFd >= 0) {
            union {
                struct cmsghdr hdr;
                char buf[CMSG_SPACE(sizeof(int))];
            } ctl = { 0 };
            struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
            struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                                  .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &passFd, sizeof(int));
            n = sendmsg(mon->fd, &msg, MSG_NOSIGNAL);
            if (n > 0)
                passFd = -1;
        } else {
            n = send(mon->fd, p, len, MSG_NOSIGNAL);
        }

        if (n < 0) {
            struct pollfd pfd = { .fd = mon->fd, .events = POLLOUT };

            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -1;
            /* A peer that stopped reading is a hung QEMU: the reply
             * deadline bounds the write too. */
            if (poll(&pfd, 1, mon->commandTimeoutMs) == 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            continue;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int
vkQemuMonitorHandshake(vkQemuMonitor *mon, int timeoutMs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;

    g_mutex_lock(&mon->lock);
    while (!mon->greeted && !mon->eof) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }
    if (!mon->greeted) {
        bool eof = mon->eof;

        g_mutex_unlock(&mon->lock);
        if (eof)
            vkReportError(VIR_ERR_OPERATION_FAILED, "%s",
                          "QEMU closed the monitor before its QMP greeting");
        else
            vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                          "no QMP greeting from QEMU within %d ms", timeoutMs);
        return -1;
    }
    g_mutex_unlock(&mon->lock);
    return vkQemuMonitorCommand(mon, "qmp_capabilities", NULL, NULL);
}

/* One exchange: waits its turn, sends msg (taken) with an id of ours
 * unless it carries one, and waits for the reply that matches; *reply is
 * the whole message.  cmd names the command in errors. */
static int
exchange(vkQemuMonitor *mon, const char *cmd, vkJSON *msgIn, int passFd, vkJSON **reply)
{
    g_autoptr(vkJSON) msg = msgIn;
    g_autofree char *line = NULL;
    g_autofree char *text = NULL;
    const char *ownId = vkJSONObjectGetString(msg, "id");
    int rc = -1;

    *reply = NULL;
    g_mutex_lock(&mon->lock);
    while (mon->busy && !mon->eof)
        g_cond_wait(&mon->cond, &mon->lock);
    if (mon->eof) {
        g_mutex_unlock(&mon->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot run QMP command '%s': the monitor is closed%s%s", cmd,
                      mon->eofError ? ": " : "", mon->eofError ? mon->eofError : "");
        return -1;
    }
    mon->busy = true;
    mon->replied = false;
    g_free(mon->pendingId);
    if (ownId) {
        mon->pendingId = g_strdup(ownId);
    } else {
        mon->pendingId = g_strdup_printf("vk-%llu", ++mon->nextId);
        vkJSONObjectAppendString(msg, "id", mon->pendingId);
    }
    text = vkJSONFormat(msg);
    line = g_strconcat(text, "\r\n", NULL);
    g_mutex_unlock(&mon->lock);

    /* Only the command holder writes, so the write needs no lock. */
    if (writeAll(mon, line, strlen(line), passFd) < 0) {
        int err = errno;

        vkReportSystemError(err, "cannot send QMP command '%s'", cmd);
        g_mutex_lock(&mon->lock);
        if (err == EPIPE || err == ECONNRESET)
            mon->writeFailed = true;
        goto done;
    }

    g_mutex_lock(&mon->lock);
    {
        gint64 deadline = g_get_monotonic_time() + (gint64)mon->commandTimeoutMs * 1000;

        while (!mon->replied && !mon->eof) {
            if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
                break;
        }
    }
    if (!mon->replied && !mon->eof) {
        /* The monitor stays usable: a late reply carries this command's
         * id, which the next command's never matches. */
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "QEMU did not answer QMP command '%s' within %d ms", cmd,
                      mon->commandTimeoutMs);
        goto done;
    }
    if (!mon->replied) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU closed the monitor before answering '%s'", cmd);
        goto done;
    }
    *reply = g_steal_pointer(&mon->reply);
    rc = 0;

 done:
    mon->busy = false;
    mon->replied = false;
    g_cond_broadcast(&mon->cond);
    g_mutex_unlock(&mon->lock);
    return rc;
}

static int
command(vkQemuMonitor *mon, const char *cmd, vkJSON *args, vkJSON **ret, int passFd)
{
    vkJSON *msg = vkJSONNewObject();
    g_autoptr(vkJSON) reply = NULL;
    vkJSON *err;

    if (ret)
        *ret = NULL;
    vkJSONObjectAppendString(msg, "execute", cmd);
    if (args)
        vkJSONObjectAppend(msg, "arguments", args);
    if (exchange(mon, cmd, msg, passFd, &reply) < 0)
        return -1;
    if ((err = vkJSONObjectGet(reply, "error"))) {
        const char *desc = vkJSONObjectGetString(err, "desc");

        vkReportError(VIR_ERR_OPERATION_FAILED, "QMP command '%s' failed: %s", cmd,
                      desc ? desc : "unknown error");
        return -1;
    }
    if (ret) {
        vkJSON *r = vkJSONObjectGet(reply, "return");
        g_autofree char *rt = vkJSONFormat(r);

        /* Hand out an independent copy of the return value. */
        *ret = vkJSONParse(rt, strlen(rt));
    }
    return 0;
}

int
vkQemuMonitorCommandRaw(vkQemuMonitor *mon, const char *json, int passFd, char **reply)
{
    vkJSON *msg = vkJSONParse(json, strlen(json));
    g_autoptr(vkJSON) answer = NULL;
    const char *cmd;

    *reply = NULL;
    if (!msg)
        return -1;
    if (vkJSONGetType(msg) != VK_JSON_OBJECT ||
        (!(cmd = vkJSONObjectGetString(msg, "execute")) &&
         !(cmd = vkJSONObjectGetString(msg, "exec-oob")))) {
        vkJSONFree(msg);
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "a QMP command is an object with an 'execute' member");
        return -1;
    }
    {
        g_autofree char *name = g_strdup(cmd);

        if (exchange(mon, name, msg, passFd, &answer) < 0)
            return -1;
    }
    *reply = vkJSONFormat(answer);
    return 0;
}

int
vkQemuMonitorCommand(vkQemuMonitor *mon, const char *cmd, vkJSON *args, vkJSON **ret)
{
    return command(mon, cmd, args, ret, -1);
}

int
vkQemuMonitorSendFd(vkQemuMonitor *mon, const char *name, int fd)
{
    vkJSON *args = vkJSONNewObject();

    vkJSONObjectAppendString(args, "fdname", name);
    return command(mon, "getfd", args, NULL, fd);
}

bool
vkQemuMonitorIsBroken(vkQemuMonitor *mon)
{
    bool broken;

    g_mutex_lock(&mon->lock);
    broken = mon->eof || mon->writeFailed;
    g_mutex_unlock(&mon->lock);
    return broken;
}

void
vkQemuMonitorSetCommandTimeout(vkQemuMonitor *mon, int timeoutMs)
{
    g_mutex_lock(&mon->lock);
    mon->commandTimeoutMs = timeoutMs > 0 ? timeoutMs : VK_QEMU_MONITOR_REPLY_TIMEOUT_MS;
    g_mutex_unlock(&mon->lock);
}

int
vkQemuMonitorCont(vkQemuMonitor *mon)
{
    return vkQemuMonitorCommand(mon, "cont", NULL, NULL);
}

int
vkQemuMonitorStop(vkQemuMonitor *mon)
{
    return vkQemuMonitorCommand(mon, "stop", NULL, NULL);
}

int
vkQemuMonitorSystemPowerdown(vkQemuMonitor *mon)
{
    return vkQemuMonitorCommand(mon, "system_powerdown", NULL, NULL);
}

int
vkQemuMonitorSystemReset(vkQemuMonitor *mon)
{
    return vkQemuMonitorCommand(mon, "system_reset", NULL, NULL);
}

char *
vkQemuMonitorQueryStatus(vkQemuMonitor *mon, bool *running)
{
    g_autoptr(vkJSON) ret = NULL;
    const char *status;

    if (vkQemuMonitorCommand(mon, "query-status", NULL, &ret) < 0)
        return NULL;
    status = vkJSONObjectGetString(ret, "status");
    if (!status || vkJSONGetBool(vkJSONObjectGet(ret, "running"), running) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "malformed reply to QMP 'query-status'");
        return NULL;
    }
    return g_strdup(status);
}

int
vkQemuMonitorSetMigrationEvents(vkQemuMonitor *mon)
{
    vkJSON *args = vkJSONNewObject();
    vkJSON *caps = vkJSONNewArray();
    vkJSON *cap = vkJSONNewObject();

    vkJSONObjectAppendString(cap, "capability", "events");
    vkJSONObjectAppendBool(cap, "state", true);
    vkJSONArrayAppend(caps, cap);
    vkJSONObjectAppend(args, "capabilities", caps);
    return vkQemuMonitorCommand(mon, "migrate-set-capabilities", args, NULL);
}

bool
vkQemuMigrationDone(const char *status)
{
    return status && (strcmp(status, "completed") == 0 || strcmp(status, "failed") == 0 ||
                      strcmp(status, "cancelled") == 0);
}
