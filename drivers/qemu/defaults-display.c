/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: graphics, video, input, sound and the console.
 */
#include "drivers/qemu/defaults-priv.h"

int
vkQemuDefaultsDisplay(vkDomainDef *def)
{
    (void)def;
    return 0;
}
