/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Controllers (PCI buses, USB, SCSI, SATA, virtio-serial) and inputs.
 *
 * Each controller becomes the QEMU device libvirt 9.0 uses, with the id
 * libvirt gives it (pci.N, usb, scsiN, sataN, virtio-serialN) so the
 * devices behind it name their bus the same way, and with its kept PCI
 * address.  Controllers QEMU's machine already has (pci-root, pcie-root,
 * the PIIX3 IDE, the q35 AHCI at 00:1f.2) produce nothing.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static const char *
ctAttr(const vkDomainControllerDef *ct, const char *name)
{
    for (guint i = 0; ct->attrs && i + 1 < ct->attrs->len; i += 2) {
        if (strcmp(ct->attrs->pdata[i], name) == 0)
            return ct->attrs->pdata[i + 1];
    }
    return NULL;
}

static const vkXmlElem *
ctChild(const vkDomainControllerDef *ct, const char *name)
{
    for (guint i = 0; ct->extra && i < ct->extra->len; i++) {
        const vkXmlElem *e = ct->extra->pdata[i];
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static unsigned int
num(const char *s)
{
    return s ? (unsigned int)g_ascii_strtoull(s, NULL, 0) : 0;
}

static bool
builtin(const vkDomainDef *def, const vkDomainControllerDef *ct)
{
    const char *bus = isPciAddr(ct->address) ? vkXmlElemGetAttr(ct->address, "bus") : NULL;
    const char *slot = bus ? vkXmlElemGetAttr(ct->address, "slot") : NULL;

    if (strcmp(ct->type, "pci") == 0)
        return g_strcmp0(ct->model, "pci-root") == 0 || g_strcmp0(ct->model, "pcie-root") == 0;
    if (strcmp(ct->type, "ide") == 0)
        return ct->idx == 0 && !vkQemuCmdIsQ35(def);
    if (strcmp(ct->type, "fdc") == 0)
        return true;
    if (strcmp(ct->type, "sata") == 0)
        return ct->idx == 0 && vkQemuCmdIsQ35(def) && num(bus) == 0 && num(slot) == 0x1f;
    return false;
}

bool
vkQemuSataIsBuiltin(const vkDomainDef *def, unsigned int idx)
{
    GPtrArray *a = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER] : NULL;

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainControllerDef *ct = a->pdata[i];

        if (strcmp(ct->type, "sata") == 0 && ct->idx == (int)idx)
            return builtin(def, ct);
    }
    return false;
}

static int
pciController(cmdBuf *b, const vkDomainControllerDef *ct, GString *d)
{
    const vkXmlElem *t = ctChild(ct, "target");
    const char *m = ct->model ? ct->model : "";

    if (strcmp(m, "pcie-root-port") == 0 || strcmp(m, "pcie-switch-downstream-port") == 0) {
        g_string_append_printf(d, "%s,port=0x%x,chassis=%u,id=pci.%d",
                               strcmp(m, "pcie-root-port") == 0 ? "pcie-root-port" :
                               "xio3130-downstream", num(vkXmlElemGetAttr(t, "port")),
                               num(vkXmlElemGetAttr(t, "chassis")), ct->idx);
    } else if (strcmp(m, "pci-bridge") == 0) {
        const char *nr = vkXmlElemGetAttr(t, "chassisNr");
        g_string_append_printf(d, "pci-bridge,chassis_nr=%u,id=pci.%d",
                               nr ? num(nr) : (unsigned int)ct->idx, ct->idx);
    } else if (strcmp(m, "dmi-to-pci-bridge") == 0) {
        g_string_append_printf(d, "i82801b11-bridge,id=pci.%d", ct->idx);
    } else if (strcmp(m, "pcie-to-pci-bridge") == 0) {
        g_string_append_printf(d, "pcie-pci-bridge,id=pci.%d", ct->idx);
    } else if (strcmp(m, "pcie-switch-upstream-port") == 0) {
        g_string_append_printf(d, "x3130-upstream,id=pci.%d", ct->idx);
    } else {
        unsupported("PCI controller model '%s' index %d of domain '%s'", m, ct->idx,
                    b->def->name);
        return -1;
    }
    return 0;
}

static int
usbController(cmdBuf *b, const vkDomainControllerDef *ct, GString *d)
{
    static const struct { const char *model, *device; } models[] = {
        { "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
        { "ich9-ehci1", "ich9-usb-ehci1" }, { "ich9-uhci1", "ich9-usb-uhci1" },
        { "ich9-uhci2", "ich9-usb-uhci2" }, { "ich9-uhci3", "ich9-usb-uhci3" },
        { "qemu-xhci", "qemu-xhci" }, { "nec-xhci", "nec-usb-xhci" },
    };
    const char *m = ct->model ? ct->model : "";
    g_autofree char *id = ct->idx ? g_strdup_printf("usb%d", ct->idx) : g_strdup("usb");
    const char *ports = ctAttr(ct, "ports");

    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (strcmp(models[i].model, m) != 0)
            continue;
        g_string_append(d, models[i].device);
        if (g_str_has_prefix(m, "ich9-uhci")) {
            /* a companion: it serves the ports of the EHCI controller */
            const vkXmlElem *master = ctChild(ct, "master");
            g_string_append_printf(d, ",masterbus=%s.0,firstport=%u", id,
                                   num(vkXmlElemGetAttr(master, "startport")));
            return 0;
        }
        if (ports && strstr(m, "xhci"))
            g_string_append_printf(d, ",p2=%u,p3=%u", num(ports), num(ports));
        g_string_append_printf(d, ",id=%s", id);
        return 0;
    }
    unsupported("USB controller model '%s' of domain '%s'", m, b->def->name);
    return -1;
}

static int
scsiController(cmdBuf *b, const vkDomainControllerDef *ct, GString *d)
{
    static const struct { const char *model, *device; } models[] = {
        { "virtio-scsi", "virtio-scsi-pci" }, { "lsilogic", "lsi" },
        { "lsisas1068", "mptsas1068" }, { "lsisas1078", "megasas" },
        { "vmpvscsi", "pvscsi" },
        { "virtio-transitional", "virtio-scsi-pci-transitional" },
        { "virtio-non-transitional", "virtio-scsi-pci-non-transitional" },
    };
    const char *m = ct->model ? ct->model : "lsilogic";
    const vkXmlElem *drv = ctChild(ct, "driver");

    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (strcmp(models[i].model, m) != 0)
            continue;
        g_string_append_printf(d, "%s,id=scsi%d", models[i].device, ct->idx);
        if (drv && g_str_has_prefix(m, "virtio")) {
            const char *q = vkXmlElemGetAttr(drv, "queues");
            const char *io = vkXmlElemGetAttr(drv, "iothread");
            const char *cmd = vkXmlElemGetAttr(drv, "cmd_per_lun");
            const char *sect = vkXmlElemGetAttr(drv, "max_sectors");
            if (io && !vkQemuCmdIothreadExists(b->def, io)) {
                unsupported("iothread '%s' of SCSI controller %d of domain '%s' is not "
                            "defined in <iothreads>", io, ct->idx, b->def->name);
                return -1;
            }
            if (io)
                g_string_append_printf(d, ",iothread=iothread%s", io);
            if (q)
                g_string_append_printf(d, ",num_queues=%u", num(q));
            if (cmd)
                g_string_append_printf(d, ",cmd_per_lun=%u", num(cmd));
            if (sect)
                g_string_append_printf(d, ",max_sectors=%u", num(sect));
        }
        return 0;
    }
    /* libvirt's define keeps the pSeries VSCSI adapter on any machine */
    if (strcmp(m, "ibmvscsi") == 0)
        return refuseAtStart(b, "SCSI controller model 'ibmvscsi' of domain '%s' (QEMU has "
                             "spapr-vscsi on pSeries machines only)", b->def->name);
    unsupported("SCSI controller model '%s' of domain '%s'", m, b->def->name);
    return -1;
}

static int
controller(cmdBuf *b, const vkDomainControllerDef *ct)
{
    const vkDomainDef *def = b->def;
    g_autoptr(GString) d = g_string_new(NULL);
    int rc;

    if (builtin(def, ct) || (strcmp(ct->type, "usb") == 0 && g_strcmp0(ct->model, "none") == 0))
        return 0;
    if (strcmp(ct->type, "pci") == 0) {
        rc = pciController(b, ct, d);
    } else if (strcmp(ct->type, "usb") == 0) {
        rc = usbController(b, ct, d);
    } else if (strcmp(ct->type, "scsi") == 0) {
        rc = scsiController(b, ct, d);
    } else if (strcmp(ct->type, "sata") == 0) {
        g_string_append_printf(d, "ich9-ahci,id=sata%d", ct->idx);
        rc = 0;
    } else if (strcmp(ct->type, "virtio-serial") == 0) {
        const char *ports = ctAttr(ct, "ports"), *vectors = ctAttr(ct, "vectors");
        g_string_append_printf(d, "virtio-serial-pci,id=virtio-serial%d", ct->idx);
        if (ports)
            g_string_append_printf(d, ",max_ports=%u", num(ports));
        if (vectors)
            g_string_append_printf(d, ",vectors=%u", num(vectors));
        rc = 0;
    } else if (strcmp(ct->type, "ccid") == 0) {
        /* a USB smartcard reader; QEMU picks its port when none is given */
        g_string_append_printf(d, "usb-ccid,id=ccid%d", ct->idx);
        vkQemuCmdAddress(d, def, ct->address);
        add(b, "-device");
        add(b, d->str);
        return 0;
    } else if (strcmp(ct->type, "ide") == 0) {
        unsupported("IDE controller index %d of domain '%s' (only the one built into "
                    "an i440fx machine)", ct->idx, def->name);
        return -1;
    } else {
        unsupported("controller type '%s' index %d of domain '%s'", ct->type, ct->idx,
                    def->name);
        return -1;
    }
    if (rc < 0)
        return -1;
    if (ct->address && !isPciAddr(ct->address)) {
        unsupported("address type '%s' of controller type '%s' index %d of domain '%s'",
                    vkXmlElemGetAttr(ct->address, "type"), ct->type, ct->idx, def->name);
        return -1;
    }
    vkQemuCmdAddress(d, def, ct->address);
    add(b, "-device");
    add(b, d->str);
    return 0;
}

int
vkQemuCmdControllersAndOthers(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *c = devs(def, VK_DOMAIN_DEVICE_CONTROLLER);

    /* PCI buses first: every other device may sit behind one */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; c && i < c->len; i++) {
            const vkDomainControllerDef *ct = c->pdata[i];
            if ((strcmp(ct->type, "pci") == 0) == (pass == 0) &&
                strcmp(ct->type, "ccid") != 0 && controller(b, ct) < 0)
                return -1;
        }
    }
    vkQemuCmdUsbHubs(b);
    /* smartcard readers plug into a USB port, maybe a hub's */
    for (guint i = 0; c && i < c->len; i++) {
        const vkDomainControllerDef *ct = c->pdata[i];
        if (strcmp(ct->type, "ccid") == 0 && controller(b, ct) < 0)
            return -1;
    }
    /* inputs and sound: command-sound.c, after the video */
    return vkQemuCmdOthers(b);
}
