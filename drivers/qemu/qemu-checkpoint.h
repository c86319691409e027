/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver's checkpoint members (qemu-checkpoint.c: persistent
 * dirty bitmaps per disk) and what undefine asks of them.
 */
#ifndef VK_DRIVERS_QEMU_CHECKPOINT_H
#define VK_DRIVERS_QEMU_CHECKPOINT_H

#include "drivers/qemu/qemu-private.h"

/* How many checkpoints the domain has (-1 on error); called locked. */
int vkQemuCheckpointCount(vkQemuState *st, const char *domName);
/* Forgets every checkpoint's metadata of the domain (undefine). */
void vkQemuCheckpointDropAll(vkQemuState *st, const char *domName);

virDomainCheckpointPtr vkQemuDomainCheckpointCreateXML(virDomainPtr dom, const char *xml,
                                                       unsigned int flags);
int vkQemuDomainListAllCheckpoints(virDomainPtr dom, virDomainCheckpointPtr **cps,
                                   unsigned int flags);
int vkQemuDomainCheckpointListAllChildren(virDomainCheckpointPtr cp,
                                          virDomainCheckpointPtr **children,
                                          unsigned int flags);
virDomainCheckpointPtr vkQemuDomainCheckpointLookupByName(virDomainPtr dom, const char *name,
                                                          unsigned int flags);
virDomainCheckpointPtr vkQemuDomainCheckpointGetParent(virDomainCheckpointPtr cp,
                                                       unsigned int flags);
char *vkQemuDomainCheckpointGetXMLDesc(virDomainCheckpointPtr cp, unsigned int flags);
int vkQemuDomainCheckpointDelete(virDomainCheckpointPtr cp, unsigned int flags);

#endif
