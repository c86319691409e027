/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver's migration members: the v3 steps with typed
 * parameters (DOMAIN_MIGRATE_*3_PARAMS).  They are not public
 * functions, so gen-remote.py has no name to derive them from; each is a
 * plain call with cookies as opaque bytes.
 */
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-private.h"

/* A reply's cookie to the caller (NULL pointers: the caller wants none). */
static void
takeCookie(char **val, u_int *len, char **cookieout, int *cookieoutlen)
{
    if (cookieout && cookieoutlen) {
        *cookieout = *val;
        *cookieoutlen = (int)*len;
        *val = NULL;
        *len = 0;
    }
}

static int
paramsArg(virTypedParameterPtr params, int nparams, remote_typed_param **val, u_int *len)
{
    return vkRemoteSerializeTypedParams(params, nparams, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                        val, len);
}

static char *
remoteBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                   char **cookieout, int *cookieoutlen, unsigned int flags)
{
    remote_domain_migrate_begin3_params_args args;
    remote_domain_migrate_begin3_params_ret ret;
    char *xml = NULL;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, dom);
    args.flags = flags;
    if (paramsArg(params, nparams, &args.params.params_val, &args.params.params_len) < 0)
        return NULL;
    if (vkRemoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS,
                     (xdrproc_t)xdr_remote_domain_migrate_begin3_params_args, &args,
                     (xdrproc_t)xdr_remote_domain_migrate_begin3_params_ret, &ret) == 0) {
        takeCookie(&ret.cookie_out.cookie_out_val, &ret.cookie_out.cookie_out_len, cookieout,
                   cookieoutlen);
        xml = g_steal_pointer(&ret.xml);
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_begin3_params_ret, (char *)&ret);
    }
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    return xml;
}

static int
remotePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                     const char *cookiein, int cookieinlen, char **cookieout,
                     int *cookieoutlen, char **uri_out, unsigned int flags)
{
    remote_domain_migrate_prepare3_params_args args;
    remote_domain_migrate_prepare3_params_ret ret;
    int rv = -1;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    args.cookie_in.cookie_in_val = (char *)cookiein;
    args.cookie_in.cookie_in_len = cookieinlen > 0 ? (u_int)cookieinlen : 0;
    args.flags = flags;
    if (paramsArg(params, nparams, &args.params.params_val, &args.params.params_len) < 0)
        return -1;
    if (vkRemoteCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
                     (xdrproc_t)xdr_remote_domain_migrate_prepare3_params_args, &args,
                     (xdrproc_t)xdr_remote_domain_migrate_prepare3_params_ret, &ret) == 0) {
        takeCookie(&ret.cookie_out.cookie_out_val, &ret.cookie_out.cookie_out_len, cookieout,
                   cookieoutlen);
        if (ret.uri_out && uri_out)
            *uri_out = g_steal_pointer(ret.uri_out);
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_prepare3_params_ret, (char *)&ret);
        rv = 0;
    }
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    return rv;
}

static int
remotePerform3Params(virDomainPtr dom, const char *dconnuri, virTypedParameterPtr params,
                     int nparams, const char *cookiein, int cookieinlen, char **cookieout,
                     int *cookieoutlen, unsigned int flags)
{
    remote_domain_migrate_perform3_params_args args;
    remote_domain_migrate_perform3_params_ret ret;
    char *uri = (char *)dconnuri;
    int rv = -1;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    vkRemoteArgDomain(&args.dom, dom);
    args.dconnuri = dconnuri ? &uri : NULL;
    args.cookie_in.cookie_in_val = (char *)cookiein;
    args.cookie_in.cookie_in_len = cookieinlen > 0 ? (u_int)cookieinlen : 0;
    args.flags = flags;
    if (paramsArg(params, nparams, &args.params.params_val, &args.params.params_len) < 0)
        return -1;
    if (vkRemoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS,
                     (xdrproc_t)xdr_remote_domain_migrate_perform3_params_args, &args,
                     (xdrproc_t)xdr_remote_domain_migrate_perform3_params_ret, &ret) == 0) {
        takeCookie(&ret.cookie_out.cookie_out_val, &ret.cookie_out.cookie_out_len, cookieout,
                   cookieoutlen);
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_perform3_params_ret, (char *)&ret);
        rv = 0;
    }
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    return rv;
}

static virDomainPtr
remoteFinish3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                    const char *cookiein, int cookieinlen, char **cookieout, int *cookieoutlen,
                    unsigned int flags, int cancelled)
{
    remote_domain_migrate_finish3_params_args args;
    remote_domain_migrate_finish3_params_ret ret;
    virDomainPtr dom = NULL;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    args.cookie_in.cookie_in_val = (char *)cookiein;
    args.cookie_in.cookie_in_len = cookieinlen > 0 ? (u_int)cookieinlen : 0;
    args.flags = flags;
    args.cancelled = cancelled;
    if (paramsArg(params, nparams, &args.params.params_val, &args.params.params_len) < 0)
        return NULL;
    if (vkRemoteCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
                     (xdrproc_t)xdr_remote_domain_migrate_finish3_params_args, &args,
                     (xdrproc_t)xdr_remote_domain_migrate_finish3_params_ret, &ret) == 0) {
        takeCookie(&ret.cookie_out.cookie_out_val, &ret.cookie_out.cookie_out_len, cookieout,
                   cookieoutlen);
        dom = vkRemoteGetDomain(dconn, &ret.dom);
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_finish3_params_ret, (char *)&ret);
    }
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    return dom;
}

static int
remoteConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                     const char *cookiein, int cookieinlen, unsigned int flags, int cancelled)
{
    remote_domain_migrate_confirm3_params_args args;
    int rv;

    memset(&args, 0, sizeof(args));
    vkRemoteArgDomain(&args.dom, dom);
    args.cookie_in.cookie_in_val = (char *)cookiein;
    args.cookie_in.cookie_in_len = cookieinlen > 0 ? (u_int)cookieinlen : 0;
    args.flags = flags;
    args.cancelled = cancelled;
    if (paramsArg(params, nparams, &args.params.params_val, &args.params.params_len) < 0)
        return -1;
    rv = vkRemoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS,
                      (xdrproc_t)xdr_remote_domain_migrate_confirm3_params_args, &args,
                      VK_XDR_VOID, NULL);
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    return rv;
}

void
vkRemoteMigrateFillMembers(virHypervisorDriver *drv)
{
    drv->domainMigrateBegin3Params = remoteBegin3Params;
    drv->domainMigratePrepare3Params = remotePrepare3Params;
    drv->domainMigratePrepareTunnel3Params = vkRemoteDomainMigratePrepareTunnel3Params;
    drv->domainMigratePerform3Params = remotePerform3Params;
    drv->domainMigrateFinish3Params = remoteFinish3Params;
    drv->domainMigrateConfirm3Params = remoteConfirm3Params;
}
