/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Server side of the procedures whose requests or replies are arrays the
 * generator cannot size: vcpu info, cpumaps, memory stats, disk errors,
 * scheduler parameters, cell free memory, node and domain cpu stats, free
 * pages, iothreads, DHCP leases, security labels, peeks and send-key.
 *
 * The one idea: the client names the array sizes in the request, the
 * daemon bounds them by the protocol's limits, allocates exactly that
 * much, calls the public function and sends back what it filled.  The
 * cpumap replies always carry the full requested size (count * maplen)
 * because the caller lays them out by position, as libvirt's peers expect.
 */
#include <stddef.h>
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

/* Bounds a requested count; a negative or oversized one is a protocol
 * error, not something to allocate. */
static bool
checkCount(const char *what, long long n, long long max)
{
    if (n < 0 || n > max) {
        vkReportError(VIR_ERR_RPC, "requested %s %lld is out of range (0..%lld)",
                      what, n, max);
        return false;
    }
    return true;
}

/* count cpumaps of maplen bytes each, as the vcpu calls lay them out. */
static bool
checkCpumaps(const char *countWhat, int count, int maplen)
{
    return checkCount(countWhat, count, REMOTE_VCPUINFO_MAX) &&
           checkCount("cpumap length", maplen, REMOTE_CPUMAP_MAX) &&
           checkCount("cpumaps size", (long long)count * maplen, REMOTE_CPUMAPS_MAX);
}

/* A list the driver allocated that the reply's array cannot carry. */
static int
tooManyForReply(const char *what, int n)
{
    vkReportError(VIR_ERR_RPC, "too many %s (%d) for one reply", what, n);
    return -1;
}

int
vkDispatchDomainGetVcpus(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_vcpus_args *args = argsp;
    remote_domain_get_vcpus_ret *ret = retp;
    g_autofree virVcpuInfo *info = NULL;
    virDomainPtr dom;
    int n;
    int i;

    if (!checkCpumaps("vcpu info count", args->maxinfo, args->maplen))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    info = g_new0(virVcpuInfo, args->maxinfo > 0 ? args->maxinfo : 1);
    if (args->maplen > 0)
        ret->cpumaps.cpumaps_val = g_malloc0((gsize)args->maxinfo * args->maplen + 1);
    n = virDomainGetVcpus(dom, info, args->maxinfo,
                          (unsigned char *)ret->cpumaps.cpumaps_val, args->maplen);
    vkDomainUnref(dom);
    if (n < 0) {
        g_clear_pointer(&ret->cpumaps.cpumaps_val, g_free);
        return -1;
    }
    if (n > args->maxinfo)
        n = args->maxinfo;
    ret->cpumaps.cpumaps_len = args->maplen > 0 ? args->maxinfo * args->maplen : 0;
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_vcpu_info, n > 0 ? n : 1);
    for (i = 0; i < n; i++) {
        ret->info.info_val[i].number = info[i].number;
        ret->info.info_val[i].state = info[i].state;
        ret->info.info_val[i].cpu_time = info[i].cpuTime;
        ret->info.info_val[i].cpu = info[i].cpu;
    }
    return 0;
}

/* Both scheduler getters: the caller sizes the array with nparams (from
 * DOMAIN_GET_SCHEDULER_TYPE); there is no "count only" mode. */
static int
getSchedulerParams(vkServerClient *client, remote_nonnull_domain *wdom, int nparams,
                   unsigned int flags, bool withFlags,
                   remote_domain_get_scheduler_parameters_ret *ret)
{
    virTypedParameterPtr params = NULL;
    virDomainPtr dom;
    int n = nparams;
    int rc;

    if (!checkCount("scheduler parameter count", nparams,
                    REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, wdom)))
        return -1;
    params = g_new0(virTypedParameter, nparams > 0 ? nparams : 1);
    if (withFlags)
        rc = virDomainGetSchedulerParametersFlags(dom, params, &n, flags);
    else
        rc = virDomainGetSchedulerParameters(dom, params, &n);
    vkDomainUnref(dom);
    if (rc < 0) {
        g_free(params);
        return -1;
    }
    rc = vkRemoteSerializeTypedParams(params, n, REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX,
                                      &ret->params.params_val, &ret->params.params_len);
    virTypedParamsFree(params, n);
    return rc < 0 ? -1 : 0;
}

int
vkDispatchDomainGetSchedulerParameters(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_scheduler_parameters_args *args = argsp;

    return getSchedulerParams(client, &args->dom, args->nparams, 0, false, retp);
}

int
vkDispatchDomainGetSchedulerParametersFlags(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_scheduler_parameters_flags_args *args = argsp;
    /* The two replies have the same layout (one typed-param array). */
    G_STATIC_ASSERT(sizeof(remote_domain_get_scheduler_parameters_flags_ret) ==
                    sizeof(remote_domain_get_scheduler_parameters_ret));

    return getSchedulerParams(client, &args->dom, args->nparams, args->flags, true, retp);
}

int
vkDispatchNodeGetCellsFreeMemory(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_get_cells_free_memory_args *args = argsp;
    remote_node_get_cells_free_memory_ret *ret = retp;
    unsigned long long *cells;
    int n;

    if (!checkCount("cell count", args->maxcells, REMOTE_NODE_MAX_CELLS))
        return -1;
    cells = g_new0(unsigned long long, args->maxcells > 0 ? args->maxcells : 1);
    if ((n = virNodeGetCellsFreeMemory(client->conn, cells, args->startCell,
                                       args->maxcells)) < 0) {
        g_free(cells);
        return -1;
    }
    ret->cells.cells_len = MIN(n, args->maxcells);
    ret->cells.cells_val = (u_quad_t *)cells;
    G_STATIC_ASSERT(sizeof(u_quad_t) == sizeof(unsigned long long));
    return 0;
}

int
vkDispatchDomainMemoryStats(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_memory_stats_args *args = argsp;
    remote_domain_memory_stats_ret *ret = retp;
    g_autofree virDomainMemoryStatStruct *stats = NULL;
    virDomainPtr dom;
    int n;
    int i;

    if (!checkCount("memory stat count", args->maxStats, REMOTE_DOMAIN_MEMORY_STATS_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    stats = g_new0(virDomainMemoryStatStruct, args->maxStats > 0 ? args->maxStats : 1);
    n = virDomainMemoryStats(dom, stats, args->maxStats, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    n = MIN((unsigned int)n, args->maxStats);
    ret->stats.stats_len = n;
    ret->stats.stats_val = g_new0(remote_domain_memory_stat, n > 0 ? n : 1);
    for (i = 0; i < n; i++) {
        ret->stats.stats_val[i].tag = stats[i].tag;
        ret->stats.stats_val[i].val = stats[i].val;
    }
    return 0;
}

/* maxerrors 0 asks only for the count (virsh does that first). */
int
vkDispatchDomainGetDiskErrors(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_disk_errors_args *args = argsp;
    remote_domain_get_disk_errors_ret *ret = retp;
    g_autofree virDomainDiskError *errors = NULL;
    virDomainPtr dom;
    int n;
    int i;

    if (!checkCount("disk error count", args->maxerrors, REMOTE_DOMAIN_DISK_ERRORS_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    if (args->maxerrors > 0)
        errors = g_new0(virDomainDiskError, args->maxerrors);
    n = virDomainGetDiskErrors(dom, errors, args->maxerrors, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    ret->nerrors = n;
    if (errors) {
        int filled = MIN((unsigned int)n, args->maxerrors);

        ret->errors.errors_len = filled;
        ret->errors.errors_val = g_new0(remote_domain_disk_error, filled > 0 ? filled : 1);
        for (i = 0; i < filled; i++) {
            /* The reply owns the names now; xdr_free releases them. */
            ret->errors.errors_val[i].disk = errors[i].disk;
            ret->errors.errors_val[i].error = errors[i].error;
        }
    }
    return 0;
}

int
vkDispatchDomainGetVcpuPinInfo(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_vcpu_pin_info_args *args = argsp;
    remote_domain_get_vcpu_pin_info_ret *ret = retp;
    virDomainPtr dom;
    int n;

    if (!checkCpumaps("cpumap count", args->ncpumaps, args->maplen))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    ret->cpumaps.cpumaps_val = g_malloc0((gsize)args->ncpumaps * args->maplen + 1);
    n = virDomainGetVcpuPinInfo(dom, args->ncpumaps,
                                (unsigned char *)ret->cpumaps.cpumaps_val,
                                args->maplen, args->flags);
    vkDomainUnref(dom);
    if (n < 0) {
        g_clear_pointer(&ret->cpumaps.cpumaps_val, g_free);
        return -1;
    }
    ret->cpumaps.cpumaps_len = args->ncpumaps * args->maplen;
    ret->num = n;
    return 0;
}

int
vkDispatchDomainGetEmulatorPinInfo(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_emulator_pin_info_args *args = argsp;
    remote_domain_get_emulator_pin_info_ret *ret = retp;
    virDomainPtr dom;
    int n;

    if (!checkCount("cpumap length", args->maplen, REMOTE_CPUMAP_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    ret->cpumaps.cpumaps_val = g_malloc0((gsize)args->maplen + 1);
    n = virDomainGetEmulatorPinInfo(dom, (unsigned char *)ret->cpumaps.cpumaps_val,
                                    args->maplen, args->flags);
    vkDomainUnref(dom);
    if (n < 0) {
        g_clear_pointer(&ret->cpumaps.cpumaps_val, g_free);
        return -1;
    }
    ret->cpumaps.cpumaps_len = args->maplen;
    ret->ret = n;
    return 0;
}

int
vkDispatchNodeGetCPUMap(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_get_cpu_map_args *args = argsp;
    remote_node_get_cpu_map_ret *ret = retp;
    unsigned char *map = NULL;
    unsigned int online = 0;
    int n;

    n = virNodeGetCPUMap(client->conn, args->need_map ? &map : NULL,
                         args->need_online ? &online : NULL, args->flags);
    if (n < 0)
        return -1;
    if (map) {
        ret->cpumap.cpumap_len = MIN(VIR_CPU_MAPLEN(n), REMOTE_CPUMAP_MAX);
        ret->cpumap.cpumap_val = (char *)map;
    }
    ret->online = online;
    ret->ret = n;
    return 0;
}

int
vkDispatchDomainGetIOThreadInfo(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_iothread_info_args *args = argsp;
    remote_domain_get_iothread_info_ret *ret = retp;
    virDomainIOThreadInfoPtr *info = NULL;
    virDomainPtr dom;
    int n;
    int i;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    n = virDomainGetIOThreadInfo(dom, &info, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    if (n > REMOTE_IOTHREAD_INFO_MAX) {
        for (i = 0; i < n; i++)
            virDomainIOThreadInfoFree(info[i]);
        g_free(info);
        return tooManyForReply("iothreads", n);
    }
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_domain_iothread_info, n > 0 ? n : 1);
    for (i = 0; i < n; i++) {
        ret->info.info_val[i].iothread_id = info[i]->iothread_id;
        ret->info.info_val[i].cpumap.cpumap_len = MIN(info[i]->cpumaplen, REMOTE_CPUMAP_MAX);
        ret->info.info_val[i].cpumap.cpumap_val = (char *)info[i]->cpumap;
        info[i]->cpumap = NULL;
        virDomainIOThreadInfoFree(info[i]);
    }
    g_free(info);
    ret->ret = n;
    return 0;
}

/* Node CPU and memory stats share a shape: nparams 0 asks for the count,
 * otherwise up to nparams {field, value} pairs come back.  The two public
 * structs, and the two replies, have one layout, so one body serves both. */
G_STATIC_ASSERT(sizeof(virNodeCPUStats) == sizeof(virNodeMemoryStats));
G_STATIC_ASSERT(offsetof(virNodeCPUStats, value) == offsetof(virNodeMemoryStats, value));
G_STATIC_ASSERT(VIR_NODE_CPU_STATS_FIELD_LENGTH == VIR_NODE_MEMORY_STATS_FIELD_LENGTH);
G_STATIC_ASSERT(sizeof(remote_node_get_cpu_stats_ret) ==
                sizeof(remote_node_get_memory_stats_ret));
G_STATIC_ASSERT(sizeof(remote_node_get_cpu_stats) == sizeof(remote_node_get_memory_stats));

static int
getNodeStats(vkServerClient *client, bool memory, int which, int nparams,
             unsigned int flags, remote_node_get_cpu_stats_ret *ret)
{
    g_autofree virNodeCPUStats *params = NULL;
    int n = nparams;
    int rc;
    int i;

    if (!checkCount(memory ? "memory stat count" : "cpu stat count", nparams,
                    memory ? REMOTE_NODE_MEMORY_STATS_MAX : REMOTE_NODE_CPU_STATS_MAX))
        return -1;
    if (n > 0)
        params = g_new0(virNodeCPUStats, n);
    if (memory)
        rc = virNodeGetMemoryStats(client->conn, which, (virNodeMemoryStatsPtr)params,
                                   &n, flags);
    else
        rc = virNodeGetCPUStats(client->conn, which, params, &n, flags);
    if (rc < 0)
        return -1;
    ret->nparams = n;
    if (nparams == 0)
        return 0;
    n = MIN(n, nparams);
    ret->params.params_len = n;
    ret->params.params_val = g_new0(remote_node_get_cpu_stats, n > 0 ? n : 1);
    for (i = 0; i < n; i++) {
        ret->params.params_val[i].field = g_strndup(params[i].field,
                                                    VIR_NODE_CPU_STATS_FIELD_LENGTH);
        ret->params.params_val[i].value = params[i].value;
    }
    return 0;
}

int
vkDispatchNodeGetCPUStats(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_get_cpu_stats_args *args = argsp;

    return getNodeStats(client, false, args->cpuNum, args->nparams, args->flags, retp);
}

int
vkDispatchNodeGetMemoryStats(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_get_memory_stats_args *args = argsp;

    return getNodeStats(client, true, args->cellNum, args->nparams, args->flags, retp);
}

int
vkDispatchDomainSendKey(vkServerClient *client, void *argsp, void *retp G_GNUC_UNUSED)
{
    remote_domain_send_key_args *args = argsp;
    virDomainPtr dom;
    int rc;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    rc = virDomainSendKey(dom, args->codeset, args->holdtime, args->keycodes.keycodes_val,
                          args->keycodes.keycodes_len, args->flags);
    vkDomainUnref(dom);
    return rc < 0 ? -1 : 0;
}

/* nparams 0 asks for the stats-per-cpu count.  Otherwise the driver fills
 * ncpus blocks of nparams; the reply leaves out the unfilled slots (holes)
 * and the client spreads the rest back by the per-cpu count in nparams. */
int
vkDispatchDomainGetCPUStats(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_cpu_stats_args *args = argsp;
    remote_domain_get_cpu_stats_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    g_autofree virTypedParameter *filled = NULL;
    size_t total = (size_t)args->nparams * args->ncpus;
    size_t nfilled = 0;
    virDomainPtr dom;
    int percpu;
    int rc = 0;

    if (!checkCount("cpu count", args->ncpus, REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX) ||
        !checkCount("cpu stats size", (long long)total, REMOTE_DOMAIN_GET_CPU_STATS_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    if (total > 0)
        params = g_new0(virTypedParameter, total);
    percpu = virDomainGetCPUStats(dom, params, args->nparams, args->start_cpu,
                                  args->ncpus, args->flags);
    vkDomainUnref(dom);
    if (percpu < 0) {
        g_free(params);
        return -1;
    }
    ret->nparams = percpu;
    if (total > 0) {
        filled = g_new0(virTypedParameter, total);
        for (size_t i = 0; i < total; i++)
            if (params[i].field[0] && params[i].type)
                filled[nfilled++] = params[i];
        rc = vkRemoteSerializeTypedParams(filled, nfilled, REMOTE_DOMAIN_GET_CPU_STATS_MAX,
                                          &ret->params.params_val, &ret->params.params_len);
        virTypedParamsFree(params, total);
    }
    return rc < 0 ? -1 : 0;
}

int
vkDispatchNodeGetFreePages(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_get_free_pages_args *args = argsp;
    remote_node_get_free_pages_ret *ret = retp;
    size_t total = (size_t)args->pages.pages_len * args->cellCount;
    unsigned long long *counts;
    int n;

    if (!checkCount("page counts size", (long long)total, REMOTE_NODE_MAX_CELLS))
        return -1;
    counts = g_new0(unsigned long long, total > 0 ? total : 1);
    n = virNodeGetFreePages(client->conn, args->pages.pages_len, args->pages.pages_val,
                            args->startCell, args->cellCount, counts, args->flags);
    if (n < 0) {
        g_free(counts);
        return -1;
    }
    ret->counts.counts_len = MIN((size_t)n, total);
    ret->counts.counts_val = (u_quad_t *)counts;
    return 0;
}

int
vkDispatchNodeAllocPages(vkServerClient *client, void *argsp, void *retp)
{
    remote_node_alloc_pages_args *args = argsp;
    remote_node_alloc_pages_ret *ret = retp;
    int n;

    if (args->pageSizes.pageSizes_len != args->pageCounts.pageCounts_len) {
        vkReportError(VIR_ERR_RPC, "%u page sizes but %u page counts",
                      args->pageSizes.pageSizes_len, args->pageCounts.pageCounts_len);
        return -1;
    }
    n = virNodeAllocPages(client->conn, args->pageSizes.pageSizes_len,
                          args->pageSizes.pageSizes_val,
                          (unsigned long long *)args->pageCounts.pageCounts_val,
                          args->startCell, args->cellCount, args->flags);
    if (n < 0)
        return -1;
    ret->ret = n;
    return 0;
}

static char **
optString(const char *s)
{
    char **p;

    if (!s)
        return NULL;
    p = g_new0(char *, 1);
    *p = g_strdup(s);
    return p;
}

/* need_results 0 asks only for the count. */
int
vkDispatchNetworkGetDHCPLeases(vkServerClient *client, void *argsp, void *retp)
{
    remote_network_get_dhcp_leases_args *args = argsp;
    remote_network_get_dhcp_leases_ret *ret = retp;
    virNetworkDHCPLeasePtr *leases = NULL;
    virNetworkPtr net;
    int count;
    int n;
    int i;

    if (!(net = vkRemoteGetNetwork(client->conn, &args->net)))
        return -1;
    n = virNetworkGetDHCPLeases(net, args->mac ? *args->mac : NULL,
                                args->need_results ? &leases : NULL, args->flags);
    vkNetworkUnref(net);
    if (n < 0)
        return -1;
    count = n;
    if (n > REMOTE_NETWORK_DHCP_LEASES_MAX) {
        n = tooManyForReply("DHCP leases", n);
    } else if (leases) {
        ret->leases.leases_len = n;
        ret->leases.leases_val = g_new0(remote_network_dhcp_lease, n > 0 ? n : 1);
        for (i = 0; i < n; i++) {
            remote_network_dhcp_lease *w = &ret->leases.leases_val[i];

            w->iface = g_strdup(leases[i]->iface ? leases[i]->iface : "");
            w->expirytime = leases[i]->expirytime;
            w->type = leases[i]->type;
            w->mac = optString(leases[i]->mac);
            w->iaid = optString(leases[i]->iaid);
            w->ipaddr = g_strdup(leases[i]->ipaddr ? leases[i]->ipaddr : "");
            w->prefix = leases[i]->prefix;
            w->hostname = optString(leases[i]->hostname);
            w->clientid = optString(leases[i]->clientid);
        }
    }
    if (leases) {
        for (i = 0; i < count; i++)
            virNetworkDHCPLeaseFree(leases[i]);
        g_free(leases);
    }
    if (n < 0)
        return -1;
    ret->ret = n;
    return 0;
}

/* Peeks read raw guest bytes; size is bounded by the reply buffer limit.
 * A disk path means a block peek, none a memory peek; both replies are
 * one byte buffer. */
G_STATIC_ASSERT(sizeof(remote_domain_block_peek_ret) == sizeof(remote_domain_memory_peek_ret));

static int
peek(vkServerClient *client, remote_nonnull_domain *wdom, const char *path,
     unsigned long long offset, u_int size, unsigned int flags,
     remote_domain_block_peek_ret *ret)
{
    virDomainPtr dom;
    int rc;

    if (!checkCount("peek size", size, path ? REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX
                                            : REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX))
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, wdom)))
        return -1;
    ret->buffer.buffer_val = g_malloc0(size + 1);
    if (path)
        rc = virDomainBlockPeek(dom, path, offset, size, ret->buffer.buffer_val, flags);
    else
        rc = virDomainMemoryPeek(dom, offset, size, ret->buffer.buffer_val, flags);
    vkDomainUnref(dom);
    if (rc < 0) {
        g_clear_pointer(&ret->buffer.buffer_val, g_free);
        return -1;
    }
    ret->buffer.buffer_len = size;
    return 0;
}

int
vkDispatchDomainBlockPeek(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_block_peek_args *args = argsp;

    return peek(client, &args->dom, args->path, args->offset, args->size, args->flags, retp);
}

int
vkDispatchDomainMemoryPeek(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_memory_peek_args *args = argsp;

    return peek(client, &args->dom, NULL, args->offset, args->size, args->flags, retp);
}

int
vkDispatchDomainGetSecurityLabelList(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_security_label_list_args *args = argsp;
    remote_domain_get_security_label_list_ret *ret = retp;
    virSecurityLabelPtr labels = NULL;
    virDomainPtr dom;
    int n;
    int i;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    n = virDomainGetSecurityLabelList(dom, &labels);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    if (n > REMOTE_SECURITY_LABEL_LIST_MAX) {
        g_free(labels);
        return tooManyForReply("security labels", n);
    }
    ret->labels.labels_len = n;
    ret->labels.labels_val = g_new0(remote_domain_get_security_label_ret, n > 0 ? n : 1);
    for (i = 0; i < n; i++) {
        size_t len = strnlen(labels[i].label, VIR_SECURITY_LABEL_BUFLEN - 1) + 1;

        ret->labels.labels_val[i].label.label_len = len;
        ret->labels.labels_val[i].label.label_val = g_strndup(labels[i].label, len - 1);
        ret->labels.labels_val[i].enforcing = labels[i].enforcing;
    }
    g_free(labels);
    ret->ret = n;
    return 0;
}
