/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain definitions <-> xend's SXP configs: two pure functions.
 *
 * def -> SXP reads the parsed vkDomainDef and builds the (vm ...) tree.
 * SXP -> def goes the other way through domain XML: it writes the XML a
 * Xen guest would have and hands it to the one conf parser, so the result
 * gets the same defaults, checks and canonical form as any parsed domain
 * and no second construction path for vkDomainDef exists.
 *
 * xend counts memory in MiB, the XML in KiB; a PV guest's console is
 * implicit in xend, explicit (type 'xen') in the XML; an HVM guest keeps
 * its loader, boot order, features, serial port and VNC settings inside
 * (image (hvm ...)), a PV guest has its VNC screen as a (vfb) device.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "util/error.h"
#include "util/uuid.h"
#include "conf/domain-conf-priv.h"
#include "drivers/xen/sxpr-conf.h"

static const char *const hvmFeatures[] = { "acpi", "apic", "pae", NULL };

static GPtrArray *
devs(const vkDomainDef *def, int type)
{
    return def->priv ? def->priv->devs[type] : NULL;
}

static const vkXmlElem *
topExtra(const vkDomainDef *def, const char *name)
{
    GPtrArray *a = def->priv ? def->priv->topExtra : NULL;
    for (guint i = 0; a && i < a->len; i++) {
        const vkXmlElem *e = a->pdata[i];
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static bool
hasFeature(const vkDomainDef *def, const char *name)
{
    GPtrArray *a = def->priv ? def->priv->features : NULL;
    for (guint i = 0; a && i < a->len; i++) {
        if (strcmp(((vkXmlElem *)a->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

static unsigned long long
kibToMiB(unsigned long long kib)
{
    return (kib + 1023) / 1024;
}

static const char *
lifecycle(int action)
{
    if (action < 0 || action >= 6)
        return NULL;
    return vkDomainLifecycleTable[action];
}

static int
addDisk(vkSexpr *vm, const vkDomainDef *def, const vkDomainDiskDef *d)
{
    g_autofree char *uname = NULL;
    const char *prefix = d->driverName;

    if (d->src) {
        if (d->type != VK_DOMAIN_DISK_TYPE_FILE && d->type != VK_DOMAIN_DISK_TYPE_BLOCK) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' of domain '%s': xend takes only file and block disks, not '%s'",
                          d->dst, def->name, vkDomainDiskTypeTable[d->type]);
            return -1;
        }
        if (!prefix)
            prefix = d->type == VK_DOMAIN_DISK_TYPE_BLOCK ? "phy" : "file";
        if ((strcmp(prefix, "tap") == 0 || strcmp(prefix, "tap2") == 0) && d->driverType)
            uname = g_strdup_printf("%s:%s:%s", prefix, d->driverType, d->src);
        else
            uname = g_strdup_printf("%s:%s", prefix, d->src);
    }

    vkSexpr *dev = vkSexprAppend(vm, vkSexprNewList());
    vkSexprAppend(dev, vkSexprNewAtom("device"));
    vkSexpr *vbd = vkSexprAppend(dev, vkSexprNewList());
    vkSexprAppend(vbd, vkSexprNewAtom("vbd"));
    if (d->device == VK_DOMAIN_DISK_DEVICE_CDROM)
        vkSexprAddPairFmt(vbd, "dev", "%s:cdrom", d->dst);
    else
        vkSexprAddPair(vbd, "dev", d->dst);
    vkSexprAddPair(vbd, "uname", uname);
    vkSexprAddPair(vbd, "mode", d->readonly ? "r" : d->shareable ? "w!" : "w");
    return 0;
}

static int
addNet(vkSexpr *vm, const vkDomainDef *def, const vkDomainNetDef *n, bool hvm)
{
    char mac[18];

    if (n->type != VK_DOMAIN_NET_TYPE_BRIDGE && n->type != VK_DOMAIN_NET_TYPE_ETHERNET) {
        vkConfMACFormat(n->mac, mac);
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "interface %s of domain '%s': xend takes only bridge and ethernet interfaces, not '%s'",
                      mac, def->name, vkDomainNetTypeTable[n->type]);
        return -1;
    }
    vkConfMACFormat(n->mac, mac);
    vkSexpr *dev = vkSexprAppend(vm, vkSexprNewList());
    vkSexprAppend(dev, vkSexprNewAtom("device"));
    vkSexpr *vif = vkSexprAppend(dev, vkSexprNewList());
    vkSexprAppend(vif, vkSexprNewAtom("vif"));
    vkSexprAddPair(vif, "mac", mac);
    if (n->type == VK_DOMAIN_NET_TYPE_BRIDGE)
        vkSexprAddPair(vif, "bridge", n->source);
    vkSexprAddPair(vif, "script", n->script);
    vkSexprAddPair(vif, "model", n->model);
    vkSexprAddPair(vif, "vifname", n->ifname);
    /* an HVM guest's NIC is emulated by the device model unless it asks
     * for the PV frontend */
    if (hvm && g_strcmp0(n->model, "netfront") != 0)
        vkSexprAddPair(vif, "type", "ioemu");
    return 0;
}

/* VNC settings, as pairs on `into` (the hvm image or a vfb device). */
static void
addVnc(vkSexpr *into, const vkDomainGraphicsDef *g)
{
    if (g->autoport || g->port < 0) {
        vkSexprAddPair(into, "vncunused", "1");
    } else {
        vkSexprAddPair(into, "vncunused", "0");
        vkSexprAddPairFmt(into, "vncdisplay", "%d", g->port - 5900);
    }
    vkSexprAddPair(into, "vnclisten", g->listen);
    vkSexprAddPair(into, "vncpasswd", g->passwd);
    vkSexprAddPair(into, "keymap", g->keymap);
}

static int
addImage(vkSexpr *vm, const vkDomainDef *def, const vkDomainGraphicsDef *vnc)
{
    bool hvm = g_strcmp0(def->osType, "hvm") == 0;
    vkSexpr *image = vkSexprAppend(vm, vkSexprNewList());
    vkSexprAppend(image, vkSexprNewAtom("image"));
    vkSexpr *os = vkSexprAppend(image, vkSexprNewList());

    if (!hvm) {
        vkSexprAppend(os, vkSexprNewAtom("linux"));
        vkSexprAddPair(os, "kernel", def->kernel);
        vkSexprAddPair(os, "ramdisk", def->initrd);
        vkSexprAddPair(os, "args", def->cmdline);
        return 0;
    }

    vkSexprAppend(os, vkSexprNewAtom("hvm"));
    vkSexprAddPair(os, "kernel", def->loader);
    vkSexprAddPair(os, "device_model", def->emulator);
    if (def->nbootDevs) {
        static const char bootLetter[] = { 'a', 'd', 'c', 'n' };
        char boot[VK_DOMAIN_BOOT_LAST + 1] = { 0 };
        for (size_t i = 0; i < def->nbootDevs && i < VK_DOMAIN_BOOT_LAST; i++)
            boot[i] = bootLetter[def->bootDevs[i]];
        vkSexprAddPair(os, "boot", boot);
    }
    for (size_t i = 0; hvmFeatures[i]; i++) {
        if (hasFeature(def, hvmFeatures[i]))
            vkSexprAddPair(os, hvmFeatures[i], "1");
    }
    GPtrArray *chrs = devs(def, VK_DOMAIN_DEVICE_CHR);
    for (guint i = 0; chrs && i < chrs->len; i++) {
        const vkDomainChrDef *c = chrs->pdata[i];
        if (c->kind != VK_DOMAIN_CHR_SERIAL)
            continue;
        if (g_strcmp0(c->type, "pty") != 0 && g_strcmp0(c->type, "null") != 0 &&
            g_strcmp0(c->type, "vc") != 0 && g_strcmp0(c->type, "stdio") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "serial port of type '%s' in domain '%s' is not supported by xend",
                          c->type, def->name);
            return -1;
        }
        vkSexprAddPair(os, "serial", c->type);
        break;                  /* xend's HVM image has one serial port */
    }
    if (vnc) {
        vkSexprAddPair(os, "vnc", "1");
        addVnc(os, vnc);
    }
    return 0;
}

vkSexpr *
vkXenSxprFromDef(const vkDomainDef *def)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool hvm = g_strcmp0(def->osType, "hvm") == 0;
    const vkDomainGraphicsDef *vnc = NULL;
    const vkXmlElem *e;
    GPtrArray *a;

    if (!hvm && g_strcmp0(def->osType, "linux") != 0 && g_strcmp0(def->osType, "xen") != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "domain '%s': os type '%s' is not one xend runs (linux, xen or hvm)",
                      def->name, def->osType ? def->osType : "");
        return NULL;
    }
    if ((a = devs(def, VK_DOMAIN_DEVICE_GRAPHICS))) {
        for (guint i = 0; i < a->len; i++) {
            const vkDomainGraphicsDef *g = a->pdata[i];
            if (g_strcmp0(g->type, "vnc") != 0 || vnc) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "domain '%s': xend supports one VNC display, not graphics of type '%s'",
                              def->name, g->type);
                return NULL;
            }
            vnc = g;
        }
    }

    g_autoptr(vkSexpr) vm = vkSexprNewList();
    vkSexprAppend(vm, vkSexprNewAtom("vm"));
    vkSexprAddPair(vm, "name", def->name);
    vkSexprAddPair(vm, "uuid", vkUUIDFormat(def->uuid, uuid));
    vkSexprAddPairFmt(vm, "memory", "%llu",
                      kibToMiB(def->currentMemory ? def->currentMemory : def->maxMemory));
    vkSexprAddPairFmt(vm, "maxmem", "%llu", kibToMiB(def->maxMemory));
    vkSexprAddPairFmt(vm, "vcpus", "%u", def->maxVcpus);
    if (def->vcpus && def->vcpus < def->maxVcpus && def->vcpus < 64)
        vkSexprAddPairFmt(vm, "vcpu_avail", "%llu", (1ULL << def->vcpus) - 1);
    vkSexprAddPair(vm, "on_poweroff", lifecycle(def->onPoweroff));
    vkSexprAddPair(vm, "on_reboot", lifecycle(def->onReboot));
    vkSexprAddPair(vm, "on_crash", lifecycle(def->onCrash));
    if ((e = topExtra(def, "bootloader")))
        vkSexprAddPair(vm, "bootloader", e->text ? e->text : "");
    if ((e = topExtra(def, "bootloader_args")) && e->text)
        vkSexprAddPair(vm, "bootloader_args", e->text);

    if (addImage(vm, def, hvm ? vnc : NULL) < 0)
        return NULL;

    if ((a = devs(def, VK_DOMAIN_DEVICE_DISK))) {
        for (guint i = 0; i < a->len; i++) {
            if (addDisk(vm, def, a->pdata[i]) < 0)
                return NULL;
        }
    }
    if ((a = devs(def, VK_DOMAIN_DEVICE_NET))) {
        for (guint i = 0; i < a->len; i++) {
            if (addNet(vm, def, a->pdata[i], hvm) < 0)
                return NULL;
        }
    }
    if (vnc && !hvm) {
        vkSexpr *dev = vkSexprAppend(vm, vkSexprNewList());
        vkSexprAppend(dev, vkSexprNewAtom("device"));
        vkSexpr *vfb = vkSexprAppend(dev, vkSexprNewList());
        vkSexprAppend(vfb, vkSexprNewAtom("vfb"));
        vkSexprAddPair(vfb, "type", "vnc");
        addVnc(vfb, vnc);
    }
    return g_steal_pointer(&vm);
}

char *
vkXenSxprFormatDef(const vkDomainDef *def)
{
    g_autoptr(vkSexpr) s = vkXenSxprFromDef(def);
    return s ? vkSexprFormat(s) : NULL;
}

/* ---- SXP -> XML -> def ---- */

static void
xmlLine(GString *x, int indent, const char *elem, const char *text)
{
    if (!text)
        return;
    g_string_append_printf(x, "%*s<%s>", indent, "", elem);
    vkConfEscape(x, text);
    g_string_append_printf(x, "</%s>\n", elem);
}

static int
diskXML(GString *x, const char *name, const vkSexpr *vbd, bool hvm)
{
    const char *dev = vkSexprString(vbd, "dev");
    const char *uname = vkSexprString(vbd, "uname");
    const char *mode = vkSexprString(vbd, "mode");
    g_autofree char *target = NULL;
    g_autofree char *drvName = NULL;
    const char *drvType = NULL;
    const char *path = NULL;
    bool cdrom = false;
    bool block = false;

    if (!dev) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "a vbd of domain '%s' has no (dev) in its xend config", name);
        return -1;
    }
    if (g_str_has_prefix(dev, "ioemu:"))
        dev += 6;
    target = g_strdup(dev);
    char *colon = strchr(target, ':');
    if (colon) {
        cdrom = strcmp(colon + 1, "cdrom") == 0;
        *colon = '\0';
    }
    if (uname && *uname) {
        const char *c = strchr(uname, ':');
        if (!c) {
            vkReportError(VIR_ERR_INTERNAL_ERROR,
                          "disk '%s' of domain '%s': uname '%s' has no 'driver:' prefix",
                          target, name, uname);
            return -1;
        }
        drvName = g_strndup(uname, c - uname);
        path = c + 1;
        if (strcmp(drvName, "tap") == 0 || strcmp(drvName, "tap2") == 0) {
            const char *c2 = strchr(path, ':');
            if (c2) {
                drvType = g_strndup(path, c2 - path);
                path = c2 + 1;
            }
        } else if (strcmp(drvName, "phy") == 0) {
            block = true;
        } else if (strcmp(drvName, "file") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' of domain '%s': unknown uname driver '%s'",
                          target, name, drvName);
            return -1;
        }
    }

    const char *bus = g_str_has_prefix(target, "hd") ? "ide" :
                      g_str_has_prefix(target, "sd") ? "scsi" :
                      hvm && !g_str_has_prefix(target, "xvd") ? "ide" : "xen";
    g_string_append_printf(x, "    <disk type='%s' device='%s'>\n",
                           block ? "block" : "file", cdrom ? "cdrom" : "disk");
    if (drvName) {
        g_string_append(x, "      <driver");
        vkConfAttr(x, "name", drvName);
        vkConfAttr(x, "type", drvType);
        g_string_append(x, "/>\n");
    }
    if (path) {
        g_string_append(x, "      <source");
        vkConfAttr(x, block ? "dev" : "file", path);
        g_string_append(x, "/>\n");
    }
    g_string_append(x, "      <target");
    vkConfAttr(x, "dev", target);
    vkConfAttr(x, "bus", bus);
    g_string_append(x, "/>\n");
    if (g_strcmp0(mode, "r") == 0 || g_strcmp0(mode, "ro") == 0)
        g_string_append(x, "      <readonly/>\n");
    else if (g_strcmp0(mode, "w!") == 0)
        g_string_append(x, "      <shareable/>\n");
    g_string_append(x, "    </disk>\n");
    g_free((char *)drvType);
    return 0;
}

static void
netXML(GString *x, const vkSexpr *vif)
{
    const char *bridge = vkSexprString(vif, "bridge");

    g_string_append_printf(x, "    <interface type='%s'>\n", bridge ? "bridge" : "ethernet");
    if (vkSexprString(vif, "mac")) {
        g_string_append(x, "      <mac");
        vkConfAttr(x, "address", vkSexprString(vif, "mac"));
        g_string_append(x, "/>\n");
    }
    if (bridge) {
        g_string_append(x, "      <source");
        vkConfAttr(x, "bridge", bridge);
        g_string_append(x, "/>\n");
    }
    if (vkSexprString(vif, "script")) {
        g_string_append(x, "      <script");
        vkConfAttr(x, "path", vkSexprString(vif, "script"));
        g_string_append(x, "/>\n");
    }
    if (vkSexprString(vif, "vifname")) {
        g_string_append(x, "      <target");
        vkConfAttr(x, "dev", vkSexprString(vif, "vifname"));
        g_string_append(x, "/>\n");
    }
    if (vkSexprString(vif, "model")) {
        g_string_append(x, "      <model");
        vkConfAttr(x, "type", vkSexprString(vif, "model"));
        g_string_append(x, "/>\n");
    }
    g_string_append(x, "    </interface>\n");
}

static void
vncXML(GString *x, const vkSexpr *from)
{
    long long unused = 1, display;
    bool haveDisplay = vkSexprLong(from, "vncdisplay", &display);

    vkSexprLong(from, "vncunused", &unused);
    if (haveDisplay && !unused)
        g_string_append_printf(x, "    <graphics type='vnc' port='%lld' autoport='no'",
                               5900 + display);
    else
        g_string_append(x, "    <graphics type='vnc' port='-1' autoport='yes'");
    vkConfAttr(x, "listen", vkSexprString(from, "vnclisten"));
    vkConfAttr(x, "keymap", vkSexprString(from, "keymap"));
    vkConfAttr(x, "passwd", vkSexprString(from, "vncpasswd"));
    g_string_append(x, "/>\n");
}

static char *
xmlFromSxpr(const vkSexpr *root, bool inactive)
{
    const char *name = vkSexprString(root, "name");
    const vkSexpr *hvmImg = vkSexprLookup(root, "image/hvm");
    const vkSexpr *pvImg = vkSexprLookup(root, "image/linux");
    bool hvm = hvmImg != NULL;
    long long memory = 0, maxmem = 0, vcpus = 1, avail = 0, domid = -1;
    const char *v;

    if (!name) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "xend config has no (name): not a domain");
        return NULL;
    }
    vkSexprLong(root, "memory", &memory);
    if (!vkSexprLong(root, "maxmem", &maxmem) || maxmem < memory)
        maxmem = memory;
    if (memory <= 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "xend config of domain '%s' has no valid (memory)", name);
        return NULL;
    }
    vkSexprLong(root, "vcpus", &vcpus);
    if (vcpus < 1)
        vcpus = 1;

    g_autoptr(GString) x = g_string_new("<domain type='xen'");
    if (!inactive && vkSexprLong(root, "domid", &domid) && domid >= 0)
        g_string_append_printf(x, " id='%lld'", domid);
    g_string_append(x, ">\n");
    xmlLine(x, 2, "name", name);
    xmlLine(x, 2, "uuid", vkSexprString(root, "uuid"));
    g_string_append_printf(x, "  <memory unit='KiB'>%lld</memory>\n", maxmem * 1024);
    g_string_append_printf(x, "  <currentMemory unit='KiB'>%lld</currentMemory>\n",
                           memory * 1024);
    if (vkSexprLong(root, "vcpu_avail", &avail) && avail > 0) {
        int n = __builtin_popcountll((unsigned long long)avail);
        if (n < vcpus)
            g_string_append_printf(x, "  <vcpu current='%d'>%lld</vcpu>\n", n, vcpus);
        else
            g_string_append_printf(x, "  <vcpu>%lld</vcpu>\n", vcpus);
    } else {
        g_string_append_printf(x, "  <vcpu>%lld</vcpu>\n", vcpus);
    }
    if ((v = vkSexprString(root, "bootloader")))
        xmlLine(x, 2, "bootloader", v);
    xmlLine(x, 2, "bootloader_args", vkSexprString(root, "bootloader_args"));

    g_string_append(x, "  <os>\n");
    g_string_append_printf(x, "    <type>%s</type>\n", hvm ? "hvm" : "linux");
    if (hvm) {
        xmlLine(x, 4, "loader", vkSexprString(hvmImg, "kernel"));
        v = vkSexprString(hvmImg, "boot");
        for (; v && *v; v++) {
            const char *dev = *v == 'a' ? "fd" : *v == 'd' ? "cdrom" :
                              *v == 'c' ? "hd" : *v == 'n' ? "network" : NULL;
            if (dev)
                g_string_append_printf(x, "    <boot dev='%s'/>\n", dev);
        }
    } else if (pvImg) {
        xmlLine(x, 4, "kernel", vkSexprString(pvImg, "kernel"));
        xmlLine(x, 4, "initrd", vkSexprString(pvImg, "ramdisk"));
        xmlLine(x, 4, "cmdline", vkSexprString(pvImg, "args"));
    }
    g_string_append(x, "  </os>\n");
    if (hvm) {
        bool any = false;
        for (size_t i = 0; hvmFeatures[i]; i++) {
            long long on = 0;
            if (vkSexprLong(hvmImg, hvmFeatures[i], &on) && on) {
                if (!any)
                    g_string_append(x, "  <features>\n");
                any = true;
                g_string_append_printf(x, "    <%s/>\n", hvmFeatures[i]);
            }
        }
        if (any)
            g_string_append(x, "  </features>\n");
    }
    xmlLine(x, 2, "on_poweroff", vkSexprString(root, "on_poweroff"));
    xmlLine(x, 2, "on_reboot", vkSexprString(root, "on_reboot"));
    xmlLine(x, 2, "on_crash", vkSexprString(root, "on_crash"));

    g_string_append(x, "  <devices>\n");
    if (hvm)
        xmlLine(x, 4, "emulator", vkSexprString(hvmImg, "device_model"));
    for (size_t i = 1; i < vkSexprLen(root); i++) {
        const vkSexpr *dev = vkSexprItem(root, i);
        if (g_strcmp0(vkSexprHead(dev), "device") != 0)
            continue;
        const vkSexpr *body = vkSexprItem(dev, 1);
        const char *kind = vkSexprHead(body);
        if (g_strcmp0(kind, "vbd") == 0 || g_strcmp0(kind, "tap") == 0) {
            if (diskXML(x, name, body, hvm) < 0)
                return NULL;
        }
    }
    for (size_t i = 1; i < vkSexprLen(root); i++) {
        const vkSexpr *body = vkSexprItem(vkSexprItem(root, i), 1);
        if (g_strcmp0(vkSexprHead(vkSexprItem(root, i)), "device") == 0 &&
            g_strcmp0(vkSexprHead(body), "vif") == 0)
            netXML(x, body);
    }
    if (hvm) {
        if ((v = vkSexprString(hvmImg, "serial")))
            g_string_append_printf(x, "    <serial type='%s'/>\n", v);
        long long on = 0;
        if (vkSexprLong(hvmImg, "vnc", &on) && on)
            vncXML(x, hvmImg);
    } else {
        g_string_append(x, "    <console type='pty'>\n"
                           "      <target type='xen' port='0'/>\n"
                           "    </console>\n");
        for (size_t i = 1; i < vkSexprLen(root); i++) {
            const vkSexpr *body = vkSexprItem(vkSexprItem(root, i), 1);
            if (g_strcmp0(vkSexprHead(vkSexprItem(root, i)), "device") == 0 &&
                g_strcmp0(vkSexprHead(body), "vfb") == 0 &&
                g_strcmp0(vkSexprString(body, "type"), "vnc") == 0)
                vncXML(x, body);
        }
    }
    g_string_append(x, "  </devices>\n</domain>\n");
    return g_string_free(g_steal_pointer(&x), FALSE);
}

vkDomainDef *
vkXenDefFromSxpr(const vkSexpr *root, bool inactive)
{
    g_autofree char *xml = xmlFromSxpr(root, inactive);
    if (!xml)
        return NULL;
    return vkDomainDefParseString(xml, "xen", inactive ? VK_DOMAIN_PARSE_INACTIVE : 0);
}
