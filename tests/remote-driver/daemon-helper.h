/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A private daemon for one test: a real libvirtd with only its built-in
 * test driver, or the virtkitd from the build, listening in its own
 * temporary socket directory.  Start returns once the daemon listens (it
 * tells us so: libvirtd --daemon exits its parent then, virtkitd writes
 * to --ready-fd), so no test waits by sleeping.
 */
#ifndef VK_TEST_DAEMON_HELPER_H
#define VK_TEST_DAEMON_HELPER_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    bool isChild;           /* virtkitd: our child, reaped with waitpid */
    char *dir;
    char *sock;             /* its read-write UNIX socket */
    char *uri;              /* test+unix:///default?socket=<sock> */
} vkTestDaemon;

/* which: "libvirtd", or the path of a virtkitd binary.  NULL when the
 * daemon cannot be started (reason printed on stderr). */
vkTestDaemon *vkTestDaemonStart(const char *which);
void vkTestDaemonSignal(vkTestDaemon *d, int sig);
/* Kills the daemon (if still there), waits for it, removes its files. */
void vkTestDaemonStop(vkTestDaemon *d);

#endif
