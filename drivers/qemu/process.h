/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launching and stopping a QEMU process.
 */
#ifndef VK_QEMU_PROCESS_H
#define VK_QEMU_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

/* The fd number QEMU finds its listening monitor socket on. */
#define VK_QEMU_MONITOR_FD 3

typedef struct {
    pid_t pid;
    int pidfd;          /* becomes readable when the process exits */
    int monitorFd;      /* our connected end of the QMP socket */
} vkQemuLaunched;

/* Binds a listening UNIX socket at monitorPath (replacing a stale one),
 * connects to it, then forks and execs argv (argv[0] an absolute path)
 * with a minimal environment (LC_ALL=C, PATH, HOME=home), stdin from
 * /dev/null, stdout and stderr appended to logPath, the listening socket
 * as fd VK_QEMU_MONITOR_FD and no other fd, in a new session.  Returns 0
 * once exec succeeded (an exec failure is reported with its errno).
 * A probe is killed when the thread that launched it dies. */
int vkQemuProcessLaunchProbe(char **argv, const char *monitorPath, const char *logPath,
                             const char *home, vkQemuLaunched *out);
/* A guest: the same, lives on without its launcher, also handing QEMU passFds[i] as fd VK_QEMU_MONITOR_FD + 1 + i
 * (tap and vhost-net fds); the caller keeps and closes its copies. */
#define VK_QEMU_MAX_PASS_FDS 64
int vkQemuProcessLaunchFds(char **argv, const char *monitorPath, const char *logPath,
                           const char *home, const int *passFds, size_t npass,
                           vkQemuLaunched *out);

/* Sends SIGTERM, waits up to graceMs for the exit on the pidfd, then (if
 * force) SIGKILL and waits for the exit.  Does not reap.  0 once the
 * process is gone, -1 with an error otherwise. */
int vkQemuProcessKill(int pidfd, pid_t pid, int graceMs, bool force);

/* True when the process behind pidfd has exited (non-blocking). */
bool vkQemuProcessExited(int pidfd);
/* Reaps our child pid if it has exited; harmless for a non-child. */
void vkQemuProcessReap(pid_t pid);
/* The same, saying how it ended ("QEMU exited with status 1"), for an
 * error message; the caller frees. */
char *vkQemuProcessReapDescribe(pid_t pid);

/* The last KiB QEMU wrote to the log at path after offset from (a log
 * keeps earlier runs), or a note that it wrote nothing; never NULL. */
char *vkQemuLogTail(const char *path, size_t from);

/* The CPU time (ns) and resident memory (KiB) of a process, from /proc. */
int vkQemuProcessStats(pid_t pid, unsigned long long *cpuTimeNs,
                       unsigned long long *rssKiB);

#endif
