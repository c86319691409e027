/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshots of the test driver, kept in memory as libvirt's test driver
 * keeps them: a tree per domain (src/conf's vkSnapshotList), each
 * snapshot holding a copy of the domain's definition and its state at
 * the time; reverting puts both back.  Nothing is on disk, so
 * HasMetadata is always true and METADATA_ONLY deletion is refused as
 * libvirt's test driver refuses it.
 */
#define VIR_FROM_THIS VIR_FROM_TEST
#include <string.h>

#include "drivers/test/test-private.h"
#include "conf/snapshot-conf.h"
#include "util/error.h"

static vkSnapshotList *
snapList(vkTestDomain *obj)
{
    if (!obj->snapshots)
        obj->snapshots = vkSnapshotListNew();
    return obj->snapshots;
}

/* The snapshot of a handle, with the state locked; NULL unlocked with
 * VIR_ERR_NO_DOMAIN_SNAPSHOT when it is gone. */
static vkSnapshotDef *
snapGet(virDomainSnapshotPtr snapshot, vkTestState **st, vkTestDomain **objp)
{
    vkTestDomain *obj;
    vkSnapshotDef *def;

    if (!(obj = vkTestDomainGet(snapshot->domain, st)))
        return NULL;
    if (!(def = vkSnapshotListFind(snapList(obj), snapshot->name))) {
        g_mutex_unlock(&(*st)->lock);
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", snapshot->name);
        return NULL;
    }
    *objp = obj;
    return def;
}

static virDomainSnapshotPtr
makeHandle(virDomainPtr dom, const char *name)
{
    return vkGetDomainSnapshot(dom, name);
}

virDomainSnapshotPtr
vkTestDomainSnapshotCreateXML(virDomainPtr dom, const char *xml, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    g_autoptr(vkSnapshotDef) def = NULL;
    bool redefine = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
    vkSnapshotList *list;
    virDomainSnapshotPtr ret;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT |
                 VIR_DOMAIN_SNAPSHOT_CREATE_HALT | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC |
                 VIR_DOMAIN_SNAPSHOT_CREATE_LIVE | VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE, NULL);
    if (vkSnapshotCheckCreateFlags(flags) < 0)
        return NULL;
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE) &&
        vkConfSchemaValidate(xml, "domainsnapshot.rng") < 0)
        return NULL;
    if (!(def = vkSnapshotDefParseString(xml, "test",
                                         redefine ? VK_SNAPSHOT_PARSE_REDEFINE : 0)))
        return NULL;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (vkTestCheckpointCount(obj) > 0) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "cannot create snapshot while checkpoint exists");
        goto error;
    }
    list = snapList(obj);

    if (redefine) {
        if (def->parent && !vkSnapshotListFind(list, def->parent)) {
            vkReportError(VIR_ERR_INVALID_ARG, "parent %s for snapshot %s not found",
                          def->parent, def->name);
            goto error;
        }
        if (def->parent && strcmp(def->parent, def->name) == 0) {
            vkReportError(VIR_ERR_INVALID_ARG, "snapshot %s cannot be its own parent",
                          def->name);
            goto error;
        }
        if (!def->dom && !(def->dom = vkDomainDefCopy(obj->def)))
            goto error;
    } else {
        def->creationTime = g_get_real_time() / G_USEC_PER_SEC;
        if (!def->name)
            def->name = g_strdup_printf("%lld", def->creationTime);
        if (vkSnapshotListFind(list, def->name)) {
            vkTestReportDomError(VIR_ERR_OPERATION_FAILED, "domain moment %s already exists",
                                 def->name);
            goto error;
        }
        g_free(def->state);
        def->state = g_strdup(vkSnapshotStateName(obj->state));
        def->active = obj->id >= 0;
        if (!(def->dom = vkDomainDefCopy(obj->def)))
            goto error;
        if (vkSnapshotDefAlignDisks(def, false, obj->id >= 0) < 0)
            goto error;
        g_free(def->parent);
        def->parent = g_strdup(vkSnapshotListCurrent(list));
    }
    ret = makeHandle(dom, def->name);
    if (!redefine || (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT))
        vkSnapshotListSetCurrent(list, def->name);
    vkSnapshotListAdd(list, g_steal_pointer(&def));

    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT) && obj->id >= 0)
        vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT,
                         VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
    g_mutex_unlock(&st->lock);
    return ret;

 error:
    g_mutex_unlock(&st->lock);
    return NULL;
}

char *
vkTestDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkSnapshotDef *def;
    char *xml;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_XML_SECURE, NULL);
    if (!(def = snapGet(snapshot, &st, &obj)))
        return NULL;
    xml = vkSnapshotDefFormat(def, (flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE)
                                   ? VK_SNAPSHOT_FORMAT_SECURE : 0);
    g_mutex_unlock(&st->lock);
    return xml;
}

/* Names of the domain's snapshots (from NULL) or of from's children. */
static char **
listNames(virDomainPtr dom, const char *from, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    char **names;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (from && !vkSnapshotListFind(snapList(obj), from)) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", from);
        return NULL;
    }
    names = vkSnapshotListNames(snapList(obj), from, flags);
    g_mutex_unlock(&st->lock);
    return names;
}

int
vkTestDomainSnapshotNum(virDomainPtr dom, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(dom, NULL, flags)))
        return -1;
    return (int)g_strv_length(all);
}

int
vkTestDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                              unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(dom, NULL, flags)))
        return -1;
    return vkSnapshotNamesCopy(all, names, nameslen);
}

int
vkTestDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                             unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(dom, NULL, flags)))
        return -1;
    return vkGetDomainSnapshots(dom, all, snaps);
}

int
vkTestDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(snapshot->domain, snapshot->name, flags)))
        return -1;
    return (int)g_strv_length(all);
}

int
vkTestDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                      int nameslen, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(snapshot->domain, snapshot->name, flags)))
        return -1;
    return vkSnapshotNamesCopy(all, names, nameslen);
}

int
vkTestDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                    virDomainSnapshotPtr **snaps, unsigned int flags)
{
    g_auto(GStrv) all = NULL;

    vkCheckFlags(VK_SNAPSHOT_LIST_FLAGS, -1);
    if (!(all = listNames(snapshot->domain, snapshot->name, flags)))
        return -1;
    return vkGetDomainSnapshots(snapshot->domain, all, snaps);
}

virDomainSnapshotPtr
vkTestDomainSnapshotLookupByName(virDomainPtr dom, const char *name, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (vkSnapshotListFind(snapList(obj), name))
        ret = makeHandle(dom, name);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", name);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    int ret;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ret = vkSnapshotListCurrent(snapList(obj)) != NULL;
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainSnapshotPtr
vkTestDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    const char *cur;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if ((cur = vkSnapshotListCurrent(snapList(obj))))
        ret = makeHandle(dom, cur);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "%s",
                      "the domain does not have a current snapshot");
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainSnapshotPtr
vkTestDomainSnapshotGetParent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkSnapshotDef *def;
    virDomainSnapshotPtr ret = NULL;

    vkCheckFlags(0, NULL);
    if (!(def = snapGet(snapshot, &st, &obj)))
        return NULL;
    if (def->parent)
        ret = makeHandle(snapshot->domain, def->parent);
    else
        vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "snapshot '%s' does not have a parent",
                      def->name);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    const char *cur;
    int ret;

    vkCheckFlags(0, -1);
    if (!snapGet(snapshot, &st, &obj))
        return -1;
    cur = vkSnapshotListCurrent(snapList(obj));
    ret = cur && strcmp(cur, snapshot->name) == 0;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(0, -1);
    if (!snapGet(snapshot, &st, &obj))
        return -1;
    g_mutex_unlock(&st->lock);
    return 1;
}

int
vkTestDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkSnapshotDef *def;
    vkDomainDef *copy;
    int state;
    bool wasRunning;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                 VIR_DOMAIN_SNAPSHOT_REVERT_FORCE, -1);
    if ((flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING) &&
        (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and "
                      "'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive");
        return -1;
    }
    if (!(def = snapGet(snapshot, &st, &obj)))
        return -1;
    state = vkSnapshotStateFromName(def->state);
    if (state == VK_SNAPSHOT_STATE_DISK_SNAPSHOT) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "revert to external snapshot '%s' is not supported", def->name);
        return -1;
    }
    if (!(copy = vkDomainDefCopy(def->dom))) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    wasRunning = obj->id >= 0;
    if (flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        state = VIR_DOMAIN_RUNNING;
    else if (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED)
        state = VIR_DOMAIN_PAUSED;

    if (state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED) {
        if (wasRunning) {
            /* the running guest jumps to the snapshot's state */
            copy->id = obj->id;
            vkDomainDefFree(obj->def);
            obj->def = copy;
        } else {
            vkDomainDefFree(obj->def);
            obj->def = copy;
            vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT);
            vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STARTED,
                                VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT);
        }
        if (state == VIR_DOMAIN_PAUSED) {
            vkTestDomainSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT);
            vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT);
        } else {
            vkTestDomainSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT);
        }
    } else {
        if (wasRunning) {
            /* the definition to come back to is the snapshot's */
            vkDomainDefFree(obj->newDef);
            obj->newDef = copy;
            vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT,
                             VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
        } else {
            vkDomainDefFree(obj->def);
            obj->def = copy;
        }
    }
    vkSnapshotListSetCurrent(snapList(obj), snapshot->name);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkSnapshotDef *def;
    vkSnapshotList *list;
    g_auto(GStrv) below = NULL;
    g_autofree char *parent = NULL;
    const char *cur;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                 VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY, -1);
    if (!(def = snapGet(snapshot, &st, &obj)))
        return -1;
    list = snapList(obj);
    parent = g_strdup(def->parent);
    if (flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        below = vkSnapshotListDescendants(list, snapshot->name);
        for (char **n = below; *n; n++) {
            cur = vkSnapshotListCurrent(list);
            if (cur && strcmp(cur, *n) == 0)
                vkSnapshotListSetCurrent(list, (flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
                                               ? snapshot->name : NULL);
            vkSnapshotListRemove(list, *n);
        }
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        cur = vkSnapshotListCurrent(list);
        bool wasCurrent = cur && strcmp(cur, snapshot->name) == 0;
        vkSnapshotListRemove(list, snapshot->name);
        if (wasCurrent && parent)
            vkSnapshotListSetCurrent(list, parent);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSnapshotCount(const vkTestDomain *obj)
{
    return obj->snapshots ? (int)vkSnapshotListCount(obj->snapshots) : 0;
}
