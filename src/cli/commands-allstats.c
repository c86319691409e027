/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-allstats.c: the bulk reports that come back as typed
 * parameters — domstats (the stats records of one, several or all
 * domains) and guestinfo (what the guest agent says). Each option adds
 * one API bit; the records are printed in the order the API returns them. */
#include <string.h>

#include "vksh.h"

/* ---- domstats ---- */

static const vkshOptFlag statsGroups[] = {
    { "state", VIR_DOMAIN_STATS_STATE },
    { "cpu-total", VIR_DOMAIN_STATS_CPU_TOTAL },
    { "balloon", VIR_DOMAIN_STATS_BALLOON },
    { "vcpu", VIR_DOMAIN_STATS_VCPU },
    { "interface", VIR_DOMAIN_STATS_INTERFACE },
    { "block", VIR_DOMAIN_STATS_BLOCK },
    { "perf", VIR_DOMAIN_STATS_PERF },
    { "iothread", VIR_DOMAIN_STATS_IOTHREAD },
    { "memory", VIR_DOMAIN_STATS_MEMORY },
    { "dirtyrate", VIR_DOMAIN_STATS_DIRTYRATE },
    { "vm", VIR_DOMAIN_STATS_VM },
};

static const vkshOptFlag statsFlags[] = {
    { "list-active", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE },
    { "list-inactive", VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE },
    { "list-persistent", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT },
    { "list-transient", VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT },
    { "list-running", VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING },
    { "list-paused", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED },
    { "list-shutoff", VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF },
    { "list-other", VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER },
    { "enforce", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS },
    { "backing", VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING },
    { "nowait", VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT },
};

static const vkshOptDef optsDomstats[] = {
    { "state", VKSH_OT_BOOL, 0, "report domain state" },
    { "cpu-total", VKSH_OT_BOOL, 0, "report domain physical cpu usage" },
    { "balloon", VKSH_OT_BOOL, 0, "report domain balloon statistics" },
    { "vcpu", VKSH_OT_BOOL, 0, "report domain virtual cpu information" },
    { "interface", VKSH_OT_BOOL, 0, "report domain network interface information" },
    { "block", VKSH_OT_BOOL, 0, "report domain block device statistics" },
    { "perf", VKSH_OT_BOOL, 0, "report domain perf event statistics" },
    { "iothread", VKSH_OT_BOOL, 0, "report domain IOThread information" },
    { "memory", VKSH_OT_BOOL, 0, "report domain memory usage" },
    { "dirtyrate", VKSH_OT_BOOL, 0, "report domain dirty rate information" },
    { "vm", VKSH_OT_BOOL, 0, "report hypervisor-specific statistics" },
    { "list-active", VKSH_OT_BOOL, 0, "list only active domains" },
    { "list-inactive", VKSH_OT_BOOL, 0, "list only inactive domains" },
    { "list-persistent", VKSH_OT_BOOL, 0, "list only persistent domains" },
    { "list-transient", VKSH_OT_BOOL, 0, "list only transient domains" },
    { "list-running", VKSH_OT_BOOL, 0, "list only running domains" },
    { "list-paused", VKSH_OT_BOOL, 0, "list only paused domains" },
    { "list-shutoff", VKSH_OT_BOOL, 0, "list only shutoff domains" },
    { "list-other", VKSH_OT_BOOL, 0, "list only domains in other states" },
    { "raw", VKSH_OT_BOOL, 0, "do not pretty-print the fields" },
    { "enforce", VKSH_OT_BOOL, 0, "enforce requested stats parameters" },
    { "backing", VKSH_OT_BOOL, 0, "add backing chain information to block stats" },
    { "nowait", VKSH_OT_BOOL, 0, "report only stats that are accessible instantly" },
    { "domain", VKSH_OT_ARGV, 0, "list of domains to get stats for" },
    { NULL, 0, 0, NULL },
};

static void
freeDomains(GPtrArray *doms)
{
    for (size_t i = 0; i < doms->len; i++)
        virDomainFree(doms->pdata[i]);
    g_ptr_array_free(doms, TRUE);
}

static bool
cmdDomstats(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned int stats = VKSH_OPT_FLAGS(cmd, statsGroups);
    unsigned int flags = VKSH_OPT_FLAGS(cmd, statsFlags);
    const char *names = vkshOptString(cmd, "domain");
    virDomainStatsRecordPtr *records = NULL;
    GPtrArray *doms = g_ptr_array_new();
    bool ok = false;
    int n;

    if (names) {
        /* the words were joined by spaces; each is one domain */
        g_auto(GStrv) words = g_strsplit(names, " ", -1);

        for (size_t i = 0; words[i]; i++) {
            virDomainPtr dom;

            if (!*words[i])
                continue;
            if (!(dom = vkshLookupDomain(ctl, words[i], VKSH_BYANY)))
                goto out;
            g_ptr_array_add(doms, dom);
        }
        g_ptr_array_add(doms, NULL);
        n = virDomainListGetStats((virDomainPtr *)doms->pdata, stats, &records, flags);
        g_ptr_array_remove_index(doms, doms->len - 1);
    } else {
        n = virConnectGetAllDomainStats(ctl->conn, stats, &records, flags);
    }
    if (n < 0) {
        vkshSaveLibError(ctl);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        vkshPrint(ctl, "Domain: '%s'\n", virDomainGetName(records[i]->dom));
        for (int k = 0; k < records[i]->nparams; k++) {
            g_autofree char *v = vkshTypedParamString(&records[i]->params[k]);

            vkshPrint(ctl, "  %s=%s\n", records[i]->params[k].field, v);
        }
        if (i + 1 < n)
            vkshPrint(ctl, "\n");
    }
    ok = true;
 out:
    if (records)
        virDomainStatsRecordListFree(records);
    freeDomains(doms);
    return ok;
}

/* ---- guestinfo ---- */

static const vkshOptFlag guestTypes[] = {
    { "user", VIR_DOMAIN_GUEST_INFO_USERS },
    { "os", VIR_DOMAIN_GUEST_INFO_OS },
    { "timezone", VIR_DOMAIN_GUEST_INFO_TIMEZONE },
    { "hostname", VIR_DOMAIN_GUEST_INFO_HOSTNAME },
    { "filesystem", VIR_DOMAIN_GUEST_INFO_FILESYSTEM },
    { "disk", VIR_DOMAIN_GUEST_INFO_DISKS },
    { "interface", VIR_DOMAIN_GUEST_INFO_INTERFACES },
};

static const vkshOptDef optsGuestinfo[] = {
    VKSH_OPT_DOMAIN,
    { "user", VKSH_OT_BOOL, 0, "report active users" },
    { "os", VKSH_OT_BOOL, 0, "report operating system information" },
    { "timezone", VKSH_OT_BOOL, 0, "report timezone information" },
    { "hostname", VKSH_OT_BOOL, 0, "report hostname" },
    { "filesystem", VKSH_OT_BOOL, 0, "report filesystem information" },
    { "disk", VKSH_OT_BOOL, 0, "report disk information" },
    { "interface", VKSH_OT_BOOL, 0, "report interface information" },
    { NULL, 0, 0, NULL },
};

static bool
cmdGuestinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    virTypedParameterPtr params = NULL;
    int n = 0;

    if (!dom)
        return false;
    if (virDomainGetGuestInfo(dom, VKSH_OPT_FLAGS(cmd, guestTypes), &params, &n, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    for (int i = 0; i < n; i++) {
        g_autofree char *v = vkshTypedParamString(&params[i]);

        vkshPrint(ctl, "%-20s: %s\n", params[i].field, v);
    }
    virTypedParamsFree(params, n);
    return true;
}

VKSH_CMD(vkshCmdDomstats, "domstats", cmdDomstats, optsDomstats,
         "get statistics about one or multiple domains",
         "Gets statistics about one or more (or all) domains");
VKSH_CMD(vkshCmdGuestinfo, "guestinfo", cmdGuestinfo, optsGuestinfo,
         "query information about the guest (via agent)",
         "Use the guest agent to query various information from guest's point of view");
