/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's core dumps, balloon statistics period and bulk domain
 * statistics.
 *
 * The idea: libvirt's test driver has no guest memory, so a core dump is
 * a file holding its save magic (tools check that a file appears, and a
 * crash dump stops the domain), and the only statistics group it reports
 * is the domain's state; asking for any other group yields an empty
 * record, or an error when the caller enforces the groups.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"

/* libvirt's test driver magic, NUL included (15 bytes). */
static const char dumpMagic[] = "TestGuestMagic";

int
vkTestDomainCoreDumpWithFormat(virDomainPtr dom, const char *to,
                               unsigned int dumpformat, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    int fd, ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainCoreDumpWithFormat", VIR_DUMP_CRASH, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj))
        goto out;
    if ((fd = open(to, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "domain '%s' coredump: failed to open %s",
                            obj->name, to);
        goto out;
    }
    if (write(fd, dumpMagic, sizeof(dumpMagic)) != (ssize_t)sizeof(dumpMagic)) {
        vkReportSystemError(errno, "domain '%s' coredump: failed to write header to %s",
                            obj->name, to);
        close(fd);
        goto out;
    }
    if (close(fd) < 0) {
        vkReportSystemError(errno, "domain '%s' coredump: write failed: %s",
                            obj->name, to);
        goto out;
    }
    /* as libvirt: the file is written before the format is looked at */
    if (dumpformat != VIR_DOMAIN_CORE_DUMP_FORMAT_RAW) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "kdump-compressed format is only supported with memory-only dump");
        goto out;
    }
    ret = 0;
    if ((flags & VIR_DUMP_CRASH) &&
        vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_CRASHED,
                         VIR_DOMAIN_EVENT_STOPPED_CRASHED))
        obj = NULL;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags)
{
    return vkTestDomainCoreDumpWithFormat(dom, to, VIR_DOMAIN_CORE_DUMP_FORMAT_RAW, flags);
}

/* The kept <memballoon> of def, NULL when it has none (model 'none'). */
static vkXmlElem *
memballoon(vkDomainDef *def)
{
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; others && i < others->len; i++) {
        vkXmlElem *e = others->pdata[i];
        if (strcmp(e->name, "memballoon") == 0)
            return g_strcmp0(vkXmlElemGetAttr(e, "model"), "none") == 0 ? NULL : e;
    }
    return NULL;
}

int
vkTestDomainSetMemoryStatsPeriod(virDomainPtr dom, int period, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkXmlElem *balloon, *stats;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetMemoryStatsPeriod",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    if (!(balloon = memballoon(def))) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "No memory balloon device configured, can not set the collection period");
        goto out;
    }
    stats = vkTestTuneChild(balloon, "stats", NULL, NULL, false);
    if (period == 0) {
        /* no period is no <stats> element */
        if (stats)
            g_ptr_array_remove(balloon->children, stats);
    } else {
        if (!stats) {
            /* <stats> comes first, before <alias> and <address> */
            stats = vkTestTuneChild(balloon, "stats", NULL, NULL, true);
            g_ptr_array_steal_index(balloon->children, balloon->children->len - 1);
            g_ptr_array_insert(balloon->children, 0, stats);
        }
        g_autofree char *s = g_strdup_printf("%d", period);
        vkXmlElemSetAttr(stats, "period", s);
    }
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                               virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    const unsigned int supported = VIR_DOMAIN_STATS_STATE;
    vkTestState *st = vkTestConnState(conn);
    virDomainPtr *doms = NULL;
    virDomainStatsRecordPtr *out;
    int n;

    VK_TEST_CHECK_FLAGS("testConnectGetAllDomainStats",
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER |
                        VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS, flags);
    if (stats == 0) {
        stats = supported;
    } else if (stats & ~supported) {
        if (flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          "Stats types bits 0x%x are not supported by this daemon",
                          stats & ~supported);
            return -1;
        }
        stats &= supported;
    }
    /* the filter bits are virConnectListAllDomains' own */
    if ((n = vkTestConnectListAllDomains(conn, &doms,
                                         flags & ~VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)) < 0)
        return -1;
    out = g_new0(virDomainStatsRecordPtr, n + 1);
    for (int i = 0; i < n; i++) {
        virDomainStatsRecordPtr rec = g_new0(virDomainStatsRecord, 1);
        int maxp = 0;

        rec->dom = doms[i];                 /* the record takes the reference */
        if (stats & VIR_DOMAIN_STATS_STATE) {
            int state, reason = 0;
            vkTestDomain *obj;

            g_mutex_lock(&st->lock);
            obj = g_hash_table_lookup(st->byUUID, doms[i]->uuid);
            state = obj ? obj->state : VIR_DOMAIN_NOSTATE;
            reason = obj ? obj->reason : 0;
            g_mutex_unlock(&st->lock);
            virTypedParamsAddInt(&rec->params, &rec->nparams, &maxp, "state.state", state);
            virTypedParamsAddInt(&rec->params, &rec->nparams, &maxp, "state.reason", reason);
        }
        out[i] = rec;
    }
    g_free(doms);
    *retStats = out;
    return n;
}
