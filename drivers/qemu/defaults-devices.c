/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: controllers, buses and device addresses.
 */
#include "drivers/qemu/defaults-priv.h"

int
vkQemuDefaultsDevices(vkDomainDef *def)
{
    (void)def;
    return 0;
}
