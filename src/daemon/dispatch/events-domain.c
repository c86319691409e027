/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain events on the wire: one handler per domain event ID, registered on
 * the client's connection by events.c, that encodes libvirt's message for
 * the event and hands it to vkDispatchEventForward.
 *
 * Every handler builds the "callback" message (with the client's
 * callbackID).  For the IDs that had a message of their own before callback
 * IDs existed (up to DEVICE_REMOVED), the old body is the new message's
 * member msg, so the table also names the old procedure and where its body
 * sits: a client registered the old way gets that body alone.
 */
#include <stddef.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/events-priv.h"

/* A handler's record and message, with the domain set: at msg.msg.dom in the
 * messages that nest an old body (member "msg."), else at msg.dom. */
#define MSG_BEGIN(type, member) \
    vkEventReg *reg = opaque; \
    remote_domain_event_callback_##type##_msg msg = { .callbackID = reg->callbackID }; \
    (void)conn; \
    vkRemoteArgDomain(&msg.member dom, dom)

static int
onLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    MSG_BEGIN(lifecycle, msg.);
    msg.msg.event = event;
    msg.msg.detail = detail;
    vkDispatchEventForward(reg, &msg);
    return 0;
}

static void
onReboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    MSG_BEGIN(reboot, msg.);
    vkDispatchEventForward(reg, &msg);
}

static void
onRTCChange(virConnectPtr conn, virDomainPtr dom, long long offset, void *opaque)
{
    MSG_BEGIN(rtc_change, msg.);
    msg.msg.offset = offset;
    vkDispatchEventForward(reg, &msg);
}

static void
onWatchdog(virConnectPtr conn, virDomainPtr dom, int action, void *opaque)
{
    MSG_BEGIN(watchdog, msg.);
    msg.msg.action = action;
    vkDispatchEventForward(reg, &msg);
}

static void
onIOError(virConnectPtr conn, virDomainPtr dom, const char *srcPath, const char *devAlias,
          int action, void *opaque)
{
    MSG_BEGIN(io_error, msg.);
    msg.msg.srcPath = (char *)(srcPath ? srcPath : "");
    msg.msg.devAlias = (char *)(devAlias ? devAlias : "");
    msg.msg.action = action;
    vkDispatchEventForward(reg, &msg);
}

static void
onIOErrorReason(virConnectPtr conn, virDomainPtr dom, const char *srcPath,
                const char *devAlias, int action, const char *reason, void *opaque)
{
    MSG_BEGIN(io_error_reason, msg.);
    msg.msg.srcPath = (char *)(srcPath ? srcPath : "");
    msg.msg.devAlias = (char *)(devAlias ? devAlias : "");
    msg.msg.action = action;
    msg.msg.reason = (char *)(reason ? reason : "");
    vkDispatchEventForward(reg, &msg);
}

static void
graphicsAddress(remote_domain_event_graphics_address *dst,
                const virDomainEventGraphicsAddress *src)
{
    dst->family = src ? src->family : 0;
    dst->node = (char *)(src && src->node ? src->node : "");
    dst->service = (char *)(src && src->service ? src->service : "");
}

static void
onGraphics(virConnectPtr conn, virDomainPtr dom, int phase,
           const virDomainEventGraphicsAddress *local,
           const virDomainEventGraphicsAddress *remote, const char *authScheme,
           const virDomainEventGraphicsSubject *subject, void *opaque)
{
    g_autofree remote_domain_event_graphics_identity *ids = NULL;
    int n = subject ? subject->nidentity : 0;

    MSG_BEGIN(graphics, msg.);
    if (n > REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX)
        n = REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX;
    msg.msg.phase = phase;
    graphicsAddress(&msg.msg.local, local);
    graphicsAddress(&msg.msg.remote, remote);
    msg.msg.authScheme = (char *)(authScheme ? authScheme : "");
    ids = g_new0(remote_domain_event_graphics_identity, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        ids[i].type = subject->identities[i].type ? subject->identities[i].type : (char *)"";
        ids[i].name = subject->identities[i].name ? subject->identities[i].name : (char *)"";
    }
    msg.msg.subject.subject_len = n;
    msg.msg.subject.subject_val = ids;
    vkDispatchEventForward(reg, &msg);
}

static void
onControlError(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    MSG_BEGIN(control_error, msg.);
    vkDispatchEventForward(reg, &msg);
}

static void
onBlockJob(virConnectPtr conn, virDomainPtr dom, const char *path, int type, int status,
           void *opaque)
{
    MSG_BEGIN(block_job, msg.);
    msg.msg.path = (char *)path;
    msg.msg.type = type;
    msg.msg.status = status;
    vkDispatchEventForward(reg, &msg);
}

static void
onDiskChange(virConnectPtr conn, virDomainPtr dom, const char *oldSrcPath,
             const char *newSrcPath, const char *devAlias, int reason, void *opaque)
{
    char *oldp = (char *)oldSrcPath;
    char *newp = (char *)newSrcPath;

    MSG_BEGIN(disk_change, msg.);
    msg.msg.oldSrcPath = oldSrcPath ? &oldp : NULL;
    msg.msg.newSrcPath = newSrcPath ? &newp : NULL;
    msg.msg.devAlias = (char *)(devAlias ? devAlias : "");
    msg.msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onTrayChange(virConnectPtr conn, virDomainPtr dom, const char *devAlias, int reason,
             void *opaque)
{
    MSG_BEGIN(tray_change, msg.);
    msg.msg.devAlias = (char *)devAlias;
    msg.msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onPMWakeup(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    MSG_BEGIN(pmwakeup, msg.);
    msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onPMSuspend(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    MSG_BEGIN(pmsuspend, msg.);
    msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onPMSuspendDisk(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    MSG_BEGIN(pmsuspend_disk, msg.);
    msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onBalloonChange(virConnectPtr conn, virDomainPtr dom, unsigned long long actual,
                void *opaque)
{
    MSG_BEGIN(balloon_change, msg.);
    msg.msg.actual = actual;
    vkDispatchEventForward(reg, &msg);
}

static void
onDeviceRemoved(virConnectPtr conn, virDomainPtr dom, const char *devAlias, void *opaque)
{
    MSG_BEGIN(device_removed, msg.);
    msg.msg.devAlias = (char *)devAlias;
    vkDispatchEventForward(reg, &msg);
}

static void
onBlockJob2(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, const char *dst, int type,
            int status, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_block_job_2_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgDomain(&msg.dom, dom);
    msg.dst = (char *)dst;
    msg.type = type;
    msg.status = status;
    vkDispatchEventForward(reg, &msg);
}

/* TUNABLE and JOB_COMPLETED share a layout; an array over the wire's limit
 * is dropped whole (vkRemoteSerializeTypedParams refuses it), as a message
 * the client could not decode would be of no use. */
static void
onParams(virDomainPtr dom, virTypedParameterPtr params, int nparams, unsigned int max,
         void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_tunable_msg msg = { .callbackID = reg->callbackID };

    G_STATIC_ASSERT(sizeof(remote_domain_event_callback_tunable_msg) ==
                    sizeof(remote_domain_event_callback_job_completed_msg));
    vkRemoteArgDomain(&msg.dom, dom);
    if (vkRemoteSerializeTypedParams(params, nparams, max, &msg.params.params_val,
                                     &msg.params.params_len) < 0) {
        vkErrorReset();
        return;
    }
    vkDispatchEventForward(reg, &msg);
    vkRemoteTypedParamsFree(msg.params.params_val, msg.params.params_len);
}

static void
onTunable(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, virTypedParameterPtr params,
          int nparams, void *opaque)
{
    onParams(dom, params, nparams, REMOTE_DOMAIN_EVENT_TUNABLE_MAX, opaque);
}

static void
onJobCompleted(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom,
               virTypedParameterPtr params, int nparams, void *opaque)
{
    onParams(dom, params, nparams, REMOTE_DOMAIN_JOB_STATS_MAX, opaque);
}

static void
onAgentLifecycle(virConnectPtr conn, virDomainPtr dom, int state, int reason, void *opaque)
{
    MSG_BEGIN(agent_lifecycle, );
    msg.state = state;
    msg.reason = reason;
    vkDispatchEventForward(reg, &msg);
}

static void
onDeviceAdded(virConnectPtr conn, virDomainPtr dom, const char *devAlias, void *opaque)
{
    MSG_BEGIN(device_added, );
    msg.devAlias = (char *)devAlias;
    vkDispatchEventForward(reg, &msg);
}

static void
onMigrationIteration(virConnectPtr conn, virDomainPtr dom, int iteration, void *opaque)
{
    MSG_BEGIN(migration_iteration, );
    msg.iteration = iteration;
    vkDispatchEventForward(reg, &msg);
}

static void
onDeviceRemovalFailed(virConnectPtr conn, virDomainPtr dom, const char *devAlias,
                      void *opaque)
{
    MSG_BEGIN(device_removal_failed, );
    msg.devAlias = (char *)devAlias;
    vkDispatchEventForward(reg, &msg);
}

static void
onMetadataChange(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
                 void *opaque)
{
    char *ns = (char *)nsuri;

    MSG_BEGIN(metadata_change, );
    msg.type = type;
    msg.nsuri = nsuri ? &ns : NULL;
    vkDispatchEventForward(reg, &msg);
}

/* The last three messages carry no "callback" in their names. */
static void
onBlockThreshold(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, const char *dev,
                 const char *path, unsigned long long threshold, unsigned long long excess,
                 void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_block_threshold_msg msg = { .callbackID = reg->callbackID };
    char *p = (char *)path;

    vkRemoteArgDomain(&msg.dom, dom);
    msg.dev = (char *)dev;
    msg.path = path ? &p : NULL;
    msg.threshold = threshold;
    msg.excess = excess;
    vkDispatchEventForward(reg, &msg);
}

static void
onMemoryFailure(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, int recipient,
                int action, unsigned int flags, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_memory_failure_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgDomain(&msg.dom, dom);
    msg.recipient = recipient;
    msg.action = action;
    msg.flags = flags;
    vkDispatchEventForward(reg, &msg);
}

static void
onMemoryDeviceSizeChange(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom,
                         const char *alias, unsigned long long size, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_memory_device_size_change_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgDomain(&msg.dom, dom);
    msg.alias = (char *)alias;
    msg.size = size;
    vkDispatchEventForward(reg, &msg);
}

/* The new message, and the old one: the new one's member msg */
#define FORWARD_OLD(handler, NAME, name) \
    { (vkEventHandler)(handler), REMOTE_PROC_DOMAIN_EVENT_CALLBACK_##NAME, \
      (xdrproc_t)(void (*)(void))(xdr_remote_domain_event_callback_##name##_msg), \
      REMOTE_PROC_DOMAIN_EVENT_##NAME, \
      (xdrproc_t)(void (*)(void))(xdr_remote_domain_event_##name##_msg), \
      offsetof(remote_domain_event_callback_##name##_msg, msg) }
#define FORWARD_CB(handler, NAME, name) \
    FORWARD(handler, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_##NAME, \
            xdr_remote_domain_event_callback_##name##_msg)
#define FORWARD_NEW(handler, NAME, name) \
    FORWARD(handler, REMOTE_PROC_DOMAIN_EVENT_##NAME, xdr_remote_domain_event_##name##_msg)

const vkEventForward vkDispatchDomainEvents[VIR_DOMAIN_EVENT_ID_LAST] = {
    [VIR_DOMAIN_EVENT_ID_LIFECYCLE] = FORWARD_OLD(onLifecycle, LIFECYCLE, lifecycle),
    [VIR_DOMAIN_EVENT_ID_REBOOT] = FORWARD_OLD(onReboot, REBOOT, reboot),
    [VIR_DOMAIN_EVENT_ID_RTC_CHANGE] = FORWARD_OLD(onRTCChange, RTC_CHANGE, rtc_change),
    [VIR_DOMAIN_EVENT_ID_WATCHDOG] = FORWARD_OLD(onWatchdog, WATCHDOG, watchdog),
    [VIR_DOMAIN_EVENT_ID_IO_ERROR] = FORWARD_OLD(onIOError, IO_ERROR, io_error),
    [VIR_DOMAIN_EVENT_ID_GRAPHICS] = FORWARD_OLD(onGraphics, GRAPHICS, graphics),
    [VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON] = FORWARD_OLD(onIOErrorReason,
        IO_ERROR_REASON, io_error_reason),
    [VIR_DOMAIN_EVENT_ID_CONTROL_ERROR] = FORWARD_OLD(onControlError,
        CONTROL_ERROR, control_error),
    [VIR_DOMAIN_EVENT_ID_BLOCK_JOB] = FORWARD_OLD(onBlockJob, BLOCK_JOB, block_job),
    [VIR_DOMAIN_EVENT_ID_DISK_CHANGE] = FORWARD_OLD(onDiskChange, DISK_CHANGE, disk_change),
    [VIR_DOMAIN_EVENT_ID_TRAY_CHANGE] = FORWARD_OLD(onTrayChange, TRAY_CHANGE, tray_change),
    [VIR_DOMAIN_EVENT_ID_PMWAKEUP] = FORWARD_OLD(onPMWakeup, PMWAKEUP, pmwakeup),
    [VIR_DOMAIN_EVENT_ID_PMSUSPEND] = FORWARD_OLD(onPMSuspend, PMSUSPEND, pmsuspend),
    [VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE] = FORWARD_OLD(onBalloonChange,
        BALLOON_CHANGE, balloon_change),
    [VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK] = FORWARD_OLD(onPMSuspendDisk,
        PMSUSPEND_DISK, pmsuspend_disk),
    [VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED] = FORWARD_OLD(onDeviceRemoved,
        DEVICE_REMOVED, device_removed),
    [VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2] = FORWARD_NEW(onBlockJob2, BLOCK_JOB_2, block_job_2),
    [VIR_DOMAIN_EVENT_ID_TUNABLE] = FORWARD_CB(onTunable, TUNABLE, tunable),
    [VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE] = FORWARD_CB(onAgentLifecycle,
        AGENT_LIFECYCLE, agent_lifecycle),
    [VIR_DOMAIN_EVENT_ID_DEVICE_ADDED] = FORWARD_CB(onDeviceAdded, DEVICE_ADDED, device_added),
    [VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION] = FORWARD_CB(onMigrationIteration,
        MIGRATION_ITERATION, migration_iteration),
    [VIR_DOMAIN_EVENT_ID_JOB_COMPLETED] = FORWARD_CB(onJobCompleted,
        JOB_COMPLETED, job_completed),
    [VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED] = FORWARD_CB(onDeviceRemovalFailed,
        DEVICE_REMOVAL_FAILED, device_removal_failed),
    [VIR_DOMAIN_EVENT_ID_METADATA_CHANGE] = FORWARD_CB(onMetadataChange,
        METADATA_CHANGE, metadata_change),
    [VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD] = FORWARD_NEW(onBlockThreshold,
        BLOCK_THRESHOLD, block_threshold),
    [VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE] = FORWARD_NEW(onMemoryFailure,
        MEMORY_FAILURE, memory_failure),
    [VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE] = FORWARD_NEW(onMemoryDeviceSizeChange,
        MEMORY_DEVICE_SIZE_CHANGE, memory_device_size_change),
};
