/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xenstore sub-driver: domain ids and names from the XenStore tree.
 *
 * /local/domain/<id> exists for every running domain and holds its name;
 * /local/domain/<id>/vm points at /vm/<uuid>.  That is enough to list
 * running domains and to put names on the hypervisor's ids when no xend
 * runs (Xen since 4.5).  Setting a domain's memory is writing its balloon
 * target here, as toolstacks do.  Lifecycle events come from watches on
 * @introduceDomain/@releaseDomain (xenstore-watch.c).  Built only with
 * libxenstore; without a running xenstored it does not open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XENSTORE
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/xen/xen-private.h"

#include "drivers/xen/xen-libs.h"

#ifdef WITH_XENSTORE

int
vkXenStoreOpen(vkXenPriv *p)
{
    struct xs_handle *xs;

    if (!vkXenStoreLoad(NULL))
        return VK_XEN_UNHANDLED;
    xs = xs_open(0);
    if (!xs)
        return VK_XEN_UNHANDLED;
    p->xs = xs;
    return 0;
}

void
vkXenStoreClose(vkXenPriv *p)
{
    if (p->xs)
        xs_close(p->xs);
    p->xs = NULL;
}

/* Reads path; NULL when absent.  Caller holds p->lock. */
static char *
xsRead(vkXenPriv *p, const char *path)
{
    unsigned int len;
    char *v = xs_read(p->xs, XBT_NULL, path, &len);
    char *copy = v ? g_strndup(v, len) : NULL;
    free(v);
    return copy;
}

static void
fillFromId(vkXenPriv *p, vkXenDomInfo *info)
{
    g_autofree char *namePath = g_strdup_printf("/local/domain/%d/name", info->id);
    g_autofree char *vmPath = g_strdup_printf("/local/domain/%d/vm", info->id);

    if (!info->name)
        info->name = xsRead(p, namePath);
    if (!info->haveUUID) {
        g_autofree char *vm = xsRead(p, vmPath);
        const char *slash = vm ? strrchr(vm, '/') : NULL;
        if (slash && vkUUIDParse(slash + 1, info->uuid) == 0)
            info->haveUUID = true;
    }
}

static char **
listIds(vkXenPriv *p, unsigned int *n)
{
    return xs_directory(p->xs, XBT_NULL, "/local/domain", n);
}

/* Whether domain id (a /local/domain entry) still exists.  A domain
 * destroyed by hypercall leaves its XenStore entries behind (removing
 * them is a toolstack's job), but xenstored forgets it once Xen has
 * released it.  Caller holds p->lock. */
static bool
isLive(vkXenPriv *p, const char *id)
{
    char *end;
    unsigned long domid = strtoul(id, &end, 10);

    return *id && !*end && xs_is_domain_introduced(p->xs, domid);
}

static int
xsList(vkXenPriv *p, bool inactive, GPtrArray *out)
{
    unsigned int n = 0;

    if (!p->xs || inactive)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    char **ids = listIds(p, &n);
    for (unsigned int i = 0; ids && i < n; i++) {
        if (!isLive(p, ids[i]))
            continue;
        vkXenDomInfo *info = vkXenDomInfoNew();
        info->id = atoi(ids[i]);
        fillFromId(p, info);
        g_ptr_array_add(out, info);
    }
    g_mutex_unlock(&p->lock);
    if (!ids)
        return VK_XEN_UNHANDLED;
    free(ids);
    return 0;
}

static int
xsLookup(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info)
{
    int rc = VK_XEN_UNHANDLED;

    if (!p->xs || key == VK_XEN_KEY_UUID)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    if (key == VK_XEN_KEY_ID) {
        g_autofree char *path = g_strdup_printf("/local/domain/%d/name", info->id);
        g_autofree char *name = xsRead(p, path);
        g_autofree char *id = g_strdup_printf("%d", info->id);
        if (name && isLive(p, id)) {
            fillFromId(p, info);
            rc = 0;
        }
    } else {
        unsigned int n = 0;
        char **ids = listIds(p, &n);
        for (unsigned int i = 0; ids && i < n && rc != 0; i++) {
            g_autofree char *path = g_strdup_printf("/local/domain/%s/name", ids[i]);
            g_autofree char *name = xsRead(p, path);
            if (g_strcmp0(name, info->name) == 0 && isLive(p, ids[i])) {
                info->id = atoi(ids[i]);
                fillFromId(p, info);
                rc = 0;
            }
        }
        free(ids);
    }
    g_mutex_unlock(&p->lock);
    return rc;
}

/* The balloon target: what a toolstack sets for a running domain's
 * memory (the guest's balloon driver then gives back or takes pages).
 * Everything else is another sub-driver's. */
static int
xsControl(vkXenPriv *p, const vkXenDomInfo *dom, vkXenOp op, unsigned long long arg)
{
    if (!p->xs || op != VK_XEN_OP_SET_MEMORY || dom->id < 0)
        return VK_XEN_UNHANDLED;
    g_autofree char *path = g_strdup_printf("/local/domain/%d/memory/target", dom->id);
    g_autofree char *value = g_strdup_printf("%llu", arg);
    g_autofree char *id = g_strdup_printf("%d", dom->id);

    g_mutex_lock(&p->lock);
    bool live = isLive(p, id);
    bool ok = live && xs_write(p->xs, XBT_NULL, path, value, strlen(value));
    g_mutex_unlock(&p->lock);
    if (!live)
        return VK_XEN_UNHANDLED;
    if (!ok) {
        vkReportSystemError(errno, "cannot write the memory target of domain '%s' to XenStore",
                            dom->name ? dom->name : "?");
        return -1;
    }
    return 0;
}

const vkXenSubDriver vkXenStoreSub = {
    .name = "xenstore",
    .list = xsList,
    .lookup = xsLookup,
    .control = xsControl,
};

#else /* !WITH_XENSTORE */

int
vkXenStoreOpen(vkXenPriv *p)
{
    return VK_XEN_UNHANDLED;
}

void
vkXenStoreClose(vkXenPriv *p)
{
}

const vkXenSubDriver vkXenStoreSub = {
    .name = "xenstore",
};

#endif
