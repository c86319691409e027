/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UUID text <-> bytes, and random generation from GLib's CSPRNG-backed
 * g_uuid_string_random (version 4). */
#include "util/uuid.h"

#include <string.h>
#include <glib.h>

int
vkUUIDParse(const char *str, unsigned char *uuid)
{
    size_t n = 0;

    if (!str)
        return -1;
    while (g_ascii_isspace(*str))
        str++;
    while (*str && n < 2 * VIR_UUID_BUFLEN) {
        int hi, lo;
        if (*str == '-') {
            str++;
            continue;
        }
        hi = g_ascii_xdigit_value(str[0]);
        lo = str[1] ? g_ascii_xdigit_value(str[1]) : -1;
        if (hi < 0 || lo < 0)
            return -1;
        uuid[n / 2] = (unsigned char)(hi << 4 | lo);
        n += 2;
        str += 2;
    }
    while (g_ascii_isspace(*str))
        str++;
    if (n != 2 * VIR_UUID_BUFLEN || *str)
        return -1;
    return 0;
}

char *
vkUUIDFormat(const unsigned char *uuid, char *buf)
{
    g_snprintf(buf, VIR_UUID_STRING_BUFLEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
               uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
    return buf;
}

void
vkUUIDGenerate(unsigned char *uuid)
{
    g_autofree char *s = g_uuid_string_random();
    vkUUIDParse(s, uuid);
}

bool
vkUUIDIsNull(const unsigned char *uuid)
{
    for (size_t i = 0; i < VIR_UUID_BUFLEN; i++) {
        if (uuid[i])
            return false;
    }
    return true;
}

/* GHashTable callbacks for keys that are raw 16-byte UUIDs. */
guint
vkUUIDHash(gconstpointer key)
{
    const unsigned char *u = key;
    guint h = 0;

    for (size_t i = 0; i < VIR_UUID_BUFLEN; i++)
        h = h * 31 + u[i];
    return h;
}

gboolean
vkUUIDEqual(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, VIR_UUID_BUFLEN) == 0;
}
