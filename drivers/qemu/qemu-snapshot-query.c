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

#define LIST_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_LIST_ROOTS | VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_LEAVES | VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES | \
     VIR_DOMAIN_SNAPSHOT_LIST_METADATA | VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA | \
     VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE | VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE | \
     VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL)

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

static int
fill(char **all, char **out, int max)
{
    int n = 0;

    for (; all[n] && n < max; n++)
        out[n] = g_strdup(all[n]);
    return n;
}

static int
handles(virDomainPtr dom, char **all, virDomainSnapshotPtr **snaps)
{
    int n = (int)g_strv_length(all);

    if (snaps) {
        *snaps = g_new0(virDomainSnapshotPtr, n + 1);
        for (int i = 0; i < n; i++)
            (*snaps)[i] = vkGetDomainSnapshot(dom, all[i]);
    }
    return n;
}

int
vkQemuDomainSnapshotNum(virDomainPtr dom, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? (int)g_strv_length(all) : -1;
}

int
vkQemuDomainSnapshotListNames(virDomainPtr dom, char **out, int nameslen, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? fill(all, out, nameslen) : -1;
}

int
vkQemuDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                             unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(dom, NULL, flags)) ? handles(dom, all, snaps) : -1;
}

int
vkQemuDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? (int)g_strv_length(all) : -1;
}

int
vkQemuDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **out,
                                      int nameslen, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? fill(all, out, nameslen) : -1;
}

int
vkQemuDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                    virDomainSnapshotPtr **snaps, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(LIST_FLAGS, -1);
    return (all = names(snapshot->domain, snapshot->name, flags))
        ? handles(snapshot->domain, all, snaps) : -1;
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
