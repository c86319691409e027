/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-volstream.c: the storage commands that move a volume's data —
 * vol-create-from (a copy made by the driver), vol-upload and
 * vol-download (through a stream, sparse with --sparse: holes are found
 * with SEEK_DATA/SEEK_HOLE and sent as holes, not zeros) — and
 * pool-capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vksh.h"
#include "vksh-storage.h"

static void volUnref(virStorageVol *v) { if (v) virStorageVolFree(v); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStorageVol, volUnref)
static void poolUnref(virStoragePool *p) { if (p) virStoragePoolFree(p); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStoragePool, poolUnref)
static void streamUnref(virStream *s) { if (s) virStreamFree(s); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStream, streamUnref)

#define OPT_VOL { "vol", VKSH_OT_DATA, VKSH_OFLAG_REQ, "vol name, key or path" }

/* ---- pool-capabilities ---- */

static bool
cmdPoolCapabilities(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autofree char *caps = virConnectGetStoragePoolCapabilities(ctl->conn, 0);

    if (!caps) {
        vkshError(ctl, "failed to get storage pool capabilities");
        return false;
    }
    vkshPrint(ctl, "%s\n", caps);
    return true;
}

/* ---- vol-create-from ---- */

static const vkshOptDef optsCreateFrom[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML vol description" },
    OPT_VOL,
    { "inputpool", VKSH_OT_STRING, 0, "pool name or uuid of the input volume's pool" },
    { "prealloc-metadata", VKSH_OT_BOOL, 0,
      "preallocate metadata (for qcow2 instead of full allocation)" },
    { "reflink", VKSH_OT_BOOL, 0, "use btrfs COW lightweight copy" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolCreateFrom(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "prealloc-metadata", VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA },
        { "reflink", VIR_STORAGE_VOL_CREATE_REFLINK },
        { "validate", VIR_STORAGE_VOL_CREATE_VALIDATE },
    };
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    g_autoptr(virStorageVol) input = NULL;
    g_autoptr(virStorageVol) vol = NULL;
    g_autofree char *xml = NULL;

    if (!pool)
        return false;
    if (!(input = vkshLookupVol(ctl, vkshOptString(cmd, "vol"),
                                vkshOptString(cmd, "inputpool"), "inputpool")))
        return false;
    if (!(xml = vkshReadFile(ctl, file)))
        return false;
    if (!(vol = virStorageVolCreateXMLFrom(pool, xml, input, VKSH_OPT_FLAGS(cmd, map)))) {
        vkshError(ctl, "Failed to create vol from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Vol %s created from input vol %s\n", virStorageVolGetName(vol),
                   virStorageVolGetName(input));
    return true;
}

/* ---- vol-upload, vol-download ---- */

static const vkshOptDef optsUpload[] = {
    OPT_VOL,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file" },
    { "pool", VKSH_OT_STRING, 0, "pool name or uuid" },
    { "offset", VKSH_OT_INT, 0, "volume offset to upload to" },
    { "length", VKSH_OT_INT, 0, "amount of data to upload" },
    { "sparse", VKSH_OT_BOOL, 0, "preserve sparseness of volume" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsDownload[] = {
    OPT_VOL,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file" },
    { "pool", VKSH_OT_STRING, 0, "pool name or uuid" },
    { "offset", VKSH_OT_INT, 0, "volume offset to download from" },
    { "length", VKSH_OT_INT, 0, "amount of data to download" },
    { "sparse", VKSH_OT_BOOL, 0, "preserve sparseness of volume" },
    { NULL, 0, 0, NULL },
};

static int
readSource(virStreamPtr st, char *data, size_t nbytes, void *opaque)
{
    ssize_t n;

    do {
        n = read(*(int *)opaque, data, nbytes);
    } while (n < 0 && errno == EINTR);
    return (int)n;
}

/* Where the file's data and holes are: *inData and how long it lasts. */
static int
sourceHole(virStreamPtr st, int *inData, long long *length, void *opaque)
{
    int fd = *(int *)opaque;
    off_t cur = lseek(fd, 0, SEEK_CUR), data, hole;

    if (cur < 0)
        return -1;
    data = lseek(fd, cur, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
        /* past the last data: a hole to the end of the file */
        off_t end = lseek(fd, 0, SEEK_END);

        *inData = 0;
        *length = end - cur;
        return lseek(fd, cur, SEEK_SET) < 0 ? -1 : 0;
    }
    if (data < 0)
        return -1;
    if (data > cur) {
        *inData = 0;
        *length = data - cur;
    } else {
        if ((hole = lseek(fd, cur, SEEK_HOLE)) < 0)
            return -1;
        *inData = 1;
        *length = hole - cur;
    }
    return lseek(fd, cur, SEEK_SET) < 0 ? -1 : 0;
}

static int
sourceSkip(virStreamPtr st, long long length, void *opaque)
{
    return lseek(*(int *)opaque, length, SEEK_CUR) < 0 ? -1 : 0;
}

int
vkshWriteSink(virStreamPtr st, const char *data, size_t nbytes, void *opaque)
{
    size_t done = 0;

    while (done < nbytes) {
        ssize_t n = write(*(int *)opaque, data + done, nbytes - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        done += (size_t)n;
    }
    return (int)nbytes;
}

static int
sinkHole(virStreamPtr st, long long length, void *opaque)
{
    int fd = *(int *)opaque;
    off_t end = lseek(fd, length, SEEK_CUR);

    /* a hole at the very end must still give the file its length */
    return end < 0 || ftruncate(fd, end) < 0 ? -1 : 0;
}

static bool
volTransfer(vkshCtl *ctl, const vkshCmd *cmd, bool upload)
{
    const char *file = vkshOptString(cmd, "file");
    const char *name = vkshOptString(cmd, "vol");
    bool sparse = vkshOptBool(cmd, "sparse");
    unsigned long long offset = 0, length = 0;
    g_autoptr(virStorageVol) vol = NULL;
    g_autoptr(virStream) st = NULL;
    bool created = false, opened = false, ok = false;
    int fd = -1, rc;

    if (vkshOptScaled(ctl, cmd, "offset", &offset, 1, G_MAXINT64) < 0 ||
        vkshOptScaled(ctl, cmd, "length", &length, 1, G_MAXINT64) < 0)
        return false;
    if (!(vol = vkshLookupVol(ctl, name, vkshOptString(cmd, "pool"), "pool")))
        return false;
    if (upload) {
        if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
            vkshError(ctl, "cannot read %s", file);
            return false;
        }
    } else {
        if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) >= 0) {
            created = true;
        } else if (errno != EEXIST ||
                   (fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
            vkshError(ctl, "cannot create %s", file);
            return false;
        }
    }
    if (!(st = virStreamNew(ctl->conn, 0)))
        goto cleanup;

    if (upload) {
        if (virStorageVolUpload(vol, st, offset, length,
                                sparse ? VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM : 0) < 0) {
            vkshError(ctl, "cannot upload to volume %s", name);
            goto cleanup;
        }
        opened = true;
        rc = sparse ? virStreamSparseSendAll(st, readSource, sourceHole, sourceSkip, &fd)
                    : virStreamSendAll(st, readSource, &fd);
        if (rc < 0) {
            vkshError(ctl, "cannot send data to volume %s", name);
            goto cleanup;
        }
    } else {
        if (virStorageVolDownload(vol, st, offset, length,
                                  sparse ? VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM : 0) < 0) {
            vkshError(ctl, "cannot download from volume %s", name);
            goto cleanup;
        }
        opened = true;
        rc = sparse ? virStreamSparseRecvAll(st, vkshWriteSink, sinkHole, &fd)
                    : virStreamRecvAll(st, vkshWriteSink, &fd);
        if (rc < 0) {
            vkshError(ctl, "cannot receive data from volume %s", name);
            goto cleanup;
        }
    }
    if (close(fd) < 0) {
        fd = -1;
        vkshError(ctl, upload ? "cannot close file %s" : "Unable to close %s", file);
        virStreamAbort(st);
        goto cleanup;
    }
    fd = -1;
    if (virStreamFinish(st) < 0) {
        vkshError(ctl, "cannot close volume %s", name);
        goto cleanup;
    }
    ok = true;

 cleanup:
    /* a stream no call opened has nothing to abort, and the abort's error
     * would replace the one that matters */
    if (!ok && opened)
        virStreamAbort(st);
    if (fd >= 0)
        close(fd);
    if (!ok && created)
        unlink(file);
    return ok;
}

static bool
cmdVolUpload(vkshCtl *ctl, const vkshCmd *cmd)
{
    return volTransfer(ctl, cmd, true);
}

static bool
cmdVolDownload(vkshCtl *ctl, const vkshCmd *cmd)
{
    return volTransfer(ctl, cmd, false);
}

static const vkshOptDef optsNone[] = { { NULL, 0, 0, NULL } };

VKSH_CMD(vkshCmdPoolCapabilities, "pool-capabilities", cmdPoolCapabilities, optsNone,
         "storage pool capabilities", "Returns capabilities of storage pool support.");
VKSH_CMD(vkshCmdVolCreateFrom, "vol-create-from", cmdVolCreateFrom, optsCreateFrom,
         "create a vol, using another volume as input",
         "Create a vol from an existing volume.");
VKSH_CMD(vkshCmdVolUpload, "vol-upload", cmdVolUpload, optsUpload,
         "upload file contents to a volume", "Upload file contents to a volume");
VKSH_CMD(vkshCmdVolDownload, "vol-download", cmdVolDownload, optsDownload,
         "download volume contents to a file", "Download volume contents to a file");
