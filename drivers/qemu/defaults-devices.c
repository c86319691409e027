/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: controllers, buses and device
 * addresses, as libvirt 9.0 fills them for x86 machines.
 *
 * Runs after every other default so it sees every device: first the
 * machine's implicit controllers (USB, SATA on q35, the PCI root) go in
 * front of those the generic defaults added for disks, as libvirt orders
 * them; then controller models, the default memballoon, the
 * virtio-serial controller channels need; then USB ports and
 * virtio-serial ports; last the PCI slots (qemu-pci.c), which must see
 * every device including those added here.
 */
#include <string.h>

#include "drivers/qemu/defaults-priv.h"
#include "drivers/qemu/qemu-pci.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static bool
isQ35(const vkDomainDef *def)
{
    return def->osMachine && strstr(def->osMachine, "q35");
}

static vkDomainControllerDef *
findController(vkDomainDef *def, const char *type, int idx)
{
    GPtrArray *c = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);

    for (guint i = 0; i < c->len; i++) {
        vkDomainControllerDef *ct = c->pdata[i];
        if (strcmp(ct->type, type) == 0 && (idx < 0 || ct->idx == idx))
            return ct;
    }
    return NULL;
}

static vkDomainControllerDef *
newController(const char *type, int idx, const char *model)
{
    vkDomainControllerDef *ct = g_new0(vkDomainControllerDef, 1);

    ct->type = g_strdup(type);
    ct->idx = idx;
    ct->model = g_strdup(model);
    return ct;
}

/* The machine's own controllers, in libvirt's order, ahead of the ones
 * the generic defaults implied from disks. */
static void
implicitControllers(vkDomainDef *def)
{
    GPtrArray *c = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    bool q35 = isQ35(def);
    guint at = c->len;
    vkDomainControllerDef *sata = NULL;

    for (guint i = 0; i < c->len; i++) {
        if (((vkDomainControllerDef *)c->pdata[i])->implicit) {
            at = i;
            break;
        }
    }
    bool addSata = q35 && (!(sata = findController(def, "sata", 0)) || sata->implicit);

    /* a SATA controller only a disk implied moves to the machine's place */
    if (addSata && sata) {
        guint pos;
        if (g_ptr_array_find(c, sata, &pos)) {
            g_ptr_array_steal_index(c, pos);
            if (pos < at)
                at--;
            if (at > c->len)
                at = c->len;
        }
    }
    if (!findController(def, "usb", -1))
        g_ptr_array_insert(c, (gint)at++, newController("usb", 0, q35 ? "qemu-xhci" : "piix3-uhci"));
    if (addSata)
        g_ptr_array_insert(c, (gint)at++, sata ? sata : newController("sata", 0, NULL));
    if (!findController(def, "pci", 0))
        g_ptr_array_insert(c, (gint)at++, newController("pci", 0, q35 ? "pcie-root" : "pci-root"));
}

static void
setMaster(vkDomainControllerDef *ct, int startport)
{
    vkXmlElem *m;
    char v[8];

    for (guint i = 0; ct->extra && i < ct->extra->len; i++) {
        if (strcmp(((vkXmlElem *)ct->extra->pdata[i])->name, "master") == 0)
            return;
    }
    m = g_new0(vkXmlElem, 1);
    m->name = g_strdup("master");
    g_snprintf(v, sizeof(v), "%d", startport);
    vkXmlElemSetAttr(m, "startport", v);
    if (!ct->extra)
        ct->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_insert(ct->extra, 0, m);
}

static int
controllerModels(vkDomainDef *def)
{
    GPtrArray *c = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    bool q35 = isQ35(def);

    for (guint i = 0; i < c->len; i++) {
        vkDomainControllerDef *ct = c->pdata[i];

        /* libvirt: a USB controller given without a model is piix3-uhci
         * on any x86 machine (only the implicit q35 one is qemu-xhci) */
        if (strcmp(ct->type, "usb") == 0 && !ct->model)
            ct->model = g_strdup("piix3-uhci");
        else if (strcmp(ct->type, "scsi") == 0 && !ct->model)
            ct->model = g_strdup("lsilogic");
        else if (strcmp(ct->type, "pci") == 0 && ct->idx == 0 && !ct->model)
            ct->model = g_strdup(q35 ? "pcie-root" : "pci-root");
        if (strcmp(ct->type, "usb") == 0 && ct->model && g_str_has_prefix(ct->model, "ich9-uhci") &&
            ct->model[9] >= '1' && ct->model[9] <= '3')
            setMaster(ct, (ct->model[9] - '1') * 2);
        if (strcmp(ct->type, "pci") == 0 && ct->idx == 0 &&
            strcmp(ct->model, q35 ? "pcie-root" : "pci-root") != 0) {
            vkReportError(VIR_ERR_XML_ERROR,
                          "The PCI controller with index='0' must be model='%s' for this "
                          "machine type, but model='%s' was found instead",
                          q35 ? "pcie-root" : "pci-root", ct->model);
            return -1;
        }
    }
    return 0;
}

static bool
hasOther(vkDomainDef *def, const char *name)
{
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; i < o->len; i++) {
        if (strcmp(((vkXmlElem *)o->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

static void
defaultBalloon(vkDomainDef *def)
{
    vkXmlElem *b;

    if (hasOther(def, "memballoon"))
        return;
    b = g_new0(vkXmlElem, 1);
    b->name = g_strdup("memballoon");
    vkXmlElemSetAttr(b, "model", "virtio");
    g_ptr_array_add(vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER), b);
}

/* libvirt writes the watchdog's default action out. */
static void
watchdogAction(vkDomainDef *def)
{
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; i < o->len; i++) {
        vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "watchdog") == 0 && !vkXmlElemGetAttr(e, "action"))
            vkXmlElemSetAttr(e, "action", "reset");
    }
}

/* libvirt's <shmem> defaults: 4 MiB for ivshmem-plain, ioeventfd on
 * for ivshmem-doorbell's interrupts. */
static void
shmemDefaults(vkDomainDef *def)
{
    static const char *const order[] = { "model", "size", "server", "msi", "address", NULL };
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; i < o->len; i++) {
        vkXmlElem *e = o->pdata[i];
        vkXmlElem *model = NULL, *size = NULL, *msi = NULL;
        const char *type;

        if (strcmp(e->name, "shmem") != 0)
            continue;
        for (guint c = 0; e->children && c < e->children->len; c++) {
            vkXmlElem *ch = e->children->pdata[c];
            if (strcmp(ch->name, "model") == 0)
                model = ch;
            else if (strcmp(ch->name, "size") == 0)
                size = ch;
            else if (strcmp(ch->name, "msi") == 0)
                msi = ch;
        }
        type = model ? vkXmlElemGetAttr(model, "type") : NULL;
        if (!e->children)
            e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        if (g_strcmp0(type, "ivshmem-plain") == 0 && !size) {
            size = g_new0(vkXmlElem, 1);
            size->name = g_strdup("size");
            size->text = g_strdup("4");
            vkXmlElemSetAttr(size, "unit", "M");
            g_ptr_array_add(e->children, size);
        } else if (g_strcmp0(type, "ivshmem-doorbell") == 0) {
            if (!msi) {
                msi = g_new0(vkXmlElem, 1);
                msi->name = g_strdup("msi");
                g_ptr_array_add(e->children, msi);
            }
            if (!vkXmlElemGetAttr(msi, "ioeventfd"))
                vkXmlElemSetAttr(msi, "ioeventfd", "on");
        }
        vkXmlElemSortChildren(e, order);
    }
}

static vkXmlElem *
newAddress(const char *type, const char *const *kv)
{
    vkXmlElem *a = g_new0(vkXmlElem, 1);

    a->name = g_strdup("address");
    vkXmlElemSetAttr(a, "type", type);
    for (; kv[0]; kv += 2)
        vkXmlElemSetAttr(a, kv[0], kv[1]);
    return a;
}

static vkXmlElem **
otherAddressSlot(vkXmlElem *e)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        if (strcmp(((vkXmlElem *)e->children->pdata[i])->name, "address") == 0)
            return (vkXmlElem **)&e->children->pdata[i];
    }
    return NULL;
}

static void
otherSetAddress(vkXmlElem *e, vkXmlElem *addr)
{
    if (!e->children)
        e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(e->children, addr);
}

/* ---- virtio-serial ports: channels count from 1 (0 is the console's) ---- */

static bool
chrIsVirtio(const vkDomainChrDef *c)
{
    return (c->kind == VK_DOMAIN_CHR_CHANNEL || c->kind == VK_DOMAIN_CHR_CONSOLE) &&
           g_strcmp0(vkXmlElemGetAttr(c->target, "type"), "virtio") == 0;
}

/* The controller and port a channel's virtio-serial address names;
 * port 0 (or none) means "pick one": it is the console's. */
static bool
vioserAddr(const vkDomainChrDef *c, guint *ctrl, guint *port)
{
    const char *v;

    if (!c->address || g_strcmp0(vkXmlElemGetAttr(c->address, "type"), "virtio-serial") != 0)
        return false;
    v = vkXmlElemGetAttr(c->address, "controller");
    *ctrl = v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
    v = vkXmlElemGetAttr(c->address, "port");
    *port = v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
    return true;
}

#define VIOSER_KEY(ctrl, port) GUINT_TO_POINTER(((ctrl) << 16) | (port))

/* The virtio-serial controller idx, added when missing (libvirt adds the
 * ones addresses name, and new ones when the others are full). */
static vkDomainControllerDef *
vioserController(vkDomainDef *def, guint idx)
{
    vkDomainControllerDef *ct = findController(def, "virtio-serial", (int)idx);

    if (!ct) {
        ct = newController("virtio-serial", (int)idx, NULL);
        g_ptr_array_add(vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER), ct);
    }
    return ct;
}

/* Ports a controller offers channels: 1 .. ports-1 (QEMU's default 31). */
static guint
vioserCapacity(const vkDomainControllerDef *ct)
{
    for (guint i = 0; ct->attrs && i + 1 < ct->attrs->len; i += 2) {
        if (strcmp(ct->attrs->pdata[i], "ports") == 0)
            return (guint)g_ascii_strtoull(ct->attrs->pdata[i + 1], NULL, 10);
    }
    return 31;
}

static void
virtioSerial(vkDomainDef *def)
{
    GPtrArray *chrs = vkDomainDevList(def, VK_DOMAIN_DEVICE_CHR);
    g_autoptr(GHashTable) used = g_hash_table_new(g_direct_hash, g_direct_equal);

    for (guint i = 0; i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];
        guint ctrl, port;

        if (!chrIsVirtio(c))
            continue;
        if (vioserAddr(c, &ctrl, &port)) {
            vioserController(def, ctrl);
            if (port)
                g_hash_table_add(used, VIOSER_KEY(ctrl, port));
        }
    }
    for (guint i = 0; i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];
        guint ctrl = 0, port = 0, next = 1;
        bool pinned = false;
        char cs[16], ps[16];

        if (!chrIsVirtio(c) || c->kind != VK_DOMAIN_CHR_CHANNEL)
            continue;
        if (c->address) {
            if (!vioserAddr(c, &ctrl, &port) || port)
                continue;
            pinned = true;           /* its controller, any free port */
        }
        for (;;) {
            vkDomainControllerDef *ct = vioserController(def, ctrl);

            next = 1;
            while (g_hash_table_contains(used, VIOSER_KEY(ctrl, next)))
                next++;
            if (pinned || next < vioserCapacity(ct))
                break;
            ctrl++;                  /* full: the next controller */
        }
        g_hash_table_add(used, VIOSER_KEY(ctrl, next));
        g_snprintf(cs, sizeof(cs), "%u", ctrl);
        g_snprintf(ps, sizeof(ps), "%u", next);
        vkXmlElemFree(c->address);
        c->address = newAddress("virtio-serial", (const char *const[]){
            "controller", cs, "bus", "0", "port", ps, NULL });
    }
    /* a virtio console alone still needs its bus */
    for (guint i = 0; i < chrs->len; i++) {
        if (chrIsVirtio(chrs->pdata[i])) {
            if (!findController(def, "virtio-serial", -1))
                vioserController(def, 0);
            break;
        }
    }
}

/* ---- USB ports on the first controller, in libvirt's order ----
 *
 * Ports are numbered from 1 on the controller's root hub; when the
 * devices outnumber its ports libvirt adds a usb-hub at port 1 and,
 * once the root ports are taken, fills the hub's ("1.1", "1.2", ...). */

#define HUB_PORTS 8

typedef struct {
    GHashTable *used;          /* port strings taken */
    unsigned int rootPorts;
    bool hub;                  /* a hub sits at port 1 */
} usbPorts;

static unsigned int
usbRootPorts(const vkDomainControllerDef *usb)
{
    const char *m = usb->model ? usb->model : "";

    for (guint i = 0; usb->attrs && i + 1 < usb->attrs->len; i += 2) {
        if (strcmp(usb->attrs->pdata[i], "ports") == 0)
            return (unsigned int)g_ascii_strtoull(usb->attrs->pdata[i + 1], NULL, 10);
    }
    if (strstr(m, "xhci"))
        return 4;
    if (strcmp(m, "ich9-ehci1") == 0)
        return 6;
    return 2;
}

static vkXmlElem *
usbNext(usbPorts *u)
{
    char p[16];

    for (unsigned int i = 1; i <= u->rootPorts; i++) {
        g_snprintf(p, sizeof(p), "%u", i);
        if (!g_hash_table_contains(u->used, p))
            goto found;
    }
    for (unsigned int i = 1; u->hub && i <= HUB_PORTS; i++) {
        g_snprintf(p, sizeof(p), "1.%u", i);
        if (!g_hash_table_contains(u->used, p))
            goto found;
    }
    return NULL;       /* QEMU refuses the device at start, naming it */
 found:
    g_hash_table_add(u->used, g_strdup(p));
    return newAddress("usb", (const char *const[]){ "bus", "0", "port", p, NULL });
}

static void
usbTake(usbPorts *u, const vkXmlElem *a, unsigned int *n)
{
    const char *port = a ? vkXmlElemGetAttr(a, "port") : NULL;

    if (!a)
        (*n)++;
    if (port && g_strcmp0(vkXmlElemGetAttr(a, "type"), "usb") == 0)
        g_hash_table_add(u->used, g_strdup(port));
}

static bool
otherOnUsb(const vkXmlElem *e)
{
    return (strcmp(e->name, "redirdev") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "bus"), "usb") == 0) ||
           (strcmp(e->name, "hub") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") == 0) ||
           (strcmp(e->name, "sound") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "model"), "usb") == 0) ||
           (strcmp(e->name, "hostdev") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "mode"), "capabilities") != 0);
}

static void
usbAddresses(vkDomainDef *def)
{
    vkDomainControllerDef *usb = findController(def, "usb", 0);
    GPtrArray *disks = vkDomainDevList(def, VK_DOMAIN_DEVICE_DISK);
    GPtrArray *inputs = vkDomainDevList(def, VK_DOMAIN_DEVICE_INPUT);
    GPtrArray *ctrls = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    GPtrArray *others = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    usbPorts u = { used, 0, false };
    unsigned int n = 0;
    bool haveHub = false;

    if (!usb || g_strcmp0(usb->model, "none") == 0)
        return;
    u.rootPorts = usbRootPorts(usb);
    for (guint i = 0; i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];
        if (g_strcmp0(d->bus, "usb") == 0)
            usbTake(&u, d->address, &n);
    }
    for (guint i = 0; i < inputs->len; i++) {
        vkDomainInputDef *in = inputs->pdata[i];
        if (g_strcmp0(in->bus, "usb") == 0)
            usbTake(&u, in->address, &n);
    }
    for (guint i = 0; i < ctrls->len; i++) {
        vkDomainControllerDef *ct = ctrls->pdata[i];
        if (strcmp(ct->type, "ccid") == 0)
            usbTake(&u, ct->address, &n);
    }
    for (guint i = 0; i < others->len; i++) {
        vkXmlElem **a = otherAddressSlot(others->pdata[i]);
        if (otherOnUsb(others->pdata[i]))
            usbTake(&u, a ? *a : NULL, &n);
        haveHub |= strcmp(((vkXmlElem *)others->pdata[i])->name, "hub") == 0;
    }
    if (!haveHub && !g_hash_table_contains(used, "1") && n + g_hash_table_size(used) > u.rootPorts) {
        vkXmlElem *hub = g_new0(vkXmlElem, 1);
        hub->name = g_strdup("hub");
        vkXmlElemSetAttr(hub, "type", "usb");
        g_ptr_array_add(others, hub);
    }
    /* hubs first, so the devices can go behind them */
    for (guint i = 0; i < others->len; i++) {
        vkXmlElem *e = others->pdata[i];
        vkXmlElem *a;
        if (strcmp(e->name, "hub") == 0 && otherOnUsb(e) && !otherAddressSlot(e) &&
            (a = usbNext(&u))) {
            otherSetAddress(e, a);
            u.hub |= strcmp(vkXmlElemGetAttr(a, "port"), "1") == 0;
        }
    }
    /* libvirt then plugs host devices, before disks and inputs */
    for (guint i = 0; i < others->len; i++) {
        vkXmlElem *e = others->pdata[i];
        vkXmlElem *a;
        if (strcmp(e->name, "hostdev") == 0 && otherOnUsb(e) && !otherAddressSlot(e) &&
            (a = usbNext(&u)))
            otherSetAddress(e, a);
    }
    for (guint i = 0; i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];
        if (g_strcmp0(d->bus, "usb") == 0 && !d->address)
            d->address = usbNext(&u);
    }
    /* smartcard readers (ccid controllers) sit on USB too */
    for (guint i = 0; i < ctrls->len; i++) {
        vkDomainControllerDef *ct = ctrls->pdata[i];
        if (strcmp(ct->type, "ccid") == 0 && !ct->address)
            ct->address = usbNext(&u);
    }
    for (guint i = 0; i < inputs->len; i++) {
        vkDomainInputDef *in = inputs->pdata[i];
        if (g_strcmp0(in->bus, "usb") == 0 && !in->address)
            in->address = usbNext(&u);
    }
    for (guint i = 0; i < others->len; i++) {
        vkXmlElem *e = others->pdata[i];
        vkXmlElem *a;
        if (strcmp(e->name, "hub") != 0 && otherOnUsb(e) && !otherAddressSlot(e) &&
            (a = usbNext(&u)))
            otherSetAddress(e, a);
    }
}

/* An mediated device's display is off unless asked for; libvirt writes
 * the attributes of <hostdev> in its own order. */
static void
hostdevDefaults(vkDomainDef *def)
{
    static const char *const order[] = {
        "mode", "type", "managed", "sgio", "rawio", "model", "display", "ramfb", NULL,
    };
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; i < o->len; i++) {
        vkXmlElem *e = o->pdata[i];

        if (strcmp(e->name, "hostdev") != 0)
            continue;
        if (g_strcmp0(vkXmlElemGetAttr(e, "type"), "mdev") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "model"), "vfio-pci") == 0 &&
            !vkXmlElemGetAttr(e, "display"))
            vkXmlElemSetAttr(e, "display", "off");
        vkQemuDefaultsAttrOrder(e, order);
    }
}

/* DIMMs and NVDIMMs of a domain with memory slots (<maxMemory>) take the
 * first free slot, as libvirt numbers them at define. */
static void
dimmSlots(vkDomainDef *def)
{
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);
    g_autoptr(GHashTable) used = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned int next = 0;

    if (!def->memoryHotplugMax)
        return;
    for (guint i = 0; i < o->len; i++) {
        vkXmlElem **a = otherAddressSlot(o->pdata[i]);
        const char *slot = a ? vkXmlElemGetAttr(*a, "slot") : NULL;

        if (slot && g_strcmp0(vkXmlElemGetAttr(*a, "type"), "dimm") == 0)
            g_hash_table_add(used, GUINT_TO_POINTER(g_ascii_strtoull(slot, NULL, 10) + 1));
    }
    for (guint i = 0; i < o->len; i++) {
        vkXmlElem *e = o->pdata[i];
        const char *model = vkXmlElemGetAttr(e, "model");
        g_autofree char *num = NULL;
        vkXmlElem *a;

        if (strcmp(e->name, "memory") != 0 || otherAddressSlot(e) ||
            (g_strcmp0(model, "dimm") != 0 && g_strcmp0(model, "nvdimm") != 0))
            continue;
        while (g_hash_table_contains(used, GUINT_TO_POINTER(next + 1)))
            next++;
        if (next >= def->memorySlots)
            return;   /* the argv builder refuses the device anyway */
        g_hash_table_add(used, GUINT_TO_POINTER(next + 1));
        a = g_new0(vkXmlElem, 1);
        a->name = g_strdup("address");
        num = g_strdup_printf("%u", next);
        vkXmlElemSetAttr(a, "type", "dimm");
        vkXmlElemSetAttr(a, "slot", num);
        otherSetAddress(e, a);
    }
}

int
vkQemuDefaultsDevices(vkDomainDef *def)
{
    if (g_strcmp0(def->osType, "hvm") != 0)
        return 0;
    implicitControllers(def);
    if (controllerModels(def) < 0)
        return -1;
    defaultBalloon(def);
    watchdogAction(def);
    shmemDefaults(def);
    virtioSerial(def);
    hostdevDefaults(def);
    dimmSlots(def);
    usbAddresses(def);
    return vkQemuPciAssign(def);
}
