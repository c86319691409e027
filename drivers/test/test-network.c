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
#include "drivers/test/test-private.h"

typedef struct {
    vkNetworkDef *def;
    vkNetworkDef *newDef;         /* next-start config of an active network */
    bool active;
    bool persistent;
    bool autostart;
} vkTestNetwork;

static const char defaultNetworkXML[] =
    "<network>"
    "<name>default</name>"
    "<uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>"
    "<forward mode='nat'/>"
    "<bridge name='virbr0' stp='on' delay='0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'>"
    "<dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>"
    "</ip>"
    "</network>";

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
    if (!(def = vkNetworkDefParseString(defaultNetworkXML)))
        return -1;
    obj = g_new0(vkTestNetwork, 1);
    obj->def = def;
    obj->active = true;
    obj->persistent = true;
    g_ptr_array_add(st->networks, obj);
    return 0;
}

static vkTestNetwork *
findByName(vkTestState *st, const char *name)
{
    for (guint i = 0; i < st->networks->len; i++) {
        vkTestNetwork *obj = st->networks->pdata[i];
        if (strcmp(obj->def->name, name) == 0)
            return obj;
    }
    return NULL;
}

static vkTestNetwork *
findByUUID(vkTestState *st, const unsigned char *uuid)
{
    for (guint i = 0; i < st->networks->len; i++) {
        vkTestNetwork *obj = st->networks->pdata[i];
        if (memcmp(obj->def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

/* Locks the state and finds the network of a handle; on failure reports
 * VIR_ERR_NO_NETWORK and returns NULL unlocked. */
static vkTestNetwork *
networkGet(virNetworkPtr net, vkTestState **stp)
{
    vkTestState *st = net->conn->privateData;
    vkTestNetwork *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if (!(obj = findByUUID(st, net->uuid))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching uuid '%s' (%s)",
                      vkUUIDFormat(net->uuid, uuidstr), net->name);
        return NULL;
    }
    *stp = st;
    return obj;
}

static virNetworkPtr
makeHandle(virConnectPtr conn, vkTestNetwork *obj)
{
    return vkGetNetwork(conn, obj->def->name, obj->def->uuid);
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

static int
countNetworks(virConnectPtr conn, bool active)
{
    vkTestState *st = conn->privateData;
    int n = 0;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->networks->len; i++)
        n += ((vkTestNetwork *)st->networks->pdata[i])->active == active;
    g_mutex_unlock(&st->lock);
    return n;
}

static int
listNetworks(virConnectPtr conn, char **const names, int maxnames, bool active)
{
    vkTestState *st = conn->privateData;
    int n = 0;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->networks->len && n < maxnames; i++) {
        vkTestNetwork *obj = st->networks->pdata[i];
        if (obj->active == active)
            names[n++] = g_strdup(obj->def->name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectNumOfNetworks(virConnectPtr conn)
{
    return countNetworks(conn, true);
}

int
vkTestConnectListNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return listNetworks(conn, names, maxnames, true);
}

int
vkTestConnectNumOfDefinedNetworks(virConnectPtr conn)
{
    return countNetworks(conn, false);
}

int
vkTestConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return listNetworks(conn, names, maxnames, false);
}

/* A flag pair filters only when exactly one of its two bits is set. */
static bool
pairMatches(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & yes) == !(flags & no))
        return true;
    return (flags & yes) ? value : !value;
}

int
vkTestConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    GPtrArray *out;
    int n;

    vkCheckFlags(VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE |
                 VIR_CONNECT_LIST_NETWORKS_PERSISTENT | VIR_CONNECT_LIST_NETWORKS_TRANSIENT |
                 VIR_CONNECT_LIST_NETWORKS_AUTOSTART | VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART,
                 -1);
    out = g_ptr_array_new();

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->networks->len; i++) {
        vkTestNetwork *obj = st->networks->pdata[i];

        if (!pairMatches(flags, VIR_CONNECT_LIST_NETWORKS_ACTIVE,
                         VIR_CONNECT_LIST_NETWORKS_INACTIVE, obj->active) ||
            !pairMatches(flags, VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
                         VIR_CONNECT_LIST_NETWORKS_TRANSIENT, obj->persistent) ||
            !pairMatches(flags, VIR_CONNECT_LIST_NETWORKS_AUTOSTART,
                         VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, obj->autostart))
            continue;
        if (nets)
            g_ptr_array_add(out, makeHandle(conn, obj));
        else
            g_ptr_array_add(out, obj);
    }
    g_mutex_unlock(&st->lock);

    n = (int)out->len;
    if (nets) {
        g_ptr_array_add(out, NULL);
        *nets = (virNetworkPtr *)g_ptr_array_free(out, FALSE);
    } else {
        g_ptr_array_unref(out);
    }
    return n;
}

/* ---- lookups ---- */

virNetworkPtr
vkTestNetworkLookupByName(virConnectPtr conn, const char *name)
{
    vkTestState *st = conn->privateData;
    virNetworkPtr ret = NULL;
    vkTestNetwork *obj;

    g_mutex_lock(&st->lock);
    if ((obj = findByName(st, name)))
        ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching name '%s'", name);
    return ret;
}

virNetworkPtr
vkTestNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkTestState *st = conn->privateData;
    virNetworkPtr ret = NULL;
    vkTestNetwork *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if ((obj = findByUUID(st, uuid)))
        ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching uuid '%s'",
                      vkUUIDFormat(uuid, uuidstr));
    return ret;
}

/* ---- define, create, undefine, start, stop ---- */

/* libvirt's name/UUID conflict rules; returns the existing network with
 * the same name and UUID, NULL when there is none, or sets *err. */
static vkTestNetwork *
checkConflict(vkTestState *st, const vkNetworkDef *def, bool *err)
{
    vkTestNetwork *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *err = false;
    if ((obj = findByUUID(st, def->uuid))) {
        if (strcmp(obj->def->name, def->name) != 0) {
            vkReportErrorFull(VIR_FROM_NETWORK, VIR_ERR_OPERATION_FAILED, __FILE__,
                              __func__, __LINE__,
                              "network '%s' is already defined with uuid %s",
                              obj->def->name, vkUUIDFormat(obj->def->uuid, uuidstr));
            *err = true;
            return NULL;
        }
        return obj;
    }
    if ((obj = findByName(st, def->name))) {
        vkReportErrorFull(VIR_FROM_NETWORK, VIR_ERR_OPERATION_FAILED, __FILE__,
                          __func__, __LINE__, "network '%s' already exists with uuid %s",
                          obj->def->name, vkUUIDFormat(obj->def->uuid, uuidstr));
        *err = true;
    }
    return NULL;
}

virNetworkPtr
vkTestNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    g_autoptr(vkNetworkDef) def = NULL;
    vkTestNetwork *obj;
    virNetworkPtr ret;
    bool err;

    vkCheckFlags(VIR_NETWORK_DEFINE_VALIDATE, NULL);
    if (!(def = vkNetworkDefParseString(xml)))
        return NULL;

    g_mutex_lock(&st->lock);
    obj = checkConflict(st, def, &err);
    if (err) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    if (obj && obj->active) {
        vkNetworkDefFree(obj->newDef);
        obj->newDef = g_steal_pointer(&def);
    } else if (obj) {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&def);
    } else {
        obj = g_new0(vkTestNetwork, 1);
        obj->def = g_steal_pointer(&def);
        g_ptr_array_add(st->networks, obj);
    }
    obj->persistent = true;
    emit(st, obj, VIR_NETWORK_EVENT_DEFINED);
    ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

virNetworkPtr
vkTestNetworkDefineXML(virConnectPtr conn, const char *xml)
{
    return vkTestNetworkDefineXMLFlags(conn, xml, 0);
}

virNetworkPtr
vkTestNetworkCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    g_autoptr(vkNetworkDef) def = NULL;
    vkTestNetwork *obj;
    virNetworkPtr ret;
    bool err;

    vkCheckFlags(VIR_NETWORK_CREATE_VALIDATE, NULL);
    if (!(def = vkNetworkDefParseString(xml)))
        return NULL;

    g_mutex_lock(&st->lock);
    obj = checkConflict(st, def, &err);
    if (err) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    if (obj && obj->active) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is already active",
                      def->name);
        return NULL;
    }
    if (obj) {
        /* Started from a new live config; the stored one stays for next time. */
        obj->newDef = obj->def;
        obj->def = g_steal_pointer(&def);
    } else {
        obj = g_new0(vkTestNetwork, 1);
        obj->def = g_steal_pointer(&def);
        g_ptr_array_add(st->networks, obj);
    }
    obj->active = true;
    emit(st, obj, VIR_NETWORK_EVENT_STARTED);
    ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    return ret;
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
    vkTestState *st;
    vkTestNetwork *obj;

    if (!(obj = networkGet(net, &st)))
        return -1;
    *autostart = obj->autostart;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestNetworkSetAutostart(virNetworkPtr net, int autostart)
{
    vkTestState *st;
    vkTestNetwork *obj;

    if (!(obj = networkGet(net, &st)))
        return -1;
    if (!obj->persistent) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot set autostart for transient network '%s'", net->name);
        return -1;
    }
    obj->autostart = autostart != 0;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestNetworkIsActive(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;
    int ret;

    if (!(obj = networkGet(net, &st)))
        return -1;
    ret = obj->active;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestNetworkIsPersistent(virNetworkPtr net)
{
    vkTestState *st;
    vkTestNetwork *obj;
    int ret;

    if (!(obj = networkGet(net, &st)))
        return -1;
    ret = obj->persistent;
    g_mutex_unlock(&st->lock);
    return ret;
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
