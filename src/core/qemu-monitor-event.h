/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-qemu's monitor events on the shared event registry: every QMP
 * event of a domain, filtered by name (exact, case-insensitive or a
 * regex) and passed on with QEMU's timestamp and its data as JSON.
 */
#ifndef VK_CORE_QEMU_MONITOR_EVENT_H
#define VK_CORE_QEMU_MONITOR_EVENT_H

#include "core/domain-event.h"
#include "virtkit/virtkit-qemu.h"

/* virConnectDomainQemuMonitorEventRegister's semantics (flags checked
 * here): the callback id, or -1 with an error set. */
int vkQemuMonitorEventRegister(vkEventState *st, virConnectPtr conn, virDomainPtr dom,
                               const char *event, virConnectDomainQemuMonitorEventCallback cb,
                               void *opaque, virFreeCallback freecb, unsigned int flags);
int vkQemuMonitorEventDeregister(vkEventState *st, virConnectPtr conn, int callbackID);
/* details: the event's "data" as JSON text, or NULL when it had none. */
void vkQemuMonitorEventQueue(vkEventState *st, const char *name, const unsigned char *uuid,
                             int id, const char *event, long long seconds,
                             unsigned int micros, const char *details);

#endif
