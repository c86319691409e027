/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UUIDs: 16 raw bytes inside, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" outside. */
#ifndef VK_UTIL_UUID_H
#define VK_UTIL_UUID_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

/* Accepts 32 hex digits with optional '-' separators and surrounding
 * blanks, as libvirt does.  Returns 0, or -1 without reporting. */
int vkUUIDParse(const char *str, unsigned char *uuid);
/* buf must hold VIR_UUID_STRING_BUFLEN bytes; returns buf. */
char *vkUUIDFormat(const unsigned char *uuid, char *buf);
/* A random (version 4) UUID. */
void vkUUIDGenerate(unsigned char *uuid);
bool vkUUIDIsNull(const unsigned char *uuid);
/* Hash table callbacks for raw UUID keys (g_hash_table_new). */
guint vkUUIDHash(gconstpointer key);
gboolean vkUUIDEqual(gconstpointer a, gconstpointer b);

#endif
