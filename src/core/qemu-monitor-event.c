/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU monitor events (libvirt-qemu) as one more family of the shared
 * event registry (domain-event.c): one event ID, a domain filter like
 * the domain family's, and a filter of its own on the event's name that
 * the registry calls before delivery.  Since the name filter differs per
 * registration, the same function may be registered many times.
 */
#include <string.h>

#include "core/event-priv.h"
#include "core/qemu-monitor-event.h"
#include "core/driver.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

typedef struct {
    char *event;        /* exact name, or NULL with regex */
    GRegex *regex;
    bool nocase;
} vkNameFilter;

static void
nameFilterFree(void *opaque)
{
    vkNameFilter *f = opaque;

    if (!f)
        return;
    g_free(f->event);
    if (f->regex)
        g_regex_unref(f->regex);
    g_free(f);
}

static bool
nameFilterMatch(const void *matchData, const void *evp)
{
    const vkNameFilter *f = matchData;
    const vkDomainEvent *ev = evp;

    if (f->regex)
        return g_regex_match(f->regex, ev->str, 0, NULL);
    return f->nocase ? g_ascii_strcasecmp(f->event, ev->str) == 0
                     : strcmp(f->event, ev->str) == 0;
}

int
vkQemuMonitorEventRegister(vkEventState *st, virConnectPtr conn, virDomainPtr dom,
                           const char *event, virConnectDomainQemuMonitorEventCallback cb,
                           void *opaque, virFreeCallback freecb, unsigned int flags)
{
    vkEventFilter filter = { dom ? dom->uuid : NULL, NULL, dom ? dom->name : NULL,
                             NULL, NULL, NULL };
    vkNameFilter *f;

    vkCheckFlags(VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX |
                 VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE, -1);

    if (event) {
        f = g_new0(vkNameFilter, 1);
        f->nocase = flags & VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE;
        if (flags & VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX) {
            g_autoptr(GError) err = NULL;

            f->regex = g_regex_new(event, G_REGEX_OPTIMIZE |
                                   (f->nocase ? G_REGEX_CASELESS : 0), 0, &err);
            if (!f->regex) {
                vkReportError(VIR_ERR_INVALID_ARG, "failed to compile regex '%s': %s",
                              event, err->message);
                nameFilterFree(f);
                return -1;
            }
        } else {
            f->event = g_strdup(event);
        }
        filter.match = nameFilterMatch;
        filter.matchData = f;
        filter.matchFree = nameFilterFree;
    }
    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_QEMU_MONITOR,
                              dom || event ? &filter : NULL, 0, false,
                              CB_AS(virConnectDomainEventGenericCallback, cb), opaque,
                              freecb);
}

int
vkQemuMonitorEventDeregister(vkEventState *st, virConnectPtr conn, int callbackID)
{
    return vkEventCallbackRemove(st, conn, VK_EVENT_FAMILY_QEMU_MONITOR, callbackID,
                                 false, NULL);
}

void
vkQemuMonitorEventQueue(vkEventState *st, const char *name, const unsigned char *uuid,
                        int id, const char *event, long long seconds,
                        unsigned int micros, const char *details)
{
    vkDomainEvent *ev = vkEventNew(0, name, uuid, id);

    ev->family = VK_EVENT_FAMILY_QEMU_MONITOR;
    ev->str = g_strdup(event);
    ev->seconds = seconds;
    ev->micros = micros;
    ev->details = g_strdup(details);
    vkEventQueuePush(st, ev);
}

void
vkEventDeliverQemuMonitor(vkEventCallback *cb, const vkDomainEvent *ev)
{
    virDomainPtr dom = vkGetDomain(cb->conn, ev->name, ev->uuid, ev->id);

    if (!dom)
        return;
    CB_AS(virConnectDomainQemuMonitorEventCallback, cb->cb)(
        cb->conn, dom, ev->str, ev->seconds, ev->micros, ev->details, cb->opaque);
    vkDomainUnref(dom);
}
