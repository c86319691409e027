/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every domain event ID, end to end without a socket: queued with its typed
 * function on a "daemon" state, delivered there to the daemon's handler
 * (src/daemon/dispatch/events-domain.c), encoded as libvirt's message,
 * decoded by the remote driver (vkRemoteDomainEventDispatch) into a
 * "client" state and delivered to a callback of the ID's signature.  The
 * same event is also delivered in-process on the daemon state; both
 * callbacks must see exactly the arguments queued.  An old-style
 * registration gets the old message, whose body must decode with the old
 * procedure's codec.
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
#include "core/object.h"
#include "rpc/message.h"
#include "remote_protocol.h"
#include "daemon/dispatch/events-priv.h"
#include "drivers/remote/remote-private.h"
#include "loop-helper.h"

#define EV_CB(fn) ((virConnectDomainEventGenericCallback)(void (*)(void))(fn))

static const unsigned char uuidA[VIR_UUID_BUFLEN] = { 0xa, 1, 2, 3 };

typedef struct {
    GString *seen;          /* "name|args" of each delivery, ';'-separated */
    int n;
} Rec;

static void
put(void *opaque, virDomainPtr dom, const char *fmt, ...)
{
    Rec *r = opaque;
    va_list ap;

    g_string_append_printf(r->seen, "%s|", dom->name);
    va_start(ap, fmt);
    g_string_append_vprintf(r->seen, fmt, ap);
    va_end(ap);
    g_string_append_c(r->seen, ';');
    r->n++;
}

#define S(x) ((x) ? (x) : "(null)")

static int
cbLifecycle(virConnectPtr c, virDomainPtr d, int ev, int detail, void *o)
{
    put(o, d, "lifecycle %d %d", ev, detail);
    return 0;
}

static void
cbGeneric(virConnectPtr c, virDomainPtr d, void *o)
{
    put(o, d, "generic");
}

static void
cbRTC(virConnectPtr c, virDomainPtr d, long long off, void *o)
{
    put(o, d, "rtc %lld", off);
}

static void
cbInt(virConnectPtr c, virDomainPtr d, int v, void *o)
{
    put(o, d, "int %d", v);
}

static void
cbIOError(virConnectPtr c, virDomainPtr d, const char *src, const char *alias, int action,
          void *o)
{
    put(o, d, "io %s %s %d", S(src), S(alias), action);
}

static void
cbIOErrorReason(virConnectPtr c, virDomainPtr d, const char *src, const char *alias,
                int action, const char *reason, void *o)
{
    put(o, d, "io %s %s %d %s", S(src), S(alias), action, S(reason));
}

static void
cbGraphics(virConnectPtr c, virDomainPtr d, int phase, const virDomainEventGraphicsAddress *l,
           const virDomainEventGraphicsAddress *r, const char *auth,
           const virDomainEventGraphicsSubject *subj, void *o)
{
    g_autoptr(GString) ids = g_string_new("");

    for (int i = 0; i < subj->nidentity; i++)
        g_string_append_printf(ids, " %s:%s", subj->identities[i].type,
                               subj->identities[i].name);
    put(o, d, "graphics %d %d %s %s %d %s %s %s%s", phase, l->family, l->node, l->service,
        r->family, r->node, r->service, auth, ids->str);
}

static void
cbBlockJob(virConnectPtr c, virDomainPtr d, const char *disk, int type, int status, void *o)
{
    put(o, d, "blockjob %s %d %d", S(disk), type, status);
}

static void
cbDiskChange(virConnectPtr c, virDomainPtr d, const char *oldp, const char *newp,
             const char *alias, int reason, void *o)
{
    put(o, d, "disk %s %s %s %d", S(oldp), S(newp), S(alias), reason);
}

static void
cbTray(virConnectPtr c, virDomainPtr d, const char *alias, int reason, void *o)
{
    put(o, d, "tray %s %d", S(alias), reason);
}

static void
cbBalloon(virConnectPtr c, virDomainPtr d, unsigned long long actual, void *o)
{
    put(o, d, "balloon %llu", actual);
}

static void
cbAlias(virConnectPtr c, virDomainPtr d, const char *alias, void *o)
{
    put(o, d, "alias %s", S(alias));
}

static void
cbParams(virConnectPtr c, virDomainPtr d, virTypedParameterPtr p, int n, void *o)
{
    g_autoptr(GString) s = g_string_new("params");

    for (int i = 0; i < n; i++) {
        if (p[i].type == VIR_TYPED_PARAM_STRING)
            g_string_append_printf(s, " %s=%s", p[i].field, p[i].value.s);
        else if (p[i].type == VIR_TYPED_PARAM_ULLONG)
            g_string_append_printf(s, " %s=%llu", p[i].field, p[i].value.ul);
        else if (p[i].type == VIR_TYPED_PARAM_INT)
            g_string_append_printf(s, " %s=%d", p[i].field, p[i].value.i);
        else
            g_string_append_printf(s, " %s:type%d", p[i].field, p[i].type);
    }
    put(o, d, "%s", s->str);
}

static void
cbAgent(virConnectPtr c, virDomainPtr d, int state, int reason, void *o)
{
    put(o, d, "agent %d %d", state, reason);
}

static void
cbMetadata(virConnectPtr c, virDomainPtr d, int type, const char *ns, void *o)
{
    put(o, d, "metadata %d %s", type, S(ns));
}

static void
cbThreshold(virConnectPtr c, virDomainPtr d, const char *dev, const char *path,
            unsigned long long threshold, unsigned long long excess, void *o)
{
    put(o, d, "threshold %s %s %llu %llu", S(dev), S(path), threshold, excess);
}

static void
cbMemFailure(virConnectPtr c, virDomainPtr d, int recipient, int action, unsigned int flags,
             void *o)
{
    put(o, d, "memfail %d %d %u", recipient, action, flags);
}

static void
cbMemSize(virConnectPtr c, virDomainPtr d, const char *alias, unsigned long long size, void *o)
{
    put(o, d, "memsize %s %llu", S(alias), size);
}

/* Queues the event of each ID on st; what the callback must then say. */
static const char *
queueOne(vkEventState *st, int id)
{
    const char *n = "alpha";

    switch (id) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        vkDomainEventQueueLifecycle(st, n, uuidA, 3, 2, 1);
        return "alpha|lifecycle 2 1;";
    case VIR_DOMAIN_EVENT_ID_REBOOT:
        vkDomainEventQueueReboot(st, n, uuidA, 3);
        return "alpha|generic;";
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE:
        vkDomainEventQueueRTCChange(st, n, uuidA, 3, -3600);
        return "alpha|rtc -3600;";
    case VIR_DOMAIN_EVENT_ID_WATCHDOG:
        vkDomainEventQueueInt(st, n, uuidA, 3, id, VIR_DOMAIN_EVENT_WATCHDOG_SHUTDOWN);
        return "alpha|int 4;";
    case VIR_DOMAIN_EVENT_ID_IO_ERROR:
        vkDomainEventQueueIOError(st, n, uuidA, 3, id, "/i.img", "virtio-disk0", 1, NULL);
        return "alpha|io /i.img virtio-disk0 1;";
    case VIR_DOMAIN_EVENT_ID_GRAPHICS: {
        virDomainEventGraphicsAddress l = { 0, (char *)"127.0.0.1", (char *)"5900" };
        virDomainEventGraphicsAddress r = { 1, (char *)"::1", (char *)"4242" };
        virDomainEventGraphicsSubjectIdentity ids[] = {
            { (char *)"x509dname", (char *)"CN=a" }, { (char *)"saslUsername", (char *)"bob" },
        };
        virDomainEventGraphicsSubject subj = { 2, ids };

        vkDomainEventQueueGraphics(st, n, uuidA, 3, 1, &l, &r, "vnc", &subj);
        return "alpha|graphics 1 0 127.0.0.1 5900 1 ::1 4242 vnc x509dname:CN=a "
               "saslUsername:bob;";
    }
    case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON:
        vkDomainEventQueueIOError(st, n, uuidA, 3, id, "/i.img", "virtio-disk0", 2, "enospc");
        return "alpha|io /i.img virtio-disk0 2 enospc;";
    case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR:
        vkDomainEventQueueInt(st, n, uuidA, 3, id, 0);
        return "alpha|generic;";
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB:
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2:
        vkDomainEventQueueBlockJob(st, n, uuidA, 3, id, "vda", 2, 0);
        return "alpha|blockjob vda 2 0;";
    case VIR_DOMAIN_EVENT_ID_DISK_CHANGE:
        vkDomainEventQueueDiskChange(st, n, uuidA, 3, "/a.iso", NULL, "sata0-0-0", 1);
        return "alpha|disk /a.iso (null) sata0-0-0 1;";
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE:
        vkDomainEventQueueTrayChange(st, n, uuidA, 3, "ide0-1-0", 1);
        return "alpha|tray ide0-1-0 1;";
    case VIR_DOMAIN_EVENT_ID_PMWAKEUP:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK:
        vkDomainEventQueueInt(st, n, uuidA, 3, id, 0);
        return "alpha|int 0;";
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE:
        vkDomainEventQueueBalloonChange(st, n, uuidA, 3, 524288);
        return "alpha|balloon 524288;";
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        vkDomainEventQueueDevice(st, n, uuidA, 3, id, "net0");
        return "alpha|alias net0;";
    case VIR_DOMAIN_EVENT_ID_TUNABLE: {
        virTypedParameter p[2] = { 0 };

        g_strlcpy(p[0].field, "cputune.vcpupin0", VIR_TYPED_PARAM_FIELD_LENGTH);
        p[0].type = VIR_TYPED_PARAM_STRING;
        p[0].value.s = (char *)"0-1";
        g_strlcpy(p[1].field, "cputune.cpu_shares", VIR_TYPED_PARAM_FIELD_LENGTH);
        p[1].type = VIR_TYPED_PARAM_ULLONG;
        p[1].value.ul = 1024;
        vkDomainEventQueueParams(st, n, uuidA, 3, id, p, 2);
        return "alpha|params cputune.vcpupin0=0-1 cputune.cpu_shares=1024;";
    }
    case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: {
        virTypedParameter p[2] = { 0 };

        g_strlcpy(p[0].field, VIR_DOMAIN_JOB_OPERATION, VIR_TYPED_PARAM_FIELD_LENGTH);
        p[0].type = VIR_TYPED_PARAM_INT;
        p[0].value.i = VIR_DOMAIN_JOB_OPERATION_SAVE;
        g_strlcpy(p[1].field, VIR_DOMAIN_JOB_TIME_ELAPSED, VIR_TYPED_PARAM_FIELD_LENGTH);
        p[1].type = VIR_TYPED_PARAM_ULLONG;
        p[1].value.ul = 10;
        vkDomainEventQueueParams(st, n, uuidA, 3, id, p, 2);
        return "alpha|params operation=2 time_elapsed=10;";
    }
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE:
        vkDomainEventQueueAgentLifecycle(st, n, uuidA, 3, 1, 2);
        return "alpha|agent 1 2;";
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION:
        vkDomainEventQueueInt(st, n, uuidA, 3, id, 3);
        return "alpha|int 3;";
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE:
        vkDomainEventQueueMetadataChange(st, n, uuidA, 3, 2, "http://x/");
        return "alpha|metadata 2 http://x/;";
    case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD:
        vkDomainEventQueueBlockThreshold(st, n, uuidA, 3, "vda[1]", "/i.img", 1000, 24);
        return "alpha|threshold vda[1] /i.img 1000 24;";
    case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE:
        vkDomainEventQueueMemoryFailure(st, n, uuidA, 3, 1, 2, 3);
        return "alpha|memfail 1 2 3;";
    case VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE:
        vkDomainEventQueueMemoryDeviceSizeChange(st, n, uuidA, 3, "dimm0", 131072);
        return "alpha|memsize dimm0 131072;";
    default:
        return NULL;
    }
}

static virConnectDomainEventGenericCallback
callbackFor(int id)
{
    switch (id) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE: return EV_CB(cbLifecycle);
    case VIR_DOMAIN_EVENT_ID_REBOOT:
    case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR: return cbGeneric;
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE: return EV_CB(cbRTC);
    case VIR_DOMAIN_EVENT_ID_WATCHDOG:
    case VIR_DOMAIN_EVENT_ID_PMWAKEUP:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND:
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK:
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION: return EV_CB(cbInt);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR: return EV_CB(cbIOError);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON: return EV_CB(cbIOErrorReason);
    case VIR_DOMAIN_EVENT_ID_GRAPHICS: return EV_CB(cbGraphics);
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB:
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: return EV_CB(cbBlockJob);
    case VIR_DOMAIN_EVENT_ID_DISK_CHANGE: return EV_CB(cbDiskChange);
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE: return EV_CB(cbTray);
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE: return EV_CB(cbBalloon);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED: return EV_CB(cbAlias);
    case VIR_DOMAIN_EVENT_ID_TUNABLE:
    case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: return EV_CB(cbParams);
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: return EV_CB(cbAgent);
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: return EV_CB(cbMetadata);
    case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD: return EV_CB(cbThreshold);
    case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE: return EV_CB(cbMemFailure);
    case VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE: return EV_CB(cbMemSize);
    default: return NULL;
    }
}

/* ---- the wire between the two states ---- */

static vkEventState *clientState;
static int lastProc;
static int messages;

/* What the daemon's sendEvent does, then what the client's reader does. */
static int
wireSend(vkServerClient *client, int proc, xdrproc_t filter, void *body)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    vkRpcHeader hdr = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, VK_RPC_MESSAGE, 1,
                        VK_RPC_OK };

    (void)client;
    assert_int_equal(vkRpcMessageEncode(msg, &hdr, filter, body), 0);
    assert_int_equal(vkRpcMessageDecodeHeader(msg), 0);
    assert_int_equal(msg->header.proc, proc);
    lastProc = proc;
    messages++;
    if (clientState)
        assert_true(vkRemoteDomainEventDispatch(clientState, msg));
    return 0;
}

/* events.c's job, minus the client bookkeeping. */
void
vkDispatchEventForward(vkEventReg *reg, void *msg)
{
    const vkEventForward *fwd = &vkDispatchDomainEvents[reg->eventID];

    if (reg->old)
        reg->client->sendEvent(reg->client, fwd->oldProc, fwd->oldFilter,
                               (char *)msg + fwd->oldOffset);
    else
        reg->client->sendEvent(reg->client, fwd->proc, fwd->filter, msg);
}

typedef struct {
    Rec *a, *b;
} Both;

static bool
bothSeen(void *data)
{
    Both *w = data;
    return w->a->n >= 1 && w->b->n >= 1;
}

static bool
oneSeen(void *data)
{
    return messages >= *(int *)data;
}

static void
test_every_id(void **state)
{
    virConnectPtr daemonConn = vkConnectNew();
    virConnectPtr clientConn = vkConnectNew();
    vkServerClient client = { .sendEvent = wireSend };

    (void)state;
    for (int id = 0; id < VIR_DOMAIN_EVENT_ID_LAST; id++) {
        vkEventState *stA = vkEventStateNew();
        vkEventState *stB = vkEventStateNew();
        vkEventReg *reg = g_new0(vkEventReg, 1);
        Rec local = { g_string_new(""), 0 };
        Rec remote = { g_string_new(""), 0 };
        Both w = { &local, &remote };
        const char *want;

        print_message("event ID %d\n", id);
        assert_non_null(vkDispatchDomainEvents[id].handler);
        reg->client = &client;
        reg->family = FAMILY_DOMAIN;
        reg->eventID = id;
        reg->callbackID = 7;
        assert_true(vkDomainEventRegisterAny(stA, daemonConn, NULL, id,
                                             (virConnectDomainEventGenericCallback)
                                             vkDispatchDomainEvents[id].handler,
                                             reg, g_free) >= 0);
        assert_true(vkDomainEventRegisterAny(stA, daemonConn, NULL, id, callbackFor(id),
                                             &local, NULL) >= 0);
        assert_true(vkDomainEventRegisterAny(stB, clientConn, NULL, id, callbackFor(id),
                                             &remote, NULL) >= 0);
        clientState = stB;
        want = queueOne(stA, id);
        assert_non_null(want);
        if (!loopRunUntil(bothSeen, &w))
            print_message("local \"%s\" remote \"%s\"\n", local.seen->str, remote.seen->str);
        assert_true(bothSeen(&w));
        assert_int_equal(lastProc, vkDispatchDomainEvents[id].proc);
        assert_string_equal(local.seen->str, want);
        assert_string_equal(remote.seen->str, want);
        clientState = NULL;
        vkEventStateFree(stA);
        vkEventStateFree(stB);
        g_string_free(local.seen, TRUE);
        g_string_free(remote.seen, TRUE);
    }
    vkConnectUnref(daemonConn);
    vkConnectUnref(clientConn);
}

/* The old registration (no callback IDs) gets the old procedure, whose
 * body is the nested one and decodes alone. */
static void
test_old_messages(void **state)
{
    virConnectPtr daemonConn = vkConnectNew();
    vkServerClient client = { .sendEvent = wireSend };

    (void)state;
    for (int id = 0; id <= VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED; id++) {
        vkEventState *stA = vkEventStateNew();
        vkEventReg *reg = g_new0(vkEventReg, 1);
        int want = messages + 1;

        assert_int_not_equal(vkDispatchDomainEvents[id].oldProc, 0);
        reg->client = &client;
        reg->family = FAMILY_DOMAIN;
        reg->eventID = id;
        reg->old = true;
        assert_true(vkDomainEventRegisterAny(stA, daemonConn, NULL, id,
                                             (virConnectDomainEventGenericCallback)
                                             vkDispatchDomainEvents[id].handler,
                                             reg, g_free) >= 0);
        assert_non_null(queueOne(stA, id));
        assert_true(loopRunUntil(oneSeen, &want));
        assert_int_equal(lastProc, vkDispatchDomainEvents[id].oldProc);
        vkEventStateFree(stA);
    }
    vkConnectUnref(daemonConn);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_id),
        cmocka_unit_test(test_old_messages),
    };

    virEventRegisterDefaultImpl();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
