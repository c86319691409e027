/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network port XML (libvirt's <networkport>): one guest NIC plugged into
 * a virtual network, with its owner, MAC and how it is plugged.  Only the
 * plugs virtkit makes (a Linux bridge: type 'network' or 'bridge') are
 * accepted; bandwidth, VLANs, isolation, rx filters, virtual ports and
 * direct/hostdev plugs are refused naming the element.
 */
#ifndef VK_CONF_NETPORT_CONF_H
#define VK_CONF_NETPORT_CONF_H

#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct {
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *ownerName;
    unsigned char ownerUUID[VIR_UUID_BUFLEN];
    char *group;                  /* <group>: the network's portgroup, or NULL */
    unsigned char mac[6];
    char *plugType;               /* NULL (none), "network" or "bridge" */
    char *plugBridge;
    char *macTableManager;        /* NULL: the network's default */
} vkNetworkPortDef;

void vkNetworkPortDefFree(vkNetworkPortDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkNetworkPortDef, vkNetworkPortDefFree)
/* Parses and checks a <networkport> (a missing UUID is generated). */
vkNetworkPortDef *vkNetworkPortDefParseString(const char *xml);
char *vkNetworkPortDefFormat(const vkNetworkPortDef *def);

#endif
