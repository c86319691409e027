/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Save/restore and managed save in the test driver: round trips keep the
 * live definition and the paused state, and damaged or foreign files are
 * refused with an error naming the file and the problem.
 */
#include <fcntl.h>
#include <unistd.h>

#include "td-helpers.h"

typedef struct {
    virConnectPtr conn;
    char *dir;
} saveFixture;

static int
setupSave(void **state)
{
    saveFixture *f = g_new0(saveFixture, 1);

    virSetErrorFunc(NULL, tdQuietErrors);
    f->conn = virConnectOpen(TD_URI);
    f->dir = g_dir_make_tmp("td-save-XXXXXX", NULL);
    *state = f;
    return f->conn && f->dir ? 0 : -1;
}

static int
teardownSave(void **state)
{
    saveFixture *f = *state;
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);

        unlink(p);
    }
    if (d)
        g_dir_close(d);
    rmdir(f->dir);
    g_free(f->dir);
    virConnectClose(f->conn);
    g_free(f);
    return 0;
}

static void
test_save_restore(void **state)
{
    saveFixture *f = *state;
    g_autofree char *path = g_build_filename(f->dir, "test.save", NULL);
    virDomainPtr dom = virDomainLookupByName(f->conn, "test");
    virDomainPtr back;
    int reason;
    virDomainInfo info;

    assert_int_equal(virDomainSetMemory(dom, 1234567), 0);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SAVED);
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(virDomainSave(dom, path), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");

    assert_int_equal(virDomainRestore(f->conn, path), 0);
    back = virDomainLookupByName(f->conn, "test");
    assert_int_equal(tdState(back, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_RESTORED);
    assert_int_equal(virDomainGetID(back), 2);
    assert_int_equal(virDomainGetInfo(back, &info), 0);
    assert_int_equal(info.memory, 1234567);
    assert_int_equal(virDomainIsPersistent(back), 1);

    assert_int_equal(virDomainRestore(f->conn, path), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain 'test' is already active");

    /* A paused guest comes back paused, unless RUNNING is asked for. */
    assert_int_equal(virDomainSuspend(back), 0);
    assert_int_equal(virDomainSave(back, path), 0);
    assert_int_equal(virDomainRestore(f->conn, path), 0);
    assert_int_equal(tdState(back, NULL), VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainDestroy(back), 0);
    assert_int_equal(virDomainRestoreFlags(f->conn, path, NULL, VIR_DOMAIN_SAVE_RUNNING), 0);
    assert_int_equal(tdState(back, NULL), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainSaveFlags(back, path, NULL,
                                        VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "mutually exclusive");
    virDomainFree(back);
    virDomainFree(dom);
}

static void
test_save_transient(void **state)
{
    saveFixture *f = *state;
    g_autofree char *path = g_build_filename(f->dir, "tr.save", NULL);
    g_autofree char *xml = tdDomainXML("tr", NULL, 4096);
    virDomainPtr dom = virDomainCreateXML(f->conn, xml, 0);

    assert_non_null(dom);
    assert_int_equal(virDomainManagedSave(dom, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "cannot do managed save for transient domain");
    assert_int_equal(virDomainSave(dom, path), 0);
    /* A saved transient domain is gone until restored. */
    assert_null(virDomainLookupByName(f->conn, "tr"));
    assert_int_equal(virDomainRestore(f->conn, path), 0);
    virDomainFree(dom);
    dom = virDomainLookupByName(f->conn, "tr");
    assert_non_null(dom);
    assert_int_equal(virDomainIsPersistent(dom), 0);
    virDomainFree(dom);
}

static void
test_save_errors(void **state)
{
    saveFixture *f = *state;
    g_autofree char *bad = g_build_filename(f->dir, "garbage", NULL);
    g_autofree char *shortf = g_build_filename(f->dir, "short", NULL);
    g_autofree char *trunc = g_build_filename(f->dir, "trunc", NULL);
    g_autofree char *good = g_build_filename(f->dir, "good", NULL);
    g_autofree char *missing = g_build_filename(f->dir, "missing", NULL);
    g_autofree char *nodir = g_build_filename(f->dir, "no", "such", "dir", NULL);
    g_autofree char *content = NULL;
    gsize len;
    virDomainPtr dom = virDomainLookupByName(f->conn, "test");

    assert_int_equal(virDomainSave(dom, nodir), -1);
    tdAssertError(VIR_ERR_SYSTEM_ERROR, "saving domain 'test' to");
    assert_int_equal(virDomainIsActive(dom), 1);

    assert_int_equal(virDomainRestore(f->conn, missing), -1);
    tdAssertError(VIR_ERR_SYSTEM_ERROR, "cannot read domain image");

    assert_true(g_file_set_contents(shortf, "abc", 3, NULL));
    assert_int_equal(virDomainRestore(f->conn, shortf), -1);
    tdAssertError(VIR_ERR_OPERATION_FAILED, "incomplete save header");

    assert_true(g_file_set_contents(bad, "0123456789abcdef0123456789abcdef<domain/>", -1, NULL));
    assert_int_equal(virDomainRestore(f->conn, bad), -1);
    tdAssertError(VIR_ERR_OPERATION_FAILED, "mismatched header magic");

    /* A real image cut short in its XML. */
    assert_int_equal(virDomainSave(dom, good), 0);
    assert_true(g_file_get_contents(good, &content, &len, NULL));
    assert_true(g_file_set_contents(trunc, content, len - 10, NULL));
    assert_int_equal(virDomainRestore(f->conn, trunc), -1);
    tdAssertError(VIR_ERR_OPERATION_FAILED, "truncated");
    assert_int_equal(virDomainIsActive(dom), 0);
    assert_int_equal(virDomainRestore(f->conn, good), 0);
    assert_int_equal(virDomainIsActive(dom), 1);
    virDomainFree(dom);
}

static void
test_managed_save(void **state)
{
    saveFixture *f = *state;
    virDomainPtr dom = virDomainLookupByName(f->conn, "test");
    int reason;
    virDomainInfo info;

    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 0);
    assert_int_equal(virDomainSetMemory(dom, 777777), 0);
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 1);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SAVED);
    assert_int_equal(virDomainManagedSave(dom, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");

    assert_int_equal(virDomainUndefine(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID,
                  "Refusing to undefine while domain managed save image exists");

    /* Starting restores the image: live memory and paused state. */
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 777777);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 0);

    /* FORCE_BOOT discards it; ManagedSaveRemove too. */
    assert_int_equal(virDomainManagedSave(dom, VIR_DOMAIN_SAVE_RUNNING), 0);
    assert_int_equal(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_FORCE_BOOT), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 2097152);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainManagedSaveRemove(dom, 0), 0);
    assert_int_equal(virDomainHasManagedSaveImage(dom, 0), 0);

    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), 0);
    assert_null(virDomainLookupByName(f->conn, "test"));
    virDomainFree(dom);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_save_restore, setupSave, teardownSave),
        cmocka_unit_test_setup_teardown(test_save_transient, setupSave, teardownSave),
        cmocka_unit_test_setup_teardown(test_save_errors, setupSave, teardownSave),
        cmocka_unit_test_setup_teardown(test_managed_save, setupSave, teardownSave),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
