/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal snapshots with real QEMU images (qemu:///embed on a temporary
 * root): an inactive guest's qcow2 disk is snapshotted with qemu-img, the
 * disk is changed from outside (qemu-io writes a pattern), the revert
 * brings the old contents back; the metadata survives a new connection
 * (a fresh driver state reads it back); a raw disk is refused as libvirt
 * refuses it; undefine is refused while snapshots exist.  Then the
 * micro-guest runs with the qcow2 disk: a running snapshot (savevm), a
 * destroy, a change of the disk, and a revert that brings the guest back
 * running (loadvm) with the disk as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qemu-test-util.h"

#define SERIAL_GUARD_S 60

static const char *microElf;

typedef struct {
    virConnectPtr conn;
    char *root;
    char *uri;
    char *disk;
} fixture;

static bool
run(const char *const *argv)
{
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
        return false;
    return g_spawn_check_wait_status(status, NULL);
}

/* qemu-io's read -P fails when the bytes differ from the pattern. */
static bool
diskHolds(const char *disk, const char *pattern)
{
    g_autofree char *cmd = g_strdup_printf("read -P %s 0 4k", pattern);
    const char *argv[] = { "qemu-io", "-c", cmd, disk, NULL };
    return run(argv);
}

static void
diskWrite(const char *disk, const char *pattern)
{
    g_autofree char *cmd = g_strdup_printf("write -P %s 0 4k", pattern);
    const char *argv[] = { "qemu-io", "-c", cmd, disk, NULL };
    assert_true(run(argv));
}

static int
setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    const char *argv[] = { "qemu-img", "create", "-f", "qcow2", NULL, "16M", NULL };
    g_autofree char *qemuIo = g_find_program_in_path("qemu-io");

    *state = f;
    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) || !qemuIo)
        return 0;
    if (!(f->conn = qemuTestOpenEmbed("vk-qsnap", &f->root, &f->uri)))
        return -1;
    f->disk = g_build_filename(f->root, "disk.qcow2", NULL);
    argv[4] = f->disk;
    return run(argv) ? 0 : -1;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    if (f->conn)
        qemuTestCloseEmbed(f->conn, f->root, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    else
        g_free(f->root);
    g_free(f->uri);
    g_free(f->disk);
    g_free(f);
    return 0;
}

static char *
guestXML(fixture *f, const char *name, const char *disk, const char *format)
{
    g_autofree char *dev = g_strdup_printf(
        "<disk type='file' device='disk'><driver name='qemu' type='%s'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>", format, disk);
    microGuestSpec spec = {
        .type = qemuTestVirtType(), .name = name, .kernel = microElf, .memoryMiB = 64,
        .logDir = f->root, .devices = dev,
    };
    return microGuestXML(&spec);
}

static int
lastCode(void)
{
    virErrorPtr e = virGetLastError();
    return e ? e->code : 0;
}

static void
test_inactive(void **state)
{
    fixture *f = *state;
    g_autofree char *xml = NULL, *rawXML = NULL, *raw = NULL;
    virDomainPtr dom, rawDom;
    virDomainSnapshotPtr s1, cur;
    virConnectPtr again;
    const char *mkraw[] = { "qemu-img", "create", "-f", "raw", NULL, "1M", NULL };

    if (!f->conn)
        skip();
    xml = guestXML(f, "snapg", f->disk, "qcow2");
    assert_non_null(dom = virDomainDefineXML(f->conn, xml));
    diskWrite(f->disk, "0x11");
    assert_non_null(s1 = virDomainSnapshotCreateXML(
                        dom, "<domainsnapshot><name>s1</name></domainsnapshot>", 0));
    diskWrite(f->disk, "0x22");
    assert_true(diskHolds(f->disk, "0x22"));
    assert_int_equal(virDomainRevertToSnapshot(s1, 0), 0);
    assert_true(diskHolds(f->disk, "0x11"));
    assert_int_equal(virDomainIsActive(dom), 0);

    /* a new driver state on the same root reads the metadata back */
    assert_non_null(again = virConnectOpen(f->uri));
    {
        virDomainPtr d2 = virDomainLookupByName(again, "snapg");
        assert_non_null(d2);
        assert_int_equal(virDomainSnapshotNum(d2, 0), 1);
        assert_non_null(cur = virDomainSnapshotCurrent(d2, 0));
        assert_string_equal(virDomainSnapshotGetName(cur), "s1");
        virDomainSnapshotFree(cur);
        virDomainFree(d2);
    }
    virConnectClose(again);

    assert_int_equal(virDomainUndefine(dom), -1);
    assert_int_equal(lastCode(), VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virConnectListAllDomains(f->conn, NULL,
                                              VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT), 1);

    /* a raw disk cannot hold an internal snapshot */
    raw = g_build_filename(f->root, "disk.raw", NULL);
    mkraw[4] = raw;
    assert_true(run(mkraw));
    rawXML = guestXML(f, "rawg", raw, "raw");
    assert_non_null(rawDom = virDomainDefineXML(f->conn, rawXML));
    assert_null(virDomainSnapshotCreateXML(rawDom, "<domainsnapshot/>", 0));
    assert_int_equal(lastCode(), VIR_ERR_CONFIG_UNSUPPORTED);
    assert_int_equal(virConnectListAllDomains(f->conn, NULL,
                                              VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT), 1);
    /* but an external one can: a qcow2 overlay beside it (disk.ext) */
    {
        g_autofree char *over = g_build_filename(f->root, "disk.ext", NULL);
        g_autofree char *xml = NULL;
        virDomainSnapshotPtr ext = virDomainSnapshotCreateXML(
            rawDom, "<domainsnapshot><name>ext</name></domainsnapshot>",
            VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA);

        assert_non_null(ext);
        virDomainSnapshotFree(ext);
        assert_true(g_file_test(over, G_FILE_TEST_EXISTS));
        assert_non_null(xml = virDomainGetXMLDesc(rawDom, 0));
        assert_non_null(strstr(xml, over));
        assert_non_null(strstr(xml, "type='qcow2'"));
    }
    assert_int_equal(virDomainUndefine(rawDom), 0);
    virDomainFree(rawDom);

    assert_int_equal(virDomainSnapshotDelete(s1, 0), 0);
    assert_int_equal(virDomainSnapshotNum(dom, 0), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainSnapshotFree(s1);
    virDomainFree(dom);
}

static void
test_running(void **state)
{
    fixture *f = *state;
    g_autofree char *xml = NULL;
    virDomainPtr dom;
    virDomainSnapshotPtr s;
    int st, reason;

    if (!f->conn || !microElf)
        skip();
    xml = guestXML(f, "snaprun", f->disk, "qcow2");
    diskWrite(f->disk, "0x33");
    assert_non_null(dom = virDomainCreateXML(f->conn, xml, 0));
    assert_true(qemuTestWaitSerial(f->root, "snaprun", "VK-MICRO-READY", SERIAL_GUARD_S));
    assert_non_null(s = virDomainSnapshotCreateXML(
                        dom, "<domainsnapshot><name>live</name></domainsnapshot>", 0));
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    {
        g_autofree char *sx = virDomainSnapshotGetXMLDesc(s, 0);
        assert_non_null(strstr(sx, "<state>running</state>"));
        assert_non_null(strstr(sx, "<memory snapshot='internal'/>"));
    }
    assert_int_equal(virDomainDestroy(dom), 0);
    virDomainFree(dom);
    /* transient: the domain is gone, define it to revert */
    assert_non_null(dom = virDomainDefineXML(f->conn, xml));
    virDomainSnapshotFree(s);
    assert_non_null(s = virDomainSnapshotLookupByName(dom, "live", 0));
    diskWrite(f->disk, "0x44");
    assert_int_equal(virDomainRevertToSnapshot(s, 0), 0);
    assert_int_equal(virDomainIsActive(dom), 1);
    assert_int_equal(virDomainGetState(dom, &st, &reason, 0), 0);
    assert_int_equal(st, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(diskHolds(f->disk, "0x33"));
    assert_int_equal(virDomainSnapshotDelete(s, 0), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainSnapshotFree(s);
    virDomainFree(dom);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inactive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running, setup, teardown),
    };
    microElf = argc > 1 ? argv[1] : NULL;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
