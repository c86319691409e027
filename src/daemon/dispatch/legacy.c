/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The older procedures of libvirt's program that current clients no longer
 * send, answered as libvirtd 9.0 answers them, so that an old client (or a
 * probe) sees the same reply from either daemon:
 *
 *  - migration v1, v2 and v3 without typed parameters: no virtkit driver
 *    has these steps (they migrate through the *_PARAMS ones), so each is
 *    VIR_ERR_NO_SUPPORT naming its step, as libvirt's drivers without it;
 *  - SASL and polkit steps: virtkitd authenticates by peer credentials and
 *    x509 only, so they fail as on a libvirtd socket without them;
 *  - the old domain event registrations (events.c sends the old messages);
 *  - the calls that carry descriptors beside the call: virtkitd reads none,
 *    so they run with none, which is what libvirtd does for a plain CALL.
 */
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "api/api-internal.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

#define MIGRATE_STEP(name) \
    int \
    vkDispatch##name(vkServerClient *client, void *argsp, void *retp) \
    { \
        (void)argsp; \
        (void)retp; \
        vkReportUnsupported(client->conn, VIR_FROM_DOMAIN, "vir" #name); \
        return -1; \
    }

MIGRATE_STEP(DomainMigratePrepare)
MIGRATE_STEP(DomainMigratePerform)
MIGRATE_STEP(DomainMigrateFinish)
MIGRATE_STEP(DomainMigratePrepare2)
MIGRATE_STEP(DomainMigrateFinish2)
MIGRATE_STEP(DomainMigratePrepareTunnel)
MIGRATE_STEP(DomainMigrateBegin3)
MIGRATE_STEP(DomainMigratePrepare3)
MIGRATE_STEP(DomainMigratePrepareTunnel3)
MIGRATE_STEP(DomainMigratePerform3)
MIGRATE_STEP(DomainMigrateFinish3)
MIGRATE_STEP(DomainMigrateConfirm3)

#undef MIGRATE_STEP

int
vkDispatchAuthSasl(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    vkReportError(VIR_ERR_AUTH_FAILED, "%s", "authentication failed");
    return -1;
}

int
vkDispatchAuthPolkit(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "polkit authentication is not offered here");
    return -1;
}

int
vkDispatchDomainEventRegister(vkServerClient *client, void *argsp, void *retp)
{
    (void)argsp;
    (void)retp;
    return vkDispatchDomainEventRegisterOld(client, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
}

int
vkDispatchDomainEventDeregister(vkServerClient *client, void *argsp, void *retp)
{
    (void)argsp;
    (void)retp;
    return vkDispatchDomainEventDeregisterOld(client, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
}

int
vkDispatchDomainEventRegisterAnyOld(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    (void)retp;
    return vkDispatchDomainEventRegisterOld(client, args->eventID);
}

int
vkDispatchDomainEventDeregisterAnyOld(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchDomainEventDeregisterOld(client, args->eventID);
}

int
vkDispatchDomainOpenGraphics(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                  "no file descriptor came with the call (slot 0)");
    return -1;
}

int
vkDispatchDomainCreateXMLWithFiles(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_create_xml_with_files_args *args = argsp;
    remote_domain_create_xml_with_files_ret *ret = retp;
    int nofiles[1] = { -1 };
    virDomainPtr dom;

    if (!(dom = virDomainCreateXMLWithFiles(client->conn, args->xml_desc, 0, nofiles,
                                            args->flags)))
        return -1;
    vkRemoteMakeDomain(&ret->dom, dom);
    vkDomainUnref(dom);
    return 0;
}

int
vkDispatchDomainCreateWithFiles(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_create_with_files_args *args = argsp;
    remote_domain_create_with_files_ret *ret = retp;
    int nofiles[1] = { -1 };
    virDomainPtr dom;
    int rc;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    rc = virDomainCreateWithFiles(dom, 0, nofiles, args->flags);
    if (rc == 0)
        vkRemoteMakeDomain(&ret->dom, dom);
    vkDomainUnref(dom);
    return rc < 0 ? -1 : 0;
}

int
vkDispatchDomainFDAssociate(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_fd_associate_args *args = argsp;
    int nofds[1] = { -1 };
    virDomainPtr dom;
    int rc;

    (void)retp;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    rc = virDomainFDAssociate(dom, args->name, 0, nofds, args->flags);
    vkDomainUnref(dom);
    return rc < 0 ? -1 : 0;
}
