/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin API's client: a connection to a daemon's admin socket and the
 * calls of the admin program (0x06900690 v1) over it, libvirt's wire, so
 * it talks to virtkitd and to libvirtd alike.
 *
 * One call at a time per connection (a mutex around send + wait), on a
 * blocking UNIX socket: the admin program has no events or streams, so
 * the only unsolicited packets are keepalive ones, answered or skipped.
 * Errors are the daemon's, re-raised as they came (code, domain,
 * message), through the same virGetLastError as the rest of the library.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#define VIR_FROM_THIS VIR_FROM_ADMIN
#include "virtkit/virtkit-admin.h"
#include "util/error.h"
#include "rpc/message.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "admin_protocol.h"
#include "admin/admin-client.h"

/* ---- the wire ---- */

static bool
writeAll(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= n;
    }
    return true;
}

static bool
readAll(int fd, char *buf, size_t len)
{
    while (len) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= n;
    }
    return true;
}

static vkRpcMessage *
readPacket(int fd)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();

    vkRpcMessageBeginRead(msg);
    if (!readAll(fd, msg->buffer, VK_RPC_LEN_WORD))
        return NULL;
    msg->offset = VK_RPC_LEN_WORD;
    if (vkRpcMessageDecodeLength(msg) < 0 ||
        !readAll(fd, msg->buffer + msg->offset, msg->length - msg->offset) ||
        vkRpcMessageDecodeHeader(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

static void
markDead(virAdmConnectPtr conn, int reason)
{
    if (conn->fd < 0)
        return;
    close(conn->fd);
    conn->fd = -1;
    if (conn->closeCb)
        conn->closeCb(conn, reason, conn->closeOpaque);
}

int
vkAdmCall(virAdmConnectPtr conn, int proc, xdrproc_t argsFilter, void *args,
     xdrproc_t retFilter, void *ret)
{
    g_autoptr(vkRpcMessage) req = vkRpcMessageNew();
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&conn->lock);
    vkRpcHeader hdr = {
        .prog = ADMIN_PROGRAM, .vers = ADMIN_VERSION, .proc = proc,
        .type = VK_RPC_CALL, .status = VK_RPC_OK,
    };

    if (conn->fd < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "client socket is closed");
        return -1;
    }
    hdr.serial = conn->serial++;
    if (vkRpcMessageEncode(req, &hdr, argsFilter, args) < 0)
        return -1;
    if (!writeAll(conn->fd, req->buffer, req->length)) {
        markDead(conn, VIR_CONNECT_CLOSE_REASON_ERROR);
        vkReportError(VIR_ERR_SYSTEM_ERROR, "cannot send data: %s", g_strerror(errno));
        return -1;
    }
    for (;;) {
        g_autoptr(vkRpcMessage) reply = readPacket(conn->fd);

        if (!reply) {
            markDead(conn, VIR_CONNECT_CLOSE_REASON_EOF);
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "client socket is closed");
            return -1;
        }
        if (reply->header.prog == VK_KEEPALIVE_PROGRAM) {
            /* a PING gets its PONG; anything else of keepalive is skipped */
            if (reply->header.proc == 1) {
                g_autoptr(vkRpcMessage) pong = vkRpcMessageNew();
                vkRpcHeader ph = reply->header;
                ph.proc = 2;
                if (vkRpcMessageEncode(pong, &ph, NULL, NULL) == 0)
                    writeAll(conn->fd, pong->buffer, pong->length);
            }
            continue;
        }
        if (reply->header.prog != ADMIN_PROGRAM || reply->header.serial != hdr.serial ||
            reply->header.type != VK_RPC_REPLY)
            continue;
        if (reply->header.status == VK_RPC_ERROR)
            return vkRpcMessageRaiseError(reply, "unknown error reported by the daemon");
        return vkRpcMessageDecodeBody(reply, retFilter, ret);
    }
}

/* ---- connections ---- */

int
virAdmInitialize(void)
{
    return 0;
}

int
virAdmGetVersion(unsigned long long *libVer)
{
    vkErrorReset();
    if (!libVer) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "libVer must not be NULL");
        return -1;
    }
    *libVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

/* The admin socket of uri: ?socket=, else DAEMON-admin-sock in the
 * daemon's directory (/run/libvirt; /run/virtkit for virtkitd; the
 * user's runtime dir for ///session). */
static char *
socketPath(GUri *uri)
{
    const char *scheme = g_uri_get_scheme(uri);
    const char *query = g_uri_get_query(uri);
    const char *path = g_uri_get_path(uri);
    g_autoptr(GHashTable) params = NULL;
    const char *sock;

    if (query && (params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL)) &&
        (sock = g_hash_table_lookup(params, "socket")))
        return g_strdup(sock);
    if (g_strcmp0(g_uri_get_host(uri), "") != 0 && g_uri_get_host(uri)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "remote admin connections are not supported: '%s'", g_uri_get_host(uri));
        return NULL;
    }
    if (g_str_equal(path, "/session"))
        return g_strdup_printf("%s/libvirt/%s-admin-sock", g_get_user_runtime_dir(), scheme);
    if (!g_str_equal(path, "/system")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "unsupported admin URI path '%s'", path);
        return NULL;
    }
    if (g_str_equal(scheme, "virtkitd"))
        return g_strdup("/run/virtkit/virtkitd-admin-sock");
    return g_strdup_printf("/run/libvirt/%s-admin-sock", scheme);
}

static int
connectUnix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vkReportError(VIR_ERR_INVALID_ARG, "socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        vkReportError(VIR_ERR_SYSTEM_ERROR, "Failed to connect socket to '%s': %s", path,
                      g_strerror(saved));
        return -1;
    }
    return fd;
}

virAdmConnectPtr
virAdmConnectOpen(const char *name, unsigned int flags)
{
    g_autoptr(GUri) uri = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *path = NULL;
    admin_connect_open_args args = { .flags = flags };
    virAdmConnectPtr conn;

    vkErrorReset();
    if (!name)
        name = g_getenv("LIBVIRT_ADMIN_DEFAULT_URI");
    if (!name)
        name = "libvirtd:///system";
    if (!(uri = g_uri_parse(name, G_URI_FLAGS_ENCODED_QUERY, &gerr))) {
        vkReportError(VIR_ERR_INVALID_ARG, "invalid admin URI '%s': %s", name, gerr->message);
        return NULL;
    }
    if (!(path = socketPath(uri)))
        return NULL;
    conn = g_new0(virAdmConnect, 1);
    conn->refs = 1;
    g_mutex_init(&conn->lock);
    conn->uri = g_strdup(name);
    if ((conn->fd = connectUnix(path)) < 0 ||
        vkAdmCall(conn, 1, (xdrproc_t)xdr_admin_connect_open_args, &args, NULL, NULL) < 0) {
        vkAdmConnUnref(conn);
        return NULL;
    }
    return conn;
}

int
virAdmConnectRef(virAdmConnectPtr conn)
{
    vkErrorReset();
    if (!conn) {
        vkReportError(VIR_ERR_INVALID_CONN, "%s", "invalid connection pointer");
        return -1;
    }
    g_atomic_int_inc(&conn->refs);
    return 0;
}

int
vkAdmConnUnref(virAdmConnectPtr conn)
{
    if (!g_atomic_int_dec_and_test(&conn->refs))
        return 1;
    if (conn->fd >= 0) {
        virErrorPtr saved = vkErrorSave();
        vkAdmCall(conn, 2, NULL, NULL, NULL, NULL);
        markDead(conn, VIR_CONNECT_CLOSE_REASON_CLIENT);
        vkErrorRestore(&saved);
    }
    if (conn->closeFree)
        conn->closeFree(conn->closeOpaque);
    g_mutex_clear(&conn->lock);
    g_free(conn->uri);
    g_free(conn);
    return 0;
}

int
virAdmConnectClose(virAdmConnectPtr conn)
{
    vkErrorReset();
    if (!conn) {
        vkReportError(VIR_ERR_INVALID_CONN, "%s", "invalid connection pointer");
        return -1;
    }
    return vkAdmConnUnref(conn);
}
