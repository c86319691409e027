/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-host-CPU time of a guest (virDomainGetCPUStats with start_cpu >= 0,
 * `virsh cpu-stats` without --total): "cpu_time" (all of QEMU's threads)
 * and "vcpu_time" (its vCPU threads) for each host CPU.
 *
 * libvirt reads these from the cpuacct cgroup; virtkit places QEMU in no
 * cgroup, so the split comes from /proc/PID/task/TID/stat instead: each
 * thread's whole CPU time is counted on the CPU it last ran on.  A thread
 * that migrated between CPUs is thus counted where it is now, not where
 * it ran -- the totals are exact, the split is the kernel's latest view.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/cpuset.h"
#include "drivers/qemu/qemu-stats.h"

#define PER_CPU_PARAMS 2

/* Host CPUs as libvirt counts them: the highest present one + 1. */
static int
hostCpus(void)
{
    g_autofree char *present = NULL;
    g_autofree guint8 *bits = NULL;
    int n = 0;

    if (!g_file_get_contents("/sys/devices/system/cpu/present", &present, NULL, NULL) ||
        !(bits = vkCpusetParse(g_strstrip(present)))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "cannot read the present CPUs from /sys/devices/system/cpu/present");
        return -1;
    }
    for (int i = 0; i <= VK_CPUSET_MAX; i++) {
        if (bits[i])
            n = i + 1;
    }
    return n;
}

static bool
isVcpu(const GArray *vcpus, int tid)
{
    for (guint i = 0; vcpus && i < vcpus->len; i++) {
        if (g_array_index(vcpus, vkQemuVcpuThread, i).tid == tid)
            return true;
    }
    return false;
}

/* Adds each thread's time to cpu[last CPU] (and vcpu[...] for vCPUs). */
static int
sumThreads(int pid, const GArray *vcpus, unsigned long long *cpu, unsigned long long *vcpu,
           int ncpus)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/task", pid);
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return -1;
    }
    while ((e = readdir(d))) {
        int tid = atoi(e->d_name);
        vkQemuProcStat ps;

        /* a thread that ended since readdir is simply not counted */
        if (tid <= 0 || vkQemuProcStatRead(pid, tid, &ps) < 0 ||
            ps.processor < 0 || ps.processor >= ncpus)
            continue;
        cpu[ps.processor] += ps.userNs + ps.systemNs;
        if (isVcpu(vcpus, tid))
            vcpu[ps.processor] += ps.userNs + ps.systemNs;
    }
    closedir(d);
    return 0;
}

static void
setULL(virTypedParameterPtr p, const char *field, unsigned long long v)
{
    memset(p, 0, sizeof(*p));
    g_strlcpy(p->field, field, VIR_TYPED_PARAM_FIELD_LENGTH);
    p->type = VIR_TYPED_PARAM_ULLONG;
    p->value.ul = v;
}

int
vkQemuPercpuStats(vkQemuState *st, vkQemuDomain *obj, virTypedParameterPtr params,
                  unsigned int nparams, int start_cpu, unsigned int ncpus)
{
    g_autoptr(GArray) vcpus = NULL;
    g_autofree unsigned long long *cpu = NULL;
    g_autofree unsigned long long *vcpu = NULL;
    unsigned int per = MIN(nparams, PER_CPU_PARAMS);
    int total, pid;

    /* called locked with a reference; returns unlocked */
    if (nparams == 0 && ncpus != 0) {
        g_mutex_unlock(&st->lock);
        return PER_CPU_PARAMS;
    }
    g_mutex_unlock(&st->lock);
    if ((total = hostCpus()) < 0)
        return -1;
    if (ncpus == 0)
        return total;
    if (start_cpu >= total) {
        vkReportError(VIR_ERR_INVALID_ARG, "start_cpu %d larger than maximum of %d",
                      start_cpu, total - 1);
        return -1;
    }
    g_mutex_lock(&st->lock);
    pid = obj->run ? obj->run->pid : 0;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    if (per >= 2 && !(vcpus = vkQemuVcpuThreads(st, obj))) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    g_mutex_unlock(&st->lock);

    cpu = g_new0(unsigned long long, total);
    vcpu = g_new0(unsigned long long, total);
    if (sumThreads(pid, vcpus, cpu, vcpu, total) < 0)
        return -1;
    for (unsigned int i = 0; i < ncpus && start_cpu + (int)i < total; i++) {
        int c = start_cpu + (int)i;

        if (per >= 1)
            setULL(&params[i * nparams], VIR_DOMAIN_CPU_STATS_CPUTIME, cpu[c]);
        if (per >= 2)
            setULL(&params[i * nparams + 1], VIR_DOMAIN_CPU_STATS_VCPUTIME, vcpu[c]);
    }
    return (int)per;
}
