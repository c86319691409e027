/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection-driver registry and library initialisation.
 *
 * Drivers are registered once, in a fixed order, the first time anything
 * needs them (g_once); virConnectOpen walks them in that order.  There are
 * no constructors: the list of built-in drivers is spelled out here.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

#include <string.h>

#include "drivers/test/test-driver.h"
#include "drivers/qemu/qemu-driver.h"
#include "drivers/lxc/lxc-driver.h"
#include "drivers/openvz/openvz-driver.h"
#include "drivers/xen/xen-driver.h"
#include "drivers/network/network-driver.h"
#ifdef WITH_REMOTE
# include "drivers/remote/remote-driver.h"
#endif

#define VK_MAX_DRIVERS 16

static const vkConnectDriver *registry[VK_MAX_DRIVERS];
static size_t nregistered;

int
vkRegisterConnectDriver(const vkConnectDriver *drv)
{
    for (size_t i = 0; i < nregistered; i++) {
        if (registry[i] == drv)
            return 0;           /* registering twice is harmless */
    }
    if (nregistered == VK_MAX_DRIVERS) {
        vkReportError(VIR_ERR_DRIVER_FULL, "cannot register driver '%s'", drv->name);
        return -1;
    }
    /* A driver that accepts any scheme (the remote driver) must stay
     * behind every driver that names its schemes, whatever the order of
     * registration, or it would shadow them. */
    size_t at = nregistered;
    if (drv->uriSchemes) {
        for (size_t i = 0; i < nregistered; i++) {
            if (!registry[i]->uriSchemes) {
                at = i;
                break;
            }
        }
    }
    memmove(&registry[at + 1], &registry[at], (nregistered - at) * sizeof(registry[0]));
    registry[at] = drv;
    nregistered++;
    return 0;
}

size_t vkRegistryCount(void);
const vkConnectDriver *vkRegistryGet(size_t i);
size_t
vkRegistryCount(void)
{
    return nregistered;
}

const vkConnectDriver *
vkRegistryGet(size_t i)
{
    return i < nregistered ? registry[i] : NULL;
}

static gpointer
globalInitOnce(gpointer data)
{
    /* In-process drivers first; the remote driver accepts any scheme, so
     * it must come last. */
    if (vkTestDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
    if (vkQemuDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
    if (vkLxcDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
    if (vkOpenvzDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
    if (vkXenDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
    if (vkNetworkDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
#ifdef WITH_REMOTE
    if (vkRemoteDriverRegister() < 0)
        return GINT_TO_POINTER(-1);
#endif
    return GINT_TO_POINTER(0);
}

int
vkGlobalInit(void)
{
    static GOnce once = G_ONCE_INIT;
    return GPOINTER_TO_INT(g_once(&once, globalInitOnce, NULL));
}

int
virInitialize(void)
{
    return vkGlobalInit();
}

/* The door's errors carry the error domain of the API section they come
 * from (VIR_FROM_DOMAIN for domain calls, ...), as libvirt's do. */
bool
vkCheckWritable(virConnectPtr conn, int errdom, const char *func)
{
    if (conn->flags & VIR_CONNECT_RO) {
        vkReportErrorFull(errdom, VIR_ERR_OPERATION_DENIED, __FILE__, __func__, __LINE__,
                          "read only access prevents %s", func);
        return false;
    }
    return true;
}

void
vkReportNullArg(int errdom, const char *arg, const char *func)
{
    vkReportErrorFull(errdom, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                      "%s in %s must not be NULL", arg, func);
}

void
vkReportUnsupported(virConnectPtr conn, int errdom, const char *func)
{
    /* libvirt names the connection's hypervisor driver, whichever family
     * the call belongs to ("... (driver 'QEMU')"). */
    vkReportErrorFull(errdom, VIR_ERR_NO_SUPPORT, __FILE__, __func__, __LINE__,
                      "%s (driver '%s')", func,
                      conn->driver && conn->driver->name ? conn->driver->name : "none");
}
