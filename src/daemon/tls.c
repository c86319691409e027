/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x509 TLS for virtkitd (gnutls).
 *
 * One credentials object is loaded at start (CA, optional CRL, server
 * certificate and key); each TCP client gets a non-blocking session on its
 * socket.  The client must present a certificate signed by the CA (unless
 * tls_no_verify_certificate = 1): the check runs right after the handshake,
 * before a single RPC byte is read, so an unverified peer never reaches the
 * dispatcher.
 *
 * gnutls is initialised on demand (vkDaemonTlsGlobalInit), not when the
 * library is loaded: virtkitd.c opts out of the load-time initialisation.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "daemon/daemon.h"
#include "daemon/tls.h"

struct _vkDaemonTls {
    gnutls_certificate_credentials_t creds;
    bool verify;
};

struct _vkDaemonTlsSession {
    gnutls_session_t s;
    bool verify;
};

static bool
checkReadable(const char *what, const char *path, GError **error)
{
    if (!path || access(path, R_OK) < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "cannot read TLS %s '%s': %s", what, path ? path : "(unset)",
                    g_strerror(path ? errno : ENOENT));
        return false;
    }
    return true;
}

void
vkDaemonTlsGlobalInit(void)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        int rv = gnutls_global_init();
        if (rv < 0)
            VK_LOG("cannot initialise gnutls: %s", gnutls_strerror(rv));
        g_once_init_leave(&once, 1);
    }
}

/* Only "scheme:///path" without a "+transport" is sure to stay in this
 * process; anything else (a host, a transport, an alias, the default URI)
 * may go through the remote driver. */
bool
vkDaemonTlsUriMayNeedTls(const char *uri)
{
    const char *sep;

    if (!uri || !(sep = strstr(uri, "://")))
        return true;
    if (memchr(uri, '+', sep - uri))
        return true;
    return sep[3] != '/';
}

vkDaemonTls *
vkDaemonTlsNew(const vkDaemonConfig *cfg, GError **error)
{
    vkDaemonTls *tls;
    int rv;

    if (!checkReadable("CA certificate (ca_file)", cfg->caFile, error) ||
        !checkReadable("server certificate (cert_file)", cfg->certFile, error) ||
        !checkReadable("server key (key_file)", cfg->keyFile, error))
        return NULL;
    vkDaemonTlsGlobalInit();
    tls = g_new0(vkDaemonTls, 1);
    tls->verify = !cfg->tlsNoVerifyCertificate;
    if ((rv = gnutls_certificate_allocate_credentials(&tls->creds)) < 0)
        goto fail;
    if ((rv = gnutls_certificate_set_x509_trust_file(tls->creds, cfg->caFile,
                                                     GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    if (rv == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "no CA certificate found in '%s'", cfg->caFile);
        vkDaemonTlsFree(tls);
        return NULL;
    }
    if (cfg->crlFile && *cfg->crlFile &&
        (rv = gnutls_certificate_set_x509_crl_file(tls->creds, cfg->crlFile,
                                                   GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    if ((rv = gnutls_certificate_set_x509_key_file(tls->creds, cfg->certFile, cfg->keyFile,
                                                   GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    return tls;

 fail:
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "cannot load TLS credentials (ca '%s', cert '%s', key '%s'): %s",
                cfg->caFile, cfg->certFile, cfg->keyFile, gnutls_strerror(rv));
    vkDaemonTlsFree(tls);
    return NULL;
}

void
vkDaemonTlsFree(vkDaemonTls *tls)
{
    if (!tls)
        return;
    if (tls->creds)
        gnutls_certificate_free_credentials(tls->creds);
    g_free(tls);
}

vkDaemonTlsSession *
vkDaemonTlsSessionNew(vkDaemonTls *tls, int fd, GError **error)
{
    vkDaemonTlsSession *sess = g_new0(vkDaemonTlsSession, 1);
    int rv;

    sess->verify = tls->verify;
    if ((rv = gnutls_init(&sess->s, GNUTLS_SERVER | GNUTLS_NONBLOCK)) < 0 ||
        (rv = gnutls_set_default_priority(sess->s)) < 0 ||
        (rv = gnutls_credentials_set(sess->s, GNUTLS_CRD_CERTIFICATE, tls->creds)) < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "cannot start a TLS session: %s", gnutls_strerror(rv));
        vkDaemonTlsSessionFree(sess);
        return NULL;
    }
    gnutls_certificate_server_set_request(sess->s, tls->verify ? GNUTLS_CERT_REQUIRE
                                                               : GNUTLS_CERT_REQUEST);
    gnutls_transport_set_int(sess->s, fd);
    return sess;
}

void
vkDaemonTlsSessionFree(vkDaemonTlsSession *sess)
{
    if (!sess)
        return;
    if (sess->s)
        gnutls_deinit(sess->s);
    g_free(sess);
}

static int
verifyPeer(vkDaemonTlsSession *sess, char **why)
{
    unsigned int status = 0;
    unsigned int n = 0;
    gnutls_datum_t text = { 0 };
    int rv;

    if (!gnutls_certificate_get_peers(sess->s, &n) || n == 0) {
        *why = g_strdup("TLS client sent no certificate");
        return -1;
    }
    if ((rv = gnutls_certificate_verify_peers2(sess->s, &status)) < 0) {
        *why = g_strdup_printf("cannot verify the TLS client certificate: %s",
                               gnutls_strerror(rv));
        return -1;
    }
    if (status != 0) {
        gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0);
        *why = g_strdup_printf("TLS client certificate rejected: %s",
                               text.data ? (char *)text.data : "invalid");
        gnutls_free(text.data);
        return -1;
    }
    return 0;
}

int
vkDaemonTlsHandshake(vkDaemonTlsSession *sess, char **why)
{
    int rv = gnutls_handshake(sess->s);

    if (rv == GNUTLS_E_AGAIN || rv == GNUTLS_E_INTERRUPTED)
        return 0;
    if (rv < 0) {
        *why = g_strdup_printf("TLS handshake failed: %s", gnutls_strerror(rv));
        return -1;
    }
    if (sess->verify && verifyPeer(sess, why) < 0)
        return -1;
    return 1;
}

bool
vkDaemonTlsWantWrite(vkDaemonTlsSession *sess)
{
    return gnutls_record_get_direction(sess->s) == 1;
}

static ssize_t
mapResult(ssize_t rv)
{
    if (rv >= 0)
        return rv;
    if (rv == GNUTLS_E_AGAIN || rv == GNUTLS_E_INTERRUPTED)
        errno = EAGAIN;
    else if (rv == GNUTLS_E_PREMATURE_TERMINATION)
        return 0;
    else
        errno = EIO;
    return -1;
}

ssize_t
vkDaemonTlsRecv(vkDaemonTlsSession *sess, char *buf, size_t len)
{
    return mapResult(gnutls_record_recv(sess->s, buf, len));
}

ssize_t
vkDaemonTlsSend(vkDaemonTlsSession *sess, const char *buf, size_t len)
{
    return mapResult(gnutls_record_send(sess->s, buf, len));
}
