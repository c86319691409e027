/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory balloon, save/restore and managed save.
 *
 * A save image is a header block (magic, the state to restore into, the
 * live domain XML, NUL-padded to a 4 KiB boundary) followed by QEMU's own
 * migration stream: we write the header, then let QEMU append the stream
 * through "exec:cat >> FILE" (QEMU 7.2 has no "file:" migration URI).
 * Restore opens the image, reads the header, and hands QEMU (started with
 * -incoming defer) that very fd, positioned after the header: QEMU reads
 * what the daemon opened, so the file may be removed or replaced
 * meanwhile without harm.  Completion is never polled for: both ends wait
 * for QMP's MIGRATION event with a final status.  Removing a managed save
 * image takes the domain's job, so it is ordered with a start that
 * resumes from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/fd-io.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-events.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-migrate.h"

#define SAVE_MAGIC "VirtkitQemuSave1"
#define SAVE_ALIGN 4096
#define SAVE_HEADER_MAX (16 * 1024 * 1024)

int
vkQemuDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    bool live, config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_CONFIG | VIR_DOMAIN_MEM_MAXIMUM, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    live = flags & VIR_DOMAIN_MEM_LIVE;
    config = flags & VIR_DOMAIN_MEM_CONFIG;
    if (!live && !config) {
        live = obj->id >= 0;
        config = !live;
    }
    if (live && obj->id < 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        goto out;
    }
    if (config && !obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot change the persistent memory of transient domain '%s'",
                      obj->name);
        goto out;
    }
    if (flags & VIR_DOMAIN_MEM_MAXIMUM) {
        vkDomainDef *def = obj->newDef ? obj->newDef : obj->def;

        if (live) {
            vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                          "cannot resize the maximum memory on an active domain");
            goto out;
        }
        def->maxMemory = memory;
        if (def->currentMemory > memory)
            def->currentMemory = memory;
        ret = vkQemuSaveConfig(st, def);
        goto out;
    }
    if (memory == 0 || memory > (live ? obj->def : obj->newDef ? obj->newDef : obj->def)->maxMemory) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "memory %lu KiB for domain '%s' is not within 1 KiB..its maximum",
                      memory, obj->name);
        goto out;
    }
    if (live) {
        vkJSON *args = vkJSONNewObject();

        /* QMP's balloon target is in bytes.  QEMU refuses it when the
         * domain has no balloon device; the guest may take its time (or
         * never, without a driver) to give the memory back. */
        vkJSONObjectAppend(args, "value", vkJSONNewUInt((unsigned long long)memory * 1024));
        if (vkQemuDomainMonitorCommand(st, obj, "balloon", args, NULL) < 0)
            goto out;
        if (obj->run) {
            obj->def->currentMemory = memory;
            if (vkQemuWriteStatus(st, obj) < 0)
                vkErrorReset();
        }
    }
    if (config) {
        vkDomainDef *def = obj->newDef ? obj->newDef : obj->def;

        def->currentMemory = memory;
        if (vkQemuSaveConfig(st, def) < 0)
            goto out;
    }
    ret = 0;
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

int
vkQemuDomainSetMemory(virDomainPtr dom, unsigned long memory)
{
    return vkQemuDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_MEM_LIVE);
}

char *
vkQemuManagedSavePath(vkQemuState *st, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.save", name);

    return g_build_filename(st->saveDir, file, NULL);
}

/* Writes the header; returns the stream's offset or -1. */
static long
writeHeader(const char *path, const char *xml, bool running)
{
    g_autoptr(GString) h = g_string_new(SAVE_MAGIC);
    int fd;
    bool ok;

    g_string_append_printf(h, " %s\n%s", running ? "running" : "paused", xml);
    g_string_append_c(h, '\0');
    while (h->len % SAVE_ALIGN)
        g_string_append_c(h, '\0');
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "cannot create save image '%s'", path);
        return -1;
    }
    ok = write(fd, h->str, h->len) == (ssize_t)h->len && fsync(fd) == 0;
    if (!ok)
        vkReportSystemError(errno, "cannot write save image '%s'", path);
    close(fd);
    return ok ? (long)h->len : -1;
}

int
vkQemuSaveImageStart(vkQemuDomain *obj, const char *path, bool running)
{
    g_autofree char *xml = vkDomainDefFormat(obj->def, VIR_DOMAIN_XML_SECURE);

    return xml && writeHeader(path, xml, running) >= 0 ? 0 : -1;
}

/* Opens the image and reads its header (the domain XML, whether it ran)
 * in whole blocks, so the fd returned is positioned exactly at QEMU's
 * stream even when the image is a pipe.  -1 on error. */
static int
openImage(const char *path, char **xml, bool *running)
{
    g_autoptr(GString) h = g_string_new(NULL);
    char buf[SAVE_ALIGN];
    const char *nl;
    ssize_t n = 0;
    struct stat sb;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot open save image '%s'", path);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot read save image '%s'", path);
        goto error;
    }
    while (!memchr(h->str, '\0', h->len) && h->len < SAVE_HEADER_MAX &&
           (n = vkReadFull(fd, buf, sizeof(buf))) == (ssize_t)sizeof(buf))
        g_string_append_len(h, buf, n);
    if (n < 0) {
        vkReportSystemError(errno, "cannot read save image '%s'", path);
        goto error;
    }
    if (!g_str_has_prefix(h->str, SAVE_MAGIC " ") || !memchr(h->str, '\0', h->len) ||
        !(nl = strchr(h->str, '\n'))) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "'%s' is not a virtkit QEMU save image", path);
        goto error;
    }
    /* An empty stream would make QEMU wait for data forever (or until
     * the stall deadline); a regular file tells us up front. */
    if (S_ISREG(sb.st_mode) && sb.st_size <= (off_t)h->len) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "save image '%s' holds no guest state after its header", path);
        goto error;
    }
    *running = g_str_has_prefix(h->str + strlen(SAVE_MAGIC) + 1, "running");
    *xml = g_strdup(nl + 1);
    return fd;

 error:
    close(fd);
    return -1;
}

/* Waits (locked) until the save of run gen to path ends: a final
 * MIGRATION status, or QEMU's end.  Fails with VIR_ERR_OPERATION_TIMEOUT
 * when the image has not grown for VK_QEMU_MIGRATION_STALL_MS. */
static int
waitSaved(vkQemuState *st, vkQemuDomain *obj, guint64 gen, const char *path)
{
    const gint64 stall = (gint64)VK_QEMU_MIGRATION_STALL_MS * G_TIME_SPAN_MILLISECOND;
    gint64 deadline = g_get_monotonic_time() + stall;
    off_t size = -1;

    while (obj->run && obj->run->gen == gen && !vkQemuMigrationDone(obj->run->migStatus)) {
        struct stat sb;

        if (g_cond_wait_until(&st->jobCond, &st->lock, deadline))
            continue;
        if (stat(path, &sb) == 0 && sb.st_size != size) {
            size = sb.st_size;
            deadline = g_get_monotonic_time() + stall;
            continue;
        }
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "writing domain '%s' to '%s' made no progress for %d s", obj->name, path,
                      VK_QEMU_MIGRATION_STALL_MS / 1000);
        return -1;
    }
    return 0;
}

/* QEMU announces a completed migration before its run state leaves
 * finish-migrate, and refuses "cont" until it has ("Migration is not
 * finalized yet"): wait, bounded, for the state that follows (locked,
 * job held; the lock is let go between polls). */
static void
waitFinalized(vkQemuState *st, vkQemuDomain *obj, guint64 gen)
{
    for (int i = 0; i < 5000 && obj->run && obj->run->gen == gen; i++) {
        g_autoptr(vkJSON) ret = NULL;

        if (vkQemuDomainMonitorCommand(st, obj, "query-status", NULL, &ret) < 0) {
            vkErrorReset();     /* a caller's "cont" reports what is wrong */
            return;
        }
        if (g_strcmp0(vkJSONObjectGetString(ret, "status"), "finish-migrate") != 0)
            return;
        g_mutex_unlock(&st->lock);
        g_usleep(1000);
        g_mutex_lock(&st->lock);
    }
}

/* Streams obj's state (job held, locked) into path after what is there
 * already: QEMU migrates to "exec:cat >> PATH".  pause stops the guest
 * first (a save, or a dump that is not --live); QEMU stays stopped after
 * a completed migration.  On failure path is removed and a guest that
 * was running runs again.  *genOut is the run the stream came from. */
int
vkQemuMigrateToFile(vkQemuState *st, vkQemuDomain *obj, const char *path, bool pause,
                    guint64 *genOut)
{
    g_autofree char *quoted = g_shell_quote(path);
    g_autofree char *uri = g_strdup_printf("exec:cat >> %s", quoted);
    bool resume = obj->state == VIR_DOMAIN_RUNNING;
    vkQemuMonitor *mon;
    vkJSON *args;
    vkQemuRun *run;
    guint64 gen;
    int rc = 0;

    if (!vkQemuCheckActive(obj) || !obj->run)
        return -1;
    run = obj->run;
    *genOut = gen = run->gen;
    g_clear_pointer(&run->migStatus, g_free);
    mon = vkQemuMonitorRef(run->mon);
    g_mutex_unlock(&st->lock);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "uri", uri);
    if (pause)
        rc = vkQemuMonitorStop(mon);
    if (rc == 0)
        rc = vkQemuMonitorSetMigrationEvents(mon);
    if (rc == 0)
        rc = vkQemuMonitorCommand(mon, "migrate", args, NULL);
    else
        vkJSONFree(args);
    vkQemuMonitorUnref(mon);
    g_mutex_lock(&st->lock);

    if (rc == 0 && waitSaved(st, obj, gen, path) < 0) {
        /* Stuck: stop QEMU writing, then report the stall. */
        g_autofree char *msg = g_strdup(vkErrorGetLast()->message);

        if (obj->run && obj->run->gen == gen)
            vkQemuDomainMonitorCommand(st, obj, "migrate_cancel", NULL, NULL);
        vkErrorReset();
        vkReportError(VIR_ERR_OPERATION_TIMEOUT, "%s", msg);
        rc = -1;
    } else if (rc == 0 && (!obj->run || obj->run->gen != gen)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU of domain '%s' ended while writing '%s'",
                      obj->name, path);
        rc = -1;
    } else if (rc == 0 && strcmp(obj->run->migStatus, "completed") != 0) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "writing domain '%s' to '%s' failed (%s)",
                      obj->name, path, obj->run->migStatus);
        rc = -1;
    }
    if (rc < 0) {
        g_unlink(path);
        if (resume && obj->run && obj->run->gen == gen &&
            vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL) < 0)
            vkErrorReset();     /* the first error is the one to report */
        return -1;
    }
    waitFinalized(st, obj, gen);
    return 0;
}

/* Saves obj (job held, locked) to path and stops its QEMU. */
static int
saveLocked(vkQemuState *st, vkQemuDomain *obj, const char *path, unsigned int flags)
{
    bool wasRunning = obj->state == VIR_DOMAIN_RUNNING;
    guint64 gen;

    if (!vkQemuCheckActive(obj) || !obj->run)
        return -1;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        wasRunning = true;
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        wasRunning = false;
    if (vkQemuSaveImageStart(obj, path, wasRunning) < 0)
        return -1;
    if (vkQemuMigrateToFile(st, obj, path, true, &gen) < 0)
        return -1;
    if (obj->run && obj->run->gen == gen)
        vkQemuEmitJobCompleted(st, obj, VIR_DOMAIN_JOB_OPERATION_SAVE);
    if (obj->run && obj->run->gen == gen)
        vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_SAVED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    return 0;
}

static int
saveDomain(virDomainPtr dom, const char *to, unsigned int flags, bool managed)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    g_autofree char *path = NULL;
    int rc;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0) {
        rc = -1;
        goto nojob;
    }
    if (managed && !obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot do managed save for transient domain '%s'", obj->name);
        rc = -1;
    } else {
        path = managed ? vkQemuManagedSavePath(st, obj->name) :
            g_canonicalize_filename(to, NULL);
        rc = saveLocked(st, obj, path, flags);
    }
    if (rc == 0)
        dom->id = -1;
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    if (dxml) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                      "a replacement XML for the save image of domain '%s' is not supported",
                      dom->name);
        return -1;
    }
    return saveDomain(dom, to, flags, false);
}

int
vkQemuDomainSave(virDomainPtr dom, const char *to)
{
    return vkQemuDomainSaveFlags(dom, to, NULL, 0);
}

int
vkQemuDomainManagedSave(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    return saveDomain(dom, NULL, flags, true);
}

static unsigned int
startFlags(bool running, unsigned int flags)
{
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        running = true;
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        running = false;
    return running ? 0 : VIR_DOMAIN_START_PAUSED;
}

int
vkQemuDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                         unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    vkQemuIncoming in = { .fd = -1 };
    vkDomainDef *def;
    vkQemuDomain *obj;
    bool running, existed;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    path = g_canonicalize_filename(from, NULL);
    if ((in.fd = openImage(path, &xml, &running)) < 0)
        return -1;
    g_mutex_lock(&st->lock);
    if (!(def = vkQemuParseDef(st, dxml ? dxml : xml)))
        goto cleanup;
    existed = vkQemuDomainFindByUUID(st, def->uuid) != NULL;
    obj = vkQemuDomainAdd(st, &def, true, NULL);
    vkDomainDefFree(def);
    if (!obj)
        goto cleanup;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0) {
        vkQemuDomainUnref(obj);
        goto cleanup;
    }
    if (vkQemuStartDomain(st, obj, startFlags(running, flags), &in) < 0) {
        if (!existed && !obj->removed)
            vkQemuDomainRemove(st, obj);
        else if (obj->persistent && obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
    } else {
        ret = 0;
    }
    vkQemuEndJob(st, obj);
    vkQemuDomainUnref(obj);
 cleanup:
    g_mutex_unlock(&st->lock);
    close(in.fd);
    return ret;
}

int
vkQemuDomainRestore(virConnectPtr conn, const char *from)
{
    return vkQemuDomainRestoreFlags(conn, from, NULL, 0);
}

int
vkQemuRestoreManaged(vkQemuState *st, vkQemuDomain *obj, unsigned int flags)
{
    g_autofree char *path = vkQemuManagedSavePath(st, obj->name);
    g_autofree char *xml = NULL;
    vkQemuIncoming in = { .fd = -1 };
    vkDomainDef *def;
    bool running;
    int rc;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    if ((in.fd = openImage(path, &xml, &running)) < 0)
        return -1;
    if (!(def = vkQemuParseDef(st, xml))) {
        close(in.fd);
        return -1;
    }
    /* The image's definition is the live one; the persistent one waits
     * in newDef for the next cold boot. */
    vkDomainDefFree(obj->newDef);
    obj->newDef = obj->def;
    obj->def = def;
    rc = vkQemuStartDomain(st, obj, (flags & VIR_DOMAIN_START_PAUSED) ? VIR_DOMAIN_START_PAUSED :
                           startFlags(running, 0), &in);
    close(in.fd);
    if (rc < 0) {
        vkDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
        return -1;
    }
    g_unlink(path);
    return 1;
}

int
vkQemuDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    g_autofree char *path = NULL;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    path = vkQemuManagedSavePath(st, obj->name);
    g_mutex_unlock(&st->lock);
    return g_file_test(path, G_FILE_TEST_EXISTS) ? 1 : 0;
}

int
vkQemuDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    g_autofree char *path = NULL;
    int ret = -1;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    /* The job puts us before or after a start resuming from the image,
     * never in its middle. */
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    path = vkQemuManagedSavePath(st, obj->name);
    if (g_unlink(path) < 0 && errno != ENOENT)
        vkReportSystemError(errno, "cannot remove managed save image '%s'", path);
    else
        ret = 0;
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}
