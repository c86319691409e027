/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Atomic file replacement.
 *
 * The classic sequence: write a temporary file in the same directory (so
 * rename stays within one filesystem), fsync it so its data is durable
 * before its name is, rename it over the target (atomic in POSIX), then
 * fsync the directory so the rename itself survives a power cut.  Each
 * step consults an optional fault hook so tests can fail or "crash"
 * between any two of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic-file.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

static vkAtomicFileFaultHook faultHook;

void
vkAtomicFileSetFaultHook(vkAtomicFileFaultHook hook)
{
    faultHook = hook;
}

static int
fault(vkAtomicFileStep step, const char *path)
{
    return faultHook ? faultHook(step, path) : 0;
}

static int
writeAll(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int
vkAtomicFileWrite(const char *path, const void *data, size_t len, mode_t mode)
{
    return vkAtomicFileWriteFrom(VIR_FROM_THIS, path, data, len, mode);
}

int
vkAtomicFileWriteFrom(int errDomain, const char *path, const void *data,
                      size_t len, mode_t mode)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    const char *what = "create a temporary file for";
    int fd = -1;
    int dfd = -1;
    int err;

    if ((err = fault(VK_ATOMIC_FILE_STEP_OPEN, path)))
        goto fail;
    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        err = errno;
        goto fail;
    }
    /* mkstemp honours the umask; the caller asked for mode exactly. */
    if (fchmod(fd, mode) < 0) {
        err = errno;
        what = "set the mode of the temporary file for";
        goto fail;
    }

    what = "write";
    if ((err = fault(VK_ATOMIC_FILE_STEP_WRITE, path)))
        goto fail;
    if (writeAll(fd, data, len) < 0) {
        err = errno;
        goto fail;
    }

    what = "sync";
    if ((err = fault(VK_ATOMIC_FILE_STEP_FSYNC, path)))
        goto fail;
    if (fsync(fd) < 0) {
        err = errno;
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        err = errno;
        goto fail;
    }
    fd = -1;

    what = "rename the temporary file onto";
    if ((err = fault(VK_ATOMIC_FILE_STEP_RENAME, path)))
        goto fail;
    if (rename(tmp, path) < 0) {
        err = errno;
        goto fail;
    }
    g_clear_pointer(&tmp, g_free);

    /* From here the new content is in place; a failing directory sync
     * still is an error, since durability was not achieved. */
    what = "sync the directory of";
    if ((err = fault(VK_ATOMIC_FILE_STEP_DIRSYNC, path)))
        goto fail;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) < 0) {
        err = errno;
        goto fail;
    }
    close(dfd);
    return 0;

 fail:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (tmp)
        unlink(tmp);   /* harmless ENOENT when not yet created */
    vkReportSystemErrorFull(errDomain, err, __FILE__, __func__, __LINE__,
                            "cannot %s file '%s'", what, path);
    return -1;
}

/* The temporary name is "." + target + "." + six mkstemp characters. */
static bool
isStaleTemp(const char *name)
{
    size_t len = strlen(name);

    return name[0] == '.' && len > 8 && name[len - 7] == '.' &&
           strspn(name + len - 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz0123456789") == 6;
}

int
vkAtomicFileRemoveStale(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;
    int removed = 0;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *path = NULL;

        if (!isStaleTemp(n))
            continue;
        path = g_build_filename(dir, n, NULL);
        if (unlink(path) == 0)
            removed++;
    }
    return removed;
}
