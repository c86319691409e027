/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bulk volume I/O: wiping with libvirt's named algorithms, and the data
 * side of upload and download streams.
 *
 * Wipe algorithms are tables of passes (a repeated 1-3 byte pattern, or
 * random data), written over the whole file; "zero" on a regular file
 * punches the whole range instead, which reads back as zeros at once.
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

#define RND { 0 }, 0
#define P1(a) { a }, 1
#define P3(a, b, c) { a, b, c }, 3

typedef struct {
    unsigned char pat[3];
    int len;                      /* 0: random data */
} wipePass;

static const wipePass passZero[] = { { P1(0x00) } };
static const wipePass passNnsa[] = { { RND }, { RND }, { P1(0x00) } };
static const wipePass passDod[] = { { RND }, { P1(0x00) }, { P1(0xff) } };
static const wipePass passBsi[] = {
    { P1(0xff) }, { P1(0xfe) }, { P1(0xfd) }, { P1(0xfb) }, { P1(0xf7) },
    { P1(0xef) }, { P1(0xdf) }, { P1(0xbf) }, { P1(0x7f) },
};
static const wipePass passGutmann[] = {
    { RND }, { RND }, { RND }, { RND },
    { P1(0x55) }, { P1(0xaa) }, { P3(0x92, 0x49, 0x24) }, { P3(0x49, 0x24, 0x92) },
    { P3(0x24, 0x92, 0x49) }, { P1(0x00) }, { P1(0x11) }, { P1(0x22) }, { P1(0x33) },
    { P1(0x44) }, { P1(0x55) }, { P1(0x66) }, { P1(0x77) }, { P1(0x88) }, { P1(0x99) },
    { P1(0xaa) }, { P1(0xbb) }, { P1(0xcc) }, { P1(0xdd) }, { P1(0xee) }, { P1(0xff) },
    { P3(0x92, 0x49, 0x24) }, { P3(0x49, 0x24, 0x92) }, { P3(0x24, 0x92, 0x49) },
    { P3(0x6d, 0xb6, 0xdb) }, { P3(0xb6, 0xdb, 0x6d) }, { P3(0xdb, 0x6d, 0xb6) },
    { RND }, { RND }, { RND }, { RND },
};
static const wipePass passSchneier[] = {
    { P1(0x00) }, { P1(0xff) }, { RND }, { RND }, { RND }, { RND }, { RND },
};

typedef struct {
    const wipePass *passes;
    size_t npasses;
    int repeat;                   /* random-only algorithms: how many passes */
} wipeAlgorithm;

static const wipeAlgorithm algorithms[VIR_STORAGE_VOL_WIPE_ALG_LAST] = {
    [VIR_STORAGE_VOL_WIPE_ALG_ZERO] = { passZero, G_N_ELEMENTS(passZero), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_NNSA] = { passNnsa, G_N_ELEMENTS(passNnsa), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_DOD] = { passDod, G_N_ELEMENTS(passDod), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_BSI] = { passBsi, G_N_ELEMENTS(passBsi), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_GUTMANN] = { passGutmann, G_N_ELEMENTS(passGutmann), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_SCHNEIER] = { passSchneier, G_N_ELEMENTS(passSchneier), 1 },
    [VIR_STORAGE_VOL_WIPE_ALG_PFITZNER7] = { NULL, 0, 7 },
    [VIR_STORAGE_VOL_WIPE_ALG_PFITZNER33] = { NULL, 0, 33 },
    [VIR_STORAGE_VOL_WIPE_ALG_RANDOM] = { NULL, 0, 1 },
};

#define WIPE_CHUNK (1024 * 1024)

static void
fillRandom(GRand *rnd, unsigned char *buf, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i += 4) {
        guint32 v = g_rand_int(rnd);

        memcpy(buf + i, &v, 4);
    }
}

static int
writePass(int fd, off_t size, const wipePass *p, GRand *rnd, unsigned char *buf)
{
    if (p->len) {
        for (size_t i = 0; i < WIPE_CHUNK; i++)
            buf[i] = p->pat[i % p->len];
    }
    for (off_t off = 0; off < size;) {
        size_t n = (size_t)MIN((off_t)WIPE_CHUNK, size - off);
        ssize_t w;

        if (!p->len)
            fillRandom(rnd, buf, WIPE_CHUNK);
        if ((w = pwrite(fd, buf, n, off)) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += w;
    }
    return fdatasync(fd) < 0 ? -errno : 0;
}

int
vkStorageFileWipe(const vkStorageVolDef *def, unsigned int algorithm)
{
    const wipeAlgorithm *alg;
    g_autofree unsigned char *buf = NULL;
    g_autoptr(GRand) rnd = NULL;
    static const wipePass random = { RND };
    struct stat sb;
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
    alg = &algorithms[algorithm];
    if ((fd = open(def->path, O_WRONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot open volume '%s' to wipe it", def->path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (algorithm == VIR_STORAGE_VOL_WIPE_ALG_ZERO && S_ISREG(sb.st_mode) &&
        fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, sb.st_size) == 0) {
        rc = fdatasync(fd) < 0 ? -errno : 0;
    } else {
        buf = g_malloc(WIPE_CHUNK);
        rnd = g_rand_new();
        for (size_t i = 0; rc == 0 && i < alg->npasses; i++)
            rc = writePass(fd, sb.st_size, &alg->passes[i], rnd, buf);
        for (int i = 0; rc == 0 && !alg->passes && i < alg->repeat; i++)
            rc = writePass(fd, sb.st_size, &random, rnd, buf);
    }
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
