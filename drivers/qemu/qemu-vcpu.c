/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual CPUs of QEMU guests: vcpuinfo (QEMU's vCPU threads from
 * query-cpus-fast, their time, last CPU and affinity from the host),
 * vcpucount and setvcpus.
 *
 * Hot-plug adds vCPUs with device_add in the free slots QEMU lists in
 * query-hotpluggable-cpus (-smp N,maxcpus=M leaves M-N of them), as
 * libvirt does.  Unplug takes back only vCPUs plugged that way (device
 * ids vcpuN, highest first): device_del asks the guest (ACPI eject) and
 * the count drops when its DEVICE_DELETED comes; vCPUs of -smp are not
 * devices and cannot go, as libvirt refuses non-hotpluggable ones.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-stats.h"

GArray *
vkQemuVcpuThreads(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkJSON) ret = NULL;
    GArray *threads;

    if (vkQemuQuery(st, obj, "query-cpus-fast", NULL, &ret) < 0)
        return NULL;
    threads = g_array_new(FALSE, TRUE, sizeof(vkQemuVcpuThread));
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        vkJSON *c = vkJSONArrayGet(ret, i);
        long long idx = -1, tid = 0;
        vkJSON *j;

        if ((j = vkJSONObjectGet(c, "cpu-index")))
            vkJSONGetInt64(j, &idx);
        if ((j = vkJSONObjectGet(c, "thread-id")))
            vkJSONGetInt64(j, &tid);
        if (idx < 0 || idx >= 16384)
            continue;
        if ((guint)idx >= threads->len)
            g_array_set_size(threads, idx + 1);
        g_array_index(threads, vkQemuVcpuThread, idx).tid = tid;
        g_array_index(threads, vkQemuVcpuThread, idx).online = true;
    }
    return threads;
}

int
vkQemuDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                     unsigned char *cpumaps, int maplen)
{
    g_autoptr(GArray) threads = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    int pid = 0, n = 0;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (obj->id < 0 || !obj->run) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot retrieve vcpu information for inactive domain");
        return -1;
    }
    vkQemuDomainRef(obj);
    pid = obj->run->pid;
    threads = vkQemuVcpuThreads(st, obj);
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    if (!threads)
        return -1;
    if (cpumaps)
        memset(cpumaps, 0, (size_t)maxinfo * maplen);
    for (guint i = 0; i < threads->len && n < maxinfo; i++) {
        const vkQemuVcpuThread *t = &g_array_index(threads, vkQemuVcpuThread, i);
        vkQemuProcStat ps = { 0 };

        if (!t->online)
            continue;
        vkQemuProcStatRead(pid, t->tid, &ps);
        info[n].number = i;
        info[n].state = VIR_VCPU_RUNNING;
        info[n].cpuTime = ps.userNs + ps.systemNs;
        info[n].cpu = ps.processor;
        if (cpumaps) {
            cpu_set_t set;
            unsigned char *map = cpumaps + (size_t)n * maplen;

            CPU_ZERO(&set);
            if (sched_getaffinity(t->tid, sizeof(set), &set) == 0) {
                for (int c = 0; c < maplen * 8 && c < CPU_SETSIZE; c++)
                    if (CPU_ISSET(c, &set))
                        map[c / 8] |= 1 << (c % 8);
            }
        }
        n++;
    }
    return n;
}

/* Which definition a flags value names: live or persistent; -1 (error
 * reported) when it names none.  Called locked. */
static int
pickDef(vkQemuDomain *obj, unsigned int flags, vkDomainDef **def)
{
    bool live, config;

    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' "
                      "are mutually exclusive");
        return -1;
    }
    if (vkQemuAffect(obj, flags, &live, &config) < 0)
        return -1;
    *def = live ? obj->def : obj->newDef ? obj->newDef : obj->def;
    return live;
}

int
vkQemuDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainDef *def;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                 VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_VCPU_GUEST, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (pickDef(obj, flags, &def) < 0)
        goto out;
    if (flags & VIR_DOMAIN_VCPU_GUEST) {
        /* the guest's own count comes from the guest agent */
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s", "QEMU guest agent is not configured");
        goto out;
    }
    if (flags & VIR_DOMAIN_VCPU_MAXIMUM)
        ret = def->maxVcpus ? def->maxVcpus : 1;
    else
        ret = def->vcpus ? def->vcpus : (def->maxVcpus ? def->maxVcpus : 1);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuDomainGetMaxVcpus(virDomainPtr dom)
{
    return vkQemuDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
}

/* Plugs vCPUs into free slots until def counts want; called locked with
 * the job.  Each device_add is one vCPU (one thread per slot here). */
static int
hotplugVcpus(vkQemuState *st, vkQemuDomain *obj, unsigned int want)
{
    g_autoptr(vkJSON) slots = NULL;
    unsigned int have = obj->def->vcpus ? obj->def->vcpus : obj->def->maxVcpus;

    if (vkQemuDomainMonitorCommand(st, obj, "query-hotpluggable-cpus", NULL, &slots) < 0)
        return -1;
    /* QEMU lists slots from the last; plug the lowest free ones first */
    for (size_t i = vkJSONArraySize(slots); i-- > 0 && have < want;) {
        vkJSON *s = vkJSONArrayGet(slots, i);
        vkJSON *props = vkJSONObjectGet(s, "props");
        vkJSON *args;
        const char *type = vkJSONObjectGetString(s, "type");

        if (vkJSONObjectGet(s, "qom-path") || !props || !type)
            continue;
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "driver", type);
        {
            g_autofree char *id = g_strdup_printf("vcpu%u", have);
            vkJSONObjectAppendString(args, "id", id);
        }
        for (size_t k = 0; k < vkJSONObjectSize(props); k++) {
            long long v;

            if (vkJSONGetInt64(vkJSONObjectValueAt(props, k), &v) == 0)
                vkJSONObjectAppendInt(args, vkJSONObjectKeyAt(props, k), v);
        }
        if (vkQemuDomainMonitorCommand(st, obj, "device_add", args, NULL) < 0)
            return -1;
        if (!obj->run)
            break;
        obj->def->vcpus = ++have;
    }
    if (have < want) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU has no free vCPU slot for vCPU %u of domain '%s'", have, obj->name);
        return -1;
    }
    return 0;
}

/* Unplugs the highest vCPUs until def counts want; locked, job held. */
static int
unplugVcpus(vkQemuState *st, vkQemuDomain *obj, unsigned int want)
{
    g_autoptr(vkJSON) slots = NULL;
    unsigned int have = obj->def->vcpus ? obj->def->vcpus : obj->def->maxVcpus;

    if (vkQemuDomainMonitorCommand(st, obj, "query-hotpluggable-cpus", NULL, &slots) < 0)
        return -1;
    while (have > want) {
        g_autofree char *id = g_strdup_printf("vcpu%u", have - 1);
        g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
        bool plugged = false;

        for (size_t i = 0; i < vkJSONArraySize(slots) && !plugged; i++)
            plugged = g_strcmp0(vkJSONObjectGetString(vkJSONArrayGet(slots, i), "qom-path"),
                                path) == 0;
        if (!plugged) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "vcpu '%u' can't be unplugged", have - 1);
            return -1;
        }
        if (vkQemuUnplugDevice(st, obj, id) < 0)
            return -1;
        if (!obj->run)
            break;
        obj->def->vcpus = --have;
    }
    return 0;
}

int
vkQemuDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainDef *def;
    int live, ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM |
                 VIR_DOMAIN_VCPU_GUEST | VIR_DOMAIN_VCPU_HOTPLUGGABLE, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if ((live = pickDef(obj, flags, &def)) < 0)
        goto out;
    if (flags & VIR_DOMAIN_VCPU_GUEST) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s", "QEMU guest agent is not configured");
        goto out;
    }
    if (nvcpus == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "argument unsupported: nvcpus");
        goto out;
    }
    if (flags & VIR_DOMAIN_VCPU_MAXIMUM) {
        if (live) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "cannot change the maximum vCPU count of a running domain");
            goto out;
        }
        def->maxVcpus = nvcpus;
        if (def->vcpus > nvcpus)
            def->vcpus = nvcpus;
        ret = vkQemuSaveConfig(st, def);
        goto out;
    }
    if (nvcpus > (def->maxVcpus ? def->maxVcpus : 1)) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "requested vcpus is greater than max allowable vcpus for the "
                      "%s domain: %u > %u", live ? "live" : "persistent", nvcpus,
                      def->maxVcpus ? def->maxVcpus : 1);
        goto out;
    }
    if (!live) {
        def->vcpus = nvcpus;
        ret = vkQemuSaveConfig(st, def);
        goto out;
    }
    if (nvcpus < (def->vcpus ? def->vcpus : def->maxVcpus))
        ret = unplugVcpus(st, obj, nvcpus);
    else
        ret = hotplugVcpus(st, obj, nvcpus);
    if (obj->run && vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

int
vkQemuDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus)
{
    return vkQemuDomainSetVcpusFlags(dom, nvcpus, VIR_DOMAIN_AFFECT_LIVE);
}

/* Sets the bits of a kernel CPU list ("0-3,5") in map (maplen bytes);
 * returns the highest CPU named, -1 when malformed. */
static int
cpuListToMap(const char *list, unsigned char *map, int maplen)
{
    g_auto(GStrv) parts = g_strsplit(list, ",", -1);
    int last = -1;

    for (size_t i = 0; parts[i]; i++) {
        char *p = g_strstrip(parts[i]), *end;
        long a, b;

        if (!*p)
            continue;
        a = b = strtol(p, &end, 10);
        if (end == p || a < 0)
            return -1;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        if (*end || b < a)
            return -1;
        for (long c = a; c <= b; c++) {
            if (map && c < maplen * 8L)
                map[c / 8] |= 1 << (c % 8);
        }
        last = MAX(last, (int)b);
    }
    return last;
}

int
vkQemuNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                    unsigned int flags)
{
    g_autofree char *present = NULL;
    g_autofree char *on = NULL;
    g_autofree unsigned char *map = NULL;
    int ncpus, maplen;

    vkCheckFlags(0, -1);
    (void)conn;
    if (!g_file_get_contents("/sys/devices/system/cpu/present", &present, NULL, NULL) ||
        !g_file_get_contents("/sys/devices/system/cpu/online", &on, NULL, NULL) ||
        (ncpus = cpuListToMap(present, NULL, 0) + 1) <= 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "cannot read the host's CPUs from /sys/devices/system/cpu");
        return -1;
    }
    maplen = (ncpus + 7) / 8;
    map = g_new0(unsigned char, maplen);
    cpuListToMap(on, map, maplen);
    if (online) {
        *online = 0;
        for (int c = 0; c < ncpus; c++)
            *online += (map[c / 8] >> (c % 8)) & 1;
    }
    if (cpumap)
        *cpumap = g_steal_pointer(&map);
    return ncpus;
}
