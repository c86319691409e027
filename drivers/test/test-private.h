/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the test driver's files.
 *
 * A vkTestState is one in-memory "host": its node description and its
 * domains.  test:///default connections of a process share one state;
 * test:///path.xml connections each get a private one.  Every driver call
 * takes state->lock for its whole duration, so handles can be used from any
 * thread; events are only queued under the lock and delivered later from
 * the application's event loop.
 */
#ifndef VK_DRIVERS_TEST_PRIVATE_H
#define VK_DRIVERS_TEST_PRIVATE_H

#include <stdbool.h>
#include <glib.h>

#include "core/driver.h"
#include "core/domain-event.h"
#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"
#include "conf/storage-conf.h"

#define VK_TEST_MAX_CELLS 16
#define VK_TEST_MAX_VCPUS 32

typedef struct {
    char *name;                   /* hash key; nameBuf or its own allocation */
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;                       /* -1 when inactive */
    int state;                    /* virDomainState */
    int reason;
    bool persistent;
    bool autostart;
    bool updated;                 /* config changed while running */
    /* The live definition while running, the persistent one otherwise. */
    vkDomainDef *def;
    /* While running a persistent domain: its next-boot definition. */
    vkDomainDef *newDef;
    /* A managed save image: the saved live XML, kept in memory. */
    char *managedSaveXML;
    bool managedSavePaused;
    struct _vkSnapshotList *snapshots;   /* test-snapshot.c; NULL: none yet */
    struct _vkTestCheckpoints *checkpoints;  /* test-checkpoint.c; NULL: none yet */
    GList link;                   /* our node in state->order, data = us */
    /* The guest clock once virDomainSetTime set it (test-domain-devstats.c). */
    bool guestTimeSet;
    long long guestTime;
    unsigned int guestTimeNsec;
    unsigned int frozenFs;        /* test-domain-guest.c: bit per mount point */
    char nameBuf[48];             /* short names, inline (test-domain-obj.c) */
} vkTestDomain;

/* test-domain-obj.c: objects laid out for the listing walk. */
vkTestDomain *vkTestDomainObjNew(const char *name);
void vkTestDomainObjSetName(vkTestDomain *obj, const char *name);
void vkTestDomainObjFree(vkTestDomain *obj);

typedef struct {
    GMutex lock;
    int refs;                     /* connections using the state */
    bool isDefault;

    virNodeInfo nodeInfo;
    char *hostname;
    int ncells;
    unsigned long long cellFreeMem[VK_TEST_MAX_CELLS]; /* bytes */

    GHashTable *byName;           /* name -> vkTestDomain (owned) */
    GHashTable *byUUID;           /* uuid bytes -> vkTestDomain */
    GHashTable *byID;             /* GINT_TO_POINTER(id) -> running ones */
    GQueue order;                 /* definition order, for listing */
    int nextId;

    vkEventState *events;

    /* test-network.c, test-storage.c, test-nodedev.c: few objects, kept in
     * definition order and searched linearly. */
    GPtrArray *networks;          /* vkTestNetwork * (owned) */
    GPtrArray *pools;             /* vkTestPool * (owned) */
    GPtrArray *nodedevs;          /* vkNodeDeviceDef * (owned) */
    int nextScsiHost;             /* for vHBAs made by nodeDeviceCreateXML */
    /* test-interface.c: host interfaces, and their copy while a change
     * transaction runs (NULL: none). */
    GPtrArray *ifaces;
    GPtrArray *ifaceBackup;
} vkTestState;

typedef struct _vkTestCheckpoints vkTestCheckpoints;

/* test-driver.c */
vkTestState *vkTestStateNew(void);
void vkTestStateFree(vkTestState *st);
/* The state of an open connection and a locked lookup of dom in it.
 * vkTestDomainGet reports VIR_ERR_NO_DOMAIN and returns NULL after
 * unlocking when the domain no longer exists. */
vkTestState *vkTestConnState(virConnectPtr conn);
vkTestDomain *vkTestDomainGet(virDomainPtr dom, vkTestState **st);
/* Adds *def as a domain (taking ownership, *def set NULL) after libvirt's
 * name/uuid conflict checks.  live: the def is about to be started
 * (createXML, restore) and becomes the live definition.  *wasPersistent
 * (may be NULL) tells whether an existing persistent domain was updated.
 * Returns NULL with an error set on conflict. */
vkTestDomain *vkTestDomainAdd(vkTestState *st, vkDomainDef **def, bool live,
                              bool *wasPersistent);
void vkTestDomainRemove(vkTestState *st, vkTestDomain *obj);
/* Marks obj running with the next id; keeps def as the live definition
 * and, for persistent domains, a copy of it as the next-boot one unless
 * one is already pending. */
int vkTestDomainStart(vkTestState *st, vkTestDomain *obj, int reason);
/* Marks obj shut off with virDomainShutoffReason reason, queues STOPPED
 * with detail, and removes a transient domain (obj freed: returns true). */
bool vkTestDomainStop(vkTestState *st, vkTestDomain *obj, int reason, int detail);
void vkTestDomainSetState(vkTestDomain *obj, int state, int reason);
void vkTestEmitLifecycle(vkTestState *st, vkTestDomain *obj, int event, int detail);
virDomainPtr vkTestMakeHandle(virConnectPtr conn, vkTestDomain *obj);
/* Errors libvirt reports from its generic domain code carry
 * VIR_FROM_DOMAIN; keep that so callers see the same error domain. */
#define vkTestReportDomError(code, ...) \
    vkReportErrorFull(VIR_FROM_DOMAIN, code, __FILE__, __func__, __LINE__, __VA_ARGS__)
/* libvirt's "domain is not running" check. */
bool vkTestCheckActive(vkTestDomain *obj);
/* vkTestDomainGet of a running domain: NULL, unlocked, with libvirt's
 * error when it is gone or not running. */
static inline vkTestDomain *
vkTestDomainGetActive(virDomainPtr dom, vkTestState **st)
{
    vkTestDomain *obj = vkTestDomainGet(dom, st);

    if (obj && !vkTestCheckActive(obj)) {
        g_mutex_unlock(&(*st)->lock);
        return NULL;
    }
    return obj;
}
/* Resolve AFFECT_CURRENT and check LIVE/CONFIG against the domain's
 * state: fills *live / *config (the defs to change, NULL if not). */
int vkTestGetDefs(vkTestDomain *obj, unsigned int flags,
                  vkDomainDef **live, vkDomainDef **config);
/* libvirt's one-def rule for getters: LIVE and CONFIG exclusive, then
 * the def vkTestGetDefs selects. */
vkDomainDef *vkTestOneDef(vkTestDomain *obj, unsigned int flags);
vkDomainDef *vkTestDomainOneDef(virDomainPtr dom, unsigned int flags, vkTestState **st);
/* libvirt's flag check: the message names libvirt's function. */
#define VK_TEST_CHECK_FLAGS(fn, allowed, flags) \
    do { \
        if ((flags) & ~(unsigned int)(allowed)) { \
            vkReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", \
                          (flags) & ~(unsigned int)(allowed), fn); \
            return -1; \
        } \
    } while (0)
/* The same for calls that return a pointer: false with the error set. */
static inline bool
vkTestFlagsOK(const char *fn, unsigned int flags, unsigned int allowed)
{
    if (flags & ~allowed) {
        vkReportErrorFull(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "unsupported flags (0x%x) in function %s", flags & ~allowed, fn);
        return false;
    }
    return true;
}
/* Parse with the driver's virt type. */
vkDomainDef *vkTestParseDef(const char *xml, unsigned int parseFlags);
void vkTestNameInterfaces(vkDomainDef *def);

/* test-snapshot.c */
virDomainSnapshotPtr vkTestDomainSnapshotCreateXML(virDomainPtr dom, const char *xml,
                                                   unsigned int flags);
char *vkTestDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkTestDomainSnapshotNum(virDomainPtr dom, unsigned int flags);
int vkTestDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                                  unsigned int flags);
int vkTestDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                                 unsigned int flags);
int vkTestDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkTestDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                          int nameslen, unsigned int flags);
int vkTestDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                        virDomainSnapshotPtr **snaps, unsigned int flags);
virDomainSnapshotPtr vkTestDomainSnapshotLookupByName(virDomainPtr dom, const char *name,
                                                      unsigned int flags);
int vkTestDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags);
virDomainSnapshotPtr vkTestDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags);
virDomainSnapshotPtr vkTestDomainSnapshotGetParent(virDomainSnapshotPtr snapshot,
                                                   unsigned int flags);
int vkTestDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkTestDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkTestDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkTestDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags);

/* test-domain-iotune.c */
int vkTestDomainGetBlockIoTune(virDomainPtr dom, const char *path, virTypedParameterPtr params,
                               int *nparams, unsigned int flags);
int vkTestDomainSetBlockIoTune(virDomainPtr dom, const char *path, virTypedParameterPtr params,
                               int nparams, unsigned int flags);

/* test-save.c (the image calls) */
char *vkTestDomainSaveImageGetXMLDesc(virConnectPtr conn, const char *file, unsigned int flags);
int vkTestDomainSaveImageDefineXML(virConnectPtr conn, const char *file, const char *dxml,
                                   unsigned int flags);

/* test-domain-guest.c */
int vkTestDomainInjectNMI(virDomainPtr dom, unsigned int flags);
int vkTestDomainSetUserPassword(virDomainPtr dom, const char *user, const char *password,
                                unsigned int flags);
int vkTestDomainSendProcessSignal(virDomainPtr dom, long long pid_value, unsigned int signum,
                                  unsigned int flags);
int vkTestDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags);
int vkTestDomainGetLaunchSecurityInfo(virDomainPtr dom, virTypedParameterPtr *params,
                                      int *nparams, unsigned int flags);
int vkTestDomainFSFreeze(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                         unsigned int flags);
int vkTestDomainSetLifecycleAction(virDomainPtr dom, unsigned int type, unsigned int action,
                                   unsigned int flags);
int vkTestDomainFSTrim(virDomainPtr dom, const char *mountPoint, unsigned long long minimum,
                       unsigned int flags);
int vkTestDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                       unsigned int flags);
int vkTestDomainMemoryPeek(virDomainPtr dom, unsigned long long start, size_t size,
                           void *buffer, unsigned int flags);
int vkTestDomainPinVcpuFlags(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap,
                             int maplen, unsigned int flags);
int vkTestDomainPinVcpu(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap, int maplen);
int vkTestDomainPinEmulator(virDomainPtr dom, unsigned char *cpumap, int maplen,
                            unsigned int flags);

/* test-domain-screen.c */
char *vkTestDomainScreenshot(virDomainPtr dom, virStreamPtr stream, unsigned int screen,
                             unsigned int flags);

/* test-interface.c */
void vkTestIfacesFree(vkTestState *st);
/* Adds a running interface from a host file's (or the default host's) XML. */
int vkTestIfaceAddHost(vkTestState *st, const char *xml);
int vkTestConnectNumOfInterfaces(virConnectPtr conn);
int vkTestConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectNumOfDefinedInterfaces(virConnectPtr conn);
int vkTestConnectListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces,
                                   unsigned int flags);
virInterfacePtr vkTestInterfaceLookupByName(virConnectPtr conn, const char *name);
virInterfacePtr vkTestInterfaceLookupByMACString(virConnectPtr conn, const char *macstr);
char *vkTestInterfaceGetXMLDesc(virInterfacePtr iface, unsigned int flags);
virInterfacePtr vkTestInterfaceDefineXML(virConnectPtr conn, const char *xml,
                                         unsigned int flags);
int vkTestInterfaceUndefine(virInterfacePtr iface);
int vkTestInterfaceCreate(virInterfacePtr iface, unsigned int flags);
int vkTestInterfaceDestroy(virInterfacePtr iface, unsigned int flags);
int vkTestInterfaceIsActive(virInterfacePtr iface);
int vkTestInterfaceChangeBegin(virConnectPtr conn, unsigned int flags);
int vkTestInterfaceChangeCommit(virConnectPtr conn, unsigned int flags);
int vkTestInterfaceChangeRollback(virConnectPtr conn, unsigned int flags);

/* test-checkpoint.c */
void vkTestCheckpointsFree(vkTestCheckpoints *cps);
size_t vkTestCheckpointCount(vkTestDomain *obj);
virDomainCheckpointPtr vkTestDomainCheckpointCreateXML(virDomainPtr dom, const char *xml,
                                                       unsigned int flags);
int vkTestDomainListAllCheckpoints(virDomainPtr dom, virDomainCheckpointPtr **cps,
                                   unsigned int flags);
int vkTestDomainCheckpointListAllChildren(virDomainCheckpointPtr cp,
                                          virDomainCheckpointPtr **children,
                                          unsigned int flags);
virDomainCheckpointPtr vkTestDomainCheckpointLookupByName(virDomainPtr dom, const char *name,
                                                          unsigned int flags);
virDomainCheckpointPtr vkTestDomainCheckpointGetParent(virDomainCheckpointPtr cp,
                                                       unsigned int flags);
char *vkTestDomainCheckpointGetXMLDesc(virDomainCheckpointPtr cp, unsigned int flags);
int vkTestDomainCheckpointDelete(virDomainCheckpointPtr cp, unsigned int flags);
/* How many snapshots obj has (undefine and the list filters ask). */
int vkTestDomainSnapshotCount(const vkTestDomain *obj);

/* test-host.c */
int vkTestHostInitDefault(vkTestState *st);
/* Loads the host file at path; one with <auth> asks auth for a user and
 * password it lists, as libvirt's test driver does. */
int vkTestHostLoadFile(vkTestState *st, const char *path, virConnectAuthPtr auth);
int vkTestConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
const char *vkTestConnectGetType(virConnectPtr conn);
char *vkTestConnectGetHostname(virConnectPtr conn);
char *vkTestConnectGetCapabilities(virConnectPtr conn);
int vkTestConnectGetMaxVcpus(virConnectPtr conn, const char *type);
char *vkTestConnectGetSysinfo(virConnectPtr conn, unsigned int flags);
int vkTestConnectIsAlive(virConnectPtr conn);
int vkTestConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);
int vkTestConnectIsSecure(virConnectPtr conn);
int vkTestConnectIsEncrypted(virConnectPtr conn);
int vkTestNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);
unsigned long long vkTestNodeGetFreeMemory(virConnectPtr conn);
int vkTestNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                                 int startCell, int maxCells);
int vkTestNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);
char *vkTestConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                         const char *arch, const char *machine,
                                         const char *virttype, unsigned int flags);

/* test-domain-query.c */
int vkTestConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int vkTestConnectNumOfDomains(virConnectPtr conn);
int vkTestConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectNumOfDefinedDomains(virConnectPtr conn);
int vkTestConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                                unsigned int flags);
virDomainPtr vkTestDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr vkTestDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr vkTestDomainLookupByName(virConnectPtr conn, const char *name);
int vkTestDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
int vkTestDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags);
char *vkTestDomainGetXMLDesc(virDomainPtr dom, unsigned int flags);
char *vkTestDomainGetOSType(virDomainPtr dom);
unsigned long vkTestDomainGetMaxMemory(virDomainPtr dom);
int vkTestDomainIsActive(virDomainPtr dom);
int vkTestDomainIsPersistent(virDomainPtr dom);
int vkTestDomainIsUpdated(virDomainPtr dom);
char *vkTestDomainGetHostname(virDomainPtr dom, unsigned int flags);
char *vkTestDomainGetSchedulerType(virDomainPtr dom, int *nparams);
int vkTestDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel);

/* test-domain-tune.c: the kept tuning trees and the memtune, numatune and
 * perf calls.  TuneTop finds (or adds) a top-level element of def,
 * TuneChild a child of e by name and, if attr is given, attr='value';
 * DropTop removes top when it has no children left. */
vkXmlElem *vkTestTuneTop(vkDomainDef *def, const char *name, bool create);
vkXmlElem *vkTestTuneChild(vkXmlElem *e, const char *name, const char *attr,
                           const char *value, bool create);
void vkTestTuneDropTop(vkDomainDef *def, vkXmlElem *top);
/* libvirt's virTypedParamsValidate over names[] (NULL-ended) / types[]. */
int vkTestValidateParams(virTypedParameterPtr params, int nparams,
                         const char *const *names, const int *types);
/* Clears *p and gives it a field name and type. */
void vkTestParamSet(virTypedParameterPtr p, const char *field, int type);
int vkTestDomainGetMemoryParameters(virDomainPtr dom, virTypedParameterPtr params,
                                    int *nparams, unsigned int flags);
int vkTestDomainSetMemoryParameters(virDomainPtr dom, virTypedParameterPtr params,
                                    int nparams, unsigned int flags);
int vkTestDomainGetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                                  int *nparams, unsigned int flags);
int vkTestDomainSetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                                  int nparams, unsigned int flags);
int vkTestDomainGetPerfEvents(virDomainPtr dom, virTypedParameterPtr *params,
                              int *nparams, unsigned int flags);
int vkTestDomainSetPerfEvents(virDomainPtr dom, virTypedParameterPtr params,
                              int nparams, unsigned int flags);

/* test-domain-blkio.c */
int vkTestDomainGetBlkioParameters(virDomainPtr dom, virTypedParameterPtr params,
                                   int *nparams, unsigned int flags);
int vkTestDomainSetBlkioParameters(virDomainPtr dom, virTypedParameterPtr params,
                                   int nparams, unsigned int flags);

/* test-domain-iftune.c */
int vkTestDomainGetInterfaceParameters(virDomainPtr dom, const char *device,
                                       virTypedParameterPtr params, int *nparams,
                                       unsigned int flags);
int vkTestDomainSetInterfaceParameters(virDomainPtr dom, const char *device,
                                       virTypedParameterPtr params, int nparams,
                                       unsigned int flags);

/* test-domain-iothread.c */
int vkTestDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                                unsigned int flags);
int vkTestDomainAddIOThread(virDomainPtr dom, unsigned int id, unsigned int flags);
int vkTestDomainDelIOThread(virDomainPtr dom, unsigned int id, unsigned int flags);
int vkTestDomainPinIOThread(virDomainPtr dom, unsigned int id, unsigned char *cpumap,
                            int maplen, unsigned int flags);
int vkTestDomainSetIOThreadParams(virDomainPtr dom, unsigned int id,
                                  virTypedParameterPtr params, int nparams,
                                  unsigned int flags);

/* test-domain-dump.c: core dumps, the balloon period, domain stats */
int vkTestDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags);
int vkTestDomainCoreDumpWithFormat(virDomainPtr dom, const char *to,
                                   unsigned int dumpformat, unsigned int flags);
int vkTestDomainSetMemoryStatsPeriod(virDomainPtr dom, int period, unsigned int flags);
int vkTestConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                   virDomainStatsRecordPtr **retStats, unsigned int flags);

/* test-domain-stats.c */
/* Host CPUs of the test node. */
int vkTestHostCPUs(vkTestState *st);
/* test-domain-devstats.c */
int vkTestDomainGetBlockInfo(virDomainPtr dom, const char *path, virDomainBlockInfoPtr info,
                             unsigned int flags);
int vkTestDomainBlockStats(virDomainPtr dom, const char *path, virDomainBlockStatsPtr stats,
                           size_t size);
int vkTestDomainInterfaceStats(virDomainPtr dom, const char *device,
                               virDomainInterfaceStatsPtr stats, size_t size);
int vkTestDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info,
                               unsigned int flags);
int vkTestDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                        unsigned int flags);
int vkTestDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                        unsigned int flags);
int vkTestDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags);

int vkTestDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                         unsigned char *cpumaps, int maplen);
int vkTestDomainGetVcpuPinInfo(virDomainPtr dom, int ncpumaps, unsigned char *cpumaps,
                               int maplen, unsigned int flags);
int vkTestDomainGetEmulatorPinInfo(virDomainPtr dom, unsigned char *cpumaps,
                                   int maplen, unsigned int flags);
int vkTestDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                            unsigned int nr_stats, unsigned int flags);
int vkTestDomainGetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                       int *nparams);
int vkTestDomainGetSchedulerParametersFlags(virDomainPtr dom, virTypedParameterPtr params,
                                            int *nparams, unsigned int flags);
int vkTestDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                              unsigned int maxerrors, unsigned int flags);
int vkTestDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                            unsigned int nparams, int start_cpu, unsigned int ncpus,
                            unsigned int flags);
int vkTestNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap,
                        unsigned int *online, unsigned int flags);
int vkTestNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                          int *nparams, unsigned int flags);
/* Not in the driver table: through libvirtd the real test driver
 * fails this call, so virtkitd must not answer it either. */
int vkTestNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                           int startCell, unsigned int cellCount,
                           unsigned long long *counts, unsigned int flags);
int vkTestDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime,
                        unsigned int *keycodes, int nkeycodes, unsigned int flags);

/* test-domain-lifecycle.c */
virDomainPtr vkTestDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virDomainPtr vkTestDomainDefineXML(virConnectPtr conn, const char *xml);
int vkTestDomainUndefineFlags(virDomainPtr dom, unsigned int flags);
int vkTestDomainUndefine(virDomainPtr dom);
virDomainPtr vkTestDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkTestDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
virDomainPtr vkTestDomainCreateXMLWithFiles(virConnectPtr conn, const char *xml,
                                           unsigned int nfiles, int *files, unsigned int flags);
int vkTestDomainCreateWithFiles(virDomainPtr dom, unsigned int nfiles, int *files,
                                unsigned int flags);
int vkTestDomainCreate(virDomainPtr dom);
int vkTestDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vkTestDomainDestroy(virDomainPtr dom);
int vkTestDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vkTestDomainShutdown(virDomainPtr dom);
int vkTestDomainReboot(virDomainPtr dom, unsigned int flags);
int vkTestDomainReset(virDomainPtr dom, unsigned int flags);
int vkTestDomainSuspend(virDomainPtr dom);
int vkTestDomainResume(virDomainPtr dom);

/* test-domain-config.c */
int vkTestDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags);
int vkTestDomainSetMemory(virDomainPtr dom, unsigned long memory);
int vkTestDomainSetMaxMemory(virDomainPtr dom, unsigned long memory);
int vkTestDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags);
int vkTestDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus);
int vkTestDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags);
int vkTestDomainGetMaxVcpus(virDomainPtr dom);
int vkTestDomainGetAutostart(virDomainPtr dom, int *autostart);
int vkTestDomainSetAutostart(virDomainPtr dom, int autostart);
int vkTestDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags);
char *vkTestDomainGetMetadata(virDomainPtr dom, int type, const char *uri, unsigned int flags);
int vkTestDomainSetMetadata(virDomainPtr dom, int type, const char *metadata,
                            const char *key, const char *uri, unsigned int flags);

/* test-save.c */
int vkTestDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml,
                          unsigned int flags);
int vkTestDomainSave(virDomainPtr dom, const char *to);
int vkTestDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                             unsigned int flags);
int vkTestDomainRestore(virConnectPtr conn, const char *from);
int vkTestDomainManagedSave(virDomainPtr dom, unsigned int flags);
int vkTestDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);
int vkTestDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags);
/* Starting a domain that has a managed save image (called locked). */
int vkTestDomainStartManagedSave(vkTestState *st, vkTestDomain *obj, bool paused);

/* test-network.c, test-storage.c, test-nodedev.c.  *Init create the
 * object arrays (empty) and, with defaults, libvirt's default objects:
 * network 'default', pool 'default-pool', devices 'computer' and its
 * SCSI hosts.  The arrays free their objects. */
int vkTestNetworkInit(vkTestState *st, bool defaults);
int vkTestStorageInit(vkTestState *st, bool defaults);
int vkTestNodeDevInit(vkTestState *st, bool defaults);
/* A host file's objects (test-host.c), as libvirt's test driver has
 * them: networks and pools active and persistent, the pool's volumes
 * charged to it.  -1 with the parser's error. */
int vkTestNetworkAddHost(vkTestState *st, const char *xml);
int vkTestStorageAddHost(vkTestState *st, const char *xml, GPtrArray *volumeXMLs);
int vkTestNodeDevAddHost(vkTestState *st, const char *xml);

/* A storage pool: its definition (sizes kept up to date by the volume
 * calls), its state and its volumes. */
typedef struct {
    vkStoragePoolDef *def;
    bool active;
    bool persistent;
    bool autostart;
    GPtrArray *vols;              /* vkStorageVolDef * (owned) */
} vkTestPool;

/* Adds def to pool (path and key under its target, allocation charged);
 * NULL with the error when the name is taken or space lacks. */
vkStorageVolDef *vkTestPoolAddVolume(vkTestPool *pool, vkStorageVolDef *def);

/* test-network.c */
int vkTestConnectNumOfNetworks(virConnectPtr conn);
int vkTestConnectListNetworks(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectNumOfDefinedNetworks(virConnectPtr conn);
int vkTestConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags);
virNetworkPtr vkTestNetworkLookupByName(virConnectPtr conn, const char *name);
virNetworkPtr vkTestNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virNetworkPtr vkTestNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virNetworkPtr vkTestNetworkDefineXML(virConnectPtr conn, const char *xml);
virNetworkPtr vkTestNetworkCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virNetworkPtr vkTestNetworkCreateXML(virConnectPtr conn, const char *xml);
int vkTestNetworkUndefine(virNetworkPtr net);
int vkTestNetworkCreate(virNetworkPtr net);
int vkTestNetworkDestroy(virNetworkPtr net);
char *vkTestNetworkGetXMLDesc(virNetworkPtr net, unsigned int flags);
int vkTestNetworkUpdate(virNetworkPtr net, unsigned int command, unsigned int section,
                        int parentIndex, const char *xml, unsigned int flags);
char *vkTestNetworkGetBridgeName(virNetworkPtr net);
int vkTestNetworkGetAutostart(virNetworkPtr net, int *autostart);
int vkTestNetworkSetAutostart(virNetworkPtr net, int autostart);
int vkTestNetworkIsActive(virNetworkPtr net);
int vkTestNetworkIsPersistent(virNetworkPtr net);
int vkTestConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID, virConnectNetworkEventGenericCallback cb, void *opaque, virFreeCallback freecb);
int vkTestConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID);
int vkTestNetworkDHCPStart(vkTestState *st, const char *name, char **start, unsigned int *prefix);
/* test-ifaddr.c */
int vkTestDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                   unsigned int source, unsigned int flags);

/* test-storage.c */
int vkTestConnectNumOfStoragePools(virConnectPtr conn);
int vkTestConnectListStoragePools(virConnectPtr conn, char **const names, int maxnames);
int vkTestConnectNumOfDefinedStoragePools(virConnectPtr conn);
int vkTestConnectListDefinedStoragePools(virConnectPtr conn, char **const names, int maxnames);
char *vkTestConnectFindStoragePoolSources(virConnectPtr conn, const char *type,
                                          const char *srcSpec, unsigned int flags);
int vkTestConnectListAllStoragePools(virConnectPtr conn, virStoragePoolPtr **pools, unsigned int flags);
virStoragePoolPtr vkTestStoragePoolLookupByName(virConnectPtr conn, const char *name);
virStoragePoolPtr vkTestStoragePoolLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virStoragePoolPtr vkTestStoragePoolLookupByVolume(virStorageVolPtr vol);
virStoragePoolPtr vkTestStoragePoolDefineXML(virConnectPtr conn, const char *xml, unsigned int flags);
virStoragePoolPtr vkTestStoragePoolCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkTestStoragePoolCreate(virStoragePoolPtr pool, unsigned int flags);
int vkTestStoragePoolBuild(virStoragePoolPtr pool, unsigned int flags);
int vkTestStoragePoolUndefine(virStoragePoolPtr pool);
int vkTestStoragePoolDestroy(virStoragePoolPtr pool);
int vkTestStoragePoolDelete(virStoragePoolPtr pool, unsigned int flags);
int vkTestStoragePoolRefresh(virStoragePoolPtr pool, unsigned int flags);
int vkTestStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info);
char *vkTestStoragePoolGetXMLDesc(virStoragePoolPtr pool, unsigned int flags);
int vkTestStoragePoolGetAutostart(virStoragePoolPtr pool, int *autostart);
int vkTestStoragePoolSetAutostart(virStoragePoolPtr pool, int autostart);
int vkTestStoragePoolIsActive(virStoragePoolPtr pool);
int vkTestStoragePoolIsPersistent(virStoragePoolPtr pool);
int vkTestConnectStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool, int eventID, virConnectStoragePoolEventGenericCallback cb, void *opaque, virFreeCallback freecb);
int vkTestConnectStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID);
/* For test-storage-vol.c: the locked lookups of test-storage.c (GetActive
 * returns NULL unlocked with an error; RequireActive unlocks on false). */
vkTestPool *vkTestStoragePoolGetActive(virStoragePoolPtr pool, vkTestState **stp);
vkTestPool *vkTestStoragePoolFind(vkTestState *st, const char *name);
bool vkTestStoragePoolRequireActive(vkTestState *st, vkTestPool *obj);

/* test-storage-vol.c */
int vkTestStoragePoolNumOfVolumes(virStoragePoolPtr pool);
int vkTestStoragePoolListVolumes(virStoragePoolPtr pool, char **const names, int maxnames);
int vkTestStoragePoolListAllVolumes(virStoragePoolPtr pool, virStorageVolPtr **vols, unsigned int flags);
virStorageVolPtr vkTestStorageVolCreateXML(virStoragePoolPtr pool, const char *xml, unsigned int flags);
virStorageVolPtr vkTestStorageVolCreateXMLFrom(virStoragePoolPtr pool, const char *xml, virStorageVolPtr clonevol, unsigned int flags);
int vkTestStorageVolDelete(virStorageVolPtr vol, unsigned int flags);
virStorageVolPtr vkTestStorageVolLookupByName(virStoragePoolPtr pool, const char *name);
virStorageVolPtr vkTestStorageVolLookupByKey(virConnectPtr conn, const char *key);
virStorageVolPtr vkTestStorageVolLookupByPath(virConnectPtr conn, const char *path);
int vkTestStorageVolGetInfo(virStorageVolPtr vol, virStorageVolInfoPtr info);
char *vkTestStorageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags);
char *vkTestStorageVolGetPath(virStorageVolPtr vol);

/* test-nodedev.c */
int vkTestNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags);
int vkTestNodeListDevices(virConnectPtr conn, const char *cap, char **const names, int maxnames, unsigned int flags);
int vkTestConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices, unsigned int flags);
virNodeDevicePtr vkTestNodeDeviceLookupByName(virConnectPtr conn, const char *name);
char *vkTestNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags);
int vkTestNodeDeviceNumOfCaps(virNodeDevicePtr dev);
int vkTestNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames);
virNodeDevicePtr vkTestNodeDeviceCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkTestNodeDeviceDestroy(virNodeDevicePtr dev);
int vkTestConnectNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev, int eventID, virConnectNodeDeviceEventGenericCallback cb, void *opaque, virFreeCallback freecb);
int vkTestConnectNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID);

#endif
