/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vksh-edit.h: the shared loop of the *-edit commands (edit.c). */
#ifndef VKSH_EDIT_H
#define VKSH_EDIT_H

#include "vksh.h"

typedef struct {
    /* The object's XML as the editor should see it; NULL after an error. */
    char *(*dump)(vkshCtl *ctl, void *opaque);
    /* Defines the edited XML (without validation when relax); prints the
     * success line itself, since it names the object the define returned. */
    bool (*define)(vkshCtl *ctl, void *opaque, const char *xml, bool relax);
    /* The prompt offers "i" (turn off validation). */
    bool relaxAvail;
} vkshEditOps;

/* Runs the editor until the XML defines, is left unchanged (the line
 * `unchanged` is printed; with NULL, unchanged XML is defined again) or the
 * user gives up. */
bool vkshEdit(vkshCtl *ctl, const vkshEditOps *ops, void *opaque, const char *unchanged);

#endif
