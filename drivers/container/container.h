/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container front-end shared by the LXC and OpenVZ drivers.
 *
 * Three pieces, each usable alone:
 *  - vkContainerDef: the container view of a domain definition (root
 *    filesystem, init and its arguments and environment, resources,
 *    networks, console), built by a pure function that refuses what a
 *    container cannot be with VIR_ERR_CONFIG_UNSUPPORTED;
 *  - the lifecycle state machine: which transitions are allowed and which
 *    lifecycle event each one sends;
 *  - vkCgroup: a per-container control group over whatever layout the
 *    host has (cgroup v1, v2, or the hybrid of both), with limits,
 *    freezer, kill and statistics.
 */
#ifndef VK_DRIVERS_CONTAINER_H
#define VK_DRIVERS_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "conf/domain-conf.h"

/* ---- the container view of a definition ---- */

typedef struct {
    char *src;                 /* host directory */
    char *dst;                 /* path inside the container */
    bool readonly;
} vkContainerMount;

typedef struct {
    char *bridge;              /* host bridge the veth joins (for a network:
                                * set by the driver at start) */
    char *network;             /* <interface type='network'>: its network */
    char *ifname;              /* host-side name, NULL: generated */
    unsigned char mac[6];
} vkContainerNet;

typedef struct {
    char *name;
    char *rootDir;             /* <filesystem> whose target is '/' */
    GPtrArray *mounts;         /* vkContainerMount*, the other filesystems */
    char **argv;               /* init then its <initarg>s; NULL-terminated */
    char **env;                /* <initenv> as NAME=value; NULL-terminated */
    unsigned long long memoryKiB;
    unsigned int vcpus;
    unsigned long long cpuShares;   /* 0: not set */
    unsigned long long cpuPeriodUs; /* 0: not set */
    long long cpuQuotaUs;           /* 0: not set; < 0: unlimited */
    GPtrArray *nets;           /* vkContainerNet* */
    bool console;              /* a pty console was asked for */
    /* <idmap>: the /proc/PID/{uid,gid}_map text ("start target count\n"
     * per range), both set or both NULL (no user namespace).  Making the
     * root filesystem's files owned by the mapped ids is the caller's job. */
    char *uidMap;
    char *gidMap;
} vkContainerDef;

/* Builds the container view of def (type 'lxc' or 'openvz', os type
 * 'exe').  Returns NULL with VIR_ERR_CONFIG_UNSUPPORTED naming the
 * element a container cannot honour (a disk, graphics, a non-mount
 * filesystem, a non-pty console, ...) or VIR_ERR_XML_DETAIL for a bad
 * value. */
vkContainerDef *vkContainerDefFromDomain(const vkDomainDef *def);
void vkContainerDefFree(vkContainerDef *cdef);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkContainerDef, vkContainerDefFree)

/* ---- the lifecycle state machine ---- */

typedef enum {
    VK_CONTAINER_DEFINED,      /* shut off */
    VK_CONTAINER_STARTING,
    VK_CONTAINER_RUNNING,
    VK_CONTAINER_PAUSED,
    VK_CONTAINER_STOPPING,
    VK_CONTAINER_SHUTOFF,      /* after a run ended normally */
    VK_CONTAINER_CRASHED,
    VK_CONTAINER_LAST
} vkContainerState;

/* Why a transition happens; selects the reason and the event detail. */
typedef enum {
    VK_CONTAINER_WHY_BOOT,
    VK_CONTAINER_WHY_USER,         /* suspend / resume / shutdown request */
    VK_CONTAINER_WHY_SHUTDOWN,     /* init exited by itself or on request */
    VK_CONTAINER_WHY_DESTROYED,
    VK_CONTAINER_WHY_FAILED,       /* start failed or init killed from outside */
    VK_CONTAINER_WHY_RESTORED,     /* reattached after a restart */
} vkContainerWhy;

typedef struct {
    int state;     /* virDomainState */
    int reason;    /* its reason enum */
    int event;     /* virDomainEventType, -1: no event */
    int detail;
} vkContainerTransition;

/* Is from -> to allowed?  If so fills *out with what the domain reports
 * and which event to send, and returns true. */
bool vkContainerStateTransition(vkContainerState from, vkContainerState to,
                                vkContainerWhy why, vkContainerTransition *out);
const char *vkContainerStateName(vkContainerState s);

/* ---- control groups ---- */

typedef enum {
    VK_CGROUP_V1,
    VK_CGROUP_V2,
    VK_CGROUP_HYBRID,          /* v1 controllers plus an empty v2 mount */
} vkCgroupLayout;

typedef struct _vkCgroup vkCgroup;

typedef struct {
    unsigned long long memoryKiB;   /* 0: no limit */
    unsigned long long cpuShares;   /* 0: default */
    unsigned long long cpuPeriodUs; /* 0: default */
    long long cpuQuotaUs;           /* 0: no quota */
    long long pidsMax;              /* 0: no limit */
} vkCgroupLimits;

/* Reads the mount table from path instead of /proc/self/mounts (NULL
 * restores it): every group path derives from that table, so a test can
 * point the code at a directory tree that mimics cgroup2's files. */
void vkCgroupSetMountsFile(const char *path);

/* The host's layout; -1 with an error when no cgroup is mounted. */
int vkCgroupDetect(vkCgroupLayout *layout);
const char *vkCgroupLayoutName(vkCgroupLayout layout);

/* Creates relPath (e.g. "virtkit/lxc-x/web") in every hierarchy the
 * container needs: memory, cpu, cpuacct, pids, freezer under v1, and the
 * v2 mount when there is one (for cgroup.kill and cgroup.freeze).  An
 * existing group is reused (a leftover of a crash is emptied by the
 * caller's kill). */
vkCgroup *vkCgroupCreate(const char *relPath);
/* The same group, not created: for a reattach. */
vkCgroup *vkCgroupOpen(const char *relPath);
void vkCgroupFree(vkCgroup *cg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkCgroup, vkCgroupFree)
const char *vkCgroupPath(const vkCgroup *cg);

int vkCgroupApply(vkCgroup *cg, const vkCgroupLimits *lim, const char *name);
/* The cgroup.procs (v1: also tasks-less) files a process writes "0" to
 * to join the group; NULL-terminated, owned by cg. */
char *const *vkCgroupJoinFiles(vkCgroup *cg);
/* Freezes or thaws every process; waits until the kernel says frozen
 * (v2: cgroup.events, watched with inotify; v1: freezer.state). */
int vkCgroupSetFrozen(vkCgroup *cg, bool frozen, const char *name);
/* 1 frozen, 0 not, -1 unknown. */
int vkCgroupIsFrozen(vkCgroup *cg);
/* SIGKILL to every process of the group (cgroup.kill when the kernel has
 * it).  Does not wait. */
int vkCgroupKill(vkCgroup *cg);
bool vkCgroupIsEmpty(vkCgroup *cg);
/* rmdir in every hierarchy (and the empty parents virtkit made). */
int vkCgroupRemove(vkCgroup *cg);
/* Total CPU time (ns) and memory in use (KiB). */
int vkCgroupGetStats(vkCgroup *cg, unsigned long long *cpuNs,
                     unsigned long long *memKiB);

#endif
