/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Twenty micro-guests at once: twenty threads share one qemu:///embed
 * connection and each creates a transient guest with virDomainCreateXML
 * at the same moment (a barrier releases them together).  Every guest
 * must reach running and print its marker, every one is destroyed, and
 * afterwards no QEMU the test started is alive and the run directory
 * holds no live state.  The driver's locking is what is under test: the
 * guests share the connection, the domain list and the event loop.
 * Nothing asserts on time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qemu-test-util.h"

#define NGUESTS 20

static const char *microElf;
static char *root;
static virConnectPtr conn;
static const char *virtType;

static char *
domainXML(const char *name)
{
    microGuestSpec spec = {
        .type = virtType, .name = name, .kernel = microElf, .memoryMiB = 32, .logDir = root,
    };

    return microGuestXML(&spec);
}

static bool
allBooted(void *data)
{
    const char *needle = data;

    for (int i = 0; i < NGUESTS; i++) {
        g_autofree char *name = g_strdup_printf("many%02d", i);

        if (!qemuTestSerialHas(root, name, needle))
            return false;
    }
    return true;
}

static void
quietError(void *opaque, virErrorPtr err)
{
}

static void
wakeLoop(int timer, void *opaque)
{
    virEventRemoveTimeout(timer);
}

static void *
eventThread(void *opaque)
{
    volatile gint *quit = opaque;

    while (!g_atomic_int_get(quit))
        virEventRunDefaultImpl();
    return NULL;
}

typedef struct {
    int index;
    pthread_barrier_t *barrier;
    virDomainPtr dom;           /* out */
    char *error;                /* out */
} createJob;

static void *
createThread(void *opaque)
{
    createJob *job = opaque;
    g_autofree char *name = g_strdup_printf("many%02d", job->index);
    g_autofree char *xml = domainXML(name);

    pthread_barrier_wait(job->barrier);
    job->dom = virDomainCreateXML(conn, xml, 0);
    if (!job->dom)
        job->error = g_strdup_printf("%s: %s", name, virGetLastErrorMessage());
    return NULL;
}

static void
destroyThreadBody(createJob *job)
{
    if (job->dom && virDomainDestroy(job->dom) < 0)
        job->error = g_strdup_printf("destroy many%02d: %s", job->index,
                                     virGetLastErrorMessage());
}

static void *
destroyThread(void *opaque)
{
    createJob *job = opaque;

    pthread_barrier_wait(job->barrier);
    destroyThreadBody(job);
    return NULL;
}

static void
runAll(createJob *jobs, void *(*fn)(void *))
{
    pthread_t threads[NGUESTS];
    pthread_barrier_t barrier;

    pthread_barrier_init(&barrier, NULL, NGUESTS);
    for (int i = 0; i < NGUESTS; i++) {
        jobs[i].barrier = &barrier;
        assert_int_equal(pthread_create(&threads[i], NULL, fn, &jobs[i]), 0);
    }
    for (int i = 0; i < NGUESTS; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&barrier);
}

static void
test_twenty_at_once(void **state)
{
    createJob jobs[NGUESTS] = { 0 };
    int pids[NGUESTS];
    virDomainPtr *doms = NULL;
    int failures = 0;
    int n;

    if (!conn)
        skip();
    for (int i = 0; i < NGUESTS; i++)
        jobs[i].index = i;

    runAll(jobs, createThread);
    for (int i = 0; i < NGUESTS; i++) {
        if (jobs[i].error) {
            fprintf(stderr, "create failed: %s\n", jobs[i].error);
            failures++;
        }
    }

    /* All twenty are listed as running, each with its own live QEMU. */
    for (int i = 0; i < NGUESTS; i++) {
        int st = -1, reason = -1;
        g_autofree char *name = g_strdup_printf("many%02d", i);

        pids[i] = qemuTestStatusPid(root, name);
        if (!jobs[i].dom)
            continue;
        assert_int_equal(virDomainGetState(jobs[i].dom, &st, &reason, 0), 0);
        assert_int_equal(st, VIR_DOMAIN_RUNNING);
        assert_true(pids[i] > 0);
        assert_false(qemuTestProcessGone(pids[i]));
        for (int j = 0; j < i; j++)
            assert_int_not_equal(pids[i], pids[j]);
    }
    assert_int_equal(failures, 0);
    n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    assert_int_equal(n, NGUESTS);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);

    /* Every guest booted: its marker is in its own serial log (inotify on
     * the root; the 60 s guard only stops a hang). */
    assert_true(qemuTestWaitInDir(root, 60, allBooted, (void *)"VK-MICRO-READY"));

    /* Destroyed concurrently as well; each destroy returns once its
     * QEMU has exited. */
    runAll(jobs, destroyThread);
    for (int i = 0; i < NGUESTS; i++) {
        if (jobs[i].error)
            fprintf(stderr, "%s\n", jobs[i].error);
        assert_null(jobs[i].error);
        assert_true(qemuTestProcessGone(pids[i]));
        /* Transient: once destroyed it is gone altogether. */
        assert_int_equal(virDomainIsActive(jobs[i].dom), -1);
        assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_DOMAIN);
        virDomainFree(jobs[i].dom);
        jobs[i].dom = NULL;
    }
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    doms = NULL;
    assert_int_equal(virConnectListAllDomains(conn, &doms, 0), 0);
    free(doms);
    /* No live state left under run/ (status XML, monitor sockets). */
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
}

static int
setup(void **state)
{
    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) || !microElf)
        return 0;
    virtType = qemuTestVirtType();
    conn = qemuTestOpenEmbed("vk-qemu-many", &root, NULL);
    return conn ? 0 : -1;
}

static int
teardown(void **state)
{
    if (conn)
        qemuTestCloseEmbed(conn, root, 0);
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twenty_at_once),
    };
    volatile gint quit = 0;
    pthread_t loop;
    int rc;

    if (argc > 1)
        microElf = argv[1];
    /* Expected errors (a destroyed transient guest) stay off stderr. */
    virSetErrorFunc(NULL, quietError);
    /* The default event loop runs in its own thread so that QMP events
     * and process exits are handled while the test's threads block. */
    virEventRegisterDefaultImpl();
    pthread_create(&loop, NULL, eventThread, (gpointer)&quit);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    g_atomic_int_set(&quit, 1);
    /* Wake the loop so that the thread sees quit. */
    virEventAddTimeout(0, wakeLoop, NULL, NULL);
    pthread_join(loop, NULL);
    return rc;
}
