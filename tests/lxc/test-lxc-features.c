/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver's console, bridged network, reboot and user namespace,
 * with real containers in-process (lxc:///embed?root=TMP) on a
 * busybox-static root filesystem built here:
 *  - console: an init running /bin/sh on the console; a virStream from
 *    virDomainOpenConsole sends "echo $((6*7))" and receives 42;
 *  - network: a bridge made for the test; the container sees eth0 with the
 *    MAC of the XML and up, the host end is a port of the bridge and is
 *    gone after destroy; a missing bridge is a clear error;
 *  - reboot: a new init in new namespaces, the reboot/stopped/started
 *    events, the init's output twice in the log;
 *  - idmap: /proc/PID/uid_map and gid_map of the init as the XML says, a
 *    user namespace of its own, its uid 100000 seen from the host.
 * Skips (77) when not root or without busybox-static.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "drivers/lxc/lxc-driver.h"
#include "lxc-test-util.h"
#include "../events/loop-helper.h"

#define BRIDGE "vktbr0"
#define MAC "52:54:00:4c:58:43"

static char *tmp;
static char *rootfs;
static char *stateRoot;
static virConnectPtr conn;
static GArray *events;         /* triples: id, event, detail */

static void
onLifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    int id = VIR_DOMAIN_EVENT_ID_LIFECYCLE;

    g_array_append_val(events, id);
    g_array_append_val(events, event);
    g_array_append_val(events, detail);
}

static void
onReboot(virConnectPtr c, virDomainPtr dom, void *opaque)
{
    int v[3] = { VIR_DOMAIN_EVENT_ID_REBOOT, 0, 0 };

    g_array_append_vals(events, v, 3);
}

typedef struct { int id, event, detail; } evWant;

static bool
predEvent(void *data)
{
    evWant *w = data;

    for (guint i = 0; i + 2 < events->len; i += 3) {
        if (g_array_index(events, int, i) == w->id &&
            g_array_index(events, int, i + 1) == w->event &&
            g_array_index(events, int, i + 2) == w->detail)
            return true;
    }
    return false;
}

static bool
waitEvent(int id, int event, int detail)
{
    evWant w = { id, event, detail };
    return loopRunUntil(predEvent, &w);
}

static char *
domainXML(const char *name, const char *init, const char *script, const char *extra,
          const char *devices)
{
    g_autofree char *args = NULL;

    if (script) {
        g_autofree char *esc = g_markup_escape_text(script, -1);
        args = g_strdup_printf("<initarg>-c</initarg><initarg>%s</initarg>", esc);
    }
    return g_strdup_printf(
        "<domain type='lxc'><name>%s</name><memory unit='KiB'>65536</memory>%s"
        "<os><type>exe</type><init>%s</init>%s</os>"
        "<devices><filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>"
        "%s<console type='pty'/></devices></domain>",
        name, extra ? extra : "", init, args ? args : "", rootfs, devices ? devices : "");
}

static void
test_console(void **state)
{
    g_autofree char *xml = domainXML("cons", "/bin/sh", NULL, NULL, NULL);
    const char *cmd = "echo $((6*7))\n";
    g_autoptr(GString) got = g_string_new(NULL);
    virDomainPtr dom;
    virStreamPtr st;
    char buf[256];

    dom = virDomainCreateXML(conn, xml, 0);
    assert_non_null(dom);
    st = virStreamNew(conn, 0);
    assert_non_null(st);
    assert_int_equal(virDomainOpenConsole(dom, "serial0", st, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainOpenConsole(dom, "console0", st, VIR_DOMAIN_CONSOLE_SAFE), -1);
    assert_int_equal(virDomainOpenConsole(dom, "console0", st, 0), 0);
    assert_int_equal(virStreamSend(st, cmd, strlen(cmd)), (int)strlen(cmd));
    /* the tty echoes "echo $((6*7))" first; the answer is a line of its own */
    while (!strstr(got->str, "\n42\r\n")) {
        int n = virStreamRecv(st, buf, sizeof(buf));

        assert_true(n > 0);
        g_string_append_len(got, buf, n);
    }
    assert_int_equal(virStreamFinish(st), 0);
    virStreamFree(st);
    /* the log keeps getting the output while a client is attached */
    assert_true(lxcTestLogHas(stateRoot, "cons", "\n42", 1));

    assert_int_equal(virDomainDestroy(dom), 0);
    virDomainFree(dom);
}

static bool
linkExists(const char *name)
{
    g_autofree char *p = g_strdup_printf("/sys/class/net/%s", name);
    return g_file_test(p, G_FILE_TEST_EXISTS);
}

static void
test_bridge(void **state)
{
    g_autofree char *dev = g_strdup_printf(
        "<interface type='bridge'><mac address='" MAC "'/><source bridge='" BRIDGE "'/>"
        "</interface>");
    g_autofree char *xml = domainXML("net1", "/bin/sh",
        "echo MAC=$(cat /sys/class/net/eth0/address) FLAGS=$(cat /sys/class/net/eth0/flags)"
        " LO=$(cat /sys/class/net/lo/flags); sleep 1000", NULL, dev);
    g_autofree char *bad = domainXML("net2", "/bin/sh", "sleep 1000", NULL,
        "<interface type='bridge'><source bridge='vknosuchbr9'/></interface>");
    g_autofree char *live = NULL, *host = NULL, *port = NULL;
    virDomainPtr dom;
    const char *p;
    int pid;

    /* no such bridge: said clearly, nothing started */
    assert_null(virDomainCreateXML(conn, bad, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);
    assert_non_null(strstr(virGetLastError()->message, "vknosuchbr9"));
    assert_int_equal(virConnectNumOfDomains(conn), 0);

    assert_int_equal(system("ip link add " BRIDGE " type bridge && ip link set " BRIDGE " up"),
                     0);
    dom = virDomainCreateXML(conn, xml, 0);
    if (!dom)
        fprintf(stderr, "# %s\n", virGetLastErrorMessage());
    assert_non_null(dom);
    pid = lxcTestInitPid(stateRoot, "net1");
    assert_false(lxcTestSharesNs(pid, "net"));
    /* eth0 with our MAC, up (IFF_UP is bit 0), and lo up */
    assert_true(lxcTestLogHas(stateRoot, "net1", "MAC=" MAC " FLAGS=", 1));
    {
        g_autofree char *log = g_strdup_printf("%s/log/net1.log", stateRoot);
        g_autofree char *text = NULL;
        const char *f, *l;

        assert_true(g_file_get_contents(log, &text, NULL, NULL));
        printf("# %s", text);
        assert_non_null((f = strstr(text, "FLAGS=")));
        assert_non_null((l = strstr(text, "LO=")));
        assert_true(strtoul(f + 6, NULL, 16) & 0x1);     /* IFF_UP */
        assert_true(strtoul(l + 3, NULL, 16) & 0x1);
    }

    live = virDomainGetXMLDesc(dom, 0);
    assert_non_null(live);
    p = strstr(live, "<target dev='");
    assert_non_null(p);
    host = g_strndup(p + 13, strcspn(p + 13, "'"));
    port = g_strdup_printf("/sys/class/net/" BRIDGE "/brif/%s", host);
    assert_true(g_file_test(port, G_FILE_TEST_EXISTS));
    assert_true(linkExists(host));

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(lxcTestProcessGone(pid));
    assert_false(linkExists(host));
    virDomainFree(dom);
    assert_int_equal(system("ip link del " BRIDGE), 0);
}

static void
test_reboot(void **state)
{
    g_autofree char *xml = domainXML("boot", "/bin/sh", "echo BOOTED; sleep 1000", NULL, NULL);
    virDomainPtr dom;
    int pid1, pid2, id1, st, reason;

    g_array_set_size(events, 0);
    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainReboot(dom, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(lxcTestLogHas(stateRoot, "boot", "BOOTED", 1));
    pid1 = lxcTestInitPid(stateRoot, "boot");
    id1 = virDomainGetID(dom);
    assert_int_equal(virDomainReboot(dom, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN), -1);
    assert_int_equal(virDomainReboot(dom, 0), 0);
    pid2 = lxcTestInitPid(stateRoot, "boot");
    assert_true(pid2 > 0 && pid2 != pid1);
    assert_true(lxcTestProcessGone(pid1));
    assert_false(lxcTestProcessGone(pid2));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_true((int)virDomainGetID(dom) > id1);
    assert_true(lxcTestLogHas(stateRoot, "boot", "BOOTED", 2));
    assert_true(waitEvent(VIR_DOMAIN_EVENT_ID_REBOOT, 0, 0));
    assert_true(waitEvent(VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_STOPPED,
                          VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN));
    assert_true(waitEvent(VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_STARTED,
                          VIR_DOMAIN_EVENT_STARTED_BOOTED));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(lxcTestProcessGone(pid2));
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
}

static void
test_idmap(void **state)
{
    static const char *idmap =
        "<idmap><uid start='0' target='100000' count='65536'/>"
        "<gid start='0' target='100000' count='65536'/></idmap>";
    g_autofree char *xml = domainXML("uns", "/bin/sh", "echo UNS-UP; sleep 1000", idmap, NULL);
    g_autofree char *half = domainXML("uns2", "/bin/sh", "true",
        "<idmap><uid start='0' target='100000' count='65536'/></idmap>", NULL);
    g_autofree char *odd = domainXML("uns3", "/bin/sh", "true",
        "<idmap><uid start='0' target='100000' count='65536'/>"
        "<gid start='0' target='100000' count='65536'/><pid start='0'/></idmap>", NULL);
    g_autofree char *path = NULL, *text = NULL;
    unsigned int start, target, count;
    virDomainPtr dom;
    int pid;

    assert_null(virDomainDefineXML(conn, half));
    assert_int_equal(virGetLastError()->code, VIR_ERR_XML_DETAIL);
    assert_null(virDomainDefineXML(conn, odd));
    assert_int_equal(virGetLastError()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(strstr(virGetLastError()->message, "<idmap><pid>"));

    dom = virDomainCreateXML(conn, xml, 0);
    if (!dom)
        fprintf(stderr, "# %s\n", virGetLastErrorMessage());
    assert_non_null(dom);
    pid = lxcTestInitPid(stateRoot, "uns");
    assert_false(lxcTestSharesNs(pid, "user"));
    assert_true(lxcTestLogHas(stateRoot, "uns", "UNS-UP", 1));
    for (int i = 0; i < 2; i++) {
        path = g_strdup_printf("/proc/%d/%s", pid, i ? "gid_map" : "uid_map");
        assert_true(g_file_get_contents(path, &text, NULL, NULL));
        assert_int_equal(sscanf(text, "%u %u %u", &start, &target, &count), 3);
        assert_int_equal(start, 0);
        assert_int_equal(target, 100000);
        assert_int_equal(count, 65536);
        g_clear_pointer(&path, g_free);
        g_clear_pointer(&text, g_free);
    }
    /* the init is root inside, uid 100000 outside */
    path = g_strdup_printf("/proc/%d/status", pid);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_non_null(strstr(text, "\nUid:\t100000\t100000\t100000\t100000\n"));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(lxcTestProcessGone(pid));
    virDomainFree(dom);
}

static int
setup(void **state)
{
    g_autofree char *uri = g_strdup_printf("lxc:///embed?root=%s", stateRoot);

    conn = virConnectOpen(uri);
    if (!conn)
        return -1;
    if (virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(onLifecycle),
                                         NULL, NULL) < 0 ||
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                         VIR_DOMAIN_EVENT_CALLBACK(onReboot),
                                         NULL, NULL) < 0)
        return -1;
    return 0;
}

/* After each test: whatever a failed one left goes (containers with
 * their cgroups, definitions, the bridge). */
static int
cleanup(void **state)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);

    for (int i = 0; i < n; i++) {
        if (virDomainIsActive(doms[i]) == 1)
            virDomainDestroy(doms[i]);
        if (virDomainIsPersistent(doms[i]) == 1)
            virDomainUndefine(doms[i]);
        virDomainFree(doms[i]);
    }
    free(doms);
    if (system("ip link show " BRIDGE " >/dev/null 2>&1") == 0 &&
        system("ip link del " BRIDGE) != 0)
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    virConnectClose(conn);
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_console, cleanup),
        cmocka_unit_test_teardown(test_bridge, cleanup),
        cmocka_unit_test_teardown(test_reboot, cleanup),
        cmocka_unit_test_teardown(test_idmap, cleanup),
    };
    static const char *const dirs[] = { "bin", "proc", "sys", "dev", "tmp", "etc", NULL };
    static const char *const applets[] = {
        "sh", "echo", "hostname", "sleep", "cat", "true", NULL,
    };
    int rc;

    if ((rc = lxcTestHostCheck("/proc/self/ns/user")) != 0)
        return rc;
    tmp = g_dir_make_tmp("vk-lxcf-XXXXXX", NULL);
    /* the user-namespace container's root (uid 100000 on the host) must be
     * able to walk down to its root filesystem */
    chmod(tmp, 0755);
    rootfs = g_build_filename(tmp, "rootfs", NULL);
    stateRoot = g_build_filename(tmp, "state", NULL);
    if (!lxcTestBuildRootfs(rootfs, dirs, applets)) {
        printf("# cannot build the busybox root filesystem\n");
        return 1;
    }
    events = g_array_new(FALSE, FALSE, sizeof(int));
    virEventRegisterDefaultImpl();
    vkLxcDriverRegister();
    rc = cmocka_run_group_tests(tests, setup, teardown);
    lxcTestRmTree(tmp);
    return rc;
}
