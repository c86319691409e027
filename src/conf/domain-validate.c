/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * More of the checks libvirt makes on any definition at define, whatever
 * the driver (its test driver refuses these too): a domain whose USB is
 * disabled with USB devices, PCI controller target indexes, video and
 * disk combinations, numatune without what it refers to, firmware
 * settings that contradict each other.
 *
 * Each check gives libvirt's error code and message, found by defining
 * the same input through virsh on test:///default; domain-generic.c holds
 * the first set, this file the rest (one file would pass 800 lines).
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

/* ---- <controller type='usb' model='none'/> ---- */

static int
checkUsbDisabled(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];
    bool none = false;
    guint usb = 0;

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainControllerDef *c = a->pdata[i];
        if (strcmp(c->type, "usb") != 0)
            continue;
        usb++;
        none |= g_strcmp0(c->model, "none") == 0;
    }
    if (!none)
        return 0;
    if (usb > 1) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s",
                      "Can't add another USB controller: USB is disabled for this domain");
        return -1;
    }
    a = def->priv->devs[VK_DOMAIN_DEVICE_INPUT];
    for (guint i = 0; a && i < a->len; i++) {
        if (g_strcmp0(((vkDomainInputDef *)a->pdata[i])->bus, "usb") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "Can't add USB input device. USB bus is disabled");
            return -1;
        }
    }
    a = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    for (guint i = 0; a && i < a->len; i++) {
        vkXmlElem *e = a->pdata[i];
        if (strcmp(e->name, "hub") == 0 && g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "Can't add USB hub: USB is disabled for this domain");
            return -1;
        }
    }
    /* redirected USB devices: vkDomainDefRedirdevCheck, once a driver's
     * implicit controllers are in */
    return 0;
}

/* ---- PCI controllers ---- */

static int
checkPciController(const vkDomainControllerDef *c)
{
    vkXmlElem *target = NULL;
    const char *ti;

    if (strcmp(c->type, "pci") != 0)
        return 0;
    if (c->address && (g_strcmp0(c->model, "pci-root") == 0 ||
                       g_strcmp0(c->model, "pcie-root") == 0)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "pci-root and pcie-root controllers should not have an address");
        return -1;
    }
    target = vkXmlElemListFind(c->extra, "target");
    if ((ti = vkXmlElemGetAttr(target, "index"))) {
        unsigned int v;
        if (vkDomainParseUInt(ti, &v) == 0 && v > 30) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "PCI controller target index '%u' out of range - must be 0-30", v);
            return -1;
        }
        if (vkDomainParseUInt(ti, &v) == 0 && (c->idx == 0) != (v == 0)) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "Only the PCI controller with index 0 can have target index 0, "
                          "and vice versa");
            return -1;
        }
    }
    if (c->idx == 0 && vkXmlElemChild(target, "node")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "The PCI controller with index=0 can't be associated with a NUMA node");
        return -1;
    }
    return 0;
}

/* ---- video, disks, other devices ---- */

static int
checkVideos(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO];

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainVideoDef *v = a->pdata[i];
        if (a->len > 1 && g_strcmp0(v->modelType, "none") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "a 'none' video type must be the only video device defined "
                          "for the domain");
            return -1;
        }
        if (v->address && g_strcmp0(v->modelType, "ramfb") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "address not supported for video type ramfb");
            return -1;
        }
    }
    return 0;
}

static int
checkDisk(const vkDomainDiskDef *d)
{
    if (d->device == VK_DOMAIN_DISK_DEVICE_LUN && d->type != VK_DOMAIN_DISK_TYPE_BLOCK &&
        d->type != VK_DOMAIN_DISK_TYPE_NETWORK) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "disk device='lun' is only valid for block type disk source");
        return -1;
    }
    return 0;
}

static int
checkOther(const vkXmlElem *e)
{
    if (strcmp(e->name, "tpm") == 0 && !vkXmlElemChild(e, "backend")) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing TPM device backend");
        return -1;
    }
    if (strcmp(e->name, "shmem") == 0 && vkXmlElemChild(e, "msi") && !vkXmlElemChild(e, "server")) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "msi option is only supported with a server");
        return -1;
    }
    return 0;
}

static int
checkDevices(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    GPtrArray *a;
    guint nvram = 0;

    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_CONTROLLER]) && i < a->len; i++) {
        if (checkPciController(a->pdata[i]) < 0)
            return -1;
    }
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_DISK]) && i < a->len; i++) {
        if (checkDisk(a->pdata[i]) < 0)
            return -1;
    }
    for (guint i = 0; (a = p->devs[VK_DOMAIN_DEVICE_OTHER]) && i < a->len; i++) {
        if (checkOther(a->pdata[i]) < 0)
            return -1;
        /* the guest has one NVRAM (pSeries' firmware store) or none */
        if (strcmp(((vkXmlElem *)a->pdata[i])->name, "nvram") == 0 && ++nvram > 1) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "only a single nvram device is supported");
            return -1;
        }
    }
    return checkVideos(def);
}

/* ---- <os><bootmenu>, <numatune> ---- */

static int
checkBootMenu(vkDomainDefPriv *p)
{
    vkXmlElem *menu = vkXmlElemListFind(p->osExtra, "bootmenu");
    const char *t = vkXmlElemGetAttr(menu, "timeout");
    unsigned int v;

    if (t && (vkDomainParseUInt(t, &v) < 0 || v > 65535)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "invalid value for boot menu timeout, must be in range [0,65535]");
        return -1;
    }
    return 0;
}

static bool
haveNumaCells(vkDomainDefPriv *p)
{
    return p->cpu && vkXmlElemChild(vkXmlElemListFind(p->cpu->extra, "numa"), "cell");
}

static int
checkNumatune(vkDomainDefPriv *p)
{
    vkXmlElem *tune = vkXmlElemListFind(p->topExtra, "numatune");
    vkXmlElem *mem = vkXmlElemChild(tune, "memory");
    const char *placement = vkXmlElemGetAttr(mem, "placement");
    const char *mode = vkXmlElemGetAttr(mem, "mode");
    vkXmlElem *memnode = vkXmlElemChild(tune, "memnode");

    if (!tune)
        return 0;
    if (g_strcmp0(placement, "static") == 0 && !vkXmlElemGetAttr(mem, "nodeset")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        return -1;
    }
    if (memnode && g_strcmp0(placement, "auto") == 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "Per-node binding is not compatible with automatic NUMA placement.");
        return -1;
    }
    if (memnode && !haveNumaCells(p)) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "Element 'memnode' is invalid without any guest NUMA cells");
        return -1;
    }
    for (guint i = 0; g_strcmp0(mode, "restrictive") == 0 && i < tune->children->len; i++) {
        vkXmlElem *n = tune->children->pdata[i];
        if (strcmp(n->name, "memnode") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(n, "mode"), "restrictive") != 0) {
            vkReportError(VIR_ERR_XML_ERROR, "%s",
                          "'restrictive' mode is required in memnode element when mode is "
                          "'restrictive' in memory element");
            return -1;
        }
    }
    return 0;
}

/* ---- firmware: <os firmware=''>, <loader>, <nvram> ---- */

static bool
featureIs(const vkXmlElem *fw, const char *name, const char *enabled)
{
    for (guint i = 0; fw && fw->children && i < fw->children->len; i++) {
        vkXmlElem *f = fw->children->pdata[i];
        if (strcmp(f->name, "feature") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(f, "name"), name) == 0 &&
            g_strcmp0(vkXmlElemGetAttr(f, "enabled"), enabled) == 0)
            return true;
    }
    return false;
}

static int
firmwareError(const char *msg)
{
    vkReportError(VIR_ERR_XML_DETAIL, "%s", msg);
    return -1;
}

static int
checkFirmware(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    vkXmlElem *nvram = vkXmlElemListFind(p->osExtra, "nvram");
    const char *stateless = vkXmlElemGetAttr(p->loader, "stateless");
    const char *ltype = vkXmlElemGetAttr(p->loader, "type");

    if (featureIs(vkXmlElemListFind(p->osExtra, "firmware"), "enrolled-keys", "yes") &&
        featureIs(vkXmlElemListFind(p->osExtra, "firmware"), "secure-boot", "no"))
        return firmwareError("firmware feature 'enrolled-keys' cannot be enabled when "
                             "firmware feature 'secure-boot' is disabled");
    /* with autoselection the firmware descriptor decides these; a loader
     * path implies a type */
    if (p->osFirmware && (ltype || def->loader))
        return firmwareError("loader attribute 'type' cannot be specified when firmware "
                             "autoselection is enabled");
    if (p->osFirmware && vkXmlElemGetAttr(p->loader, "readonly"))
        return firmwareError("loader attribute 'readonly' cannot be specified when firmware "
                             "autoselection is enabled");
    if (p->osFirmware && g_strcmp0(vkXmlElemGetAttr(p->loader, "secure"), "no") == 0)
        return firmwareError("loader attribute 'secure' cannot be specified when firmware "
                             "autoselection is enabled");
    if (g_strcmp0(p->osFirmware, "bios") == 0) {
        if (nvram)
            return firmwareError("firmware type 'bios' does not support nvram");
        if (g_strcmp0(stateless, "no") == 0)
            return firmwareError("Only EFI firmware permits NVRAM");
    }
    if (!p->osFirmware && g_strcmp0(stateless, "no") == 0 && g_strcmp0(ltype, "pflash") != 0)
        return firmwareError("Only pflash loader type permits NVRAM");
    if (g_strcmp0(stateless, "yes") == 0 && nvram) {
        if (nvram->text || vkXmlElemChild(nvram, "source"))
            return firmwareError("NVRAM is not permitted when loader is stateless");
        if (vkXmlElemGetAttr(nvram, "template"))
            return firmwareError("NVRAM template is not permitted when loader is stateless");
    }
    if (!p->osFirmware && p->loader && !def->loader && g_strcmp0(ltype, "pflash") == 0)
        return firmwareError("no loader path specified and firmware auto selection disabled");
    return 0;
}

int
vkDomainDefValidateMore(vkDomainDef *def)
{
    if (checkUsbDisabled(def) < 0 || checkDevices(def) < 0 || checkBootMenu(def->priv) < 0 ||
        checkNumatune(def->priv) < 0 || checkFirmware(def) < 0 ||
        vkDomainDefEnumCheck(def) < 0 || vkDomainDefNumaCheck(def) < 0 ||
        vkDomainDefResctrlCheck(def) < 0 || vkDomainDefUsbMasterCheck(def) < 0 ||
        vkDomainDefMdevCheck(def) < 0)
        return -1;
    return 0;
}
