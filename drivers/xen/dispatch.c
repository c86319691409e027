/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen driver's dispatch: which sub-drivers answer which operation, in
 * which order, and the helpers that walk those orders.
 *
 * The order tables are the legacy driver's (list: xenstore, hypervisor,
 * xend; lookup by name: xend, xenstore; getInfo: hypervisor first; the
 * lifecycle: xend; pause and destroy: the others before the hypercall).
 * A sub-driver answering VK_XEN_UNHANDLED passes the question on; lookups
 * merge what several know, so the hypervisor's figures and xenstore's
 * names make one answer when no xend runs.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/xen/xen-private.h"

#define HV VK_XEN_SUB_HYPERVISOR
#define XEND VK_XEN_SUB_XEND
#define XS VK_XEN_SUB_XENSTORE
#define END VK_XEN_END

const int vkXenOrderList[] = { XS, HV, XEND, END };
const int vkXenOrderListDefined[] = { XEND, END };
const int vkXenOrderLookupID[] = { HV, XEND, XS, END };
const int vkXenOrderLookupName[] = { XEND, XS, END };
const int vkXenOrderLookupUUID[] = { HV, XEND, END };
const int vkXenOrderInfo[] = { HV, XEND, XS, END };
const int vkXenOrderPauseDestroy[] = { XEND, XS, HV, END };
const int vkXenOrderShutdown[] = { XEND, END };
const int vkXenOrderLifecycle[] = { XEND, END };
const int vkXenOrderSetMemory[] = { XEND, XS, HV, END };
const int vkXenOrderSetVcpus[] = { XEND, HV, END };
const int vkXenOrderNode[] = { XEND, HV, END };
const int vkXenOrderVersion[] = { HV, XEND, END };
const int vkXenOrderCaps[] = { HV, END };

const vkXenSubDriver *
vkXenSub(int i)
{
    switch (i) {
    case HV: return &vkXenHypervisorSub;
    case XEND: return &vkXenXendSub;
    case XS: return &vkXenStoreSub;
    }
    return NULL;
}

vkXenDomInfo *
vkXenDomInfoNew(void)
{
    vkXenDomInfo *info = g_new0(vkXenDomInfo, 1);
    info->id = -1;
    return info;
}

void
vkXenDomInfoClear(vkXenDomInfo *info)
{
    g_clear_pointer(&info->name, g_free);
}

void
vkXenDomInfoFree(vkXenDomInfo *info)
{
    if (!info)
        return;
    vkXenDomInfoClear(info);
    g_free(info);
}

vkXenPriv *
vkXenPrivOf(virConnectPtr conn)
{
    return conn->privateData;
}

bool
vkXenDomInfoComplete(const vkXenDomInfo *info)
{
    return info->name && info->haveUUID && info->haveState;
}

/* Asks the sub-drivers of order in turn; 0 when one found the domain,
 * VK_XEN_UNHANDLED when none did, -1 on an error. */
int
vkXenLookupMerge(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info, const int *order)
{
    bool found = false;

    for (size_t i = 0; order[i] != END; i++) {
        const vkXenSubDriver *s = vkXenSub(order[i]);
        if (!s->lookup)
            continue;
        int rc = s->lookup(p, key, info);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            found = true;
            /* once the domain is known by id, the others can look it
             * up by id too (xenstore cannot search by UUID) */
            if (info->id >= 0)
                key = VK_XEN_KEY_ID;
            if (vkXenDomInfoComplete(info))
                break;
        }
    }
    if (!found)
        return VK_XEN_UNHANDLED;
    if (!info->haveState) {
        info->state = info->id >= 0 ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_SHUTOFF;
        info->haveState = true;
    }
    return info->name ? 0 : VK_XEN_UNHANDLED;
}

void
vkXenReportNoDomain(const vkXenDomInfo *key, vkXenKeyType type)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    switch (type) {
    case VK_XEN_KEY_ID:
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", key->id);
        break;
    case VK_XEN_KEY_NAME:
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", key->name);
        break;
    case VK_XEN_KEY_UUID:
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'",
                      vkUUIDFormat(key->uuid, uuid));
        break;
    }
}

/* The current state of dom, found by name (a handle's id may be stale);
 * the hypervisor then refreshes the live figures when it is open. */
int
vkXenDomainInfo(virDomainPtr dom, vkXenDomInfo *info)
{
    vkXenPriv *p = vkXenPrivOf(dom->conn);

    info->id = -1;
    info->name = g_strdup(dom->name);
    int rc = vkXenLookupMerge(p, VK_XEN_KEY_NAME, info, vkXenOrderLookupName);
    if (rc == VK_XEN_UNHANDLED && dom->id >= 0) {
        /* no xend, no xenstore name: trust the handle's id */
        info->id = dom->id;
        rc = vkXenLookupMerge(p, VK_XEN_KEY_ID, info, vkXenOrderInfo);
    }
    if (rc < 0)
        return -1;
    if (rc != 0) {
        vkXenEventsGone(dom->name, dom->uuid);
        vkXenReportNoDomain(info, VK_XEN_KEY_NAME);
        return -1;
    }
    /* getInfo's order puts the hypervisor first: its live figures win */
    if (info->id >= 0 && vkXenOrderInfo[0] == HV && vkXenHypervisorSub.lookup &&
        vkXenHypervisorSub.lookup(p, VK_XEN_KEY_ID, info) < 0)
        return -1;
    /* every domain call passes here: a shutdown asked earlier shows done */
    vkXenEventsSeen(info);
    return 0;
}

/* Runs op on the first sub-driver of order that handles it. */
int
vkXenControl(virDomainPtr dom, const int *order, vkXenOp op, unsigned long long arg,
             const char *what)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    for (size_t i = 0; order[i] != END; i++) {
        const vkXenSubDriver *s = vkXenSub(order[i]);
        if (!s->control)
            continue;
        int rc = s->control(vkXenPrivOf(dom->conn), &info, op, arg);
        if (rc <= 0)
            return rc;
    }
    vkReportError(VIR_ERR_NO_SUPPORT,
                  "cannot %s domain '%s': no Xen interface available here handles it",
                  what, dom->name);
    return -1;
}
