/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: the platform: machine, CPU, clock, features, firmware.
 */
#include "drivers/qemu/defaults-priv.h"

int
vkQemuDefaultsMachine(vkDomainDef *def)
{
    (void)def;
    return 0;
}
