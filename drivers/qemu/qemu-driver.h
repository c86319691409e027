/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU/KVM driver (qemu:///embed?root=DIR in-process).
 */
#ifndef VK_DRIVERS_QEMU_DRIVER_H
#define VK_DRIVERS_QEMU_DRIVER_H

/* Adds the QEMU driver to the connect driver registry.  It accepts only
 * qemu:///embed?root=DIR and declines every other qemu URI, so the remote
 * driver (registered after it) takes qemu:///system. */
int vkQemuDriverRegister(void);

#endif
