/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoints of QEMU domains, as libvirt 9.0's QEMU driver keeps them: a
 * checkpoint is one persistent dirty bitmap per disk, in the qcow2 image
 * the disk writes to, named after the checkpoint; every checkpoint's
 * bitmap records from its creation on, so deleting one only removes its
 * bitmaps.  A running QEMU adds or removes the bitmaps of all disks in one
 * transaction (block-dirty-bitmap-add/-remove).  As in libvirt 9.0, an
 * inactive domain can only have checkpoints redefined or their metadata
 * deleted.
 *
 * As for snapshots (qemu-snapshot.c), the metadata files are the only
 * state: one <domaincheckpoint> per checkpoint under
 * SNAPDIR/../checkpoint/DOMAIN/ and ".current" naming the newest, the
 * parent of the next one; every call reads them back.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/json.h"
#include "conf/checkpoint-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-snapshot.h"
#include "drivers/qemu/qemu-checkpoint.h"
#include "drivers/qemu/qemu-blockjob.h"

typedef struct {
    GPtrArray *defs;     /* vkCheckpointDef*, in creation order */
    char *current;
    char *dir;
} cpList;

static void
cpListFree(cpList *l)
{
    if (!l)
        return;
    g_ptr_array_unref(l->defs);
    g_free(l->current);
    g_free(l->dir);
    g_free(l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cpList, cpListFree)

static char *
cpDir(vkQemuState *st, const char *domName)
{
    g_autofree char *snap = vkQemuSnapshotDir(st, domName);
    g_autofree char *up = g_path_get_dirname(snap);
    g_autofree char *base = g_path_get_dirname(up);

    return g_build_filename(base, "checkpoint", domName, NULL);
}

static int
byCreation(gconstpointer a, gconstpointer b)
{
    const vkCheckpointDef *x = *(vkCheckpointDef *const *)a;
    const vkCheckpointDef *y = *(vkCheckpointDef *const *)b;

    if (x->creationTime != y->creationTime)
        return x->creationTime < y->creationTime ? -1 : 1;
    return strcmp(x->name, y->name);
}

static cpList *
load(vkQemuState *st, const char *domName)
{
    g_autoptr(cpList) l = g_new0(cpList, 1);
    g_autofree char *cur = NULL;
    g_autofree char *curPath = NULL;
    GDir *d;
    const char *ent;

    l->dir = cpDir(st, domName);
    l->defs = g_ptr_array_new_with_free_func((GDestroyNotify)vkCheckpointDefFree);
    d = g_dir_open(l->dir, 0, NULL);
    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        vkCheckpointDef *def;

        if (ent[0] == '.' || !g_str_has_suffix(ent, ".xml"))
            continue;
        path = g_build_filename(l->dir, ent, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        if (!(def = vkCheckpointDefParseString(xml, "kvm,qemu", true))) {
            g_dir_close(d);
            vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read checkpoint metadata '%s'",
                          path);
            return NULL;
        }
        g_ptr_array_add(l->defs, def);
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(l->defs, byCreation);
    curPath = g_build_filename(l->dir, ".current", NULL);
    if (g_file_get_contents(curPath, &cur, NULL, NULL))
        l->current = g_steal_pointer(&cur);
    return g_steal_pointer(&l);
}

static vkCheckpointDef *
find(cpList *l, const char *name)
{
    for (guint i = 0; name && i < l->defs->len; i++) {
        vkCheckpointDef *def = l->defs->pdata[i];
        if (strcmp(def->name, name) == 0)
            return def;
    }
    return NULL;
}

static int
save(cpList *l, const vkCheckpointDef *def)
{
    g_autofree char *file = g_strdup_printf("%s.xml", def->name);
    g_autofree char *path = g_build_filename(l->dir, file, NULL);
    g_autofree char *xml = vkCheckpointDefFormat(def, true, false);

    if (g_mkdir_with_parents(l->dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create checkpoint directory '%s'", l->dir);
        return -1;
    }
    return vkAtomicFileWriteFrom(VIR_FROM_QEMU, path, xml, strlen(xml), 0600);
}

static int
saveCurrent(cpList *l)
{
    g_autofree char *path = g_build_filename(l->dir, ".current", NULL);

    if (!l->current || !find(l, l->current)) {
        g_unlink(path);
        return 0;
    }
    if (g_mkdir_with_parents(l->dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create checkpoint directory '%s'", l->dir);
        return -1;
    }
    return vkAtomicFileWriteFrom(VIR_FROM_QEMU, path, l->current, strlen(l->current), 0600);
}

int
vkQemuCheckpointCount(vkQemuState *st, const char *domName)
{
    g_autoptr(cpList) l = load(st, domName);
    return l ? (int)l->defs->len : -1;
}

void
vkQemuCheckpointDropAll(vkQemuState *st, const char *domName)
{
    g_autofree char *dir = cpDir(st, domName);

    vkQemuMetadataDirRemove(dir);
}

/* ---- the bitmaps ---- */

/* Adds (add) or removes the bitmaps of def on running obj's disks in one
 * QMP transaction.  A disk that is gone or no longer qcow2 is skipped on
 * removal (nothing to remove). */
static int
bitmaps(vkQemuState *st, vkQemuDomain *obj, const vkCheckpointDef *def, bool add)
{
    vkJSON *actions;
    vkJSON *args;

    if (obj->id < 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "cannot %s checkpoint for inactive "
                      "domain", add ? "create" : "delete");
        return -1;
    }
    actions = vkJSONNewArray();

    for (guint i = 0; i < def->disks->len; i++) {
        vkCheckpointDiskDef *cd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, cd->name);
        g_autoptr(GPtrArray) chain = NULL;
        vkJSON *act, *data;

        if (strcmp(cd->checkpoint, "bitmap") != 0)
            continue;
        if (!d || !d->src || g_strcmp0(d->driverType, "qcow2") != 0) {
            if (!add)
                continue;
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "checkpoint for disk %s unsupported for storage type %s",
                          cd->name, d && d->driverType ? d->driverType : "raw");
            goto error;
        }
        if (!(chain = vkQemuBlockChain(st, obj, d)))
            goto error;
        act = vkJSONNewObject();
        data = vkJSONNewObject();
        vkJSONObjectAppendString(data, "node", ((vkQemuImage *)chain->pdata[0])->node);
        vkJSONObjectAppendString(data, "name", cd->bitmap);
        if (add)
            vkJSONObjectAppendBool(data, "persistent", true);
        vkJSONObjectAppendString(act, "type", add ? "block-dirty-bitmap-add"
                                                  : "block-dirty-bitmap-remove");
        vkJSONObjectAppend(act, "data", data);
        vkJSONArrayAppend(actions, act);
    }
    if (vkJSONArraySize(actions) == 0) {
        vkJSONFree(actions);
        return 0;
    }
    args = vkJSONNewObject();
    vkJSONObjectAppend(args, "actions", actions);
    return vkQemuDomainMonitorCommand(st, obj, "transaction", args, NULL);

 error:
    vkJSONFree(actions);
    return -1;
}

/* ---- the API ---- */

static cpList *
beginRead(virDomainPtr dom, vkQemuState **st)
{
    vkQemuDomain *obj;
    cpList *l;

    if (!(obj = vkQemuDomainGet(dom, st)))
        return NULL;
    if (!(l = load(*st, obj->name)))
        g_mutex_unlock(&(*st)->lock);
    return l;
}

static void
endRead(vkQemuState *st, cpList *l)
{
    cpListFree(l);
    g_mutex_unlock(&st->lock);
}

static void
noCheckpoint(const char *name)
{
    vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT,
                  "no domain checkpoint with matching name '%s'", name);
}

virDomainCheckpointPtr
vkQemuDomainCheckpointCreateXML(virDomainPtr dom, const char *xml, unsigned int flags)
{
    bool redefine = flags & VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE;
    g_autoptr(vkCheckpointDef) def = NULL;
    g_autoptr(cpList) l = NULL;
    virDomainCheckpointPtr ret = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE |
                 VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE, NULL);
    if ((flags & VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE) && !redefine) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' is required by flag "
                      "'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE'");
        return NULL;
    }
    if (!(def = vkCheckpointDefParseString(xml, "kvm,qemu", redefine)))
        return NULL;
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return NULL;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!redefine && obj->id < 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "cannot create checkpoint for inactive domain");
        goto out;
    }
    if (!(l = load(st, obj->name)))
        goto out;
    if (redefine) {
        if (def->parent && !find(l, def->parent)) {
            vkReportError(VIR_ERR_INVALID_ARG, "parent %s for checkpoint %s not found",
                          def->parent, def->name);
            goto out;
        }
        if (!def->dom && !(def->dom = vkDomainDefCopy(obj->def)))
            goto out;
        if (vkCheckpointDefAlignDisks(def) < 0)
            goto out;
    } else {
        def->creationTime = g_get_real_time() / G_USEC_PER_SEC;
        if (!def->name)
            def->name = g_strdup_printf("%lld", def->creationTime);
        if (find(l, def->name)) {
            vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, __FILE__, __func__,
                              __LINE__, "domain moment %s already exists", def->name);
            goto out;
        }
        if (!(def->dom = vkDomainDefCopy(obj->def)) || vkCheckpointDefAlignDisks(def) < 0 ||
            bitmaps(st, obj, def, true) < 0)
            goto out;
        g_free(def->parent);
        def->parent = g_strdup(find(l, l->current) ? l->current : NULL);
    }
    if (save(l, def) < 0)
        goto out;
    if (!redefine || !l->current) {
        g_free(l->current);
        l->current = g_strdup(def->name);
    }
    g_ptr_array_add(l->defs, def);
    if (saveCurrent(l) < 0) {
        g_ptr_array_steal_index(l->defs, l->defs->len - 1);
        goto out;
    }
    ret = vkGetDomainCheckpoint(dom, def->name);
    def = NULL;   /* l owns it now */

 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

static int
listOf(virDomainPtr dom, const char *from, virDomainCheckpointPtr **out,
       unsigned int flags)
{
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(GPtrArray) handles = NULL;
    vkQemuState *st;
    cpList *l;

    vkCheckFlags(VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS | VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL |
                 VIR_DOMAIN_CHECKPOINT_LIST_LEAVES | VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES, -1);
    if (!(l = beginRead(dom, &st)))
        return -1;
    if (from && !find(l, from)) {
        noCheckpoint(from);
        endRead(st, l);
        return -1;
    }
    found = vkCheckpointListSelect(l->defs, from, flags);
    handles = g_ptr_array_new_with_free_func((GDestroyNotify)vkDomainCheckpointUnref);
    for (guint i = 0; i < found->len; i++) {
        vkCheckpointDef *def = found->pdata[i];
        g_ptr_array_add(handles, out ? vkGetDomainCheckpoint(dom, def->name) : NULL);
    }
    endRead(st, l);
    if (out) {
        g_ptr_array_add(handles, NULL);
        *out = (virDomainCheckpointPtr *)g_ptr_array_steal(handles, NULL);
        return (int)g_strv_length((char **)*out);
    }
    return (int)handles->len;
}

int
vkQemuDomainListAllCheckpoints(virDomainPtr dom, virDomainCheckpointPtr **cps,
                               unsigned int flags)
{
    return listOf(dom, NULL, cps, flags);
}

int
vkQemuDomainCheckpointListAllChildren(virDomainCheckpointPtr cp,
                                      virDomainCheckpointPtr **children, unsigned int flags)
{
    return listOf(cp->domain, cp->name, children, flags);
}

virDomainCheckpointPtr
vkQemuDomainCheckpointLookupByName(virDomainPtr dom, const char *name, unsigned int flags)
{
    virDomainCheckpointPtr ret = NULL;
    vkQemuState *st;
    cpList *l;

    vkCheckFlags(0, NULL);
    if (!(l = beginRead(dom, &st)))
        return NULL;
    if (find(l, name))
        ret = vkGetDomainCheckpoint(dom, name);
    else
        noCheckpoint(name);
    endRead(st, l);
    return ret;
}

virDomainCheckpointPtr
vkQemuDomainCheckpointGetParent(virDomainCheckpointPtr cp, unsigned int flags)
{
    virDomainCheckpointPtr ret = NULL;
    vkCheckpointDef *def;
    vkQemuState *st;
    cpList *l;

    vkCheckFlags(0, NULL);
    if (!(l = beginRead(cp->domain, &st)))
        return NULL;
    if (!(def = find(l, cp->name)))
        noCheckpoint(cp->name);
    else if (!def->parent)
        vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT, "checkpoint '%s' does not have a parent",
                      cp->name);
    else
        ret = vkGetDomainCheckpoint(cp->domain, def->parent);
    endRead(st, l);
    return ret;
}

char *
vkQemuDomainCheckpointGetXMLDesc(virDomainCheckpointPtr cp, unsigned int flags)
{
    vkCheckpointDef *def;
    vkQemuState *st;
    cpList *l;
    char *ret = NULL;

    vkCheckFlags(VIR_DOMAIN_CHECKPOINT_XML_SECURE | VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN, NULL);
    if (!(l = beginRead(cp->domain, &st)))
        return NULL;
    if ((def = find(l, cp->name)))
        ret = vkCheckpointDefFormat(def, flags & VIR_DOMAIN_CHECKPOINT_XML_SECURE,
                                    flags & VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN);
    else
        noCheckpoint(cp->name);
    endRead(st, l);
    return ret;
}

int
vkQemuDomainCheckpointDelete(virDomainCheckpointPtr cp, unsigned int flags)
{
    bool onlyChildren = flags & VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY;
    g_autoptr(GPtrArray) victims = NULL;
    g_autoptr(cpList) l = NULL;
    vkCheckpointDef *def;
    vkQemuState *st;
    vkQemuDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                 VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY |
                 VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY, -1);
    if (!(obj = vkQemuDomainGet(cp->domain, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!(l = load(st, obj->name)))
        goto out;
    if (!(def = find(l, cp->name))) {
        noCheckpoint(cp->name);
        goto out;
    }
    if (flags & (VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                 VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY))
        victims = vkCheckpointListSelect(l->defs, def->name,
                                         VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS);
    else
        victims = g_ptr_array_new();
    if (!onlyChildren)
        g_ptr_array_add(victims, def);

    /* deepest first, each one's children moving to its parent */
    for (guint i = victims->len; i > 0; i--) {
        vkCheckpointDef *v = victims->pdata[i - 1];
        g_autofree char *file = g_strdup_printf("%s.xml", v->name);
        g_autofree char *path = g_build_filename(l->dir, file, NULL);

        if (!(flags & VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY) &&
            bitmaps(st, obj, v, false) < 0)
            goto out;
        for (guint j = 0; j < l->defs->len; j++) {
            vkCheckpointDef *c = l->defs->pdata[j];
            if (g_strcmp0(c->parent, v->name) == 0) {
                g_free(c->parent);
                c->parent = g_strdup(v->parent);
                if (save(l, c) < 0)
                    goto out;
            }
        }
        if (g_strcmp0(l->current, v->name) == 0) {
            g_free(l->current);
            l->current = g_strdup(v->parent);
        }
        g_unlink(path);
        g_ptr_array_remove(l->defs, v);
    }
    ret = saveCurrent(l);

 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}
