/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain event fan-out: registration rules, delivery through the default
 * event loop with the right callback signature, UUID filters,
 * deregistration (also from inside a callback), connection removal and
 * free callbacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "core/domain-event.h"
#include "core/qemu-monitor-event.h"
#include "core/object.h"
#include "util/error.h"
#include "loop-helper.h"

/* VIR_DOMAIN_EVENT_CALLBACK, quiet under -Wcast-function-type */
#define EV_CB(fn) ((virConnectDomainEventGenericCallback)(void (*)(void))(fn))

static const unsigned char uuidA[VIR_UUID_BUFLEN] = { 0xa, 1, 2, 3 };
static const unsigned char uuidB[VIR_UUID_BUFLEN] = { 0xb, 1, 2, 3 };

#define MAX_SEEN 16

typedef struct {
    virConnectPtr conn;          /* what the callback was given */
    int n;
    char names[MAX_SEEN][32];
    int ids[MAX_SEEN];
    int a[MAX_SEEN];             /* event / type */
    int b[MAX_SEEN];             /* detail */
    char strs[MAX_SEEN][64];
    bool uuidOk[MAX_SEEN];
    int freed;
    /* actions taken from inside the callback */
    vkEventState *st;
    int deregisterID;            /* -1: none */
    bool freedAtDeregister;
} Sink;

static void
sinkInit(Sink *s)
{
    memset(s, 0, sizeof(*s));
    s->deregisterID = -1;
}

static void
record(Sink *s, virConnectPtr conn, virDomainPtr dom, int a, int b,
       const char *str)
{
    assert_true(s->n < MAX_SEEN);
    s->conn = conn;
    g_strlcpy(s->names[s->n], dom->name, sizeof(s->names[0]));
    s->ids[s->n] = dom->id;
    s->uuidOk[s->n] = dom->conn == conn;
    s->a[s->n] = a;
    s->b[s->n] = b;
    g_strlcpy(s->strs[s->n], str ? str : "", sizeof(s->strs[0]));
    s->n++;
    if (s->deregisterID >= 0) {
        assert_int_equal(vkDomainEventDeregisterAny(s->st, conn, s->deregisterID), 0);
        s->freedAtDeregister = s->freed != 0;
        s->deregisterID = -1;
    }
}

static int
lifecycleCb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
            void *opaque)
{
    record(opaque, conn, dom, event, detail, NULL);
    return 0;
}

static void
rebootCb(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    record(opaque, conn, dom, -1, -1, "reboot");
}

static void
metadataCb(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
           void *opaque)
{
    record(opaque, conn, dom, type, -1, nsuri);
}

static void
deviceCb(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
    record(opaque, conn, dom, -1, -1, alias);
}

/* a: seconds, b: micros, strs: the event's name; details in the sink's
 * last slot of names (NULL shown as "-") */
static void
monitorCb(virConnectPtr conn, virDomainPtr dom, const char *event, long long seconds,
          unsigned int micros, const char *details, void *opaque)
{
    Sink *s = opaque;

    record(s, conn, dom, (int)seconds, (int)micros, event);
    g_strlcpy(s->names[MAX_SEEN - 1], details ? details : "-", sizeof(s->names[0]));
}

static void
sinkFree(void *opaque)
{
    ((Sink *)opaque)->freed++;
}

typedef struct {
    Sink *sink;
    int want;
} Wait;

static bool
sinkHas(void *data)
{
    Wait *w = data;
    return w->sink->n >= w->want;
}

static bool
waitFor(Sink *s, int want)
{
    Wait w = { s, want };
    return loopRunUntil(sinkHas, &w);
}

static virConnectPtr conn1;
static virConnectPtr conn2;

static int
setupConns(void **state)
{
    conn1 = vkConnectNew();
    conn2 = vkConnectNew();
    return 0;
}

static int
teardownConns(void **state)
{
    vkConnectUnref(conn1);
    vkConnectUnref(conn2);
    return 0;
}

static void
test_register_needs_loop(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink s;
    virErrorPtr err;

    sinkInit(&s);
    assert_int_equal(vkDomainEventRegisterAny(st, conn1, NULL,
                                              VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              EV_CB(lifecycleCb),
                                              &s, sinkFree), -1);
    err = vkErrorGetLast();
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err->message, "no event loop"));
    assert_int_equal(vkDomainEventRegister(st, conn1, lifecycleCb, &s, sinkFree), -1);
    /* a failed registration keeps no reference to opaque */
    vkEventStateFree(st);
    assert_int_equal(s.freed, 0);

    assert_int_equal(virEventRegisterDefaultImpl(), 0);
}

static void
test_lifecycle_delivery(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink s;
    int id;

    sinkInit(&s);
    id = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                  EV_CB(lifecycleCb),
                                  &s, sinkFree);
    assert_true(id >= 0);

    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 3,
                                VIR_DOMAIN_EVENT_STARTED,
                                VIR_DOMAIN_EVENT_STARTED_BOOTED);
    vkDomainEventQueueLifecycle(st, "beta", uuidB, -1,
                                VIR_DOMAIN_EVENT_STOPPED,
                                VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    /* never from inside the queueing call */
    assert_int_equal(s.n, 0);
    assert_true(waitFor(&s, 2));
    assert_int_equal(s.n, 2);
    assert_ptr_equal(s.conn, conn1);
    assert_string_equal(s.names[0], "alpha");
    assert_int_equal(s.ids[0], 3);
    assert_int_equal(s.a[0], VIR_DOMAIN_EVENT_STARTED);
    assert_int_equal(s.b[0], VIR_DOMAIN_EVENT_STARTED_BOOTED);
    assert_true(s.uuidOk[0]);
    assert_string_equal(s.names[1], "beta");
    assert_int_equal(s.ids[1], -1);
    assert_int_equal(s.a[1], VIR_DOMAIN_EVENT_STOPPED);
    assert_int_equal(s.b[1], VIR_DOMAIN_EVENT_STOPPED_DESTROYED);

    assert_int_equal(vkDomainEventDeregisterAny(st, conn1, id), 0);
    assert_int_equal(s.freed, 1);
    vkEventStateFree(st);
    assert_int_equal(s.freed, 1);
}

static void
test_filter_and_event_ids(void **state)
{
    vkEventState *st = vkEventStateNew();
    virDomainPtr domB = vkGetDomain(conn1, "beta", uuidB, 7);
    Sink all, onlyB, reboot, meta, added, removed;
    int ids[6];

    sinkInit(&all);
    sinkInit(&onlyB);
    sinkInit(&reboot);
    sinkInit(&meta);
    sinkInit(&added);
    sinkInit(&removed);
    ids[0] = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      EV_CB(lifecycleCb), &all, NULL);
    ids[1] = vkDomainEventRegisterAny(st, conn1, domB, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      EV_CB(lifecycleCb), &onlyB, NULL);
    ids[2] = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                      EV_CB(rebootCb), &reboot, NULL);
    ids[3] = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                      EV_CB(metadataCb), &meta, NULL);
    ids[4] = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                      EV_CB(deviceCb), &added, NULL);
    ids[5] = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                      EV_CB(deviceCb), &removed, NULL);
    for (int i = 0; i < 6; i++) {
        assert_true(ids[i] >= 0);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(ids[i], ids[j]);
    }

    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_SUSPENDED, 0);
    vkDomainEventQueueReboot(st, "alpha", uuidA, 1);
    vkDomainEventQueueMetadataChange(st, "beta", uuidB, 7,
                                     VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/x");
    vkDomainEventQueueDevice(st, "beta", uuidB, 7, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, "net0");
    vkDomainEventQueueDevice(st, "beta", uuidB, 7, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, "disk1");
    vkDomainEventQueueLifecycle(st, "beta", uuidB, 7, VIR_DOMAIN_EVENT_RESUMED, 0);
    assert_true(waitFor(&all, 2));

    /* the filtered callback saw beta only */
    assert_int_equal(all.n, 2);
    assert_int_equal(onlyB.n, 1);
    assert_string_equal(onlyB.names[0], "beta");
    assert_int_equal(onlyB.a[0], VIR_DOMAIN_EVENT_RESUMED);

    assert_int_equal(reboot.n, 1);
    assert_string_equal(reboot.names[0], "alpha");
    assert_int_equal(meta.n, 1);
    assert_int_equal(meta.a[0], VIR_DOMAIN_METADATA_ELEMENT);
    assert_string_equal(meta.strs[0], "http://example.org/x");
    assert_int_equal(added.n, 1);
    assert_string_equal(added.strs[0], "net0");
    assert_int_equal(removed.n, 1);
    assert_string_equal(removed.strs[0], "disk1");

    vkDomainUnref(domB);
    vkEventStateFree(st);
}

static void
test_registration_errors(void **state)
{
    vkEventState *st = vkEventStateNew();
    virDomainPtr domA = vkGetDomain(conn1, "alpha", uuidA, 1);
    Sink s;
    int id;

    sinkInit(&s);
    assert_int_equal(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LAST,
                                              EV_CB(lifecycleCb),
                                              &s, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(vkDomainEventRegisterAny(st, conn1, NULL, -1,
                                              EV_CB(lifecycleCb),
                                              &s, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);

    id = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                  EV_CB(lifecycleCb), &s, sinkFree);
    assert_true(id >= 0);
    /* the same callback for the same event and filter is refused ... */
    assert_int_equal(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              EV_CB(lifecycleCb),
                                              &s, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    /* ... but a different filter, connection or style is another one */
    assert_true(vkDomainEventRegisterAny(st, conn1, domA, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s, NULL) >= 0);
    assert_true(vkDomainEventRegisterAny(st, conn2, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s, NULL) >= 0);
    assert_int_equal(vkDomainEventRegister(st, conn1, lifecycleCb, &s, NULL), 0);
    assert_int_equal(vkDomainEventRegister(st, conn1, lifecycleCb, &s, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);

    /* deregistration: unknown ids, wrong connection */
    assert_int_equal(vkDomainEventDeregisterAny(st, conn1, 9999), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(vkErrorGetLast()->message,
                           "could not find event callback 9999"));
    assert_int_equal(vkDomainEventDeregisterAny(st, conn2, id), -1);
    assert_int_equal(s.freed, 0);
    assert_int_equal(vkDomainEventDeregisterAny(st, conn1, id), 0);
    assert_int_equal(s.freed, 1);
    assert_int_equal(vkDomainEventDeregisterAny(st, conn1, id), -1);

    assert_int_equal(vkDomainEventDeregister(st, conn1, lifecycleCb), 0);
    assert_int_equal(vkDomainEventDeregister(st, conn1, lifecycleCb), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(s.freed, 1);

    vkDomainUnref(domA);
    vkEventStateFree(st);
}

static void
test_legacy_register(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink legacy, reboot;

    sinkInit(&legacy);
    sinkInit(&reboot);
    assert_int_equal(vkDomainEventRegister(st, conn1, lifecycleCb, &legacy, sinkFree), 0);
    assert_true(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                         EV_CB(rebootCb),
                                         &reboot, NULL) >= 0);
    vkDomainEventQueueReboot(st, "alpha", uuidA, 1);
    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_SHUTDOWN,
                                VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    assert_true(waitFor(&legacy, 1));
    assert_int_equal(legacy.n, 1);
    assert_int_equal(legacy.a[0], VIR_DOMAIN_EVENT_SHUTDOWN);
    assert_int_equal(legacy.b[0], VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    assert_int_equal(reboot.n, 1);

    assert_int_equal(vkDomainEventDeregister(st, conn1, lifecycleCb), 0);
    assert_int_equal(legacy.freed, 1);
    vkEventStateFree(st);
    assert_int_equal(legacy.freed, 1);
}

/* The first callback deregisters the second (registered after it) while
 * handling the first event: the second must see nothing, and its free
 * callback must wait until the delivery pass is done with it. */
static void
test_deregister_during_delivery(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink first, second, self;
    int secondID, selfID;

    sinkInit(&first);
    sinkInit(&second);
    sinkInit(&self);
    assert_true(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &first, NULL) >= 0);
    secondID = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                        EV_CB(rebootCb),
                                        &second, sinkFree);
    assert_true(secondID >= 0);
    selfID = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                      EV_CB(metadataCb),
                                      &self, sinkFree);
    assert_true(selfID >= 0);
    first.st = st;
    first.deregisterID = secondID;
    self.st = st;
    self.deregisterID = selfID;

    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    vkDomainEventQueueReboot(st, "alpha", uuidA, 1);
    vkDomainEventQueueMetadataChange(st, "alpha", uuidA, 1, VIR_DOMAIN_METADATA_TITLE, NULL);
    vkDomainEventQueueMetadataChange(st, "alpha", uuidA, 1, VIR_DOMAIN_METADATA_TITLE, NULL);
    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_STOPPED, 0);
    assert_true(waitFor(&first, 2));

    assert_int_equal(second.n, 0);
    assert_int_equal(second.freed, 1);
    /* the self-deregistering callback ran once, and its free callback did
     * not run underneath it */
    assert_int_equal(self.n, 1);
    assert_false(self.freedAtDeregister);
    assert_int_equal(self.freed, 1);
    vkEventStateFree(st);
    assert_int_equal(second.freed, 1);
    assert_int_equal(self.freed, 1);
}

static void
test_remove_connect(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink s1, s1b, s2;

    sinkInit(&s1);
    sinkInit(&s1b);
    sinkInit(&s2);
    assert_true(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s1, sinkFree) >= 0);
    assert_int_equal(vkDomainEventRegister(st, conn1, lifecycleCb, &s1b, sinkFree), 0);
    assert_true(vkDomainEventRegisterAny(st, conn2, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s2, sinkFree) >= 0);
    vkEventStateRemoveConnect(st, conn1);
    assert_int_equal(s1.freed, 1);
    assert_int_equal(s1b.freed, 1);
    assert_int_equal(s2.freed, 0);

    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_DEFINED, 0);
    assert_true(waitFor(&s2, 1));
    assert_ptr_equal(s2.conn, conn2);
    assert_int_equal(s1.n, 0);
    assert_int_equal(s1b.n, 0);

    /* the last callback gone, the state drops its timer; registering
     * afterwards still works */
    vkEventStateRemoveConnect(st, conn2);
    assert_int_equal(s2.freed, 1);
    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_UNDEFINED, 0);
    sinkInit(&s1);
    assert_true(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s1, sinkFree) >= 0);
    vkDomainEventQueueLifecycle(st, "gamma", uuidA, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    assert_true(waitFor(&s1, 1));
    /* the event queued while nobody listened was dropped, not replayed */
    assert_int_equal(s1.n, 1);
    assert_string_equal(s1.names[0], "gamma");

    vkEventStateFree(st);
    assert_int_equal(s1.freed, 1);
}

static void
test_free_with_pending_events(void **state)
{
    vkEventState *st = vkEventStateNew();
    Sink s;

    sinkInit(&s);
    assert_true(vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(lifecycleCb),
                                         &s, sinkFree) >= 0);
    vkDomainEventQueueLifecycle(st, "alpha", uuidA, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    vkEventStateFree(st);
    assert_int_equal(s.freed, 1);
    /* the timer is gone with the state: nothing is delivered afterwards */
    loopSpin(3);
    assert_int_equal(s.n, 0);
}

/* Drivers queue from their own threads while the application's loop
 * blocks: every event must arrive, in order. */
#define THREAD_EVENTS 200

typedef struct {
    vkEventState *st;
    int received;
    int outOfOrder;
} Counter;

static int
countCb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
        void *opaque)
{
    Counter *c = opaque;

    if (detail != c->received)
        c->outOfOrder++;
    c->received++;
    return 0;
}

static gpointer
queueFromThread(gpointer data)
{
    Counter *c = data;

    for (int i = 0; i < THREAD_EVENTS; i++)
        vkDomainEventQueueLifecycle(c->st, "alpha", uuidA, 1,
                                    VIR_DOMAIN_EVENT_STARTED, i);
    return NULL;
}

static bool
counterDone(void *data)
{
    return ((Counter *)data)->received >= THREAD_EVENTS;
}

static void
test_queue_from_thread(void **state)
{
    Counter c = { .st = vkEventStateNew() };
    GThread *th;

    assert_true(vkDomainEventRegisterAny(c.st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         EV_CB(countCb), &c, NULL) >= 0);
    th = g_thread_new("queuer", queueFromThread, &c);
    assert_true(loopRunUntil(counterDone, &c));
    g_thread_join(th);
    assert_int_equal(c.received, THREAD_EVENTS);
    assert_int_equal(c.outOfOrder, 0);
    vkEventStateFree(c.st);
}

/* libvirt-qemu's monitor events: the name filters (exact, NOCASE, REGEX,
 * both), the domain filter, repeated registration of one function with
 * other filters, and the refusals (bad regex, unknown flag). */
static void
test_qemu_monitor_events(void **state)
{
    vkEventState *st = vkEventStateNew();
    virDomainPtr domB = vkGetDomain(conn1, "beta", uuidB, 7);
    const unsigned int RE = VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX;
    const unsigned int NC = VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE;
    virConnectDomainQemuMonitorEventCallback cb = monitorCb;
    Sink all, exact, nocase, regex, regexNocase, onlyB;
    int ids[6], lifeID;

    sinkInit(&all);
    sinkInit(&exact);
    sinkInit(&nocase);
    sinkInit(&regex);
    sinkInit(&regexNocase);
    sinkInit(&onlyB);
    ids[0] = vkQemuMonitorEventRegister(st, conn1, NULL, NULL, cb, &all, sinkFree, 0);
    ids[1] = vkQemuMonitorEventRegister(st, conn1, NULL, "STOP", cb, &exact, NULL, 0);
    ids[2] = vkQemuMonitorEventRegister(st, conn1, NULL, "stop", cb, &nocase, NULL, NC);
    ids[3] = vkQemuMonitorEventRegister(st, conn1, NULL, "^RES", cb, &regex, NULL, RE);
    ids[4] = vkQemuMonitorEventRegister(st, conn1, NULL, "^res", cb, &regexNocase, NULL,
                                        RE | NC);
    ids[5] = vkQemuMonitorEventRegister(st, conn1, domB, NULL, cb, &onlyB, NULL, 0);
    for (int i = 0; i < 6; i++)
        assert_true(ids[i] >= 0);

    /* the same function without a filter once only; with one, again */
    assert_int_equal(vkQemuMonitorEventRegister(st, conn1, NULL, NULL, cb, &all, NULL, 0), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(vkQemuMonitorEventRegister(st, conn1, NULL, "(", cb, &all, NULL, RE), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(vkErrorGetLast()->message, "failed to compile regex '('"));
    assert_int_equal(vkQemuMonitorEventRegister(st, conn1, NULL, NULL, cb, &all, NULL, 4), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);

    /* the families keep their callbacks apart */
    lifeID = vkDomainEventRegisterAny(st, conn1, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      EV_CB(lifecycleCb), &all, NULL);
    assert_true(lifeID >= 0);
    assert_int_equal(vkQemuMonitorEventDeregister(st, conn1, lifeID), -1);

    vkQemuMonitorEventQueue(st, "alpha", uuidA, 1, "STOP", 1700000000, 123456, NULL);
    vkQemuMonitorEventQueue(st, "beta", uuidB, 7, "RESET", 1700000001, 5,
                            "{\"guest\":false}");
    vkQemuMonitorEventQueue(st, "beta", uuidB, 7, "Resume", 1700000002, 0, NULL);
    assert_true(waitFor(&all, 3));

    assert_int_equal(all.n, 3);
    assert_string_equal(all.strs[0], "STOP");
    assert_string_equal(all.names[0], "alpha");
    assert_int_equal(all.a[0], 1700000000);
    assert_int_equal(all.b[0], 123456);
    assert_int_equal(exact.n, 1);
    assert_string_equal(exact.strs[0], "STOP");
    assert_int_equal(nocase.n, 1);
    assert_int_equal(regex.n, 1);
    assert_string_equal(regex.strs[0], "RESET");
    assert_string_equal(regex.names[MAX_SEEN - 1], "{\"guest\":false}");
    assert_int_equal(regexNocase.n, 2);
    assert_string_equal(regexNocase.strs[1], "Resume");
    assert_string_equal(regexNocase.names[MAX_SEEN - 1], "-");
    assert_int_equal(onlyB.n, 2);
    assert_string_equal(onlyB.names[0], "beta");

    for (int i = 0; i < 6; i++)
        assert_int_equal(vkQemuMonitorEventDeregister(st, conn1, ids[i]), 0);
    assert_int_equal(all.freed, 1);
    assert_int_equal(vkQemuMonitorEventDeregister(st, conn1, ids[0]), -1);
    assert_int_equal(vkDomainEventDeregisterAny(st, conn1, lifeID), 0);
    vkDomainUnref(domB);
    vkEventStateFree(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_needs_loop),
        cmocka_unit_test(test_lifecycle_delivery),
        cmocka_unit_test(test_filter_and_event_ids),
        cmocka_unit_test(test_registration_errors),
        cmocka_unit_test(test_legacy_register),
        cmocka_unit_test(test_deregister_during_delivery),
        cmocka_unit_test(test_remove_connect),
        cmocka_unit_test(test_free_with_pending_events),
        cmocka_unit_test(test_queue_from_thread),
        cmocka_unit_test(test_qemu_monitor_events),
    };

    return cmocka_run_group_tests(tests, setupConns, teardownConns);
}
