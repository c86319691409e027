/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainOpenGraphicsFD: a connected socket to a running guest's VNC or
 * SPICE server, for clients that cannot reach its TCP port (virt-manager
 * over a remote connection, or a display with listen type 'none').
 *
 * One end of a socketpair goes to QEMU (QMP getfd, then add_client, which
 * makes it a client of that display as if it had connected); the other
 * is the caller's.  Through virtkitd it travels back beside the reply.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
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
