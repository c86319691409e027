/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshot handle accessors: answered from the handle, never from a
 * driver (the dispatched snapshot calls are generated from api.def).
 */
#define VIR_FROM_THIS VIR_FROM_DOMAIN_SNAPSHOT
#include "api/api-internal.h"

int
virDomainSnapshotRef(virDomainSnapshotPtr snapshot)
{
    vkErrorReset();
    if (!vkCheckDomainSnapshot(snapshot, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    g_atomic_int_inc(&snapshot->refs);
    return 0;
}

int
virDomainSnapshotFree(virDomainSnapshotPtr snapshot)
{
    vkErrorReset();
    if (!vkCheckDomainSnapshot(snapshot, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    vkDomainSnapshotUnref(snapshot);
    return 0;
}

const char *
virDomainSnapshotGetName(virDomainSnapshotPtr snapshot)
{
    vkErrorReset();
    if (!vkCheckDomainSnapshot(snapshot, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return snapshot->name;
}

virDomainPtr
virDomainSnapshotGetDomain(virDomainSnapshotPtr snapshot)
{
    vkErrorReset();
    if (!vkCheckDomainSnapshot(snapshot, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return snapshot->domain;
}

virConnectPtr
virDomainSnapshotGetConnect(virDomainSnapshotPtr snapshot)
{
    vkErrorReset();
    if (!vkCheckDomainSnapshot(snapshot, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return snapshot->domain->conn;
}
