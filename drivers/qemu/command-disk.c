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

static const vkXmlElem *
findElem(GPtrArray *a, const char *name)
{
    for (guint i = 0; a && i < a->len; i++) {
        if (strcmp(((vkXmlElem *)a->pdata[i])->name, name) == 0)
            return a->pdata[i];
    }
    return NULL;
}

/* <auth> and <encryption> (on the disk or its <source>, not both, as
 * libvirt checks at define) name secrets; <iotune> and <mirror> ask for
 * throttle groups and a resumed block job.  libvirt keeps all four at
 * define; virtkit does not yet look the secrets up nor throttle, so the
 * start is refused naming the element rather than running without it. */
static int
diskSecrets(cmdBuf *b, const vkDomainDiskDef *d)
{
    static const char *const startOnly[] = { "auth", "encryption", "iotune", "mirror" };
    GPtrArray *src = d->srcRest ? d->srcRest->children : NULL;
    const vkXmlElem *auth = findElem(d->extra, "auth");
    const vkXmlElem *enc = findElem(d->extra, "encryption");

    if (auth && findElem(src, "auth")) {
        unsupported("%s", "an <auth> definition already found for disk source");
        return -1;
    }
    if (enc && findElem(src, "encryption")) {
        unsupported("%s", "an <encryption> definition already found for disk source");
        return -1;
    }
    if (!auth)
        auth = findElem(src, "auth");
    if (!enc)
        enc = findElem(src, "encryption");
    if (auth && d->srcProtocol) {
        const vkXmlElem *sec = vkQemuCmdChild(auth, "secret");
        const char *type = sec ? vkXmlElemGetAttr(sec, "type") : NULL;
        const char *want = strcmp(d->srcProtocol, "rbd") == 0 ? "ceph" :
                           strcmp(d->srcProtocol, "iscsi") == 0 ? "iscsi" : NULL;

        if (!type) {
            unsupported("%s", "unknown secret type '<null>'");
            return -1;
        }
        if (want && strcmp(type, want) != 0) {
            unsupported("invalid secret type '%s'", type);
            return -1;
        }
    }
    /* librbd decrypts below any image format */
    if (enc && d->driverType && g_strcmp0(vkXmlElemGetAttr(enc, "engine"), "librbd") != 0 &&
        strcmp(d->driverType, "raw") != 0 &&
        strcmp(d->driverType, "qcow2") != 0) {
        unsupported("%s", "encryption is supported only with 'raw' and 'qcow2' image format");
        return -1;
    }
    if (enc && g_strcmp0(vkXmlElemGetAttr(enc, "format"), "luks") == 0 &&
        vkQemuCmdChild(enc, "cipher")) {
        unsupported("%s", "supplying <cipher> for domain disk definition is unnecessary");
        return -1;
    }
    if (auth)
        return refuseAtStart(b, "<auth> of disk '%s' (virtkit does not pass secrets to "
                             "QEMU yet)", d->dst);
    if (enc)
        return refuseAtStart(b, "<encryption> of disk '%s' (virtkit does not pass secrets "
                             "to QEMU yet)", d->dst);
    for (guint i = 0; i < G_N_ELEMENTS(startOnly); i++) {
        if (findElem(d->extra, startOnly[i]))
            return refuseAtStart(b, "<%s> of disk '%s'", startOnly[i], d->dst);
    }
    return 0;
}

/* <source> children libvirt's define keeps and virtkit does not hand to
 * QEMU yet (iSCSI initiator, NFS identity, RBD config file, NVMe host
 * address, slices, persistent reservations): refused at start. */
static const char *const startOnlySource[] = {
    "initiator", "identity", "config", "address", "slices", "reservations",
};

static int
checkDisk(cmdBuf *b, const vkDomainDiskDef *d)
{
    const char *iothread = vkXmlElemGetAttr(d->driverRest, "iothread");
    const char *policy = vkXmlElemGetAttr(d->srcRest, "startupPolicy");
    const char *addrType = vkXmlElemGetAttr(d->address, "type");
    const char *bus = d->bus ? d->bus : "";

    if (policy && d->device == VK_DOMAIN_DISK_DEVICE_DISK && strcmp(policy, "optional") != 0 &&
        strcmp(policy, "mandatory") != 0) {
        unsupported("startupPolicy '%s' of disk '%s' (a disk takes only 'optional' or "
                    "'mandatory')", policy, d->dst);
        return -1;
    }
    if (iothread && strcmp(bus, "virtio") != 0) {
        unsupported("<driver iothread='%s'> of disk '%s': IOThreads are only available "
                    "for virtio disks", iothread, d->dst);
        return -1;
    }
    if (iothread && !vkQemuCmdIothreadExists(b->def, iothread)) {
        unsupported("<driver iothread='%s'> of disk '%s' is not defined in <iothreads>",
                    iothread, d->dst);
        return -1;
    }
    for (guint i = 0; d->srcRest && d->srcRest->children && i < d->srcRest->children->len; i++) {
        const char *name = ((vkXmlElem *)d->srcRest->children->pdata[i])->name;

        /* virtkit relabels no image, so a per-image label asks nothing
         * of it; rbd snapshots are opened as such */
        if (strcmp(name, "seclabel") == 0 ||
            (strcmp(name, "snapshot") == 0 && g_strcmp0(d->srcProtocol, "rbd") == 0))
            continue;
        /* <auth>, <encryption>: diskSecrets() */
        if (strcmp(name, "auth") == 0 || strcmp(name, "encryption") == 0)
            continue;
        for (guint k = 0; name && k < G_N_ELEMENTS(startOnlySource); k++) {
            if (strcmp(name, startOnlySource[k]) == 0) {
                if (refuseAtStart(b, "<source><%s> of disk '%s'", name, d->dst) < 0)
                    return -1;
                name = NULL;
            }
        }
        if (!name)
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
    /* libvirt runs a transient disk on an overlay it creates and deletes */
    if (d->transient)
        return refuseAtStart(b, "<transient/> of disk '%s'", d->dst);
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

        if (checkDisk(b, d) < 0 || diskSecrets(b, d) < 0)
            return -1;
        /* a 'fat' volume is a pool's directory, found only at start */
        if (d->type == VK_DOMAIN_DISK_TYPE_VOLUME && g_strcmp0(d->driverType, "fat") == 0) {
            if (refuseAtStart(b, "storage format 'fat' of volume disk '%s' (virtkit does "
                              "not open a pool's directory volume)", d->dst) < 0)
                return -1;
            continue;
        }
        /* QEMU 7.2's virtio-blk has no SCSI passthrough (scsi=on) left */
        if (d->device == VK_DOMAIN_DISK_DEVICE_LUN && g_strcmp0(d->bus, "virtio") == 0) {
            if (refuseAtStart(b, "disk device 'lun' of disk '%s' on bus 'virtio' (QEMU "
                              "7.2 passes SCSI commands through on bus 'scsi' only)",
                              d->dst) < 0)
                return -1;
            continue;
        }
        /* gone from QEMU (sheepdog in 6.0, vxhs in 5.1), kept by libvirt's
         * define: refused at start, not opened at define */
        if (g_strcmp0(d->srcProtocol, "sheepdog") == 0 ||
            g_strcmp0(d->srcProtocol, "vxhs") == 0) {
            if (refuseAtStart(b, "network disk protocol '%s' of disk '%s' (not in QEMU "
                              "7.2)", d->srcProtocol, d->dst) < 0)
                return -1;
            continue;
        }
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
