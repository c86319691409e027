/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UEFI through QEMU's firmware descriptors (docs/interop/firmware.json in
 * QEMU): <os firmware='efi'> picked from the installed descriptors, the
 * per-domain NVRAM made from its template, removed with the domain.
 */
#ifndef VK_QEMU_FIRMWARE_H
#define VK_QEMU_FIRMWARE_H

#include <stdbool.h>
#include <glib.h>

#include "conf/domain-conf.h"

typedef struct {
    char *name;                /* the descriptor's file name: its priority */
    char *executable;          /* mapping.executable.filename */
    char *nvramTemplate;       /* mapping.nvram-template.filename, or NULL */
    GPtrArray *machines;       /* char*: x86_64 machine globs */
    bool secureBoot;
    bool enrolledKeys;
    bool requiresSmm;
} vkQemuFirmware;

/* The usable descriptors (UEFI, flash, raw, for x86_64) of dirs, in
 * priority order: by file name, a later directory's file replacing an
 * earlier one of the same name, as QEMU's specification says.  NULL dirs:
 * /usr/share/qemu/firmware, /etc/qemu/firmware ($VIRTKIT_FIRMWARE_DIR
 * instead, when set).  Never NULL; unreadable files are skipped. */
GPtrArray *vkQemuFirmwareLoad(const char *const *dirs);

/* The first descriptor for machine with the wanted features (1 must
 * have, 0 must not have, -1 either), or NULL. */
const vkQemuFirmware *vkQemuFirmwareSelect(const GPtrArray *fws, const char *machine,
                                           int secureBoot, int enrolledKeys);

/* Where the driver keeps NVRAM files: beside its save directory
 * (/var/lib/virtkit/qemu/nvram for the system driver, ROOT/lib/nvram for
 * qemu:///embed?root=ROOT). */
char *vkQemuFirmwareNvramDir(const char *saveDir, bool privileged);

/* At define, as libvirt: a read-only pflash loader's <nvram> names its
 * file (nvramDir/NAME_VARS.fd) when the definition gives none. */
void vkQemuFirmwareDefineNvram(vkDomainDef *def, const char *nvramDir);

/* The start's copy of def gets its firmware as files: <os firmware='efi'>
 * becomes <loader readonly='yes' type='pflash'> (secure='yes' and
 * <smm state='on'/> where the firmware needs them) plus <nvram
 * template=''>; a pflash loader without <nvram> gets one.  The NVRAM
 * path is nvramDir/NAME_VARS.fd.  0, or -1 with VIR_ERR_OPERATION_FAILED
 * when no firmware matches. */
int vkQemuFirmwareResolve(vkDomainDef *def, const GPtrArray *fws, const char *nvramDir);

/* The live definition of a started domain shows its firmware as files,
 * as libvirt's does: live gets resolved's <loader>, <nvram> and <smm>,
 * and loses firmware='efi'.  Nothing when nothing was resolved. */
void vkQemuFirmwareApplyLive(vkDomainDef *live, const vkDomainDef *resolved);

/* Creates the NVRAM file of a resolved def from its template when it does
 * not exist yet (first start).  0, or -1 with a system error. */
int vkQemuFirmwareNvramPrepare(const vkDomainDef *def);

/* libvirt's undefine rule for a domain whose NVRAM file exists: refused
 * without VIR_DOMAIN_UNDEFINE_NVRAM or _KEEP_NVRAM, removed with the
 * first.  0, or -1 with an error. */
int vkQemuFirmwareUndefine(const vkDomainDef *def, const char *nvramDir, unsigned int flags);

#endif
