/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The steps of a v3 migration with typed parameters, as libvirt's internal
 * entry points: the public virDomainMigrate* functions (src/api/migrate.c)
 * drive them between two connections, virtkitd serves them as the
 * DOMAIN_MIGRATE_*3_PARAMS procedures, and a driver migrating peer to
 * peer calls them on the destination's connection.  Each checks its
 * handle, resets the thread's error and calls the driver member
 * (VIR_ERR_NO_SUPPORT when there is none); errors are left set, not
 * dispatched, so a caller can keep the first one while it cleans up.
 */
#ifndef VK_API_MIGRATE_H
#define VK_API_MIGRATE_H

#include "core/driver.h"

/* libvirt's connection feature numbers (VIR_DRV_FEATURE_*) that concern
 * migration. */
enum {
    VK_DRV_FEATURE_MIGRATION_V2 = 3,
    VK_DRV_FEATURE_MIGRATION_P2P = 4,
    VK_DRV_FEATURE_MIGRATION_DIRECT = 5,
    VK_DRV_FEATURE_MIGRATION_V3 = 6,
    VK_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION = 7,
    VK_DRV_FEATURE_MIGRATION_OFFLINE = 12,
    VK_DRV_FEATURE_MIGRATION_PARAMS = 13,
};

/* 1 when conn's driver says it has feature, else 0 (never an error). */
int vkConnectSupportsFeature(virConnectPtr conn, int feature);

char *vkDomainMigrateBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                                  char **cookieout, int *cookieoutlen, unsigned int flags);
int vkDomainMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params,
                                  int nparams, const char *cookiein, int cookieinlen,
                                  char **cookieout, int *cookieoutlen, char **uri_out,
                                  unsigned int flags);
int vkDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                        virTypedParameterPtr params, int nparams,
                                        const char *cookiein, int cookieinlen,
                                        char **cookieout, int *cookieoutlen,
                                        unsigned int flags);
int vkDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                                  virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen, char **cookieout,
                                  int *cookieoutlen, unsigned int flags);
virDomainPtr vkDomainMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params,
                                          int nparams, const char *cookiein, int cookieinlen,
                                          char **cookieout, int *cookieoutlen,
                                          unsigned int flags, int cancelled);
int vkDomainMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen, unsigned int flags,
                                  int cancelled);

/* A source's Perform that sends the migration into st (a stream on the
 * destination's connection that PrepareTunnel3 opened), then finishes or
 * aborts st. */
typedef int (*vkMigratePerformTunnelFn)(virDomainPtr dom, virStreamPtr st,
                                        virTypedParameterPtr params, int nparams,
                                        const char *cookiein, int cookieinlen,
                                        char **cookieout, int *cookieoutlen,
                                        unsigned int flags);

/* Begin, Prepare, Perform, Finish, Confirm between dom's connection and
 * dconn: the domain on dconn, or NULL with the first error set.  With
 * tunnel (a source driver running a tunnelled migration), Prepare is
 * PrepareTunnel3 and tunnel performs. */
virDomainPtr vkDomainMigrateSequence(virDomainPtr dom, virConnectPtr dconn,
                                     virTypedParameterPtr params, int nparams,
                                     unsigned int flags, vkMigratePerformTunnelFn tunnel);

/* The string parameter name in params, or NULL (no error either way). */
const char *vkMigrateParamString(virTypedParameterPtr params, int nparams, const char *name);

#endif
