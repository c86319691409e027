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

/* What every step's call carries besides its own fields: the typed
 * parameters (decoded) and the cookie from the previous step (borrowed
 * from the call's arguments). */
typedef struct {
    virTypedParameterPtr params;
    int nparams;
    const char *cookie;
    int cookielen;
} migCall;

/* Decodes a step's parameters and cookie into c; -1 with the error set. */
static int
decodeCall(const remote_typed_param *val, u_int len, const char *cookie, u_int cookielen,
           migCall *c)
{
    c->cookie = cookie;
    c->cookielen = (int)cookielen;
    return vkRemoteDeserializeTypedParams(val, len, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                          &c->params, &c->nparams);
}

static void
clearCall(migCall *c)
{
    virTypedParamsFree(c->params, c->nparams);
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

/* The decoded call of a step whose arguments have params and cookie_in. */
#define DECODE(args, c) \
    decodeCall((args)->params.params_val, (args)->params.params_len, \
               (args)->cookie_in.cookie_in_val, (args)->cookie_in.cookie_in_len, (c))

int
vkDispatchDomainMigrateBegin3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_begin3_params_args *args = argsp;
    remote_domain_migrate_begin3_params_ret *ret = retp;
    migCall c = { 0 };
    int rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom = NULL;
    char *xml;

    if (decodeCall(args->params.params_val, args->params.params_len, NULL, 0, &c) < 0)
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        goto cleanup;
    if (!(xml = vkDomainMigrateBegin3Params(dom, c.params, c.nparams, &cookie, &len,
                                            args->flags)))
        goto cleanup;
    ret->xml = xml;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    rv = 0;

 cleanup:
    if (dom)
        vkDomainUnref(dom);
    clearCall(&c);
    return rv;
}

int
vkDispatchDomainMigratePrepare3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_prepare3_params_args *args = argsp;
    remote_domain_migrate_prepare3_params_ret *ret = retp;
    migCall c = { 0 };
    int rv = -1, len = 0;
    char *cookie = NULL, *uri = NULL;

    if (DECODE(args, &c) < 0)
        return -1;
    if (vkDomainMigratePrepare3Params(client->conn, c.params, c.nparams, c.cookie, c.cookielen,
                                      &cookie, &len, &uri, args->flags) < 0)
        goto cleanup;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    if (uri) {
        ret->uri_out = g_new(char *, 1);
        *ret->uri_out = uri;
    }
    rv = 0;

 cleanup:
    clearCall(&c);
    return rv;
}

/* PrepareTunnel3: the migration's data comes as STREAM packets of this
 * call; the driver attaches the stream to the incoming QEMU. */
typedef struct {
    remote_domain_migrate_prepare_tunnel3_params_args *args;
    migCall c;
    char *cookie;
    int len;
} tunnelCall;

static int
openTunnel(vkServerClient *client, void *opaque, virStreamPtr st, void **obj)
{
    tunnelCall *t = opaque;

    *obj = NULL;
    return vkDomainMigratePrepareTunnel3Params(client->conn, st, t->c.params, t->c.nparams,
                                               t->c.cookie, t->c.cookielen, &t->cookie,
                                               &t->len, t->args->flags);
}

int
vkDispatchDomainMigratePrepareTunnel3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_prepare_tunnel3_params_ret *ret = retp;
    tunnelCall t = { .args = argsp };
    int rv;

    if (DECODE(t.args, &t.c) < 0)
        return -1;
    rv = vkDispatchRelayStream(client, &t, openTunnel, NULL);
    if (rv == 0)
        giveCookie(t.cookie, t.len, &ret->cookie_out.cookie_out_val,
                   &ret->cookie_out.cookie_out_len);
    else
        g_free(t.cookie);
    clearCall(&t.c);
    return rv;
}

int
vkDispatchDomainMigratePerform3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_perform3_params_args *args = argsp;
    remote_domain_migrate_perform3_params_ret *ret = retp;
    migCall c = { 0 };
    int rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom = NULL;

    if (DECODE(args, &c) < 0)
        return -1;
    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        goto cleanup;
    if (vkDomainMigratePerform3Params(dom, args->dconnuri ? *args->dconnuri : NULL, c.params,
                                      c.nparams, c.cookie, c.cookielen, &cookie, &len,
                                      args->flags) < 0)
        goto cleanup;
    giveCookie(cookie, len, &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    rv = 0;

 cleanup:
    if (dom)
        vkDomainUnref(dom);
    clearCall(&c);
    return rv;
}

int
vkDispatchDomainMigrateFinish3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_finish3_params_args *args = argsp;
    remote_domain_migrate_finish3_params_ret *ret = retp;
    migCall c = { 0 };
    int rv = -1, len = 0;
    char *cookie = NULL;
    virDomainPtr dom;

    if (DECODE(args, &c) < 0)
        return -1;
    dom = vkDomainMigrateFinish3Params(client->conn, c.params, c.nparams, c.cookie, c.cookielen,
                                       &cookie, &len, args->flags, args->cancelled);
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
    clearCall(&c);
    return rv;
}

int
vkDispatchDomainMigrateConfirm3Params(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_confirm3_params_args *args = argsp;
    migCall c = { 0 };
    int rv = -1;
    virDomainPtr dom;

    (void)retp;
    if (DECODE(args, &c) < 0)
        return -1;
    if ((dom = vkRemoteGetDomain(client->conn, &args->dom))) {
        rv = vkDomainMigrateConfirm3Params(dom, c.params, c.nparams, c.cookie, c.cookielen,
                                           args->flags, args->cancelled);
        vkDomainUnref(dom);
    }
    clearCall(&c);
    return rv;
}
