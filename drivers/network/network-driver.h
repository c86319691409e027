/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's virtual network driver: serves the network family of the
 * connections whose driver manages this host (qemu://, lxc://), from one
 * state per root: the daemon's system state, or an embedded root's.
 */
#ifndef VK_DRIVERS_NETWORK_DRIVER_H
#define VK_DRIVERS_NETWORK_DRIVER_H

#include <stdbool.h>

#include "virtkit/virtkit.h"

int vkNetworkDriverRegister(void);

/* Inside virtkitd: serve the SCHEME:///system URIs.  root (or VIRTKIT_NETWORK_ROOT)
 * puts the files under ROOT/etc/network and ROOT/run/network; without
 * one, fallbackRoot (the QEMU root a test daemon was given) does, else
 * /etc/virtkit/network and /run/virtkit/network.  On the first start
 * with a network root of its own, the 'default' NAT network is defined
 * and marked autostart unless 192.168.122.0/24 is in use; then autostart
 * networks start. */
int vkNetworkDriverSetPrivileged(const char *root, const char *fallbackRoot);

/* The bridge a guest interface on network netName plugs into, for a
 * hypervisor driver's state named rootKey ("<scheme>:///system" or an
 * embedded root directory): a new string, or NULL with an error (no
 * such network, not active). */
char *vkNetworkDriverBridgeFor(const char *rootKey, const char *netName);

/* The DHCP leases of mac on network netName, for the same states as
 * above, as virNetworkGetDHCPLeases gives them (NULL-terminated array in
 * *leases); the count, or -1 with an error (no such network). */
int vkNetworkDriverLeasesFor(const char *rootKey, const char *netName, const char *mac,
                             virNetworkDHCPLeasePtr **leases);

/* A network port for a guest NIC plugged into netName (as libvirt's
 * hypervisor drivers make one per interface); its UUID in uuid.  0, or
 * -1 with an error. */
int vkNetworkDriverPortPlug(const char *rootKey, const char *netName, const char *ownerName,
                            const unsigned char *ownerUUID, const unsigned char *mac,
                            unsigned char *uuid);
/* Deletes that port (portid: its UUID as a string, as the live XML
 * keeps it); quiet when it or its network is gone already, or when
 * netName or portid is NULL. */
void vkNetworkDriverPortUnplug(const char *rootKey, const char *netName, const char *portid);

#endif
