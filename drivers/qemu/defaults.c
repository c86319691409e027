/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vkQemuPostParse: the order of the QEMU driver's defaults (see
 * defaults-priv.h for why this order).
 */
#include "drivers/qemu/defaults-priv.h"

int
vkQemuPostParse(vkDomainDef *def)
{
    if (vkQemuDefaultsMachine(def) < 0 || vkQemuDefaultsDisplay(def) < 0 ||
        vkQemuDefaultsDiskNet(def) < 0 ||
        vkQemuDefaultsDevices(def) < 0)
        return -1;
    return 0;
}
