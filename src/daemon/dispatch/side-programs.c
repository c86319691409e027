/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two side programs beside the remote one: QEMU (0x20008087, the
 * calls of libvirt-qemu) and LXC (0x00068000, libvirt-lxc's namespace
 * call).  They share the connection, the checks and the handle codecs of
 * the remote program; only their procedure numbers and bodies are their
 * own, so each is a small table of vkServerProc written here by hand
 * (seven procedures do not pay for a generator).
 */
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "qemu_protocol.h"
#include "lxc_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

static int
qemuMonitorCommand(vkServerClient *client, void *argsp, void *retp)
{
    qemu_domain_monitor_command_args *args = argsp;
    qemu_domain_monitor_command_ret *ret = retp;
    virDomainPtr dom;
    int rc;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    rc = virDomainQemuMonitorCommand(dom, args->cmd, &ret->result, args->flags);
    vkDomainUnref(dom);
    return rc;
}

static int
qemuMonitorCommandWithFiles(vkServerClient *client, void *argsp, void *retp)
{
    qemu_domain_monitor_command_with_files_args *args = argsp;
    qemu_domain_monitor_command_with_files_ret *ret = retp;
    unsigned int nout = 0;
    int *out = NULL;
    int *in = NULL;
    size_t nin = client->takeFds ? client->takeFds(client, &in) : 0;
    virDomainPtr dom;
    int rc = -1;

    /* The call's descriptors go to the monitor; the driver dups what it
     * keeps, so they are closed here either way. */
    if ((dom = vkRemoteGetDomain(client->conn, &args->dom))) {
        rc = virDomainQemuMonitorCommandWithFiles(dom, args->cmd, nin, in, &nout, &out,
                                                  &ret->result, args->flags);
        vkDomainUnref(dom);
    }
    for (size_t i = 0; i < nin; i++)
        close(in[i]);
    g_free(in);
    for (unsigned int i = 0; i < nout; i++)
        close(out[i]);
    g_free(out);
    return rc;
}

static int
qemuAttach(vkServerClient *client, void *argsp, void *retp)
{
    qemu_domain_attach_args *args = argsp;
    qemu_domain_attach_ret *ret = retp;
    virDomainPtr dom;

    if (!(dom = virDomainQemuAttach(client->conn, args->pid_value, args->flags)))
        return -1;
    vkRemoteMakeDomain(&ret->dom, dom);
    vkDomainUnref(dom);
    return 0;
}

static int
qemuAgentCommand(vkServerClient *client, void *argsp, void *retp)
{
    qemu_domain_agent_command_args *args = argsp;
    qemu_domain_agent_command_ret *ret = retp;
    virDomainPtr dom;
    char *result;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    result = virDomainQemuAgentCommand(dom, args->cmd, args->timeout, args->flags);
    vkDomainUnref(dom);
    if (!result)
        return -1;
    ret->result = g_new0(char *, 1);
    *ret->result = result;
    return 0;
}

static int
lxcOpenNamespace(vkServerClient *client, void *argsp, void *retp)
{
    lxc_domain_open_namespace_args *args = argsp;
    virDomainPtr dom;
    int *fds = NULL;
    int n;
    int rc = 0;

    (void)retp;
    if (!client->fdPassing || !client->replyFd) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "file descriptors can only be passed over a UNIX socket");
        return -1;
    }
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    n = virDomainLxcOpenNamespace(dom, &fds, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (rc < 0)
            close(fds[i]);
        else
            rc = client->replyFd(client, fds[i]);
    }
    g_free(fds);
    return rc;
}

#define BODY(type) (xdrproc_t)xdr_##type, sizeof(type)

/* Sorted by procedure number; 6 is the event message the daemon sends. */
static const vkServerProc qemuProcs[] = {
    { 1, "DOMAIN_MONITOR_COMMAND", BODY(qemu_domain_monitor_command_args),
      BODY(qemu_domain_monitor_command_ret), qemuMonitorCommand, true, true, false, false },
    { 2, "DOMAIN_ATTACH", BODY(qemu_domain_attach_args), BODY(qemu_domain_attach_ret),
      qemuAttach, true, true, false, false },
    { 3, "DOMAIN_AGENT_COMMAND", BODY(qemu_domain_agent_command_args),
      BODY(qemu_domain_agent_command_ret), qemuAgentCommand, true, true, false, false },
    { 4, "CONNECT_DOMAIN_MONITOR_EVENT_REGISTER",
      BODY(qemu_connect_domain_monitor_event_register_args),
      BODY(qemu_connect_domain_monitor_event_register_ret),
      vkDispatchQemuMonitorEventRegister, true, true, false, false },
    { 5, "CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER",
      BODY(qemu_connect_domain_monitor_event_deregister_args), VK_XDR_VOID, 0,
      vkDispatchQemuMonitorEventDeregister, true, true, false, false },
    { 7, "DOMAIN_MONITOR_COMMAND_WITH_FILES",
      BODY(qemu_domain_monitor_command_with_files_args),
      BODY(qemu_domain_monitor_command_with_files_ret), qemuMonitorCommandWithFiles,
      true, true, false, false },
};

static const vkServerProc lxcProcs[] = {
    { 1, "DOMAIN_OPEN_NAMESPACE", BODY(lxc_domain_open_namespace_args), VK_XDR_VOID, 0,
      lxcOpenNamespace, true, true, false, false },
};

static const vkServerProc *
find(const vkServerProc *table, size_t n, int proc)
{
    for (size_t i = 0; i < n; i++) {
        if (table[i].proc == proc)
            return &table[i];
    }
    return NULL;
}

bool
vkDispatchProgramKnown(unsigned int prog, unsigned int vers)
{
    return (prog == VK_REMOTE_PROGRAM && vers == VK_REMOTE_VERSION) ||
           (prog == QEMU_PROGRAM && vers == QEMU_PROTOCOL_VERSION) ||
           (prog == LXC_PROGRAM && vers == LXC_PROTOCOL_VERSION);
}

const vkServerProc *
vkDispatchProcLookup(unsigned int prog, int proc)
{
    if (prog == QEMU_PROGRAM)
        return find(qemuProcs, G_N_ELEMENTS(qemuProcs), proc);
    if (prog == LXC_PROGRAM)
        return find(lxcProcs, G_N_ELEMENTS(lxcProcs), proc);
    return vkServerProcLookup(proc);
}
