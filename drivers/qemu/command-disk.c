/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disks: -drive/-blockdev and the device that shows each to the guest.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

int
vkQemuCmdDisks(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_DISK);

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainDiskDef *d = a->pdata[i];
        g_autofree char *src = NULL;
        g_autofree char *dev = NULL;
        GString *drive;
        const char *format = d->driverType ? d->driverType : "raw";
        bool cdrom = d->device == VK_DOMAIN_DISK_DEVICE_CDROM;
        const char *bus = d->bus ? d->bus : "";

        /* A volume disk reaches a command line resolved to its file (the
         * storage driver, at start); at define it is only checked. */
        if (d->type != VK_DOMAIN_DISK_TYPE_FILE && d->type != VK_DOMAIN_DISK_TYPE_BLOCK &&
            d->type != VK_DOMAIN_DISK_TYPE_VOLUME) {
            unsupported("disk type '%s' of disk '%s'",
                        vkDomainDiskTypeTable[d->type], d->dst);
            return -1;
        }
        if (d->device != VK_DOMAIN_DISK_DEVICE_DISK && !cdrom) {
            unsupported("disk device '%s' of disk '%s'",
                        vkDomainDiskDeviceTable[d->device], d->dst);
            return -1;
        }
        if (strcmp(format, "raw") != 0 && strcmp(format, "qcow2") != 0) {
            unsupported("disk format '%s' of disk '%s'", format, d->dst);
            return -1;
        }
        if (strcmp(bus, "virtio") == 0 && !cdrom) {
            dev = g_strdup_printf("virtio-blk-pci,drive=drive-%s,id=%s", d->dst, d->dst);
        } else if (strcmp(bus, "ide") == 0) {
            /* hda..hdd name the primary/secondary master/slave. */
            int unit = strlen(d->dst) == 3 && g_str_has_prefix(d->dst, "hd") ?
                d->dst[2] - 'a' : -1;

            if (unit < 0 || unit > 3) {
                unsupported("IDE target '%s' (only hda to hdd)", d->dst);
                return -1;
            }
            dev = g_strdup_printf("%s,bus=ide.%d,unit=%d,drive=drive-%s,id=%s",
                                  cdrom ? "ide-cd" : "ide-hd", unit / 2, unit % 2,
                                  d->dst, d->dst);
        } else {
            unsupported("disk bus '%s' of disk '%s'%s", bus, d->dst,
                        cdrom ? " (a cdrom needs bus 'ide')" : "");
            return -1;
        }

        drive = g_string_new(NULL);
        if (d->src) {
            src = esc(d->src);
            g_string_append_printf(drive, "file=%s,format=%s,", src, format);
        }
        g_string_append_printf(drive, "if=none,id=drive-%s", d->dst);
        if (d->readonly || cdrom)
            g_string_append(drive, ",readonly=on");
        if (d->driverCache)
            g_string_append_printf(drive, ",cache=%s", d->driverCache);
        add(b, "-drive");
        g_ptr_array_add(b->argv, g_string_free(drive, FALSE));
        add(b, "-device");
        if (d->bootIndex)
            addf(b, "%s,bootindex=%u", dev, d->bootIndex);
        else
            add(b, dev);
    }
    return 0;
}
