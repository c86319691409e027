/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* keycodes.c: send-key's codeset names and key lookup (see keycodes.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "keycodes.h"

/* Indexed by virKeycodeSet; "rfb" is libvirt's other name for qnum. */
static const char *const codesetNames[] = {
    "linux", "xt", "atset1", "atset2", "atset3", "os_x", "xt_kbd", "usb",
    "win32", "qnum",
};

int
vkshKeycodeSetFromString(const char *name)
{
    if (strcmp(name, "rfb") == 0)
        return VIR_KEYCODE_SET_QNUM;
    for (size_t i = 0; i < G_N_ELEMENTS(codesetNames); i++) {
        if (strcmp(codesetNames[i], name) == 0)
            return (int)i;
    }
    return -1;
}

int
vkshKeycodeFromString(int codeset, const char *key)
{
    char *end = NULL;
    long v;

    if (codeset == VIR_KEYCODE_SET_LINUX) {
        for (const vkshKeyName *k = vkshLinuxKeyNames; k->name; k++) {
            if (strcmp(k->name, key) == 0)
                return k->code;
        }
    }
    errno = 0;
    v = strtol(key, &end, 0);
    if (errno || end == key || *end || v < 0 || v > 0xffff)
        return -1;
    return (int)v;
}
