/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-checkpoint-list.c: virsh's checkpoint-list: the table (with
 * --parent), --name and the --tree drawing over a domain's checkpoints or
 * the children of one (--from). Sorted by name unless --topological; the
 * tree is drawn by the snapshot list's code. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

typedef struct {
    virDomainCheckpointPtr cp;
    char *parent;
} cpEntry;

static int
byName(const void *a, const void *b)
{
    const cpEntry *x = a, *y = b;

    return g_ascii_strcasecmp(virDomainCheckpointGetName(x->cp),
                              virDomainCheckpointGetName(y->cp));
}

static const vkshOptDef optsCheckpointList[] = {
    VKSH_OPT_DOMAIN,
    { "parent", VKSH_OT_BOOL, 0, "add a column showing parent checkpoint" },
    { "roots", VKSH_OT_BOOL, 0, "list only checkpoints without parents" },
    { "leaves", VKSH_OT_BOOL, 0, "list only checkpoints without children" },
    { "no-leaves", VKSH_OT_BOOL, 0, "list only checkpoints that are not leaves (with children)" },
    { "tree", VKSH_OT_BOOL, 0, "list checkpoints in a tree" },
    { "from", VKSH_OT_STRING, 0, "limit list to children of given checkpoint" },
    { "descendants", VKSH_OT_BOOL, 0, "with --from, list all descendants" },
    { "name", VKSH_OT_BOOL, 0, "list checkpoint names only" },
    { "topological", VKSH_OT_BOOL, 0, "sort list topologically rather than by name" },
    { NULL, 0, 0, NULL },
};

static void
printTable(vkshCtl *ctl, cpEntry *e, size_t n, bool withParent)
{
    g_autoptr(vkshTable) t = withParent
        ? vkshTableNew("Name", "Creation Time", "Parent", NULL)
        : vkshTableNew("Name", "Creation Time", NULL);

    for (size_t i = 0; i < n; i++) {
        g_autofree char *xml = virDomainCheckpointGetXMLDesc(e[i].cp, 0);
        g_autofree char *ctime = xml ? vkshSnapshotField(xml, "creationTime") : NULL;
        char when[64] = "";
        time_t secs = ctime ? (time_t)strtoll(ctime, NULL, 10) : 0;
        struct tm tm;

        if (ctime && localtime_r(&secs, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
        if (withParent)
            vkshTableAddRow(t, virDomainCheckpointGetName(e[i].cp), when,
                            e[i].parent ? e[i].parent : "", NULL);
        else
            vkshTableAddRow(t, virDomainCheckpointGetName(e[i].cp), when, NULL);
    }
    vkshTablePrint(ctl, t);
}

static void
printTree(vkshCtl *ctl, cpEntry *e, size_t n, virDomainCheckpointPtr start)
{
    g_autofree vkshTreeEntry *te = g_new0(vkshTreeEntry, n + 1);
    g_autoptr(GString) indent = g_string_new(NULL);
    size_t total = n;

    for (size_t i = 0; i < n; i++) {
        te[i].name = virDomainCheckpointGetName(e[i].cp);
        te[i].parent = e[i].parent;
    }
    /* below --from the drawing starts at the checkpoint itself */
    if (start)
        te[total++].name = virDomainCheckpointGetName(start);
    for (size_t i = 0; i < total; i++) {
        if (start ? i == total - 1 : !te[i].parent)
            vkshTreePrint(ctl, te, total, i, total - 1, true, indent);
    }
}

static bool
cmdCheckpointList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "leaves", VIR_DOMAIN_CHECKPOINT_LIST_LEAVES },
        { "no-leaves", VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES },
        { "topological", VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL },
    };
    const char *from = vkshOptString(cmd, "from");
    bool tree = vkshOptBool(cmd, "tree");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    g_autoptr(virDomain) dom = NULL;
    virDomainCheckpointPtr start = NULL;
    virDomainCheckpointPtr *cps = NULL;
    cpEntry *e;
    int n;

    if (!vkshOptExclusive(ctl, cmd, "tree", "name") ||
        !vkshOptExclusive(ctl, cmd, "tree", "parent") ||
        !vkshOptExclusive(ctl, cmd, "roots", "from") ||
        !vkshOptExclusive(ctl, cmd, "roots", "tree") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (from && !(start = virDomainCheckpointLookupByName(dom, from, 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (start) {
        if (vkshOptBool(cmd, "descendants") || tree)
            flags |= VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS;
        n = virDomainCheckpointListAllChildren(start, &cps, flags);
    } else {
        if (vkshOptBool(cmd, "roots"))
            flags |= VIR_DOMAIN_CHECKPOINT_LIST_ROOTS;
        n = virDomainListAllCheckpoints(dom, &cps, flags);
    }
    if (n < 0) {
        vkshSaveLibError(ctl);
        if (start)
            virDomainCheckpointFree(start);
        return false;
    }
    e = g_new0(cpEntry, n + 1);
    for (int i = 0; i < n; i++) {
        virDomainCheckpointPtr p = NULL;

        e[i].cp = cps[i];
        if ((vkshOptBool(cmd, "parent") || tree) &&
            (p = virDomainCheckpointGetParent(cps[i], 0))) {
            e[i].parent = g_strdup(virDomainCheckpointGetName(p));
            virDomainCheckpointFree(p);
        }
    }
    vkshResetLibError(ctl);
    free(cps);
    if (!(flags & VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL))
        qsort(e, n, sizeof(*e), byName);
    if (tree) {
        printTree(ctl, e, n, start);
    } else if (vkshOptBool(cmd, "name")) {
        for (int i = 0; i < n; i++)
            vkshPrint(ctl, "%s\n", virDomainCheckpointGetName(e[i].cp));
    } else {
        printTable(ctl, e, n, vkshOptBool(cmd, "parent"));
    }
    for (int i = 0; i < n; i++) {
        virDomainCheckpointFree(e[i].cp);
        g_free(e[i].parent);
    }
    g_free(e);
    if (start)
        virDomainCheckpointFree(start);
    return true;
}

VKSH_CMD(vkshCmdCheckpointList, "checkpoint-list", cmdCheckpointList, optsCheckpointList,
         "List checkpoints for a domain", "Checkpoint List");
