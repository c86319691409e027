/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host-interface driver: a read-only view of the host's links, as
 * libvirt 9.0's udev backend gives it (list, lookup by name or MAC, XML,
 * is-active).  Defining, undefining, starting and destroying host
 * interfaces, and the change transactions, stay NULL in the table, so
 * callers get VIR_ERR_NO_SUPPORT exactly as from that backend.
 *
 * The idea: it is a secondary driver with no state at all; every call
 * reads sysfs afresh, so what it says is what the host has now.  It
 * claims the interface family of the connections whose hypervisor driver
 * manages this host (qemu:///system, lxc:///system, their embed roots).
 * VIRTKIT_SYSFS_NET points it at another tree (tests only).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_INTERFACE
#include "util/error.h"
#include "core/driver.h"
#include "core/secondary-alone.h"
#include "drivers/interface/interface-sysfs.h"
#include "drivers/interface/interface-driver.h"

static const char *
sysNet(void)
{
    const char *env = g_getenv("VIRTKIT_SYSFS_NET");

    return env && *env ? env : VK_SYSFS_NET;
}

static vkHostIface *
readOrFail(const char *name)
{
    vkHostIface *i = vkHostIfaceRead(sysNet(), name);

    if (!i)
        vkReportError(VIR_ERR_NO_INTERFACE, "couldn't find interface named '%s'", name);
    return i;
}

static virInterfacePtr
handle(virConnectPtr conn, const vkHostIface *i)
{
    return vkGetInterface(conn, i->name, i->mac);
}

/* The listed links whose activity is wanted (active: 1, inactive: 0,
 * either: -1); NULL with an error. */
static GPtrArray *
listBy(int active)
{
    GPtrArray *all = NULL;

    if (vkHostIfaceList(sysNet(), &all) < 0)
        return NULL;
    for (guint k = all->len; active >= 0 && k-- > 0;) {
        if (vkHostIfaceActive(all->pdata[k]) != (active == 1))
            g_ptr_array_remove_index(all, k);
    }
    return all;
}

static int
countBy(int active)
{
    g_autoptr(GPtrArray) l = listBy(active);

    return l ? (int)l->len : -1;
}

static int
namesBy(int active, char **const names, int maxnames)
{
    g_autoptr(GPtrArray) l = listBy(active);
    int n = 0;

    if (!l)
        return -1;
    for (; n < maxnames && (guint)n < l->len; n++)
        names[n] = g_strdup(((vkHostIface *)l->pdata[n])->name);
    return n;
}

static int
ifaceNumOfInterfaces(virConnectPtr conn)
{
    (void)conn;
    return countBy(1);
}

static int
ifaceListInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    (void)conn;
    return namesBy(1, names, maxnames);
}

static int
ifaceNumOfDefinedInterfaces(virConnectPtr conn)
{
    (void)conn;
    return countBy(0);
}

static int
ifaceListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    (void)conn;
    return namesBy(0, names, maxnames);
}

static int
ifaceListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces, unsigned int flags)
{
    g_autoptr(GPtrArray) l = NULL;
    GPtrArray *out;
    int active = -1;

    vkCheckFlags(VIR_CONNECT_LIST_INTERFACES_ACTIVE | VIR_CONNECT_LIST_INTERFACES_INACTIVE, -1);
    /* both bits, like neither, mean every link */
    if ((flags & VIR_CONNECT_LIST_INTERFACES_ACTIVE) &&
        !(flags & VIR_CONNECT_LIST_INTERFACES_INACTIVE))
        active = 1;
    else if (!(flags & VIR_CONNECT_LIST_INTERFACES_ACTIVE) &&
             (flags & VIR_CONNECT_LIST_INTERFACES_INACTIVE))
        active = 0;
    if (!(l = listBy(active)))
        return -1;
    if (!ifaces)
        return (int)l->len;
    out = g_ptr_array_new();
    for (guint k = 0; k < l->len; k++) {
        virInterfacePtr h = handle(conn, l->pdata[k]);

        if (!h) {
            g_ptr_array_set_free_func(out, (GDestroyNotify)vkInterfaceUnref);
            g_ptr_array_free(out, TRUE);
            return -1;
        }
        g_ptr_array_add(out, h);
    }
    g_ptr_array_add(out, NULL);
    *ifaces = (virInterfacePtr *)g_ptr_array_free(out, FALSE);
    return (int)l->len;
}

static virInterfacePtr
ifaceLookupByName(virConnectPtr conn, const char *name)
{
    g_autoptr(vkHostIface) i = readOrFail(name);

    return i ? handle(conn, i) : NULL;
}

static virInterfacePtr
ifaceLookupByMACString(virConnectPtr conn, const char *macstr)
{
    g_autoptr(GPtrArray) l = listBy(-1);
    const vkHostIface *found = NULL;

    if (!l)
        return NULL;
    for (guint k = 0; k < l->len; k++) {
        const vkHostIface *i = l->pdata[k];

        /* exact, as udev matches the address attribute */
        if (strcmp(i->mac, macstr) != 0)
            continue;
        if (found) {
            vkReportError(VIR_ERR_MULTIPLE_INTERFACES,
                          "the MAC address '%s' matches multiple interfaces", macstr);
            return NULL;
        }
        found = i;
    }
    if (!found) {
        vkReportError(VIR_ERR_NO_INTERFACE, "couldn't find interface with MAC address '%s'",
                      macstr);
        return NULL;
    }
    return handle(conn, found);
}

static char *
ifaceGetXMLDesc(virInterfacePtr iface, unsigned int flags)
{
    g_autoptr(vkHostIface) i = NULL;

    /* the host has one view of a link: --inactive shows the same */
    vkCheckFlags(VIR_INTERFACE_XML_INACTIVE, NULL);
    if (!(i = readOrFail(iface->name)))
        return NULL;
    return vkHostIfaceFormat(sysNet(), i);
}

static int
ifaceIsActive(virInterfacePtr iface)
{
    g_autoptr(vkHostIface) i = readOrFail(iface->name);

    return i ? vkHostIfaceActive(i) : -1;
}

static virHypervisorDriver interfaceTable = {
    .name = "interface",
    .connectNumOfInterfaces = ifaceNumOfInterfaces,
    .connectListInterfaces = ifaceListInterfaces,
    .connectNumOfDefinedInterfaces = ifaceNumOfDefinedInterfaces,
    .connectListDefinedInterfaces = ifaceListDefinedInterfaces,
    .connectListAllInterfaces = ifaceListAllInterfaces,
    .interfaceLookupByName = ifaceLookupByName,
    .interfaceLookupByMACString = ifaceLookupByMACString,
    .interfaceGetXMLDesc = ifaceGetXMLDesc,
    .interfaceIsActive = ifaceIsActive,
};

static vkDrvOpenStatus
interfaceOpen(virConnectPtr conn, unsigned int flags)
{
    const vkURI *uri = conn->uri;

    (void)flags;
    if (!conn->connectDriver ||
        !(conn->connectDriver->features & VK_CONNECT_FEATURE_HOST_SERVICES) ||
        !uri || !uri->path ||
        (strcmp(uri->path, "/system") != 0 && strcmp(uri->path, "/embed") != 0))
        return VK_DRV_OPEN_DECLINED;
    return VK_DRV_OPEN_SUCCESS;
}

static const vkSecondaryDriver interfaceDriver = {
    .name = "interface",
    .family = VK_FAMILY_INTERFACE,
    .table = &interfaceTable,
    .open = interfaceOpen,
};

/* interface:///system: the host's interfaces alone (inside virtkitd) */
static const vkAloneService interfaceAlone = {
    .scheme = "interface",
};

int
vkInterfaceDriverRegister(void)
{
    if (vkRegisterAloneService(&interfaceAlone) < 0)
        return -1;
    return vkRegisterSecondaryDriver(&interfaceDriver);
}
