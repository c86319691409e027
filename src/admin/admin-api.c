/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin API's calls: the connection's own (URI, version, logging,
 * timeout, close callback), servers, clients and their typed parameters.
 * Each is one admin procedure (admin-client.c sends it).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_ADMIN
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "admin_protocol.h"
#include "admin/admin-client.h"

#define X(f) ((xdrproc_t)xdr_##f)

/* admin_typed_param and remote_typed_param come from the same XDR
 * definition (rpcgen lays them out identically), so the remote program's
 * converters serve both. */
G_STATIC_ASSERT(sizeof(admin_typed_param) == sizeof(remote_typed_param));

static bool
connOk(virAdmConnectPtr conn)
{
    vkErrorReset();
    if (!conn) {
        vkReportError(VIR_ERR_INVALID_CONN, "%s", "invalid connection pointer");
        return false;
    }
    return true;
}

static bool
srvOk(virAdmServerPtr srv)
{
    vkErrorReset();
    if (!srv || !srv->conn) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "invalid server pointer");
        return false;
    }
    return true;
}

static bool
clientOk(virAdmClientPtr client)
{
    vkErrorReset();
    if (!client || !client->srv) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "invalid client pointer");
        return false;
    }
    return true;
}

int
virAdmConnectIsAlive(virAdmConnectPtr conn)
{
    if (!connOk(conn))
        return -1;
    return conn->fd >= 0;
}

char *
virAdmConnectGetURI(virAdmConnectPtr conn)
{
    return connOk(conn) ? g_strdup(conn->uri) : NULL;
}

int
virAdmConnectGetLibVersion(virAdmConnectPtr conn, unsigned long long *libVer)
{
    admin_connect_get_lib_version_ret ret = { 0 };

    if (!connOk(conn))
        return -1;
    if (!libVer) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "libVer must not be NULL");
        return -1;
    }
    if (vkAdmCall(conn, 3, NULL, NULL, X(admin_connect_get_lib_version_ret), &ret) < 0)
        return -1;
    *libVer = ret.libVer;
    return 0;
}

int
virAdmConnectRegisterCloseCallback(virAdmConnectPtr conn, virAdmConnectCloseFunc cb,
                                   void *opaque, virFreeCallback freecb)
{
    if (!connOk(conn))
        return -1;
    g_mutex_lock(&conn->lock);
    if (conn->closeCb) {
        g_mutex_unlock(&conn->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "A close callback is already registered");
        return -1;
    }
    conn->closeCb = cb;
    conn->closeOpaque = opaque;
    conn->closeFree = freecb;
    g_mutex_unlock(&conn->lock);
    return 0;
}

int
virAdmConnectUnregisterCloseCallback(virAdmConnectPtr conn, virAdmConnectCloseFunc cb)
{
    virFreeCallback freecb;
    void *opaque;

    if (!connOk(conn))
        return -1;
    g_mutex_lock(&conn->lock);
    if (conn->closeCb != cb) {
        g_mutex_unlock(&conn->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "A different callback was requested");
        return -1;
    }
    freecb = conn->closeFree;
    opaque = conn->closeOpaque;
    conn->closeCb = NULL;
    conn->closeFree = NULL;
    g_mutex_unlock(&conn->lock);
    if (freecb)
        freecb(opaque);
    return 0;
}

/* ---- servers ---- */

static virAdmServerPtr
serverNew(virAdmConnectPtr conn, const char *name)
{
    virAdmServerPtr srv = g_new0(virAdmServer, 1);

    g_atomic_int_inc(&conn->refs);
    srv->conn = conn;
    srv->name = g_strdup(name);
    return srv;
}

int
virAdmServerFree(virAdmServerPtr srv)
{
    if (!srv)
        return 0;
    vkAdmConnUnref(srv->conn);
    g_free(srv->name);
    g_free(srv);
    return 0;
}

const char *
virAdmServerGetName(virAdmServerPtr srv)
{
    return srvOk(srv) ? srv->name : NULL;
}

int
virAdmConnectListServers(virAdmConnectPtr conn, virAdmServerPtr **servers,
                         unsigned int flags)
{
    admin_connect_list_servers_args args = { .need_results = servers != NULL, .flags = flags };
    admin_connect_list_servers_ret ret = { 0 };
    int n;

    if (!connOk(conn))
        return -1;
    if (vkAdmCall(conn, 4, X(admin_connect_list_servers_args), &args,
                  X(admin_connect_list_servers_ret), &ret) < 0)
        return -1;
    if (servers) {
        *servers = g_new0(virAdmServerPtr, ret.servers.servers_len + 1);
        for (u_int i = 0; i < ret.servers.servers_len; i++)
            (*servers)[i] = serverNew(conn, ret.servers.servers_val[i].name);
    }
    n = servers ? (int)ret.servers.servers_len : (int)ret.ret;
    xdr_free(X(admin_connect_list_servers_ret), &ret);
    return n;
}

virAdmServerPtr
virAdmConnectLookupServer(virAdmConnectPtr conn, const char *name, unsigned int flags)
{
    admin_connect_lookup_server_args args = { .name = (char *)name, .flags = flags };
    admin_connect_lookup_server_ret ret = { 0 };
    virAdmServerPtr srv;

    if (!connOk(conn))
        return NULL;
    if (!name) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "name must not be NULL");
        return NULL;
    }
    if (vkAdmCall(conn, 5, X(admin_connect_lookup_server_args), &args,
                  X(admin_connect_lookup_server_ret), &ret) < 0)
        return NULL;
    srv = serverNew(conn, ret.srv.name);
    xdr_free(X(admin_connect_lookup_server_ret), &ret);
    return srv;
}

/* ---- typed parameters ---- */

/* Calls proc (a server's "get" procedure: srv + flags in, params out). */
static int
getParams(virAdmServerPtr srv, int proc, virTypedParameterPtr *params, int *nparams,
          unsigned int flags, unsigned int max)
{
    admin_server_get_threadpool_parameters_args args = {
        .srv.name = srv->name, .flags = flags,
    };
    admin_server_get_threadpool_parameters_ret ret = { 0 };
    int rv;

    if (!params || !nparams) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "params and nparams must not be NULL");
        return -1;
    }
    /* both "get" procedures of a server have these very layouts */
    if (vkAdmCall(srv->conn, proc, X(admin_server_get_threadpool_parameters_args), &args,
                  X(admin_server_get_threadpool_parameters_ret), &ret) < 0)
        return -1;
    rv = vkRemoteDeserializeTypedParams((remote_typed_param *)ret.params.params_val,
                                        ret.params.params_len, max, params, nparams);
    xdr_free(X(admin_server_get_threadpool_parameters_ret), &ret);
    return rv;
}

static int
setParams(virAdmServerPtr srv, int proc, virTypedParameterPtr params, int nparams,
          unsigned int flags, unsigned int max)
{
    admin_server_set_threadpool_parameters_args args = {
        .srv.name = srv->name, .flags = flags,
    };
    int rv;

    if (nparams < 0 || (nparams && !params)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "invalid parameter list");
        return -1;
    }
    if (vkRemoteSerializeTypedParams(params, nparams, max,
                                     (remote_typed_param **)&args.params.params_val,
                                     &args.params.params_len) < 0)
        return -1;
    rv = vkAdmCall(srv->conn, proc, X(admin_server_set_threadpool_parameters_args), &args,
                   NULL, NULL);
    vkRemoteTypedParamsFree((remote_typed_param *)args.params.params_val,
                            args.params.params_len);
    return rv;
}

int
virAdmServerGetThreadPoolParameters(virAdmServerPtr srv, virTypedParameterPtr *params,
                                    int *nparams, unsigned int flags)
{
    return srvOk(srv) ? getParams(srv, 6, params, nparams, flags,
                                  ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX) : -1;
}

int
virAdmServerSetThreadPoolParameters(virAdmServerPtr srv, virTypedParameterPtr params,
                                    int nparams, unsigned int flags)
{
    return srvOk(srv) ? setParams(srv, 7, params, nparams, flags,
                                  ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX) : -1;
}

int
virAdmServerGetClientLimits(virAdmServerPtr srv, virTypedParameterPtr *params,
                            int *nparams, unsigned int flags)
{
    return srvOk(srv) ? getParams(srv, 12, params, nparams, flags,
                                  ADMIN_SERVER_CLIENT_LIMITS_MAX) : -1;
}

int
virAdmServerSetClientLimits(virAdmServerPtr srv, virTypedParameterPtr params,
                            int nparams, unsigned int flags)
{
    return srvOk(srv) ? setParams(srv, 13, params, nparams, flags,
                                  ADMIN_SERVER_CLIENT_LIMITS_MAX) : -1;
}

int
virAdmServerUpdateTlsFiles(virAdmServerPtr srv, unsigned int flags)
{
    admin_server_update_tls_files_args args = { .srv.name = NULL, .flags = flags };

    if (!srvOk(srv))
        return -1;
    args.srv.name = srv->name;
    return vkAdmCall(srv->conn, 18, X(admin_server_update_tls_files_args), &args, NULL, NULL);
}

/* ---- clients ---- */

static virAdmClientPtr
clientNew(virAdmServerPtr srv, const admin_nonnull_client *c)
{
    virAdmClientPtr client = g_new0(virAdmClient, 1);

    client->srv = serverNew(srv->conn, srv->name);
    client->id = c->id;
    client->timestamp = c->timestamp;
    client->transport = c->transport;
    return client;
}

int
virAdmClientFree(virAdmClientPtr client)
{
    if (!client)
        return 0;
    virAdmServerFree(client->srv);
    g_free(client);
    return 0;
}

unsigned long long
virAdmClientGetID(virAdmClientPtr client)
{
    return clientOk(client) ? client->id : (unsigned long long)-1;
}

long long
virAdmClientGetTimestamp(virAdmClientPtr client)
{
    return clientOk(client) ? client->timestamp : -1;
}

int
virAdmClientGetTransport(virAdmClientPtr client)
{
    return clientOk(client) ? (int)client->transport : -1;
}

int
virAdmServerListClients(virAdmServerPtr srv, virAdmClientPtr **clients, unsigned int flags)
{
    admin_server_list_clients_args args = {
        .need_results = clients != NULL, .flags = flags,
    };
    admin_server_list_clients_ret ret = { 0 };
    int n;

    if (!srvOk(srv))
        return -1;
    args.srv.name = srv->name;
    if (vkAdmCall(srv->conn, 8, X(admin_server_list_clients_args), &args,
                  X(admin_server_list_clients_ret), &ret) < 0)
        return -1;
    if (clients) {
        *clients = g_new0(virAdmClientPtr, ret.clients.clients_len + 1);
        for (u_int i = 0; i < ret.clients.clients_len; i++)
            (*clients)[i] = clientNew(srv, &ret.clients.clients_val[i]);
    }
    n = clients ? (int)ret.clients.clients_len : (int)ret.ret;
    xdr_free(X(admin_server_list_clients_ret), &ret);
    return n;
}

virAdmClientPtr
virAdmServerLookupClient(virAdmServerPtr srv, unsigned long long id, unsigned int flags)
{
    admin_server_lookup_client_args args = { .id = id, .flags = flags };
    admin_server_lookup_client_ret ret = { 0 };
    virAdmClientPtr client;

    if (!srvOk(srv))
        return NULL;
    args.srv.name = srv->name;
    if (vkAdmCall(srv->conn, 9, X(admin_server_lookup_client_args), &args,
                  X(admin_server_lookup_client_ret), &ret) < 0)
        return NULL;
    client = clientNew(srv, &ret.clnt);
    xdr_free(X(admin_server_lookup_client_ret), &ret);
    return client;
}

static void
clientWire(virAdmClientPtr client, admin_nonnull_client *out)
{
    out->srv.name = client->srv->name;
    out->id = client->id;
    out->timestamp = client->timestamp;
    out->transport = client->transport;
}

int
virAdmClientGetInfo(virAdmClientPtr client, virTypedParameterPtr *params, int *nparams,
                    unsigned int flags)
{
    admin_client_get_info_args args = { .flags = flags };
    admin_client_get_info_ret ret = { 0 };
    int rv;

    if (!clientOk(client))
        return -1;
    if (!params || !nparams) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "params and nparams must not be NULL");
        return -1;
    }
    clientWire(client, &args.clnt);
    if (vkAdmCall(client->srv->conn, 10, X(admin_client_get_info_args), &args,
                  X(admin_client_get_info_ret), &ret) < 0)
        return -1;
    rv = vkRemoteDeserializeTypedParams((remote_typed_param *)ret.params.params_val,
                                        ret.params.params_len,
                                        ADMIN_CLIENT_INFO_PARAMETERS_MAX, params, nparams);
    xdr_free(X(admin_client_get_info_ret), &ret);
    return rv;
}

int
virAdmClientClose(virAdmClientPtr client, unsigned int flags)
{
    admin_client_close_args args = { .flags = flags };

    if (!clientOk(client))
        return -1;
    clientWire(client, &args.clnt);
    return vkAdmCall(client->srv->conn, 11, X(admin_client_close_args), &args, NULL, NULL);
}

/* ---- logging and timeout ---- */

int
virAdmConnectGetLoggingOutputs(virAdmConnectPtr conn, char **outputs, unsigned int flags)
{
    admin_connect_get_logging_outputs_args args = { .flags = flags };
    admin_connect_get_logging_outputs_ret ret = { 0 };

    if (!connOk(conn))
        return -1;
    if (vkAdmCall(conn, 14, X(admin_connect_get_logging_outputs_args), &args,
                  X(admin_connect_get_logging_outputs_ret), &ret) < 0)
        return -1;
    if (outputs)
        *outputs = g_strdup(ret.outputs);
    xdr_free(X(admin_connect_get_logging_outputs_ret), &ret);
    return ret.noutputs;
}

int
virAdmConnectGetLoggingFilters(virAdmConnectPtr conn, char **filters, unsigned int flags)
{
    admin_connect_get_logging_filters_args args = { .flags = flags };
    admin_connect_get_logging_filters_ret ret = { 0 };

    if (!connOk(conn))
        return -1;
    if (vkAdmCall(conn, 15, X(admin_connect_get_logging_filters_args), &args,
                  X(admin_connect_get_logging_filters_ret), &ret) < 0)
        return -1;
    if (filters)
        *filters = ret.filters ? g_strdup(*ret.filters) : NULL;
    xdr_free(X(admin_connect_get_logging_filters_ret), &ret);
    return ret.nfilters;
}

int
virAdmConnectSetLoggingOutputs(virAdmConnectPtr conn, const char *outputs, unsigned int flags)
{
    char *val = (char *)outputs;
    admin_connect_set_logging_outputs_args args = { .outputs = outputs ? &val : NULL,
                                                    .flags = flags };

    if (!connOk(conn))
        return -1;
    return vkAdmCall(conn, 16, X(admin_connect_set_logging_outputs_args), &args, NULL, NULL);
}

int
virAdmConnectSetLoggingFilters(virAdmConnectPtr conn, const char *filters, unsigned int flags)
{
    char *val = (char *)filters;
    admin_connect_set_logging_filters_args args = { .filters = filters ? &val : NULL,
                                                    .flags = flags };

    if (!connOk(conn))
        return -1;
    return vkAdmCall(conn, 17, X(admin_connect_set_logging_filters_args), &args, NULL, NULL);
}

int
virAdmConnectSetDaemonTimeout(virAdmConnectPtr conn, unsigned int timeout, unsigned int flags)
{
    admin_connect_set_daemon_timeout_args args = { .timeout = timeout, .flags = flags };

    if (!connOk(conn))
        return -1;
    return vkAdmCall(conn, 19, X(admin_connect_set_daemon_timeout_args), &args, NULL, NULL);
}
