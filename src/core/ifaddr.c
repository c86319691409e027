/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface address records of virDomainInterfaceAddresses, made the
 * same way by every driver so that virDomainInterfaceFree frees them all.
 */
#include "core/ifaddr.h"

static void
ifaceFree(gpointer p)
{
    virDomainInterfaceFree(p);
}

vkIfaddrList *
vkIfaddrListNew(void)
{
    return g_ptr_array_new_with_free_func(ifaceFree);
}

void
vkIfaddrListFree(vkIfaddrList *list)
{
    if (list)
        g_ptr_array_unref(list);
}

virDomainInterfacePtr
vkIfaddrAdd(vkIfaddrList *list, const char *name, const char *hwaddr)
{
    virDomainInterfacePtr iface = g_new0(virDomainInterface, 1);

    iface->name = g_strdup(name);
    iface->hwaddr = g_strdup(hwaddr);
    g_ptr_array_add(list, iface);
    return iface;
}

void
vkIfaddrAddAddress(virDomainInterfacePtr iface, int type, const char *addr,
                   unsigned int prefix)
{
    iface->addrs = g_renew(virDomainIPAddress, iface->addrs, iface->naddrs + 1);
    iface->addrs[iface->naddrs].type = type;
    iface->addrs[iface->naddrs].addr = g_strdup(addr);
    iface->addrs[iface->naddrs].prefix = prefix;
    iface->naddrs++;
}

int
vkIfaddrListSteal(vkIfaddrList *list, virDomainInterfacePtr **out)
{
    int n = (int)list->len;

    if (out) {
        g_ptr_array_set_free_func(list, NULL);
        *out = g_new0(virDomainInterfacePtr, n + 1);
        for (int i = 0; i < n; i++)
            (*out)[i] = list->pdata[i];
    }
    g_ptr_array_unref(list);
    return n;
}
