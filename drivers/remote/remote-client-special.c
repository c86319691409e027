/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client members that gen-remote.py does not derive: starting a domain
 * changes its id, and the caller's handle must show the new one (virsh
 * prints it right after "start").  CREATE_WITH_FLAGS returns the identity;
 * plain CREATE does not, so a LOOKUP_BY_UUID follows, as libvirt's own
 * client does.  A rename likewise renames the caller's handle (libvirt's
 * client does; its in-process drivers leave the handle alone).
 */
#include <string.h>
#include <unistd.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"
#include "drivers/remote/remote-private.h"

int
vkRemoteDomainCreate(virDomainPtr domain)
{
    remote_domain_create_args args;
    remote_domain_lookup_by_uuid_args largs;
    remote_domain_lookup_by_uuid_ret lret;

    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, domain);
    if (vkRemoteCall(domain->conn, REMOTE_PROC_DOMAIN_CREATE,
                     (xdrproc_t)xdr_remote_domain_create_args, &args,
                     VK_XDR_VOID, NULL) < 0)
        return -1;

    memset(&largs, 0, sizeof(largs));
    memset(&lret, 0, sizeof(lret));
    memcpy(largs.uuid, domain->uuid, VIR_UUID_BUFLEN);
    if (vkRemoteCall(domain->conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID,
                     (xdrproc_t)xdr_remote_domain_lookup_by_uuid_args, &largs,
                     (xdrproc_t)xdr_remote_domain_lookup_by_uuid_ret, &lret) < 0)
        return -1;
    domain->id = lret.dom.id;
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_uuid_ret, (char *)&lret);
    return 0;
}

int
vkRemoteDomainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    remote_domain_create_with_flags_args args;
    remote_domain_create_with_flags_ret ret;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, domain);
    args.flags = flags;
    if (vkRemoteCall(domain->conn, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
                     (xdrproc_t)xdr_remote_domain_create_with_flags_args, &args,
                     (xdrproc_t)xdr_remote_domain_create_with_flags_ret, &ret) < 0)
        return -1;
    domain->id = ret.dom.id;
    xdr_free((xdrproc_t)xdr_remote_domain_create_with_flags_ret, (char *)&ret);
    return 0;
}

int
vkRemoteDomainRename(virDomainPtr domain, const char *new_name, unsigned int flags)
{
    remote_domain_rename_args args;
    remote_domain_rename_ret ret;
    char *name = (char *)new_name;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, domain);
    args.new_name = &name;
    args.flags = flags;
    if (vkRemoteCall(domain->conn, REMOTE_PROC_DOMAIN_RENAME,
                     (xdrproc_t)xdr_remote_domain_rename_args, &args,
                     (xdrproc_t)xdr_remote_domain_rename_ret, &ret) < 0)
        return -1;
    g_free(domain->name);
    domain->name = g_strdup(new_name);
    return ret.retcode;
}

/* The display's descriptor comes back beside the reply (REPLY_WITH_FDS). */
int
vkRemoteDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags)
{
    remote_domain_open_graphics_fd_args args;
    g_autofree int *fds = NULL;
    size_t nfds = 0;

    if (!dom->conn->privateData) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the remote connection is not open");
        return -1;
    }
    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, dom);
    args.idx = idx;
    args.flags = flags;
    if (vkRemoteClientCallWithFds(dom->conn->privateData, REMOTE_PROC_DOMAIN_OPEN_GRAPHICS_FD,
                                  (xdrproc_t)xdr_remote_domain_open_graphics_fd_args, &args,
                                  NULL, NULL, &fds, &nfds) < 0)
        return -1;
    if (nfds != 1) {
        for (size_t i = 0; i < nfds; i++)
            close(fds[i]);
        vkReportError(VIR_ERR_RPC, "the server sent %zu descriptors for one display", nfds);
        return -1;
    }
    return fds[0];
}
