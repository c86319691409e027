/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secondary drivers: the storage, network, secret, ... drivers that serve
 * one family of objects for connections a hypervisor driver opened.
 *
 * A connection starts with every family on its hypervisor driver's table
 * (the test and remote drivers serve all families themselves); after the
 * open, each registered secondary driver may claim its family, as the
 * daemon's storage driver claims pools for qemu:///system.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/driver.h"

#define VK_MAX_SECONDARY_DRIVERS 16

static const vkSecondaryDriver *secondaries[VK_MAX_SECONDARY_DRIVERS];
static size_t nsecondaries;

int
vkRegisterSecondaryDriver(const vkSecondaryDriver *drv)
{
    for (size_t i = 0; i < nsecondaries; i++) {
        if (secondaries[i] == drv)
            return 0;
    }
    if (nsecondaries == VK_MAX_SECONDARY_DRIVERS || drv->family <= VK_FAMILY_HYPERVISOR ||
        drv->family >= VK_FAMILY_LAST) {
        vkReportError(VIR_ERR_DRIVER_FULL, "cannot register secondary driver '%s'", drv->name);
        return -1;
    }
    secondaries[nsecondaries++] = drv;
    return 0;
}

/* Offers conn to every secondary driver once its hypervisor driver has
 * accepted it; the first of a family to accept serves that family. */
int
vkSecondaryDriversOpen(virConnectPtr conn, unsigned int flags)
{
    for (size_t i = 0; i < nsecondaries; i++) {
        const vkSecondaryDriver *drv = secondaries[i];
        vkDrvOpenStatus st;

        if (conn->secondary[drv->family])
            continue;
        st = drv->open(conn, flags);
        if (st == VK_DRV_OPEN_ERROR) {
            vkSecondaryDriversClose(conn);
            return -1;
        }
        if (st == VK_DRV_OPEN_SUCCESS) {
            conn->secondary[drv->family] = drv;
            conn->familyDriver[drv->family] = drv->table;
        }
    }
    return 0;
}

void
vkSecondaryDriversClose(virConnectPtr conn)
{
    for (int f = VK_FAMILY_LAST - 1; f > VK_FAMILY_HYPERVISOR; f--) {
        const vkSecondaryDriver *drv = conn->secondary[f];

        if (!drv)
            continue;
        conn->secondary[f] = NULL;
        conn->familyDriver[f] = NULL;
        if (drv->close)
            drv->close(conn);
        conn->familyPrivate[f] = NULL;
    }
}
