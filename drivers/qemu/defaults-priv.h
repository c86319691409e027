/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver's post-parse defaults, one file per concern
 * (defaults*.c).  vkQemuPostParse (defaults.c) calls them in this order:
 * the platform first (machine, CPU, features decide which devices are
 * implicit), then the devices a user sees (each may add PCI devices),
 * then the buses and addresses, which must see every device.
 */
#ifndef VK_QEMU_DEFAULTS_PRIV_H
#define VK_QEMU_DEFAULTS_PRIV_H

#include "drivers/qemu/command.h"
#include "conf/domain-conf-priv.h"

int vkQemuDefaultsMachine(vkDomainDef *def);   /* defaults-machine.c */
int vkQemuDefaultsDisplay(vkDomainDef *def);   /* defaults-display.c */
int vkQemuDefaultsDiskNet(vkDomainDef *def);   /* defaults-disknet.c */
int vkQemuDefaultsDevices(vkDomainDef *def);   /* defaults-devices.c */
/* e's attributes in libvirt's order (order[]), others after them */
void vkQemuDefaultsAttrOrder(vkXmlElem *e, const char *const *order);

#endif
