/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver against real QEMU, in-process (qemu:///embed?root=TMP),
 * with the micro-guest built from tests/qemu/guest/micro.S: host queries,
 * define-time refusals, start with the serial marker, suspend/resume,
 * ACPI shutdown seen through QMP, destroy, kill -9 from outside, a start
 * that fails.  KVM where /dev/kvm opens, TCG otherwise.  Every test ends
 * with no QEMU process and no file left behind.  Nothing asserts on time;
 * the kill -9 test prints how long the notice took.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qemu-test-util.h"
#include "util/atomic-file.h"
#include "../events/lifecycle-log.h"

#define SERIAL_GUARD_S 20

static const char *microElf;
static char *root;
static virConnectPtr conn;
static const char *virtType;
static lifecycleLog events;
static int callbackId = -1;

static char *
domainXML(const char *name, const char *kernel)
{
    microGuestSpec spec = {
        .type = virtType, .name = name, .kernel = kernel, .memoryMiB = 64, .logDir = root,
    };

    return microGuestXML(&spec);
}

static int
setup(void **state)
{
    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) || !microElf)
        return 0;
    virtType = qemuTestVirtType();
    virEventRegisterDefaultImpl();
    if (!(conn = qemuTestOpenEmbed("vk-qemu", &root, NULL)))
        return -1;
    fprintf(stderr, "# guests run with domain type '%s'\n", virtType);
    lifecycleLogInit(&events);
    callbackId = lifecycleLogAttach(&events, conn);
    return callbackId >= 0 ? 0 : -1;
}

static int
teardown(void **state)
{
    if (!conn)
        return 0;
    virConnectDomainEventDeregisterAny(conn, callbackId);
    /* Whatever a failed test left: stop and forget it. */
    qemuTestCloseEmbed(conn, root, 0);
    lifecycleLogClear(&events);
    return 0;
}

static void
skipWithoutQemu(void)
{
    if (!conn)
        skip();
}

static void
resetEvents(void)
{
    lifecycleLogReset(&events);
}

static void
test_host(void **state)
{
    g_autofree char *caps = NULL;
    unsigned long ver = 0;
    virNodeInfo info;
    virConnectPtr other;

    skipWithoutQemu();
    assert_string_equal(virConnectGetType(conn), "QEMU");
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_true(ver >= 2000000);  /* some real QEMU, major.minor.micro packed */
    caps = virConnectGetCapabilities(conn);
    assert_non_null(caps);
    assert_non_null(strstr(caps, "<domain type='qemu'"));
    assert_non_null(strstr(caps, "<arch name='x86_64'>"));
    assert_non_null(strstr(caps, "canonical='pc-i440fx-"));
    if (strcmp(virtType, "kvm") == 0)
        assert_non_null(strstr(caps, "<domain type='kvm'"));
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_true(info.memory > 0 && info.cpus > 0);

    /* Only the embed form is ours; a missing root is an error. */
    other = virConnectOpen("qemu:///embed");
    assert_null(other);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    other = virConnectOpen("qemu:///embed?root=relative/dir");
    assert_null(other);
}

static void
test_define_refusals(void **state)
{
    const char *bad =
        "<domain type='qemu'><name>bad</name><memory>65536</memory>"
        "<os><type>hvm</type></os><devices>"
        "<panic model='s390'/></devices></domain>";
    virDomainPtr dom;

    skipWithoutQemu();
    dom = virDomainDefineXML(conn, bad);
    assert_null(dom);
    assert_int_equal(virGetLastError()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(strstr(virGetLastErrorMessage(), "panic model 's390'"));
    assert_int_equal(qemuTestCountDir(root, "etc"), 0);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
}

static int
failWrite(vkAtomicFileStep step, const char *path)
{
    return step == VK_ATOMIC_FILE_STEP_WRITE ? ENOSPC : 0;
}

/* Names are data: "." and ".." are valid (as in libvirt) and their files
 * stay inside the driver's directories; a rename moves the config; a full
 * disk reports libvirt's code and error domain. */
static void
test_names_and_rename(void **state)
{
    g_autofree char *dotXML = domainXML(".", microElf);
    g_autofree char *dotdotXML = domainXML("..", microElf);
    g_autofree char *slashXML = domainXML("a/b", microElf);
    g_autofree char *dotCfg = g_strdup_printf("%s/etc/..xml", root);
    g_autofree char *newCfg = g_strdup_printf("%s/etc/dot.xml", root);
    g_autofree char *etc = g_strdup_printf("%s/etc", root);
    virDomainPtr dot, dotdot, found;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    dot = virDomainDefineXML(conn, dotXML);
    assert_non_null(dot);
    dotdot = virDomainDefineXML(conn, dotdotXML);
    assert_non_null(dotdot);
    assert_true(g_file_test(dotCfg, G_FILE_TEST_IS_REGULAR));
    assert_true(g_file_test(etc, G_FILE_TEST_IS_DIR));
    assert_null(virDomainDefineXML(conn, slashXML));
    assert_int_equal(virGetLastError()->code, VIR_ERR_XML_ERROR);

    assert_int_equal(virDomainCreate(dot), 0);
    pid = qemuTestStatusPid(root, ".");
    assert_true(pid > 0);
    assert_int_equal(virDomainRename(dot, "dot", 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);
    assert_non_null(strstr(virGetLastErrorMessage(), "cannot rename active domain"));
    assert_int_equal(virDomainDestroy(dot), 0);
    assert_true(qemuTestProcessGone(pid));

    assert_int_equal(virDomainRename(dot, "..", 0), -1);
    assert_non_null(strstr(virGetLastErrorMessage(), "already exists"));
    assert_int_equal(virDomainRename(dot, "dot", 0), 0);
    assert_false(g_file_test(dotCfg, G_FILE_TEST_EXISTS));
    assert_true(g_file_test(newCfg, G_FILE_TEST_IS_REGULAR));
    found = virDomainLookupByName(conn, "dot");
    assert_non_null(found);
    assert_int_equal(virDomainGetState(found, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);

    /* ENOSPC while saving a config */
    vkAtomicFileSetFaultHook(failWrite);
    assert_int_equal(virDomainRename(found, "full", 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_SYSTEM_ERROR);
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XML);
    vkAtomicFileSetFaultHook(NULL);
    assert_true(g_file_test(newCfg, G_FILE_TEST_IS_REGULAR));
    assert_null(virDomainLookupByName(conn, "full"));

    assert_int_equal(virDomainUndefine(found), 0);
    assert_int_equal(virDomainUndefine(dotdot), 0);
    assert_int_equal(qemuTestCountDir(root, "etc"), 0);
    virDomainFree(found);
    virDomainFree(dot);
    virDomainFree(dotdot);
}

static void
test_lifecycle(void **state)
{
    g_autofree char *xml = domainXML("life", microElf);
    g_autofree char *cfg = g_strdup_printf("%s/etc/life.xml", root);
    g_autofree char *desc = NULL;
    virDomainPtr dom;
    virDomainInfo info;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    resetEvents();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_true(g_file_test(cfg, G_FILE_TEST_EXISTS));
    desc = virDomainGetXMLDesc(dom, 0);
    /* The driver filled in the canonical machine and the emulator. */
    assert_non_null(strstr(desc, "machine='pc-i440fx-"));
    assert_non_null(strstr(desc, "<emulator>/usr/bin/qemu-system-x86_64</emulator>"));

    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(virDomainGetID(dom) > 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_true(qemuTestWaitSerial(root, "life", "VK-MICRO-READY", SERIAL_GUARD_S));
    pid = qemuTestStatusPid(root, "life");
    assert_true(pid > 0);
    assert_false(qemuTestProcessGone(pid));
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 65536);
    assert_int_equal(info.nrVirtCpu, 1);

    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    assert_int_equal(reason, VIR_DOMAIN_PAUSED_USER);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainResume(dom), -1);  /* not paused */
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);

    assert_int_equal(virDomainCreate(dom), -1);  /* already running */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_DESTROYED);
    assert_true(qemuTestProcessGone(pid));  /* gone, and reaped */
    assert_int_equal(qemuTestCountDir(root, "run"), 0);  /* socket, status file */

    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_DESTROYED));
    assert_true(lifecycleLogHas(&events, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED));
    assert_true(lifecycleLogHas(&events, VIR_DOMAIN_EVENT_STARTED,
                                VIR_DOMAIN_EVENT_STARTED_BOOTED));
    assert_true(lifecycleLogHas(&events, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED));
    assert_true(lifecycleLogHas(&events, VIR_DOMAIN_EVENT_RESUMED,
                                VIR_DOMAIN_EVENT_RESUMED_UNPAUSED));

    /* It starts again after a destroy. */
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_false(g_file_test(cfg, G_FILE_TEST_EXISTS));
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "life"));
}

static void
test_acpi_shutdown(void **state)
{
    g_autofree char *xml = domainXML("acpi", microElf);
    g_autofree char *serial = g_strdup_printf("%s/serial-acpi.log", root);
    virDomainPtr dom;
    int pid;

    skipWithoutQemu();
    resetEvents();
    dom = virDomainCreateXML(conn, xml, 0);  /* transient */
    assert_non_null(dom);
    assert_int_equal(virDomainIsPersistent(dom), 0);
    assert_true(qemuTestWaitSerial(root, "acpi", "VK-MICRO-READY", SERIAL_GUARD_S));
    pid = qemuTestStatusPid(root, "acpi");
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(lifecycleLogHas(&events, VIR_DOMAIN_EVENT_SHUTDOWN,
                                VIR_DOMAIN_EVENT_SHUTDOWN_GUEST));
    assert_true(qemuTestWaitSerial(root, "acpi", "VK-MICRO-POWEROFF", SERIAL_GUARD_S));
    assert_true(qemuTestProcessGone(pid));
    /* A transient domain is forgotten once it stops. */
    assert_null(virDomainLookupByName(conn, "acpi"));
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    virDomainFree(dom);
}

static void
test_kill9(void **state)
{
    g_autofree char *xml = domainXML("crash", microElf);
    virDomainPtr dom;
    int st = -1, reason = -1, pid;
    gint64 t0;

    skipWithoutQemu();
    resetEvents();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(qemuTestWaitSerial(root, "crash", "VK-MICRO-READY", SERIAL_GUARD_S));
    pid = qemuTestStatusPid(root, "crash");
    assert_true(pid > 0);

    t0 = g_get_monotonic_time();
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_FAILED));
    fprintf(stderr, "# kill -9 -> STOPPED event after %.1f ms\n",
            (g_get_monotonic_time() - t0) / 1000.0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_CRASHED);
    assert_true(qemuTestProcessGone(pid));
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

static void
test_start_failure(void **state)
{
    g_autofree char *xml = domainXML("nokernel", "/nonexistent/kernel.elf");
    virDomainPtr dom;
    int st = -1, reason = -1;

    skipWithoutQemu();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_FAILED);
    /* QEMU's own complaint, from its log, is in the message. */
    assert_non_null(strstr(virGetLastErrorMessage(), "nonexistent/kernel.elf"));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_define_refusals),
        cmocka_unit_test(test_names_and_rename),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_acpi_shutdown),
        cmocka_unit_test(test_kill9),
        cmocka_unit_test(test_start_failure),
    };

    microElf = argc > 1 ? argv[1] : NULL;
    return cmocka_run_group_tests(tests, setup, teardown);
}
