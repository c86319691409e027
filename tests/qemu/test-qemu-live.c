/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver's longer-lived features against real QEMU and the
 * micro-guest: reattach after the owning process died (SIGKILL, no
 * cleanup), also from a status file in the format before the status
 * codec or from one cut short, a QEMU that crashes (SIGSEGV), the memory
 * balloon, save/restore, managed save, and hot-plug of disks and
 * interfaces.
 *
 * The reattach test re-executes this binary as a helper that starts
 * guests under a second root and kills itself.  The test process is a
 * child subreaper, so the orphaned QEMUs become its children and the
 * driver reaps them after reattaching: every test ends with no QEMU and
 * no file left behind.  Nothing asserts on time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "conf/domain-status.h"
#include "qemu-test-util.h"
#include "../events/lifecycle-log.h"

#define SERIAL_GUARD_S 20

static const char *microElf;
static char *root;
static char *reattachTop;      /* test_reattach's root, for cleanup */
static virConnectPtr conn;
static lifecycleLog events;
static int callbackId = -1;

static char *
domainXML(const char *top, const char *name, const char *devices)
{
    microGuestSpec spec = {
        .type = qemuTestVirtType(), .name = name, .kernel = microElf, .memoryMiB = 64,
        .logDir = top, .devices = devices,
    };

    return microGuestXML(&spec);
}

static int
setup(void **state)
{
    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) || !microElf)
        return 0;
    /* Orphaned QEMUs of the reattach helper become our children. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    virEventRegisterDefaultImpl();
    if (!(conn = qemuTestOpenEmbed("vk-qemu-live", &root, NULL)))
        return -1;
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
    qemuTestCloseEmbed(conn, root, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
    if (reattachTop) {
        /* A failed test_reattach left guests there: opening the root
         * reattaches them, so they can be stopped. */
        g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", reattachTop);
        virConnectPtr c = virConnectOpen(uri);

        if (c) {
            qemuTestDropDomains(c, 0);
            virConnectClose(c);
        }
        qemuTestRmTree(reattachTop);
        g_free(reattachTop);
    }
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

/* ---- reattach ---- */

/* The helper: starts guests under top and dies without any cleanup. */
static int
helperMain(const char *top)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", top);
    const char *persistent[] = { "keep", "dead", "held" };
    g_autofree char *txml = NULL;
    virConnectPtr c;
    virDomainPtr d;

    txml = domainXML(top, "trans", NULL);
    if (!(c = virConnectOpen(uri)))
        return 1;
    for (size_t i = 0; i < G_N_ELEMENTS(persistent); i++) {
        g_autofree char *xml = domainXML(top, persistent[i], NULL);

        if (!(d = virDomainDefineXML(c, xml)) || virDomainCreate(d) < 0 ||
            !qemuTestWaitSerial(top, persistent[i], "VK-MICRO-READY", SERIAL_GUARD_S))
            return 2;
        if (strcmp(persistent[i], "held") == 0 && virDomainSuspend(d) < 0)
            return 3;
    }
    if (!virDomainCreateXML(c, txml, 0) || !qemuTestWaitSerial(top, "trans", "VK-MICRO-READY",
                                                               SERIAL_GUARD_S))
        return 4;
    raise(SIGKILL);
    return 5;
}

static void
test_reattach(void **state)
{
    g_autofree char *top = g_dir_make_tmp("vk-qemu-reattach-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", top);
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    char *argv[] = { self, (char *)"--helper", top, (char *)microElf, NULL };
    virConnectPtr c;
    virDomainPtr keep, dead, held, trans;
    int keepPid, deadPid, heldPid, transPid;
    int st = -1, reason = -1, status = 0, cb;
    pid_t helper;

    skipWithoutQemu();
    assert_non_null(self);
    reattachTop = g_strdup(top);
    helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        execv(self, argv);
        _exit(127);
    }
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);

    keepPid = qemuTestStatusPid(top, "keep");
    deadPid = qemuTestStatusPid(top, "dead");
    heldPid = qemuTestStatusPid(top, "held");
    transPid = qemuTestStatusPid(top, "trans");
    assert_true(keepPid > 0 && deadPid > 0 && heldPid > 0 && transPid > 0);
    /* One guest dies while no process watches it. */
    assert_int_equal(kill(deadPid, SIGKILL), 0);
    assert_int_equal(waitpid(deadPid, NULL, 0), deadPid);

    c = virConnectOpen(uri);
    assert_non_null(c);
    assert_int_equal(virConnectNumOfDomains(c), 3);

    keep = virDomainLookupByName(c, "keep");
    assert_non_null(keep);
    assert_int_equal(virDomainGetState(keep, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_true(virDomainGetID(keep) > 0);
    /* Its monitor works again: suspend and resume go through QMP. */
    assert_int_equal(virDomainSuspend(keep), 0);
    assert_int_equal(virDomainGetState(keep, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainResume(keep), 0);

    held = virDomainLookupByName(c, "held");
    assert_non_null(held);
    assert_int_equal(virDomainGetState(held, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_PAUSED);
    assert_int_equal(reason, VIR_DOMAIN_PAUSED_USER);

    dead = virDomainLookupByName(c, "dead");
    assert_non_null(dead);
    assert_int_equal(virDomainGetState(dead, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_CRASHED);
    assert_int_equal(virDomainIsActive(dead), 0);

    trans = virDomainLookupByName(c, "trans");
    assert_non_null(trans);
    assert_int_equal(virDomainIsPersistent(trans), 0);
    assert_int_equal(virDomainIsActive(trans), 1);

    /* The pidfd and QMP watches are live too: a guest power-off ends
     * the transient guest, which is then forgotten. */
    resetEvents();
    cb = lifecycleLogAttach(&events, c);
    assert_true(cb >= 0);
    assert_int_equal(virDomainShutdown(trans), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(qemuTestWaitSerial(top, "trans", "VK-MICRO-POWEROFF", SERIAL_GUARD_S));
    assert_true(qemuTestProcessGone(transPid));
    assert_null(virDomainLookupByName(c, "trans"));
    virConnectDomainEventDeregisterAny(c, cb);

    assert_int_equal(virDomainDestroy(keep), 0);
    assert_int_equal(virDomainDestroy(held), 0);
    assert_true(qemuTestProcessGone(keepPid));
    assert_true(qemuTestProcessGone(heldPid));
    assert_int_equal(qemuTestCountDir(top, "run"), 0);

    virDomainFree(keep);
    virDomainFree(held);
    virDomainFree(dead);
    virDomainFree(trans);
    {
        const char *names[] = { "keep", "dead", "held" };

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
            virDomainPtr d = virDomainLookupByName(c, names[i]);
            assert_int_equal(virDomainUndefine(d), 0);
            virDomainFree(d);
        }
    }
    virConnectClose(c);
    qemuTestRmTree(top);
    g_clear_pointer(&reattachTop, g_free);
}

/* ---- a daemon upgraded across the status codec ---- */

/* '&' and '"' in the name: the old writer left them unescaped in the
 * monitor path, which made the file not well formed. */
#define OLD_NAME "old&new \"q\""
#define OLD_NAME_XML "old&amp;new \"q\""

/* The helper for one guest named OLD_NAME: starts it and dies. */
static int
helperOneMain(const char *top)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", top);
    g_autofree char *xml = domainXML(top, OLD_NAME_XML, NULL);
    virConnectPtr c;
    virDomainPtr d;

    if (!(c = virConnectOpen(uri)) || !(d = virDomainDefineXML(c, xml)) ||
        virDomainCreate(d) < 0 || !qemuTestWaitSerial(top, OLD_NAME, "VK-MICRO-READY",
                                                      SERIAL_GUARD_S))
        return 2;
    raise(SIGKILL);
    return 5;
}

/* Runs helperOneMain under top (also reattachTop, for cleanup) and
 * waits for it to kill itself. */
static void
runHelperOne(const char *top)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    char *argv[] = { self, (char *)"--helper-one", (char *)top, (char *)microElf, NULL };
    int status = 0;
    pid_t helper;

    assert_non_null(self);
    reattachTop = g_strdup(top);
    helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        execv(self, argv);
        _exit(127);
    }
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFSIGNALED(status));
}

/* Rewrites top/run/NAME.xml as qemu-lifecycle.c's printf wrote it before
 * the status codec; returns the pid it names. */
static int
rewriteOldFormat(const char *top, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/run/%s.xml", top, name);
    g_autofree char *text = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *old = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) st = NULL;

    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_non_null(st = vkDomainStatusParse(text, NULL, &def));
    assert_non_null(xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE));
    old = g_strdup_printf("<domstatus state='%d' reason='%d' pid='%d' id='%d' monitor='%s'>\n%s"
                          "</domstatus>\n", st->state, st->reason, st->pid, st->id,
                          st->monitor, xml);
    assert_true(g_file_set_contents(path, old, -1, NULL));
    return st->pid;
}

static void
test_reattach_old_format(void **state)
{
    g_autofree char *top = g_dir_make_tmp("vk-qemu-oldstatus-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", top);
    g_autofree char *path = g_strdup_printf("%s/run/%s.xml", top, OLD_NAME);
    g_autofree char *text = NULL;
    virConnectPtr c;
    virDomainPtr d;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    runHelperOne(top);
    pid = rewriteOldFormat(top, OLD_NAME);
    assert_true(pid > 0);

    c = virConnectOpen(uri);
    assert_non_null(c);
    d = virDomainLookupByName(c, OLD_NAME);
    assert_non_null(d);
    assert_int_equal(virDomainGetState(d, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_false(qemuTestProcessGone(pid));
    /* The monitor answers, and the next status write is the new format. */
    assert_int_equal(virDomainSuspend(d), 0);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_non_null(strstr(text, "<domstatus version='1' state='3'"));
    assert_non_null(strstr(text, "old&amp;new &quot;q&quot;.monitor'"));
    assert_int_equal(virDomainResume(d), 0);
    assert_int_equal(virDomainDestroy(d), 0);
    assert_true(qemuTestProcessGone(pid));
    assert_int_equal(virDomainUndefine(d), 0);
    virDomainFree(d);
    virConnectClose(c);
    qemuTestRmTree(top);
    g_clear_pointer(&reattachTop, g_free);
}

/* A status file cut short (a full disk, an editor): the codec says why,
 * and the driver does what it always did with an unreadable one: the
 * file goes, the QEMU holding the domain's monitor socket is killed, the
 * persistent domain stays defined and shut off. */
static void
test_reattach_truncated(void **state)
{
    g_autofree char *top = g_dir_make_tmp("vk-qemu-cutstatus-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", top);
    g_autofree char *path = g_strdup_printf("%s/run/%s.xml", top, OLD_NAME);
    g_autofree char *text = NULL;
    gsize len = 0;
    virConnectPtr c;
    virDomainPtr d;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    runHelperOne(top);
    pid = qemuTestStatusPid(top, OLD_NAME);
    assert_true(pid > 0);
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    assert_true(g_file_set_contents(path, text, len / 2, NULL));

    c = virConnectOpen(uri);
    assert_non_null(c);
    assert_true(qemuTestProcessGone(pid));
    assert_int_equal(qemuTestCountDir(top, "run"), 0);
    d = virDomainLookupByName(c, OLD_NAME);
    assert_non_null(d);
    assert_int_equal(virDomainGetState(d, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainUndefine(d), 0);
    virDomainFree(d);
    virConnectClose(c);
    qemuTestRmTree(top);
    g_clear_pointer(&reattachTop, g_free);
}

/* ---- a QEMU that crashes ---- */

static void
test_segv(void **state)
{
    g_autofree char *xml = domainXML(root, "segv", NULL);
    virDomainPtr dom;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    resetEvents();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(qemuTestWaitSerial(root, "segv", "VK-MICRO-READY", SERIAL_GUARD_S));
    pid = qemuTestStatusPid(root, "segv");
    assert_true(pid > 0);
    assert_int_equal(kill(pid, SIGSEGV), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_FAILED));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_CRASHED);
    assert_true(qemuTestProcessGone(pid));
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

/* ---- memory balloon ---- */

static void
test_balloon(void **state)
{
    g_autofree char *xml = domainXML(root, "bal", "    <memballoon model='virtio'/>\n");
    g_autofree char *plain = domainXML(root, "nobal", "    <memballoon model='none'/>\n");
    g_autofree char *cfgPath = g_strdup_printf("%s/etc/bal.xml", root);
    g_autofree char *cfg = NULL;
    g_autofree char *live = NULL;
    virDomainPtr dom, other;
    virDomainInfo info;

    skipWithoutQemu();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainSetMemory(dom, 32768), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 32768);
    assert_int_equal(info.maxMem, 65536);
    live = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(live, "<currentMemory unit='KiB'>32768</currentMemory>"));
    /* Above the maximum: refused before QEMU is asked. */
    assert_int_equal(virDomainSetMemory(dom, 1024 * 1024), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    /* The persistent definition changes only with the config flag. */
    assert_int_equal(virDomainSetMemoryFlags(dom, 49152, VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_true(g_file_get_contents(cfgPath, &cfg, NULL, NULL));
    assert_non_null(strstr(cfg, "<currentMemory unit='KiB'>49152</currentMemory>"));
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 32768);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 49152);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);

    /* Without a balloon device QEMU itself refuses: the call reached it. */
    other = virDomainCreateXML(conn, plain, 0);
    assert_non_null(other);
    assert_int_equal(virDomainSetMemory(other, 32768), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_FAILED);
    assert_non_null(strcasestr(virGetLastErrorMessage(), "balloon"));
    assert_int_equal(virDomainDestroy(other), 0);
    virDomainFree(other);
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
}

/* ---- save / restore ---- */

static void
test_save_restore(void **state)
{
    g_autofree char *xml = domainXML(root, "sav", NULL);
    g_autofree char *image = g_strdup_printf("%s/sav.img", root);
    g_autofree char *head = NULL;
    virDomainPtr dom;
    int st = -1, reason = -1, pid;

    skipWithoutQemu();
    resetEvents();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(qemuTestWaitSerial(root, "sav", "VK-MICRO-READY", SERIAL_GUARD_S));
    pid = qemuTestStatusPid(root, "sav");

    assert_int_equal(virDomainSave(dom, image), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SAVED);
    assert_true(qemuTestProcessGone(pid));
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SAVED));
    assert_true(g_file_get_contents(image, &head, NULL, NULL));
    assert_true(g_str_has_prefix(head, "VirtkitQemuSave1 running\n<domain"));

    /* Not an image: refused with the file named. */
    assert_int_equal(virDomainRestore(conn, "/etc/hostname"), -1);
    assert_non_null(strstr(virGetLastErrorMessage(), "/etc/hostname"));

    /* A header with no stream behind it is refused; a stream cut short
     * makes QEMU's incoming migration fail, and nothing is left running. */
    {
        g_autofree char *cut = g_strdup_printf("%s/cut.img", root);

        assert_true(g_file_set_contents(cut, head, 4096, NULL));
        assert_int_equal(virDomainRestore(conn, cut), -1);
        assert_non_null(strstr(virGetLastErrorMessage(), "no guest state"));
        assert_true(g_file_set_contents(cut, head, 4096 + 64, NULL));
        assert_int_equal(virDomainRestore(conn, cut), -1);
        assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_FAILED);
        assert_non_null(strstr(virGetLastErrorMessage(), "sav"));
        assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
        assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
        assert_int_equal(virDomainIsActive(dom), 0);
        assert_int_equal(qemuTestCountDir(root, "run"), 0);
        g_unlink(cut);
    }

    assert_int_equal(virDomainRestore(conn, image), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_RESTORED);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STARTED,
                                 VIR_DOMAIN_EVENT_STARTED_RESTORED));

    /* The restored guest is the one that was saved, mid-loop: it powers
     * off on the button without booting again (QEMU truncated the
     * serial file when it reopened it, so a new boot would show). */
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_true(lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED,
                                 VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(qemuTestSerialHas(root, "sav", "VK-MICRO-POWEROFF"));
    assert_false(qemuTestSerialHas(root, "sav", "VK-MICRO-READY"));
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    assert_int_equal(g_unlink(image), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

static void
test_managed_save(void **state)
{
    g_autofree char *xml = domainXML(root, "msav", NULL);
    virDomainPtr dom;
    virDomainPtr *list = NULL;
    int st = -1, reason = -1, n;

    skipWithoutQemu();
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(qemuTestWaitSerial(root, "msav", "VK-MICRO-READY", SERIAL_GUARD_S));
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 1);
    assert_int_equal(qemuTestCountDir(root, "save"), 1);
    n = virConnectListAllDomains(conn, &list, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE);
    assert_int_equal(n, 1);
    assert_string_equal(virDomainGetName(list[0]), "msav");
    virDomainFree(list[0]);
    free(list);
    /* Undefine keeps a domain with an image unless told to drop it. */
    assert_int_equal(virDomainUndefine(dom), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);

    /* Start resumes from the image, which is then consumed. */
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_RESTORED);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 0);
    assert_int_equal(qemuTestCountDir(root, "save"), 0);
    assert_false(qemuTestSerialHas(root, "msav", "VK-MICRO-READY"));

    /* A forced boot drops the image and boots afresh. */
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_FORCE_BOOT), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_int_equal(qemuTestCountDir(root, "save"), 0);
    assert_true(qemuTestWaitSerial(root, "msav", "VK-MICRO-READY", SERIAL_GUARD_S));

    /* Managed save, then undefine with the flag removes the image. */
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), 0);
    assert_int_equal(qemuTestCountDir(root, "save"), 0);
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
    virDomainFree(dom);
}

/* ---- hot-plug ---- */

/* Whether process pid has path open (its /proc fd links). */
static bool
processHasOpen(int pid, const char *path)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd", pid);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *link = g_strdup_printf("%s/%s", dir, n);
        g_autofree char *target = g_file_read_link(link, NULL);

        if (g_strcmp0(target, path) == 0)
            return true;
    }
    return false;
}

static void
test_hotplug(void **state)
{
    g_autofree char *img = g_strdup_printf("%s/hp-disk.img", root);
    g_autofree char *coldImg = g_strdup_printf("%s/hp-cold.img", root);
    /* a disk there from the start, with the cache and discard settings
     * that split over its -blockdev nodes and its device */
    g_autofree char *cold = g_strdup_printf(
        "<disk type='file' device='disk'>"
        "<driver name='qemu' type='raw' cache='writeback' discard='unmap'/>"
        "<source file='%s'/><target dev='vdc' bus='virtio'/></disk>", coldImg);
    g_autofree char *xml = domainXML(root, "hp", cold);
    g_autofree char *disk = g_strdup_printf(
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>", img);
    g_autofree char *ide = g_strdup_printf(
        "<disk type='file' device='disk'><source file='%s'/>"
        "<target dev='hdb' bus='ide'/></disk>", img);
    const char *nic = "<interface type='user'><mac address='52:54:00:12:34:56'/>"
                      "<model type='virtio'/></interface>";
    char *desc;
    virDomainPtr dom;

    skipWithoutQemu();
    assert_true(g_file_set_contents(img, "", 0, NULL));
    assert_int_equal(truncate(img, 1 << 20), 0);
    assert_true(g_file_set_contents(coldImg, "", 0, NULL));
    assert_int_equal(truncate(coldImg, 1 << 20), 0);
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(qemuTestWaitSerial(root, "hp", "VK-MICRO-READY", SERIAL_GUARD_S));

    assert_int_equal(virDomainAttachDevice(dom, disk), 0);
    assert_int_equal(virDomainAttachDevice(dom, nic), 0);
    desc = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(desc, "<target dev='vdb' bus='virtio'/>"));
    assert_non_null(strstr(desc, "52:54:00:12:34:56"));
    /* Each took the next free slot (00:02 is the cold disk's, 00:03 the
     * default balloon's) and kept it, as a cold-plugged device would. */
    assert_non_null(strstr(desc, "<target dev='vdb' bus='virtio'/>\n      <address type='pci' "
                                 "domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>"));
    assert_non_null(strstr(desc, "slot='0x05' function='0x0'/>\n    </interface>"));
    free(desc);
    /* Live only: the persistent definition has neither. */
    desc = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_null(strstr(desc, "vdb"));
    free(desc);
    /* The same target twice, an IDE disk live: refused. */
    assert_int_equal(virDomainAttachDevice(dom, disk), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virDomainAttachDevice(dom, ide), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_UNSUPPORTED);

    /* Unplug completes when the guest ejects the slot (the micro-guest
     * does) and QEMU says DEVICE_DELETED. */
    assert_int_equal(virDomainDetachDevice(dom, disk), 0);
    assert_int_equal(virDomainDetachDevice(dom, nic), 0);
    desc = virDomainGetXMLDesc(dom, 0);
    assert_null(strstr(desc, "vdb"));
    assert_null(strstr(desc, "52:54:00:12:34:56"));
    free(desc);
    assert_int_equal(virDomainDetachDevice(dom, disk), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_DEVICE_MISSING);
    /* Attach again after detach: the ids are free again. */
    assert_int_equal(virDomainAttachDevice(dom, disk), 0);
    /* The disk given at start goes by libvirt's alias and its nodes are
     * deleted with it: plugging its image back in finds it unlocked. */
    assert_true(processHasOpen(qemuTestStatusPid(root, "hp"), coldImg));
    assert_int_equal(virDomainDetachDevice(dom, cold), 0);
    desc = virDomainGetXMLDesc(dom, 0);
    assert_null(strstr(desc, "vdc"));
    free(desc);
    assert_false(processHasOpen(qemuTestStatusPid(root, "hp"), coldImg));
    assert_int_equal(virDomainAttachDevice(dom, cold), 0);
    assert_true(processHasOpen(qemuTestStatusPid(root, "hp"), coldImg));

    /* Config: only the persistent definition and its file change. */
    assert_int_equal(virDomainAttachDeviceFlags(dom, nic, VIR_DOMAIN_AFFECT_CONFIG), 0);
    desc = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(strstr(desc, "52:54:00:12:34:56"));
    free(desc);
    desc = virDomainGetXMLDesc(dom, 0);
    assert_null(strstr(desc, "52:54:00:12:34:56"));
    free(desc);

    assert_int_equal(virDomainDestroy(dom), 0);
    /* The next boot has the configured NIC and not the live disk. */
    desc = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(desc, "52:54:00:12:34:56"));
    assert_null(strstr(desc, "vdb"));
    free(desc);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    g_unlink(img);
    g_unlink(coldImg);
    assert_int_equal(qemuTestCountDir(root, "run"), 0);
}

/* Outside virtkitd qemu:///system is not ours: the remote driver takes
 * it and, with no daemon on the socket it is pointed at, fails there. */
static void
test_system_declined(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vk-qemu-nosock-XXXXXX", NULL);
    virConnectPtr c;

    skipWithoutQemu();
    g_setenv("VIRTKIT_SOCKET_DIR", dir, TRUE);
    c = virConnectOpen("qemu:///system");
    g_unsetenv("VIRTKIT_SOCKET_DIR");
    g_rmdir(dir);
    assert_null(c);
    assert_int_not_equal(virGetLastErrorDomain(), VIR_FROM_QEMU);
    assert_non_null(strstr(virGetLastErrorMessage(), dir));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reattach),
        cmocka_unit_test(test_reattach_old_format),
        cmocka_unit_test(test_reattach_truncated),
        cmocka_unit_test(test_segv),
        cmocka_unit_test(test_balloon),
        cmocka_unit_test(test_save_restore),
        cmocka_unit_test(test_managed_save),
        cmocka_unit_test(test_hotplug),
        cmocka_unit_test(test_system_declined),
    };

    if (argc == 4 && strcmp(argv[1], "--helper") == 0) {
        microElf = argv[3];
        return helperMain(argv[2]);
    }
    if (argc == 4 && strcmp(argv[1], "--helper-one") == 0) {
        microElf = argv[3];
        return helperOneMain(argv[2]);
    }
    microElf = argc > 1 ? argv[1] : NULL;
    return cmocka_run_group_tests(tests, setup, teardown);
}
