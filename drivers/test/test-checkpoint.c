/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoints of the test driver, kept in memory as libvirt 9.0's test
 * driver keeps them: per domain, the parsed <domaincheckpoint>s in
 * creation order and the name of the current one (the parent of the next).
 * There are no bitmaps to make, so what remains are libvirt's rules: only
 * a running domain takes a checkpoint (even a redefined one), never while
 * it has snapshots, and a redefinition replaces a checkpoint of the same
 * name.  Deleting one hands its children to its parent.
 */
#define VIR_FROM_THIS VIR_FROM_TEST
#include <string.h>

#include "drivers/test/test-private.h"
#include "conf/checkpoint-conf.h"
#include "conf/snapshot-conf.h"
#include "util/error.h"
#include "util/uuid.h"

struct _vkTestCheckpoints {
    GPtrArray *defs;     /* vkCheckpointDef *, in creation order */
    char *current;
};

void
vkTestCheckpointsFree(vkTestCheckpoints *cps)
{
    if (!cps)
        return;
    g_ptr_array_unref(cps->defs);
    g_free(cps->current);
    g_free(cps);
}

size_t
vkTestCheckpointCount(vkTestDomain *obj)
{
    return obj->checkpoints ? obj->checkpoints->defs->len : 0;
}

static vkTestCheckpoints *
cpList(vkTestDomain *obj)
{
    if (!obj->checkpoints) {
        obj->checkpoints = g_new0(vkTestCheckpoints, 1);
        obj->checkpoints->defs =
            g_ptr_array_new_with_free_func((GDestroyNotify)vkCheckpointDefFree);
    }
    return obj->checkpoints;
}

static vkCheckpointDef *
cpFind(vkTestCheckpoints *l, const char *name)
{
    for (guint i = 0; name && i < l->defs->len; i++) {
        vkCheckpointDef *def = l->defs->pdata[i];
        if (strcmp(def->name, name) == 0)
            return def;
    }
    return NULL;
}

/* The checkpoint of a handle with the state locked; NULL, unlocked and
 * VIR_ERR_NO_DOMAIN_CHECKPOINT when it is gone. */
static vkCheckpointDef *
cpGet(virDomainCheckpointPtr cp, vkTestState **st, vkTestDomain **objp)
{
    vkTestDomain *obj;
    vkCheckpointDef *def;

    if (!(obj = vkTestDomainGet(cp->domain, st)))
        return NULL;
    if (!(def = cpFind(cpList(obj), cp->name))) {
        g_mutex_unlock(&(*st)->lock);
        vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT,
                      "no domain checkpoint with matching name '%s'", cp->name);
        return NULL;
    }
    if (objp)
        *objp = obj;
    return def;
}

/* A redefinition's checks against obj and l (libvirt's moment rules). */
static int
checkRedefine(vkTestDomain *obj, vkTestCheckpoints *l, vkCheckpointDef *def)
{
    if (def->parent && strcmp(def->parent, def->name) == 0) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "cannot set moment %s as its own parent",
                             def->name);
        return -1;
    }
    if (def->parent && !cpFind(l, def->parent)) {
        vkReportError(VIR_ERR_INVALID_ARG, "parent %s for moment %s not found",
                      def->parent, def->name);
        return -1;
    }
    if (!def->dom)
        return 0;
    if (memcmp(def->dom->uuid, obj->uuid, VIR_UUID_BUFLEN) != 0) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        vkUUIDFormat(obj->uuid, uuidstr);
        vkReportErrorFull(VIR_FROM_DOMAIN_CHECKPOINT, VIR_ERR_INVALID_ARG, __FILE__, __func__,
                          __LINE__, "definition for checkpoint %s must use uuid %s",
                          def->name, uuidstr);
        return -1;
    }
    return vkCheckpointDefAlignDisks(def);
}

virDomainCheckpointPtr
vkTestDomainCheckpointCreateXML(virDomainPtr dom, const char *xml, unsigned int flags)
{
    bool redefine = flags & VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE;
    g_autoptr(vkCheckpointDef) def = NULL;
    virDomainCheckpointPtr ret = NULL;
    vkTestCheckpoints *l;
    vkTestState *st;
    vkTestDomain *obj;

    if (!vkTestFlagsOK("testDomainCheckpointCreateXML", flags,
                 VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE | VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE))
        return NULL;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (obj->id < 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "cannot create checkpoint for inactive domain");
        goto out;
    }
    if (obj->snapshots && vkSnapshotListCount(obj->snapshots) > 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "cannot create checkpoint while snapshot exists");
        goto out;
    }
    if (!(def = vkCheckpointDefParseString(xml, "test", redefine)))
        goto out;
    l = cpList(obj);
    if (redefine) {
        vkCheckpointDef *old;

        if (checkRedefine(obj, l, def) < 0)
            goto out;
        if ((old = cpFind(l, def->name)))
            g_ptr_array_remove(l->defs, old);
    } else {
        def->creationTime = g_get_real_time() / G_USEC_PER_SEC;
        if (!def->name)
            def->name = g_strdup_printf("%lld", def->creationTime);
        if (cpFind(l, def->name)) {
            vkTestReportDomError(VIR_ERR_OPERATION_FAILED, "domain moment %s already exists",
                                 def->name);
            goto out;
        }
        if (!(def->dom = vkDomainDefCopy(obj->def)) || vkCheckpointDefAlignDisks(def) < 0)
            goto out;
        g_free(def->parent);
        def->parent = g_strdup(cpFind(l, l->current) ? l->current : NULL);
    }
    if (!redefine || !cpFind(l, l->current)) {
        g_free(l->current);
        l->current = g_strdup(def->name);
    }
    ret = vkGetDomainCheckpoint(dom, def->name);
    g_ptr_array_add(l->defs, g_steal_pointer(&def));

 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
listFrom(virDomainPtr dom, const char *fn, const char *from,
         virDomainCheckpointPtr **out, unsigned int flags)
{
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(GPtrArray) handles =
        g_ptr_array_new_with_free_func((GDestroyNotify)vkDomainCheckpointUnref);
    vkTestCheckpoints *l;
    vkTestState *st;
    vkTestDomain *obj;

    if (!vkTestFlagsOK(fn, flags, VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS |
                            VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL |
                            VIR_DOMAIN_CHECKPOINT_LIST_LEAVES |
                            VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES))
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    l = cpList(obj);
    if (from && !cpFind(l, from)) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT,
                      "no domain checkpoint with matching name '%s'", from);
        return -1;
    }
    found = vkCheckpointListSelect(l->defs, from, flags);
    for (guint i = 0; i < found->len; i++) {
        vkCheckpointDef *def = found->pdata[i];
        g_ptr_array_add(handles, out ? vkGetDomainCheckpoint(dom, def->name) : NULL);
    }
    g_mutex_unlock(&st->lock);
    if (!out)
        return (int)handles->len;
    g_ptr_array_add(handles, NULL);
    g_ptr_array_set_free_func(handles, NULL);
    *out = (virDomainCheckpointPtr *)g_ptr_array_free(g_steal_pointer(&handles), FALSE);
    return (int)g_strv_length((char **)*out);
}

int
vkTestDomainListAllCheckpoints(virDomainPtr dom, virDomainCheckpointPtr **cps,
                               unsigned int flags)
{
    return listFrom(dom, "testDomainListAllCheckpoints", NULL, cps, flags);
}

int
vkTestDomainCheckpointListAllChildren(virDomainCheckpointPtr cp,
                                      virDomainCheckpointPtr **children, unsigned int flags)
{
    return listFrom(cp->domain, "testDomainCheckpointListAllChildren", cp->name,
                    children, flags);
}

virDomainCheckpointPtr
vkTestDomainCheckpointLookupByName(virDomainPtr dom, const char *name, unsigned int flags)
{
    virDomainCheckpointPtr ret = NULL;
    vkTestState *st;
    vkTestDomain *obj;

    if (!vkTestFlagsOK("testDomainCheckpointLookupByName", flags, 0))
        return NULL;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (cpFind(cpList(obj), name))
        ret = vkGetDomainCheckpoint(dom, name);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT,
                      "no domain checkpoint with matching name '%s'", name);
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainCheckpointPtr
vkTestDomainCheckpointGetParent(virDomainCheckpointPtr cp, unsigned int flags)
{
    virDomainCheckpointPtr ret = NULL;
    vkCheckpointDef *def;
    vkTestState *st;

    if (!vkTestFlagsOK("testDomainCheckpointGetParent", flags, 0))
        return NULL;
    if (!(def = cpGet(cp, &st, NULL)))
        return NULL;
    if (def->parent)
        ret = vkGetDomainCheckpoint(cp->domain, def->parent);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_CHECKPOINT, "checkpoint '%s' does not have a parent",
                      def->name);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkTestDomainCheckpointGetXMLDesc(virDomainCheckpointPtr cp, unsigned int flags)
{
    vkCheckpointDef *def;
    vkTestState *st;
    char *xml;

    /* SIZE is accepted: the test driver has no sizes to add. */
    if (!vkTestFlagsOK("testDomainCheckpointGetXMLDesc", flags,
                 VIR_DOMAIN_CHECKPOINT_XML_SECURE | VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN |
                 VIR_DOMAIN_CHECKPOINT_XML_SIZE))
        return NULL;
    if (!(def = cpGet(cp, &st, NULL)))
        return NULL;
    xml = vkCheckpointDefFormat(def, flags & VIR_DOMAIN_CHECKPOINT_XML_SECURE,
                                flags & VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN);
    g_mutex_unlock(&st->lock);
    return xml;
}

int
vkTestDomainCheckpointDelete(virDomainCheckpointPtr cp, unsigned int flags)
{
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    vkTestCheckpoints *l;
    vkCheckpointDef *def;
    vkTestDomain *obj;
    vkTestState *st;

    if (!vkTestFlagsOK("testDomainCheckpointDelete", flags,
                 VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                 VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY |
                 VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY))
        return -1;
    if (!(def = cpGet(cp, &st, &obj)))
        return -1;
    l = obj->checkpoints;
    if (flags & (VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                 VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY)) {
        g_ptr_array_unref(victims);
        victims = vkCheckpointListSelect(l->defs, def->name,
                                         VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS);
    }
    if (!(flags & VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY))
        g_ptr_array_add(victims, def);

    /* deepest first: each one's remaining children move to its parent */
    for (guint i = victims->len; i > 0; i--) {
        vkCheckpointDef *v = victims->pdata[i - 1];

        for (guint j = 0; j < l->defs->len; j++) {
            vkCheckpointDef *c = l->defs->pdata[j];
            if (g_strcmp0(c->parent, v->name) == 0) {
                g_free(c->parent);
                c->parent = g_strdup(v->parent);
            }
        }
        if (g_strcmp0(l->current, v->name) == 0) {
            g_free(l->current);
            l->current = g_strdup(v->parent);
        }
        g_ptr_array_remove(l->defs, v);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}
