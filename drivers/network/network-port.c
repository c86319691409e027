/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network ports: one record per guest NIC plugged into an active network
 * (libvirt's virNetworkPort*), made by a hypervisor driver when it plugs
 * a tap, or by a client with virNetworkPortCreateXML.
 *
 * The idea: a port lives exactly as long as the network's run: each is
 * written under <run dir>/NAME.ports/UUID.xml when made (so a restarted
 * daemon reattaching to the network finds its ports), and the directory
 * goes when the network stops, whatever ports are still in it.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/uuid.h"
#include "util/atomic-file.h"
#include "drivers/network/network-private.h"
#include "drivers/network/network-calls.h"

static char *
portsDir(vkNetState *st, const char *name)
{
    return vkNetStateRunFile(st, name, "ports");
}

static char *
portPath(vkNetState *st, const char *name, const unsigned char *uuid)
{
    g_autofree char *dir = portsDir(st, name);
    char file[VIR_UUID_STRING_BUFLEN + 4];

    vkUUIDFormat(uuid, file);
    strcat(file, ".xml");
    return g_build_filename(dir, file, NULL);
}

static vkNetworkPortDef *
findPort(vkNetObj *obj, const unsigned char *uuid)
{
    for (guint i = 0; obj->ports && i < obj->ports->len; i++) {
        vkNetworkPortDef *p = obj->ports->pdata[i];

        if (memcmp(p->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return p;
    }
    return NULL;
}

static void
ensurePorts(vkNetObj *obj)
{
    if (!obj->ports)
        obj->ports = g_ptr_array_new_with_free_func((GDestroyNotify)vkNetworkPortDefFree);
}

void
vkNetPortsLoad(vkNetState *st, vkNetObj *obj)
{
    g_autofree char *dir = portsDir(st, obj->def->name);
    g_autoptr(GDir) d = NULL;
    const char *ent;

    vkAtomicFileRemoveStale(dir);
    if (!(d = g_dir_open(dir, 0, NULL)))
        return;
    ensurePorts(obj);
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        g_autofree char *xml = NULL;
        vkNetworkPortDef *p;

        if (!g_str_has_suffix(ent, ".xml") || !g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        if ((p = vkNetworkPortDefParseString(xml)) && !findPort(obj, p->uuid))
            g_ptr_array_add(obj->ports, p);
        else
            vkNetworkPortDefFree(p);
    }
    vkErrorReset();
}

void
vkNetPortsClear(vkNetState *st, const char *name, vkNetObj *obj)
{
    g_autofree char *dir = portsDir(st, name);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);

        g_unlink(path);
    }
    g_rmdir(dir);
    if (obj)
        g_clear_pointer(&obj->ports, g_ptr_array_unref);
}

/* Fills in the plug of a port that has none from obj's bridge, as
 * libvirt allocates one: 'bridge' for a network on an existing host
 * bridge, 'network' for a bridge the network made. */
static int
allocatePlug(vkNetObj *obj, vkNetworkPortDef *p)
{
    const char *bridge = vkNetworkDefBridgeName(obj->def);

    if (!bridge) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "network '%s' has no bridge a port could plug into", obj->def->name);
        return -1;
    }
    p->plugType = g_strdup(g_strcmp0(obj->def->forwardMode, "bridge") == 0 ? "bridge"
                                                                           : "network");
    p->plugBridge = g_strdup(bridge);
    return 0;
}

/* Adds p (taken) to the active network obj; under st->lock. */
static vkNetworkPortDef *
portAdd(vkNetState *st, vkNetObj *obj, vkNetworkPortDef *p, bool reclaim)
{
    g_autoptr(vkNetworkPortDef) port = p;
    g_autofree char *dir = NULL, *path = NULL, *xml = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!obj->active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                      obj->def->name);
        return NULL;
    }
    if (!port->plugType) {
        if (reclaim) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "Port reclaim requested but plug type is none");
            return NULL;
        }
        if (allocatePlug(obj, port) < 0)
            return NULL;
    } else if (!reclaim) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Port reclaim not requested but plug type is not none");
        return NULL;
    }
    if (findPort(obj, port->uuid)) {
        vkReportError(VIR_ERR_NETWORK_PORT_EXIST, "Network port with UUID %s already exists",
                      vkUUIDFormat(port->uuid, uuid));
        return NULL;
    }
    dir = portsDir(st, obj->def->name);
    path = portPath(st, obj->def->name, port->uuid);
    xml = vkNetworkPortDefFormat(port);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create directory '%s'", dir);
        return NULL;
    }
    if (vkAtomicFileWriteFrom(VIR_FROM_NETWORK, path, xml, strlen(xml), 0600) < 0)
        return NULL;
    ensurePorts(obj);
    g_ptr_array_add(obj->ports, port);
    return g_steal_pointer(&port);
}

static int
portRemove(vkNetState *st, vkNetObj *obj, const unsigned char *uuid)
{
    vkNetworkPortDef *p = findPort(obj, uuid);
    g_autofree char *path = NULL;
    char str[VIR_UUID_STRING_BUFLEN];

    if (!p) {
        vkReportError(VIR_ERR_NO_NETWORK_PORT, "Network port with UUID %s does not exist",
                      vkUUIDFormat(uuid, str));
        return -1;
    }
    path = portPath(st, obj->def->name, uuid);
    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove '%s'", path);
        return -1;
    }
    g_ptr_array_remove(obj->ports, p);
    return 0;
}

/* ---- the table's members ---- */

int
vkNetCallListAllPorts(virNetworkPtr net, virNetworkPortPtr **ports, unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    int n;

    vkCheckFlags(0, -1);
    if (!(obj = vkNetGet(net, &st)))
        return -1;
    n = obj->ports ? (int)obj->ports->len : 0;
    if (ports) {
        *ports = g_new0(virNetworkPortPtr, n + 1);
        for (int i = 0; i < n; i++)
            (*ports)[i] = vkGetNetworkPort(net, ((vkNetworkPortDef *)obj->ports->pdata[i])->uuid);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

virNetworkPortPtr
vkNetCallPortLookupByUUID(virNetworkPtr net, const unsigned char *uuid)
{
    vkNetState *st;
    vkNetObj *obj;
    virNetworkPortPtr ret = NULL;
    char str[VIR_UUID_STRING_BUFLEN];

    if (!(obj = vkNetGet(net, &st)))
        return NULL;
    if (findPort(obj, uuid))
        ret = vkGetNetworkPort(net, uuid);
    else
        vkReportError(VIR_ERR_NO_NETWORK_PORT, "Network port with UUID %s does not exist",
                      vkUUIDFormat(uuid, str));
    g_mutex_unlock(&st->lock);
    return ret;
}

virNetworkPortPtr
vkNetCallPortCreateXML(virNetworkPtr net, const char *xml, unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    vkNetworkPortDef *p;
    virNetworkPortPtr ret = NULL;

    vkCheckFlags(VIR_NETWORK_PORT_CREATE_RECLAIM | VIR_NETWORK_PORT_CREATE_VALIDATE, NULL);
    if (!(p = vkNetworkPortDefParseString(xml)))
        return NULL;
    if (!(obj = vkNetGet(net, &st))) {
        vkNetworkPortDefFree(p);
        return NULL;
    }
    if ((p = portAdd(st, obj, p, flags & VIR_NETWORK_PORT_CREATE_RECLAIM)))
        ret = vkGetNetworkPort(net, p->uuid);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkNetCallPortGetXMLDesc(virNetworkPortPtr port, unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    vkNetworkPortDef *p;
    char *ret = NULL;
    char str[VIR_UUID_STRING_BUFLEN];

    vkCheckFlags(0, NULL);
    if (!(obj = vkNetGet(port->net, &st)))
        return NULL;
    if ((p = findPort(obj, port->uuid)))
        ret = vkNetworkPortDefFormat(p);
    else
        vkReportError(VIR_ERR_NO_NETWORK_PORT, "Network port with UUID %s does not exist",
                      vkUUIDFormat(port->uuid, str));
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkNetCallPortDelete(virNetworkPortPtr port, unsigned int flags)
{
    vkNetState *st;
    vkNetObj *obj;
    int ret;

    vkCheckFlags(0, -1);
    if (!(obj = vkNetGet(port->net, &st)))
        return -1;
    ret = portRemove(st, obj, port->uuid);
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- for hypervisor drivers (network-driver.h) ---- */

int
vkNetPortPlug(vkNetState *st, vkNetObj *obj, const char *ownerName,
              const unsigned char *ownerUUID, const unsigned char *mac, unsigned char *uuid)
{
    vkNetworkPortDef *p = g_new0(vkNetworkPortDef, 1);

    vkUUIDGenerate(p->uuid);
    p->ownerName = g_strdup(ownerName);
    memcpy(p->ownerUUID, ownerUUID, VIR_UUID_BUFLEN);
    memcpy(p->mac, mac, 6);
    if (!(p = portAdd(st, obj, p, false)))
        return -1;
    memcpy(uuid, p->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int
vkNetPortUnplug(vkNetState *st, vkNetObj *obj, const unsigned char *uuid)
{
    return portRemove(st, obj, uuid);
}
