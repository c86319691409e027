/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-ifaddr.c: virsh's domifaddr, the guest's interface addresses
 * from DHCP leases, the host's ARP table or the guest agent.  The table
 * is virsh's to the column: an interface with several addresses shows
 * its name and MAC only on its first line ("-" after) unless --full. */
#include <string.h>

#include "vksh.h"

static const vkshOptDef optsDomifaddr[] = {
    VKSH_OPT_DOMAIN,
    { "interface", VKSH_OT_STRING, 0, "network interface name" },
    { "full", VKSH_OT_BOOL, 0, "always display names and MACs of interfaces" },
    { "source", VKSH_OT_STRING, 0, "address source: 'lease', 'agent', or 'arp'" },
    { NULL, 0, 0, NULL },
};

static void
printIface(vkshCtl *ctl, virDomainInterfacePtr iface, bool full)
{
    const char *name = iface->name ? iface->name : "";

    if (!iface->naddrs) {
        vkshPrint(ctl, " %-10s %-17s    %-12s %s\n", name,
                  iface->hwaddr ? iface->hwaddr : "N/A", "N/A", "N/A");
        return;
    }
    for (unsigned int j = 0; j < iface->naddrs; j++) {
        const virDomainIPAddress *a = &iface->addrs[j];
        const char *type = a->type == VIR_IP_ADDR_TYPE_IPV4 ? "ipv4" :
                           a->type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "";
        g_autofree char *addr = g_strdup_printf("%-12s %s/%u", type, a->addr, a->prefix);

        if (full || j == 0)
            vkshPrint(ctl, " %-10s %-17s    %s\n", name, iface->hwaddr ? iface->hwaddr : "",
                      addr);
        else
            vkshPrint(ctl, " %-10s %-17s    %s\n", "-", "-", addr);
    }
}

static bool
cmdDomifaddr(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    const char *ifname = vkshOptString(cmd, "interface");
    const char *src = vkshOptString(cmd, "source");
    bool full = vkshOptBool(cmd, "full");
    unsigned int source = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    virDomainInterfacePtr *ifaces = NULL;
    int n;

    if (!dom)
        return false;
    if (src) {
        if (strcmp(src, "lease") == 0) {
            source = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
        } else if (strcmp(src, "agent") == 0) {
            source = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT;
        } else if (strcmp(src, "arp") == 0) {
            source = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP;
        } else {
            vkshError(ctl, "Unknown data source '%s'", src);
            return false;
        }
    }
    if ((n = virDomainInterfaceAddresses(dom, &ifaces, source, 0)) < 0) {
        vkshError(ctl, "%s", "Failed to query for interfaces addresses");
        return false;
    }
    vkshPrintExtra(ctl, " %-10s %-20s %-8s     %s\n%s%s\n", "Name", "MAC address", "Protocol",
                   "Address", "-------------------------------------------------",
                   "------------------------------");
    for (int i = 0; i < n; i++) {
        if (!ifname || g_strcmp0(ifname, ifaces[i]->name) == 0)
            printIface(ctl, ifaces[i], full);
        virDomainInterfaceFree(ifaces[i]);
    }
    g_free(ifaces);
    return true;
}

VKSH_CMD(vkshCmdDomifaddr, "domifaddr", cmdDomifaddr, optsDomifaddr,
         "Get network interfaces' addresses for a running domain",
         "Get network interfaces' addresses for a running domain");
