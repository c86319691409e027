/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver's members for libvirt-qemu and libvirt-lxc: calls on
 * the QEMU program (0x20008087) and the LXC program (0x00068000) of the
 * same connection.  Written by hand since they are few and the generator
 * knows only the remote program; the bodies are rpcgen's from
 * src/rpc/protocol/qemu_protocol.x and lxc_protocol.x.
 */
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "qemu_protocol.h"
#include "lxc_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-private.h"

static vkRemoteClient *
clientOf(virConnectPtr conn)
{
    if (!conn->privateData)
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the remote connection is not open");
    return conn->privateData;
}

static int
remoteDomainQemuMonitorCommand(virDomainPtr dom, const char *cmd, char **result,
                               unsigned int flags)
{
    qemu_domain_monitor_command_args args;
    qemu_domain_monitor_command_ret ret;
    vkRemoteClient *client = clientOf(dom->conn);

    if (!client)
        return -1;
    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, dom);
    args.cmd = (char *)cmd;
    args.flags = flags;
    if (vkRemoteClientCallProgram(client, QEMU_PROGRAM, QEMU_PROC_DOMAIN_MONITOR_COMMAND,
                                  (xdrproc_t)xdr_qemu_domain_monitor_command_args, &args,
                                  (xdrproc_t)xdr_qemu_domain_monitor_command_ret, &ret,
                                  NULL, NULL) < 0)
        return -1;
    *result = g_strdup(ret.result);
    xdr_free((xdrproc_t)xdr_qemu_domain_monitor_command_ret, (char *)&ret);
    return 0;
}

static int
remoteDomainQemuMonitorCommandWithFiles(virDomainPtr dom, const char *cmd,
                                        unsigned int ninfiles, int *infiles,
                                        unsigned int *noutfiles, int **outfiles,
                                        char **result, unsigned int flags)
{
    qemu_domain_monitor_command_with_files_args args;
    qemu_domain_monitor_command_with_files_ret ret;
    vkRemoteClient *client = clientOf(dom->conn);
    int *fds = NULL;
    size_t nfds = 0;

    if (!client)
        return -1;
    /* as libvirt: files in or out need a connection that carries them */
    if ((ninfiles > 0 || outfiles) && !vkRemoteClientCheckFdPassing(client))
        return -1;
    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, dom);
    args.cmd = (char *)cmd;
    args.flags = flags;
    if (vkRemoteClientCallFull(client, QEMU_PROGRAM, QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES,
                               infiles, ninfiles,
                               (xdrproc_t)xdr_qemu_domain_monitor_command_with_files_args,
                               &args,
                               (xdrproc_t)xdr_qemu_domain_monitor_command_with_files_ret,
                               &ret, &fds, &nfds) < 0)
        return -1;
    *result = g_strdup(ret.result);
    xdr_free((xdrproc_t)xdr_qemu_domain_monitor_command_with_files_ret, (char *)&ret);
    if (outfiles) {
        *outfiles = fds;
        *noutfiles = nfds;
    } else {
        for (size_t i = 0; i < nfds; i++)
            close(fds[i]);
        g_free(fds);
    }
    return 0;
}

static virDomainPtr
remoteDomainQemuAttach(virConnectPtr conn, unsigned int pid, unsigned int flags)
{
    qemu_domain_attach_args args = { .pid_value = pid, .flags = flags };
    qemu_domain_attach_ret ret;
    vkRemoteClient *client = clientOf(conn);
    virDomainPtr dom;

    if (!client)
        return NULL;
    memset(&ret, 0, sizeof(ret));
    if (vkRemoteClientCallProgram(client, QEMU_PROGRAM, QEMU_PROC_DOMAIN_ATTACH,
                                  (xdrproc_t)xdr_qemu_domain_attach_args, &args,
                                  (xdrproc_t)xdr_qemu_domain_attach_ret, &ret,
                                  NULL, NULL) < 0)
        return NULL;
    dom = vkRemoteGetDomain(conn, &ret.dom);
    xdr_free((xdrproc_t)xdr_qemu_domain_attach_ret, (char *)&ret);
    return dom;
}

static char *
remoteDomainQemuAgentCommand(virDomainPtr dom, const char *cmd, int timeout,
                             unsigned int flags)
{
    qemu_domain_agent_command_args args;
    qemu_domain_agent_command_ret ret;
    vkRemoteClient *client = clientOf(dom->conn);
    char *result;

    if (!client)
        return NULL;
    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, dom);
    args.cmd = (char *)cmd;
    args.timeout = timeout;
    args.flags = flags;
    if (vkRemoteClientCallProgram(client, QEMU_PROGRAM, QEMU_PROC_DOMAIN_AGENT_COMMAND,
                                  (xdrproc_t)xdr_qemu_domain_agent_command_args, &args,
                                  (xdrproc_t)xdr_qemu_domain_agent_command_ret, &ret,
                                  NULL, NULL) < 0)
        return NULL;
    result = ret.result ? g_strdup(*ret.result) : NULL;
    xdr_free((xdrproc_t)xdr_qemu_domain_agent_command_ret, (char *)&ret);
    if (!result)
        vkReportError(VIR_ERR_RPC, "%s", "the server returned no agent reply");
    return result;
}

/* The namespaces' descriptors come back beside an empty reply. */
static int
remoteDomainLxcOpenNamespace(virDomainPtr dom, int **fdlist, unsigned int flags)
{
    lxc_domain_open_namespace_args args;
    vkRemoteClient *client = clientOf(dom->conn);
    int *fds = NULL;
    size_t nfds = 0;

    if (!client)
        return -1;
    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, dom);
    args.flags = flags;
    if (vkRemoteClientCallProgram(client, LXC_PROGRAM, LXC_PROC_DOMAIN_OPEN_NAMESPACE,
                                  (xdrproc_t)xdr_lxc_domain_open_namespace_args, &args,
                                  NULL, NULL, &fds, &nfds) < 0)
        return -1;
    *fdlist = fds;
    return nfds;
}

void
vkRemoteSideFillMembers(virHypervisorDriver *drv)
{
    drv->domainQemuMonitorCommand = remoteDomainQemuMonitorCommand;
    drv->domainQemuMonitorCommandWithFiles = remoteDomainQemuMonitorCommandWithFiles;
    drv->domainQemuAttach = remoteDomainQemuAttach;
    drv->domainQemuAgentCommand = remoteDomainQemuAgentCommand;
    drv->domainLxcOpenNamespace = remoteDomainLxcOpenNamespace;
}
