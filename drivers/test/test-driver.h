/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The in-memory test hypervisor (test:///default, test:///abs/host.xml).
 */
#ifndef VK_DRIVERS_TEST_DRIVER_H
#define VK_DRIVERS_TEST_DRIVER_H

/* Adds the test driver to the connect driver registry. */
int vkTestDriverRegister(void);

#endif
