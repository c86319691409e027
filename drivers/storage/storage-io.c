/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bulk volume I/O: wiping with libvirt's named algorithms, and the data
 * side of upload and download streams.
 *
 * Wiping: "zero" is ours (on a regular file a punched hole, which reads
 * back as zeros at once; on a device zeros written over it); the other
 * named algorithms are scrub(1)'s, run as libvirt runs it, and refused
 * with libvirt's error where scrub is not installed.
 *
 * A download over the whole rest of the file is the file's descriptor
 * itself.  Uploads and length-limited downloads go through a socket pair
 * with a thread copying at most that many bytes between the file and the
 * socket; the stream's close waits for the thread, so an upload is on
 * disk when virStreamFinish returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "core/fd-stream.h"
#include "drivers/storage/storage-private.h"

/* libvirt hands every algorithm but "zero" to scrub(1), whose pattern
 * sets carry the same names. */
static const char *const scrubNames[VIR_STORAGE_VOL_WIPE_ALG_LAST] = {
    [VIR_STORAGE_VOL_WIPE_ALG_NNSA] = "nnsa",
    [VIR_STORAGE_VOL_WIPE_ALG_DOD] = "dod",
    [VIR_STORAGE_VOL_WIPE_ALG_BSI] = "bsi",
    [VIR_STORAGE_VOL_WIPE_ALG_GUTMANN] = "gutmann",
    [VIR_STORAGE_VOL_WIPE_ALG_SCHNEIER] = "schneier",
    [VIR_STORAGE_VOL_WIPE_ALG_PFITZNER7] = "pfitzner7",
    [VIR_STORAGE_VOL_WIPE_ALG_PFITZNER33] = "pfitzner33",
    [VIR_STORAGE_VOL_WIPE_ALG_RANDOM] = "random",
};

#define WIPE_CHUNK (1024 * 1024)

/* Zeros over [0, size) of fd, then on disk. */
static int
writeZeros(int fd, off_t size)
{
    g_autofree unsigned char *buf = g_malloc0(WIPE_CHUNK);

    for (off_t off = 0; off < size;) {
        size_t n = (size_t)MIN((off_t)WIPE_CHUNK, size - off);
        ssize_t w = pwrite(fd, buf, n, off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        off += w;
    }
    return fdatasync(fd) < 0 ? -errno : 0;
}

int
vkStorageFileWipe(const vkStorageVolDef *def, unsigned int algorithm)
{
    struct stat sb;
    off_t size;
    int fd, rc = 0;

    if (algorithm == VIR_STORAGE_VOL_WIPE_ALG_TRIM) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "'trim' algorithm not supported");
        return -1;
    }
    if (algorithm >= VIR_STORAGE_VOL_WIPE_ALG_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "wiping algorithm %u not supported", algorithm);
        return -1;
    }
    if (algorithm != VIR_STORAGE_VOL_WIPE_ALG_ZERO) {
        const char *argv[] = { "scrub", "-f", "-p", scrubNames[algorithm], def->path, NULL };

        return vkStorageRun(argv, NULL);
    }
    if ((fd = open(def->path, O_WRONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s' to wipe it", def->path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* a block device's size is where its end is, not st_size */
    size = S_ISREG(sb.st_mode) ? sb.st_size : lseek(fd, 0, SEEK_END);
    if (size < 0)
        rc = -errno;
    else if (S_ISREG(sb.st_mode) &&
             fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, size) == 0)
        rc = fdatasync(fd) < 0 ? -errno : 0;
    else
        rc = writeZeros(fd, size);
    close(fd);
    if (rc < 0) {
        vkReportSystemError(-rc, "cannot wipe volume '%s'", def->path);
        return -1;
    }
    return 0;
}

/* ---- streams ---- */

typedef struct {
    int file;
    int sock;                     /* the thread's end of the pair */
    bool upload;
    unsigned long long left;
    GThread *thread;
} copyJob;

static gpointer
copyThread(gpointer opaque)
{
    copyJob *job = opaque;
    g_autofree char *buf = g_malloc(256 * 1024);

    for (;;) {
        size_t want = job->upload ? 256 * 1024 : (size_t)MIN(job->left, 256 * 1024);
        ssize_t n, done = 0;

        if (!want)
            break;
        n = read(job->upload ? job->sock : job->file, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        /* An upload past its length is dropped (the client sent more than
         * it announced); the reader still gets to its end. */
        if (job->upload)
            n = (ssize_t)MIN((unsigned long long)n, job->left);
        while (done < n) {
            ssize_t w = job->upload ? write(job->file, buf + done, n - done)
                                    : send(job->sock, buf + done, n - done, MSG_NOSIGNAL);

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                goto out;
            done += w;
        }
        job->left -= n;
    }
 out:
    if (job->upload)
        fdatasync(job->file);
    shutdown(job->sock, SHUT_RDWR);
    return NULL;
}

static void
copyJobClose(virStreamPtr st, void *opaque)
{
    copyJob *job = opaque;

    (void)st;
    g_thread_join(job->thread);
    close(job->file);
    close(job->sock);
    g_free(job);
}

int
vkStorageFileOpenStream(virStreamPtr st, const char *path, bool upload,
                        unsigned long long offset, unsigned long long length)
{
    int fd = open(path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    int pair[2];
    copyJob *job;

    if (fd < 0 || lseek(fd, (off_t)offset, SEEK_SET) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s' for %s", path,
                            upload ? "upload" : "download");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* A download to the end is the file itself.  An upload never is: a
     * stream relay (virtkitd's) also reads from the stream it writes to,
     * which a write-only file descriptor refuses. */
    if (!length && !upload)
        return vkFdStreamOpen(st, fd);
    if (!length)
        length = G_MAXUINT64;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
        vkReportSystemError(errno, "%s", "cannot create a socket pair for the stream");
        close(fd);
        return -1;
    }
    if (vkFdStreamOpen(st, pair[0]) < 0) {
        close(pair[1]);
        close(fd);
        return -1;
    }
    job = g_new0(copyJob, 1);
    job->file = fd;
    job->sock = pair[1];
    job->upload = upload;
    job->left = length;
    job->thread = g_thread_new("vk-vol-stream", copyThread, job);
    vkFdStreamSetCloseHook(st, copyJobClose, job);
    return 0;
}
