/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Surviving restarts: reattaching to running QEMUs, and autostart.
 *
 * Every running guest has ROOT/run/NAME.xml (pid, id, state, live
 * definition) and its monitor socket ROOT/run/NAME.monitor, which QEMU
 * keeps listening on after a client goes away.  So when a new process
 * creates the driver state for the root it opens a pidfd for the pid,
 * proves through /proc/PID/cmdline that the process is still that guest's
 * QEMU (the pid may have been reused), connects to the socket again and
 * watches the pidfd exactly as for a guest it started itself.  The pidfd
 * works for a process that is not our child.  A guest whose QEMU is gone
 * is reported shut off, reason crashed.
 *
 * Autostart is a symlink ROOT/etc/autostart/NAME.xml -> ../NAME.xml, as
 * libvirt keeps it, followed once when the daemon creates the state.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/uuid.h"
#include "conf/domain-status.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-graphics.h"
#include "drivers/qemu/qemu-migrate.h"

typedef struct {
    int state, reason, pid, id;
    vkDomainDef *def;
    char *migration;      /* the migration it was in (vkQemuWriteStatus) */
} qemuStatus;

/* ROOT/run/NAME.xml through the status codec; false with the error set. */
static bool
statusParse(const char *text, qemuStatus *out)
{
    g_autoptr(vkDomainStatus) status = vkDomainStatusParse(text, "kvm,qemu", &out->def);

    if (!status)
        return false;
    out->state = status->state;
    out->reason = status->reason;
    out->pid = status->pid;
    out->id = status->id;
    out->migration = g_strdup(vkDomainStatusGetString(status, "migration"));
    return true;
}

/* Is pid (pinned by pidfd) the QEMU of the domain with this uuid? */
static bool
isOurQemu(int pid, const unsigned char *uuid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
    g_autofree char *cmd = NULL;
    char want[VIR_UUID_STRING_BUFLEN];
    gsize len = 0;
    const char *prev = NULL;

    if (!g_file_get_contents(path, &cmd, &len, NULL))
        return false;
    vkUUIDFormat(uuid, want);
    for (const char *p = cmd; p < cmd + len; p += strlen(p) + 1) {
        if (prev && strcmp(prev, "-uuid") == 0 && strcmp(p, want) == 0)
            return true;
        prev = p;
    }
    return false;
}

static int
connectMonitor(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -1;
    strcpy(sa.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The domain object for a status file: the persistent one (its live
 * definition replaced by the file's) or a new transient one. */
static vkQemuDomain *
statusObject(vkQemuState *st, qemuStatus *status)
{
    vkQemuDomain *obj;

    g_mutex_lock(&st->lock);
    obj = vkQemuDomainAdd(st, &status->def, true, NULL);
    if (obj) {
        vkQemuDomainRef(obj);
        obj->id = status->id > 0 ? status->id : vkDomainListNewID(&st->domains);
        vkDomainListReserveID(&st->domains, obj->id);
        if (obj->persistent && !obj->newDef)
            obj->newDef = vkDomainDefCopy(obj->def);
        vkQemuSetState(obj, status->state, status->reason);
    }
    g_mutex_unlock(&st->lock);
    return obj;
}

/* The guest is gone: shut off (crashed) if persistent, forgotten if not. */
static void
markCrashed(vkQemuState *st, const char *name, const unsigned char *uuid)
{
    vkQemuDomain *obj;

    g_mutex_lock(&st->lock);
    obj = vkQemuDomainFindByUUID(st, uuid);
    if (obj && obj->id < 0)
        vkQemuSetState(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);
    g_mutex_unlock(&st->lock);
    g_warning("QEMU driver: domain '%s' stopped while nobody watched it", name);
}

static void
reattachOne(vkQemuState *st, const char *statusPath)
{
    g_autofree char *text = NULL;
    g_autofree char *name = NULL;
    g_autofree char *monitorFile = NULL;
    g_autofree char *monitorPath = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    qemuStatus status = { 0 };
    vkQemuDomain *obj;
    int pidfd, monFd = -1;

    if (!g_file_get_contents(statusPath, &text, NULL, NULL) || !statusParse(text, &status)) {
        /* Its QEMU, if any, is killed by vkQemuReattachAll as the holder
         * of a monitor socket no domain claims. */
        g_warning("QEMU driver: ignoring unreadable status file '%s': %s", statusPath,
                  vkErrorIsSet() ? vkErrorGetLast()->message : "cannot read it");
        vkErrorReset();
        vkDomainDefFree(status.def);
        g_unlink(statusPath);
        return;
    }
    name = g_strdup(status.def->name);
    memcpy(uuid, status.def->uuid, VIR_UUID_BUFLEN);
    monitorFile = g_strdup_printf("%s.monitor", name);
    monitorPath = g_build_filename(st->runDir, monitorFile, NULL);

    pidfd = pidfd_open(status.pid, 0);
    if (pidfd < 0 || vkQemuProcessExited(pidfd) || !isOurQemu(status.pid, uuid)) {
        if (pidfd >= 0)
            close(pidfd);
        vkDomainDefFree(status.def);
        markCrashed(st, name, uuid);
        goto cleanup;
    }
    if ((monFd = connectMonitor(monitorPath)) < 0 || !(obj = statusObject(st, &status))) {
        /* A QEMU we can neither reach nor record would be an orphan. */
        g_warning("QEMU driver: cannot take over QEMU %d of domain '%s': killing it",
                  status.pid, name);
        vkQemuProcessKill(pidfd, status.pid, 1000, true);
        vkQemuProcessReap(status.pid);
        close(pidfd);
        if (monFd >= 0)
            close(monFd);
        vkDomainDefFree(status.def);
        vkErrorReset();
        markCrashed(st, name, uuid);
        goto cleanup;
    }
    if (vkQemuRunAttach(st, obj, status.pid, pidfd, monFd) < 0) {
        g_warning("QEMU driver: QEMU %d of domain '%s' does not answer on its monitor: %s",
                  status.pid, name, vkErrorIsSet() ? vkErrorGetLast()->message : "");
        vkErrorReset();
        vkQemuProcessKill(pidfd, status.pid, 1000, true);
        vkQemuProcessReap(status.pid);
        close(pidfd);
        g_mutex_lock(&st->lock);
        obj->id = -1;
        obj->def->id = -1;
        if (obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        vkQemuSetState(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);
        if (!obj->persistent && !obj->removed)
            vkQemuDomainRemove(st, obj);
        g_mutex_unlock(&st->lock);
        vkQemuDomainUnref(obj);
        goto cleanup;
    }
    vkQemuMigrateRecover(st, obj, status.migration);
    g_free(status.migration);
    vkQemuDomainUnref(obj);
    return;

 cleanup:
    g_free(status.migration);
    g_unlink(statusPath);
    g_unlink(monitorPath);
}

/* The inodes of the listening sockets bound to path, from /proc/net/unix
 * ("Num RefCount Protocol Flags Type St Inode Path").  The path is the
 * rest of the line after the inode: it may hold spaces, as a domain's
 * name may. */
static GArray *
listenerInodes(const char *path)
{
    GArray *inodes = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/net/unix", &text, NULL, NULL))
        return inodes;
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 1; lines[i]; i++) {
        const char *p = lines[i];
        guint64 ino = 0;

        for (int col = 0; col < 7 && *p; col++) {
            while (*p == ' ')
                p++;
            if (col == 6)
                ino = g_ascii_strtoull(p, NULL, 10);
            while (*p && *p != ' ')
                p++;
        }
        if (*p == ' ' && strcmp(p + 1, path) == 0)
            g_array_append_val(inodes, ino);
    }
    return inodes;
}

/* Does some fd of pid hold one of the socket inodes? */
static bool
holdsSocket(const char *pid, GArray *inodes)
{
    g_autofree char *fdDir = g_strdup_printf("/proc/%s/fd", pid);
    g_autoptr(GDir) dir = g_dir_open(fdDir, 0, NULL);
    const char *n;

    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *link = g_build_filename(fdDir, n, NULL);
        g_autofree char *target = g_file_read_link(link, NULL);
        guint64 ino;

        if (!target || sscanf(target, "socket:[%" G_GUINT64_FORMAT "]", &ino) != 1)
            continue;
        for (guint i = 0; i < inodes->len; i++)
            if (g_array_index(inodes, guint64, i) == ino)
                return true;
    }
    return false;
}

/* A process killed between launching QEMU and the rename of its status
 * file leaves a QEMU nobody records.  Its monitor socket, bound by name
 * under the run dir, still identifies it: whoever holds that listener is
 * the lost QEMU (the pid in SO_PEERCRED would be the dead starter's).
 * Such a start never returned success, so the QEMU is killed. */
static void
killUnrecorded(vkQemuState *st, const char *monitorPath)
{
    g_autoptr(GArray) inodes = listenerInodes(monitorPath);
    g_autoptr(GDir) proc = NULL;
    const char *n;

    if (inodes->len && (proc = g_dir_open("/proc", 0, NULL))) {
        while ((n = g_dir_read_name(proc))) {
            int pid = atoi(n);
            int pidfd;

            if (pid <= 0 || pid == getpid() || !holdsSocket(n, inodes))
                continue;
            if ((pidfd = pidfd_open(pid, 0)) < 0)
                continue;
            g_warning("QEMU driver: killing QEMU %d, started for '%s' by a process that "
                      "died before recording it", pid, monitorPath);
            vkQemuProcessKill(pidfd, pid, 1000, true);
            vkQemuProcessReap(pid);
            close(pidfd);
        }
    }
    g_unlink(monitorPath);
}

void
vkQemuReattachAll(vkQemuState *st)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) monitors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) sockdirs = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    /* A status write cut short leaves its temporary behind. */
    vkAtomicFileRemoveStale(st->runDir);
    dir = g_dir_open(st->runDir, 0, NULL);
    while (dir && (n = g_dir_read_name(dir))) {
        if (n[0] != '.' && g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(files, g_build_filename(st->runDir, n, NULL));
        else if (n[0] != '.' && g_str_has_suffix(n, ".monitor"))
            g_ptr_array_add(monitors, g_strndup(n, strlen(n) - strlen(".monitor")));
        else if (n[0] != '.' && g_str_has_suffix(n, ".d"))
            g_ptr_array_add(sockdirs, g_strndup(n, strlen(n) - strlen(".d")));
    }
    for (guint i = 0; i < files->len; i++)
        reattachOne(st, files->pdata[i]);
    /* Every monitor socket left without a running guest is an orphan's. */
    for (guint i = 0; i < monitors->len; i++) {
        const char *name = monitors->pdata[i];
        g_autofree char *file = g_strdup_printf("%s.monitor", name);
        g_autofree char *path = g_build_filename(st->runDir, file, NULL);
        vkQemuDomain *obj;
        bool active;

        g_mutex_lock(&st->lock);
        obj = vkDomainListFindByName(&st->domains, name);
        active = obj && obj->id >= 0;
        g_mutex_unlock(&st->lock);
        if (!active)
            killUnrecorded(st, path);
    }
    /* The socket directory of a guest that is gone (qemu-graphics.c). */
    for (guint i = 0; i < sockdirs->len; i++) {
        const char *name = sockdirs->pdata[i];
        g_autofree char *file = g_strdup_printf("%s.d", name);
        g_autofree char *path = g_build_filename(st->runDir, file, NULL);
        vkQemuDomain *obj;
        bool active;

        g_mutex_lock(&st->lock);
        obj = vkDomainListFindByName(&st->domains, name);
        active = obj && obj->id >= 0;
        g_mutex_unlock(&st->lock);
        if (!active)
            vkQemuGraphicsRemoveDir(path);
    }
}

void
vkQemuAutostartAll(vkQemuState *st)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)vkQemuDomainUnref);

    g_mutex_lock(&st->lock);
    for (GList *l = st->domains.order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->autostart && obj->persistent && obj->id < 0)
            g_ptr_array_add(list, vkQemuDomainRef(obj));
    }
    for (guint i = 0; i < list->len; i++) {
        vkQemuDomain *obj = list->pdata[i];
        int rc = 0;

        bool job = vkQemuBeginJob(st, obj) == 0;

        if (!job)
            rc = -1;
        else if (obj->id < 0 && !obj->removed &&
                 (rc = vkQemuRestoreManaged(st, obj, 0)) == 0)
            rc = vkQemuStartDomain(st, obj, 0, NULL);
        if (rc < 0) {
            g_warning("QEMU driver: autostart of domain '%s' failed: %s", obj->name,
                      vkErrorIsSet() ? vkErrorGetLast()->message : "");
            vkErrorReset();
        }
        if (job)
            vkQemuEndJob(st, obj);
    }
    g_mutex_unlock(&st->lock);
}
