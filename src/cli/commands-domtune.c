/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domtune.c: the tuning commands that show or change one family
 * of a domain's typed parameters — memtune, blkiotune, numatune, perf —
 * and the small one-call commands about a running guest (domcontrol,
 * domtime, inject-nmi, send-process-signal, dompm*, domfs*, ...).
 * A tuning command with no value to set prints every parameter as
 * "name           : value", the way virsh does. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

typedef int (*tuneGetFn)(virDomainPtr dom, virTypedParameterPtr params, int *n,
                         unsigned int flags);
typedef int (*tuneSetFn)(virDomainPtr dom, virTypedParameterPtr params, int n,
                         unsigned int flags);

/* One family of tuning parameters (memory, blkio, numa): how to read and
 * change them, virsh's word for them, and how a value prints (NULL: the
 * plain typed value). */
typedef struct {
    tuneGetFn get;
    tuneSetFn set;
    const char *what;
    char *(*fmt)(const virTypedParameter *p);
} tuneKind;

/* Reads the parameters (count first, then values) and prints them. */
static bool
tunePrint(vkshCtl *ctl, virDomainPtr dom, const tuneKind *kind, unsigned int flags)
{
    g_autofree char *getError = g_strdup_printf("Unable to get %s parameters", kind->what);
    /* virsh words a failed count query so, except for numatune */
    g_autofree char *countError = strcmp(kind->what, "numa") == 0 ? g_strdup(getError) :
        g_strdup_printf("Unable to get number of %s parameters", kind->what);
    tuneGetFn get = kind->get;
    char *(*fmt)(const virTypedParameter *p) = kind->fmt;
    g_autofree virTypedParameterPtr params = NULL;
    int n = 0;

    if (get(dom, NULL, &n, flags) < 0) {
        vkshError(ctl, "%s", countError);
        return false;
    }
    params = g_new0(virTypedParameter, n ? n : 1);
    if (n && get(dom, params, &n, flags) < 0) {
        vkshError(ctl, "%s", getError);
        return false;
    }
    for (int i = 0; i < n; i++) {
        g_autofree char *v = fmt ? fmt(&params[i]) : NULL;

        if (!v)
            v = vkshTypedParamString(&params[i]);
        vkshPrint(ctl, "%-15s: %s\n", params[i].field, v);
    }
    virTypedParamsClear(params, n);
    return true;
}

/* virsh's tuning commands: with no parameter given, print the current
 * ones; otherwise change them.  Frees params. */
static bool
tuneApply(vkshCtl *ctl, virDomainPtr dom, const tuneKind *kind,
          virTypedParameterPtr params, int n, unsigned int flags)
{
    bool ok = true;

    if (!n)
        ok = tunePrint(ctl, dom, kind, flags);
    else if (kind->set(dom, params, n, flags) < 0) {
        vkshError(ctl, "Unable to change %s parameters", kind->what);
        ok = false;
    }
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- memtune ---- */

static const vkshOptDef optsMemtune[] = {
    VKSH_OPT_DOMAIN,
    { "hard-limit", VKSH_OT_INT, 0, "Max memory, as scaled integer (default KiB)" },
    { "soft-limit", VKSH_OT_INT, 0, "Memory during contention, as scaled integer (default KiB)" },
    { "swap-hard-limit", VKSH_OT_INT, 0, "Max memory plus swap, as scaled integer (default KiB)" },
    { "min-guarantee", VKSH_OT_INT, 0, "Min guaranteed memory, as scaled integer (default KiB)" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static char *
memtuneValue(const virTypedParameter *p)
{
    if (p->type == VIR_TYPED_PARAM_ULLONG && p->value.ul >= VIR_DOMAIN_MEMORY_PARAM_UNLIMITED)
        return g_strdup("unlimited");
    return NULL;
}

static int
memGet(virDomainPtr dom, virTypedParameterPtr params, int *n, unsigned int flags)
{
    return virDomainGetMemoryParameters(dom, params, n, flags);
}

static const tuneKind memKind = { memGet, virDomainSetMemoryParameters, "memory", memtuneValue };

static bool
cmdMemtune(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const struct { const char *opt, *field; } limits[] = {
        { "hard-limit", VIR_DOMAIN_MEMORY_HARD_LIMIT },
        { "soft-limit", VIR_DOMAIN_MEMORY_SOFT_LIMIT },
        { "swap-hard-limit", VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT },
        { "min-guarantee", VIR_DOMAIN_MEMORY_MIN_GUARANTEE },
    };
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(limits); i++) {
        const char *str = vkshOptString(cmd, limits[i].opt);
        unsigned long long bytes = 0, kib;

        if (!str)
            continue;
        if (strcmp(str, "-1") == 0) {
            kib = VIR_DOMAIN_MEMORY_PARAM_UNLIMITED;
        } else if (!g_ascii_isdigit(str[0])) {
            vkshError(ctl, "Unable to parse integer parameter %s", limits[i].opt);
            goto cleanup;
        } else if (vkshOptScaled(ctl, cmd, limits[i].opt, &bytes, 1024, ULLONG_MAX) < 0) {
            goto cleanup;
        } else {
            kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
            if (kib > VIR_DOMAIN_MEMORY_PARAM_UNLIMITED)
                kib = VIR_DOMAIN_MEMORY_PARAM_UNLIMITED;
        }
        if (virTypedParamsAddULLong(&params, &n, &max, limits[i].field, kib) < 0)
            goto cleanup;
    }
    return tuneApply(ctl, dom, &memKind, params, n, flags);
 cleanup:
    virTypedParamsFree(params, n);
    return false;
}

/* ---- blkiotune ---- */

static const vkshOptDef optsBlkiotune[] = {
    VKSH_OPT_DOMAIN,
    { "weight", VKSH_OT_INT, 0, "IO Weight" },
    { "device-weights", VKSH_OT_STRING, 0,
      "per-device IO Weights, in the form of /path/to/device,weight,..." },
    { "device-read-iops-sec", VKSH_OT_STRING, 0,
      "per-device read I/O limit per second, in the form of /path/to/device,read_iops_sec,..." },
    { "device-write-iops-sec", VKSH_OT_STRING, 0,
      "per-device write I/O limit per second, in the form of /path/to/device,write_iops_sec,..." },
    { "device-read-bytes-sec", VKSH_OT_STRING, 0,
      "per-device bytes read per second, in the form of /path/to/device,read_bytes_sec,..." },
    { "device-write-bytes-sec", VKSH_OT_STRING, 0,
      "per-device bytes wrote per second, in the form of /path/to/device,write_bytes_sec,..." },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static int
blkioGet(virDomainPtr dom, virTypedParameterPtr params, int *n, unsigned int flags)
{
    return virDomainGetBlkioParameters(dom, params, n, flags);
}

static const tuneKind blkioKind = { blkioGet, virDomainSetBlkioParameters, "blkio", NULL };

static bool
cmdBlkiotune(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const struct { const char *opt, *field; } devs[] = {
        { "device-weights", VIR_DOMAIN_BLKIO_DEVICE_WEIGHT },
        { "device-read-iops-sec", VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS },
        { "device-write-iops-sec", VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS },
        { "device-read-bytes-sec", VIR_DOMAIN_BLKIO_DEVICE_READ_BPS },
        { "device-write-bytes-sec", VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS },
    };
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, weight = 0, got;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if ((got = vkshOptInt(ctl, cmd, "weight", &weight)) < 0)
        return false;
    if (got) {
        if (weight <= 0) {
            vkshError(ctl, "Invalid value of %d for I/O weight", weight);
            return false;
        }
        if (virTypedParamsAddUInt(&params, &n, &max, VIR_DOMAIN_BLKIO_WEIGHT, weight) < 0)
            goto cleanup;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(devs); i++) {
        const char *v = vkshOptString(cmd, devs[i].opt);

        if (v && virTypedParamsAddString(&params, &n, &max, devs[i].field, v) < 0)
            goto cleanup;
    }
    return tuneApply(ctl, dom, &blkioKind, params, n, flags);
 cleanup:
    virTypedParamsFree(params, n);
    return false;
}

/* ---- numatune ---- */

static const char *const numaModes[] = { "strict", "preferred", "interleave", "restrictive" };

static const vkshOptDef optsNumatune[] = {
    VKSH_OPT_DOMAIN,
    { "mode", VKSH_OT_STRING, 0,
      "NUMA mode, one of strict, preferred and interleave \n"
      "or a number from the virDomainNumatuneMemMode enum" },
    { "nodeset", VKSH_OT_STRING, 0, "NUMA node selections to set" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static char *
numaValue(const virTypedParameter *p)
{
    if (strcmp(p->field, VIR_DOMAIN_NUMA_MODE) == 0 && p->type == VIR_TYPED_PARAM_INT)
        return g_strdup(VKSH_ENUM_NAME(numaModes, p->value.i, "unknown"));
    return NULL;
}

static int
numaGet(virDomainPtr dom, virTypedParameterPtr params, int *n, unsigned int flags)
{
    return virDomainGetNumaParameters(dom, params, n, flags);
}

static const tuneKind numaKind = { numaGet, virDomainSetNumaParameters, "numa", numaValue };

static bool
cmdNumatune(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *mode = vkshOptString(cmd, "mode");
    const char *nodeset = vkshOptString(cmd, "nodeset");
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (mode) {
        int m = -1;
        char *end = NULL;

        for (size_t i = 0; i < G_N_ELEMENTS(numaModes); i++) {
            if (strcmp(mode, numaModes[i]) == 0)
                m = i;
        }
        if (m < 0) {
            long v = strtol(mode, &end, 10);

            if (end == mode || *end || v < 0 || v > INT_MAX) {
                vkshError(ctl, "Invalid mode: %s", mode);
                return false;
            }
            m = v;
        }
        if (virTypedParamsAddInt(&params, &n, &max, VIR_DOMAIN_NUMA_MODE, m) < 0)
            goto cleanup;
    }
    if (nodeset && virTypedParamsAddString(&params, &n, &max, VIR_DOMAIN_NUMA_NODESET,
                                           nodeset) < 0)
        goto cleanup;
    return tuneApply(ctl, dom, &numaKind, params, n, flags);
 cleanup:
    virTypedParamsFree(params, n);
    return false;
}

/* ---- perf ---- */

static const vkshOptDef optsPerf[] = {
    VKSH_OPT_DOMAIN,
    { "enable", VKSH_OT_STRING, 0, "perf events which will be enabled" },
    { "disable", VKSH_OT_STRING, 0, "perf events which will be disabled" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdPerf(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const opts[] = { "enable", "disable" };
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    unsigned int flags;
    bool ok = false;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    for (size_t k = 0; k < G_N_ELEMENTS(opts); k++) {
        const char *list = vkshOptString(cmd, opts[k]);
        g_auto(GStrv) events = list ? g_strsplit(list, ",", -1) : NULL;

        for (size_t i = 0; events && events[i]; i++) {
            if (*events[i] &&
                virTypedParamsAddBoolean(&params, &n, &max, events[i], k == 0) < 0)
                goto cleanup;
        }
    }
    if (!n) {
        g_autofree virTypedParameterPtr got = NULL;
        int ngot = 0;

        if (virDomainGetPerfEvents(dom, &got, &ngot, flags) < 0) {
            vkshError(ctl, "Unable to get perf events");
            goto cleanup;
        }
        for (int i = 0; i < ngot; i++)
            vkshPrint(ctl, "%-15s: %s\n", got[i].field,
                      got[i].value.b ? "enabled" : "disabled");
        ok = true;
        goto cleanup;
    }
    if (virDomainSetPerfEvents(dom, params, n, flags) < 0) {
        vkshError(ctl, "Unable to enable/disable perf events");
        goto cleanup;
    }
    for (int i = 0; i < n; i++)
        vkshPrint(ctl, "%-15s: %s\n", params[i].field,
                  params[i].value.b ? "enabled" : "disabled");
    ok = true;
 cleanup:
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- domcontrol ---- */

static bool
cmdDomcontrol(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const states[] = { "ok", "background job", "occupied", "error" };
    static const char *const reasons[] = { "none", "unknown", "monitor failure", "internal (locking) error" };
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    virDomainControlInfo info;

    if (!dom)
        return false;
    if (virDomainGetControlInfo(dom, &info, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (info.state == VIR_DOMAIN_CONTROL_ERROR && info.details > 0)
        vkshPrint(ctl, "%s: %s\n", VKSH_ENUM_NAME(states, info.state, "unknown"),
                  VKSH_ENUM_NAME(reasons, info.details, "unknown"));
    else if (info.state != VIR_DOMAIN_CONTROL_OK)
        vkshPrint(ctl, "%s (%0.3fs)\n", VKSH_ENUM_NAME(states, info.state, "unknown"),
                  info.stateTime / 1000.0);
    else
        vkshPrint(ctl, "%s\n", VKSH_ENUM_NAME(states, info.state, "unknown"));
    return true;
}

/* ---- domtime ---- */

static const vkshOptDef optsDomtime[] = {
    VKSH_OPT_DOMAIN,
    { "now", VKSH_OT_BOOL, 0, "set to the time of the host running virsh" },
    { "pretty", VKSH_OT_BOOL, 0, "print domain's time in human readable form" },
    { "sync", VKSH_OT_BOOL, 0, "instead of setting given time, synchronize from domain's RTC" },
    { "time", VKSH_OT_STRING, 0, "time to set" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomtime(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *timeStr = vkshOptString(cmd, "time");
    bool now = vkshOptBool(cmd, "now"), sync = vkshOptBool(cmd, "sync");
    g_autoptr(virDomain) dom = NULL;
    long long secs = 0;
    unsigned int nsecs = 0;

    if (!vkshOptExclusive(ctl, cmd, "time", "now") ||
        !vkshOptExclusive(ctl, cmd, "time", "sync") ||
        !vkshOptExclusive(ctl, cmd, "now", "sync") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (timeStr) {
        char *end = NULL;

        errno = 0;
        secs = strtoll(timeStr, &end, 10);
        if (errno || end == timeStr || *end) {
            vkshError(ctl, "Numeric value '%s' for <time> option is malformed or out of range",
                      timeStr);
            return false;
        }
    }
    if (timeStr || now || sync) {
        if (now)
            secs = (long long)time(NULL);
        if (virDomainSetTime(dom, secs, nsecs, sync ? VIR_DOMAIN_TIME_SYNC : 0) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        return true;
    }
    if (virDomainGetTime(dom, &secs, &nsecs, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (vkshOptBool(cmd, "pretty")) {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(secs);
        g_autofree char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : NULL;

        vkshPrint(ctl, "Time: %s", s ? s : "");
    } else {
        vkshPrint(ctl, "Time: %lld", secs);
    }
    return true;
}

/* ---- inject-nmi, send-process-signal, dompmsuspend, dompmwakeup ---- */

static bool
cmdInjectNmi(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);

    if (!dom || virDomainInjectNMI(dom, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsSendSignal[] = {
    VKSH_OPT_DOMAIN,
    { "pid", VKSH_OT_DATA, VKSH_OFLAG_REQ, "the process ID" },
    { "signame", VKSH_OT_DATA, VKSH_OFLAG_REQ, "the signal number or name" },
    { NULL, 0, 0, NULL },
};

/* VIR_DOMAIN_PROCESS_SIGNAL_* by name; the index is the enum value. */
static const char *const signalNames[] = {
    "nop", "hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill",
    "usr1", "segv", "usr2", "pipe", "alrm", "term", "stkflt", "chld", "cont",
    "stop", "tstp", "ttin", "ttou", "urg", "xcpu", "xfsz", "vtalrm", "prof",
    "winch", "poll", "pwr", "sys",
};

static int
parseSignal(const char *s)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    /* a number goes to the driver as it is (virsh's way): the range is the
     * driver's to check and to word */
    if (!errno && end != s && !*end)
        return v >= 0 && v <= INT_MAX ? (int)v : -1;
    if (g_ascii_strncasecmp(s, "sig", 3) == 0)
        s += 3;
    if (g_ascii_strncasecmp(s, "rt", 2) == 0) {
        v = strtol(s + 2, &end, 10);
        return end != s + 2 && !*end && v >= 0 && v <= 32 ? 32 + (int)v : -1;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(signalNames); i++) {
        if (g_ascii_strcasecmp(s, signalNames[i]) == 0)
            return i;
    }
    return -1;
}

static bool
cmdSendSignal(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *pidStr = vkshOptString(cmd, "pid");
    const char *sig = vkshOptString(cmd, "signame");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    char *end = NULL;
    long long pid;
    int signum;

    if (!dom)
        return false;
    errno = 0;
    pid = strtoll(pidStr, &end, 10);
    if (errno || end == pidStr || *end) {
        vkshError(ctl, "Numeric value '%s' for <pid> option is malformed or out of range", pidStr);
        return false;
    }
    if ((signum = parseSignal(sig)) < 0) {
        vkshError(ctl, "malformed signal name: %s", sig);
        return false;
    }
    if (virDomainSendProcessSignal(dom, pid, signum, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsPmsuspend[] = {
    VKSH_OPT_DOMAIN,
    { "target", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)" },
    { "duration", VKSH_OT_INT, 0, "duration in seconds" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPmsuspend(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const targets[] = { "mem", "disk", "hybrid" };
    const char *name;
    const char *target = vkshOptString(cmd, "target");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    int duration = 0, t = -1;

    if (!dom || vkshOptInt(ctl, cmd, "duration", &duration) < 0)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        if (strcmp(target, targets[i]) == 0)
            t = i;
    }
    if (t < 0) {
        vkshError(ctl, "Invalid target");
        return false;
    }
    if (virDomainPMSuspendForDuration(dom, t, (unsigned int)duration, 0) < 0) {
        vkshError(ctl, "Domain '%s' could not be suspended", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' successfully suspended\n", name);
    return true;
}

static bool
cmdPmwakeup(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    if (virDomainPMWakeup(dom, 0) < 0) {
        vkshError(ctl, "Domain '%s' could not be woken up", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' successfully woken up\n", name);
    return true;
}

/* ---- maxvcpus ---- */

static const vkshOptDef optsMaxvcpus[] = {
    { "type", VKSH_OT_STRING, 0, "domain type" },
    { NULL, 0, 0, NULL },
};

static bool
cmdMaxvcpus(vkshCtl *ctl, const vkshCmd *cmd)
{
    int n = virConnectGetMaxVcpus(ctl->conn, vkshOptString(cmd, "type"));

    if (n < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%d\n", n);
    return true;
}

#define CMD(var, nm, fn, opts, sum, desc) VKSH_CMD(var, nm, fn, opts, sum, desc)

CMD(vkshCmdMemtune, "memtune", cmdMemtune, optsMemtune,
    "Get or set memory parameters", "Get or set the current memory parameters for a guest domain.");
CMD(vkshCmdBlkiotune, "blkiotune", cmdBlkiotune, optsBlkiotune,
    "Get or set blkio parameters", "Get or set the current blkio parameters for a guest domain.");
CMD(vkshCmdNumatune, "numatune", cmdNumatune, optsNumatune,
    "Get or set numa parameters", "Get or set the current numa parameters for a guest domain.");
CMD(vkshCmdPerf, "perf", cmdPerf, optsPerf,
    "Get or set perf event", "Get or set the current perf events for a guest domain.");
CMD(vkshCmdDomcontrol, "domcontrol", cmdDomcontrol, vkshOptsDomainOnly,
    "domain control interface state", "Returns state of a control interface to the domain.");
CMD(vkshCmdDomtime, "domtime", cmdDomtime, optsDomtime,
    "domain time", "Gets or sets the domain's system time");
CMD(vkshCmdInjectNmi, "inject-nmi", cmdInjectNmi, vkshOptsDomainOnly,
    "Inject NMI to the guest", "Inject NMI to the guest domain.");
CMD(vkshCmdSendProcessSignal, "send-process-signal", cmdSendSignal, optsSendSignal,
    "Send signals to processes", "Send signals to processes in the guest");
CMD(vkshCmdDompmsuspend, "dompmsuspend", cmdPmsuspend, optsPmsuspend,
    "suspend a domain gracefully using power management functions",
    "Suspends a running domain using guest OS's power management.");
CMD(vkshCmdDompmwakeup, "dompmwakeup", cmdPmwakeup, vkshOptsDomainOnly,
    "wakeup a domain from pmsuspended state",
    "Wakeup a domain that was previously suspended by power management.");
CMD(vkshCmdMaxvcpus, "maxvcpus", cmdMaxvcpus, optsMaxvcpus,
    "connection vcpu maximum", "Get maximum number of virtual CPUs for a guest domain.");
