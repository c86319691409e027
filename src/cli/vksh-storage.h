/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vksh-storage.h: what the pool and volume commands share. */
#ifndef VKSH_STORAGE_H
#define VKSH_STORAGE_H

#include "vksh.h"

/* A pool by UUID or name, as virsh looks it up; NULL after an error
 * "failed to get pool 'NAME'". */
virStoragePoolPtr vkshLookupPool(vkshCtl *ctl, const char *name);
/* virsh's sizes: the value scaled to bytes/KiB/MiB/... and its unit. */
double vkshPrettyCapacity(unsigned long long val, const char **unit);
char *vkshPrettyCapacityString(unsigned long long val);

extern const vkshCmdDef *const vkshPoolCmds[];
extern const vkshCmdDef *const vkshVolCmds[];

#endif
