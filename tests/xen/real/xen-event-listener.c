/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs inside the nested Xen's dom0: registers a lifecycle callback on
 * xen:///system through the public API, says READY, then prints one line
 * per event ("EVENT <name> <id> <event> <detail>") until the domain named
 * on the command line has stopped, or a guard timer expires.  The lines
 * go back over the serial console; test-xen-real.py checks them.
 *
 * usage: xen-event-listener DOMAIN [GUARD-SECONDS]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"

static const char *watched;
static bool finished;

static int
onLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    const char *name = virDomainGetName(dom);

    printf("EVENT %s %d %d %d\n", name, virDomainGetID(dom), event, detail);
    fflush(stdout);
    if (event == VIR_DOMAIN_EVENT_STOPPED && strcmp(name, watched) == 0)
        finished = true;
    return 0;
}

static void
onGuard(int timer, void *opaque)
{
    printf("GUARD-EXPIRED\n");
    finished = true;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DOMAIN [GUARD-SECONDS]\n", argv[0]);
        return 2;
    }
    watched = argv[1];
    int guard = argc > 2 ? atoi(argv[2]) : 60;

    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    virConnectPtr conn = virConnectOpen("xen:///system");
    if (!conn) {
        const virError *e = virGetLastError();
        printf("OPEN-FAILED %s\n", e && e->message ? e->message : "?");
        return 1;
    }
    int cb = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(onLifecycle),
                                              NULL, NULL);
    if (cb < 0) {
        const virError *e = virGetLastError();
        printf("REGISTER-FAILED %s\n", e && e->message ? e->message : "?");
        virConnectClose(conn);
        return 1;
    }
    printf("READY\n");
    fflush(stdout);
    int timer = virEventAddTimeout(guard * 1000, onGuard, NULL, NULL);
    while (!finished)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectClose(conn);
    return 0;
}
