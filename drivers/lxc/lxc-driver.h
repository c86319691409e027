/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver: real containers (lxc:///embed?root=DIR in-process).
 */
#ifndef VK_DRIVERS_LXC_DRIVER_H
#define VK_DRIVERS_LXC_DRIVER_H

/* Adds the LXC driver to the connect driver registry.  It accepts
 * lxc:///embed?root=DIR and declines every other lxc URI, so the remote
 * driver (registered after it) takes lxc:///system. */
int vkLxcDriverRegister(void);

/* Called by virtkitd at start-up: makes lxc:///system open in this
 * process, with its files under root (or the system directories when
 * root is NULL and VIRTKIT_LXC_ROOT is unset), and reattaches to the
 * containers still running. */
int vkLxcDriverSetPrivileged(const char *root);

#endif
