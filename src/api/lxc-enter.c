/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-lxc's client-side calls: they change the calling process, so
 * they run here, in the caller, never in a driver or the daemon (as in
 * libvirt).  virDomainLxcOpenNamespace (a driver call) hands the caller
 * the container's namespace descriptors; virDomainLxcEnterNamespace
 * setns()es into them.
 *
 * A namespace the caller is already in is skipped: joining it changes
 * nothing, and the kernel refuses to re-enter one's own user namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

/* The namespaces a container may have, in the order they are joined:
 * the user namespace first (it grants the rights for the others), the
 * mount namespace last (it changes what /proc shows). */
static const char *const nsNames[] = { "user", "ipc", "uts", "net", "pid", "mnt" };

/* True when fd names a namespace this process is in already. */
static bool
alreadyIn(int fd)
{
    struct stat want;

    if (fstat(fd, &want) < 0)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(nsNames); i++) {
        g_autofree char *path = g_strdup_printf("/proc/self/ns/%s", nsNames[i]);
        struct stat have;

        if (stat(path, &have) == 0 && have.st_dev == want.st_dev &&
            have.st_ino == want.st_ino)
            return true;
    }
    return false;
}

/* The caller's own namespaces, to come back to. */
static int
ownNamespaces(unsigned int *n, int **fds)
{
    g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(int));

    for (size_t i = 0; i < G_N_ELEMENTS(nsNames); i++) {
        g_autofree char *path = g_strdup_printf("/proc/self/ns/%s", nsNames[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            if (errno == ENOENT)
                continue;
            vkReportSystemError(errno, "cannot open %s", path);
            for (guint j = 0; j < list->len; j++)
                close(g_array_index(list, int, j));
            return -1;
        }
        g_array_append_val(list, fd);
    }
    *n = list->len;
    *fds = (int *)g_array_free(g_steal_pointer(&list), FALSE);
    return 0;
}

int
virDomainLxcEnterNamespace(virDomainPtr domain, unsigned int nfdlist, int *fdlist,
                           unsigned int *noldfdlist, int **oldfdlist, unsigned int flags)
{
    virConnectPtr conn = NULL;

    vkErrorReset();
    if (!vkCheckDomain(domain, __func__))
        goto error;
    conn = domain->conn;
    if (flags) {
        vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "unsupported flags (0x%x) in function %s", flags, __func__);
        goto error;
    }
    if (nfdlist && !fdlist) {
        vkReportNullArg(VIR_FROM_DOMAIN, "fdlist", __func__);
        goto error;
    }
    if (noldfdlist && oldfdlist && ownNamespaces(noldfdlist, oldfdlist) < 0)
        goto error;
    for (unsigned int i = 0; i < nfdlist; i++) {
        if (alreadyIn(fdlist[i]))
            continue;
        if (setns(fdlist[i], 0) < 0) {
            vkReportSystemError(errno, "%s", "Unable to join domain namespace");
            if (noldfdlist && oldfdlist) {
                for (unsigned int j = 0; j < *noldfdlist; j++)
                    close((*oldfdlist)[j]);
                g_clear_pointer(oldfdlist, g_free);
                *noldfdlist = 0;
            }
            goto error;
        }
    }
    return 0;

 error:
    vkDispatchError(conn);
    return -1;
}

/* No security driver confines virtkit's containers, so the only label
 * there is to enter is model "none"'s; the others are refused by name. */
int
virDomainLxcEnterSecurityLabel(virSecurityModelPtr model, virSecurityLabelPtr label,
                               virSecurityLabelPtr oldlabel, unsigned int flags)
{
    vkErrorReset();
    if (flags) {
        vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "unsupported flags (0x%x) in function %s", flags, __func__);
        goto error;
    }
    if (!model || !label) {
        vkReportNullArg(VIR_FROM_DOMAIN, !model ? "model" : "label", __func__);
        goto error;
    }
    if (oldlabel)
        memset(oldlabel, 0, sizeof(*oldlabel));
    if (strcmp(model->model, "none") == 0)
        return 0;
    vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "Security model %s cannot be entered",
                  model->model);
 error:
    vkDispatchError(NULL);
    return -1;
}

/* libvirt finds the container's control groups from the domain's ID,
 * which is a process of its controller there; virtkit's container IDs
 * are not processes, so the call is refused rather than guessed. */
int
virDomainLxcEnterCGroup(virDomainPtr domain, unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    (void)flags;
    vkReportUnsupported(domain->conn, VIR_FROM_DOMAIN, __func__);
    vkDispatchError(domain->conn);
    return -1;
}
