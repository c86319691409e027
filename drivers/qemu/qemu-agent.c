/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU guest agent client.
 *
 * The one idea: a connection per call.  The agent has no events and no
 * state worth keeping between calls, and QEMU's chardev takes a new client
 * as soon as the last one left, so each call connects, synchronises,
 * sends, reads its answer and closes, all in the caller's thread with
 * poll() bounding every wait.  Nothing of an earlier, abandoned exchange
 * can be mistaken for this one's answer: the agent may still be writing
 * an old reply into the port, which is why every exchange starts with
 * guest-sync-delimited: the agent answers it with a 0xFF byte (which
 * resets any half-parsed input on our side) and the random id we sent;
 * everything before that answer is dropped.  Whether the guest has the
 * port open at all is known from QEMU's VSERPORT_CHANGE events
 * (qemu-agent-ops.c), so a guest without a running agent fails at once
 * rather than after the sync timeout.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/qemu/qemu-agent.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* An answer longer than this is refused (libvirt has the same bound). */
#define AGENT_MAX_LINE (10 * 1024 * 1024)

struct _vkQemuAgent {
    int fd;
    GString *rbuf;
    bool eof;
};

void
vkQemuAgentClose(vkQemuAgent *ag)
{
    if (!ag)
        return;
    if (ag->fd >= 0)
        close(ag->fd);
    g_string_free(ag->rbuf, TRUE);
    g_free(ag);
}

static void
unresponsive(void)
{
    vkReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                  "Guest agent is not responding: Guest agent not available for now");
}

/* The deadline of a wait of timeoutS (monotonic µs), or -1 for none. */
static gint64
deadlineOf(int timeoutS)
{
    if (timeoutS == VK_QEMU_AGENT_BLOCK)
        return -1;
    if (timeoutS == VK_QEMU_AGENT_DEFAULT)
        timeoutS = VK_QEMU_AGENT_WAIT_S;
    return g_get_monotonic_time() + (gint64)timeoutS * G_USEC_PER_SEC;
}

/* Waits for ev on the socket until deadline: 1 ready, 0 timed out,
 * -1 error (reported). */
static int
waitFor(vkQemuAgent *ag, short ev, gint64 deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = ag->fd, .events = ev };
        int ms = -1;
        int n;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            ms = left > 0 ? (int)MIN((left + 999) / 1000, G_MAXINT) : 0;
        }
        n = poll(&pfd, 1, ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vkReportSystemError(errno, "%s", "cannot wait for the guest agent");
            return -1;
        }
        return n > 0;
    }
}

static int
sendLine(vkQemuAgent *ag, const char *text, gint64 deadline)
{
    g_autofree char *line = g_strconcat(text, "\n", NULL);
    size_t len = strlen(line);
    const char *p = line;

    while (len > 0) {
        ssize_t n = send(ag->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int r = waitFor(ag, POLLOUT, deadline);

            if (r < 0)
                return -1;
            if (r == 0) {
                unresponsive();
                return -1;
            }
            continue;
        }
        if (n < 0) {
            vkReportSystemError(errno, "%s", "cannot send a command to the guest agent");
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* The next whole line (g_free), NULL at EOF, timeout (*timedOut) or error,
 * each reported.  sync drops what comes before the agent's 0xFF. */
static char *
readLine(vkQemuAgent *ag, gint64 deadline, bool *timedOut)
{
    *timedOut = false;
    for (;;) {
        char *nl = memchr(ag->rbuf->str, '\n', ag->rbuf->len);
        char buf[65536];
        ssize_t n;
        int r;

        if (nl) {
            size_t len = nl - ag->rbuf->str;
            char *line = g_strndup(ag->rbuf->str, len);

            g_string_erase(ag->rbuf, 0, len + 1);
            return line;
        }
        if (ag->rbuf->len > AGENT_MAX_LINE) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "guest agent answer longer than the 10 MiB limit");
            return NULL;
        }
        if (ag->eof) {
            vkReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                          "Guest agent is not responding: the guest agent channel closed");
            return NULL;
        }
        if ((r = waitFor(ag, POLLIN, deadline)) < 0)
            return NULL;
        if (r == 0) {
            *timedOut = true;
            unresponsive();
            return NULL;
        }
        n = recv(ag->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0) {
            vkReportSystemError(errno, "%s", "cannot read from the guest agent");
            return NULL;
        }
        if (n == 0)
            ag->eof = true;
        g_string_append_len(ag->rbuf, buf, n);
    }
}

/* guest-sync-delimited: everything up to the agent's 0xFF is stale. */
static int
agentSync(vkQemuAgent *ag, int timeoutS)
{
    unsigned long long id = ((unsigned long long)g_random_int() << 20) ^ g_random_int();
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":%llu}}", id);
    gint64 deadline;
    bool timedOut;

    /* a sync never blocks for good: libvirt gives it QEMU_AGENT_WAIT_TIME */
    if (timeoutS == VK_QEMU_AGENT_BLOCK || timeoutS > VK_QEMU_AGENT_WAIT_S)
        timeoutS = VK_QEMU_AGENT_WAIT_S;
    deadline = deadlineOf(timeoutS);
    if (sendLine(ag, cmd, deadline) < 0)
        return -1;
    for (;;) {
        g_autofree char *line = readLine(ag, deadline, &timedOut);
        g_autoptr(vkJSON) msg = NULL;
        const char *start;
        unsigned long long got;

        if (!line)
            return -1;
        if (!(start = strrchr(line, '\xff')))
            continue;
        start++;
        if (!(msg = vkJSONParse(start, strlen(start)))) {
            vkErrorReset();
            continue;
        }
        if (vkJSONGetUInt64(vkJSONObjectGet(msg, "return"), &got) == 0 && got == id)
            return 0;
    }
}

vkQemuAgent *
vkQemuAgentOpen(const char *path, int timeoutS)
{
    g_autoptr(vkQemuAgent) ag = g_new0(vkQemuAgent, 1);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    ag->rbuf = g_string_new(NULL);
    if (strlen(path) >= sizeof(sa.sun_path)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "guest agent socket path '%s' is too long",
                      path);
        return NULL;
    }
    strcpy(sa.sun_path, path);
    if ((ag->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(ag->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        vkReportSystemError(errno, "cannot connect to the guest agent socket '%s'", path);
        return NULL;
    }
    if (agentSync(ag, timeoutS) < 0)
        return NULL;
    return g_steal_pointer(&ag);
}

/* Reads until an answer ("return" or "error"); *answer is the message. */
static int
awaitAnswer(vkQemuAgent *ag, gint64 deadline, bool noReply, vkJSON **answer)
{
    *answer = NULL;
    for (;;) {
        bool timedOut;
        g_autofree char *line = readLine(ag, deadline, &timedOut);
        vkJSON *msg;

        if (!line) {
            if (noReply && (timedOut || ag->eof)) {
                vkErrorReset();
                return 0;
            }
            return -1;
        }
        if (!(msg = vkJSONParse(line, strlen(line)))) {
            vkErrorReset();
            continue;
        }
        if (vkJSONObjectGet(msg, "return") || vkJSONObjectGet(msg, "error")) {
            *answer = msg;
            return 0;
        }
        vkJSONFree(msg);
    }
}

static int
checkError(const char *cmd, vkJSON *answer)
{
    vkJSON *err = vkJSONObjectGet(answer, "error");
    const char *desc;

    if (!err)
        return 0;
    desc = vkJSONObjectGetString(err, "desc");
    vkReportError(VIR_ERR_INTERNAL_ERROR, "unable to execute QEMU agent command '%s': %s",
                  cmd, desc ? desc : "unknown error");
    return -1;
}

int
vkQemuAgentCommand(vkQemuAgent *ag, const char *cmd, vkJSON *args, vkJSON **ret,
                   int timeoutS, bool noReply)
{
    g_autoptr(vkJSON) msg = vkJSONNewObject();
    g_autoptr(vkJSON) answer = NULL;
    g_autofree char *text = NULL;
    /* a reboot through the agent leaves the channel open and silent: a
     * command answered only on failure waits the default time at most */
    gint64 deadline = deadlineOf(noReply && timeoutS == VK_QEMU_AGENT_BLOCK ?
                                 VK_QEMU_AGENT_DEFAULT : timeoutS);

    if (ret)
        *ret = NULL;
    vkJSONObjectAppendString(msg, "execute", cmd);
    if (args)
        vkJSONObjectAppend(msg, "arguments", args);
    text = vkJSONFormat(msg);
    if (sendLine(ag, text, deadline) < 0 ||
        awaitAnswer(ag, deadline, noReply, &answer) < 0)
        return -1;
    if (!answer || checkError(cmd, answer) < 0)
        return answer ? -1 : 0;
    if (ret) {
        g_autofree char *rt = vkJSONFormat(vkJSONObjectGet(answer, "return"));

        *ret = vkJSONParse(rt, strlen(rt));
    }
    return 0;
}

int
vkQemuAgentCommandRaw(vkQemuAgent *ag, const char *json, int timeoutS, char **reply)
{
    g_autoptr(vkJSON) msg = vkJSONParse(json, strlen(json));
    g_autoptr(vkJSON) answer = NULL;
    g_autofree char *text = NULL;
    gint64 deadline = deadlineOf(timeoutS);
    const char *cmd;

    *reply = NULL;
    if (!msg)
        return -1;
    if (vkJSONGetType(msg) != VK_JSON_OBJECT || !(cmd = vkJSONObjectGetString(msg, "execute"))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "a guest agent command is an object with an 'execute' member");
        return -1;
    }
    text = vkJSONFormat(msg);
    if (sendLine(ag, text, deadline) < 0 || awaitAnswer(ag, deadline, false, &answer) < 0 ||
        checkError(cmd, answer) < 0)
        return -1;
    *reply = vkJSONFormat(answer);
    return 0;
}
