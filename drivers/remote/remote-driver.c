/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver's table, and opening a connection to a daemon.
 *
 * The idea: the URI decides only where to connect (socket path, host,
 * port, TLS files); what the daemon is asked to open is the same URI with
 * the transport, the server and the client-only query parameters taken
 * off -- "test+unix:///default?socket=/x" opens "test:///default" over
 * there.  The open itself replays libvirt's client handshake exactly
 * (AUTH_LIST, SUPPORTS_FEATURE keepalive, CONNECT_OPEN, SUPPORTS_FEATURE
 * events and close callback), so a real libvirtd accepts us and a
 * virtkitd sees what it sees from virsh.  Every other member is generated
 * (vkRemoteFillGeneratedMembers) and goes through vkRemoteCall.
 */
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "drivers/remote/remote-private.h"
#include "drivers/remote/remote-driver.h"
#include "remote_protocol.h"

/* Not in remote_protocol.x: virtkitd never asks for polkit. */
#define REMOTE_PROC_AUTH_POLKIT 70

#define FEATURE_PROGRAM_KEEPALIVE 10
#define FEATURE_REMOTE_EVENT_CALLBACK 14
#define FEATURE_REMOTE_CLOSE_CALLBACK 15

#define AUTH_NONE 0
#define AUTH_SASL 1
#define AUTH_POLKIT 2

#define DEFAULT_TCP_PORT 16509
#define DEFAULT_TLS_PORT 16514
#define DEFAULT_SOCKET_DIR "/run/virtkit"

/* Query parameters that steer the client and mean nothing to the daemon;
 * libvirt's list, so URIs written for libvirt keep working. */
static const char *const clientParams[] = {
    "name", "command", "socket", "auth", "netcat", "keyfile", "no_verify",
    "no_tty", "pkipath", "known_hosts", "known_hosts_verify", "sshauth",
    "mode", "proxy", "tls_priority", NULL,
};

static gint localDisabled;

void
vkRemoteDriverDisableLocal(void)
{
    g_atomic_int_set(&localDisabled, 1);
}

static vkRemoteClient *
clientOf(virConnectPtr conn)
{
    return conn->privateData;
}

int
vkRemoteCall(virConnectPtr conn, int proc, xdrproc_t argsFilter, void *args,
             xdrproc_t retFilter, void *ret)
{
    if (!conn->privateData) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "the remote connection is not open");
        return -1;
    }
    return vkRemoteClientCall(clientOf(conn), proc, argsFilter, args,
                              retFilter, ret);
}

/* The name the daemon opens: scheme, path, daemon-side query, fragment.
 * "?name=" overrides it, as in libvirt. */
static char *
daemonURI(const vkURI *uri)
{
    const char *name = vkURIGetParam(uri, "name");
    GString *s;
    bool first = true;

    if (name)
        return g_strdup(name);
    /* "remote:///", "remote+unix://...": the daemon picks its default */
    if (strcmp(uri->scheme, "remote") == 0)
        return g_strdup("");
    s = g_string_new(uri->scheme);
    g_string_append(s, "://");
    g_string_append(s, uri->path ? uri->path : "");
    for (size_t i = 0; i < uri->nparams; i++) {
        if (g_strv_contains(clientParams, uri->params[i].name))
            continue;
        g_string_append_c(s, first ? '?' : '&');
        first = false;
        g_string_append_uri_escaped(s, uri->params[i].name, NULL, FALSE);
        if (uri->params[i].value) {
            g_string_append_c(s, '=');
            g_string_append_uri_escaped(s, uri->params[i].value, NULL, FALSE);
        }
    }
    if (uri->fragment)
        g_string_append_printf(s, "#%s", uri->fragment);
    return g_string_free(s, FALSE);
}

static char *
defaultSocketPath(const vkURI *uri, bool readonly)
{
    const char *dir = g_getenv("VIRTKIT_SOCKET_DIR");
    const char *file = readonly ? "virtkit-sock-ro" : "virtkit-sock";

    if (dir && *dir)
        return g_build_filename(dir, file, NULL);
    /* A per-user daemon for unprivileged session URIs, as libvirt does. */
    if (geteuid() != 0 && uri->path && strcmp(uri->path, "/session") == 0)
        return g_build_filename(g_get_user_runtime_dir(), "virtkit", file, NULL);
    return g_build_filename(DEFAULT_SOCKET_DIR, file, NULL);
}

static vkRemoteTransport *
openTransport(virConnectPtr conn, const char *transport)
{
    const vkURI *uri = conn->uri;
    const char *server = uri->server && *uri->server ? uri->server : NULL;

    if (strcmp(transport, "unix") == 0) {
        g_autofree char *path = NULL;

        if (server) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "the unix transport cannot reach server '%s' in URI '%s+unix://%s%s'",
                          server, uri->scheme, server, uri->path ? uri->path : "");
            return NULL;
        }
        if (vkURIGetParam(uri, "socket"))
            path = g_strdup(vkURIGetParam(uri, "socket"));
        else
            path = defaultSocketPath(uri, conn->flags & VIR_CONNECT_RO);
        return vkRemoteTransportUnix(path);
    }
    if (strcmp(transport, "tcp") == 0 || strcmp(transport, "tls") == 0) {
        bool tls = strcmp(transport, "tls") == 0;
        int port = uri->port ? uri->port : tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT;

        if (!server)
            server = "localhost";
        if (!tls)
            return vkRemoteTransportTCP(server, port);
        return vkRemoteTransportTLS(server, port, vkURIGetParam(uri, "pkipath"),
                                    !vkURIParamIsTrue(uri, "no_verify"));
    }
    if (strcmp(transport, "ssh") == 0)
        return vkRemoteTransportSSH(uri, conn->flags & VIR_CONNECT_RO);
    vkReportError(VIR_ERR_NO_SUPPORT,
                  "transport '%s' is not supported (use unix, ssh, tcp or tls)",
                  transport);
    return NULL;
}

static int
supportsFeature(virConnectPtr conn, int feature)
{
    remote_connect_supports_feature_args args = { .feature = feature };
    remote_connect_supports_feature_ret ret = { 0 };

    if (vkRemoteCall(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                     (xdrproc_t)xdr_remote_connect_supports_feature_args, &args,
                     (xdrproc_t)xdr_remote_connect_supports_feature_ret, &ret) < 0)
        return -1;
    return ret.supported ? 1 : 0;
}

/* AUTH_LIST; "none" and servers too old to know the call are fine, polkit
 * is a single call.  A server that offers only SASL is refused with an
 * error saying so: this client has no SASL mechanism. */
static int
authenticate(virConnectPtr conn)
{
    remote_auth_list_ret ret = { 0 };
    bool none = false;
    bool polkit = false;
    bool sasl = false;

    if (vkRemoteCall(conn, REMOTE_PROC_AUTH_LIST, NULL, NULL,
                     (xdrproc_t)xdr_remote_auth_list_ret, &ret) < 0) {
        virErrorPtr err = vkErrorGetLast();

        if (err && err->code == VIR_ERR_NO_SUPPORT) {
            vkErrorReset();
            return 0;
        }
        return -1;
    }
    for (unsigned int i = 0; i < ret.types.types_len; i++) {
        none |= ret.types.types_val[i] == AUTH_NONE;
        sasl |= ret.types.types_val[i] == AUTH_SASL;
        polkit |= ret.types.types_val[i] == AUTH_POLKIT;
    }
    if (ret.types.types_len == 0)
        none = true;
    xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&ret);

    if (none)
        return 0;
    if (polkit) {
        int complete = 0;   /* remote_auth_polkit_ret is one int */

        if (vkRemoteCall(conn, REMOTE_PROC_AUTH_POLKIT, NULL, NULL,
                         (xdrproc_t)xdr_int, &complete) < 0)
            return -1;
        return 0;
    }
    vkReportError(VIR_ERR_AUTH_FAILED, "%s",
                  sasl ? "the server requires SASL authentication, which this client does not support"
                       : "the server offers no authentication method this client knows");
    return -1;
}

static int
handshake(virConnectPtr conn)
{
    g_autofree char *name = daemonURI(conn->uri);
    remote_connect_open_args args = { 0 };
    int rc;

    if (authenticate(conn) < 0)
        return -1;
    if ((rc = supportsFeature(conn, FEATURE_PROGRAM_KEEPALIVE)) < 0)
        return -1;
    vkRemoteClientSetKeepAliveSupported(clientOf(conn), rc == 1);

    args.name = &name;
    args.flags = conn->flags & VIR_CONNECT_RO;
    if (vkRemoteCall(conn, REMOTE_PROC_CONNECT_OPEN,
                     (xdrproc_t)xdr_remote_connect_open_args, &args,
                     NULL, NULL) < 0)
        return -1;

    /* Asked for the record, as libvirt's client does; events use the
     * callback procedures, which every daemon we talk to has. */
    if (supportsFeature(conn, FEATURE_REMOTE_EVENT_CALLBACK) < 0 ||
        supportsFeature(conn, FEATURE_REMOTE_CLOSE_CALLBACK) < 0)
        return -1;
    return 0;
}

static vkDrvOpenStatus
remoteConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    bool server = uri->server && *uri->server;
    const char *transport = uri->transport;
    vkRemoteTransport *t;
    vkRemoteClient *client;

    if (!transport && !server) {
        /* Served in-process: the test hypervisor, and embedded drivers.
         * Only the schemes of drivers that live in a daemon are routed to
         * the local socket; anything else is no driver's (a clear
         * VIR_ERR_NO_CONNECT rather than a socket error about a daemon the
         * user never asked for). */
        static const char *const daemonSchemes[] = {
            "qemu", "lxc", "openvz", "xen", "libxl", "network", "storage",
            "nodedev", "secret", "interface", "nwfilter", "remote", NULL,
        };
        if (strcmp(uri->scheme, "test") == 0 ||
            (uri->path && strcmp(uri->path, "/embed") == 0) ||
            !g_strv_contains(daemonSchemes, uri->scheme) ||
            g_atomic_int_get(&localDisabled))
            return VK_DRV_OPEN_DECLINED;
        transport = "unix";
    } else if (!transport) {
        transport = "tls";
    }

    /* Unprivileged callers get Xen only through virtkitd's read-only
     * socket (the Xen driver declined them): their connection is
     * read-only, and an absent daemon gets an error that says so. */
    bool xenProxy = strcmp(uri->scheme, "xen") == 0 && strcmp(transport, "unix") == 0 &&
        !vkURIGetParam(uri, "socket") && geteuid() != 0;
    if (xenProxy)
        conn->flags |= VIR_CONNECT_RO;
    if (!(t = openTransport(conn, transport))) {
        if (xenProxy) {
            virErrorPtr e = vkErrorGetLast();
            g_autofree char *cause = g_strdup(e && e->message ? e->message : "unknown error");
            vkReportError(VIR_ERR_NO_CONNECT,
                          "cannot reach virtkitd, which serves xen:///system to users other "
                          "than root on its read-only socket: %s", cause);
        }
        return VK_DRV_OPEN_ERROR;
    }
    if (!(client = vkRemoteClientNew(t, conn))) {
        vkRemoteTransportFree(t);
        return VK_DRV_OPEN_ERROR;
    }
    conn->privateData = client;

    if (handshake(conn) < 0) {
        conn->privateData = NULL;
        vkRemoteClientClose(client, false);
        return VK_DRV_OPEN_ERROR;
    }
    return VK_DRV_OPEN_SUCCESS;
}

static int
remoteConnectClose(virConnectPtr conn)
{
    vkRemoteClient *client = clientOf(conn);

    if (!client)
        return 0;
    vkRemoteEventsForget(conn);
    conn->privateData = NULL;
    vkRemoteClientClose(client, true);
    return 0;
}

static int
remoteConnectIsAlive(virConnectPtr conn)
{
    return clientOf(conn) && vkRemoteClientIsAlive(clientOf(conn)) ? 1 : 0;
}

static int
remoteConnectIsSecure(virConnectPtr conn)
{
    return vkRemoteClientIsSecure(clientOf(conn)) ? 1 : 0;
}

static int
remoteConnectIsEncrypted(virConnectPtr conn)
{
    return vkRemoteClientIsEncrypted(clientOf(conn)) ? 1 : 0;
}

static int
remoteConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count)
{
    if (!vkRemoteClientIsAlive(clientOf(conn))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "client socket is closed: cannot set keepalive");
        return -1;
    }
    return vkRemoteClientSetKeepAlive(clientOf(conn), interval, count);
}

static virHypervisorDriver remoteHypervisorDriver = {
    .name = "remote",
};

static const vkConnectDriver remoteConnectDriver = {
    .name = "remote",
    .uriSchemes = NULL,
    .localOnly = false,
    .remoteOnly = false,
    .hypervisorDriver = &remoteHypervisorDriver,
};

/* Inside virtkitd (which starts the state drivers) a URI no local driver
 * serves is an error, never a hop to another daemon, or to this one. */
static int
remoteStateInitialize(const vkStateDriver *drv, bool privileged, const char *location)
{
    vkRemoteDriverDisableLocal();
    return 0;
}

static const vkStateDriver remoteStateDriver = {
    .name = "Remote",
    .init = remoteStateInitialize,
};

static gpointer
registerOnce(gpointer data)
{
    virHypervisorDriver *drv = &remoteHypervisorDriver;

    /* Generated members first; the hand-written ones below take over the
     * procedures that are not plain request/response. */
    vkRemoteFillGeneratedMembers(drv);
    vkRemoteEventsFillMembers(drv);
    vkRemoteMigrateFillMembers(drv);
    vkRemoteSideFillMembers(drv);
    drv->connectOpen = remoteConnectOpen;
    drv->connectClose = remoteConnectClose;
    drv->connectIsAlive = remoteConnectIsAlive;
    drv->connectIsSecure = remoteConnectIsSecure;
    drv->connectIsEncrypted = remoteConnectIsEncrypted;
    drv->connectSetKeepAlive = remoteConnectSetKeepAlive;
    drv->connectSupportsFeature = supportsFeature;
    if (vkRegisterStateDriver(&remoteStateDriver) < 0)
        return GINT_TO_POINTER(-1);
    return GINT_TO_POINTER(vkRegisterConnectDriver(&remoteConnectDriver));
}

/* Idempotent, so that tests may call it whether or not the registry did. */
int
vkRemoteDriverRegister(void)
{
    static GOnce once = G_ONCE_INIT;

    return GPOINTER_TO_INT(g_once(&once, registerOnce, NULL));
}
