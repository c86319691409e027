/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-checkpoint-list.c: virsh's checkpoint-list: the table (with
 * --parent), --name and the --tree drawing over a domain's checkpoints or
 * the children of one (--from). Sorted by name unless --topological; the
 * list is printed by the snapshot list's code (vkshMomentListPrint). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

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

static const char *
cpName(void *cp)
{
    return virDomainCheckpointGetName(cp);
}

static char *
cpXML(void *cp)
{
    return virDomainCheckpointGetXMLDesc(cp, 0);
}

static char *
cpParentName(void *cp)
{
    virDomainCheckpointPtr p = virDomainCheckpointGetParent(cp, 0);
    char *name;

    if (!p)
        return NULL;
    name = g_strdup(virDomainCheckpointGetName(p));
    virDomainCheckpointFree(p);
    return name;
}

static void
cpUnref(void *cp)
{
    virDomainCheckpointFree(cp);
}

static const vkshMomentKind checkpointKind = {
    cpName, cpXML, cpParentName, cpUnref, false,
};

static bool
cmdCheckpointList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "leaves", VIR_DOMAIN_CHECKPOINT_LIST_LEAVES },
        { "no-leaves", VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES },
        { "topological", VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL },
    };
    const char *from = vkshOptString(cmd, "from");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    g_autoptr(virDomain) dom = NULL;
    virDomainCheckpointPtr start = NULL;
    virDomainCheckpointPtr *cps = NULL;
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
        if (vkshOptBool(cmd, "descendants"))
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
    vkshMomentListPrint(ctl, cmd, &checkpointKind, (void **)cps, n, start,
                        flags & VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL);
    free(cps);
    if (start)
        virDomainCheckpointFree(start);
    return true;
}

VKSH_CMD(vkshCmdCheckpointList, "checkpoint-list", cmdCheckpointList, optsCheckpointList,
         "List checkpoints for a domain", "Checkpoint List");
