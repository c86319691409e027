/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration, the steps around the stream: Begin on the source, Prepare
 * and Finish on the destination, and the cookie they pass along.
 *
 * The destination rebuilds the guest from the source's XML (libvirt's
 * idea): Prepare defines it as a transient live domain and starts a QEMU
 * with -incoming defer, told to listen on a port of the migration range
 * (migration_port_min/max in ROOT/etc/qemu.conf, libvirt's 49152-49215
 * by default); the port goes back as "tcp:HOST:PORT".  That QEMU shows as
 * paused (migration) until Finish sees its MIGRATION event say completed
 * and lets it run, or kills it when the source gave up; a domain that was
 * not defined here before is gone again then, so nothing stays half made.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/uuid.h"
#include "api/migrate.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/process.h"
#include "core/fd-stream.h"

#define MIG_PORT_MIN 49152
#define MIG_PORT_MAX 49215
#define COOKIE_MAGIC "virtkit-migration 1"

int
vkQemuConnectSupportsFeature(virConnectPtr conn, int feature)
{
    (void)conn;
    switch (feature) {
    case VK_DRV_FEATURE_MIGRATION_V3:
    case VK_DRV_FEATURE_MIGRATION_P2P:
    case VK_DRV_FEATURE_MIGRATION_PARAMS:
    case VK_DRV_FEATURE_MIGRATION_OFFLINE:
    case VK_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION:
        return 1;
    default:
        /* V2 and DIRECT: QEMU has neither the old protocol here nor a
         * migration without a destination daemon. */
        return 0;
    }
}

int
vkQemuMigrateCheckFlags(unsigned int flags)
{
    /* QEMU's TLS wraps its own connection; a tunnel is the daemons' */
    if ((flags & VIR_MIGRATE_TLS) && (flags & VIR_MIGRATE_TUNNELLED)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "migration over TLS is not supported with tunnelled migration");
        return -1;
    }
    if ((flags & VIR_MIGRATE_NON_SHARED_DISK) && (flags & VIR_MIGRATE_NON_SHARED_INC)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "flags 'VIR_MIGRATE_NON_SHARED_DISK' and 'VIR_MIGRATE_NON_SHARED_INC' "
                      "are mutually exclusive");
        return -1;
    }
    /* a pipe has one direction and one channel: no return path for
     * post-copy's page requests, no multifd */
    if ((flags & VIR_MIGRATE_TUNNELLED) &&
        (flags & (VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_PARALLEL))) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                      "%s is not supported with tunnelled migration",
                      (flags & VIR_MIGRATE_POSTCOPY) ? "post-copy migration" :
                      "parallel migration");
        return -1;
    }
    /* The disks travel over NBD, a connection of their own from QEMU to
     * QEMU: a tunnel has room for one stream only.  libvirt 9.0 (QEMU
     * with -blockdev) refuses the same, with these words and codes. */
    if (vkQemuMigrateCopiesStorage(flags) && (flags & VIR_MIGRATE_TUNNELLED)) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "migration of non-shared storage is not supported with tunnelled "
                      "migration and this QEMU");
        return -1;
    }
    if (vkQemuMigrateCopiesStorage(flags) && (flags & VIR_MIGRATE_OFFLINE)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "offline migration cannot handle non-shared storage");
        return -1;
    }
    if ((flags & VIR_MIGRATE_POSTCOPY) &&
        (!(flags & VIR_MIGRATE_LIVE) || (flags & VIR_MIGRATE_OFFLINE))) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "post-copy migration is not supported with non-live or paused migration");
        return -1;
    }
    if ((flags & VIR_MIGRATE_OFFLINE) && !(flags & VIR_MIGRATE_PERSIST_DEST)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "offline migration requires the persistent flag (--persistent)");
        return -1;
    }
    return 0;
}

char *
vkQemuMigrateCookie(const char *name, const unsigned char *uuid, const char *extra,
                    const char *xml, int *len)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *host = g_strdup(g_get_host_name());
    GString *s = g_string_new(COOKIE_MAGIC "\n");

    g_string_append_printf(s, "name=%s\nuuid=%s\nhostname=%s\n", name,
                           vkUUIDFormat(uuid, uuidstr), host);
    if (extra)
        g_string_append(s, extra);
    if (xml)
        g_string_append_printf(s, "\n%s", xml);
    *len = (int)s->len + 1;
    return g_string_free(s, FALSE);
}

char *
vkQemuMigrateCookieGet(const char *cookie, int len, const char *key)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    const char *xml;
    size_t klen = strlen(key);

    if (!cookie || len <= 0)
        return NULL;
    text = g_strndup(cookie, (gsize)len);
    if (!g_str_has_prefix(text, COOKIE_MAGIC "\n"))
        return NULL;
    if (strcmp(key, "xml") == 0)
        return (xml = strstr(text, "\n\n")) ? g_strdup(xml + 2) : NULL;
    if ((xml = strstr(text, "\n\n")))
        text[xml - text] = '\0';
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 1; lines[i]; i++) {
        if (strncmp(lines[i], key, klen) == 0 && lines[i][klen] == '=')
            return g_strdup(lines[i] + klen + 1);
    }
    return NULL;
}

char *
vkQemuMigrateBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                          char **cookieout, int *cookieoutlen, unsigned int flags)
{
    const char *xmlin = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML);
    g_autoptr(vkDomainDef) given = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    char *xml = NULL;
    bool offline = flags & VIR_MIGRATE_OFFLINE;

    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, NULL);
    if (vkQemuMigrateCheckFlags(flags) < 0)
        return NULL;
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return NULL;
    if (obj->mig.dir != VK_QEMU_MIG_NONE || obj->job) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is busy (%s)", obj->name,
                      obj->mig.dir != VK_QEMU_MIG_NONE ? "being migrated" : "in a job");
    } else if (offline && !obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot migrate transient domain '%s' offline", obj->name);
    } else if (!offline && !vkQemuCheckActive(obj)) {
        /* reported */
    } else if (xmlin && !(given = vkQemuParseDef(st, xmlin))) {
        /* reported */
    } else if (given && memcmp(given->uuid, obj->uuid, VIR_UUID_BUFLEN) != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "the destination XML's UUID differs from domain '%s''s", obj->name);
    } else {
        /* The caller's destination XML (--xml), once it parses, replaces
         * ours; only its identity is checked, not the guest's ABI. */
        const vkDomainDef *def;
        g_autoptr(GString) extra = g_string_new(NULL);

        /* the sizes of the disks to copy, for the destination's images;
         * QEMU is asked, which drops the lock: the definition is read
         * after */
        if (vkQemuMigrateCopiesStorage(flags) &&
            vkQemuMigrateNbdDiskFacts(st, obj, params, nparams, extra) < 0) {
            g_mutex_unlock(&st->lock);
            return NULL;
        }
        /* The live definition, without what only this host means
         * (MIGRATABLE), is what the destination starts from. */
        def = given ? given : offline && obj->newDef ? obj->newDef : obj->def;
        xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE |
                                     (offline ? VIR_DOMAIN_XML_INACTIVE : 0));
        if (xml && cookieout && cookieoutlen)
            *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, extra->str, xml,
                                             cookieoutlen);
    }
    g_mutex_unlock(&st->lock);
    return xml;
}

/* ---- the destination ---- */

/* migration_port_min / migration_port_max from ROOT/etc/qemu.conf. */
static void
portRange(vkQemuState *st, int *lo, int *hi)
{
    g_autofree char *path = g_build_filename(st->configDir, "qemu.conf", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    *lo = MIG_PORT_MIN;
    *hi = MIG_PORT_MAX;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(lines[i], "=", 2);
        long v;

        if (!kv[0] || !kv[1])
            continue;
        g_strstrip(kv[0]);
        v = strtol(g_strstrip(kv[1]), NULL, 10);
        if (v <= 0 || v > 65535)
            continue;
        if (strcmp(kv[0], "migration_port_min") == 0)
            *lo = (int)v;
        else if (strcmp(kv[0], "migration_port_max") == 0)
            *hi = (int)v;
    }
}

/* A port of the range nobody listens on now (QEMU binds it right after;
 * libvirt's allocator takes the same chance). */
static int
freePort(vkQemuState *st)
{
    int lo, hi;

    portRange(st, &lo, &hi);
    for (int port = lo; port <= hi; port++) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int ok;

        if (fd < 0)
            break;
        ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        close(fd);
        if (ok)
            return port;
    }
    vkReportError(VIR_ERR_SYSTEM_ERROR, "no free migration port in %d-%d", lo, hi);
    return -1;
}

/* The host and port of a migration URI: "tcp:H:P", "tcp://H:P", "tcp:H";
 * port 0 when absent.  -1 for another scheme. */
int
vkQemuMigrateParseURI(const char *uri, char **host, int *port)
{
    const char *p, *colon;

    *host = NULL;
    *port = 0;
    if (!g_str_has_prefix(uri, "tcp:")) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                      "unsupported scheme in migration URI '%s' (only tcp)", uri);
        return -1;
    }
    p = uri + 4;
    if (g_str_has_prefix(p, "//"))
        p += 2;
    if (*p == '[') {
        const char *end = strchr(p, ']');

        if (!end)
            goto bad;
        *host = g_strndup(p + 1, (gsize)(end - p - 1));
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(p, ':');
        *host = colon ? g_strndup(p, (gsize)(colon - p)) : g_strdup(p);
    }
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);

        if (*end && *end != '/')
            goto bad;
        if (v <= 0 || v > 65535)
            goto bad;
        *port = (int)v;
    }
    if (!**host)
        g_clear_pointer(host, g_free);
    return 0;

 bad:
    g_clear_pointer(host, g_free);
    vkReportError(VIR_ERR_INVALID_ARG, "malformed migration URI '%s'", uri);
    return -1;
}

/* Writes def as obj's configuration here and says so (DEFINED). */
static int
saveDefined(vkQemuState *st, vkQemuDomain *obj, const vkDomainDef *def, bool was)
{
    if (vkQemuSaveConfig(st, def) < 0)
        return -1;
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        was ? VIR_DOMAIN_EVENT_DEFINED_UPDATED : VIR_DOMAIN_EVENT_DEFINED_ADDED);
    return 0;
}

static int
prepareOffline(vkQemuState *st, vkDomainDef **def)
{
    bool was;
    vkQemuDomain *obj = vkQemuDomainAdd(st, def, false, &was);

    if (!obj)
        return -1;
    /* New here: a cancelled Finish takes it away again. */
    obj->mig.dir = was ? VK_QEMU_MIG_NONE : VK_QEMU_MIG_IN;
    return saveDefined(st, obj, obj->newDef ? obj->newDef : obj->def, was);
}

static void dropIncoming(vkQemuState *st, vkQemuDomain *obj);

/* Prepare, over TCP (tunnel NULL: the URI goes back in uri_out) or
 * tunnelled: QEMU reads a pipe whose other end feeds from tunnel, the
 * stream the source's daemon writes into through this connection. */
static int
prepare(virConnectPtr dconn, virStreamPtr tunnel, virTypedParameterPtr params, int nparams,
        const char *cookiein, int cookieinlen, char **cookieout, int *cookieoutlen,
        char **uri_out, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(dconn);
    const char *dxml = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML);
    const char *dname = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME);
    const char *uri = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_URI);
    const char *listen = vkMigrateParamString(params, nparams,
                                              VIR_MIGRATE_PARAM_LISTEN_ADDRESS);
    g_autofree char *cookieXML = vkQemuMigrateCookieGet(cookiein, cookieinlen, "xml");
    g_autofree char *host = NULL;
    g_autofree char *listenURI = NULL;
    g_autofree char *nbdPort = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    vkQemuIncoming incoming = { .fd = -1 };
    vkQemuDomain *obj, *old;
    bool existed;
    int port = 0, rc = -1;
    int pipefd[2] = { -1, -1 };

    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, -1);
    if (vkQemuMigrateCheckFlags(flags) < 0)
        return -1;
    if (!dxml && !(dxml = cookieXML)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "no domain XML to migrate");
        return -1;
    }
    if (tunnel && (flags & VIR_MIGRATE_OFFLINE)) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "offline migration has no stream to tunnel");
        return -1;
    }
    if (!tunnel && uri && !(flags & VIR_MIGRATE_OFFLINE) &&
        vkQemuMigrateParseURI(uri, &host, &port) < 0)
        return -1;

    g_mutex_lock(&st->lock);
    if (!(def = vkQemuParseDef(st, dxml)))
        goto unlock;
    if (dname) {
        g_free(def->name);
        def->name = g_strdup(dname);
    }
    if (flags & VIR_MIGRATE_OFFLINE) {
        /* No stream, but libvirt's client wants a URI all the same. */
        if ((rc = prepareOffline(st, &def)) == 0 && uri_out)
            *uri_out = g_strdup_printf("tcp:%s", host ? host : g_get_host_name());
        goto unlock;
    }
    if ((old = vkQemuDomainFindByUUID(st, def->uuid)) && old->id >= 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already active", old->name);
        goto unlock;
    }
    if (vkQemuMigrateCopiesStorage(flags) &&
        vkQemuMigrateNbdPrecreate(dconn, def, params, nparams, cookiein, cookieinlen,
                                  flags) < 0)
        goto unlock;
    existed = old != NULL;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        obj = vkQemuDomainAdd(st, &tmp, true, NULL);
        vkDomainDefFree(tmp);
    }
    if (!obj)
        goto unlock;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    if (tunnel) {
        if (pipe2(pipefd, O_CLOEXEC) < 0) {
            vkReportSystemError(errno, "%s", "cannot create the migration tunnel's pipe");
            goto endjob;
        }
        incoming.fd = pipefd[0];
        listenURI = g_strdup("fd:vk-incoming");
    } else {
        if (port == 0 && (port = freePort(st)) < 0)
            goto endjob;
        listenURI = g_strdup_printf("tcp:%s:%d", listen ? listen : "0.0.0.0", port);
    }
    incoming.uri = listenURI;
    incoming.migFlags = flags;
    vkQemuMigrateParamULLong(params, nparams, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                             &incoming.channels);
    obj->mig.dir = VK_QEMU_MIG_IN;
    obj->mig.abort = false;
    obj->mig.started = g_get_real_time();
    obj->mig.flags = flags;
    obj->mig.conn = dconn;
    rc = vkQemuStartDomain(st, obj, 0, &incoming);
    if (pipefd[0] >= 0)
        close(pipefd[0]);       /* QEMU has its own copy now */
    if (rc == 0 && tunnel && vkFdStreamOpen(tunnel, g_steal_fd(&pipefd[1])) < 0) {
        dropIncoming(st, obj);
        rc = -1;
    }
    if (rc == 0 && vkQemuMigrateCopiesStorage(flags)) {
        /* the NBD server takes disks_port, or the next free port of the
         * range: QEMU listens on the memory stream's already */
        unsigned long long given = 0;
        int nport = vkQemuMigrateParamULLong(params, nparams, VIR_MIGRATE_PARAM_DISKS_PORT,
                                             &given) && given > 0 && given <= 65535 ?
                    (int)given : freePort(st);

        if (nport < 0 ||
            vkQemuMigrateNbdServe(st, obj, listen, nport, params, nparams, flags) < 0) {
            dropIncoming(st, obj);
            rc = -1;
        } else {
            nbdPort = g_strdup_printf("nbd-port=%d\n", nport);
        }
    }
    if (rc < 0) {
        obj->mig.dir = VK_QEMU_MIG_NONE;
        /* As a failed create: a domain new here goes again. */
        if (!existed && !obj->removed)
            vkQemuDomainRemove(st, obj);
        else if (obj->persistent && obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        if (pipefd[1] >= 0)
            close(pipefd[1]);
        goto endjob;
    }
    if (uri_out && !tunnel)
        *uri_out = g_strdup_printf(strchr(host ? host : "", ':') ? "tcp:[%s]:%d" : "tcp:%s:%d",
                                   host ? host : g_get_host_name(), port);
    if (cookieout && cookieoutlen)
        *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, nbdPort, NULL, cookieoutlen);
    rc = 0;

 endjob:
    vkQemuEndJob(st, obj);
 unref:
    vkQemuDomainUnref(obj);
 unlock:
    g_mutex_unlock(&st->lock);
    return rc;
}

int
vkQemuMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                            const char *cookiein, int cookieinlen, char **cookieout,
                            int *cookieoutlen, char **uri_out, unsigned int flags)
{
    return prepare(dconn, NULL, params, nparams, cookiein, cookieinlen, cookieout,
                   cookieoutlen, uri_out, flags);
}

int
vkQemuMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                  virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen, char **cookieout,
                                  int *cookieoutlen, unsigned int flags)
{
    if (!(flags & VIR_MIGRATE_TUNNELLED)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "a tunnelled Prepare needs VIR_MIGRATE_TUNNELLED");
        return -1;
    }
    return prepare(dconn, st, params, nparams, cookiein, cookieinlen, cookieout, cookieoutlen,
                   NULL, flags);
}

void
vkQemuMigrateKill(vkQemuState *st, vkQemuDomain *obj, int reason, int detail)
{
    guint64 gen;
    int pidfd, pid;

    if (!obj->run)
        return;
    obj->run->stopReason = reason;
    gen = obj->run->gen;
    pid = obj->run->pid;
    pidfd = dup(obj->run->pidfd);
    g_mutex_unlock(&st->lock);
    if (pidfd >= 0 && vkQemuProcessKill(pidfd, pid, VK_QEMU_DESTROY_GRACE_MS, true) < 0)
        vkErrorReset();     /* the exit watch ends the run when QEMU goes */
    if (pidfd >= 0)
        close(pidfd);
    g_mutex_lock(&st->lock);
    if (obj->run && obj->run->gen == gen)
        vkQemuStopProcess(st, obj, reason, detail);
}

static bool
inPostcopy(vkQemuDomain *obj)
{
    return obj->run && g_strcmp0(obj->run->migStatus, "postcopy-active") == 0;
}

/* Waits (locked, job held) for the incoming stream's end; 0 when QEMU
 * says completed, or runs post-copy and postcopy allows that.  The source
 * has finished sending (or switched) when Finish comes, so the wait is
 * short; a stall bound still catches a stream that stopped. */
static int
waitIncoming(vkQemuState *st, vkQemuDomain *obj, bool postcopy)
{
    const gint64 stall = (gint64)VK_QEMU_MIGRATION_STALL_MS * G_TIME_SPAN_MILLISECOND;
    gint64 deadline = g_get_monotonic_time() + stall;
    guint64 gen = obj->run->gen;

    while (obj->run && obj->run->gen == gen && !vkQemuMigrationDone(obj->run->migStatus) &&
           !(postcopy && inPostcopy(obj))) {
        if (!g_cond_wait_until(&st->jobCond, &st->lock, deadline)) {
            vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                          "incoming migration of domain '%s' made no progress for %d s",
                          obj->name, VK_QEMU_MIGRATION_STALL_MS / 1000);
            return -1;
        }
    }
    if (!obj->run || obj->run->gen != gen) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU of domain '%s' ended during the incoming migration", obj->name);
        return -1;
    }
    if (strcmp(obj->run->migStatus, "completed") != 0 && !(postcopy && inPostcopy(obj))) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "incoming migration of domain '%s' %s",
                      obj->name, obj->run->migStatus);
        return -1;
    }
    return 0;
}

/* Makes obj persistent here (--persistent), from PERSIST_XML or its
 * live definition. */
static int
persist(vkQemuState *st, vkQemuDomain *obj, const char *pxml)
{
    vkDomainDef *next = pxml ? vkQemuParseDef(st, pxml) : vkDomainDefCopy(obj->def);
    bool was = obj->persistent;

    if (!next)
        return -1;
    next->id = -1;
    if (saveDefined(st, obj, next, was) < 0) {
        vkDomainDefFree(next);
        return -1;
    }
    vkDomainDefFree(obj->newDef);
    obj->newDef = next;
    obj->persistent = true;
    return 0;
}

/* The incoming guest goes (Finish failed or was told the source gave
 * up), keeping the error that says why. */
static void
dropIncoming(vkQemuState *st, vkQemuDomain *obj)
{
    virErrorPtr saved = vkErrorSave();

    obj->mig.dir = VK_QEMU_MIG_NONE;
    vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_FAILED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
    vkErrorRestore(&saved);
}

virDomainPtr
vkQemuMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                           const char *cookiein, int cookieinlen, char **cookieout,
                           int *cookieoutlen, unsigned int flags, int cancelled)
{
    vkQemuState *st = vkQemuConnState(dconn);
    const char *dname = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME);
    const char *pxml = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_PERSIST_XML);
    g_autofree char *cname = vkQemuMigrateCookieGet(cookiein, cookieinlen, "name");
    const char *name = dname ? dname : cname;
    virDomainPtr ret = NULL;
    vkQemuDomain *obj;

    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, NULL);
    if (!name) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "no domain name in the migration cookie");
        return NULL;
    }
    g_mutex_lock(&st->lock);
    if (!(obj = vkDomainListFindByName(&st->domains, name))) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
        goto unlock;
    }
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    if (flags & VIR_MIGRATE_OFFLINE) {
        bool drop = cancelled && obj->mig.dir == VK_QEMU_MIG_IN && obj->id < 0;

        obj->mig.dir = VK_QEMU_MIG_NONE;
        if (!cancelled) {
            ret = vkQemuMakeHandle(dconn, obj);
        } else if (drop) {
            /* Defined by this migration's Prepare: undefined again. */
            virDomainPtr handle = vkQemuMakeHandle(dconn, obj);

            vkQemuEndJob(st, obj);
            g_mutex_unlock(&st->lock);
            if (handle && vkStateDomainUndefineFlags(handle, 0) < 0)
                vkErrorReset();
            if (handle)
                vkDomainUnref(handle);
            vkQemuDomainUnref(obj);
            return NULL;
        }
        goto endjob;
    }
    if (obj->mig.dir != VK_QEMU_MIG_IN || !obj->run) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not being migrated in",
                      obj->name);
        goto endjob;
    }
    if (cancelled || waitIncoming(st, obj, flags & VIR_MIGRATE_POSTCOPY) < 0) {
        dropIncoming(st, obj);
        goto endjob;
    }
    obj->mig.dir = VK_QEMU_MIG_NONE;
    /* the source ended its mirrors in Perform: the disks are complete */
    if (vkQemuMigrateCopiesStorage(flags))
        vkQemuMigrateNbdStop(st, obj);
    if ((flags & VIR_MIGRATE_PERSIST_DEST) && persist(st, obj, pxml) < 0) {
        dropIncoming(st, obj);
        goto endjob;
    }
    if (flags & VIR_MIGRATE_PAUSED) {
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    } else {
        /* Running before QEMU's RESUME arrives: that event then finds
         * nothing to change, and the reason stays "migrated". */
        vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
        if (vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL) < 0) {
            dropIncoming(st, obj);
            goto endjob;
        }
        vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                            VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
    }
    /* Post-copy: the guest runs here already, pulling what is missing;
     * it is this host's once the last page came (the source's Confirm
     * waits for the same end).  A failure now loses the guest on both. */
    if (inPostcopy(obj) && waitIncoming(st, obj, false) < 0) {
        dropIncoming(st, obj);
        goto endjob;
    }
    if (obj->run && vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
    if (cookieout && cookieoutlen)
        *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, NULL, NULL, cookieoutlen);
    ret = vkQemuMakeHandle(dconn, obj);

 endjob:
    vkQemuEndJob(st, obj);
 unref:
    vkQemuDomainUnref(obj);
 unlock:
    g_mutex_unlock(&st->lock);
    return ret;
}

void
vkQemuMigrateConnClosed(virConnectPtr conn)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autoptr(GPtrArray) orphans = g_ptr_array_new();

    g_mutex_lock(&st->lock);
    for (GList *l = st->domains.order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->mig.dir == VK_QEMU_MIG_IN && obj->mig.conn == conn && obj->run) {
            vkQemuDomainRef(obj);
            g_ptr_array_add(orphans, obj);
        }
    }
    for (guint i = 0; i < orphans->len; i++) {
        vkQemuDomain *obj = orphans->pdata[i];

        /* a Finish still running holds the job and decides itself */
        if (vkQemuBeginJob(st, obj) < 0) {
            vkErrorReset();
        } else {
            if (obj->mig.dir == VK_QEMU_MIG_IN && obj->mig.conn == conn && obj->run)
                dropIncoming(st, obj);
            vkQemuEndJob(st, obj);
        }
        vkQemuDomainUnref(obj);
    }
    g_mutex_unlock(&st->lock);
}
