/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attaching and detaching disks and interfaces (device_add/device_del).
 *
 * Every change is first made on a copy of the definition and checked by
 * the argv builder's own validation, so a device that could not have been
 * given at start is refused before QEMU hears of it; the copy replaces
 * the definition only once QEMU agreed.  Unplug needs the guest: device_del
 * only asks, and the device is gone when QMP's DEVICE_DELETED names it,
 * which we wait for (bounded) on the state's job condition.  QEMU device
 * ids follow the argv builder: a disk has libvirt's alias (virtio-disk0)
 * and -blockdev nodes libvirt-N-format/-storage, a hot-plugged one the
 * next free N; an interface is found by its MAC through QOM, because
 * cold-plugged ones are named by position.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/command.h"
#include "drivers/qemu/qemu-pci.h"
#include "drivers/qemu/qemu-blockdev.h"
#include "drivers/qemu/qemu-blockjob.h"
#include "drivers/qemu/qemu-net.h"
#include "drivers/qemu/qemu-stats.h"

/* How long a detach waits for the guest to let go of the device. */
#define UNPLUG_WAIT_MS 10000

static bool
isVirtioDisk(const vkDomainDiskDef *d)
{
    return d->device == VK_DOMAIN_DISK_DEVICE_DISK && d->bus && strcmp(d->bus, "virtio") == 0;
}

static int
liveSupported(vkQemuDomain *obj, const vkDomainDeviceDef *dev)
{
    if (dev->type == VK_DOMAIN_DEVICE_DISK && isVirtioDisk(dev->data.disk))
        return 0;
    if (dev->type == VK_DOMAIN_DEVICE_NET &&
        (dev->data.net->type == VK_DOMAIN_NET_TYPE_USER ||
         dev->data.net->type == VK_DOMAIN_NET_TYPE_ETHERNET ||
         dev->data.net->type == VK_DOMAIN_NET_TYPE_NETWORK ||
         dev->data.net->type == VK_DOMAIN_NET_TYPE_BRIDGE))
        return 0;
    vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                  "live attach/detach of this device of domain '%s' is not supported "
                  "(only virtio disks and user, ethernet, network or bridge interfaces)",
                  obj->name);
    return -1;
}

static int
cmd(vkQemuState *st, vkQemuDomain *obj, const char *name, vkJSON *args, vkJSON **ret)
{
    return vkQemuDomainMonitorCommand(st, obj, name, args, ret);
}

static char *
qomGetString(vkQemuState *st, vkQemuDomain *obj, const char *path, const char *prop)
{
    vkJSON *args = vkJSONNewObject();
    g_autoptr(vkJSON) ret = NULL;

    vkJSONObjectAppendString(args, "path", path);
    vkJSONObjectAppendString(args, "property", prop);
    if (cmd(st, obj, "qom-get", args, &ret) < 0)
        return NULL;
    return g_strdup(vkJSONGetString(ret));
}

/* The QEMU id of the NIC with this MAC (mac == NULL: a free "netN" id). */
static char *
findNic(vkQemuState *st, vkQemuDomain *obj, const char *mac)
{
    vkJSON *args = vkJSONNewObject();
    g_autoptr(vkJSON) ret = NULL;
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    vkJSONObjectAppendString(args, "path", "/machine/peripheral");
    if (cmd(st, obj, "qom-list", args, &ret) < 0)
        return NULL;
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const char *name = vkJSONObjectGetString(vkJSONArrayGet(ret, i), "name");
        const char *type = vkJSONObjectGetString(vkJSONArrayGet(ret, i), "type");

        if (name && type && g_str_has_prefix(type, "child<"))
            g_hash_table_add(ids, g_strdup(name));
    }
    if (!mac) {
        for (unsigned int n = 0;; n++) {
            g_autofree char *id = g_strdup_printf("net%u", n);

            if (!g_hash_table_contains(ids, id))
                return g_steal_pointer(&id);
        }
    }
    {
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, ids);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", (char *)key);
            g_autofree char *have = qomGetString(st, obj, path, "mac");

            vkErrorReset();     /* not every device has a MAC */
            if (have && g_ascii_strcasecmp(have, mac) == 0)
                return g_strdup(key);
        }
    }
    vkReportError(VIR_ERR_DEVICE_MISSING, "QEMU of domain '%s' has no interface with MAC '%s'",
                  obj->name, mac);
    return NULL;
}

/* The slot a hot-plugged PCI device takes, kept in its definition like
 * a cold-plugged one's (on q35 that is a free pcie-root-port: pcie.0
 * itself takes no hotplug).  live: no bus may be added. */
static int
assignAddress(vkDomainDef *def, const vkDomainDeviceDef *dev, bool live)
{
    vkXmlElem **addr = NULL;
    bool pcie = true;

    if (dev->type == VK_DOMAIN_DEVICE_DISK && isVirtioDisk(dev->data.disk)) {
        addr = &dev->data.disk->address;
    } else if (dev->type == VK_DOMAIN_DEVICE_NET) {
        addr = &dev->data.net->address;
        pcie = vkQemuPciNetIsPCIe(dev->data.net->model ? dev->data.net->model : "virtio");
    }
    if (!addr || *addr)
        return 0;
    return live ? vkQemuPciAssignHotplug(def, pcie, addr) : vkQemuPciAssign(def);
}


/* blockdev-del of a disk's nodes from its top one down (copy-on-read,
 * format, storage), errors ignored: what is not there is already gone. */
static void
deleteNodes(vkQemuState *st, vkQemuDomain *obj, const char *top)
{
    g_autofree char *name = g_strdup(top);
    unsigned int n;

    while (name && *name) {
        vkJSON *args = vkJSONNewObject();
        char *next = NULL;

        vkJSONObjectAppendString(args, "node-name", name);
        if (cmd(st, obj, "blockdev-del", args, NULL) < 0)
            vkErrorReset();
        if (g_str_has_suffix(name, "-format") && sscanf(name, "libvirt-%u-", &n) == 1)
            next = g_strdup_printf("libvirt-%u-storage", n);
        g_free(name);
        name = next;
    }
}

/* The node a disk device reads from (query-block), NULL if none. */
static char *
diskTopNode(vkQemuState *st, vkQemuDomain *obj, const char *alias)
{
    g_autoptr(vkJSON) ret = NULL;
    const vkJSON *ins;

    if (cmd(st, obj, "query-block", NULL, &ret) < 0) {
        vkErrorReset();
        return NULL;
    }
    ins = vkJSONObjectGet(vkQemuBlockEntry(ret, alias), "inserted");
    return ins ? g_strdup(vkJSONObjectGetString(ins, "node-name")) : NULL;
}

/* closefd of what sendTapFds gave QEMU, errors ignored (a netdev that
 * took an fd has its own copy; a name never given is no error to us). */
static void
closeTapFds(vkQemuState *st, vkQemuDomain *obj, const vkQemuNetPlan *plan, const char *netdev)
{
    for (int k = 0; k < 2; k++) {
        vkJSON *args;
        g_autofree char *name = g_strdup_printf("%s-%s", netdev, k ? "vhostfd" : "fd");

        if (k && plan->vhostFds[0] < 0)
            break;
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "fdname", name);
        if (cmd(st, obj, "closefd", args, NULL) < 0)
            vkErrorReset();
    }
}

/* The tap's fd as "NETDEV-fd" and the vhost-net one as "NETDEV-vhostfd". */
static int
sendTapFds(vkQemuState *st, vkQemuDomain *obj, const vkQemuNetPlan *plan, const char *netdev)
{
    g_autofree char *fdName = g_strdup_printf("%s-fd", netdev);
    g_autofree char *vName = g_strdup_printf("%s-vhostfd", netdev);

    if (vkQemuDomainMonitorSendFd(st, obj, fdName, vkQemuNetPlanFd(plan, plan->netFds[0])) < 0)
        return -1;
    if (plan->vhostFds[0] >= 0 &&
        vkQemuDomainMonitorSendFd(st, obj, vName, vkQemuNetPlanFd(plan, plan->vhostFds[0])) < 0) {
        closeTapFds(st, obj, plan, netdev);
        return -1;
    }
    return 0;
}

static int
attachLive(vkQemuState *st, vkQemuDomain *obj, const vkDomainDef *def,
           const vkDomainDeviceDef *dev)
{
    vkJSON *args = vkJSONNewObject();

    if (dev->type == VK_DOMAIN_DEVICE_DISK) {
        const vkDomainDiskDef *d = dev->data.disk;
        g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func((GDestroyNotify)vkJSONFree);
        g_autofree char *top = NULL;
        unsigned int index;
        guint added = 0;

        vkJSONFree(args);
        /* the same nodes and device as at start, numbered after the
         * highest node index QEMU has now */
        if ((index = vkQemuBlockNextNodeIndex(st, obj)) == 0 ||
            vkQemuDiskBlockdevs(d, index, nodes, &top) < 0 ||
            !(args = vkQemuDiskDeviceProps(def, d, top)))
            return -1;
        for (; added < nodes->len; added++) {
            if (cmd(st, obj, "blockdev-add", g_steal_pointer(&nodes->pdata[added]), NULL) < 0)
                break;
        }
        if (added < nodes->len)
            vkJSONFree(args);
        else if (cmd(st, obj, "device_add", args, NULL) == 0)
            return 0;
        deleteNodes(st, obj, top ? top : "");
        return -1;
    } else {
        vkDomainNetDef *n = dev->data.net;
        g_autofree char *id = NULL;
        g_autofree char *netdev = NULL;
        g_auto(vkQemuNetPlan) plan = { 0 };
        bool tap = n->type == VK_DOMAIN_NET_TYPE_NETWORK || n->type == VK_DOMAIN_NET_TYPE_BRIDGE;

        vkJSONFree(args);
        if (!(id = findNic(st, obj, NULL)))
            return -1;
        netdev = g_strdup_printf("host%s", id);
        /* the daemon's tap (and port), as at start; QEMU gets the fds
         * through getfd, named after the netdev */
        if (tap && (vkQemuNetPrepareOne(st->root, def, n, &plan) < 0 ||
                    sendTapFds(st, obj, &plan, netdev) < 0))
            return -1;
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "id", netdev);
        if (n->type == VK_DOMAIN_NET_TYPE_USER) {
            vkJSONObjectAppendString(args, "type", "user");
        } else if (tap) {
            g_autofree char *fdName = g_strdup_printf("%s-fd", netdev);

            vkJSONObjectAppendString(args, "type", "tap");
            vkJSONObjectAppendString(args, "fd", fdName);
            if (plan.vhostFds[0] >= 0) {
                g_autofree char *vName = g_strdup_printf("%s-vhostfd", netdev);

                vkJSONObjectAppendBool(args, "vhost", true);
                vkJSONObjectAppendString(args, "vhostfd", vName);
            }
        } else {
            vkJSONObjectAppendString(args, "type", "tap");
            vkJSONObjectAppendString(args, "ifname", n->ifname);
            vkJSONObjectAppendString(args, "script", "no");
            vkJSONObjectAppendString(args, "downscript", "no");
        }
        if (cmd(st, obj, "netdev_add", args, NULL) < 0) {
            if (tap)
                closeTapFds(st, obj, &plan, netdev);
            return -1;
        }
        /* the same device as at start */
        if (!(args = vkQemuNicDeviceProps(def, n, netdev, id)) ||
            cmd(st, obj, "device_add", args, NULL) < 0) {
            args = vkJSONNewObject();
            vkJSONObjectAppendString(args, "id", netdev);
            if (cmd(st, obj, "netdev_del", args, NULL) < 0)
                vkErrorReset();
            return -1;
        }
        /* the live definition owns the port now; our fds close here and
         * QEMU's copies keep the tap for as long as the NIC lives */
        if (tap)
            vkQemuNetApplyOne(n, &plan, 0);
        return 0;
    }
}

static bool
deleted(vkQemuRun *run, const char *id)
{
    for (guint i = 0; i < run->deleted->len; i++) {
        if (strcmp(run->deleted->pdata[i], id) == 0)
            return true;
    }
    return false;
}

/* device_del, then wait for DEVICE_DELETED; job held, locked. */
static int
unplug(vkQemuState *st, vkQemuDomain *obj, const char *id)
{
    vkJSON *args = vkJSONNewObject();
    gint64 deadline = g_get_monotonic_time() + UNPLUG_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    guint64 gen;

    if (!obj->run)
        return vkQemuCheckActive(obj) ? 0 : -1;
    gen = obj->run->gen;
    g_ptr_array_set_size(obj->run->deleted, 0);
    vkJSONObjectAppendString(args, "id", id);
    if (cmd(st, obj, "device_del", args, NULL) < 0)
        return -1;
    while (obj->run && obj->run->gen == gen && !deleted(obj->run, id)) {
        if (!g_cond_wait_until(&st->jobCond, &st->lock, deadline))
            break;
    }
    if (!obj->run || obj->run->gen != gen) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "domain '%s' stopped during the detach",
                      obj->name);
        return -1;
    }
    if (!deleted(obj->run, id)) {
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "the guest of domain '%s' did not release device '%s' within %d ms; "
                      "the unplug request stays pending", obj->name, id, UNPLUG_WAIT_MS);
        return -1;
    }
    return 0;
}

/* What a detach needs to know of the device, copied out of the
 * definition (which a guest exit may replace while we talk to QEMU). */
typedef struct {
    int type;
    guint index;                /* in the live definition's list */
    char dst[64];
    char mac[18];
} liveDevice;

static int
detachLive(vkQemuState *st, vkQemuDomain *obj, const liveDevice *ld)
{
    vkJSON *args;

    if (ld->type == VK_DOMAIN_DEVICE_DISK) {
        g_autofree char *node = diskTopNode(st, obj, ld->dst);

        if (unplug(st, obj, ld->dst) < 0)
            return -1;
        /* -blockdev nodes outlive their device until deleted */
        if (node)
            deleteNodes(st, obj, node);
        return 0;
    } else {
        g_autofree char *id = NULL;
        g_autofree char *path = NULL;
        g_autofree char *netdev = NULL;

        if (!(id = findNic(st, obj, ld->mac)))
            return -1;
        path = g_strdup_printf("/machine/peripheral/%s", id);
        netdev = qomGetString(st, obj, path, "netdev");
        vkErrorReset();
        if (unplug(st, obj, id) < 0)
            return -1;
        if (netdev) {
            args = vkJSONNewObject();
            vkJSONObjectAppendString(args, "id", netdev);
            if (cmd(st, obj, "netdev_del", args, NULL) < 0)
                vkErrorReset();
        }
        return 0;
    }
}

/* Finds the device of def that dev names: a disk by target, an
 * interface by MAC (or the only one of its type when dev has no MAC). */
static bool
findLive(vkQemuDomain *obj, const vkDomainDef *def, const vkDomainDeviceDef *dev,
         liveDevice *out)
{
    GPtrArray *list = def->priv ? def->priv->devs[dev->type] : NULL;
    int found = -1;

    for (guint i = 0; list && i < list->len; i++) {
        if (dev->type == VK_DOMAIN_DEVICE_DISK) {
            if (strcmp(((vkDomainDiskDef *)list->pdata[i])->dst, dev->data.disk->dst) == 0)
                found = i;
        } else {
            const vkDomainNetDef *n = list->pdata[i];

            if (dev->data.net->macGenerated ? n->type == dev->data.net->type && found == -1 :
                memcmp(n->mac, dev->data.net->mac, 6) == 0)
                found = i;
            else if (dev->data.net->macGenerated && n->type == dev->data.net->type)
                found = -2;         /* ambiguous */
        }
    }
    if (found < 0) {
        vkReportError(found == -2 ? VIR_ERR_OPERATION_FAILED : VIR_ERR_DEVICE_MISSING,
                      found == -2 ? "several interfaces of domain '%s' match; give the MAC "
                      "address to choose one" : "domain '%s' has no such device", obj->name);
        return false;
    }
    out->type = dev->type;
    out->index = found;
    if (dev->type == VK_DOMAIN_DEVICE_DISK) {
        const vkDomainDiskDef *d = list->pdata[found];

        if (!isVirtioDisk(d)) {
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                          "disk '%s' of domain '%s' is not a virtio disk: no hot-unplug",
                          d->dst, obj->name);
            return false;
        }
        g_autofree char *alias = vkQemuDiskAlias(def, d);

        g_strlcpy(out->dst, alias, sizeof(out->dst));
    } else {
        vkConfMACFormat(((vkDomainNetDef *)list->pdata[found])->mac, out->mac);
    }
    return true;
}

/* The live half; job held, locked. */
static int
changeLive(vkQemuState *st, vkQemuDomain *obj, const char *xml, bool attach)
{
    g_autoptr(vkDomainDeviceDef) dev = vkDomainDeviceDefParseString(xml, obj->def, 0);
    g_autoptr(vkDomainDef) copy = NULL;
    guint64 gen = obj->run ? obj->run->gen : 0;
    guint index = 0;
    vkDomainNetDef *attachedNet = NULL;     /* in copy */
    int rc;

    if (!dev || liveSupported(obj, dev) < 0)
        return -1;
    copy = vkDomainDefCopy(obj->def);
    if (attach) {
        int type = dev->type;
        GPtrArray *list;
        vkDomainDeviceDef view = { .type = type };
        vkDomainDeviceDef *tmp = g_steal_pointer(&dev);

        if (vkDomainDefAttachDevice(copy, &tmp) < 0) {
            vkDomainDeviceDefFree(tmp);
            return -1;
        }
        list = copy->priv->devs[type];
        view.data.disk = list->pdata[list->len - 1];
        if (assignAddress(copy, &view, true) < 0 || vkQemuValidateLive(copy) < 0)
            return -1;
        rc = attachLive(st, obj, copy, &view);
        if (type == VK_DOMAIN_DEVICE_NET)
            attachedNet = view.data.net;
    } else {
        liveDevice ld = { 0 };

        if (!findLive(obj, obj->def, dev, &ld) || vkDomainDefDetachDevice(copy, dev) < 0)
            return -1;
        index = ld.index;
        rc = detachLive(st, obj, &ld);
    }
    if (rc < 0)
        return -1;
    if (!obj->run || obj->run->gen != gen) {
        /* the run that ended released the ports it knew; not this one */
        if (attachedNet)
            vkQemuNetReleasePort(st->root, attachedNet);
        vkReportError(VIR_ERR_OPERATION_FAILED, "domain '%s' stopped during the device change",
                      obj->name);
        return -1;
    }
    /* a detached NIC's network port goes with it (its tap went with
     * QEMU's netdev) */
    if (!attach && dev->type == VK_DOMAIN_DEVICE_NET)
        vkQemuNetReleasePort(st->root, obj->def->priv->devs[VK_DOMAIN_DEVICE_NET]->pdata[index]);
    copy->id = obj->def->id;
    vkDomainDefFree(obj->def);
    obj->def = g_steal_pointer(&copy);
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
    return 0;
}

/* The persistent half. */
static int
changeConfig(vkQemuState *st, vkQemuDomain *obj, const char *xml, bool attach)
{
    vkDomainDef **target = obj->newDef ? &obj->newDef : &obj->def;
    g_autoptr(vkDomainDeviceDef) dev = vkDomainDeviceDefParseString(xml, *target, 0);
    g_autoptr(vkDomainDef) copy = NULL;

    if (!dev)
        return -1;
    copy = vkDomainDefCopy(*target);
    if (attach) {
        int type = dev->type;
        vkDomainDeviceDef *tmp = g_steal_pointer(&dev);
        vkDomainDeviceDef view = { .type = type };
        GPtrArray *list;

        if (vkDomainDefAttachDevice(copy, &tmp) < 0) {
            vkDomainDeviceDefFree(tmp);
            return -1;
        }
        list = copy->priv->devs[type];
        view.data.disk = list->pdata[list->len - 1];
        if (assignAddress(copy, &view, false) < 0)
            return -1;
    } else if (vkDomainDefDetachDevice(copy, dev) < 0) {
        return -1;
    }
    if (vkQemuValidateDef(copy) < 0 || vkQemuSaveConfig(st, copy) < 0)
        return -1;
    vkDomainDefFree(*target);
    *target = g_steal_pointer(&copy);
    return 0;
}

static int
changeDevice(virDomainPtr dom, const char *xml, unsigned int flags, bool attach)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    bool live, config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (vkQemuAffect(obj, flags, &live, &config) == 0 &&
        (!live || changeLive(st, obj, xml, attach) == 0) &&
        (!config || changeConfig(st, obj, xml, attach) == 0))
        ret = 0;
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

int
vkQemuDomainAttachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    return changeDevice(dom, xml, flags, true);
}

int
vkQemuDomainAttachDevice(virDomainPtr dom, const char *xml)
{
    return changeDevice(dom, xml, VIR_DOMAIN_AFFECT_LIVE, true);
}

int
vkQemuDomainDetachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    return changeDevice(dom, xml, flags, false);
}

int
vkQemuDomainDetachDevice(virDomainPtr dom, const char *xml)
{
    return changeDevice(dom, xml, VIR_DOMAIN_AFFECT_LIVE, false);
}

int
vkQemuUnplugDevice(vkQemuState *st, vkQemuDomain *obj, const char *id)
{
    return unplug(st, obj, id);
}
