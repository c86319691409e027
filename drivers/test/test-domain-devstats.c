/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's per-device queries and guest views, with libvirt 9.0's
 * test-driver figures (observed through virsh and python3-libvirt on
 * test:///default): block info is a fixed 1 TiB disk, block and interface
 * counters grow with the wall clock, the control state is always "ok", the
 * guest clock reads 627319920 s (1989-11-17 15:32 UTC) until it is set, and
 * the guest's file systems are two ext4 partitions of its first disk.
 */
#include <string.h>
#include <sys/time.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"

#define TEST_DISK_CAPACITY 1099506450432ULL
#define TEST_DISK_PHYSICAL 1099511627776ULL
#define TEST_GUEST_TIME 627319920LL

/* The counters' base: microseconds and seconds of the wall clock. */
static void
clockBase(long long *usec, long long *sec)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    *sec = tv.tv_sec;
    *usec = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int
vkTestDomainGetBlockInfo(virDomainPtr dom, const char *path, virDomainBlockInfoPtr info,
                         unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    int idx;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    idx = vkDomainDiskFind(obj->def, path);
    g_mutex_unlock(&st->lock);
    if (idx < 0) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "invalid path %s not assigned to domain",
                             path);
        return -1;
    }
    info->capacity = TEST_DISK_CAPACITY;
    info->allocation = info->physical = TEST_DISK_PHYSICAL;
    return 0;
}

int
vkTestDomainBlockStats(virDomainPtr dom, const char *path, virDomainBlockStatsPtr stats,
                       size_t size)
{
    virDomainBlockStatsStruct out;
    vkTestState *st;
    vkTestDomain *obj;
    long long usec, sec;
    int idx;

    if (!(obj = vkTestDomainGetActive(dom, &st)))
        return -1;
    /* an empty path asks for all disks summed, which libvirt's test driver
     * refuses in these words */
    if (!*path) {
        g_mutex_unlock(&st->lock);
        vkTestReportDomError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                             "summary statistics are not supported yet");
        return -1;
    }
    idx = vkDomainDiskFind(obj->def, path);
    g_mutex_unlock(&st->lock);
    if (idx < 0) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "invalid path: %s", path);
        return -1;
    }
    clockBase(&usec, &sec);
    out.rd_req = usec / 10;
    out.rd_bytes = usec / 20;
    out.wr_req = usec / 30;
    out.wr_bytes = usec / 40;
    out.errs = sec / 2;
    memcpy(stats, &out, MIN(size, sizeof(out)));
    return 0;
}

int
vkTestDomainInterfaceStats(virDomainPtr dom, const char *device,
                           virDomainInterfaceStatsPtr stats, size_t size)
{
    virDomainInterfaceStatsStruct out;
    unsigned char mac[6];
    bool isMac = vkConfMACParse(device, mac) == 0;
    bool found = false;
    vkTestState *st;
    vkTestDomain *obj;
    GPtrArray *nets;
    long long usec, sec;

    if (!(obj = vkTestDomainGetActive(dom, &st)))
        return -1;
    nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    for (guint i = 0; nets && i < nets->len && !found; i++) {
        const vkDomainNetDef *n = nets->pdata[i];

        found = g_strcmp0(n->ifname, device) == 0 || (isMac && memcmp(n->mac, mac, 6) == 0);
    }
    g_mutex_unlock(&st->lock);
    if (!found) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
        return -1;
    }
    clockBase(&usec, &sec);
    out.rx_bytes = usec / 10;
    out.rx_packets = usec / 100;
    out.rx_errs = sec;
    out.rx_drop = sec / 2;
    out.tx_bytes = usec / 20;
    out.tx_packets = usec / 110;
    out.tx_errs = sec / 3;
    out.tx_drop = sec / 4;
    memcpy(stats, &out, MIN(size, sizeof(out)));
    return 0;
}

int
vkTestDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info, unsigned int flags)
{
    vkTestState *st;

    vkCheckFlags(0, -1);
    if (!vkTestDomainGetActive(dom, &st))
        return -1;
    g_mutex_unlock(&st->lock);
    memset(info, 0, sizeof(*info));
    info->state = VIR_DOMAIN_CONTROL_OK;
    return 0;
}

int
vkTestDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                    unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        /* libvirt's test driver reports this one in its own domain */
        vkErrorReset();
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return -1;
    }
    *seconds = obj->guestTimeSet ? obj->guestTime : TEST_GUEST_TIME;
    *nseconds = obj->guestTimeSet ? obj->guestTimeNsec : 0;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                    unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(VIR_DOMAIN_TIME_SYNC, -1);
    if (!(obj = vkTestDomainGetActive(dom, &st)))
        return -1;
    obj->guestTimeSet = true;
    obj->guestTime = seconds;
    obj->guestTimeNsec = nseconds;
    g_mutex_unlock(&st->lock);
    return 0;
}

static virDomainFSInfoPtr
fsInfoNew(const char *mountpoint, const char *dst, int part)
{
    virDomainFSInfoPtr fs = g_new0(virDomainFSInfo, 1);

    fs->mountpoint = g_strdup(mountpoint);
    fs->name = g_strdup_printf("%s%d", dst, part);
    fs->fstype = g_strdup("ext4");
    fs->ndevAlias = 1;
    fs->devAlias = g_new0(char *, 1);
    fs->devAlias[0] = g_strdup(dst);
    return fs;
}

int
vkTestDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags)
{
    g_autofree char *dst = NULL;
    vkTestState *st;
    vkTestDomain *obj;
    GPtrArray *disks;

    vkCheckFlags(0, -1);
    *info = NULL;
    if (!(obj = vkTestDomainGetActive(dom, &st)))
        return -1;
    disks = obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    for (guint i = 0; disks && i < disks->len && !dst; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];

        if (d->device == VK_DOMAIN_DISK_DEVICE_DISK)
            dst = g_strdup(d->dst);
    }
    g_mutex_unlock(&st->lock);
    if (!dst)
        return 0;
    *info = g_new0(virDomainFSInfoPtr, 3);
    (*info)[0] = fsInfoNew("/", dst, 1);
    (*info)[1] = fsInfoNew("/boot", dst, 2);
    return 2;
}
