/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain event IDs beyond the first dozen: their typed queue functions
 * and their delivery.  They ride on domain-event.c's queue, timer and
 * callback list; an event keeps its callback's arguments in the generic
 * fields of vkDomainEvent, which this file alone reads for these IDs:
 *
 *   RTC_CHANGE           num = offset
 *   WATCHDOG, PM*, MIGRATION_ITERATION, CONTROL_ERROR   event = the int
 *   IO_ERROR(_REASON)    str = srcPath, str2 = devAlias, event = action,
 *                        str3 = reason
 *   GRAPHICS             event = phase, graphics = the rest (copied)
 *   DISK_CHANGE          str = old, str2 = new, str3 = devAlias, event = reason
 *   TRAY_CHANGE          str = devAlias, event = reason
 *   BALLOON_CHANGE       unum = actual
 *   TUNABLE, JOB_COMPLETED   params (copied)
 *   BLOCK_THRESHOLD      str = dev, str2 = path, unum = threshold, unum2 = excess
 *   MEMORY_FAILURE       event = recipient, detail = action, unum = flags
 *   MEMORY_DEVICE_SIZE_CHANGE   str = alias, unum = size
 */
#include <string.h>

#include "core/event-priv.h"

struct vkEventGraphics {
    virDomainEventGraphicsAddress local;
    virDomainEventGraphicsAddress remote;
    char *authScheme;
    virDomainEventGraphicsSubject subject;
};

static void
graphicsFree(struct vkEventGraphics *g)
{
    if (!g)
        return;
    g_free(g->local.node);
    g_free(g->local.service);
    g_free(g->remote.node);
    g_free(g->remote.service);
    g_free(g->authScheme);
    for (int i = 0; i < g->subject.nidentity; i++) {
        g_free(g->subject.identities[i].type);
        g_free(g->subject.identities[i].name);
    }
    g_free(g->subject.identities);
    g_free(g);
}

void
vkEventClearMore(vkDomainEvent *ev)
{
    g_free(ev->str2);
    g_free(ev->str3);
    virTypedParamsFree(ev->params, ev->nparams);
    graphicsFree(ev->graphics);
}

static void
addressCopy(virDomainEventGraphicsAddress *dst, const virDomainEventGraphicsAddress *src)
{
    if (!src)
        return;
    dst->family = src->family;
    dst->node = g_strdup(src->node);
    dst->service = g_strdup(src->service);
}

/* A deep copy: the event outlives the caller's arrays. */
static virTypedParameterPtr
paramsCopy(virTypedParameterPtr params, int nparams)
{
    virTypedParameterPtr copy;

    if (nparams <= 0 || !params)
        return NULL;
    copy = g_memdup2(params, sizeof(*params) * nparams);
    for (int i = 0; i < nparams; i++)
        if (copy[i].type == VIR_TYPED_PARAM_STRING)
            copy[i].value.s = g_strdup(params[i].value.s);
    return copy;
}

static bool
isIntEvent(int eventID)
{
    switch (eventID) {
    case VIR_DOMAIN_EVENT_ID_WATCHDOG:
    case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR:
    case VIR_DOMAIN_EVENT_ID_PMWAKEUP:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK:
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION:
        return true;
    default:
        return false;
    }
}

bool
vkEventDeliverDomainMore(vkEventCallback *cb, virDomainPtr dom, const vkDomainEvent *ev)
{
    virConnectPtr conn = cb->conn;
    void *op = cb->opaque;

    switch (ev->eventID) {
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE:
        CB_AS(virConnectDomainEventRTCChangeCallback, cb->cb)(conn, dom, ev->num, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_WATCHDOG:
    case VIR_DOMAIN_EVENT_ID_PMWAKEUP:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK:
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION:
        /* all (conn, dom, int, opaque) */
        CB_AS(virConnectDomainEventWatchdogCallback, cb->cb)(conn, dom, ev->event, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR:
        cb->cb(conn, dom, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_IO_ERROR:
        CB_AS(virConnectDomainEventIOErrorCallback, cb->cb)(conn, dom, ev->str, ev->str2,
                                                           ev->event, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON:
        CB_AS(virConnectDomainEventIOErrorReasonCallback, cb->cb)(
            conn, dom, ev->str, ev->str2, ev->event, ev->str3, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_GRAPHICS:
        CB_AS(virConnectDomainEventGraphicsCallback, cb->cb)(
            conn, dom, ev->event, &ev->graphics->local, &ev->graphics->remote,
            ev->graphics->authScheme, &ev->graphics->subject, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_DISK_CHANGE:
        CB_AS(virConnectDomainEventDiskChangeCallback, cb->cb)(
            conn, dom, ev->str, ev->str2, ev->str3, ev->event, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE:
        CB_AS(virConnectDomainEventTrayChangeCallback, cb->cb)(conn, dom, ev->str, ev->event,
                                                              op);
        return true;
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE:
        CB_AS(virConnectDomainEventBalloonChangeCallback, cb->cb)(conn, dom, ev->unum, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_TUNABLE:
    case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED:
        CB_AS(virConnectDomainEventTunableCallback, cb->cb)(conn, dom, ev->params,
                                                           ev->nparams, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD:
        CB_AS(virConnectDomainEventBlockThresholdCallback, cb->cb)(
            conn, dom, ev->str, ev->str2, ev->unum, ev->unum2, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE:
        CB_AS(virConnectDomainEventMemoryFailureCallback, cb->cb)(
            conn, dom, ev->event, ev->detail, (unsigned int)ev->unum, op);
        return true;
    case VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE:
        CB_AS(virConnectDomainEventMemoryDeviceSizeChangeCallback, cb->cb)(
            conn, dom, ev->str, ev->unum, op);
        return true;
    default:
        return false;
    }
}

void
vkDomainEventQueueRTCChange(vkEventState *st, const char *name, const unsigned char *uuid,
                            int id, long long offset)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_RTC_CHANGE, name, uuid, id);

    ev->num = offset;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueInt(vkEventState *st, const char *name, const unsigned char *uuid, int id,
                      int eventID, int value)
{
    vkDomainEvent *ev;

    if (!isIntEvent(eventID))
        return;
    ev = vkEventNew(eventID, name, uuid, id);
    ev->event = value;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueIOError(vkEventState *st, const char *name, const unsigned char *uuid,
                          int id, int eventID, const char *srcPath, const char *devAlias,
                          int action, const char *reason)
{
    vkDomainEvent *ev;

    if (eventID != VIR_DOMAIN_EVENT_ID_IO_ERROR &&
        eventID != VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON)
        return;
    ev = vkEventNew(eventID, name, uuid, id);
    ev->str = g_strdup(srcPath ? srcPath : "");
    ev->str2 = g_strdup(devAlias ? devAlias : "");
    ev->str3 = g_strdup(reason ? reason : "");
    ev->event = action;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueGraphics(vkEventState *st, const char *name, const unsigned char *uuid,
                           int id, int phase, const virDomainEventGraphicsAddress *local,
                           const virDomainEventGraphicsAddress *remote,
                           const char *authScheme, const virDomainEventGraphicsSubject *subject)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_GRAPHICS, name, uuid, id);
    struct vkEventGraphics *g = g_new0(struct vkEventGraphics, 1);

    ev->event = phase;
    addressCopy(&g->local, local);
    addressCopy(&g->remote, remote);
    g->authScheme = g_strdup(authScheme);
    if (subject && subject->nidentity > 0) {
        g->subject.nidentity = subject->nidentity;
        g->subject.identities = g_new0(virDomainEventGraphicsSubjectIdentity,
                                       subject->nidentity);
        for (int i = 0; i < subject->nidentity; i++) {
            g->subject.identities[i].type = g_strdup(subject->identities[i].type);
            g->subject.identities[i].name = g_strdup(subject->identities[i].name);
        }
    }
    ev->graphics = g;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueDiskChange(vkEventState *st, const char *name, const unsigned char *uuid,
                             int id, const char *oldSrcPath, const char *newSrcPath,
                             const char *devAlias, int reason)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_DISK_CHANGE, name, uuid, id);

    ev->str = g_strdup(oldSrcPath);
    ev->str2 = g_strdup(newSrcPath);
    ev->str3 = g_strdup(devAlias);
    ev->event = reason;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueTrayChange(vkEventState *st, const char *name, const unsigned char *uuid,
                             int id, const char *devAlias, int reason)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, name, uuid, id);

    ev->str = g_strdup(devAlias);
    ev->event = reason;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueBalloonChange(vkEventState *st, const char *name,
                                const unsigned char *uuid, int id, unsigned long long actual)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, name, uuid, id);

    ev->unum = actual;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueParams(vkEventState *st, const char *name, const unsigned char *uuid,
                         int id, int eventID, virTypedParameterPtr params, int nparams)
{
    vkDomainEvent *ev;

    if (eventID != VIR_DOMAIN_EVENT_ID_TUNABLE && eventID != VIR_DOMAIN_EVENT_ID_JOB_COMPLETED)
        return;
    ev = vkEventNew(eventID, name, uuid, id);
    ev->params = paramsCopy(params, nparams);
    ev->nparams = ev->params ? nparams : 0;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueBlockThreshold(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int id, const char *dev,
                                 const char *path, unsigned long long threshold,
                                 unsigned long long excess)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD, name, uuid, id);

    ev->str = g_strdup(dev);
    ev->str2 = g_strdup(path);
    ev->unum = threshold;
    ev->unum2 = excess;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueMemoryFailure(vkEventState *st, const char *name,
                                const unsigned char *uuid, int id, int recipient, int action,
                                unsigned int flags)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE, name, uuid, id);

    ev->event = recipient;
    ev->detail = action;
    ev->unum = flags;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueMemoryDeviceSizeChange(vkEventState *st, const char *name,
                                         const unsigned char *uuid, int id,
                                         const char *alias, unsigned long long size)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE,
                                   name, uuid, id);

    ev->str = g_strdup(alias);
    ev->unum = size;
    vkEventQueuePush(st, ev);
}
