/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "disk" pool type: a block device with a partition table; the pool
 * is the table, its volumes are the partitions.
 *
 * The idea: the table itself is the state.  Every refresh reads it back
 * with parted's machine-readable listing ("print free", in bytes), so the
 * sizes, the free extents and the volume list are what the disk says,
 * whoever changed it.  A partition's name is fixed by the device and the
 * number parted gives it (loop0 -> loop0p1, sda -> sda1), so a create
 * whose name is not the next one is refused before anything is written.
 *
 * Divergence from libvirt: a dos partition is not rounded to the disk's
 * cylinder geometry (its size is what was asked, and the pool's capacity
 * is the device's last byte rather than the last whole cylinder).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/storage/storage-private.h"

typedef struct {
    int num;                      /* 0: a free extent */
    unsigned long long start, end; /* bytes, end inclusive as parted says */
    char *fs;
    char *flags;
} diskExtent;

static void
extentFree(diskExtent *e)
{
    g_free(e->fs);
    g_free(e->flags);
    g_free(e);
}

static const char *
labelOf(const vkStoragePoolDef *def)
{
    const char *fmt = vkStorageSourceFormat(def);

    /* libvirt's name "dos" is parted's "msdos"; no format means dos */
    if (!fmt || strcmp(fmt, "unknown") == 0 || strcmp(fmt, "dos") == 0)
        return "msdos";
    return fmt;
}

static const char *
deviceOf(const vkStoragePoolDef *def)
{
    const char *dev = vkStorageSourceDevice(def);

    if (!dev)
        vkReportError(VIR_ERR_INVALID_ARG, "storage pool '%s' has no source device path",
                      def->name);
    return dev;
}

/* The partition table of dev: its label type ("unknown" when none) and
 * its extents in disk order.  -1 with an error set. */
static int
readTable(const char *dev, char **label, GPtrArray *extents)
{
    const char *argv[] = { "parted", "-s", "-m", dev, "unit", "B", "print", "free", NULL };
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;

    if (vkStorageRun(argv, &out) < 0) {
        /* parted fails on a device without a table: that is a table of
         * type unknown, not an error */
        if (vkErrorIsSet() && strstr(vkErrorGetLast()->message, "unrecognised disk label")) {
            vkErrorReset();
            *label = g_strdup("unknown");
            return 0;
        }
        return -1;
    }
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(g_strstrip(lines[i]), ":", -1);
        guint n = g_strv_length(f);
        diskExtent *e;

        if (i == 1 && n >= 6) {
            *label = g_strdup(f[5]);
            continue;
        }
        if (i < 2 || n < 5)
            continue;
        e = g_new0(diskExtent, 1);
        e->start = g_ascii_strtoull(f[1], NULL, 10);
        e->end = g_ascii_strtoull(f[2], NULL, 10);
        if (strncmp(f[4], "free", 4) == 0) {
            e->num = 0;
        } else {
            e->num = atoi(f[0]);
            e->fs = g_strdup(f[4]);
            e->flags = g_strdup(n > 6 ? f[6] : "");
        }
        g_ptr_array_add(extents, e);
    }
    if (!*label) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read the partition table of '%s'", dev);
        return -1;
    }
    return 0;
}

/* loop0 + 1 -> loop0p1, sda + 1 -> sda1: the kernel's naming. */
static char *
partName(const char *dev, int num)
{
    g_autofree char *base = g_path_get_basename(dev);
    size_t n = strlen(base);

    return g_strdup_printf("%s%s%d", base, n && g_ascii_isdigit(base[n - 1]) ? "p" : "",
                           num);
}

/* A partition's volume format, as libvirt names it, from parted's view. */
static const char *
partFormat(const diskExtent *e)
{
    if (strstr(e->flags, "swap") || strstr(e->fs, "linux-swap"))
        return "linux-swap";
    if (strstr(e->flags, "lvm"))
        return "linux-lvm";
    if (strstr(e->flags, "raid"))
        return "linux-raid";
    if (strcmp(e->fs, "fat16") == 0 || strcmp(e->fs, "fat32") == 0)
        return e->fs;
    if (g_str_has_prefix(e->fs, "ext"))
        return "linux";
    return "none";
}

static int
diskBuild(vkStoragePoolDef *def, unsigned int flags)
{
    const char *dev = deviceOf(def);
    g_autoptr(GPtrArray) extents = g_ptr_array_new_with_free_func((GDestroyNotify)extentFree);
    g_autofree char *label = NULL;

    if (!dev)
        return -1;
    if (!(flags & VIR_STORAGE_POOL_BUILD_OVERWRITE)) {
        if (readTable(dev, &label, extents) < 0)
            return -1;
        if (strcmp(label, "unknown") != 0) {
            vkReportError(VIR_ERR_STORAGE_POOL_BUILT,
                          "Device '%s' already holds a '%s' partition table; building "
                          "it again needs the overwrite flag", dev, label);
            return -1;
        }
    }
    {
        const char *argv[] = { "parted", "-s", dev, "mklabel", labelOf(def), NULL };

        return vkStorageRun(argv, NULL);
    }
}

static int
diskStart(vkStoragePoolDef *def)
{
    const char *dev = deviceOf(def);
    g_autoptr(GPtrArray) extents = g_ptr_array_new_with_free_func((GDestroyNotify)extentFree);
    g_autofree char *label = NULL;
    struct stat sb;

    if (!dev)
        return -1;
    if (stat(dev, &sb) < 0 || !S_ISBLK(sb.st_mode)) {
        vkReportError(VIR_ERR_STORAGE_PROBE_FAILED, "'%s' is not a block device", dev);
        return -1;
    }
    if (readTable(dev, &label, extents) < 0)
        return -1;
    if (strcmp(label, "unknown") == 0) {
        vkReportError(VIR_ERR_STORAGE_PROBE_FAILED, "Device '%s' is unrecognized, requires build",
                      dev);
        return -1;
    }
    /* a pool that names no format takes the table it finds */
    if (vkStorageSourceFormat(def) && strcmp(vkStorageSourceFormat(def), "unknown") != 0 &&
        strcmp(label, labelOf(def)) != 0) {
        vkReportError(VIR_ERR_STORAGE_PROBE_FAILED,
                      "Format of device '%s' does not match the expected format '%s'",
                      dev, vkStorageSourceFormat(def));
        return -1;
    }
    return 0;
}

static bool
diskIsRunning(vkStoragePoolDef *def)
{
    const char *dev = vkStorageSourceDevice(def);
    struct stat sb;

    return dev && stat(dev, &sb) == 0 && S_ISBLK(sb.st_mode);
}

/* The free extents are the running pool's; a stopped one shows none. */
static int
diskStop(vkStoragePoolDef *def)
{
    vkStorageElemDrop((vkXmlElem *)vkStorageElemChild(def->source, "device"), "freeExtent");
    return 0;
}

/* pool-delete erases the table: both ends of the device (a GPT keeps a
 * copy in its last sectors), then the kernel forgets the partitions. */
static int
diskRemove(vkStoragePoolDef *def, unsigned int flags)
{
    const char *dev = deviceOf(def);
    g_autofree char *zeros = g_malloc0(1 << 20);
    off_t size;
    int fd, rc = 0;

    (void)flags;
    if (!dev)
        return -1;
    if ((fd = open(dev, O_WRONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot open device '%s'", dev);
        return -1;
    }
    size = lseek(fd, 0, SEEK_END);
    if (size < 0 || pwrite(fd, zeros, MIN(size, 1 << 20), 0) < 0 ||
        (size > (1 << 20) && pwrite(fd, zeros, 1 << 20, size - (1 << 20)) < 0) ||
        fsync(fd) < 0)
        rc = -errno;
    if (rc == 0)
        ioctl(fd, BLKRRPART, 0);
    close(fd);
    if (rc < 0) {
        vkReportSystemError(-rc, "cannot erase the partition table of '%s'", dev);
        return -1;
    }
    return 0;
}

static vkStorageVolDef *
partVolume(const char *dev, const diskExtent *e)
{
    vkStorageVolDef *v = g_new0(vkStorageVolDef, 1);
    vkXmlElem *d, *x;
    g_autofree char *s = g_strdup_printf("%llu", e->start);
    g_autofree char *t = g_strdup_printf("%llu", e->end + 1);
    struct stat sb;

    v->name = partName(dev, e->num);
    v->path = g_build_filename("/dev", v->name, NULL);
    v->key = g_strdup(v->path);
    v->type = VIR_STORAGE_VOL_BLOCK;
    v->capacity = v->allocation = v->physical = e->end + 1 - e->start;
    v->hasAllocation = v->hasPhysical = true;
    v->format = g_strdup(partFormat(e));
    v->source = vkStorageElemAdd(NULL, "source");
    d = vkStorageElemAdd(v->source, "device");
    vkXmlElemSetAttr(d, "path", dev);
    x = vkStorageElemAdd(d, "extent");
    vkXmlElemSetAttr(x, "start", s);
    vkXmlElemSetAttr(x, "end", t);
    if (stat(v->path, &sb) == 0)
        vkStorageFileHostInfo(&sb, &v->info);
    return v;
}

static int
diskRefresh(vkStoragePoolDef *def, GPtrArray *vols)
{
    const char *dev = deviceOf(def);
    g_autoptr(GPtrArray) extents = g_ptr_array_new_with_free_func((GDestroyNotify)extentFree);
    g_autofree char *label = NULL;
    vkXmlElem *devElem;

    if (!dev || readTable(dev, &label, extents) < 0)
        return -1;
    devElem = (vkXmlElem *)vkStorageElemChild(def->source, "device");
    vkStorageElemDrop(devElem, "freeExtent");
    def->capacity = def->allocation = def->available = 0;
    for (guint i = 0; i < extents->len; i++) {
        const diskExtent *e = extents->pdata[i];
        unsigned long long size = e->end + 1 - e->start;

        def->capacity = MAX(def->capacity, e->end + 1);
        if (e->num == 0) {
            g_autofree char *s = g_strdup_printf("%llu", e->start);
            g_autofree char *t = g_strdup_printf("%llu", e->end + 1);
            vkXmlElem *x = vkStorageElemAdd(devElem, "freeExtent");

            vkXmlElemSetAttr(x, "start", s);
            vkXmlElemSetAttr(x, "end", t);
            def->available += size;
        } else {
            def->allocation += size;
            g_ptr_array_add(vols, partVolume(dev, e));
        }
    }
    return 0;
}

/* The number parted gives a new partition: the lowest unused one. */
static int
nextNumber(GPtrArray *extents)
{
    for (int num = 1;; num++) {
        bool used = false;

        for (guint i = 0; i < extents->len && !used; i++)
            used = ((diskExtent *)extents->pdata[i])->num == num;
        if (!used)
            return num;
    }
}

static int
diskVolCreate(const vkStoragePoolDef *def, const vkStorageVolDef *vol)
{
    static const char *const formats[][3] = {
        /* libvirt's name, parted's fs-type, the flag parted sets */
        { "none", NULL, NULL }, { "linux", "ext2", NULL }, { "fat16", "fat16", NULL },
        { "fat32", "fat32", NULL }, { "linux-swap", "linux-swap", NULL },
        { "linux-lvm", "ext2", "lvm" }, { "linux-raid", "ext2", "raid" },
    };
    const char *dev = deviceOf(def);
    const char *fmt = vol->format && strcmp(vol->format, "raw") != 0 ? vol->format : "none";
    g_autoptr(GPtrArray) extents = g_ptr_array_new_with_free_func((GDestroyNotify)extentFree);
    g_autofree char *label = NULL, *want = NULL, *s = NULL, *e = NULL, *numText = NULL;
    const diskExtent *room = NULL;
    size_t f;
    int num;

    if (!dev)
        return -1;
    for (f = 0; f < G_N_ELEMENTS(formats) && strcmp(formats[f][0], fmt) != 0; f++)
        ;
    if (f == G_N_ELEMENTS(formats)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume format type %s", fmt);
        return -1;
    }
    if (vol->backingPath) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "backing storage not supported for raw volumes");
        return -1;
    }
    if (readTable(dev, &label, extents) < 0)
        return -1;
    num = nextNumber(extents);
    want = partName(dev, num);
    if (strcmp(want, vol->name) != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "invalid partition name '%s', expected '%s'",
                      vol->name, want);
        return -1;
    }
    for (guint i = 0; i < extents->len && !room; i++) {
        const diskExtent *x = extents->pdata[i];

        if (x->num == 0 && x->end + 1 - x->start >= vol->capacity)
            room = x;
    }
    if (!room || vol->capacity == 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "no large enough free extent");
        return -1;
    }
    s = g_strdup_printf("%lluB", room->start);
    e = g_strdup_printf("%lluB", room->start + vol->capacity - 1);
    {
        const char *argv[] = { "parted", "-s", dev, "unit", "B", "mkpart", "primary",
                               formats[f][1] ? formats[f][1] : s,
                               formats[f][1] ? s : e, formats[f][1] ? e : NULL, NULL };

        if (vkStorageRun(argv, NULL) < 0)
            return -1;
    }
    numText = g_strdup_printf("%d", num);
    if (formats[f][2]) {
        const char *argv[] = { "parted", "-s", dev, "set", numText, formats[f][2], "on", NULL };

        if (vkStorageRun(argv, NULL) < 0) {
            const char *rm[] = { "parted", "-s", dev, "rm", numText, NULL };
            virErrorPtr saved = vkErrorSave();

            vkStorageRun(rm, NULL);
            vkErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

static int
diskVolDelete(const vkStoragePoolDef *def, const vkStorageVolDef *vol)
{
    const char *dev = deviceOf(def);
    g_autoptr(GPtrArray) extents = g_ptr_array_new_with_free_func((GDestroyNotify)extentFree);
    g_autofree char *label = NULL;

    if (!dev || readTable(dev, &label, extents) < 0)
        return -1;
    for (guint i = 0; i < extents->len; i++) {
        const diskExtent *x = extents->pdata[i];
        g_autofree char *name = x->num ? partName(dev, x->num) : NULL;

        if (name && strcmp(name, vol->name) == 0) {
            g_autofree char *num = g_strdup_printf("%d", x->num);
            const char *argv[] = { "parted", "-s", dev, "rm", num, NULL };

            return vkStorageRun(argv, NULL);
        }
    }
    vkReportError(VIR_ERR_NO_STORAGE_VOL, "no partition '%s' on '%s'", vol->name, dev);
    return -1;
}

const vkStorageBackend vkStorageBackendDisk = {
    VK_STORAGE_POOL_DISK, diskBuild, diskStart, diskIsRunning, diskStop, diskRemove,
    diskRefresh, diskVolCreate, diskVolDelete, NULL,
};
