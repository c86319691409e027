/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * External (disk-only) snapshots of QEMU domains, as libvirt 9.0 takes
 * them: every disk that takes part gets a new qcow2 overlay over the image
 * it uses now, and from then on the domain writes to the overlay, the old
 * image staying as it was at the snapshot.
 *
 * A running QEMU opens the overlays as nodes without a backing file
 * (blockdev-add) and moves every disk onto its overlay in one
 * transaction of blockdev-snapshot actions, so the disks switch together
 * or not at all; the live XML is then read back from QEMU's chain and the
 * next-boot definition gets the same <backingStore> chain.  An inactive
 * domain's overlays are made by qemu-img and only its definition changes
 * (its disk source becomes the overlay, without a <backingStore>, as
 * libvirt writes it).
 *
 * With the memory (snapshot-create-as --memspec), libvirt's order: the
 * guest stops (or, --live, keeps running until QEMU stops it at the end of
 * the stream), its state goes to the memory file as a save image that
 * restore takes (qemu-save.c's format, with the definition from before
 * the overlays), the disks move onto their overlays while it is stopped,
 * and it runs again.
 *
 * libvirt 9.0 cannot revert to an external snapshot; deleting one merges
 * its overlay back into the image below: qemu-img commit when the domain
 * is inactive and the overlay is still the disk's top image; QEMU's
 * block-commit when it runs, wherever the overlay is in the chain (an
 * active commit, pivoted, when it is the top).  The overlay file goes,
 * the memory file stays, as libvirt 9.0 leaves them.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/json.h"
#include "conf/snapshot-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-snapshot.h"
#include "drivers/qemu/qemu-blockjob.h"

/* One disk of the snapshot on its way to its overlay. */
typedef struct {
    vkSnapshotDiskDef *sd;
    vkQemuImage top;          /* running: the image the overlay goes over */
    char *fmtNode;            /* running: the overlay's format node once added */
    bool created;             /* we made the overlay file */
} extDisk;

static void
extDiskClear(extDisk *e)
{
    g_free(e->top.node);
    g_free(e->top.file);
    g_free(e->top.format);
    g_free(e->fmtNode);
}

/* Runs qemu-img with argv (NULL-terminated); its stderr becomes the error. */
static int
qemuImg(const char *const *argv, const char *what, const char *path)
{
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err) ||
        !g_spawn_check_wait_status(status, NULL)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "cannot %s '%s': %s", what, path,
                      err ? err->message : g_strstrip(errout));
        return -1;
    }
    return 0;
}

static vkXmlElem *
elemNew(const char *name)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup(name);
    return e;
}

static void
elemAdd(vkXmlElem *parent, vkXmlElem *child)
{
    if (!parent->children)
        parent->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(parent->children, child);
}

/* Removes the disk's kept child element name and gives it to the caller. */
static vkXmlElem *
takeExtra(vkDomainDiskDef *d, const char *name)
{
    for (guint i = 0; d->extra && i < d->extra->len; i++) {
        vkXmlElem *e = d->extra->pdata[i];
        if (strcmp(e->name, name) == 0)
            return g_ptr_array_steal_index(d->extra, i);
    }
    return NULL;
}

/* The definition's disk d now starts at overlay file; with chain, the
 * image it used goes under it as <backingStore> (a running domain's
 * next-boot definition), else the old chain is forgotten (an inactive
 * domain's, as libvirt leaves it to be probed at start). */
static void
moveToOverlay(vkDomainDiskDef *d, const char *file, bool chain)
{
    g_autoptr(vkXmlElem) old = takeExtra(d, "backingStore");

    if (chain) {
        vkXmlElem *b = elemNew("backingStore");
        vkXmlElem *fmt = elemNew("format");
        vkXmlElem *src = elemNew("source");

        vkXmlElemSetAttr(b, "type", "file");
        vkXmlElemSetAttr(fmt, "type", d->driverType ? d->driverType : "raw");
        vkXmlElemSetAttr(src, "file", d->src);
        elemAdd(b, fmt);
        elemAdd(b, src);
        elemAdd(b, old ? g_steal_pointer(&old) : elemNew("backingStore"));
        if (!d->extra)
            d->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(d->extra, b);
    }
    g_free(d->src);
    d->src = g_strdup(file);
    g_free(d->driverType);
    d->driverType = g_strdup("qcow2");
}

int
vkQemuSnapshotExtIs(const vkSnapshotDef *def)
{
    for (guint i = 0; def->disks && i < def->disks->len; i++) {
        if (strcmp(((vkSnapshotDiskDef *)def->disks->pdata[i])->snapshot, "external") == 0)
            return 1;
    }
    return def->memory && strcmp(def->memory, "external") == 0;
}

/* libvirt's checks of an external snapshot's disks, before anything is
 * made; fills in the overlay format (qcow2). */
static int
checkDisks(vkSnapshotDef *def, vkDomainDef *dom, bool reuse)
{
    g_autoptr(GHashTable) files = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(dom, sd->name);
        GStatBuf sb;

        if (strcmp(sd->snapshot, "internal") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "mixing internal and external targets for a snapshot is not "
                          "yet supported");
            return -1;
        }
        if (strcmp(sd->snapshot, "manual") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "manual snapshot of disk '%s' is not supported by virtkit's "
                          "QEMU driver", sd->name);
            return -1;
        }
        if (strcmp(sd->snapshot, "external") != 0)
            continue;
        if (!d || (d->type != VK_DOMAIN_DISK_TYPE_FILE &&
                   d->type != VK_DOMAIN_DISK_TYPE_BLOCK) || !d->src) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "external snapshot of disk '%s' needs a local image", sd->name);
            return -1;
        }
        if (!sd->file) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "external snapshot of disk '%s' needs a target file", sd->name);
            return -1;
        }
        if (!sd->driverType)
            sd->driverType = g_strdup("qcow2");
        if (strcmp(sd->driverType, "qcow2") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "external snapshot format for disk %s is unsupported: %s",
                          sd->name, sd->driverType);
            return -1;
        }
        if (g_hash_table_contains(files, sd->file)) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "cannot snapshot two disks into the same file '%s'", sd->file);
            return -1;
        }
        g_hash_table_add(files, sd->file);
        if (g_stat(sd->file, &sb) < 0) {
            if (reuse) {
                vkReportSystemError(errno, "missing existing file for disk %s: %s",
                                    sd->name, sd->file);
                return -1;
            }
            if (errno != ENOENT) {
                vkReportSystemError(errno, "unable to stat for disk %s: %s", sd->name,
                                    sd->file);
                return -1;
            }
        } else if (!reuse && !S_ISBLK(sb.st_mode)) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "external snapshot file for disk %s already exists and is not a "
                          "block device: %s", sd->name, sd->file);
            return -1;
        }
    }
    return 0;
}

static int
createOverlay(extDisk *e, const char *backing, const char *backingFmt, bool running)
{
    g_autofree char *size = g_strdup_printf("%llu", e->top.size);
    /* running: QEMU holds the image open, so it is not opened (-u) and
     * the overlay takes the size QEMU knows */
    const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F", backingFmt,
                           "-b", backing, running ? "-u" : e->sd->file,
                           running ? e->sd->file : NULL, size, NULL };

    if (qemuImg(argv, "create snapshot overlay", e->sd->file) < 0)
        return -1;
    e->created = true;
    return 0;
}

static void
undo(vkQemuState *st, vkQemuDomain *obj, extDisk *es, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (es[i].fmtNode && obj->run)
            vkQemuBlockDeleteNode(st, obj, es[i].fmtNode);
        if (es[i].created)
            g_unlink(es[i].sd->file);
    }
}

/* Opens the overlay of e in QEMU as libvirt-N-storage/-format, without
 * a backing file (blockdev-snapshot gives it one). */
static int
addOverlay(vkQemuState *st, vkQemuDomain *obj, extDisk *e, unsigned int n)
{
    g_autofree char *stName = g_strdup_printf("libvirt-%u-storage", n);
    g_autofree char *fmtName = g_strdup_printf("libvirt-%u-format", n);
    vkJSON *args = vkJSONNewObject();

    vkJSONObjectAppendString(args, "driver", "file");
    vkJSONObjectAppendString(args, "filename", e->sd->file);
    vkJSONObjectAppendString(args, "node-name", stName);
    vkJSONObjectAppendBool(args, "auto-read-only", true);
    vkJSONObjectAppendString(args, "discard", "unmap");
    if (vkQemuDomainMonitorCommand(st, obj, "blockdev-add", args, NULL) < 0)
        return -1;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", fmtName);
    vkJSONObjectAppendBool(args, "read-only", false);
    vkJSONObjectAppendString(args, "driver", "qcow2");
    vkJSONObjectAppendString(args, "file", stName);
    vkJSONObjectAppend(args, "backing", vkJSONNewNull());
    /* from here on, undo deletes both nodes through the format one */
    e->fmtNode = g_strdup(fmtName);
    return vkQemuDomainMonitorCommand(st, obj, "blockdev-add", args, NULL);
}

static int
takeRunning(vkQemuState *st, vkQemuDomain *obj, extDisk *es, guint n, bool reuse)
{
    vkJSON *actions = vkJSONNewArray();
    vkJSON *args;
    unsigned int index;

    for (guint i = 0; i < n; i++) {
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, es[i].sd->name);
        g_autoptr(GPtrArray) chain = NULL;
        vkQemuImage *top;

        if (d && vkQemuBlockJobOfDisk(obj, d->dst)) {
            vkReportError(VIR_ERR_OPERATION_INVALID, "disk '%s' has an active block job",
                          d->dst);
            goto error;
        }
        if (!d || !(chain = vkQemuBlockChain(st, obj, d)))
            goto error;
        top = chain->pdata[0];
        es[i].top = (vkQemuImage){ .node = g_strdup(top->node), .file = g_strdup(top->file),
                                   .format = g_strdup(top->format), .size = top->size };
    }
    for (guint i = 0; i < n && !reuse; i++) {
        if (createOverlay(&es[i], es[i].top.file, es[i].top.format, true) < 0)
            goto error;
    }
    if ((index = vkQemuBlockNextNodeIndex(st, obj)) == 0)
        goto error;
    for (guint i = 0; i < n; i++) {
        vkJSON *act = vkJSONNewObject();
        vkJSON *data = vkJSONNewObject();

        if (addOverlay(st, obj, &es[i], index + i) < 0) {
            vkJSONFree(act);
            vkJSONFree(data);
            goto error;
        }
        vkJSONObjectAppendString(data, "node", es[i].top.node);
        vkJSONObjectAppendString(data, "overlay", es[i].fmtNode);
        vkJSONObjectAppendString(act, "type", "blockdev-snapshot");
        vkJSONObjectAppend(act, "data", data);
        vkJSONArrayAppend(actions, act);
    }
    args = vkJSONNewObject();
    vkJSONObjectAppend(args, "actions", g_steal_pointer(&actions));
    if (vkQemuDomainMonitorCommand(st, obj, "transaction", args, NULL) < 0)
        goto error;

    /* the live XML from what QEMU now has open, the next boot's by hand */
    for (guint i = 0; i < n; i++) {
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, es[i].sd->name);
        g_autoptr(GPtrArray) chain = d ? vkQemuBlockChain(st, obj, d) : NULL;
        vkDomainDiskDef *pd;

        if ((d = vkQemuDiskByTarget(obj->def, es[i].sd->name)) && chain)
            vkQemuBlockSetChain(d, chain);
        else
            vkErrorReset();
        if ((pd = vkQemuDiskByTarget(obj->newDef, es[i].sd->name)) && pd->src &&
            g_strcmp0(pd->src, es[i].top.file) == 0)
            moveToOverlay(pd, es[i].sd->file, true);
    }
    return 0;

 error:
    vkJSONFree(actions);
    undo(st, obj, es, n);
    return -1;
}

/* The snapshot with the memory of a running domain (job held, locked):
 * the save image, then the overlays while the guest is stopped, then the
 * guest runs again if it ran; a failure leaves no memory file behind. */
static int
takeWithMemory(vkQemuState *st, vkQemuDomain *obj, vkSnapshotDef *def, extDisk *es,
               guint n, bool reuse, bool live)
{
    bool wasRunning = obj->state == VIR_DOMAIN_RUNNING;
    guint64 gen;
    int rc = 0;

    if (vkQemuSaveImageStart(obj, def->memoryFile, wasRunning) < 0)
        return -1;
    /* a failed stream removes the file and lets a running guest go on */
    if (vkQemuMigrateToFile(st, obj, def->memoryFile, !live, &gen) < 0)
        return -1;
    if (n && takeRunning(st, obj, es, n, reuse) < 0) {
        g_unlink(def->memoryFile);
        rc = -1;
    }
    if (!wasRunning || !obj->run || obj->run->gen != gen)
        return rc;
    if (rc == 0)
        return vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL);
    /* the snapshot's own error is the one to report */
    {
        virErrorPtr saved = vkErrorSave();

        vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL);
        vkErrorRestore(&saved);
    }
    return -1;
}

static int
takeInactive(vkQemuDomain *obj, extDisk *es, guint n, bool reuse)
{
    for (guint i = 0; i < n && !reuse; i++) {
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, es[i].sd->name);

        if (createOverlay(&es[i], d->src, d->driverType ? d->driverType : "raw", false) < 0) {
            undo(NULL, obj, es, i);   /* no nodes: only files */
            return -1;
        }
    }
    for (guint i = 0; i < n; i++)
        moveToOverlay(vkQemuDiskByTarget(obj->def, es[i].sd->name), es[i].sd->file, false);
    return 0;
}

int
vkQemuSnapshotExtCreate(virDomainPtr dom, vkQemuState *st, vkQemuDomain *obj,
                        vkSnapshotDef *def, unsigned int flags)
{
    bool reuse = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT;
    bool active = obj->id >= 0;
    bool memory = def->memory && strcmp(def->memory, "external") == 0;
    g_autoptr(GArray) es = g_array_new(FALSE, TRUE, sizeof(extDisk));
    int rc;

    (void)dom;
    if (checkDisks(def, obj->def, reuse) < 0)
        return -1;
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        extDisk e = { .sd = sd };

        if (strcmp(sd->snapshot, "external") == 0)
            g_array_append_val(es, e);
    }
    if (es->len == 0 && !memory) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "nothing selected for snapshot");
        return -1;
    }
    if (memory)
        rc = takeWithMemory(st, obj, def, (extDisk *)es->data, es->len, reuse,
                            flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE);
    else if (active)
        rc = takeRunning(st, obj, (extDisk *)es->data, es->len, reuse);
    else
        rc = takeInactive(obj, (extDisk *)es->data, es->len, reuse);
    for (guint i = 0; i < es->len; i++)
        extDiskClear(&g_array_index(es, extDisk, i));
    if (rc < 0)
        return -1;
    if (active) {
        if (!memory) {
            g_free(def->state);
            def->state = g_strdup("disk-snapshot");
        }
        if (vkQemuWriteStatus(st, obj) < 0)
            return -1;
        if (obj->persistent && obj->newDef)
            return vkQemuSaveConfig(st, obj->newDef);
        return 0;
    }
    return obj->persistent ? vkQemuSaveConfig(st, obj->def) : 0;
}

static bool
hasExternalDisk(const vkSnapshotDef *def)
{
    for (guint i = 0; def->disks && i < def->disks->len; i++) {
        if (strcmp(((vkSnapshotDiskDef *)def->disks->pdata[i])->snapshot, "external") == 0)
            return true;
    }
    return false;
}

/* The child element name of e, or NULL; with at, its index. */
static vkXmlElem *
childOf(const vkXmlElem *e, const char *name, guint *at)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0) {
            if (at)
                *at = i;
            return c;
        }
    }
    return NULL;
}

/* Disk d (a definition) goes back to the image was had, with its chain. */
static void
restoreDisk(vkDomainDiskDef *d, const vkDomainDiskDef *was)
{
    g_free(d->src);
    d->src = g_strdup(was->src);
    g_free(d->driverType);
    d->driverType = g_strdup(was->driverType);
    vkXmlElemFree(takeExtra(d, "backingStore"));
    for (guint j = 0; was->extra && j < was->extra->len; j++) {
        vkXmlElem *b = was->extra->pdata[j];
        if (strcmp(b->name, "backingStore") == 0) {
            if (!d->extra)
                d->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(d->extra, vkXmlElemCopy(b));
        }
    }
}

/* The next boot's disk d once file has been merged down: the disk is back
 * on what was had when file was its top, else file's level leaves the
 * <backingStore> chain, the level below taking its place. */
static void
mergedInNextBoot(vkDomainDiskDef *d, const vkDomainDiskDef *was, const char *file)
{
    vkXmlElem *b = NULL;
    vkXmlElem *holder = NULL;
    guint at = 0;

    if (g_strcmp0(d->src, file) == 0) {
        if (was)
            restoreDisk(d, was);
        return;
    }
    for (guint i = 0; d->extra && i < d->extra->len && !b; i++) {
        if (strcmp(((vkXmlElem *)d->extra->pdata[i])->name, "backingStore") == 0) {
            b = d->extra->pdata[i];
            at = i;
        }
    }
    while (b) {
        vkXmlElem *src = childOf(b, "source", NULL);
        guint below;

        if (src && g_strcmp0(vkXmlElemGetAttr(src, "file"), file) == 0) {
            GPtrArray *list = holder ? holder->children : d->extra;
            vkXmlElem *next = childOf(b, "backingStore", &below) ?
                              g_ptr_array_steal_index(b->children, below) : NULL;

            vkXmlElemFree(g_ptr_array_steal_index(list, at));
            if (next)
                g_ptr_array_insert(list, (gint)at, next);
            return;
        }
        holder = b;
        b = childOf(b, "backingStore", &at);
    }
}

/* A running domain's snapshot: each overlay merged down by QEMU. */
static int
deleteRunning(vkQemuState *st, vkQemuDomain *obj, vkSnapshotDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, sd->name);
        vkDomainDiskDef *pd = vkQemuDiskByTarget(obj->newDef, sd->name);

        if (strcmp(sd->snapshot, "external") != 0)
            continue;
        if (!d) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "disk '%s' of snapshot '%s' is no longer in the domain", sd->name,
                          def->name);
            return -1;
        }
        if (vkQemuBlockCommitDown(st, obj, d, sd->file) < 0)
            return -1;
        if (pd)
            mergedInNextBoot(pd, vkQemuDiskByTarget(def->dom, sd->name), sd->file);
        g_unlink(sd->file);
    }
    if (vkQemuWriteStatus(st, obj) < 0)
        return -1;
    return obj->persistent && obj->newDef ? vkQemuSaveConfig(st, obj->newDef) : 0;
}

int
vkQemuSnapshotExtDelete(vkQemuState *st, vkQemuDomain *obj, vkSnapshotDef *def,
                        bool hasChildren)
{
    /* libvirt 9.0 leaves the memory file where it is */
    if (!hasExternalDisk(def))
        return 0;
    if (obj->id >= 0)
        return deleteRunning(st, obj, def);
    /* Every overlay must still be the top of its disk to be merged back:
     * an inactive definition names no chain below its source, so libvirt
     * 9.0 finds no base for a snapshot with children either. */
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, sd->name);

        if (strcmp(sd->snapshot, "external") != 0)
            continue;
        if (hasChildren || !d || g_strcmp0(d->src, sd->file) != 0 ||
            !vkQemuDiskByTarget(def->dom, sd->name)) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "could not find base disk source in disk source chain");
            return -1;
        }
    }
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        vkDomainDiskDef *d = vkQemuDiskByTarget(obj->def, sd->name);
        vkDomainDiskDef *was = vkQemuDiskByTarget(def->dom, sd->name);
        const char *argv[] = { "qemu-img", "commit", "-q", "-d", sd->file, NULL };

        if (strcmp(sd->snapshot, "external") != 0)
            continue;
        if (qemuImg(argv, "merge snapshot overlay", sd->file) < 0)
            return -1;
        /* the chain below goes back to what the snapshot's domain had */
        restoreDisk(d, was);
        g_unlink(sd->file);
    }
    return obj->persistent ? vkQemuSaveConfig(st, obj->def) : 0;
}
