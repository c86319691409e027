/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain procedures whose reply carries more than the public function
 * returns.
 *
 * DOMAIN_CREATE_WITH_FLAGS answers with the domain's identity after the
 * start, so the client learns the new id without another round trip; the
 * handle the daemon built from the request still has the old id, so the
 * identity comes from a fresh lookup by UUID.
 */
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

int
vkDispatchDomainCreateWithFlags(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_create_with_flags_args *args = argsp;
    remote_domain_create_with_flags_ret *ret = retp;
    virDomainPtr dom;
    virDomainPtr fresh;
    int rv = -1;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    if (virDomainCreateWithFlags(dom, args->flags) < 0)
        goto cleanup;
    if (!(fresh = virDomainLookupByUUID(client->conn, dom->uuid)))
        goto cleanup;
    vkRemoteMakeDomain(&ret->dom, fresh);
    vkDomainUnref(fresh);
    rv = 0;

 cleanup:
    vkDomainUnref(dom);
    return rv;
}

int
vkDispatchDomainOpenGraphicsFD(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_open_graphics_fd_args *args = argsp;
    virDomainPtr dom;
    int fd;

    (void)retp;
    if (!client->fdPassing || !client->replyFd) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "file descriptors can only be passed over a UNIX socket");
        return -1;
    }
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    fd = virDomainOpenGraphicsFD(dom, args->idx, args->flags);
    vkDomainUnref(dom);
    if (fd < 0)
        return -1;
    return client->replyFd(client, fd);
}
