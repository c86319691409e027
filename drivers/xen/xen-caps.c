/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capabilities of a Xen host, from what the hypervisor itself says it can
 * run: its capability string (XENVER_capabilities), a list of tokens like
 * "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64".  "xen"
 * tokens are paravirtual guests (os type xen, machine xenpv), "hvm" ones
 * full virtualisation (os type hvm, machine xenfv, booted by hvmloader);
 * a trailing "p" is PAE.  The string is parsed here by a pure function so
 * that it is tested without a Xen host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "util/error.h"
#include "drivers/xen/xen-private.h"

/* One token's guest: NULL when the token is not a guest kind we know. */
static vkCapsGuest *
guestForToken(vkCaps *caps, const char *tok, const char *hvmloader, bool *pae)
{
    g_auto(GStrv) parts = g_strsplit(tok, "-", 3);
    const char *arch;
    int wordsize;

    if (g_strv_length(parts) != 3)
        return NULL;
    bool hvm = strcmp(parts[0], "hvm") == 0;
    if (!hvm && strcmp(parts[0], "xen") != 0)
        return NULL;
    const char *a = parts[2];
    *pae = g_str_has_suffix(a, "p");
    if (g_str_has_prefix(a, "x86_64")) {
        arch = "x86_64";
        wordsize = 64;
    } else if (g_str_has_prefix(a, "x86_32")) {
        arch = "i686";
        wordsize = 32;
    } else if (g_str_has_prefix(a, "aarch64")) {
        arch = "aarch64";
        wordsize = 64;
    } else if (g_str_has_prefix(a, "armv7l")) {
        arch = "armv7l";
        wordsize = 32;
    } else {
        return NULL;
    }
    const char *osType = hvm ? "hvm" : "xen";
    /* x86_32 and x86_32p are one guest with two PAE modes */
    vkCapsGuest *g = (vkCapsGuest *)vkCapsLookupGuest(caps, osType, arch, NULL);
    if (g)
        return g;
    g = vkCapsAddGuest(caps, osType, arch, wordsize, NULL, hvm ? hvmloader : NULL);
    vkCapsGuestAddMachine(g, hvm ? "xenfv" : "xenpv", NULL, 0);
    vkCapsGuestAddDomain(g, "xen", NULL);
    return g;
}

static bool
hasFeature(const vkCapsGuest *g, const char *name)
{
    for (guint i = 0; i < g->features->len; i++) {
        if (strcmp(((vkCapsFeature *)g->features->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

vkCaps *
vkXenCapsFromString(const char *xenCaps, unsigned long version)
{
    g_autoptr(vkCaps) caps = vkCapsNew(NULL);
    g_auto(GStrv) toks = g_strsplit_set(xenCaps ? xenCaps : "", " \t\n", -1);
    g_autofree char *hvmloader = g_strdup_printf("/usr/lib/xen-%lu.%lu/boot/hvmloader",
                                                 version / 1000000, version / 1000 % 1000);
    bool hostPae = false;

    for (size_t i = 0; toks[i]; i++) {
        bool pae = false;
        vkCapsGuest *g = guestForToken(caps, toks[i], hvmloader, &pae);

        if (!g)
            continue;
        hostPae |= pae;
        /* only 32-bit guests choose between PAE and not */
        if (g->wordsize == 32 && !hasFeature(g, pae ? "pae" : "nonpae"))
            vkCapsGuestAddFeature(g, pae ? "pae" : "nonpae", false, false, false);
        if (strcmp(g->osType, "hvm") == 0 && !hasFeature(g, "acpi")) {
            vkCapsGuestAddFeature(g, "acpi", true, true, true);
            vkCapsGuestAddFeature(g, "apic", true, true, false);
        }
    }
    if (hostPae)
        vkCapsAddHostFeature(caps, "pae");
    return g_steal_pointer(&caps);
}

char *
vkXenConnectGetCapabilities(virConnectPtr conn)
{
    vkXenPriv *p = vkXenPrivOf(conn);
    g_autofree char *xenCaps = NULL;
    unsigned long version = 0;
    int rc = VK_XEN_UNHANDLED;

    for (size_t i = 0; vkXenOrderCaps[i] != VK_XEN_END && rc == VK_XEN_UNHANDLED; i++) {
        const vkXenSubDriver *s = vkXenSub(vkXenOrderCaps[i]);
        if (s->capabilities)
            rc = s->capabilities(p, &xenCaps, &version);
    }
    if (rc < 0)
        return NULL;
    if (rc != 0) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                      "no Xen interface here says what guests the hypervisor runs");
        return NULL;
    }
    g_autoptr(vkCaps) caps = vkXenCapsFromString(xenCaps, version);
    return vkCapsFormat(caps);
}
