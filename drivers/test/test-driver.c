/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test hypervisor: an in-memory host that behaves like libvirt's test
 * driver, with no daemon and no real machine behind it.
 *
 * This file holds the driver table, connection open/close and the state
 * object every other file works on.  The idea: a domain lives in exactly
 * one vkTestDomain, indexed three ways (name, UUID, running id) plus a queue
 * for listing, and the only code that changes those indexes or the
 * running/shut off status is here (add, remove, start, stop), so the
 * lifecycle files cannot get them out of step.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/uuid.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"
#include "drivers/test/test-driver.h"
#include "conf/snapshot-conf.h"

/* The process-wide state behind test:///default: created by the first
 * open, shared by every later one, freed by the last close. */
static vkTestState *defaultState;
static GMutex defaultLock;

static void
domainFree(vkTestDomain *obj)
{
    if (!obj)
        return;
    vkDomainDefFree(obj->def);
    vkDomainDefFree(obj->newDef);
    g_free(obj->managedSaveXML);
    vkSnapshotListFree(obj->snapshots);
    vkTestCheckpointsFree(obj->checkpoints);
    vkTestDomainObjFree(obj);
}

vkTestState *
vkTestStateNew(void)
{
    vkTestState *st = g_new0(vkTestState, 1);

    g_mutex_init(&st->lock);
    st->refs = 1;
    st->byName = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)domainFree);
    st->byUUID = g_hash_table_new(vkUUIDHash, vkUUIDEqual);
    st->byID = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_queue_init(&st->order);
    st->nextId = 1;
    st->hostname = g_strdup(g_get_host_name());
    st->events = vkEventStateNew();
    vkTestNetworkInit(st, false);
    vkTestStorageInit(st, false);
    vkTestNodeDevInit(st, false);
    return st;
}

void
vkTestStateFree(vkTestState *st)
{
    if (!st)
        return;
    if (st->events)
        vkEventStateFree(st->events);
    /* the queue's nodes live in the objects, freed with byName below */
    g_queue_init(&st->order);
    g_clear_pointer(&st->networks, g_ptr_array_unref);
    g_clear_pointer(&st->pools, g_ptr_array_unref);
    g_clear_pointer(&st->nodedevs, g_ptr_array_unref);
    vkTestIfacesFree(st);
    g_hash_table_destroy(st->byID);
    g_hash_table_destroy(st->byUUID);
    g_hash_table_destroy(st->byName);
    g_free(st->hostname);
    g_mutex_clear(&st->lock);
    g_free(st);
}

vkTestState *
vkTestConnState(virConnectPtr conn)
{
    return conn->privateData;
}

vkTestDomain *
vkTestDomainGet(virDomainPtr dom, vkTestState **stp)
{
    vkTestState *st = dom->conn->privateData;
    vkTestDomain *obj;

    g_mutex_lock(&st->lock);
    obj = g_hash_table_lookup(st->byUUID, dom->uuid);
    if (!obj) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        g_mutex_unlock(&st->lock);
        vkUUIDFormat(dom->uuid, uuidstr);
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                      uuidstr, dom->name);
        return NULL;
    }
    *stp = st;
    return obj;
}

virDomainPtr
vkTestMakeHandle(virConnectPtr conn, vkTestDomain *obj)
{
    return vkGetDomain(conn, obj->name, obj->uuid, obj->id);
}

void
vkTestEmitLifecycle(vkTestState *st, vkTestDomain *obj, int event, int detail)
{
    if (st->events)
        vkDomainEventQueueLifecycle(st->events, obj->name, obj->uuid, obj->id,
                                    event, detail);
}

void
vkTestDomainSetState(vkTestDomain *obj, int state, int reason)
{
    obj->state = state;
    obj->reason = reason;
}

bool
vkTestCheckActive(vkTestDomain *obj)
{
    if (obj->id >= 0)
        return true;
    vkTestReportDomError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
    return false;
}

vkDomainDef *
vkTestParseDef(const char *xml, unsigned int parseFlags)
{
    /* Like libvirt's test driver, any known domain type is accepted, so a
     * kvm definition can be tried out here unchanged. */
    vkDomainDef *def = vkDomainDefParseString(xml, NULL, parseFlags);

    if (!def)
        return NULL;
    /* libvirt's test driver registers no QEMU XML namespace: what a kvm
     * definition says under it is not part of the test domain. */
    for (guint i = 0; def->priv->topExtra && i < def->priv->topExtra->len;) {
        if (g_str_has_prefix(((vkXmlElem *)def->priv->topExtra->pdata[i])->name, "qemu:"))
            g_ptr_array_remove_index(def->priv->topExtra, i);
        else
            i++;
    }
    /* The test host's first guest architecture is every guest's default. */
    if (!def->osArch)
        def->osArch = g_strdup("i686");
    vkTestNameInterfaces(def);
    return def;
}

static bool
ifnameUsed(GPtrArray *nets, const char *name)
{
    for (guint i = 0; i < nets->len; i++) {
        if (g_strcmp0(((vkDomainNetDef *)nets->pdata[i])->ifname, name) == 0)
            return true;
    }
    return false;
}

/* libvirt's test driver names every interface that has no target, as if
 * it had made a host device for each: the first "testnetN" no interface
 * of the domain uses. */
void
vkTestNameInterfaces(vkDomainDef *def)
{
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *net = nets->pdata[i];
        unsigned int n = 0;

        while (!net->ifname) {
            g_autofree char *name = g_strdup_printf("testnet%u", n++);

            if (!ifnameUsed(nets, name))
                net->ifname = g_steal_pointer(&name);
        }
    }
}

vkTestDomain *
vkTestDomainAdd(vkTestState *st, vkDomainDef **defp, bool live, bool *wasPersistent)
{
    vkDomainDef *def = *defp;
    vkTestDomain *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (wasPersistent)
        *wasPersistent = false;

    obj = g_hash_table_lookup(st->byUUID, def->uuid);
    if (obj) {
        if (strcmp(obj->name, def->name) != 0) {
            vkUUIDFormat(obj->uuid, uuidstr);
            vkTestReportDomError(VIR_ERR_OPERATION_FAILED,
                                 "domain '%s' is already defined with uuid %s",
                                 obj->name, uuidstr);
            return NULL;
        }
        if (live) {
            if (obj->id >= 0) {
                vkTestReportDomError(VIR_ERR_OPERATION_INVALID,
                                     "domain '%s' is already active", obj->name);
                return NULL;
            }
            /* Started from a new live definition: the stored one stays
             * the next-boot config. */
            if (obj->persistent) {
                vkDomainDefFree(obj->newDef);
                obj->newDef = obj->def;
            } else {
                vkDomainDefFree(obj->def);
            }
            obj->def = g_steal_pointer(defp);
            return obj;
        }
        if (wasPersistent)
            *wasPersistent = obj->persistent;
        if (obj->id >= 0) {
            vkDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(defp);
            obj->newDef->id = -1;
        } else {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(defp);
        }
        obj->persistent = true;
        return obj;
    }

    obj = g_hash_table_lookup(st->byName, def->name);
    if (obj) {
        vkUUIDFormat(obj->uuid, uuidstr);
        vkTestReportDomError(VIR_ERR_OPERATION_FAILED,
                             "domain '%s' already exists with uuid %s",
                             obj->name, uuidstr);
        return NULL;
    }

    obj = vkTestDomainObjNew(def->name);
    memcpy(obj->uuid, def->uuid, VIR_UUID_BUFLEN);
    obj->id = -1;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    obj->persistent = !live;
    obj->def = g_steal_pointer(defp);
    obj->def->id = -1;
    g_hash_table_insert(st->byName, obj->name, obj);
    g_hash_table_insert(st->byUUID, obj->uuid, obj);
    g_queue_push_tail_link(&st->order, &obj->link);
    return obj;
}

void
vkTestDomainRemove(vkTestState *st, vkTestDomain *obj)
{
    if (obj->id >= 0)
        g_hash_table_remove(st->byID, GINT_TO_POINTER(obj->id));
    g_queue_unlink(&st->order, &obj->link);
    g_hash_table_remove(st->byUUID, obj->uuid);
    g_hash_table_remove(st->byName, obj->name);   /* frees obj */
}

int
vkTestDomainStart(vkTestState *st, vkTestDomain *obj, int reason)
{
    if (obj->persistent && !obj->newDef) {
        obj->newDef = vkDomainDefCopy(obj->def);
        if (!obj->newDef)
            return -1;
    }
    obj->id = st->nextId++;
    obj->def->id = obj->id;
    g_hash_table_insert(st->byID, GINT_TO_POINTER(obj->id), obj);
    vkTestDomainSetState(obj, VIR_DOMAIN_RUNNING, reason);
    return 0;
}

bool
vkTestDomainStop(vkTestState *st, vkTestDomain *obj, int reason, int detail)
{
    g_hash_table_remove(st->byID, GINT_TO_POINTER(obj->id));
    obj->id = -1;
    obj->def->id = -1;
    obj->updated = false;
    vkTestDomainSetState(obj, VIR_DOMAIN_SHUTOFF, reason);
    if (obj->newDef) {
        vkDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STOPPED, detail);
    if (!obj->persistent) {
        vkTestDomainRemove(st, obj);
        return true;
    }
    return false;
}

int
vkTestGetDefs(vkTestDomain *obj, unsigned int flags,
              vkDomainDef **live, vkDomainDef **config)
{
    bool active = obj->id >= 0;

    *live = NULL;
    *config = NULL;
    if (!(flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)))
        flags |= active ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && !vkTestCheckActive(obj))
        return -1;
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && !obj->persistent) {
        vkTestReportDomError(VIR_ERR_OPERATION_INVALID, "%s",
                             "transient domains do not have any persistent config");
        return -1;
    }
    if (flags & VIR_DOMAIN_AFFECT_LIVE)
        *live = obj->def;
    if (flags & VIR_DOMAIN_AFFECT_CONFIG)
        *config = active ? obj->newDef : obj->def;
    return 0;
}

/* The definition flags select, with libvirt's one-def rules. */
vkDomainDef *
vkTestOneDef(vkTestDomain *obj, unsigned int flags)
{
    vkDomainDef *live, *config;

    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        virErrorPtr err;

        /* libvirt reports this from its generic code, as a bare message */
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "%s",
                             "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' "
                             "are mutually exclusive");
        err = vkErrorGetLast();
        g_free(err->message);
        err->message = g_strdup(err->str2);
        return NULL;
    }
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        return NULL;
    return live ? live : config;
}

/* The definition of dom that flags select, returned with st's lock held;
 * NULL, unlocked, with the error. */
vkDomainDef *
vkTestDomainOneDef(virDomainPtr dom, unsigned int flags, vkTestState **st)
{
    vkTestDomain *obj = vkTestDomainGet(dom, st);
    vkDomainDef *def;

    if (!obj)
        return NULL;
    if (!(def = vkTestOneDef(obj, flags)))
        g_mutex_unlock(&(*st)->lock);
    return def;
}

static vkDrvOpenStatus
testConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    vkTestState *st;

    if (!uri || !uri->scheme || strcmp(uri->scheme, "test") != 0)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);

    if (uri->path && strcmp(uri->path, "/default") == 0) {
        g_mutex_lock(&defaultLock);
        if (!defaultState) {
            st = vkTestStateNew();
            st->isDefault = true;
            if (vkTestHostInitDefault(st) < 0 || vkTestNetworkInit(st, true) < 0 ||
                vkTestStorageInit(st, true) < 0 || vkTestNodeDevInit(st, true) < 0) {
                g_mutex_unlock(&defaultLock);
                vkTestStateFree(st);
                return VK_DRV_OPEN_ERROR;
            }
            defaultState = st;
        } else {
            g_mutex_lock(&defaultState->lock);
            defaultState->refs++;
            g_mutex_unlock(&defaultState->lock);
        }
        conn->privateData = defaultState;
        g_mutex_unlock(&defaultLock);
        return VK_DRV_OPEN_SUCCESS;
    }

    if (!uri->path || uri->path[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "test driver URI path '%s' is neither '/default' nor the "
                      "absolute path of a host description file",
                      uri->path ? uri->path : "");
        return VK_DRV_OPEN_ERROR;
    }

    st = vkTestStateNew();
    if (vkTestNetworkInit(st, false) < 0 || vkTestStorageInit(st, false) < 0 ||
        vkTestNodeDevInit(st, false) < 0 || vkTestHostLoadFile(st, uri->path, auth) < 0) {
        vkTestStateFree(st);
        return VK_DRV_OPEN_ERROR;
    }
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

static int
testConnectClose(virConnectPtr conn)
{
    vkTestState *st = conn->privateData;
    bool last;

    if (!st)
        return 0;
    if (st->events)
        vkEventStateRemoveConnect(st->events, conn);
    conn->privateData = NULL;

    if (st->isDefault) {
        g_mutex_lock(&defaultLock);
        g_mutex_lock(&st->lock);
        last = --st->refs == 0;
        g_mutex_unlock(&st->lock);
        if (last)
            defaultState = NULL;
        g_mutex_unlock(&defaultLock);
    } else {
        last = true;
    }
    if (last)
        vkTestStateFree(st);
    return 0;
}

static int
testConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                               void *opaque, virFreeCallback freecb)
{
    vkTestState *st = conn->privateData;

    return vkDomainEventRegister(st->events, conn, cb, opaque, freecb);
}

static int
testConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    vkTestState *st = conn->privateData;

    return vkDomainEventDeregister(st->events, conn, cb);
}

static int
testConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                  virConnectDomainEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb)
{
    vkTestState *st = conn->privateData;

    return vkDomainEventRegisterAny(st->events, conn, dom, eventID, cb, opaque, freecb);
}

static int
testConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkTestState *st = conn->privateData;

    return vkDomainEventDeregisterAny(st->events, conn, callbackID);
}

static virHypervisorDriver testHypervisorDriver = {
    .name = "Test",
    .connectOpen = testConnectOpen,
    .connectClose = testConnectClose,

    .connectGetType = vkTestConnectGetType,
    .connectGetVersion = vkTestConnectGetVersion,
    .connectGetHostname = vkTestConnectGetHostname,
    .connectGetCapabilities = vkTestConnectGetCapabilities,
    .connectGetMaxVcpus = vkTestConnectGetMaxVcpus,
    .connectGetSysinfo = vkTestConnectGetSysinfo,
    .connectIsAlive = vkTestConnectIsAlive,
    .connectGetLibVersion = vkTestConnectGetLibVersion,
    .connectIsSecure = vkTestConnectIsSecure,
    .connectIsEncrypted = vkTestConnectIsEncrypted,
    .nodeGetInfo = vkTestNodeGetInfo,
    .nodeGetFreeMemory = vkTestNodeGetFreeMemory,
    .nodeGetCellsFreeMemory = vkTestNodeGetCellsFreeMemory,
    .nodeGetFreePages = vkTestNodeGetFreePages,
    .nodeGetSecurityModel = vkTestNodeGetSecurityModel,
    .connectGetDomainCapabilities = vkTestConnectGetDomainCapabilities,

    .connectListDomains = vkTestConnectListDomains,
    .connectNumOfDomains = vkTestConnectNumOfDomains,
    .connectListDefinedDomains = vkTestConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkTestConnectNumOfDefinedDomains,
    .connectListAllDomains = vkTestConnectListAllDomains,
    .domainLookupByID = vkTestDomainLookupByID,
    .domainLookupByUUID = vkTestDomainLookupByUUID,
    .domainLookupByName = vkTestDomainLookupByName,
    .domainGetInfo = vkTestDomainGetInfo,
    .domainGetState = vkTestDomainGetState,
    .domainGetXMLDesc = vkTestDomainGetXMLDesc,
    .domainInterfaceAddresses = vkTestDomainInterfaceAddresses,
    .domainGetOSType = vkTestDomainGetOSType,
    .domainGetMaxMemory = vkTestDomainGetMaxMemory,
    .domainIsActive = vkTestDomainIsActive,
    .domainIsPersistent = vkTestDomainIsPersistent,
    .domainIsUpdated = vkTestDomainIsUpdated,
    .domainGetHostname = vkTestDomainGetHostname,
    .domainGetSchedulerType = vkTestDomainGetSchedulerType,
    .domainGetSecurityLabel = vkTestDomainGetSecurityLabel,
    .domainGetVcpus = vkTestDomainGetVcpus,
    .domainGetVcpuPinInfo = vkTestDomainGetVcpuPinInfo,
    .domainGetEmulatorPinInfo = vkTestDomainGetEmulatorPinInfo,
    .domainMemoryStats = vkTestDomainMemoryStats,
    .domainGetBlockInfo = vkTestDomainGetBlockInfo,
    .domainBlockStats = vkTestDomainBlockStats,
    .domainInterfaceStats = vkTestDomainInterfaceStats,
    .domainGetControlInfo = vkTestDomainGetControlInfo,
    .domainGetTime = vkTestDomainGetTime,
    .domainSetTime = vkTestDomainSetTime,
    .domainGetFSInfo = vkTestDomainGetFSInfo,
    .domainGetSchedulerParameters = vkTestDomainGetSchedulerParameters,
    .domainGetSchedulerParametersFlags = vkTestDomainGetSchedulerParametersFlags,
    .domainGetDiskErrors = vkTestDomainGetDiskErrors,
    .domainGetCPUStats = vkTestDomainGetCPUStats,
    .domainSendKey = vkTestDomainSendKey,
    .domainScreenshot = vkTestDomainScreenshot,
    .domainInjectNMI = vkTestDomainInjectNMI,
    .domainSetUserPassword = vkTestDomainSetUserPassword,
    .domainSendProcessSignal = vkTestDomainSendProcessSignal,
    .domainGetMessages = vkTestDomainGetMessages,
    .domainGetLaunchSecurityInfo = vkTestDomainGetLaunchSecurityInfo,
    .domainFSFreeze = vkTestDomainFSFreeze,
    .domainFSThaw = vkTestDomainFSThaw,
    .domainFSTrim = vkTestDomainFSTrim,
    .domainSetLifecycleAction = vkTestDomainSetLifecycleAction,
    .domainMemoryPeek = vkTestDomainMemoryPeek,
    .domainPinVcpu = vkTestDomainPinVcpu,
    .domainPinVcpuFlags = vkTestDomainPinVcpuFlags,
    .domainPinEmulator = vkTestDomainPinEmulator,
    .nodeGetCPUMap = vkTestNodeGetCPUMap,
    .nodeGetCPUStats = vkTestNodeGetCPUStats,

    .domainDefineXML = vkTestDomainDefineXML,
    .domainDefineXMLFlags = vkTestDomainDefineXMLFlags,
    .domainUndefine = vkTestDomainUndefine,
    .domainUndefineFlags = vkTestDomainUndefineFlags,
    .domainSnapshotCreateXML = vkTestDomainSnapshotCreateXML,
    .domainSnapshotGetXMLDesc = vkTestDomainSnapshotGetXMLDesc,
    .domainSnapshotNum = vkTestDomainSnapshotNum,
    .domainSnapshotListNames = vkTestDomainSnapshotListNames,
    .domainListAllSnapshots = vkTestDomainListAllSnapshots,
    .domainSnapshotNumChildren = vkTestDomainSnapshotNumChildren,
    .domainSnapshotListChildrenNames = vkTestDomainSnapshotListChildrenNames,
    .domainSnapshotListAllChildren = vkTestDomainSnapshotListAllChildren,
    .domainSnapshotLookupByName = vkTestDomainSnapshotLookupByName,
    .domainHasCurrentSnapshot = vkTestDomainHasCurrentSnapshot,
    .domainSnapshotCurrent = vkTestDomainSnapshotCurrent,
    .domainSnapshotGetParent = vkTestDomainSnapshotGetParent,
    .domainSnapshotIsCurrent = vkTestDomainSnapshotIsCurrent,
    .domainSnapshotHasMetadata = vkTestDomainSnapshotHasMetadata,
    .domainRevertToSnapshot = vkTestDomainRevertToSnapshot,
    .domainSnapshotDelete = vkTestDomainSnapshotDelete,
    .domainCheckpointCreateXML = vkTestDomainCheckpointCreateXML,
    .domainListAllCheckpoints = vkTestDomainListAllCheckpoints,
    .domainCheckpointListAllChildren = vkTestDomainCheckpointListAllChildren,
    .domainCheckpointLookupByName = vkTestDomainCheckpointLookupByName,
    .domainCheckpointGetParent = vkTestDomainCheckpointGetParent,
    .domainCheckpointGetXMLDesc = vkTestDomainCheckpointGetXMLDesc,
    .domainCheckpointDelete = vkTestDomainCheckpointDelete,
    .domainCreateXML = vkTestDomainCreateXML,
    .domainCreate = vkTestDomainCreate,
    .domainCreateWithFlags = vkTestDomainCreateWithFlags,
    .domainCreateXMLWithFiles = vkTestDomainCreateXMLWithFiles,
    .domainCreateWithFiles = vkTestDomainCreateWithFiles,
    .domainDestroy = vkTestDomainDestroy,
    .domainDestroyFlags = vkTestDomainDestroyFlags,
    .domainShutdown = vkTestDomainShutdown,
    .domainShutdownFlags = vkTestDomainShutdownFlags,
    .domainReboot = vkTestDomainReboot,
    .domainReset = vkTestDomainReset,
    .domainSuspend = vkTestDomainSuspend,
    .domainResume = vkTestDomainResume,

    .domainSave = vkTestDomainSave,
    .domainSaveFlags = vkTestDomainSaveFlags,
    .domainRestore = vkTestDomainRestore,
    .domainRestoreFlags = vkTestDomainRestoreFlags,
    .domainSaveImageGetXMLDesc = vkTestDomainSaveImageGetXMLDesc,
    .domainSaveImageDefineXML = vkTestDomainSaveImageDefineXML,
    .domainManagedSave = vkTestDomainManagedSave,
    .domainHasManagedSaveImage = vkTestDomainHasManagedSaveImage,
    .domainManagedSaveRemove = vkTestDomainManagedSaveRemove,

    .domainSetMemory = vkTestDomainSetMemory,
    .domainSetMemoryFlags = vkTestDomainSetMemoryFlags,
    .domainSetMaxMemory = vkTestDomainSetMaxMemory,
    .domainSetVcpus = vkTestDomainSetVcpus,
    .domainSetVcpusFlags = vkTestDomainSetVcpusFlags,
    .domainGetVcpusFlags = vkTestDomainGetVcpusFlags,
    .domainGetMaxVcpus = vkTestDomainGetMaxVcpus,
    .domainGetAutostart = vkTestDomainGetAutostart,
    .domainSetAutostart = vkTestDomainSetAutostart,
    .domainRename = vkTestDomainRename,
    .domainGetMetadata = vkTestDomainGetMetadata,
    .domainGetMemoryParameters = vkTestDomainGetMemoryParameters,
    .domainSetMemoryParameters = vkTestDomainSetMemoryParameters,
    .domainGetNumaParameters = vkTestDomainGetNumaParameters,
    .domainSetNumaParameters = vkTestDomainSetNumaParameters,
    .domainGetPerfEvents = vkTestDomainGetPerfEvents,
    .domainSetPerfEvents = vkTestDomainSetPerfEvents,
    .domainCoreDump = vkTestDomainCoreDump,
    .domainCoreDumpWithFormat = vkTestDomainCoreDumpWithFormat,
    .domainSetMemoryStatsPeriod = vkTestDomainSetMemoryStatsPeriod,
    .connectGetAllDomainStats = vkTestConnectGetAllDomainStats,
    .domainGetBlkioParameters = vkTestDomainGetBlkioParameters,
    .domainSetBlkioParameters = vkTestDomainSetBlkioParameters,
    .domainGetInterfaceParameters = vkTestDomainGetInterfaceParameters,
    .domainSetInterfaceParameters = vkTestDomainSetInterfaceParameters,
    .domainGetBlockIoTune = vkTestDomainGetBlockIoTune,
    .domainSetBlockIoTune = vkTestDomainSetBlockIoTune,
    .domainGetIOThreadInfo = vkTestDomainGetIOThreadInfo,
    .domainAddIOThread = vkTestDomainAddIOThread,
    .domainDelIOThread = vkTestDomainDelIOThread,
    .domainPinIOThread = vkTestDomainPinIOThread,
    .domainSetIOThreadParams = vkTestDomainSetIOThreadParams,
    .domainSetMetadata = vkTestDomainSetMetadata,

    .connectDomainEventRegister = testConnectDomainEventRegister,
    .connectDomainEventDeregister = testConnectDomainEventDeregister,
    .connectDomainEventRegisterAny = testConnectDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = testConnectDomainEventDeregisterAny,

    /* networks, storage, node devices: test-network.c, test-storage.c,
     * test-storage-vol.c, test-nodedev.c */
    .connectNumOfNetworks = vkTestConnectNumOfNetworks,
    .connectListNetworks = vkTestConnectListNetworks,
    .connectNumOfDefinedNetworks = vkTestConnectNumOfDefinedNetworks,
    .connectListDefinedNetworks = vkTestConnectListDefinedNetworks,
    .connectListAllNetworks = vkTestConnectListAllNetworks,
    .networkLookupByName = vkTestNetworkLookupByName,
    .networkLookupByUUID = vkTestNetworkLookupByUUID,
    .networkDefineXMLFlags = vkTestNetworkDefineXMLFlags,
    .networkDefineXML = vkTestNetworkDefineXML,
    .networkCreateXMLFlags = vkTestNetworkCreateXMLFlags,
    .networkCreateXML = vkTestNetworkCreateXML,
    .networkUndefine = vkTestNetworkUndefine,
    .networkCreate = vkTestNetworkCreate,
    .networkDestroy = vkTestNetworkDestroy,
    .networkGetXMLDesc = vkTestNetworkGetXMLDesc,
    .networkUpdate = vkTestNetworkUpdate,
    .networkGetBridgeName = vkTestNetworkGetBridgeName,
    .networkGetAutostart = vkTestNetworkGetAutostart,
    .networkSetAutostart = vkTestNetworkSetAutostart,
    .networkIsActive = vkTestNetworkIsActive,
    .networkIsPersistent = vkTestNetworkIsPersistent,
    .connectNetworkEventRegisterAny = vkTestConnectNetworkEventRegisterAny,
    .connectNetworkEventDeregisterAny = vkTestConnectNetworkEventDeregisterAny,
    /* No pool lookup by target path, no volume resize, wipe or info with
     * flags, no node device lookup by WWN or active/persistent query:
     * libvirt 9.0's test driver has none of them (VIR_ERR_NO_SUPPORT), and
     * the storage and node device drivers do. */
    .connectNumOfStoragePools = vkTestConnectNumOfStoragePools,
    .connectListStoragePools = vkTestConnectListStoragePools,
    .connectNumOfDefinedStoragePools = vkTestConnectNumOfDefinedStoragePools,
    .connectListDefinedStoragePools = vkTestConnectListDefinedStoragePools,
    .connectListAllStoragePools = vkTestConnectListAllStoragePools,
    .connectFindStoragePoolSources = vkTestConnectFindStoragePoolSources,
    .storagePoolLookupByName = vkTestStoragePoolLookupByName,
    .storagePoolLookupByUUID = vkTestStoragePoolLookupByUUID,
    .storagePoolLookupByVolume = vkTestStoragePoolLookupByVolume,
    .storagePoolDefineXML = vkTestStoragePoolDefineXML,
    .storagePoolCreateXML = vkTestStoragePoolCreateXML,
    .storagePoolCreate = vkTestStoragePoolCreate,
    .storagePoolBuild = vkTestStoragePoolBuild,
    .storagePoolUndefine = vkTestStoragePoolUndefine,
    .storagePoolDestroy = vkTestStoragePoolDestroy,
    .storagePoolDelete = vkTestStoragePoolDelete,
    .storagePoolRefresh = vkTestStoragePoolRefresh,
    .storagePoolGetInfo = vkTestStoragePoolGetInfo,
    .storagePoolGetXMLDesc = vkTestStoragePoolGetXMLDesc,
    .storagePoolGetAutostart = vkTestStoragePoolGetAutostart,
    .storagePoolSetAutostart = vkTestStoragePoolSetAutostart,
    .storagePoolIsActive = vkTestStoragePoolIsActive,
    .storagePoolIsPersistent = vkTestStoragePoolIsPersistent,
    .connectStoragePoolEventRegisterAny = vkTestConnectStoragePoolEventRegisterAny,
    .connectStoragePoolEventDeregisterAny = vkTestConnectStoragePoolEventDeregisterAny,
    .storagePoolNumOfVolumes = vkTestStoragePoolNumOfVolumes,
    .storagePoolListVolumes = vkTestStoragePoolListVolumes,
    .storagePoolListAllVolumes = vkTestStoragePoolListAllVolumes,
    .storageVolCreateXML = vkTestStorageVolCreateXML,
    .storageVolCreateXMLFrom = vkTestStorageVolCreateXMLFrom,
    .storageVolDelete = vkTestStorageVolDelete,
    .storageVolLookupByName = vkTestStorageVolLookupByName,
    .storageVolLookupByKey = vkTestStorageVolLookupByKey,
    .storageVolLookupByPath = vkTestStorageVolLookupByPath,
    .storageVolGetInfo = vkTestStorageVolGetInfo,
    .storageVolGetXMLDesc = vkTestStorageVolGetXMLDesc,
    .storageVolGetPath = vkTestStorageVolGetPath,
    .connectNumOfInterfaces = vkTestConnectNumOfInterfaces,
    .connectListInterfaces = vkTestConnectListInterfaces,
    .connectNumOfDefinedInterfaces = vkTestConnectNumOfDefinedInterfaces,
    .connectListDefinedInterfaces = vkTestConnectListDefinedInterfaces,
    .connectListAllInterfaces = vkTestConnectListAllInterfaces,
    .interfaceLookupByName = vkTestInterfaceLookupByName,
    .interfaceLookupByMACString = vkTestInterfaceLookupByMACString,
    .interfaceGetXMLDesc = vkTestInterfaceGetXMLDesc,
    .interfaceDefineXML = vkTestInterfaceDefineXML,
    .interfaceUndefine = vkTestInterfaceUndefine,
    .interfaceCreate = vkTestInterfaceCreate,
    .interfaceDestroy = vkTestInterfaceDestroy,
    .interfaceIsActive = vkTestInterfaceIsActive,
    .interfaceChangeBegin = vkTestInterfaceChangeBegin,
    .interfaceChangeCommit = vkTestInterfaceChangeCommit,
    .interfaceChangeRollback = vkTestInterfaceChangeRollback,
    .nodeNumOfDevices = vkTestNodeNumOfDevices,
    .nodeListDevices = vkTestNodeListDevices,
    .connectListAllNodeDevices = vkTestConnectListAllNodeDevices,
    .nodeDeviceLookupByName = vkTestNodeDeviceLookupByName,
    .nodeDeviceGetXMLDesc = vkTestNodeDeviceGetXMLDesc,
    .nodeDeviceNumOfCaps = vkTestNodeDeviceNumOfCaps,
    .nodeDeviceListCaps = vkTestNodeDeviceListCaps,
    .nodeDeviceCreateXML = vkTestNodeDeviceCreateXML,
    .nodeDeviceDestroy = vkTestNodeDeviceDestroy,
    .connectNodeDeviceEventRegisterAny = vkTestConnectNodeDeviceEventRegisterAny,
    .connectNodeDeviceEventDeregisterAny = vkTestConnectNodeDeviceEventDeregisterAny,
};

static const char *const testUriSchemes[] = { "test", NULL };

static const vkConnectDriver testConnectDriver = {
    .features = VK_CONNECT_FEATURE_NONBLOCKING,
    .name = "Test",
    .uriSchemes = testUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &testHypervisorDriver,
};

int
vkTestDriverRegister(void)
{
    return vkRegisterConnectDriver(&testConnectDriver);
}
