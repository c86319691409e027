/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virConnectGetAllDomainStats for QEMU (domstats): what monitoring
 * exporters scrape, one record of typed parameters per domain with the
 * groups libvirt 9.0 has and its names for each figure.
 *
 * Each group is one function that appends its parameters; a group with
 * nothing to say here adds nothing, as libvirt's does (perf without perf
 * events, iothread without <iothreads>, memory without resctrl, vm
 * under TCG).  Definitions are read under the state lock; QEMU is asked
 * under the domain's job with the lock dropped, so one slow guest delays
 * only its own record (and with NOWAIT a busy guest gives only what its
 * definition says).
 */
#include <string.h>
#include <sys/stat.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-stats.h"

#define SUPPORTED_GROUPS                                                               \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |  \
     VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK |      \
     VIR_DOMAIN_STATS_PERF | VIR_DOMAIN_STATS_IOTHREAD | VIR_DOMAIN_STATS_MEMORY |      \
     VIR_DOMAIN_STATS_DIRTYRATE | VIR_DOMAIN_STATS_VM)

typedef struct {
    vkQemuState *st;
    vkQemuDomain *obj;       /* locked, referenced */
    bool live;               /* running, and QEMU may be asked */
    virTypedParameterPtr params;
    int n, max;
    bool oom;                /* an add failed; the record is dropped */
} statsRec;

static void
addULL(statsRec *r, unsigned long long v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
addULL(statsRec *r, unsigned long long v, const char *fmt, ...)
{
    g_autofree char *name = NULL;
    va_list ap;

    va_start(ap, fmt);
    name = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    r->oom |= virTypedParamsAddULLong(&r->params, &r->n, &r->max, name, v) < 0;
}

static void
addInt(statsRec *r, const char *name, int v)
{
    r->oom |= virTypedParamsAddInt(&r->params, &r->n, &r->max, name, v) < 0;
}

static void
addUInt(statsRec *r, const char *name, unsigned int v)
{
    r->oom |= virTypedParamsAddUInt(&r->params, &r->n, &r->max, name, v) < 0;
}

static void
addStr(statsRec *r, const char *name, const char *v)
{
    r->oom |= virTypedParamsAddString(&r->params, &r->n, &r->max, name, v) < 0;
}

static int
qemuPid(statsRec *r)
{
    return r->obj->run ? r->obj->run->pid : 0;
}

static void
groupState(statsRec *r)
{
    addInt(r, "state.state", r->obj->state);
    addInt(r, "state.reason", r->obj->reason);
}

/* halt-polling time of KVM's vCPUs (debugfs); 0 without KVM. */
static unsigned long long
haltPoll(int pid, const char *file)
{
    g_autofree char *pattern = g_strdup_printf("%d-", pid);
    g_autoptr(GDir) kvm = g_dir_open("/sys/kernel/debug/kvm", 0, NULL);
    unsigned long long sum = 0;
    const char *vm;

    while (kvm && (vm = g_dir_read_name(kvm))) {
        g_autofree char *vmdir = NULL;
        g_autoptr(GDir) vcpus = NULL;
        const char *v;

        if (!g_str_has_prefix(vm, pattern))
            continue;
        vmdir = g_build_filename("/sys/kernel/debug/kvm", vm, NULL);
        vcpus = g_dir_open(vmdir, 0, NULL);
        while (vcpus && (v = g_dir_read_name(vcpus))) {
            g_autofree char *path = g_build_filename(vmdir, v, file, NULL);
            g_autofree char *text = NULL;

            if (g_str_has_prefix(v, "vcpu") && g_file_get_contents(path, &text, NULL, NULL))
                sum += g_ascii_strtoull(text, NULL, 10);
        }
    }
    return sum;
}

static void
groupCpu(statsRec *r)
{
    vkQemuProcStat ps;

    if (!r->obj->run || vkQemuProcStatRead(qemuPid(r), 0, &ps) < 0)
        return;
    addULL(r, ps.userNs + ps.systemNs, "cpu.time");
    addULL(r, ps.userNs, "cpu.user");
    addULL(r, ps.systemNs, "cpu.system");
    /* no resctrl cache monitors are made for QEMU domains */
    addUInt(r, "cpu.cache.monitor.count", 0);
    addULL(r, haltPoll(qemuPid(r), "halt_poll_success_ns"), "cpu.haltpoll.success.time");
    addULL(r, haltPoll(qemuPid(r), "halt_poll_fail_ns"), "cpu.haltpoll.fail.time");
}

static void
groupBalloon(statsRec *r)
{
    /* libvirt's names, indexed by virDomainMemoryStatTags */
    static const char *const names[VIR_DOMAIN_MEMORY_STAT_NR] = {
        "swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available",
        NULL /* actual: balloon.current */, "rss", "usable", "last-update",
        "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail",
    };
    virDomainMemoryStatStruct ms[VIR_DOMAIN_MEMORY_STAT_NR];
    vkDomainDef *def = r->obj->def;
    unsigned long long cur = def->currentMemory ? def->currentMemory : def->maxMemory;
    int n = 0;

    if (r->live) {
        n = vkQemuMemoryStatsGet(r->st, r->obj, ms, G_N_ELEMENTS(ms));
        if (n < 0) {
            vkErrorReset();
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            if (ms[i].tag == VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON)
                cur = ms[i].val;
        }
    }
    addULL(r, cur, "balloon.current");
    addULL(r, r->obj->def->maxMemory, "balloon.maximum");
    for (int i = 0; i < n; i++) {
        if (ms[i].tag >= 0 && ms[i].tag < VIR_DOMAIN_MEMORY_STAT_NR && names[ms[i].tag])
            addULL(r, ms[i].val, "balloon.%s", names[ms[i].tag]);
    }
}

/* se.statistics wait_sum of a thread (ms with decimals in
 * /proc/PID/task/TID/sched), in ns; 0 without schedstats. */
static unsigned long long
schedWait(int pid, int tid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/sched", pid, tid);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, "wait_sum")) ||
        !(p = strchr(p, ':')))
        return 0;
    return (unsigned long long)(g_ascii_strtod(p + 1, NULL) * 1000000.0);
}

static void
groupVcpu(statsRec *r)
{
    g_autoptr(GArray) threads = NULL;
    vkDomainDef *def = r->obj->def;
    unsigned int max = def->maxVcpus ? def->maxVcpus : 1;
    int pid = qemuPid(r);

    addUInt(r, "vcpu.current", def->vcpus ? def->vcpus : max);
    addUInt(r, "vcpu.maximum", max);
    if (!r->live)
        return;
    if (!(threads = vkQemuVcpuThreads(r->st, r->obj))) {
        vkErrorReset();
        return;
    }
    for (guint i = 0; i < threads->len; i++) {
        const vkQemuVcpuThread *t = &g_array_index(threads, vkQemuVcpuThread, i);
        vkQemuProcStat ps = { 0 };
        g_autofree char *state = g_strdup_printf("vcpu.%u.state", i);

        if (!t->online)
            continue;
        vkQemuProcStatRead(pid, t->tid, &ps);
        addInt(r, state, VIR_VCPU_RUNNING);
        addULL(r, ps.userNs + ps.systemNs, "vcpu.%u.time", i);
        addULL(r, schedWait(pid, t->tid), "vcpu.%u.wait", i);
        addULL(r, vkQemuProcSchedDelay(pid, t->tid), "vcpu.%u.delay", i);
    }
}

static void
groupInterface(statsRec *r)
{
    GPtrArray *nets = r->obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    g_autofree char *text = NULL;

    if (!r->obj->run)
        return;
    addUInt(r, "net.count", nets ? nets->len : 0);
    if (!g_file_get_contents("/proc/net/dev", &text, NULL, NULL))
        return;
    for (guint i = 0; nets && i < nets->len; i++) {
        const vkDomainNetDef *n = nets->pdata[i];
        virDomainInterfaceStatsStruct s;
        g_autofree char *name = g_strdup_printf("net.%u.name", i);

        /* a user-mode interface has no host side: counted, not named */
        if (!n->ifname ||
            vkQemuNetDevParse(text, n->ifname, n->type != VK_DOMAIN_NET_TYPE_DIRECT, &s) < 0)
            continue;
        addStr(r, name, n->ifname);
        addULL(r, s.rx_bytes, "net.%u.rx.bytes", i);
        addULL(r, s.rx_packets, "net.%u.rx.pkts", i);
        addULL(r, s.rx_errs, "net.%u.rx.errs", i);
        addULL(r, s.rx_drop, "net.%u.rx.drop", i);
        addULL(r, s.tx_bytes, "net.%u.tx.bytes", i);
        addULL(r, s.tx_packets, "net.%u.tx.pkts", i);
        addULL(r, s.tx_errs, "net.%u.tx.errs", i);
        addULL(r, s.tx_drop, "net.%u.tx.drop", i);
    }
}

static unsigned long long
counterOf(const vkJSON *stats, const char *key)
{
    long long v = 0;
    vkJSON *j = stats ? vkJSONObjectGet(stats, key) : NULL;

    return j && vkJSONGetInt64(j, &v) == 0 && v > 0 ? (unsigned long long)v : 0;
}

static void
groupBlock(statsRec *r)
{
    static const struct { const char *name, *qmp; } counters[] = {
        { "rd.reqs", "rd_operations" }, { "rd.bytes", "rd_bytes" },
        { "rd.times", "rd_total_time_ns" }, { "wr.reqs", "wr_operations" },
        { "wr.bytes", "wr_bytes" }, { "wr.times", "wr_total_time_ns" },
        { "fl.reqs", "flush_operations" }, { "fl.times", "flush_total_time_ns" },
    };
    g_autoptr(vkJSON) all = NULL;
    GPtrArray *disks = r->obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    unsigned int count = disks ? disks->len : 0;

    if (r->live && vkQemuQuery(r->st, r->obj, "query-blockstats", NULL, &all) < 0) {
        vkErrorReset();
        all = NULL;
    }
    /* the lock was dropped: the disks may have changed */
    disks = r->obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    count = disks ? disks->len : 0;
    addUInt(r, "block.count", count);
    for (guint i = 0; i < count; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];
        vkJSON *s = all ? vkQemuBlockStatsFor(all, r->obj->def, i) : NULL;
        virDomainBlockInfo bi;
        g_autofree char *name = g_strdup_printf("block.%u.name", i);
        g_autofree char *path = g_strdup_printf("block.%u.path", i);
        bool local = d->src && d->type != VK_DOMAIN_DISK_TYPE_NETWORK &&
                     d->type != VK_DOMAIN_DISK_TYPE_VOLUME;

        addStr(r, name, d->dst);
        if (d->src && d->type != VK_DOMAIN_DISK_TYPE_NETWORK)
            addStr(r, path, d->src);
        if (s) {
            g_autofree char *bidx = g_strdup_printf("block.%u.backingIndex", i);
            const char *node = NULL;
            unsigned int idx;

            for (size_t k = 0; k < vkJSONArraySize(all); k++) {
                if (vkJSONObjectGet(vkJSONArrayGet(all, k), "stats") == s)
                    node = vkJSONObjectGetString(vkJSONArrayGet(all, k), "node-name");
            }
            if (node && sscanf(node, "libvirt-%u-format", &idx) == 1)
                addUInt(r, bidx, idx);
            for (size_t c = 0; c < G_N_ELEMENTS(counters); c++)
                addULL(r, counterOf(s, counters[c].qmp), "block.%u.%s", i, counters[c].name);
        }
        if (!local || vkQemuImageInfo(d->src, d->driverType, &bi) < 0) {
            vkErrorReset();
            continue;
        }
        if (s) {
            /* running: how far QEMU has written, and the host's blocks */
            addULL(r, counterOf(s, "wr_highest_offset"), "block.%u.allocation", i);
            addULL(r, bi.capacity, "block.%u.capacity", i);
            addULL(r, bi.allocation, "block.%u.physical", i);
        } else {
            addULL(r, bi.allocation, "block.%u.allocation", i);
            addULL(r, bi.capacity, "block.%u.capacity", i);
            addULL(r, bi.physical, "block.%u.physical", i);
        }
    }
}

static void
groupDirtyRate(statsRec *r)
{
    static const char *const states[] = { "unstarted", "measuring", "measured" };
    g_autoptr(vkJSON) ret = NULL;
    const char *status, *mode;
    long long v = 0;
    int code = 0;

    if (!r->live)
        return;
    if (vkQemuQuery(r->st, r->obj, "query-dirty-rate", NULL, &ret) < 0) {
        vkErrorReset();
        return;
    }
    status = vkJSONObjectGetString(ret, "status");
    for (int i = 0; i < (int)G_N_ELEMENTS(states); i++) {
        if (g_strcmp0(status, states[i]) == 0)
            code = i;
    }
    addInt(r, "dirtyrate.calc_status", code);
    if (vkJSONObjectGet(ret, "start-time"))
        vkJSONGetInt64(vkJSONObjectGet(ret, "start-time"), &v);
    r->oom |= virTypedParamsAddLLong(&r->params, &r->n, &r->max,
                                     "dirtyrate.calc_start_time", v) < 0;
    v = 0;
    if (vkJSONObjectGet(ret, "calc-time"))
        vkJSONGetInt64(vkJSONObjectGet(ret, "calc-time"), &v);
    addInt(r, "dirtyrate.calc_period", (int)v);
    if ((mode = vkJSONObjectGetString(ret, "mode")))
        addStr(r, "dirtyrate.calc_mode", mode);
    if (code == 2 && vkJSONObjectGet(ret, "dirty-rate") &&
        vkJSONGetInt64(vkJSONObjectGet(ret, "dirty-rate"), &v) == 0)
        r->oom |= virTypedParamsAddLLong(&r->params, &r->n, &r->max,
                                         "dirtyrate.megabytes_per_second", v) < 0;
}

static const struct {
    unsigned int bit;
    void (*fn)(statsRec *r);
} groups[] = {
    { VIR_DOMAIN_STATS_STATE, groupState },
    { VIR_DOMAIN_STATS_CPU_TOTAL, groupCpu },
    { VIR_DOMAIN_STATS_BALLOON, groupBalloon },
    { VIR_DOMAIN_STATS_VCPU, groupVcpu },
    { VIR_DOMAIN_STATS_INTERFACE, groupInterface },
    { VIR_DOMAIN_STATS_BLOCK, groupBlock },
    /* perf, iothread, memory and vm: nothing to report (see the top) */
    { VIR_DOMAIN_STATS_DIRTYRATE, groupDirtyRate },
};

/* One domain's record, or NULL when it went away meanwhile. */
static virDomainStatsRecordPtr
recordFor(virDomainPtr dom, unsigned int stats, unsigned int flags)
{
    statsRec r = { 0 };
    virDomainStatsRecordPtr rec;

    if (!(r.obj = vkQemuDomainGet(dom, &r.st))) {
        vkErrorReset();
        return NULL;
    }
    vkQemuDomainRef(r.obj);
    r.live = r.obj->id >= 0 && r.obj->run &&
             !((flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT) && r.obj->job);
    for (size_t i = 0; i < G_N_ELEMENTS(groups); i++) {
        if (stats & groups[i].bit)
            groups[i].fn(&r);
    }
    g_mutex_unlock(&r.st->lock);
    vkQemuDomainUnref(r.obj);
    if (r.oom) {
        virTypedParamsFree(r.params, r.n);
        return NULL;
    }
    rec = g_new0(virDomainStatsRecord, 1);
    rec->dom = dom;
    rec->params = r.params;
    rec->nparams = r.n;
    return rec;
}

int
vkQemuConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                               virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    const unsigned int filters = VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF |
        VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER;
    virDomainPtr *doms = NULL;
    GPtrArray *out;
    int n;

    vkCheckFlags(filters | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |
                 VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |
                 VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS, -1);
    if (stats == 0) {
        stats = SUPPORTED_GROUPS;
    } else if (stats & ~SUPPORTED_GROUPS) {
        if (flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          "Stats types bits 0x%x are not supported by this daemon or QEMU",
                          stats & ~SUPPORTED_GROUPS);
            return -1;
        }
        stats &= SUPPORTED_GROUPS;
    }
    /* the filter bits are virConnectListAllDomains' */
    if ((n = vkStateConnectListAllDomains(conn, &doms, flags & filters)) < 0)
        return -1;
    out = g_ptr_array_new();
    for (int i = 0; i < n; i++) {
        virDomainStatsRecordPtr rec = recordFor(doms[i], stats, flags);

        if (rec)
            g_ptr_array_add(out, rec);       /* takes the handle's reference */
        else
            vkDomainUnref(doms[i]);
    }
    g_free(doms);
    n = out->len;
    g_ptr_array_add(out, NULL);
    *retStats = (virDomainStatsRecordPtr *)g_ptr_array_free(out, FALSE);
    return n;
}
