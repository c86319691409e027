/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Two devices on one drive address: libvirt refuses two disks of a bus at
 * the same controller/bus/target/unit, a SCSI host device where a SCSI
 * disk sits, and two SCSI host devices at one address.  Disks get their
 * drive address from their target name when none is written, so this
 * runs after the generic defaults have filled them in.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

typedef struct {
    unsigned long c, b, t, u;
} drive;

static bool
driveOf(const vkXmlElem *addr, drive *d)
{
    const char *v;

    if (!addr || g_strcmp0(vkXmlElemGetAttr(addr, "type"), "drive") != 0)
        return false;
    d->c = (v = vkXmlElemGetAttr(addr, "controller")) ? strtoul(v, NULL, 0) : 0;
    d->b = (v = vkXmlElemGetAttr(addr, "bus")) ? strtoul(v, NULL, 0) : 0;
    d->t = (v = vkXmlElemGetAttr(addr, "target")) ? strtoul(v, NULL, 0) : 0;
    d->u = (v = vkXmlElemGetAttr(addr, "unit")) ? strtoul(v, NULL, 0) : 0;
    return true;
}

static bool
sameDrive(const drive *a, const drive *b)
{
    return a->c == b->c && a->b == b->b && a->t == b->t && a->u == b->u;
}

#define DRIVE_FMT "controller='%lu' bus='%lu' target='%lu' unit='%lu'"
#define DRIVE_ARGS(d) (d).c, (d).b, (d).t, (d).u

static bool
isScsiHostdev(const vkXmlElem *e)
{
    return strcmp(e->name, "hostdev") == 0 &&
           g_strcmp0(vkXmlElemGetAttr(e, "type"), "scsi") == 0;
}

int
vkDomainDriveAddressCheck(vkDomainDef *def)
{
    GPtrArray *disks = def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    drive a, b;

    for (guint i = 0; disks && i < disks->len; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];

        if (!driveOf(d->address, &a))
            continue;
        for (guint j = i + 1; j < disks->len; j++) {
            const vkDomainDiskDef *o = disks->pdata[j];
            if (g_strcmp0(d->bus, o->bus) == 0 && driveOf(o->address, &b) && sameDrive(&a, &b)) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "Found duplicate drive address for "
                              "disk with target name '%s' " DRIVE_FMT, d->dst, DRIVE_ARGS(a));
                return -1;
            }
        }
    }
    for (guint i = 0; others && i < others->len; i++) {
        const vkXmlElem *h = others->pdata[i];

        if (!isScsiHostdev(h) || !driveOf(vkXmlElemChild(h, "address"), &a))
            continue;
        for (guint j = 0; disks && j < disks->len; j++) {
            const vkDomainDiskDef *d = disks->pdata[j];
            if (g_strcmp0(d->bus, "scsi") == 0 && driveOf(d->address, &b) && sameDrive(&a, &b)) {
                /* libvirt's message lacks the last quote; kept as it reads */
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "using disk target name '%s' "
                              "conflicts with SCSI host device address controller='%lu' "
                              "bus='%lu' target='%lu' unit='%lu", d->dst, DRIVE_ARGS(a));
                return -1;
            }
        }
        for (guint j = i + 1; j < others->len; j++) {
            const vkXmlElem *o = others->pdata[j];
            if (isScsiHostdev(o) && driveOf(vkXmlElemChild(o, "address"), &b) &&
                sameDrive(&a, &b)) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "SCSI host address " DRIVE_FMT
                              " in use by another SCSI host device", DRIVE_ARGS(a));
                return -1;
            }
        }
    }
    return 0;
}
