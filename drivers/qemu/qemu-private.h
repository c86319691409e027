/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the QEMU driver's files.
 *
 * One vkQemuState per root directory (qemu:///embed?root=DIR): every
 * connection of the process to that root shares it.  Locking: one mutex
 * per state guards every domain object; it is never held across a wait on
 * QEMU.  A call that talks to QEMU first takes the domain's job (one at a
 * time per domain, waited for on state->jobCond), drops the mutex, talks,
 * then retakes it, so QMP events and exit notifications (handled on the
 * state's own event thread, under the mutex) are never stuck behind a
 * slow guest.
 */
#ifndef VK_DRIVERS_QEMU_PRIVATE_H
#define VK_DRIVERS_QEMU_PRIVATE_H

#include <stdbool.h>
#include <glib.h>

#include "util/event-thread.h"

#include "core/driver.h"
#include "core/domain-event.h"
#include "core/domain-list.h"
#include "conf/domain-conf.h"
#include "conf/capabilities.h"
#include "drivers/qemu/monitor.h"

#define VK_QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
/* destroy: SIGTERM, then SIGKILL when QEMU is still there after this. */
#define VK_QEMU_DESTROY_GRACE_MS 10000
#define VK_QEMU_HANDSHAKE_TIMEOUT_MS 30000

typedef struct _vkQemuDomain vkQemuDomain;

/* What exists only while QEMU runs. */
typedef struct {
    guint64 gen;             /* matches the watchers' copy */
    int pid;
    int pidfd;
    GSource *exitSource;
    vkQemuMonitor *mon;
    char *monitorPath;
    char *statusPath;
    int stopReason;          /* virDomainShutoffReason we asked for, or -1 */
    bool guestShutdown;      /* QMP SHUTDOWN seen */
    void *watch;             /* the callbacks' opaque (freed on the loop) */
    char *migStatus;         /* last MIGRATION event's status */
    bool monitorEOF;         /* QEMU closed the monitor (went away) */
    GPtrArray *deleted;      /* device ids of DEVICE_DELETED events */
} vkQemuRun;

/* name, uuid, id, state, reason, persistent, autostart, removed, def and
 * newDef are reached by core/domain-list.c too, by these names. */
struct _vkQemuDomain {
    gint refs;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;                  /* -1 when inactive */
    int state;               /* virDomainState */
    int reason;
    bool persistent;
    bool autostart;
    bool removed;            /* no longer in the state's tables */
    bool job;                /* a call is talking to QEMU */
    vkDomainDef *def;        /* live while running, else persistent */
    vkDomainDef *newDef;     /* next-boot definition while running */
    vkQemuRun *run;
    vkQemuRun *starting;     /* the run being started, until installed */
    guint64 nextGen;
};

/* One entry of QEMU's query-cpu-definitions. */
typedef struct {
    char *name;
    int usable;              /* 1 yes, 0 no, -1 QEMU did not say */
    bool deprecated;
    bool listed;             /* shown in domain capabilities and cpu-models:
                                not a versioned name ("-v2") nor one of
                                host/max/base, which the modes stand for */
} vkQemuCpuModel;

typedef struct {
    char *emulator;
    time_t mtime;
    unsigned long version;   /* major * 1000000 + minor * 1000 + micro */
    bool kvm;
    vkCaps *caps;
    char *defaultMachine;    /* canonical name of the default machine */
    GHashTable *aliases;     /* alias -> canonical */
    GPtrArray *cpuTCG;       /* vkQemuCpuModel*, QEMU's order, under TCG */
    GPtrArray *cpuKVM;       /* the same asked under KVM; NULL without KVM */
} vkQemuCaps;

typedef struct {
    GMutex lock;
    GCond jobCond;
    int refs;                /* open connections */
    char *root;
    char *configDir;         /* ROOT/etc */
    char *runDir;            /* ROOT/run */
    char *logDir;            /* ROOT/log */
    char *saveDir;           /* ROOT/save: managed save images */
    char *autostartDir;      /* ROOT/etc/autostart: one symlink per domain */
    bool privileged;         /* qemu:///system inside virtkitd */

    vkDomainList domains;    /* vkQemuDomain objects */

    vkQemuCaps *caps;        /* probed lazily, under lock */

    vkEventState *events;
    vkEventThread *evthread;  /* owns ctx and the thread running it */
    GMainContext *ctx;       /* QMP and exit watches run here */
} vkQemuState;

/* qemu-driver.c */
vkQemuState *vkQemuConnState(virConnectPtr conn);
/* Lookup by the handle's UUID, locked; on failure unlocks and reports
 * VIR_ERR_NO_DOMAIN. */
vkQemuDomain *vkQemuDomainGet(virDomainPtr dom, vkQemuState **st);
vkQemuDomain *vkQemuDomainRef(vkQemuDomain *obj);
void vkQemuDomainUnref(vkQemuDomain *obj);
/* The state's domain list (core/domain-list.h), called locked. */
static inline vkQemuDomain *
vkQemuDomainFindByUUID(vkQemuState *st, const unsigned char *uuid)
{
    return vkDomainListFindByUUID(&st->domains, uuid);
}
/* Adds or updates after libvirt's name/uuid checks; takes *def. */
static inline vkQemuDomain *
vkQemuDomainAdd(vkQemuState *st, vkDomainDef **def, bool live, bool *wasPersistent)
{
    return vkDomainListAdd(&st->domains, def, live, wasPersistent);
}
static inline void
vkQemuDomainRemove(vkQemuState *st, vkQemuDomain *obj)
{
    vkDomainListRemove(&st->domains, obj);
}
void vkQemuEmitLifecycle(vkQemuState *st, vkQemuDomain *obj, int event, int detail);
virDomainPtr vkQemuMakeHandle(virConnectPtr conn, vkQemuDomain *obj);
bool vkQemuCheckActive(vkQemuDomain *obj);
/* The job: called and returning locked; BeginJob may wait. */
void vkQemuBeginJob(vkQemuState *st, vkQemuDomain *obj);
void vkQemuEndJob(vkQemuState *st, vkQemuDomain *obj);

/* qemu-caps.c */
/* The capabilities of the default emulator, probed once per binary
 * modification time; called locked. */
vkQemuCaps *vkQemuGetCaps(vkQemuState *st);
void vkQemuCapsFree(vkQemuCaps *c);
char *vkQemuConnectGetCapabilities(virConnectPtr conn);
int vkQemuConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
const char *vkQemuConnectGetType(virConnectPtr conn);
char *vkQemuConnectGetHostname(virConnectPtr conn);
int vkQemuNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);
/* Parse, fill the driver's defaults (arch, machine, emulator) and refuse
 * what QEMU support does not cover. */
vkDomainDef *vkQemuParseDef(vkQemuState *st, const char *xml);
/* Refuses a definition the current emulator cannot run (a custom CPU
 * model it does not know); called locked, at define and again at start
 * since QEMU may have been replaced in between. */
int vkQemuCapsCheckDef(vkQemuState *st, const vkDomainDef *def);

/* qemu-domcaps.c: domain capabilities and CPU model names */
char *vkQemuConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                         const char *arch, const char *machine,
                                         const char *virttype, unsigned int flags);
int vkQemuConnectGetCPUModelNames(virConnectPtr conn, const char *arch,
                                  char ***models, unsigned int flags);

/* qemu-domain.c: queries and persistent configuration */
int vkQemuConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                                unsigned int flags);
int vkQemuConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int vkQemuConnectNumOfDomains(virConnectPtr conn);
int vkQemuConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int vkQemuConnectNumOfDefinedDomains(virConnectPtr conn);
virDomainPtr vkQemuDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr vkQemuDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr vkQemuDomainLookupByName(virConnectPtr conn, const char *name);
int vkQemuDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
int vkQemuDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags);
char *vkQemuDomainGetXMLDesc(virDomainPtr dom, unsigned int flags);
char *vkQemuDomainGetOSType(virDomainPtr dom);
unsigned long vkQemuDomainGetMaxMemory(virDomainPtr dom);
int vkQemuDomainIsActive(virDomainPtr dom);
int vkQemuDomainIsPersistent(virDomainPtr dom);
virDomainPtr vkQemuDomainDefineXMLFlags(virConnectPtr conn, const char *xml,
                                        unsigned int flags);
virDomainPtr vkQemuDomainDefineXML(virConnectPtr conn, const char *xml);
int vkQemuDomainUndefineFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainUndefine(virDomainPtr dom);
/* Writes def as ROOT/etc/NAME.xml, atomically. */
int vkQemuSaveConfig(vkQemuState *st, const vkDomainDef *def);
/* Loads ROOT/etc/\*.xml at state creation. */
int vkQemuLoadConfigs(vkQemuState *st);

/* qemu-lifecycle.c: running QEMU */
virDomainPtr vkQemuDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkQemuDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainCreate(virDomainPtr dom);
int vkQemuDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainDestroy(virDomainPtr dom);
int vkQemuDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainShutdown(virDomainPtr dom);
int vkQemuDomainReboot(virDomainPtr dom, unsigned int flags);
int vkQemuDomainReset(virDomainPtr dom, unsigned int flags);
int vkQemuDomainSuspend(virDomainPtr dom);
int vkQemuDomainResume(virDomainPtr dom);
/* Starts obj's QEMU: called locked with the job held; returns locked.
 * With incomingUri, QEMU starts with -incoming defer and loads the saved
 * state from that migration URI before it runs. */
int vkQemuStartDomain(vkQemuState *st, vkQemuDomain *obj, unsigned int flags,
                      const char *incomingUri);
/* Called locked: obj's QEMU is gone; state shut off with reason, the
 * STOPPED event with detail; a transient domain is forgotten. */
void vkQemuStopProcess(vkQemuState *st, vkQemuDomain *obj, int reason, int detail);
void vkQemuSetState(vkQemuDomain *obj, int state, int reason);
int vkQemuWriteStatus(vkQemuState *st, vkQemuDomain *obj);
/* Reattach: takes over a QEMU that a previous owner of the root started
 * (pidfd and a fresh connection to its monitor socket, both taken on
 * success; the caller closes them on failure).  obj's id, state and live
 * definition come from the status file.  Unlocked. */
int vkQemuRunAttach(vkQemuState *st, vkQemuDomain *obj, int pid, int pidfd, int monitorFd);
/* Runs cmd on obj's monitor without the lock (called and returning
 * locked, job held). */
int vkQemuDomainMonitorCommand(vkQemuState *st, vkQemuDomain *obj, const char *cmd,
                               vkJSON *args, vkJSON **ret);

/* qemu-reattach.c: live state read back at state creation */
/* For each ROOT/run/NAME.xml: reattach to the QEMU still running, or
 * mark the domain shut off (crashed).  Called before the state is
 * visible to anyone, unlocked. */
void vkQemuReattachAll(vkQemuState *st);
/* Starts every inactive persistent domain marked autostart. */
void vkQemuAutostartAll(vkQemuState *st);
int vkQemuDomainSetAutostart(virDomainPtr dom, int autostart);
int vkQemuDomainGetAutostart(virDomainPtr dom, int *autostart);
/* Reads ROOT/etc/autostart at load time. */
bool vkQemuAutostartLink(vkQemuState *st, const char *name, int set);

/* qemu-save.c: memory balloon, save/restore, managed save */
int vkQemuDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags);
int vkQemuDomainSetMemory(virDomainPtr dom, unsigned long memory);
int vkQemuDomainSave(virDomainPtr dom, const char *to);
int vkQemuDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml,
                          unsigned int flags);
int vkQemuDomainRestore(virConnectPtr conn, const char *from);
int vkQemuDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                             unsigned int flags);
int vkQemuDomainManagedSave(virDomainPtr dom, unsigned int flags);
int vkQemuDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);
int vkQemuDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags);
char *vkQemuManagedSavePath(vkQemuState *st, const char *name);

/* qemu-rename.c */
int vkQemuDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags);
/* Called locked with the job: restores obj from its managed save image
 * when one exists (1), else 0; -1 on error. */
int vkQemuRestoreManaged(vkQemuState *st, vkQemuDomain *obj, unsigned int flags);

/* qemu-hotplug.c: device_add/device_del */
int vkQemuDomainAttachDevice(virDomainPtr dom, const char *xml);
int vkQemuDomainAttachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags);
int vkQemuDomainDetachDevice(virDomainPtr dom, const char *xml);
int vkQemuDomainDetachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags);

/* At state teardown: stop watching every running guest (they keep
 * running; their status files stay for a later reattach).  Locked. */
void vkQemuDetachAll(vkQemuState *st);

#endif
