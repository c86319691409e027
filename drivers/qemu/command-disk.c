/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disks: the -blockdev nodes and the -device of each (qemu-blockdev.c
 * builds both as JSON; this file only numbers and prints them).
 *
 * Node indexes follow libvirt: counted from the last disk up, so the
 * first disk's top image has the highest number and a hot-plugged disk
 * can take the next free one.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"
#include "drivers/qemu/qemu-blockdev.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static void
addJSON(cmdBuf *b, const char *opt, const vkJSON *v)
{
    add(b, opt);
    g_ptr_array_add(b->argv, vkJSONFormat(v));
}

/* A source the guest may start without: <source startupPolicy='optional'>
 * (or 'requisite') naming a file that is not there at start. */
static bool
missingOptional(const cmdBuf *b, const vkDomainDiskDef *d)
{
    const char *policy = vkXmlElemGetAttr(d->srcRest, "startupPolicy");

    if (!b->opts || !policy || strcmp(policy, "mandatory") == 0 || !d->src ||
        d->type != VK_DOMAIN_DISK_TYPE_FILE)
        return false;
    return !g_file_test(d->src, G_FILE_TEST_EXISTS);
}

static int
checkDisk(const vkDomainDiskDef *d)
{
    const char *policy = vkXmlElemGetAttr(d->srcRest, "startupPolicy");
    const char *addrType = vkXmlElemGetAttr(d->address, "type");
    const char *bus = d->bus ? d->bus : "";

    if (policy && d->device == VK_DOMAIN_DISK_DEVICE_DISK && strcmp(policy, "optional") != 0 &&
        strcmp(policy, "mandatory") != 0) {
        unsupported("startupPolicy '%s' of disk '%s' (a disk takes only 'optional' or "
                    "'mandatory')", policy, d->dst);
        return -1;
    }
    if (vkXmlElemGetAttr(d->driverRest, "iothread")) {
        unsupported("<driver iothread=''> of disk '%s' (no <iothreads> in virtkit's QEMU "
                    "driver yet)", d->dst);
        return -1;
    }
    for (guint i = 0; d->srcRest && d->srcRest->children && i < d->srcRest->children->len; i++) {
        const char *name = ((vkXmlElem *)d->srcRest->children->pdata[i])->name;

        /* virtkit relabels no image, so a per-image label asks nothing
         * of it; rbd snapshots are opened as such */
        if (strcmp(name, "seclabel") == 0 ||
            (strcmp(name, "snapshot") == 0 && g_strcmp0(d->srcProtocol, "rbd") == 0))
            continue;
        unsupported("<source><%s> of disk '%s'", name, d->dst);
        return -1;
    }
    if (addrType && (strcmp(bus, "ide") == 0 || strcmp(bus, "sata") == 0 ||
                     strcmp(bus, "scsi") == 0 || strcmp(bus, "fdc") == 0) &&
        strcmp(addrType, "drive") != 0) {
        unsupported("Invalid address type '%s' for the disk '%s' with the bus type '%s'",
                    addrType, d->dst, bus);
        return -1;
    }
    if (addrType && strcmp(bus, "usb") == 0 && strcmp(addrType, "usb") != 0) {
        unsupported("%s", "unexpected address type for usb disk");
        return -1;
    }
    if (d->readonly && d->device == VK_DOMAIN_DISK_DEVICE_DISK &&
        (g_strcmp0(d->bus, "ide") == 0 || g_strcmp0(d->bus, "sata") == 0)) {
        unsupported("readonly %s disks are not supported", d->bus);
        return -1;
    }
    for (guint i = 0; d->extra && i < d->extra->len; i++) {
        const char *name = ((vkXmlElem *)d->extra->pdata[i])->name;

        if (strcmp(name, "iotune") == 0 || strcmp(name, "encryption") == 0 ||
            strcmp(name, "auth") == 0 || strcmp(name, "mirror") == 0) {
            unsupported("<%s> of disk '%s'", name, d->dst);
            return -1;
        }
        if (strcmp(name, "wwn") == 0 && strcmp(bus, "ide") != 0 && strcmp(bus, "scsi") != 0) {
            unsupported("%s", "Only ide and scsi disk support wwn");
            return -1;
        }
        if ((strcmp(name, "vendor") == 0 || strcmp(name, "product") == 0) &&
            strcmp(bus, "scsi") != 0) {
            unsupported("%s", "Only scsi disk supports vendor and product");
            return -1;
        }
    }
    if (g_ascii_isdigit(d->dst[strlen(d->dst) - 1])) {
        unsupported("invalid disk target '%s', partitions can't appear in disk targets",
                    d->dst);
        return -1;
    }
    /* two guests writing one image need a format with no metadata */
    if (d->shareable && !d->readonly && g_strcmp0(d->driverType, "raw") != 0 &&
        d->type != VK_DOMAIN_DISK_TYPE_VOLUME) {
        unsupported("shared access for disk '%s' requires use of supported storage format",
                    d->dst);
        return -1;
    }
    if (d->transient) {
        unsupported("<transient/> of disk '%s'", d->dst);
        return -1;
    }
    return 0;
}

int
vkQemuCmdDisks(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_DISK);
    unsigned int index = 1;
    bool fdc = false;

    for (guint i = 0; a && i < a->len; i++) {
        if (!missingOptional(b, a->pdata[i]))
            index += vkQemuDiskSourceCount(a->pdata[i]);
    }

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainDiskDef *d = a->pdata[i];
        g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func((GDestroyNotify)vkJSONFree);
        g_autofree char *top = NULL;
        g_autoptr(vkJSON) dev = NULL;

        if (checkDisk(d) < 0)
            return -1;
        if (missingOptional(b, d)) {
            /* a cdrom or floppy starts empty, a disk is left out */
            if (d->device == VK_DOMAIN_DISK_DEVICE_DISK)
                continue;
        } else {
            index -= vkQemuDiskSourceCount(d);
            if (vkQemuDiskBlockdevs(d, index, nodes, &top) < 0)
                return -1;
        }
        if (!(dev = vkQemuDiskDeviceProps(def, d, top)))
            return -1;
        /* q35 has no floppy controller of its own */
        if (g_strcmp0(d->bus, "fdc") == 0 && !fdc && vkQemuCmdIsQ35(def)) {
            add2(b, "-device", "{\"driver\":\"isa-fdc\"}");
            fdc = true;
        }
        for (guint j = 0; j < nodes->len; j++)
            addJSON(b, "-blockdev", nodes->pdata[j]);
        addJSON(b, "-device", dev);
    }
    return 0;
}
