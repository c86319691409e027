/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainLxcOpenNamespace: descriptors of a running container's
 * namespaces, opened from its init process's /proc/PID/ns, for the caller
 * to setns() into (virDomainLxcEnterNamespace, client side).  Through
 * virtkitd they travel beside the LXC program's reply.
 *
 * The list and its order are libvirt's: user, ipc, uts, net, pid, mnt,
 * each one the kernel has.  The security model and label calls live here
 * too: clients ask for them to enter a container.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-private.h"

static const char *const nsNames[] = { "user", "ipc", "uts", "net", "pid", "mnt" };

int
vkLxcDomainLxcOpenNamespace(virDomainPtr dom, int **fdlist, unsigned int flags)
{
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    vkLxcState *st;
    vkLxcDomain *obj;
    int n = -1;

    vkCheckFlags(0, -1);
    *fdlist = NULL;
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj))
        goto out;
    if (!obj->run || obj->run->init <= 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "Init pid is not yet available");
        goto out;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(nsNames); i++) {
        g_autofree char *path = g_strdup_printf("/proc/%d/ns/%s", obj->run->init,
                                                nsNames[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            if (errno == ENOENT)
                continue;
            vkReportSystemError(errno, "Cannot open %s", path);
            for (guint j = 0; j < fds->len; j++)
                close(g_array_index(fds, int, j));
            goto out;
        }
        g_array_append_val(fds, fd);
    }
    n = fds->len;
    *fdlist = (int *)g_array_free(g_steal_pointer(&fds), FALSE);
 out:
    g_mutex_unlock(&st->lock);
    return n;
}

/* No security driver confines virtkit's containers: libvirt's model for
 * such a host is "none" (DOI 0) with an empty label, which clients (virsh
 * lxc-enter-namespace) enter as nothing to do. */
int
vkLxcNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    (void)conn;
    memset(secmodel, 0, sizeof(*secmodel));
    g_strlcpy(secmodel->model, "none", sizeof(secmodel->model));
    g_strlcpy(secmodel->doi, "0", sizeof(secmodel->doi));
    return 0;
}

int
vkLxcDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel)
{
    vkLxcState *st;
    vkLxcDomain *obj;

    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    g_mutex_unlock(&st->lock);
    memset(seclabel, 0, sizeof(*seclabel));
    return 0;
}
