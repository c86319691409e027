/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin program's dispatch and the procedures about the daemon as a
 * whole: its servers, their worker pools and client limits, logging, the
 * idle timeout and TLS files (the clients' own are in admin-clients.c).
 *
 * Admin calls run on the "admin" server's own pool, so virt-admin can
 * still look at a daemon whose "libvirtd" workers are all busy.  What is
 * reported is read from the live objects (GThreadPool, the client table,
 * log.c), and what is set changes them; what virtkitd does not have
 * (workers kept idle, priority workers) is refused, not pretended.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_ADMIN
#include "util/error.h"
#include "daemon/admin.h"
#include "daemon/dispatch/dispatch.h"
#include "daemon/admin-priv.h"
#include "daemon/server-private.h"
#include "admin_protocol.h"

static vkDaemonServer *adminServer;

void
vkDaemonAdminSetServer(vkDaemonServer *srv)
{
    adminServer = srv;
}

vkDaemonServer *
vkAdmServer(void)
{
    return adminServer;
}

bool
vkDaemonClientProgramOk(vkDaemonClient *client, const vkRpcHeader *hdr)
{
    if (client->svc->isAdmin)
        return hdr->prog == VK_ADMIN_PROGRAM && hdr->vers == VK_ADMIN_VERSION;
    return vkDispatchProgramKnown(hdr->prog, hdr->vers);
}

bool
vkAdmCheckFlags(unsigned int flags, const char *func)
{
    if (flags == 0)
        return true;
    vkReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags, func);
    return false;
}

vkDaemonService *
vkAdmLookupService(const char *name)
{
    vkDaemonServer *srv = adminServer;

    if (g_str_equal(name, srv->main.name))
        return &srv->main;
    if (g_str_equal(name, srv->admin.name))
        return &srv->admin;
    /* libvirtd's daemon object reports it: the RPC domain */
    vkReportErrorFull(VIR_FROM_RPC, VIR_ERR_NO_SERVER, __FILE__, __func__, __LINE__,
                      "No server named '%s'", name);
    return NULL;
}

/* ---- typed parameters ---- */

void
vkAdmParamUInt(GArray *params, const char *field, unsigned int v)
{
    admin_typed_param p = { .field = g_strdup(field) };

    p.value.type = VIR_TYPED_PARAM_UINT;
    p.value.admin_typed_param_value_u.ui = v;
    g_array_append_val(params, p);
}

void
vkAdmParamInt(GArray *params, const char *field, int v)
{
    admin_typed_param p = { .field = g_strdup(field) };

    p.value.type = VIR_TYPED_PARAM_INT;
    p.value.admin_typed_param_value_u.i = v;
    g_array_append_val(params, p);
}

void
vkAdmParamBool(GArray *params, const char *field, bool v)
{
    admin_typed_param p = { .field = g_strdup(field) };

    p.value.type = VIR_TYPED_PARAM_BOOLEAN;
    p.value.admin_typed_param_value_u.b = v;
    g_array_append_val(params, p);
}

void
vkAdmParamString(GArray *params, const char *field, const char *v)
{
    admin_typed_param p = { .field = g_strdup(field) };

    p.value.type = VIR_TYPED_PARAM_STRING;
    p.value.admin_typed_param_value_u.s = g_strdup(v);
    g_array_append_val(params, p);
}

/* The unsigned values of the known fields of params into out[] (left
 * alone when absent); an unknown field or another type is refused. */
static bool
readUIntParams(const admin_typed_param *params, u_int n, const char *const *known,
               unsigned int *out, bool *given)
{
    for (u_int i = 0; i < n; i++) {
        size_t k;

        for (k = 0; known[k] && !g_str_equal(known[k], params[i].field); k++)
            ;
        if (!known[k]) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "parameter '%s' not supported",
                          params[i].field);
            return false;
        }
        if (params[i].value.type != VIR_TYPED_PARAM_UINT) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "invalid type for parameter '%s', expected 'uint'", known[k]);
            return false;
        }
        out[k] = params[i].value.admin_typed_param_value_u.ui;
        given[k] = true;
    }
    return true;
}

/* ---- connection ---- */

static int
admConnectOpen(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_open_args *args = a;

    if (!vkAdmCheckFlags(args->flags, "adminConnectOpen"))
        return -1;
    client->adminOpen = true;
    return 0;
}

static int
admConnectClose(vkDaemonClient *client, void *a, void *r)
{
    client->adminOpen = false;
    return 0;
}

static int
admGetLibVersion(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_get_lib_version_ret *ret = r;

    ret->libVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

/* ---- servers ---- */

static int
admListServers(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_list_servers_args *args = a;
    admin_connect_list_servers_ret *ret = r;
    /* in libvirtd's order */
    const char *names[] = { adminServer->admin.name, adminServer->main.name };
    /* need_results is a yes/no: the whole list or only its length */
    u_int n = args->need_results ? G_N_ELEMENTS(names) : 0;

    if (!vkAdmCheckFlags(args->flags, "adminConnectListServers"))
        return -1;
    ret->servers.servers_val = g_new0(admin_nonnull_server, MAX(n, 1));
    for (u_int i = 0; i < n; i++)
        ret->servers.servers_val[i].name = g_strdup(names[i]);
    ret->servers.servers_len = n;
    ret->ret = G_N_ELEMENTS(names);
    return 0;
}

static int
admLookupServer(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_lookup_server_args *args = a;
    admin_connect_lookup_server_ret *ret = r;
    vkDaemonService *svc;

    if (!vkAdmCheckFlags(args->flags, "adminConnectLookupServer") ||
        !(svc = vkAdmLookupService(args->name)))
        return -1;
    ret->srv.name = g_strdup(svc->name);
    return 0;
}

/* ---- worker pools ---- */

static int
admGetThreadpool(vkDaemonClient *client, void *a, void *r)
{
    admin_server_get_threadpool_parameters_args *args = a;
    admin_server_get_threadpool_parameters_ret *ret = r;
    g_autoptr(GArray) params = g_array_new(FALSE, TRUE, sizeof(admin_typed_param));
    vkDaemonService *svc;
    unsigned int n, busy;

    if (!vkAdmCheckFlags(args->flags, "adminServerGetThreadPoolParameters") ||
        !(svc = vkAdmLookupService(args->srv.name)))
        return -1;
    n = g_thread_pool_get_num_threads(svc->pool);
    busy = g_atomic_int_get(&svc->busy);
    /* workers start on demand and none is kept idle or for priority calls */
    vkAdmParamUInt(params, "minWorkers", 0);
    vkAdmParamUInt(params, "maxWorkers", g_thread_pool_get_max_threads(svc->pool));
    vkAdmParamUInt(params, "nWorkers", n);
    vkAdmParamUInt(params, "freeWorkers", n > busy ? n - busy : 0);
    vkAdmParamUInt(params, "prioWorkers", 0);
    vkAdmParamUInt(params, "jobQueueDepth", g_thread_pool_unprocessed(svc->pool));
    ret->params.params_len = params->len;
    ret->params.params_val = (admin_typed_param *)g_array_free(g_steal_pointer(&params), FALSE);
    return 0;
}

static int
admSetThreadpool(vkDaemonClient *client, void *a, void *r)
{
    admin_server_set_threadpool_parameters_args *args = a;
    static const char *const known[] = { "minWorkers", "maxWorkers", "prioWorkers", NULL };
    unsigned int val[3] = { 0 };
    bool given[3] = { false };
    g_autoptr(GError) err = NULL;
    vkDaemonService *svc;

    if (!vkAdmCheckFlags(args->flags, "adminServerSetThreadPoolParameters") ||
        !(svc = vkAdmLookupService(args->srv.name)) ||
        !readUIntParams(args->params.params_val, args->params.params_len, known, val, given))
        return -1;
    if ((given[0] && val[0]) || (given[2] && val[2])) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                      "%s: virtkitd's workers start on demand; it keeps none idle and "
                      "has no priority workers, so only 0 is accepted",
                      given[0] && val[0] ? "minWorkers" : "prioWorkers");
        return -1;
    }
    if (!given[1])
        return 0;
    if (val[1] == 0 || val[1] > G_MAXINT) {
        vkReportError(VIR_ERR_INVALID_ARG, "maxWorkers must be between 1 and %d", G_MAXINT);
        return -1;
    }
    if (!g_thread_pool_set_max_threads(svc->pool, val[1], &err)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot resize the worker pool: %s",
                      err->message);
        return -1;
    }
    VK_LOG("server %s: maxWorkers set to %u", svc->name, val[1]);
    return 0;
}

/* ---- client limits ---- */

static int
admGetClientLimits(vkDaemonClient *client, void *a, void *r)
{
    admin_server_get_client_limits_args *args = a;
    admin_server_get_client_limits_ret *ret = r;
    g_autoptr(GArray) params = g_array_new(FALSE, TRUE, sizeof(admin_typed_param));
    vkDaemonService *svc;

    if (!vkAdmCheckFlags(args->flags, "adminServerGetClientLimits") ||
        !(svc = vkAdmLookupService(args->srv.name)))
        return -1;
    g_mutex_lock(&adminServer->lock);
    vkAdmParamUInt(params, "nclients_max", svc->maxClients);
    vkAdmParamUInt(params, "nclients", svc->nclients);
    vkAdmParamUInt(params, "nclients_unauth_max", svc->maxUnauth);
    /* peers are identified at accept (SO_PEERCRED, the TLS certificate):
     * no client ever waits for authentication */
    vkAdmParamUInt(params, "nclients_unauth", 0);
    g_mutex_unlock(&adminServer->lock);
    ret->params.params_len = params->len;
    ret->params.params_val = (admin_typed_param *)g_array_free(g_steal_pointer(&params), FALSE);
    return 0;
}

static int
admSetClientLimits(vkDaemonClient *client, void *a, void *r)
{
    admin_server_set_client_limits_args *args = a;
    static const char *const known[] = { "nclients_max", "nclients_unauth_max", NULL };
    unsigned int val[2] = { 0 };
    bool given[2] = { false };
    vkDaemonService *svc;
    unsigned int max, unauth;

    if (!vkAdmCheckFlags(args->flags, "adminServerSetClientLimits") ||
        !(svc = vkAdmLookupService(args->srv.name)) ||
        !readUIntParams(args->params.params_val, args->params.params_len, known, val, given))
        return -1;
    g_mutex_lock(&adminServer->lock);
    max = given[0] ? val[0] : svc->maxClients;
    unauth = given[1] ? val[1] : svc->maxUnauth;
    if (max == 0 || unauth > max) {
        g_mutex_unlock(&adminServer->lock);
        vkReportError(VIR_ERR_INVALID_ARG, max == 0 ? "%s" :
                      "%s: the maximum of clients waiting for authentication (%u) must "
                      "not exceed the maximum of clients (%u)",
                      max == 0 ? "nclients_max must be at least 1" : "nclients_unauth_max",
                      unauth, max);
        return -1;
    }
    svc->maxClients = max;
    svc->maxUnauth = unauth;
    g_mutex_unlock(&adminServer->lock);
    return 0;
}

/* ---- logging, timeout, TLS ---- */

static int
admGetLogOutputs(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_get_logging_outputs_args *args = a;
    admin_connect_get_logging_outputs_ret *ret = r;

    if (!vkAdmCheckFlags(args->flags, "adminConnectGetLoggingOutputs"))
        return -1;
    ret->outputs = vkDaemonLogGetOutputs(&ret->noutputs);
    return 0;
}

static int
admGetLogFilters(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_get_logging_filters_args *args = a;
    admin_connect_get_logging_filters_ret *ret = r;

    if (!vkAdmCheckFlags(args->flags, "adminConnectGetLoggingFilters"))
        return -1;
    ret->filters = g_new0(char *, 1);
    *ret->filters = vkDaemonLogGetFilters(&ret->nfilters);
    return 0;
}

static int
admSetLogOutputs(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_set_logging_outputs_args *args = a;

    if (!vkAdmCheckFlags(args->flags, "adminConnectSetLoggingOutputs"))
        return -1;
    return vkDaemonLogSetOutputs(args->outputs ? *args->outputs : NULL);
}

static int
admSetLogFilters(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_set_logging_filters_args *args = a;

    if (!vkAdmCheckFlags(args->flags, "adminConnectSetLoggingFilters"))
        return -1;
    return vkDaemonLogSetFilters(args->filters ? *args->filters : NULL);
}

static int
admSetDaemonTimeout(vkDaemonClient *client, void *a, void *r)
{
    admin_connect_set_daemon_timeout_args *args = a;

    if (!vkAdmCheckFlags(args->flags, "adminConnectSetDaemonTimeout"))
        return -1;
    if (args->timeout > G_MAXINT / 2) {
        vkReportError(VIR_ERR_INVALID_ARG, "timeout %u is too large", args->timeout);
        return -1;
    }
    if (vkDaemonServerChangeIdleTimeout(adminServer, args->timeout) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the daemon has no way to exit when idle");
        return -1;
    }
    VK_LOG("idle timeout set to %u seconds by the admin interface", args->timeout);
    return 0;
}

static int
admUpdateTlsFiles(vkDaemonClient *client, void *a, void *r)
{
    admin_server_update_tls_files_args *args = a;
    vkDaemonService *svc;

    if (!vkAdmCheckFlags(args->flags, "adminServerUpdateTlsFiles") ||
        !(svc = vkAdmLookupService(args->srv.name)))
        return -1;
    if (svc->isAdmin || !adminServer->tls) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "no tls service found, unable to update tls files");
        return -1;
    }
    return vkDaemonServerReloadTls(adminServer);
}

/* ---- dispatch ---- */

typedef int (*vkAdmFunc)(vkDaemonClient *client, void *args, void *ret);

typedef struct {
    const char *name;
    xdrproc_t argsFilter;
    size_t argsSize;
    xdrproc_t retFilter;
    size_t retSize;
    vkAdmFunc func;
} vkAdmProc;

#define AR(n, A, R, f) [n] = { #n, (xdrproc_t)xdr_##A, sizeof(A), (xdrproc_t)xdr_##R, sizeof(R), f }
#define A_(n, A, f) [n] = { #n, (xdrproc_t)xdr_##A, sizeof(A), NULL, 0, f }
#define _R(n, R, f) [n] = { #n, NULL, 0, (xdrproc_t)xdr_##R, sizeof(R), f }
static const vkAdmProc procs[] = {
    A_(1, admin_connect_open_args, admConnectOpen),
    [2] = { "2", NULL, 0, NULL, 0, admConnectClose },
    _R(3, admin_connect_get_lib_version_ret, admGetLibVersion),
    AR(4, admin_connect_list_servers_args, admin_connect_list_servers_ret, admListServers),
    AR(5, admin_connect_lookup_server_args, admin_connect_lookup_server_ret,
       admLookupServer),
    AR(6, admin_server_get_threadpool_parameters_args,
       admin_server_get_threadpool_parameters_ret, admGetThreadpool),
    A_(7, admin_server_set_threadpool_parameters_args, admSetThreadpool),
    AR(8, admin_server_list_clients_args, admin_server_list_clients_ret, vkAdmListClients),
    AR(9, admin_server_lookup_client_args, admin_server_lookup_client_ret,
       vkAdmLookupClient),
    AR(10, admin_client_get_info_args, admin_client_get_info_ret, vkAdmClientGetInfo),
    A_(11, admin_client_close_args, vkAdmClientClose),
    AR(12, admin_server_get_client_limits_args, admin_server_get_client_limits_ret,
       admGetClientLimits),
    A_(13, admin_server_set_client_limits_args, admSetClientLimits),
    AR(14, admin_connect_get_logging_outputs_args, admin_connect_get_logging_outputs_ret,
       admGetLogOutputs),
    AR(15, admin_connect_get_logging_filters_args, admin_connect_get_logging_filters_ret,
       admGetLogFilters),
    A_(16, admin_connect_set_logging_outputs_args, admSetLogOutputs),
    A_(17, admin_connect_set_logging_filters_args, admSetLogFilters),
    A_(18, admin_server_update_tls_files_args, admUpdateTlsFiles),
    A_(19, admin_connect_set_daemon_timeout_args, admSetDaemonTimeout),
};
#undef AR
#undef A_
#undef _R

/* The error the procedure reported goes back as it is (code, domain). */
static void
replyLastError(vkDaemonClient *client, const vkRpcHeader *hdr)
{
    vkRpcMessage *msg = vkRpcMessageNew();

    if (vkRpcMessageEncodeError(msg, hdr, vkErrorGetLast()) < 0) {
        vkRpcMessageFree(msg);
        vkDaemonClientClose(client, "cannot encode an error reply");
    } else {
        vkDaemonClientSend(client, msg);
    }
    vkErrorReset();
}

bool
vkDaemonAdminCallRun(vkDaemonClient *client, vkRpcMessage *msg)
{
    const vkRpcHeader *hdr = &msg->header;
    const vkAdmProc *proc;
    g_autofree void *args = NULL;
    g_autofree void *ret = NULL;
    vkRpcHeader rh = *hdr;
    vkRpcMessage *reply;
    int rv;

    if (!client->svc->isAdmin)
        return false;
    if (hdr->proc <= 0 || hdr->proc >= (int)G_N_ELEMENTS(procs) || !procs[hdr->proc].func) {
        vkDaemonReplyError(client, hdr, VIR_ERR_RPC, "unknown procedure: %d", hdr->proc);
        return true;
    }
    proc = &procs[hdr->proc];
    VK_DLOG("client %s: admin call %d serial %u", vkDaemonClientName(client), hdr->proc,
            hdr->serial);
    if (hdr->proc != VK_ADMIN_PROC_CONNECT_OPEN && !client->adminOpen) {
        vkDaemonReplyError(client, hdr, VIR_ERR_INTERNAL_ERROR, "%s", "connection not open");
        return true;
    }
    args = g_malloc0(MAX(proc->argsSize, 1));
    ret = g_malloc0(MAX(proc->retSize, 1));
    vkErrorReset();
    if (vkRpcMessageDecodeBody(msg, proc->argsFilter, args) < 0) {
        replyLastError(client, hdr);
        return true;
    }
    rv = proc->func(client, args, ret);
    if (proc->argsFilter)
        xdr_free(proc->argsFilter, args);
    rh.type = VK_RPC_REPLY;
    rh.status = VK_RPC_OK;
    reply = vkRpcMessageNew();
    if (rv == 0)
        rv = vkRpcMessageEncode(reply, &rh, proc->retFilter, ret);
    if (proc->retFilter)
        xdr_free(proc->retFilter, ret);
    if (rv < 0) {
        vkRpcMessageFree(reply);
        replyLastError(client, hdr);
        return true;
    }
    vkDaemonClientSend(client, reply);
    return true;
}
