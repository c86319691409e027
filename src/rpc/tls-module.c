/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkit-tls.so: x509 TLS over gnutls for both ends of the remote
 * protocol, loaded on first use (tls-module.h says why).
 *
 * Server sessions are non-blocking and driven from the daemon's main
 * loop; the client's certificate is checked right after the handshake,
 * before a single RPC byte is read, so an unverified peer never reaches
 * the dispatcher.  Client sessions are blocking: one thread may send
 * while another receives, which gnutls allows and the remote client does.
 *
 * gnutls initialises itself when this module is loaded, so nothing here
 * has a global set-up of its own.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "virtkit/virterror.h"
#include "rpc/tls-module.h"

struct _vkTlsCreds {
    gnutls_certificate_credentials_t c;
};

struct _vkTlsSession {
    gnutls_session_t s;
    bool verify;
};

static void
credsFree(vkTlsCreds *creds)
{
    if (!creds)
        return;
    if (creds->c)
        gnutls_certificate_free_credentials(creds->c);
    g_free(creds);
}

static void
sessionFree(vkTlsSession *sess)
{
    if (!sess)
        return;
    if (sess->s)
        gnutls_deinit(sess->s);
    g_free(sess);
}

static vkTlsCreds *
credsAlloc(void)
{
    vkTlsCreds *creds = g_new0(vkTlsCreds, 1);

    if (gnutls_certificate_allocate_credentials(&creds->c) < 0) {
        g_free(creds);
        return NULL;
    }
    return creds;
}

static vkTlsCreds *
serverCredsNew(const char *ca, const char *crl, const char *cert, const char *key,
               char **why)
{
    vkTlsCreds *creds = credsAlloc();
    int rv = GNUTLS_E_MEMORY_ERROR;

    if (!creds)
        goto fail;
    if ((rv = gnutls_certificate_set_x509_trust_file(creds->c, ca, GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    if (rv == 0) {
        *why = g_strdup_printf("no CA certificate found in '%s'", ca);
        credsFree(creds);
        return NULL;
    }
    if (crl && *crl &&
        (rv = gnutls_certificate_set_x509_crl_file(creds->c, crl, GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    if ((rv = gnutls_certificate_set_x509_key_file(creds->c, cert, key,
                                                   GNUTLS_X509_FMT_PEM)) < 0)
        goto fail;
    return creds;

 fail:
    *why = g_strdup_printf("cannot load TLS credentials (ca '%s', cert '%s', key '%s'): %s",
                           ca, cert, key, gnutls_strerror(rv));
    credsFree(creds);
    return NULL;
}

static vkTlsSession *
serverSessionNew(vkTlsCreds *creds, int fd, bool verify, char **why)
{
    vkTlsSession *sess = g_new0(vkTlsSession, 1);
    int rv;

    sess->verify = verify;
    if ((rv = gnutls_init(&sess->s, GNUTLS_SERVER | GNUTLS_NONBLOCK)) < 0 ||
        (rv = gnutls_set_default_priority(sess->s)) < 0 ||
        (rv = gnutls_credentials_set(sess->s, GNUTLS_CRD_CERTIFICATE, creds->c)) < 0) {
        *why = g_strdup_printf("cannot start a TLS session: %s", gnutls_strerror(rv));
        sessionFree(sess);
        return NULL;
    }
    gnutls_certificate_server_set_request(sess->s, verify ? GNUTLS_CERT_REQUIRE
                                                          : GNUTLS_CERT_REQUEST);
    gnutls_transport_set_int(sess->s, fd);
    return sess;
}

static int
verifyPeer(vkTlsSession *sess, char **why)
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

static int
serverHandshake(vkTlsSession *sess, char **why)
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

static vkTlsCreds *
clientCredsNew(const char *ca, const char *cert, const char *key, int *code, char **why)
{
    vkTlsCreds *creds = credsAlloc();
    int rc;

    if (!creds) {
        *code = VIR_ERR_INTERNAL_ERROR;
        *why = g_strdup("cannot allocate TLS credentials");
        return NULL;
    }
    if (gnutls_certificate_set_x509_trust_file(creds->c, ca, GNUTLS_X509_FMT_PEM) < 0) {
        *code = VIR_ERR_SYSTEM_ERROR;
        *why = g_strdup_printf("cannot load CA certificate '%s'", ca);
        credsFree(creds);
        return NULL;
    }
    if (g_file_test(cert, G_FILE_TEST_EXISTS) &&
        (rc = gnutls_certificate_set_x509_key_file(creds->c, cert, key,
                                                   GNUTLS_X509_FMT_PEM)) < 0) {
        *code = VIR_ERR_SYSTEM_ERROR;
        *why = g_strdup_printf("cannot load client certificate '%s' / key '%s': %s",
                               cert, key, gnutls_strerror(rc));
        credsFree(creds);
        return NULL;
    }
    return creds;
}

static void
handshakeError(gnutls_session_t s, const char *host, int rc, char **why)
{
    gnutls_datum_t out = { 0 };

    if (rc != GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
        *why = g_strdup_printf("TLS handshake with '%s' failed: %s", host, gnutls_strerror(rc));
        return;
    }
    gnutls_certificate_verification_status_print(gnutls_session_get_verify_cert_status(s),
                                                 GNUTLS_CRT_X509, &out, 0);
    *why = g_strdup_printf("server certificate of '%s' failed verification: %s",
                           host, out.data ? (char *)out.data : "unknown reason");
    gnutls_free(out.data);
}

static vkTlsSession *
clientSessionNew(vkTlsCreds *creds, int fd, const char *host, bool verify,
                 int *code, char **why)
{
    vkTlsSession *sess = g_new0(vkTlsSession, 1);
    char ack = 0;
    int rc;

    if (gnutls_init(&sess->s, GNUTLS_CLIENT) < 0 ||
        gnutls_set_default_priority(sess->s) < 0 ||
        gnutls_credentials_set(sess->s, GNUTLS_CRD_CERTIFICATE, creds->c) < 0 ||
        gnutls_server_name_set(sess->s, GNUTLS_NAME_DNS, host, strlen(host)) < 0) {
        *code = VIR_ERR_INTERNAL_ERROR;
        *why = g_strdup_printf("cannot set up a TLS session to '%s'", host);
        goto error;
    }
    if (verify)
        gnutls_session_set_verify_cert(sess->s, host, 0);
    gnutls_transport_set_int(sess->s, fd);
    do {
        rc = gnutls_handshake(sess->s);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) {
        *code = VIR_ERR_AUTH_FAILED;
        handshakeError(sess->s, host, rc, why);
        goto error;
    }

    /* libvirt's daemons check our certificate after the handshake and
     * answer with one byte: 1 accepted, anything else (or nothing) not. */
    do {
        rc = gnutls_record_recv(sess->s, &ack, 1);
    } while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    if (rc != 1 || ack != 1) {
        *code = VIR_ERR_AUTH_FAILED;
        *why = g_strdup_printf("server '%s' refused our certificate (or our address)", host);
        goto error;
    }
    return sess;

 error:
    sessionFree(sess);
    return NULL;
}

static bool
wantWrite(vkTlsSession *sess)
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

static ssize_t
sessionRecv(vkTlsSession *sess, void *buf, size_t len)
{
    return mapResult(gnutls_record_recv(sess->s, buf, len));
}

static ssize_t
sessionSend(vkTlsSession *sess, const void *buf, size_t len)
{
    return mapResult(gnutls_record_send(sess->s, buf, len));
}

static bool
pending(vkTlsSession *sess)
{
    return gnutls_record_check_pending(sess->s) > 0;
}

/* Exported (the module is built with hidden visibility otherwise). */
__attribute__((visibility("default"))) extern const vkTlsOps vkTlsModuleOps;
const vkTlsOps vkTlsModuleOps = {
    .abi = VK_TLS_MODULE_ABI,
    .serverCredsNew = serverCredsNew,
    .serverSessionNew = serverSessionNew,
    .serverHandshake = serverHandshake,
    .clientCredsNew = clientCredsNew,
    .clientSessionNew = clientSessionNew,
    .credsFree = credsFree,
    .sessionFree = sessionFree,
    .wantWrite = wantWrite,
    .recv = sessionRecv,
    .send = sessionSend,
    .pending = pending,
};
