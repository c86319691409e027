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
/* Attaches fd (taken over) on the character device at path to stream,
 * one stream per path at a time: a second one fails with busy as its
 * message unless force, which hangs the first one up. */
/* Whether a stream holds the device at path now (checked again, under
 * the same lock, by vkQemuChrStreamOpen). */
bool vkQemuChrSessionBusy(const char *path);
int vkQemuChrStreamOpen(virStreamPtr stream, int fd, const char *path, bool force,
                        const char *busy);
int vkQemuDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                            unsigned int flags);

#endif
