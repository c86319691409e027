/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forwarding and NAT for a network with nftables, in a table of its own
 * (inet family: one table covers IPv4 NAT and IPv6 routing).
 *
 * Owning the whole table is what makes teardown exact: stopping the
 * network deletes the table, and with it every rule it ever had, without
 * matching rules one by one.  The ruleset text is a pure function of the
 * definition (tested against expected files); nft applies it atomically.
 */
#include <string.h>
#include <sys/socket.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/network/network-private.h"

#ifndef NFT
# define NFT "nft"
#endif

char *
vkNftTableName(const char *bridge)
{
    GString *t = g_string_new("virtkit_");

    /* nft identifiers: letters, digits, '_' (a bridge may hold '-' or '.') */
    for (const char *p = bridge; *p; p++)
        g_string_append_c(t, g_ascii_isalnum(*p) ? *p : '_');
    return g_string_free(t, FALSE);
}

static const char *
fam(const vkNetworkIP *ip)
{
    return ip->family == AF_INET ? "ip" : "ip6";
}

/* Forward rules letting the network's own subnets in and out. */
static void
subnetForward(GString *r, const vkNetworkSetup *s, const char *br, bool nat)
{
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];
        g_autofree char *out = s->forwardDev ?
            g_strdup_printf(" oifname \"%s\"", s->forwardDev) : g_strdup("");
        g_autofree char *in = s->forwardDev ?
            g_strdup_printf(" iifname \"%s\"", s->forwardDev) : g_strdup("");
        /* IPv6 is routed even on a NAT network */
        bool masq = nat && ip->family == AF_INET;

        g_string_append_printf(r, "    iifname \"%s\"%s %s saddr %s/%u accept\n",
                               br, out, fam(ip), ip->network, ip->prefix);
        g_string_append_printf(r, "    oifname \"%s\"%s %s daddr %s/%u%s accept\n",
                               br, in, fam(ip), ip->network, ip->prefix,
                               masq ? " ct state related,established" : "");
    }
}

static void
natChain(GString *r, const vkNetworkSetup *s)
{
    g_string_append(r, "  chain guest_nat {\n"
                       "    type nat hook postrouting priority srcnat; policy accept;\n");
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];
        g_autofree char *src = NULL;
        g_autofree char *out = s->forwardDev ?
            g_strdup_printf("oifname \"%s\" ", s->forwardDev) : g_strdup("");

        if (ip->family != AF_INET)
            continue;
        src = g_strdup_printf("%sip saddr %s/%u", out, ip->network, ip->prefix);
        /* multicast and broadcast leave unchanged */
        g_string_append_printf(r, "    %s ip daddr 224.0.0.0/24 return\n", src);
        g_string_append_printf(r, "    %s ip daddr 255.255.255.255 return\n", src);
        g_string_append_printf(r, "    %s ip daddr != %s/%u meta l4proto { tcp, udp } "
                               "masquerade to :1024-65535\n", src, ip->network, ip->prefix);
        g_string_append_printf(r, "    %s ip daddr != %s/%u masquerade\n", src,
                               ip->network, ip->prefix);
    }
    g_string_append(r, "  }\n");
}

char *
vkNftRuleset(const vkNetworkSetup *s, const char *bridge, const char *table)
{
    const char *m = s->forwardMode;
    bool nat = m && strcmp(m, "nat") == 0;
    bool route = m && strcmp(m, "route") == 0;
    GString *r;

    if (m && !nat && !route)
        return NULL;          /* open, bridge: the driver adds no rules */
    r = g_string_new(NULL);
    g_string_append_printf(r, "table inet %s {\n", table);
    g_string_append(r, "  chain guest_forward {\n"
                       "    type filter hook forward priority filter; policy accept;\n");
    if (nat || route)
        subnetForward(r, s, bridge, nat);
    /* guests on the same bridge always reach each other; anything else
     * to or from the bridge is refused (isolated, or not its subnet) */
    g_string_append_printf(r, "    iifname \"%s\" oifname \"%s\" accept\n", bridge, bridge);
    g_string_append_printf(r, "    iifname \"%s\" reject\n", bridge);
    g_string_append_printf(r, "    oifname \"%s\" reject\n", bridge);
    g_string_append(r, "  }\n");
    if (nat)
        natChain(r, s);
    g_string_append(r, "}\n");
    return g_string_free(r, FALSE);
}

int
vkNftApply(vkNetState *st, const char *name, const char *ruleset)
{
    g_autofree char *path = vkNetStateRunFile(st, name, "nft");
    g_autofree char *what = g_strdup_printf("install the rules of network '%s'", name);
    const char *argv[] = { NFT, "-f", path, NULL };

    if (vkAtomicFileWrite(path, ruleset, strlen(ruleset), 0600) < 0)
        return -1;
    return vkNetRunTool(argv, what, false);
}

int
vkNftDelete(const char *table)
{
    g_autofree char *what = g_strdup_printf("delete table %s", table);
    const char *argv[] = { NFT, "delete", "table", "inet", table, NULL };

    /* one nft run in the common case; a table already gone is not an
     * error, which only the failing case has to find out */
    if (vkNetRunTool(argv, what, true) == 0 || !vkNftTableExists(table))
        return 0;
    return vkNetRunTool(argv, what, false);
}

bool
vkNftTableExists(const char *table)
{
    const char *argv[] = { NFT, "list", "table", "inet", table, NULL };

    return vkNetRunTool(argv, "list a table", true) == 0;
}
