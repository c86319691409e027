/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The stateful-driver frame: one driver state per root directory, and
 * the per-driver registry that connections find it through.
 *
 * A stateful driver (QEMU, LXC, OpenVZ, and the storage, network, secret
 * drivers to come) serves DRIVER:///system inside virtkitd and
 * DRIVER:///embed?root=DIR in any process.  Every connection of a process
 * to the same root shares one state, so that one connection's calls reach
 * every connection's event callbacks and one lock guards the objects.
 *
 * The idea: the driver's state type begins with VK_STATE_BASE, the
 * members the frame manages (lock, reference count, directories, event
 * fan-out, event thread), reachable both as st->runDir in the driver's
 * own files and as a vkStateBase * here.  The driver describes itself
 * once in a vkStateClass (scheme, system directories, hooks run when a
 * state is created and torn down) and keeps one vkStateRegistry; the
 * frame does the rest: URI checks, embed vs system roots, find-or-create
 * with reference counting, the last close, the daemon's system root.
 */
#ifndef VK_CORE_STATE_ROOT_H
#define VK_CORE_STATE_ROOT_H

#include <stdbool.h>
#include <glib.h>

#include "util/event-thread.h"
#include "core/driver.h"
#include "core/domain-event.h"

typedef struct _vkDomainList vkDomainList;
typedef struct _vkStateDomainOps vkStateDomainOps;
typedef struct _vkStateClass vkStateClass;

#define VK_STATE_BASE_MEMBERS \
    GMutex lock;              /* guards the driver's objects */ \
    int refs;                 /* open connections, +1 for the daemon's */ \
    char *root;               /* the registry key: a canonical root, or */ \
                              /* DRIVER:///system */ \
    char *configDir;          /* persistent configs (ROOT/etc) */ \
    char *runDir;             /* live state (ROOT/run) */ \
    char *logDir;             /* ROOT/log */ \
    char *saveDir;            /* ROOT/save */ \
    char *autostartDir;       /* CONFIGDIR/autostart: one link per object */ \
    bool privileged;          /* DRIVER:///system inside virtkitd */ \
    vkEventState *events;     /* callbacks of every connection to it */ \
    vkEventThread *evthread;  /* the state's own loop, when the class has one */ \
    GMainContext *ctx;        /* its context: pidfd and socket watches */ \
    vkDomainList *domainList; /* its domains, for the common entry points */ \
    const vkStateDomainOps *domainOps; \
    const vkStateClass *cls;

/* The frame's part of every driver state. */
typedef struct {
    VK_STATE_BASE_MEMBERS
} vkStateBase;

/* The first member of a driver's state type: the frame's part, named
 * both as a whole (st->base) and member by member (st->runDir). */
#define VK_STATE_BASE \
    union { \
        vkStateBase base; \
        struct { VK_STATE_BASE_MEMBERS }; \
    }

struct _vkStateClass {
    const char *scheme;          /* "qemu": qemu:///system, qemu:///embed?root= */
    const char *label;           /* "QEMU", in messages */
    int errdom;                  /* virErrorDomain of the frame's errors */
    const char *rootEnv;         /* names the system root when the daemon gives none */
    /* The system directories (config, run, log, save) when no root is
     * given; with a root they are ROOT/{etc,run,log,save}. */
    const char *systemDirs[4];
    /* Create config, run, log and save when the state is made; else the
     * driver calls vkStateEnsureDirs at its first write. */
    bool mkdirsAtStart;
    const char *threadName;      /* the state's event thread; NULL: none */
    size_t size;                 /* sizeof the driver's state type */
    /* Hooks, each optional.  init runs before the event thread exists
     * (set up the driver's members, load configs); start after it (reattach,
     * autostart); stop before the thread ends (stop watching guests,
     * called locked); finalize frees the driver's members. */
    int (*init)(vkStateBase *st);
    void (*start)(vkStateBase *st);
    void (*stop)(vkStateBase *st);
    void (*finalize)(vkStateBase *st);
};

/* A driver's states, one per root; a static of the driver's, set up with
 * VK_STATE_REGISTRY_INIT(&class). */
typedef struct {
    const vkStateClass *cls;
    GMutex lock;
    GHashTable *states;          /* root key -> vkStateBase */
    bool systemAllowed;          /* set by vkStateRegistrySetPrivileged */
    char *systemRoot;            /* its root, NULL: the system directories */
} vkStateRegistry;

#define VK_STATE_REGISTRY_INIT(c) { .cls = (c) }

/* The directories of a state being acquired (borrowed strings); any may be
 * NULL.  autostartDir is derived from configDir. */
typedef struct {
    const char *key;
    const char *configDir, *runDir, *logDir, *saveDir;
} vkStateDirs;

/* connectOpen for DRIVER:///system (only after SetPrivileged, else
 * declined, so the remote driver takes it) and DRIVER:///embed?root=DIR
 * (an absolute directory, not the system root of this process). */
vkDrvOpenStatus vkStateRegistryOpen(vkStateRegistry *reg, virConnectPtr conn,
                                    unsigned int flags);
/* connectClose: drops the connection's events and reference; the last
 * one tears the state down (running guests keep running). */
int vkStateRegistryClose(vkStateRegistry *reg, virConnectPtr conn);
/* Finds or creates the state for dirs->key with a reference taken; NULL
 * with the error set.  For drivers with roots of their own (OpenVZ). */
vkStateBase *vkStateRegistryAcquire(vkStateRegistry *reg, const vkStateDirs *dirs,
                                    bool privileged);

/* Drops a reference Acquire took; the last one tears the state down.
 * For drivers that keep their state elsewhere than conn->privateData
 * (secondary drivers: conn->familyPrivate). */
void vkStateRegistryRelease(vkStateRegistry *reg, vkStateBase *st);

/* virtkitd: DRIVER:///system opens in this process from now on, with its
 * files under root (else $rootEnv, else the class's system directories).
 * The state is created at once when there may be guests to reattach or
 * autostart (a root was given or the directories exist), otherwise at
 * the first open.  It holds one reference of the daemon's. */
int vkStateRegistrySetPrivileged(vkStateRegistry *reg, const char *root);
/* virtkitd's exit: drops the daemon's reference on the system state. */
void vkStateRegistryCleanup(vkStateRegistry *reg);
/* The two above as a state driver's init and cleanup, for a driver whose
 * vkStateDriver has its registry as opaque (core/state-driver.h). */
int vkStateRegistryStateInit(const vkStateDriver *drv, bool privileged, const char *root);
void vkStateRegistryStateCleanup(const vkStateDriver *drv);

/* Creates the config, run and log directories (and save when the class
 * creates them at start), at the driver's first need. */
int vkStateEnsureDirs(vkStateBase *st);

/* The state behind a connection of a stateful driver. */
static inline vkStateBase *
vkStateOf(virConnectPtr conn)
{
    return conn->privateData;
}

/* Table members every stateful driver shares. */
int vkStateConnectIsAlive(virConnectPtr conn);
int vkStateConnectIsSecure(virConnectPtr conn);
int vkStateConnectIsEncrypted(virConnectPtr conn);
char *vkStateConnectGetHostname(virConnectPtr conn);
int vkStateDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                               void *opaque, virFreeCallback freecb);
int vkStateDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb);
int vkStateDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                  virConnectDomainEventGenericCallback cb, void *opaque,
                                  virFreeCallback freecb);
int vkStateDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

#endif
