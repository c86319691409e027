/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The byte stream under a remote connection: a UNIX socket, a TCP socket,
 * or TLS over TCP.
 *
 * Everything above this file sees one read and one write function and a
 * descriptor to poll, so the client code is the same for all three.  With
 * TLS, gnutls may already hold decrypted bytes that poll() cannot see;
 * vkRemoteTransportPending tells the reader to read before it polls.
 * gnutls allows one thread to send while another receives on a session,
 * which is exactly how the client uses it.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

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
    gnutls_certificate_credentials_t cred = NULL;
    gnutls_session_t session = NULL;
    vkRemoteTransport *t = NULL;
    unsigned int status = 0;
    char ack = 0;
    int fd = -1;
    int rc;

    tlsPaths(pkipath, &ca, &cert, &key);
    if (gnutls_certificate_allocate_credentials(&cred) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cannot allocate TLS credentials");
        return NULL;
    }
    if (gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM) < 0) {
        vkReportError(VIR_ERR_SYSTEM_ERROR, "cannot load CA certificate '%s'", ca);
        goto error;
    }
    if (g_file_test(cert, G_FILE_TEST_EXISTS) &&
        (rc = gnutls_certificate_set_x509_key_file(cred, cert, key,
                                                   GNUTLS_X509_FMT_PEM)) < 0) {
        vkReportError(VIR_ERR_SYSTEM_ERROR,
                      "cannot load client certificate '%s' / key '%s': %s",
                      cert, key, gnutls_strerror(rc));
        goto error;
    }

    if ((fd = tcpConnect(host, port)) < 0)
        goto error;

    if (gnutls_init(&session, GNUTLS_CLIENT) < 0 ||
        gnutls_set_default_priority(session) < 0 ||
        gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred) < 0 ||
        gnutls_server_name_set(session, GNUTLS_NAME_DNS, host, strlen(host)) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot set up a TLS session to '%s'",
                      host);
        goto error;
    }
    if (verify)
        gnutls_session_set_verify_cert(session, host, 0);
    gnutls_transport_set_int(session, fd);
    do {
        rc = gnutls_handshake(session);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) {
        if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            gnutls_datum_t out = { 0 };

            status = gnutls_session_get_verify_cert_status(session);
            gnutls_certificate_verification_status_print(status,
                                                         GNUTLS_CRT_X509, &out, 0);
            vkReportError(VIR_ERR_AUTH_FAILED,
                          "server certificate of '%s' failed verification: %s",
                          host, out.data ? (char *)out.data : "unknown reason");
            gnutls_free(out.data);
        } else {
            vkReportError(VIR_ERR_AUTH_FAILED, "TLS handshake with '%s' failed: %s",
                          host, gnutls_strerror(rc));
        }
        goto error;
    }

    /* libvirt's daemons check our certificate after the handshake and
     * answer with one byte: 1 accepted, anything else (or nothing) not. */
    do {
        rc = gnutls_record_recv(session, &ack, 1);
    } while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    if (rc != 1 || ack != 1) {
        vkReportError(VIR_ERR_AUTH_FAILED,
                      "server '%s' refused our certificate (or our address)", host);
        goto error;
    }

    t = transportNew(fd);
    t->secure = true;
    t->encrypted = true;
    t->tls = session;
    t->tlsCred = cred;
    return t;

 error:
    if (session)
        gnutls_deinit(session);
    if (fd >= 0)
        close(fd);
    gnutls_certificate_free_credentials(cred);
    return NULL;
}

ssize_t
vkRemoteTransportRead(vkRemoteTransport *t, void *buf, size_t len)
{
    ssize_t n;

    if (!t->tls)
        return read(t->fd, buf, len);
    do {
        n = gnutls_record_recv(t->tls, buf, len);
    } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    if (n == GNUTLS_E_PREMATURE_TERMINATION)
        return 0;
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    return n;
}

ssize_t
vkRemoteTransportWrite(vkRemoteTransport *t, const void *buf, size_t len)
{
    ssize_t n;

    if (!t->tls)
        return send(t->fd, buf, len, MSG_NOSIGNAL);
    do {
        n = gnutls_record_send(t->tls, buf, len);
    } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    return n;
}

bool
vkRemoteTransportPending(vkRemoteTransport *t)
{
    return t->tls && gnutls_record_check_pending(t->tls) > 0;
}

int
vkRemoteTransportRecvFd(vkRemoteTransport *t)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
    };
    struct cmsghdr *c;
    ssize_t n;
    int fd;

    if (t->tls) {
        errno = EINVAL;
        return -1;
    }
    do {
        n = recvmsg(t->fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n == 0)
            errno = ECONNRESET;
        return -1;
    }
    c = CMSG_FIRSTHDR(&mh);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int))) {
        errno = EPROTO;
        return -1;
    }
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
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
        gnutls_deinit(t->tls);
    if (t->tlsCred)
        gnutls_certificate_free_credentials(t->tlsCred);
    if (t->fd >= 0)
        close(t->fd);
    vkRemoteTransportReapChild(t);
    g_free(t);
}
