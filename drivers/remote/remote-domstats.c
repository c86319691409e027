/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client side of virConnectGetAllDomainStats: records of typed
 * parameters, one per domain.  virDomainListGetStats reaches the driver
 * as this call for every domain, then keeps the ones asked for (see
 * src/api/domain-handle.c), so the domain list sent is always empty.
 */
#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"

int
vkRemoteConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                 virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    remote_connect_get_all_domain_stats_args args = { 0 };
    remote_connect_get_all_domain_stats_ret ret = { 0 };
    virDomainStatsRecordPtr *recs;
    u_int n;

    args.stats = stats;
    args.flags = flags;
    if (vkRemoteCall(conn, REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS,
                     (xdrproc_t)xdr_remote_connect_get_all_domain_stats_args, &args,
                     (xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret, &ret) < 0)
        return -1;
    n = ret.retStats.retStats_len;
    recs = g_new0(virDomainStatsRecordPtr, n + 1);
    for (u_int i = 0; i < n; i++) {
        const remote_domain_stats_record *w = &ret.retStats.retStats_val[i];
        virDomainStatsRecordPtr rec = g_new0(virDomainStatsRecord, 1);

        recs[i] = rec;
        if (!(rec->dom = vkRemoteGetDomain(conn, &w->dom)) ||
            vkRemoteDeserializeTypedParams(w->params.params_val, w->params.params_len,
                                           REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX,
                                           &rec->params, &rec->nparams) < 0) {
            virDomainStatsRecordListFree(recs);
            xdr_free((xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret, (char *)&ret);
            return -1;
        }
    }
    xdr_free((xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret, (char *)&ret);
    *retStats = recs;
    return n;
}
