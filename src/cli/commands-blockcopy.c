/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-blockcopy.c: blockcommit and blockcopy — start the job and,
 * with --wait, follow it until it ends or reaches its synchronised phase
 * and then pivot, finish or keep it as asked. The job is followed by
 * polling its info (the shell has no event thread of its own). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

typedef enum {
    WAIT_DONE,          /* the job is gone: it completed */
    WAIT_READY,         /* cur == end on a two-phase job: synchronised */
    WAIT_TIMEOUT,
    WAIT_ERROR,
} waitResult;

/* Polls the job on path until it is gone (oneShot) or ready. */
static waitResult
waitJob(vkshCtl *ctl, virDomainPtr dom, const char *path, bool oneShot, bool verbose,
        const char *label, int timeout)
{
    gint64 deadline = timeout > 0 ? g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC : 0;

    for (;;) {
        virDomainBlockJobInfo info;
        int rc = virDomainGetBlockJobInfo(dom, path, &info, 0);

        if (rc < 0) {
            vkshSaveLibError(ctl);
            return WAIT_ERROR;
        }
        if (rc == 0)
            return WAIT_DONE;
        if (verbose)
            vkshPrint(ctl, "\r%s: [%3d %%]", label,
                      info.end ? (int)(info.cur * 100 / info.end) : 0);
        if (!oneShot && info.end && info.cur == info.end)
            return WAIT_READY;
        if (deadline && g_get_monotonic_time() >= deadline)
            return WAIT_TIMEOUT;
        g_usleep(G_USEC_PER_SEC / 2);
    }
}

/* The end of a --wait: abort after a timeout, else pivot or keep
 * (abort without pivot) as asked; msgs are virsh's four lines. */
static bool
finishJob(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom, const char *path, bool twoPhase,
          const char *label, bool pivot, bool finish, const char *const msgs[4])
{
    int timeout = 0;
    waitResult r;

    if (vkshOptInt(ctl, cmd, "timeout", &timeout) < 0)
        return false;
    r = waitJob(ctl, dom, path, !twoPhase, vkshOptBool(cmd, "verbose"), label, timeout);
    if (vkshOptBool(cmd, "verbose"))
        vkshPrint(ctl, "\n");
    switch (r) {
    case WAIT_ERROR:
        return false;
    case WAIT_TIMEOUT:
        if (virDomainBlockJobAbort(dom, path, vkshOptBool(cmd, "async") ?
                                   VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC : 0) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshPrint(ctl, "\n%s\n", msgs[0]);
        return false;
    case WAIT_DONE:
        vkshPrint(ctl, "\n%s\n", msgs[1]);
        return true;
    case WAIT_READY:
        break;
    }
    if (pivot || finish) {
        if (virDomainBlockJobAbort(dom, path, pivot ? VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT : 0) < 0) {
            vkshError(ctl, "failed to %s job for disk %s", pivot ? "pivot" : "finish", path);
            return false;
        }
        vkshPrint(ctl, "\n%s\n", pivot ? msgs[2] : msgs[3]);
        return true;
    }
    vkshPrint(ctl, "\n%s\n", "Now in synchronized phase");
    return true;
}

/* --verbose and --async only make sense while waiting; last is the
 * command's own option that implies the wait. */
static bool
needsWait(vkshCtl *ctl, const vkshCmd *cmd, bool wait, const char *last)
{
    static const char *const opts[] = { "verbose", "async" };

    for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
        if (vkshOptBool(cmd, opts[i]) && !wait) {
            vkshError(ctl, "--%s requires at least one of --timeout, --wait, --pivot, or --%s",
                      opts[i], last);
            return false;
        }
    }
    return true;
}

/* --timeout: a positive number of seconds; false after an error. */
static bool
timeoutOpt(vkshCtl *ctl, const vkshCmd *cmd)
{
    int timeout = 0;
    int rc = vkshOptInt(ctl, cmd, "timeout", &timeout);

    if (rc > 0 && timeout < 1) {
        vkshError(ctl, "Numeric value '%s' for <timeout> option is malformed or out of range",
                  vkshOptString(cmd, "timeout"));
        return false;
    }
    return rc >= 0;
}

/* ---- blockcommit ---- */

static const vkshOptDef optsBlockcommit[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "fully-qualified path of disk" },
    { "bandwidth", VKSH_OT_STRING, 0, "bandwidth limit in MiB/s" },
    { "base", VKSH_OT_STRING, 0, "path of base file to commit into (default bottom of chain)" },
    { "shallow", VKSH_OT_BOOL, 0, "use backing file of top as base" },
    { "top", VKSH_OT_STRING, 0, "path of top file to commit from (default top of chain)" },
    { "active", VKSH_OT_BOOL, 0, "trigger two-stage active commit of top file" },
    { "delete", VKSH_OT_BOOL, 0, "delete files that were successfully committed" },
    { "wait", VKSH_OT_BOOL, 0, "wait for job to complete (with --active, wait for job to sync)" },
    { "verbose", VKSH_OT_BOOL, 0, "with --wait, display the progress" },
    { "timeout", VKSH_OT_INT, 0, "implies --wait, abort if copy exceeds timeout (in seconds)" },
    { "pivot", VKSH_OT_BOOL, 0, "implies --active --wait, pivot when commit is synced" },
    { "keep-overlay", VKSH_OT_BOOL, 0, "implies --active --wait, quit when commit is synced" },
    { "async", VKSH_OT_BOOL, 0, "with --wait, don't wait for cancel to finish" },
    { "keep-relative", VKSH_OT_BOOL, 0, "keep the backing chain relatively referenced" },
    { "bytes", VKSH_OT_BOOL, 0, "the bandwidth limit is in bytes/s rather than MiB/s" },
    { NULL, 0, 0, NULL },
};

static bool
cmdBlockcommit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const msgs[4] = { "Commit aborted", "Commit complete",
                                         "Successfully pivoted",
                                         "Commit complete, overlay image kept" };
    static const vkshOptFlag map[] = {
        { "shallow", VIR_DOMAIN_BLOCK_COMMIT_SHALLOW },
        { "delete", VIR_DOMAIN_BLOCK_COMMIT_DELETE },
        { "keep-relative", VIR_DOMAIN_BLOCK_COMMIT_RELATIVE },
        { "bytes", VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES },
    };
    const char *path = vkshOptString(cmd, "path");
    bool pivot = vkshOptBool(cmd, "pivot");
    bool keep = vkshOptBool(cmd, "keep-overlay");
    bool active = vkshOptBool(cmd, "active") || pivot || keep;
    bool wait = vkshOptBool(cmd, "wait") || pivot || keep || vkshOptString(cmd, "timeout");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map) | (active ? VIR_DOMAIN_BLOCK_COMMIT_ACTIVE : 0);
    g_autoptr(virDomain) dom = NULL;
    unsigned long bw = 0;

    if (!vkshOptExclusive(ctl, cmd, "pivot", "keep-overlay") ||
        !needsWait(ctl, cmd, wait, "keep-overlay") || !timeoutOpt(ctl, cmd) ||
        vkshBandwidthOpt(ctl, cmd, &bw) < 0 ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (virDomainBlockCommit(dom, path, vkshOptString(cmd, "base"), vkshOptString(cmd, "top"),
                             bw, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (!wait) {
        vkshPrint(ctl, "%s\n", active ? "Active Block Commit started" : "Block Commit started");
        return true;
    }
    return finishJob(ctl, cmd, dom, path, active, "Block commit", pivot, keep, msgs);
}

/* ---- blockcopy ---- */

static const vkshOptDef optsBlockcopy[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "fully-qualified path of source disk" },
    { "dest", VKSH_OT_STRING, 0, "path of the copy to create" },
    { "bandwidth", VKSH_OT_STRING, 0, "bandwidth limit in MiB/s" },
    { "shallow", VKSH_OT_BOOL, 0, "make the copy share a backing chain" },
    { "reuse-external", VKSH_OT_BOOL, 0, "reuse existing destination" },
    { "blockdev", VKSH_OT_BOOL, 0, "copy destination is block device instead of regular file" },
    { "wait", VKSH_OT_BOOL, 0, "wait for job to reach mirroring phase" },
    { "verbose", VKSH_OT_BOOL, 0, "with --wait, display the progress" },
    { "timeout", VKSH_OT_INT, 0, "implies --wait, abort if copy exceeds timeout (in seconds)" },
    { "pivot", VKSH_OT_BOOL, 0, "implies --wait, pivot when mirroring starts" },
    { "finish", VKSH_OT_BOOL, 0, "implies --wait, quit when mirroring starts" },
    { "async", VKSH_OT_BOOL, 0, "with --wait, don't wait for cancel to finish" },
    { "xml", VKSH_OT_STRING, 0, "filename containing XML description of the copy destination" },
    { "format", VKSH_OT_STRING, 0, "format of the destination file" },
    { "granularity", VKSH_OT_INT, 0, "power-of-two granularity to use during the copy" },
    { "buf-size", VKSH_OT_INT, 0, "maximum amount of in-flight data during the copy" },
    { "bytes", VKSH_OT_BOOL, 0, "the bandwidth limit is in bytes/s rather than MiB/s" },
    { "transient-job", VKSH_OT_BOOL, 0, "the copy job is not persisted if VM is turned off" },
    { "synchronous-writes", VKSH_OT_BOOL, 0,
      "the copy job forces guest writes to be synchronously written to the destination" },
    { "print-xml", VKSH_OT_BOOL, 0,
      "print the XML used to start the copy job instead of starting the job" },
    { NULL, 0, 0, NULL },
};

/* The destination <disk> virsh writes for --dest. */
static char *
copyDestXml(const vkshCmd *cmd)
{
    bool blockdev = vkshOptBool(cmd, "blockdev");
    const char *format = vkshOptString(cmd, "format");
    g_autoptr(GString) buf = g_string_new(NULL);

    g_string_append_printf(buf, "<disk type='%s'>\n  <source", blockdev ? "block" : "file");
    vkshXmlAppendAttr(buf, blockdev ? "dev" : "file", vkshOptString(cmd, "dest"));
    g_string_append(buf, "/>\n");
    if (format) {
        g_string_append(buf, "  <driver");
        vkshXmlAppendAttr(buf, "type", format);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "</disk>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* Through virDomainBlockCopy, with the destination XML and the tuning
 * parameters virDomainBlockRebase cannot carry. */
static int
startCopy(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom, const char *path,
          const char *xml, unsigned long bw)
{
    static const vkshOptFlag map[] = {
        { "shallow", VIR_DOMAIN_BLOCK_COPY_SHALLOW },
        { "reuse-external", VIR_DOMAIN_BLOCK_COPY_REUSE_EXT },
        { "transient-job", VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB },
        { "synchronous-writes", VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES },
    };
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, gran = 0, rc = -1;
    const char *bufText = vkshOptString(cmd, "buf-size");
    guint64 bufSize = 0;
    unsigned long long bwBytes = bw;

    if (vkshOptInt(ctl, cmd, "granularity", &gran) < 0)
        return -1;
    if (bufText && !g_ascii_string_to_unsigned(bufText, 10, 0, G_MAXUINT64, &bufSize, NULL)) {
        vkshError(ctl, "Numeric value '%s' for <buf-size> option is malformed or out of range",
                  bufText);
        return -1;
    }
    if (!vkshOptBool(cmd, "bytes"))
        bwBytes <<= 20;
    if ((bw && virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_BLOCK_COPY_BANDWIDTH,
                                       bwBytes) < 0) ||
        (gran && virTypedParamsAddUInt(&params, &n, &max, VIR_DOMAIN_BLOCK_COPY_GRANULARITY,
                                       gran) < 0) ||
        (bufSize && virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_BLOCK_COPY_BUF_SIZE,
                                            bufSize) < 0))
        goto out;
    rc = virDomainBlockCopy(dom, path, xml, params, n, VKSH_OPT_FLAGS(cmd, map));
 out:
    virTypedParamsFree(params, n);
    return rc;
}

static bool
cmdBlockcopy(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const msgs[4] = { "Copy aborted", "Copy complete",
                                         "Successfully pivoted", "Successfully copied" };
    static const vkshOptFlag rebaseMap[] = {
        { "shallow", VIR_DOMAIN_BLOCK_REBASE_SHALLOW },
        { "reuse-external", VIR_DOMAIN_BLOCK_REBASE_REUSE_EXT },
        { "blockdev", VIR_DOMAIN_BLOCK_REBASE_COPY_DEV },
        { "bytes", VIR_DOMAIN_BLOCK_REBASE_BANDWIDTH_BYTES },
    };
    const char *path = vkshOptString(cmd, "path");
    const char *xmlFile = vkshOptString(cmd, "xml");
    const char *format = vkshOptString(cmd, "format");
    bool pivot = vkshOptBool(cmd, "pivot");
    bool finish = vkshOptBool(cmd, "finish");
    bool wait = vkshOptBool(cmd, "wait") || pivot || finish || vkshOptString(cmd, "timeout");
    /* virDomainBlockCopy is needed for what the rebase call cannot say */
    bool useCopy = xmlFile || vkshOptString(cmd, "granularity") ||
                   vkshOptString(cmd, "buf-size") || vkshOptBool(cmd, "transient-job") ||
                   vkshOptBool(cmd, "synchronous-writes") ||
                   (format && !g_str_equal(format, "raw")) ||
                   vkshOptBool(cmd, "print-xml");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    unsigned long bw = 0;
    int rc;

    if (!vkshOptExclusive(ctl, cmd, "dest", "xml") ||
        !vkshOptExclusive(ctl, cmd, "format", "xml") ||
        !vkshOptExclusive(ctl, cmd, "blockdev", "xml") ||
        !vkshOptExclusive(ctl, cmd, "pivot", "finish") ||
        !needsWait(ctl, cmd, wait, "finish") || !timeoutOpt(ctl, cmd) ||
        vkshBandwidthOpt(ctl, cmd, &bw) < 0)
        return false;
    if (!vkshOptString(cmd, "dest") && !xmlFile) {
        vkshError(ctl, "%s", "need either --dest or --xml");
        return false;
    }
    if (xmlFile && !(xml = vkshReadFile(ctl, xmlFile)))
        return false;
    if (!xml)
        xml = copyDestXml(cmd);
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (useCopy)
        rc = startCopy(ctl, cmd, dom, path, xml, bw);
    else
        rc = virDomainBlockRebase(dom, path, vkshOptString(cmd, "dest"), bw,
                                  VKSH_OPT_FLAGS(cmd, rebaseMap) | VIR_DOMAIN_BLOCK_REBASE_COPY |
                                  (format ? VIR_DOMAIN_BLOCK_REBASE_COPY_RAW : 0));
    if (rc < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (!wait) {
        vkshPrint(ctl, "%s\n", "Block Copy started");
        return true;
    }
    return finishJob(ctl, cmd, dom, path, true, "Block Copy", pivot, finish, msgs);
}

VKSH_CMD(vkshCmdBlockcommit, "blockcommit", cmdBlockcommit, optsBlockcommit,
         "Start a block commit operation.", "Commit changes from a snapshot down to its backing image.");
VKSH_CMD(vkshCmdBlockcopy, "blockcopy", cmdBlockcopy, optsBlockcopy,
         "Start a block copy operation.", "Copy a disk backing image chain to dest.");
