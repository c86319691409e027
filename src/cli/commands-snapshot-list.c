/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-snapshot-list.c: virsh's snapshot-list: the table (with
 * --parent), --name and the --tree drawing, over the snapshots of a domain
 * or the children of one (--from, --current).  Sorted by name as virsh
 * sorts them, unless --topological asks for parents first.  checkpoint-list
 * prints its list the same way, through vkshMomentListPrint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

typedef struct {
    void *obj;
    const char *name;               /* obj's */
    char *parent;                   /* NULL for a root (or outside --from) */
} momentEntry;

static int
byName(const void *a, const void *b)
{
    const momentEntry *x = a, *y = b;
    return g_ascii_strcasecmp(x->name, y->name);
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
printTable(vkshCtl *ctl, const vkshMomentKind *kind, momentEntry *e, size_t n,
           bool withParent)
{
    /* the columns and cells a kind lacks are NULL, which ends the lists */
    const char *head[5] = { "Name", "Creation Time" };
    size_t ncols = 2;
    g_autoptr(vkshTable) t = NULL;

    if (kind->stateColumn)
        head[ncols++] = "State";
    if (withParent)
        head[ncols++] = "Parent";
    t = vkshTableNew(head[0], head[1], head[2], head[3], NULL);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *xml = kind->xml(e[i].obj);
        g_autofree char *state = xml && kind->stateColumn ? vkshSnapshotField(xml, "state")
                                                          : NULL;
        g_autofree char *ctime = xml ? vkshSnapshotField(xml, "creationTime") : NULL;
        const char *row[5] = { e[i].name };
        size_t k = 2;
        char when[64] = "";
        time_t secs = ctime ? (time_t)strtoll(ctime, NULL, 10) : 0;
        struct tm tm;

        if (ctime && localtime_r(&secs, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
        row[1] = when;
        if (kind->stateColumn)
            row[k++] = state ? state : "";
        if (withParent)
            row[k++] = e[i].parent ? e[i].parent : "";
        vkshTableAddRow(t, row[0], row[1], row[2], row[3], NULL);
    }
    vkshTablePrint(ctl, t);
}

void
vkshMomentListPrint(vkshCtl *ctl, const vkshCmd *cmd, const vkshMomentKind *kind,
                    void **list, int n, void *start, bool topological)
{
    bool tree = vkshOptBool(cmd, "tree");
    momentEntry *e = g_new0(momentEntry, n + 1);

    for (int i = 0; i < n; i++) {
        e[i].obj = list[i];
        e[i].name = kind->name(list[i]);
        if (vkshOptBool(cmd, "parent") || tree)
            e[i].parent = kind->parentName(list[i]);
    }
    vkshResetLibError(ctl);
    if (!topological)
        qsort(e, n, sizeof(*e), byName);

    if (tree) {
        g_autoptr(GString) indent = g_string_new(NULL);
        g_autofree vkshTreeEntry *te = g_new0(vkshTreeEntry, n + 1);
        int total = n;

        for (int i = 0; i < n; i++) {
            te[i].name = e[i].name;
            te[i].parent = e[i].parent;
        }
        /* below --from the drawing starts at that snapshot itself */
        if (start)
            te[total++].name = kind->name(start);
        for (int i = 0; i < total; i++) {
            if (!te[i].parent || (start && i == total - 1))
                vkshTreePrint(ctl, te, total, i, total - 1, true, indent);
        }
    } else if (vkshOptBool(cmd, "name")) {
        for (int i = 0; i < n; i++)
            vkshPrint(ctl, "%s\n", e[i].name);
    } else {
        printTable(ctl, kind, e, n, vkshOptBool(cmd, "parent"));
    }
    for (int i = 0; i < n; i++) {
        kind->unref(e[i].obj);
        g_free(e[i].parent);
    }
    g_free(e);
}

static const char *
snapName(void *s)
{
    return virDomainSnapshotGetName(s);
}

static char *
snapXML(void *s)
{
    return virDomainSnapshotGetXMLDesc(s, 0);
}

static char *
snapParentName(void *s)
{
    g_autoptr(virDomainSnapshot) p = virDomainSnapshotGetParent(s, 0);

    return p ? g_strdup(virDomainSnapshotGetName(p)) : NULL;
}

static void
snapUnref(void *s)
{
    virDomainSnapshotFree(s);
}

static const vkshMomentKind snapshotKind = {
    snapName, snapXML, snapParentName, snapUnref, true,
};

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
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) start = NULL;
    virDomainSnapshotPtr *snaps = NULL;
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
        if (vkshOptBool(cmd, "descendants"))
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
    vkshMomentListPrint(ctl, cmd, &snapshotKind, (void **)snaps, n, start,
                        flags & VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL);
    g_free(snaps);
    return true;
}

VKSH_CMD(vkshCmdSnapshotList, "snapshot-list", cmdSnapshotList, optsList,
         "List snapshots for a domain", "Snapshot List");
