/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints what libvirtkit's remote client reads back from the array-filling
 * query procedures (vcpus, memory stats, scheduler parameters, cell free
 * memory, disk errors, pin info, cpu map, iothreads, node cpu stats) for
 * one domain, one line per fact.  test-virsh-more.py runs it against a real
 * libvirtd and compares the lines with python3-libvirt's view of the same
 * daemon: two independent clients agreeing is what proves the layouts.
 * A failing call prints "NAME error CODE" so errors compare too.
 *
 * usage: info-client URI DOMAIN
 */
#include <stdio.h>
#include <stdlib.h>

#include "virtkit/virtkit.h"

static void
printMap(const char *what, const unsigned char *map, int ncpus)
{
    printf("%s", what);
    for (int c = 0; c < ncpus; c++)
        putchar(VIR_CPU_USABLE(map, VIR_CPU_MAPLEN(ncpus), 0, c) ? 'y' : '-');
    putchar('\n');
}

static const char *
paramText(const virTypedParameter *p)
{
    static char buf[64];

    switch (p->type) {
    case VIR_TYPED_PARAM_INT: snprintf(buf, sizeof(buf), "%d", p->value.i); break;
    case VIR_TYPED_PARAM_UINT: snprintf(buf, sizeof(buf), "%u", p->value.ui); break;
    case VIR_TYPED_PARAM_LLONG: snprintf(buf, sizeof(buf), "%lld", p->value.l); break;
    case VIR_TYPED_PARAM_ULLONG: snprintf(buf, sizeof(buf), "%llu", p->value.ul); break;
    case VIR_TYPED_PARAM_BOOLEAN: snprintf(buf, sizeof(buf), "%d", p->value.b); break;
    default: snprintf(buf, sizeof(buf), "type%d", p->type); break;
    }
    return buf;
}

static void
failed(const char *what)
{
    printf("%s error %d\n", what, virGetLastErrorCode());
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo dinfo;
    unsigned char *cpumap = NULL;
    unsigned int online = 0;
    int ncpus;
    int maplen;
    int n;

    if (argc != 3) {
        fprintf(stderr, "usage: %s URI DOMAIN\n", argv[0]);
        return 2;
    }
    if (!(conn = virConnectOpen(argv[1])) || !(dom = virDomainLookupByName(conn, argv[2]))) {
        fprintf(stderr, "cannot reach domain '%s' on '%s'\n", argv[2], argv[1]);
        return 1;
    }
    if (virDomainGetInfo(dom, &dinfo) < 0)
        return 1;

    if ((ncpus = virNodeGetCPUMap(conn, &cpumap, &online, 0)) < 0) {
        virNodeInfo ninfo;

        failed("cpumap");
        if (virNodeGetInfo(conn, &ninfo) < 0)
            return 1;
        ncpus = ninfo.cpus;
    } else {
        printf("cpumap %d online %u\n", ncpus, online);
        printMap("cpumap ", cpumap, ncpus);
        free(cpumap);
    }
    maplen = VIR_CPU_MAPLEN(ncpus);

    {
        virVcpuInfo *info = calloc(dinfo.nrVirtCpu, sizeof(virVcpuInfo));
        unsigned char *maps = calloc(dinfo.nrVirtCpu * maplen, sizeof(unsigned char));

        if ((n = virDomainGetVcpus(dom, info, dinfo.nrVirtCpu, maps, maplen)) < 0)
            failed("vcpus");
        for (int i = 0; i < n; i++) {
            printf("vcpu %u state %d cpu %d\n", info[i].number, info[i].state, info[i].cpu);
            printMap("vcpumap ", maps + i * maplen, ncpus);
        }
        free(info);
        free(maps);
    }
    {
        unsigned char *maps = calloc(dinfo.nrVirtCpu * maplen, sizeof(unsigned char));

        if ((n = virDomainGetVcpuPinInfo(dom, dinfo.nrVirtCpu, maps, maplen, 0)) < 0)
            failed("vcpupin");
        for (int i = 0; i < n; i++)
            printMap("vcpupin ", maps + i * maplen, ncpus);
        free(maps);
    }
    {
        unsigned char *map = calloc(maplen, sizeof(unsigned char));

        if (virDomainGetEmulatorPinInfo(dom, map, maplen, 0) < 0)
            failed("emulatorpin");
        else
            printMap("emulatorpin ", map, ncpus);
        free(map);
    }
    {
        virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

        if ((n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0)) < 0)
            failed("memstat");
        for (int i = 0; i < n; i++)
            printf("memstat %d %llu\n", stats[i].tag, stats[i].val);
    }
    {
        int nparams = 0;
        char *type = virDomainGetSchedulerType(dom, &nparams);
        virTypedParameter *params = calloc(nparams + 1, sizeof(virTypedParameter));

        if (!type) {
            failed("sched");
        } else if (virDomainGetSchedulerParametersFlags(dom, params, &nparams, 0) < 0) {
            failed("sched");
        } else {
            for (int i = 0; i < nparams; i++)
                printf("sched %s %s\n", params[i].field, paramText(&params[i]));
        }
        /* the flag-less call (what `virsh schedinfo` uses) */
        if (type && virDomainGetSchedulerParameters(dom, params, &nparams) < 0) {
            failed("sched0");
        } else if (type) {
            for (int i = 0; i < nparams; i++)
                printf("sched0 %s %s\n", params[i].field, paramText(&params[i]));
        }
        free(type);
        free(params);
    }
    {
        unsigned long long cells[16];

        if ((n = virNodeGetCellsFreeMemory(conn, cells, 0, 16)) < 0)
            failed("cells");
        for (int i = 0; i < n; i++)
            printf("cell %d %llu\n", i, cells[i]);
    }
    {
        int count = virDomainGetDiskErrors(dom, NULL, 0, 0);

        if (count < 0) {
            failed("diskerr");
        } else {
            virDomainDiskError *errs = calloc(count + 1, sizeof(virDomainDiskError));

            if ((n = virDomainGetDiskErrors(dom, errs, count, 0)) < 0)
                failed("diskerr");
            for (int i = 0; i < n; i++) {
                printf("diskerr %s %d\n", errs[i].disk, errs[i].error);
                free(errs[i].disk);
            }
            free(errs);
        }
    }
    {
        virDomainIOThreadInfoPtr *threads = NULL;

        if ((n = virDomainGetIOThreadInfo(dom, &threads, 0)) < 0)
            failed("iothread");
        for (int i = 0; i < n; i++) {
            printf("iothread %u\n", threads[i]->iothread_id);
            virDomainIOThreadInfoFree(threads[i]);
        }
        free(threads);
    }
    {
        int nparams = 0;

        if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &nparams, 0) < 0) {
            failed("cpustats");
        } else {
            virNodeCPUStats *params = calloc(nparams + 1, sizeof(virNodeCPUStats));

            if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &nparams, 0) < 0)
                failed("cpustats");
            else
                for (int i = 0; i < nparams; i++)
                    printf("cpustats %s %llu\n", params[i].field, params[i].value);
            free(params);
        }
    }
    {
        virSecurityLabelPtr labels = NULL;

        if ((n = virDomainGetSecurityLabelList(dom, &labels)) < 0)
            failed("seclabels");
        for (int i = 0; i < n; i++)
            printf("seclabel '%s' %d\n", labels[i].label, labels[i].enforcing);
        free(labels);
    }
    {
        unsigned int keys[] = { 30 };

        if (virDomainSendKey(dom, VIR_KEYCODE_SET_LINUX, 0, keys, 1, 0) < 0)
            failed("sendkey");
        else
            printf("sendkey ok\n");
    }
    virDomainFree(dom);
    virConnectClose(conn);
    return 0;
}
