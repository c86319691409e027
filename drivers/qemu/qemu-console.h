/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Consoles of running QEMU guests (qemu-console.c).
 */
#ifndef VK_DRIVERS_QEMU_CONSOLE_H
#define VK_DRIVERS_QEMU_CONSOLE_H

#include <glib.h>

#include "conf/domain-conf.h"
#include "drivers/qemu/monitor.h"

/* query-chardev: chardev label ("charserial0") -> pty path; NULL with an
 * error on a monitor failure. */
GHashTable *vkQemuConsoleQueryPtys(vkQemuMonitor *mon);
/* Records the pty paths in the live definition: <serial>'s <source
 * path=''/> and the console that mirrors serial port 0.  ptys may be NULL. */
void vkQemuConsoleApplyPtys(vkDomainDef *def, GHashTable *ptys);
int vkQemuDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                            unsigned int flags);

#endif
