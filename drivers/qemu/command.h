/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain definition -> QEMU command line, as a pure function.
 */
#ifndef VK_QEMU_COMMAND_H
#define VK_QEMU_COMMAND_H

#include <stdbool.h>

#include "conf/domain-conf.h"

typedef struct {
    /* argv[0] when the definition names no <emulator>. */
    const char *emulator;
    /* The QMP monitor: a listening socket fd handed to QEMU (>= 0), or
     * else a socket path QEMU binds itself. */
    int monitorFd;
    const char *monitorPath;
    /* -incoming's value ("defer" for a restore), or NULL. */
    const char *incoming;
    /* Per <interface> (in order): the fd QEMU finds the tap of a network
     * or bridge interface on, and its vhost-net fd, or -1 (qemu-net.c). */
    const int *netFds;
    const int *vhostFds;
    /* The domain's own directory, where sockets libvirt names itself go
     * (a qemu-ga channel without a path, <listen type='socket'/>);
     * NULL leaves such devices refused. */
    const char *domainDir;
    /* The start's time (seconds since the epoch) for clock offsets that
     * count from it (variable, timezone); 0: now. */
    gint64 now;
} vkQemuCommandOpts;

/* The full argv (NULL-terminated, g_strfreev) for def, or NULL with
 * VIR_ERR_CONFIG_UNSUPPORTED naming the first element QEMU support in
 * virtkit does not cover.  Reads nothing but its arguments. */
char **vkQemuBuildArgv(const vkDomainDef *def, const vkQemuCommandOpts *opts);

/* libvirt's QEMU post-parse defaults (addresses, implicit controllers and
 * devices, canonical values), filled once when a definition is accepted
 * and persisted with it, so the guest sees the same hardware on every
 * start.  Runs before vkQemuValidateDef; the machine name is already
 * canonical (vkQemuParseDef).  0, or -1 with an error reported. */
int vkQemuPostParse(vkDomainDef *def);

/* The Hyper-V enlightenments (<features><hyperv> children) in libvirt's
 * order, which both its formatter and its -cpu properties follow. */
extern const char *const vkQemuHypervFeatures[];

/* Define-time check: the same refusals as vkQemuBuildArgv, no argv. */
int vkQemuValidateDef(const vkDomainDef *def);
/* The check of a device attached to a running guest: also the refusals
 * a start makes of what define keeps (a secret, a host device). */
int vkQemuValidateLive(const vkDomainDef *def);

/* Whether SATA controller idx is q35's own AHCI (00:1f.2), which QEMU
 * makes itself under the id "ide": its disks sit on bus ide.UNIT. */
bool vkQemuSataIsBuiltin(const vkDomainDef *def, unsigned int idx);

#endif
