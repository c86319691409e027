/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainInterfaceAddresses for the test hypervisor, answering as
 * libvirt's test driver does, whatever the source asked for: an interface
 * on a virtual network gets an address from that network's first IPv4
 * DHCP range, 20 per domain id (the domain with id N starts at offset
 * 20 * (N - 1) + 1, the interface's position in the definition added);
 * any other interface gets 192.168.0.(position + 1)/24.
 */
#include <arpa/inet.h>
#include <stdio.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "core/ifaddr.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"

#define ADDRESSES_PER_DOMAIN 20

/* start + offset as a dotted IPv4 address, or NULL when start is not one. */
static char *
ipv4Offset(const char *start, guint32 offset)
{
    struct in_addr a;
    char buf[INET_ADDRSTRLEN];

    if (inet_pton(AF_INET, start, &a) != 1)
        return NULL;
    a.s_addr = htonl(ntohl(a.s_addr) + offset);
    return g_strdup(inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static int
addNet(vkTestState *st, const vkTestDomain *obj, guint i, const vkDomainNetDef *n,
       vkIfaddrList *list)
{
    g_autofree char *addr = NULL, *start = NULL;
    char mac[18];
    unsigned int prefix = 24;
    virDomainInterfacePtr iface;

    if (n->type == VK_DOMAIN_NET_TYPE_NETWORK) {
        if (vkTestNetworkDHCPStart(st, n->source ? n->source : "", &start, &prefix) < 0)
            return -1;
        addr = ipv4Offset(start, ADDRESSES_PER_DOMAIN * (obj->id - 1) + 1 + i);
    } else {
        addr = g_strdup_printf("192.168.0.%u", i + 1);
    }
    if (!addr) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "bad DHCP range start '%s'", start);
        return -1;
    }
    vkConfMACFormat(n->mac, mac);
    iface = vkIfaddrAdd(list, n->ifname, mac);
    vkIfaddrAddAddress(iface, VIR_IP_ADDR_TYPE_IPV4, addr, prefix);
    return 0;
}

int
vkTestDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                               unsigned int source, unsigned int flags)
{
    g_autoptr(vkIfaddrList) list = vkIfaddrListNew();
    vkTestState *st;
    vkTestDomain *obj;
    GPtrArray *nets;

    vkCheckFlags(0, -1);
    if (source >= VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "Unknown IP address data source %u", source);
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj))
        goto error;
    nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    for (guint i = 0; nets && i < nets->len; i++) {
        if (addNet(st, obj, i, nets->pdata[i], list) < 0)
            goto error;
    }
    g_mutex_unlock(&st->lock);
    return vkIfaddrListSteal(g_steal_pointer(&list), ifaces);

 error:
    g_mutex_unlock(&st->lock);
    return -1;
}
