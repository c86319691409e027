/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU live migration between two daemons (qemu-migrate*.c): the v3
 * steps with typed parameters, and the job calls that watch and steer a
 * migration in progress.  The table entries are in driver.c.
 */
#ifndef VK_QEMU_MIGRATE_H
#define VK_QEMU_MIGRATE_H

#include "drivers/qemu/qemu-private.h"

/* The flags the steps accept; vkQemuMigrateCheckFlags refuses TLS and
 * some combinations with VIR_ERR_ARGUMENT_UNSUPPORTED. */
#define VK_QEMU_MIGRATE_FLAGS \
    (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST | \
     VIR_MIGRATE_UNDEFINE_SOURCE | VIR_MIGRATE_PAUSED | VIR_MIGRATE_CHANGE_PROTECTION | \
     VIR_MIGRATE_UNSAFE | VIR_MIGRATE_OFFLINE | VIR_MIGRATE_COMPRESSED | \
     VIR_MIGRATE_ABORT_ON_ERROR | VIR_MIGRATE_AUTO_CONVERGE | VIR_MIGRATE_PARALLEL | \
     VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC | \
     VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_TLS)

/* qemu-migrate.c: the cookie, Begin, and the destination's steps */
int vkQemuConnectSupportsFeature(virConnectPtr conn, int feature);
/* Refuses what virtkit does not migrate (VIR_ERR_ARGUMENT_UNSUPPORTED
 * naming it); 0 when flags are fine. */
int vkQemuMigrateCheckFlags(unsigned int flags);
/* The cookie every step sends: "virtkit-migration 1", then key=value
 * lines (name, uuid, hostname, then extra's, each ending in a newline),
 * then optionally a blank line and the domain's XML.  NUL-terminated;
 * *len counts the NUL, as libvirt's. */
char *vkQemuMigrateCookie(const char *name, const unsigned char *uuid, const char *extra,
                          const char *xml, int *len);
/* The host and port of a migration URI: "tcp:H:P", "tcp://H:P", "tcp:H";
 * port 0 and host NULL when absent.  -1 for another scheme. */
int vkQemuMigrateParseURI(const char *uri, char **host, int *port);
/* A cookie's value for key (a copy), or NULL; "xml" is the XML part. */
char *vkQemuMigrateCookieGet(const char *cookie, int len, const char *key);
char *vkQemuMigrateBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                                char **cookieout, int *cookieoutlen, unsigned int flags);
int vkQemuMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params,
                                int nparams, const char *cookiein, int cookieinlen,
                                char **cookieout, int *cookieoutlen, char **uri_out,
                                unsigned int flags);
/* Prepare of a tunnelled migration: the stream comes on st. */
int vkQemuMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                      virTypedParameterPtr params, int nparams,
                                      const char *cookiein, int cookieinlen, char **cookieout,
                                      int *cookieoutlen, unsigned int flags);
virDomainPtr vkQemuMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params,
                                        int nparams, const char *cookiein, int cookieinlen,
                                        char **cookieout, int *cookieoutlen,
                                        unsigned int flags, int cancelled);
/* conn is closing: an incoming migration its Prepare started and no
 * Finish ended (the client or the source's daemon went away) is dropped,
 * as libvirt does, so no paused half-guest stays behind. */
void vkQemuMigrateConnClosed(virConnectPtr conn);
/* Ends obj's QEMU (locked, job held) with reason/detail, as destroy
 * would; returns with the run gone. */
void vkQemuMigrateKill(vkQemuState *st, vkQemuDomain *obj, int reason, int detail);

/* qemu-migrate-out.c: the source's steps */
/* 1 and *value set when params has name as an unsigned (or a
 * non-negative int); 0 otherwise. */
int vkQemuMigrateParamULLong(virTypedParameterPtr params, int nparams, const char *name,
                             unsigned long long *value);
int vkQemuMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                                virTypedParameterPtr params, int nparams,
                                const char *cookiein, int cookieinlen, char **cookieout,
                                int *cookieoutlen, unsigned int flags);
int vkQemuMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                                const char *cookiein, int cookieinlen, unsigned int flags,
                                int cancelled);

/* qemu-migrate-job.c: progress, abort and tuning */
int vkQemuDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info);
int vkQemuDomainGetJobStats(virDomainPtr dom, int *type, virTypedParameterPtr *params,
                            int *nparams, unsigned int flags);
int vkQemuDomainAbortJob(virDomainPtr dom);
int vkQemuDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth,
                                   unsigned int flags);
int vkQemuDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth,
                                   unsigned int flags);
int vkQemuDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                                      unsigned int flags);
int vkQemuDomainMigrateGetMaxDowntime(virDomainPtr dom, unsigned long long *downtime,
                                      unsigned int flags);
/* Sets the migration capabilities flags ask for (QMP names: auto-converge,
 * xbzrle, multifd, postcopy-ram; the rest off) and the multifd channels
 * (0: QEMU's default) on either end's QEMU; unlocked, mon referenced. */
int vkQemuMigrateSetCapabilities(vkQemuMonitor *mon, unsigned int flags,
                                 unsigned long long channels);
/* The TLS object both QEMUs get (libvirt's id), for the stream and NBD. */
#define VK_QEMU_MIGRATE_TLS_ALIAS "objlibvirt_migrate_tls0"
/* qemu-migrate-tls.c: with VIR_MIGRATE_TLS in flags, gives mon's QEMU
 * the tls-creds-x509 object of qemu.conf's migration certificates (as
 * the server, or as a client checking hostname) and makes its migration
 * use it; without, makes it use none.  Unlocked, mon referenced. */
int vkQemuMigrateSetTLS(vkQemuState *st, vkQemuMonitor *mon, unsigned int flags, bool server,
                        const char *hostname);
/* Switches obj's outgoing migration to post-copy (migrate-postcopy). */
int vkQemuDomainMigrateStartPostCopy(virDomainPtr dom, unsigned int flags);
/* Sends the tuning (speed, downtime) to obj's QEMU; unlocked, mon is the
 * caller's reference. */
int vkQemuMigrateApplyTuning(vkQemuMonitor *mon, unsigned long long speed,
                             unsigned long long downtime);

/* qemu-migrate-nbd.c: disks copied over NBD (--copy-storage-all/-inc) */
bool vkQemuMigrateCopiesStorage(unsigned int flags);
/* The job id of a copied disk's mirror is this and the disk's target. */
#define VK_QEMU_MIGRATE_MIRROR_PREFIX "vk-migrate-"
/* Begin (locked; takes obj's job): "disk-TARGET=SIZE FORMAT"
 * lines of the disks to copy into extra. */
int vkQemuMigrateNbdDiskFacts(vkQemuState *st, vkQemuDomain *obj, virTypedParameterPtr params,
                              int nparams, GString *extra);
/* Prepare, before QEMU starts: the images of def's copied disks that are
 * missing here are made in the storage pool of their directory, sized
 * from the source's cookie; -1 with libvirt's error when none is. */
int vkQemuMigrateNbdPrecreate(virConnectPtr dconn, const vkDomainDef *def,
                              virTypedParameterPtr params, int nparams, const char *cookie,
                              int cookielen, unsigned int flags);
/* Prepare, incoming QEMU started (locked, job held): NBD server on
 * listen:port (inside TLS with VIR_MIGRATE_TLS), a writable export per
 * copied disk named by its target. */
int vkQemuMigrateNbdServe(vkQemuState *st, vkQemuDomain *obj, const char *listen, int port,
                          virTypedParameterPtr params, int nparams, unsigned int flags);
/* Finish (locked, job held): the NBD server goes before the guest runs. */
void vkQemuMigrateNbdStop(vkQemuState *st, vkQemuDomain *obj);
/* Perform, before the memory moves (locked, job held): mirrors every
 * copied disk into the destination's export at the host of uri and the
 * cookie's nbd-port, and waits until all are in step; *mirrors gets
 * their targets for vkQemuMigrateNbdEnd. */
int vkQemuMigrateNbdMirror(vkQemuState *st, vkQemuDomain *obj, const char *uri,
                           const char *cookie, int cookielen, virTypedParameterPtr params,
                           int nparams, unsigned int flags, GPtrArray **mirrors);
/* Perform, QEMU at pre-switchover (locked, job held): the mirrors end
 * cleanly (mirrors freed), then migrate-continue; on failure the
 * migration is cancelled.  The caller waits for its end either way. */
int vkQemuMigrateNbdSwitchover(vkQemuState *st, vkQemuDomain *obj, GPtrArray *mirrors);
/* Perform, after the memory moved (ok) or failed: the mirrors end (a
 * clean cancel after a completed migration, a forced one otherwise) and
 * their NBD nodes go.  Keeps a failure's error; -1 when not ok. */
int vkQemuMigrateNbdEnd(vkQemuState *st, vkQemuDomain *obj, GPtrArray *mirrors, bool ok);

/* qemu-migrate-recover.c: a daemon restarted mid-way.  obj was reattached
 * to with the status file's phase ("in", "out", "out-done"; NULL: no
 * migration); its QEMU is killed, resumed or left paused as libvirt
 * resolves that phase.  Unlocked. */
void vkQemuMigrateRecover(vkQemuState *st, vkQemuDomain *obj, const char *phase);

#endif
