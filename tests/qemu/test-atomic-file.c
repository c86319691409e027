/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * src/util/atomic-file: replacement, mode, failures injected at every step
 * (old content kept, no temporary left), and a crash (the process dies)
 * between any two steps never leaves a torn or missing target.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "util/atomic-file.h"
#include "util/error.h"

static char *tmpdir;

static int
setup(void **state)
{
    tmpdir = g_dir_make_tmp("vk-atomic-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int
teardown(void **state)
{
    g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(tmpdir, n, NULL);
        g_unlink(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return 0;
}

static int
countEntries(void)
{
    g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
    int n = 0;

    while (g_dir_read_name(d))
        n++;
    return n;
}

static char *
readFile(const char *path)
{
    char *s = NULL;

    if (!g_file_get_contents(path, &s, NULL, NULL))
        return NULL;
    return s;
}

static void
test_write_and_replace(void **state)
{
    g_autofree char *p = g_build_filename(tmpdir, "a.xml", NULL);
    g_autofree char *s1 = NULL;
    g_autofree char *s2 = NULL;
    struct stat sb;

    assert_int_equal(vkAtomicFileWrite(p, "first", 5, 0600), 0);
    s1 = readFile(p);
    assert_string_equal(s1, "first");
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(vkAtomicFileWrite(p, "second!", 7, 0644), 0);
    s2 = readFile(p);
    assert_string_equal(s2, "second!");
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(countEntries(), 1);    /* no temporary left */
    g_unlink(p);
}

static int injectStep = -1;

static int
failAt(vkAtomicFileStep step, const char *path)
{
    return (int)step == injectStep ? EIO : 0;
}

static void
test_injected_failures(void **state)
{
    g_autofree char *p = g_build_filename(tmpdir, "b.xml", NULL);

    assert_int_equal(vkAtomicFileWrite(p, "old", 3, 0600), 0);
    vkAtomicFileSetFaultHook(failAt);
    for (int step = VK_ATOMIC_FILE_STEP_OPEN; step <= VK_ATOMIC_FILE_STEP_RENAME; step++) {
        g_autofree char *s = NULL;

        injectStep = step;
        vkErrorReset();
        assert_int_equal(vkAtomicFileWrite(p, "new", 3, 0600), -1);
        assert_int_equal(vkErrorGetLast()->code, VIR_ERR_SYSTEM_ERROR);
        assert_non_null(strstr(vkErrorGetLast()->message, "b.xml"));
        s = readFile(p);
        assert_string_equal(s, "old");
        assert_int_equal(countEntries(), 1);
    }
    /* A failed directory sync is reported, but the rename happened. */
    injectStep = VK_ATOMIC_FILE_STEP_DIRSYNC;
    assert_int_equal(vkAtomicFileWrite(p, "new", 3, 0600), -1);
    {
        g_autofree char *s = readFile(p);
        assert_string_equal(s, "new");
    }
    vkAtomicFileSetFaultHook(NULL);
    injectStep = -1;
    g_unlink(p);
}

static int
crashAt(vkAtomicFileStep step, const char *path)
{
    if ((int)step == injectStep)
        _exit(7);
    return 0;
}

static void
test_crash_between_steps(void **state)
{
    g_autofree char *p = g_build_filename(tmpdir, "c.xml", NULL);

    assert_int_equal(vkAtomicFileWrite(p, "old", 3, 0600), 0);
    for (int step = VK_ATOMIC_FILE_STEP_OPEN; step <= VK_ATOMIC_FILE_STEP_DIRSYNC; step++) {
        g_autofree char *s = NULL;
        pid_t pid;
        int status;

        injectStep = step;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            vkAtomicFileSetFaultHook(crashAt);
            vkAtomicFileWrite(p, "new", 3, 0600);
            _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(WEXITSTATUS(status), 7);
        s = readFile(p);
        /* Whole old or whole new content: never empty or torn. */
        if (step == VK_ATOMIC_FILE_STEP_DIRSYNC)
            assert_string_equal(s, "new");
        else
            assert_string_equal(s, "old");
        /* Crash leftovers are dot-files; remove them for the next round. */
        {
            g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
            const char *n;

            while ((n = g_dir_read_name(d))) {
                if (n[0] == '.') {
                    g_autofree char *tp = g_build_filename(tmpdir, n, NULL);
                    g_unlink(tp);
                }
            }
        }
        if (step == VK_ATOMIC_FILE_STEP_DIRSYNC)
            assert_int_equal(vkAtomicFileWrite(p, "old", 3, 0600), 0);
    }
    g_unlink(p);
}

static void
test_missing_directory(void **state)
{
    g_autofree char *p = g_build_filename(tmpdir, "nodir", "x.xml", NULL);

    vkErrorReset();
    assert_int_equal(vkAtomicFileWrite(p, "x", 1, 0600), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(vkErrorGetLast()->message, "x.xml"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_and_replace),
        cmocka_unit_test(test_injected_failures),
        cmocka_unit_test(test_crash_between_steps),
        cmocka_unit_test(test_missing_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
