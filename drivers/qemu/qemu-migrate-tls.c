/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration over TLS (--tls, VIR_MIGRATE_TLS): both QEMUs get a
 * tls-creds-x509 object on the certificates of ROOT/etc/qemu.conf's
 * migrate_tls_x509_cert_dir (else default_tls_x509_cert_dir, else
 * /etc/pki/qemu, libvirt's keys and default), the destination's as the
 * server, the source's as the client checking the certificate against
 * the host name of the migration URI; QEMU's migration stream then runs
 * inside TLS (tls-creds), and so do the NBD connections of a storage
 * copy (qemu-migrate-nbd.c) on the same object.  The file names in that directory are QEMU's
 * own: ca-cert.pem, server-cert.pem / server-key.pem, client-cert.pem /
 * client-key.pem.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-migrate.h"

#define TLS_DIR_DEFAULT "/etc/pki/qemu"

/* A key of ROOT/etc/qemu.conf ("key = value", value maybe quoted), a
 * copy, or NULL. */
static char *
confValue(vkQemuState *st, const char *key)
{
    g_autofree char *path = g_build_filename(st->configDir, "qemu.conf", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(lines[i], "=", 2);
        char *v;
        size_t n;

        if (!kv[0] || !kv[1] || strcmp(g_strstrip(kv[0]), key) != 0)
            continue;
        v = g_strstrip(kv[1]);
        n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
            return g_strndup(v + 1, n - 2);
        return g_strdup(v);
    }
    return NULL;
}

static char *
certDir(vkQemuState *st)
{
    char *dir = confValue(st, "migrate_tls_x509_cert_dir");

    if (!dir)
        dir = confValue(st, "default_tls_x509_cert_dir");
    return dir ? dir : g_strdup(TLS_DIR_DEFAULT);
}

static bool
verifyPeer(vkQemuState *st)
{
    g_autofree char *v = confValue(st, "migrate_tls_x509_verify");

    if (!v)
        v = confValue(st, "default_tls_x509_verify");
    return !v || strcmp(v, "0") != 0;
}

/* The files QEMU will read, checked here so that a missing one is named
 * (QEMU's own error comes late, from the other end). */
static int
checkFiles(const char *dir, bool server)
{
    /* a client's own certificate is optional to QEMU, the CA is not */
    static const char *const files[] = { "ca-cert.pem", "server-cert.pem", "server-key.pem" };
    size_t n = server ? G_N_ELEMENTS(files) : 1;

    for (size_t i = 0; i < n; i++) {
        g_autofree char *path = g_build_filename(dir, files[i], NULL);

        if (access(path, R_OK) < 0) {
            vkReportSystemError(errno, "cannot use the migration TLS certificate '%s'",
                                path);
            return -1;
        }
    }
    return 0;
}

int
vkQemuMigrateSetTLS(vkQemuState *st, vkQemuMonitor *mon, unsigned int flags, bool server,
                    const char *hostname)
{
    g_autofree char *dir = NULL;
    vkJSON *args;

    args = vkJSONNewObject();
    if (!(flags & VIR_MIGRATE_TLS)) {
        /* a QEMU that migrated over TLS before does not any more */
        vkJSONObjectAppendString(args, "tls-creds", "");
        return vkQemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
    }
    vkJSONFree(args);
    dir = certDir(st);
    if (checkFiles(dir, server) < 0)
        return -1;
    /* an earlier migration's object, if any, goes first */
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "id", VK_QEMU_MIGRATE_TLS_ALIAS);
    if (vkQemuMonitorCommand(mon, "object-del", args, NULL) < 0)
        vkErrorReset();
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "qom-type", "tls-creds-x509");
    vkJSONObjectAppendString(args, "id", VK_QEMU_MIGRATE_TLS_ALIAS);
    vkJSONObjectAppendString(args, "dir", dir);
    vkJSONObjectAppendString(args, "endpoint", server ? "server" : "client");
    vkJSONObjectAppendBool(args, "verify-peer", verifyPeer(st));
    if (vkQemuMonitorCommand(mon, "object-add", args, NULL) < 0)
        return -1;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "tls-creds", VK_QEMU_MIGRATE_TLS_ALIAS);
    vkJSONObjectAppendString(args, "tls-hostname", hostname ? hostname : "");
    return vkQemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
}
