/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client members that gen-remote.py does not derive: starting a domain
 * changes its id, and the caller's handle must show the new one (virsh
 * prints it right after "start").  CREATE_WITH_FLAGS returns the identity;
 * plain CREATE does not, so a LOOKUP_BY_UUID follows, as libvirt's own
 * client does.  A rename likewise renames the caller's handle (libvirt's
 * client does; its in-process drivers leave the handle alone).
 *
 * ListAllDomains decodes its reply straight into handles: the names are
 * read in place from the packet, with no string allocated per domain on
 * the way (rpcgen's decoder would allocate one for each, to be copied into
 * the handle and freed again), so listing 10,000 domains costs one handle
 * per domain and nothing else.
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
    vkDomainSetName(domain, new_name);
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
    /* the answer could not carry the descriptor back */
    if (!vkRemoteClientCheckFdPassing(dom->conn->privateData))
        return -1;
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

/* remote_connect_list_all_domains_ret, decoded into handles. */
typedef struct {
    virConnectPtr conn;
    virDomainPtr *list;
    u_int count;
    u_int ret;
} vkListAllDomainsReply;

static void
listAllClear(vkListAllDomainsReply *r)
{
    if (r->list) {
        for (u_int i = 0; i < r->count; i++)
            vkDomainUnref(r->list[i]);
        g_free(r->list);
    }
    r->list = NULL;
    r->count = 0;
}

static bool_t
xdrListAllDomainsDirect(XDR *xdrs, vkListAllDomainsReply *r)
{
    u_int n;

    if (xdrs->x_op == XDR_FREE) {
        listAllClear(r);
        return TRUE;
    }
    if (xdrs->x_op != XDR_DECODE || !xdr_u_int(xdrs, &n) || n > REMOTE_DOMAIN_LIST_MAX)
        return FALSE;
    r->list = g_new0(virDomainPtr, n + 1);
    while (r->count < n) {
        u_int len;
        const char *name;
        const unsigned char *uuid;
        int id;

        if (!xdr_u_int(xdrs, &len) || len > REMOTE_STRING_MAX ||
            !(name = (const char *)xdr_inline(xdrs, (int)RNDUP(len))) ||
            !(uuid = (const unsigned char *)xdr_inline(xdrs, VIR_UUID_BUFLEN)) ||
            !xdr_int(xdrs, &id))
            return FALSE;
        /* a name with a NUL inside is not one a domain can have */
        if (memchr(name, '\0', len) ||
            !(r->list[r->count] = vkGetDomainN(r->conn, name, len, uuid, id)))
            return FALSE;
        r->count++;
    }
    return xdr_u_int(xdrs, &r->ret);
}

int
vkRemoteConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    remote_connect_list_all_domains_args args = {
        .need_results = domains != NULL, .flags = flags,
    };
    vkListAllDomainsReply ret = { .conn = conn };

    if (vkRemoteCall(conn, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
                     (xdrproc_t)xdr_remote_connect_list_all_domains_args, &args,
                     (xdrproc_t)xdrListAllDomainsDirect, &ret) < 0)
        return -1;
    if (domains)
        *domains = g_steal_pointer(&ret.list);
    else
        listAllClear(&ret);
    return (int)ret.ret;
}
