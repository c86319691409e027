/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What bench-qemu, bench-lxc and bench-remote share: the clock, the
 * median, a process's RSS, and the timed loop of sequential virDomainCreateXML/virDomainDestroy pairs.
 * Compiled into each bench binary (libvirtkit and libvirt builds alike),
 * so it uses libvirt's public names only.
 */
#ifndef VK_BENCH_UTIL_H
#define VK_BENCH_UTIL_H

#include <libvirt/libvirt.h>

double benchNowMs(void);

/* VmRSS of process pid in KiB, or -1. */
long benchRssKiB(long pid);

/* The median of v[0..n-1]; sorts v in place, so v[0] is then the minimum. */
double benchMedian(double *v, int n);

/* One warm-up pair (first-use costs are not the per-domain cost being
 * measured), then n pairs timed into createMs[] and destroyMs[].  Domain
 * i is named PREFIX-i and described by xmlFor(name, opaque), a malloc'd
 * string.  0, or -1 with the failed call reported on stderr as PROG. */
int benchCreateDestroy(virConnectPtr conn, const char *prog, const char *prefix, int n,
                       char *(*xmlFor)(const char *name, void *opaque), void *opaque,
                       double *createMs, double *destroyMs);

#endif
