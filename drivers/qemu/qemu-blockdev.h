/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A disk as QEMU 7.2 takes it: -blockdev nodes (protocol, then format,
 * then an optional copy-on-read layer) and the -device that shows the top
 * node to the guest, as JSON objects.  The argv builder prints them and
 * hotplug sends the same objects over QMP (blockdev-add, device_add), so
 * a disk has one shape whether it was there at start or plugged later.
 */
#ifndef VK_QEMU_BLOCKDEV_H
#define VK_QEMU_BLOCKDEV_H

#include "conf/domain-conf-priv.h"
#include "util/json.h"

/* libvirt's QEMU id of a disk: virtio-disk0, ide0-1-0, sata0-0-2,
 * scsi0-0-0-1, usb-disk0, fdc0-0-1. */
char *vkQemuDiskAlias(const vkDomainDef *def, const vkDomainDiskDef *d);

/* How many node indexes (libvirt-N-...) the disk's sources take: one per
 * image of its chain, none for an empty cdrom or floppy. */
unsigned int vkQemuDiskSourceCount(const vkDomainDiskDef *d);

/* Appends to nodes (vkJSON *, to be freed by the caller) the -blockdev
 * objects of disk d, deepest first, its top image getting node index
 * index and its backing images index + 1, ...; *top receives the node
 * name the device uses (NULL for an empty drive).  -1 with an error
 * (VIR_ERR_CONFIG_UNSUPPORTED) when QEMU cannot open it this way. */
int vkQemuDiskBlockdevs(const vkDomainDiskDef *d, unsigned int index,
                        GPtrArray *nodes, char **top);

/* The -device object of disk d, its drive being top (may be NULL). */
vkJSON *vkQemuDiskDeviceProps(const vkDomainDef *def, const vkDomainDiskDef *d,
                              const char *top);

/* The -device object of interface n (command-net.c), plugged to netdev
 * under QEMU id id; NULL with an error for settings QEMU refuses. */
vkJSON *vkQemuNicDeviceProps(const vkDomainDef *def, const vkDomainNetDef *n,
                             const char *netdev, const char *id);

/* Adds key: the unsigned number in attribute attr of e, if e has it. */
void vkQemuPropUInt(vkJSON *props, const char *key, const vkXmlElem *e, const char *attr);

/* Puts a kept <address type='pci'> into a -device JSON object as QEMU's
 * bus/addr: the JSON form of vkQemuCmdAddress (defined in command.c). */
void vkQemuPCIAddressProps(vkJSON *props, const vkDomainDef *def, const vkXmlElem *addr);

#endif
