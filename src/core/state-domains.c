/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domains on the stateful-driver frame (see state-domains.h).
 *
 * Define writes the config before the in-memory object changes (the
 * checks of vkDomainListAdd run first, so the file is only written for a
 * definition the list will take); undefine removes the link and the file
 * before the object, and a running domain stays as a transient one until
 * it stops.
 */
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"
#include "core/state-domains.h"
#include "core/state-config.h"

#define FIELD(st, obj, f, type) VK_DOMAIN_OBJ_FIELD((st)->domainList, obj, f, type)
#define NAME(st, obj) FIELD(st, obj, name, char *)
#define ERRDOM(st) ((st)->domainList->from)

/* vkCheckFlags, in the driver's error domain. */
#define checkFlags(st, supported, ret) \
    do { \
        unsigned int unknown_ = flags & ~(unsigned int)(supported); \
        if (unknown_) { \
            vkReportErrorFull(ERRDOM(st), VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__, \
                              "unsupported flags (0x%x) in function %s", unknown_, __func__); \
            return ret; \
        } \
    } while (0)

static vkDomainList *
listOf(virConnectPtr conn)
{
    return vkStateOf(conn)->domainList;
}

/* ---- configs on disk ---- */

static void *
configParse(const char *xml, void *opaque)
{
    vkStateBase *st = opaque;

    return vkDomainDefParseString(xml, st->domainOps->virtTypes, 0);
}

static char *
configFormat(const void *def)
{
    return vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE);
}

static const char *
configName(const void *def)
{
    return ((const vkDomainDef *)def)->name;
}

static void *
configAdd(void *opaque, void **def)
{
    vkStateBase *st = opaque;

    return vkDomainListAdd(st->domainList, (vkDomainDef **)def, false, NULL);
}

static void
configAutostart(void *opaque, void *obj)
{
    vkStateBase *st = opaque;

    FIELD(st, obj, autostart, bool) = true;
}

static const vkStateConfigOps configOps = {
    .parse = configParse,
    .format = configFormat,
    .name = configName,
    .defFree = (GDestroyNotify)vkDomainDefFree,
    .add = configAdd,
    .setAutostart = configAutostart,
};

void
vkStateDomainsInit(vkStateBase *st, vkDomainList *list, const vkDomainObjOps *ops,
                   const vkStateDomainOps *dops)
{
    g_autofree char *label = g_strdup_printf("%s driver", st->cls->label);
    vkStateConfigOps cops = configOps;

    vkDomainListInit(list, ops, st->cls->errdom, &st->lock);
    st->domainList = list;
    st->domainOps = dops;
    cops.label = label;
    vkStateConfigLoadAll(&cops, st->configDir, st->autostartDir, st);
}

int
vkStateDomainSaveConfig(vkStateBase *st, const vkDomainDef *def)
{
    return vkStateConfigSave(&configOps, st->configDir, def);
}

bool
vkStateDomainCheckActive(int errdom, const char *name, int id)
{
    if (id >= 0)
        return true;
    vkReportErrorFull(errdom, VIR_ERR_OPERATION_INVALID, __FILE__, __func__, __LINE__,
                      "%s", "domain is not running");
    return false;
}

void
vkStateDomainEmit(vkStateBase *st, const void *obj, int event, int detail)
{
    vkDomainList *l = st->domainList;

    vkDomainEventQueueLifecycle(st->events, VK_DOMAIN_OBJ_FIELD(l, obj, name, char *),
                                (const unsigned char *)obj + l->ops->uuid,
                                VK_DOMAIN_OBJ_FIELD(l, obj, id, int), event, detail);
}

/* ---- define and undefine ---- */

virDomainPtr
vkStateDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkStateBase *st = vkStateOf(conn);
    g_autoptr(vkDomainDef) def = NULL;
    void *obj;
    virDomainPtr ret = NULL;
    bool wasPersistent = false;
    bool exists;

    checkFlags(st, VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    g_mutex_lock(&st->lock);
    if (!(def = st->domainOps->parse(st, xml)))
        goto cleanup;
    if ((flags & VIR_DOMAIN_DEFINE_VALIDATE) || getenv("VIRTKIT_VALIDATE_XML")) {
        g_autofree char *out = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE);

        if (vkDomainXMLValidate(out) == -1)
            goto cleanup;
        vkErrorReset();
    }
    /* The checks of vkDomainListAdd, before the file is written. */
    if (!vkDomainListCheckNew(st->domainList, def))
        goto cleanup;
    exists = vkDomainListFindByUUID(st->domainList, def->uuid) != NULL;
    if (vkStateEnsureDirs(st) < 0 || vkStateDomainSaveConfig(st, def) < 0)
        goto cleanup;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        obj = vkDomainListAdd(st->domainList, &tmp, false, &wasPersistent);
        vkDomainDefFree(tmp);
    }
    if (!obj)
        goto cleanup;
    vkStateDomainEmit(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                      exists && wasPersistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                      VIR_DOMAIN_EVENT_DEFINED_ADDED);
    ret = vkDomainListMakeHandle(st->domainList, conn, obj);

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkStateDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vkStateDomainDefineXMLFlags(conn, xml, 0);
}

int
vkStateDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    vkStateBase *st = vkStateOf(dom->conn);
    void *obj;
    int ret = -1;

    checkFlags(st, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
               VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM |
               VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA, -1);
    if (!(obj = vkDomainListLockHandle(st->domainList, dom)))
        return -1;
    if (!FIELD(st, obj, persistent, bool)) {
        vkReportErrorFull(ERRDOM(st), VIR_ERR_OPERATION_INVALID, __FILE__, __func__, __LINE__,
                          "cannot undefine transient domain '%s'", NAME(st, obj));
        goto cleanup;
    }
    if (st->domainOps->undefine && st->domainOps->undefine(st, obj, flags) < 0)
        goto cleanup;
    if (!vkStateAutostartSet(st->autostartDir, NAME(st, obj), false, ERRDOM(st)))
        goto cleanup;
    FIELD(st, obj, autostart, bool) = false;
    if (vkStateConfigDelete(st->configDir, NAME(st, obj), ERRDOM(st)) < 0)
        goto cleanup;
    vkStateDomainEmit(st, obj, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (vkDomainListObjActive(st->domainList, obj)) {
        /* Runs on as a transient domain; forgotten when it stops. */
        FIELD(st, obj, persistent, bool) = false;
        vkDomainDefFree(g_steal_pointer(&FIELD(st, obj, newDef, vkDomainDef *)));
    } else {
        vkDomainListRemove(st->domainList, obj);
    }
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkStateDomainUndefine(virDomainPtr dom)
{
    return vkStateDomainUndefineFlags(dom, 0);
}

int
vkStateDomainSetAutostart(virDomainPtr dom, int autostart)
{
    vkStateBase *st = vkStateOf(dom->conn);
    void *obj;
    int ret = -1;

    if (!(obj = vkDomainListLockHandle(st->domainList, dom)))
        return -1;
    if (!FIELD(st, obj, persistent, bool)) {
        vkReportErrorFull(ERRDOM(st), VIR_ERR_OPERATION_INVALID, __FILE__, __func__, __LINE__,
                          "cannot set autostart for transient domain '%s'", NAME(st, obj));
    } else if (vkStateAutostartSet(st->autostartDir, NAME(st, obj), autostart != 0,
                                   ERRDOM(st))) {
        FIELD(st, obj, autostart, bool) = autostart != 0;
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkStateDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    vkStateBase *st = vkStateOf(dom->conn);
    void *obj;

    if (!(obj = vkDomainListLockHandle(st->domainList, dom)))
        return -1;
    *autostart = FIELD(st, obj, autostart, bool);
    g_mutex_unlock(&st->lock);
    return 0;
}

/* ---- queries ---- */

int
vkStateConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkStateBase *st = vkStateOf(conn);

    checkFlags(st, 0xffff, -1);
    return vkDomainListExport(st->domainList, conn, domains, flags,
                              st->domainOps->hasManagedSave, st->domainOps->hasSnapshot, st);
}

int
vkStateConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    return vkDomainListActiveIDs(listOf(conn), ids, maxids);
}

int
vkStateConnectNumOfDomains(virConnectPtr conn)
{
    return vkStateConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

int
vkStateConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    return vkDomainListInactiveNames(listOf(conn), names, maxnames);
}

int
vkStateConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return vkStateConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
}

virDomainPtr
vkStateDomainLookupByID(virConnectPtr conn, int id)
{
    return vkDomainListLookupByID(listOf(conn), conn, id);
}

virDomainPtr
vkStateDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return vkDomainListLookupByUUID(listOf(conn), conn, uuid);
}

virDomainPtr
vkStateDomainLookupByName(virConnectPtr conn, const char *name)
{
    return vkDomainListLookupByName(listOf(conn), conn, name);
}

int
vkStateDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    checkFlags(vkStateOf(dom->conn), 0, -1);
    return vkDomainListGetState(listOf(dom->conn), dom, state, reason);
}

char *
vkStateDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    checkFlags(vkStateOf(dom->conn), VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
               VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    return vkDomainListGetXMLDesc(listOf(dom->conn), dom, flags);
}

char *
vkStateDomainGetOSType(virDomainPtr dom)
{
    return vkDomainListGetOSType(listOf(dom->conn), dom);
}

unsigned long
vkStateDomainGetMaxMemory(virDomainPtr dom)
{
    return vkDomainListGetMaxMemory(listOf(dom->conn), dom);
}

int
vkStateDomainIsActive(virDomainPtr dom)
{
    return vkDomainListIsActive(listOf(dom->conn), dom);
}

int
vkStateDomainIsPersistent(virDomainPtr dom)
{
    return vkDomainListIsPersistent(listOf(dom->conn), dom);
}
