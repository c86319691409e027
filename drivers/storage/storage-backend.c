/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pool types: what build, start, stop and delete do on the host.
 *
 * The idea: every pool type whose volumes are files in a directory ("dir",
 * and "fs", which first mounts a filesystem from a block device on that
 * directory) shares the volume code of storage-file.c; a type is only
 * the few hooks below.  Types that need something this host cannot give
 * are refused at define with the reason, never accepted and then failing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/storage/storage-private.h"

/* ---- the source element (kept as a tree by src/conf) ---- */

const vkXmlElem *
vkStorageElemChild(const vkXmlElem *e, const char *name)
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        const vkXmlElem *c = e->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

const char *
vkStorageSourceDevice(const vkStoragePoolDef *def)
{
    return vkXmlElemGetAttr(vkStorageElemChild(def->source, "device"), "path");
}

const char *
vkStorageSourceFormat(const vkStoragePoolDef *def)
{
    return vkXmlElemGetAttr(vkStorageElemChild(def->source, "format"), "type");
}

vkXmlElem *
vkStorageElemAdd(vkXmlElem *parent, const char *name)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup(name);
    if (parent) {
        if (!parent->children)
            parent->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(parent->children, e);
    }
    return e;
}

void
vkStorageElemDrop(vkXmlElem *parent, const char *name)
{
    for (guint i = 0; parent && parent->children && i < parent->children->len;) {
        const vkXmlElem *c = parent->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            g_ptr_array_remove_index(parent->children, i);
        else
            i++;
    }
}

/* ---- running the host's tools ---- */

int
vkStorageRun(const char *const *argv, char **out)
{
    g_autofree char *prog = g_find_program_in_path(argv[0]);
    g_autofree char *cmdline = NULL;
    g_autofree char *errout = NULL;
    g_autofree char *stdoutText = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    int status = 0;

    if (!prog) {
        /* libvirt's words when a tool is not installed */
        vkReportSystemError(ENOENT, "Cannot find '%s' in path", argv[0]);
        return -1;
    }
    g_ptr_array_add(args, prog);
    for (size_t i = 1; argv[i]; i++)
        g_ptr_array_add(args, (char *)argv[i]);
    g_ptr_array_add(args, NULL);
    cmdline = g_strjoinv(" ", (char **)args->pdata);
    if (!g_spawn_sync(NULL, (char **)args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &stdoutText, &errout, &status, &err)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot run %s: %s", cmdline, err->message);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "Child process (%s) unexpected %s %d: %s",
                      cmdline, WIFEXITED(status) ? "exit status" : "fatal signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                      g_strstrip(errout));
        return -1;
    }
    if (out)
        *out = g_steal_pointer(&stdoutText);
    return 0;
}

/* ---- dir ---- */

static int
requireDir(const char *path, const char *pool)
{
    struct stat sb;

    if (stat(path, &sb) < 0) {
        vkReportSystemError(errno, "cannot open directory '%s' of storage pool '%s'",
                            path, pool);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "target '%s' of storage pool '%s' is not a directory", path, pool);
        return -1;
    }
    return 0;
}

static int
dirBuild(vkStoragePoolDef *def, unsigned int flags)
{
    struct stat sb;

    (void)flags;
    if (stat(def->targetPath, &sb) == 0)
        return requireDir(def->targetPath, def->name);
    /* libvirt's default mode for a directory it makes for a pool */
    if (g_mkdir_with_parents(def->targetPath, 0711) < 0) {
        vkReportSystemError(errno, "cannot create directory '%s'", def->targetPath);
        return -1;
    }
    return 0;
}

static int
dirStart(vkStoragePoolDef *def)
{
    return requireDir(def->targetPath, def->name);
}

static bool
dirIsRunning(vkStoragePoolDef *def)
{
    return g_file_test(def->targetPath, G_FILE_TEST_IS_DIR);
}

static int
dirStop(vkStoragePoolDef *def)
{
    (void)def;
    return 0;
}

int
vkStorageDirRemove(vkStoragePoolDef *def, unsigned int flags)
{
    (void)flags;
    if (rmdir(def->targetPath) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "failed to remove pool '%s' directory '%s'",
                            def->name, def->targetPath);
        return -1;
    }
    return 0;
}

/* The directory's filesystem sizes and its files as volumes. */
int
vkStorageDirRefresh(vkStoragePoolDef *def, GPtrArray *vols)
{
    struct statvfs vfs;
    struct stat sb;
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) err = NULL;
    const char *n;

    if (statvfs(def->targetPath, &vfs) < 0 || stat(def->targetPath, &sb) < 0) {
        vkReportSystemError(errno, "cannot read storage pool directory '%s'",
                            def->targetPath);
        return -1;
    }
    def->capacity = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
    def->allocation = (unsigned long long)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
    /* libvirt counts the root-reserved blocks as available */
    def->available = (unsigned long long)vfs.f_bfree * vfs.f_frsize;
    vkStorageFileHostInfo(&sb, &def->targetInfo);
    def->targetInfo.hasTimes = false;
    if (!(dir = g_dir_open(def->targetPath, 0, &err))) {
        vkReportError(VIR_ERR_SYSTEM_ERROR, "cannot open directory '%s': %s",
                      def->targetPath, err->message);
        return -1;
    }
    while ((n = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        vkStorageVolDef *v;

        if (n[0] == '.')
            continue;
        path = g_build_filename(def->targetPath, n, NULL);
        /* Files that vanish meanwhile, sockets and subdirectories are
         * not volumes. */
        if ((v = vkStorageFileProbe(path, n)))
            g_ptr_array_add(vols, v);
        vkErrorReset();
    }
    return 0;
}

/* ---- fs: a filesystem on a block device, mounted on the target ---- */

static int
fsSource(vkStoragePoolDef *def, const char **dev, const char **fmt)
{
    *dev = vkStorageSourceDevice(def);
    *fmt = vkStorageSourceFormat(def);
    if (!*dev) {
        vkReportError(VIR_ERR_INVALID_ARG, "storage pool '%s' has no source device path",
                      def->name);
        return -1;
    }
    if (!*fmt || strcmp(*fmt, "auto") == 0)
        *fmt = "ext4";
    return 0;
}

static bool
isMountedOn(const char *target)
{
    g_autofree char *mounts = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/self/mounts", &mounts, NULL, NULL))
        return false;
    lines = g_strsplit(mounts, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 3);

        if (f[0] && f[1] && strcmp(f[1], target) == 0)
            return true;
    }
    return false;
}

static int
fsBuild(vkStoragePoolDef *def, unsigned int flags)
{
    const char *dev, *fmt;
    g_autofree char *mkfs = NULL;
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (fsSource(def, &dev, &fmt) < 0 || dirBuild(def, 0) < 0)
        return -1;
    if (!(flags & (VIR_STORAGE_POOL_BUILD_OVERWRITE | VIR_STORAGE_POOL_BUILD_NO_OVERWRITE)))
        return 0;
    mkfs = g_strconcat("mkfs.", fmt, NULL);
    {
        const char *argv[] = { mkfs, "-q", "-F", dev, NULL };
        const char *argvNoF[] = { mkfs, dev, NULL };
        bool ext = g_str_has_prefix(fmt, "ext");

        if (flags & VIR_STORAGE_POOL_BUILD_NO_OVERWRITE) {
            const char *probe[] = { "blkid", "-p", dev, NULL };

            if (g_spawn_sync(NULL, (char **)probe, NULL, G_SPAWN_SEARCH_PATH |
                             G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                             NULL, NULL, NULL, NULL, &status, NULL) &&
                g_spawn_check_wait_status(status, NULL)) {
                vkReportError(VIR_ERR_STORAGE_POOL_BUILT,
                              "device '%s' already holds a filesystem", dev);
                return -1;
            }
        }
        if (!g_spawn_sync(NULL, (char **)(ext ? argv : argvNoF), NULL,
                          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                          NULL, &errout, &status, &err) ||
            !g_spawn_check_wait_status(status, NULL)) {
            vkReportError(VIR_ERR_OPERATION_FAILED, "cannot make a %s filesystem on '%s': %s",
                          fmt, dev, err ? err->message : g_strstrip(errout));
            return -1;
        }
    }
    return 0;
}

static int
fsStart(vkStoragePoolDef *def)
{
    const char *dev, *fmt;

    if (fsSource(def, &dev, &fmt) < 0 || requireDir(def->targetPath, def->name) < 0)
        return -1;
    if (isMountedOn(def->targetPath))
        return 0;
    if (mount(dev, def->targetPath, fmt, MS_NOSUID | MS_NODEV, NULL) < 0) {
        vkReportSystemError(errno, "cannot mount '%s' (%s) on '%s'", dev, fmt,
                            def->targetPath);
        return -1;
    }
    return 0;
}

static bool
fsIsRunning(vkStoragePoolDef *def)
{
    return isMountedOn(def->targetPath);
}

static int
fsStop(vkStoragePoolDef *def)
{
    if (isMountedOn(def->targetPath) && umount2(def->targetPath, 0) < 0) {
        vkReportSystemError(errno, "cannot unmount '%s'", def->targetPath);
        return -1;
    }
    return 0;
}

static const vkStorageBackend backendDir = {
    VK_STORAGE_POOL_DIR, dirBuild, dirStart, dirIsRunning, dirStop, vkStorageDirRemove, vkStorageDirRefresh,
    NULL, NULL, NULL,
};
static const vkStorageBackend backendFs = {
    VK_STORAGE_POOL_FS, fsBuild, fsStart, fsIsRunning, fsStop, vkStorageDirRemove, vkStorageDirRefresh,
    NULL, NULL, NULL,
};

static const vkStorageBackend *const backends[] = {
    &backendDir, &backendFs, &vkStorageBackendNetfs, &vkStorageBackendLogical,
    &vkStorageBackendDisk, &vkStorageBackendIscsi,
};

static const vkStorageBackend *
backendFind(int type)
{
    for (size_t i = 0; i < G_N_ELEMENTS(backends); i++) {
        if (backends[i]->type == type)
            return backends[i];
    }
    return NULL;
}

/* libvirt 9.0 as Debian builds it has no iscsi-direct backend (no
 * libiscsi) and says so in these words; the types below it has none of
 * either, or they need a cluster. */
static void
reportMissing(int type)
{
    if (type == VK_STORAGE_POOL_ISCSI_DIRECT)
        vkReportError(VIR_ERR_INTERNAL_ERROR, "missing backend for pool type %d (%s)", 6,
                      vkStoragePoolTypeToString(type));
    else
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "storage pool type '%s' is not supported by this storage driver "
                      "(supported: dir, fs, logical, disk, netfs, iscsi)",
                      vkStoragePoolTypeToString(type));
}

const vkStorageBackend *
vkStorageBackendFor(int type)
{
    const vkStorageBackend *be = backendFind(type);

    if (!be)
        reportMissing(type);
    return be;
}

const vkStorageBackend *
vkStorageBackendPrepare(vkStoragePoolDef *def)
{
    const vkStorageBackend *be = vkStorageBackendFor(def->type);

    if (!be)
        return NULL;
    /* the source parts libvirt's parser requires of each type */
    if ((def->type == VK_STORAGE_POOL_DISK || def->type == VK_STORAGE_POOL_FS) &&
        !vkStorageSourceDevice(def)) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing storage pool source device name");
        return NULL;
    }
    if ((def->type == VK_STORAGE_POOL_NETFS || def->type == VK_STORAGE_POOL_ISCSI) &&
        !vkXmlElemGetAttr(vkStorageElemChild(def->source, "host"), "name")) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing storage pool source host name");
        return NULL;
    }
    if (def->type == VK_STORAGE_POOL_LOGICAL) {
        /* the group is named after the pool unless told; LVM2 format */
        if (!def->source)
            def->source = vkStorageElemAdd(NULL, "source");
        if (!vkStorageElemChild(def->source, "name"))
            vkStorageElemAdd(def->source, "name")->text = g_strdup(def->name);
        if (!vkStorageElemChild(def->source, "format"))
            vkXmlElemSetAttr(vkStorageElemAdd(def->source, "format"), "type", "lvm2");
    }
    return be;
}

static bool
pathWithin(const char *inner, const char *outer)
{
    size_t n = strlen(outer);

    return strncmp(inner, outer, n) == 0 && (inner[n] == '/' || inner[n] == '\0' ||
                                             (n == 1 && outer[0] == '/'));
}

static bool
filePool(const vkStoragePoolDef *def)
{
    return def->type == VK_STORAGE_POOL_DIR || def->type == VK_STORAGE_POOL_FS ||
           def->type == VK_STORAGE_POOL_NETFS;
}

int
vkStorageBackendCheckOverlap(vkStorageState *st, const vkStoragePoolDef *def)
{
    g_autofree char *mine = def->targetPath ? g_canonicalize_filename(def->targetPath, "/")
                                            : NULL;
    const char *dev = vkStorageSourceDevice(def);

    for (guint i = 0; i < st->pools->len; i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];
        const vkStoragePoolDef *other = o->def;
        g_autofree char *theirs = NULL;
        const char *odev = vkStorageSourceDevice(other);

        if (strcmp(other->name, def->name) == 0)
            continue;
        if (dev && odev && strcmp(dev, odev) == 0) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "Storage source conflict with pool: '%s' (device '%s')",
                          other->name, dev);
            return -1;
        }
        if (def->type == VK_STORAGE_POOL_LOGICAL && other->type == def->type &&
            g_strcmp0(vkStorageLogicalVg(def), vkStorageLogicalVg(other)) == 0) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "Storage source conflict with pool: '%s' (volume group '%s')",
                          other->name, vkStorageLogicalVg(def));
            return -1;
        }
        /* Block pools share /dev as their target; only the pools whose
         * volumes are files in it must not nest. */
        if (!mine || !other->targetPath || !filePool(def) || !filePool(other))
            continue;
        theirs = g_canonicalize_filename(other->targetPath, "/");
        if (pathWithin(mine, theirs) || pathWithin(theirs, mine)) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "Storage source conflict with pool: '%s' (target '%s' "
                          "overlaps '%s')", other->name, mine, theirs);
            return -1;
        }
    }
    return 0;
}

char *
vkStorageBackendFindSources(const char *type, const char *srcSpec)
{
    g_autoptr(vkStoragePoolDef) spec = NULL;
    g_autofree char *xml = NULL;
    const vkStorageBackend *be = NULL;
    int t;

    for (t = 0; t < VK_STORAGE_POOL_LAST; t++) {
        if (strcmp(vkStoragePoolTypeToString(t), type) == 0)
            break;
    }
    if (t == VK_STORAGE_POOL_LAST) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "unknown storage pool type %s", type);
        return NULL;
    }
    if (t == VK_STORAGE_POOL_ISCSI_DIRECT) {
        reportMissing(t);
        return NULL;
    }
    if (!(be = backendFind(t)) || !be->findSources) {
        vkReportError(VIR_ERR_NO_SUPPORT, "pool type '%s' does not support source discovery",
                      type);
        return NULL;
    }
    /* The spec is a <source> element: read as the source of a pool of
     * the type, through the same parser as a definition. */
    xml = g_strdup_printf("<pool type='%s'><name>spec</name>%s"
                          "<target><path>/</path></target></pool>", type,
                          srcSpec ? srcSpec : "");
    if (!(spec = vkStoragePoolDefParseString(xml)))
        return NULL;
    return be->findSources(spec);
}
