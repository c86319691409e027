/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-device statistics of a QEMU guest and QEMU's CPU time:
 * domblkstat (query-blockstats), domifstat (the tap's counters in
 * /proc/net/dev, seen from the guest), domblkinfo (the image on the
 * host, running or not) and cpu-stats (QEMU's threads in /proc).
 *
 * Errors and shapes are libvirt 9.0's: an unknown disk is "invalid path",
 * an unknown interface "is not a known interface", BlockStats has no
 * error counter (-1), and the typed parameters come in libvirt's order.
 */
#include <errno.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-stats.h"

/* query-blockstats' counters, in libvirt's order of the typed
 * parameters of virDomainBlockStatsFlags. */
static const struct {
    const char *field;
    const char *qmp;
} blockFields[] = {
    { VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, "wr_bytes" },
    { VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, "wr_operations" },
    { VIR_DOMAIN_BLOCK_STATS_READ_BYTES, "rd_bytes" },
    { VIR_DOMAIN_BLOCK_STATS_READ_REQ, "rd_operations" },
    { VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, "flush_operations" },
    { VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, "wr_total_time_ns" },
    { VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, "rd_total_time_ns" },
    { VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, "flush_total_time_ns" },
};

static long long
counter(const vkJSON *stats, const char *key)
{
    long long v = 0;
    vkJSON *j = stats ? vkJSONObjectGet(stats, key) : NULL;

    if (!j || vkJSONGetInt64(j, &v) < 0)
        return 0;
    return v;
}

/* Sums the counters of disk (a target or a source path; "" for every
 * disk, as libvirt reads an empty path) into sums[], in blockFields'
 * order.  Takes dom's job; -1 with libvirt's error. */
static int
gatherBlockStats(virDomainPtr dom, const char *disk, long long sums[])
{
    g_autoptr(vkJSON) ret = NULL;
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    int idx = -1, rc = -1;
    GPtrArray *disks;

    memset(sums, 0, sizeof(long long) * G_N_ELEMENTS(blockFields));
    if (!obj)
        return -1;
    vkQemuDomainRef(obj);
    if (!vkQemuCheckActive(obj))
        goto out;
    if (*disk && (idx = vkDomainDiskFind(obj->def, disk)) < 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "invalid path: %s", disk);
        goto out;
    }
    if (vkQemuQuery(st, obj, "query-blockstats", NULL, &ret) < 0)
        goto out;
    /* the definition may have changed while the lock was dropped */
    disks = obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    for (guint i = 0; disks && i < disks->len; i++) {
        vkJSON *s;

        if ((idx >= 0 && (guint)idx != i) || !(s = vkQemuBlockStatsFor(ret, obj->def, i)))
            continue;
        for (size_t f = 0; f < G_N_ELEMENTS(blockFields); f++)
            sums[f] += counter(s, blockFields[f].qmp);
    }
    rc = 0;
 out:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainBlockStats(virDomainPtr dom, const char *disk,
                       virDomainBlockStatsPtr stats, size_t size)
{
    long long s[G_N_ELEMENTS(blockFields)];
    virDomainBlockStatsStruct out = { 0 };

    if (gatherBlockStats(dom, disk, s) < 0)
        return -1;
    out.wr_bytes = s[0];
    out.wr_req = s[1];
    out.rd_bytes = s[2];
    out.rd_req = s[3];
    out.errs = -1;           /* QEMU counts no errors */
    memcpy(stats, &out, MIN(size, sizeof(out)));
    return 0;
}

int
vkQemuDomainBlockStatsFlags(virDomainPtr dom, const char *disk,
                            virTypedParameterPtr params, int *nparams,
                            unsigned int flags)
{
    long long s[G_N_ELEMENTS(blockFields)];
    int n;

    vkCheckFlags(VIR_TYPED_PARAM_STRING_OKAY, -1);
    if (gatherBlockStats(dom, disk, s) < 0)
        return -1;
    if (*nparams == 0) {
        *nparams = G_N_ELEMENTS(blockFields);
        return 0;
    }
    n = MIN(*nparams, (int)G_N_ELEMENTS(blockFields));
    memset(params, 0, sizeof(*params) * n);
    for (int i = 0; i < n; i++) {
        g_strlcpy(params[i].field, blockFields[i].field, VIR_TYPED_PARAM_FIELD_LENGTH);
        params[i].type = VIR_TYPED_PARAM_LLONG;
        params[i].value.l = s[i];
    }
    *nparams = n;
    return 0;
}

int
vkQemuDomainInterfaceStats(virDomainPtr dom, const char *device,
                           virDomainInterfaceStatsPtr stats, size_t size)
{
    virDomainInterfaceStatsStruct out = { 0 };
    g_autofree char *ifname = NULL;
    g_autofree char *text = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    unsigned char mac[6];
    bool isMac, found = false, swapped = true;
    GPtrArray *nets;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    isMac = vkConfMACParse(device, mac) == 0;
    nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    for (guint i = 0; nets && i < nets->len && !found; i++) {
        const vkDomainNetDef *n = nets->pdata[i];

        if (g_strcmp0(n->ifname, device) == 0 || (isMac && memcmp(n->mac, mac, 6) == 0)) {
            found = true;
            ifname = g_strdup(n->ifname);
            /* a macvtap shares the host's view; a tap mirrors it */
            swapped = n->type != VK_DOMAIN_NET_TYPE_DIRECT;
            if (n->type == VK_DOMAIN_NET_TYPE_VHOSTUSER) {
                g_mutex_unlock(&st->lock);
                vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                              "statistics of vhostuser interface '%s' are not supported",
                              device);
                return -1;
            }
        }
    }
    g_mutex_unlock(&st->lock);
    if (!found) {
        vkReportError(VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
        return -1;
    }
    if (!g_file_get_contents("/proc/net/dev", &text, NULL, NULL)) {
        vkReportSystemError(errno, "%s", "cannot read /proc/net/dev");
        return -1;
    }
    /* a user-mode interface has no host side to count */
    if (!ifname || vkQemuNetDevParse(text, ifname, swapped, &out) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "/proc/net/dev: Interface not found");
        return -1;
    }
    memcpy(stats, &out, MIN(size, sizeof(out)));
    return 0;
}

int
vkQemuDomainGetBlockInfo(virDomainPtr dom, const char *disk,
                         virDomainBlockInfoPtr info, unsigned int flags)
{
    g_autofree char *src = NULL;
    g_autofree char *fmt = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    const vkDomainDiskDef *d;
    int idx;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if ((idx = vkDomainDiskFind(obj->def, disk)) < 0) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INVALID_ARG, "invalid path %s not assigned to domain", disk);
        return -1;
    }
    d = obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK]->pdata[idx];
    if (d->type == VK_DOMAIN_DISK_TYPE_NETWORK || d->type == VK_DOMAIN_DISK_TYPE_VOLUME) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "block info of %s disk '%s' is not supported",
                      d->type == VK_DOMAIN_DISK_TYPE_NETWORK ? "network" : "volume", d->dst);
        return -1;
    }
    if (!d->src) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INVALID_ARG,
                      "disk '%s' does not currently have a source assigned", d->dst);
        return -1;
    }
    src = g_strdup(d->src);
    fmt = g_strdup(d->driverType);
    g_mutex_unlock(&st->lock);
    /* the image's own sizes, whether QEMU runs or not: what libvirt
     * reports for a local file image either way */
    return vkQemuImageInfo(src, fmt, info);
}

int
vkQemuDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                        unsigned int nparams, int start_cpu, unsigned int ncpus,
                        unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuProcStat ps;
    int pid;

    vkCheckFlags(VIR_TYPED_PARAM_STRING_OKAY, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    pid = obj->run ? obj->run->pid : 0;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    if (start_cpu != -1) {
        int rc;

        vkQemuDomainRef(obj);
        rc = vkQemuPercpuStats(st, obj, params, nparams, start_cpu, ncpus);
        vkQemuDomainUnref(obj);
        return rc;
    }
    g_mutex_unlock(&st->lock);
    if (nparams == 0)
        return 3;
    if (vkQemuProcStatRead(pid, 0, &ps) < 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return -1;
    }
    {
        const struct { const char *f; unsigned long long v; } tot[] = {
            { VIR_DOMAIN_CPU_STATS_CPUTIME, ps.userNs + ps.systemNs },
            { VIR_DOMAIN_CPU_STATS_USERTIME, ps.userNs },
            { VIR_DOMAIN_CPU_STATS_SYSTEMTIME, ps.systemNs },
        };
        unsigned int i;

        for (i = 0; i < nparams && i < G_N_ELEMENTS(tot); i++) {
            memset(&params[i], 0, sizeof(params[i]));
            g_strlcpy(params[i].field, tot[i].f, VIR_TYPED_PARAM_FIELD_LENGTH);
            params[i].type = VIR_TYPED_PARAM_ULLONG;
            params[i].value.ul = tot[i].v;
        }
        return i;
    }
}
