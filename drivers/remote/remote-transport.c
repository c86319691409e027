/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The byte stream under a remote connection: a UNIX socket, a TCP socket,
 * or TLS over TCP.
 *
 * Everything above this file sees one read and one write function and a
 * descriptor to poll, so the client code is the same for all three.  With
 * TLS, the session may already hold decrypted bytes that poll() cannot
 * see; vkRemoteTransportPending tells the reader to read before it polls.
 * The TLS code is the module src/rpc/tls-module.h loads on the first tls
 * connection, so a client that never uses TLS never maps gnutls.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "drivers/remote/remote-private.h"

static vkRemoteTransport *
transportNew(int fd)
{
    vkRemoteTransport *t = g_new0(vkRemoteTransport, 1);

    t->fd = fd;
    return t;
}

vkRemoteTransport *
vkRemoteTransportUnix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    vkRemoteTransport *t;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vkReportError(VIR_ERR_INVALID_ARG, "socket path '%s' is too long", path);
        return NULL;
    }
    strcpy(addr.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vkReportSystemError(errno, "cannot create a socket for '%s'", path);
        return NULL;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int saved = errno;

        close(fd);
        vkReportSystemError(saved, "Failed to connect socket to '%s'", path);
        return NULL;
    }
    /* A daemon that links this library must never end up calling itself:
     * its handshake would wait for a reply only it could send. */
    {
        struct ucred cred;
        socklen_t clen = sizeof(cred);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 &&
            cred.pid == getpid()) {
            close(fd);
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "socket '%s' is served by this very process", path);
            return NULL;
        }
    }
    t = transportNew(fd);
    t->secure = true;
    t->fdPassing = true;
    return t;
}

static int
tcpConnect(const char *host, int port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    g_autofree char *service = g_strdup_printf("%d", port);
    int saved = 0;
    int fd = -1;
    int rc;

    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        vkReportError(VIR_ERR_SYSTEM_ERROR, "unable to resolve '%s:%s': %s",
                      host, service, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        vkReportSystemError(saved, "unable to connect to server at '%s:%s'",
                            host, service);
    return fd;
}

vkRemoteTransport *
vkRemoteTransportTCP(const char *host, int port)
{
    int fd = tcpConnect(host, port);

    return fd < 0 ? NULL : transportNew(fd);
}

/* libvirt's default x509 locations: system-wide for root, ~/.pki/libvirt
 * for others when the files exist there; ?pkipath=DIR puts all three
 * files (cacert.pem, clientcert.pem, clientkey.pem) in DIR. */
static void
tlsPaths(const char *pkipath, char **ca, char **cert, char **key)
{
    g_autofree char *user = NULL;

    if (pkipath) {
        *ca = g_build_filename(pkipath, "cacert.pem", NULL);
        *cert = g_build_filename(pkipath, "clientcert.pem", NULL);
        *key = g_build_filename(pkipath, "clientkey.pem", NULL);
        return;
    }
    user = g_build_filename(g_get_home_dir(), ".pki", "libvirt", NULL);
    if (geteuid() != 0 && g_file_test(user, G_FILE_TEST_IS_DIR)) {
        *ca = g_build_filename(user, "cacert.pem", NULL);
        *cert = g_build_filename(user, "clientcert.pem", NULL);
        *key = g_build_filename(user, "clientkey.pem", NULL);
        return;
    }
    *ca = g_strdup("/etc/pki/CA/cacert.pem");
    *cert = g_strdup("/etc/pki/libvirt/clientcert.pem");
    *key = g_strdup("/etc/pki/libvirt/private/clientkey.pem");
}

vkRemoteTransport *
vkRemoteTransportTLS(const char *host, int port, const char *pkipath, bool verify)
{
    g_autofree char *ca = NULL;
    g_autofree char *cert = NULL;
    g_autofree char *key = NULL;
    g_autofree char *why = NULL;
    const vkTlsOps *ops;
    vkTlsCreds *cred;
    vkTlsSession *session;
    vkRemoteTransport *t;
    int code = VIR_ERR_INTERNAL_ERROR;
    int fd;

    if (!(ops = vkTlsModuleLoad(&why))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", why);
        return NULL;
    }
    tlsPaths(pkipath, &ca, &cert, &key);
    if (!(cred = ops->clientCredsNew(ca, cert, key, &code, &why))) {
        vkReportError(code, "%s", why);
        return NULL;
    }
    if ((fd = tcpConnect(host, port)) < 0) {
        ops->credsFree(cred);
        return NULL;
    }
    if (!(session = ops->clientSessionNew(cred, fd, host, verify, &code, &why))) {
        vkReportError(code, "%s", why);
        close(fd);
        ops->credsFree(cred);
        return NULL;
    }
    t = transportNew(fd);
    t->secure = true;
    t->encrypted = true;
    t->tlsOps = ops;
    t->tls = session;
    t->tlsCred = cred;
    return t;
}

ssize_t
vkRemoteTransportRead(vkRemoteTransport *t, void *buf, size_t len)
{
    ssize_t n;

    if (!t->tls)
        return read(t->fd, buf, len);
    /* A blocking session reports EAGAIN only when a signal cut it short. */
    do {
        n = t->tlsOps->recv(t->tls, buf, len);
    } while (n < 0 && errno == EAGAIN);
    return n;
}

ssize_t
vkRemoteTransportWrite(vkRemoteTransport *t, const void *buf, size_t len)
{
    ssize_t n;

    if (!t->tls)
        return send(t->fd, buf, len, MSG_NOSIGNAL);
    do {
        n = t->tlsOps->send(t->tls, buf, len);
    } while (n < 0 && errno == EAGAIN);
    return n;
}

bool
vkRemoteTransportPending(vkRemoteTransport *t)
{
    return t->tls && t->tlsOps->pending(t->tls);
}

int
vkRemoteTransportRecvFd(vkRemoteTransport *t)
{
    int fd;

    if (!t->fdPassing) {
        errno = EINVAL;
        return -1;
    }
    do {
        fd = vkRpcRecvFd(t->fd);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int
vkRemoteTransportSendFds(vkRemoteTransport *t, const int *fds, size_t nfds)
{
    if (nfds == 0)
        return 0;
    if (!t->fdPassing) {
        errno = EINVAL;
        return -1;
    }
    return vkRpcSendFds(t->fd, fds, nfds);
}

void
vkRemoteTransportShutdown(vkRemoteTransport *t)
{
    if (t && t->fd >= 0)
        shutdown(t->fd, SHUT_RDWR);
}

void
vkRemoteTransportFree(vkRemoteTransport *t)
{
    if (!t)
        return;
    if (t->tls)
        t->tlsOps->sessionFree(t->tls);
    if (t->tlsCred)
        t->tlsOps->credsFree(t->tlsCred);
    if (t->fd >= 0)
        close(t->fd);
    vkRemoteTransportReapChild(t);
    g_free(t);
}
