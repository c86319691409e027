/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vksh-storage.h: what the pool and volume commands share. */
#ifndef VKSH_STORAGE_H
#define VKSH_STORAGE_H

#include "vksh.h"

/* A pool by UUID or name, as virsh looks it up; NULL after an error
 * "failed to get pool 'NAME'". */
virStoragePoolPtr vkshLookupPool(vkshCtl *ctl, const char *name);
/* A volume by name in poolName (when given), then by key, then by path;
 * NULL after virsh's error (with hint, "specifying --HINT might help"). */
virStorageVolPtr vkshLookupVol(vkshCtl *ctl, const char *name, const char *poolName,
                               const char *hint);
/* virsh's sizes: the value scaled to bytes/KiB/MiB/... and its unit. */
double vkshPrettyCapacity(unsigned long long val, const char **unit);
char *vkshPrettyCapacityString(unsigned long long val);

extern const vkshCmdDef *const vkshPoolCmds[];
extern const vkshCmdDef *const vkshVolCmds[];
/* commands-volstream.c */
extern const vkshCmdDef vkshCmdPoolCapabilities, vkshCmdVolCreateFrom, vkshCmdVolUpload,
    vkshCmdVolDownload;

#endif
