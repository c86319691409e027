/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain-handle calls that never reach a driver: reference counting,
 * the cached name/UUID/id, and the record-freeing helpers.
 */
#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "api/api-internal.h"

#include <string.h>

#include "util/uuid.h"

int
virDomainFree(virDomainPtr domain)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    vkDomainUnref(domain);
    return 0;
}

int
virDomainRef(virDomainPtr domain)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    vkDomainRef(domain);
    return 0;
}

const char *
virDomainGetName(virDomainPtr domain)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return domain->name;
}

int
virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__))
        goto error;
    if (!uuid) {
        vkReportNullArg(VIR_FROM_THIS, "uuid", __func__);
        goto error;
    }
    memcpy(uuid, domain->uuid, VIR_UUID_BUFLEN);
    return 0;

 error:
    vkDispatchError(NULL);
    return -1;
}

int
virDomainGetUUIDString(virDomainPtr domain, char *buf)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__))
        goto error;
    if (!buf) {
        vkReportNullArg(VIR_FROM_THIS, "buf", __func__);
        goto error;
    }
    vkUUIDFormat(domain->uuid, buf);
    return 0;

 error:
    vkDispatchError(NULL);
    return -1;
}

unsigned int
virDomainGetID(virDomainPtr domain)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return (unsigned int)-1;
    }
    return (unsigned int)domain->id;
}

virConnectPtr
virDomainGetConnect(virDomainPtr domain)
{
    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return domain->conn;
}

virDomainPtr
virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainPtr dom;

    vkErrorReset();
    if (!vkCheckConnect(conn, __func__)) {
        conn = NULL;
        goto error;
    }
    if (!uuidstr) {
        vkReportNullArg(VIR_FROM_THIS, "uuidstr", __func__);
        goto error;
    }
    if (vkUUIDParse(uuidstr, uuid) < 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "invalid UUID '%s' in %s", uuidstr, __func__);
        goto error;
    }
    if (!conn->driver->domainLookupByUUID) {
        /* named as libvirt names it: its string lookup goes through this one */
        vkReportUnsupported(conn, VIR_FROM_THIS, "virDomainLookupByUUID");
        goto error;
    }
    if (!(dom = conn->driver->domainLookupByUUID(conn, uuid)))
        goto error;
    return dom;

 error:
    vkDispatchError(conn);
    return NULL;
}

virDomainPtr
virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    return virDomainCreateXML(conn, xmlDesc, flags);
}

int
virDomainListGetStats(virDomainPtr *doms, unsigned int stats,
                      virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    virConnectPtr conn = NULL;
    virDomainStatsRecordPtr *all = NULL;
    size_t n = 0;
    int ret;

    vkErrorReset();
    if (!doms || !doms[0]) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "doms in virDomainListGetStats must hold at least one domain");
        goto error;
    }
    if (!retStats) {
        vkReportNullArg(VIR_FROM_THIS, "retStats", __func__);
        goto error;
    }
    for (size_t i = 0; doms[i]; i++) {
        if (!vkCheckDomain(doms[i], __func__))
            goto error;
        if (i > 0 && doms[i]->conn != doms[0]->conn) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "domains from different connections in virDomainListGetStats");
            goto error;
        }
    }
    conn = doms[0]->conn;
    if (!conn->driver->connectGetAllDomainStats) {
        vkReportUnsupported(conn, VIR_FROM_THIS, __func__);
        goto error;
    }
    /* The driver reports on every domain; keep the records of those asked
     * for, in the order asked. */
    if ((ret = conn->driver->connectGetAllDomainStats(conn, stats, &all, flags)) < 0)
        goto error;
    for (size_t i = 0; doms[i]; i++)
        n++;
    *retStats = g_new0(virDomainStatsRecordPtr, n + 1);
    n = 0;
    for (size_t i = 0; doms[i]; i++) {
        for (size_t j = 0; all[j]; j++) {
            if (all[j]->dom && memcmp(all[j]->dom->uuid, doms[i]->uuid, VIR_UUID_BUFLEN) == 0) {
                (*retStats)[n++] = all[j];
                break;
            }
        }
    }
    /* free the records nobody asked for */
    for (size_t j = 0; all[j]; j++) {
        bool kept = false;
        for (size_t k = 0; k < n; k++)
            kept |= (*retStats)[k] == all[j];
        if (!kept) {
            virDomainStatsRecordPtr one[2] = { all[j], NULL };
            virDomainStatsRecordListFree(g_memdup2(one, sizeof(one)));
        }
    }
    g_free(all);
    return (int)n;

 error:
    vkDispatchError(conn);
    return -1;
}

void
virDomainStatsRecordListFree(virDomainStatsRecordPtr *stats)
{
    if (!stats)
        return;
    for (size_t i = 0; stats[i]; i++) {
        vkDomainUnref(stats[i]->dom);
        virTypedParamsFree(stats[i]->params, stats[i]->nparams);
        g_free(stats[i]);
    }
    g_free(stats);
}

void
virDomainFSInfoFree(virDomainFSInfoPtr info)
{
    if (!info)
        return;
    g_free(info->mountpoint);
    g_free(info->name);
    g_free(info->fstype);
    for (size_t i = 0; i < info->ndevAlias; i++)
        g_free(info->devAlias[i]);
    g_free(info->devAlias);
    g_free(info);
}

void
virDomainIOThreadInfoFree(virDomainIOThreadInfoPtr info)
{
    if (!info)
        return;
    g_free(info->cpumap);
    g_free(info);
}

void
virDomainInterfaceFree(virDomainInterfacePtr iface)
{
    if (!iface)
        return;
    g_free(iface->name);
    g_free(iface->hwaddr);
    for (size_t i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface);
}
