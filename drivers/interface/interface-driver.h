/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The read-only host-interface driver (a secondary driver). */
#ifndef VK_INTERFACE_DRIVER_H
#define VK_INTERFACE_DRIVER_H

int vkInterfaceDriverRegister(void);

#endif
