/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainInterfaceAddresses for QEMU guests, from the host's side:
 *
 *   lease  the DHCP leases the network driver's dnsmasq gave the MAC of
 *          each interface on a virtual network (an interface with none is
 *          left out, as libvirt does);
 *   arp    the host's IPv4 neighbour table (rtnetlink), matched by MAC,
 *          one entry per address with prefix 0, as libvirt reports it;
 *   agent  what the guest agent reports (qemu-agent-ops.c).
 *
 * The interfaces are copied under the state lock, then the network
 * driver or the kernel is asked with no QEMU lock held.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/netlink.h"
#include "core/ifaddr.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/network/network-driver.h"

typedef struct {
    bool onNetwork;
    char *network;
    char *ifname;
    char mac[18];
} ifaceInfo;

static void
ifaceInfoFree(gpointer p)
{
    ifaceInfo *i = p;

    g_free(i->network);
    g_free(i->ifname);
    g_free(i);
}

static int
fromLeases(const char *rootKey, GPtrArray *infos, vkIfaddrList *list)
{
    for (guint i = 0; i < infos->len; i++) {
        const ifaceInfo *info = infos->pdata[i];
        virNetworkDHCPLeasePtr *leases = NULL;
        virDomainInterfacePtr iface;
        int n;

        if (!info->onNetwork)
            continue;
        if ((n = vkNetworkDriverLeasesFor(rootKey, info->network, info->mac, &leases)) < 0)
            return -1;
        iface = n > 0 ? vkIfaddrAdd(list, info->ifname, info->mac) : NULL;
        for (int j = 0; j < n; j++) {
            vkIfaddrAddAddress(iface, leases[j]->type, leases[j]->ipaddr, leases[j]->prefix);
            virNetworkDHCPLeaseFree(leases[j]);
        }
        g_free(leases);
    }
    return 0;
}

static int
fromNeighbours(GPtrArray *infos, vkIfaddrList *list)
{
    g_autoptr(GPtrArray) neigh = NULL;
    int err;

    if ((err = vkNetlinkNeighbours(&neigh)) < 0) {
        vkReportSystemError(-err, "%s", "cannot read the host's neighbour table");
        return -1;
    }
    for (guint i = 0; i < infos->len; i++) {
        const ifaceInfo *info = infos->pdata[i];

        for (guint j = 0; j + 1 < neigh->len; j += 2) {
            if (strcmp(neigh->pdata[j], info->mac) == 0)
                vkIfaddrAddAddress(vkIfaddrAdd(list, info->ifname, info->mac),
                                   VIR_IP_ADDR_TYPE_IPV4, neigh->pdata[j + 1], 0);
        }
    }
    return 0;
}

int
vkQemuDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                               unsigned int source, unsigned int flags)
{
    g_autoptr(vkIfaddrList) list = vkIfaddrListNew();
    g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func(ifaceInfoFree);
    g_autofree char *rootKey = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    GPtrArray *nets;
    int rc;

    vkCheckFlags(0, -1);
    if (source == VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT)
        return vkQemuAgentInterfaceAddresses(dom, ifaces);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!obj->run || obj->state == VIR_DOMAIN_SHUTOFF) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return -1;
    }
    nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    for (guint i = 0; nets && i < nets->len; i++) {
        const vkDomainNetDef *n = nets->pdata[i];
        ifaceInfo *info = g_new0(ifaceInfo, 1);

        info->onNetwork = n->type == VK_DOMAIN_NET_TYPE_NETWORK && n->source;
        info->network = g_strdup(n->source);
        info->ifname = g_strdup(n->ifname);
        vkConfMACFormat(n->mac, info->mac);
        g_ptr_array_add(infos, info);
    }
    rootKey = g_strdup(st->root);
    g_mutex_unlock(&st->lock);

    switch (source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        rc = fromLeases(rootKey, infos, list);
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        rc = fromNeighbours(infos, list);
        break;
    default:
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "Unknown IP address data source %u",
                      source);
        return -1;
    }
    if (rc < 0)
        return -1;
    return vkIfaddrListSteal(g_steal_pointer(&list), ifaces);
}
