/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers on virtual networks.
 *
 * The network driver owns the bridge; the container's veth joins it like
 * any bridged one (lxc-netlink.c).  What a network adds is accounting: a
 * network port per interface, made before the container starts, kept in
 * the live definition while it runs, deleted when the run ends, so
 * net-port-list and the network's users agree with what is plugged in.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/lxc/lxc-net.h"
#include "drivers/network/network-driver.h"

void
vkLxcNetPortsClear(vkLxcNetPorts *ports)
{
    for (guint i = 0; !ports->kept && ports->portids && i < ports->portids->len; i++)
        vkNetworkDriverPortUnplug(ports->rootKey, ports->networks->pdata[i],
                                  ports->portids->pdata[i]);
    g_clear_pointer(&ports->portids, g_ptr_array_unref);
    g_clear_pointer(&ports->networks, g_ptr_array_unref);
    g_clear_pointer(&ports->rootKey, g_free);
}

int
vkLxcNetPlugPorts(const char *rootKey, const vkDomainDef *def, vkContainerDef *cdef,
                  vkLxcNetPorts *ports)
{
    memset(ports, 0, sizeof(*ports));
    ports->rootKey = g_strdup(rootKey);
    ports->portids = g_ptr_array_new_with_free_func(g_free);
    ports->networks = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < cdef->nets->len; i++) {
        vkContainerNet *n = cdef->nets->pdata[i];
        unsigned char uuid[VIR_UUID_BUFLEN];
        char str[VIR_UUID_STRING_BUFLEN];

        g_ptr_array_add(ports->portids, NULL);
        g_ptr_array_add(ports->networks, NULL);
        if (!n->network)
            continue;
        g_free(n->bridge);
        if (!(n->bridge = vkNetworkDriverBridgeFor(rootKey, n->network)) ||
            vkNetworkDriverPortPlug(rootKey, n->network, def->name, def->uuid, n->mac,
                                    uuid) < 0) {
            vkLxcNetPortsClear(ports);
            return -1;
        }
        ports->portids->pdata[i] = g_strdup(vkUUIDFormat(uuid, str));
        ports->networks->pdata[i] = g_strdup(n->network);
    }
    return 0;
}

void
vkLxcNetKeepPorts(vkDomainDef *def, const vkContainerDef *cdef, vkLxcNetPorts *ports)
{
    GPtrArray *cdefNets = cdef->nets;
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];

    ports->kept = true;
    for (guint i = 0; nets && i < nets->len && i < ports->portids->len; i++) {
        vkDomainNetDef *dn = nets->pdata[i];

        if (!ports->portids->pdata[i])
            continue;
        g_free(dn->portid);
        dn->portid = g_strdup(ports->portids->pdata[i]);
        g_free(dn->liveBridge);
        dn->liveBridge = g_strdup(((vkContainerNet *)cdefNets->pdata[i])->bridge);
    }
}

void
vkLxcNetReleasePorts(const char *rootKey, vkDomainDef *def)
{
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *dn = nets->pdata[i];

        if (dn->type == VK_DOMAIN_NET_TYPE_NETWORK)
            vkNetworkDriverPortUnplug(rootKey, dn->source, dn->portid);
        g_clear_pointer(&dn->portid, g_free);
        g_clear_pointer(&dn->liveBridge, g_free);
    }
}
