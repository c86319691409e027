/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainOpenChannel: a stream to a running guest's <channel> whose
 * host side is a UNIX socket QEMU listens on.
 *
 * The channel is named as libvirt names it, by its alias ("channel0") or
 * by a virtio channel's target name ("org.qemu.guest_agent.0"); with no
 * name the first channel is taken.  Opening is a connect to the socket,
 * and the stream is one per socket at a time, as consoles are
 * (qemu-console.c): a second open fails unless it forces the first out.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-console.h"

static vkDomainChrDef *
findChannel(vkDomainDef *def, const char *name, char **alias)
{
    GPtrArray *a = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;
    int n = 0;

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainChrDef *c = a->pdata[i];
        g_autofree char *al = NULL;

        if (c->kind != VK_DOMAIN_CHR_CHANNEL)
            continue;
        al = g_strdup_printf("channel%d", n++);
        if (!name ||
            strcmp(al, name) == 0 ||
            (g_strcmp0(vkXmlElemGetAttr(c->target, "type"), "virtio") == 0 &&
             g_strcmp0(vkXmlElemGetAttr(c->target, "name"), name) == 0)) {
            *alias = g_steal_pointer(&al);
            return c;
        }
    }
    return NULL;
}

static int
connectUnix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "UNIX socket path '%s' too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        vkReportSystemError(errno, "unable to connect to UNIX socket '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int
vkQemuDomainOpenChannel(virDomainPtr dom, const char *name, virStreamPtr stream,
                        unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainChrDef *chr;
    g_autofree char *alias = NULL;
    g_autofree char *path = NULL;
    const char *busy = "Active channel stream exists for this domain";
    int fd;

    vkCheckFlags(VIR_DOMAIN_CHANNEL_FORCE, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    if (!(chr = findChannel(obj->def, name, &alias))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot find channel %s",
                      name ? name : "<null>");
        return -1;
    }
    if (g_strcmp0(chr->type, "unix") != 0) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "channel %s is not using a UNIX socket",
                      name ? name : alias);
        return -1;
    }
    if (chr->sources && chr->sources->len)
        path = g_strdup(vkXmlElemGetAttr(chr->sources->pdata[0], "path"));
    g_mutex_unlock(&st->lock);
    if (!path) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "channel %s has no socket path", alias);
        return -1;
    }
    /* refused before the socket hears of it: a connection QEMU accepts
     * and we drop would reach the guest's side of the channel */
    if (!(flags & VIR_DOMAIN_CHANNEL_FORCE) && vkQemuChrSessionBusy(path)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "%s", busy);
        return -1;
    }
    if ((fd = connectUnix(path)) < 0)
        return -1;
    return vkQemuChrStreamOpen(stream, fd, path, flags & VIR_DOMAIN_CHANNEL_FORCE, busy);
}
