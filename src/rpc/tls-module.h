/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS as a module loaded on first use.
 *
 * gnutls and the libraries it drags in (nettle, hogweed, gmp, p11-kit,
 * tasn1, idn2, unistring) cost about 1.5 MiB of resident memory in every
 * process that links them, while most daemons and clients never open a
 * TLS connection.  So the code that speaks gnutls lives in its own shared
 * module, virtkit-tls.so, installed beside libvirtkit.so; the daemon's
 * listener and the remote driver's tls transport reach it only through
 * this table, which vkTlsModuleLoad dlopens the first time TLS is asked
 * for.  Without the module TLS is refused with an error naming the file;
 * everything else works as before.
 *
 * The module links nothing of virtkit but GLib: it reports failures as a
 * message (and, on the client side, libvirt's error code for it) that the
 * caller turns into its own error.
 */
#ifndef VK_RPC_TLS_MODULE_H
#define VK_RPC_TLS_MODULE_H

#include <stdbool.h>
#include <sys/types.h>

/* Bumped on any change to vkTlsOps: a module from another build is
 * refused rather than called through a table of another shape. */
#define VK_TLS_MODULE_ABI 1
/* The one symbol the module exports: a const vkTlsOps. */
#define VK_TLS_MODULE_SYMBOL "vkTlsModuleOps"
#define VK_TLS_MODULE_NAME "virtkit-tls.so"

typedef struct _vkTlsCreds vkTlsCreds;
typedef struct _vkTlsSession vkTlsSession;

typedef struct _vkTlsOps {
    unsigned int abi;

    /* Server side: CA (required), CRL (NULL or "" for none), certificate
     * and key, all PEM.  NULL with *why. */
    vkTlsCreds *(*serverCredsNew)(const char *ca, const char *crl, const char *cert,
                                  const char *key, char **why);
    /* A non-blocking session on an accepted socket; verify asks for (and
     * checks) the client's certificate. */
    vkTlsSession *(*serverSessionNew)(vkTlsCreds *creds, int fd, bool verify, char **why);
    /* 1 when the session is up (and the peer verified), 0 to be called
     * again when the socket is ready (see wantWrite), -1 with *why. */
    int (*serverHandshake)(vkTlsSession *sess, char **why);

    /* Client side: the CA, and the certificate and key when cert exists.
     * NULL with *code (a virErrorNumber) and *why. */
    vkTlsCreds *(*clientCredsNew)(const char *ca, const char *cert, const char *key,
                                  int *code, char **why);
    /* A blocking session on a connected socket: handshake, the server's
     * certificate checked against host when verify, and libvirt's one
     * byte of acceptance read.  NULL with *code and *why. */
    vkTlsSession *(*clientSessionNew)(vkTlsCreds *creds, int fd, const char *host,
                                      bool verify, int *code, char **why);

    void (*credsFree)(vkTlsCreds *creds);
    void (*sessionFree)(vkTlsSession *sess);
    /* What the session waits for: true for the socket to be writable. */
    bool (*wantWrite)(vkTlsSession *sess);
    /* recv/send: bytes moved, 0 at the peer's end, -1 with errno (EAGAIN:
     * again when the socket is ready; EIO: the session failed). */
    ssize_t (*recv)(vkTlsSession *sess, void *buf, size_t len);
    ssize_t (*send)(vkTlsSession *sess, const void *buf, size_t len);
    /* Decrypted bytes held inside the session, which poll cannot see. */
    bool (*pending)(vkTlsSession *sess);
} vkTlsOps;

/* The table, loading the module the first time (thread-safe; a failure
 * is not remembered, so a module installed later is found).  NULL with
 * *why (g_free it) naming the file that could not be loaded. */
const vkTlsOps *vkTlsModuleLoad(char **why);

#endif
