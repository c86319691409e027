/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU monitor events on behalf of remote clients (the QEMU program).
 *
 * Their registration carries a name filter and flags instead of an event
 * ID, and their message goes out on the QEMU program: the bookkeeping is
 * the other families' (events-priv.h), the registration and the forwarding
 * their own.
 */
#include "virtkit/virtkit.h"
#include "virtkit/virtkit-qemu.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "qemu_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/events-priv.h"

static void
onQemuMonitorEvent(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, const char *event,
                   long long seconds, unsigned int micros, const char *details, void *opaque)
{
    vkEventReg *reg = opaque;
    char *d = (char *)details;
    qemu_domain_monitor_event_msg msg = {
        .callbackID = reg->callbackID, .event = (char *)event, .seconds = seconds,
        .micros = micros, .details = details ? &d : NULL,
    };

    vkRemoteArgDomain(&msg.dom, dom);
    if (reg->client->sendProgramEvent)
        reg->client->sendProgramEvent(reg->client, QEMU_PROGRAM,
                                      QEMU_PROC_DOMAIN_MONITOR_EVENT,
                                      (xdrproc_t)xdr_qemu_domain_monitor_event_msg, &msg);
}

int
vkDispatchQemuMonitorEventRegister(vkServerClient *client, void *argsp, void *retp)
{
    qemu_connect_domain_monitor_event_register_args *args = argsp;
    qemu_connect_domain_monitor_event_register_ret *ret = retp;
    virDomainPtr dom = NULL;
    vkEventReg *reg;
    int localID;

    if (args->dom && !(dom = vkRemoteGetDomain(client->conn, args->dom)))
        return -1;
    reg = vkDispatchEventRegNew(client, FAMILY_QEMU_MONITOR, 0);
    localID = virConnectDomainQemuMonitorEventRegister(client->conn, dom,
                                                       args->event ? *args->event : NULL,
                                                       onQemuMonitorEvent, reg, g_free,
                                                       args->flags);
    if (dom)
        vkDomainUnref(dom);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    vkDispatchEventRegAdd(client, reg, localID);
    ret->callbackID = reg->callbackID;
    return 0;
}

int
vkDispatchQemuMonitorEventDeregister(vkServerClient *client, void *argsp, void *retp)
{
    qemu_connect_domain_monitor_event_deregister_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_QEMU_MONITOR, args->callbackID);
}
