/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-lxc: how long a container stack takes to start and to destroy a
 * minimal container.  Like bench-qemu, one source links against
 * libvirtkit or against libvirt, so the same program times virtkit
 * in-process, virtkitd and libvirtd's LXC driver: only the URI differs.
 * virDomainCreateXML returns once the container's init runs and
 * virDomainDestroy once it is gone, so each call is one timing.  Timings
 * are printed for people; nothing here is asserted.
 *
 *   bench-lxc URI ROOTFS [N]
 *
 * ROOTFS is a directory holding a busybox root filesystem (/bin/sh).
 * Prints "key value" lines: create_ms_median, create_ms_min,
 * destroy_ms_median, destroy_ms_min over N sequential pairs (after one
 * warm-up pair that is not counted).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "bench-util.h"

/* 64 MiB, a private network namespace with only lo (privnet: libvirt's
 * LXC driver would otherwise share the host's network, which virtkit
 * never does), one pty console, and an init shell that waits forever.
 * The loop keeps the shell itself as the init, as a real init would be. */
static char *
containerXML(const char *name, void *opaque)
{
    const char *rootfs = opaque;
    char *xml = NULL;

    if (asprintf(&xml,
                 "<domain type='lxc'>\n"
                 "  <name>%s</name>\n"
                 "  <memory unit='MiB'>64</memory>\n"
                 "  <vcpu>1</vcpu>\n"
                 "  <os>\n"
                 "    <type>exe</type>\n"
                 "    <init>/bin/sh</init>\n"
                 "    <initarg>-c</initarg>\n"
                 "    <initarg>while :; do sleep 3600 &amp; wait; done</initarg>\n"
                 "  </os>\n"
                 "  <features><privnet/></features>\n"
                 "  <devices>\n"
                 "    <filesystem type='mount'>\n"
                 "      <source dir='%s'/>\n"
                 "      <target dir='/'/>\n"
                 "    </filesystem>\n"
                 "    <console type='pty'/>\n"
                 "  </devices>\n"
                 "</domain>\n", name, rootfs) < 0)
        abort();
    return xml;
}

int
main(int argc, char **argv)
{
    int n = 20;
    double *createMs, *destroyMs;
    virConnectPtr conn;

    if (argc < 3) {
        fprintf(stderr, "usage: %s URI ROOTFS [N]\n", argv[0]);
        return 2;
    }
    if (argc > 3)
        n = atoi(argv[3]);
    if (n < 1)
        return 2;
    if (!(conn = virConnectOpen(argv[1]))) {
        fprintf(stderr, "bench-lxc: cannot open %s: %s\n", argv[1], virGetLastErrorMessage());
        return 1;
    }
    createMs = calloc(n, sizeof(double));
    destroyMs = calloc(n, sizeof(double));

    if (benchCreateDestroy(conn, "bench-lxc", "bl-seq", n, containerXML, argv[2],
                           createMs, destroyMs) < 0) {
        virConnectClose(conn);
        return 1;
    }
    printf("create_ms_median %.1f\n", benchMedian(createMs, n));
    printf("create_ms_min %.1f\n", createMs[0]);
    printf("destroy_ms_median %.1f\n", benchMedian(destroyMs, n));
    printf("destroy_ms_min %.1f\n", destroyMs[0]);
    free(createMs);
    free(destroyMs);
    virConnectClose(conn);
    return 0;
}
