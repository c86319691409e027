/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domstats.c: a domain's counters and knobs that come as lists
 * of named values — dommemstat, schedinfo, cpu-stats, domblkerror — and
 * send-key.  Typed parameters are printed by type the way virsh prints
 * them, since their order and names are the driver's, not the shell's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "keycodes.h"

char *
vkshTypedParamString(const virTypedParameter *p)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT: return g_strdup_printf("%d", p->value.i);
    case VIR_TYPED_PARAM_UINT: return g_strdup_printf("%u", p->value.ui);
    case VIR_TYPED_PARAM_LLONG: return g_strdup_printf("%lld", p->value.l);
    case VIR_TYPED_PARAM_ULLONG: return g_strdup_printf("%llu", p->value.ul);
    case VIR_TYPED_PARAM_DOUBLE: return g_strdup_printf("%f", p->value.d);
    case VIR_TYPED_PARAM_BOOLEAN: return g_strdup(p->value.b ? "yes" : "no");
    case VIR_TYPED_PARAM_STRING: return g_strdup(p->value.s ? p->value.s : "");
    default: return g_strdup("unimplemented parameter type");
    }
}

void
vkshPrintTypedParams(vkshCtl *ctl, const virTypedParameter *params, int n)
{
    for (int i = 0; i < n; i++) {
        g_autofree char *v = vkshTypedParamString(&params[i]);

        vkshPrint(ctl, "%-15s: %s\n", params[i].field, v);
    }
}

bool
vkshPrintDeviceParams(vkshCtl *ctl, virDomainPtr dom, const char *device,
                      vkshDeviceParamsFn get, unsigned int flags, const char *getError)
{
    g_autofree virTypedParameterPtr params = NULL;
    int n = 0;

    if (get(dom, device, NULL, &n, flags) < 0) {
        vkshError(ctl, "%s", getError);
        return false;
    }
    params = g_new0(virTypedParameter, n ? n : 1);
    if (n && get(dom, device, params, &n, flags) < 0) {
        vkshError(ctl, "%s", getError);
        return false;
    }
    vkshPrintTypedParams(ctl, params, n);
    virTypedParamsClear(params, n);
    return true;
}

static const vkshOptDef optsDommemstat[] = {
    VKSH_OPT_DOMAIN,
    { "period", VKSH_OT_INT, 0,
      "period in seconds to set collection" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

/* Indexed by VIR_DOMAIN_MEMORY_STAT_*. */
static const char *const memStatNames[] = {
    "swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available",
    "actual", "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc",
    "hugetlb_pgfail",
};

static bool
cmdDommemstat(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    const char *name;
    unsigned int flags;
    int period = 0, got, n;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if ((got = vkshOptInt(ctl, cmd, "period", &period)) < 0)
        return false;
    if (got) {
        if (period < 0) {
            vkshError(ctl, "Invalid collection period value '%d'", period);
            return false;
        }
        if (virDomainSetMemoryStatsPeriod(dom, period, flags) < 0) {
            vkshError(ctl, "Unable to change balloon collection period.");
            return false;
        }
        return true;
    }
    if ((n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0)) < 0) {
        vkshError(ctl, "Failed to get memory statistics for domain %s", name);
        return false;
    }
    for (int i = 0; i < n; i++) {
        const char *tag = VKSH_ENUM_NAME(memStatNames, stats[i].tag, NULL);

        if (tag)
            vkshPrint(ctl, "%s %llu\n", tag, stats[i].val);
    }
    return true;
}

static const vkshOptDef optsSchedinfo[] = {
    VKSH_OPT_DOMAIN,
    { "set", VKSH_OT_STRING, 0, "parameter=value" },
    { "current", VKSH_OT_BOOL, 0, "get/set current scheduler info" },
    { "config", VKSH_OT_BOOL, 0, "get/set value to be used on next boot" },
    { "live", VKSH_OT_BOOL, 0, "get/set value from running domain" },
    { "weight", VKSH_OT_INT, 0, "weight for XEN_CREDIT" },
    { "cap", VKSH_OT_INT, 0, "cap for XEN_CREDIT" },
    { NULL, 0, 0, NULL },
};

/* One "name=value" for an existing parameter, typed like its current
 * value.  Returns false after saying why. */
static bool
setSchedParam(vkshCtl *ctl, virTypedParameterPtr params, int nparams,
              const char *name, const char *value, GArray *update)
{
    virTypedParameter p;
    char *end = NULL;

    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) != 0)
            continue;
        p = params[i];
        errno = 0;
        switch (p.type) {
        case VIR_TYPED_PARAM_INT: p.value.i = strtol(value, &end, 10); break;
        case VIR_TYPED_PARAM_UINT: p.value.ui = strtoul(value, &end, 10); break;
        case VIR_TYPED_PARAM_LLONG: p.value.l = strtoll(value, &end, 10); break;
        case VIR_TYPED_PARAM_ULLONG: p.value.ul = strtoull(value, &end, 10); break;
        case VIR_TYPED_PARAM_DOUBLE: p.value.d = g_ascii_strtod(value, &end); break;
        default:
            vkshError(ctl, "invalid scheduler option: %s", name);
            return false;
        }
        if (errno || end == value || *end) {
            vkshError(ctl, "invalid value of %s for scheduler option %s", value, name);
            return false;
        }
        g_array_append_val(update, p);
        return true;
    }
    vkshError(ctl, "invalid scheduler option: %s", name);
    return false;
}

static bool
collectSchedUpdates(vkshCtl *ctl, const vkshCmd *cmd, virTypedParameterPtr params,
                    int nparams, GArray *update)
{
    const char *set = vkshOptString(cmd, "set");
    static const char *const legacy[] = { "weight", "cap" };

    for (size_t i = 0; i < G_N_ELEMENTS(legacy); i++) {
        const char *v = vkshOptString(cmd, legacy[i]);

        if (v && !setSchedParam(ctl, params, nparams, legacy[i], v, update))
            return false;
    }
    if (set) {
        g_autofree char *name = g_strdup(set);
        char *eq = strchr(name, '=');

        if (!eq) {
            vkshError(ctl, "Invalid syntax for --set, expecting name=value");
            return false;
        }
        *eq = '\0';
        if (!setSchedParam(ctl, params, nparams, name, eq + 1, update))
            return false;
    }
    return true;
}

/* The plain API without --config/--live/--current, as virsh. */
static int
getSchedParams(virDomainPtr dom, virTypedParameterPtr params, int *nparams,
               bool useFlags, unsigned int flags)
{
    if (!useFlags)
        return virDomainGetSchedulerParameters(dom, params, nparams);
    return virDomainGetSchedulerParametersFlags(dom, params, nparams,
                                                flags | VIR_TYPED_PARAM_STRING_OKAY);
}

static bool
cmdSchedinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *type = NULL;
    g_autofree virTypedParameterPtr params = NULL;
    g_autoptr(GArray) update = g_array_new(FALSE, FALSE, sizeof(virTypedParameter));
    bool useFlags = vkshAffectGiven(cmd);
    unsigned int flags;
    int nparams = 0, rc;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(type = virDomainGetSchedulerType(dom, &nparams)))
        return false;
    vkshPrint(ctl, "%-15s: %s\n", "Scheduler", type);
    if (nparams <= 0)
        return true;

    params = g_new0(virTypedParameter, nparams);
    if (getSchedParams(dom, params, &nparams, useFlags, flags) < 0 ||
        !collectSchedUpdates(ctl, cmd, params, nparams, update))
        return false;
    if (update->len) {
        virTypedParameterPtr up = (virTypedParameterPtr)update->data;

        rc = useFlags ? virDomainSetSchedulerParametersFlags(dom, up, update->len, flags)
                      : virDomainSetSchedulerParameters(dom, up, update->len);
        if (rc < 0 || getSchedParams(dom, params, &nparams, useFlags, flags) < 0)
            return false;
    }
    for (int i = 0; i < nparams; i++) {
        g_autofree char *v = vkshTypedParamString(&params[i]);

        vkshPrint(ctl, "%-15s: %s\n", params[i].field, v);
    }
    virTypedParamsClear(params, nparams);
    return true;
}

/* Indexed by VIR_DOMAIN_DISK_ERROR_*. */
static const char *const diskErrorNames[] = {
    "no error", "unspecified error", "no space",
};

static bool
cmdDomblkerror(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree virDomainDiskErrorPtr errs = NULL;
    int n;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if ((n = virDomainGetDiskErrors(dom, NULL, 0, 0)) < 0)
        return false;
    if (n == 0) {
        vkshPrint(ctl, "No errors found\n");
        return true;
    }
    errs = g_new0(virDomainDiskError, n);
    if ((n = virDomainGetDiskErrors(dom, errs, n, 0)) < 0)
        return false;
    for (int i = 0; i < n; i++) {
        vkshPrint(ctl, "%s: %s\n", errs[i].disk, VKSH_ENUM_NAME(diskErrorNames, errs[i].error, "unknown error"));
        free(errs[i].disk);
    }
    return true;
}

static const vkshOptDef optsCpuStats[] = {
    VKSH_OPT_DOMAIN,
    { "total", VKSH_OT_BOOL, 0, "Show total statistics only" },
    { "start", VKSH_OT_INT, 0, "Show statistics from this CPU" },
    { "count", VKSH_OT_INT, 0, "Number of shown CPUs at most" },
    { NULL, 0, 0, NULL },
};

static void
printCpuStatParams(vkshCtl *ctl, const virTypedParameter *params, int n)
{
    for (int i = 0; i < n; i++) {
        const virTypedParameter *p = &params[i];

        if (!p->field[0])
            continue;
        /* Times are nanoseconds; virsh shows them as seconds. */
        if (p->type == VIR_TYPED_PARAM_ULLONG && g_str_has_suffix(p->field, "_time")) {
            vkshPrint(ctl, "\t%-15s %6llu.%09llu seconds\n", p->field,
                      p->value.ul / 1000000000ULL, p->value.ul % 1000000000ULL);
        } else {
            g_autofree char *v = vkshTypedParamString(p);

            vkshPrint(ctl, "\t%-15s %s\n", p->field, v);
        }
    }
}

/* virDomainGetCPUStats, with virsh's line when it fails. */
static int
getCpuStats(vkshCtl *ctl, virDomainPtr dom, const char *name,
            virTypedParameterPtr params, unsigned int nparams, int start,
            unsigned int ncpus)
{
    int rc = virDomainGetCPUStats(dom, params, nparams, start, ncpus, 0);

    if (rc < 0)
        vkshError(ctl, "Failed to retrieve CPU statistics for domain '%s'", name);
    return rc;
}

static bool
cpuStatsPerCpu(vkshCtl *ctl, virDomainPtr dom, const char *name, int start,
               int count, bool gotCount)
{
    g_autofree virTypedParameterPtr params = NULL;
    int ncpus, nparams, got;

    if ((ncpus = getCpuStats(ctl, dom, name, NULL, 0, 0, 0)) < 0 ||
        (nparams = getCpuStats(ctl, dom, name, NULL, 0, 0, 1)) < 0)
        return false;
    if (start >= ncpus) {
        vkshError(ctl, "Start CPU %d is out of range (min: 0, max: %d)", start, ncpus - 1);
        return false;
    }
    if (!gotCount || count > ncpus - start)
        count = ncpus - start;
    if (count == 0 || nparams == 0)
        return true;
    params = g_new0(virTypedParameter, (size_t)nparams * count);
    if ((got = getCpuStats(ctl, dom, name, params, nparams, start, count)) < 0)
        return false;
    for (int c = 0; c < count; c++) {
        vkshPrint(ctl, "CPU%d:\n", start + c);
        printCpuStatParams(ctl, params + (size_t)c * got, got);
    }
    virTypedParamsClear(params, nparams * count);
    return true;
}

static bool
cpuStatsTotal(vkshCtl *ctl, virDomainPtr dom, const char *name)
{
    g_autofree virTypedParameterPtr params = NULL;
    int nparams;

    if ((nparams = getCpuStats(ctl, dom, name, NULL, 0, -1, 1)) < 0)
        return false;
    params = g_new0(virTypedParameter, nparams ? nparams : 1);
    if ((nparams = getCpuStats(ctl, dom, name, params, nparams, -1, 1)) < 0)
        return false;
    vkshPrint(ctl, "Total:\n");
    printCpuStatParams(ctl, params, nparams);
    virTypedParamsClear(params, nparams);
    return true;
}

static bool
cmdCpuStats(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;
    bool total = vkshOptBool(cmd, "total");
    int start = 0, count = 0, gotStart, gotCount;

    if ((gotStart = vkshOptInt(ctl, cmd, "start", &start)) < 0 ||
        (gotCount = vkshOptInt(ctl, cmd, "count", &count)) < 0)
        return false;
    if (gotStart && start < 0) {
        vkshError(ctl, "Invalid value for start CPU");
        return false;
    }
    if (gotCount && count < 0) {
        vkshError(ctl, "Invalid value for number of CPUs to show");
        return false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    /* --total alone: only the total; --start/--count alone: only those
     * CPUs; all three: both. */
    if ((!total || gotStart || gotCount) &&
        !cpuStatsPerCpu(ctl, dom, name, start, count, gotCount))
        return false;
    if ((total || (!gotStart && !gotCount)) && !cpuStatsTotal(ctl, dom, name))
        return false;
    return true;
}

static const vkshOptDef optsSendKey[] = {
    VKSH_OPT_DOMAIN,
    /* Before --codeset and --holdtime, so that bare words are keys. */
    { "keycode", VKSH_OT_ARGV, VKSH_OFLAG_REQ, "the key code" },
    { "codeset", VKSH_OT_STRING, 0, "the codeset of keycodes, default:linux" },
    { "holdtime", VKSH_OT_INT, 0,
      "the time (in milliseconds) how long the keys will be held" },
    { NULL, 0, 0, NULL },
};

#define SEND_KEY_MAX 16

static bool
cmdSendKey(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *codesetName = vkshOptString(cmd, "codeset");
    g_auto(GStrv) keys = g_strsplit(vkshOptString(cmd, "keycode"), " ", -1);
    unsigned int codes[SEND_KEY_MAX];
    int codeset, holdtime = 0, n = 0;

    if (!codesetName)
        codesetName = "linux";
    if ((codeset = vkshKeycodeSetFromString(codesetName)) < 0) {
        vkshError(ctl, "unknown codeset: '%s'", codesetName);
        return false;
    }
    if (vkshOptInt(ctl, cmd, "holdtime", &holdtime) < 0)
        return false;
    if (holdtime < 0) {
        vkshError(ctl, "invalid value of --holdtime");
        return false;
    }
    for (size_t i = 0; keys[i]; i++) {
        int code;

        if (!keys[i][0])
            continue;
        if (n == SEND_KEY_MAX) {
            vkshError(ctl, "too many keycodes");
            return false;
        }
        if ((code = vkshKeycodeFromString(codeset, keys[i])) < 0) {
            vkshError(ctl, "invalid keycode: '%s'", keys[i]);
            return false;
        }
        codes[n++] = (unsigned int)code;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    return virDomainSendKey(dom, codeset, holdtime, codes, n, 0) == 0;
}

VKSH_CMD(vkshCmdDommemstat, "dommemstat", cmdDommemstat, optsDommemstat,
         "get memory statistics for a domain",
         "Shows the domain's memory statistics (from the balloon driver where the "
         "guest has one), or with --period sets how often they are collected.");
VKSH_CMD(vkshCmdSchedinfo, "schedinfo", cmdSchedinfo, optsSchedinfo,
         "show/set scheduler parameters",
         "Shows the domain's scheduler and its parameters; --set name=value (or "
         "--weight/--cap) changes them.");
VKSH_CMD(vkshCmdDomblkerror, "domblkerror", cmdDomblkerror, vkshOptsDomainOnly,
         "Show errors on block devices",
         "Shows the disks whose I/O stopped the domain, and why.");
VKSH_CMD(vkshCmdCpuStats, "cpu-stats", cmdCpuStats, optsCpuStats,
         "show domain cpu statistics",
         "Shows the CPU time the domain used on each host CPU and in total.");
VKSH_CMD(vkshCmdSendKey, "send-key", cmdSendKey, optsSendKey,
         "Send keycodes to the guest",
         "Sends key codes (numbers, or names of the codeset such as KEY_A for "
         "linux) to the guest as if pressed together.");
