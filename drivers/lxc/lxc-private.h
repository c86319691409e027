/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the LXC driver's files.
 *
 * One vkLxcState per root directory; one mutex guards all its domains.
 * Container start and stop take milliseconds, so calls hold the mutex
 * throughout; the supervisor-exit watch (on the state's own thread)
 * takes it too and tells stale notifications apart by a generation
 * number.
 */
#ifndef VK_DRIVERS_LXC_PRIVATE_H
#define VK_DRIVERS_LXC_PRIVATE_H

#include <stdbool.h>
#include <glib.h>

#include "util/event-thread.h"

#include "core/driver.h"
#include "core/proc-watch.h"
#include "core/domain-event.h"
#include "core/domain-list.h"
#include "core/state-domains.h"
#include "conf/domain-conf.h"
#include "drivers/container/container.h"

/* shutdown: SIGTERM to init, then SIGKILL when it is still there */
#define VK_LXC_SHUTDOWN_GRACE_MS 10000
#define VK_LXC_DESTROY_WAIT_MS 10000

typedef struct {
    guint64 gen;
    int supervisor;
    int init;
    int supervisorPidfd;
    int initPidfd;             /* -1 when it could not be opened */
    vkCgroup *cgroup;
    char *statusPath;
    char *exitPath;
    char *consolePath;         /* the supervisor's console socket */
    int stopWhy;               /* vkContainerWhy we asked for, or -1 */
    vkProcWatch *watch;        /* the supervisor's pidfd */
} vkLxcRun;

/* name, uuid, id, state, reason, persistent, autostart, removed, def and
 * newDef are reached by core/domain-list.c too, by these names. */
typedef struct {
    gint refs;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    vkContainerState cstate;
    int state;                 /* virDomainState */
    int reason;
    bool persistent;
    bool autostart;            /* not supported yet: always false */
    bool removed;
    vkDomainDef *def;
    vkDomainDef *newDef;
    vkLxcRun *run;
    guint64 nextGen;
} vkLxcDomain;

typedef struct {
    VK_STATE_BASE;             /* lock, root, directories, events, ctx (frame) */
    char *cgroupBase;          /* "virtkit/lxc-<hash of root>" */
    vkDomainList domains;      /* vkLxcDomain objects */
} vkLxcState;

/* lxc-driver.c */
static inline vkLxcState *
vkLxcConnState(virConnectPtr conn)
{
    return conn->privateData;
}
/* Lookup by the handle's UUID, locked; on failure unlocks and reports
 * VIR_ERR_NO_DOMAIN. */
static inline vkLxcDomain *
vkLxcDomainGet(virDomainPtr dom, vkLxcState **stp)
{
    *stp = vkLxcConnState(dom->conn);
    return vkDomainListLockHandle(&(*stp)->domains, dom);
}
vkLxcDomain *vkLxcDomainRef(vkLxcDomain *obj);
void vkLxcDomainUnref(vkLxcDomain *obj);
/* The state's domain list (core/domain-list.h), called locked. */
static inline vkLxcDomain *
vkLxcDomainFindByUUID(vkLxcState *st, const unsigned char *uuid)
{
    return vkDomainListFindByUUID(&st->domains, uuid);
}
/* Adds or updates after libvirt's name/uuid checks; takes *def. */
static inline vkLxcDomain *
vkLxcDomainAdd(vkLxcState *st, vkDomainDef **def, bool live)
{
    return vkDomainListAdd(&st->domains, def, live, NULL);
}
static inline void
vkLxcDomainRemove(vkLxcState *st, vkLxcDomain *obj)
{
    vkDomainListRemove(&st->domains, obj);
}
static inline void
vkLxcEmitLifecycle(vkLxcState *st, vkLxcDomain *obj, int event, int detail)
{
    vkStateDomainEmit(&st->base, obj, event, detail);
}
static inline virDomainPtr
vkLxcMakeHandle(virConnectPtr conn, vkLxcDomain *obj)
{
    return vkDomainListMakeHandle(&vkLxcConnState(conn)->domains, conn, obj);
}
static inline bool
vkLxcCheckActive(vkLxcDomain *obj)
{
    return vkStateDomainCheckActive(VIR_FROM_LXC, obj->name, obj->id);
}
/* Moves obj through the state machine and sends the event; false (and
 * VIR_ERR_OPERATION_INVALID) when the transition is not allowed. */
bool vkLxcSetState(vkLxcState *st, vkLxcDomain *obj, vkContainerState to, vkContainerWhy why);
vkDomainDef *vkLxcParseDef(const char *xml, unsigned int flags);
/* Creates the config, run and log directories (at first need). */
static inline int
vkLxcEnsureDirs(vkLxcState *st)
{
    return vkStateEnsureDirs(&st->base);
}

/* lxc-domain.c: what LXC adds to the frame's domains (state-domains.h) */
extern const vkStateDomainOps vkLxcStateDomainOps;
int vkLxcDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
int vkLxcDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                           unsigned int flags);
/* lxc-namespace.c */
int vkLxcDomainLxcOpenNamespace(virDomainPtr dom, int **fdlist, unsigned int flags);
int vkLxcNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);
int vkLxcDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel);

/* lxc-lifecycle.c */
virDomainPtr vkLxcDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags);
int vkLxcDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
int vkLxcDomainCreate(virDomainPtr dom);
int vkLxcDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vkLxcDomainDestroy(virDomainPtr dom);
int vkLxcDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vkLxcDomainShutdown(virDomainPtr dom);
int vkLxcDomainSuspend(virDomainPtr dom);
int vkLxcDomainResume(virDomainPtr dom);
int vkLxcDomainReboot(virDomainPtr dom, unsigned int flags);
/* ROOT/run/<name><suffix> */
char *vkLxcRunFile(vkLxcState *st, const char *name, const char *suffix);
/* Follows obj->run's supervisor pidfd on the state's event thread. */
void vkLxcWatchRun(vkLxcState *st, vkLxcDomain *obj);
/* At state teardown: stop watching (containers keep running).  Locked. */
void vkLxcDetachAll(vkLxcState *st);

/* lxc-reattach.c */
/* Reads ROOT/run/\*.xml and follows every container still running. */
void vkLxcReattachAll(vkLxcState *st);

#endif
