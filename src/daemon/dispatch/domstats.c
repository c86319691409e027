/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Server side of virConnectGetAllDomainStats and virDomainListGetStats
 * (one procedure: an empty domain list means every domain): a reply of
 * records, each a domain and its own array of typed parameters, which
 * the generator's one-level array rules do not cover.
 */
#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "core/object.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

static int
fill(remote_connect_get_all_domain_stats_ret *ret, virDomainStatsRecordPtr *recs, int n)
{
    ret->retStats.retStats_len = n;
    ret->retStats.retStats_val = g_new0(remote_domain_stats_record, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        remote_domain_stats_record *w = &ret->retStats.retStats_val[i];

        vkRemoteMakeDomain(&w->dom, recs[i]->dom);
        if (vkRemoteSerializeTypedParams(recs[i]->params, recs[i]->nparams,
                                         REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX,
                                         &w->params.params_val, &w->params.params_len) < 0)
            return -1;
    }
    return 0;
}

int
vkDispatchConnectGetAllDomainStats(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_get_all_domain_stats_args *args = argsp;
    remote_connect_get_all_domain_stats_ret *ret = retp;
    virDomainStatsRecordPtr *recs = NULL;
    u_int ndoms = args->doms.doms_len;
    virDomainPtr *doms = NULL;
    int n = -1, rc = -1;

    if (ndoms > 0) {
        doms = g_new0(virDomainPtr, ndoms + 1);
        for (u_int i = 0; i < ndoms; i++) {
            if (!(doms[i] = vkRemoteGetDomain(client->conn, &args->doms.doms_val[i])))
                goto out;
        }
        n = virDomainListGetStats(doms, args->stats, &recs, args->flags);
    } else {
        n = virConnectGetAllDomainStats(client->conn, args->stats, &recs, args->flags);
    }
    if (n < 0)
        goto out;
    rc = fill(ret, recs, n);
 out:
    for (u_int i = 0; doms && i < ndoms && doms[i]; i++)
        vkDomainUnref(doms[i]);
    g_free(doms);
    virDomainStatsRecordListFree(recs);
    return rc;
}
