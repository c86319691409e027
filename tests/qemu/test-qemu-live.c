/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver's longer-lived features against real QEMU and the
 * micro-guest: reattach after the owning process died (SIGKILL, no
 * cleanup), a QEMU that crashes (SIGSEGV), the memory balloon,
 * save/restore, managed save, and hot-plug of disks and interfaces.
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

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "../events/loop-helper.h"

#define QEMU_BIN "/usr/bin/qemu-system-x86_64"

static const char *microElf;
static char *root;
static char *reattachTop;      /* test_reattach's root, for cleanup */
static virConnectPtr conn;
static const char *virtType;
static GArray *events;         /* pairs: event, detail */
static int callbackId = -1;

static void
onLifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    g_array_append_val(events, event);
    g_array_append_val(events, detail);
}

static bool
hasEvent(int event, int detail)
{
    for (guint i = 0; i + 1 < events->len; i += 2) {
        if (g_array_index(events, int, i) == event &&
            (detail < 0 || g_array_index(events, int, i + 1) == detail))
            return true;
    }
    return false;
}

typedef struct { int event, detail; } evWant;

static bool
predEvent(void *data)
{
    evWant *w = data;
    return hasEvent(w->event, w->detail);
}

static bool
waitEvent(int event, int detail)
{
    evWant w = { event, detail };
    return loopRunUntil(predEvent, &w);
}

static int
countDir(const char *top, const char *sub)
{
    g_autofree char *p = g_build_filename(top, sub, NULL);
    g_autoptr(GDir) d = g_dir_open(p, 0, NULL);
    int n = 0;

    while (d && g_dir_read_name(d))
        n++;
    return n;
}

static void
rmTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rmTree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static char *
domainXML(const char *top, const char *name, const char *devices)
{
    return g_strdup_printf(
        "<domain type='%s'>\n"
        "  <name>%s</name>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>\n"
        "    <kernel>%s</kernel>\n"
        "  </os>\n"
        "  <features><acpi/></features>\n"
        "  <devices>\n"
        "    <serial type='file'><source path='%s/serial-%s.log'/></serial>\n"
        "%s"
        "  </devices>\n"
        "</domain>\n", virtType, name, microElf, top, name, devices ? devices : "");
}

/* Waits (inotify, no sleeping) until the serial log of name under top
 * contains needle; false after a 20 s guard. */
static bool
waitSerialIn(const char *top, const char *name, const char *needle)
{
    g_autofree char *path = g_strdup_printf("%s/serial-%s.log", top, name);
    int fd = inotify_init1(IN_CLOEXEC);
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    bool found = false;

    inotify_add_watch(fd, top, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
    for (;;) {
        g_autofree char *text = NULL;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[4096];
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;

        if (g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle)) {
            found = true;
            break;
        }
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        if (read(fd, buf, sizeof(buf)) < 0)
            break;
    }
    close(fd);
    return found;
}

static bool
waitSerial(const char *name, const char *needle)
{
    return waitSerialIn(root, name, needle);
}

static bool
serialHas(const char *name, const char *needle)
{
    g_autofree char *path = g_strdup_printf("%s/serial-%s.log", root, name);
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);
}

static int
statusPidIn(const char *top, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/run/%s.xml", top, name);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, "pid='")))
        return -1;
    return atoi(p + 5);
}

static bool
processGone(int pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

static void
pickVirtType(void)
{
    int fd;

    virtType = "qemu";
    if (g_strcmp0(g_getenv("VK_TEST_QEMU_ACCEL"), "tcg") != 0 &&
        (fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) >= 0) {
        virtType = "kvm";
        close(fd);
    }
}

static int
setup(void **state)
{
    g_autofree char *uri = NULL;

    if (!g_file_test(QEMU_BIN, G_FILE_TEST_IS_EXECUTABLE) || !microElf)
        return 0;
    pickVirtType();
    /* Orphaned QEMUs of the reattach helper become our children. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    root = g_dir_make_tmp("vk-qemu-live-XXXXXX", NULL);
    virEventRegisterDefaultImpl();
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "cannot open %s: %s\n", uri, virGetLastErrorMessage());
        return -1;
    }
    events = g_array_new(FALSE, FALSE, sizeof(int));
    callbackId = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                  VIR_DOMAIN_EVENT_CALLBACK(onLifecycle),
                                                  NULL, NULL);
    return callbackId >= 0 ? 0 : -1;
}

static int
teardown(void **state)
{
    virDomainPtr *doms = NULL;
    int n;

    if (!conn)
        return 0;
    n = virConnectListAllDomains(conn, &doms, 0);
    for (int i = 0; i < n; i++) {
        if (virDomainIsActive(doms[i]) == 1)
            virDomainDestroy(doms[i]);
        virDomainUndefineFlags(doms[i], VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
        virDomainFree(doms[i]);
    }
    free(doms);
    virConnectDomainEventDeregisterAny(conn, callbackId);
    virConnectClose(conn);
    rmTree(root);
    if (reattachTop) {
        /* A failed test_reattach left guests there: opening the root
         * reattaches them, so they can be stopped. */
        g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", reattachTop);
        virConnectPtr c = virConnectOpen(uri);

        n = c ? virConnectListAllDomains(c, &doms, 0) : 0;
        for (int i = 0; i < n; i++) {
            if (virDomainIsActive(doms[i]) == 1)
                virDomainDestroy(doms[i]);
            virDomainUndefine(doms[i]);
            virDomainFree(doms[i]);
        }
        free(doms);
        if (c)
            virConnectClose(c);
        rmTree(reattachTop);
        g_free(reattachTop);
    }
    g_free(root);
    g_array_free(events, TRUE);
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
    g_array_set_size(events, 0);
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

    pickVirtType();
    txml = domainXML(top, "trans", NULL);
    if (!(c = virConnectOpen(uri)))
        return 1;
    for (size_t i = 0; i < G_N_ELEMENTS(persistent); i++) {
        g_autofree char *xml = domainXML(top, persistent[i], NULL);

        if (!(d = virDomainDefineXML(c, xml)) || virDomainCreate(d) < 0 ||
            !waitSerialIn(top, persistent[i], "VK-MICRO-READY"))
            return 2;
        if (strcmp(persistent[i], "held") == 0 && virDomainSuspend(d) < 0)
            return 3;
    }
    if (!virDomainCreateXML(c, txml, 0) || !waitSerialIn(top, "trans", "VK-MICRO-READY"))
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

    keepPid = statusPidIn(top, "keep");
    deadPid = statusPidIn(top, "dead");
    heldPid = statusPidIn(top, "held");
    transPid = statusPidIn(top, "trans");
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
    cb = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(onLifecycle), NULL, NULL);
    assert_true(cb >= 0);
    assert_int_equal(virDomainShutdown(trans), 0);
    assert_true(waitEvent(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(waitSerialIn(top, "trans", "VK-MICRO-POWEROFF"));
    assert_true(processGone(transPid));
    assert_null(virDomainLookupByName(c, "trans"));
    virConnectDomainEventDeregisterAny(c, cb);

    assert_int_equal(virDomainDestroy(keep), 0);
    assert_int_equal(virDomainDestroy(held), 0);
    assert_true(processGone(keepPid));
    assert_true(processGone(heldPid));
    assert_int_equal(countDir(top, "run"), 0);

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
    rmTree(top);
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
    assert_true(waitSerial("segv", "VK-MICRO-READY"));
    pid = statusPidIn(root, "segv");
    assert_true(pid > 0);
    assert_int_equal(kill(pid, SIGSEGV), 0);
    assert_true(waitEvent(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_CRASHED);
    assert_true(processGone(pid));
    assert_int_equal(countDir(root, "run"), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

/* ---- memory balloon ---- */

static void
test_balloon(void **state)
{
    g_autofree char *xml = domainXML(root, "bal", "    <memballoon model='virtio'/>\n");
    g_autofree char *plain = domainXML(root, "nobal", NULL);
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
    assert_int_equal(countDir(root, "run"), 0);
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
    assert_true(waitSerial("sav", "VK-MICRO-READY"));
    pid = statusPidIn(root, "sav");

    assert_int_equal(virDomainSave(dom, image), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SAVED);
    assert_true(processGone(pid));
    assert_true(waitEvent(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED));
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
        assert_int_equal(countDir(root, "run"), 0);
        g_unlink(cut);
    }

    assert_int_equal(virDomainRestore(conn, image), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_RESTORED);
    assert_true(waitEvent(VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED));

    /* The restored guest is the one that was saved, mid-loop: it powers
     * off on the button without booting again (QEMU truncated the
     * serial file when it reopened it, so a new boot would show). */
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_true(waitEvent(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(serialHas("sav", "VK-MICRO-POWEROFF"));
    assert_false(serialHas("sav", "VK-MICRO-READY"));
    assert_int_equal(countDir(root, "run"), 0);
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
    assert_true(waitSerial("msav", "VK-MICRO-READY"));
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 1);
    assert_int_equal(countDir(root, "save"), 1);
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
    assert_int_equal(countDir(root, "save"), 0);
    assert_false(serialHas("msav", "VK-MICRO-READY"));

    /* A forced boot drops the image and boots afresh. */
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_FORCE_BOOT), 0);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_int_equal(countDir(root, "save"), 0);
    assert_true(waitSerial("msav", "VK-MICRO-READY"));

    /* Managed save, then undefine with the flag removes the image. */
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), 0);
    assert_int_equal(countDir(root, "save"), 0);
    assert_int_equal(countDir(root, "run"), 0);
    virDomainFree(dom);
}

/* ---- hot-plug ---- */

static void
test_hotplug(void **state)
{
    g_autofree char *xml = domainXML(root, "hp", NULL);
    g_autofree char *img = g_strdup_printf("%s/hp-disk.img", root);
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
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(waitSerial("hp", "VK-MICRO-READY"));

    assert_int_equal(virDomainAttachDevice(dom, disk), 0);
    assert_int_equal(virDomainAttachDevice(dom, nic), 0);
    desc = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(desc, "<target dev='vdb' bus='virtio'/>"));
    assert_non_null(strstr(desc, "52:54:00:12:34:56"));
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
    assert_int_equal(countDir(root, "run"), 0);
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
    microElf = argc > 1 ? argv[1] : NULL;
    return cmocka_run_group_tests(tests, setup, teardown);
}
