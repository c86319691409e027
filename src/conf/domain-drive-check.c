/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Two devices on one drive address: libvirt refuses two disks of a bus at
 * the same controller/bus/target/unit, a SCSI host device where a SCSI
 * disk sits, and two SCSI host devices at one address.  Disks get their
 * drive address from their target name when none is written, so this
 * runs after the generic defaults have filled them in.  Those defaults
 * also place a SCSI host device without an address, here for the helpers.
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

static bool
driveUsed(vkDomainDef *def, const drive *want)
{
    GPtrArray *disks = def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    drive d;

    for (guint i = 0; disks && i < disks->len; i++) {
        const vkDomainDiskDef *k = disks->pdata[i];
        if (g_strcmp0(k->bus, "scsi") == 0 && driveOf(k->address, &d) && sameDrive(&d, want))
            return true;
    }
    for (guint i = 0; others && i < others->len; i++) {
        const vkXmlElem *h = others->pdata[i];
        if (isScsiHostdev(h) && driveOf(vkXmlElemChild(h, "address"), &d) && sameDrive(&d, want))
            return true;
    }
    return false;
}

/* The first free unit of bus 0, target 0, on the lowest SCSI controller:
 * seven units to a controller, the eighth being the controller's own. */
static vkXmlElem *
freeScsiUnit(vkDomainDef *def)
{
    drive d = { 0, 0, 0, 0 };
    g_autofree char *c = NULL, *u = NULL;
    vkXmlElem *a;

    for (;; d.c++) {
        for (d.u = 0; d.u < 7 && driveUsed(def, &d); d.u++)
            ;
        if (d.u < 7)
            break;
    }
    a = g_new0(vkXmlElem, 1);
    a->name = g_strdup("address");
    c = g_strdup_printf("%lu", d.c);
    u = g_strdup_printf("%lu", d.u);
    vkXmlElemSetAttr(a, "type", "drive");
    vkXmlElemSetAttr(a, "controller", c);
    vkXmlElemSetAttr(a, "bus", "0");
    vkXmlElemSetAttr(a, "target", "0");
    vkXmlElemSetAttr(a, "unit", u);
    return a;
}

static vkDomainControllerDef *
scsiController(GPtrArray *ctrls, unsigned long idx)
{
    for (guint i = 0; i < ctrls->len; i++) {
        vkDomainControllerDef *c = ctrls->pdata[i];
        if (strcmp(c->type, "scsi") == 0 && c->idx >= 0 && (unsigned long)c->idx == idx)
            return c;
    }
    return NULL;
}

void
vkDomainScsiHostdevAddresses(vkDomainDef *def)
{
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    GPtrArray *ctrls = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    vkDomainControllerDef *first = scsiController(ctrls, 0);
    unsigned long max = 0;
    bool any = false;
    drive d;

    for (guint i = 0; others && i < others->len; i++) {
        vkXmlElem *h = others->pdata[i];

        if (!isScsiHostdev(h))
            continue;
        if (!vkXmlElemChild(h, "address")) {
            if (!h->children)
                h->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(h->children, freeScsiUnit(def));
        }
        if (driveOf(vkXmlElemChild(h, "address"), &d)) {
            max = MAX(max, d.c);
            any = true;
        }
    }
    /* the controllers the addresses name, of the first one's model */
    for (unsigned long k = 0; any && k <= max; k++) {
        vkDomainControllerDef *c;

        if (scsiController(ctrls, k))
            continue;
        c = g_new0(vkDomainControllerDef, 1);
        c->type = g_strdup("scsi");
        c->idx = (int)k;
        c->model = first ? g_strdup(first->model) : NULL;
        /* not marked implicit: libvirt's QEMU driver adds its machine
         * controllers after these, not ahead as for disks' */
        g_ptr_array_add(ctrls, c);
    }
}
