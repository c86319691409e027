/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's file layer in-process: the qcow2 header probe
 * against images qemu-img wrote, the volume XML it leads to (checked
 * against libvirt's storagevol.rng when installed), the create options
 * parsed from <volume>, a sparse clone, wipe passes (scrub's, as libvirt
 * runs them), a create that fails leaving no file, and how a host tool's
 * failure is worded (libvirt's words, the tool's own message).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "util/error.h"
#include "drivers/storage/storage-private.h"

static char *tmpdir;

static char *
tmpPath(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static bool
haveProgram(const char *name)
{
    g_autofree char *path = g_find_program_in_path(name);

    return path != NULL;
}

static void
run(const char *const *argv)
{
    int status = 0;

    assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                             G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                             G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                             &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
}

static void
writeFile(const char *path, const void *data, size_t len, off_t at)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
    close(fd);
}

static void
testProbeQcow2(void **state)
{
    g_autofree char *base = tmpPath("base.img");
    g_autofree char *top = tmpPath("top.qcow2");
    g_autoptr(vkStorageVolDef) v = NULL;
    g_autofree char *xml = NULL;
    const char *create[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-b", base,
                             "-F", "raw", top, "3M", NULL };
    char zero = 0;

    (void)state;
    writeFile(base, &zero, 1, 2 * 1024 * 1024 - 1);
    run(create);
    assert_non_null(v = vkStorageFileProbe(top, "top.qcow2"));
    assert_string_equal(v->format, "qcow2");
    assert_int_equal(v->capacity, 3 * 1024 * 1024);
    assert_string_equal(v->backingPath, base);
    assert_string_equal(v->backingFormat, "raw");
    assert_true(v->hasPhysical && v->physical > 0 && v->physical < 1024 * 1024);
    assert_true(v->backingInfo.set);
    xml = vkStorageVolDefFormat(v);
    assert_non_null(strstr(xml, "<format type='qcow2'/>"));
    assert_non_null(strstr(xml, "<physical unit='bytes'>"));
    assert_non_null(strstr(xml, "<mode>0600</mode>"));
    assert_non_null(strstr(xml, "<btime>0</btime>"));
    assert_non_null(strstr(xml, "<backingStore>\n    <path>"));
    if (g_file_test("/usr/share/libvirt/schemas/storagevol.rng", G_FILE_TEST_EXISTS) &&
        haveProgram("xmllint")) {
        g_autofree char *file = tmpPath("vol.xml");
        const char *lint[] = { "xmllint", "--noout", "--relaxng",
                               "/usr/share/libvirt/schemas/storagevol.rng", file, NULL };

        assert_true(g_file_set_contents(file, xml, -1, NULL));
        run(lint);
    }

    vkStorageVolDefFree(g_steal_pointer(&v));
    assert_non_null(v = vkStorageFileProbe(base, "base.img"));
    assert_string_equal(v->format, "raw");
    assert_int_equal(v->capacity, 2 * 1024 * 1024);
    assert_null(v->backingPath);
}

static void
testCreateOptions(void **state)
{
    g_autoptr(vkStorageVolDef) v = vkStorageVolDefParseString(
        "<volume><name>v</name><capacity unit='M'>1</capacity><target>"
        "<format type='qcow2'/><compat>0.10</compat><features><lazy_refcounts/></features>"
        "<permissions><mode>0640</mode></permissions></target>"
        "<backingStore><path>/b</path><format type='qcow2'/></backingStore></volume>");

    (void)state;
    assert_non_null(v);
    assert_string_equal(v->compat, "0.10");
    assert_true(v->lazyRefcounts);
    assert_int_equal(v->mode, 0640);
    assert_string_equal(v->backingPath, "/b");
    assert_string_equal(v->backingFormat, "qcow2");
    /* lazy refcounts need compat 1.1: refused before anything is made */
    g_free(v->path);
    v->path = tmpPath("lazy.qcow2");
    g_clear_pointer(&v->backingPath, g_free);
    assert_int_equal(vkStorageFileCreate(v, 0), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_false(g_file_test(v->path, G_FILE_TEST_EXISTS));
    vkErrorReset();
    assert_null(vkStorageVolDefParseString(
        "<volume><name>v</name><capacity>1</capacity><target><permissions>"
        "<mode>999</mode></permissions></target></volume>"));
    vkErrorReset();
}

static vkStorageVolDef *
rawDef(const char *name, unsigned long long cap)
{
    vkStorageVolDef *d = g_new0(vkStorageVolDef, 1);

    d->name = g_strdup(name);
    d->path = tmpPath(name);
    d->format = g_strdup("raw");
    d->capacity = cap;
    d->mode = -1;
    return d;
}

static void
testSparseClone(void **state)
{
    g_autoptr(vkStorageVolDef) src = rawDef("sparse.img", 64 << 20);
    g_autoptr(vkStorageVolDef) dst = rawDef("clone.img", 80 << 20);
    g_autoptr(vkStorageVolDef) again = rawDef("clone.img", 80 << 20);
    g_autoptr(vkStorageVolDef) probed = NULL;
    g_autofree char *a = NULL, *b = NULL;
    gsize alen, blen;
    struct stat sb;

    (void)state;
    src->hasAllocation = true;           /* allocation 0: all hole */
    assert_int_equal(vkStorageFileCreate(src, 0), 0);
    writeFile(src->path, "head", 4, 0);
    writeFile(src->path, "tail", 4, (32 << 20));
    assert_non_null(probed = vkStorageFileProbe(src->path, src->name));
    assert_int_equal(vkStorageFileClone(dst, probed, 0), 0);
    assert_int_equal(stat(dst->path, &sb), 0);
    assert_int_equal(sb.st_size, 80 << 20);   /* grown to the asked capacity */
    assert_true(sb.st_blocks * 512 < (4 << 20));   /* holes stayed holes */
    assert_true(g_file_get_contents(src->path, &a, &alen, NULL));
    assert_true(g_file_get_contents(dst->path, &b, &blen, NULL));
    assert_int_equal(memcmp(a, b, alen), 0);
    /* the name is taken: refused, and the existing clone is untouched */
    assert_int_equal(vkStorageFileClone(again, probed, 0), -1);
    assert_int_equal(stat(dst->path, &sb), 0);
    assert_int_equal(sb.st_size, 80 << 20);
    vkErrorReset();
}

static void
testWipe(void **state)
{
    g_autoptr(vkStorageVolDef) v = rawDef("wipe.img", 3 << 20);
    unsigned char buf[16];
    bool allZero = true;
    int fd;

    (void)state;
    assert_int_equal(vkStorageFileCreate(v, 0), 0);
    if (!haveProgram("scrub")) {
        /* libvirt's refusal, and "zero" still works without scrub */
        assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_BSI), -1);
        assert_non_null(strstr(vkErrorGetLast()->message, "Cannot find 'scrub' in path"));
        vkErrorReset();
        assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_ZERO), 0);
        return;
    }
    assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_BSI), 0);
    fd = open(v->path, O_RDONLY);
    assert_int_equal(pread(fd, buf, sizeof(buf), (3 << 20) - 16), 16);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0x7f);           /* bsi's last pass */
    assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_RANDOM), 0);
    assert_int_equal(pread(fd, buf, sizeof(buf), 1 << 20), 16);
    for (size_t i = 0; i < sizeof(buf); i++)
        allZero = allZero && (buf[i] == 0 || buf[i] == 0x7f);
    assert_false(allZero);
    assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_ZERO), 0);
    assert_int_equal(pread(fd, buf, sizeof(buf), 1 << 20), 16);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    close(fd);
    assert_int_equal(vkStorageFileWipe(v, VIR_STORAGE_VOL_WIPE_ALG_TRIM), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    vkErrorReset();
}

static void
testRawRefusesBacking(void **state)
{
    g_autoptr(vkStorageVolDef) v = rawDef("backed.img", 1 << 20);

    (void)state;
    v->backingPath = g_strdup("/nonexistent");
    assert_int_equal(vkStorageFileCreate(v, 0), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_NO_SUPPORT);
    assert_false(g_file_test(v->path, G_FILE_TEST_EXISTS));
    vkErrorReset();
}

static int
setup(void **state)
{
    (void)state;
    tmpdir = g_dir_make_tmp("vk-stgu-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int
teardown(void **state)
{
    const char *argv[] = { "rm", "-rf", tmpdir, NULL };

    (void)state;
    run(argv);
    g_free(tmpdir);
    return 0;
}

static void
testRunReportsTool(void **state)
{
    const char *missing[] = { "vk-no-such-storage-tool", NULL };
    const char *failing[] = { "sh", "-c", "echo out; echo 'the reason' >&2; exit 3", NULL };
    const char *ok[] = { "sh", "-c", "echo out", NULL };
    g_autofree char *out = NULL;

    (void)state;
    assert_int_equal(vkStorageRun(missing, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(vkErrorGetLast()->message,
                           "Cannot find 'vk-no-such-storage-tool' in path: No such file"));
    assert_int_equal(vkStorageRun(failing, &out), -1);
    assert_null(out);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(vkErrorGetLast()->message, "Child process ("));
    assert_non_null(strstr(vkErrorGetLast()->message,
                           "sh -c echo out; echo 'the reason' >&2; exit 3) unexpected exit "
                           "status 3: the reason"));
    vkErrorReset();
    assert_int_equal(vkStorageRun(ok, &out), 0);
    assert_string_equal(out, "out\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testProbeQcow2),
        cmocka_unit_test(testCreateOptions),
        cmocka_unit_test(testSparseClone),
        cmocka_unit_test(testWipe),
        cmocka_unit_test(testRawRefusesBacking),
        cmocka_unit_test(testRunReportsTool),
    };

    if (!haveProgram("qemu-img")) {
        printf("qemu-img not installed: skipped\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
