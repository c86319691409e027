/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration of disks the two hosts do not share (--copy-storage-all,
 * --copy-storage-inc), libvirt's way: the disks move over NBD, beside the
 * memory stream.
 *
 * Begin puts each copied disk's size and format into the cookie; Prepare
 * makes the images the destination lacks (in the storage pool whose
 * directory holds them, as libvirt requires: a missing image outside any
 * pool is an error), starts the incoming QEMU, then an NBD server on a
 * port of the migration range with a writable export per disk, and sends
 * the port back in its cookie.  Perform mirrors each disk into its export
 * (blockdev-mirror onto an NBD node), waits until every mirror is in
 * step, migrates the memory, and ends the mirrors with block-job-cancel
 * once QEMU paused the guest for good: a mirror in step keeps both sides
 * equal until then, so cancelling leaves a complete copy.  Finish stops
 * the NBD server before the guest runs there.  With --tls the NBD server
 * and its clients use the TLS object of the memory stream
 * (qemu-migrate-tls.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "api/migrate.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/qemu-blockjob.h"

/* How often the mirrors' progress is read while they catch up, ms. */
#define MIRROR_POLL_MS 200

bool
vkQemuMigrateCopiesStorage(unsigned int flags)
{
    return flags & (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC);
}

/* def's disks, by index (the device list is NULL when there is none). */
static guint
diskCount(const vkDomainDef *def)
{
    GPtrArray *disks = vkDomainDevList((vkDomainDef *)def, VK_DOMAIN_DEVICE_DISK);

    return disks ? disks->len : 0;
}

static vkDomainDiskDef *
diskAt(const vkDomainDef *def, guint i)
{
    return vkDomainDevList((vkDomainDef *)def, VK_DOMAIN_DEVICE_DISK)->pdata[i];
}

static bool
listed(virTypedParameterPtr params, int nparams, const char *dst, bool *any)
{
    bool found = false;

    *any = false;
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, VIR_MIGRATE_PARAM_MIGRATE_DISKS) != 0 ||
            params[i].type != VIR_TYPED_PARAM_STRING)
            continue;
        *any = true;
        if (strcmp(params[i].value.s, dst) == 0)
            found = true;
    }
    return found;
}

/* Whether disk d is copied: the ones migrate_disks names, or without that
 * list every local disk with an image that is neither read-only nor
 * shareable (those two are the same on both hosts by definition). */
static bool
copied(const vkDomainDiskDef *d, virTypedParameterPtr params, int nparams)
{
    bool any;
    bool named = listed(params, nparams, d->dst, &any);

    if (any)
        return named;
    return d->src && !d->readonly && !d->shareable &&
           (d->type == VK_DOMAIN_DISK_TYPE_FILE || d->type == VK_DOMAIN_DISK_TYPE_BLOCK ||
            d->type == VK_DOMAIN_DISK_TYPE_VOLUME);
}

/* migrate_disks naming a disk the guest has not is the caller's error. */
static int
checkListed(const vkDomainDef *def, virTypedParameterPtr params, int nparams)
{
    for (int i = 0; i < nparams; i++) {
        bool found = false;

        if (strcmp(params[i].field, VIR_MIGRATE_PARAM_MIGRATE_DISKS) != 0 ||
            params[i].type != VIR_TYPED_PARAM_STRING)
            continue;
        for (guint j = 0; j < diskCount(def) && !found; j++)
            found = strcmp(diskAt(def, j)->dst, params[i].value.s) == 0;
        if (!found) {
            vkReportError(VIR_ERR_INVALID_ARG, "disk target %s not found",
                          params[i].value.s);
            return -1;
        }
    }
    return 0;
}

int
vkQemuMigrateNbdDiskFacts(vkQemuState *st, vkQemuDomain *obj, virTypedParameterPtr params,
                          int nparams, GString *extra)
{
    int rc = -1;

    if (checkListed(obj->def, params, nparams) < 0 || vkQemuBeginJob(st, obj) < 0)
        return -1;
    for (guint i = 0; obj->run && i < diskCount(obj->def); i++) {
        vkDomainDiskDef *d = diskAt(obj->def, i);
        g_autofree char *dst = g_strdup(d->dst);
        g_autoptr(GPtrArray) chain = NULL;
        const vkQemuImage *top;

        if (!copied(d, params, nparams))
            continue;
        if (!d->src) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' has no source to copy", d->dst);
            goto out;
        }
        if (!(chain = vkQemuBlockChain(st, obj, d)))
            goto out;
        top = chain->pdata[0];
        g_string_append_printf(extra, "disk-%s=%llu %s\n", dst, top->size, top->format);
    }
    rc = vkQemuCheckActive(obj) ? 0 : -1;
 out:
    vkQemuEndJob(st, obj);
    return rc;
}

/* A missing image: a volume of the pool whose directory is the image's,
 * made of the source's size and format; libvirt does no more either. */
static int
precreate(virConnectPtr dconn, const vkDomainDiskDef *d, const char *facts,
          unsigned int flags)
{
    g_auto(GStrv) f = facts ? g_strsplit(facts, " ", 2) : NULL;
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    g_autofree char *xml = NULL;
    virStoragePoolPtr pool;
    virStorageVolPtr vol;
    unsigned long long size;

    /* -inc copies the top image only, onto a chain the destination has
     * (its top image included): libvirt 9.0 makes nothing for it, with
     * or without a backing file, and says so in these words */
    if (flags & VIR_MIGRATE_NON_SHARED_INC) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "pre-creation of storage targets for incremental storage migration "
                      "is not supported");
        return -1;
    }
    if (!f || !f[0] || !f[1]) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "no size of disk '%s' in the migration cookie",
                      d->dst);
        return -1;
    }
    if (d->type != VK_DOMAIN_DISK_TYPE_FILE) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot precreate storage for disk type '%s'",
                      vkDomainDiskTypeTable[d->type]);
        return -1;
    }
    size = g_ascii_strtoull(f[0], NULL, 10);
    dir = g_path_get_dirname(d->src);
    base = g_path_get_basename(d->src);
    if (!(pool = virStoragePoolLookupByTargetPath(dconn, dir)))
        return -1;
    xml = g_markup_printf_escaped("<volume><name>%s</name><capacity>%llu</capacity>"
                                  "<target><format type='%s'/></target></volume>",
                                  base, size, f[1]);
    vol = virStorageVolCreateXML(pool, xml, 0);
    virStoragePoolFree(pool);
    if (!vol)
        return -1;
    virStorageVolFree(vol);
    return 0;
}

/* How deep a backing chain is followed before giving up (a loop). */
#define CHAIN_MAX 16

/* The backing file a qcow2 image at path names (NULL when it is no qcow2
 * image or names none), relative names taken from path's directory. */
static char *
qcow2Backing(const char *path)
{
    unsigned char head[20];
    unsigned long long off = 0;
    unsigned int len = 0;
    g_autofree char *name = NULL;
    g_autofree char *dir = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok;

    if (fd < 0)
        return NULL;
    /* "QFI\xfb", version, then the backing name's offset (64 bits) and
     * length (32 bits), big-endian */
    ok = pread(fd, head, sizeof(head), 0) == sizeof(head) && memcmp(head, "QFI\xfb", 4) == 0;
    for (int i = 8; ok && i < 16; i++)
        off = off << 8 | head[i];
    for (int i = 16; ok && i < 20; i++)
        len = len << 8 | head[i];
    if (ok && off && len && len < 4096) {
        name = g_malloc0(len + 1);
        if (pread(fd, name, len, (off_t)off) != (ssize_t)len)
            g_clear_pointer(&name, g_free);
    }
    close(fd);
    if (!name || g_path_is_absolute(name))
        return g_steal_pointer(&name);
    dir = g_path_get_dirname(path);
    return g_build_filename(dir, name, NULL);
}

/* An image the destination has is the copy's target: its backing chain
 * must be there too (-inc copies the top only).  libvirt 9.0 looks at the
 * chain before it starts QEMU and names the missing file in these words;
 * QEMU would fail on it a moment later in its own. */
static int
checkChain(const char *path)
{
    g_autofree char *image = g_strdup(path);

    for (int depth = 0; depth < CHAIN_MAX; depth++) {
        g_autofree char *backing = qcow2Backing(image);

        if (!backing)
            return 0;
        if (access(backing, F_OK) < 0) {
            vkReportSystemError(errno, "Cannot access backing file '%s' of storage file "
                                "'%s' (as uid:%u, gid:%u)", backing, image,
                                (unsigned int)getuid(), (unsigned int)getgid());
            return -1;
        }
        g_free(image);
        image = g_steal_pointer(&backing);
    }
    return 0;
}

int
vkQemuMigrateNbdPrecreate(virConnectPtr dconn, const vkDomainDef *def,
                          virTypedParameterPtr params, int nparams, const char *cookie,
                          int cookielen, unsigned int flags)
{
    if (checkListed(def, params, nparams) < 0)
        return -1;
    for (guint i = 0; i < diskCount(def); i++) {
        const vkDomainDiskDef *d = diskAt(def, i);
        g_autofree char *key = g_strdup_printf("disk-%s", d->dst);
        g_autofree char *facts = vkQemuMigrateCookieGet(cookie, cookielen, key);

        if (!copied(d, params, nparams))
            continue;
        /* an image that is there already is the copy's target, as in
         * libvirt (the user made it, or a previous attempt did) */
        if (d->type == VK_DOMAIN_DISK_TYPE_VOLUME || !d->src)
            continue;
        if (access(d->src, F_OK) == 0) {
            if (d->type == VK_DOMAIN_DISK_TYPE_FILE && checkChain(d->src) < 0)
                return -1;
            continue;
        }
        if (precreate(dconn, d, facts, flags) < 0)
            return -1;
    }
    return 0;
}

int
vkQemuMigrateNbdServe(vkQemuState *st, vkQemuDomain *obj, const char *listen, int port,
                      virTypedParameterPtr params, int nparams, unsigned int flags)
{
    g_autofree char *portstr = g_strdup_printf("%d", port);
    vkJSON *args = vkJSONNewObject();
    vkJSON *addr = vkJSONNewObject();
    vkJSON *data = vkJSONNewObject();

    vkJSONObjectAppendString(data, "host", listen ? listen : "0.0.0.0");
    vkJSONObjectAppendString(data, "port", portstr);
    vkJSONObjectAppendString(addr, "type", "inet");
    vkJSONObjectAppend(addr, "data", data);
    vkJSONObjectAppend(args, "addr", addr);
    /* the TLS object the incoming QEMU got for the memory stream */
    if (flags & VIR_MIGRATE_TLS)
        vkJSONObjectAppendString(args, "tls-creds", VK_QEMU_MIGRATE_TLS_ALIAS);
    if (vkQemuDomainMonitorCommand(st, obj, "nbd-server-start", args, NULL) < 0)
        return -1;
    for (guint i = 0; obj->run && i < diskCount(obj->def); i++) {
        vkDomainDiskDef *d = diskAt(obj->def, i);
        g_autofree char *dst = g_strdup(d->dst);
        g_autofree char *id = NULL;
        g_autoptr(GPtrArray) chain = NULL;

        if (!copied(d, params, nparams))
            continue;
        if (!(chain = vkQemuBlockChain(st, obj, d)))
            return -1;
        /* the export is named after the disk's target, which both ends
         * know; the source writes the whole image through it */
        id = g_strdup_printf("vk-nbd-%s", dst);
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "type", "nbd");
        vkJSONObjectAppendString(args, "id", id);
        vkJSONObjectAppendString(args, "node-name", ((vkQemuImage *)chain->pdata[0])->node);
        vkJSONObjectAppendString(args, "name", dst);
        vkJSONObjectAppendBool(args, "writable", true);
        if (vkQemuDomainMonitorCommand(st, obj, "block-export-add", args, NULL) < 0)
            return -1;
    }
    return vkQemuCheckActive(obj) ? 0 : -1;
}

void
vkQemuMigrateNbdStop(vkQemuState *st, vkQemuDomain *obj)
{
    /* the exports go with the server; nothing to stop is no error */
    if (obj->run && vkQemuDomainMonitorCommand(st, obj, "nbd-server-stop", NULL, NULL) < 0)
        vkErrorReset();
}

/* The job id of disk dst's mirror, the NBD node it writes into. */
static char *
mirrorJob(const char *dst)
{
    return g_strdup_printf(VK_QEMU_MIGRATE_MIRROR_PREFIX "%s", dst);
}

static char *
mirrorNode(const char *dst)
{
    return g_strdup_printf("migration-%s-storage", dst);
}

/* query-block-jobs' entry of job id, or NULL. */
static const vkJSON *
jobEntry(const vkJSON *jobs, const char *id)
{
    for (size_t i = 0; i < vkJSONArraySize(jobs); i++) {
        const vkJSON *j = vkJSONArrayGet(jobs, i);

        if (g_strcmp0(vkJSONObjectGetString(j, "device"), id) == 0)
            return j;
    }
    return NULL;
}

/* Waits (locked, job held) until each mirror of mirrors is ready (all
 * true) or gone (all false); -1 when one failed, the migration was
 * aborted or QEMU went away. */
static int
waitMirrors(vkQemuState *st, vkQemuDomain *obj, GPtrArray *mirrors, bool ready)
{
    for (;;) {
        g_autoptr(vkJSON) jobs = NULL;
        guint done = 0;

        if (ready && obj->mig.abort) {
            vkReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                          "migration out job: canceled by client");
            return -1;
        }
        if (vkQemuDomainMonitorCommand(st, obj, "query-block-jobs", NULL, &jobs) < 0)
            return -1;
        for (guint i = 0; i < mirrors->len; i++) {
            g_autofree char *id = mirrorJob(mirrors->pdata[i]);
            const vkJSON *j = jobEntry(jobs, id);
            bool isReady = false;

            if (!ready) {
                done += !j || g_strcmp0(vkJSONObjectGetString(j, "status"),
                                        "concluded") == 0;
                continue;
            }
            if (!j || vkJSONObjectGetString(j, "error") ||
                g_strcmp0(vkJSONObjectGetString(j, "status"), "concluded") == 0) {
                const char *why = j ? vkJSONObjectGetString(j, "error") : NULL;

                vkReportError(VIR_ERR_OPERATION_FAILED,
                              "migration of disk %s failed: %s", (char *)mirrors->pdata[i],
                              why ? why : "the mirror ended");
                return -1;
            }
            if (vkJSONGetBool(vkJSONObjectGet(j, "ready"), &isReady) == 0 && isReady)
                done++;
        }
        if (done == mirrors->len)
            return 0;
        g_cond_wait_until(&st->jobCond, &st->lock,
                          g_get_monotonic_time() + MIRROR_POLL_MS * G_TIME_SPAN_MILLISECOND);
        if (!vkQemuCheckActive(obj))
            return -1;
    }
}

/* The disks obj's Perform mirrors (their targets), or NULL with an error. */
static GPtrArray *
mirroredDisks(vkQemuDomain *obj, virTypedParameterPtr params, int nparams)
{
    g_autoptr(GPtrArray) dsts = g_ptr_array_new_with_free_func(g_free);

    if (checkListed(obj->def, params, nparams) < 0)
        return NULL;
    for (guint i = 0; i < diskCount(obj->def); i++) {
        vkDomainDiskDef *d = diskAt(obj->def, i);

        if (copied(d, params, nparams))
            g_ptr_array_add(dsts, g_strdup(d->dst));
    }
    return g_steal_pointer(&dsts);
}

/* Starts disk dst's mirror into export dst of host:port (locked, job). */
static int
startMirror(vkQemuState *st, vkQemuDomain *obj, const char *dst, const char *host,
            const char *port, unsigned int flags)
{
    g_autofree char *node = mirrorNode(dst);
    g_autofree char *id = mirrorJob(dst);
    g_autoptr(GPtrArray) chain = NULL;
    vkDomainDiskDef *d = NULL;
    vkJSON *args, *server;

    for (guint i = 0; i < diskCount(obj->def) && !d; i++) {
        if (strcmp(diskAt(obj->def, i)->dst, dst) == 0)
            d = diskAt(obj->def, i);
    }
    if (!d) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "disk %s went away", dst);
        return -1;
    }
    if (!(chain = vkQemuBlockChain(st, obj, d)))
        return -1;
    /* a node an interrupted migration left (a daemon killed in its
     * middle) would make the name a duplicate */
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", node);
    if (vkQemuDomainMonitorCommand(st, obj, "blockdev-del", args, NULL) < 0)
        vkErrorReset();
    server = vkJSONNewObject();
    vkJSONObjectAppendString(server, "type", "inet");
    vkJSONObjectAppendString(server, "host", host);
    vkJSONObjectAppendString(server, "port", port);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "driver", "nbd");
    vkJSONObjectAppend(args, "server", server);
    vkJSONObjectAppendString(args, "export", dst);
    vkJSONObjectAppendString(args, "node-name", node);
    vkJSONObjectAppendBool(args, "read-only", false);
    if (flags & VIR_MIGRATE_TLS) {
        vkJSONObjectAppendString(args, "tls-creds", VK_QEMU_MIGRATE_TLS_ALIAS);
        vkJSONObjectAppendString(args, "tls-hostname", host);
    }
    if (vkQemuDomainMonitorCommand(st, obj, "blockdev-add", args, NULL) < 0)
        return -1;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "job-id", id);
    vkJSONObjectAppendString(args, "device", ((vkQemuImage *)chain->pdata[0])->node);
    vkJSONObjectAppendString(args, "target", node);
    /* -inc: the destination has the backing chain, only the top moves */
    vkJSONObjectAppendString(args, "sync",
                             (flags & VIR_MIGRATE_NON_SHARED_INC) ? "top" : "full");
    vkJSONObjectAppendBool(args, "auto-finalize", true);
    vkJSONObjectAppendBool(args, "auto-dismiss", true);
    return vkQemuDomainMonitorCommand(st, obj, "blockdev-mirror", args, NULL);
}

/* Ends the mirrors (locked, job held): cancelled, waited for, their NBD
 * nodes deleted.  After a completed migration the cancel of a mirror in
 * step is its clean end; after a failure it drops the copy. */
static int
endMirrors(vkQemuState *st, vkQemuDomain *obj, GPtrArray *dsts, bool force)
{
    int rc = 0;

    for (guint i = 0; obj->run && i < dsts->len; i++) {
        g_autofree char *id = mirrorJob(dsts->pdata[i]);
        vkJSON *args = vkJSONNewObject();

        vkJSONObjectAppendString(args, "device", id);
        vkJSONObjectAppendBool(args, "force", force);
        if (vkQemuDomainMonitorCommand(st, obj, "block-job-cancel", args, NULL) < 0) {
            if (!force)
                rc = -1;
            vkErrorReset();
        }
    }
    if (obj->run && waitMirrors(st, obj, dsts, false) < 0) {
        rc = -1;
        vkErrorReset();
    }
    for (guint i = 0; obj->run && i < dsts->len; i++) {
        g_autofree char *node = mirrorNode(dsts->pdata[i]);
        vkJSON *args = vkJSONNewObject();

        vkJSONObjectAppendString(args, "node-name", node);
        if (vkQemuDomainMonitorCommand(st, obj, "blockdev-del", args, NULL) < 0)
            vkErrorReset();
    }
    return rc;
}

int
vkQemuMigrateNbdMirror(vkQemuState *st, vkQemuDomain *obj, const char *uri,
                       const char *cookie, int cookielen, virTypedParameterPtr params,
                       int nparams, unsigned int flags, GPtrArray **mirrors)
{
    g_autofree char *port = vkQemuMigrateCookieGet(cookie, cookielen, "nbd-port");
    g_autofree char *host = NULL;
    g_autoptr(GPtrArray) dsts = NULL;
    int uport;

    *mirrors = NULL;
    if (!port) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "the destination's cookie has no NBD port for the storage copy");
        return -1;
    }
    if (vkQemuMigrateParseURI(uri, &host, &uport) < 0)
        return -1;
    if (!host) {
        vkReportError(VIR_ERR_INVALID_ARG, "migration URI '%s' names no host", uri);
        return -1;
    }
    if (!(dsts = mirroredDisks(obj, params, nparams)))
        return -1;
    for (guint i = 0; i < dsts->len; i++) {
        if (startMirror(st, obj, dsts->pdata[i], host, port, flags) < 0) {
            virErrorPtr saved = vkErrorSave();

            /* the ones started, and this one's node if it was added */
            g_ptr_array_set_size(dsts, i + 1);
            endMirrors(st, obj, dsts, true);
            vkErrorRestore(&saved);
            return -1;
        }
    }
    if (waitMirrors(st, obj, dsts, true) < 0) {
        virErrorPtr saved = vkErrorSave();

        endMirrors(st, obj, dsts, true);
        vkErrorRestore(&saved);
        return -1;
    }
    *mirrors = g_steal_pointer(&dsts);
    return 0;
}

int
vkQemuMigrateNbdSwitchover(vkQemuState *st, vkQemuDomain *obj, GPtrArray *mirrors)
{
    g_autoptr(GPtrArray) owned = mirrors;
    vkJSON *args;
    int rc = endMirrors(st, obj, owned, false);

    if (rc < 0) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      "the copy of the disks did not end cleanly");
        if (obj->run && vkQemuDomainMonitorCommand(st, obj, "migrate_cancel", NULL,
                                                   NULL) < 0)
            vkErrorReset();
        return -1;
    }
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "state", "pre-switchover");
    if ((rc = vkQemuDomainMonitorCommand(st, obj, "migrate-continue", args, NULL)) < 0) {
        virErrorPtr saved = vkErrorSave();

        /* not left waiting at pre-switchover for ever */
        if (obj->run && vkQemuDomainMonitorCommand(st, obj, "migrate_cancel", NULL,
                                                   NULL) < 0)
            vkErrorReset();
        vkErrorRestore(&saved);
    }
    return rc;
}

int
vkQemuMigrateNbdEnd(vkQemuState *st, vkQemuDomain *obj, GPtrArray *mirrors, bool ok)
{
    virErrorPtr saved = ok ? NULL : vkErrorSave();
    int rc;

    if (!mirrors)
        return 0;
    rc = endMirrors(st, obj, mirrors, !ok);
    if (!ok)
        vkErrorRestore(&saved);
    else if (rc < 0)
        vkReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      "the copy of the disks did not end cleanly");
    return ok ? rc : -1;
}
