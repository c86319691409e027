/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the in-process QEMU tests share: a qemu:///embed connection on a
 * temporary root and its removal with every guest a failed test left,
 * the domain type the host can run, and what a test reads from outside
 * the driver -- serial logs (waited for with inotify, never by
 * sleeping), the QEMU pid in the live-state file, the files under the
 * root.
 */
#ifndef VK_TESTS_QEMU_TEST_UTIL_H
#define VK_TESTS_QEMU_TEST_UTIL_H

#include <stdbool.h>

#include "virtkit/virtkit.h"
#include "micro-guest.h"

#define QEMU_TEST_BIN "/usr/bin/qemu-system-x86_64"

/* "kvm" where /dev/kvm opens, "qemu" (TCG) otherwise or when
 * VK_TEST_QEMU_ACCEL=tcg forces it. */
const char *qemuTestVirtType(void);

/* A fresh temporary root (prefix-XXXXXX) and qemu:///embed on it.  *root
 * and, when uri is not NULL, *uri are set on success; NULL (with the
 * reason on stderr, the root removed) on failure. */
virConnectPtr qemuTestOpenEmbed(const char *prefix, char **root, char **uri);

/* Destroys and undefines (with undefineFlags) every domain of conn. */
void qemuTestDropDomains(virConnectPtr conn, unsigned int undefineFlags);

/* qemuTestDropDomains, then closes conn and removes and frees root. */
void qemuTestCloseEmbed(virConnectPtr conn, char *root, unsigned int undefineFlags);

void qemuTestRmTree(const char *path);

/* Entries in top/sub (0 when it does not exist). */
int qemuTestCountDir(const char *top, const char *sub);

/* QEMU's pid from top/run/NAME.xml, or -1. */
int qemuTestStatusPid(const char *top, const char *name);

/* The process is gone and reaped (a zombie still counts as there). */
bool qemuTestProcessGone(int pid);

/* Whether top/serial-NAME.log holds needle. */
bool qemuTestSerialHas(const char *top, const char *name, const char *needle);

/* Waits (inotify on dir, no sleeping) until pred(data) holds; false after
 * guardSeconds, a bound against hangs rather than a timing check. */
bool qemuTestWaitInDir(const char *dir, int guardSeconds, bool (*pred)(void *), void *data);

/* qemuTestWaitInDir for needle in top/serial-NAME.log. */
bool qemuTestWaitSerial(const char *top, const char *name, const char *needle,
                        int guardSeconds);

#endif
