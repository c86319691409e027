/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI address assignment for x86 QEMU machines, with libvirt 9.0's result.
 *
 * The idea: a table of buses (one per PCI controller index) with a
 * bitmask of used functions per slot.  Addresses the definition already
 * has are taken first, then the slots the machine fixes (PIIX3 at 00:01,
 * the primary video at 00:02 on i440fx or 00:01 on q35, ICH9 at 00:1f),
 * then every other device in libvirt's order (PCI controllers, NICs,
 * sound, other controllers, disks, memballoon, rng, watchdog, secondary
 * video, shmem, input, vsock) takes the first free slot of a bus that
 * accepts it.  On q35, PCI Express endpoints go behind their own
 * pcie-root-port and conventional PCI devices behind a
 * pcie-to-pci-bridge; ports are added on demand, packed eight to a slot
 * of pcie-root, plus one spare for hotplug when the definition had none.
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/qemu/qemu-pci.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

#define NSLOTS 32

typedef enum {
    BUS_PCI_ROOT, BUS_PCIE_ROOT, BUS_ROOT_PORT, BUS_PCI_BRIDGE, BUS_DMI_BRIDGE,
    BUS_PCIE_PCI_BRIDGE, BUS_SWITCH_UP, BUS_SWITCH_DOWN, BUS_OTHER,
} busModel;

typedef enum {
    DEV_PCI, DEV_PCIE, DEV_ROOT_PORT, DEV_SWITCH_DOWN, DEV_DMI_BRIDGE, DEV_PCI_BRIDGE,
} devKind;

typedef struct {
    bool present;
    busModel model;
    guint8 fns[NSLOTS];        /* bit f: function f used */
} pciBus;

typedef struct {
    vkDomainDef *def;
    bool q35;
    GArray *buses;             /* pciBus, indexed by controller index */
    int aggSlot;               /* slot of pcie-root collecting root ports */
    vkXmlElem *aggFirst;       /* the address of its function 0 */
    unsigned int added;        /* root ports added */
    unsigned int userPorts;    /* root ports the definition had */
    bool dryRun;               /* counting pass on a copy (qemu-pci-count.c) */
    bool assigned;             /* some device got an address here */
} pciSet;

static const struct { const char *model; busModel bus; } busModels[] = {
    { "pci-root", BUS_PCI_ROOT }, { "pcie-root", BUS_PCIE_ROOT },
    { "pcie-root-port", BUS_ROOT_PORT }, { "pci-bridge", BUS_PCI_BRIDGE },
    { "dmi-to-pci-bridge", BUS_DMI_BRIDGE }, { "pcie-to-pci-bridge", BUS_PCIE_PCI_BRIDGE },
    { "pcie-switch-upstream-port", BUS_SWITCH_UP },
    { "pcie-switch-downstream-port", BUS_SWITCH_DOWN },
};

static busModel
busModelOf(const char *model)
{
    for (size_t i = 0; model && i < G_N_ELEMENTS(busModels); i++) {
        if (strcmp(busModels[i].model, model) == 0)
            return busModels[i].bus;
    }
    return BUS_OTHER;
}

static pciBus *
busAt(pciSet *s, unsigned int idx)
{
    if (idx >= s->buses->len)
        g_array_set_size(s->buses, idx + 1);
    return &g_array_index(s->buses, pciBus, idx);
}

static bool
accepts(const pciBus *b, devKind k, unsigned int *lo, unsigned int *hi)
{
    *lo = 1;
    *hi = NSLOTS - 1;
    switch (b->model) {
    case BUS_PCI_ROOT:
        return k == DEV_PCI || k == DEV_PCIE || k == DEV_PCI_BRIDGE;
    case BUS_PCIE_ROOT:
        return k == DEV_ROOT_PORT || k == DEV_DMI_BRIDGE;
    case BUS_ROOT_PORT:
    case BUS_SWITCH_DOWN:
        *lo = *hi = 0;
        return k == DEV_PCIE;
    case BUS_DMI_BRIDGE:
        /* not hotpluggable: only PCI bridges go there, from slot 0 */
        *lo = 0;
        return k == DEV_PCI_BRIDGE;
    case BUS_PCI_BRIDGE:
    case BUS_PCIE_PCI_BRIDGE:
        return k == DEV_PCI || k == DEV_PCI_BRIDGE;
    case BUS_SWITCH_UP:
        *lo = 0;
        return k == DEV_SWITCH_DOWN;
    case BUS_OTHER:
        break;
    }
    return false;
}

static vkXmlElem *
pciAddress(unsigned int bus, unsigned int slot, unsigned int fn, bool multi)
{
    vkXmlElem *a = g_new0(vkXmlElem, 1);
    char v[16];

    a->name = g_strdup("address");
    vkXmlElemSetAttr(a, "type", "pci");
    vkXmlElemSetAttr(a, "domain", "0x0000");
    g_snprintf(v, sizeof(v), "0x%02x", bus);
    vkXmlElemSetAttr(a, "bus", v);
    g_snprintf(v, sizeof(v), "0x%02x", slot);
    vkXmlElemSetAttr(a, "slot", v);
    g_snprintf(v, sizeof(v), "0x%x", fn);
    vkXmlElemSetAttr(a, "function", v);
    if (multi)
        vkXmlElemSetAttr(a, "multifunction", "on");
    return a;
}

static void
take(pciSet *s, unsigned int bus, unsigned int slot, unsigned int fn)
{
    if (slot < NSLOTS && fn < 8)
        busAt(s, bus)->fns[slot] |= (guint8)(1u << fn);
}

static bool
isFree(pciSet *s, unsigned int bus, unsigned int slot, unsigned int fn)
{
    return bus < s->buses->len && busAt(s, bus)->present &&
           !(busAt(s, bus)->fns[slot] & (1u << fn));
}

/* ---- every <address> the definition holds ---- */

typedef void (*addrFn)(pciSet *s, vkXmlElem *addr);

static vkXmlElem *
childAddress(const vkXmlElem *e)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, "address") == 0)
            return c;
    }
    return NULL;
}

static void
forEachAddress(pciSet *s, addrFn fn)
{
    vkDomainDefPriv *p = s->def->priv;

    for (int t = 0; t < VK_DOMAIN_DEVICE_LAST; t++) {
        GPtrArray *a = p->devs[t];

        for (guint i = 0; a && i < a->len; i++) {
            vkXmlElem *addr = NULL;

            switch (t) {
            case VK_DOMAIN_DEVICE_DISK: addr = ((vkDomainDiskDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_CONTROLLER:
                addr = ((vkDomainControllerDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_FS: addr = ((vkDomainFSDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_NET: addr = ((vkDomainNetDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_CHR: addr = ((vkDomainChrDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_INPUT: addr = ((vkDomainInputDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_VIDEO: addr = ((vkDomainVideoDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_OTHER: addr = childAddress(a->pdata[i]); break;
            default: break;
            }
            if (isPci(addr))
                fn(s, addr);
        }
    }
}

static void
takeAddress(pciSet *s, vkXmlElem *a)
{
    take(s, attrNum(a, "bus"), attrNum(a, "slot"), attrNum(a, "function"));
}

/* ---- the bus table ---- */

static pciSet *
setNew(vkDomainDef *def)
{
    pciSet *s = g_new0(pciSet, 1);
    GPtrArray *c = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];

    s->def = def;
    s->q35 = def->osMachine && strstr(def->osMachine, "q35");
    s->buses = g_array_new(FALSE, TRUE, sizeof(pciBus));
    s->aggSlot = -1;
    for (guint i = 0; c && i < c->len; i++) {
        vkDomainControllerDef *ct = c->pdata[i];
        pciBus *b;

        if (strcmp(ct->type, "pci") != 0 || ct->idx < 0)
            continue;
        b = busAt(s, (unsigned int)ct->idx);
        b->present = true;
        b->model = busModelOf(ct->model);
        if (b->model == BUS_ROOT_PORT)
            s->userPorts++;
    }
    /* slot 0 of a root bus is the host bridge; of a PCI bridge, its SHPC */
    for (guint i = 0; i < s->buses->len; i++) {
        pciBus *b = busAt(s, i);
        if (b->model != BUS_ROOT_PORT && b->model != BUS_SWITCH_DOWN &&
            b->model != BUS_SWITCH_UP && b->model != BUS_DMI_BRIDGE)
            b->fns[0] = 0xff;
    }
    forEachAddress(s, takeAddress);
    return s;
}

static void
setFree(pciSet *s)
{
    g_array_unref(s->buses);
    g_free(s);
}

static bool
findFree(pciSet *s, devKind k, unsigned int *bus, unsigned int *slot)
{
    for (guint i = 0; i < s->buses->len; i++) {
        pciBus *b = busAt(s, i);
        unsigned int lo, hi;

        if (!b->present || !accepts(b, k, &lo, &hi))
            continue;
        for (unsigned int sl = lo; sl <= hi; sl++) {
            if (!b->fns[sl]) {
                *bus = i;
                *slot = sl;
                return true;
            }
        }
    }
    return false;
}

/* ---- adding PCI controllers ---- */

static vkDomainControllerDef *
addController(pciSet *s, const char *model)
{
    GPtrArray *c = vkDomainDevList(s->def, VK_DOMAIN_DEVICE_CONTROLLER);
    vkDomainControllerDef *ct = g_new0(vkDomainControllerDef, 1);
    pciBus *b;

    ct->type = g_strdup("pci");
    ct->model = g_strdup(model);
    ct->idx = (int)s->buses->len;
    g_ptr_array_add(c, ct);
    b = busAt(s, (unsigned int)ct->idx);
    b->present = true;
    b->model = busModelOf(model);
    if (b->model != BUS_ROOT_PORT && b->model != BUS_DMI_BRIDGE)
        b->fns[0] = 0xff;
    return ct;
}

/* Root ports share slots of pcie-root, one per function, as libvirt packs
 * them; function 0 of such a slot is then multifunction. */
static vkXmlElem *
rootPortAddress(pciSet *s)
{
    unsigned int bus, slot;

    if (s->aggSlot >= 0 && busAt(s, 0)->fns[s->aggSlot] != 0xff) {
        guint8 used = busAt(s, 0)->fns[s->aggSlot];
        unsigned int fn = 0;

        while (used & (1u << fn))
            fn++;
        take(s, 0, (unsigned int)s->aggSlot, fn);
        if (s->aggFirst && !vkXmlElemGetAttr(s->aggFirst, "multifunction"))
            vkXmlElemSetAttr(s->aggFirst, "multifunction", "on");
        return pciAddress(0, (unsigned int)s->aggSlot, fn, false);
    }
    if (!findFree(s, DEV_ROOT_PORT, &bus, &slot))
        return NULL;
    take(s, bus, slot, 0);
    s->aggSlot = (int)slot;
    s->aggFirst = pciAddress(bus, slot, 0, false);
    return s->aggFirst;
}

static int
noSlot(pciSet *s)
{
    vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  "no free PCI slot left for the devices of domain '%s'", s->def->name);
    return -1;
}

static int
addRootPort(pciSet *s, unsigned int *bus)
{
    vkDomainControllerDef *ct = addController(s, "pcie-root-port");

    if (!(ct->address = rootPortAddress(s)))
        return noSlot(s);
    s->added++;
    *bus = (unsigned int)ct->idx;
    return 0;
}

/* A free slot for a device of kind k, adding buses where libvirt would. */
static int
place(pciSet *s, devKind k, unsigned int *bus, unsigned int *slot)
{
    vkDomainControllerDef *ct;
    unsigned int rp;

    if (!s->q35 && k == DEV_PCIE)
        k = DEV_PCI;
    if (findFree(s, k, bus, slot))
        return 0;
    if (s->q35 && k == DEV_PCIE) {
        if (addRootPort(s, bus) < 0)
            return -1;
        *slot = 0;
        return 0;
    }
    if (s->q35 && k == DEV_PCI) {
        if (addRootPort(s, &rp) < 0)
            return -1;
        ct = addController(s, "pcie-to-pci-bridge");
        take(s, rp, 0, 0);
        ct->address = pciAddress(rp, 0, 0, false);
        *bus = (unsigned int)ct->idx;
        *slot = 1;
        return 0;
    }
    if (!s->q35 && k == DEV_PCI && s->dryRun) {
        /* counting: a bus more, its bridge's own slot left to the real pass */
        ct = addController(s, "pci-bridge");
        *bus = (unsigned int)ct->idx;
        *slot = 1;
        return 0;
    }
    if (!s->q35 && k == DEV_PCI) {
        unsigned int pb, ps;
        if (!findFree(s, DEV_PCI, &pb, &ps))
            return noSlot(s);
        take(s, pb, ps, 0);
        ct = addController(s, "pci-bridge");
        ct->address = pciAddress(pb, ps, 0, false);
        *bus = (unsigned int)ct->idx;
        *slot = 1;
        return 0;
    }
    return noSlot(s);
}

static int
assign(pciSet *s, devKind k, vkXmlElem **addr)
{
    unsigned int bus, slot;

    if (*addr)
        return 0;
    if (k == DEV_ROOT_PORT) {
        if (!(*addr = rootPortAddress(s)))
            return noSlot(s);
        return 0;
    }
    if (place(s, k, &bus, &slot) < 0)
        return -1;
    take(s, bus, slot, 0);
    *addr = pciAddress(bus, slot, 0, false);
    s->assigned = true;
    return 0;
}

/* A fixed slot, used only when nothing holds it yet. */
static void
fixed(pciSet *s, vkXmlElem **addr, unsigned int slot, unsigned int fn, bool multi)
{
    if (*addr || !isFree(s, 0, slot, fn))
        return;
    take(s, 0, slot, fn);
    *addr = pciAddress(0, slot, fn, multi);
}

static int
assignOther(pciSet *s, vkXmlElem *e, devKind k)
{
    vkXmlElem *addr = childAddress(e);

    if (addr)
        return 0;
    if (assign(s, k, &addr) < 0)
        return -1;
    if (!e->children)
        e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(e->children, addr);
    return 0;
}

bool
vkQemuPciNetIsPCIe(const char *model)
{
    return g_strcmp0(model, "virtio") == 0 || g_strcmp0(model, "e1000e") == 0 ||
           g_strcmp0(model, "vmxnet3") == 0 || g_strcmp0(model, "virtio-net") == 0 ||
           g_strcmp0(model, "virtio-transitional") == 0 ||
           g_strcmp0(model, "virtio-non-transitional") == 0;
}

/* The ICH9 USB set: EHCI at function 7, its UHCI companions at 0, 1, 2. */
static int
usbCompanionFn(const char *model)
{
    if (g_strcmp0(model, "ich9-ehci1") == 0)
        return 7;
    if (model && g_str_has_prefix(model, "ich9-uhci") && model[9] >= '1' && model[9] <= '3')
        return model[9] - '1';
    return -1;
}

static devKind
controllerKind(const vkDomainControllerDef *ct, bool *skip)
{
    const char *m = ct->model;

    *skip = false;
    if (strcmp(ct->type, "pci") == 0) {
        switch (busModelOf(m)) {
        case BUS_ROOT_PORT: return DEV_ROOT_PORT;
        case BUS_SWITCH_DOWN: return DEV_SWITCH_DOWN;
        case BUS_DMI_BRIDGE: return DEV_DMI_BRIDGE;
        case BUS_PCIE_PCI_BRIDGE: case BUS_SWITCH_UP: return DEV_PCIE;
        case BUS_PCI_BRIDGE: return DEV_PCI_BRIDGE;
        default: *skip = true; return DEV_PCI;
        }
    }
    if (strcmp(ct->type, "usb") == 0) {
        *skip = g_strcmp0(m, "none") == 0;
        return g_strcmp0(m, "qemu-xhci") == 0 || g_strcmp0(m, "nec-xhci") == 0 ? DEV_PCIE : DEV_PCI;
    }
    if (strcmp(ct->type, "scsi") == 0)
        return g_strcmp0(m, "virtio-scsi") == 0 ? DEV_PCIE : DEV_PCI;
    if (strcmp(ct->type, "virtio-serial") == 0 || strcmp(ct->type, "sata") == 0 ||
        strcmp(ct->type, "nvme") == 0)
        return DEV_PCIE;
    *skip = true;     /* ide, fdc, ccid, xenbus: no PCI function of their own */
    return DEV_PCI;
}

/* ICH9 USB companions of one index share the slot their first member got. */
static int
assignUsbSet(pciSet *s, GPtrArray *c, vkDomainControllerDef *ct)
{
    int fn = usbCompanionFn(ct->model);

    for (guint j = 0; j < c->len; j++) {
        vkDomainControllerDef *o = c->pdata[j];
        if (o != ct && strcmp(o->type, "usb") == 0 && o->idx == ct->idx &&
            usbCompanionFn(o->model) >= 0 && isPci(o->address)) {
            unsigned int bus = attrNum(o->address, "bus"), slot = attrNum(o->address, "slot");
            take(s, bus, slot, (unsigned int)fn);
            ct->address = pciAddress(bus, slot, (unsigned int)fn, fn == 0);
            return 0;
        }
    }
    if (assign(s, DEV_PCI, &ct->address) < 0)
        return -1;
    if (fn != 0) {
        unsigned int bus = attrNum(ct->address, "bus"), slot = attrNum(ct->address, "slot");
        vkXmlElemFree(ct->address);
        busAt(s, bus)->fns[slot] = 0;
        take(s, bus, slot, (unsigned int)fn);
        ct->address = pciAddress(bus, slot, (unsigned int)fn, false);
    } else {
        vkXmlElemSetAttr(ct->address, "multifunction", "on");
    }
    return 0;
}

static vkDomainVideoDef *
primaryVideo(vkDomainDef *def)
{
    GPtrArray *v = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO];

    if (!v || !v->len)
        return NULL;
    for (guint i = 0; i < v->len; i++) {
        vkDomainVideoDef *d = v->pdata[i];
        if (d->primary)
            return d;
    }
    return v->pdata[0];
}

static bool
videoOnPci(const vkDomainVideoDef *v)
{
    return v->modelType && strcmp(v->modelType, "none") != 0 &&
           strcmp(v->modelType, "ramfb") != 0;
}

static void
fixedSlots(pciSet *s)
{
    GPtrArray *c = s->def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];
    vkDomainVideoDef *pv = primaryVideo(s->def);

    if (!s->q35) {
        for (guint i = 0; c && i < c->len; i++) {
            vkDomainControllerDef *ct = c->pdata[i];
            if (strcmp(ct->type, "ide") == 0 && ct->idx == 0)
                fixed(s, &ct->address, 1, 1, false);
            else if (strcmp(ct->type, "usb") == 0 && ct->idx == 0 &&
                     g_strcmp0(ct->model, "piix3-uhci") == 0)
                fixed(s, &ct->address, 1, 2, false);
        }
        if (busAt(s, 0)->present)
            busAt(s, 0)->fns[1] = 0xff;     /* PIIX3: ISA bridge, IDE, USB, PM */
        if (pv && videoOnPci(pv))
            fixed(s, &pv->address, 2, 0, false);
        return;
    }
    for (guint i = 0; c && i < c->len; i++) {
        vkDomainControllerDef *ct = c->pdata[i];
        if (strcmp(ct->type, "sata") == 0 && ct->idx == 0)
            fixed(s, &ct->address, 0x1f, 2, false);
        /* ICH9's own USB2 sets, where a UHCI1 leads them: the first at
         * 00:1d, the second at 00:1a (assignUsbSet puts the rest there) */
        else if (strcmp(ct->type, "usb") == 0 && (ct->idx == 0 || ct->idx == 1) &&
                 g_strcmp0(ct->model, "ich9-uhci1") == 0)
            fixed(s, &ct->address, ct->idx == 0 ? 0x1d : 0x1a, 0, true);
        else if (strcmp(ct->type, "pci") == 0 && g_strcmp0(ct->model, "dmi-to-pci-bridge") == 0)
            fixed(s, &ct->address, 0x1e, 0, false);
    }
    if (busAt(s, 0)->present)
        busAt(s, 0)->fns[0x1f] = 0xff;      /* LPC, SATA, SMBus */
    if (pv && videoOnPci(pv))
        fixed(s, &pv->address, 1, 0, false);
    {
        GPtrArray *o = s->def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
        for (guint i = 0; o && i < o->len; i++) {
            vkXmlElem *e = o->pdata[i];
            vkXmlElem *addr = childAddress(e);
            if (strcmp(e->name, "sound") == 0 && !addr &&
                g_strcmp0(vkXmlElemGetAttr(e, "model"), "ich9") == 0 && isFree(s, 0, 0x1b, 0)) {
                addr = NULL;
                fixed(s, &addr, 0x1b, 0, false);
                if (!e->children)
                    e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
                g_ptr_array_add(e->children, addr);
            }
        }
    }
}

/* The kept elements with a PCI function, and their kind. */
static bool
otherKind(const vkXmlElem *e, const char *name, devKind *k)
{
    const char *model = vkXmlElemGetAttr(e, "model");

    if (strcmp(e->name, name) != 0)
        return false;
    if (strcmp(name, "memballoon") == 0 || strcmp(name, "rng") == 0 ||
        strcmp(name, "vsock") == 0) {
        *k = DEV_PCIE;
        return g_str_has_prefix(model ? model : "virtio", "virtio");
    }
    if (strcmp(name, "sound") == 0) {
        *k = DEV_PCI;
        return model && (strcmp(model, "ich6") == 0 || strcmp(model, "ich9") == 0 ||
                         strcmp(model, "ac97") == 0 || strcmp(model, "es1370") == 0 ||
                         strcmp(model, "ich7") == 0);
    }
    if (strcmp(name, "watchdog") == 0) {
        *k = DEV_PCI;
        return g_strcmp0(model, "i6300esb") == 0;
    }
    if (strcmp(name, "shmem") == 0) {
        *k = DEV_PCI;
        return true;
    }
    if (strcmp(name, "memory") == 0) {
        *k = DEV_PCIE;
        return g_strcmp0(model, "virtio-mem") == 0 || g_strcmp0(model, "virtio-pmem") == 0;
    }
    if (strcmp(name, "hostdev") == 0) {
        const char *mode = vkXmlElemGetAttr(e, "mode");
        const char *type = vkXmlElemGetAttr(e, "type");

        /* libvirt cannot read an assigned device's config space when
         * unprivileged and takes it for PCIe, as most are */
        *k = DEV_PCIE;
        return g_strcmp0(mode ? mode : "subsystem", "subsystem") == 0 &&
               (g_strcmp0(type, "pci") == 0 || g_strcmp0(type, "scsi_host") == 0 ||
                (g_strcmp0(type, "mdev") == 0 && g_strcmp0(model, "vfio-pci") == 0));
    }
    return false;
}

static int
assignOthers(pciSet *s, const char *name)
{
    GPtrArray *o = s->def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; o && i < o->len; i++) {
        devKind k;
        if (otherKind(o->pdata[i], name, &k) && assignOther(s, o->pdata[i], k) < 0)
            return -1;
    }
    return 0;
}

static int
assignAll(pciSet *s)
{
    vkDomainDefPriv *p = s->def->priv;
    GPtrArray *c = p->devs[VK_DOMAIN_DEVICE_CONTROLLER];
    GPtrArray *a;
    bool skip;

    for (int pass = 0; pass < 2; pass++) {
        /* PCI controllers first, then the others; both in definition order */
        for (guint i = 0; c && i < c->len; i++) {
            vkDomainControllerDef *ct = c->pdata[i];
            devKind k = controllerKind(ct, &skip);

            if (skip || ct->address || (strcmp(ct->type, "pci") == 0) != (pass == 0))
                continue;
            if (strcmp(ct->type, "usb") == 0 && usbCompanionFn(ct->model) >= 0) {
                if (assignUsbSet(s, c, ct) < 0)
                    return -1;
            } else if (assign(s, k, &ct->address) < 0) {
                return -1;
            }
        }
        if (pass == 1)
            break;
        /* virtio-9p shares (the argv builder decides whether it runs them) */
        for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_FS]) && i < a->len; i++) {
            vkDomainFSDef *fs = a->pdata[i];
            if (g_strcmp0(fs->type ? fs->type : "mount", "mount") == 0 &&
                assign(s, DEV_PCIE, &fs->address) < 0)
                return -1;
        }
        for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_NET]) && i < a->len; i++) {
            vkDomainNetDef *n = a->pdata[i];
            if (n->type == VK_DOMAIN_NET_TYPE_HOSTDEV)
                continue;
            if (assign(s, vkQemuPciNetIsPCIe(n->model) ? DEV_PCIE : DEV_PCI, &n->address) < 0)
                return -1;
        }
        if (assignOthers(s, "sound") < 0)
            return -1;
    }
    /* host devices: those of <interface type='hostdev'> first, as
     * libvirt lists them before the <hostdev> elements */
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_NET]) && i < a->len; i++) {
        vkDomainNetDef *n = a->pdata[i];
        if (n->type == VK_DOMAIN_NET_TYPE_HOSTDEV && assign(s, DEV_PCIE, &n->address) < 0)
            return -1;
    }
    if (assignOthers(s, "hostdev") < 0)
        return -1;
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_DISK]) && i < a->len; i++) {
        vkDomainDiskDef *d = a->pdata[i];
        if (g_strcmp0(d->bus, "virtio") == 0 && assign(s, DEV_PCIE, &d->address) < 0)
            return -1;
    }
    if (assignOthers(s, "memballoon") < 0 || assignOthers(s, "rng") < 0 ||
        assignOthers(s, "watchdog") < 0)
        return -1;
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_VIDEO]) && i < a->len; i++) {
        vkDomainVideoDef *v = a->pdata[i];
        if (videoOnPci(v) &&
            assign(s, strcmp(v->modelType, "virtio") == 0 ? DEV_PCIE : DEV_PCI, &v->address) < 0)
            return -1;
    }
    if (assignOthers(s, "shmem") < 0)
        return -1;
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_INPUT]) && i < a->len; i++) {
        vkDomainInputDef *in = a->pdata[i];
        if (g_strcmp0(in->bus, "virtio") == 0 && assign(s, DEV_PCIE, &in->address) < 0)
            return -1;
    }
    if (assignOthers(s, "vsock") < 0)
        return -1;
    return assignOthers(s, "memory");
}

/* On i440fx, libvirt keeps a conventional PCI slot free for hotplug
 * once it has placed devices itself: the counting pass grows a bus for
 * it, the real pass fails when the buses it counted leave none. */
static int
spareSlot(pciSet *s)
{
    unsigned int bus, slot;

    if (s->q35 || !s->assigned || busAt(s, 0)->model != BUS_PCI_ROOT)
        return 0;
    if (s->dryRun) {
        if (place(s, DEV_PCI, &bus, &slot) < 0)
            return -1;
        take(s, bus, slot, 0);
        return 0;
    }
    if (findFree(s, DEV_PCI, &bus, &slot))
        return 0;
    vkReportError(VIR_ERR_INTERNAL_ERROR,
                  "no PCI slot left for a pci-bridge in domain '%s' after placing its "
                  "devices, and no bridge can be added", s->def->name);
    return -1;
}

int
vkQemuPciCountBuses(vkDomainDef *def)
{
    pciSet *s = setNew(def);
    int ret = -1;

    s->dryRun = true;
    if (s->buses->len && busAt(s, 0)->present) {
        fixedSlots(s);
        if (assignAll(s) == 0 && spareSlot(s) == 0)
            ret = (int)s->buses->len;
    }
    setFree(s);
    return ret;
}

int
vkQemuPciAssign(vkDomainDef *def)
{
    pciSet *s;
    int ret = -1;

    if (vkQemuPciAddBridges(def) < 0)
        return -1;
    s = setNew(def);
    if (s->buses->len == 0 || !busAt(s, 0)->present) {
        setFree(s);
        return 0;
    }
    fixedSlots(s);
    if (assignAll(s) < 0 || spareSlot(s) < 0)
        goto out;
    /* one spare port for hotplug, when the definition had none and some
     * were needed (libvirt 9.0 leaves a definition with its own ports
     * as it is) */
    if (s->added && !s->userPorts) {
        vkDomainControllerDef *ct = addController(s, "pcie-root-port");
        if (!(ct->address = rootPortAddress(s))) {
            noSlot(s);
            goto out;
        }
    }
    vkQemuPciControllerNames(def);
    ret = 0;
 out:
    setFree(s);
    return ret;
}

int
vkQemuPciAssignHotplug(const vkDomainDef *def, bool pcie, vkXmlElem **addr)
{
    pciSet *s = setNew((vkDomainDef *)def);
    unsigned int bus, slot;
    bool ok = findFree(s, !s->q35 ? DEV_PCI : pcie ? DEV_PCIE : DEV_PCI, &bus, &slot);

    setFree(s);
    if (!ok) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "no free hotpluggable PCI slot in domain '%s'", def->name);
        return -1;
    }
    *addr = pciAddress(bus, slot, 0, false);
    return 0;
}
