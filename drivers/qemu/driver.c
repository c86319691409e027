/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver: its table, its class on the stateful-driver frame
 * (src/core/state-root.h), and the domain objects every other file
 * works on.
 *
 * The idea: one vkQemuState per root directory, found through the
 * frame's registry, owns the domains, a private GLib main context run
 * by its own thread (QMP sockets and pidfds are watched there, so guests
 * are followed even when the application runs no event loop), and the
 * event fan-out to applications.  Domain objects are reference counted
 * because a call that waits on QEMU keeps using one after dropping the
 * state lock, while an exit notification may remove it meanwhile.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/qemu-snapshot.h"
#include "drivers/qemu/qemu-checkpoint.h"
#include "drivers/qemu/qemu-driver.h"
#include "drivers/qemu/qemu-console.h"
#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/qemu-blockjob.h"

VK_DOMAIN_OBJ_DEFINE_REFS(vkQemuDomain, vkQemuDomain)

int
vkQemuBeginJob(vkQemuState *st, vkQemuDomain *obj)
{
    gint64 deadline = g_get_monotonic_time() + VK_QEMU_JOB_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    /* Bounded, so a call stuck on a hung QEMU never parks every later
     * call (and the daemon's shutdown) behind it. */
    while (obj->job) {
        if (!g_cond_wait_until(&st->jobCond, &st->lock, deadline) && obj->job) {
            vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                          "cannot acquire state change lock of domain '%s' "
                          "(another call has held it for %d s)",
                          obj->name, VK_QEMU_JOB_WAIT_MS / 1000);
            return -1;
        }
    }
    obj->job = true;
    return 0;
}

void
vkQemuEndJob(vkQemuState *st, vkQemuDomain *obj)
{
    obj->job = false;
    g_cond_broadcast(&st->jobCond);
}

/* A domain whose QEMU is being started takes no new live definition. */
static bool
domainBusy(const void *obj)
{
    return ((const vkQemuDomain *)obj)->job;
}

static const vkDomainObjOps domainOps =
    VK_DOMAIN_OBJ_OPS(vkQemuDomain, vkQemuDomainNew, vkQemuDomainUnref, domainBusy);

static int
stateInit(vkStateBase *base)
{
    vkQemuState *st = (vkQemuState *)base;

    g_cond_init(&st->jobCond);
    vkStateDomainsInit(base, &st->domains, &domainOps, &vkQemuStateDomainOps);
    return 0;
}

static void
stateStart(vkStateBase *base)
{
    vkQemuState *st = (vkQemuState *)base;

    /* Guests a previous owner of this root left running come first, so
     * autostart does not start a second copy of one. */
    vkQemuReattachAll(st);
    if (st->privileged)
        vkQemuAutostartAll(st);
}

static void
stateStop(vkStateBase *base)
{
    vkQemuDetachAll((vkQemuState *)base);
}

static void
stateFinalize(vkStateBase *base)
{
    vkQemuState *st = (vkQemuState *)base;

    vkDomainListClear(&st->domains);
    vkQemuCapsFree(st->caps);
    g_cond_clear(&st->jobCond);
}

/* ROOT/{etc,run,log,save} for qemu:///embed?root=ROOT and the daemon's
 * --qemu-root, else the system directories. */
static const vkStateClass qemuStateClass = {
    .scheme = "qemu",
    .label = "QEMU",
    .errdom = VIR_FROM_QEMU,
    .rootEnv = "VIRTKIT_QEMU_ROOT",
    .systemDirs = { "/etc/virtkit/qemu", "/run/virtkit/qemu", "/var/log/virtkit/qemu",
                    "/var/lib/virtkit/qemu/save" },
    .mkdirsAtStart = true,
    .threadName = "vk-qemu-events",
    .size = sizeof(vkQemuState),
    .init = stateInit,
    .start = stateStart,
    .stop = stateStop,
    .finalize = stateFinalize,
};

static vkStateRegistry registry = VK_STATE_REGISTRY_INIT(&qemuStateClass);

static const vkStateDriver qemuStateDriver = {
    .name = "QEMU",
    .option = "qemu-root",
    .optionArg = "DIR",
    .optionHelp = "keep qemu:///system's files under DIR (default: VIRTKIT_QEMU_ROOT, "
                  "else /etc/virtkit/qemu, /run/virtkit/qemu, ...)",
    .init = vkStateRegistryStateInit,
    .cleanup = vkStateRegistryStateCleanup,
    .opaque = &registry,
};

static vkDrvOpenStatus
qemuConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    return vkStateRegistryOpen(&registry, conn, flags);
}

static int
qemuConnectClose(virConnectPtr conn)
{
    vkQemuMigrateConnClosed(conn);
    return vkStateRegistryClose(&registry, conn);
}

static virHypervisorDriver qemuHypervisorDriver = {
    .name = "QEMU",
    .connectOpen = qemuConnectOpen,
    .connectClose = qemuConnectClose,

    .connectGetType = vkQemuConnectGetType,
    .connectGetVersion = vkQemuConnectGetVersion,
    .connectGetHostname = vkQemuConnectGetHostname,
    .connectGetCapabilities = vkQemuConnectGetCapabilities,
    .connectGetDomainCapabilities = vkQemuConnectGetDomainCapabilities,
    .connectGetCPUModelNames = vkQemuConnectGetCPUModelNames,
    .connectIsAlive = vkStateConnectIsAlive,
    .connectIsSecure = vkStateConnectIsSecure,
    .connectIsEncrypted = vkStateConnectIsEncrypted,
    .nodeGetInfo = vkQemuNodeGetInfo,

    .connectListAllDomains = vkStateConnectListAllDomains,
    .connectListDomains = vkStateConnectListDomains,
    .connectNumOfDomains = vkStateConnectNumOfDomains,
    .connectListDefinedDomains = vkStateConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkStateConnectNumOfDefinedDomains,
    .domainLookupByID = vkStateDomainLookupByID,
    .domainLookupByUUID = vkStateDomainLookupByUUID,
    .domainLookupByName = vkStateDomainLookupByName,
    .domainGetInfo = vkQemuDomainGetInfo,
    .domainInterfaceAddresses = vkQemuDomainInterfaceAddresses,
    .domainGetState = vkStateDomainGetState,
    .domainGetXMLDesc = vkStateDomainGetXMLDesc,
    .domainGetOSType = vkStateDomainGetOSType,
    .domainGetMaxMemory = vkStateDomainGetMaxMemory,
    .domainIsActive = vkStateDomainIsActive,
    .domainIsPersistent = vkStateDomainIsPersistent,
    .domainDefineXML = vkStateDomainDefineXML,
    .domainDefineXMLFlags = vkStateDomainDefineXMLFlags,
    .domainUndefine = vkStateDomainUndefine,
    .domainUndefineFlags = vkStateDomainUndefineFlags,
    .domainSnapshotCreateXML = vkQemuDomainSnapshotCreateXML,
    .domainSnapshotGetXMLDesc = vkQemuDomainSnapshotGetXMLDesc,
    .domainSnapshotNum = vkQemuDomainSnapshotNum,
    .domainSnapshotListNames = vkQemuDomainSnapshotListNames,
    .domainListAllSnapshots = vkQemuDomainListAllSnapshots,
    .domainSnapshotNumChildren = vkQemuDomainSnapshotNumChildren,
    .domainSnapshotListChildrenNames = vkQemuDomainSnapshotListChildrenNames,
    .domainSnapshotListAllChildren = vkQemuDomainSnapshotListAllChildren,
    .domainSnapshotLookupByName = vkQemuDomainSnapshotLookupByName,
    .domainHasCurrentSnapshot = vkQemuDomainHasCurrentSnapshot,
    .domainSnapshotCurrent = vkQemuDomainSnapshotCurrent,
    .domainSnapshotGetParent = vkQemuDomainSnapshotGetParent,
    .domainSnapshotIsCurrent = vkQemuDomainSnapshotIsCurrent,
    .domainSnapshotHasMetadata = vkQemuDomainSnapshotHasMetadata,
    .domainRevertToSnapshot = vkQemuDomainRevertToSnapshot,
    .domainSnapshotDelete = vkQemuDomainSnapshotDelete,
    .domainCheckpointCreateXML = vkQemuDomainCheckpointCreateXML,
    .domainListAllCheckpoints = vkQemuDomainListAllCheckpoints,
    .domainCheckpointListAllChildren = vkQemuDomainCheckpointListAllChildren,
    .domainCheckpointLookupByName = vkQemuDomainCheckpointLookupByName,
    .domainCheckpointGetParent = vkQemuDomainCheckpointGetParent,
    .domainCheckpointGetXMLDesc = vkQemuDomainCheckpointGetXMLDesc,
    .domainCheckpointDelete = vkQemuDomainCheckpointDelete,

    .domainCreateXML = vkQemuDomainCreateXML,
    .domainCreate = vkQemuDomainCreate,
    .domainCreateWithFlags = vkQemuDomainCreateWithFlags,
    .domainDestroy = vkQemuDomainDestroy,
    .domainDestroyFlags = vkQemuDomainDestroyFlags,
    .domainShutdown = vkQemuDomainShutdown,
    .domainShutdownFlags = vkQemuDomainShutdownFlags,
    .domainReboot = vkQemuDomainReboot,
    .domainReset = vkQemuDomainReset,
    .domainSuspend = vkQemuDomainSuspend,
    .domainResume = vkQemuDomainResume,
    .domainSetAutostart = vkStateDomainSetAutostart,
    .domainGetAutostart = vkStateDomainGetAutostart,
    .domainRename = vkQemuDomainRename,
    .domainSetMemory = vkQemuDomainSetMemory,
    .domainSetMemoryFlags = vkQemuDomainSetMemoryFlags,
    .domainSave = vkQemuDomainSave,
    .domainSaveFlags = vkQemuDomainSaveFlags,
    .domainRestore = vkQemuDomainRestore,
    .domainRestoreFlags = vkQemuDomainRestoreFlags,
    .domainManagedSave = vkQemuDomainManagedSave,
    .domainHasManagedSaveImage = vkQemuDomainHasManagedSaveImage,
    .domainManagedSaveRemove = vkQemuDomainManagedSaveRemove,
    .domainAttachDevice = vkQemuDomainAttachDevice,
    .domainAttachDeviceFlags = vkQemuDomainAttachDeviceFlags,
    .domainDetachDevice = vkQemuDomainDetachDevice,
    .domainDetachDeviceFlags = vkQemuDomainDetachDeviceFlags,
    .domainOpenConsole = vkQemuDomainOpenConsole,
    .domainOpenChannel = vkQemuDomainOpenChannel,
    .domainOpenGraphicsFD = vkQemuDomainOpenGraphicsFD,
    .domainScreenshot = vkQemuDomainScreenshot,
    /* day-two queries: qemu-stats*.c, qemu-vcpu.c, qemu-domstats.c, qemu-sendkey.c,
     * qemu-dump.c */
    .domainMemoryStats = vkQemuDomainMemoryStats,
    .domainSetMemoryStatsPeriod = vkQemuDomainSetMemoryStatsPeriod,
    .domainSetMaxMemory = vkQemuDomainSetMaxMemory,
    .domainBlockStats = vkQemuDomainBlockStats,
    .domainBlockStatsFlags = vkQemuDomainBlockStatsFlags,
    .domainInterfaceStats = vkQemuDomainInterfaceStats,
    .domainGetBlockInfo = vkQemuDomainGetBlockInfo,
    .domainGetCPUStats = vkQemuDomainGetCPUStats,
    .domainGetControlInfo = vkQemuDomainGetControlInfo,
    .domainGetJobInfo = vkQemuDomainGetJobInfo,
    .domainGetJobStats = vkQemuDomainGetJobStats,
    .domainAbortJob = vkQemuDomainAbortJob,
    .domainGetVcpus = vkQemuDomainGetVcpus,
    .domainGetVcpusFlags = vkQemuDomainGetVcpusFlags,
    .domainGetMaxVcpus = vkQemuDomainGetMaxVcpus,
    .domainSetVcpus = vkQemuDomainSetVcpus,
    .domainSetVcpusFlags = vkQemuDomainSetVcpusFlags,
    .connectGetAllDomainStats = vkQemuConnectGetAllDomainStats,
    .nodeGetCPUMap = vkQemuNodeGetCPUMap,
    .domainSendKey = vkQemuDomainSendKey,
    .domainCoreDump = vkQemuDomainCoreDump,
    .domainCoreDumpWithFormat = vkQemuDomainCoreDumpWithFormat,
    /* migration: qemu-migrate*.c (the job calls above serve it too) */
    .connectSupportsFeature = vkQemuConnectSupportsFeature,
    .domainMigrateBegin3Params = vkQemuMigrateBegin3Params,
    .domainMigratePrepare3Params = vkQemuMigratePrepare3Params,
    .domainMigratePrepareTunnel3Params = vkQemuMigratePrepareTunnel3Params,
    .domainMigratePerform3Params = vkQemuMigratePerform3Params,
    .domainMigrateFinish3Params = vkQemuMigrateFinish3Params,
    .domainMigrateConfirm3Params = vkQemuMigrateConfirm3Params,
    .domainMigrateSetMaxSpeed = vkQemuDomainMigrateSetMaxSpeed,
    .domainMigrateGetMaxSpeed = vkQemuDomainMigrateGetMaxSpeed,
    .domainMigrateSetMaxDowntime = vkQemuDomainMigrateSetMaxDowntime,
    .domainMigrateStartPostCopy = vkQemuDomainMigrateStartPostCopy,
    .domainMigrateGetMaxDowntime = vkQemuDomainMigrateGetMaxDowntime,

    .domainBlockPull = vkQemuDomainBlockPull,
    .domainBlockRebase = vkQemuDomainBlockRebase,
    .domainBlockCommit = vkQemuDomainBlockCommit,
    .domainBlockCopy = vkQemuDomainBlockCopy,
    .domainBlockJobAbort = vkQemuDomainBlockJobAbort,
    .domainGetBlockJobInfo = vkQemuDomainGetBlockJobInfo,
    .domainBlockJobSetSpeed = vkQemuDomainBlockJobSetSpeed,
    .domainBlockResize = vkQemuDomainBlockResize,
    /* libvirt-qemu: qemu-monitor-cmd.c */
    .domainUpdateDeviceFlags = vkQemuDomainUpdateDeviceFlags,
    .domainQemuMonitorCommand = vkQemuDomainQemuMonitorCommand,
    .domainQemuMonitorCommandWithFiles = vkQemuDomainQemuMonitorCommandWithFiles,
    .connectDomainQemuMonitorEventRegister = vkQemuConnectDomainQemuMonitorEventRegister,
    .connectDomainQemuMonitorEventDeregister = vkQemuConnectDomainQemuMonitorEventDeregister,
    /* the guest agent: qemu-agent-ops.c */
    .domainQemuAgentCommand = vkQemuDomainQemuAgentCommand,
    .domainAgentSetResponseTimeout = vkQemuDomainAgentSetResponseTimeout,
    .domainGetTime = vkQemuDomainGetTime,
    .domainSetTime = vkQemuDomainSetTime,
    .domainGetHostname = vkQemuDomainGetHostname,
    .domainFSFreeze = vkQemuDomainFSFreeze,
    .domainFSThaw = vkQemuDomainFSThaw,
    .domainFSTrim = vkQemuDomainFSTrim,
    .domainGetFSInfo = vkQemuDomainGetFSInfo,
    .domainSetUserPassword = vkQemuDomainSetUserPassword,
    .domainGetGuestInfo = vkQemuDomainGetGuestInfo,
    .domainGetGuestVcpus = vkQemuDomainGetGuestVcpus,
    .domainSetGuestVcpus = vkQemuDomainSetGuestVcpus,

    .connectDomainEventRegister = vkStateDomainEventRegister,
    .connectDomainEventDeregister = vkStateDomainEventDeregister,
    .connectDomainEventRegisterAny = vkStateDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = vkStateDomainEventDeregisterAny,
};

static const char *const qemuUriSchemes[] = { "qemu", NULL };

static const vkConnectDriver qemuConnectDriver = {
    .features = VK_CONNECT_FEATURE_HOST_SERVICES,
    .name = "QEMU",
    .uriSchemes = qemuUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &qemuHypervisorDriver,
};

int
vkQemuDriverRegister(void)
{
    if (vkRegisterStateDriver(&qemuStateDriver) < 0)
        return -1;
    return vkRegisterConnectDriver(&qemuConnectDriver);
}
