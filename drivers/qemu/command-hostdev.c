/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices libvirt accepts at define whatever the host has, and that
 * virtkit keeps but runs only where it can: host devices (<hostdev>),
 * memory devices (<memory>), smartcards, vsock, TPM passthrough, USB
 * redirection filters, and the IOMMU (which QEMU emulates under TCG).
 *
 * The one idea: define checks what libvirt's validation checks (the
 * definition contradicts itself or QEMU 7.2), and keeps the rest; what
 * depends on the host or on a part virtkit lacks (VFIO, a host's smartcard
 * reader, /dev/vhost-vsock) is refused when the guest starts, naming the
 * device (refuseAtStart).
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static const char *
attr(const vkXmlElem *e, const char *name)
{
    return e ? vkXmlElemGetAttr(e, name) : NULL;
}

static unsigned int
num(const vkXmlElem *e, const char *name)
{
    const char *v = attr(e, name);

    return v ? (unsigned int)g_ascii_strtoull(v, NULL, 0) : 0;
}

/* What identifies the host side of a <hostdev>: two with the same key
 * would hand one host device to the guest twice. */
static char *
hostdevKey(const vkXmlElem *e)
{
    const char *type = attr(e, "type");
    const vkXmlElem *src = vkQemuCmdChild(e, "source");
    const vkXmlElem *a = vkQemuCmdChild(src, "address");
    const vkXmlElem *ad = vkQemuCmdChild(src, "adapter");
    const vkXmlElem *vendor = vkQemuCmdChild(src, "vendor");
    const vkXmlElem *product = vkQemuCmdChild(src, "product");

    if (!type || !src)
        return NULL;
    if (strcmp(type, "pci") == 0 && a)
        return g_strdup_printf("pci:%04x:%02x:%02x.%x", num(a, "domain"), num(a, "bus"),
                               num(a, "slot"), num(a, "function"));
    if (strcmp(type, "usb") == 0 && a)
        return g_strdup_printf("usb:%u.%u", num(a, "bus"), num(a, "device"));
    if (strcmp(type, "usb") == 0 && vendor && product)
        return g_strdup_printf("usb:%s:%s", attr(vendor, "id"), attr(product, "id"));
    if (strcmp(type, "scsi") == 0 && a)
        return g_strdup_printf("scsi:%s:%u:%u:%u", attr(ad, "name") ? attr(ad, "name") : "",
                               num(a, "bus"), num(a, "target"), num(a, "unit"));
    if (strcmp(type, "scsi") == 0 && attr(src, "protocol") && attr(src, "name")) {
        const char *lun = attr(vkQemuCmdChild(src, "host"), "name");
        return g_strdup_printf("iscsi:%s:%s:%s", lun ? lun : "", attr(src, "protocol"),
                               attr(src, "name"));
    }
    if (strcmp(type, "mdev") == 0 && attr(a, "uuid"))
        return g_strdup_printf("mdev:%s", attr(a, "uuid"));
    if (strcmp(type, "scsi_host") == 0 && attr(src, "wwpn"))
        return g_strdup_printf("vhost:%s", attr(src, "wwpn"));
    return NULL;
}

/* The guest-side drive address of a SCSI host device, "ctrl:bus:target:unit". */
static char *
driveKey(const vkXmlElem *addr)
{
    if (g_strcmp0(attr(addr, "type"), "drive") != 0)
        return NULL;
    return g_strdup_printf("%u:%u:%u:%u", num(addr, "controller"), num(addr, "bus"),
                           num(addr, "target"), num(addr, "unit"));
}

/* libvirt's define-time checks of mediated devices. */
static int
checkMdev(const vkDomainDef *def, const vkXmlElem *e, bool *ramfb)
{
    const vkXmlElem *a = vkQemuCmdChild(vkQemuCmdChild(e, "source"), "address");
    const char *at = attr(vkQemuCmdChild(e, "address"), "type");
    const char *model = attr(e, "model");

    if (!attr(a, "uuid")) {
        unsupported("%s", "Missing 'uuid' attribute for element <address>");
        return -1;
    }
    if (g_strcmp0(model, "vfio-pci") == 0 && at && strcmp(at, "pci") != 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "Unsupported address type '%s' with mediated device model '%s'", at,
                      model);
        return -1;
    }
    if (g_strcmp0(attr(e, "display"), "on") == 0 &&
        !(def->priv && def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] &&
          def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS]->len)) {
        unsupported("%s", "graphics device is needed for attribute value 'display=on' in "
                    "<hostdev>");
        return -1;
    }
    if (g_strcmp0(attr(e, "ramfb"), "on") == 0) {
        if (*ramfb) {
            unsupported("%s", "Only one vgpu device can have 'ramfb' enabled");
            return -1;
        }
        *ramfb = true;
    }
    return 0;
}

/* Why a host device cannot be given to this guest here: a PCI device
 * that does not exist is named as such; any that does still needs VFIO,
 * USB or SCSI passthrough, which virtkit does not do. */
static int
hostdevStart(cmdBuf *b, const vkXmlElem *e, const char *key)
{
    const char *type = attr(e, "type");

    if (g_str_has_prefix(key, "pci:")) {
        g_autofree char *path = g_strdup_printf("/sys/bus/pci/devices/%s", key + 4);

        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            return refuseAtStart(b, "<hostdev> device of domain '%s': no such host PCI "
                                 "device %s", b->def->name, key + 4);
        return refuseAtStart(b, "<hostdev> device of domain '%s': assigning host PCI "
                             "device %s (VFIO) is not supported", b->def->name, key + 4);
    }
    return refuseAtStart(b, "<hostdev> device of domain '%s' (type '%s': host device "
                         "assignment is not supported)", b->def->name, type);
}

/* The drive addresses SCSI disks take, mapped to the disk's target. */
static GHashTable *
diskDrives(const vkDomainDef *def)
{
    GPtrArray *disks = devs(def, VK_DOMAIN_DEVICE_DISK);
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; disks && i < disks->len; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];
        char *key = g_strcmp0(d->bus, "scsi") == 0 ? driveKey(d->address) : NULL;

        if (key)
            g_hash_table_insert(h, key, d->dst);
    }
    return h;
}

static int
hostdevs(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) drives = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                         NULL);
    g_autoptr(GHashTable) disks = diskDrives(b->def);
    bool ramfb = false;
    const vkXmlElem *first = NULL;
    g_autofree char *firstKey = NULL;

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        const char *type = attr(e, "type");
        g_autofree char *key = NULL;
        g_autofree char *drive = NULL;

        if (strcmp(e->name, "hostdev") != 0)
            continue;
        if (g_strcmp0(attr(e, "mode"), "capabilities") == 0) {
            unsupported("<hostdev mode='capabilities'> of domain '%s' (containers only)",
                        b->def->name);
            return -1;
        }
        if (g_strcmp0(type, "mdev") == 0 && checkMdev(b->def, e, &ramfb) < 0)
            return -1;
        if (g_strcmp0(type, "scsi_host") == 0 && vkQemuCmdChild(e, "boot")) {
            unsupported("%s", "booting from assigned devices is not supported by vhost "
                        "SCSI devices");
            return -1;
        }
        if (!(key = hostdevKey(e))) {
            unsupported("<hostdev> device of domain '%s' (type '%s') without a source "
                        "address", b->def->name, type ? type : "");
            return -1;
        }
        if (!g_hash_table_add(seen, g_strdup(key))) {
            vkReportError(VIR_ERR_XML_ERROR, "%s",
                          "Hostdev already exists in the domain configuration");
            return -1;
        }
        if (vkQemuCmdChild(vkQemuCmdChild(e, "address"), "zpci")) {
            unsupported("%s", "This QEMU binary doesn't support zPCI");
            return -1;
        }
        if (g_strcmp0(type, "scsi") == 0 &&
            (drive = driveKey(vkQemuCmdChild(e, "address"))) &&
            g_hash_table_contains(disks, drive)) {
            const vkXmlElem *a = vkQemuCmdChild(e, "address");
            unsupported("using disk target name '%s' conflicts with SCSI host device "
                        "address controller='%u' bus='%u' target='%u' unit='%u'",
                        (const char *)g_hash_table_lookup(disks, drive),
                        num(a, "controller"), num(a, "bus"), num(a, "target"),
                        num(a, "unit"));
            return -1;
        }
        if (drive && !g_hash_table_add(drives, g_steal_pointer(&drive))) {
            const vkXmlElem *a = vkQemuCmdChild(e, "address");
            unsupported("SCSI host address controller='%u' bus='%u' target='%u' unit='%u' "
                        "in use by another SCSI host device", num(a, "controller"),
                        num(a, "bus"), num(a, "target"), num(a, "unit"));
            return -1;
        }
        if (!first) {
            first = e;
            firstKey = g_steal_pointer(&key);
        }
    }
    /* what the whole definition contradicts is said first */
    return first ? hostdevStart(b, first, firstKey) : 0;
}

/* libvirt's checks of memory devices: they go into a NUMA node of the
 * guest, so there has to be one, and the one named has to exist. */
static int
memoryDevice(cmdBuf *b, const vkXmlElem *e)
{
    const vkDomainCpuDef *cpu = b->def->priv ? b->def->priv->cpu : NULL;
    const vkXmlElem *target = vkQemuCmdChild(e, "target");
    const vkXmlElem *node = vkQemuCmdChild(target, "node");
    const char *model = attr(e, "model");
    unsigned int cells = 0;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        const vkXmlElem *numa = cpu->extra->pdata[i];
        if (strcmp(numa->name, "numa") == 0 && numa->children)
            cells += numa->children->len;
    }
    /* QEMU 7.2 has sgx-epc, but libvirt asks the host CPU, and this
     * one has no SGX: refused at define, as libvirt does */
    if (g_strcmp0(model, "sgx-epc") == 0) {
        unsupported("%s", "sgx epc isn't supported by this QEMU binary");
        return -1;
    }
    if (cells == 0 && g_strcmp0(model, "virtio-pmem") != 0) {
        unsupported("%s", "At least one numa node has to be configured when enabling memory "
                    "hotplug");
        return -1;
    }
    if (node && node->text && (unsigned int)g_ascii_strtoull(node->text, NULL, 10) >= cells &&
        g_strcmp0(model, "virtio-pmem") != 0) {
        unsupported("can't add memory backend for guest node '%s' as the guest has only "
                    "'%u' NUMA nodes configured", node->text, cells);
        return -1;
    }
    return refuseAtStart(b, "<memory model='%s'> device of domain '%s' (memory devices "
                         "are not supported yet)", model ? model : "", b->def->name);
}

/* intel-iommu (q35 only) and virtio-iommu-pci (q35, with ACPI to
 * describe it), both emulated by QEMU. */
static int
iommu(cmdBuf *b, const vkXmlElem *e)
{
    const char *model = attr(e, "model");
    const vkXmlElem *drv = vkQemuCmdChild(e, "driver");
    const vkXmlElem *addr = vkQemuCmdChild(e, "address");
    g_autoptr(GString) d = g_string_new(NULL);
    bool q35 = vkQemuCmdIsQ35(b->def);

    if (g_strcmp0(model, "intel") == 0) {
        static const char *const onoff[][2] = {
            { "intremap", "intremap" }, { "caching_mode", "caching-mode" },
            { "eim", "eim" }, { "iotlb", "device-iotlb" },
        };

        if (!q35) {
            unsupported("%s", "IOMMU device: 'intel' is only supported with Q35 machines");
            return -1;
        }
        g_string_append(d, "intel-iommu,id=iommu0");
        for (guint i = 0; i < G_N_ELEMENTS(onoff); i++) {
            const char *v = attr(drv, onoff[i][0]);
            if (v)
                g_string_append_printf(d, ",%s=%s", onoff[i][1], v);
        }
        if (attr(drv, "aw_bits"))
            g_string_append_printf(d, ",aw-bits=%s", attr(drv, "aw_bits"));
    } else if (g_strcmp0(model, "virtio") == 0) {
        if (!q35) {
            unsupported("%s", "IOMMU device: 'virtio' is only supported with Q35 and ARM "
                        "Virt machines");
            return -1;
        }
        if (!hasFeature(b->def, "acpi")) {
            unsupported("%s", "IOMMU device: 'virtio' requires ACPI");
            return -1;
        }
        if (addr && !isPciAddr(addr)) {
            unsupported("%s", "IOMMU device: 'virtio' needs a PCI address");
            return -1;
        }
        if (addr && num(addr, "bus") != 0) {
            vkReportError(VIR_ERR_XML_ERROR, "The device at PCI address %04x:%02x:%02x.%x "
                          "needs to be an integrated device (bus=0)", num(addr, "domain"),
                          num(addr, "bus"), num(addr, "slot"), num(addr, "function"));
            return -1;
        }
        g_string_append(d, "virtio-iommu-pci,id=iommu0");
        vkQemuCmdAddress(d, b->def, addr);
    } else {
        unsupported("IOMMU model '%s' of domain '%s'", model ? model : "", b->def->name);
        return -1;
    }
    add2(b, "-device", d->str);
    return 0;
}

/* libvirt gives the IOMMU first of all devices, so QEMU has it before
 * any PCI device it translates for. */
int
vkQemuCmdIommu(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];

        if (strcmp(e->name, "iommu") == 0 && iommu(b, e) < 0)
            return -1;
    }
    return 0;
}

/* The other kept devices of this file, in the order of the definition. */
int
vkQemuCmdHostDevices(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    bool vsock = g_file_test("/dev/vhost-vsock", G_FILE_TEST_EXISTS);

    if (hostdevs(b) < 0)
        return -1;
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        int rc = 0;

        if (strcmp(e->name, "memory") == 0)
            rc = memoryDevice(b, e);
        else if (strcmp(e->name, "vsock") == 0)
            rc = refuseAtStart(b, "<vsock> device of domain '%s' (%s)", b->def->name,
                               vsock ? "vsock is not supported yet" :
                               "the host has no /dev/vhost-vsock");
        else if (strcmp(e->name, "smartcard") == 0)
            rc = refuseAtStart(b, "<smartcard mode='%s'> device of domain '%s' (smartcards "
                               "are not supported yet)", attr(e, "mode") ? attr(e, "mode") :
                               "", b->def->name);
        else if (strcmp(e->name, "tpm") == 0 &&
                 g_strcmp0(attr(vkQemuCmdChild(e, "backend"), "type"), "passthrough") == 0)
            rc = refuseAtStart(b, "<tpm> device of domain '%s' (TPM passthrough is not "
                               "supported)", b->def->name);
        else if (strcmp(e->name, "redirfilter") == 0)
            rc = refuseAtStart(b, "<redirfilter> of domain '%s' (USB redirection filters "
                               "are not supported yet)", b->def->name);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* True for the devices vkQemuCmdHostDevices() handles. */
bool
vkQemuCmdIsHostDevice(const vkXmlElem *e)
{
    return strcmp(e->name, "hostdev") == 0 || strcmp(e->name, "memory") == 0 ||
           strcmp(e->name, "iommu") == 0 || strcmp(e->name, "vsock") == 0 ||
           strcmp(e->name, "smartcard") == 0 || strcmp(e->name, "redirfilter") == 0 ||
           (strcmp(e->name, "tpm") == 0 &&
            g_strcmp0(attr(vkQemuCmdChild(e, "backend"), "type"), "passthrough") == 0);
}
