/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Serial consoles of running guests: virDomainOpenConsole.
 *
 * QEMU creates a pty for every <serial type='pty'> and says which one in
 * query-chardev ("pty:/dev/pts/N").  The start path records those paths in
 * the live definition (so they show in the live XML and, through the
 * status file, survive a reattach); opening a console is then opening that
 * pty in raw mode and handing it to an fd stream.  One session per pty at
 * a time, like libvirt: a second open fails unless it forces the first
 * one out (VIR_DOMAIN_CONSOLE_FORCE), whose holder then sees a hangup.
 */
#define VIR_FROM_THIS VIR_FROM_QEMU
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-console.h"
#include "conf/domain-conf-priv.h"
#include "core/fd-stream.h"
#include "core/stream.h"

/* ---- pty paths from QEMU ---- */

GHashTable *
vkQemuConsoleQueryPtys(vkQemuMonitor *mon)
{
    g_autoptr(GHashTable) ptys = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                       g_free, g_free);
    vkJSON *ret = NULL;

    if (vkQemuMonitorCommand(mon, "query-chardev", NULL, &ret) < 0)
        return NULL;
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        vkJSON *c = vkJSONArrayGet(ret, i);
        const char *label = vkJSONObjectGetString(c, "label");
        const char *file = vkJSONObjectGetString(c, "filename");

        if (label && file && g_str_has_prefix(file, "pty:"))
            g_hash_table_insert(ptys, g_strdup(label), g_strdup(file + 4));
    }
    vkJSONFree(ret);
    return g_steal_pointer(&ptys);
}

static void
setSourcePath(vkDomainChrDef *c, const char *path)
{
    vkXmlElem *src;

    if (!c->sources)
        c->sources = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    if (c->sources->len == 0) {
        src = g_new0(vkXmlElem, 1);
        src->name = g_strdup("source");
        g_ptr_array_add(c->sources, src);
    }
    vkXmlElemSetAttr(c->sources->pdata[0], "path", path);
}

void
vkQemuConsoleApplyPtys(vkDomainDef *def, GHashTable *ptys)
{
    GPtrArray *a = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;
    const char *firstPath = NULL;
    int count[VK_DOMAIN_CHR_LAST] = { 0 };

    if (!ptys)
        return;
    /* Devices are numbered per kind as command-chr.c numbers their
     * chardevs ("charserial0", "charconsole1", "charchannel0"); a serial
     * console is its serial port (below). */
    for (guint i = 0; a && i < a->len; i++) {
        vkDomainChrDef *c = a->pdata[i];
        const char *ttype = c->target ? vkXmlElemGetAttr(c->target, "type") : NULL;
        int n = count[c->kind]++;
        g_autofree char *label = NULL;
        const char *path;

        if (c->kind == VK_DOMAIN_CHR_CONSOLE && (!ttype || strcmp(ttype, "serial") == 0))
            continue;
        label = g_strdup_printf("char%s%d", vkDomainChrKindTable[c->kind], n);
        path = g_hash_table_lookup(ptys, label);
        if (g_strcmp0(c->type, "pty") == 0 && path) {
            setSourcePath(c, path);
            if (c->kind == VK_DOMAIN_CHR_SERIAL && n == 0)
                firstPath = path;
        }
    }
    /* A console whose target is a serial port is serial port 0. */
    for (guint i = 0; firstPath && a && i < a->len; i++) {
        vkDomainChrDef *c = a->pdata[i];
        const char *ttype = c->target ? vkXmlElemGetAttr(c->target, "type") : NULL;

        if (c->kind == VK_DOMAIN_CHR_CONSOLE && g_strcmp0(c->type, "pty") == 0 &&
            (!ttype || strcmp(ttype, "serial") == 0))
            setSourcePath(c, firstPath);
    }
}

/* ---- finding the device ---- */

/* dev_name NULL: the first console, else the first serial port.  Else an
 * alias as libvirt names them: "console<N>", "serial<N>", "parallel<N>",
 * "channel<N>" (N counts devices of that kind). */
static vkDomainChrDef *
findChr(vkDomainDef *def, const char *devName)
{
    GPtrArray *a = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;
    int count[VK_DOMAIN_CHR_LAST] = { 0 };
    vkDomainChrDef *firstSerial = NULL;

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainChrDef *c = a->pdata[i];
        g_autofree char *alias = g_strdup_printf("%s%d", vkDomainChrKindTable[c->kind],
                                                 count[c->kind]++);

        if (!devName) {
            if (c->kind == VK_DOMAIN_CHR_CONSOLE)
                return c;
            if (c->kind == VK_DOMAIN_CHR_SERIAL && !firstSerial)
                firstSerial = c;
        } else if (strcmp(alias, devName) == 0) {
            return c;
        }
    }
    return firstSerial;
}

/* ---- one session per pty ---- */

static GMutex sessionsLock;
static GHashTable *sessions;       /* pty path -> virStreamPtr (not referenced) */

typedef struct {
    char *path;
} vkConsoleSession;

static void
sessionClosed(virStreamPtr st, void *opaque)
{
    vkConsoleSession *s = opaque;

    g_mutex_lock(&sessionsLock);
    if (sessions && g_hash_table_lookup(sessions, s->path) == st)
        g_hash_table_remove(sessions, s->path);
    g_mutex_unlock(&sessionsLock);
    g_free(s->path);
    g_free(s);
}

/* Takes the pty for st, forcing an older session out when force is set. */
static int
sessionClaim(const char *path, virStreamPtr st, bool force, const char *busy)
{
    virStreamPtr old = NULL;

    g_mutex_lock(&sessionsLock);
    if (!sessions)
        sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    old = g_hash_table_lookup(sessions, path);
    if (old && !vkStreamTryRef(old))
        old = NULL;     /* going away right now */
    if (old && !force) {
        g_mutex_unlock(&sessionsLock);
        vkStreamUnref(old);
        vkReportError(VIR_ERR_OPERATION_FAILED, "%s", busy);
        return -1;
    }
    g_hash_table_insert(sessions, g_strdup(path), st);
    g_mutex_unlock(&sessionsLock);
    if (old) {
        /* The old holder sees its stream hang up (and finishes it). */
        vkFdStreamHangup(old);
        vkStreamUnref(old);
    }
    return 0;
}

bool
vkQemuChrSessionBusy(const char *path)
{
    bool busy;

    g_mutex_lock(&sessionsLock);
    busy = sessions && g_hash_table_lookup(sessions, path);
    g_mutex_unlock(&sessionsLock);
    return busy;
}

static int
openPty(const char *path)
{
    struct termios t;
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        vkReportSystemError(errno, "cannot open console pty '%s'", path);
        return -1;
    }
    /* Bytes as they are: no echo, no line editing, no CR/LF games. */
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}

int
vkQemuDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                        unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainChrDef *chr;
    g_autofree char *path = NULL;
    g_autofree char *name = NULL;
    g_autofree char *busy = NULL;
    int fd;

    vkCheckFlags(VIR_DOMAIN_CONSOLE_FORCE | VIR_DOMAIN_CONSOLE_SAFE, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    name = g_strdup(obj->name);
    if (!(chr = findChr(obj->def, devName))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot find character device %s of domain '%s'",
                      devName ? devName : "(console)", name);
        return -1;
    }
    if (g_strcmp0(chr->type, "pty") != 0) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "character device %s of domain '%s' is not using a PTY (type '%s')",
                      devName ? devName : "(console)", name, chr->type);
        return -1;
    }
    if (chr->sources && chr->sources->len)
        path = g_strdup(vkXmlElemGetAttr(chr->sources->pdata[0], "path"));
    g_mutex_unlock(&st->lock);
    if (!path) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU did not report a pty for the console of domain '%s'", name);
        return -1;
    }

    if ((fd = openPty(path)) < 0)
        return -1;
    busy = g_strdup_printf("Active console session exists for domain '%s'", name);
    return vkQemuChrStreamOpen(stream, fd, path, flags & VIR_DOMAIN_CONSOLE_FORCE, busy);
}

int
vkQemuChrStreamOpen(virStreamPtr stream, int fd, const char *path, bool force,
                    const char *busy)
{
    vkConsoleSession *session;

    if (vkFdStreamOpen(stream, fd) < 0)
        return -1;
    if (sessionClaim(path, stream, force, busy) < 0) {
        /* The stream stays attached (a backend attaches once) but ends. */
        stream->ops->abort(stream);
        g_mutex_lock(&stream->lock);
        stream->closed = true;
        g_mutex_unlock(&stream->lock);
        return -1;
    }
    session = g_new0(vkConsoleSession, 1);
    session->path = g_strdup(path);
    vkFdStreamSetCloseHook(stream, sessionClosed, session);
    return 0;
}
