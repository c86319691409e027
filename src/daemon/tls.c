/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x509 TLS for virtkitd's TCP listener, through virtkit-tls.so.
 *
 * One credentials object is loaded when the listener is set up (CA,
 * optional CRL, server certificate and key); each TCP client gets a
 * non-blocking session on its socket.  The client must present a
 * certificate signed by the CA (unless tls_no_verify_certificate = 1).
 * The gnutls calls themselves are in the module (src/rpc/tls-module.c),
 * loaded only when a TLS listener is configured, so a daemon without TLS
 * never maps gnutls at all.
 */
#include <errno.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/tls.h"
#include "rpc/tls-module.h"

struct _vkDaemonTls {
    const vkTlsOps *ops;
    vkTlsCreds *creds;
    bool verify;
};

struct _vkDaemonTlsSession {
    const vkTlsOps *ops;
    vkTlsSession *s;
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

vkDaemonTls *
vkDaemonTlsNew(const vkDaemonConfig *cfg, GError **error)
{
    g_autofree char *why = NULL;
    const vkTlsOps *ops;
    vkDaemonTls *tls;

    if (!checkReadable("CA certificate (ca_file)", cfg->caFile, error) ||
        !checkReadable("server certificate (cert_file)", cfg->certFile, error) ||
        !checkReadable("server key (key_file)", cfg->keyFile, error))
        return NULL;
    if (!(ops = vkTlsModuleLoad(&why))) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", why);
        return NULL;
    }
    tls = g_new0(vkDaemonTls, 1);
    tls->ops = ops;
    tls->verify = !cfg->tlsNoVerifyCertificate;
    if (!(tls->creds = ops->serverCredsNew(cfg->caFile, cfg->crlFile, cfg->certFile,
                                           cfg->keyFile, &why))) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", why);
        vkDaemonTlsFree(tls);
        return NULL;
    }
    return tls;
}

void
vkDaemonTlsFree(vkDaemonTls *tls)
{
    if (!tls)
        return;
    if (tls->creds)
        tls->ops->credsFree(tls->creds);
    g_free(tls);
}

vkDaemonTlsSession *
vkDaemonTlsSessionNew(vkDaemonTls *tls, int fd, GError **error)
{
    g_autofree char *why = NULL;
    vkDaemonTlsSession *sess = g_new0(vkDaemonTlsSession, 1);

    sess->ops = tls->ops;
    if (!(sess->s = tls->ops->serverSessionNew(tls->creds, fd, tls->verify, &why))) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", why);
        g_free(sess);
        return NULL;
    }
    return sess;
}

void
vkDaemonTlsSessionFree(vkDaemonTlsSession *sess)
{
    if (!sess)
        return;
    sess->ops->sessionFree(sess->s);
    g_free(sess);
}

int
vkDaemonTlsHandshake(vkDaemonTlsSession *sess, char **why)
{
    return sess->ops->serverHandshake(sess->s, why);
}

bool
vkDaemonTlsWantWrite(vkDaemonTlsSession *sess)
{
    return sess->ops->wantWrite(sess->s);
}

ssize_t
vkDaemonTlsRecv(vkDaemonTlsSession *sess, char *buf, size_t len)
{
    return sess->ops->recv(sess->s, buf, len);
}

ssize_t
vkDaemonTlsSend(vkDaemonTlsSession *sess, const char *buf, size_t len)
{
    return sess->ops->send(sess->s, buf, len);
}
