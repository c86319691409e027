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
#include "core/proc-watch.h"
#include "core/domain-event.h"
#include "core/domain-list.h"
#include "core/state-domains.h"
#include "conf/domain-conf.h"
#include "conf/capabilities.h"
#include "drivers/qemu/monitor.h"

#define VK_QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
/* destroy: SIGTERM, then SIGKILL when QEMU is still there after this. */
#define VK_QEMU_DESTROY_GRACE_MS 10000
#define VK_QEMU_HANDSHAKE_TIMEOUT_MS 30000
/* How long a call waits for another's job on the same domain (libvirt
 * waits 30 s too). */
#define VK_QEMU_JOB_WAIT_MS 30000
/* A save or restore fails when QEMU moves none of the saved state for
 * this long (the image's size, or read position, measures progress). */
#define VK_QEMU_MIGRATION_STALL_MS 60000

typedef struct _vkQemuDomain vkQemuDomain;

/* What exists only while QEMU runs. */
typedef struct {
    guint64 gen;             /* matches the watchers' copy */
    int pid;
    int pidfd;
    vkQemuMonitor *mon;
    char *monitorPath;
    char *statusPath;
    int stopReason;          /* virDomainShutoffReason we asked for, or -1 */
    bool guestShutdown;      /* QMP SHUTDOWN seen */
    vkProcWatch *watch;      /* pidfd exit; also the QMP callbacks' opaque */
    char *migStatus;         /* last MIGRATION event's status */
    bool monitorEOF;         /* QEMU closed the monitor (went away) */
    GPtrArray *deleted;      /* device ids of DEVICE_DELETED events */
    GHashTable *blockJobs;   /* QEMU job id -> vkQemuBlockJob (qemu-blockjob.h) */
} vkQemuRun;

/* name, uuid, id, state, reason, persistent, autostart, removed, def and
 * newDef are reached by core/domain-list.c too, by these names. */
/* Migration (qemu-migrate*.c): which end of one this domain is, and the
 * tuning that outlives a single migration. */
enum { VK_QEMU_MIG_NONE, VK_QEMU_MIG_OUT, VK_QEMU_MIG_IN };
typedef struct {
    int dir;                       /* VK_QEMU_MIG_* */
    bool performed;                /* out: Perform succeeded, no Confirm yet */
    bool abort;                    /* domjobabort asked for the end */
    gint64 started;                /* g_get_real_time() at its start */
    unsigned int flags;            /* its VIR_MIGRATE_* (post-copy allowed?) */
    bool memoryMoving;             /* out: QEMU's "migrate" was given */
    bool postcopyAsked;            /* out: post-copy asked before that */
    virConnectPtr conn;            /* incoming: the connection of its Prepare
                                    * (compared only, never used) */
    unsigned long long speed;      /* MiB/s for the next one; 0: unlimited */
    unsigned long long downtime;   /* ms; 0: QEMU's default */
} vkQemuMigState;

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
    vkQemuMigState mig;
    bool agentJob;           /* a guest agent call is running (qemu-agent-ops.c) */
    bool agentTimeoutSet;    /* AgentSetResponseTimeout was called */
    int agentTimeout;        /* its value; else the agent calls block */
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
    VK_STATE_BASE;           /* lock, root, directories, events, ctx (frame) */
    GCond jobCond;
    vkDomainList domains;    /* vkQemuDomain objects */
    vkQemuCaps *caps;        /* probed lazily, under lock */
} vkQemuState;

/* driver.c */
static inline vkQemuState *
vkQemuConnState(virConnectPtr conn)
{
    return conn->privateData;
}
/* Lookup by the handle's UUID, locked; on failure unlocks and reports
 * VIR_ERR_NO_DOMAIN. */
static inline vkQemuDomain *
vkQemuDomainGet(virDomainPtr dom, vkQemuState **stp)
{
    *stp = vkQemuConnState(dom->conn);
    return vkDomainListLockHandle(&(*stp)->domains, dom);
}
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
static inline void
vkQemuEmitLifecycle(vkQemuState *st, vkQemuDomain *obj, int event, int detail)
{
    vkStateDomainEmit(&st->base, obj, event, detail);
}
static inline virDomainPtr
vkQemuMakeHandle(virConnectPtr conn, vkQemuDomain *obj)
{
    return vkDomainListMakeHandle(&vkQemuConnState(conn)->domains, conn, obj);
}
static inline bool
vkQemuCheckActive(vkQemuDomain *obj)
{
    return vkStateDomainCheckActive(VIR_FROM_QEMU, obj->name, obj->id);
}
/* The job: called and returning locked; BeginJob waits at most
 * VK_QEMU_JOB_WAIT_MS, then fails with VIR_ERR_OPERATION_TIMEOUT.  The
 * caller holds a reference on obj (the lock is dropped while waiting). */
int vkQemuBeginJob(vkQemuState *st, vkQemuDomain *obj) G_GNUC_WARN_UNUSED_RESULT;
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
vkDomainDef *vkQemuParseDefFlags(vkQemuState *st, const char *xml, unsigned int parseFlags);
/* Refuses a definition the current emulator cannot run (a custom CPU
 * model it does not know); called locked, at define and again at start
 * since QEMU may have been replaced in between. */
int vkQemuCapsCheckDef(vkQemuState *st, const vkDomainDef *def);
/* At start: the huge pages a definition asks for exist on the host. */
int vkQemuCapsCheckHugepages(const vkDomainDef *def);

/* qemu-domcaps.c: domain capabilities and CPU model names */
char *vkQemuConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                         const char *arch, const char *machine,
                                         const char *virttype, unsigned int flags);
int vkQemuConnectGetCPUModelNames(virConnectPtr conn, const char *arch,
                                  char ***models, unsigned int flags);

/* qemu-domain.c: what QEMU adds to the frame's domains (state-domains.h) */
extern const vkStateDomainOps vkQemuStateDomainOps;
int vkQemuDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
/* qemu-ifaddr.c */
int vkQemuDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                   unsigned int source, unsigned int flags);
/* Writes def as ROOT/etc/NAME.xml, atomically. */
static inline int
vkQemuSaveConfig(vkQemuState *st, const vkDomainDef *def)
{
    return vkStateDomainSaveConfig(&st->base, def);
}

/* qemu-lifecycle.c: running QEMU */
virDomainPtr vkQemuDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkQemuDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainCreate(virDomainPtr dom);
int vkQemuDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainDestroy(virDomainPtr dom);
/* qemu-ops.c: suspend/resume/shutdown/reboot/reset over the monitor */
int vkQemuDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vkQemuDomainShutdown(virDomainPtr dom);
int vkQemuDomainReboot(virDomainPtr dom, unsigned int flags);
int vkQemuDomainReset(virDomainPtr dom, unsigned int flags);
int vkQemuDomainSuspend(virDomainPtr dom);
int vkQemuDomainResume(virDomainPtr dom);
/* A saved state to start from: fd is open on it, positioned at QEMU's
 * migration stream (after virtkit's header); its owner closes it. */
typedef struct {
    int fd;
    /* Or a migration's listen URI ("tcp:ADDR:PORT", or "fd:vk-incoming"
     * with fd, a tunnelled migration's pipe): then the start returns as
     * soon as QEMU listens, paused (reason migration), and vkQemuMigrate*
     * waits for the stream. */
    const char *uri;
    /* The migration's VIR_MIGRATE_* and multifd channels (0: QEMU's
     * default): the capabilities both ends must agree on. */
    unsigned int migFlags;
    unsigned long long channels;
} vkQemuIncoming;

/* Starts obj's QEMU: called locked with the job held; returns locked.
 * With incoming (NULL: a boot), QEMU starts with -incoming defer and
 * loads that state, read from the daemon's fd (so the file may vanish
 * meanwhile), before it runs.  A destroy meanwhile kills the QEMU being
 * started and makes this fail. */
int vkQemuStartDomain(vkQemuState *st, vkQemuDomain *obj, unsigned int flags,
                      const vkQemuIncoming *incoming);
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
/* qemu-ops.c: runs cmd on obj's monitor without the lock (called and
 * returning locked, job held); a failure because QEMU went away is
 * "domain is not running". */
int vkQemuDomainMonitorCommand(vkQemuState *st, vkQemuDomain *obj, const char *cmd,
                               vkJSON *args, vkJSON **ret);
/* The same for QMP getfd: QEMU gets a copy of fd under name. */
int vkQemuDomainMonitorSendFd(vkQemuState *st, vkQemuDomain *obj, const char *name, int fd);
/* The same for a client's whole QMP command (vkQemuMonitorCommandRaw). */
int vkQemuDomainMonitorRaw(vkQemuState *st, vkQemuDomain *obj, const char *json, int fd,
                           char **reply);

/* qemu-monitor-cmd.c: libvirt-qemu's calls */
int vkQemuDomainQemuMonitorCommand(virDomainPtr dom, const char *cmd, char **result,
                                   unsigned int flags);
int vkQemuDomainQemuMonitorCommandWithFiles(virDomainPtr dom, const char *cmd,
                                            unsigned int ninfiles, int *infiles,
                                            unsigned int *noutfiles, int **outfiles,
                                            char **result, unsigned int flags);
int vkQemuConnectDomainQemuMonitorEventRegister(virConnectPtr conn, virDomainPtr dom,
                                                const char *event,
                                                virConnectDomainQemuMonitorEventCallback cb,
                                                void *opaque, virFreeCallback freecb,
                                                unsigned int flags);
int vkQemuConnectDomainQemuMonitorEventDeregister(virConnectPtr conn, int callbackID);
/* Every QMP event of a running domain, to the monitor-event callbacks
 * (called from the monitor's event callback, st locked). */
void vkQemuMonitorEventForward(vkQemuState *st, vkQemuDomain *obj, vkQemuMonitor *mon,
                               const char *name, vkJSON *data);

/* qemu-channel.c: a stream to a UNIX <channel> */
int vkQemuDomainOpenChannel(virDomainPtr dom, const char *name, virStreamPtr stream,
                            unsigned int flags);

/* qemu-graphics-passwd.c: virDomainUpdateDeviceFlags (displays only) */
int vkQemuDomainUpdateDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags);

/* qemu-agent-ops.c: the guest agent's APIs and lifecycle */
char *vkQemuDomainQemuAgentCommand(virDomainPtr dom, const char *cmd, int timeout,
                                   unsigned int flags);
int vkQemuDomainAgentSetResponseTimeout(virDomainPtr dom, int timeout, unsigned int flags);
int vkQemuDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                        unsigned int flags);
int vkQemuDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                        unsigned int flags);
char *vkQemuDomainGetHostname(virDomainPtr dom, unsigned int flags);
int vkQemuDomainFSFreeze(virDomainPtr dom, const char **mountpoints,
                         unsigned int nmountpoints, unsigned int flags);
int vkQemuDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                       unsigned int flags);
int vkQemuDomainFSTrim(virDomainPtr dom, const char *mountPoint, unsigned long long minimum,
                       unsigned int flags);
int vkQemuDomainSetUserPassword(virDomainPtr dom, const char *user, const char *password,
                                unsigned int flags);
int vkQemuDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags);
/* The targets (vda) of def's disks that guest-get-fsinfo's "disk" list
 * names, matched as libvirt does by the PCI address of a virtio disk;
 * unmatched entries are left out.  A NULL-terminated new list. */
char **vkQemuFsinfoDiskTargets(const vkDomainDef *def, const vkJSON *disks);
int vkQemuDomainGetGuestInfo(virDomainPtr dom, unsigned int types,
                             virTypedParameterPtr *params, int *nparams, unsigned int flags);
/* qemu-agent-vcpus.c: the guest's vCPUs as its agent sees them */
int vkQemuDomainGetGuestVcpus(virDomainPtr dom, virTypedParameterPtr *params,
                              unsigned int *nparams, unsigned int flags);
int vkQemuDomainSetGuestVcpus(virDomainPtr dom, const char *cpumap, int state,
                              unsigned int flags);
/* One agent command for dom with the domain's timeout: libvirt's checks,
 * the agent job, a connection; args are taken, *ret (may be NULL) is the
 * "return" member. */
int vkQemuAgentRun(virDomainPtr dom, const char *cmd, vkJSON *args, vkJSON **ret);
/* Interfaces as the agent sees them (source AGENT of InterfaceAddresses). */
int vkQemuAgentInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces);
/* Shutdown or reboot through the agent: requested when the caller named
 * the agent, otherAllowed when another method may follow.  0 done, -1
 * failed, 1 not done here (no agent connected, or it failed and another
 * method may follow). */
int vkQemuAgentPowerOp(virDomainPtr dom, bool reboot, bool requested, bool otherAllowed);
/* Called locked: a start's live definition (the port is closed yet), a
 * VSERPORT_CHANGE event, whether the agent has its port open. */
void vkQemuAgentStartState(vkDomainDef *live);
void vkQemuAgentPortEvent(vkQemuState *st, vkQemuDomain *obj, vkJSON *data);
bool vkQemuAgentConnected(const vkDomainDef *def);

/* qemu-graphics-fd.c */
int vkQemuDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags);
char *vkQemuDomainScreenshot(virDomainPtr dom, virStreamPtr stream, unsigned int screen,
                             unsigned int flags);

/* qemu-reattach.c: live state read back at state creation */
/* For each ROOT/run/NAME.xml: reattach to the QEMU still running, or
 * mark the domain shut off (crashed).  Called before the state is
 * visible to anyone, unlocked. */
void vkQemuReattachAll(vkQemuState *st);
/* Starts every inactive persistent domain marked autostart. */
void vkQemuAutostartAll(vkQemuState *st);

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
/* A save image's header for obj's live definition at path (created or
 * truncated), restoring into running or paused; the stream follows with
 * vkQemuMigrateToFile.  See qemu-save.c. */
int vkQemuSaveImageStart(vkQemuDomain *obj, const char *path, bool running);
/* QEMU's migration stream of obj appended to path (job held, locked);
 * pause stops the guest first.  See qemu-save.c. */
int vkQemuMigrateToFile(vkQemuState *st, vkQemuDomain *obj, const char *path, bool pause,
                        guint64 *genOut);
/* UEFI (qemu-firmware.c): a start's copy of the definition gets its
 * firmware files and NVRAM; undefine applies libvirt's NVRAM rule. */
int vkQemuPrepareFirmware(vkQemuState *st, vkDomainDef *def);
int vkQemuDefineFirmware(vkQemuState *st, vkDomainDef *def);
int vkQemuUndefineFirmware(vkQemuState *st, const vkDomainDef *def, unsigned int flags);

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
/* device_del of QEMU device id, then the wait for the guest's
 * DEVICE_DELETED (bounded: VIR_ERR_OPERATION_TIMEOUT); job held, locked. */
int vkQemuUnplugDevice(vkQemuState *st, vkQemuDomain *obj, const char *id);

/* At state teardown: stop watching every running guest (they keep
 * running; their status files stay for a later reattach).  Locked. */
void vkQemuDetachAll(vkQemuState *st);

#endif
