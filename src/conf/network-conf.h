/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network XML (libvirt's <network> format) <-> vkNetworkDef.
 *
 * Only what drivers reason about is interpreted: the name, the UUID, the
 * forward mode and the bridge.  Everything else (<ip>, <dns>, <mac>,
 * <domain>, <route>, ...) is kept as detached element trees and written
 * back in document order, so a definition survives a round trip without
 * virtkit having to model every addressing detail.
 */
#ifndef VK_CONF_NETWORK_CONF_H
#define VK_CONF_NETWORK_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct _vkXmlElem vkXmlElem;

typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *ipv6;                   /* root attributes, kept when present */
    char *trustGuestRxFilters;
    char *forwardMode;            /* NULL: an isolated network */
    vkXmlElem *forward;           /* the whole <forward>, or NULL */
    vkXmlElem *bridge;            /* <bridge>, or NULL */
    GPtrArray *extra;             /* vkXmlElem *, the other children */
} vkNetworkDef;

void vkNetworkDefFree(vkNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkNetworkDef, vkNetworkDefFree)

/* Parses and checks a <network> document (VIR_FROM_NETWORK errors).  A
 * missing UUID is generated; NAT, routed, open and isolated networks get
 * libvirt's bridge defaults (stp='on' delay='0'). */
vkNetworkDef *vkNetworkDefParseString(const char *xml);
char *vkNetworkDefFormat(const vkNetworkDef *def, unsigned int flags);
vkNetworkDef *vkNetworkDefCopy(const vkNetworkDef *def);
/* The bridge device name, or NULL. */
const char *vkNetworkDefBridgeName(const vkNetworkDef *def);

#endif
