/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver: real containers (lxc:///embed?root=DIR in-process).
 */
#ifndef VK_DRIVERS_LXC_DRIVER_H
#define VK_DRIVERS_LXC_DRIVER_H

/* Adds the LXC driver to the connect and state driver registries.  It
 * accepts lxc:///embed?root=DIR and, once virtkitd has started its state
 * driver, lxc:///system; it declines every other lxc URI, so the remote
 * driver (registered after it) takes lxc:///system elsewhere.
 *
 * The state driver's option --lxc-root=DIR puts lxc:///system's files
 * under DIR (default: VIRTKIT_LXC_ROOT, else the system directories);
 * containers still running from an earlier daemon are reattached. */
int vkLxcDriverRegister(void);

#endif
