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

/* Called by virtkitd only: from now on this process serves xen:///system
 * to every caller, whatever its own uid (elsewhere the driver serves root
 * only and declines for other users, so that the remote driver takes them
 * to virtkitd's read-only socket).  xendSocket, when not NULL, is the xend
 * socket to use instead of VIRTKIT_XEND_SOCKET / the default ones.  Also
 * registers the driver. */
int vkXenDriverServeSystem(const char *xendSocket);

#endif
