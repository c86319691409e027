/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Defaults libvirt fills into every domain definition, whatever the
 * driver, once the whole definition is known: the video model's type and
 * sizes, a video device for graphics that have none, drive addresses of
 * disks on addressable buses and the controllers those addresses name.
 *
 * They are filled at define time and kept, so the definition a client
 * reads back is the one the guest will run with, as with libvirt.  The
 * behaviour is libvirt's as observed on its own test corpus
 * (tests/corpus); a driver may refine a default later (the QEMU driver
 * picks its own video type) but never undoes one.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"
#include "util/error.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

/* ---- video ---- */

/* libvirt's QEMU driver picks the device current QEMU prefers for the
 * architecture; every other driver (the test driver included) takes the
 * generic choice below. */
static const char *
defaultVideoTypeQemu(const vkDomainDef *def)
{
    const char *arch = def->osArch ? def->osArch : "x86_64";

    if (g_str_has_prefix(arch, "aarch64") || g_str_has_prefix(arch, "arm") ||
        g_str_has_prefix(arch, "riscv") || g_str_has_prefix(arch, "s390"))
        return "virtio";
    /* libvirt 9.0 takes cirrus wherever QEMU has cirrus-vga (Debian's
     * x86 QEMU does), VGA only where it lacks it; ppc64 is VGA. */
    if (g_str_has_prefix(arch, "ppc64"))
        return "vga";
    return "cirrus";
}

bool
vkDomainDriverIsQemu(const char *driverTypes)
{
    g_auto(GStrv) types = driverTypes ? g_strsplit(driverTypes, ",", 0) : NULL;

    return types && (g_strv_contains((const char *const *)types, "kvm") ||
                     g_strv_contains((const char *const *)types, "qemu"));
}

static const char *
defaultVideoType(const vkDomainDef *def)
{
    if (g_strcmp0(def->osType, "xen") == 0 || g_strcmp0(def->osType, "linux") == 0 ||
        g_strcmp0(def->osType, "xenpvh") == 0)
        return "xen";
    if (def->osArch && g_str_has_prefix(def->osArch, "ppc64"))
        return "vga";
    return "cirrus";
}

static void
setModelAttrIfMissing(vkDomainVideoDef *v, const char *name, const char *value)
{
    for (guint i = 0; v->modelAttrs && i + 1 < v->modelAttrs->len; i += 2) {
        if (g_str_equal(v->modelAttrs->pdata[i], name))
            return;
    }
    if (!v->modelAttrs)
        v->modelAttrs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(v->modelAttrs, g_strdup(name));
    g_ptr_array_add(v->modelAttrs, g_strdup(value));
}

static void
videoDefaults(const vkDomainDef *def, const char *driverTypes, vkDomainVideoDef *v)
{
    const char *t;

    if (g_strcmp0(v->modelType, "default") == 0) {
        g_free(v->modelType);
        v->modelType = g_strdup(vkDomainDriverIsQemu(driverTypes) ? defaultVideoTypeQemu(def)
                                                          : defaultVideoType(def));
    }
    t = v->modelType;
    if (g_str_equal(t, "none"))
        return;
    if (!v->vram) {
        if (g_str_equal(t, "cirrus") || g_str_equal(t, "vga") || g_str_equal(t, "vmvga") ||
            g_str_equal(t, "bochs"))
            v->vram = 16384;
        else if (g_str_equal(t, "qxl"))
            v->vram = 65536;
        else if (g_str_equal(t, "xen"))
            v->vram = 4096;
    }
    if (g_str_equal(t, "qxl"))
        setModelAttrIfMissing(v, "ram", "65536");
    /* QEMU's qxl has a VGA memory of its own, 16 MiB unless told */
    if (g_str_equal(t, "qxl") && vkDomainDriverIsQemu(driverTypes))
        setModelAttrIfMissing(v, "vgamem", "16384");
    if (!v->heads)
        v->heads = 1;
}

static void
addImplicitVideo(vkDomainDef *def)
{
    GPtrArray *videos = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO];
    GPtrArray *graphics = def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS];
    vkDomainVideoDef *v;

    if (!graphics || !graphics->len || (videos && videos->len))
        return;
    v = g_new0(vkDomainVideoDef, 1);
    v->modelType = g_strdup("default");
    v->primary = true;
    g_ptr_array_add(vkDomainDevList(def, VK_DOMAIN_DEVICE_VIDEO), v);
}

/* ---- drive addresses and their controllers ---- */

/* The index a target name gives a disk (hda 0, hdb 1, ..., sdaa 26). */
static int
diskIndex(const char *dst)
{
    const char *p;
    int idx = 0;

    if (strlen(dst) < 3)
        return -1;
    p = dst + 2;
    if (g_str_has_prefix(dst, "xvd") || g_str_has_prefix(dst, "ubd"))
        p = dst + 3;
    if (!*p)
        return -1;
    for (; *p; p++) {
        if (*p < 'a' || *p > 'z')
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
        if (idx > 1000000)
            return -1;
    }
    return idx - 1;
}

int
vkDomainDiskIndex(const char *dst)
{
    return diskIndex(dst);
}

/* controller, bus, target, unit of a disk with index idx on bus */
static bool
driveCoordinates(const char *bus, int idx, int c[4])
{
    memset(c, 0, 4 * sizeof(int));
    if (g_str_equal(bus, "ide")) {
        c[0] = idx / 4;
        c[1] = (idx % 4) / 2;
        c[3] = idx % 2;
    } else if (g_str_equal(bus, "fdc")) {
        c[3] = idx;
    } else if (g_str_equal(bus, "sata")) {
        c[0] = idx / 6;
        c[3] = idx % 6;
    } else if (g_str_equal(bus, "scsi")) {
        c[0] = idx / 7;
        c[3] = idx % 7;
    } else {
        return false;
    }
    return true;
}

static vkXmlElem *
driveAddress(const int c[4])
{
    static const char *const names[] = { "controller", "bus", "target", "unit" };
    vkXmlElem *a = g_new0(vkXmlElem, 1);

    a->name = g_strdup("address");
    vkXmlElemSetAttr(a, "type", "drive");
    for (int i = 0; i < 4; i++) {
        g_autofree char *v = g_strdup_printf("%d", c[i]);
        vkXmlElemSetAttr(a, names[i], v);
    }
    return a;
}

static void
ensureController(vkDomainDef *def, const char *type, int idx)
{
    GPtrArray *ctrls = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    vkDomainControllerDef *c;

    for (guint i = 0; i < ctrls->len; i++) {
        vkDomainControllerDef *o = ctrls->pdata[i];
        if (g_str_equal(o->type, type) && o->idx == idx)
            return;
    }
    c = g_new0(vkDomainControllerDef, 1);
    c->type = g_strdup(type);
    c->idx = idx;
    c->implicit = true;
    g_ptr_array_add(ctrls, c);
}

/* Every disk on a drive bus gets its address; then each bus, in
 * libvirt's order, gets every controller up to the highest its disks
 * name. */
static void
diskAddresses(vkDomainDef *def)
{
    static const char *const buses[] = { "scsi", "fdc", "ide", "sata" };
    GPtrArray *disks = def->priv->devs[VK_DOMAIN_DEVICE_DISK];

    for (guint i = 0; disks && i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];
        int c[4];
        int idx;

        if (d->bus && !d->address && (idx = diskIndex(d->dst)) >= 0 &&
            driveCoordinates(d->bus, idx, c))
            d->address = driveAddress(c);
    }
    for (size_t b = 0; b < G_N_ELEMENTS(buses); b++) {
        int max = -1;

        for (guint i = 0; disks && i < disks->len; i++) {
            vkDomainDiskDef *d = disks->pdata[i];
            const char *ctrl = vkXmlElemGetAttr(d->address, "controller");

            if (g_strcmp0(d->bus, buses[b]) == 0 &&
                g_strcmp0(vkXmlElemGetAttr(d->address, "type"), "drive") == 0)
                max = MAX(max, ctrl ? atoi(ctrl) : 0);
        }
        for (int k = 0; k <= max; k++)
            ensureController(def, buses[b], k);
    }
}

/* A virtio channel or console needs the virtio-serial controller its
 * address names (the first one when it has none). */
static void
virtioSerialControllers(vkDomainDef *def)
{
    GPtrArray *chrs = def->priv->devs[VK_DOMAIN_DEVICE_CHR];

    for (guint i = 0; chrs && i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];
        const char *ctrl = NULL;

        if ((c->kind != VK_DOMAIN_CHR_CHANNEL && c->kind != VK_DOMAIN_CHR_CONSOLE) ||
            g_strcmp0(vkXmlElemGetAttr(c->target, "type"), "virtio") != 0)
            continue;
        if (g_strcmp0(vkXmlElemGetAttr(c->address, "type"), "virtio-serial") == 0)
            ctrl = vkXmlElemGetAttr(c->address, "controller");
        ensureController(def, "virtio-serial", ctrl ? atoi(ctrl) : 0);
    }
}

/* A smartcard sits in a slot of a CCID controller: the next free slot of
 * the first one when it names none. */
static void
smartcardControllers(vkDomainDef *def)
{
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    int slot = 0;

    for (guint i = 0; others && i < others->len; i++) {
        vkXmlElem *sc = others->pdata[i];
        vkXmlElem *addr = NULL;
        const char *ctrl;

        if (strcmp(sc->name, "smartcard") != 0)
            continue;
        for (guint j = 0; sc->children && j < sc->children->len; j++) {
            if (strcmp(((vkXmlElem *)sc->children->pdata[j])->name, "address") == 0)
                addr = sc->children->pdata[j];
        }
        if (!addr) {
            g_autofree char *s = g_strdup_printf("%d", slot++);
            addr = g_new0(vkXmlElem, 1);
            addr->name = g_strdup("address");
            vkXmlElemSetAttr(addr, "type", "ccid");
            vkXmlElemSetAttr(addr, "controller", "0");
            vkXmlElemSetAttr(addr, "slot", s);
            if (!sc->children)
                sc->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(sc->children, addr);
        }
        if (g_strcmp0(vkXmlElemGetAttr(addr, "type"), "ccid") != 0)
            continue;
        ctrl = vkXmlElemGetAttr(addr, "controller");
        ensureController(def, "ccid", ctrl ? atoi(ctrl) : 0);
    }
}

void
vkDomainDefAddDefaults(vkDomainDef *def, const char *driverTypes)
{
    GPtrArray *videos;

    addImplicitVideo(def);
    if ((videos = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO])) {
        for (guint i = 0; i < videos->len; i++)
            videoDefaults(def, driverTypes, videos->pdata[i]);
    }
    diskAddresses(def);
    virtioSerialControllers(def);
    vkDomainScsiHostdevAddresses(def);
    smartcardControllers(def);
    vkDomainDefGenericRules(def);
    vkDomainDefCanonicalRules(def);
}

/* ---- the serial console ---- */

static vkDomainChrDef *
chrCopyAs(const vkDomainChrDef *from, int kind)
{
    vkDomainChrDef *c = g_new0(vkDomainChrDef, 1);

    c->kind = kind;
    c->type = g_strdup(from->type);
    if (from->sources) {
        c->sources = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        for (guint i = 0; i < from->sources->len; i++)
            g_ptr_array_add(c->sources, vkXmlElemCopy(from->sources->pdata[i]));
    }
    c->protocol = vkXmlElemCopy(from->protocol);
    c->log = vkXmlElemCopy(from->log);
    /* the two are one device: libvirt writes the same address on both */
    c->address = vkXmlElemCopy(from->address);
    return c;
}

static vkXmlElem *
chrTarget(const char *type, const char *port)
{
    vkXmlElem *t = g_new0(vkXmlElem, 1);

    t->name = g_strdup("target");
    if (type)
        vkXmlElemSetAttr(t, "type", type);
    vkXmlElemSetAttr(t, "port", port);
    return t;
}

/* Consoles without a port take their position among the consoles. */
static void
numberConsoles(GPtrArray *chrs)
{
    int n = 0;

    for (guint i = 0; i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];
        if (c->kind != VK_DOMAIN_CHR_CONSOLE)
            continue;
        if (!vkXmlElemGetAttr(c->target, "port")) {
            g_autofree char *port = g_strdup_printf("%d", n);
            if (!c->target) {
                c->target = g_new0(vkXmlElem, 1);
                c->target->name = g_strdup("target");
            }
            vkXmlElemSetAttr(c->target, "port", port);
        }
        n++;
    }
}

static void
renumberConsolesAfter(GPtrArray *chrs, const vkDomainChrDef *first)
{
    int n = 0;
    bool after = false;

    for (guint i = 0; i < chrs->len; i++) {
        vkDomainChrDef *c = chrs->pdata[i];
        g_autofree char *port = NULL;

        if (c->kind != VK_DOMAIN_CHR_CONSOLE)
            continue;
        if (after && c->target) {
            port = g_strdup_printf("%d", n);
            vkXmlElemSetAttr(c->target, "port", port);
        }
        after |= c == first;
        n++;
    }
}

static guint
firstConsoleAt(GPtrArray *chrs)
{
    for (guint i = 0; i < chrs->len; i++) {
        if (((vkDomainChrDef *)chrs->pdata[i])->kind == VK_DOMAIN_CHR_CONSOLE)
            return i;
    }
    return chrs->len;
}

void
vkDomainChrConsoleCompat(vkDomainDef *def, vkDomainChrDef *firstSerial, int nconsole)
{
    GPtrArray *chrs = vkDomainDevList(def, VK_DOMAIN_DEVICE_CHR);
    guint at = firstConsoleAt(chrs);
    vkDomainChrDef *con = at < chrs->len ? chrs->pdata[at] : NULL;
    const char *ttype = con ? vkXmlElemGetAttr(con->target, "type") : NULL;
    bool hvm = g_strcmp0(def->osType, "hvm") == 0;

    if (hvm && firstSerial && (!con || g_strcmp0(ttype, "serial") != 0)) {
        /* The first serial port is the first console, unless it is a
         * port on a PCI or USB card or QEMU's debug console. */
        const char *stype = vkXmlElemGetAttr(firstSerial->target, "type");
        if (g_strcmp0(stype, "pci-serial") != 0 && g_strcmp0(stype, "usb-serial") != 0 &&
            g_strcmp0(stype, "isa-debug") != 0) {
            vkDomainChrDef *compat = chrCopyAs(firstSerial, VK_DOMAIN_CHR_CONSOLE);
            compat->target = chrTarget("serial", vkXmlElemGetAttr(firstSerial->target, "port") ?: "0");
            g_ptr_array_insert(chrs, (gint)at, compat);
            /* the consoles after it moved one place: their port is their
             * new position, as the next parse of this output will say */
            renumberConsolesAfter(chrs, compat);
        }
    } else if (hvm && !firstSerial && con && (!ttype || strcmp(ttype, "serial") == 0)) {
        /* A serial console with no serial port is the first serial port. */
        vkDomainChrDef *serial = chrCopyAs(con, VK_DOMAIN_CHR_SERIAL);
        serial->target = chrTarget(NULL, "0");
        g_ptr_array_insert(chrs, (gint)at, serial);
        vkXmlElemFree(con->target);
        con->target = chrTarget("serial", "0");
    } else if (hvm && firstSerial && con) {
        /* a serial console is the serial port it stands for: libvirt
         * writes that port's backend, address and number on it */
        vkDomainChrDef *same = chrCopyAs(firstSerial, VK_DOMAIN_CHR_CONSOLE);
        same->target = chrTarget("serial", vkXmlElemGetAttr(firstSerial->target, "port") ?: "0");
        g_ptr_array_insert(chrs, (gint)at, same);
        g_ptr_array_remove_index(chrs, at + 1);
    }
    (void)nconsole;
    numberConsoles(chrs);
}
