/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The read-only snapshot calls of the QEMU driver: lookups, the current
 * mark, parents, children and the filtered lists, answered from the
 * metadata files (qemu-snapshot.c) under the state's lock, without the
 * domain's job: nothing here talks to QEMU.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/snapshot-conf.h"
#include "drivers/qemu/qemu-snapshot.h"

/* The domain's list, locked (release with done()); NULL unlocked. */
static vkSnapshotList *
begin(virDomainPtr dom, vkQemuState **st)
{
    vkQemuDomain *obj;
    vkSnapshotList *list;

    if (!(obj = vkQemuDomainGet(dom, st)))
        return NULL;
    if (!(list = vkQemuSnapshotLoad(*st, obj->name)))
        g_mutex_unlock(&(*st)->lock);
    return list;
}

static void
done(vkQemuState *st, vkSnapshotList *list)
{
    vkSnapshotListFree(list);
    g_mutex_unlock(&st->lock);
}

/* The list with snapshot's definition in it, or NULL unlocked. */
static vkSnapshotList *
beginSnap(virDomainSnapshotPtr snapshot, vkQemuState **st, vkSnapshotDef **def)
{
    vkSnapshotList *list = begin(snapshot->domain, st);

    if (!list)
        return NULL;
    if (!(*def = vkSnapshotListFind(list, snapshot->name))) {
        done(*st, list);
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", snapshot->name);
        return NULL;
    }
    return list;
}

/* Names under from (NULL: the domain) matching flags; NULL on error. */
static char **
names(virDomainPtr dom, const char *from, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotList *list = begin(dom, &st);
    char **ret = NULL;

    if (!list)
        return NULL;
    if (from && !vkSnapshotListFind(list, from))
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", from);
    else
        ret = vkSnapshotListNames(list, from, flags);
    done(st, list);
    return ret;
}

int
vkQemuDomainSnapshotNum(virDomainPtr dom, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? (int)g_strv_length(all) : -1;
}

int
vkQemuDomainSnapshotListNames(virDomainPtr dom, char **out, int nameslen, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? vkSnapshotNamesCopy(all, out, nameslen) : -1;
}

int
vkQemuDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                             unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? vkGetDomainSnapshots(dom, all, snaps) : -1;
}

int
vkQemuDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? (int)g_strv_length(all) : -1;
}

int
vkQemuDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **out,
                                      int nameslen, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? vkSnapshotNamesCopy(all, out, nameslen) : -1;
}

int
vkQemuDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                    virDomainSnapshotPtr **snaps, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? vkGetDomainSnapshots(snapshot->domain, all, snaps) : -1;
}

char *
vkQemuDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotDef *def;
    vkSnapshotList *list;
    char *xml;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_XML_SECURE, NULL);
    if (!(list = beginSnap(snapshot, &st, &def)))
        return NULL;
    xml = vkSnapshotDefFormat(def, (flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE)
                                   ? VK_SNAPSHOT_FORMAT_SECURE : 0);
    done(st, list);
    return xml;
}

virDomainSnapshotPtr
vkQemuDomainSnapshotLookupByName(virDomainPtr dom, const char *name, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotList *list;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(list = begin(dom, &st)))
        return NULL;
    if (vkSnapshotListFind(list, name))
        ret = vkGetDomainSnapshot(dom, name);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", name);
    done(st, list);
    return ret;
}

int
vkQemuDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotList *list;
    int ret;

    vkCheckFlags(0, -1);
    if (!(list = begin(dom, &st)))
        return -1;
    ret = vkSnapshotListCurrent(list) != NULL;
    done(st, list);
    return ret;
}

virDomainSnapshotPtr
vkQemuDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotList *list;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(list = begin(dom, &st)))
        return NULL;
    if (vkSnapshotListCurrent(list))
        ret = vkGetDomainSnapshot(dom, vkSnapshotListCurrent(list));
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "%s",
                      "the domain does not have a current snapshot");
    done(st, list);
    return ret;
}

virDomainSnapshotPtr
vkQemuDomainSnapshotGetParent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotDef *def;
    vkSnapshotList *list;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(list = beginSnap(snapshot, &st, &def)))
        return NULL;
    if (def->parent)
        ret = vkGetDomainSnapshot(snapshot->domain, def->parent);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "snapshot '%s' does not have a parent",
                      def->name);
    done(st, list);
    return ret;
}

int
vkQemuDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotDef *def;
    vkSnapshotList *list;
    const char *cur;
    int ret;

    vkCheckFlags(0, -1);
    if (!(list = beginSnap(snapshot, &st, &def)))
        return -1;
    cur = vkSnapshotListCurrent(list);
    ret = cur && strcmp(cur, def->name) == 0;
    done(st, list);
    return ret;
}

int
vkQemuDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkQemuState *st;
    vkSnapshotDef *def;
    vkSnapshotList *list;

    vkCheckFlags(0, -1);
    if (!(list = beginSnap(snapshot, &st, &def)))
        return -1;
    done(st, list);
    return 1;
}
