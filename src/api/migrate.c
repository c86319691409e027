/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration's public entry points and the v3 steps under them.
 *
 * The idea (libvirt's): a migration is five calls split between two
 * daemons that never talk to each other unless asked to.  Managed direct,
 * the client runs Begin (source: the domain's XML and a cookie), Prepare
 * (destination: a QEMU waiting for the stream, and the URI to send it
 * to), Perform (source: the stream), Finish (destination: the guest runs
 * there, or is dropped when Perform failed) and Confirm (source: the
 * guest goes, or runs again when Finish failed).  Each step's cookie goes
 * into the next one.  Peer to peer, the client hands the whole sequence
 * to the source's driver in one Perform call with the destination's
 * connection URI.  Every older form (Migrate, Migrate2, MigrateToURI,
 * ToURI2) is the v3 form with its arguments turned into parameters.
 */
#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "api/api-internal.h"
#include "api/migrate.h"

#include <string.h>

const char *
vkMigrateParamString(virTypedParameterPtr params, int nparams, const char *name)
{
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) == 0 && params[i].type == VIR_TYPED_PARAM_STRING)
            return params[i].value.s;
    }
    return NULL;
}

/* Appending to a parameter list without touching the thread's error
 * (the public virTypedParamsAdd* reset it, and a step's error must
 * survive the cleanup that follows it). */
static void
addParam(virTypedParameterPtr *p, int *np, const virTypedParameter *src)
{
    virTypedParameterPtr dst;

    *p = g_renew(virTypedParameter, *p, *np + 1);
    dst = &(*p)[(*np)++];
    *dst = *src;
    if (src->type == VIR_TYPED_PARAM_STRING)
        dst->value.s = g_strdup(src->value.s);
}

static void
addString(virTypedParameterPtr *p, int *np, const char *name, const char *value)
{
    virTypedParameter tp = { .type = VIR_TYPED_PARAM_STRING };

    g_strlcpy(tp.field, name, sizeof(tp.field));
    tp.value.s = (char *)value;
    addParam(p, np, &tp);
}

int
vkConnectSupportsFeature(virConnectPtr conn, int feature)
{
    if (!conn->driver->connectSupportsFeature)
        return 0;
    return conn->driver->connectSupportsFeature(conn, feature) > 0;
}

/* The door of every step: a valid handle, a writable connection, the
 * member. */
#define STEP_CHECK(conn, member, fail) \
    do { \
        if (!vkCheckWritable(conn, VIR_FROM_THIS, __func__)) \
            return fail; \
        if (!(conn)->driver->member) { \
            vkReportUnsupported(conn, VIR_FROM_THIS, __func__); \
            return fail; \
        } \
    } while (0)

char *
vkDomainMigrateBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                            char **cookieout, int *cookieoutlen, unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckDomain(dom, __func__))
        return NULL;
    STEP_CHECK(dom->conn, domainMigrateBegin3Params, NULL);
    return dom->conn->driver->domainMigrateBegin3Params(dom, params, nparams, cookieout,
                                                        cookieoutlen, flags);
}

int
vkDomainMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                              const char *cookiein, int cookieinlen, char **cookieout,
                              int *cookieoutlen, char **uri_out, unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckConnect(dconn, __func__))
        return -1;
    STEP_CHECK(dconn, domainMigratePrepare3Params, -1);
    return dconn->driver->domainMigratePrepare3Params(dconn, params, nparams, cookiein,
                                                      cookieinlen, cookieout, cookieoutlen,
                                                      uri_out, flags);
}

int
vkDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                    virTypedParameterPtr params, int nparams,
                                    const char *cookiein, int cookieinlen, char **cookieout,
                                    int *cookieoutlen, unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckConnect(dconn, __func__))
        return -1;
    STEP_CHECK(dconn, domainMigratePrepareTunnel3Params, -1);
    return dconn->driver->domainMigratePrepareTunnel3Params(dconn, st, params, nparams,
                                                            cookiein, cookieinlen, cookieout,
                                                            cookieoutlen, flags);
}

int
vkDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                              virTypedParameterPtr params, int nparams, const char *cookiein,
                              int cookieinlen, char **cookieout, int *cookieoutlen,
                              unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckDomain(dom, __func__))
        return -1;
    STEP_CHECK(dom->conn, domainMigratePerform3Params, -1);
    return dom->conn->driver->domainMigratePerform3Params(dom, dconnuri, params, nparams,
                                                          cookiein, cookieinlen, cookieout,
                                                          cookieoutlen, flags);
}

virDomainPtr
vkDomainMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                             const char *cookiein, int cookieinlen, char **cookieout,
                             int *cookieoutlen, unsigned int flags, int cancelled)
{
    vkErrorReset();
    if (!vkCheckConnect(dconn, __func__))
        return NULL;
    STEP_CHECK(dconn, domainMigrateFinish3Params, NULL);
    return dconn->driver->domainMigrateFinish3Params(dconn, params, nparams, cookiein,
                                                     cookieinlen, cookieout, cookieoutlen,
                                                     flags, cancelled);
}

int
vkDomainMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                              const char *cookiein, int cookieinlen, unsigned int flags,
                              int cancelled)
{
    vkErrorReset();
    if (!vkCheckDomain(dom, __func__))
        return -1;
    STEP_CHECK(dom->conn, domainMigrateConfirm3Params, -1);
    return dom->conn->driver->domainMigrateConfirm3Params(dom, params, nparams, cookiein,
                                                          cookieinlen, flags, cancelled);
}

/* The five steps, each cookie into the next.  A failure of Perform or
 * Finish still runs the remaining steps with cancelled set, so the guest
 * ends running on exactly one side; the first error is the one
 * reported.  Perform is asked for the stream only (no PEER2PEER), so a
 * driver migrating peer to peer can run this itself. */
virDomainPtr
vkDomainMigrateSequence(virDomainPtr dom, virConnectPtr dconn, virTypedParameterPtr params,
                        int nparams, unsigned int flags, vkMigratePerformTunnelFn tunnel)
{
    virStreamPtr st = NULL;
    virTypedParameterPtr p = NULL;
    int np = 0;
    g_autofree char *xml = NULL;
    g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
    g_autofree char *uriOut = NULL;
    int l1 = 0, l2 = 0, l3 = 0, l4 = 0;
    virDomainPtr ddom = NULL;
    virErrorPtr saved = NULL;
    int cancelled;

    if (!vkConnectSupportsFeature(dom->conn, VK_DRV_FEATURE_MIGRATION_PARAMS) ||
        !vkConnectSupportsFeature(dconn, VK_DRV_FEATURE_MIGRATION_PARAMS)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "migration with typed parameters is not supported by one of the "
                      "connections");
        return NULL;
    }
    if (!(xml = vkDomainMigrateBegin3Params(dom, params, nparams, &c1, &l1, flags)))
        return NULL;
    /* Prepare and the steps after it see Begin's XML as the definition
     * (Begin read the caller's, if any); the URI Prepare chose replaces
     * the caller's. */
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, VIR_MIGRATE_PARAM_DEST_XML) == 0 ||
            strcmp(params[i].field, VIR_MIGRATE_PARAM_URI) == 0)
            continue;
        addParam(&p, &np, &params[i]);
    }
    {
        const char *uri = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_URI);

        addString(&p, &np, VIR_MIGRATE_PARAM_DEST_XML, xml);
        if (uri)
            addString(&p, &np, VIR_MIGRATE_PARAM_URI, uri);
    }
    if (tunnel && !(st = virStreamNew(dconn, 0))) {
        saved = vkErrorSave();
        vkDomainMigrateConfirm3Params(dom, p, np, NULL, 0, flags, 1);
        goto cleanup;
    }
    if ((tunnel ? vkDomainMigratePrepareTunnel3Params(dconn, st, p, np, c1, l1, &c2, &l2, flags)
                : vkDomainMigratePrepare3Params(dconn, p, np, c1, l1, &c2, &l2, &uriOut,
                                                flags)) < 0) {
        saved = vkErrorSave();
        vkDomainMigrateConfirm3Params(dom, p, np, NULL, 0, flags, 1);
        goto cleanup;
    }
    if (uriOut) {
        for (int i = 0; i < np; i++) {
            if (strcmp(p[i].field, VIR_MIGRATE_PARAM_URI) == 0) {
                g_free(p[i].value.s);
                p[i].value.s = g_steal_pointer(&uriOut);
            }
        }
        if (uriOut)
            addString(&p, &np, VIR_MIGRATE_PARAM_URI, uriOut);
    }
    if (tunnel)
        cancelled = tunnel(dom, st, p, np, c2, l2, &c3, &l3, flags) < 0;
    else
        cancelled = vkDomainMigratePerform3Params(dom, NULL, p, np, c2, l2, &c3, &l3,
                                                  flags & ~VIR_MIGRATE_PEER2PEER) < 0;
    if (cancelled)
        saved = vkErrorSave();
    ddom = vkDomainMigrateFinish3Params(dconn, p, np, c3, l3, &c4, &l4, flags, cancelled);
    if (!ddom && !cancelled) {
        saved = vkErrorSave();
        cancelled = 1;
    }
    if (vkDomainMigrateConfirm3Params(dom, p, np, c4, l4, flags, cancelled) < 0 && !saved &&
        !ddom)
        saved = vkErrorSave();
    else if (ddom)
        vkErrorReset();   /* the guest runs on the destination: that is the result */

 cleanup:
    if (st)
        virStreamFree(st);
    if (saved)
        vkErrorRestore(&saved);
    virTypedParamsFree(p, np);
    return ddom;
}

/* The common path of every form that names the destination by handle. */
/* Offline migration needs both ends' support (dconn NULL: the destination
 * is a URI the source's driver reaches itself); libvirt checks it before
 * anything else about the migration's kind. */
static bool
offlineSupported(virConnectPtr conn, virConnectPtr dconn, unsigned int flags)
{
    if (!(flags & VIR_MIGRATE_OFFLINE))
        return true;
    if (!vkConnectSupportsFeature(conn, VK_DRV_FEATURE_MIGRATION_OFFLINE)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "offline migration is not supported by the source host");
        return false;
    }
    if (dconn && !vkConnectSupportsFeature(dconn, VK_DRV_FEATURE_MIGRATION_OFFLINE)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "offline migration is not supported by the destination host");
        return false;
    }
    return true;
}

static virDomainPtr
migrate3(virDomainPtr dom, virConnectPtr dconn, virTypedParameterPtr params, int nparams,
         unsigned int flags)
{
    if (!vkCheckWritable(dom->conn, VIR_FROM_THIS, "virDomainMigrate3") ||
        !vkCheckWritable(dconn, VIR_FROM_THIS, "virDomainMigrate3") ||
        !offlineSupported(dom->conn, dconn, flags))
        return NULL;
    if ((flags & VIR_MIGRATE_TUNNELLED) && !(flags & VIR_MIGRATE_PEER2PEER)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot perform tunnelled migration without using peer2peer flag");
        return NULL;
    }
    if ((flags & VIR_MIGRATE_NON_SHARED_DISK) && (flags & VIR_MIGRATE_NON_SHARED_INC)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "flags 'VIR_MIGRATE_NON_SHARED_DISK' and 'VIR_MIGRATE_NON_SHARED_INC' "
                      "are mutually exclusive");
        return NULL;
    }
    if (flags & VIR_MIGRATE_PEER2PEER) {
        g_autofree char *dconnuri = NULL;
        const char *dname;

        if (!vkConnectSupportsFeature(dom->conn, VK_DRV_FEATURE_MIGRATION_P2P)) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                          "p2p migration is not supported by the source host");
            return NULL;
        }
        if (!dconn->uri || !(dconnuri = vkURIFormat(dconn->uri))) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s", "the destination connection has no URI");
            return NULL;
        }
        if (vkDomainMigratePerform3Params(dom, dconnuri, params, nparams, NULL, 0, NULL, NULL,
                                          flags) < 0)
            return NULL;
        dname = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME);
        return virDomainLookupByName(dconn, dname ? dname : dom->name);
    }
    return vkDomainMigrateSequence(dom, dconn, params, nparams, flags, NULL);
}

/* The arguments of the older forms as parameters. */
static void
legacyParams(virTypedParameterPtr *p, int *np, const char *dxml, const char *dname,
             const char *uri, unsigned long long bandwidth)
{
    if (dxml)
        addString(p, np, VIR_MIGRATE_PARAM_DEST_XML, dxml);
    if (dname)
        addString(p, np, VIR_MIGRATE_PARAM_DEST_NAME, dname);
    if (uri)
        addString(p, np, VIR_MIGRATE_PARAM_URI, uri);
    if (bandwidth) {
        virTypedParameter bw = { .type = VIR_TYPED_PARAM_ULLONG };

        g_strlcpy(bw.field, VIR_MIGRATE_PARAM_BANDWIDTH, sizeof(bw.field));
        bw.value.ul = bandwidth;
        addParam(p, np, &bw);
    }
}

/* The source's connection (for the error), NULL when a handle is bad. */
static virConnectPtr
checkPair(virDomainPtr dom, virConnectPtr dconn, const char *func)
{
    if (!vkCheckDomain(dom, func) || !vkCheckConnect(dconn, func))
        return NULL;
    return dom->conn;
}

virDomainPtr
virDomainMigrate3(virDomainPtr domain, virConnectPtr dconn, virTypedParameterPtr params,
                  unsigned int nparams, unsigned int flags)
{
    virDomainPtr ddom = NULL;
    virConnectPtr conn;

    vkErrorReset();
    if ((conn = checkPair(domain, dconn, __func__))) {
        if (nparams && !params)
            vkReportNullArg(VIR_FROM_THIS, "params", __func__);
        else
            ddom = migrate3(domain, dconn, params, (int)nparams, flags);
    }
    if (!ddom)
        vkDispatchError(conn);
    return ddom;
}

virDomainPtr
virDomainMigrate2(virDomainPtr domain, virConnectPtr dconn, const char *dxml,
                  unsigned long flags, const char *dname, const char *uri,
                  unsigned long bandwidth)
{
    virTypedParameterPtr p = NULL;
    int np = 0;
    virDomainPtr ddom = NULL;
    virConnectPtr conn;

    vkErrorReset();
    if ((conn = checkPair(domain, dconn, __func__))) {
        legacyParams(&p, &np, dxml, dname, uri, bandwidth);
        ddom = migrate3(domain, dconn, p, np, (unsigned int)flags);
    }
    virTypedParamsFree(p, np);
    if (!ddom)
        vkDispatchError(conn);
    return ddom;
}

virDomainPtr
virDomainMigrate(virDomainPtr domain, virConnectPtr dconn, unsigned long flags,
                 const char *dname, const char *uri, unsigned long bandwidth)
{
    return virDomainMigrate2(domain, dconn, NULL, flags, dname, uri, bandwidth);
}

/* The forms that name the destination by URI: peer to peer only (QEMU
 * has no "direct" migration, and neither has virtkit).  The handle is
 * checked. */
static int
migrateToURI(virDomainPtr dom, const char *dconnuri, virTypedParameterPtr params, int nparams,
             unsigned int flags, const char *func)
{
    if (!vkCheckWritable(dom->conn, VIR_FROM_THIS, func) ||
        !offlineSupported(dom->conn, NULL, flags))
        return -1;
    if (!(flags & VIR_MIGRATE_PEER2PEER)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "direct migration is not supported by the source host");
        return -1;
    }
    if (!dconnuri) {
        vkReportNullArg(VIR_FROM_THIS, "dconnuri", func);
        return -1;
    }
    if (!vkConnectSupportsFeature(dom->conn, VK_DRV_FEATURE_MIGRATION_P2P)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "p2p migration is not supported by the source host");
        return -1;
    }
    return vkDomainMigratePerform3Params(dom, dconnuri, params, nparams, NULL, 0, NULL, NULL,
                                         flags);
}

int
virDomainMigrateToURI3(virDomainPtr domain, const char *dconnuri, virTypedParameterPtr params,
                       unsigned int nparams, unsigned int flags)
{
    int rc = -1;

    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    if (nparams && !params)
        vkReportNullArg(VIR_FROM_THIS, "params", __func__);
    else
        rc = migrateToURI(domain, dconnuri, params, (int)nparams, flags, __func__);
    if (rc < 0)
        vkDispatchError(domain->conn);
    return rc;
}

int
virDomainMigrateToURI2(virDomainPtr domain, const char *dconnuri, const char *miguri,
                       const char *dxml, unsigned long flags, const char *dname,
                       unsigned long bandwidth)
{
    virTypedParameterPtr p = NULL;
    int np = 0, rc;

    vkErrorReset();
    if (!vkCheckDomain(domain, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    legacyParams(&p, &np, dxml, dname, miguri, bandwidth);
    rc = migrateToURI(domain, dconnuri, p, np, (unsigned int)flags, __func__);
    virTypedParamsFree(p, np);
    if (rc < 0)
        vkDispatchError(domain->conn);
    return rc;
}

int
virDomainMigrateToURI(virDomainPtr domain, const char *duri, unsigned long flags,
                      const char *dname, unsigned long bandwidth)
{
    return virDomainMigrateToURI2(domain, duri, NULL, NULL, flags, dname, bandwidth);
}
