/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host devices of the test hypervisor: libvirt's test driver's device
 * tree (computer, two fibre channel SCSI hosts and a vHBA), listed and
 * filtered by capability, plus virtual HBAs made and removed through
 * nodeDeviceCreateXML / nodeDeviceDestroy.
 *
 * The idea: a device is its parsed definition and nothing more; the
 * listing filters come from its capability types (with fc_host / vports
 * found inside a scsi_host, as libvirt does), so one function decides
 * what every list and count call sees.
 */
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/nodedev-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"

static const char *const defaultDevices[] = {
    "<device><name>computer</name>"
    "<capability type='system'>"
    "<hardware><vendor>Libvirt</vendor><version>Test driver</version>"
    "<serial>123456</serial><uuid>11111111-2222-3333-4444-555555555555</uuid></hardware>"
    "<firmware><vendor>Libvirt</vendor><version>Test Driver</version>"
    "<release_date>01/22/2007</release_date></firmware>"
    "</capability></device>",

    "<device><name>scsi_host1</name><parent>computer</parent>"
    "<capability type='scsi_host'><host>1</host><unique_id>0</unique_id>"
    "<capability type='fc_host'><wwnn>2000000012341234</wwnn><wwpn>1000000012341234</wwpn>"
    "<fabric_wwn>2000000043214321</fabric_wwn></capability>"
    "<capability type='vport_ops'><max_vports>0</max_vports><vports>0</vports></capability>"
    "</capability></device>",

    "<device><name>scsi_host2</name><parent>computer</parent>"
    "<capability type='scsi_host'><host>2</host><unique_id>1</unique_id>"
    "<capability type='fc_host'><wwnn>2000000056785678</wwnn><wwpn>1000000056785678</wwpn>"
    "<fabric_wwn>2000000087658765</fabric_wwn></capability>"
    "<capability type='vport_ops'><max_vports>0</max_vports><vports>0</vports></capability>"
    "</capability></device>",

    "<device><name>scsi_host11</name><parent>scsi_host1</parent>"
    "<capability type='scsi_host'><host>11</host><unique_id>10</unique_id>"
    "<capability type='fc_host'><wwnn>2000000034563456</wwnn><wwpn>1000000034563456</wwpn>"
    "<fabric_wwn>2000000043214321</fabric_wwn></capability>"
    "</capability></device>",
};

int
vkTestNodeDevInit(vkTestState *st, bool defaults)
{
    if (!st->nodedevs)
        st->nodedevs = g_ptr_array_new_with_free_func((GDestroyNotify)vkNodeDeviceDefFree);
    if (!st->nextScsiHost)
        st->nextScsiHost = 12;
    if (!defaults)
        return 0;
    for (size_t i = 0; i < G_N_ELEMENTS(defaultDevices); i++) {
        vkNodeDeviceDef *def = vkNodeDeviceDefParseString(defaultDevices[i], false);

        if (!def)
            return -1;
        g_ptr_array_add(st->nodedevs, def);
    }
    return 0;
}

int
vkTestNodeDevAddHost(vkTestState *st, const char *xml)
{
    vkNodeDeviceDef *def = vkNodeDeviceDefParseString(xml, false);

    if (!def)
        return -1;
    g_ptr_array_add(st->nodedevs, def);
    return 0;
}

static vkNodeDeviceDef *
findByName(vkTestState *st, const char *name)
{
    for (guint i = 0; i < st->nodedevs->len; i++) {
        vkNodeDeviceDef *def = st->nodedevs->pdata[i];
        if (strcmp(def->name, name) == 0)
            return def;
    }
    return NULL;
}

/* Locks the state and finds a handle's device; NULL unlocked with
 * VIR_ERR_NO_NODE_DEVICE when it is gone. */
static vkNodeDeviceDef *
devGet(virNodeDevicePtr dev, vkTestState **stp)
{
    vkTestState *st = dev->conn->privateData;
    vkNodeDeviceDef *def;

    g_mutex_lock(&st->lock);
    if (!(def = findByName(st, dev->name))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_NODE_DEVICE, "no node device with matching name '%s'",
                      dev->name);
        return NULL;
    }
    *stp = st;
    return def;
}

static virNodeDevicePtr
makeHandle(virConnectPtr conn, const vkNodeDeviceDef *def)
{
    return vkGetNodeDevice(conn, def->name, def->parent);
}

/* ---- listing ---- */

/* The capability bit of a cap name given to nodeNumOfDevices /
 * nodeListDevices; 0 (with an error) for an unknown name. */
static int
capFilter(const char *cap, unsigned int *bit)
{
    *bit = 0;
    if (!cap)
        return 0;
    if (!(*bit = vkNodeDeviceCapFlag(cap))) {
        vkReportError(VIR_ERR_INVALID_ARG, "unknown node device capability '%s'", cap);
        return -1;
    }
    return 0;
}

int
vkTestNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    unsigned int bit;
    int n = 0;

    vkCheckFlags(0, -1);
    if (capFilter(cap, &bit) < 0)
        return -1;
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->nodedevs->len; i++)
        n += !bit || (vkNodeDeviceDefCapFlags(st->nodedevs->pdata[i]) & bit);
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestNodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                      int maxnames, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    unsigned int bit;
    int n = 0;

    vkCheckFlags(0, -1);
    if (capFilter(cap, &bit) < 0)
        return -1;
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->nodedevs->len && n < maxnames; i++) {
        vkNodeDeviceDef *def = st->nodedevs->pdata[i];
        if (!bit || (vkNodeDeviceDefCapFlags(def) & bit))
            names[n++] = g_strdup(def->name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                                unsigned int flags)
{
    vkTestState *st = conn->privateData;
    const unsigned int capBits = VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPD * 2 - 1;
    unsigned int caps = flags & capBits;
    GPtrArray *out;
    int n;

    vkCheckFlags(capBits | VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE |
                 VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE, -1);
    /* Every device of this host exists, hence is active: asking for the
     * inactive ones alone lists none. */
    if ((flags & VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE) &&
        !(flags & VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE)) {
        if (devices)
            *devices = g_new0(virNodeDevicePtr, 1);
        return 0;
    }
    out = g_ptr_array_new();
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->nodedevs->len; i++) {
        vkNodeDeviceDef *def = st->nodedevs->pdata[i];

        if (caps && !(vkNodeDeviceDefCapFlags(def) & caps))
            continue;
        g_ptr_array_add(out, devices ? (gpointer)makeHandle(conn, def) : (gpointer)def);
    }
    g_mutex_unlock(&st->lock);
    n = (int)out->len;
    if (devices) {
        g_ptr_array_add(out, NULL);
        *devices = (virNodeDevicePtr *)g_ptr_array_free(out, FALSE);
    } else {
        g_ptr_array_unref(out);
    }
    return n;
}

/* ---- lookups and queries ---- */

virNodeDevicePtr
vkTestNodeDeviceLookupByName(virConnectPtr conn, const char *name)
{
    vkTestState *st = conn->privateData;
    virNodeDevicePtr ret = NULL;
    vkNodeDeviceDef *def;

    g_mutex_lock(&st->lock);
    if ((def = findByName(st, name)))
        ret = makeHandle(conn, def);
    g_mutex_unlock(&st->lock);
    if (!def)
        vkReportError(VIR_ERR_NO_NODE_DEVICE, "no node device with matching name '%s'",
                      name);
    return ret;
}

static const char *
childText(const vkXmlElem *e, const char *name)
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        const vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0)
            return c->text;
    }
    return NULL;
}

char *
vkTestNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    vkTestState *st;
    vkNodeDeviceDef *def;
    char *ret;

    vkCheckFlags(0, NULL);
    if (!(def = devGet(dev, &st)))
        return NULL;
    ret = vkNodeDeviceDefFormat(def);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestNodeDeviceNumOfCaps(virNodeDevicePtr dev)
{
    vkTestState *st;
    vkNodeDeviceDef *def;
    int n;

    if (!(def = devGet(dev, &st)))
        return -1;
    n = (int)def->caps->len;
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    vkTestState *st;
    vkNodeDeviceDef *def;
    int n = 0;

    if (!(def = devGet(dev, &st)))
        return -1;
    for (guint i = 0; i < def->caps->len && n < maxnames; i++)
        names[n++] = g_strdup(vkXmlElemGetAttr(def->caps->pdata[i], "type"));
    g_mutex_unlock(&st->lock);
    return n;
}

/* ---- virtual HBAs ---- */

/* Adds delta to the <vports> count of a vport-capable device. */
static void
adjustVports(vkNodeDeviceDef *parent, int delta)
{
    vkXmlElem *ops = vkNodeDeviceDefFindCap(parent, "vport_ops");

    for (guint i = 0; ops && ops->children && i < ops->children->len; i++) {
        vkXmlElem *c = ops->children->pdata[i];

        if (strcmp(c->name, "vports") == 0) {
            long v = c->text ? strtol(c->text, NULL, 10) + delta : delta;

            g_free(c->text);
            c->text = g_strdup_printf("%ld", MAX(v, 0));
        }
    }
}

static void
emit(vkTestState *st, const vkNodeDeviceDef *def, int event)
{
    if (st->events)
        vkNodeDeviceEventQueueLifecycle(st->events, def->name, def->parent, event, 0);
}

static void
emitUpdate(vkTestState *st, const vkNodeDeviceDef *def)
{
    if (st->events)
        vkNodeDeviceEventQueueUpdate(st->events, def->name, def->parent);
}

virNodeDevicePtr
vkTestNodeDeviceCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkTestState *st = conn->privateData;
    g_autoptr(vkNodeDeviceDef) req = NULL;
    g_autofree char *devXML = NULL;
    vkNodeDeviceDef *parent, *def;
    const char *wwnn, *wwpn, *fabric;
    vkXmlElem *fc;
    virNodeDevicePtr ret;
    int host;

    vkCheckFlags(VIR_NODE_DEVICE_CREATE_XML_VALIDATE, NULL);
    if (!(req = vkNodeDeviceDefParseString(xml, true)))
        return NULL;
    fc = vkNodeDeviceDefFindCap(req, "fc_host");
    wwnn = childText(fc, "wwnn");
    wwpn = childText(fc, "wwpn");
    if (!wwnn || !wwpn) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "only vHBAs can be created: the device needs a scsi_host "
                      "capability with an fc_host holding wwnn and wwpn");
        return NULL;
    }
    if (!req->parent) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "the vHBA XML names no parent device");
        return NULL;
    }

    g_mutex_lock(&st->lock);
    if (!(parent = findByName(st, req->parent))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_NODE_DEVICE, "no node device with matching name '%s'",
                      req->parent);
        return NULL;
    }
    if (!vkNodeDeviceDefFindCap(parent, "vport_ops")) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "Parent device %s is not capable of vport operations", req->parent);
        return NULL;
    }
    fabric = childText(vkNodeDeviceDefFindCap(parent, "fc_host"), "fabric_wwn");
    host = st->nextScsiHost++;
    devXML = g_markup_printf_escaped(
        "<device><name>scsi_host%d</name><parent>%s</parent>"
        "<capability type='scsi_host'><host>%d</host><unique_id>%d</unique_id>"
        "<capability type='fc_host'><wwnn>%s</wwnn><wwpn>%s</wwpn>"
        "<fabric_wwn>%s</fabric_wwn></capability></capability></device>",
        host, parent->name, host, host - 1, wwnn, wwpn, fabric ? fabric : wwnn);
    if (!(def = vkNodeDeviceDefParseString(devXML, false))) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    g_ptr_array_add(st->nodedevs, def);
    adjustVports(parent, 1);
    emit(st, def, VIR_NODE_DEVICE_EVENT_CREATED);
    emitUpdate(st, parent);
    ret = makeHandle(conn, def);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestNodeDeviceDestroy(virNodeDevicePtr dev)
{
    vkTestState *st;
    vkNodeDeviceDef *def, *parent;

    if (!(def = devGet(dev, &st)))
        return -1;
    parent = def->parent ? findByName(st, def->parent) : NULL;
    if (!parent || !vkNodeDeviceDefFindCap(parent, "vport_ops") ||
        !vkNodeDeviceDefFindCap(def, "fc_host")) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "node device '%s' is not a vHBA and cannot be destroyed", dev->name);
        return -1;
    }
    adjustVports(parent, -1);
    emit(st, def, VIR_NODE_DEVICE_EVENT_DELETED);
    emitUpdate(st, parent);
    g_ptr_array_remove(st->nodedevs, def);   /* frees def */
    g_mutex_unlock(&st->lock);
    return 0;
}

/* ---- events ---- */

int
vkTestConnectNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev,
                                        int eventID,
                                        virConnectNodeDeviceEventGenericCallback cb,
                                        void *opaque, virFreeCallback freecb)
{
    vkTestState *st = conn->privateData;

    return vkNodeDeviceEventRegisterAny(st->events, conn, dev, eventID, cb,
                                        opaque, freecb);
}

int
vkTestConnectNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkTestState *st = conn->privateData;

    return vkObjectEventDeregisterAny(st->events, conn, VK_EVENT_FAMILY_NODE_DEVICE,
                                      callbackID);
}
