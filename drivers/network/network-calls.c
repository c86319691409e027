/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network driver's API calls: listing, lookups, define/undefine,
 * start/stop, XML, autostart, events and DHCP leases, each under the
 * state lock of the connection's root.
 *
 * Defining a routed, NAT, open or isolated network without a bridge name
 * or a MAC gives it free ones (virbrN, 52:54:00:...) in the stored
 * definition, as libvirt does, so they stay stable across restarts.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/uuid.h"
#include "conf/domain-conf-priv.h"
#include "drivers/network/network-private.h"
#include "drivers/network/network-calls.h"

/* ---- listing ---- */

static int
countOrList(virConnectPtr conn, char **const names, int maxnames, bool active)
{
    vkNetState *st = vkNetConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *obj = st->nets->pdata[i];

        if (obj->active != active)
            continue;
        if (names && n >= maxnames)
            break;
        if (names)
            names[n] = g_strdup(obj->def->name);
        n++;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkNetCallNumOfNetworks(virConnectPtr conn)
{
    return countOrList(conn, NULL, 0, true);
}

int
vkNetCallListNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return countOrList(conn, names, maxnames, true);
}

int
vkNetCallNumOfDefinedNetworks(virConnectPtr conn)
{
    return countOrList(conn, NULL, 0, false);
}

int
vkNetCallListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    return countOrList(conn, names, maxnames, false);
}

int
vkNetCallListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    vkNetState *st = vkNetConnState(conn);
    GPtrArray *list = g_ptr_array_new();
    int n;

    vkCheckFlags(VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE |
                 VIR_CONNECT_LIST_NETWORKS_PERSISTENT | VIR_CONNECT_LIST_NETWORKS_TRANSIENT |
                 VIR_CONNECT_LIST_NETWORKS_AUTOSTART | VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART,
                 (g_ptr_array_free(list, TRUE), -1));
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *obj = st->nets->pdata[i];

        if (!vkListFlagsMatch(flags, obj->active, obj->persistent, obj->autostart))
            continue;
        g_ptr_array_add(list, nets ? (gpointer)vkNetHandle(conn, obj) : NULL);
    }
    g_mutex_unlock(&st->lock);
    n = list->len;
    if (nets) {
        g_ptr_array_add(list, NULL);
        *nets = (virNetworkPtr *)g_ptr_array_free(list, FALSE);
    } else {
        g_ptr_array_free(list, TRUE);
    }
    return n;
}

/* ---- lookups ---- */

virNetworkPtr
vkNetCallLookupByName(virConnectPtr conn, const char *name)
{
    vkNetState *st = vkNetConnState(conn);
    virNetworkPtr ret = NULL;
    vkNetObj *obj;

    g_mutex_lock(&st->lock);
    if ((obj = vkNetFindByName(st, name)))
        ret = vkNetHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching name '%s'", name);
    return ret;
}

virNetworkPtr
vkNetCallLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkNetState *st = vkNetConnState(conn);
    virNetworkPtr ret = NULL;
    vkNetObj *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if ((obj = vkNetFindByUUID(st, uuid)))
        ret = vkNetHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_NETWORK, "no network with matching uuid '%s'",
                      vkUUIDFormat(uuid, uuidstr));
    return ret;
}

/* ---- define, create ---- */

static bool
needsBridge(const vkNetworkDef *def)
{
    return !def->forwardMode || strcmp(def->forwardMode, "nat") == 0 ||
           strcmp(def->forwardMode, "route") == 0 || strcmp(def->forwardMode, "open") == 0;
}

/* Fills in a free bridge name and a MAC; refuses a bridge name another
 * network has.  Under st->lock. */
static int
completeDef(vkNetState *st, vkNetworkDef *def)
{
    g_autoptr(GPtrArray) taken = g_ptr_array_new();
    const char *br = vkNetworkDefBridgeName(def);

    if (!needsBridge(def))
        return 0;
    for (guint i = 0; i < st->nets->len; i++) {
        vkNetObj *o = st->nets->pdata[i];
        const vkNetworkDef *defs[] = { o->def, o->newDef };

        if (strcmp(o->def->name, def->name) == 0)
            continue;
        for (size_t j = 0; j < G_N_ELEMENTS(defs); j++) {
            const char *other = defs[j] ? vkNetworkDefBridgeName(defs[j]) : NULL;

            if (!other)
                continue;
            if (br && strcmp(br, other) == 0) {
                vkReportError(VIR_ERR_INTERNAL_ERROR, "bridge name '%s' already in use.", br);
                return -1;
            }
            g_ptr_array_add(taken, (gpointer)other);
        }
    }
    if (!br) {
        g_autofree char *name = vkNetHostFreeBridge(taken);

        if (!name)
            return -1;
        vkNetworkDefSetBridgeName(def, name);
    }
    if (!vkNetworkDefFindExtra(def, "mac")) {
        unsigned char r[VIR_UUID_BUFLEN];
        char mac[18];
        vkXmlElem *e = g_new0(vkXmlElem, 1);
        guint at = 0;

        vkUUIDGenerate(r);
        g_snprintf(mac, sizeof(mac), "52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
        e->name = g_strdup("mac");
        vkXmlElemSetAttr(e, "address", mac);
        /* libvirt writes <mac> after <bridge> and <mtu> */
        while (at < def->extra->len &&
               (strcmp(((vkXmlElem *)def->extra->pdata[at])->name, "metadata") == 0 ||
                strcmp(((vkXmlElem *)def->extra->pdata[at])->name, "mtu") == 0))
            at++;
        g_ptr_array_insert(def->extra, at, e);
    }
    return 0;
}

/* The existing network a new definition names (same name and UUID), NULL
 * when there is none, or NULL with *err and libvirt's conflict error. */
static vkNetObj *
checkConflict(vkNetState *st, const vkNetworkDef *def, bool *err)
{
    vkNetObj *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *err = false;
    if ((obj = vkNetFindByUUID(st, def->uuid))) {
        if (strcmp(obj->def->name, def->name) == 0)
            return obj;
        vkReportError(VIR_ERR_OPERATION_FAILED, "network '%s' is already defined with uuid %s",
                      obj->def->name, vkUUIDFormat(obj->def->uuid, uuidstr));
        *err = true;
        return NULL;
    }
    if ((obj = vkNetFindByName(st, def->name))) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "network '%s' already exists with uuid %s",
                      obj->def->name, vkUUIDFormat(obj->def->uuid, uuidstr));
        *err = true;
    }
    return NULL;
}

static vkNetworkDef *
parseChecked(const char *xml)
{
    g_autoptr(vkNetworkDef) def = vkNetworkDefParseString(xml);
    g_autoptr(vkNetworkSetup) s = NULL;

    if (!def || !(s = vkNetworkSetupFromDef(def)))
        return NULL;
    return g_steal_pointer(&def);
}

/* Define and create: parses xml, locks the state, finds the network of
 * the same name and UUID (*obj, or NULL) and completes the definition;
 * false, unlocked and with the error set, on failure. */
static bool
addBegin(vkNetState *st, const char *xml, vkNetworkDef **def, vkNetObj **obj)
{
    bool err;

    if (!(*def = parseChecked(xml)))
        return false;
    g_mutex_lock(&st->lock);
    *obj = checkConflict(st, *def, &err);
    if (err || completeDef(st, *def) < 0) {
        g_mutex_unlock(&st->lock);
        g_clear_pointer(def, vkNetworkDefFree);
        return false;
    }
    return true;
}

virNetworkPtr
vkNetCallDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkNetState *st = vkNetConnState(conn);
    g_autoptr(vkNetworkDef) def = NULL;
    virNetworkPtr ret = NULL;
    vkNetObj *obj;

    vkCheckFlags(VIR_NETWORK_DEFINE_VALIDATE, NULL);
    if (!addBegin(st, xml, &def, &obj))
        return NULL;
    if (vkNetStateSaveConfig(st, def) < 0)
        goto out;
    if (!obj) {
        obj = g_new0(vkNetObj, 1);
        obj->def = g_steal_pointer(&def);
        g_ptr_array_add(st->nets, obj);
    } else if (obj->active) {
        vkNetworkDefFree(obj->newDef);
        obj->newDef = g_steal_pointer(&def);
    } else {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&def);
    }
    obj->persistent = true;
    vkNetEmit(st, obj, VIR_NETWORK_EVENT_DEFINED);
    ret = vkNetHandle(conn, obj);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

virNetworkPtr
vkNetCallDefineXML(virConnectPtr conn, const char *xml)
{
    return vkNetCallDefineXMLFlags(conn, xml, 0);
}

virNetworkPtr
vkNetCallCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkNetState *st = vkNetConnState(conn);
    g_autoptr(vkNetworkDef) def = NULL;
    virNetworkPtr ret = NULL;
    vkNetObj *obj;

    vkCheckFlags(VIR_NETWORK_CREATE_VALIDATE, NULL);
    if (!addBegin(st, xml, &def, &obj))
        return NULL;
    if (obj) {
        /* libvirt refuses to start a defined network from other XML */
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is already %s", def->name,
                      obj->active ? "active" : "defined; start it instead");
        goto out;
    }
    obj = g_new0(vkNetObj, 1);
    obj->def = g_steal_pointer(&def);
    g_ptr_array_add(st->nets, obj);
    if (vkNetObjStart(st, obj) < 0) {
        g_ptr_array_remove(st->nets, obj);
        goto out;
    }
    ret = vkNetHandle(conn, obj);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

virNetworkPtr
vkNetCallCreateXML(virConnectPtr conn, const char *xml)
{
    return vkNetCallCreateXMLFlags(conn, xml, 0);
}

/* ---- undefine, start, stop ---- */

int
vkNetCallUndefine(virNetworkPtr net)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    if (!(obj = vkNetGet(net, &st)))
        return -1;
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is not persistent",
                      obj->def->name);
        goto out;
    }
    if (vkNetStateDeleteConfig(st, obj->def->name) < 0)
        goto out;
    vkNetEmit(st, obj, VIR_NETWORK_EVENT_UNDEFINED);
    /* a running network stays up, transient, as in libvirt */
    obj->persistent = false;
    obj->autostart = false;
    g_clear_pointer(&obj->newDef, vkNetworkDefFree);
    if (!obj->active)
        g_ptr_array_remove(st->nets, obj);
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkNetCallCreate(virNetworkPtr net)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    if (!(obj = vkNetGet(net, &st)))
        return -1;
    if (obj->active)
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "network is already active");
    else
        ret = vkNetObjStart(st, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkNetCallDestroy(virNetworkPtr net)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    if (!(obj = vkNetGet(net, &st)))
        return -1;
    if (!obj->active)
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                      obj->def->name);
    else
        ret = vkNetObjStop(st, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- queries ---- */

char *
vkNetCallGetXMLDesc(virNetworkPtr net, unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    char *ret;

    vkCheckFlags(VIR_NETWORK_XML_INACTIVE, NULL);
    if (!(obj = vkNetGet(net, &st)))
        return NULL;
    ret = vkNetworkDefFormat((flags & VIR_NETWORK_XML_INACTIVE) && obj->newDef ?
                             obj->newDef : obj->def, 0);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkNetCallGetBridgeName(virNetworkPtr net)
{
    vkNetState *st;
    vkNetObj *obj;
    char *ret;

    if (!(obj = vkNetGet(net, &st)))
        return NULL;
    ret = g_strdup(vkNetworkDefBridgeName(obj->def));
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_INTERNAL_ERROR, "network '%s' does not have a bridge name.",
                      net->name);
    return ret;
}

/* One of a network's flags (a field of vkNetObj), or -1. */
static int
flagOf(virNetworkPtr net, size_t offset)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret;

    if (!(obj = vkNetGet(net, &st)))
        return -1;
    ret = *(bool *)((char *)obj + offset);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkNetCallGetAutostart(virNetworkPtr net, int *autostart)
{
    int v = flagOf(net, G_STRUCT_OFFSET(vkNetObj, autostart));

    if (v < 0)
        return -1;
    *autostart = v;
    return 0;
}

int
vkNetCallSetAutostart(virNetworkPtr net, int autostart)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    if (!(obj = vkNetGet(net, &st)))
        return -1;
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot set autostart for transient network");
    } else if (vkNetStateSetAutostart(st, obj->def->name, autostart) == 0) {
        obj->autostart = autostart;
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkNetCallIsActive(virNetworkPtr net)
{
    return flagOf(net, G_STRUCT_OFFSET(vkNetObj, active));
}

int
vkNetCallIsPersistent(virNetworkPtr net)
{
    return flagOf(net, G_STRUCT_OFFSET(vkNetObj, persistent));
}

/* The leases of obj (only mac's when mac is set); under st->lock. */
int
vkNetObjLeases(vkNetState *st, vkNetObj *obj, const char *mac, virNetworkDHCPLeasePtr **leases)
{
    g_autoptr(vkNetworkSetup) s = NULL;
    g_autofree char *path = NULL, *text = NULL;

    if (!(s = vkNetworkSetupFromDef(obj->def)))
        return -1;
    path = vkNetStateRunFile(st, obj->def->name, "leases");
    /* no file: dnsmasq has handed out nothing yet (or is not running) */
    if (obj->active)
        g_file_get_contents(path, &text, NULL, NULL);
    return vkDnsmasqParseLeases(text, s, vkNetworkDefBridgeName(obj->def), mac, leases);
}

int
vkNetCallGetDHCPLeases(virNetworkPtr net, const char *mac, virNetworkDHCPLeasePtr **leases,
                       unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret;

    vkCheckFlags(0, -1);
    if (!(obj = vkNetGet(net, &st)))
        return -1;
    ret = vkNetObjLeases(st, obj, mac, leases);
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- events ---- */

int
vkNetCallEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                          virConnectNetworkEventGenericCallback cb, void *opaque,
                          virFreeCallback freecb)
{
    return vkNetworkEventRegisterAny(vkNetConnState(conn)->events, conn, net, eventID, cb,
                                     opaque, freecb);
}

int
vkNetCallEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkObjectEventDeregisterAny(vkNetConnState(conn)->events, conn,
                                      VK_EVENT_FAMILY_NETWORK, callbackID);
}
