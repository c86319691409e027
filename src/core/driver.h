/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver contract.
 *
 * struct _virHypervisorDriver is ONE table of function pointers, generated
 * at build time (src/api/gen-api.py -> hypervisor-driver-table.h) from the
 * public headers and src/api/api.def: every public function that dispatches
 * to a driver has a member named after it without the "vir" prefix and with
 * a lower-case first letter (virDomainSuspend -> domainSuspend,
 * virConnectListAllDomains -> connectListAllDomains, virNodeGetInfo ->
 * nodeGetInfo) and with exactly the public signature.  A NULL member means
 * "not supported": the API layer then reports VIR_ERR_NO_SUPPORT, once, for
 * every driver.
 *
 * The API layer has already checked the handles, the read-only flag and
 * the non-NULL pointer arguments when a member is called; the driver checks
 * its flags (vkCheckFlags) and the semantics, and reports its own errors.
 */
#ifndef VK_CORE_DRIVER_H
#define VK_CORE_DRIVER_H

#include "core/object.h"
#include "core/state-driver.h"
#include "util/error.h"

typedef enum {
    VK_DRV_OPEN_SUCCESS = 0,
    VK_DRV_OPEN_ERROR = -1,
    VK_DRV_OPEN_DECLINED = -2,
} vkDrvOpenStatus;

/* The members that are not a public function's twin. */
#define VK_HYPERVISOR_DRIVER_EXTRA_MEMBERS \
    const char *name; \
    /* conn->uri is set; set conn->privateData on success. */ \
    vkDrvOpenStatus (*connectOpen)(virConnectPtr conn, virConnectAuthPtr auth, \
                                   unsigned int flags); \
    int (*connectClose)(virConnectPtr conn); \
    VK_HYPERVISOR_DRIVER_MIGRATION_MEMBERS

/* Migration v3 with typed parameters (libvirt's internal driver calls,
 * src/api/migrate.h is their entry), and the feature question a client
 * asks before choosing a protocol (VIR_DRV_FEATURE_*; NULL answers 0). */
#define VK_HYPERVISOR_DRIVER_MIGRATION_MEMBERS \
    int (*connectSupportsFeature)(virConnectPtr conn, int feature); \
    char *(*domainMigrateBegin3Params)(virDomainPtr dom, virTypedParameterPtr params, \
                                       int nparams, char **cookieout, int *cookieoutlen, \
                                       unsigned int flags); \
    int (*domainMigratePrepare3Params)(virConnectPtr dconn, virTypedParameterPtr params, \
                                       int nparams, const char *cookiein, int cookieinlen, \
                                       char **cookieout, int *cookieoutlen, char **uri_out, \
                                       unsigned int flags); \
    int (*domainMigratePrepareTunnel3Params)(virConnectPtr dconn, virStreamPtr st, \
                                             virTypedParameterPtr params, int nparams, \
                                             const char *cookiein, int cookieinlen, \
                                             char **cookieout, int *cookieoutlen, \
                                             unsigned int flags); \
    int (*domainMigratePerform3Params)(virDomainPtr dom, const char *dconnuri, \
                                       virTypedParameterPtr params, int nparams, \
                                       const char *cookiein, int cookieinlen, \
                                       char **cookieout, int *cookieoutlen, \
                                       unsigned int flags); \
    virDomainPtr (*domainMigrateFinish3Params)(virConnectPtr dconn, \
                                               virTypedParameterPtr params, int nparams, \
                                               const char *cookiein, int cookieinlen, \
                                               char **cookieout, int *cookieoutlen, \
                                               unsigned int flags, int cancelled); \
    int (*domainMigrateConfirm3Params)(virDomainPtr dom, virTypedParameterPtr params, \
                                       int nparams, const char *cookiein, int cookieinlen, \
                                       unsigned int flags, int cancelled);

#include "hypervisor-driver-table.h"

/* Properties of a connection driver, as bits rather than names. */
enum {
    /* Its calls never block (in-memory state): virtkitd answers them on
     * the I/O thread instead of a worker. */
    VK_CONNECT_FEATURE_NONBLOCKING = 1 << 0,
    /* Its connections manage this host: the host's secondary drivers
     * (storage, network, secrets, ...) may claim their families. */
    VK_CONNECT_FEATURE_HOST_SERVICES = 1 << 1,
};

struct _vkConnectDriver {
    const char *name;
    unsigned int features;           /* VK_CONNECT_FEATURE_* */
    /* NULL-terminated; a NULL list accepts every scheme. */
    const char * const *uriSchemes;
    bool localOnly;      /* refuses URIs naming a server */
    bool remoteOnly;     /* requires a server or a +transport */
    virHypervisorDriver *hypervisorDriver;
};

/* Appends drv to the registry; drivers are tried in registration order. */
int vkRegisterConnectDriver(const vkConnectDriver *drv);

/* A driver for one family of objects, offered every connection once its
 * hypervisor driver has accepted it.  open returns SUCCESS to serve the
 * family for conn (it may set conn->familyPrivate[family]), DECLINED to
 * leave it to the hypervisor driver's table, ERROR to fail the open.
 * close undoes a successful open; it runs before the hypervisor driver's
 * connectClose.  Only the family's members of table are ever called. */
struct _vkSecondaryDriver {
    const char *name;
    vkDriverFamily family;
    const virHypervisorDriver *table;
    vkDrvOpenStatus (*open)(virConnectPtr conn, unsigned int flags);
    void (*close)(virConnectPtr conn);
};

/* Appends drv to the secondary registry; the first of a family to
 * accept a connection serves it. */
int vkRegisterSecondaryDriver(const vkSecondaryDriver *drv);

/* Offers conn to every secondary driver (after its hypervisor driver
 * accepted it); -1 with the error set when one fails the open. */
int vkSecondaryDriversOpen(virConnectPtr conn, unsigned int flags);
/* Closes the families secondary drivers serve for conn. */
void vkSecondaryDriversClose(virConnectPtr conn);

/* The table conn dispatches family to (never NULL once open). */
static inline const virHypervisorDriver *
vkConnFamilyDriver(virConnectPtr conn, vkDriverFamily family)
{
    return conn->familyDriver[family] ? conn->familyDriver[family] : conn->driver;
}

/* The listAll filter networks and storage pools share (the same bits):
 * each ACTIVE/INACTIVE, PERSISTENT/TRANSIENT, AUTOSTART/NO_AUTOSTART pair
 * with one side set keeps only the objects on that side. */
static inline bool
vkListFlagPairMatches(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & yes) == !(flags & no))
        return true;
    return (flags & yes) ? value : !value;
}

static inline bool
vkListFlagsMatch(unsigned int flags, bool active, bool persistent, bool autostart)
{
    return vkListFlagPairMatches(flags, VIR_CONNECT_LIST_NETWORKS_ACTIVE,
                                 VIR_CONNECT_LIST_NETWORKS_INACTIVE, active) &&
           vkListFlagPairMatches(flags, VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
                                 VIR_CONNECT_LIST_NETWORKS_TRANSIENT, persistent) &&
           vkListFlagPairMatches(flags, VIR_CONNECT_LIST_NETWORKS_AUTOSTART,
                                 VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, autostart);
}

/* Reject unknown flag bits: reports VIR_ERR_INVALID_ARG and returns ret. */
#define vkCheckFlags(supported, ret) \
    do { \
        unsigned int unknown_ = flags & ~(unsigned int)(supported); \
        if (unknown_) { \
            vkReportErrorFull(VIR_FROM_THIS, VIR_ERR_INVALID_ARG, __FILE__, __func__, \
                              __LINE__, "unsupported flags (0x%x) in function %s", \
                              unknown_, __func__); \
            return ret; \
        } \
    } while (0)

#endif
