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
 *  - the calls that carry descriptors (CALL_WITH_FDS): the daemon hands
 *    them over, the driver dups what it keeps, and they are closed here,
 *    after the call; a plain CALL brings none.
 */
#include <string.h>
#include <unistd.h>

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

/* The call's descriptors, taken over (none where no daemon runs the
 * table); the dummy stands for an empty list, which the API wants non-NULL. */
typedef struct {
    int *fds;
    size_t n;
    int none[1];
} callFds;

static int *
takeFds(vkServerClient *client, callFds *c)
{
    c->fds = NULL;
    c->n = client->takeFds ? client->takeFds(client, &c->fds) : 0;
    c->none[0] = -1;
    return c->n ? c->fds : c->none;
}

static void
closeFds(callFds *c)
{
    for (size_t i = 0; i < c->n; i++)
        close(c->fds[i]);
    g_free(c->fds);
}

int
vkDispatchDomainOpenGraphics(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_open_graphics_args *args = argsp;
    virDomainPtr dom = NULL;
    callFds c;
    int rc = -1;

    (void)retp;
    takeFds(client, &c);
    if (c.n < 1)
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "no file descriptor came with the call (slot 0)");
    else if ((dom = vkRemoteGetDomain(client->conn, &args->dom)))
        rc = virDomainOpenGraphics(dom, args->idx, c.fds[0], args->flags);
    if (dom)
        vkDomainUnref(dom);
    closeFds(&c);
    return rc < 0 ? -1 : 0;
}

int
vkDispatchDomainCreateXMLWithFiles(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_create_xml_with_files_args *args = argsp;
    remote_domain_create_xml_with_files_ret *ret = retp;
    callFds c;
    int *files = takeFds(client, &c);
    virDomainPtr dom;

    dom = virDomainCreateXMLWithFiles(client->conn, args->xml_desc, c.n, files, args->flags);
    closeFds(&c);
    if (!dom)
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
    callFds c;
    int *files = takeFds(client, &c);
    virDomainPtr dom;
    int rc = -1;

    if ((dom = vkRemoteGetDomain(client->conn, &args->dom)))
        rc = virDomainCreateWithFiles(dom, c.n, files, args->flags);
    closeFds(&c);
    if (rc == 0)
        vkRemoteMakeDomain(&ret->dom, dom);
    if (dom)
        vkDomainUnref(dom);
    return rc < 0 ? -1 : 0;
}

int
vkDispatchDomainFDAssociate(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_fd_associate_args *args = argsp;
    callFds c;
    int *fds = takeFds(client, &c);
    virDomainPtr dom;
    int rc = -1;

    (void)retp;
    if ((dom = vkRemoteGetDomain(client->conn, &args->dom))) {
        rc = virDomainFDAssociate(dom, args->name, c.n, fds, args->flags);
        vkDomainUnref(dom);
    }
    closeFds(&c);
    return rc < 0 ? -1 : 0;
}
