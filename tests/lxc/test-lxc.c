/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver with real containers, in-process
 * (lxc:///embed?root=TMP): a busybox-static root filesystem built here,
 * an init that prints a marker and its hostname on the console.  Each
 * test checks from outside: the init's namespaces differ from ours, the
 * cgroup holds the memory limit and freezes on suspend, the console log
 * has the output, and after destroy no process, cgroup or state file is
 * left.  Skips (77) when not root or when busybox-static is missing.
 * Nothing asserts on time; create-to-running and destroy are printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "drivers/lxc/lxc-driver.h"
#include "conf/domain-status.h"
#include "util/atomic-file.h"
#include "lxc-test-util.h"
#include "../events/lifecycle-log.h"

static char *tmp;
static char *rootfs;
static char *stateRoot;
static char *uri;
static virConnectPtr conn;
static lifecycleLog events;

static void
openConn(void)
{
    conn = virConnectOpen(uri);
    assert_non_null(conn);
    assert_true(lifecycleLogAttach(&events, conn) >= 0);
}

static char *
domainXML(const char *name, const char *script)
{
    g_autofree char *esc = g_markup_escape_text(script, -1);

    return g_strdup_printf(
        "<domain type='lxc'><name>%s</name><memory unit='KiB'>65536</memory>"
        "<vcpu>1</vcpu><cputune><shares>512</shares></cputune>"
        "<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg>"
        "<initarg>%s</initarg><initenv name='GREETING'>hello-env</initenv></os>"
        "<devices><filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>"
        "<console type='pty'/></devices></domain>", name, esc, rootfs);
}

/* The directory of pid's group in one v1 controller (or the v2 group). */
static char *
cgroupDir(int pid, const char *ctrl)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cgroup", pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, ":", 3);

        if (g_strv_length(f) == 3 && strcmp(f[1], ctrl) == 0)
            return g_strdup_printf("/sys/fs/cgroup/%s%s", ctrl, f[2]);
    }
    return NULL;
}

static char *
readText(const char *dir, const char *file)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    char *t = NULL;

    if (!g_file_get_contents(p, &t, NULL, NULL))
        return NULL;
    return g_strstrip(t);
}

static void
test_refusals(void **state)
{
    static const char *const bad[] = {
        "<domain type='lxc'><name>r1</name><memory>1024</memory><os><type>exe</type>"
        "<init>/bin/sh</init></os><devices><disk type='file' device='disk'>"
        "<source file='/x.img'/><target dev='vda'/></disk></devices></domain>",
        "<domain type='lxc'><name>r2</name><memory>1024</memory><os><type>exe</type>"
        "<init>/bin/sh</init></os></domain>",
        "<domain type='lxc'><name>r3</name><memory>1024</memory><os><type>exe</type>"
        "<init>/bin/sh</init></os><devices><filesystem type='block'><source dev='/dev/sda'/>"
        "<target dir='/'/></filesystem></devices></domain>",
        "<domain type='lxc'><name>r4</name><memory>1024</memory><os><type>exe</type>"
        "<init>/bin/sh</init></os><devices><filesystem type='mount'><source dir='/tmp'/>"
        "<target dir='/'/></filesystem><console type='file'><source path='/tmp/c'/>"
        "</console></devices></domain>",
    };

    openConn();
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        virErrorPtr err;

        assert_null(virDomainDefineXML(conn, bad[i]));
        err = virGetLastError();
        assert_non_null(err);
        assert_int_equal(err->code, VIR_ERR_CONFIG_UNSUPPORTED);
        assert_int_equal(err->domain, VIR_FROM_LXC);
    }
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
    virConnectClose(conn);
}

static void
test_lifecycle(void **state)
{
    g_autofree char *xml = domainXML("ct1", "echo MARKER $GREETING; hostname; sleep 1000");
    g_autofree char *memDir = NULL, *freezerDir = NULL, *limit = NULL, *fstate = NULL;
    g_autofree char *status = NULL;
    virDomainPtr dom;
    virDomainInfo info;
    gint64 t0;
    int pid, st, reason;

    lifecycleLogReset(&events);
    openConn();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    t0 = g_get_monotonic_time();
    assert_int_equal(virDomainCreate(dom), 0);
    printf("# create-to-running: %.2f ms\n", (g_get_monotonic_time() - t0) / 1000.0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_true(virDomainGetID(dom) > 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STARTED,
                                 VIR_DOMAIN_EVENT_STARTED_BOOTED));

    pid = lxcTestInitPid(stateRoot, "ct1");
    assert_true(pid > 1);
    assert_false(lxcTestSharesNs(pid, "pid"));
    assert_false(lxcTestSharesNs(pid, "mnt"));
    assert_false(lxcTestSharesNs(pid, "uts"));
    assert_false(lxcTestSharesNs(pid, "ipc"));
    assert_false(lxcTestSharesNs(pid, "net"));

    assert_true(lxcTestLogHas(stateRoot, "ct1", "MARKER hello-env", 1));
    assert_true(lxcTestLogHas(stateRoot, "ct1", "\nct1",
                              1));      /* hostname's output on its own line */

    memDir = cgroupDir(pid, "memory");
    assert_non_null(memDir);
    limit = readText(memDir, "memory.limit_in_bytes");
    if (!limit)
        limit = readText(memDir, "memory.max");
    assert_non_null(limit);
    assert_string_equal(limit, "67108864");

    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_true(info.memory > 0 && info.memory <= 65536);

    /* suspend / resume through the freezer */
    freezerDir = cgroupDir(pid, "freezer");
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_SUSPENDED,
                                 VIR_DOMAIN_EVENT_SUSPENDED_PAUSED));
    if (freezerDir) {
        fstate = readText(freezerDir, "freezer.state");
        assert_string_equal(fstate, "FROZEN");
        g_free(g_steal_pointer(&fstate));
    }
    assert_int_equal(virDomainSuspend(dom), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virDomainResume(dom), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_RESUMED,
                                 VIR_DOMAIN_EVENT_RESUMED_UNPAUSED));
    if (freezerDir) {
        fstate = readText(freezerDir, "freezer.state");
        assert_string_equal(fstate, "THAWED");
    }

    /* destroy: nothing left */
    t0 = g_get_monotonic_time();
    assert_int_equal(virDomainDestroy(dom), 0);
    printf("# destroy: %.2f ms\n", (g_get_monotonic_time() - t0) / 1000.0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_DESTROYED);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_DESTROYED));
    assert_true(lxcTestProcessGone(pid));
    assert_false(g_file_test(memDir, G_FILE_TEST_EXISTS));
    if (freezerDir)
        assert_false(g_file_test(freezerDir, G_FILE_TEST_EXISTS));
    status = g_strdup_printf("%s/run/ct1.xml", stateRoot);
    assert_false(g_file_test(status, G_FILE_TEST_EXISTS));
    assert_int_equal(virDomainDestroy(dom), -1);

    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_shutdown_and_exit(void **state)
{
    g_autofree char *xml1 = domainXML("ct2",
        "trap 'echo BYE; exit 0' TERM; echo READY; sleep 1000 & wait");
    g_autofree char *xml2 = domainXML("ct3", "echo ONESHOT");
    virDomainPtr dom;
    int st, reason;

    lifecycleLogReset(&events);
    openConn();
    dom = virDomainCreateXML(conn, xml1, 0);
    assert_non_null(dom);
    assert_true(lxcTestLogHas(stateRoot, "ct2", "READY", 1));
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_true(lxcTestLogHas(stateRoot, "ct2", "BYE", 1));
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    /* transient: gone once stopped */
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_NO_DOMAIN);
    virDomainFree(dom);

    /* an init that ends by itself: seen through the supervisor's pidfd */
    lifecycleLogReset(&events);
    dom = virDomainDefineXML(conn, xml2);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(lxcTestLogHas(stateRoot, "ct3", "ONESHOT", 1));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_reattach(void **state)
{
    g_autofree char *xml = domainXML("ct4", "sleep 1000");
    virDomainPtr dom;
    int pid, id, st, reason;

    openConn();
    dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_PAUSED);
    assert_non_null(dom);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    id = virDomainGetID(dom);
    pid = lxcTestInitPid(stateRoot, "ct4");
    virDomainFree(dom);
    /* the last connection goes: the container keeps running */
    virConnectClose(conn);
    assert_false(lxcTestProcessGone(pid));

    openConn();
    dom = virDomainLookupByName(conn, "ct4");
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), id);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(lxcTestProcessGone(pid));
    virDomainFree(dom);
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    virConnectClose(conn);
}

/* A daemon upgraded across the status codec: a status file as
 * lxc-lifecycle.c's printf wrote it before (the cgroup path unescaped,
 * the pid called supervisor) still finds the container. */
static void
test_reattach_old_format(void **state)
{
    g_autofree char *xml = domainXML("o&amp;ld's", "sleep 1000");
    g_autofree char *path = g_strdup_printf("%s/run/o&ld's.xml", stateRoot);
    g_autofree char *text = NULL;
    g_autofree char *defXML = NULL;
    g_autofree char *old = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) status = NULL;
    long long init = 0, cstate = 0;
    virDomainPtr dom;
    int pid, id, st, reason;

    openConn();
    dom = virDomainCreateXML(conn, xml, 0);
    assert_non_null(dom);
    id = virDomainGetID(dom);
    pid = lxcTestInitPid(stateRoot, "o&ld's");
    assert_true(pid > 0);
    virDomainFree(dom);
    virConnectClose(conn);

    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_non_null(status = vkDomainStatusParse(text, "lxc", &def));
    assert_int_equal(vkDomainStatusGetInt(status, "init", &init), 1);
    assert_int_equal(vkDomainStatusGetInt(status, "cstate", &cstate), 1);
    assert_non_null(defXML = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE));
    old = g_strdup_printf("<domstatus state='%d' reason='%d' cstate='%d' id='%d' "
                          "supervisor='%d' init='%d' cgroup='%s'>\n%s</domstatus>\n",
                          status->state, status->reason, (int)cstate, status->id,
                          status->pid, (int)init, status->cgroup, defXML);
    assert_true(g_file_set_contents(path, old, -1, NULL));

    openConn();
    dom = virDomainLookupByName(conn, "o&ld's");
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), id);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    /* The freezer is reached through the old file's cgroup path; the
     * status is then written in the new format. */
    assert_int_equal(virDomainSuspend(dom), 0);
    g_clear_pointer(&text, g_free);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_non_null(strstr(text, "<domstatus version='1' state='3'"));
    assert_int_equal(lxcTestInitPid(stateRoot, "o&ld's"), pid);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(lxcTestProcessGone(pid));
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    virDomainFree(dom);
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    virConnectClose(conn);
}

/* Containers named "." and ".." are valid names (as in libvirt) but their
 * cgroups are their own: starting and destroying them leaves another
 * container's group and processes alone. */
static void
test_dot_names(void **state)
{
    static const char *const names[] = { ".", ".." };
    g_autofree char *otherXML = domainXML("other", "echo MARKER; sleep 1000");
    g_autofree char *otherMem = NULL, *otherParent = NULL;
    virDomainPtr other;
    int otherPid, st, reason;

    openConn();
    other = virDomainDefineXML(conn, otherXML);
    assert_non_null(other);
    assert_int_equal(virDomainCreate(other), 0);
    otherPid = lxcTestInitPid(stateRoot, "other");
    assert_true(otherPid > 1);
    otherMem = cgroupDir(otherPid, "memory");
    assert_non_null(otherMem);
    otherParent = g_path_get_dirname(otherMem);

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *xml = domainXML(names[i], "echo MARKER; sleep 1000");
        g_autofree char *mem = NULL, *prefix = NULL;
        virDomainPtr dom = virDomainDefineXML(conn, xml);
        int pid;

        assert_non_null(dom);
        assert_string_equal(virDomainGetName(dom), names[i]);
        assert_int_equal(virDomainCreate(dom), 0);
        pid = lxcTestInitPid(stateRoot, names[i]);
        assert_true(pid > 1);
        mem = cgroupDir(pid, "memory");
        assert_non_null(mem);
        /* a sibling of the other container's group, not it nor an ancestor */
        assert_string_not_equal(mem, otherMem);
        assert_string_not_equal(mem, otherParent);
        prefix = g_strconcat(mem, "/", NULL);
        assert_false(g_str_has_prefix(otherMem, prefix));
        assert_true(g_str_has_prefix(mem, otherParent));

        assert_int_equal(virDomainDestroy(dom), 0);
        assert_true(lxcTestProcessGone(pid));
        assert_false(g_file_test(mem, G_FILE_TEST_EXISTS));
        /* the other container kept its processes and its group */
        assert_false(lxcTestProcessGone(otherPid));
        assert_true(g_file_test(otherMem, G_FILE_TEST_IS_DIR));
        assert_int_equal(virDomainGetState(other, &st, &reason, 0), 0);
        assert_int_equal(st, VIR_DOMAIN_RUNNING);
        assert_int_equal(virDomainUndefine(dom), 0);
        virDomainFree(dom);
    }
    assert_int_equal(virDomainDestroy(other), 0);
    assert_true(lxcTestProcessGone(otherPid));
    assert_int_equal(virDomainUndefine(other), 0);
    virDomainFree(other);
    virConnectClose(conn);
}

static int
failWrite(vkAtomicFileStep step, const char *path)
{
    return step == VK_ATOMIC_FILE_STEP_WRITE ? ENOSPC : 0;
}

/* A full disk while saving a config: libvirt's code and error domain
 * (VIR_ERR_SYSTEM_ERROR from the XML module), nothing defined. */
static void
test_config_enospc(void **state)
{
    g_autofree char *xml = domainXML("full", "true");
    virErrorPtr err;

    openConn();
    vkAtomicFileSetFaultHook(failWrite);
    assert_null(virDomainDefineXML(conn, xml));
    vkAtomicFileSetFaultHook(NULL);
    err = virGetLastError();
    assert_non_null(err);
    assert_int_equal(err->code, VIR_ERR_SYSTEM_ERROR);
    assert_int_equal(err->domain, VIR_FROM_XML);
    assert_non_null(strstr(err->message, "No space left on device"));
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
    virConnectClose(conn);
}

static void
test_bad_init(void **state)
{
    g_autofree char *xml = NULL;
    g_autofree char *cgDir = NULL;
    virErrorPtr err;

    xml = g_strdup_printf(
        "<domain type='lxc'><name>ct5</name><memory>65536</memory><os><type>exe</type>"
        "<init>/bin/no-such-init</init></os><devices><filesystem type='mount'>"
        "<source dir='%s'/><target dir='/'/></filesystem></devices></domain>", rootfs);
    openConn();
    assert_null(virDomainCreateXML(conn, xml, 0));
    err = virGetLastError();
    assert_non_null(err);
    assert_non_null(strstr(err->message, "execute the init"));
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
    virConnectClose(conn);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_shutdown_and_exit),
        cmocka_unit_test(test_reattach),
        cmocka_unit_test(test_reattach_old_format),
        cmocka_unit_test(test_bad_init),
        cmocka_unit_test(test_dot_names),
        cmocka_unit_test(test_config_enospc),
    };
    static const char *const dirs[] = { "bin", "proc", "sys", "dev", "tmp", "etc", NULL };
    static const char *const applets[] = {
        "sh", "echo", "hostname", "sleep", "cat", "ls", "true", NULL,
    };
    int rc;

    if ((rc = lxcTestHostCheck("/proc/self/ns/pid")) != 0)
        return rc;
    tmp = g_dir_make_tmp("vk-lxc-XXXXXX", NULL);
    rootfs = g_build_filename(tmp, "rootfs", NULL);
    stateRoot = g_build_filename(tmp, "state", NULL);
    uri = g_strdup_printf("lxc:///embed?root=%s", stateRoot);
    if (!lxcTestBuildRootfs(rootfs, dirs, applets)) {
        printf("# cannot build the busybox root filesystem\n");
        return 1;
    }
    lifecycleLogInit(&events);
    virEventRegisterDefaultImpl();
    vkLxcDriverRegister();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lxcTestRmTree(tmp);
    lifecycleLogClear(&events);
    return rc;
}
