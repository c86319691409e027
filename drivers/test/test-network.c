/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual networks of the test hypervisor: defined, started and stopped in
 * memory only, with libvirt's test driver's default network 'default'.
 *
 * The idea mirrors the domains: a vkTestNetwork holds the definition in
 * force (the live one while active) and, for a persistent network changed
 * while running, the next-start definition; everything runs under the
 * state lock and lifecycle events are only queued, delivered later from
 * the application's event loop.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/uuid.h"
#include "conf/network-conf.h"
#include "drivers/test/test-objects.h"

typedef struct {
    vkNetworkDef *def;
    vkNetworkDef *newDef;         /* next-start config of an active network */
    bool active;
    bool persistent;
    bool autostart;
} vkTestNetwork;

/* libvirt's test driver gives its 'default' this UUID */
#define DEFAULT_NETWORK_UUID "dd8fe884-6c02-601e-7551-cca97df1c5df"

static void
networkFree(vkTestNetwork *obj)
{
    if (!obj)
        return;
    vkNetworkDefFree(obj->def);
    vkNetworkDefFree(obj->newDef);
    g_free(obj);
}

int
vkTestNetworkInit(vkTestState *st, bool defaults)
{
    vkTestNetwork *obj;
    vkNetworkDef *def;

    if (!st->networks)
        st->networks = g_ptr_array_new_with_free_func((GDestroyNotify)networkFree);
    if (!defaults)
        return 0;
    if (!(def = vkNetworkDefParseString(vkNetworkDefaultXML)))
        return -1;
    vkUUIDParse(DEFAULT_NETWORK_UUID, def->uuid);
    obj = g_new0(vkTestNetwork, 1);
    obj->def = def;
    obj->active = true;
    obj->persistent = true;
    g_ptr_array_add(st->networks, obj);
    return 0;
}

int
vkTestNetworkAddHost(vkTestState *st, const char *xml)
{
    vkNetworkDef *def = vkNetworkDefParseString(xml);
    vkTestNetwork *obj;

    if (!def)
        return -1;
    obj = g_new0(vkTestNetwork, 1);
    obj->def = def;
    obj->active = true;
    obj->persistent = true;
    g_ptr_array_add(st->networks, obj);
    return 0;
}

static virNetworkPtr
makeHandle(virConnectPtr conn, vkTestNetwork *obj)
{
    return vkGetNetwork(conn, obj->def->name, obj->def->uuid);
}

static GPtrArray *
networkObjects(vkTestState *st)
{
    return st->networks;
}

static void
networkFields(void *opaque, vkTestObjFields *out)
{
    vkTestNetwork *obj = opaque;

    out->name = obj->def->name;
    out->uuid = obj->def->uuid;
    out->active = &obj->active;
    out->persistent = &obj->persistent;
    out->autostart = &obj->autostart;
}

static void *
networkHandle(virConnectPtr conn, void *obj)
{
    return makeHandle(conn, obj);
}

static const vkTestObjClass networkClass = {
    .noun = "network",
    .conflictNoun = "network",
    .conflictDomain = VIR_FROM_NETWORK,
    .noObjectError = VIR_ERR_NO_NETWORK,
    .objects = networkObjects,
    .fields = networkFields,
    .handle = networkHandle,
};

/* Locks the state and finds the network of a handle; on failure reports
 * VIR_ERR_NO_NETWORK and returns NULL unlocked. */
static vkTestNetwork *
networkGet(virNetworkPtr net, vkTestState **stp)
{
    return vkTestObjGet(&networkClass, net->conn, net->name, net->uuid, stp);
}

static void
emit(vkTestState *st, vkTestNetwork *obj, int event)
{
    if (st->events)
        vkNetworkEventQueueLifecycle(st->events, obj->def->name, obj->def->uuid,
                                     event, 0);
}

static void
removeNetwork(vkTestState *st, vkTestNetwork *obj)
{
    g_ptr_array_remove(st->networks, obj);   /* frees obj */
}

/* ---- listing ---- */

int
vkTestConnectNumOfNetworks(virConnectPtr conn)
{
    return vkTestObjCount(&networkClass, conn, true);
}

int
vkTestConnectListNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return vkTestObjListNames(&networkClass, conn, names, maxnames, true);
}

int
vkTestConnectNumOfDefinedNetworks(virConnectPtr conn)
{
    return vkTestObjCount(&networkClass, conn, false);
}

int
vkTestConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return vkTestObjListNames(&networkClass, conn, names, maxnames, false);
}

int
vkTestConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    void **handles = NULL;
    int n;

    vkCheckFlags(VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE |
                 VIR_CONNECT_LIST_NETWORKS_PERSISTENT | VIR_CONNECT_LIST_NETWORKS_TRANSIENT |
                 VIR_CONNECT_LIST_NETWORKS_AUTOSTART | VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART,
                 -1);
    n = vkTestObjListAll(&networkClass, conn, flags, NULL, nets ? &handles : NULL);
    if (nets)
        *nets = (virNetworkPtr *)handles;
    return n;
}

/* ---- lookups ---- */

virNetworkPtr
vkTestNetworkLookupByName(virConnectPtr conn, const char *name)
{
    return vkTestObjLookupByName(&networkClass, conn, name);
}

virNetworkPtr
vkTestNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return vkTestObjLookupByUUID(&networkClass, conn, uuid);
}

/* ---- define, create, undefine, start, stop ---- */

/* defineXML (start false) and createXML (start true), flags checked. */
static virNetworkPtr
networkAdd(virConnectPtr conn, const char *xml, bool start)
{
    vkTestState *st = conn->privateData;
    g_autoptr(vkNetworkDef) def = NULL;
    vkTestNetwork *obj;
    virNetworkPtr ret;
    bool err;

    if (!(def = vkNetworkDefParseString(xml)))
        return NULL;

    g_mutex_lock(&st->lock);
    obj = vkTestObjCheckConflict(&networkClass, st, def->name, def->uuid, &err);
    if (err) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    if (start && obj && obj->active) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is already active",
                      def->name);
        return NULL;
    }
    if (!obj) {
        obj = g_new0(vkTestNetwork, 1);
        obj->def = g_steal_pointer(&def);
        g_ptr_array_add(st->networks, obj);
    } else if (start) {
        /* Started from a new live config; the stored one stays for next time. */
        obj->newDef = obj->def;
        obj->def = g_steal_pointer(&def);
    } else if (obj->active) {
        vkNetworkDefFree(obj->newDef);
        obj->newDef = g_steal_pointer(&def);
    } else {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&def);
    }
    if (start)
        obj->active = true;
    else
        obj->persistent = true;
    emit(st, obj, start ? VIR_NETWORK_EVENT_STARTED : VIR_NETWORK_EVENT_DEFINED);
    ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

virNetworkPtr
vkTestNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(VIR_NETWORK_DEFINE_VALIDATE, NULL);
    return networkAdd(conn, xml, false);
}

virNetworkPtr
vkTestNetworkDefineXML(virConnectPtr conn, const char *xml)
{
    return vkTestNetworkDefineXMLFlags(conn, xml, 0);
}

virNetworkPtr
vkTestNetworkCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(VIR_NETWORK_CREATE_VALIDATE, NULL);
    return networkAdd(conn, xml, true);
}

virNetworkPtr
vkTestNetworkCreateXML(virConnectPtr conn, const char *xml)
{
    return vkTestNetworkCreateXMLFlags(conn, xml, 0);
}

int
vkTestNetworkUndefine(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;

    if (!(obj = networkGet(net, &st)))
        return -1;
    if (obj->active) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "Network '%s' is still running",
                      net->name);
        return -1;
    }
    emit(st, obj, VIR_NETWORK_EVENT_UNDEFINED);
    removeNetwork(st, obj);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestNetworkCreate(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;

    if (!(obj = networkGet(net, &st)))
        return -1;
    if (obj->active) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "Network '%s' is already running",
                      net->name);
        return -1;
    }
    obj->active = true;
    emit(st, obj, VIR_NETWORK_EVENT_STARTED);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestNetworkDestroy(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;

    if (!(obj = networkGet(net, &st)))
        return -1;
    if (!obj->active) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is not active", net->name);
        return -1;
    }
    obj->active = false;
    if (obj->newDef) {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    emit(st, obj, VIR_NETWORK_EVENT_STOPPED);
    if (!obj->persistent)
        removeNetwork(st, obj);
    g_mutex_unlock(&st->lock);
    return 0;
}

/* ---- queries ---- */

char *
vkTestNetworkGetXMLDesc(virNetworkPtr net, unsigned int flags)
{
    vkTestState *st;
    vkTestNetwork *obj;
    char *ret;

    vkCheckFlags(VIR_NETWORK_XML_INACTIVE, NULL);
    if (!(obj = networkGet(net, &st)))
        return NULL;
    ret = vkNetworkDefFormat((flags & VIR_NETWORK_XML_INACTIVE) && obj->newDef ?
                             obj->newDef : obj->def, flags);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestNetworkUpdate(virNetworkPtr net, unsigned int command, unsigned int section,
                    int parentIndex, const char *xml, unsigned int flags)
{
    vkNetworkDef *live = NULL, *config = NULL;
    vkTestState *st;
    vkTestNetwork *obj;
    int ret;

    vkCheckFlags(VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG, -1);
    if (!(obj = networkGet(net, &st)))
        return -1;
    ret = vkNetworkUpdatePrepare(obj->def, obj->newDef ? obj->newDef : obj->def, obj->active,
                                 obj->persistent, command, section, parentIndex, xml, flags,
                                 &live, &config);
    if (ret == 0 && config) {
        vkNetworkDef **slot = obj->active ? &obj->newDef : &obj->def;

        vkNetworkDefFree(*slot);
        *slot = config;
    }
    if (ret == 0 && live) {
        vkNetworkDefFree(obj->def);
        obj->def = live;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkTestNetworkGetBridgeName(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;
    char *ret;

    if (!(obj = networkGet(net, &st)))
        return NULL;
    ret = g_strdup(vkNetworkDefBridgeName(obj->def));
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_INTERNAL_ERROR, "network '%s' does not have a bridge name.",
                      net->name);
    return ret;
}

int
vkTestNetworkGetAutostart(virNetworkPtr net, int *autostart)
{
    return vkTestObjGetAutostart(&networkClass, net->conn, net->name, net->uuid, autostart);
}

int
vkTestNetworkSetAutostart(virNetworkPtr net, int autostart)
{
    return vkTestObjSetAutostart(&networkClass, net->conn, net->name, net->uuid, autostart);
}

int
vkTestNetworkIsActive(virNetworkPtr net)
{
    return vkTestObjIsActive(&networkClass, net->conn, net->name, net->uuid);
}

int
vkTestNetworkIsPersistent(virNetworkPtr net)
{
    return vkTestObjIsPersistent(&networkClass, net->conn, net->name, net->uuid);
}

/* ---- events ---- */

int
vkTestConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                                     virConnectNetworkEventGenericCallback cb,
                                     void *opaque, virFreeCallback freecb)
{
    vkTestState *st = conn->privateData;

    return vkNetworkEventRegisterAny(st->events, conn, net, eventID, cb, opaque, freecb);
}

int
vkTestConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkTestState *st = conn->privateData;

    return vkObjectEventDeregisterAny(st->events, conn, VK_EVENT_FAMILY_NETWORK,
                                      callbackID);
}

/* For a guest interface on network name: the first address of its first
 * IPv4 DHCP range and the subnet's prefix (test-ifaddr.c). */
int
vkTestNetworkDHCPStart(vkTestState *st, const char *name, char **start, unsigned int *prefix)
{
    g_autoptr(vkNetworkSetup) s = NULL;
    const vkNetworkIP *ip;

    for (guint i = 0; i < st->networks->len; i++) {
        vkTestNetwork *obj = st->networks->pdata[i];

        if (strcmp(obj->def->name, name) != 0)
            continue;
        if (!(s = vkNetworkSetupFromDef(obj->def)))
            return -1;
        if (!(ip = vkNetworkSetupIPv4(s)) || !ip->rangeStart->len) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "network '%s' has no IPv4 DHCP range to give addresses from", name);
            return -1;
        }
        *start = g_strdup(ip->rangeStart->pdata[0]);
        *prefix = ip->prefix;
        return 0;
    }
    vkReportError(VIR_ERR_NO_NETWORK, "no network with matching name '%s'", name);
    return -1;
}
