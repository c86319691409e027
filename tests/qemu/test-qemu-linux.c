/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A real Linux guest under TCG: Debian's cloud kernel from /boot and an
 * initramfs this test writes itself (newc cpio, uncompressed, which the
 * kernel accepts) from busybox-static plus the kernel's own evdev.ko and
 * button.ko.  Its /init starts busybox acpid, whose power-button action
 * prints a marker and powers off, then prints its ready marker on ttyS0.
 * Checked: start, the marker in the serial log, shutdown through ACPI
 * seen as the guest's own power-off (a STOPPED/SHUTDOWN event), and
 * destroy of a running Linux.  TCG is forced (domain type 'qemu'): this
 * host's nested KVM cannot run a stock Linux kernel.  Skipped when no
 * cloud kernel or busybox-static is installed.  Nothing asserts on time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qemu-test-util.h"
#include "../events/lifecycle-log.h"

/* a TCG boot takes a few seconds: a guard against hangs, not a timing */
#define SERIAL_GUARD_S 50
#define BUSYBOX "/bin/busybox"

static char *root;
static char *kernel;
static char *initrd;
static virConnectPtr conn;
static lifecycleLog events;
static int callbackId = -1;

static const char initScript[] =
    "#!/bin/busybox sh\n"
    "/bin/busybox mount -t devtmpfs dev /dev\n"
    "/bin/busybox mount -t proc proc /proc\n"
    "/bin/busybox mount -t sysfs sys /sys\n"
    "/bin/busybox insmod /evdev.ko\n"
    "/bin/busybox insmod /button.ko\n"
    "/bin/busybox acpid -f -c /etc/acpi -a /etc/acpid.conf -l /dev/null &\n"
    /* Ready only once acpid holds the input devices open: a power button
     * pressed before that would be lost. */
    "while ! /bin/busybox ls -l /proc/$!/fd 2>/dev/null | /bin/busybox grep -q input/event1; do\n"
    "  /bin/busybox usleep 20000\n"
    "done\n"
    "echo VK-LINUX-READY > /dev/ttyS0\n"
    "exec /bin/busybox sleep 1000000\n";
static const char acpidConf[] = "PWRF power.sh\n";
static const char powerScript[] =
    "#!/bin/busybox sh\n"
    "echo VK-LINUX-POWEROFF > /dev/ttyS0\n"
    "/bin/busybox poweroff -f\n";

/* One newc cpio entry: a 110-byte ASCII header, the name, the data, each
 * padded to four bytes. */
static void
cpioAdd(GByteArray *out, const char *name, unsigned mode, const void *data, gsize len)
{
    static unsigned ino = 1;
    static const guint8 zero[4] = { 0 };
    g_autofree char *hdr = g_strdup_printf(
        "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
        ino++, mode, 0, 0, 1, 0, (unsigned)len, 0, 0, 0, 0,
        (unsigned)strlen(name) + 1, 0);

    g_byte_array_append(out, (const guint8 *)hdr, 110);
    g_byte_array_append(out, (const guint8 *)name, strlen(name) + 1);
    g_byte_array_append(out, zero, (4 - out->len % 4) % 4);
    if (len) {
        g_byte_array_append(out, data, len);
        g_byte_array_append(out, zero, (4 - out->len % 4) % 4);
    }
}

static bool
cpioAddFile(GByteArray *out, const char *name, unsigned mode, const char *src)
{
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(src, &data, &len, NULL))
        return false;
    cpioAdd(out, name, 0100000 | mode, data, len);
    return true;
}

/* Finds a cloud kernel in /boot (or VK_TEST_LINUX_KERNEL) and its
 * modules directory; NULL when there is none. */
static char *
findKernel(char **modules)
{
    const char *env = g_getenv("VK_TEST_LINUX_KERNEL");
    g_autoptr(GDir) d = NULL;
    const char *n;

    if (env) {
        const char *base = strrchr(env, '/');

        *modules = g_strdup_printf("/lib/modules/%s", base ? base + 9 : env);
        return g_strdup(env);
    }
    if (!(d = g_dir_open("/boot", 0, NULL)))
        return NULL;
    while ((n = g_dir_read_name(d))) {
        if (g_str_has_prefix(n, "vmlinuz-") && g_str_has_suffix(n, "-cloud-amd64")) {
            *modules = g_strdup_printf("/lib/modules/%s", n + strlen("vmlinuz-"));
            return g_build_filename("/boot", n, NULL);
        }
    }
    return NULL;
}

static char *
buildInitrd(const char *modules)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autofree char *evdev = g_build_filename(modules, "kernel/drivers/input/evdev.ko", NULL);
    g_autofree char *button = g_build_filename(modules, "kernel/drivers/acpi/button.ko", NULL);
    const char *dirs[] = { "bin", "dev", "proc", "sys", "etc", "etc/acpi", "var", "var/log",
                           "var/run" };
    char *path;

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++)
        cpioAdd(out, dirs[i], 040755, NULL, 0);
    if (!cpioAddFile(out, "bin/busybox", 0755, BUSYBOX) ||
        !cpioAddFile(out, "evdev.ko", 0644, evdev) ||
        !cpioAddFile(out, "button.ko", 0644, button))
        return NULL;
    cpioAdd(out, "init", 0100755, initScript, strlen(initScript));
    cpioAdd(out, "etc/acpid.conf", 0100644, acpidConf, strlen(acpidConf));
    cpioAdd(out, "etc/acpi/power.sh", 0100755, powerScript, strlen(powerScript));
    cpioAdd(out, "TRAILER!!!", 0, NULL, 0);
    path = g_build_filename(root, "initrd.cpio", NULL);
    if (!g_file_set_contents(path, (const char *)out->data, out->len, NULL)) {
        g_free(path);
        return NULL;
    }
    return path;
}

static char *
domainXML(const char *name)
{
    g_autofree char *os = g_strdup_printf(
        "    <initrd>%s</initrd>\n"
        "    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>\n", initrd);
    microGuestSpec spec = {
        .type = "qemu", .name = name, .kernel = kernel, .memoryMiB = 256, .logDir = root,
        .os = os,
    };

    return microGuestXML(&spec);
}

static void
skipWithoutLinux(void)
{
    if (!conn || !initrd)
        skip();
}

/* Boot, marker, ACPI power button: the guest powers itself off. */
static void
test_linux_acpi_shutdown(void **state)
{
    g_autofree char *xml = NULL;
    virDomainPtr dom;
    int st = -1, reason = -1, pid;

    skipWithoutLinux();
    lifecycleLogReset(&events);
    xml = domainXML("linux-acpi");
    dom = virDomainCreateXML(conn, xml, 0);
    if (!dom)
        fprintf(stderr, "create: %s\n", virGetLastErrorMessage());
    assert_non_null(dom);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    pid = qemuTestStatusPid(root, "linux-acpi");
    assert_true(pid > 0);

    assert_true(qemuTestWaitSerial(root, "linux-acpi", "VK-LINUX-READY", SERIAL_GUARD_S));
    assert_false(qemuTestSerialHas(root, "linux-acpi", "VK-LINUX-POWEROFF"));
    assert_int_equal(virDomainShutdown(dom), 0);
    if (!lifecycleLogWait(&events, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)) {
        lifecycleLogDump(&events, stderr);
        fail_msg("no STOPPED/SHUTDOWN event");
    }
    /* It was the guest's own power-off, run by its acpid. */
    assert_true(qemuTestSerialHas(root, "linux-acpi", "VK-LINUX-POWEROFF"));
    assert_true(qemuTestProcessGone(pid));
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    virDomainFree(dom);
}

/* Boot, marker, destroy of a running Linux. */
static void
test_linux_destroy(void **state)
{
    g_autofree char *xml = NULL;
    virDomainPtr dom;
    int pid;

    skipWithoutLinux();
    xml = domainXML("linux-destroy");
    dom = virDomainCreateXML(conn, xml, 0);
    assert_non_null(dom);
    pid = qemuTestStatusPid(root, "linux-destroy");
    assert_true(pid > 0);
    assert_true(qemuTestWaitSerial(root, "linux-destroy", "VK-LINUX-READY", SERIAL_GUARD_S));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(qemuTestProcessGone(pid));
    assert_false(qemuTestSerialHas(root, "linux-destroy", "VK-LINUX-POWEROFF"));
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    virDomainFree(dom);
}

static int
setup(void **state)
{
    g_autofree char *uri = NULL;
    g_autofree char *modules = NULL;

    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) ||
        !g_file_test(BUSYBOX, G_FILE_TEST_IS_EXECUTABLE) ||
        !(kernel = findKernel(&modules))) {
        fprintf(stderr, "no QEMU, busybox or cloud kernel: skipping\n");
        return 0;
    }
    root = g_dir_make_tmp("vk-qemu-linux-XXXXXX", NULL);
    if (!(initrd = buildInitrd(modules))) {
        fprintf(stderr, "cannot build the initramfs from %s: skipping\n", modules);
        return 0;
    }
    virEventRegisterDefaultImpl();
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "cannot open %s: %s\n", uri, virGetLastErrorMessage());
        return -1;
    }
    lifecycleLogInit(&events);
    callbackId = lifecycleLogAttach(&events, conn);
    return callbackId >= 0 ? 0 : -1;
}

static int
teardown(void **state)
{
    if (conn) {
        virConnectDomainEventDeregisterAny(conn, callbackId);
        qemuTestDropDomains(conn, 0);
        virConnectClose(conn);
        lifecycleLogClear(&events);
    }
    if (root)
        qemuTestRmTree(root);
    g_free(root);
    g_free(kernel);
    g_free(initrd);
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_acpi_shutdown),
        cmocka_unit_test(test_linux_destroy),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
