/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Listing xen:// domains: the running ones and xend's defined ones, asked
 * of the sub-drivers in their list order (dispatch.c), completed so each
 * has a name, then counted, named or filtered for ListAll.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "core/driver.h"
#include "util/error.h"
#include "drivers/xen/xen-private.h"

/* ---- listing ---- */

/* The domains of one kind, completed so each has a name. */
static GPtrArray *
listDomains(virConnectPtr conn, bool inactive)
{
    vkXenPriv *p = vkXenPrivOf(conn);
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)vkXenDomInfoFree);
    const int *order = inactive ? vkXenOrderListDefined : vkXenOrderList;
    bool handled = false;

    for (size_t i = 0; order[i] != VK_XEN_END && !handled; i++) {
        const vkXenSubDriver *s = vkXenSub(order[i]);
        if (!s->list)
            continue;
        int rc = s->list(p, inactive, out);
        if (rc < 0)
            return NULL;
        handled = rc == 0;
    }
    for (guint i = 0; i < out->len; i++) {
        vkXenDomInfo *info = out->pdata[i];
        if (!vkXenDomInfoComplete(info) && info->id >= 0 &&
            vkXenLookupMerge(p, VK_XEN_KEY_ID, info, vkXenOrderLookupID) < 0)
            return NULL;
        vkXenEventsSeen(info);
    }
    return g_steal_pointer(&out);
}

int
xenConnectNumOfDomains(virConnectPtr conn)
{
    g_autoptr(GPtrArray) l = listDomains(conn, false);
    return l ? (int)l->len : -1;
}

int
xenConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    g_autoptr(GPtrArray) l = listDomains(conn, false);
    int n = 0;

    if (!l)
        return -1;
    for (guint i = 0; i < l->len && n < maxids; i++)
        ids[n++] = ((vkXenDomInfo *)l->pdata[i])->id;
    return n;
}

int
xenConnectNumOfDefinedDomains(virConnectPtr conn)
{
    g_autoptr(GPtrArray) l = listDomains(conn, true);
    return l ? (int)l->len : -1;
}

int
xenConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    g_autoptr(GPtrArray) l = listDomains(conn, true);
    int n = 0;

    if (!l)
        return -1;
    for (guint i = 0; i < l->len && n < maxnames; i++) {
        const vkXenDomInfo *info = l->pdata[i];
        if (info->name)
            names[n++] = g_strdup(info->name);
    }
    return n;
}

static bool
matchesFilter(const vkXenDomInfo *info, unsigned int flags)
{
    bool active = info->id >= 0;

    if ((flags & (VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE)) &&
        !((flags & VIR_CONNECT_LIST_DOMAINS_ACTIVE && active) ||
          (flags & VIR_CONNECT_LIST_DOMAINS_INACTIVE && !active)))
        return false;
    /* xend owns every definition it lists: all its domains persist */
    if ((flags & VIR_CONNECT_LIST_DOMAINS_TRANSIENT) &&
        !(flags & VIR_CONNECT_LIST_DOMAINS_PERSISTENT))
        return false;
    unsigned int stateFlags = flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING |
                                       VIR_CONNECT_LIST_DOMAINS_PAUSED |
                                       VIR_CONNECT_LIST_DOMAINS_SHUTOFF |
                                       VIR_CONNECT_LIST_DOMAINS_OTHER);
    if (stateFlags) {
        unsigned int mine = info->state == VIR_DOMAIN_RUNNING || info->state == VIR_DOMAIN_BLOCKED
                            ? VIR_CONNECT_LIST_DOMAINS_RUNNING
                            : info->state == VIR_DOMAIN_PAUSED ? VIR_CONNECT_LIST_DOMAINS_PAUSED
                            : info->state == VIR_DOMAIN_SHUTOFF ? VIR_CONNECT_LIST_DOMAINS_SHUTOFF
                            : VIR_CONNECT_LIST_DOMAINS_OTHER;
        if (!(stateFlags & mine))
            return false;
    }
    return true;
}

int
xenConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkCheckFlags(VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE |
                 VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT |
                 VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER, -1);
    g_autoptr(GPtrArray) act = listDomains(conn, false);
    g_autoptr(GPtrArray) inact = act ? listDomains(conn, true) : NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)vkDomainUnref);

    if (!act || !inact)
        return -1;
    for (int k = 0; k < 2; k++) {
        GPtrArray *l = k ? inact : act;
        for (guint i = 0; i < l->len; i++) {
            const vkXenDomInfo *info = l->pdata[i];
            if (!info->name || !matchesFilter(info, flags))
                continue;
            virDomainPtr d = vkXenDomainFromInfo(conn, info);
            if (!d)
                return -1;
            g_ptr_array_add(out, d);
        }
    }
    int n = out->len;
    if (domains) {
        g_ptr_array_add(out, NULL);
        g_ptr_array_set_free_func(out, NULL);
        *domains = (virDomainPtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}
