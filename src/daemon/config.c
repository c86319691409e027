/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's configuration file: libvirtd.conf's syntax and key names.
 *
 * Lines are "key = value" where value is an integer, a "string" or a
 * [ "list", "of", "strings" ] (lists are accepted and ignored: no key we
 * know takes one).  Each known key is described once in a table (name,
 * kind, field offset), so parsing is one loop and adding a key is one line.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"

typedef enum { KEY_INT, KEY_BOOL, KEY_STRING, KEY_PERMS, KEY_PORT } vkKeyKind;

typedef struct {
    const char *name;
    vkKeyKind kind;
    size_t offset;
} vkConfigKey;

#define K(n, k, f) { n, k, offsetof(vkDaemonConfig, f) }
static const vkConfigKey keys[] = {
    K("unix_sock_dir", KEY_STRING, unixSockDir),
    /* virtkitd's own: take libvirtd's place (daemon.h) */
    K("libvirt_sockets", KEY_BOOL, libvirtSockets),
    K("unix_sock_ro_perms", KEY_PERMS, unixSockRoPerms),
    K("unix_sock_rw_perms", KEY_PERMS, unixSockRwPerms),
    K("listen_tcp", KEY_BOOL, listenTcp),
    K("listen_tls", KEY_BOOL, listenTls),
    K("tcp_port", KEY_PORT, tcpPort),
    K("tls_port", KEY_PORT, tlsPort),
    K("listen_addr", KEY_STRING, listenAddr),
    K("key_file", KEY_STRING, keyFile),
    K("cert_file", KEY_STRING, certFile),
    K("ca_file", KEY_STRING, caFile),
    K("crl_file", KEY_STRING, crlFile),
    K("tls_no_verify_certificate", KEY_BOOL, tlsNoVerifyCertificate),
    K("max_clients", KEY_INT, maxClients),
    K("max_client_requests", KEY_INT, maxClientRequests),
    K("max_workers", KEY_INT, maxWorkers),
    K("keepalive_interval", KEY_INT, keepaliveInterval),
    K("keepalive_count", KEY_INT, keepaliveCount),
    K("max_queued_events", KEY_INT, maxQueuedEvents),
    /* back-pressure on one client (libvirtd has no such keys) */
    K("max_client_queued_messages", KEY_INT, maxClientQueuedMessages),
    K("max_client_queued_bytes", KEY_INT, maxClientQueuedBytes),
    K("client_stall_timeout", KEY_INT, clientStallTimeout),
    K("log_level", KEY_INT, logLevel),
    K("log_outputs", KEY_STRING, logOutputs),
    K("log_filters", KEY_STRING, logFilters),
    K("admin_max_clients", KEY_INT, adminMaxClients),
    K("admin_max_workers", KEY_INT, adminMaxWorkers),
};
#undef K

/* libvirtd keys that make sense there but have no meaning here: accepted
 * silently so that a libvirtd.conf can be reused. */
static const char *const ignoredKeys[] = {
    "auth_unix_ro", "auth_unix_rw", "auth_tcp", "auth_tls", "unix_sock_group",
    "unix_sock_admin_perms", "listen_addr_tls", "min_workers", "prio_workers",
    "tls_allowed_dn_list",
    "sasl_allowed_username_list", "keepalive_required", "max_anonymous_clients",
    "admin_max_client_requests",
    "admin_keepalive_interval", "admin_keepalive_count", "mdns_adv", "host_uuid",
    "host_uuid_source", "tls_priority", "ovs_timeout", "audit_level", "audit_logging",
    "max_requests",
};

vkDaemonConfig *
vkDaemonConfigNew(void)
{
    vkDaemonConfig *cfg = g_new0(vkDaemonConfig, 1);

    cfg->unixSockDir = g_strdup(VK_DAEMON_SOCK_DIR);
    cfg->unixSockRoPerms = 0777;
    cfg->unixSockRwPerms = 0700;
    cfg->tcpPort = g_strdup("16509");
    cfg->tlsPort = g_strdup("16514");
    cfg->keyFile = g_strdup("/etc/pki/virtkit/private/serverkey.pem");
    cfg->certFile = g_strdup("/etc/pki/virtkit/servercert.pem");
    cfg->caFile = g_strdup("/etc/pki/CA/cacert.pem");
    cfg->maxClients = 5000;
    cfg->maxClientRequests = 5;
    cfg->maxWorkers = 20;
    cfg->keepaliveInterval = 5;
    cfg->keepaliveCount = 5;
    cfg->maxQueuedEvents = 1024;
    cfg->maxClientQueuedMessages = 256;
    cfg->maxClientQueuedBytes = 4 * 1024 * 1024;
    cfg->clientStallTimeout = 30;
    cfg->adminMaxClients = 5000;
    cfg->adminMaxWorkers = 5;
    return cfg;
}

void
vkDaemonConfigFree(vkDaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->unixSockDir);
    g_free(cfg->tcpPort);
    g_free(cfg->tlsPort);
    g_free(cfg->listenAddr);
    g_free(cfg->keyFile);
    g_free(cfg->certFile);
    g_free(cfg->caFile);
    g_free(cfg->crlFile);
    g_free(cfg->logOutputs);
    g_free(cfg->logFilters);
    g_free(cfg);
}

static bool
parseInt(const char *v, long long *out)
{
    char *end = NULL;

    if (!*v)
        return false;
    *out = strtoll(v, &end, 0);
    return end && *end == '\0';
}

/* Stores one value.  quoted says whether the value was a "string". */
static bool
storeValue(vkDaemonConfig *cfg, const vkConfigKey *key, const char *v,
           bool quoted, const char *origin, int lineno, GError **error)
{
    void *field = (char *)cfg + key->offset;
    long long n;

    switch (key->kind) {
    case KEY_STRING:
        if (!quoted)
            break;
        g_free(*(char **)field);
        *(char **)field = g_strdup(v);
        return true;
    case KEY_PORT:
        if (!parseInt(v, &n) || n <= 0 || n > 65535)
            break;
        g_free(*(char **)field);
        *(char **)field = g_strdup_printf("%lld", n);
        return true;
    case KEY_PERMS: {
        char *end = NULL;
        unsigned long m = strtoul(v, &end, 8);
        if (!*v || *end || m > 07777)
            break;
        *(unsigned int *)field = m;
        return true;
    }
    case KEY_BOOL:
        if (quoted || !parseInt(v, &n) || (n != 0 && n != 1))
            break;
        *(bool *)field = n == 1;
        return true;
    case KEY_INT:
        if (quoted || !parseInt(v, &n) || n < 0 || n > G_MAXINT)
            break;
        *(int *)field = n;
        return true;
    }
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s:%d: invalid value '%s' for '%s'", origin, lineno, v, key->name);
    return false;
}

int
vkDaemonConfigLoadData(vkDaemonConfig *cfg, const char *data,
                       const char *origin, GError **error)
{
    g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
    size_t i, k;

    for (i = 0; lines[i]; i++) {
        int lineno = i + 1;
        char *line = lines[i];
        char *eq;
        char *name;
        char *value;
        bool quoted = false;
        const vkConfigKey *key = NULL;

        g_strstrip(line);
        if (!*line || *line == '#')
            continue;
        eq = strchr(line, '=');
        if (!eq) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s:%d: expected 'key = value'", origin, lineno);
            return -1;
        }
        *eq = '\0';
        name = g_strstrip(line);
        value = g_strstrip(eq + 1);
        if (*value == '"') {
            char *close = strchr(value + 1, '"');
            if (!close) {
                g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                            "%s:%d: unterminated string for '%s'", origin, lineno, name);
                return -1;
            }
            *close = '\0';
            value++;
            quoted = true;
        } else if (*value == '[') {
            continue;
        } else {
            char *hash = strchr(value, '#');
            if (hash)
                *hash = '\0';
            g_strstrip(value);
        }

        for (k = 0; k < G_N_ELEMENTS(keys); k++) {
            if (g_str_equal(keys[k].name, name))
                key = &keys[k];
        }
        if (!key) {
            bool known = false;
            for (k = 0; k < G_N_ELEMENTS(ignoredKeys); k++)
                known |= g_str_equal(ignoredKeys[k], name);
            if (!known)
                VK_LOG("%s:%d: ignoring unknown setting '%s'", origin, lineno, name);
            continue;
        }
        if (!storeValue(cfg, key, value, quoted, origin, lineno, error))
            return -1;
    }
    if (cfg->logLevel > 4 || cfg->adminMaxClients < 1 || cfg->adminMaxWorkers < 1) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: log_level must be 1 to 4, admin_max_clients and admin_max_workers "
                    "at least 1", origin);
        return -1;
    }
    if (cfg->maxClientRequests < 1 || cfg->maxWorkers < 1 || cfg->maxClients < 1 ||
        cfg->maxClientQueuedMessages < 1 || cfg->maxClientQueuedBytes < 1) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: max_clients, max_client_requests, max_workers, "
                    "max_client_queued_messages and max_client_queued_bytes must be at least 1",
                    origin);
        return -1;
    }
    return 0;
}

int
vkDaemonConfigLoadFile(vkDaemonConfig *cfg, const char *path, GError **error)
{
    g_autofree char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, error))
        return -1;
    return vkDaemonConfigLoadData(cfg, data, path, error);
}
