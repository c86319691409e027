/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver: the client side of libvirt's RPC protocol, serving
 * DRIVER+unix:// / +tcp:// / +tls:// URIs and every stateful driver URI
 * (qemu:///system, lxc:///system, ...) through the local daemon.
 */
#ifndef VK_REMOTE_DRIVER_H
#define VK_REMOTE_DRIVER_H

/* Registers the driver; called once by the registry after the in-process
 * drivers, so that it only sees URIs they declined. */
int vkRemoteDriverRegister(void);

/* For the daemon, which serves URIs with its in-process drivers and must
 * never forward them to a daemon -- possibly itself: from now on the
 * remote driver declines every URI without a transport or a server. */
void vkRemoteDriverDisableLocal(void);

#endif
