/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* keycodes.h: send-key's codesets and key names.  Codeset names are
 * libvirt's (virKeycodeSet); key names exist for the linux codeset, taken
 * from the kernel headers at build time; every codeset takes numbers. */
#ifndef VKSH_KEYCODES_H
#define VKSH_KEYCODES_H

#include <stddef.h>

typedef struct {
    const char *name;
    int code;
} vkshKeyName;

/* NULL-terminated, generated (gen-keycodes.py). */
extern const vkshKeyName vkshLinuxKeyNames[];

/* virKeycodeSet value of "linux", "xt", ..., "rfb"; -1 when unknown. */
int vkshKeycodeSetFromString(const char *name);
/* A key of codeset: a decimal or 0x number, or (linux) a KEY_ name;
 * -1 when it is neither. */
int vkshKeycodeFromString(int codeset, const char *key);

#endif /* VKSH_KEYCODES_H */
