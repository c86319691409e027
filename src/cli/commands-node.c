/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-node.c: the host's CPUs and memory as the hypervisor counts
 * them (nodecpumap, nodecpustats, nodememstats) and what its emulators
 * offer guests (cpu-models, domcapabilities). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vksh.h"

static const vkshOptDef optsNodecpumap[] = {
    { "pretty", VKSH_OT_BOOL, 0, "return human readable output" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNodecpumap(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned char *map = NULL;
    unsigned int online = 0;
    int ncpus;

    if ((ncpus = virNodeGetCPUMap(ctl->conn, &map, &online, 0)) < 0) {
        vkshError(ctl, "Unable to get cpu map");
        return false;
    }
    vkshPrint(ctl, "%-15s %d\n", "CPUs present:", ncpus);
    vkshPrint(ctl, "%-15s %u\n", "CPUs online:", online);
    vkshPrint(ctl, "%-15s ", "CPU map:");
    vkshCpumapPrint(ctl, map, ncpus, vkshOptBool(cmd, "pretty"));
    vkshPrint(ctl, "\n");
    free(map);
    return true;
}

static const vkshOptDef optsNodecpustats[] = {
    { "cpu", VKSH_OT_INT, 0, "prints specified cpu statistics only." },
    { "percent", VKSH_OT_BOOL, 0, "prints by percentage during 1 second." },
    { NULL, 0, 0, NULL },
};

enum { CPU_USER, CPU_SYSTEM, CPU_IDLE, CPU_IOWAIT, CPU_LAST };

/* One sample of the four counters virsh shows; false after an error. */
static bool
nodeCpuSample(vkshCtl *ctl, int cpu, unsigned long long *out, bool *have)
{
    g_autofree virNodeCPUStatsPtr params = NULL;
    int nparams = 0;

    if (virNodeGetCPUStats(ctl->conn, cpu, NULL, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get number of cpu stats");
        return false;
    }
    if (nparams == 0)
        return true;
    params = g_new0(virNodeCPUStats, nparams);
    if (virNodeGetCPUStats(ctl->conn, cpu, params, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get node cpu stats");
        return false;
    }
    for (int i = 0; i < nparams; i++) {
        int which = -1;

        if (strcmp(params[i].field, VIR_NODE_CPU_STATS_USER) == 0)
            which = CPU_USER;
        else if (strcmp(params[i].field, VIR_NODE_CPU_STATS_KERNEL) == 0)
            which = CPU_SYSTEM;
        else if (strcmp(params[i].field, VIR_NODE_CPU_STATS_IDLE) == 0)
            which = CPU_IDLE;
        else if (strcmp(params[i].field, VIR_NODE_CPU_STATS_IOWAIT) == 0)
            which = CPU_IOWAIT;
        if (which >= 0) {
            out[which] = params[i].value;
            have[which] = true;
        }
    }
    return true;
}

static bool
cmdNodecpustats(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const names[CPU_LAST] = { "user:", "system:", "idle:", "iowait:" };
    unsigned long long first[CPU_LAST] = { 0 }, second[CPU_LAST] = { 0 };
    bool have[CPU_LAST] = { false };
    int cpu = VIR_NODE_CPU_STATS_ALL_CPUS, got;
    double total = 0, delta[CPU_LAST];

    if ((got = vkshOptInt(ctl, cmd, "cpu", &cpu)) < 0)
        return false;
    if (got && cpu < 0) {
        vkshError(ctl, "Invalid value for option --cpu");
        return false;
    }
    if (!nodeCpuSample(ctl, cpu, first, have))
        return false;
    if (!vkshOptBool(cmd, "percent")) {
        for (int i = 0; i < CPU_LAST; i++) {
            if (have[i])
                vkshPrint(ctl, "%-15s %20llu\n", names[i], first[i]);
        }
        return true;
    }

    /* Percentages are of the second that follows: two samples. */
    sleep(1);
    if (!nodeCpuSample(ctl, cpu, second, have))
        return false;
    for (int i = 0; i < CPU_LAST; i++) {
        delta[i] = (double)(second[i] - first[i]);
        total += delta[i];
    }
    vkshPrint(ctl, "%-15s %5.1lf%%\n", "usage:",
              (delta[CPU_USER] + delta[CPU_SYSTEM]) / total * 100);
    for (int i = 0; i < CPU_LAST; i++)
        vkshPrint(ctl, "%-15s %5.1lf%%\n", names[i], delta[i] / total * 100);
    return true;
}

static const vkshOptDef optsNodememstats[] = {
    { "cell", VKSH_OT_INT, 0, "prints specified cell statistics only." },
    { NULL, 0, 0, NULL },
};

static bool
cmdNodememstats(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree virNodeMemoryStatsPtr params = NULL;
    int cell = VIR_NODE_MEMORY_STATS_ALL_CELLS, nparams = 0;

    if (vkshOptInt(ctl, cmd, "cell", &cell) < 0)
        return false;
    if (virNodeGetMemoryStats(ctl->conn, cell, NULL, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get number of memory stats");
        return false;
    }
    if (nparams == 0)
        return true;
    params = g_new0(virNodeMemoryStats, nparams);
    if (virNodeGetMemoryStats(ctl->conn, cell, params, &nparams, 0) < 0) {
        vkshError(ctl, "Unable to get memory stats");
        return false;
    }
    for (int i = 0; i < nparams; i++)
        vkshPrint(ctl, "%-7s: %20llu KiB\n", params[i].field, params[i].value);
    return true;
}

static const vkshOptDef optsCpuModels[] = {
    { "arch", VKSH_OT_DATA, VKSH_OFLAG_REQ, "architecture" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCpuModels(vkshCtl *ctl, const vkshCmd *cmd)
{
    char **models = NULL;
    int n;

    if ((n = virConnectGetCPUModelNames(ctl->conn, vkshOptString(cmd, "arch"),
                                        &models, 0)) < 0) {
        vkshError(ctl, "failed to get CPU model names");
        return false;
    }
    if (n == 0)
        vkshPrint(ctl, "all CPU models are accepted\n");
    for (int i = 0; i < n; i++) {
        vkshPrint(ctl, "%s\n", models[i]);
        free(models[i]);
    }
    free(models);
    return true;
}

static const vkshOptDef optsDomcapabilities[] = {
    { "virttype", VKSH_OT_STRING, 0, "virtualization type (/domain/@type)" },
    { "emulatorbin", VKSH_OT_STRING, 0, "path to emulator binary (/domain/devices/emulator)" },
    { "arch", VKSH_OT_STRING, 0, "domain architecture (/domain/os/type/@arch)" },
    { "machine", VKSH_OT_STRING, 0, "machine type (/domain/os/type/@machine)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomcapabilities(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *caps = virConnectGetDomainCapabilities(
        ctl->conn, vkshOptString(cmd, "emulatorbin"), vkshOptString(cmd, "arch"),
        vkshOptString(cmd, "machine"), vkshOptString(cmd, "virttype"), 0);

    if (!caps) {
        vkshError(ctl, "failed to get emulator capabilities");
        return false;
    }
    vkshPrint(ctl, "%s", caps);
    return true;
}

VKSH_CMD(vkshCmdNodecpumap, "nodecpumap", cmdNodecpumap, optsNodecpumap,
         "node cpu map",
         "Shows how many host CPUs exist, how many are online, and which.");
VKSH_CMD(vkshCmdNodecpustats, "nodecpustats", cmdNodecpustats, optsNodecpustats,
         "Prints cpu stats of the node.",
         "Shows the host's CPU time counters (in nanoseconds) for all CPUs or one; "
         "with --percent, the share of each over the next second.");
VKSH_CMD(vkshCmdNodememstats, "nodememstats", cmdNodememstats, optsNodememstats,
         "Prints memory stats of the node.",
         "Shows the host's memory counters (total, free, buffers, cached) for all "
         "NUMA cells or one.");
VKSH_CMD(vkshCmdCpuModels, "cpu-models", cmdCpuModels, optsCpuModels,
         "CPU models",
         "Lists the CPU models the hypervisor offers for an architecture.");
VKSH_CMD(vkshCmdDomcapabilities, "domcapabilities", cmdDomcapabilities,
         optsDomcapabilities, "domain capabilities",
         "Prints, as XML, what a domain of one emulator, architecture, machine and "
         "virtualization type may contain.");
