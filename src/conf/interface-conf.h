/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interface XML (libvirt's interface.rng: ethernet, bridge, bond and
 * vlan <interface>s) <-> vkInterfaceDef.
 *
 * Nothing in virtkit configures host interfaces from it yet (only the test
 * driver keeps them), so the document is kept as an element tree once
 * libvirt's parse checks passed, and written back the way libvirt's
 * formatter writes it: only the parts libvirt keeps for the interface's
 * type and place (top level, inside a bridge or bond, inside a vlan).
 */
#ifndef VK_CONF_INTERFACE_CONF_H
#define VK_CONF_INTERFACE_CONF_H

#include <glib.h>

typedef struct _vkXmlElem vkXmlElem;

typedef struct {
    char *name;
    char *mac;              /* what <mac address> the listings show, or NULL */
    vkXmlElem *xml;         /* the whole <interface> as parsed */
} vkInterfaceDef;

void vkInterfaceDefFree(vkInterfaceDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkInterfaceDef, vkInterfaceDefFree)
/* libvirt's checks and messages (VIR_FROM_INTERFACE, VIR_FROM_XML). */
vkInterfaceDef *vkInterfaceDefParseString(const char *xml);
char *vkInterfaceDefFormat(const vkInterfaceDef *def);
vkInterfaceDef *vkInterfaceDefCopy(const vkInterfaceDef *def);

#endif
