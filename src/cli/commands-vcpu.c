/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-vcpu.c: where a domain's virtual CPUs run — vcpuinfo, vcpupin,
 * emulatorpin.
 * Host CPU sets travel as libvirt's cpumaps (one bit per host CPU, the
 * host's CPU count from virNodeGetInfo); the shell reads and writes them
 * in virsh's two spellings, "yy-y" (one character per CPU) and "0-1,3"
 * (ranges), so output diffs cleanly against virsh's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

/* The host's CPU count, which sizes every cpumap: as virsh, the CPU map's
 * length where the driver has one, else the node info's topology. */
int
vkshHostCpuCount(vkshCtl *ctl)
{
    virNodeInfo info;
    int n;

    if ((n = virNodeGetCPUMap(ctl->conn, NULL, NULL, 0)) >= 0)
        return n;
    vkshResetLibError(ctl);
    if (virNodeGetInfo(ctl->conn, &info) < 0) {
        vkshError(ctl, "failed to get node information");
        return -1;
    }
    return VIR_NODEINFO_MAXCPUS(info);
}

/* "0-3,6": the set CPUs of a map of ncpus, as ranges. */
char *
vkshCpumapFormat(const unsigned char *map, int ncpus)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < ncpus; i++) {
        int j = i;

        if (!VIR_CPU_USED(map, i))
            continue;
        while (j + 1 < ncpus && VIR_CPU_USED(map, j + 1))
            j++;
        if (s->len)
            g_string_append_c(s, ',');
        if (j == i)
            g_string_append_printf(s, "%d", i);
        else
            g_string_append_printf(s, "%d-%d", i, j);
        i = j;
    }
    return g_string_free(s, FALSE);
}

void
vkshCpumapPrint(vkshCtl *ctl, const unsigned char *map, int ncpus, bool pretty)
{
    g_autofree char *ranges = NULL;

    if (pretty) {
        ranges = vkshCpumapFormat(map, ncpus);
        vkshPrint(ctl, "%s", ranges);
        return;
    }
    for (int i = 0; i < ncpus; i++)
        vkshPrint(ctl, "%c", VIR_CPU_USED(map, i) ? 'y' : '-');
}

static bool
parseCpuNumber(const char **p, int *out)
{
    char *end;
    long v;

    if (!g_ascii_isdigit(**p))
        return false;
    errno = 0;
    v = strtol(*p, &end, 10);
    if (errno || v > INT_MAX)
        return false;
    *out = (int)v;
    *p = end;
    return true;
}

/* virsh's cpulist: "r" (every host CPU) or comma-separated N, N-M and ^N
 * (take N out again).  Returns the map (maplen bytes) or NULL after
 * saying why. */
unsigned char *
vkshParseCpulist(vkshCtl *ctl, const char *list, int ncpus, int *maplen)
{
    g_autofree unsigned char *map = NULL;
    const char *p = list;
    bool any = false;

    *maplen = VIR_CPU_MAPLEN(ncpus);
    map = g_new0(unsigned char, *maplen);
    if (strcmp(list, "r") == 0) {
        for (int i = 0; i < ncpus; i++)
            VIR_USE_CPU(map, i);
        return g_steal_pointer(&map);
    }
    while (*p) {
        bool neg = *p == '^';
        int lo, hi;

        if (neg)
            p++;
        if (!parseCpuNumber(&p, &lo))
            goto invalid;
        hi = lo;
        if (*p == '-' && !neg) {
            p++;
            if (!parseCpuNumber(&p, &hi) || hi < lo)
                goto invalid;
        }
        if (*p == ',')
            p++;
        else if (*p)
            goto invalid;
        if (hi >= ncpus) {
            vkshError(ctl, "CPU %d in cpulist '%s' exceed the maxcpu %d", hi, list, ncpus);
            return NULL;
        }
        for (int i = lo; i <= hi; i++) {
            if (neg)
                VIR_UNUSE_CPU(map, i);
            else
                VIR_USE_CPU(map, i);
        }
    }
    for (int i = 0; i < ncpus; i++)
        any |= VIR_CPU_USED(map, i);
    if (any)
        return g_steal_pointer(&map);

 invalid:
    vkshError(ctl, "Invalid cpulist '%s'", list);
    return NULL;
}

static const vkshOptDef optsVcpuinfo[] = {
    VKSH_OPT_DOMAIN,
    { "pretty", VKSH_OT_BOOL, 0, "return human readable output" },
    { NULL, 0, 0, NULL },
};

/* Indexed by VIR_VCPU_*. */
static const char *const vcpuStateNames[] = { "offline", "running", "blocked" };

static bool
cmdVcpuinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree virVcpuInfoPtr info = NULL;
    g_autofree unsigned char *maps = NULL;
    bool pretty = vkshOptBool(cmd, "pretty");
    bool active;
    int ncpus, maplen, nvcpus;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        (ncpus = vkshHostCpuCount(ctl)) < 0)
        return false;
    active = virDomainIsActive(dom) == 1;
    if ((nvcpus = virDomainGetVcpusFlags(dom, active ? VIR_DOMAIN_AFFECT_LIVE :
                                         VIR_DOMAIN_AFFECT_CONFIG)) < 0)
        return false;
    maplen = VIR_CPU_MAPLEN(ncpus);
    maps = g_new0(unsigned char, (size_t)nvcpus * maplen);
    if (active) {
        info = g_new0(virVcpuInfo, nvcpus);
        if ((nvcpus = virDomainGetVcpus(dom, info, nvcpus, maps, maplen)) < 0)
            return false;
    } else if ((nvcpus = virDomainGetVcpuPinInfo(dom, nvcpus, maps, maplen,
                                                 VIR_DOMAIN_AFFECT_CONFIG)) < 0) {
        return false;
    }

    for (int n = 0; n < nvcpus; n++) {
        const unsigned char *map = VIR_GET_CPUMAP(maps, maplen, n);

        if (n)
            vkshPrint(ctl, "\n");
        vkshPrint(ctl, "%-15s %d\n", "VCPU:", info ? (int)info[n].number : n);
        if (info) {
            vkshPrint(ctl, "%-15s %d\n", "CPU:", info[n].cpu);
            vkshPrint(ctl, "%-15s %s\n", "State:", VKSH_ENUM_NAME(vcpuStateNames, info[n].state, "no state"));
            if (info[n].cpuTime)
                vkshPrint(ctl, "%-15s %.1lfs\n", "CPU time:", info[n].cpuTime / 1e9);
        } else {
            /* virsh's spelling, "CPU time" without the colon, kept. */
            vkshPrint(ctl, "%-15s %s\n", "CPU:", "N/A");
            vkshPrint(ctl, "%-15s %s\n", "State:", "N/A");
            vkshPrint(ctl, "%-15s %s\n", "CPU time", "N/A");
        }
        vkshPrint(ctl, "%-15s ", "CPU Affinity:");
        vkshCpumapPrint(ctl, map, ncpus, pretty);
        if (pretty)
            vkshPrint(ctl, " (out of %d)", ncpus);
        vkshPrint(ctl, "\n");
    }
    return true;
}

#define OPT_CPULIST \
    { "cpulist", VKSH_OT_STRING, 0, "host cpu number(s) to set, or omit option to query" }

static const vkshOptDef optsVcpupin[] = {
    VKSH_OPT_DOMAIN,
    { "vcpu", VKSH_OT_INT, 0, "vcpu number" },
    OPT_CPULIST,
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

/* Query mode shows one state: live and config together make no sense. */
static bool
queryFlags(vkshCtl *ctl, const vkshCmd *cmd, unsigned int *flags)
{
    if (!vkshAffectFlags(ctl, cmd, flags))
        return false;
    if (!vkshOptString(cmd, "cpulist") && vkshOptBool(cmd, "live") &&
        vkshOptBool(cmd, "config")) {
        vkshError(ctl, "Options --live and --config are mutually exclusive");
        return false;
    }
    return true;
}

static bool
vcpupinQuery(vkshCtl *ctl, virDomainPtr dom, int vcpu, bool gotVcpu, int ncpus,
             unsigned int flags)
{
    g_autoptr(vkshTable) table = NULL;
    g_autofree unsigned char *maps = NULL;
    bool live = (flags & VIR_DOMAIN_AFFECT_LIVE) ||
                (!(flags & VIR_DOMAIN_AFFECT_CONFIG) && virDomainIsActive(dom) == 1);
    int maplen = VIR_CPU_MAPLEN(ncpus);
    int nvcpus;

    if ((nvcpus = virDomainGetVcpusFlags(dom, flags | VIR_DOMAIN_VCPU_MAXIMUM)) < 0)
        return false;
    if (gotVcpu && vcpu >= nvcpus) {
        vkshError(ctl, "vcpu %d is out of range of %s cpu count %d", vcpu,
                  live ? "live" : "persistent", nvcpus);
        return false;
    }
    maps = g_new0(unsigned char, (size_t)nvcpus * maplen);
    if ((nvcpus = virDomainGetVcpuPinInfo(dom, nvcpus, maps, maplen, flags)) < 0)
        return false;
    table = vkshTableNew("VCPU", "CPU Affinity", NULL);
    for (int i = 0; i < nvcpus; i++) {
        g_autofree char *num = NULL;
        g_autofree char *set = NULL;

        if (gotVcpu && i != vcpu)
            continue;
        num = g_strdup_printf("%d", i);
        set = vkshCpumapFormat(VIR_GET_CPUMAP(maps, maplen, i), ncpus);
        vkshTableAddRow(table, num, set, NULL);
    }
    vkshTablePrint(ctl, table);
    return true;
}

static bool
cmdVcpupin(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree unsigned char *map = NULL;
    const char *cpulist = vkshOptString(cmd, "cpulist");
    unsigned int flags;
    int vcpu = 0, gotVcpu, ncpus, maplen, rc;

    if (!queryFlags(ctl, cmd, &flags))
        return false;
    if ((gotVcpu = vkshOptInt(ctl, cmd, "vcpu", &vcpu)) < 0)
        return false;
    if (gotVcpu && vcpu < 0) {
        vkshError(ctl, "Invalid vCPU number.");
        return false;
    }
    if (cpulist && !gotVcpu) {
        vkshError(ctl, "vcpupin: Missing vCPU number in pin mode.");
        return false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        (ncpus = vkshHostCpuCount(ctl)) < 0)
        return false;
    if (!cpulist)
        return vcpupinQuery(ctl, dom, vcpu, gotVcpu, ncpus, flags);

    if (!(map = vkshParseCpulist(ctl, cpulist, ncpus, &maplen)))
        return false;
    if (vkshAffectGiven(cmd))
        rc = virDomainPinVcpuFlags(dom, vcpu, map, maplen, flags);
    else
        rc = virDomainPinVcpu(dom, vcpu, map, maplen);
    return rc == 0;
}

static const vkshOptDef optsEmulatorpin[] = {
    VKSH_OPT_DOMAIN,
    OPT_CPULIST,
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdEmulatorpin(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree unsigned char *map = NULL;
    g_autofree char *set = NULL;
    const char *cpulist = vkshOptString(cmd, "cpulist");
    unsigned int flags;
    int ncpus, maplen;

    if (!queryFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        (ncpus = vkshHostCpuCount(ctl)) < 0)
        return false;
    if (cpulist) {
        if (!(map = vkshParseCpulist(ctl, cpulist, ncpus, &maplen)))
            return false;
        return virDomainPinEmulator(dom, map, maplen, flags) == 0;
    }
    maplen = VIR_CPU_MAPLEN(ncpus);
    map = g_new0(unsigned char, maplen);
    if (virDomainGetEmulatorPinInfo(dom, map, maplen, flags) < 0)
        return false;
    set = vkshCpumapFormat(map, ncpus);
    vkshPrint(ctl, "%s %s\n", "emulator:", "CPU Affinity");
    vkshPrint(ctl, "----------------------------------\n");
    vkshPrint(ctl, "%*s %s\n", 9, "*:", set);
    return true;
}

VKSH_CMD(vkshCmdVcpuinfo, "vcpuinfo", cmdVcpuinfo, optsVcpuinfo,
         "detailed domain vcpu information",
         "Shows, for each virtual CPU, the host CPU it runs on, its state, the CPU "
         "time it used and the host CPUs it may run on.");
VKSH_CMD(vkshCmdVcpupin, "vcpupin", cmdVcpupin, optsVcpupin,
         "control or query domain vcpu affinity",
         "Pins a virtual CPU to a set of host CPUs, or shows the pinning of every "
         "virtual CPU.");
VKSH_CMD(vkshCmdEmulatorpin, "emulatorpin", cmdEmulatorpin, optsEmulatorpin,
         "control or query domain emulator affinity",
         "Pins the emulator threads to a set of host CPUs, or shows their pinning.");
