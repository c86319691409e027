/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-objevent.c: waiting for events — the loop every *event command
 * turns (vkshEventLoop) and the four commands for the objects other than
 * domains: net-event, pool-event, nodedev-event and secret-event.  Those
 * four differ only in the object they filter on and in their callbacks, so
 * one table row describes each and one function runs them all.
 *
 * The shell registered the default event loop before connecting; Ctrl-C
 * reaches the loop through a pipe watched like any other descriptor, and a
 * timeout is a loop timer, so nothing polls. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vksh.h"
#include "vksh-storage.h"

void
vkshEventPrint(vkshEventWait *w, const char *fmt, ...)
{
    va_list ap;

    if (w->done)
        return;                 /* one-shot: a second event in the same turn */
    if (w->timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

        printf("%s.%03d+0000: ", ts, g_date_time_get_microsecond(now) / 1000);
    }
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    w->count++;
    if (!w->loop)
        w->done = true;
}

bool
vkshEventTimeout(vkshCtl *ctl, const vkshCmd *cmd, int *timeout)
{
    *timeout = 0;
    if (vkshOptInt(ctl, cmd, "timeout", timeout) < 0)
        return false;
    if (vkshOptString(cmd, "timeout") && (*timeout <= 0 || *timeout > G_MAXINT / 1000)) {
        vkshError(ctl, "invalid timeout");
        return false;
    }
    return true;
}

static int interruptPipe[2] = { -1, -1 };

static void
onSigint(int sig)
{
    char c = 0;
    ssize_t rc G_GNUC_UNUSED = write(interruptPipe[1], &c, 1);
}

static void
onInterrupt(int watch, int fd, int events, void *opaque)
{
    vkshEventWait *w = opaque;
    char c;
    ssize_t rc G_GNUC_UNUSED = read(fd, &c, 1);

    w->done = true;
}

static void
onTimeout(int timer, void *opaque)
{
    vkshEventWait *w = opaque;

    w->timedOut = true;
    w->done = true;
}

bool
vkshEventLoop(vkshCtl *ctl, vkshEventWait *w, int timeout)
{
    struct sigaction sa, oldsa;
    int timer = -1, watch = -1;

    if (pipe(interruptPipe) == 0) {
        watch = virEventAddHandle(interruptPipe[0], VIR_EVENT_HANDLE_READABLE,
                                  onInterrupt, w, NULL);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = onSigint;
        sigaction(SIGINT, &sa, &oldsa);
    }
    if (timeout > 0 &&
        (timer = virEventAddTimeout(timeout * 1000, onTimeout, w, NULL)) < 0) {
        vkshError(ctl, "failed to set up the event timeout");
        w->done = true;
    }

    while (!w->done) {
        if (virEventRunDefaultImpl() < 0) {
            vkshSaveLibError(ctl);
            break;
        }
    }
    if (w->timedOut)
        vkshPrint(ctl, "event loop timed out\n");
    vkshPrint(ctl, "events received: %d\n", w->count);

    if (timer >= 0)
        virEventRemoveTimeout(timer);
    if (interruptPipe[0] >= 0) {
        sigaction(SIGINT, &oldsa, NULL);
        if (watch >= 0)
            virEventRemoveHandle(watch);
        close(interruptPipe[0]);
        close(interruptPipe[1]);
        interruptPipe[0] = interruptPipe[1] = -1;
    }
    return w->count > 0;
}

#define NAME_OF(table, i) VKSH_ENUM_NAME(table, i, "unknown")

/* ---- the callbacks, by object; lifecycle names by libvirt's enum values ---- */

static void
onNetLifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    static const char *const names[] = { "Defined", "Undefined", "Started", "Stopped" };

    vkshEventPrint(opaque, "event 'lifecycle' for network %s: %s\n",
                   virNetworkGetName(net), NAME_OF(names, event));
}

static void
onPoolLifecycle(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                void *opaque)
{
    static const char *const names[] = {
        "Defined", "Undefined", "Started", "Stopped", "Created", "Deleted",
    };

    vkshEventPrint(opaque, "event 'lifecycle' for storage pool %s: %s\n",
                   virStoragePoolGetName(pool), NAME_OF(names, event));
}

static void
onPoolRefresh(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    vkshEventPrint(opaque, "event 'refresh' for storage pool %s\n",
                   virStoragePoolGetName(pool));
}

static void
onNodedevLifecycle(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                   void *opaque)
{
    static const char *const names[] = { "Created", "Deleted", "Defined", "Undefined" };

    vkshEventPrint(opaque, "event 'lifecycle' for node device %s: %s\n",
                   virNodeDeviceGetName(dev), NAME_OF(names, event));
}

static void
onNodedevUpdate(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    vkshEventPrint(opaque, "event 'update' for node device %s\n", virNodeDeviceGetName(dev));
}

static void
onSecretLifecycle(virConnectPtr conn, virSecretPtr secret, int event, int detail,
                  void *opaque)
{
    static const char *const names[] = { "Defined", "Undefined" };
    char uuid[VIR_UUID_STRING_BUFLEN] = "";

    virSecretGetUUIDString(secret, uuid);
    vkshEventPrint(opaque, "event 'lifecycle' for secret %s: %s\n", uuid,
                   NAME_OF(names, event));
}

static void
onSecretValueChanged(virConnectPtr conn, virSecretPtr secret, void *opaque)
{
    char uuid[VIR_UUID_STRING_BUFLEN] = "";

    virSecretGetUUIDString(secret, uuid);
    vkshEventPrint(opaque, "event 'value-changed' for secret %s\n", uuid);
}

/* ---- lookup and (de)registration, by object ---- */

static void *
lookupNetwork(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    return vkshCommandNetwork(ctl, cmd, opt);
}

static void *
lookupPool(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    return vkshLookupPool(ctl, vkshOptString(cmd, opt));
}

static void *
lookupNodedev(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    const char *name = vkshOptString(cmd, opt);
    virNodeDevicePtr dev = virNodeDeviceLookupByName(ctl->conn, name);

    if (!dev)
        vkshError(ctl, "Could not find matching device '%s'", name);
    return dev;
}

static void *
lookupSecret(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    const char *uuid = vkshOptString(cmd, opt);
    virSecretPtr secret = virSecretLookupByUUIDString(ctl->conn, uuid);

    if (!secret)
        vkshError(ctl, "failed to get secret '%s'", uuid);
    return secret;
}

static int
registerNetwork(virConnectPtr conn, void *obj, int id, vkshEventWait *w)
{
    return virConnectNetworkEventRegisterAny(conn, obj, id,
                                             VIR_NETWORK_EVENT_CALLBACK(onNetLifecycle),
                                             w, NULL);
}

static int
registerPool(virConnectPtr conn, void *obj, int id, vkshEventWait *w)
{
    return virConnectStoragePoolEventRegisterAny(
        conn, obj, id, id == VIR_STORAGE_POOL_EVENT_ID_REFRESH ?
        VIR_STORAGE_POOL_EVENT_CALLBACK(onPoolRefresh) :
        VIR_STORAGE_POOL_EVENT_CALLBACK(onPoolLifecycle), w, NULL);
}

static int
registerNodedev(virConnectPtr conn, void *obj, int id, vkshEventWait *w)
{
    return virConnectNodeDeviceEventRegisterAny(
        conn, obj, id, id == VIR_NODE_DEVICE_EVENT_ID_UPDATE ?
        VIR_NODE_DEVICE_EVENT_CALLBACK(onNodedevUpdate) :
        VIR_NODE_DEVICE_EVENT_CALLBACK(onNodedevLifecycle), w, NULL);
}

static int
registerSecret(virConnectPtr conn, void *obj, int id, vkshEventWait *w)
{
    return virConnectSecretEventRegisterAny(
        conn, obj, id, id == VIR_SECRET_EVENT_ID_VALUE_CHANGED ?
        VIR_SECRET_EVENT_CALLBACK(onSecretValueChanged) :
        VIR_SECRET_EVENT_CALLBACK(onSecretLifecycle), w, NULL);
}

static void unrefNetwork(void *obj) { virNetworkFree(obj); }
static void unrefPool(void *obj) { virStoragePoolFree(obj); }
static void unrefNodedev(void *obj) { virNodeDeviceFree(obj); }
static void unrefSecret(void *obj) { virSecretFree(obj); }

typedef struct {
    const char *cmdName;
    const char *objOpt;                     /* the filter option */
    const char *const *events;              /* by event ID */
    int nevents;
    void *(*lookup)(vkshCtl *ctl, const vkshCmd *cmd, const char *opt);
    int (*reg)(virConnectPtr conn, void *obj, int id, vkshEventWait *w);
    int (*dereg)(virConnectPtr conn, int callbackID);
    void (*unref)(void *obj);
} objEventKind;

static const char *const netEvents[] = { "lifecycle" };
static const char *const poolEvents[] = { "lifecycle", "refresh" };
static const char *const nodedevEvents[] = { "lifecycle", "update" };
static const char *const secretEvents[] = { "lifecycle", "value-changed" };

static const objEventKind kinds[] = {
    { "net-event", "network", netEvents, G_N_ELEMENTS(netEvents), lookupNetwork,
      registerNetwork, virConnectNetworkEventDeregisterAny, unrefNetwork },
    { "pool-event", "pool", poolEvents, G_N_ELEMENTS(poolEvents), lookupPool,
      registerPool, virConnectStoragePoolEventDeregisterAny, unrefPool },
    { "nodedev-event", "device", nodedevEvents, G_N_ELEMENTS(nodedevEvents), lookupNodedev,
      registerNodedev, virConnectNodeDeviceEventDeregisterAny, unrefNodedev },
    { "secret-event", "secret", secretEvents, G_N_ELEMENTS(secretEvents), lookupSecret,
      registerSecret, virConnectSecretEventDeregisterAny, unrefSecret },
};

static bool
cmdObjectEvent(vkshCtl *ctl, const vkshCmd *cmd)
{
    const objEventKind *k = NULL;
    const char *eventName = vkshOptString(cmd, "event");
    vkshEventWait w = { ctl, vkshOptBool(cmd, "loop"), vkshOptBool(cmd, "timestamp"),
                        false, false, 0 };
    void *obj = NULL;
    int id = -1, callback = -1, timeout = 0;
    bool ok = false;

    for (size_t i = 0; i < G_N_ELEMENTS(kinds) && !k; i++) {
        if (strcmp(kinds[i].cmdName, cmd->def->name) == 0)
            k = &kinds[i];
    }
    g_assert(k);
    if (vkshOptBool(cmd, "list")) {
        for (int i = 0; i < k->nevents; i++)
            vkshPrint(ctl, "%s\n", k->events[i]);
        return true;
    }
    if (!eventName) {
        vkshError(ctl, "either --list or --event <type> is required");
        return false;
    }
    for (int i = 0; i < k->nevents && id < 0; i++) {
        if (strcmp(eventName, k->events[i]) == 0)
            id = i;
    }
    if (id < 0) {
        vkshError(ctl, "unknown event type %s", eventName);
        return false;
    }
    if (!vkshEventTimeout(ctl, cmd, &timeout))
        return false;
    if (vkshOptString(cmd, k->objOpt) && !(obj = k->lookup(ctl, cmd, k->objOpt))) {
        /* virsh 9.0's net-event reports the failed lookup, then waits
         * for the events of every network; the others stop there. */
        if (strcmp(k->objOpt, "network") != 0)
            return false;
        vkshReportLibError(ctl);
    }
    if ((callback = k->reg(ctl->conn, obj, id, &w)) >= 0) {
        ok = vkshEventLoop(ctl, &w, timeout);
        k->dereg(ctl->conn, callback);
    }
    if (obj)
        k->unref(obj);
    return ok;
}

#define OPTS_EVENT(objopt, objhelp) { \
    { objopt, VKSH_OT_STRING, 0, objhelp }, \
    { "event", VKSH_OT_STRING, 0, "which event type to wait for" }, \
    { "loop", VKSH_OT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" }, \
    { "timeout", VKSH_OT_INT, 0, "timeout seconds" }, \
    { "list", VKSH_OT_BOOL, 0, "list valid event types" }, \
    { "timestamp", VKSH_OT_BOOL, 0, "show timestamp for each printed event" }, \
    { NULL, 0, 0, NULL }, \
}

static const vkshOptDef optsNetEvent[] = OPTS_EVENT("network", "filter by network name or uuid");
static const vkshOptDef optsPoolEvent[] = OPTS_EVENT("pool", "filter by storage pool name or uuid");
static const vkshOptDef optsNodedevEvent[] = OPTS_EVENT("device", "filter by node device name");
static const vkshOptDef optsSecretEvent[] = OPTS_EVENT("secret", "filter by secret name or uuid");

VKSH_CMD(vkshCmdNetEvent, "net-event", cmdObjectEvent, optsNetEvent, "Network Events",
         "List event types, or wait for network events to occur");
VKSH_CMD(vkshCmdPoolEvent, "pool-event", cmdObjectEvent, optsPoolEvent, "Storage Pool Events",
         "List event types, or wait for storage pool events to occur");
VKSH_CMD(vkshCmdNodedevEvent, "nodedev-event", cmdObjectEvent, optsNodedevEvent,
         "Node Device Events", "List event types, or wait for node device events to occur");
VKSH_CMD(vkshCmdSecretEvent, "secret-event", cmdObjectEvent, optsSecretEvent, "Secret Events",
         "List event types, or wait for secret events to occur");
