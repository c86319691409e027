/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the LXC tests (tests/lxc, tests/crash/lxc-paths.c) share: the host
 * check, the busybox-static root filesystem they build, and what they
 * read about a running container from outside the driver -- the init's
 * pid in the live-state file, its console log, its namespaces, whether
 * its processes are gone.  No cmocka here: lxc-paths is a plain program.
 */
#ifndef VK_TESTS_LXC_TEST_UTIL_H
#define VK_TESTS_LXC_TEST_UTIL_H

#include <stdbool.h>

#define LXC_TEST_BUSYBOX "/bin/busybox"

/* 0 when containers can run here (root, busybox-static, the namespace
 * file nsFile such as "/proc/self/ns/pid"); else 77, the reason printed. */
int lxcTestHostCheck(const char *nsFile);

/* Makes rootfs with the directories dirs (NULL-terminated), the busybox
 * binary in bin/ and the applets as symlinks to it. */
bool lxcTestBuildRootfs(const char *rootfs, const char *const *dirs,
                        const char *const *applets);

/* The init's pid from stateRoot/run/NAME.xml, or -1. */
int lxcTestInitPid(const char *stateRoot, const char *name);

/* Waits (inotify, bounded at about ten seconds) until the console log
 * stateRoot/log/NAME.log holds needle count times. */
bool lxcTestLogHas(const char *stateRoot, const char *name, const char *needle, int count);

/* Gone, or a zombie waiting for the host's init to reap it. */
bool lxcTestProcessGone(int pid);

/* Whether pid shares our namespace ns ("pid", "net", ...); a namespace
 * that cannot be read counts as shared, so that "differs" fails. */
bool lxcTestSharesNs(int pid, const char *ns);

/* rm -rf path: container roots hold device nodes and mounts' leftovers. */
void lxcTestRmTree(const char *path);

#endif
