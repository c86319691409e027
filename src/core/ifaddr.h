/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building the answer of virDomainInterfaceAddresses: every driver (test,
 * QEMU, the remote client) collects interfaces and their addresses into a
 * vkIfaddrList and hands the caller libvirt's NULL-free array of
 * virDomainInterfacePtr, freed with virDomainInterfaceFree.
 */
#ifndef VK_CORE_IFADDR_H
#define VK_CORE_IFADDR_H

#include <glib.h>

#include "virtkit/virtkit.h"

typedef GPtrArray vkIfaddrList;    /* virDomainInterfacePtr */

vkIfaddrList *vkIfaddrListNew(void);
void vkIfaddrListFree(vkIfaddrList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkIfaddrList, vkIfaddrListFree)
/* A new interface at the end of list (name and hwaddr may be NULL). */
virDomainInterfacePtr vkIfaddrAdd(vkIfaddrList *list, const char *name, const char *hwaddr);
void vkIfaddrAddAddress(virDomainInterfacePtr iface, int type, const char *addr,
                        unsigned int prefix);
/* Hands the interfaces to the caller (when out is not NULL) and frees the
 * list; returns their number. */
int vkIfaddrListSteal(vkIfaddrList *list, virDomainInterfacePtr **out);

#endif
