/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the OpenVZ driver's files.
 *
 * The tools are the source of truth: every call asks vzlist and reads the
 * container's ctid.conf afresh, so containers changed by hand with vzctl
 * are seen at once, and the driver keeps almost nothing itself -- only
 * what OpenVZ cannot tell (a container frozen by `vzctl chkpnt --suspend`
 * still lists as "running") and the event callbacks.  That one fact is a
 * marker file under ROOT/run/virtkit/openvz, not process memory: the
 * driver runs inside every client (each `virtkit` command is a process
 * of its own), and all of them must agree that a container is paused.
 *
 * A container's domain name is its numeric CT ID, as in libvirt's OpenVZ
 * driver; its id while running is the CT ID too.
 *
 * TO MOVE to drivers/container once it lands: the state names and
 * lifecycle event mapping (vkOpenvzEmit...), the host node info
 * (vkOpenvzNodeGetInfo) and the ListAllDomains flag filter.
 */
#ifndef VK_DRIVERS_OPENVZ_PRIVATE_H
#define VK_DRIVERS_OPENVZ_PRIVATE_H

#include <stdbool.h>
#include <glib.h>

#include "core/driver.h"
#include "core/domain-event.h"
#include "core/state-root.h"
#include "conf/domain-conf.h"

#define VK_OPENVZ_DEFAULT_VZCTL "/usr/sbin/vzctl"
#define VK_OPENVZ_DEFAULT_VZLIST "/usr/sbin/vzlist"
/* CT IDs up to 100 are reserved for OpenVZ itself (vzctl(8)). */
#define VK_OPENVZ_MIN_CTID 101
#define VK_OPENVZ_MAX_CTID 2147483644

typedef struct {
    VK_STATE_BASE;           /* lock, root ("/" or $VIRTKIT_OPENVZ_ROOT), runDir */
                             /* (ROOT/run/virtkit/openvz: CTID.frozen markers), */
                             /* events (frame) */
    char *confDir;           /* ROOT/etc/vz/conf */
    char *vzctl;
    char *vzlist;
} vkOpenvzState;

/* ---- openvz-conf.c: ctid.conf files (pure) ---- */

/* A ctid.conf kept line by line, so that a rewrite (the #UUID line) leaves
 * every other line as vzctl wrote it. */
typedef struct {
    GPtrArray *lines;        /* char* */
} vkOpenvzConf;

vkOpenvzConf *vkOpenvzConfParse(const char *text);
void vkOpenvzConfFree(vkOpenvzConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkOpenvzConf, vkOpenvzConfFree)
/* The value of KEY (quotes removed; the last assignment wins), or NULL. */
const char *vkOpenvzConfGet(const vkOpenvzConf *conf, const char *key);
/* The "#UUID: ..." comment libvirt's driver stores; false when absent. */
bool vkOpenvzConfGetUUID(const vkOpenvzConf *conf, unsigned char *uuid);
void vkOpenvzConfSetUUID(vkOpenvzConf *conf, const unsigned char *uuid);
char *vkOpenvzConfFormat(const vkOpenvzConf *conf);

/* ctid.conf -> domain definition (type 'openvz', os type 'exe'). */
vkDomainDef *vkOpenvzConfToDef(int ctid, const vkOpenvzConf *conf,
                               const unsigned char *uuid);
/* The CT ID a domain name stands for; -1 with VIR_ERR_CONFIG_UNSUPPORTED. */
int vkOpenvzNameToCtid(const char *name);
/* The OS template named by <filesystem type='template'>, NULL if none. */
const char *vkOpenvzDefTemplate(const vkDomainDef *def);
/* The `vzctl set CTID ... --save` arguments for def (without the CTID). */
GPtrArray *vkOpenvzDefToSetArgs(const vkDomainDef *def);

/* ---- openvz-tools.c: running vzctl and vzlist ---- */

typedef struct {
    int ctid;
    bool running;
    char *status;            /* vzlist's word: running, stopped, mounted, ... */
} vkOpenvzListEntry;

/* Runs `vzctl ARGS...` (NULL-terminated).  On a non-zero exit reports an
 * error naming the command, the exit code and vzctl's own message:
 * "container not running/already running/..." codes as
 * VIR_ERR_OPERATION_INVALID, everything else VIR_ERR_OPERATION_FAILED. */
int vkOpenvzCtl(vkOpenvzState *st, const char *const *args);
/* `vzlist -a -H -o ctid,status [CTID]`; ctid < 0: all.  Returns the
 * number of entries, -1 on error. */
int vkOpenvzList(vkOpenvzState *st, int ctid, GArray **entries);
void vkOpenvzListFree(GArray *entries);
/* Running state of one CT: 1 running, 0 not, -1 no such CT (no error
 * reported) or -2 on error (reported). */
int vkOpenvzIsRunning(vkOpenvzState *st, int ctid);
/* A vzlist column for one CT (`vzlist -H -o FIELD CTID`), or NULL. */
char *vkOpenvzListField(vkOpenvzState *st, int ctid, const char *field);
/* `vzctl --version` as major * 1000000 + minor * 1000 + micro. */
int vkOpenvzVersion(vkOpenvzState *st, unsigned long *version);
/* ROOT/etc/vz/conf/CTID.conf read; NULL with VIR_ERR_NO_DOMAIN if absent. */
vkOpenvzConf *vkOpenvzReadConf(vkOpenvzState *st, int ctid);
char *vkOpenvzConfPath(vkOpenvzState *st, int ctid);
/* The container's UUID; assigns and stores a new one when the conf has
 * none (a container created with vzctl directly). */
int vkOpenvzGetUUID(vkOpenvzState *st, int ctid, unsigned char *uuid);
int vkOpenvzWriteUUID(vkOpenvzState *st, int ctid, const unsigned char *uuid);
/* Whether the driver froze CT ctid (`vzctl chkpnt --suspend`) and has not
 * resumed or stopped it since, as any process of any client sees it. */
bool vkOpenvzFrozenGet(vkOpenvzState *st, int ctid);
/* Records (creating ROOT/run/virtkit/openvz) or forgets that fact;
 * -1 with a system error. */
int vkOpenvzFrozenSet(vkOpenvzState *st, int ctid, bool frozen);

/* ---- openvz-domain.c: the domain calls ---- */
int vkOpenvzConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                                  unsigned int flags);
int vkOpenvzConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int vkOpenvzConnectNumOfDomains(virConnectPtr conn);
int vkOpenvzConnectListDefinedDomains(virConnectPtr conn, char **const names,
                                      int maxnames);
int vkOpenvzConnectNumOfDefinedDomains(virConnectPtr conn);
virDomainPtr vkOpenvzDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr vkOpenvzDomainLookupByName(virConnectPtr conn, const char *name);
virDomainPtr vkOpenvzDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
int vkOpenvzDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
int vkOpenvzDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags);
char *vkOpenvzDomainGetXMLDesc(virDomainPtr dom, unsigned int flags);
char *vkOpenvzDomainGetOSType(virDomainPtr dom);
unsigned long vkOpenvzDomainGetMaxMemory(virDomainPtr dom);
int vkOpenvzDomainIsActive(virDomainPtr dom);
int vkOpenvzDomainIsPersistent(virDomainPtr dom);
virDomainPtr vkOpenvzDomainDefineXML(virConnectPtr conn, const char *xml);
virDomainPtr vkOpenvzDomainDefineXMLFlags(virConnectPtr conn, const char *xml,
                                          unsigned int flags);
int vkOpenvzDomainUndefine(virDomainPtr dom);
int vkOpenvzDomainUndefineFlags(virDomainPtr dom, unsigned int flags);
int vkOpenvzDomainCreate(virDomainPtr dom);
int vkOpenvzDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
virDomainPtr vkOpenvzDomainCreateXML(virConnectPtr conn, const char *xml,
                                     unsigned int flags);
int vkOpenvzDomainShutdown(virDomainPtr dom);
int vkOpenvzDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vkOpenvzDomainDestroy(virDomainPtr dom);
int vkOpenvzDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vkOpenvzDomainReboot(virDomainPtr dom, unsigned int flags);
int vkOpenvzDomainSuspend(virDomainPtr dom);
int vkOpenvzDomainResume(virDomainPtr dom);
int vkOpenvzDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus);
int vkOpenvzDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus,
                                unsigned int flags);
int vkOpenvzDomainSetMemory(virDomainPtr dom, unsigned long memory);
int vkOpenvzDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory,
                                 unsigned int flags);
int vkOpenvzDomainGetAutostart(virDomainPtr dom, int *autostart);
int vkOpenvzDomainSetAutostart(virDomainPtr dom, int autostart);

#endif
