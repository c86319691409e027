/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Concurrency: several threads define, start, query, list and undefine
 * domains on shared test:///default connections at once; afterwards the
 * counts are exactly what the threads left behind.
 */
#include "td-helpers.h"

#define NTHREADS 8
#define NDOMAINS 150

typedef struct {
    virConnectPtr conn;
    int index;
    int failures;
} worker;

static gpointer
workerRun(gpointer opaque)
{
    worker *w = opaque;

    for (int i = 0; i < NDOMAINS; i++) {
        g_autofree char *name = g_strdup_printf("t%d-d%d", w->index, i);
        g_autofree char *uuid = tdNameUUID(name);
        g_autofree char *xml = tdDomainXML(name, uuid, 65536);
        virDomainPtr dom = virDomainDefineXML(w->conn, xml);
        virDomainInfo info;
        virDomainPtr *all = NULL;
        int n;

        if (!dom) {
            w->failures++;
            continue;
        }
        if (virDomainCreate(dom) < 0 || virDomainGetInfo(dom, &info) < 0 ||
            info.state != VIR_DOMAIN_RUNNING)
            w->failures++;
        n = virConnectListAllDomains(w->conn, &all, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
        if (n < 1)
            w->failures++;
        for (int k = 0; k < n; k++)
            virDomainFree(all[k]);
        free(all);
        if (virDomainDestroy(dom) < 0)
            w->failures++;
        /* Keep every third domain. */
        if (i % 3 != 0 && virDomainUndefine(dom) < 0)
            w->failures++;
        virDomainFree(dom);
    }
    return NULL;
}

static void
test_parallel_define_undefine(void **state)
{
    virConnectPtr conns[2];
    GThread *threads[NTHREADS];
    worker workers[NTHREADS];
    int kept = 0;

    conns[0] = virConnectOpen(TD_URI);
    conns[1] = virConnectOpen(TD_URI);
    assert_non_null(conns[0]);
    assert_non_null(conns[1]);

    for (int t = 0; t < NTHREADS; t++) {
        workers[t] = (worker){ conns[t % 2], t, 0 };
        threads[t] = g_thread_new("td-worker", workerRun, &workers[t]);
    }
    for (int t = 0; t < NTHREADS; t++)
        g_thread_join(threads[t]);

    for (int t = 0; t < NTHREADS; t++)
        assert_int_equal(workers[t].failures, 0);
    for (int i = 0; i < NDOMAINS; i++)
        kept += i % 3 == 0;

    assert_int_equal(virConnectNumOfDefinedDomains(conns[0]), NTHREADS * kept);
    assert_int_equal(virConnectNumOfDomains(conns[1]), 1);
    assert_int_equal(virConnectListAllDomains(conns[1], NULL, 0), NTHREADS * kept + 1);
    /* Every start took a fresh id: test has 1, the workers 2..N+1. */
    {
        virDomainPtr dom = virDomainLookupByName(conns[0], "test");

        assert_int_equal(virDomainDestroy(dom), 0);
        assert_int_equal(virDomainCreate(dom), 0);
        assert_int_equal(virDomainGetID(dom), NTHREADS * NDOMAINS + 2);
        virDomainFree(dom);
    }
    virConnectClose(conns[0]);
    virConnectClose(conns[1]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_define_undefine),
    };

    virSetErrorFunc(NULL, tdQuietErrors);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
