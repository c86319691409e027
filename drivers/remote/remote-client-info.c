/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client members for the procedures whose replies fill arrays the caller
 * sized or the reply allocates: vcpu info, cpumaps, memory stats, disk
 * errors, scheduler parameters, cell free memory, node and domain cpu
 * stats, free pages, iothreads, DHCP leases, security labels, peeks (and
 * send-key, whose request carries an array).
 *
 * The one idea: the request carries the caller's sizes, and a reply that
 * claims more than those sizes is refused before anything is copied, so a
 * misbehaving daemon cannot write past the caller's buffers.
 */
#include <stddef.h>
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"

#define CALL(conn, PROC, name, args, ret) \
    vkRemoteCall(conn, REMOTE_PROC_##PROC, (xdrproc_t)xdr_remote_##name##_args, args, \
                 (xdrproc_t)xdr_remote_##name##_ret, ret)
#define FREE_RET(name, ret) xdr_free((xdrproc_t)xdr_remote_##name##_ret, (char *)(ret))

static int
tooMuch(const char *what, unsigned long long got, unsigned long long room)
{
    vkReportError(VIR_ERR_RPC, "reply carries %llu %s, the caller has room for %llu",
                  got, what, room);
    return -1;
}

int
vkRemoteDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                       unsigned char *cpumaps, int maplen)
{
    remote_domain_get_vcpus_args args = { 0 };
    remote_domain_get_vcpus_ret ret = { 0 };
    size_t mapsize;
    int rv = -1;

    if (maxinfo < 0 || maxinfo > REMOTE_VCPUINFO_MAX || maplen < 0 ||
        (long long)maxinfo * maplen > REMOTE_CPUMAPS_MAX) {
        vkReportError(VIR_ERR_RPC, "vcpu request of %d entries with %d-byte maps on domain '%s' "
                      "exceeds the protocol limit", maxinfo, maplen, domain->name);
        return -1;
    }
    if (!cpumaps)
        maplen = 0;
    mapsize = (size_t)maxinfo * maplen;
    vkRemoteArgDomain(&args.dom, domain);
    args.maxinfo = maxinfo;
    args.maplen = maplen;
    if (CALL(domain->conn, DOMAIN_GET_VCPUS, domain_get_vcpus, &args, &ret) < 0)
        return -1;
    if (ret.info.info_len > (u_int)maxinfo) {
        tooMuch("vcpu entries", ret.info.info_len, maxinfo);
        goto cleanup;
    }
    if (ret.cpumaps.cpumaps_len > mapsize) {
        tooMuch("cpumap bytes", ret.cpumaps.cpumaps_len, mapsize);
        goto cleanup;
    }
    memset(info, 0, sizeof(*info) * maxinfo);
    for (u_int i = 0; i < ret.info.info_len; i++) {
        info[i].number = ret.info.info_val[i].number;
        info[i].state = ret.info.info_val[i].state;
        info[i].cpuTime = ret.info.info_val[i].cpu_time;
        info[i].cpu = ret.info.info_val[i].cpu;
    }
    if (cpumaps && mapsize) {
        memset(cpumaps, 0, mapsize);
        memcpy(cpumaps, ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len);
    }
    rv = ret.info.info_len;

 cleanup:
    FREE_RET(domain_get_vcpus, &ret);
    return rv;
}

static int
getSchedulerParams(virDomainPtr domain, virTypedParameterPtr params, int *nparams,
                   unsigned int flags, bool withFlags)
{
    remote_domain_get_scheduler_parameters_ret ret = { 0 };
    int rv = -1;

    if (withFlags) {
        remote_domain_get_scheduler_parameters_flags_args args = { 0 };

        vkRemoteArgDomain(&args.dom, domain);
        args.nparams = *nparams;
        args.flags = flags;
        if (CALL(domain->conn, DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS,
                 domain_get_scheduler_parameters_flags, &args, &ret) < 0)
            return -1;
    } else {
        remote_domain_get_scheduler_parameters_args args = { 0 };

        vkRemoteArgDomain(&args.dom, domain);
        args.nparams = *nparams;
        if (CALL(domain->conn, DOMAIN_GET_SCHEDULER_PARAMETERS,
                 domain_get_scheduler_parameters, &args, &ret) < 0)
            return -1;
    }
    if (vkRemoteDeserializeTypedParamsInto(ret.params.params_val, ret.params.params_len,
                                           params, nparams) == 0)
        rv = 0;
    FREE_RET(domain_get_scheduler_parameters, &ret);
    return rv;
}

int
vkRemoteDomainGetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                     int *nparams)
{
    return getSchedulerParams(domain, params, nparams, 0, false);
}

int
vkRemoteDomainGetSchedulerParametersFlags(virDomainPtr domain, virTypedParameterPtr params,
                                          int *nparams, unsigned int flags)
{
    return getSchedulerParams(domain, params, nparams, flags, true);
}

int
vkRemoteNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                               int startCell, int maxCells)
{
    remote_node_get_cells_free_memory_args args = { 0 };
    remote_node_get_cells_free_memory_ret ret = { 0 };
    int rv = -1;

    if (maxCells < 0 || maxCells > REMOTE_NODE_MAX_CELLS) {
        vkReportError(VIR_ERR_RPC, "cell count %d exceeds the protocol limit %d",
                      maxCells, REMOTE_NODE_MAX_CELLS);
        return -1;
    }
    args.startCell = startCell;
    args.maxcells = maxCells;
    if (CALL(conn, NODE_GET_CELLS_FREE_MEMORY, node_get_cells_free_memory, &args, &ret) < 0)
        return -1;
    if (ret.cells.cells_len > (u_int)maxCells) {
        tooMuch("cells", ret.cells.cells_len, maxCells);
    } else {
        for (u_int i = 0; i < ret.cells.cells_len; i++)
            freeMems[i] = ret.cells.cells_val[i];
        rv = ret.cells.cells_len;
    }
    FREE_RET(node_get_cells_free_memory, &ret);
    return rv;
}

int
vkRemoteDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                          unsigned int nr_stats, unsigned int flags)
{
    remote_domain_memory_stats_args args = { 0 };
    remote_domain_memory_stats_ret ret = { 0 };
    int rv = -1;

    if (nr_stats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        vkReportError(VIR_ERR_RPC, "memory stat count %u for domain '%s' exceeds the "
                      "protocol limit %d", nr_stats, dom->name, REMOTE_DOMAIN_MEMORY_STATS_MAX);
        return -1;
    }
    vkRemoteArgDomain(&args.dom, dom);
    args.maxStats = nr_stats;
    args.flags = flags;
    if (CALL(dom->conn, DOMAIN_MEMORY_STATS, domain_memory_stats, &args, &ret) < 0)
        return -1;
    if (ret.stats.stats_len > nr_stats) {
        tooMuch("memory stats", ret.stats.stats_len, nr_stats);
    } else {
        for (u_int i = 0; i < ret.stats.stats_len; i++) {
            stats[i].tag = ret.stats.stats_val[i].tag;
            stats[i].val = ret.stats.stats_val[i].val;
        }
        rv = ret.stats.stats_len;
    }
    FREE_RET(domain_memory_stats, &ret);
    return rv;
}

int
vkRemoteDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                            unsigned int maxerrors, unsigned int flags)
{
    remote_domain_get_disk_errors_args args = { 0 };
    remote_domain_get_disk_errors_ret ret = { 0 };
    int rv = -1;

    if (maxerrors > REMOTE_DOMAIN_DISK_ERRORS_MAX) {
        vkReportError(VIR_ERR_RPC, "disk error count %u for domain '%s' exceeds the "
                      "protocol limit %d", maxerrors, dom->name, REMOTE_DOMAIN_DISK_ERRORS_MAX);
        return -1;
    }
    vkRemoteArgDomain(&args.dom, dom);
    args.maxerrors = errors ? maxerrors : 0;
    args.flags = flags;
    if (CALL(dom->conn, DOMAIN_GET_DISK_ERRORS, domain_get_disk_errors, &args, &ret) < 0)
        return -1;
    if (ret.errors.errors_len > args.maxerrors) {
        tooMuch("disk errors", ret.errors.errors_len, args.maxerrors);
    } else {
        for (u_int i = 0; i < ret.errors.errors_len; i++) {
            errors[i].disk = g_strdup(ret.errors.errors_val[i].disk);
            errors[i].error = ret.errors.errors_val[i].error;
        }
        rv = ret.nerrors;
    }
    FREE_RET(domain_get_disk_errors, &ret);
    return rv;
}

int
vkRemoteDomainGetVcpuPinInfo(virDomainPtr domain, int ncpumaps, unsigned char *cpumaps,
                             int maplen, unsigned int flags)
{
    remote_domain_get_vcpu_pin_info_args args = { 0 };
    remote_domain_get_vcpu_pin_info_ret ret = { 0 };
    size_t mapsize;
    int rv = -1;

    if (ncpumaps < 0 || ncpumaps > REMOTE_VCPUINFO_MAX || maplen < 0 ||
        (long long)ncpumaps * maplen > REMOTE_CPUMAPS_MAX) {
        vkReportError(VIR_ERR_RPC, "pin info request of %d maps of %d bytes on domain '%s' "
                      "exceeds the protocol limit", ncpumaps, maplen, domain->name);
        return -1;
    }
    mapsize = (size_t)ncpumaps * maplen;
    vkRemoteArgDomain(&args.dom, domain);
    args.ncpumaps = ncpumaps;
    args.maplen = maplen;
    args.flags = flags;
    if (CALL(domain->conn, DOMAIN_GET_VCPU_PIN_INFO, domain_get_vcpu_pin_info,
             &args, &ret) < 0)
        return -1;
    if (ret.num > ncpumaps) {
        tooMuch("vcpus", ret.num, ncpumaps);
    } else if (ret.cpumaps.cpumaps_len > mapsize) {
        tooMuch("cpumap bytes", ret.cpumaps.cpumaps_len, mapsize);
    } else {
        memset(cpumaps, 0, mapsize);
        memcpy(cpumaps, ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len);
        rv = ret.num;
    }
    FREE_RET(domain_get_vcpu_pin_info, &ret);
    return rv;
}

int
vkRemoteDomainGetEmulatorPinInfo(virDomainPtr domain, unsigned char *cpumap,
                                 int maplen, unsigned int flags)
{
    remote_domain_get_emulator_pin_info_args args = { 0 };
    remote_domain_get_emulator_pin_info_ret ret = { 0 };
    int rv = -1;

    if (maplen < 0 || maplen > REMOTE_CPUMAP_MAX) {
        vkReportError(VIR_ERR_RPC, "cpumap length %d for domain '%s' exceeds the "
                      "protocol limit %d", maplen, domain->name, REMOTE_CPUMAP_MAX);
        return -1;
    }
    vkRemoteArgDomain(&args.dom, domain);
    args.maplen = maplen;
    args.flags = flags;
    if (CALL(domain->conn, DOMAIN_GET_EMULATOR_PIN_INFO, domain_get_emulator_pin_info,
             &args, &ret) < 0)
        return -1;
    if (ret.cpumaps.cpumaps_len > (u_int)maplen) {
        tooMuch("cpumap bytes", ret.cpumaps.cpumaps_len, maplen);
    } else {
        memset(cpumap, 0, maplen);
        memcpy(cpumap, ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len);
        rv = ret.ret;
    }
    FREE_RET(domain_get_emulator_pin_info, &ret);
    return rv;
}

int
vkRemoteNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                      unsigned int flags)
{
    remote_node_get_cpu_map_args args = { 0 };
    remote_node_get_cpu_map_ret ret = { 0 };
    int count;

    args.need_map = !!cpumap;
    args.need_online = !!online;
    args.flags = flags;
    if (CALL(conn, NODE_GET_CPU_MAP, node_get_cpu_map, &args, &ret) < 0)
        return -1;
    if ((count = ret.ret) < 0) {
        FREE_RET(node_get_cpu_map, &ret);
        vkReportError(VIR_ERR_RPC, "daemon reported a negative cpu count %d", count);
        return -1;
    }
    if (cpumap) {
        /* Room for every cpu the count names, even if the map is shorter. */
        size_t need = MAX((size_t)VIR_CPU_MAPLEN(ret.ret), ret.cpumap.cpumap_len);

        *cpumap = g_malloc0(need ? need : 1);
        memcpy(*cpumap, ret.cpumap.cpumap_val, ret.cpumap.cpumap_len);
    }
    if (online)
        *online = ret.online;
    FREE_RET(node_get_cpu_map, &ret);
    return count;
}

int
vkRemoteDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                              unsigned int flags)
{
    remote_domain_get_iothread_info_args args = { 0 };
    remote_domain_get_iothread_info_ret ret = { 0 };
    virDomainIOThreadInfoPtr *list;
    int rv;

    vkRemoteArgDomain(&args.dom, dom);
    args.flags = flags;
    if (CALL(dom->conn, DOMAIN_GET_IOTHREAD_INFO, domain_get_iothread_info, &args, &ret) < 0)
        return -1;
    list = g_new0(virDomainIOThreadInfoPtr, ret.info.info_len + 1);
    for (u_int i = 0; i < ret.info.info_len; i++) {
        list[i] = g_new0(virDomainIOThreadInfo, 1);
        list[i]->iothread_id = ret.info.info_val[i].iothread_id;
        list[i]->cpumaplen = ret.info.info_val[i].cpumap.cpumap_len;
        list[i]->cpumap = g_malloc0(list[i]->cpumaplen ? list[i]->cpumaplen : 1);
        memcpy(list[i]->cpumap, ret.info.info_val[i].cpumap.cpumap_val, list[i]->cpumaplen);
    }
    rv = ret.info.info_len;
    if (info)
        *info = list;
    else {
        for (int i = 0; i < rv; i++)
            virDomainIOThreadInfoFree(list[i]);
        g_free(list);
    }
    FREE_RET(domain_get_iothread_info, &ret);
    return rv;
}

/* Node CPU and memory stats: the two public structs, and the two replies,
 * have one layout, so one body serves both; *nparams 0 asks for the count. */
G_STATIC_ASSERT(sizeof(virNodeCPUStats) == sizeof(virNodeMemoryStats));
G_STATIC_ASSERT(offsetof(virNodeCPUStats, value) == offsetof(virNodeMemoryStats, value));
G_STATIC_ASSERT(VIR_NODE_CPU_STATS_FIELD_LENGTH == VIR_NODE_MEMORY_STATS_FIELD_LENGTH);
G_STATIC_ASSERT(sizeof(remote_node_get_cpu_stats_ret) ==
                sizeof(remote_node_get_memory_stats_ret));
G_STATIC_ASSERT(sizeof(remote_node_get_cpu_stats) == sizeof(remote_node_get_memory_stats));

static int
getNodeStats(virConnectPtr conn, bool memory, int which, virNodeCPUStatsPtr params,
             int *nparams, unsigned int flags)
{
    remote_node_get_cpu_stats_ret ret = { 0 };
    int max = memory ? REMOTE_NODE_MEMORY_STATS_MAX : REMOTE_NODE_CPU_STATS_MAX;
    int rv = -1;
    int rc;

    if (*nparams < 0 || *nparams > max) {
        vkReportError(VIR_ERR_RPC, "%s stat count %d exceeds the protocol limit %d",
                      memory ? "memory" : "cpu", *nparams, max);
        return -1;
    }
    if (memory) {
        remote_node_get_memory_stats_args args = { 0 };

        args.cellNum = which;
        args.nparams = *nparams;
        args.flags = flags;
        rc = CALL(conn, NODE_GET_MEMORY_STATS, node_get_memory_stats, &args, &ret);
    } else {
        remote_node_get_cpu_stats_args args = { 0 };

        args.cpuNum = which;
        args.nparams = *nparams;
        args.flags = flags;
        rc = CALL(conn, NODE_GET_CPU_STATS, node_get_cpu_stats, &args, &ret);
    }
    if (rc < 0)
        return -1;
    if (*nparams == 0) {
        *nparams = ret.nparams;
        rv = 0;
    } else if (ret.params.params_len > (u_int)*nparams) {
        tooMuch(memory ? "memory stats" : "cpu stats", ret.params.params_len, *nparams);
    } else {
        for (u_int i = 0; i < ret.params.params_len; i++) {
            g_strlcpy(params[i].field, ret.params.params_val[i].field,
                      VIR_NODE_CPU_STATS_FIELD_LENGTH);
            params[i].value = ret.params.params_val[i].value;
        }
        *nparams = ret.params.params_len;
        rv = 0;
    }
    FREE_RET(node_get_cpu_stats, &ret);
    return rv;
}

int
vkRemoteNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                        int *nparams, unsigned int flags)
{
    return getNodeStats(conn, false, cpuNum, params, nparams, flags);
}

int
vkRemoteNodeGetMemoryStats(virConnectPtr conn, int cellNum, virNodeMemoryStatsPtr params,
                           int *nparams, unsigned int flags)
{
    return getNodeStats(conn, true, cellNum, (virNodeCPUStatsPtr)params, nparams, flags);
}

int
vkRemoteDomainSendKey(virDomainPtr domain, unsigned int codeset, unsigned int holdtime,
                      unsigned int *keycodes, int nkeycodes, unsigned int flags)
{
    remote_domain_send_key_args args = { 0 };

    if (nkeycodes < 0 || nkeycodes > REMOTE_DOMAIN_SEND_KEY_MAX) {
        vkReportError(VIR_ERR_RPC, "key count %d for domain '%s' exceeds the protocol "
                      "limit %d", nkeycodes, domain->name, REMOTE_DOMAIN_SEND_KEY_MAX);
        return -1;
    }
    vkRemoteArgDomain(&args.dom, domain);
    args.codeset = codeset;
    args.holdtime = holdtime;
    args.keycodes.keycodes_len = nkeycodes;
    args.keycodes.keycodes_val = keycodes;
    args.flags = flags;
    return vkRemoteCall(domain->conn, REMOTE_PROC_DOMAIN_SEND_KEY,
                        (xdrproc_t)xdr_remote_domain_send_key_args, &args,
                        VK_XDR_VOID, NULL) < 0 ? -1 : 0;
}

/* The reply holds, per cpu, ret.nparams filled stats (holes left out);
 * they go back to the caller's layout of nparams slots per cpu. */
int
vkRemoteDomainGetCPUStats(virDomainPtr domain, virTypedParameterPtr params,
                          unsigned int nparams, int start_cpu, unsigned int ncpus,
                          unsigned int flags)
{
    remote_domain_get_cpu_stats_args args = { 0 };
    remote_domain_get_cpu_stats_ret ret = { 0 };
    u_int len;
    int rv = -1;

    if (ncpus > REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX ||
        (unsigned long long)nparams * ncpus > REMOTE_DOMAIN_GET_CPU_STATS_MAX) {
        vkReportError(VIR_ERR_RPC, "cpu stats request of %u x %u on domain '%s' exceeds "
                      "the protocol limit", nparams, ncpus, domain->name);
        return -1;
    }
    vkRemoteArgDomain(&args.dom, domain);
    args.nparams = nparams;
    args.start_cpu = start_cpu;
    args.ncpus = ncpus;
    args.flags = flags;
    if (CALL(domain->conn, DOMAIN_GET_CPU_STATS, domain_get_cpu_stats, &args, &ret) < 0)
        return -1;
    len = ret.params.params_len;
    if (len > (unsigned long long)nparams * ncpus ||
        (len && (ret.nparams <= 0 || (u_int)ret.nparams > nparams ||
                 len % ret.nparams))) {
        vkReportError(VIR_ERR_RPC, "cpu stats reply of %u entries (%d per cpu) does not fit "
                      "%u x %u on domain '%s'", len, ret.nparams, nparams, ncpus, domain->name);
        goto cleanup;
    }
    if (nparams == 0) {
        rv = ret.nparams;
        goto cleanup;
    }
    memset(params, 0, sizeof(*params) * nparams * ncpus);
    for (u_int cpu = 0; len && cpu < len / ret.nparams; cpu++) {
        int n = ret.nparams;

        if (vkRemoteDeserializeTypedParamsInto(ret.params.params_val + cpu * ret.nparams,
                                               ret.nparams, params + cpu * nparams, &n) < 0) {
            virTypedParamsClear(params, nparams * ncpus);
            goto cleanup;
        }
    }
    rv = ret.nparams;

 cleanup:
    FREE_RET(domain_get_cpu_stats, &ret);
    return rv;
}

int
vkRemoteNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                         int startCell, unsigned int cellCount,
                         unsigned long long *counts, unsigned int flags)
{
    remote_node_get_free_pages_args args = { 0 };
    remote_node_get_free_pages_ret ret = { 0 };
    unsigned long long total = (unsigned long long)npages * cellCount;
    int rv = -1;

    if (total > REMOTE_NODE_MAX_CELLS) {
        vkReportError(VIR_ERR_RPC, "%u page sizes x %u cells exceeds the protocol limit %d",
                      npages, cellCount, REMOTE_NODE_MAX_CELLS);
        return -1;
    }
    args.pages.pages_len = npages;
    args.pages.pages_val = pages;
    args.startCell = startCell;
    args.cellCount = cellCount;
    args.flags = flags;
    if (CALL(conn, NODE_GET_FREE_PAGES, node_get_free_pages, &args, &ret) < 0)
        return -1;
    if (ret.counts.counts_len > total) {
        tooMuch("page counts", ret.counts.counts_len, total);
    } else {
        for (u_int i = 0; i < ret.counts.counts_len; i++)
            counts[i] = ret.counts.counts_val[i];
        rv = ret.counts.counts_len;
    }
    FREE_RET(node_get_free_pages, &ret);
    return rv;
}

int
vkRemoteNodeAllocPages(virConnectPtr conn, unsigned int npages, unsigned int *pageSizes,
                       unsigned long long *pageCounts, int startCell,
                       unsigned int cellCount, unsigned int flags)
{
    remote_node_alloc_pages_args args = { 0 };
    remote_node_alloc_pages_ret ret = { 0 };

    if (npages > REMOTE_NODE_MAX_CELLS) {
        vkReportError(VIR_ERR_RPC, "%u page sizes exceed the protocol limit %d",
                      npages, REMOTE_NODE_MAX_CELLS);
        return -1;
    }
    args.pageSizes.pageSizes_len = npages;
    args.pageSizes.pageSizes_val = pageSizes;
    args.pageCounts.pageCounts_len = npages;
    args.pageCounts.pageCounts_val = (u_quad_t *)pageCounts;
    args.startCell = startCell;
    args.cellCount = cellCount;
    args.flags = flags;
    if (CALL(conn, NODE_ALLOC_PAGES, node_alloc_pages, &args, &ret) < 0)
        return -1;
    return ret.ret;
}

static char *
optDup(char **s)
{
    return s ? g_strdup(*s) : NULL;
}

int
vkRemoteNetworkGetDHCPLeases(virNetworkPtr network, const char *mac,
                             virNetworkDHCPLeasePtr **leases, unsigned int flags)
{
    remote_network_get_dhcp_leases_args args = { 0 };
    remote_network_get_dhcp_leases_ret ret = { 0 };
    char *macp = (char *)mac;
    int rv = -1;

    vkRemoteArgNetwork(&args.net, network);
    args.mac = mac ? &macp : NULL;
    args.need_results = !!leases;
    args.flags = flags;
    if (CALL(network->conn, NETWORK_GET_DHCP_LEASES, network_get_dhcp_leases,
             &args, &ret) < 0)
        return -1;
    if (ret.leases.leases_len > REMOTE_NETWORK_DHCP_LEASES_MAX) {
        tooMuch("DHCP leases", ret.leases.leases_len, REMOTE_NETWORK_DHCP_LEASES_MAX);
        goto cleanup;
    }
    if (leases) {
        virNetworkDHCPLeasePtr *list = g_new0(virNetworkDHCPLeasePtr,
                                              ret.leases.leases_len + 1);

        for (u_int i = 0; i < ret.leases.leases_len; i++) {
            remote_network_dhcp_lease *w = &ret.leases.leases_val[i];

            list[i] = g_new0(virNetworkDHCPLease, 1);
            list[i]->iface = g_strdup(w->iface);
            list[i]->expirytime = w->expirytime;
            list[i]->type = w->type;
            list[i]->mac = optDup(w->mac);
            list[i]->iaid = optDup(w->iaid);
            list[i]->ipaddr = g_strdup(w->ipaddr);
            list[i]->prefix = w->prefix;
            list[i]->hostname = optDup(w->hostname);
            list[i]->clientid = optDup(w->clientid);
        }
        *leases = list;
    }
    rv = ret.ret;

 cleanup:
    FREE_RET(network_get_dhcp_leases, &ret);
    return rv;
}

/* A disk names a block peek, none a memory peek; both replies are one
 * byte buffer that must hold exactly what was asked for. */
G_STATIC_ASSERT(sizeof(remote_domain_block_peek_ret) == sizeof(remote_domain_memory_peek_ret));

static int
peek(virDomainPtr dom, const char *disk, unsigned long long offset, size_t size,
     void *buffer, unsigned int flags)
{
    remote_domain_block_peek_ret ret = { 0 };
    const char *what = disk ? "block peek" : "memory peek";
    int max = disk ? REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX : REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX;
    int rv = -1;
    int rc;

    if (size > (size_t)max) {
        vkReportError(VIR_ERR_RPC, "%s of %zu bytes on domain '%s' exceeds the "
                      "protocol limit %d", what, size, dom->name, max);
        return -1;
    }
    if (disk) {
        remote_domain_block_peek_args args = { 0 };

        vkRemoteArgDomain(&args.dom, dom);
        args.path = (char *)disk;
        args.offset = offset;
        args.size = size;
        args.flags = flags;
        rc = CALL(dom->conn, DOMAIN_BLOCK_PEEK, domain_block_peek, &args, &ret);
    } else {
        remote_domain_memory_peek_args args = { 0 };

        vkRemoteArgDomain(&args.dom, dom);
        args.offset = offset;
        args.size = size;
        args.flags = flags;
        rc = CALL(dom->conn, DOMAIN_MEMORY_PEEK, domain_memory_peek, &args, &ret);
    }
    if (rc < 0)
        return -1;
    if (ret.buffer.buffer_len != size) {
        vkReportError(VIR_ERR_RPC, "%s of domain '%s' returned %u bytes, asked for %zu",
                      what, dom->name, ret.buffer.buffer_len, size);
    } else {
        memcpy(buffer, ret.buffer.buffer_val, size);
        rv = 0;
    }
    FREE_RET(domain_block_peek, &ret);
    return rv;
}

int
vkRemoteDomainBlockPeek(virDomainPtr dom, const char *disk, unsigned long long offset,
                        size_t size, void *buffer, unsigned int flags)
{
    return peek(dom, disk, offset, size, buffer, flags);
}

int
vkRemoteDomainMemoryPeek(virDomainPtr dom, unsigned long long start, size_t size,
                         void *buffer, unsigned int flags)
{
    return peek(dom, NULL, start, size, buffer, flags);
}

int
vkRemoteDomainGetSecurityLabelList(virDomainPtr domain, virSecurityLabelPtr *seclabels)
{
    remote_domain_get_security_label_list_args args = { 0 };
    remote_domain_get_security_label_list_ret ret = { 0 };
    virSecurityLabelPtr list;
    int rv = -1;

    vkRemoteArgDomain(&args.dom, domain);
    if (CALL(domain->conn, DOMAIN_GET_SECURITY_LABEL_LIST, domain_get_security_label_list,
             &args, &ret) < 0)
        return -1;
    if (ret.ret < 0) {
        /* libvirtd's test driver answers so: a failure with no error */
        vkReportError(VIR_ERR_INTERNAL_ERROR, "the daemon listed no security labels for "
                      "domain '%s' and gave no cause", domain->name);
        goto cleanup;
    }
    list = g_new0(virSecurityLabel, ret.labels.labels_len + 1);
    for (u_int i = 0; i < ret.labels.labels_len; i++) {
        remote_domain_get_security_label_ret *w = &ret.labels.labels_val[i];

        if (w->label.label_len > VIR_SECURITY_LABEL_BUFLEN) {
            vkReportError(VIR_ERR_RPC, "security label of domain '%s' is %u bytes, longer "
                          "than %d", domain->name, w->label.label_len, VIR_SECURITY_LABEL_BUFLEN);
            g_free(list);
            goto cleanup;
        }
        /* the wire bytes need not end in NUL; list[i].label is zeroed */
        memcpy(list[i].label, w->label.label_val,
               MIN(w->label.label_len, VIR_SECURITY_LABEL_BUFLEN - 1));
        list[i].enforcing = w->enforcing;
    }
    *seclabels = list;
    rv = ret.ret;

 cleanup:
    FREE_RET(domain_get_security_label_list, &ret);
    return rv;
}
