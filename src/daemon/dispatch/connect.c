/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handshake procedures: AUTH_LIST, CONNECT_SUPPORTS_FEATURE,
 * CONNECT_OPEN / CONNECT_CLOSE, CONNECT_GET_URI and the close callbacks.
 *
 * The one idea: the daemon's side of a client is just a virConnectPtr it
 * opens through the public API, read-only whenever the client came in on
 * the read-only socket, whatever flags the client asked for.
 */
#include <stdlib.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "api/migrate.h"
#include "daemon/dispatch/dispatch.h"

/* libvirt's connection feature numbers that matter on the wire. */
enum {
    FEATURE_FD_PASSING = 8,
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    /* Without it libvirt's clients swap virNetworkUpdate's command and
     * section, for daemons older than the fix of that swap. */
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

int
vkDispatchConnectOpen(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_open_args *args = argsp;
    const char *name = args->name ? *args->name : NULL;
    virConnectPtr conn;

    (void)retp;
    if (client->conn) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "connection already open on this client");
        return -1;
    }
    if (client->readonly || (args->flags & VIR_CONNECT_RO))
        conn = virConnectOpenReadOnly(name);
    else
        conn = virConnectOpen(name);
    if (!conn)
        return -1;
    client->conn = conn;
    return 0;
}

int
vkDispatchConnectClose(vkServerClient *client, void *argsp, void *retp)
{
    (void)argsp;
    (void)retp;
    vkServerClientCleanup(client);
    return 0;
}

int
vkDispatchConnectSupportsFeature(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_supports_feature_args *args = argsp;
    remote_connect_supports_feature_ret *ret = retp;

    switch (args->feature) {
    case FEATURE_FD_PASSING:
        ret->supported = client->fdPassing;
        break;
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_PROGRAM_KEEPALIVE:
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
    case FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
        ret->supported = 1;
        break;
    default:
        /* Migration's features are the connection driver's to answer. */
        ret->supported = client->conn ? vkConnectSupportsFeature(client->conn, args->feature)
                                      : 0;
        break;
    }
    return 0;
}

int
vkDispatchAuthList(vkServerClient *client, void *argsp, void *retp)
{
    remote_auth_list_ret *ret = retp;

    (void)argsp;
    /* Sockets are protected by their file modes and peer credentials;
     * there is no SASL or polkit step, so listing the methods completes
     * authentication. */
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    client->authenticated = true;
    return 0;
}

int
vkDispatchConnectGetURI(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;
    char *uri;

    (void)argsp;
    if (!(uri = virConnectGetURI(client->conn)))
        return -1;
    ret->uri = uri;
    return 0;
}

/* The close callback lives entirely on the client side: the client library
 * fires it when it sees the socket close.  The daemon only has to accept
 * the registration, so both procedures succeed without state. */
int
vkDispatchConnectRegisterCloseCallback(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    return 0;
}

int
vkDispatchConnectUnregisterCloseCallback(vkServerClient *client, void *argsp, void *retp)
{
    (void)client;
    (void)argsp;
    (void)retp;
    return 0;
}

void
vkServerClientCleanup(vkServerClient *client)
{
    vkDispatchEventsDropAll(client);
    if (client->conn) {
        virErrorPtr saved = vkErrorSave();
        virConnectClose(client->conn);
        client->conn = NULL;
        vkErrorRestore(&saved);
    }
}
