/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The migration v3 procedures (DOMAIN_MIGRATE_*3_PARAMS): wire forms to
 * the steps of src/api/migrate.h and back.  Cookies are opaque bytes that
 * go from one step's reply into the next step's call through the client;
 * the daemon only copies them.
 */
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "api/migrate.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

/* The call's parameters; -1 with the error set. */
static int
takeParams(const remote_typed_param *val, u_int len, virTypedParameterPtr *params,
           int *nparams)
{
    return vkRemoteDeserializeTypedParams(val, len, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                          params, nparams);
}

/* A driver's cookie into a reply (the reply owns it from here). */
static void
giveCookie(char *cookie, int len, char **val, u_int *vlen)
{
    *val = len > 0 ? cookie : NULL;
    *vlen = len > 0 ? (u_int)len : 0;
    if (len <= 0)
        g_free(cookie);
}

int
vkDispatchDomainMigrateBegin3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_begin3_params_args *args = argsp;
    remote_domain_migrate_begin3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0, rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom = NULL;
    char *xml;

    if (takeParams(args->params.params_val, args->params.params_len, &params, &nparams) < 0)
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        goto cleanup;
    if (!(xml = vkDomainMigrateBegin3Params(dom, params, nparams, &cookie, &len, args->flags)))
        goto cleanup;
    ret->xml = xml;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    rv = 0;

 cleanup:
    if (dom)
        vkDomainUnref(dom);
    virTypedParamsFree(params, nparams);
    return rv;
}

int
vkDispatchDomainMigratePrepare3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_prepare3_params_args *args = argsp;
    remote_domain_migrate_prepare3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0, rv = -1, len = 0;
    char *cookie = NULL, *uri = NULL;

    if (takeParams(args->params.params_val, args->params.params_len, &params, &nparams) < 0)
        return -1;
    if (vkDomainMigratePrepare3Params(client->conn, params, nparams, args->cookie_in.cookie_in_val,
                                      (int)args->cookie_in.cookie_in_len, &cookie, &len, &uri,
                                      args->flags) < 0)
        goto cleanup;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    if (uri) {
        ret->uri_out = g_new(char *, 1);
        *ret->uri_out = uri;
    }
    rv = 0;

 cleanup:
    virTypedParamsFree(params, nparams);
    return rv;
}

int
vkDispatchDomainMigratePrepareTunnel3Params(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    /* The data would come through a stream of this connection; no driver
     * here reads a migration from one. */
    vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                  "this function is not supported by the connection driver: "
                  "virDomainMigratePrepareTunnel3Params (tunnelled migration)");
    return -1;
}

int
vkDispatchDomainMigratePerform3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_perform3_params_args *args = argsp;
    remote_domain_migrate_perform3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0, rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom = NULL;

    if (takeParams(args->params.params_val, args->params.params_len, &params, &nparams) < 0)
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        goto cleanup;
    if (vkDomainMigratePerform3Params(dom, args->dconnuri ? *args->dconnuri : NULL, params,
                                      nparams, args->cookie_in.cookie_in_val,
                                      (int)args->cookie_in.cookie_in_len, &cookie, &len,
                                      args->flags) < 0)
        goto cleanup;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    rv = 0;

 cleanup:
    if (dom)
        vkDomainUnref(dom);
    virTypedParamsFree(params, nparams);
    return rv;
}

int
vkDispatchDomainMigrateFinish3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_finish3_params_args *args = argsp;
    remote_domain_migrate_finish3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0, rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom;

    if (takeParams(args->params.params_val, args->params.params_len, &params, &nparams) < 0)
        return -1;
    dom = vkDomainMigrateFinish3Params(client->conn, params, nparams,
                                       args->cookie_in.cookie_in_val,
                                       (int)args->cookie_in.cookie_in_len, &cookie, &len,
                                       args->flags, args->cancelled);
    if (!dom) {
        g_free(cookie);
        if (!vkErrorIsSet())
            vkReportError(VIR_ERR_OPERATION_FAILED, "%s", "migration was cancelled");
        goto cleanup;
    }
    vkRemoteMakeDomain(&ret->dom, dom);
    vkDomainUnref(dom);
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    rv = 0;

 cleanup:
    virTypedParamsFree(params, nparams);
    return rv;
}

int
vkDispatchDomainMigrateConfirm3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_confirm3_params_args *args = argsp;
    virTypedParameterPtr params = NULL;
    int nparams = 0, rv = -1;
    virDomainPtr dom;

    (void)retp;
    if (takeParams(args->params.params_val, args->params.params_len, &params, &nparams) < 0)
        return -1;
    if ((dom = vkRemoteGetDomain(client->conn, &args->dom))) {
        rv = vkDomainMigrateConfirm3Params(dom, params, nparams, args->cookie_in.cookie_in_val,
                                           (int)args->cookie_in.cookie_in_len, args->flags,
                                           args->cancelled);
        vkDomainUnref(dom);
    }
    virTypedParamsFree(params, nparams);
    return rv;
}
