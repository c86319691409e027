/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disks as -blockdev nodes and a -device, in libvirt 9.0's shape for
 * QEMU 7.2 (see qemu-blockdev.h).
 *
 * Each image is two nodes: a protocol node "libvirt-N-storage" (file,
 * host_device, host_cdrom, nbd, iscsi, ...) and a format node
 * "libvirt-N-format" (raw, qcow2, ...) on top of it; <backingStore>
 * images hang under the format node as "backing".  <driver> attributes
 * split between the layers as QEMU wants them: cache mode into the nodes'
 * cache.direct/no-flush and the device's write-cache, io into the
 * protocol node, discard/detect_zeroes into the format node,
 * error_policy into the device.
 */
#include <string.h>
#include <stdlib.h>

#include "drivers/qemu/qemu-blockdev.h"
#include "drivers/qemu/command.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

#define unsupported(...) vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, __VA_ARGS__)

static const char *
driverAttr(const vkDomainDiskDef *d, const char *name)
{
    return vkXmlElemGetAttr(d->driverRest, name);
}

static const vkXmlElem *
child(const GPtrArray *list, const char *name)
{
    for (guint i = 0; list && i < list->len; i++) {
        if (strcmp(((vkXmlElem *)list->pdata[i])->name, name) == 0)
            return list->pdata[i];
    }
    return NULL;
}

static const char *
targetAttr(const vkDomainDiskDef *d, const char *name)
{
    for (guint i = 0; d->targetAttrs && i + 1 < d->targetAttrs->len; i += 2) {
        if (strcmp(d->targetAttrs->pdata[i], name) == 0)
            return d->targetAttrs->pdata[i + 1];
    }
    return NULL;
}

static unsigned int
addrNum(const vkXmlElem *addr, const char *name)
{
    const char *v = vkXmlElemGetAttr(addr, name);

    return v ? (unsigned int)g_ascii_strtoull(v, NULL, 0) : 0;
}

/* The index a target name stands for (vda 0, vdb 1, ..., sdaa 26). */
static int
targetIndex(const char *dst)
{
    const char *p = dst;
    int idx = 0;

    while (*p && !(p[0] == 'd' && p[1] >= 'a' && p[1] <= 'z' && p > dst))
        p++;
    if (!*p)
        return 0;
    for (p++; *p >= 'a' && *p <= 'z'; p++)
        idx = idx * 26 + (*p - 'a' + 1);
    return idx > 0 ? idx - 1 : 0;
}

static const char *
scsiControllerModel(const vkDomainDef *def, unsigned int idx)
{
    GPtrArray *a = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER] : NULL;

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainControllerDef *c = a->pdata[i];

        if (g_strcmp0(c->type, "scsi") == 0 && c->idx == (int)idx)
            return c->model;
    }
    return NULL;
}

/* lsi has one bus of 7 targets without LUNs: QEMU addresses it by
 * scsi-id alone, the other models by channel, scsi-id and lun. */
static bool
scsiIsLsi(const vkDomainDef *def, unsigned int ctrl)
{
    const char *model = scsiControllerModel(def, ctrl);

    return !model || strcmp(model, "lsilogic") == 0 || strcmp(model, "lsi") == 0;
}

char *
vkQemuDiskAlias(const vkDomainDef *def, const vkDomainDiskDef *d)
{
    const vkXmlElem *a = d->address;
    bool drive = g_strcmp0(vkXmlElemGetAttr(a, "type"), "drive") == 0;
    const char *bus = d->bus ? d->bus : "";

    if (drive && (strcmp(bus, "ide") == 0 || strcmp(bus, "sata") == 0 ||
                  strcmp(bus, "fdc") == 0))
        return g_strdup_printf("%s%u-%u-%u", strcmp(bus, "fdc") == 0 ? "fdc" : bus,
                               addrNum(a, "controller"), addrNum(a, "bus"),
                               addrNum(a, "unit"));
    if (drive && strcmp(bus, "scsi") == 0) {
        unsigned int ctrl = addrNum(a, "controller");

        if (scsiIsLsi(def, ctrl))
            return g_strdup_printf("scsi%u-%u-%u", ctrl, addrNum(a, "bus"),
                                   addrNum(a, "unit"));
        return g_strdup_printf("scsi%u-%u-%u-%u", ctrl, addrNum(a, "bus"),
                               addrNum(a, "target"), addrNum(a, "unit"));
    }
    return g_strdup_printf("%s-disk%d", bus, targetIndex(d->dst));
}

static bool
isEmpty(const vkDomainDiskDef *d)
{
    return d->type != VK_DOMAIN_DISK_TYPE_NETWORK && !d->src;
}

unsigned int
vkQemuDiskSourceCount(const vkDomainDiskDef *d)
{
    const vkXmlElem *b = child(d->extra, "backingStore");
    unsigned int n;

    if (isEmpty(d))
        return 0;
    for (n = 1; b && b->attrs && b->attrs->len; b = child(b->children, "backingStore"))
        n++;
    return n;
}

/* cache mode -> (direct, no-flush, write-cache) */
static bool
cacheMode(const char *mode, bool *direct, bool *noFlush, bool *wce)
{
    static const struct { const char *name; bool direct, noFlush, wce; } modes[] = {
        { "none", true, false, true },
        { "writeback", false, false, true },
        { "writethrough", false, false, false },
        { "directsync", true, false, false },
        { "unsafe", false, true, true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        if (strcmp(mode, modes[i].name) == 0) {
            *direct = modes[i].direct;
            *noFlush = modes[i].noFlush;
            *wce = modes[i].wce;
            return true;
        }
    }
    return false;
}

static void
addCache(vkJSON *node, const char *mode)
{
    bool direct, noFlush, wce;
    vkJSON *c;

    if (!mode || strcmp(mode, "default") == 0 || !cacheMode(mode, &direct, &noFlush, &wce))
        return;
    c = vkJSONNewObject();
    vkJSONObjectAppendBool(c, "direct", direct);
    vkJSONObjectAppendBool(c, "no-flush", noFlush);
    vkJSONObjectAppend(node, "cache", c);
}

/* gluster's and rbd's "server" array, one entry per <host>. */
static vkJSON *
serverList(const GPtrArray *hosts, bool typed)
{
    vkJSON *list = vkJSONNewArray();

    for (guint i = 0; i < hosts->len; i++) {
        const vkXmlElem *h = hosts->pdata[i];
        vkJSON *srv = vkJSONNewObject();
        bool unixSock = g_strcmp0(vkXmlElemGetAttr(h, "transport"), "unix") == 0;

        if (typed)
            vkJSONObjectAppendString(srv, "type", unixSock ? "unix" : "inet");
        if (unixSock) {
            vkJSONObjectAppendString(srv, "path", vkXmlElemGetAttr(h, "socket") ?: "");
        } else {
            vkJSONObjectAppendString(srv, "host", vkXmlElemGetAttr(h, "name") ?: "");
            if (vkXmlElemGetAttr(h, "port"))
                vkJSONObjectAppendString(srv, "port", vkXmlElemGetAttr(h, "port"));
        }
        vkJSONArrayAppend(list, srv);
    }
    return list;
}

/* The location part of a network disk's protocol node. */
static int
networkProps(vkJSON *node, const vkDomainDiskDef *d, const char *proto,
             const char *name, const GPtrArray *hosts)
{
    const vkXmlElem *h = hosts && hosts->len ? hosts->pdata[0] : NULL;
    const char *hname = vkXmlElemGetAttr(h, "name");
    const char *port = vkXmlElemGetAttr(h, "port");
    const char *transport = vkXmlElemGetAttr(h, "transport");
    const char *socket = vkXmlElemGetAttr(h, "socket");

    if (strcmp(proto, "nbd") == 0) {
        vkJSON *srv = vkJSONNewObject();

        if (g_strcmp0(transport, "unix") == 0) {
            vkJSONObjectAppendString(srv, "type", "unix");
            vkJSONObjectAppendString(srv, "path", socket ? socket : "");
        } else {
            vkJSONObjectAppendString(srv, "type", "inet");
            vkJSONObjectAppendString(srv, "host", hname ? hname : "");
            vkJSONObjectAppendString(srv, "port", port ? port : "10809");
        }
        vkJSONObjectAppend(node, "server", srv);
        if (name)
            vkJSONObjectAppendString(node, "export", name);
        return 0;
    }
    if (strcmp(proto, "http") == 0 || strcmp(proto, "https") == 0 ||
        strcmp(proto, "ftp") == 0 || strcmp(proto, "ftps") == 0) {
        static const char *const defPort[][2] = {
            { "http", "80" }, { "https", "443" }, { "ftp", "21" }, { "ftps", "990" },
        };
        const char *p = port;
        g_autofree char *url = NULL;

        for (size_t i = 0; !p && i < G_N_ELEMENTS(defPort); i++) {
            if (strcmp(proto, defPort[i][0]) == 0)
                p = defPort[i][1];
        }
        url = g_strdup_printf("%s://%s:%s%s%s", proto, hname ? hname : "", p,
                              name && name[0] == '/' ? "" : "/", name ? name : "");
        vkJSONObjectAppendString(node, "url", url);
        return 0;
    }
    if (strcmp(proto, "iscsi") == 0) {
        g_autofree char *target = g_strdup(name ? name : "");
        char *slash = strrchr(target, '/');
        g_autofree char *portal = g_strdup_printf("%s:%s", hname ? hname : "",
                                                  port ? port : "3260");

        vkJSONObjectAppendString(node, "portal", portal);
        if (slash)
            *slash = '\0';
        vkJSONObjectAppendString(node, "target", target);
        vkJSONObjectAppendInt(node, "lun", slash ? atoi(slash + 1) : 0);
        vkJSONObjectAppendString(node, "transport", "tcp");
        return 0;
    }
    if (strcmp(proto, "gluster") == 0 || strcmp(proto, "rbd") == 0) {
        g_autofree char *pool = g_strdup(name ? name : "");
        char *slash = strchr(pool, '/');
        const char *snap = vkXmlElemGetAttr(child(d->srcRest ? d->srcRest->children : NULL,
                                                  "snapshot"), "name");
        bool gluster = strcmp(proto, "gluster") == 0;

        if (slash)
            *slash = '\0';
        vkJSONObjectAppendString(node, gluster ? "volume" : "pool", pool);
        vkJSONObjectAppendString(node, gluster ? "path" : "image", slash ? slash + 1 : "");
        if (snap && !gluster)
            vkJSONObjectAppendString(node, "snapshot", snap);
        if (hosts && hosts->len)
            vkJSONObjectAppend(node, "server", serverList(hosts, gluster));
        if (gluster)
            vkJSONObjectAppendInt(node, "debug", 4);
        return 0;
    }
    if (strcmp(proto, "nfs") == 0 || strcmp(proto, "ssh") == 0) {
        vkJSON *srv = vkJSONNewObject();

        vkJSONObjectAppendString(srv, "host", hname ? hname : "");
        if (strcmp(proto, "nfs") == 0)
            vkJSONObjectAppendString(srv, "type", "inet");
        else
            vkJSONObjectAppendString(srv, "port", port ? port : "22");
        if (strcmp(proto, "ssh") == 0)
            vkJSONObjectAppendString(node, "path", name ? name : "");
        vkJSONObjectAppend(node, "server", srv);
        if (strcmp(proto, "nfs") == 0)
            vkJSONObjectAppendString(node, "path", name ? name : "");
        return 0;
    }
    unsupported("network disk protocol '%s' of disk '%s' (QEMU 7.2 here opens nbd, "
                "iscsi, http(s), ftp(s), rbd, gluster, nfs and ssh)", proto, d->dst);
    return -1;
}

/* One image: protocol node then format node, appended to nodes. */
static int
imageNodes(const vkDomainDiskDef *d, int type, const char *src, const char *proto,
           const GPtrArray *hosts, const char *format, unsigned int index,
           bool readonly, const char *backing, GPtrArray *nodes)
{
    g_autoptr(vkJSON) st = vkJSONNewObject();
    g_autoptr(vkJSON) fmt = vkJSONNewObject();
    g_autofree char *stName = g_strdup_printf("libvirt-%u-storage", index);
    g_autofree char *fmtName = g_strdup_printf("libvirt-%u-format", index);
    const char *io = driverAttr(d, "io");
    const char *discard = driverAttr(d, "discard");
    const char *zeroes = driverAttr(d, "detect_zeroes");

    switch (type) {
    case VK_DOMAIN_DISK_TYPE_FILE:
    case VK_DOMAIN_DISK_TYPE_VOLUME:
        vkJSONObjectAppendString(st, "driver", "file");
        vkJSONObjectAppendString(st, "filename", src);
        break;
    case VK_DOMAIN_DISK_TYPE_BLOCK:
        vkJSONObjectAppendString(st, "driver",
                                 d->device == VK_DOMAIN_DISK_DEVICE_CDROM ?
                                 "host_cdrom" : "host_device");
        vkJSONObjectAppendString(st, "filename", src);
        break;
    case VK_DOMAIN_DISK_TYPE_DIR:
        /* a host directory shown as a FAT image, read-only */
        vkJSONObjectAppendString(st, "driver", "vvfat");
        vkJSONObjectAppendString(st, "dir", src);
        vkJSONObjectAppendBool(st, "floppy", d->device == VK_DOMAIN_DISK_DEVICE_FLOPPY);
        vkJSONObjectAppendBool(st, "rw", false);
        break;
    case VK_DOMAIN_DISK_TYPE_NETWORK:
        vkJSONObjectAppendString(st, "driver", proto);
        if (networkProps(st, d, proto, src, hosts) < 0)
            return -1;
        break;
    default:
        unsupported("disk type '%s' of disk '%s'", vkDomainDiskTypeTable[type], d->dst);
        return -1;
    }
    if (io && type != VK_DOMAIN_DISK_TYPE_NETWORK && strcmp(io, "default") != 0)
        vkJSONObjectAppendString(st, "aio", io);
    vkJSONObjectAppendString(st, "node-name", stName);
    addCache(st, d->driverCache);
    vkJSONObjectAppendBool(st, "auto-read-only", true);
    vkJSONObjectAppendString(st, "discard", "unmap");

    vkJSONObjectAppendString(fmt, "node-name", fmtName);
    vkJSONObjectAppendBool(fmt, "read-only", readonly);
    addCache(fmt, d->driverCache);
    if (discard && strcmp(discard, "default") != 0)
        vkJSONObjectAppendString(fmt, "discard", discard);
    if (zeroes && strcmp(zeroes, "default") != 0)
        vkJSONObjectAppendString(fmt, "detect-zeroes",
                                 strcmp(zeroes, "unmap") == 0 &&
                                 g_strcmp0(discard, "unmap") != 0 ? "on" : zeroes);
    vkJSONObjectAppendString(fmt, "driver", format);
    vkJSONObjectAppendString(fmt, "file", stName);
    if (backing)
        vkJSONObjectAppendString(fmt, "backing", backing);
    g_ptr_array_add(nodes, g_steal_pointer(&st));
    g_ptr_array_add(nodes, g_steal_pointer(&fmt));
    return 0;
}

/* The image formats this QEMU opens (-drive format=help); luks needs the
 * <encryption> secrets virtkit does not handle yet. */
static bool
formatKnown(const char *f)
{
    static const char *const known[] = {
        "raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "parallels",
        "bochs", "cloop", "dmg", NULL
    };

    return g_strv_contains(known, f);
}

/* The images under d, top first (<backingStore> elements with a type). */
static GPtrArray *
backingChain(const vkDomainDiskDef *d)
{
    GPtrArray *chain = g_ptr_array_new();
    const vkXmlElem *b = child(d->extra, "backingStore");

    for (; b && vkXmlElemGetAttr(b, "type"); b = child(b->children, "backingStore"))
        g_ptr_array_add(chain, (gpointer)b);
    return chain;
}

static int
backingNodes(const vkDomainDiskDef *d, const vkXmlElem *b, unsigned int index,
             const char *below, GPtrArray *nodes)
{
    const char *type = vkXmlElemGetAttr(b, "type");
    const vkXmlElem *src = child(b->children, "source");
    const char *format = vkXmlElemGetAttr(child(b->children, "format"), "type");
    int t = g_strcmp0(type, "file") == 0 ? VK_DOMAIN_DISK_TYPE_FILE :
            g_strcmp0(type, "block") == 0 ? VK_DOMAIN_DISK_TYPE_BLOCK : -1;
    const char *path = vkXmlElemGetAttr(src, t == VK_DOMAIN_DISK_TYPE_FILE ? "file" : "dev");

    if (t < 0 || !path) {
        unsupported("<backingStore type='%s'> of disk '%s' (only file and block images "
                    "with a <source>)", type, d->dst);
        return -1;
    }
    if (!format || !formatKnown(format)) {
        unsupported("<backingStore> of disk '%s' needs a <format type=''> QEMU knows",
                    d->dst);
        return -1;
    }
    return imageNodes(d, t, path, NULL, NULL, format, index, true, below, nodes);
}

int
vkQemuDiskBlockdevs(const vkDomainDiskDef *d, unsigned int index,
                    GPtrArray *nodes, char **top)
{
    g_autoptr(GPtrArray) chain = NULL;
    const char *format = d->driverType ? d->driverType : "raw";
    const char *cor = driverAttr(d, "copy_on_read");
    g_autofree char *below = NULL;
    bool ro = d->readonly || d->device == VK_DOMAIN_DISK_DEVICE_CDROM;

    *top = NULL;
    if (d->type == VK_DOMAIN_DISK_TYPE_DIR) {
        if (strcmp(format, "fat") != 0) {
            unsupported("storage type 'dir' requires use of storage format 'fat'");
            return -1;
        }
        format = "raw";
        ro = true;
    }
    if (isEmpty(d))
        return 0;
    if (!formatKnown(format)) {
        unsupported("disk format '%s' of disk '%s'", format, d->dst);
        return -1;
    }
    chain = backingChain(d);
    for (guint i = chain->len; i > 0; i--) {
        if (backingNodes(d, chain->pdata[i - 1], index + i, below, nodes) < 0)
            return -1;
        g_free(below);
        below = g_strdup_printf("libvirt-%u-format", index + i);
    }
    if (imageNodes(d, d->type, d->src, d->srcProtocol, d->srcHosts, format, index, ro,
                   below, nodes) < 0)
        return -1;
    *top = g_strdup_printf("libvirt-%u-format", index);
    if (g_strcmp0(cor, "on") == 0) {
        vkJSON *c = vkJSONNewObject();
        g_autofree char *name = g_strdup_printf("libvirt-CoR-%s", d->dst);

        vkJSONObjectAppendString(c, "driver", "copy-on-read");
        vkJSONObjectAppendString(c, "node-name", name);
        vkJSONObjectAppendString(c, "file", *top);
        vkJSONObjectAppendString(c, "discard", "unmap");
        g_ptr_array_add(nodes, c);
        g_free(*top);
        *top = g_steal_pointer(&name);
    }
    return 0;
}

void
vkQemuPropUInt(vkJSON *props, const char *key, const vkXmlElem *e, const char *attr)
{
    const char *v = vkXmlElemGetAttr(e, attr);

    if (v)
        vkJSONObjectAppend(props, key, vkJSONNewUInt(g_ascii_strtoull(v, NULL, 10)));
}

/* The bus-specific head of the device: driver and where it plugs in. */
static int
deviceHead(vkJSON *props, const vkDomainDef *def, const vkDomainDiskDef *d)
{
    const char *bus = d->bus ? d->bus : "";
    const vkXmlElem *a = d->address;
    bool cdrom = d->device == VK_DOMAIN_DISK_DEVICE_CDROM;
    bool lun = d->device == VK_DOMAIN_DISK_DEVICE_LUN;

    if (lun && strcmp(bus, "scsi") != 0) {
        unsupported("disk device 'lun' of disk '%s' needs bus 'scsi'", d->dst);
        return -1;
    }
    if (vkXmlPairGet(d->attrs, "model") && strcmp(bus, "virtio") != 0) {
        unsupported("disk model '%s' of disk '%s' on bus '%s'",
                    vkXmlPairGet(d->attrs, "model"), d->dst, bus);
        return -1;
    }
    if (strcmp(bus, "virtio") == 0) {
        const char *iothread = driverAttr(d, "iothread");

        if (cdrom || d->device == VK_DOMAIN_DISK_DEVICE_FLOPPY) {
            unsupported("disk device '%s' of disk '%s' on bus 'virtio'",
                        vkDomainDiskDeviceTable[d->device], d->dst);
            return -1;
        }
        const char *model = vkXmlPairGet(d->attrs, "model");

        if (model && strcmp(model, "virtio") != 0 && strcmp(model, "virtio-transitional") != 0 &&
            strcmp(model, "virtio-non-transitional") != 0) {
            unsupported("disk model '%s' of disk '%s'", model, d->dst);
            return -1;
        }
        vkJSONObjectAppendString(props, "driver",
                                 g_strcmp0(model, "virtio-transitional") == 0 ?
                                 "virtio-blk-pci-transitional" :
                                 g_strcmp0(model, "virtio-non-transitional") == 0 ?
                                 "virtio-blk-pci-non-transitional" : "virtio-blk-pci");
        if (driverAttr(d, "ioeventfd"))
            vkJSONObjectAppendBool(props, "ioeventfd",
                                   strcmp(driverAttr(d, "ioeventfd"), "on") == 0);
        if (driverAttr(d, "event_idx"))
            vkJSONObjectAppendBool(props, "event_idx",
                                   strcmp(driverAttr(d, "event_idx"), "on") == 0);
        if (iothread) {
            g_autofree char *io = g_strdup_printf("iothread%s", iothread);
            vkJSONObjectAppendString(props, "iothread", io);
        }
        vkQemuPropUInt(props, "num-queues", d->driverRest, "queues");
        vkQemuPropUInt(props, "queue-size", d->driverRest, "queue_size");
        vkQemuPCIAddressProps(props, def, a);
    } else if (strcmp(bus, "ide") == 0 || strcmp(bus, "sata") == 0) {
        vkJSONObjectAppendString(props, "driver", cdrom ? "ide-cd" : "ide-hd");
        if (strcmp(bus, "ide") == 0) {
            g_autofree char *b = g_strdup_printf("ide.%u", addrNum(a, "bus"));

            vkJSONObjectAppendString(props, "bus", b);
            vkJSONObjectAppendInt(props, "unit", addrNum(a, "unit"));
        } else {
            unsigned int ctrl = addrNum(a, "controller");
            g_autofree char *b = vkQemuSataIsBuiltin(def, ctrl) ?
                g_strdup_printf("ide.%u", addrNum(a, "unit")) :
                g_strdup_printf("sata%u.%u", ctrl, addrNum(a, "unit"));

            vkJSONObjectAppendString(props, "bus", b);
        }
    } else if (strcmp(bus, "scsi") == 0) {
        unsigned int ctrl = addrNum(a, "controller");
        g_autofree char *b = g_strdup_printf("scsi%u.0", ctrl);

        vkJSONObjectAppendString(props, "driver", lun ? "scsi-block" :
                                 cdrom ? "scsi-cd" : "scsi-hd");
        vkJSONObjectAppendString(props, "bus", b);
        if (scsiIsLsi(def, ctrl)) {
            vkJSONObjectAppendInt(props, "scsi-id", addrNum(a, "unit"));
        } else {
            vkJSONObjectAppendInt(props, "channel", addrNum(a, "bus"));
            vkJSONObjectAppendInt(props, "scsi-id", addrNum(a, "target"));
            vkJSONObjectAppendInt(props, "lun", addrNum(a, "unit"));
        }
    } else if (strcmp(bus, "usb") == 0) {
        const char *port = vkXmlElemGetAttr(a, "port");

        vkJSONObjectAppendString(props, "driver", "usb-storage");
        if (g_strcmp0(vkXmlElemGetAttr(a, "type"), "usb") == 0) {
            g_autofree char *b = g_strdup_printf("usb.%u", addrNum(a, "bus"));
            vkJSONObjectAppendString(props, "bus", b);
            if (port)
                vkJSONObjectAppendString(props, "port", port);
        }
    } else if (strcmp(bus, "fdc") == 0) {
        if (d->device != VK_DOMAIN_DISK_DEVICE_FLOPPY || addrNum(a, "unit") > 1) {
            unsupported("disk '%s' on bus 'fdc' (floppies only, units 0 and 1)", d->dst);
            return -1;
        }
        vkJSONObjectAppendString(props, "driver", "floppy");
        vkJSONObjectAppendInt(props, "unit", addrNum(a, "unit"));
    } else {
        unsupported("disk bus '%s' of disk '%s' (virtio, ide, sata, scsi, usb and fdc "
                    "on x86 QEMU)", bus, d->dst);
        return -1;
    }
    return 0;
}

vkJSON *
vkQemuDiskDeviceProps(const vkDomainDef *def, const vkDomainDiskDef *d, const char *top)
{
    g_autoptr(vkJSON) props = vkJSONNewObject();
    g_autofree char *alias = vkQemuDiskAlias(def, d);
    const char *bus = d->bus ? d->bus : "";
    const vkXmlElem *blockio = child(d->extra, "blockio");
    const vkXmlElem *geometry = child(d->extra, "geometry");
    const vkXmlElem *wwn = child(d->extra, "wwn");
    const vkXmlElem *vendor = child(d->extra, "vendor");
    const vkXmlElem *product = child(d->extra, "product");
    const char *removable = targetAttr(d, "removable");
    const char *rotation = targetAttr(d, "rotation_rate");
    const char *policy = driverAttr(d, "error_policy");
    const char *rpolicy = driverAttr(d, "rerror_policy");
    bool direct, noFlush, wce;

    if (deviceHead(props, def, d) < 0)
        return NULL;
    if (strcmp(bus, "scsi") == 0 && d->device != VK_DOMAIN_DISK_DEVICE_LUN) {
        g_autofree char *devid = g_strdup_printf("drive-%s", alias);
        vkJSONObjectAppendString(props, "device_id", d->serial ? d->serial : devid);
    }
    if (d->shareable)
        vkJSONObjectAppendBool(props, "share-rw", true);
    if (top)
        vkJSONObjectAppendString(props, "drive", top);
    vkJSONObjectAppendString(props, "id", alias);
    if (d->bootIndex)
        vkJSONObjectAppendInt(props, "bootindex", d->bootIndex);
    vkQemuPropUInt(props, "logical_block_size", blockio, "logical_block_size");
    vkQemuPropUInt(props, "physical_block_size", blockio, "physical_block_size");
    if (wwn && wwn->text)
        vkJSONObjectAppend(props, "wwn", vkJSONNewUInt(g_ascii_strtoull(wwn->text, NULL, 16)));
    if (rotation)
        vkJSONObjectAppend(props, "rotation_rate",
                           vkJSONNewUInt(g_ascii_strtoull(rotation, NULL, 10)));
    if (vendor && vendor->text)
        vkJSONObjectAppendString(props, "vendor", vendor->text);
    if (product && product->text)
        vkJSONObjectAppendString(props, "product", product->text);
    if (strcmp(bus, "usb") == 0)
        vkJSONObjectAppendBool(props, "removable", g_strcmp0(removable, "on") == 0);
    if (d->driverCache && strcmp(bus, "fdc") != 0 &&
        d->device != VK_DOMAIN_DISK_DEVICE_LUN &&
        cacheMode(d->driverCache, &direct, &noFlush, &wce))
        vkJSONObjectAppendString(props, "write-cache", wce ? "on" : "off");
    vkQemuPropUInt(props, "cyls", geometry, "cyls");
    vkQemuPropUInt(props, "heads", geometry, "heads");
    vkQemuPropUInt(props, "secs", geometry, "secs");
    if (vkXmlElemGetAttr(geometry, "trans"))
        vkJSONObjectAppendString(props, "bios-chs-trans", vkXmlElemGetAttr(geometry, "trans"));
    if (d->serial)
        vkJSONObjectAppendString(props, "serial", d->serial);
    if (policy && strcmp(policy, "default") != 0)
        vkJSONObjectAppendString(props, "werror",
                                 strcmp(policy, "enospace") == 0 ? "enospc" : policy);
    if ((rpolicy && strcmp(rpolicy, "default") != 0) ||
        (!rpolicy && policy && strcmp(policy, "enospace") != 0 && strcmp(policy, "default") != 0))
        vkJSONObjectAppendString(props, "rerror", rpolicy ? rpolicy : policy);
    return g_steal_pointer(&props);
}
