/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "bench-util.h"

double
benchNowMs(void)
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

double
benchMedian(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmpDouble);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
benchCreateDestroy(virConnectPtr conn, const char *prog, const char *prefix, int n,
                   char *(*xmlFor)(const char *name, void *opaque), void *opaque,
                   double *createMs, double *destroyMs)
{
    for (int i = -1; i < n; i++) {
        char name[64];
        char *xml;
        virDomainPtr dom;
        double t0;

        snprintf(name, sizeof(name), "%s-%d", prefix, i + 1);
        xml = xmlFor(name, opaque);
        t0 = benchNowMs();
        dom = virDomainCreateXML(conn, xml, 0);
        if (i >= 0)
            createMs[i] = benchNowMs() - t0;
        free(xml);
        if (!dom) {
            fprintf(stderr, "%s: create %s: %s\n", prog, name, virGetLastErrorMessage());
            return -1;
        }
        t0 = benchNowMs();
        if (virDomainDestroy(dom) < 0) {
            fprintf(stderr, "%s: destroy %s: %s\n", prog, name, virGetLastErrorMessage());
            virDomainFree(dom);
            return -1;
        }
        if (i >= 0)
            destroyMs[i] = benchNowMs() - t0;
        virDomainFree(dom);
    }
    return 0;
}

long
benchRssKiB(long pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}
