/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The calls that hand the daemon descriptors (CALL_WITH_FDS): starting a
 * domain with files, associating an fd set, giving a display a connected
 * socket.  The descriptors travel after the packet on a UNIX socket
 * (remote-call.c); they stay the caller's, open, on every path, as with
 * an in-process driver.  Over TCP, TLS and ssh they cannot travel, and
 * the call is refused before anything is sent.  What the arguments may
 * be (counts, negative descriptors) was checked at the API's door.
 */
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"
#include "drivers/remote/remote-private.h"

static int
callFds(virConnectPtr conn, int proc, const int *fds, size_t nfds,
        xdrproc_t argsFilter, void *args, xdrproc_t retFilter, void *ret)
{
    if (!conn->privateData) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the remote connection is not open");
        return -1;
    }
    return vkRemoteClientCallFull(conn->privateData, VK_REMOTE_PROGRAM, proc, fds, nfds,
                                  argsFilter, args, retFilter, ret, NULL, NULL);
}

virDomainPtr
vkRemoteDomainCreateXMLWithFiles(virConnectPtr conn, const char *xml_desc,
                                 unsigned int nfiles, int *files, unsigned int flags)
{
    remote_domain_create_xml_with_files_args args;
    remote_domain_create_xml_with_files_ret ret;
    virDomainPtr dom;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    args.xml_desc = (char *)xml_desc;
    args.flags = flags;
    if (callFds(conn, REMOTE_PROC_DOMAIN_CREATE_XML_WITH_FILES, files, nfiles,
                (xdrproc_t)xdr_remote_domain_create_xml_with_files_args, &args,
                (xdrproc_t)xdr_remote_domain_create_xml_with_files_ret, &ret) < 0)
        return NULL;
    dom = vkRemoteGetDomain(conn, &ret.dom);
    xdr_free((xdrproc_t)xdr_remote_domain_create_xml_with_files_ret, (char *)&ret);
    return dom;
}

/* The reply carries the identity: the caller's handle takes the new id,
 * as after CREATE_WITH_FLAGS. */
int
vkRemoteDomainCreateWithFiles(virDomainPtr domain, unsigned int nfiles, int *files,
                              unsigned int flags)
{
    remote_domain_create_with_files_args args;
    remote_domain_create_with_files_ret ret;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, domain);
    args.flags = flags;
    if (callFds(domain->conn, REMOTE_PROC_DOMAIN_CREATE_WITH_FILES, files, nfiles,
                (xdrproc_t)xdr_remote_domain_create_with_files_args, &args,
                (xdrproc_t)xdr_remote_domain_create_with_files_ret, &ret) < 0)
        return -1;
    domain->id = ret.dom.id;
    xdr_free((xdrproc_t)xdr_remote_domain_create_with_files_ret, (char *)&ret);
    return 0;
}

int
vkRemoteDomainFDAssociate(virDomainPtr domain, const char *name, unsigned int nfds,
                          int *fds, unsigned int flags)
{
    remote_domain_fd_associate_args args;

    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, domain);
    args.name = (char *)name;
    args.flags = flags;
    return callFds(domain->conn, REMOTE_PROC_DOMAIN_FD_ASSOCIATE, fds, nfds,
                   (xdrproc_t)xdr_remote_domain_fd_associate_args, &args, NULL, NULL);
}

int
vkRemoteDomainOpenGraphics(virDomainPtr dom, unsigned int idx, int fd, unsigned int flags)
{
    remote_domain_open_graphics_args args;

    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, dom);
    args.idx = idx;
    args.flags = flags;
    return callFds(dom->conn, REMOTE_PROC_DOMAIN_OPEN_GRAPHICS, &fd, 1,
                   (xdrproc_t)xdr_remote_domain_open_graphics_args, &args, NULL, NULL);
}
