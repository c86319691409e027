/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration, the source's steps: Perform sends the guest's state to the
 * QEMU the destination's Prepare started, Confirm ends the source's QEMU
 * once the destination runs the guest (or lets the source run again when
 * it does not).
 *
 * Perform holds the domain's job for the whole stream and waits on the
 * state's condition for QMP's MIGRATION events (the "events" capability),
 * never polling; a domjobabort meanwhile sends migrate_cancel without the
 * job, and the "cancelled" event ends the wait.  QEMU stops the guest for
 * the last pass and restarts it itself when the migration fails, so the
 * guest runs on the source until Confirm says otherwise.  Peer to peer,
 * Perform opens the destination's daemon itself and runs every step from
 * here (src/api/migrate.c's sequence), the client waiting on one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "api/migrate.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/qemu-events.h"

/* The name QEMU knows the tunnel's pipe by (getfd), and the pump's read
 * size. */
#define TUNNEL_FD_NAME "vk-tunnel"
#define TUNNEL_CHUNK (256 * 1024)

int
vkQemuMigrateParamULLong(virTypedParameterPtr params, int nparams, const char *name,
                         unsigned long long *value)
{
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) != 0)
            continue;
        if (params[i].type == VIR_TYPED_PARAM_ULLONG)
            *value = params[i].value.ul;
        else if (params[i].type == VIR_TYPED_PARAM_INT && params[i].value.i >= 0)
            *value = (unsigned long long)params[i].value.i;
        else
            continue;
        return 1;
    }
    return 0;
}

/* Whether the wait of a migration that may switch to post-copy ends:
 * once QEMU runs post-copy the guest's CPUs move to the destination, so
 * Perform is done there (libvirt's point too). */
static bool
outDone(const char *status, unsigned int flags)
{
    return vkQemuMigrationDone(status) ||
           ((flags & VIR_MIGRATE_POSTCOPY) && g_strcmp0(status, "postcopy-active") == 0);
}

/* QMP's error-desc of a failed migration, or a copy of fallback. */
static char *
failureText(vkQemuMonitor *mon, const char *fallback)
{
    vkJSON *ret = NULL;
    char *text = NULL;

    if (vkQemuMonitorCommand(mon, "query-migrate", NULL, &ret) == 0) {
        const char *desc = vkJSONObjectGetString(ret, "error-desc");

        text = desc ? g_strdup(desc) : NULL;
    }
    vkErrorReset();
    vkJSONFree(ret);
    return text ? text : g_strdup(fallback);
}

/* Where the migration stands goes into the status file, for a daemon
 * restarted before Confirm (qemu-migrate-recover.c). */
static void
saveStatus(vkQemuState *st, vkQemuDomain *obj)
{
    if (obj->run && vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
}

/* The stream to uri (locked, job held, obj running).  On success the
 * guest is paused (reason migration) and obj->mig.dir stays OUT for
 * Confirm; on failure it is back to NONE and the guest runs as before. */
static int
migrateOut(vkQemuState *st, vkQemuDomain *obj, const char *uri, virTypedParameterPtr params,
           int nparams, const char *cookie, int cookielen, unsigned int flags, int tunnelFd)
{
    g_autoptr(GPtrArray) mirrors = NULL;
    unsigned long long speed = obj->mig.speed, channels = 0;
    unsigned long long downtime = obj->mig.downtime;
    vkQemuRun *run = obj->run;
    guint64 gen = run->gen;
    vkQemuMonitor *mon;
    g_autofree char *why = NULL;
    g_autofree char *tlsHost = NULL;
    int port;
    vkJSON *args;
    int rc;

    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, VIR_MIGRATE_PARAM_COMPRESSION) == 0 &&
            params[i].type == VIR_TYPED_PARAM_STRING &&
            strcmp(params[i].value.s, "xbzrle") != 0) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          "compression method '%s' is not supported (only xbzrle)",
                          params[i].value.s);
            return -1;
        }
    }
    /* over TLS, QEMU checks the destination's certificate against the
     * host it connects to */
    if ((flags & VIR_MIGRATE_TLS) && vkQemuMigrateParseURI(uri, &tlsHost, &port) < 0)
        return -1;
    vkQemuMigrateParamULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH, &speed);
    vkQemuMigrateParamULLong(params, nparams, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                             &channels);
    g_clear_pointer(&run->migStatus, g_free);
    obj->mig.dir = VK_QEMU_MIG_OUT;
    obj->mig.abort = false;
    obj->mig.started = g_get_real_time();
    obj->mig.flags = flags;
    obj->mig.memoryMoving = false;
    obj->mig.postcopyAsked = false;
    obj->mig.performed = false;
    saveStatus(st, obj);
    mon = vkQemuMonitorRef(run->mon);
    g_mutex_unlock(&st->lock);

    /* QEMU's settings first: the mirrors' NBD connections use its TLS */
    rc = vkQemuMigrateSetCapabilities(mon, flags, channels);
    if (rc == 0)
        rc = vkQemuMigrateSetTLS(st, mon, flags, false, tlsHost);
    if (rc == 0)
        rc = vkQemuMigrateApplyTuning(mon, speed, downtime);
    g_mutex_lock(&st->lock);
    if (rc == 0 && (!obj->run || obj->run->gen != gen)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU of domain '%s' ended during migration",
                      obj->name);
        rc = -1;
    }
    /* then the disks: the memory moves once every mirror is in step */
    if (rc == 0 && vkQemuMigrateCopiesStorage(flags))
        rc = vkQemuMigrateNbdMirror(st, obj, uri, cookie, cookielen, params, nparams, flags,
                                    &mirrors);
    if (rc < 0)
        goto end;
    g_mutex_unlock(&st->lock);

    if (tunnelFd >= 0)
        rc = vkQemuMonitorSendFd(mon, TUNNEL_FD_NAME, tunnelFd);
    if (rc == 0) {
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "uri", uri);
        rc = vkQemuMonitorCommand(mon, "migrate", args, NULL);
    }

    g_mutex_lock(&st->lock);
    if (rc == 0) {
        /* post-copy asked while the disks' mirrors filled: QEMU would
         * drop (or refuse) a switch asked before its stream starts */
        obj->mig.memoryMoving = true;
        if (obj->mig.postcopyAsked) {
            g_mutex_unlock(&st->lock);
            rc = vkQemuMonitorCommand(mon, "migrate-start-postcopy", NULL, NULL);
            g_mutex_lock(&st->lock);
        }
    }
    while (rc == 0 && obj->run && obj->run->gen == gen && !outDone(obj->run->migStatus, flags)) {
        if (mirrors && g_strcmp0(obj->run->migStatus, "pre-switchover") == 0) {
            /* the guest is stopped, its disks still ours: the mirrors
             * end now, then QEMU sends the devices' state
             * (pause-before-switchover, libvirt's order) */
            rc = vkQemuMigrateNbdSwitchover(st, obj, g_steal_pointer(&mirrors));
            continue;
        }
        g_cond_wait(&st->jobCond, &st->lock);
    }
    if (rc < 0) {
        /* reported by the monitor */
    } else if (!obj->run || obj->run->gen != gen) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU of domain '%s' ended during migration",
                      obj->name);
        rc = -1;
    } else if (strcmp(obj->run->migStatus, "cancelled") == 0) {
        vkReportError(VIR_ERR_OPERATION_ABORTED, "%s", "migration out job: canceled by client");
        rc = -1;
    } else if (strcmp(obj->run->migStatus, "postcopy-active") == 0) {
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY);
    } else if (strcmp(obj->run->migStatus, "completed") != 0) {
        g_mutex_unlock(&st->lock);
        why = failureText(mon, "migration failed");
        g_mutex_lock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_FAILED, "migration of domain '%s' failed: %s",
                      obj->name, why);
        rc = -1;
    }
 end:
    if (rc < 0 && (flags & VIR_MIGRATE_TLS)) {
        virErrorPtr saved = vkErrorSave();

        /* the guest stays here: a save to a file must not try TLS */
        g_mutex_unlock(&st->lock);
        if (vkQemuMigrateSetTLS(st, mon, 0, false, NULL) < 0)
            vkErrorReset();
        g_mutex_lock(&st->lock);
        vkErrorRestore(&saved);
    }
    vkQemuMonitorUnref(mon);
    /* the guest stays paused after a completed migration: the mirrors
     * have nothing left to catch up with */
    if (mirrors && vkQemuMigrateNbdEnd(st, obj, mirrors, rc == 0) < 0)
        rc = -1;
    if (rc < 0)
        obj->mig.dir = VK_QEMU_MIG_NONE;
    obj->mig.performed = rc == 0;
    saveStatus(st, obj);
    return rc;
}

/* ---- tunnelled: QEMU writes into a pipe, a thread of ours reads it
 * into the stream of the destination daemon's connection ---- */

typedef struct {
    int fd;                 /* the pipe's read end (the pump's: it closes it) */
    virStreamPtr st;
    bool failed;
    char *why;
} tunnelPump;

static gpointer
pumpTunnel(gpointer opaque)
{
    tunnelPump *p = opaque;
    g_autofree char *buf = g_malloc(TUNNEL_CHUNK);

    for (;;) {
        ssize_t n = read(p->fd, buf, TUNNEL_CHUNK);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            p->failed = true;
            p->why = g_strdup_printf("reading the migration stream: %s", g_strerror(errno));
            break;
        }
        if (n == 0)
            break;          /* QEMU closed its end: the stream is complete */
        for (ssize_t off = 0; off < n;) {
            int w = virStreamSend(p->st, buf + off, (size_t)(n - off));

            if (w < 0) {
                virErrorPtr e = virGetLastError();

                p->failed = true;
                p->why = g_strdup(e && e->message ? e->message : "stream send failed");
                goto out;
            }
            off += w;
        }
    }
 out:
    /* closed either way: a QEMU still writing gets EPIPE and fails the
     * migration instead of waiting on a pipe nobody reads */
    close(p->fd);
    return NULL;
}

/* Perform of a tunnelled migration, run by vkDomainMigrateSequence with
 * the stream PrepareTunnel3 opened on the destination's connection. */
static int
performTunnel(virDomainPtr dom, virStreamPtr stream, virTypedParameterPtr params,
              int nparams, const char *cookiein, int cookieinlen, char **cookieout,
              int *cookieoutlen, unsigned int flags)
{
    tunnelPump pump = { .st = stream };
    vkQemuState *st;
    vkQemuDomain *obj;
    GThread *thread;
    int pipefd[2];
    int rc = -1;

    (void)cookiein;
    (void)cookieinlen;
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        vkReportSystemError(errno, "%s", "cannot create the migration tunnel's pipe");
        virStreamAbort(stream);
        return -1;
    }
    pump.fd = pipefd[0];
    thread = g_thread_new("vk-mig-tunnel", pumpTunnel, &pump);
    if ((obj = vkQemuDomainGet(dom, &st))) {
        vkQemuDomainRef(obj);
        if (vkQemuBeginJob(st, obj) == 0) {
            if (vkQemuCheckActive(obj) && obj->run)
                rc = migrateOut(st, obj, "fd:" TUNNEL_FD_NAME, params, nparams, NULL, 0,
                                flags, pipefd[1]);
            if (rc == 0 && cookieout && cookieoutlen)
                *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, NULL, NULL,
                                                 cookieoutlen);
            vkQemuEndJob(st, obj);
        }
        g_mutex_unlock(&st->lock);
        vkQemuDomainUnref(obj);
    }
    /* QEMU keeps its copy until its migration ends; then the pump reads
     * the end of the stream */
    close(pipefd[1]);
    g_thread_join(thread);
    if (rc == 0 && pump.failed) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "tunnelled migration failed: %s", pump.why);
        rc = -1;
    }
    if (rc == 0 && virStreamFinish(stream) < 0)
        rc = -1;
    if (rc < 0) {
        virErrorPtr saved = vkErrorSave();

        virStreamAbort(stream);
        vkErrorRestore(&saved);
    }
    g_free(pump.why);
    return rc;
}

/* Peer to peer: this daemon is the client of the destination's. */
static int
performP2P(virDomainPtr dom, const char *dconnuri, virTypedParameterPtr params, int nparams,
           unsigned int flags)
{
    virConnectPtr dconn = virConnectOpen(dconnuri);
    virDomainPtr ddom;
    virErrorPtr saved;

    if (!dconn) {
        g_autofree char *msg = g_strdup(vkErrorIsSet() ? vkErrorGetLast()->message : "");

        vkErrorReset();
        vkReportError(VIR_ERR_OPERATION_FAILED, "Failed to connect to remote libvirt URI %s: %s",
                      dconnuri, msg);
        return -1;
    }
    ddom = vkDomainMigrateSequence(dom, dconn, params, nparams, flags,
                                   (flags & VIR_MIGRATE_TUNNELLED) ? performTunnel : NULL);
    saved = vkErrorSave();
    if (ddom)
        virDomainFree(ddom);
    virConnectClose(dconn);
    vkErrorRestore(&saved);
    return ddom ? 0 : -1;
}

int
vkQemuMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                            virTypedParameterPtr params, int nparams, const char *cookiein,
                            int cookieinlen, char **cookieout, int *cookieoutlen,
                            unsigned int flags)
{
    const char *uri = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_URI);
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc = -1;

    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, -1);
    if (vkQemuMigrateCheckFlags(flags) < 0)
        return -1;
    if (flags & VIR_MIGRATE_PEER2PEER) {
        if (!dconnuri) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "peer-to-peer migration needs the destination's URI");
            return -1;
        }
        return performP2P(dom, dconnuri, params, nparams, flags);
    }
    if (flags & VIR_MIGRATE_TUNNELLED) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot perform tunnelled migration without using peer2peer flag");
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    if (flags & VIR_MIGRATE_OFFLINE) {
        rc = 0;     /* nothing runs: the definition went with Prepare */
    } else if (!uri) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "no migration URI from the destination");
    } else if (vkQemuCheckActive(obj) && obj->run) {
        rc = migrateOut(st, obj, uri, params, nparams, cookiein, cookieinlen, flags, -1);
    }
    if (rc == 0 && cookieout && cookieoutlen)
        *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, NULL, NULL, cookieoutlen);
    vkQemuEndJob(st, obj);
 unref:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

/* A post-copy migration the destination took: the source's QEMU still
 * serves the pages the destination has not pulled yet, so it may go only
 * once its own migration says so (locked, job held). */
static void
waitPostcopy(vkQemuState *st, vkQemuDomain *obj)
{
    guint64 gen;

    if (!obj->run || g_strcmp0(obj->run->migStatus, "postcopy-active") != 0)
        return;
    gen = obj->run->gen;
    while (obj->run && obj->run->gen == gen && !vkQemuMigrationDone(obj->run->migStatus))
        g_cond_wait(&st->jobCond, &st->lock);
}

int
vkQemuMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                            const char *cookiein, int cookieinlen, unsigned int flags,
                            int cancelled)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    bool undefine = false;
    int rc = -1;

    (void)params;
    (void)nparams;
    (void)cookiein;
    (void)cookieinlen;
    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    rc = 0;
    obj->mig.performed = false;
    if (cancelled) {
        bool wasOut = obj->mig.dir == VK_QEMU_MIG_OUT;

        obj->mig.dir = VK_QEMU_MIG_NONE;
        /* Perform finished but the destination could not take the guest:
         * it runs here again. */
        if (wasOut && obj->run && obj->reason == VIR_DOMAIN_PAUSED_POSTCOPY) {
            /* Part of the guest's memory is only there now: it cannot
             * run here again (libvirt leaves it paused the same way). */
            vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);
        } else if (wasOut && obj->run && obj->state == VIR_DOMAIN_PAUSED &&
                   obj->reason == VIR_DOMAIN_PAUSED_MIGRATION && !(flags & VIR_MIGRATE_OFFLINE)) {
            vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
            rc = vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL);
            if (rc == 0)
                vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                                    VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
        }
        saveStatus(st, obj);
    } else if (flags & VIR_MIGRATE_OFFLINE) {
        undefine = (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent && obj->id < 0;
    } else if (obj->mig.dir != VK_QEMU_MIG_OUT) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not being migrated out",
                      obj->name);
        rc = -1;
    } else {
        waitPostcopy(st, obj);
        obj->mig.dir = VK_QEMU_MIG_NONE;
        if (obj->run)
            vkQemuEmitJobCompleted(st, obj, VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
        vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_MIGRATED,
                          VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
        undefine = (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent && !obj->removed;
    }
    vkQemuEndJob(st, obj);
 unref:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    if (rc == 0 && undefine)
        rc = vkStateDomainUndefineFlags(dom, 0);
    return rc;
}
