/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the Xen driver: the sub-driver contract and the connection state.
 *
 * Each sub-driver (hypervisor, xend, xenstore) implements what it can of
 * a small table; driver.c asks them in a fixed order per operation.  An
 * entry returns VK_XEN_UNHANDLED ("not mine, ask the next one") when the
 * sub-driver is not open or cannot answer that question, 0 on success and
 * -1 with an error reported when it tried and failed.
 */
#ifndef VK_XEN_PRIVATE_H
#define VK_XEN_PRIVATE_H

#include <glib.h>

#include "core/object.h"
#include "core/domain-event.h"
#include "conf/capabilities.h"
#include "conf/domain-conf.h"
#include "drivers/xen/xend.h"

#define VK_XEN_UNHANDLED 1

typedef struct _vkXenPriv vkXenPriv;

/* What is known of one domain.  Lookups fill in missing fields, so the
 * answers of several sub-drivers merge (the hypervisor knows the state,
 * xenstore the name). */
typedef struct {
    int id;                        /* -1 when inactive or unknown */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool haveUUID;
    bool haveState;
    int state;                     /* virDomainState */
    unsigned long long maxMem;     /* KiB */
    unsigned long long memory;     /* KiB */
    unsigned int vcpus;
    unsigned long long cpuTime;    /* ns */
} vkXenDomInfo;

void vkXenDomInfoClear(vkXenDomInfo *info);
void vkXenDomInfoFree(vkXenDomInfo *info);
vkXenDomInfo *vkXenDomInfoNew(void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkXenDomInfo, vkXenDomInfoFree)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vkXenDomInfo, vkXenDomInfoClear)

typedef enum {
    VK_XEN_KEY_ID,
    VK_XEN_KEY_NAME,
    VK_XEN_KEY_UUID,
} vkXenKeyType;

typedef enum {
    VK_XEN_OP_PAUSE,
    VK_XEN_OP_UNPAUSE,
    VK_XEN_OP_SHUTDOWN,
    VK_XEN_OP_REBOOT,
    VK_XEN_OP_DESTROY,
    VK_XEN_OP_START,
    VK_XEN_OP_UNDEFINE,
    VK_XEN_OP_SET_MEMORY,          /* arg: KiB */
    VK_XEN_OP_SET_MAXMEM,          /* arg: KiB */
    VK_XEN_OP_SET_VCPUS,           /* arg: count */
} vkXenOp;

typedef struct {
    const char *name;
    /* Appends vkXenDomInfo* for active (inactive = false) or defined but
     * inactive domains to out. */
    int (*list)(vkXenPriv *p, bool inactive, GPtrArray *out);
    /* Fills the missing fields of info, found by the field key names. */
    int (*lookup)(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info);
    int (*control)(vkXenPriv *p, const vkXenDomInfo *dom, vkXenOp op,
                   unsigned long long arg);
    int (*nodeInfo)(vkXenPriv *p, virNodeInfoPtr info);
    int (*version)(vkXenPriv *p, unsigned long *ver);
    /* The hypervisor's capability string (g_free) and its version. */
    int (*capabilities)(vkXenPriv *p, char **xenCaps, unsigned long *ver);
} vkXenSubDriver;

enum {
    VK_XEN_SUB_HYPERVISOR,
    VK_XEN_SUB_XEND,
    VK_XEN_SUB_XENSTORE,
    VK_XEN_SUB_LAST
};

struct _vkXenPriv {
    GMutex lock;                   /* serialises use of hv and xs */
    void *hv;                      /* hypervisor.c's handle, or NULL */
    void *xs;                      /* xenstore.c's handle, or NULL */
    vkXend *xend;                  /* NULL when xend did not answer */
};

extern const vkXenSubDriver vkXenHypervisorSub;
extern const vkXenSubDriver vkXenXendSub;
extern const vkXenSubDriver vkXenStoreSub;

/* Open: 0 opened, VK_XEN_UNHANDLED when that interface is absent here
 * (no /dev/xen, built without the library), -1 on a real error. */
int vkXenHypervisorOpen(vkXenPriv *p);
void vkXenHypervisorClose(vkXenPriv *p);
int vkXenStoreOpen(vkXenPriv *p);
void vkXenStoreClose(vkXenPriv *p);

/* ---- dispatch.c ---- */
#define VK_XEN_END (-1)
/* Sub-driver orders per operation, each ending in VK_XEN_END. */
extern const int vkXenOrderList[];
extern const int vkXenOrderListDefined[];
extern const int vkXenOrderLookupID[];
extern const int vkXenOrderLookupName[];
extern const int vkXenOrderLookupUUID[];
extern const int vkXenOrderInfo[];
extern const int vkXenOrderPauseDestroy[];
extern const int vkXenOrderShutdown[];
extern const int vkXenOrderLifecycle[];
extern const int vkXenOrderSetMemory[];
extern const int vkXenOrderSetVcpus[];
extern const int vkXenOrderNode[];
extern const int vkXenOrderVersion[];
extern const int vkXenOrderCaps[];

const vkXenSubDriver *vkXenSub(int which);
vkXenPriv *vkXenPrivOf(virConnectPtr conn);
bool vkXenDomInfoComplete(const vkXenDomInfo *info);
/* Asks the sub-drivers of order in turn, merging their answers; 0 when
 * one found the domain, VK_XEN_UNHANDLED when none did, -1 on error. */
int vkXenLookupMerge(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info,
                     const int *order);
/* VIR_ERR_NO_DOMAIN naming the key's id, name or UUID. */
void vkXenReportNoDomain(const vkXenDomInfo *key, vkXenKeyType type);
/* The current state of dom, found by name (a handle's id may be stale). */
int vkXenDomainInfo(virDomainPtr dom, vkXenDomInfo *info);
/* Runs op on the first sub-driver of order that handles it; what names
 * the action in the error when none does. */
int vkXenControl(virDomainPtr dom, const int *order, vkXenOp op,
                 unsigned long long arg, const char *what);

/* xend-only operations (xend-ops in driver.c's terms). */
vkDomainDef *vkXenXendGetDef(vkXenPriv *p, const char *name, bool inactive);
/* op=create (start = true) or op=new; fills out (name, uuid, id). */
int vkXenXendCreate(vkXenPriv *p, const vkDomainDef *def, bool start,
                    vkXenDomInfo *out);

/* ---- xen-caps.c ---- */
/* The capabilities of a hypervisor whose XENVER_capabilities string is
 * xenCaps, at version (major * 1000000 + minor * 1000 + release). */
vkCaps *vkXenCapsFromString(const char *xenCaps, unsigned long version);
char *vkXenConnectGetCapabilities(virConnectPtr conn);

/* ---- xen-events.c: lifecycle events, one state for the process ---- */
/* Every open connection holds a reference; Unref also forgets conn's
 * callbacks. */
void vkXenEventsRef(void);
void vkXenEventsUnref(virConnectPtr conn);
/* Queues a lifecycle event raised by the driver's own operation.  While
 * the XenStore watch runs, a start or stop goes through its rescan
 * instead, so that it is announced once. */
void vkXenEventsLifecycle(const char *name, const unsigned char *uuid, int id,
                          int event, int detail);
/* Before an operation whose stop the watch may see before the driver
 * announces it: the detail to use; Forget when the operation failed. */
void vkXenEventsExpect(const unsigned char *uuid, int event, int detail);
void vkXenEventsForget(const unsigned char *uuid, int event);
/* For the watch's rescan: the detail the driver left for the domain's
 * event (then forgotten), false when none. */
bool vkXenEventsTakeHint(const unsigned char *uuid, int event, int *detail);
/* A shutdown of the domain running as id was asked for; Seen announces
 * STOPPED/SHUTDOWN when info shows that run over. */
void vkXenEventsShutdownAsked(const unsigned char *uuid, int id);
void vkXenEventsSeen(const vkXenDomInfo *info);
/* The domain is not there any more (a transient one xend forgot). */
void vkXenEventsGone(const char *name, const unsigned char *uuid);
int vkXenConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                    void *opaque, virFreeCallback freecb);
int vkXenConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb);
int vkXenConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                       virConnectDomainEventGenericCallback cb,
                                       void *opaque, virFreeCallback freecb);
int vkXenConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/* ---- xenstore-watch.c: starts and stops seen in XenStore ---- */
typedef struct _vkXenWatch vkXenWatch;
/* NULL with an error (VIR_ERR_NO_SUPPORT in a build without libxenstore). */
vkXenWatch *vkXenWatchStart(vkEventState *events);
/* Joins the watch's thread; NULL is fine. */
void vkXenWatchStop(vkXenWatch *w);
/* Compares XenStore with the last scan now, from the caller's thread. */
void vkXenWatchRescan(vkXenWatch *w);

/* ---- driver.c / xen-list.c: the connection driver's listing ---- */
virDomainPtr vkXenDomainFromInfo(virConnectPtr conn, const vkXenDomInfo *info);
int xenConnectNumOfDomains(virConnectPtr conn);
int xenConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int xenConnectNumOfDefinedDomains(virConnectPtr conn);
int xenConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int xenConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);

#endif
