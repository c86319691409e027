/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-console.c: `console` — the guest's serial console on this
 * terminal, as virsh does it: a nonblocking stream from
 * virDomainOpenConsole, the terminal in raw mode, bytes relayed both ways
 * from the default event loop (stdin and the stream are both watched, so
 * nothing polls) until ^] is typed or the stream ends.  Output to the
 * stream that cannot go at once waits in a small buffer; while it is not
 * empty stdin is not read, so a guest that does not read holds the
 * terminal back instead of the shell's memory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vksh.h"

#define CONSOLE_ESCAPE 0x1d     /* ^] */

typedef struct {
    vkshCtl *ctl;
    virStreamPtr st;
    int stdinWatch;
    GByteArray *toGuest;
    bool done;
    bool escaped;
    bool failed;
} consoleSession;

static void consoleUpdate(consoleSession *s);

static void
consoleEnd(consoleSession *s, bool failed)
{
    s->done = true;
    s->failed |= failed;
    if (failed)
        vkshSaveLibError(s->ctl);
}

static void
onStdin(int watch, int fd, int events, void *opaque)
{
    consoleSession *s = opaque;
    char buf[1024];
    ssize_t n;
    char *esc;

    if (s->done)
        return;
    n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        consoleEnd(s, false);       /* stdin closed: like the escape */
        s->escaped = true;
        return;
    }
    if ((esc = memchr(buf, CONSOLE_ESCAPE, n))) {
        n = esc - buf;
        s->escaped = true;
    }
    g_byte_array_append(s->toGuest, (guint8 *)buf, n);
    consoleUpdate(s);
    if (s->escaped)
        s->done = true;
}

static void
onStream(virStreamPtr st, int events, void *opaque)
{
    consoleSession *s = opaque;

    if (s->done)
        return;
    if (events & VIR_STREAM_EVENT_READABLE) {
        char buf[4096];
        int n;

        while ((n = virStreamRecv(st, buf, sizeof(buf))) > 0) {
            if (fwrite(buf, 1, n, stdout) != (size_t)n)
                break;
        }
        fflush(stdout);
        if (n == 0) {
            consoleEnd(s, false);
            return;
        }
        if (n == -1) {
            consoleEnd(s, true);
            return;
        }
    }
    if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
        consoleEnd(s, false);
        return;
    }
    consoleUpdate(s);
}

/* Writes what it can of toGuest and asks for the events that matter now. */
static void
consoleUpdate(consoleSession *s)
{
    int streamEvents = VIR_STREAM_EVENT_READABLE;

    while (s->toGuest->len) {
        int n = virStreamSend(s->st, (char *)s->toGuest->data, s->toGuest->len);

        if (n == -2)
            break;
        if (n < 0) {
            consoleEnd(s, true);
            return;
        }
        g_byte_array_remove_range(s->toGuest, 0, n);
    }
    if (s->toGuest->len)
        streamEvents |= VIR_STREAM_EVENT_WRITABLE;
    virStreamEventUpdateCallback(s->st, streamEvents);
    if (s->stdinWatch >= 0)
        virEventUpdateHandle(s->stdinWatch, s->toGuest->len ? 0 : VIR_EVENT_HANDLE_READABLE);
}

static const vkshOptFlag consoleFlags[] = {
    { "force", VIR_DOMAIN_CONSOLE_FORCE },
    { "safe", VIR_DOMAIN_CONSOLE_SAFE },
};

bool
vkshRunConsole(vkshCtl *ctl, virDomainPtr dom, const char *devname, unsigned int flags)
{
    consoleSession s = { .ctl = ctl, .stdinWatch = -1 };
    struct termios saved;
    bool raw = false;

    if (!(s.st = virStreamNew(ctl->conn, VIR_STREAM_NONBLOCK))) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (virDomainOpenConsole(dom, devname, s.st, flags) < 0) {
        vkshSaveLibError(ctl);
        virStreamFree(s.st);
        return false;
    }
    vkshPrintExtra(ctl, "Connected to domain '%s'\n", virDomainGetName(dom));
    vkshPrintExtra(ctl, "Escape character is ^] (Ctrl + ])\n");
    fflush(stdout);

    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        struct termios t = saved;

        cfmakeraw(&t);
        /* keep output post-processing so "\n" from the guest still
         * returns the cursor, as virsh does */
        t.c_oflag |= OPOST;
        raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
    }
    s.toGuest = g_byte_array_new();
    if (virStreamEventAddCallback(s.st, VIR_STREAM_EVENT_READABLE, onStream, &s, NULL) < 0 ||
        (s.stdinWatch = virEventAddHandle(STDIN_FILENO, VIR_EVENT_HANDLE_READABLE,
                                          onStdin, &s, NULL)) < 0) {
        vkshSaveLibError(ctl);
        s.done = s.failed = true;
    }
    while (!s.done)
        virEventRunDefaultImpl();
    /* what was typed before ^] still goes */
    if (s.escaped && !s.failed)
        consoleUpdate(&s);

    if (raw)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (s.stdinWatch >= 0)
        virEventRemoveHandle(s.stdinWatch);
    virStreamEventRemoveCallback(s.st);
    if (s.failed)
        virStreamAbort(s.st);
    else if (virStreamFinish(s.st) < 0 && !s.escaped)
        s.failed = true;
    virStreamFree(s.st);
    g_byte_array_free(s.toGuest, TRUE);
    vkshPrintExtra(ctl, "\n");
    return !s.failed;     /* the shell prints the library's error */
}

static bool
cmdConsole(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = NULL;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    return vkshRunConsole(ctl, dom, vkshOptString(cmd, "devname"),
                          VKSH_OPT_FLAGS(cmd, consoleFlags));
}

static const vkshOptDef optsConsole[] = {
    VKSH_OPT_DOMAIN,
    { "devname", VKSH_OT_STRING, 0, "character device name" },
    { "force", VKSH_OT_BOOL, 0, "force console connection (disconnect already connected sessions)" },
    { "safe", VKSH_OT_BOOL, 0, "only connect if safe console handling is supported" },
    { NULL, 0, 0, NULL },
};

VKSH_CMD(vkshCmdConsole, "console", cmdConsole, optsConsole,
         "connect to the guest console",
         "Connect the virtual serial console for the guest");
