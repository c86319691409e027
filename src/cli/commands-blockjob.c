/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-blockjob.c: block jobs and I/O limits of one disk or interface
 * — blockjob, blockpull, blkdeviotune, domiftune — and the remaining
 * guest-agent queries (guestvcpus, guest-agent-timeout, set-user-sshkeys),
 * domlaunchsecinfo and domdirtyrate-calc. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

/* ---- blockjob ---- */

static const vkshOptDef optsBlockjob[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "fully-qualified path of disk" },
    { "abort", VKSH_OT_BOOL, 0, "abort the active job on the specified disk" },
    { "async", VKSH_OT_BOOL, 0, "implies --abort; request but don't wait for job end" },
    { "pivot", VKSH_OT_BOOL, 0, "implies --abort; conclude and pivot a copy or commit job" },
    { "info", VKSH_OT_BOOL, 0, "get active job information for the specified disk" },
    { "bytes", VKSH_OT_BOOL, 0, "get/set bandwidth in bytes rather than MiB/s" },
    { "raw", VKSH_OT_BOOL, 0, "implies --info; output details rather than human summary" },
    { "bandwidth", VKSH_OT_STRING, 0, "set the bandwidth limit in MiB/s" },
    { NULL, 0, 0, NULL },
};

static bool
blockjobInfo(vkshCtl *ctl, virDomainPtr dom, const char *path, bool raw, bool bytes)
{
    static const char *const rawTypes[] = { "unknown", "pull", "copy", "commit",
                                            "active-commit", "backup" };
    static const char *const labels[] = { "Unknown job", "Block Pull", "Block Copy",
                                          "Block Commit", "Active Block Commit", "Backup" };
    virDomainBlockJobInfo info;
    unsigned long long speed;
    int rc, pct;

    rc = virDomainGetBlockJobInfo(dom, path, &info,
                                  bytes ? VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES : 0);
    if (rc < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (rc == 0) {
        vkshPrintExtra(ctl, "No current block job for %s\n", path);
        return true;
    }
    if (raw) {
        vkshPrint(ctl, " type=%s\n bandwidth=%lu\n cur=%llu\n end=%llu\n",
                  VKSH_ENUM_NAME(rawTypes, info.type, "unknown"), info.bandwidth,
                  info.cur, info.end);
        return true;
    }
    speed = bytes ? info.bandwidth : (unsigned long long)info.bandwidth << 20;
    pct = info.end ? (int)(info.cur * 100 / info.end) : 100;
    vkshPrint(ctl, "%s: [%3d %%]", VKSH_ENUM_NAME(labels, info.type, "Unknown job"), pct);
    if (speed) {
        const char *unit;
        double v = vkshPrettyCapacity(speed, &unit);

        vkshPrint(ctl, "    Bandwidth limit: %llu bytes/s (%-.3lf %s/s)", speed, v, unit);
    }
    vkshPrint(ctl, "\n");
    return true;
}

/* --bandwidth as virsh reads it: a plain number (MiB/s, or bytes/s with
 * --bytes; a negative one wraps, as the API takes it unsigned), or a
 * scaled byte count such as 10M. */
int
vkshBandwidthOpt(vkshCtl *ctl, const vkshCmd *cmd, unsigned long *bw)
{
    const char *str = vkshOptString(cmd, "bandwidth");
    unsigned long long bytes = 0;
    char *end = NULL;
    long long v;

    *bw = 0;
    if (!str)
        return 0;
    errno = 0;
    v = strtoll(str, &end, 10);
    if (!errno && end != str && !*end) {
        *bw = (unsigned long)v;
        return 1;
    }
    if (!g_ascii_isdigit(str[0]) ||
        vkshOptScaled(NULL, cmd, "bandwidth", &bytes, 1, ULLONG_MAX) < 0) {
        if (g_ascii_isdigit(str[0]))
            return -1;
        vkshError(ctl, "Scaled numeric value '%s' for <--bandwidth> option is malformed "
                  "or out of range", str);
        return -1;
    }
    *bw = vkshOptBool(cmd, "bytes") ? bytes : bytes >> 20;
    return 1;
}

static bool
cmdBlockjob(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *path = vkshOptString(cmd, "path");
    bool bytes = vkshOptBool(cmd, "bytes");
    bool raw = vkshOptBool(cmd, "raw");
    bool abortJob = vkshOptBool(cmd, "abort") || vkshOptBool(cmd, "async") ||
                    vkshOptBool(cmd, "pivot");
    bool info = vkshOptBool(cmd, "info") || raw;
    g_autoptr(virDomain) dom = NULL;
    unsigned long bw = 0;
    int haveBw;

    if (!vkshOptExclusive(ctl, cmd, "raw", "abort") ||
        !vkshOptExclusive(ctl, cmd, "info", "abort") ||
        !vkshOptExclusive(ctl, cmd, "info", "bandwidth") ||
        !vkshOptExclusive(ctl, cmd, "abort", "bandwidth") ||
        (haveBw = vkshBandwidthOpt(ctl, cmd, &bw)) < 0 ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (abortJob) {
        unsigned int flags = 0;

        if (vkshOptBool(cmd, "async"))
            flags |= VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC;
        if (vkshOptBool(cmd, "pivot"))
            flags |= VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT;
        if (virDomainBlockJobAbort(dom, path, flags) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        return true;
    }
    if (haveBw && !info) {
        if (virDomainBlockJobSetSpeed(dom, path, bw,
                                      bytes ? VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES : 0) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        return true;
    }
    return blockjobInfo(ctl, dom, path, raw, bytes);
}

/* ---- blockpull (without --wait: the job's end comes as an event) ---- */

static const vkshOptDef optsBlockpull[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "fully-qualified path of disk" },
    { "bandwidth", VKSH_OT_STRING, 0, "bandwidth limit in MiB/s" },
    { "base", VKSH_OT_STRING, 0, "path of backing file in chain for a partial pull" },
    { "keep-relative", VKSH_OT_BOOL, 0, "keep the backing chain relatively referenced" },
    { "bytes", VKSH_OT_BOOL, 0, "the bandwidth limit is in bytes/s rather than MiB/s" },
    { NULL, 0, 0, NULL },
};

static bool
cmdBlockpull(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *path = vkshOptString(cmd, "path");
    const char *base = vkshOptString(cmd, "base");
    bool bytes = vkshOptBool(cmd, "bytes");
    bool keepRelative = vkshOptBool(cmd, "keep-relative");
    g_autoptr(virDomain) dom = NULL;
    unsigned long bw = 0;
    int rc;

    if (vkshBandwidthOpt(ctl, cmd, &bw) < 0 ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (base || keepRelative) {
        unsigned int flags = (keepRelative ? VIR_DOMAIN_BLOCK_REBASE_RELATIVE : 0) |
                             (bytes ? VIR_DOMAIN_BLOCK_REBASE_BANDWIDTH_BYTES : 0);

        rc = virDomainBlockRebase(dom, path, base, bw, flags);
    } else {
        rc = virDomainBlockPull(dom, path, bw,
                                bytes ? VIR_DOMAIN_BLOCK_PULL_BANDWIDTH_BYTES : 0);
    }
    if (rc < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Block Pull started\n");
    return true;
}

/* ---- blkdeviotune ---- */

static const vkshOptDef optsBlkdeviotune[] = {
    VKSH_OPT_DOMAIN,
    { "device", VKSH_OT_DATA, VKSH_OFLAG_REQ, "block device" },
    { "total-bytes-sec", VKSH_OT_INT, 0, "total throughput limit, as scaled integer (default bytes)" },
    { "read-bytes-sec", VKSH_OT_INT, 0, "read throughput limit, as scaled integer (default bytes)" },
    { "write-bytes-sec", VKSH_OT_INT, 0, "write throughput limit, as scaled integer (default bytes)" },
    { "total-iops-sec", VKSH_OT_INT, 0, "total I/O operations limit per second" },
    { "read-iops-sec", VKSH_OT_INT, 0, "read I/O operations limit per second" },
    { "write-iops-sec", VKSH_OT_INT, 0, "write I/O operations limit per second" },
    { "total-bytes-sec-max", VKSH_OT_INT, 0, "total max, as scaled integer (default bytes)" },
    { "read-bytes-sec-max", VKSH_OT_INT, 0, "read max, as scaled integer (default bytes)" },
    { "write-bytes-sec-max", VKSH_OT_INT, 0, "write max, as scaled integer (default bytes)" },
    { "total-iops-sec-max", VKSH_OT_INT, 0, "total I/O operations max" },
    { "read-iops-sec-max", VKSH_OT_INT, 0, "read I/O operations max" },
    { "write-iops-sec-max", VKSH_OT_INT, 0, "write I/O operations max" },
    { "size-iops-sec", VKSH_OT_INT, 0, "I/O size in bytes" },
    { "group-name", VKSH_OT_STRING, 0, "group name to share I/O quota between multiple drives" },
    { "total-bytes-sec-max-length", VKSH_OT_INT, 0, "duration in seconds to allow total max bytes" },
    { "read-bytes-sec-max-length", VKSH_OT_INT, 0, "duration in seconds to allow read max bytes" },
    { "write-bytes-sec-max-length", VKSH_OT_INT, 0, "duration in seconds to allow write max bytes" },
    { "total-iops-sec-max-length", VKSH_OT_INT, 0,
      "duration in seconds to allow total I/O operations max" },
    { "read-iops-sec-max-length", VKSH_OT_INT, 0,
      "duration in seconds to allow read I/O operations max" },
    { "write-iops-sec-max-length", VKSH_OT_INT, 0,
      "duration in seconds to allow write I/O operations max" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdBlkdeviotune(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *device = vkshOptString(cmd, "device");
    const char *group = vkshOptString(cmd, "group-name");
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    unsigned int flags;
    bool ok = false;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    /* every numeric option maps onto the parameter of the same name with
     * '_' for '-'; the byte ones take scaled values */
    for (size_t i = 2; optsBlkdeviotune[i].name; i++) {
        const vkshOptDef *o = &optsBlkdeviotune[i];
        g_autofree char *field = NULL;
        unsigned long long v = 0;

        if (o->type != VKSH_OT_INT || !vkshOptString(cmd, o->name))
            continue;
        if (strstr(o->name, "bytes-sec") && !strstr(o->name, "length")) {
            if (vkshOptScaled(ctl, cmd, o->name, &v, 1, ULLONG_MAX) < 0) {
                vkshError(ctl, "Unable to parse integer parameter");
                goto cleanup;
            }
        } else {
            const char *str = vkshOptString(cmd, o->name);
            char *end = NULL;

            errno = 0;
            v = strtoull(str, &end, 10);
            if (errno || end == str || *end || str[0] == '-') {
                vkshError(ctl, "Numeric value '%s' for <%s> option is malformed or out of range",
                          str, o->name);
                vkshError(ctl, "Unable to parse integer parameter");
                goto cleanup;
            }
        }
        field = g_strdelimit(g_strdup(o->name), "-", '_');
        if (virTypedParamsAddULLong(&params, &n, &max, field, v) < 0)
            goto cleanup;
    }
    if (group && virTypedParamsAddString(&params, &n, &max, VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME,
                                         group) < 0)
        goto cleanup;
    if (n) {
        if (virDomainSetBlockIoTune(dom, device, params, n, flags) < 0) {
            vkshError(ctl, "Unable to change block I/O throttle");
            goto cleanup;
        }
        ok = true;
        goto cleanup;
    }
    ok = vkshPrintDeviceParams(ctl, dom, device, virDomainGetBlockIoTune, flags,
                               "Unable to get block I/O throttle parameters");
 cleanup:
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- guestvcpus, guest-agent-timeout, domlaunchsecinfo, domdirtyrate-calc ---- */

static const vkshOptDef optsGuestvcpus[] = {
    VKSH_OPT_DOMAIN,
    { "cpulist", VKSH_OT_STRING, 0, "list of cpus to enable or disable" },
    { "enable", VKSH_OT_BOOL, 0, "enable cpus specified by cpulist" },
    { "disable", VKSH_OT_BOOL, 0, "disable cpus specified by cpulist" },
    { NULL, 0, 0, NULL },
};

static bool
cmdGuestvcpus(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *cpulist = vkshOptString(cmd, "cpulist");
    bool enable = vkshOptBool(cmd, "enable"), disable = vkshOptBool(cmd, "disable");
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    unsigned int n = 0;

    if (!vkshOptExclusive(ctl, cmd, "enable", "disable"))
        return false;
    if ((enable || disable) && !cpulist) {
        vkshError(ctl, "Option --cpulist is required by option --%s",
                  enable ? "enable" : "disable");
        return false;
    }
    if (cpulist && !enable && !disable) {
        vkshError(ctl, "One of options --enable or --disable is required by option --cpulist");
        return false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (cpulist) {
        if (virDomainSetGuestVcpus(dom, cpulist, enable, 0) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        return true;
    }
    if (virDomainGetGuestVcpus(dom, &params, &n, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintTypedParams(ctl, params, n);
    virTypedParamsFree(params, n);
    return true;
}

static const vkshOptDef optsAgentTimeout[] = {
    VKSH_OPT_DOMAIN,
    { "timeout", VKSH_OT_INT, 0, "timeout seconds." },
    { NULL, 0, 0, NULL },
};

static bool
cmdAgentTimeout(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int timeout = VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK;

    if (!dom || vkshOptInt(ctl, cmd, "timeout", &timeout) < 0)
        return false;
    if (virDomainAgentSetResponseTimeout(dom, timeout, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static bool
cmdLaunchsecinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    virTypedParameterPtr params = NULL;
    int n = 0;

    if (!dom)
        return false;
    if (virDomainGetLaunchSecurityInfo(dom, &params, &n, 0) < 0) {
        vkshError(ctl, "Unable to get launch security parameters");
        return false;
    }
    vkshPrintTypedParams(ctl, params, n);
    virTypedParamsFree(params, n);
    return true;
}

static const vkshOptDef optsDirtyrate[] = {
    VKSH_OPT_DOMAIN,
    { "seconds", VKSH_OT_INT, 0,
      "calculate memory dirty rate within specified seconds, the supported value range "
      "from 1 to 60, default to 1." },
    { "mode", VKSH_OT_STRING, 0,
      "dirty page rate calculation mode, either of these 3 options 'page-sampling, "
      "dirty-bitmap, dirty-ring' can be specified." },
    { NULL, 0, 0, NULL },
};

static bool
cmdDirtyrateCalc(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *mode = vkshOptString(cmd, "mode");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned int flags = 0;
    int seconds = 1;

    if (!dom || vkshOptInt(ctl, cmd, "seconds", &seconds) < 0)
        return false;
    if (mode) {
        if (strcmp(mode, "dirty-bitmap") == 0) {
            flags = VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_BITMAP;
        } else if (strcmp(mode, "dirty-ring") == 0) {
            flags = VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_RING;
        } else if (strcmp(mode, "page-sampling") != 0) {
            vkshError(ctl, "Unknown calculation mode '%s'", mode);
            return false;
        }
    }
    if (virDomainStartDirtyRateCalc(dom, seconds, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Start to calculate domain's memory dirty rate successfully.\n");
    return true;
}

#define CMD(var, nm, fn, opts, sum) VKSH_CMD(var, nm, fn, opts, sum, "")

CMD(vkshCmdBlockjob, "blockjob", cmdBlockjob, optsBlockjob,
    "Manage active block operations");
CMD(vkshCmdBlockpull, "blockpull", cmdBlockpull, optsBlockpull,
    "Populate a disk from its backing image.");
CMD(vkshCmdBlkdeviotune, "blkdeviotune", cmdBlkdeviotune, optsBlkdeviotune,
    "Set or query a block device I/O tuning parameters.");
CMD(vkshCmdGuestvcpus, "guestvcpus", cmdGuestvcpus, optsGuestvcpus,
    "query or modify state of vcpu in the guest (via agent)");
CMD(vkshCmdGuestAgentTimeout, "guest-agent-timeout", cmdAgentTimeout, optsAgentTimeout,
    "Set the guest agent timeout");
CMD(vkshCmdDomlaunchsecinfo, "domlaunchsecinfo", cmdLaunchsecinfo, vkshOptsDomainOnly,
    "Get domain launch security info");
CMD(vkshCmdDomdirtyrateCalc, "domdirtyrate-calc", cmdDirtyrateCalc, optsDirtyrate,
    "Calculate a vm's memory dirty rate");
