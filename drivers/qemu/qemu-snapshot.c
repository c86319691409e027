/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal snapshots of QEMU domains (qcow2 images), as libvirt 9.0 takes
 * them: an inactive domain's disks with `qemu-img snapshot -c/-a/-d`, a
 * running domain's disks and memory with the monitor's savevm / loadvm /
 * delvm (the vmstate goes into the first qcow2 disk).
 *
 * The metadata is the only state: one <domainsnapshot> file per snapshot
 * under SNAPDIR/DOMAIN/ (ROOT/lib/snapshot for an embedded root,
 * /var/lib/virtkit/qemu/snapshot for the system one) plus a ".current"
 * file naming the current snapshot.  Every call reads the directory back
 * into a vkSnapshotList, so a daemon restart, or another process on the
 * same root, sees exactly what was written, and nothing in memory can
 * drift from the disk.  External snapshots are qemu-snapshot-ext.c's.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/json.h"
#include "conf/snapshot-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-snapshot.h"

char *
vkQemuSnapshotDir(vkQemuState *st, const char *domName)
{
    g_autofree char *base = g_path_get_dirname(st->base.saveDir);

    if (g_str_has_suffix(base, "/qemu"))
        return g_build_filename(base, "snapshot", domName, NULL);
    return g_build_filename(base, "lib", "snapshot", domName, NULL);
}

static int
byCreation(gconstpointer a, gconstpointer b)
{
    const vkSnapshotDef *x = *(vkSnapshotDef *const *)a, *y = *(vkSnapshotDef *const *)b;
    if (x->creationTime != y->creationTime)
        return x->creationTime < y->creationTime ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The domain's snapshots as the files say; NULL with an error set. */
vkSnapshotList *
vkQemuSnapshotLoad(vkQemuState *st, const char *domName)
{
    g_autofree char *dir = vkQemuSnapshotDir(st, domName);
    g_autofree char *curPath = g_build_filename(dir, ".current", NULL);
    g_autofree char *cur = NULL;
    g_autoptr(GPtrArray) defs = g_ptr_array_new();
    vkSnapshotList *list = vkSnapshotListNew();
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        vkSnapshotDef *def;

        if (ent[0] == '.' || !g_str_has_suffix(ent, ".xml"))
            continue;
        path = g_build_filename(dir, ent, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        if (!(def = vkSnapshotDefParseString(xml, "kvm,qemu", VK_SNAPSHOT_PARSE_REDEFINE |
                                                              VK_SNAPSHOT_PARSE_INTERNAL))) {
            g_dir_close(d);
            for (guint i = 0; i < defs->len; i++)
                vkSnapshotDefFree(defs->pdata[i]);
            vkSnapshotListFree(list);
            vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read snapshot metadata '%s'", path);
            return NULL;
        }
        g_ptr_array_add(defs, def);
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(defs, byCreation);
    for (guint i = 0; i < defs->len; i++)
        vkSnapshotListAdd(list, defs->pdata[i]);
    if (g_file_get_contents(curPath, &cur, NULL, NULL) && vkSnapshotListFind(list, cur))
        vkSnapshotListSetCurrent(list, cur);
    return list;
}

static int
saveDef(vkQemuState *st, const char *domName, const vkSnapshotDef *def)
{
    g_autofree char *dir = vkQemuSnapshotDir(st, domName);
    g_autofree char *file = g_strdup_printf("%s.xml", def->name);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *xml = vkSnapshotDefFormat(def, VK_SNAPSHOT_FORMAT_SECURE |
                                                    VK_SNAPSHOT_FORMAT_INTERNAL);

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create snapshot directory '%s'", dir);
        return -1;
    }
    return vkAtomicFileWriteFrom(VIR_FROM_QEMU, path, xml, strlen(xml), 0600);
}

static int
saveCurrent(vkQemuState *st, const char *domName, const char *cur)
{
    g_autofree char *dir = vkQemuSnapshotDir(st, domName);
    g_autofree char *path = g_build_filename(dir, ".current", NULL);

    if (!cur) {
        g_unlink(path);
        return 0;
    }
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create snapshot directory '%s'", dir);
        return -1;
    }
    return vkAtomicFileWriteFrom(VIR_FROM_QEMU, path, cur, strlen(cur), 0600);
}

static void
removeDef(vkQemuState *st, const char *domName, const char *name)
{
    g_autofree char *dir = vkQemuSnapshotDir(st, domName);
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *path = g_build_filename(dir, file, NULL);

    g_unlink(path);
}

int
vkQemuSnapshotCount(vkQemuState *st, const char *domName)
{
    g_autoptr(vkSnapshotList) list = vkQemuSnapshotLoad(st, domName);
    return list ? (int)vkSnapshotListCount(list) : -1;
}

void
vkQemuMetadataDirRemove(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        g_unlink(path);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
}

int
vkQemuSnapshotDropAll(vkQemuState *st, const char *domName)
{
    g_autofree char *dir = vkQemuSnapshotDir(st, domName);

    vkQemuMetadataDirRemove(dir);
    return 0;
}

/* ---- the images ---- */

/* Runs qemu-img snapshot OP NAME PATH; its stderr becomes the error. */
static int
qemuImgSnapshot(const char *op, const char *name, const char *path)
{
    const char *argv[] = { "qemu-img", "snapshot", op, name, path, NULL };
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "cannot run qemu-img: %s", err->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "qemu-img snapshot %s '%s' of '%s' failed: %s",
                      op, name, path, g_strstrip(errout));
        return -1;
    }
    return 0;
}

vkDomainDiskDef *
vkQemuDiskByTarget(vkDomainDef *dom, const char *target)
{
    GPtrArray *disks = dom ? vkDomainDevList(dom, VK_DOMAIN_DEVICE_DISK) : NULL;

    for (guint i = 0; disks && i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];
        if (strcmp(d->dst, target) == 0)
            return d;
    }
    return NULL;
}

/* libvirt's rule for internal snapshots: every disk that takes part is
 * a local qcow2 image. */
static int
checkInternalDisks(const vkSnapshotDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(def->dom, sd->name);

        if (strcmp(sd->snapshot, "manual") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "%s snapshot of disk '%s' is not supported by virtkit's QEMU "
                          "driver", sd->snapshot, sd->name);
            return -1;
        }
        if (strcmp(sd->snapshot, "internal") != 0)
            continue;
        if (!d || d->type != VK_DOMAIN_DISK_TYPE_FILE || !d->src) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "internal snapshot of disk '%s' needs a local image file", sd->name);
            return -1;
        }
        if (!d->driverType || strcmp(d->driverType, "qcow2") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "internal snapshot for disk %s unsupported for storage type %s",
                          sd->name, d->driverType ? d->driverType : "raw");
            return -1;
        }
    }
    return 0;
}

/* qemu-img on each internal disk of def (inactive domains only). */
static int
imagesDo(const vkSnapshotDef *def, const char *op)
{
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(def->dom, sd->name);

        if (strcmp(sd->snapshot, "internal") != 0 || !d)
            continue;
        if (qemuImgSnapshot(op, def->name, d->src) < 0)
            return -1;
    }
    return 0;
}

/* savevm/loadvm/delvm NAME on the monitor (called locked, job held).
 * HMP answers errors as text, not as QMP errors. */
static int
hmp(vkQemuState *st, vkQemuDomain *obj, const char *verb, const char *name)
{
    vkJSON *args = vkJSONNewObject();
    g_autofree char *line = g_strdup_printf("%s \"%s\"", verb, name);
    vkJSON *ret = NULL;
    const char *out;
    int rc;

    vkJSONObjectAppendString(args, "command-line", line);
    if (vkQemuDomainMonitorCommand(st, obj, "human-monitor-command", args, &ret) < 0)
        return -1;
    out = vkJSONGetString(ret);
    rc = 0;
    if (out && *out) {
        g_autofree char *msg = g_strstrip(g_strdup(out));
        if (*msg) {
            vkReportError(VIR_ERR_OPERATION_FAILED, "%s of snapshot '%s' failed: %s",
                          verb, name, msg);
            rc = -1;
        }
    }
    vkJSONFree(ret);
    return rc;
}

/* ---- the API ---- */

static virDomainSnapshotPtr
noSnapshot(const char *name)
{
    vkReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "no domain snapshot with matching name '%s'",
                  name);
    return NULL;
}

/* Takes the domain's job; returns the list, locked, job held (release
 * with endJob), or NULL unlocked. */
static vkSnapshotList *
beginJob(virDomainPtr dom, vkQemuState **st, vkQemuDomain **objp)
{
    vkQemuDomain *obj;
    vkSnapshotList *list;

    if (!(obj = vkQemuDomainGet(dom, st)))
        return NULL;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(*st, obj) < 0) {
        g_mutex_unlock(&(*st)->lock);
        vkQemuDomainUnref(obj);
        return NULL;
    }
    if (!(list = vkQemuSnapshotLoad(*st, obj->name))) {
        vkQemuEndJob(*st, obj);
        g_mutex_unlock(&(*st)->lock);
        vkQemuDomainUnref(obj);
        return NULL;
    }
    *objp = obj;
    return list;
}

static void
endJob(vkQemuState *st, vkQemuDomain *obj, vkSnapshotList *list)
{
    vkSnapshotListFree(list);
    vkQemuEndJob(st, obj);
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
}

static int
checkName(const char *name)
{
    if (name && (strchr(name, '/') || name[0] == '.')) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid snapshot name '%s': it names a file, so it cannot contain "
                      "'/' or start with '.'", name);
        return -1;
    }
    return 0;
}

static bool
memoryExternal(const vkSnapshotDef *def)
{
    return def->memory && strcmp(def->memory, "external") == 0;
}

/* libvirt's rules for where the disks go: an inactive domain's memory
 * cannot be saved; the disks follow the memory (internal with it, or no
 * memory but not disk-only), external only in a disk-only snapshot or
 * with the memory in a file. */
static int
checkModes(const vkSnapshotDef *def, bool active, bool diskOnly)
{
    if (!active && strcmp(def->memory, "no") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "memory state cannot be saved with offline or disk-only snapshot");
        return -1;
    }
    for (guint i = 0; !diskOnly && !memoryExternal(def) && i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];

        if (strcmp(sd->snapshot, "external") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' must use snapshot mode 'internal'", sd->name);
            return -1;
        }
    }
    return 0;
}

/* libvirt's rules for the memory file and --live. */
static int
checkMemory(const vkSnapshotDef *def, bool active, unsigned int flags)
{
    if (def->memoryFile && !memoryExternal(def)) {
        vkReportError(VIR_ERR_XML_ERROR, "memory filename '%s' requires external snapshot",
                      def->memoryFile);
        return -1;
    }
    if (memoryExternal(def) && !def->memoryFile) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "external memory snapshots require a filename");
        return -1;
    }
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE) && (!active || !memoryExternal(def))) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "live snapshot creation is supported only during full system "
                      "snapshots");
        return -1;
    }
    return 0;
}

/* Thaws after a quiesced snapshot, keeping the snapshot's own error. */
static void
thaw(virDomainPtr dom)
{
    virErrorPtr saved = vkErrorSave();

    if (vkQemuDomainFSThaw(dom, NULL, 0, 0) < 0)
        g_warning("QEMU driver: cannot thaw the file systems of domain '%s' after a "
                  "snapshot", dom->name);
    vkErrorRestore(&saved);
}

virDomainSnapshotPtr
vkQemuDomainSnapshotCreateXML(virDomainPtr dom, const char *xml, unsigned int flags)
{
    bool redefine = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
    bool diskOnly = flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY;
    bool quiesce = flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE;
    g_autoptr(vkSnapshotDef) def = NULL;
    vkSnapshotList *list;
    vkQemuState *st;
    vkQemuDomain *obj;
    virDomainSnapshotPtr ret = NULL;
    bool active, halt = false;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT |
                 VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA | VIR_DOMAIN_SNAPSHOT_CREATE_HALT |
                 VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC |
                 VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE | VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT |
                 VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE | VIR_DOMAIN_SNAPSHOT_CREATE_LIVE, NULL);
    if (vkSnapshotCheckCreateFlags(flags) < 0)
        return NULL;
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE) && !diskOnly) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "quiesce requires disk-only");
        return NULL;
    }
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE) &&
        vkConfSchemaValidate(xml, "domainsnapshot.rng") < 0)
        return NULL;
    if (!(def = vkSnapshotDefParseString(xml, "kvm,qemu",
                                         (redefine ? VK_SNAPSHOT_PARSE_REDEFINE : 0) |
                                         (diskOnly ? VK_SNAPSHOT_PARSE_DISKS : 0))) ||
        checkName(def->name) < 0)
        return NULL;
    /* the guest's file systems stay frozen while the overlays are taken
     * (the agent call refuses as libvirt does without an agent) */
    if (quiesce && vkQemuDomainFSFreeze(dom, NULL, 0, 0) < 0)
        return NULL;
    if (!(list = beginJob(dom, &st, &obj))) {
        if (quiesce)
            thaw(dom);
        return NULL;
    }
    active = obj->id >= 0;

    if (redefine) {
        if (def->parent && !vkSnapshotListFind(list, def->parent)) {
            vkReportError(VIR_ERR_INVALID_ARG, "parent %s for snapshot %s not found",
                          def->parent, def->name);
            goto cleanup;
        }
        if (!def->dom && !(def->dom = vkDomainDefCopy(obj->def)))
            goto cleanup;
    } else {
        def->creationTime = g_get_real_time() / G_USEC_PER_SEC;
        if (!def->name)
            def->name = g_strdup_printf("%lld", def->creationTime);
        if (vkSnapshotListFind(list, def->name)) {
            vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, __FILE__, __func__,
                              __LINE__, "domain moment %s already exists", def->name);
            goto cleanup;
        }
        g_free(def->state);
        def->state = g_strdup(vkSnapshotStateName(obj->state));
        def->active = active;
        /* with the memory in a file, the disks default to external too */
        if (!(def->dom = vkDomainDefCopy(obj->def)) ||
            checkMemory(def, active, flags) < 0 ||
            vkSnapshotDefAlignDisks(def, diskOnly || memoryExternal(def), active) < 0 ||
            checkModes(def, active, diskOnly) < 0)
            goto cleanup;
        if (vkQemuSnapshotExtIs(def)) {
            if (vkQemuSnapshotExtCreate(dom, st, obj, def, flags) < 0)
                goto cleanup;
            /* the snapshot's domain is the one before the overlays */
        } else if (checkInternalDisks(def) < 0) {
            goto cleanup;
        } else if ((active ? hmp(st, obj, "savevm", def->name) : imagesDo(def, "-c")) < 0) {
            goto cleanup;
        }
        g_free(def->parent);
        def->parent = g_strdup(vkSnapshotListCurrent(list));
        halt = active && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT);
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)) {
        if (saveDef(st, obj->name, def) < 0)
            goto cleanup;
        if ((!redefine || (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)) &&
            saveCurrent(st, obj->name, def->name) < 0)
            goto cleanup;
    }
    ret = vkGetDomainSnapshot(dom, def->name);

 cleanup:
    endJob(st, obj, list);
    if (quiesce)
        thaw(dom);
    if (ret && halt && vkQemuDomainDestroyFlags(dom, 0) < 0) {
        vkDomainSnapshotUnref(ret);
        return NULL;
    }
    return ret;
}

int
vkQemuDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainPtr dom = snapshot->domain;
    vkSnapshotList *list;
    vkSnapshotDef *def;
    vkQemuState *st;
    vkQemuDomain *obj;
    bool withMemory, wantRun, wantPause;
    int state;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                 VIR_DOMAIN_SNAPSHOT_REVERT_FORCE, -1);
    if (!(list = beginJob(dom, &st, &obj)))
        return -1;
    if (!(def = vkSnapshotListFind(list, snapshot->name))) {
        noSnapshot(snapshot->name);
        goto error;
    }
    if (vkQemuSnapshotExtIs(def)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "revert to external snapshot not supported yet");
        goto error;
    }
    state = vkSnapshotStateFromName(def->state);
    withMemory = def->memory && strcmp(def->memory, "internal") == 0;
    wantPause = (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED) ||
                (state == VIR_DOMAIN_PAUSED && !(flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING));
    wantRun = withMemory || (flags & (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                                      VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED));
    if (checkInternalDisks(def) < 0)
        goto error;

    if (obj->id >= 0 && !withMemory) {
        /* the disks can only go back under a stopped QEMU */
        endJob(st, obj, list);
        if (vkQemuDomainDestroyFlags(dom, 0) < 0)
            return -1;
        if (!(list = beginJob(dom, &st, &obj)))
            return -1;
        def = vkSnapshotListFind(list, snapshot->name);
    }
    if (obj->id < 0) {
        vkDomainDef *copy;
        if (!withMemory && imagesDo(def, "-a") < 0)
            goto error;
        /* the definition goes back with the disks */
        if (!(copy = vkDomainDefCopy(def->dom)))
            goto error;
        vkDomainDefFree(obj->def);
        obj->def = copy;
        if (obj->persistent && vkQemuSaveConfig(st, obj->def) < 0)
            goto error;
    }
    vkSnapshotListSetCurrent(list, def->name);
    if (saveCurrent(st, obj->name, def->name) < 0)
        goto error;

    if (wantRun && obj->id < 0) {
        endJob(st, obj, list);
        if (vkQemuDomainCreateWithFlags(dom, withMemory || wantPause
                                             ? VIR_DOMAIN_START_PAUSED : 0) < 0)
            return -1;
        if (!withMemory)
            return 0;
        if (!(list = beginJob(dom, &st, &obj)))
            return -1;
    }
    if (withMemory) {
        if (hmp(st, obj, "loadvm", snapshot->name) < 0)
            goto error;
        if (vkQemuDomainMonitorCommand(st, obj, wantPause ? "stop" : "cont", NULL, NULL) < 0)
            goto error;
    }
    endJob(st, obj, list);
    return 0;

 error:
    endJob(st, obj, list);
    return -1;
}

int
vkQemuDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainPtr dom = snapshot->domain;
    g_auto(GStrv) below = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *cur = NULL;
    vkSnapshotList *list;
    vkSnapshotDef *def;
    vkQemuState *st;
    vkQemuDomain *obj;
    GPtrArray *victims;
    bool onlyChildren = flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY |
                 VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY, -1);
    if (!(list = beginJob(dom, &st, &obj)))
        return -1;
    if (!(def = vkSnapshotListFind(list, snapshot->name))) {
        noSnapshot(snapshot->name);
        endJob(st, obj, list);
        return -1;
    }
    parent = g_strdup(def->parent);
    cur = g_strdup(vkSnapshotListCurrent(list));
    victims = g_ptr_array_new_with_free_func(g_free);
    if (flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        below = vkSnapshotListDescendants(list, snapshot->name);
        for (char **n = below; *n; n++)
            g_ptr_array_add(victims, g_strdup(*n));
    }
    if (!onlyChildren)
        g_ptr_array_add(victims, g_strdup(snapshot->name));

    for (guint i = 0; !(flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) &&
                      (flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                                VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) &&
                      i < victims->len; i++) {
        if (vkQemuSnapshotExtIs(vkSnapshotListFind(list, victims->pdata[i]))) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "deletion of external disk snapshots with children not supported");
            goto cleanup;
        }
    }
    for (guint i = 0; i < victims->len; i++) {
        const char *name = victims->pdata[i];
        vkSnapshotDef *v = vkSnapshotListFind(list, name);

        if (flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) {
            /* the images stay as they are */
        } else if (vkQemuSnapshotExtIs(v)) {
            if (vkQemuSnapshotExtDelete(st, obj, v,
                                        vkSnapshotListNumChildren(list, name) > 0) < 0)
                goto cleanup;
        } else if ((obj->id >= 0 ? hmp(st, obj, "delvm", name) : imagesDo(v, "-d")) < 0) {
            goto cleanup;
        }
        removeDef(st, obj->name, name);
        if (cur && strcmp(cur, name) == 0) {
            g_free(cur);
            cur = onlyChildren ? g_strdup(snapshot->name) : g_strdup(parent);
        }
        vkSnapshotListRemove(list, name);
    }
    ret = 0;

 cleanup:
    /* what is left is written back: children of a deleted snapshot now
     * name its parent */
    {
        g_auto(GStrv) left = vkSnapshotListNames(list, NULL, 0);
        for (char **n = left; *n; n++) {
            if (saveDef(st, obj->name, vkSnapshotListFind(list, *n)) < 0)
                ret = -1;
        }
    }
    if (saveCurrent(st, obj->name, cur && vkSnapshotListFind(list, cur) ? cur : NULL) < 0)
        ret = -1;
    g_ptr_array_unref(victims);
    endJob(st, obj, list);
    return ret;
}
