/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain event MESSAGEs from the daemon, decoded on the reader thread and
 * queued on the connection's vkEventState with their typed arguments, for
 * the application's event loop to deliver (see remote-events.c).
 *
 * The connection registers with callback IDs only, so only the "callback"
 * messages (and the later ones, which have no other kind) arrive; the
 * callbackID they carry is not needed, since the daemon holds a single
 * registration per event ID and the local callbacks are matched here.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "drivers/remote/remote-private.h"
#include "remote_protocol.h"
#include "remote-convert.h"

static bool
decode(vkRpcMessage *msg, xdrproc_t filter, void *body, size_t size)
{
    memset(body, 0, size);
    if (vkRpcMessageDecodeBody(msg, filter, body) < 0) {
        vkErrorReset();
        return false;
    }
    return true;
}

/* The domain of a message, as the queue functions take it. */
#define DOM(d) (d).name, (unsigned char *)(d).uuid, (d).id

/* Declares var of the message's type, decodes it, or leaves the case. */
#define DECODE(type, var) \
    type var; \
    if (!decode(msg, (xdrproc_t)xdr_##type, &var, sizeof(var))) \
        return true
#define FREE(type, var) xdr_free((xdrproc_t)xdr_##type, (char *)&var)

static void
queueGraphics(vkEventState *st, const remote_domain_event_graphics_msg *m)
{
    virDomainEventGraphicsAddress local = {
        m->local.family, m->local.node, m->local.service,
    };
    virDomainEventGraphicsAddress remote = {
        m->remote.family, m->remote.node, m->remote.service,
    };
    g_autofree virDomainEventGraphicsSubjectIdentity *ids =
        g_new0(virDomainEventGraphicsSubjectIdentity, m->subject.subject_len + 1);
    virDomainEventGraphicsSubject subject = { (int)m->subject.subject_len, ids };

    for (u_int i = 0; i < m->subject.subject_len; i++) {
        ids[i].type = m->subject.subject_val[i].type;
        ids[i].name = m->subject.subject_val[i].name;
    }
    vkDomainEventQueueGraphics(st, DOM(m->dom), m->phase, &local, &remote, m->authScheme,
                               &subject);
}

static void
queueParams(vkEventState *st, const remote_nonnull_domain *dom, int eventID,
            const remote_typed_param *val, u_int len, unsigned int max)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;

    if (vkRemoteDeserializeTypedParams(val, len, max, &params, &nparams) < 0) {
        vkErrorReset();
        return;
    }
    vkDomainEventQueueParams(st, DOM(*dom), eventID, params, nparams);
    virTypedParamsFree(params, nparams);
}

bool
vkRemoteDomainEventDispatch(vkEventState *st, vkRpcMessage *msg)
{
    switch (msg->header.proc) {
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        DECODE(remote_domain_event_callback_lifecycle_msg, m);
        vkDomainEventQueueLifecycle(st, DOM(m.msg.dom), m.msg.event, m.msg.detail);
        FREE(remote_domain_event_callback_lifecycle_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT: {
        DECODE(remote_domain_event_callback_reboot_msg, m);
        vkDomainEventQueueReboot(st, DOM(m.msg.dom));
        FREE(remote_domain_event_callback_reboot_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_RTC_CHANGE: {
        DECODE(remote_domain_event_callback_rtc_change_msg, m);
        vkDomainEventQueueRTCChange(st, DOM(m.msg.dom), m.msg.offset);
        FREE(remote_domain_event_callback_rtc_change_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG: {
        DECODE(remote_domain_event_callback_watchdog_msg, m);
        vkDomainEventQueueInt(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_WATCHDOG,
                              m.msg.action);
        FREE(remote_domain_event_callback_watchdog_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR: {
        DECODE(remote_domain_event_callback_io_error_msg, m);
        vkDomainEventQueueIOError(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_IO_ERROR,
                                  m.msg.srcPath, m.msg.devAlias, m.msg.action, NULL);
        FREE(remote_domain_event_callback_io_error_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_GRAPHICS: {
        DECODE(remote_domain_event_callback_graphics_msg, m);
        queueGraphics(st, &m.msg);
        FREE(remote_domain_event_callback_graphics_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON: {
        DECODE(remote_domain_event_callback_io_error_reason_msg, m);
        vkDomainEventQueueIOError(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON,
                                  m.msg.srcPath, m.msg.devAlias, m.msg.action, m.msg.reason);
        FREE(remote_domain_event_callback_io_error_reason_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_CONTROL_ERROR: {
        DECODE(remote_domain_event_callback_control_error_msg, m);
        vkDomainEventQueueInt(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, 0);
        FREE(remote_domain_event_callback_control_error_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB: {
        DECODE(remote_domain_event_callback_block_job_msg, m);
        vkDomainEventQueueBlockJob(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_BLOCK_JOB,
                                   m.msg.path, m.msg.type, m.msg.status);
        FREE(remote_domain_event_callback_block_job_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DISK_CHANGE: {
        DECODE(remote_domain_event_callback_disk_change_msg, m);
        vkDomainEventQueueDiskChange(st, DOM(m.msg.dom),
                                     m.msg.oldSrcPath ? *m.msg.oldSrcPath : NULL,
                                     m.msg.newSrcPath ? *m.msg.newSrcPath : NULL,
                                     m.msg.devAlias, m.msg.reason);
        FREE(remote_domain_event_callback_disk_change_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TRAY_CHANGE: {
        DECODE(remote_domain_event_callback_tray_change_msg, m);
        vkDomainEventQueueTrayChange(st, DOM(m.msg.dom), m.msg.devAlias, m.msg.reason);
        FREE(remote_domain_event_callback_tray_change_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMWAKEUP: {
        DECODE(remote_domain_event_callback_pmwakeup_msg, m);
        vkDomainEventQueueInt(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_PMWAKEUP, m.reason);
        FREE(remote_domain_event_callback_pmwakeup_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND: {
        DECODE(remote_domain_event_callback_pmsuspend_msg, m);
        vkDomainEventQueueInt(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_PMSUSPEND, m.reason);
        FREE(remote_domain_event_callback_pmsuspend_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE: {
        DECODE(remote_domain_event_callback_balloon_change_msg, m);
        vkDomainEventQueueBalloonChange(st, DOM(m.msg.dom), m.msg.actual);
        FREE(remote_domain_event_callback_balloon_change_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK: {
        DECODE(remote_domain_event_callback_pmsuspend_disk_msg, m);
        vkDomainEventQueueInt(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK,
                              m.reason);
        FREE(remote_domain_event_callback_pmsuspend_disk_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED: {
        DECODE(remote_domain_event_callback_device_removed_msg, m);
        vkDomainEventQueueDevice(st, DOM(m.msg.dom), VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                 m.msg.devAlias);
        FREE(remote_domain_event_callback_device_removed_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2: {
        DECODE(remote_domain_event_block_job_2_msg, m);
        vkDomainEventQueueBlockJob(st, DOM(m.dom), VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
                                   m.dst, m.type, m.status);
        FREE(remote_domain_event_block_job_2_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TUNABLE: {
        DECODE(remote_domain_event_callback_tunable_msg, m);
        queueParams(st, &m.dom, VIR_DOMAIN_EVENT_ID_TUNABLE, m.params.params_val,
                    m.params.params_len, REMOTE_DOMAIN_EVENT_TUNABLE_MAX);
        FREE(remote_domain_event_callback_tunable_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE: {
        DECODE(remote_domain_event_callback_agent_lifecycle_msg, m);
        vkDomainEventQueueAgentLifecycle(st, DOM(m.dom), m.state, m.reason);
        FREE(remote_domain_event_callback_agent_lifecycle_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED: {
        DECODE(remote_domain_event_callback_device_added_msg, m);
        vkDomainEventQueueDevice(st, DOM(m.dom), VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                 m.devAlias);
        FREE(remote_domain_event_callback_device_added_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION: {
        DECODE(remote_domain_event_callback_migration_iteration_msg, m);
        vkDomainEventQueueInt(st, DOM(m.dom), VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
                              m.iteration);
        FREE(remote_domain_event_callback_migration_iteration_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_JOB_COMPLETED: {
        DECODE(remote_domain_event_callback_job_completed_msg, m);
        queueParams(st, &m.dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, m.params.params_val,
                    m.params.params_len, REMOTE_DOMAIN_JOB_STATS_MAX);
        FREE(remote_domain_event_callback_job_completed_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED: {
        DECODE(remote_domain_event_callback_device_removal_failed_msg, m);
        vkDomainEventQueueDevice(st, DOM(m.dom), VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
                                 m.devAlias);
        FREE(remote_domain_event_callback_device_removal_failed_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE: {
        DECODE(remote_domain_event_callback_metadata_change_msg, m);
        vkDomainEventQueueMetadataChange(st, DOM(m.dom), m.type, m.nsuri ? *m.nsuri : NULL);
        FREE(remote_domain_event_callback_metadata_change_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_BLOCK_THRESHOLD: {
        DECODE(remote_domain_event_block_threshold_msg, m);
        vkDomainEventQueueBlockThreshold(st, DOM(m.dom), m.dev, m.path ? *m.path : NULL,
                                         m.threshold, m.excess);
        FREE(remote_domain_event_block_threshold_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_MEMORY_FAILURE: {
        DECODE(remote_domain_event_memory_failure_msg, m);
        vkDomainEventQueueMemoryFailure(st, DOM(m.dom), m.recipient, m.action, m.flags);
        FREE(remote_domain_event_memory_failure_msg, m);
        return true;
    }
    case REMOTE_PROC_DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE: {
        DECODE(remote_domain_event_memory_device_size_change_msg, m);
        vkDomainEventQueueMemoryDeviceSizeChange(st, DOM(m.dom), m.alias, m.size);
        FREE(remote_domain_event_memory_device_size_change_msg, m);
        return true;
    }
    default:
        return false;
    }
}
