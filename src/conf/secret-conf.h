/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secret XML (libvirt's <secret> format) <-> vkSecretDef.
 *
 * A secret's identity is its UUID and, for every usage type but none, the
 * pair (usage type, usage ID): the volume path, the Ceph or TLS or vTPM
 * name, the iSCSI target.  The value itself is never part of the XML.
 */
#ifndef VK_CONF_SECRET_CONF_H
#define VK_CONF_SECRET_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct {
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool ephemeral;
    bool isPrivate;
    char *description;
    int usageType;                /* virSecretUsageType */
    char *usageID;                /* NULL for VIR_SECRET_USAGE_TYPE_NONE */
} vkSecretDef;

void vkSecretDefFree(vkSecretDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkSecretDef, vkSecretDefFree)
/* Parses a <secret> document (a missing UUID is generated); NULL with
 * libvirt's error for what is wrong. */
vkSecretDef *vkSecretDefParseString(const char *xml);
char *vkSecretDefFormat(const vkSecretDef *def);
/* "volume", "ceph", ... ("none" for 0); NULL for an unknown type. */
const char *vkSecretUsageTypeName(int type);

#endif
