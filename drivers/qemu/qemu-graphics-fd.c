/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainOpenGraphicsFD: a connected socket to a running guest's VNC or
 * SPICE server, for clients that cannot reach its TCP port (virt-manager
 * over a remote connection, or a display with listen type 'none').
 *
 * One end of a socketpair goes to QEMU (QMP getfd, then add_client, which
 * makes it a client of that display as if it had connected); the other
 * is the caller's.  Through virtkitd it travels back beside the reply.
 *
 * virDomainScreenshot: QEMU writes the display (QMP screendump, PPM as
 * libvirt asks for) into a file of the run directory, which is opened,
 * unlinked and handed to the caller's stream.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "core/fd-stream.h"
#include "drivers/qemu/qemu-private.h"

#define GRAPHICS_FDNAME "vk-graphics-client"

int
vkQemuDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    const vkDomainGraphicsDef *g;
    GPtrArray *list;
    g_autofree char *protocol = NULL;
    vkJSON *args;
    int pair[2] = { -1, -1 };
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj))
        goto out;
    list = obj->def->priv ? obj->def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    if (!list || idx >= list->len) {
        vkReportError(VIR_ERR_INVALID_ARG, "no graphics backend with index %u in domain '%s'",
                      idx, obj->name);
        goto out;
    }
    g = list->pdata[idx];
    if (strcmp(g->type, "vnc") != 0 && strcmp(g->type, "spice") != 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "can only open VNC or SPICE graphics backends, not %s", g->type);
        goto out;
    }
    protocol = g_strdup(g->type);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
        vkReportSystemError(errno, "%s", "cannot create a socket pair for the display");
        goto out;
    }
    if (vkQemuDomainMonitorSendFd(st, obj, GRAPHICS_FDNAME, pair[1]) < 0)
        goto out;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "protocol", protocol);
    vkJSONObjectAppendString(args, "fdname", GRAPHICS_FDNAME);
    vkJSONObjectAppendBool(args, "skipauth", flags & VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
    if (vkQemuDomainMonitorCommand(st, obj, "add_client", args, NULL) < 0)
        goto out;
    ret = g_steal_fd(&pair[0]);

 out:
    if (pair[0] >= 0)
        close(pair[0]);
    if (pair[1] >= 0)
        close(pair[1]);
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

char *
vkQemuDomainScreenshot(virDomainPtr dom, virStreamPtr stream, unsigned int screen,
                       unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    GPtrArray *video;
    g_autofree char *path = NULL;
    vkJSON *args;
    char *mime = NULL;
    int fd = -1;

    vkCheckFlags(0, NULL);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return NULL;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj))
        goto out;
    video = obj->def->priv ? obj->def->priv->devs[VK_DOMAIN_DEVICE_VIDEO] : NULL;
    if (!video || video->len == 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' has no video device", obj->name);
        goto out;
    }
    if (screen >= video->len) {
        /* one head per video device is what virtkit shows QEMU */
        vkReportError(VIR_ERR_INVALID_ARG, "no screen %u in domain '%s'", screen, obj->name);
        goto out;
    }
    path = g_strdup_printf("%s/%s.screendump", st->runDir, obj->name);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "filename", path);
    vkJSONObjectAppendString(args, "format", "ppm");
    if (vkQemuDomainMonitorCommand(st, obj, "screendump", args, NULL) < 0)
        goto out;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_unlink(path);
    if (fd < 0) {
        vkReportSystemError(errno, "cannot open the screenshot of domain '%s'", obj->name);
        goto out;
    }
    if (vkFdStreamOpen(stream, fd) < 0)
        goto out;
    mime = g_strdup("image/x-portable-pixmap");

 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return mime;
}
