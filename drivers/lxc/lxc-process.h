/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launching a container: the supervisor process and the namespaced init.
 */
#ifndef VK_DRIVERS_LXC_PROCESS_H
#define VK_DRIVERS_LXC_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "drivers/container/container.h"

/* Everything the supervisor and the init need, prepared before fork so
 * that the forked side calls nothing but plain system calls. */
typedef struct {
    const vkContainerDef *cdef;
    const char *hostname;
    char *const *env;          /* the init's whole environment */
    char *const *cgroupJoin;   /* cgroup.procs files the init joins */
    const char *logPath;       /* console output, appended */
    const char *exitPath;      /* the supervisor writes init's wait status */
    const char *procName;      /* supervisor's comm, "vklxc-<name>" */
} vkLxcLaunchPlan;

typedef struct {
    pid_t supervisor;
    pid_t init;                /* in the host's pid namespace */
    int supervisorPidfd;       /* readable when the supervisor exits */
} vkLxcLaunched;

/* Forks the supervisor (double fork: it is not our child and survives
 * us), which clones the init into new PID, mount, UTS, IPC and network
 * namespaces; returns once the init has exec'd, or -1 with the step that
 * failed inside the container named in the error. */
int vkLxcLaunch(const vkLxcLaunchPlan *plan, vkLxcLaunched *out);

/* The supervisor's comm prefix (checked on reattach). */
#define VK_LXC_PROC_PREFIX "vklxc-"

#endif
