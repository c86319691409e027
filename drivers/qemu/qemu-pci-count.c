/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How many pci-bridges an i440fx guest needs, counted before any address
 * is given, as libvirt 9.0 does.
 *
 * Adding a bridge only once the root bus is full cannot work: the bridge
 * itself needs a slot of the root bus.  So, like libvirt, the placement
 * runs twice.  The first run, on a throw-away copy, may add buses at will
 * (a bridge there takes no slot); the number of buses it ends with is
 * what the definition gets, as pci-bridge controllers without addresses.
 * The real run then places those bridges first, in the lowest free slots
 * of the root bus, and the devices after them.
 */
#include <string.h>

#include "drivers/qemu/qemu-pci.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* The highest index of def's PCI controllers, -1 without a pci-root at 0. */
static int
lastPciIndex(const vkDomainDef *def)
{
    GPtrArray *c = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];
    bool root = false;
    int last = -1;

    for (guint i = 0; c && i < c->len; i++) {
        const vkDomainControllerDef *ct = c->pdata[i];

        if (strcmp(ct->type, "pci") != 0)
            continue;
        if (ct->idx == 0 && g_strcmp0(ct->model, "pci-root") == 0)
            root = true;
        last = MAX(last, ct->idx);
    }
    return root ? last : -1;
}

int
vkQemuPciAddBridges(vkDomainDef *def)
{
    g_autoptr(vkDomainDef) copy = NULL;
    GPtrArray *c;
    int last = lastPciIndex(def);
    int nbuses;

    if (last < 0 || (def->osMachine && strstr(def->osMachine, "q35")))
        return 0;
    if (!(copy = vkDomainDefCopy(def)))
        return -1;
    /* what the counting run cannot place, the real run reports */
    if ((nbuses = vkQemuPciCountBuses(copy)) < 0) {
        vkErrorReset();
        return 0;
    }
    c = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    for (int idx = last + 1; idx < nbuses; idx++) {
        vkDomainControllerDef *ct = g_new0(vkDomainControllerDef, 1);

        ct->type = g_strdup("pci");
        ct->model = g_strdup("pci-bridge");
        ct->idx = idx;
        g_ptr_array_add(c, ct);
    }
    return 0;
}
