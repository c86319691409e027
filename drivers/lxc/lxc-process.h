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
    const char *consolePath;   /* the UNIX socket relaying the console */
    unsigned int netCount;     /* the init brings up eth0 .. eth<netCount-1> */
    /* Called in the caller once the init exists in its namespaces and
     * waits (cgroups joined, id maps written, nothing mounted yet): for
     * what needs the init's pid, such as moving interfaces into its
     * network namespace.  -1 (error set) aborts the start. */
    int (*prepare)(pid_t init, void *opaque);
    void *prepareOpaque;
} vkLxcLaunchPlan;

typedef struct {
    pid_t supervisor;
    pid_t init;                /* in the host's pid namespace */
    int supervisorPidfd;       /* readable when the supervisor exits */
} vkLxcLaunched;

/* Forks the supervisor (double fork: it is not our child and survives
 * us), which clones the init into new PID, mount, UTS, IPC and network
 * namespaces (and a user namespace when the definition maps ids); returns once the init has exec'd, or -1 with the step that
 * failed inside the container named in the error. */
int vkLxcLaunch(const vkLxcLaunchPlan *plan, vkLxcLaunched *out);

/* lxc-console.c.  In the supervisor (plain system calls only): a
 * listening socket at path, and the relay between the pty master, the
 * log and one client of that socket, until the pty hangs up. */
int vkLxcConsoleListen(const char *path);
void vkLxcConsoleRelay(int master, int logFd, int listenFd);
/* In the driver: a connected socket to a container's console. */
int vkLxcConsoleConnect(const char *path, const char *name);

/* The supervisor's comm prefix (checked on reattach). */
#define VK_LXC_PROC_PREFIX "vklxc-"

#endif
