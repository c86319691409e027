/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-qemu: how long a hypervisor stack takes to start and to destroy a
 * minimal guest.  The same source links against libvirtkit or against
 * libvirt, so one program times virtkit in-process, virtkitd and libvirtd
 * alike: what differs is only the URI.  virDomainCreateXML returns once
 * the guest runs, virDomainDestroy once QEMU is gone, so each call is one
 * timing.  Timings are printed for people; nothing here is asserted.
 *
 *   bench-qemu URI GUEST_ELF TMPDIR [N] [CONCURRENT] [TYPE]
 *
 * Prints "key value" lines: create_ms_median, destroy_ms_median (over N
 * sequential create/destroy pairs), concurrent_ms (CONCURRENT creates at
 * once, from one thread each, until all run), concurrent_failures and,
 * through a daemon, concurrent_daemon_rss_kib (the daemon's VmRSS with all
 * of them running; the daemon is the peer of the URI's socket).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "bench-util.h"
#include "micro-guest.h"

static const char *guestElf;
static const char *tmpDir;
static const char *virtType = "kvm";
static virConnectPtr conn;

/* 128 MiB, 1 vCPU, no disk: the micro-guest on qboot.  The emulator is
 * named and the balloon left out so that libvirt's QEMU driver starts the
 * same QEMU as virtkit's. */
static char *
guestXML(const char *name, void *opaque)
{
    microGuestSpec spec = {
        .type = virtType, .name = name, .kernel = guestElf, .memoryMiB = 128, .logDir = tmpDir,
        .devices = "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                   "    <memballoon model='none'/>\n",
    };

    return microGuestXML(&spec);
}

typedef struct {
    int index;
    pthread_barrier_t *barrier;
    virDomainPtr dom;
} job;

static void *
createOne(void *opaque)
{
    job *j = opaque;
    char name[64];
    char *xml;

    snprintf(name, sizeof(name), "bq-conc-%d", j->index);
    xml = guestXML(name, NULL);
    pthread_barrier_wait(j->barrier);
    j->dom = virDomainCreateXML(conn, xml, 0);
    if (!j->dom)
        fprintf(stderr, "bench-qemu: create %s: %s\n", name, virGetLastErrorMessage());
    free(xml);
    return NULL;
}

/* The pid of the daemon listening on URI's socket=PATH (its peer
 * credentials), or -1 for an in-process URI. */
static long
daemonPid(const char *uri)
{
    const char *p = strstr(uri, "socket=");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct ucred cred = { .pid = -1 };
    socklen_t len = sizeof(cred);
    int fd;

    if (!p || strlen(p + 7) >= sizeof(addr.sun_path))
        return -1;
    strcpy(addr.sun_path, p + 7);
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        cred.pid = -1;
    close(fd);
    return cred.pid;
}

int
main(int argc, char **argv)
{
    int n = 20, conc = 20;
    double *createMs, *destroyMs, t0, concMs;
    int failures = 0;
    pthread_t *threads;
    job *jobs;
    pthread_barrier_t barrier;
    long pid;

    if (argc < 4) {
        fprintf(stderr, "usage: %s URI GUEST_ELF TMPDIR [N] [CONCURRENT] [kvm|qemu]\n", argv[0]);
        return 2;
    }
    guestElf = argv[2];
    tmpDir = argv[3];
    if (argc > 4)
        n = atoi(argv[4]);
    if (argc > 5)
        conc = atoi(argv[5]);
    if (argc > 6)
        virtType = argv[6];
    if (n < 1 || conc < 0)
        return 2;
    if (!(conn = virConnectOpen(argv[1]))) {
        fprintf(stderr, "bench-qemu: cannot open %s: %s\n", argv[1], virGetLastErrorMessage());
        return 1;
    }
    createMs = calloc(n, sizeof(double));
    destroyMs = calloc(n, sizeof(double));

    if (benchCreateDestroy(conn, "bench-qemu", "bq-seq", n, guestXML, NULL,
                           createMs, destroyMs) < 0)
        return 1;
    printf("create_ms_median %.1f\n", benchMedian(createMs, n));
    printf("destroy_ms_median %.1f\n", benchMedian(destroyMs, n));

    if (conc > 0) {
        threads = calloc(conc, sizeof(*threads));
        jobs = calloc(conc, sizeof(*jobs));
        pthread_barrier_init(&barrier, NULL, conc + 1);
        for (int i = 0; i < conc; i++) {
            jobs[i].index = i;
            jobs[i].barrier = &barrier;
            pthread_create(&threads[i], NULL, createOne, &jobs[i]);
        }
        t0 = benchNowMs();
        pthread_barrier_wait(&barrier);
        for (int i = 0; i < conc; i++)
            pthread_join(threads[i], NULL);
        concMs = benchNowMs() - t0;
        if ((pid = daemonPid(argv[1])) > 0)
            printf("concurrent_daemon_rss_kib %ld\n", benchRssKiB(pid));
        for (int i = 0; i < conc; i++) {
            if (!jobs[i].dom) {
                failures++;
                continue;
            }
            virDomainDestroy(jobs[i].dom);
            virDomainFree(jobs[i].dom);
        }
        printf("concurrent_ms %.1f\n", concMs);
        printf("concurrent_failures %d\n", failures);
    }
    virConnectClose(conn);
    return failures ? 1 : 0;
}
