/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the network / storage / node device tests of the test
 * driver: event recorders that log "name event;" lines, and listings of
 * virConnectListAll* as comma separated names for one-line comparisons.
 */
#ifndef VK_TESTS_TD_OBJECTS_H
#define VK_TESTS_TD_OBJECTS_H

#include "td-helpers.h"

#define GiB (1ULL << 30)

/* ---- event recording ---- */

static inline void
netEvent(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s %d;", virNetworkGetName(net), event);
    log->count++;
}

static inline void
poolEvent(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s %d;", virStoragePoolGetName(pool), event);
    log->count++;
}

static inline void
poolRefresh(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s refresh;", virStoragePoolGetName(pool));
    log->count++;
}

static inline void
devEvent(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s<%s %d;", virNodeDeviceGetName(dev),
                           virNodeDeviceGetParent(dev) ? virNodeDeviceGetParent(dev) : "-",
                           event);
    log->count++;
}

static inline void
devUpdate(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    tdEventLog *log = opaque;

    g_string_append_printf(log->log, "%s update;", virNodeDeviceGetName(dev));
    log->count++;
}

static inline char *
netNames(virConnectPtr conn, unsigned int flags)
{
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(conn, &nets, flags);
    GString *out = g_string_new(NULL);

    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(out, "%s%s", i ? "," : "", virNetworkGetName(nets[i]));
        virNetworkFree(nets[i]);
    }
    free(nets);
    return g_string_free(out, FALSE);
}

static inline char *
poolNames(virConnectPtr conn, unsigned int flags)
{
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools(conn, &pools, flags);
    GString *out = g_string_new(NULL);

    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(out, "%s%s", i ? "," : "", virStoragePoolGetName(pools[i]));
        virStoragePoolFree(pools[i]);
    }
    free(pools);
    return g_string_free(out, FALSE);
}

static inline char *
devNames(virConnectPtr conn, unsigned int flags)
{
    virNodeDevicePtr *devs = NULL;
    int n = virConnectListAllNodeDevices(conn, &devs, flags);
    GString *out = g_string_new(NULL);

    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(out, "%s%s", i ? "," : "", virNodeDeviceGetName(devs[i]));
        virNodeDeviceFree(devs[i]);
    }
    free(devs);
    return g_string_free(out, FALSE);
}

#define assert_names(expr, expected) \
    do { g_autofree char *got_ = (expr); assert_string_equal(got_, expected); } while (0)

#endif
