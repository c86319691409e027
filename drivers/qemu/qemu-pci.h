/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where each device of a QEMU domain sits on the guest's PCI/PCIe
 * topology (qemu-pci.c), decided at define and kept in the definition so
 * the guest sees the same buses on every start and after hotplug.
 */
#ifndef VK_QEMU_PCI_H
#define VK_QEMU_PCI_H

#include "conf/domain-conf-priv.h"

/* Gives every PCI device of def that has no address one, as libvirt 9.0
 * does for i440fx and q35: the machine's fixed slots first, then first
 * fit in libvirt's device order, adding pcie-root-ports (q35, plus one
 * spare for hotplug), pcie-to-pci-bridges or pci-bridges when no bus has
 * room.  0, or -1 with VIR_ERR_CONFIG_UNSUPPORTED / VIR_ERR_XML_ERROR. */
int vkQemuPciAssign(vkDomainDef *def);

/* libvirt's first pass (qemu-pci-count.c): on i440fx, the pci-bridges
 * the devices without an address will need, added to def (with no
 * address: the real pass puts them in the lowest free slots, before the
 * devices).  0, or -1 with an error reported. */
int vkQemuPciAddBridges(vkDomainDef *def);
/* That pass itself, on a copy it may change: how many buses placing
 * every device takes when buses can be added freely, or -1. */
int vkQemuPciCountBuses(vkDomainDef *def);

/* For a device being hot-plugged into def: a free hotpluggable slot (no
 * bus is added to a running guest).  pcie: the device is PCI Express
 * (virtio, xhci, e1000e ...).  Stores a new <address> in *addr; 0, or -1
 * with VIR_ERR_OPERATION_FAILED when every slot is taken. */
int vkQemuPciAssignHotplug(const vkDomainDef *def, bool pcie, vkXmlElem **addr);

/* True when QEMU's device for this model is PCI Express on q35. */
bool vkQemuPciNetIsPCIe(const char *model);
/* Model names and <target> numbers of the PCI controllers, once their
 * addresses are assigned (qemu-pci-names.c). */
void vkQemuPciControllerNames(vkDomainDef *def);

/* An address attribute as a number (0x.. or decimal), 0 when absent. */
static inline unsigned int
attrNum(const vkXmlElem *a, const char *name)
{
    const char *s = vkXmlElemGetAttr(a, name);

    return s ? (unsigned int)g_ascii_strtoull(s, NULL, 0) : 0;
}

static inline bool
isPci(const vkXmlElem *a)
{
    return a && g_strcmp0(vkXmlElemGetAttr(a, "type"), "pci") == 0;
}

#endif
