/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's statistics and pinning queries: vcpu info, pin info,
 * memory and CPU stats, scheduler parameters, disk errors, the node's CPU
 * map, CPU stats and free pages, send-key.
 *
 * The idea: libvirt's test driver answers these with fixed made-up numbers
 * (or numbers derived from the definition), and tools compare against it,
 * so every constant here is the one libvirt's test driver reports.  CPU
 * masks come from <vcpupin>/<emulatorpin>, then <vcpu cpuset=''>, then
 * every host CPU, in that order.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"

#define CHECK_FLAGS VK_TEST_CHECK_FLAGS

int
vkTestHostCPUs(vkTestState *st)
{
    const virNodeInfo *n = &st->nodeInfo;

    return n->nodes * n->sockets * n->cores * n->threads;
}

/* Sets bits of "0-3,^2,5" in map (maplen bytes, bits >= ncpus ignored).
 * Returns the last CPU set, -1 if none or the string is malformed. */
static int
cpusetToMap(const char *set, int ncpus, unsigned char *map, int maplen)
{
    g_autofree unsigned char *bits = g_new0(unsigned char, ncpus > 0 ? ncpus : 1);
    g_auto(GStrv) parts = g_strsplit(set, ",", -1);
    int last = -1;

    for (size_t i = 0; parts[i]; i++) {
        char *p = g_strstrip(parts[i]);
        bool neg = *p == '^';
        char *end;
        long a, b;

        if (neg)
            p++;
        a = strtol(p, &end, 10);
        if (end == p)
            return -1;
        b = a;
        if (*end == '-' && !neg) {
            p = end + 1;
            b = strtol(p, &end, 10);
            if (end == p)
                return -1;
        }
        for (long c = a; c <= b; c++)
            if (c >= 0 && c < ncpus)
                bits[c] = !neg;
    }
    for (int c = 0; c < ncpus; c++) {
        if (!bits[c])
            continue;
        last = c;
        if (map && c / 8 < maplen)
            map[c / 8] |= 1 << (c % 8);
    }
    return last;
}

/* Fills map with every host CPU; returns the last one. */
static int
allToMap(int ncpus, unsigned char *map, int maplen)
{
    for (int c = 0; c < ncpus && map; c++)
        if (c / 8 < maplen)
            map[c / 8] |= 1 << (c % 8);
    return ncpus - 1;
}

/* The child of <cputune> named elem whose attribute key equals val (key
 * NULL: the first such child). */
static const vkXmlElem *
cputuneChild(const vkDomainDef *def, const char *elem, const char *key, unsigned int val)
{
    GPtrArray *top = def->priv ? def->priv->topExtra : NULL;

    for (guint i = 0; top && i < top->len; i++) {
        const vkXmlElem *t = g_ptr_array_index(top, i);

        if (strcmp(t->name, "cputune") != 0 || !t->children)
            continue;
        for (guint j = 0; j < t->children->len; j++) {
            const vkXmlElem *c = g_ptr_array_index(t->children, j);
            const char *v;

            if (strcmp(c->name, elem) != 0)
                continue;
            if (!key)
                return c;
            if ((v = vkXmlElemGetAttr(c, key)) && strtoul(v, NULL, 10) == val)
                return c;
        }
    }
    return NULL;
}

/* The mask of one thread: its own pin (pin may be NULL), the domain's
 * cpuset, or every host CPU.  Returns the last CPU in it. */
static int
maskFor(const vkDomainDef *def, const vkXmlElem *pin, int ncpus,
        unsigned char *map, int maplen)
{
    const char *set = pin ? vkXmlElemGetAttr(pin, "cpuset") : NULL;

    if (!set && def->priv)
        set = def->priv->cpuset;
    if (set)
        return cpusetToMap(set, ncpus, map, maplen);
    return allToMap(ncpus, map, maplen);
}

int
vkTestDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                     unsigned char *cpumaps, int maplen)
{
    vkTestState *st;
    vkTestDomain *obj;
    unsigned long long now = g_get_real_time();
    int n;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->id < 0) {
        vkTestReportDomError(VIR_ERR_OPERATION_INVALID, "%s",
                             "cannot list vcpus for an inactive domain");
        g_mutex_unlock(&st->lock);
        return -1;
    }
    n = MIN(maxinfo, (int)obj->def->vcpus);
    if (info)
        memset(info, 0, sizeof(*info) * (n > 0 ? n : 0));
    if (cpumaps)
        memset(cpumaps, 0, (size_t)(n > 0 ? n : 0) * maplen);
    for (int i = 0; i < n; i++) {
        unsigned char *map = cpumaps ? cpumaps + (size_t)i * maplen : NULL;
        int last = maskFor(obj->def, cputuneChild(obj->def, "vcpupin", "vcpu", i),
                           vkTestHostCPUs(st), map, maplen);

        if (info) {
            info[i].number = i;
            info[i].state = VIR_VCPU_RUNNING;
            info[i].cpu = last;
            /* a made-up time that grows, as libvirt's test driver does */
            info[i].cpuTime = now / 10;
        }
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestDomainGetVcpuPinInfo(virDomainPtr dom, int ncpumaps, unsigned char *cpumaps,
                           int maplen, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    int n;

    CHECK_FLAGS("testDomainGetVcpuPinInfo",
                VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    n = MIN(ncpumaps, (int)def->maxVcpus);
    memset(cpumaps, 0, (size_t)ncpumaps * maplen);
    for (int i = 0; i < n; i++)
        maskFor(def, cputuneChild(def, "vcpupin", "vcpu", i), vkTestHostCPUs(st),
                cpumaps + (size_t)i * maplen, maplen);
    n = def->maxVcpus;
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestDomainGetEmulatorPinInfo(virDomainPtr dom, unsigned char *cpumaps,
                               int maplen, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;

    CHECK_FLAGS("testDomainGetEmulatorPinInfo",
                VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    memset(cpumaps, 0, maplen);
    maskFor(def, cputuneChild(def, "emulatorpin", NULL, 0), vkTestHostCPUs(st), cpumaps, maplen);
    g_mutex_unlock(&st->lock);
    return 1;
}

/* Stats come only from a balloon device, as in libvirt's test driver. */
static bool
hasBalloon(vkDomainDef *def)
{
    GPtrArray *other = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; other && i < other->len; i++) {
        const vkXmlElem *e = g_ptr_array_index(other, i);
        const char *model;

        if (strcmp(e->name, "memballoon") != 0)
            continue;
        model = vkXmlElemGetAttr(e, "model");
        return !model || strcmp(model, "none") != 0;
    }
    return false;
}

int
vkTestDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                        unsigned int nr_stats, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    unsigned int n = 0;

    CHECK_FLAGS("testDomainMemoryStats", 0, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    if (hasBalloon(obj->def)) {
        unsigned long long cur = obj->def->currentMemory;
        const struct { int tag; unsigned long long val; } all[] = {
            { VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, cur },
            { VIR_DOMAIN_MEMORY_STAT_SWAP_IN, 0 },
            { VIR_DOMAIN_MEMORY_STAT_SWAP_OUT, 0 },
            { VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, 0 },
            { VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT, 0 },
            { VIR_DOMAIN_MEMORY_STAT_UNUSED, cur / 2 },
            { VIR_DOMAIN_MEMORY_STAT_AVAILABLE, cur },
            { VIR_DOMAIN_MEMORY_STAT_USABLE, cur / 2 },
            { VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, 627319920 },
            { VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, cur / 8 },
            { VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, 0 },
            { VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 0 },
            { VIR_DOMAIN_MEMORY_STAT_RSS, cur / 2 },
        };

        for (; n < nr_stats && n < G_N_ELEMENTS(all); n++) {
            stats[n].tag = all[n].tag;
            stats[n].val = all[n].val;
        }
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestDomainGetSchedulerParametersFlags(virDomainPtr dom, virTypedParameterPtr params,
                                        int *nparams, unsigned int flags)
{
    vkTestState *st;

    CHECK_FLAGS("testDomainGetSchedulerParametersFlags", 0, flags);
    if (!vkTestDomainGet(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    if (*nparams < 1) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "Invalid parameter count");
        return -1;
    }
    memset(&params[0], 0, sizeof(params[0]));
    g_strlcpy(params[0].field, VIR_DOMAIN_SCHEDULER_WEIGHT, VIR_TYPED_PARAM_FIELD_LENGTH);
    params[0].type = VIR_TYPED_PARAM_UINT;
    params[0].value.ui = 50;
    *nparams = 1;
    return 0;
}

int
vkTestDomainGetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                   int *nparams)
{
    return vkTestDomainGetSchedulerParametersFlags(dom, params, nparams, 0);
}

int
vkTestDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                          unsigned int maxerrors, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    GPtrArray *disks;
    int ret;

    CHECK_FLAGS("testDomainGetDiskErrors", 0, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    disks = vkDomainDevList(obj->def, VK_DOMAIN_DEVICE_DISK);
    ret = disks ? (int)disks->len : 0;
    if (errors) {
        ret = MIN((unsigned int)ret, maxerrors);
        for (int i = 0; i < ret; i++) {
            vkDomainDiskDef *d = g_ptr_array_index(disks, i);

            errors[i].disk = g_strdup(d->dst);
            /* alternate unspecified / no space, like libvirt */
            errors[i].error = i % (VIR_DOMAIN_DISK_ERROR_LAST - 1) + 1;
        }
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                        unsigned int nparams, int start_cpu, unsigned int ncpus,
                        unsigned int flags)
{
    /* libvirt's test host reports two physical CPUs for every domain */
    const int hostcpus = 2;
    vkTestState *st;
    vkTestDomain *obj;

    CHECK_FLAGS("testDomainGetCPUStats", VIR_TYPED_PARAM_STRING_OKAY, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    g_mutex_unlock(&st->lock);

    if (start_cpu == -1) {
        const struct { const char *f; unsigned long long v; } tot[] = {
            { VIR_DOMAIN_CPU_STATS_CPUTIME, 48772617035ULL },
            { VIR_DOMAIN_CPU_STATS_USERTIME, 5540000000ULL },
            { VIR_DOMAIN_CPU_STATS_SYSTEMTIME, 6460000000ULL },
        };
        unsigned int i;

        if (nparams == 0)
            return G_N_ELEMENTS(tot);
        for (i = 0; i < nparams && i < G_N_ELEMENTS(tot); i++) {
            memset(&params[i], 0, sizeof(params[i]));
            g_strlcpy(params[i].field, tot[i].f, VIR_TYPED_PARAM_FIELD_LENGTH);
            params[i].type = VIR_TYPED_PARAM_ULLONG;
            params[i].value.ul = tot[i].v;
        }
        return i;
    }
    if (nparams == 0 && ncpus == 0)
        return hostcpus;
    if (nparams == 0)
        return 2;
    if (start_cpu >= hostcpus) {
        vkReportError(VIR_ERR_INVALID_ARG, "start_cpu %d larger than maximum of %d",
                      start_cpu, hostcpus - 1);
        return -1;
    }
    ncpus = MIN(ncpus, (unsigned int)(hostcpus - start_cpu));
    memset(params, 0, sizeof(*params) * nparams * ncpus);
    for (unsigned int i = 0; i < ncpus; i++) {
        virTypedParameterPtr p = params + (size_t)i * nparams;
        unsigned long long cpu = start_cpu + i;

        g_strlcpy(p[0].field, VIR_DOMAIN_CPU_STATS_CPUTIME, VIR_TYPED_PARAM_FIELD_LENGTH);
        p[0].type = VIR_TYPED_PARAM_ULLONG;
        p[0].value.ul = 24386308517ULL + cpu;
        if (nparams > 1) {
            g_strlcpy(p[1].field, VIR_DOMAIN_CPU_STATS_VCPUTIME, VIR_TYPED_PARAM_FIELD_LENGTH);
            p[1].type = VIR_TYPED_PARAM_ULLONG;
            p[1].value.ul = 23151740627ULL + cpu;
        }
    }
    return MIN(nparams, 2u);
}

int
vkTestNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap,
                    unsigned int *online, unsigned int flags)
{
    CHECK_FLAGS("testNodeGetCPUMap", 0, flags);
    if (!vkTestConnState(conn))
        return -1;
    /* libvirt's fixed answer: 8 CPUs, 0, 2 and 4 online */
    if (cpumap) {
        *cpumap = g_new0(unsigned char, 1);
        (*cpumap)[0] = 0x15;
    }
    if (online)
        *online = 3;
    return 8;
}

int
vkTestNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                      int *nparams, unsigned int flags)
{
    const struct { const char *f; unsigned long long v; } all[] = {
        { VIR_NODE_CPU_STATS_USER, 9797400000ULL },
        { VIR_NODE_CPU_STATS_KERNEL, 34678723400000ULL },
        { VIR_NODE_CPU_STATS_IDLE, 87264900000ULL },
        { VIR_NODE_CPU_STATS_IOWAIT, 763600000ULL },
    };
    int i;

    (void)conn;
    (void)cpuNum;
    CHECK_FLAGS("testNodeGetCPUStats", 0, flags);
    if (!params || *nparams == 0) {
        *nparams = G_N_ELEMENTS(all);
        return 0;
    }
    for (i = 0; i < *nparams && i < (int)G_N_ELEMENTS(all); i++) {
        memset(&params[i], 0, sizeof(params[i]));
        g_strlcpy(params[i].field, all[i].f, VIR_NODE_CPU_STATS_FIELD_LENGTH);
        params[i].value = all[i].v;
    }
    *nparams = i;
    return 0;
}

int
vkTestNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                       int startCell, unsigned int cellCount,
                       unsigned long long *counts, unsigned int flags)
{
    unsigned long long x = 6;

    (void)conn;
    (void)pages;
    (void)startCell;
    CHECK_FLAGS("testNodeGetFreePages", 0, flags);
    /* libvirt's made-up series, restarted on every call */
    for (unsigned int i = 0; i < cellCount; i++) {
        for (unsigned int j = 0; j < npages; j++) {
            x = x * 2 + 7;
            counts[(size_t)i * npages + j] = x;
        }
    }
    return cellCount * npages;
}

int
vkTestDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime,
                    unsigned int *keycodes, int nkeycodes, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    bool ok;

    (void)codeset;
    (void)holdtime;
    (void)keycodes;
    (void)nkeycodes;
    CHECK_FLAGS("testDomainSendKey", 0, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ok = vkTestCheckActive(obj);
    g_mutex_unlock(&st->lock);
    return ok ? 0 : -1;
}
