/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-snapshot-list.c: virsh's snapshot-list: the table (with
 * --parent), --name and the --tree drawing, over the snapshots of a domain
 * or the children of one (--from, --current).  Sorted by name as virsh
 * sorts them, unless --topological asks for parents first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

typedef struct {
    virDomainSnapshotPtr snap;
    char *parent;                   /* NULL for a root (or outside --from) */
} vkshSnapEntry;

static int
byName(const void *a, const void *b)
{
    const vkshSnapEntry *x = a, *y = b;
    return g_ascii_strcasecmp(virDomainSnapshotGetName(x->snap),
                              virDomainSnapshotGetName(y->snap));
}

/* Draws the subtree of entry i: name, then "|" and each child under
 * "+- ", the vertical bar continued for children that have siblings
 * below them -- virsh's (and virsh nodedev-list --tree's) layout. */
void
vkshTreePrint(vkshCtl *ctl, const vkshTreeEntry *e, size_t n, size_t i, size_t last,
              bool root, GString *indent)
{
    const char *name = e[i].name;
    ssize_t lastChild = -1;

    vkshPrint(ctl, "%s%s%s\n", indent->str, root ? "" : "+- ", name);
    if (!root)
        g_string_append(indent, i == last ? "  " : "| ");
    for (size_t k = 0; k < n; k++) {
        if (e[k].parent && strcmp(e[k].parent, name) == 0)
            lastChild = (ssize_t)k;
    }
    if (lastChild >= 0)
        vkshPrint(ctl, "%s  |\n", indent->str);
    g_string_append(indent, "  ");
    for (size_t k = 0; k < n; k++) {
        if (e[k].parent && strcmp(e[k].parent, name) == 0)
            vkshTreePrint(ctl, e, n, k, (size_t)lastChild, false, indent);
    }
    g_string_truncate(indent, indent->len - 2);
    if (lastChild < 0 && i == last)
        vkshPrint(ctl, "%s\n", indent->str);
    if (!root)
        g_string_truncate(indent, indent->len - 2);
}

static const vkshOptDef optsList[] = {
    VKSH_OPT_DOMAIN,
    { "parent", VKSH_OT_BOOL, 0, "add a column showing parent snapshot" },
    { "roots", VKSH_OT_BOOL, 0, "list only snapshots without parents" },
    { "leaves", VKSH_OT_BOOL, 0, "list only snapshots without children" },
    { "no-leaves", VKSH_OT_BOOL, 0, "list only snapshots that are not leaves (with children)" },
    { "metadata", VKSH_OT_BOOL, 0, "list only snapshots that have metadata that would prevent undefine" },
    { "no-metadata", VKSH_OT_BOOL, 0, "list only snapshots that have no metadata managed by libvirt" },
    { "inactive", VKSH_OT_BOOL, 0, "filter by snapshots taken while inactive" },
    { "active", VKSH_OT_BOOL, 0, "filter by snapshots taken while active (full system snapshots)" },
    { "disk-only", VKSH_OT_BOOL, 0, "filter by disk-only snapshots" },
    { "internal", VKSH_OT_BOOL, 0, "filter by internal snapshots" },
    { "external", VKSH_OT_BOOL, 0, "filter by external snapshots" },
    { "tree", VKSH_OT_BOOL, 0, "list snapshots in a tree" },
    { "from", VKSH_OT_STRING, 0, "limit list to children of given snapshot" },
    { "current", VKSH_OT_BOOL, 0, "limit list to children of current snapshot" },
    { "descendants", VKSH_OT_BOOL, 0, "with --from, list all descendants" },
    { "name", VKSH_OT_BOOL, 0, "list snapshot names only" },
    { "topological", VKSH_OT_BOOL, 0, "sort list topologically rather than by name" },
    { NULL, 0, 0, NULL },
};

static void
printTable(vkshCtl *ctl, vkshSnapEntry *e, size_t n, bool withParent)
{
    g_autoptr(vkshTable) t = withParent
        ? vkshTableNew("Name", "Creation Time", "State", "Parent", NULL)
        : vkshTableNew("Name", "Creation Time", "State", NULL);

    for (size_t i = 0; i < n; i++) {
        g_autofree char *xml = virDomainSnapshotGetXMLDesc(e[i].snap, 0);
        g_autofree char *state = xml ? vkshSnapshotField(xml, "state") : NULL;
        g_autofree char *ctime = xml ? vkshSnapshotField(xml, "creationTime") : NULL;
        char when[64] = "";
        time_t secs = ctime ? (time_t)strtoll(ctime, NULL, 10) : 0;
        struct tm tm;

        if (ctime && localtime_r(&secs, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
        if (withParent)
            vkshTableAddRow(t, virDomainSnapshotGetName(e[i].snap), when,
                            state ? state : "", e[i].parent ? e[i].parent : "", NULL);
        else
            vkshTableAddRow(t, virDomainSnapshotGetName(e[i].snap), when,
                            state ? state : "", NULL);
    }
    vkshTablePrint(ctl, t);
}

static bool
cmdSnapshotList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "leaves", VIR_DOMAIN_SNAPSHOT_LIST_LEAVES },
        { "no-leaves", VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES },
        { "metadata", VIR_DOMAIN_SNAPSHOT_LIST_METADATA },
        { "no-metadata", VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA },
        { "inactive", VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE },
        { "active", VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE },
        { "disk-only", VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY },
        { "internal", VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL },
        { "external", VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL },
        { "topological", VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL },
    };
    const char *from = vkshOptString(cmd, "from");
    bool tree = vkshOptBool(cmd, "tree");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) start = NULL;
    virDomainSnapshotPtr *snaps = NULL;
    vkshSnapEntry *e;
    int n;

    if (!vkshOptExclusive(ctl, cmd, "tree", "name") ||
        !vkshOptExclusive(ctl, cmd, "tree", "parent") ||
        !vkshOptExclusive(ctl, cmd, "roots", "from") ||
        !vkshOptExclusive(ctl, cmd, "current", "from") ||
        !vkshOptExclusive(ctl, cmd, "roots", "tree"))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (from)
        start = virDomainSnapshotLookupByName(dom, from, 0);
    else if (vkshOptBool(cmd, "current"))
        start = virDomainSnapshotCurrent(dom, 0);
    if ((from || vkshOptBool(cmd, "current")) && !start) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (start) {
        if (vkshOptBool(cmd, "descendants") || tree)
            flags |= VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS;
        n = virDomainSnapshotListAllChildren(start, &snaps, flags);
    } else {
        if (vkshOptBool(cmd, "roots"))
            flags |= VIR_DOMAIN_SNAPSHOT_LIST_ROOTS;
        n = virDomainListAllSnapshots(dom, &snaps, flags);
    }
    if (n < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    e = g_new0(vkshSnapEntry, n + 1);
    for (int i = 0; i < n; i++) {
        g_autoptr(virDomainSnapshot) p = NULL;
        e[i].snap = snaps[i];
        if (vkshOptBool(cmd, "parent") || tree) {
            p = virDomainSnapshotGetParent(snaps[i], 0);
            if (p)
                e[i].parent = g_strdup(virDomainSnapshotGetName(p));
        }
    }
    vkshResetLibError(ctl);
    g_free(snaps);
    if (!(flags & VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL))
        qsort(e, n, sizeof(*e), byName);

    if (tree) {
        g_autoptr(GString) indent = g_string_new(NULL);
        /* below --from the drawing starts at the snapshot itself */
        if (start) {
            e = g_renew(vkshSnapEntry, e, n + 2);
            e[n].snap = start;
            e[n].parent = NULL;
            virDomainSnapshotRef(start);
            n++;
        }
        g_autofree vkshTreeEntry *te = g_new0(vkshTreeEntry, n);

        for (int i = 0; i < n; i++) {
            te[i].name = virDomainSnapshotGetName(e[i].snap);
            te[i].parent = e[i].parent;
        }
        for (int i = 0; i < n; i++) {
            if (!e[i].parent || (start && i == n - 1))
                vkshTreePrint(ctl, te, n, i, n - 1, true, indent);
        }
    } else if (vkshOptBool(cmd, "name")) {
        for (int i = 0; i < n; i++)
            vkshPrint(ctl, "%s\n", virDomainSnapshotGetName(e[i].snap));
    } else {
        printTable(ctl, e, n, vkshOptBool(cmd, "parent"));
    }
    for (int i = 0; i < n; i++) {
        virDomainSnapshotFree(e[i].snap);
        g_free(e[i].parent);
    }
    g_free(e);
    return true;
}

VKSH_CMD(vkshCmdSnapshotList, "snapshot-list", cmdSnapshotList, optsList,
         "List snapshots for a domain", "Snapshot List");
