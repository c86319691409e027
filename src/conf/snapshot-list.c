/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-domain snapshot tree: definitions in creation order, linked by
 * parent name, one of them "current".  Every list call of the snapshot
 * API (names, children, descendants, the ROOTS/LEAVES/ACTIVE/... filters,
 * topological order) is answered here so that drivers agree on the flags.
 */
#include <string.h>

#include "conf/snapshot-conf.h"

struct _vkSnapshotList {
    GPtrArray *defs;    /* vkSnapshotDef*, creation order */
    char *current;
};

vkSnapshotList *
vkSnapshotListNew(void)
{
    vkSnapshotList *l = g_new0(vkSnapshotList, 1);
    l->defs = g_ptr_array_new_with_free_func((GDestroyNotify)vkSnapshotDefFree);
    return l;
}

void
vkSnapshotListFree(vkSnapshotList *list)
{
    if (!list)
        return;
    g_ptr_array_unref(list->defs);
    g_free(list->current);
    g_free(list);
}

vkSnapshotDef *
vkSnapshotListAdd(vkSnapshotList *list, vkSnapshotDef *def)
{
    /* a redefinition takes the old one's place; children name it still */
    for (guint i = 0; i < list->defs->len; i++) {
        vkSnapshotDef *old = list->defs->pdata[i];
        if (strcmp(old->name, def->name) == 0) {
            vkSnapshotDefFree(old);
            list->defs->pdata[i] = def;
            return def;
        }
    }
    g_ptr_array_add(list->defs, def);
    return def;
}

vkSnapshotDef *
vkSnapshotListFind(vkSnapshotList *list, const char *name)
{
    for (guint i = 0; name && i < list->defs->len; i++) {
        vkSnapshotDef *d = list->defs->pdata[i];
        if (strcmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

void
vkSnapshotListRemove(vkSnapshotList *list, const char *name)
{
    vkSnapshotDef *gone = vkSnapshotListFind(list, name);

    if (!gone)
        return;
    for (guint i = 0; i < list->defs->len; i++) {
        vkSnapshotDef *d = list->defs->pdata[i];
        if (d->parent && strcmp(d->parent, gone->name) == 0) {
            g_free(d->parent);
            d->parent = g_strdup(gone->parent);
        }
    }
    if (list->current && strcmp(list->current, name) == 0)
        g_clear_pointer(&list->current, g_free);
    g_ptr_array_remove(list->defs, gone);
}

size_t
vkSnapshotListCount(vkSnapshotList *list)
{
    return list->defs->len;
}

const char *
vkSnapshotListCurrent(vkSnapshotList *list)
{
    return list->current;
}

void
vkSnapshotListSetCurrent(vkSnapshotList *list, const char *name)
{
    g_free(list->current);
    list->current = g_strdup(name);
}

static bool
isChildOf(const vkSnapshotDef *d, const char *parent)
{
    if (!parent)
        return !d->parent;
    return d->parent && strcmp(d->parent, parent) == 0;
}

size_t
vkSnapshotListNumChildren(vkSnapshotList *list, const char *name)
{
    size_t n = 0;
    for (guint i = 0; i < list->defs->len; i++)
        n += isChildOf(list->defs->pdata[i], name);
    return n;
}

/* Parents before children, siblings in creation order. */
static void
walk(vkSnapshotList *list, const char *from, GPtrArray *out, bool deep)
{
    for (guint i = 0; i < list->defs->len; i++) {
        vkSnapshotDef *d = list->defs->pdata[i];
        if (!isChildOf(d, from))
            continue;
        g_ptr_array_add(out, d);
        if (deep)
            walk(list, d->name, out, true);
    }
}

static bool
isLocationExternal(const vkSnapshotDef *d)
{
    if (d->memory && strcmp(d->memory, "external") == 0)
        return true;
    for (guint i = 0; d->disks && i < d->disks->len; i++) {
        const vkSnapshotDiskDef *sd = d->disks->pdata[i];
        if (sd->snapshot && strcmp(sd->snapshot, "external") == 0)
            return true;
    }
    return false;
}

/* A group of filter flags: none set accepts all, else any set must hold. */
static bool
group(unsigned int flags, unsigned int a, bool isA, unsigned int b, bool isB,
      unsigned int c, bool isC)
{
    if (!(flags & (a | b | c)))
        return true;
    return ((flags & a) && isA) || ((flags & b) && isB) || ((flags & c) && isC);
}

static bool
matches(vkSnapshotList *list, const vkSnapshotDef *d, unsigned int flags)
{
    bool leaf = vkSnapshotListNumChildren(list, d->name) == 0;
    bool diskOnly = d->state && strcmp(d->state, "disk-snapshot") == 0;
    bool inactive = d->state && strcmp(d->state, "shutoff") == 0;
    bool external = isLocationExternal(d);

    /* every snapshot virtkit lists has metadata */
    return group(flags, VIR_DOMAIN_SNAPSHOT_LIST_LEAVES, leaf,
                 VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, !leaf, 0, false) &&
           group(flags, VIR_DOMAIN_SNAPSHOT_LIST_METADATA, true,
                 VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA, false, 0, false) &&
           group(flags, VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE, inactive,
                 VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE, !inactive && !diskOnly,
                 VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY, diskOnly) &&
           group(flags, VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL, !external,
                 VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL, external, 0, false);
}

char **
vkSnapshotListNames(vkSnapshotList *list, const char *from, unsigned int flags)
{
    g_autoptr(GPtrArray) picked = g_ptr_array_new();
    GPtrArray *names = g_ptr_array_new();
    bool topo = flags & VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL;

    /* LIST_ROOTS and LIST_DESCENDANTS share the bit: at the domain it
     * narrows to the roots, below a snapshot it widens to all levels */
    if (from)
        walk(list, from, picked, flags & VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    else if (flags & VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)
        walk(list, NULL, picked, false);
    else if (topo)
        walk(list, NULL, picked, true);
    else
        g_ptr_array_extend(picked, list->defs, NULL, NULL);

    for (guint i = 0; i < picked->len; i++) {
        vkSnapshotDef *d = picked->pdata[i];
        if (matches(list, d, flags))
            g_ptr_array_add(names, g_strdup(d->name));
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

char **
vkSnapshotListDescendants(vkSnapshotList *list, const char *name)
{
    g_autoptr(GPtrArray) picked = g_ptr_array_new();
    GPtrArray *names = g_ptr_array_new();

    walk(list, name, picked, true);
    for (guint i = picked->len; i > 0; i--)
        g_ptr_array_add(names, g_strdup(((vkSnapshotDef *)picked->pdata[i - 1])->name));
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

int
vkSnapshotNamesCopy(char **names, char **out, int max)
{
    int n = 0;

    for (; names[n] && n < max; n++)
        out[n] = g_strdup(names[n]);
    return n;
}
