/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network driver's table: persistent and transient networks of one
 * root, started for real on the host (network-host.c) and kept on disk
 * (network-state.c).
 *
 * The idea: like libvirt's network driver it is a secondary driver.  It
 * claims the network family of every connection whose hypervisor driver
 * manages this host, and all connections of one root share one state, so
 * qemu:///system and lxc:///system see the same networks.  The state lock
 * is held across a start or stop: network operations are rare, and
 * holding it makes "is the bridge name free" and "make the bridge" one
 * step.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/uuid.h"
#include "core/secondary-alone.h"
#include "core/state-driver.h"
#include "conf/domain-conf-priv.h"
#include "drivers/network/network-private.h"
#include "drivers/network/network-driver.h"
#include "drivers/network/network-calls.h"

static GMutex statesLock;
static GHashTable *states;          /* key -> vkNetState */

#define SYSTEM_KEY "system"
static bool systemAllowed;
static char *systemConfigDir, *systemRunDir;
static vkNetState *systemState;     /* the daemon's reference, never dropped */

static void
objFree(vkNetObj *obj)
{
    vkNetworkDefFree(obj->def);
    vkNetworkDefFree(obj->newDef);
    if (obj->ports)
        g_ptr_array_unref(obj->ports);
    g_free(obj);
}

static void
stateFree(vkNetState *st)
{
    g_ptr_array_unref(st->nets);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->key);
    g_free(st->configDir);
    g_free(st->autostartDir);
    g_free(st->runDir);
    g_mutex_clear(&st->lock);
    g_free(st);
}

vkNetObj *
vkNetFindByName(vkNetState *st, const char *name)
{
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *obj = st->nets->pdata[i];

        if (strcmp(obj->def->name, name) == 0)
            return obj;
    }
    return NULL;
}

vkNetObj *
vkNetFindByUUID(vkNetState *st, const unsigned char *uuid)
{
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *obj = st->nets->pdata[i];

        if (memcmp(obj->def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

void
vkNetEmit(vkNetState *st, vkNetObj *obj, int event)
{
    vkNetworkEventQueueLifecycle(st->events, obj->def->name, obj->def->uuid, event, 0);
}

/* Starts obj (inactive) from its definition; under st->lock. */
int
vkNetObjStart(vkNetState *st, vkNetObj *obj)
{
    vkNetworkDef *live = vkNetworkDefCopy(obj->def);

    if (vkNetHostStart(st, live) < 0) {
        vkNetworkDefFree(live);
        return -1;
    }
    if (obj->persistent)
        obj->newDef = obj->def;
    else
        vkNetworkDefFree(obj->def);
    obj->def = live;
    obj->active = true;
    vkNetEmit(st, obj, VIR_NETWORK_EVENT_STARTED);
    return 0;
}

/* Stops obj; a transient one is removed (obj freed).  Under st->lock. */
int
vkNetObjStop(vkNetState *st, vkNetObj *obj)
{
    if (vkNetHostStop(st, obj->def->name) < 0)
        return -1;
    vkNetPortsClear(st, obj->def->name, obj);
    obj->active = false;
    vkNetEmit(st, obj, VIR_NETWORK_EVENT_STOPPED);
    if (obj->newDef) {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    if (!obj->persistent)
        g_ptr_array_remove(st->nets, obj);
    return 0;
}

/* Networks a previous daemon left running: reattached when everything
 * their record names is still there, else torn down (whatever part of
 * them exists) so that autostart or a user can start them cleanly. */
static void
reattachAll(vkNetState *st)
{
    g_autoptr(GPtrArray) names = vkNetStateListLive(st);

    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        vkNetworkDef *live = NULL;
        vkNetResources res = { 0 };
        vkNetObj *obj = vkNetFindByName(st, name);

        if (vkNetStateLoadLive(st, name, &live, &res) == 0 &&
            vkNetHostIsWhole(st, name, &res)) {
            if (!obj) {
                obj = g_new0(vkNetObj, 1);
                g_ptr_array_add(st->nets, obj);
            } else {
                obj->newDef = obj->def;
            }
            obj->def = live;
            obj->active = true;
            vkNetPortsLoad(st, obj);
        } else {
            vkNetworkDefFree(live);
            vkNetPortsClear(st, name, NULL);
            if (vkNetHostStop(st, name) < 0)
                g_warning("network '%s': leftovers not removed: %s", name,
                          virGetLastErrorMessage());
        }
        vkNetResourcesClear(&res);
    }
}

static void
autostartAll(vkNetState *st)
{
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *obj = st->nets->pdata[i];

        if (obj->autostart && !obj->active && vkNetObjStart(st, obj) < 0)
            g_warning("autostart of network '%s' failed: %s", obj->def->name,
                      virGetLastErrorMessage());
    }
}

static vkNetState *
stateNew(const char *key, const char *configDir, const char *runDir, bool privileged)
{
    vkNetState *st = g_new0(vkNetState, 1);

    g_mutex_init(&st->lock);
    st->refs = 1;
    st->key = g_strdup(key);
    st->privileged = privileged;
    st->configDir = g_strdup(configDir);
    st->autostartDir = g_build_filename(configDir, "autostart", NULL);
    st->runDir = g_strdup(runDir);
    st->nets = g_ptr_array_new_with_free_func((GDestroyNotify)objFree);
    st->events = vkEventStateNew();
    vkNetStateRemoveStale(st);
    if (vkNetStateLoadConfigs(st) < 0) {
        stateFree(st);
        return NULL;
    }
    g_mutex_lock(&st->lock);
    reattachAll(st);
    autostartAll(st);
    g_mutex_unlock(&st->lock);
    return st;
}

/* Finds or makes the state of key, with a new reference; under statesLock. */
static vkNetState *
stateAcquire(const char *key, const char *configDir, const char *runDir, bool privileged)
{
    vkNetState *st;

    if (!states)
        states = g_hash_table_new(g_str_hash, g_str_equal);
    if ((st = g_hash_table_lookup(states, key))) {
        st->refs++;
        return st;
    }
    if ((st = stateNew(key, configDir, runDir, privileged)))
        g_hash_table_insert(states, st->key, st);
    return st;
}

static void
stateRelease(vkNetState *st)
{
    bool last;

    g_mutex_lock(&statesLock);
    last = --st->refs == 0;
    if (last)
        g_hash_table_remove(states, st->key);
    g_mutex_unlock(&statesLock);
    /* running networks stay up: their records under the run directory
     * let the next owner of the root reattach */
    if (last)
        stateFree(st);
}

static bool
defineDefault(const char *configDir)
{
    g_autoptr(vkNetworkDef) def = NULL;
    vkNetState tmp = { 0 };
    char mac[18];
    unsigned char uuid[VIR_UUID_BUFLEN];
    vkXmlElem *e;

    if (vkNetHostSubnetTaken("192.168.122.0", 24)) {
        g_message("network 'default' not created: 192.168.122.0/24 is in use on the host");
        return false;
    }
    if (!(def = vkNetworkDefParseString(vkNetworkDefaultXML)))
        return false;
    /* a MAC of its own for the bridge, as any defined network gets */
    vkUUIDGenerate(uuid);
    g_snprintf(mac, sizeof(mac), "52:54:00:%02x:%02x:%02x", uuid[0], uuid[1], uuid[2]);
    e = g_new0(vkXmlElem, 1);
    e->name = g_strdup("mac");
    vkXmlElemSetAttr(e, "address", mac);
    g_ptr_array_insert(def->extra, 0, e);
    tmp.configDir = (char *)configDir;
    tmp.autostartDir = g_build_filename(configDir, "autostart", NULL);
    tmp.runDir = tmp.configDir;
    if (vkNetStateSaveConfig(&tmp, def) < 0 ||
        vkNetStateSetAutostart(&tmp, "default", true) < 0) {
        g_warning("network 'default' not created: %s", virGetLastErrorMessage());
        g_free(tmp.autostartDir);
        return false;
    }
    g_free(tmp.autostartDir);
    return true;
}

int
vkNetworkDriverSetPrivileged(const char *root, const char *fallbackRoot)
{
    const char *env = g_getenv("VIRTKIT_NETWORK_ROOT");
    bool firstStart, makeDefault;
    g_autofree char *autostartDir = NULL;
    int ret = 0;

    if (!root && env && *env)
        root = env;
    if (fallbackRoot && fallbackRoot[0] != '/')
        fallbackRoot = NULL;
    if (root && root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the network driver's root must be an absolute path, not '%s'", root);
        return -1;
    }
    g_mutex_lock(&statesLock);
    if (systemAllowed) {
        g_mutex_unlock(&statesLock);
        return 0;
    }
    if (root || fallbackRoot) {
        systemConfigDir = g_build_filename(root ? root : fallbackRoot, "etc", "network", NULL);
        systemRunDir = g_build_filename(root ? root : fallbackRoot, "run", "network", NULL);
    } else {
        systemConfigDir = g_strdup("/etc/virtkit/network");
        systemRunDir = g_strdup("/run/virtkit/network");
    }
    systemAllowed = true;
    /* Only a daemon told where its networks live makes 'default' on its
     * first start: one started for tests (with or without a QEMU root)
     * must not make a bridge in the caller's namespace.  An installed
     * system gets it from packaging that passes the root or ships
     * /etc/virtkit/network/default.xml, as libvirt's packaging does. */
    makeDefault = root != NULL;
    firstStart = !g_file_test(systemConfigDir, G_FILE_TEST_IS_DIR);
    autostartDir = g_build_filename(systemConfigDir, "autostart", NULL);
    if (makeDefault && firstStart) {
        if (g_mkdir_with_parents(autostartDir, 0755) == 0)
            defineDefault(systemConfigDir);
    }
    /* Networks to reattach or autostart exist only where the driver ran
     * before; otherwise the state waits for the first connection. */
    if (g_file_test(systemConfigDir, G_FILE_TEST_IS_DIR) ||
        g_file_test(systemRunDir, G_FILE_TEST_IS_DIR)) {
        if (!(systemState = stateAcquire(SYSTEM_KEY, systemConfigDir, systemRunDir, true)))
            ret = -1;
    }
    g_mutex_unlock(&statesLock);
    return ret;
}

static vkDrvOpenStatus
networkOpen(virConnectPtr conn, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    g_autofree char *canon = NULL, *cfg = NULL, *run = NULL;
    const char *root;
    vkNetState *st;

    if (!(conn->connectDriver->features & VK_CONNECT_FEATURE_HOST_SERVICES) ||
        !uri || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    g_mutex_lock(&statesLock);
    if (strcmp(uri->path, "/system") == 0) {
        if (!systemAllowed) {
            g_mutex_unlock(&statesLock);
            return VK_DRV_OPEN_DECLINED;
        }
        st = stateAcquire(SYSTEM_KEY, systemConfigDir, systemRunDir, true);
        if (st && !systemState) {
            st->refs++;
            systemState = st;
        }
    } else if (strcmp(uri->path, "/embed") == 0 && (root = vkURIGetParam(uri, "root")) &&
               root[0] == '/') {
        canon = g_canonicalize_filename(root, "/");
        cfg = g_build_filename(canon, "etc", "network", NULL);
        run = g_build_filename(canon, "run", "network", NULL);
        st = stateAcquire(canon, cfg, run, false);
    } else {
        g_mutex_unlock(&statesLock);
        return VK_DRV_OPEN_DECLINED;
    }
    g_mutex_unlock(&statesLock);
    if (!st)
        return VK_DRV_OPEN_ERROR;
    conn->familyPrivate[VK_FAMILY_NETWORK] = st;
    return VK_DRV_OPEN_SUCCESS;
}

static void
networkClose(virConnectPtr conn)
{
    vkNetState *st = conn->familyPrivate[VK_FAMILY_NETWORK];

    if (!st)
        return;
    vkEventStateRemoveConnect(st->events, conn);
    stateRelease(st);
}

vkNetState *
vkNetConnState(virConnectPtr conn)
{
    return conn->familyPrivate[VK_FAMILY_NETWORK];
}

/* Locks the state of net's connection and finds its network; on failure
 * reports VIR_ERR_NO_NETWORK and returns NULL unlocked. */
vkNetObj *
vkNetGet(virNetworkPtr net, vkNetState **stp)
{
    vkNetState *st = vkNetConnState(net->conn);
    vkNetObj *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if (!(obj = vkNetFindByUUID(st, net->uuid))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching uuid '%s' (%s)",
                      vkUUIDFormat(net->uuid, uuidstr), net->name);
        return NULL;
    }
    *stp = st;
    return obj;
}

virNetworkPtr
vkNetHandle(virConnectPtr conn, vkNetObj *obj)
{
    return vkGetNetwork(conn, obj->def->name, obj->def->uuid);
}


/* The state a hypervisor driver's root shares, with a reference; NULL
 * with libvirt's "no network" error when there is none. */
static vkNetState *
stateForRoot(const char *rootKey, const char *netName)
{
    vkNetState *st;

    g_mutex_lock(&statesLock);
    st = g_str_has_suffix(rootKey, ":///system") ? systemState :
         states ? g_hash_table_lookup(states, rootKey) : NULL;
    if (st)
        st->refs++;
    g_mutex_unlock(&statesLock);
    if (!st)
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching name '%s'", netName);
    return st;
}

typedef int (*vkNetNamedFunc)(vkNetState *st, vkNetObj *obj, void *opaque);

/* Runs fn on network netName of rootKey's state, locked; -1 with libvirt's
 * "no network" error when there is none. */
static int
withNamedNetwork(const char *rootKey, const char *netName, vkNetNamedFunc fn, void *opaque)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    if (!(st = stateForRoot(rootKey, netName)))
        return -1;
    g_mutex_lock(&st->lock);
    if (!(obj = vkNetFindByName(st, netName)))
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching name '%s'", netName);
    else
        ret = fn(st, obj, opaque);
    g_mutex_unlock(&st->lock);
    stateRelease(st);
    return ret;
}

static int
bridgeOf(vkNetState *st, vkNetObj *obj, void *opaque)
{
    char **bridge = opaque;

    (void)st;
    if (!obj->active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                      obj->def->name);
        return -1;
    }
    if (!(*bridge = g_strdup(vkNetworkDefBridgeName(obj->def)))) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "network '%s' has no bridge a guest could plug into", obj->def->name);
        return -1;
    }
    return 0;
}

char *
vkNetworkDriverBridgeFor(const char *rootKey, const char *netName)
{
    char *bridge = NULL;

    if (withNamedNetwork(rootKey, netName, bridgeOf, &bridge) < 0)
        return NULL;
    return bridge;
}

typedef struct {
    const char *mac;
    virNetworkDHCPLeasePtr **leases;
} leasesArgs;

static int
leasesOf(vkNetState *st, vkNetObj *obj, void *opaque)
{
    leasesArgs *a = opaque;

    return vkNetObjLeases(st, obj, a->mac, a->leases);
}

int
vkNetworkDriverLeasesFor(const char *rootKey, const char *netName, const char *mac,
                         virNetworkDHCPLeasePtr **leases)
{
    leasesArgs a = { mac, leases };

    return withNamedNetwork(rootKey, netName, leasesOf, &a);
}

typedef struct {
    const char *ownerName;
    const unsigned char *ownerUUID, *mac;
    unsigned char *uuid;
} plugArgs;

static int
plugInto(vkNetState *st, vkNetObj *obj, void *opaque)
{
    plugArgs *a = opaque;

    return vkNetPortPlug(st, obj, a->ownerName, a->ownerUUID, a->mac, a->uuid);
}

int
vkNetworkDriverPortPlug(const char *rootKey, const char *netName, const char *ownerName,
                        const unsigned char *ownerUUID, const unsigned char *mac,
                        unsigned char *uuid)
{
    plugArgs a = { ownerName, ownerUUID, mac, uuid };

    return withNamedNetwork(rootKey, netName, plugInto, &a);
}

void
vkNetworkDriverPortUnplug(const char *rootKey, const char *netName, const char *portid)
{
    virErrorPtr saved;
    unsigned char uuid[VIR_UUID_BUFLEN];
    vkNetState *st;
    vkNetObj *obj;

    if (!netName || !portid || vkUUIDParse(portid, uuid) < 0)
        return;
    saved = vkErrorSave();     /* the caller's error, if any, stays */
    if ((st = stateForRoot(rootKey, netName))) {
        g_mutex_lock(&st->lock);
        /* a network stopped meanwhile took its ports with it */
        if ((obj = vkNetFindByName(st, netName)) && obj->active)
            vkNetPortUnplug(st, obj, uuid);
        g_mutex_unlock(&st->lock);
        stateRelease(st);
    }
    vkErrorRestore(&saved);
}

static virHypervisorDriver networkTable = {
    .name = "network",
    .connectNumOfNetworks = vkNetCallNumOfNetworks,
    .connectListNetworks = vkNetCallListNetworks,
    .connectNumOfDefinedNetworks = vkNetCallNumOfDefinedNetworks,
    .connectListDefinedNetworks = vkNetCallListDefinedNetworks,
    .connectListAllNetworks = vkNetCallListAllNetworks,
    .connectNetworkEventRegisterAny = vkNetCallEventRegisterAny,
    .connectNetworkEventDeregisterAny = vkNetCallEventDeregisterAny,
    .networkLookupByName = vkNetCallLookupByName,
    .networkLookupByUUID = vkNetCallLookupByUUID,
    .networkDefineXML = vkNetCallDefineXML,
    .networkDefineXMLFlags = vkNetCallDefineXMLFlags,
    .networkCreateXML = vkNetCallCreateXML,
    .networkCreateXMLFlags = vkNetCallCreateXMLFlags,
    .networkUndefine = vkNetCallUndefine,
    .networkCreate = vkNetCallCreate,
    .networkDestroy = vkNetCallDestroy,
    .networkGetXMLDesc = vkNetCallGetXMLDesc,
    .networkUpdate = vkNetCallUpdate,
    .networkGetBridgeName = vkNetCallGetBridgeName,
    .networkGetAutostart = vkNetCallGetAutostart,
    .networkSetAutostart = vkNetCallSetAutostart,
    .networkIsActive = vkNetCallIsActive,
    .networkIsPersistent = vkNetCallIsPersistent,
    .networkGetDHCPLeases = vkNetCallGetDHCPLeases,
    .networkListAllPorts = vkNetCallListAllPorts,
    .networkPortLookupByUUID = vkNetCallPortLookupByUUID,
    .networkPortCreateXML = vkNetCallPortCreateXML,
    .networkPortGetXMLDesc = vkNetCallPortGetXMLDesc,
    .networkPortDelete = vkNetCallPortDelete,
};

static const vkSecondaryDriver networkDriver = {
    .name = "network",
    .family = VK_FAMILY_NETWORK,
    .table = &networkTable,
    .open = networkOpen,
    .close = networkClose,
};

/* In virtkitd: the networks of qemu:///system and lxc:///system
 * ('default' on a first start, autostart, reattach to running ones). */
static int
networkStateInit(const vkStateDriver *drv, bool privileged, const char *location)
{
    const char *qemuRoot = vkStateDriverLocation("qemu-root");

    (void)drv;
    (void)privileged;
    return vkNetworkDriverSetPrivileged(location,
                                        qemuRoot ? qemuRoot : g_getenv("VIRTKIT_QEMU_ROOT"));
}

static const vkStateDriver networkStateDriver = {
    .name = "network",
    .option = "network-root",
    .optionArg = "DIR",
    .optionHelp = "keep the virtual networks' files under DIR/etc/network and DIR/run/network "
                  "(default: VIRTKIT_NETWORK_ROOT, else the QEMU root, else "
                  "/etc/virtkit/network, /run/virtkit/network)",
    .init = networkStateInit,
};

/* network:///system: the network driver alone (inside virtkitd) */
static const vkAloneService networkAlone = {
    .scheme = "network",
    .systemAllowed = &systemAllowed,
    .lock = &statesLock,
};

int
vkNetworkDriverRegister(void)
{
    if (vkRegisterStateDriver(&networkStateDriver) < 0 ||
        vkRegisterAloneService(&networkAlone) < 0)
        return -1;
    return vkRegisterSecondaryDriver(&networkDriver);
}
