/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenVZ driver (openvz:///system): containers run by vzctl/vzlist.
 */
#ifndef VK_DRIVERS_OPENVZ_DRIVER_H
#define VK_DRIVERS_OPENVZ_DRIVER_H

/* Adds the OpenVZ driver to the connect driver registry.  It opens
 * openvz:///system when /proc/vz is writable, or when VIRTKIT_OPENVZ_ROOT
 * names a directory standing in for "/" (tests); otherwise it declines. */
int vkOpenvzDriverRegister(void);

#endif
