/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU lists: "N", "N-M" and "^N" (take N away again), comma separated,
 * blanks allowed around each item.  The formatter merges neighbours into
 * ranges, so "1,2" and "1-3,^3" both come back as "1-2", as from libvirt.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/cpuset.h"

static bool
parseNum(const char **p, unsigned int *out)
{
    char *end;
    unsigned long v;

    while (**p == ' ')
        (*p)++;
    if (**p < '0' || **p > '9')
        return false;
    v = strtoul(*p, &end, 10);
    if (v > VK_CPUSET_MAX)
        return false;
    *out = (unsigned int)v;
    *p = end;
    while (**p == ' ')
        (*p)++;
    return true;
}

guint8 *
vkCpusetParse(const char *str)
{
    g_autofree guint8 *bits = g_new0(guint8, VK_CPUSET_MAX + 1);
    const char *p = str;

    if (!str)
        return NULL;
    while (*p) {
        bool neg = false;
        unsigned int a, b;

        while (*p == ' ')
            p++;
        if (*p == '^') {
            neg = true;
            p++;
        }
        if (!parseNum(&p, &a))
            return NULL;
        b = a;
        if (!neg && *p == '-') {
            p++;
            if (!parseNum(&p, &b) || b < a)
                return NULL;
        }
        for (unsigned int i = a; i <= b; i++)
            bits[i] = !neg;
        if (*p == ',')
            p++;
        else if (*p)
            return NULL;
    }
    return g_steal_pointer(&bits);
}

char *
vkCpusetFormat(const guint8 *bits, unsigned int limit)
{
    GString *s = g_string_new(NULL);

    if (limit > VK_CPUSET_MAX + 1)
        limit = VK_CPUSET_MAX + 1;
    for (unsigned int i = 0; i < limit; i++) {
        unsigned int j = i;

        if (!bits[i])
            continue;
        while (j + 1 < limit && bits[j + 1])
            j++;
        if (s->len)
            g_string_append_c(s, ',');
        if (j > i)
            g_string_append_printf(s, "%u-%u", i, j);
        else
            g_string_append_printf(s, "%u", i);
        i = j;
    }
    return g_string_free(s, FALSE);
}

char *
vkCpusetCanonical(const char *str)
{
    g_autofree guint8 *bits = vkCpusetParse(str);

    return bits ? vkCpusetFormat(bits, VK_CPUSET_MAX + 1) : NULL;
}
