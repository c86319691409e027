/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The legacy Xen driver (xen:///system, and the bare alias "xen").
 */
#ifndef VK_DRIVERS_XEN_DRIVER_H
#define VK_DRIVERS_XEN_DRIVER_H

/* Adds the Xen driver to the connect driver registry; calling it again
 * is harmless.  It serves xen:// URIs without a server and path "",
 * "/" or "/system" (to root callers, see below); opening fails with
 * VIR_ERR_NO_CONNECT when neither /dev/xen nor xend (VIRTKIT_XEND_SOCKET,
 * /var/lib/xend/xend-socket, localhost:8000) is there. */
int vkXenDriverRegister(void);

/* Its state driver (core/state-driver.h), started by virtkitd only: from
 * then on this process serves xen:///system to every caller, whatever its
 * own uid (elsewhere the driver serves root only and declines for other
 * users, so that the remote driver takes them to virtkitd's read-only
 * socket); its option --xend-socket names the xend socket. */

#endif
