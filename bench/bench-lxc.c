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
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static double
nowMs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmpDouble(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmpDouble);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 64 MiB, a private network namespace with only lo (privnet: libvirt's
 * LXC driver would otherwise share the host's network, which virtkit
 * never does), one pty console, and an init shell that waits forever.
 * The loop keeps the shell itself as the init, as a real init would be. */
static char *
containerXML(const char *name, const char *rootfs)
{
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
    double *createMs, *destroyMs, t0;
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

    /* One warm-up pair: first-use costs (cgroup parents, page cache of
     * the root filesystem) are not the per-container cost measured. */
    for (int i = -1; i < n; i++) {
        char name[64];
        char *xml;
        virDomainPtr dom;

        snprintf(name, sizeof(name), "bl-seq-%d", i + 1);
        xml = containerXML(name, argv[2]);
        t0 = nowMs();
        dom = virDomainCreateXML(conn, xml, 0);
        if (!dom) {
            fprintf(stderr, "bench-lxc: create %s: %s\n", name, virGetLastErrorMessage());
            virConnectClose(conn);
            return 1;
        }
        if (i >= 0)
            createMs[i] = nowMs() - t0;
        t0 = nowMs();
        if (virDomainDestroy(dom) < 0) {
            fprintf(stderr, "bench-lxc: destroy %s: %s\n", name, virGetLastErrorMessage());
            virDomainFree(dom);
            virConnectClose(conn);
            return 1;
        }
        if (i >= 0)
            destroyMs[i] = nowMs() - t0;
        virDomainFree(dom);
        free(xml);
    }
    printf("create_ms_median %.1f\n", median(createMs, n));
    printf("create_ms_min %.1f\n", createMs[0]);
    printf("destroy_ms_median %.1f\n", median(destroyMs, n));
    printf("destroy_ms_min %.1f\n", destroyMs[0]);
    free(createMs);
    free(destroyMs);
    virConnectClose(conn);
    return 0;
}
