/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-host.c: questions about the host and the connection — nodeinfo,
 * capabilities, sysinfo, version, uri, hostname. Output texts end the way
 * virsh's do (capabilities gets an extra newline, sysinfo does not), since
 * scripts that diff them against virsh's depend on it. */
#include <stdio.h>
#include <string.h>

#include "vksh.h"

static bool
cmdNodeinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNodeInfo info;

    if (virNodeGetInfo(ctl->conn, &info) < 0) {
        vkshError(ctl, "failed to get node information");
        return false;
    }
    vkshPrint(ctl, "%-20s %s\n", "CPU model:", info.model);
    vkshPrint(ctl, "%-20s %d\n", "CPU(s):", info.cpus);
    if (info.mhz)
        vkshPrint(ctl, "%-20s %d MHz\n", "CPU frequency:", info.mhz);
    vkshPrint(ctl, "%-20s %d\n", "CPU socket(s):", info.sockets);
    vkshPrint(ctl, "%-20s %d\n", "Core(s) per socket:", info.cores);
    vkshPrint(ctl, "%-20s %d\n", "Thread(s) per core:", info.threads);
    vkshPrint(ctl, "%-20s %d\n", "NUMA cell(s):", info.nodes);
    vkshPrint(ctl, "%-20s %lu KiB\n", "Memory size:", info.memory);
    return true;
}

static bool
cmdCapabilities(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *caps = virConnectGetCapabilities(ctl->conn);

    if (!caps) {
        vkshError(ctl, "failed to get capabilities");
        return false;
    }
    vkshPrint(ctl, "%s\n", caps);
    return true;
}

static bool
cmdSysinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *info = virConnectGetSysinfo(ctl->conn, 0);

    if (!info) {
        vkshError(ctl, "failed to get sysinfo");
        return false;
    }
    vkshPrint(ctl, "%s", info);
    return true;
}

static bool
cmdUri(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *uri = virConnectGetURI(ctl->conn);

    if (!uri) {
        vkshError(ctl, "failed to get URI");
        return false;
    }
    vkshPrint(ctl, "%s\n", uri);
    return true;
}

static bool
cmdHostname(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *name = virConnectGetHostname(ctl->conn);

    if (!name) {
        vkshError(ctl, "failed to get hostname");
        return false;
    }
    vkshPrint(ctl, "%s\n", name);
    return true;
}

static const vkshOptDef optsVersion[] = {
    { "daemon", VKSH_OT_BOOL, 0, "also report the daemon's version" },
    { NULL, 0, 0, NULL },
};

#define VERSION_ARGS(v) \
    (unsigned int)((v) / 1000000), (unsigned int)(((v) / 1000) % 1000), \
    (unsigned int)((v) % 1000)

static bool
cmdVersion(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned long libVersion = 0, apiVersion = 0, hvVersion = 0;
    const char *hvType;

    if (!(hvType = virConnectGetType(ctl->conn))) {
        vkshError(ctl, "failed to get hypervisor type");
        return false;
    }
    vkshPrint(ctl, "Compiled against library: libvirt %u.%u.%u\n",
              VERSION_ARGS((unsigned long)LIBVIR_VERSION_NUMBER));
    if (virGetVersion(&libVersion, hvType, &apiVersion) < 0) {
        vkshError(ctl, "failed to get the library version");
        return false;
    }
    vkshPrint(ctl, "Using library: libvirt %u.%u.%u\n", VERSION_ARGS(libVersion));
    vkshPrint(ctl, "Using API: %s %u.%u.%u\n", hvType, VERSION_ARGS(apiVersion));
    if (virConnectGetVersion(ctl->conn, &hvVersion) < 0) {
        vkshError(ctl, "failed to get the hypervisor version");
        return false;
    }
    if (hvVersion == 0)
        vkshPrint(ctl, "Cannot extract running %s hypervisor version\n", hvType);
    else
        vkshPrint(ctl, "Running hypervisor: %s %u.%u.%u\n", hvType,
                  VERSION_ARGS(hvVersion));
    if (vkshOptBool(cmd, "daemon")) {
        unsigned long lv = 0;

        if (virConnectGetLibVersion(ctl->conn, &lv) < 0) {
            vkshError(ctl, "failed to get the daemon version");
            return false;
        }
        vkshPrint(ctl, "Running against daemon: %u.%u.%u\n", VERSION_ARGS(lv));
    }
    return true;
}

static const vkshCmdDef cmdDefCapabilities = {
    "capabilities", cmdCapabilities, NULL, "capabilities",
    "Prints the host's and its hypervisor's capabilities as XML.", 0,
};
static const vkshCmdDef cmdDefHostname = {
    "hostname", cmdHostname, NULL, "print the hypervisor hostname", "", 0,
};
static const vkshCmdDef cmdDefNodeinfo = {
    "nodeinfo", cmdNodeinfo, NULL, "node information",
    "Shows the host's CPUs, NUMA cells and memory.", 0,
};
static const vkshCmdDef cmdDefSysinfo = {
    "sysinfo", cmdSysinfo, NULL, "print the hypervisor sysinfo",
    "Prints the host's SMBIOS-like system information as XML.", 0,
};
static const vkshCmdDef cmdDefUri = {
    "uri", cmdUri, NULL, "print the hypervisor canonical URI", "", 0,
};
static const vkshCmdDef cmdDefVersion = {
    "version", cmdVersion, optsVersion, "show version",
    "Shows the library, API and hypervisor versions.", 0,
};

const vkshCmdDef *const vkshHostCmds[] = {
    &vkshCmdAllocpages,
    &cmdDefCapabilities,
    &vkshCmdCpuBaseline,
    &vkshCmdCpuCompare,
    &vkshCmdCpuModels,
    &vkshCmdDomcapabilities,
    &vkshCmdFreecell,
    &vkshCmdFreepages,
    &cmdDefHostname,
    &vkshCmdHypervisorCpuBaseline,
    &vkshCmdHypervisorCpuCompare,
    &vkshCmdMaxvcpus,
    &vkshCmdNodeMemoryTune,
    &vkshCmdNodecpumap,
    &vkshCmdNodecpustats,
    &cmdDefNodeinfo,
    &vkshCmdNodememstats,
    &vkshCmdNodesevinfo,
    &vkshCmdNodesuspend,
    &cmdDefSysinfo,
    &cmdDefUri,
    &cmdDefVersion,
    NULL,
};
