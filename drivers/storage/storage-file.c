/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Volume files: probe, create, clone, resize.
 *
 * The idea: a syscall wherever one does the job (fallocate for raw
 * allocation, FICLONE for a reflink clone, copy_file_range over the data
 * extents found with SEEK_DATA/SEEK_HOLE for a sparse copy, ftruncate for
 * resize), qemu-img only for what needs an image format's metadata
 * (creating, converting and resizing qcow2 and friends).  The qcow2
 * header is read here (virtual size, backing file and its format), so
 * listing a pool runs no process at all.  Whatever fails half-way leaves
 * no file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "drivers/storage/storage-private.h"

/* Formats qemu-img can create; raw is done here. */
static const char *const imageFormats[] = {
    "qcow2", "qcow", "qed", "vmdk", "vpc", "vdi", "vhdx", NULL,
};

static guint64
be64(const unsigned char *p)
{
    return GUINT64_FROM_BE(*(const guint64 *)(const void *)p);
}

static guint32
be32(const unsigned char *p)
{
    return GUINT32_FROM_BE(*(const guint32 *)(const void *)p);
}

/* Reads the qcow2 header: virtual size, backing file name and format (a
 * header extension).  Returns false when the file is not qcow2. */
static bool
probeQcow2(int fd, unsigned long long *size, char **backing, char **backingFmt)
{
    unsigned char h[4096];
    ssize_t n = pread(fd, h, sizeof(h), 0);
    guint64 boff;
    guint32 bsize, version, off;

    if (n < 104 || memcmp(h, "QFI\xfb", 4) != 0)
        return false;
    version = be32(h + 4);
    boff = be64(h + 8);
    bsize = be32(h + 16);
    *size = be64(h + 24);
    if (boff && bsize && bsize < 4096) {
        g_autofree char *name = g_malloc0(bsize + 1);

        if (pread(fd, name, bsize, (off_t)boff) == (ssize_t)bsize)
            *backing = g_steal_pointer(&name);
    }
    /* Header extensions follow the header: type, length, padded data. */
    off = version >= 3 ? be32(h + 100) : 72;
    while (off + 8 <= (guint32)n) {
        guint32 type = be32(h + off), len = be32(h + off + 4);

        if (type == 0 || off + 8 + len > (guint32)n)
            break;
        if (type == 0xE2792ACA && len < 64)
            *backingFmt = g_strndup((const char *)h + off + 8, len);
        off += 8 + ((len + 7) & ~7u);
    }
    return true;
}

void
vkStorageFileHostInfo(const struct stat *sb, vkStorageHostInfo *info)
{
    info->set = true;
    info->mode = sb->st_mode & 07777;
    info->uid = sb->st_uid;
    info->gid = sb->st_gid;
    info->hasTimes = true;
    info->atime[0] = sb->st_atim.tv_sec;
    info->atime[1] = sb->st_atim.tv_nsec;
    info->mtime[0] = sb->st_mtim.tv_sec;
    info->mtime[1] = sb->st_mtim.tv_nsec;
    info->ctime[0] = sb->st_ctim.tv_sec;
    info->ctime[1] = sb->st_ctim.tv_nsec;
}

vkStorageVolDef *
vkStorageFileProbe(const char *path, const char *name)
{
    g_autoptr(vkStorageVolDef) v = g_new0(vkStorageVolDef, 1);
    struct stat sb, bsb;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)) < 0 ||
        fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s'", path);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "'%s' is not a regular file", path);
        return NULL;
    }
    v->name = g_strdup(name);
    v->path = g_strdup(path);
    v->key = g_strdup(path);
    v->type = VIR_STORAGE_VOL_FILE;
    v->mode = -1;
    v->capacity = sb.st_size;
    if (probeQcow2(fd, &v->capacity, &v->backingPath, &v->backingFormat))
        v->format = g_strdup("qcow2");
    else
        v->format = g_strdup("raw");
    close(fd);
    v->hasAllocation = true;
    v->allocation = (unsigned long long)sb.st_blocks * 512;
    v->hasPhysical = true;
    v->physical = sb.st_size;
    vkStorageFileHostInfo(&sb, &v->info);
    if (v->backingPath && stat(v->backingPath, &bsb) == 0)
        vkStorageFileHostInfo(&bsb, &v->backingInfo);
    /* libvirt names the format of a backing file it cannot name "raw" */
    if (v->backingPath && !v->backingFormat)
        v->backingFormat = g_strdup("raw");
    return g_steal_pointer(&v);
}

/* Runs qemu-img; its stderr becomes the error message. */
static int
qemuImg(const char *const *argv, const char *what, const char *path)
{
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "cannot run qemu-img to %s '%s': %s",
                      what, path, err->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "qemu-img could not %s '%s': %s",
                      what, path, g_strstrip(errout));
        return -1;
    }
    return 0;
}

static bool
isImageFormat(const char *fmt)
{
    return fmt && g_strv_contains(imageFormats, fmt);
}

/* -o for a new image of def's format. */
static char *
imageOptions(const vkStorageVolDef *def, unsigned int flags, const char *backingFmt)
{
    GString *o = g_string_new(NULL);

    if (strcmp(def->format, "qcow2") == 0) {
        g_string_append_printf(o, "compat=%s", def->compat ? def->compat : "1.1");
        if (def->lazyRefcounts)
            g_string_append(o, ",lazy_refcounts=on");
    }
    if (flags & VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA)
        g_string_append_printf(o, "%spreallocation=%s", o->len ? "," : "",
                               def->hasAllocation && def->allocation >= def->capacity
                                   ? "falloc" : "metadata");
    if (def->backingPath)
        g_string_append_printf(o, "%sbacking_fmt=%s", o->len ? "," : "",
                               backingFmt ? backingFmt : "raw");
    return g_string_free(o, FALSE);
}

static int
checkFormat(const vkStorageVolDef *def)
{
    if (strcmp(def->format, "raw") == 0 || isImageFormat(def->format))
        return 0;
    vkReportError(VIR_ERR_NO_SUPPORT, "unsupported volume format '%s' for '%s'",
                  def->format, def->path);
    return -1;
}

static int
createImage(const vkStorageVolDef *def, unsigned int flags)
{
    g_autofree char *size = g_strdup_printf("%llu", def->capacity);
    g_autofree char *opts = NULL;
    g_autofree char *backingFmt = g_strdup(def->backingFormat);
    const char *argv[16];
    size_t n = 0;

    if (def->backingPath) {
        g_autoptr(vkStorageVolDef) base = NULL;

        if (!(base = vkStorageFileProbe(def->backingPath, def->backingPath))) {
            vkErrorReset();
            vkReportError(VIR_ERR_INVALID_ARG, "backing store '%s' of volume '%s' "
                          "does not exist", def->backingPath, def->name);
            return -1;
        }
        if (!backingFmt)
            backingFmt = g_strdup(base->format);
    }
    if ((flags & VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA) && def->backingPath) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "metadata preallocation conflicts with backing store");
        return -1;
    }
    if (def->lazyRefcounts && def->compat && strcmp(def->compat, "0.10") == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "lazy_refcounts not supported with compat level 0.10");
        return -1;
    }
    opts = imageOptions(def, flags, backingFmt);
    argv[n++] = "qemu-img";
    argv[n++] = "create";
    argv[n++] = "-q";
    argv[n++] = "-f";
    argv[n++] = def->format;
    if (def->backingPath) {
        argv[n++] = "-b";
        argv[n++] = def->backingPath;
    }
    if (*opts) {
        argv[n++] = "-o";
        argv[n++] = opts;
    }
    argv[n++] = def->path;
    argv[n++] = size;
    argv[n] = NULL;
    if (qemuImg(argv, "create", def->path) < 0) {
        g_unlink(def->path);
        return -1;
    }
    chmod(def->path, def->mode >= 0 ? def->mode : 0600);
    return 0;
}

/* A new raw file, exclusive; -1 with the error set. */
static int
createRawFile(const vkStorageVolDef *def)
{
    int fd = open(def->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  def->mode >= 0 ? def->mode : 0600);

    if (fd < 0) {
        vkReportSystemError(errno, "cannot create volume '%s'", def->path);
        return -1;
    }
    if (def->mode >= 0)
        fchmod(fd, def->mode);
    return fd;
}

/* Sizes a new raw file and allocates its first alloc bytes; on failure
 * closes and removes it. */
static int
finishRaw(int fd, const vkStorageVolDef *def, unsigned long long alloc)
{
    int err = 0;

    if (ftruncate(fd, (off_t)def->capacity) < 0)
        err = errno;
    else if (alloc && fallocate(fd, 0, 0, (off_t)MIN(alloc, def->capacity)) < 0)
        err = errno;
    else if (fsync(fd) < 0)
        err = errno;
    close(fd);
    if (err) {
        g_unlink(def->path);
        vkReportSystemError(err, "cannot allocate %llu bytes for volume '%s'",
                            alloc ? alloc : def->capacity, def->path);
        return -1;
    }
    return 0;
}

int
vkStorageFileCreate(const vkStorageVolDef *def, unsigned int flags)
{
    int fd;

    if (checkFormat(def) < 0)
        return -1;
    if (strcmp(def->format, "raw") != 0)
        return createImage(def, flags);
    if (def->backingPath) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                      "backing storage not supported for raw volumes");
        return -1;
    }
    if ((fd = createRawFile(def)) < 0)
        return -1;
    return finishRaw(fd, def, def->hasAllocation ? def->allocation : def->capacity);
}

/* Copies the data extents of in to out (same offsets), leaving holes. */
static int
copyExtents(int in, int out, off_t end)
{
    off_t data = 0, hole;

    while (data < end) {
        if ((data = lseek(in, data, SEEK_DATA)) < 0)
            return errno == ENXIO ? 0 : -errno;
        if ((hole = lseek(in, data, SEEK_HOLE)) < 0)
            return -errno;
        hole = MIN(hole, end);
        while (data < hole) {
            loff_t src = data, dst = data;
            ssize_t n = copy_file_range(in, &src, out, &dst, hole - data, 0);

            if (n < 0)
                return -errno;
            if (n == 0)
                return -EIO;
            data += n;
        }
    }
    return 0;
}

/* A byte-for-byte copy: a reflink where the filesystem shares extents
 * (instant, whatever the size), else the data extents only. */
static int
cloneFile(const vkStorageVolDef *def, const vkStorageVolDef *src, unsigned int flags)
{
    int in, out, rc;
    struct stat sb;

    if ((in = open(src->path, O_RDONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s'", src->path);
        return -1;
    }
    if ((out = createRawFile(def)) < 0) {
        close(in);
        return -1;
    }
    if (ioctl(out, FICLONE, in) == 0) {
        rc = 0;
    } else if (flags & VIR_STORAGE_VOL_CREATE_REFLINK) {
        rc = -errno;
    } else {
        rc = fstat(in, &sb) < 0 ? -errno : copyExtents(in, out, sb.st_size);
    }
    close(in);
    if (rc < 0) {
        close(out);
        g_unlink(def->path);
        vkReportSystemError(-rc, "cannot %s volume '%s' to '%s'",
                            (flags & VIR_STORAGE_VOL_CREATE_REFLINK) ? "reflink" : "copy",
                            src->path, def->path);
        return -1;
    }
    /* a raw clone may be larger than its source: extended sparse */
    if (strcmp(def->format, "raw") == 0)
        return finishRaw(out, def, 0);
    rc = fsync(out) < 0 ? errno : 0;
    close(out);
    if (rc) {
        g_unlink(def->path);
        vkReportSystemError(rc, "cannot write volume '%s'", def->path);
        return -1;
    }
    return 0;
}

int
vkStorageFileClone(const vkStorageVolDef *def, const vkStorageVolDef *src,
                   unsigned int flags)
{
    bool sameFormat = strcmp(def->format, src->format) == 0;

    if (checkFormat(def) < 0)
        return -1;
    /* Same format and no backing chain to flatten: the file itself is the
     * clone (raw, or an image whose size stays). */
    if (sameFormat && !src->backingPath && !def->backingPath &&
        (strcmp(def->format, "raw") == 0 || def->capacity == src->capacity))
        return cloneFile(def, src, flags);
    if (flags & VIR_STORAGE_VOL_CREATE_REFLINK) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "cannot reflink '%s' (%s) into a %s volume", src->path,
                      src->format, def->format);
        return -1;
    }
    {
        g_autofree char *opts = imageOptions(def, flags, def->backingFormat);
        const char *argv[16];
        size_t n = 0;

        argv[n++] = "qemu-img";
        argv[n++] = "convert";
        argv[n++] = "-q";
        argv[n++] = "-f";
        argv[n++] = src->format;
        argv[n++] = "-O";
        argv[n++] = def->format;
        if (*opts) {
            argv[n++] = "-o";
            argv[n++] = opts;
        }
        argv[n++] = src->path;
        argv[n++] = def->path;
        argv[n] = NULL;
        if (g_file_test(def->path, G_FILE_TEST_EXISTS)) {
            vkReportSystemError(EEXIST, "cannot create volume '%s'", def->path);
            return -1;
        }
        if (qemuImg(argv, "convert into", def->path) < 0) {
            g_unlink(def->path);
            return -1;
        }
        if (def->capacity > src->capacity &&
            vkStorageFileResize(def, def->capacity, 0) < 0) {
            g_unlink(def->path);
            return -1;
        }
        chmod(def->path, def->mode >= 0 ? def->mode : 0600);
    }
    return 0;
}

int
vkStorageFileResize(const vkStorageVolDef *def, unsigned long long capacity,
                    unsigned int flags)
{
    int fd, err = 0;

    if (strcmp(def->format, "raw") != 0) {
        g_autofree char *size = g_strdup_printf("%llu", capacity);
        const char *argv[] = { "qemu-img", "resize", "-q", "-f", def->format,
            (flags & VIR_STORAGE_VOL_RESIZE_SHRINK) ? "--shrink" : def->path,
            (flags & VIR_STORAGE_VOL_RESIZE_SHRINK) ? def->path : size,
            (flags & VIR_STORAGE_VOL_RESIZE_SHRINK) ? size : NULL, NULL };

        return qemuImg(argv, "resize", def->path);
    }
    if ((fd = open(def->path, O_WRONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s'", def->path);
        return -1;
    }
    if ((flags & VIR_STORAGE_VOL_RESIZE_ALLOCATE) && capacity > def->capacity &&
        fallocate(fd, 0, (off_t)def->capacity, (off_t)(capacity - def->capacity)) < 0)
        err = errno;
    else if (ftruncate(fd, (off_t)capacity) < 0)
        err = errno;
    close(fd);
    if (err) {
        vkReportSystemError(err, "cannot resize volume '%s' to %llu bytes", def->path,
                            capacity);
        return -1;
    }
    return 0;
}
