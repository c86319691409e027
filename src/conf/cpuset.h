/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU and NUMA node lists as libvirt writes them ("0-3,^2,8" in, "0-1,3,8"
 * out): one parser and one formatter, so every cpuset/nodeset/vcpus
 * attribute of a definition comes back in the same canonical form.
 */
#ifndef VK_CONF_CPUSET_H
#define VK_CONF_CPUSET_H

#include <stdbool.h>
#include <glib.h>

/* The largest position a list may name (libvirt's bitmap limit). */
#define VK_CPUSET_MAX 8192

/* Parses str into a new bit array of VK_CPUSET_MAX + 1 booleans; NULL
 * when the syntax is wrong or a position is past VK_CPUSET_MAX (no error
 * reported: the caller names the attribute). */
guint8 *vkCpusetParse(const char *str);
/* Ranges of set bits up to limit (exclusive): "0-2,5"; "" when none. */
char *vkCpusetFormat(const guint8 *bits, unsigned int limit);
/* str rewritten canonically, or NULL when it does not parse. */
char *vkCpusetCanonical(const char *str);

#endif
