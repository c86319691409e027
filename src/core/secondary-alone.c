/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secondary drivers served alone: storage:///system, network:///system,
 * secret:///system, ... (libvirt's URIs for its per-driver daemons).
 *
 * Such a connection has no hypervisor: its connect driver only opens it,
 * and since it has the HOST_SERVICES feature, the secondary drivers claim
 * their families on it as they do for qemu:///system.  Every service
 * shares one table; a service only says which scheme it answers, when the
 * process may serve /system (inside virtkitd, once the driver's state
 * exists; elsewhere the remote driver takes the URI to the daemon) and
 * whether SCHEME:///embed?root=DIR is served in any process.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/driver.h"
#include "core/secondary-alone.h"
#include "core/state-driver.h"
#include "core/state-root.h"
#include "core/uri.h"

#define VK_MAX_ALONE_SERVICES 8

static const vkAloneService *services[VK_MAX_ALONE_SERVICES];
static size_t nservices;

static const vkAloneService *
serviceOf(const vkURI *uri)
{
    for (size_t i = 0; uri && uri->scheme && i < nservices; i++) {
        if (strcmp(services[i]->scheme, uri->scheme) == 0)
            return services[i];
    }
    return NULL;
}

static bool
systemReady(const vkAloneService *svc)
{
    bool ready;

    if (!svc->systemAllowed)
        return vkStateDriversRunning();
    g_mutex_lock(svc->lock);
    ready = *svc->systemAllowed;
    g_mutex_unlock(svc->lock);
    return ready;
}

static vkDrvOpenStatus
aloneConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const vkAloneService *svc = serviceOf(uri);

    (void)auth;
    if (!svc || (uri->server && *uri->server) || uri->transport)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);
    if (svc->embed && g_strcmp0(uri->path, "/embed") == 0) {
        const char *root = vkURIGetParam(uri, "root");

        if (!root || root[0] != '/') {
            vkReportError(VIR_ERR_INVALID_ARG, "%s:///embed needs an absolute root "
                          "directory (%s:///embed?root=/path), not '%s'",
                          svc->scheme, svc->scheme, root ? root : "");
            return VK_DRV_OPEN_ERROR;
        }
        return VK_DRV_OPEN_SUCCESS;
    }
    if (!systemReady(svc))
        return VK_DRV_OPEN_DECLINED;
    if (g_strcmp0(uri->path, "/system") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "unexpected %s URI path '%s', try %s:///system",
                      svc->scheme, uri->path ? uri->path : "", svc->scheme);
        return VK_DRV_OPEN_ERROR;
    }
    return VK_DRV_OPEN_SUCCESS;
}

static int
aloneConnectClose(virConnectPtr conn)
{
    (void)conn;
    return 0;
}

static const char *
aloneConnectGetType(virConnectPtr conn)
{
    const vkAloneService *svc = serviceOf(conn->uri);

    return svc ? svc->scheme : NULL;
}

static virHypervisorDriver aloneTable = {
    .name = "alone",
    .connectOpen = aloneConnectOpen,
    .connectClose = aloneConnectClose,
    .connectGetType = aloneConnectGetType,
    .connectIsAlive = vkStateConnectIsAlive,
    .connectIsSecure = vkStateConnectIsSecure,
    .connectIsEncrypted = vkStateConnectIsEncrypted,
};

int
vkRegisterAloneService(const vkAloneService *svc)
{
    vkConnectDriver *drv;
    const char **schemes;

    for (size_t i = 0; i < nservices; i++) {
        if (services[i] == svc)
            return 0;
    }
    if (nservices == VK_MAX_ALONE_SERVICES) {
        vkReportError(VIR_ERR_DRIVER_FULL, "cannot register the %s:/// service", svc->scheme);
        return -1;
    }
    /* Registered drivers live as long as the process. */
    schemes = g_new0(const char *, 2);
    schemes[0] = svc->scheme;
    drv = g_new0(vkConnectDriver, 1);
    drv->name = svc->scheme;
    drv->features = VK_CONNECT_FEATURE_HOST_SERVICES;
    drv->uriSchemes = schemes;
    drv->localOnly = true;
    drv->hypervisorDriver = &aloneTable;
    if (vkRegisterConnectDriver(drv) < 0) {
        g_free(schemes);
        g_free(drv);
        return -1;
    }
    services[nservices++] = svc;
    return 0;
}
