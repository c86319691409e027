/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup code's pure-v2 path, over a temporary directory tree.
 *
 * This host has the hybrid layout, so a cgroup2-only host cannot be run
 * for real here.  What is tested is the FILE LOGIC only: the code is
 * pointed (vkCgroupSetMountsFile) at a mount table naming a plain
 * directory as the cgroup2 mount, whose files the test creates the way the
 * kernel would (cgroup.controllers, cgroup.subtree_control, memory.max,
 * ...).  Checked: the layout is detected as v2, controllers are enabled
 * down the path, limits land in the v2 files with v2 syntax (memory.max,
 * cpu.weight converted from shares, cpu.max, pids.max), the join file is
 * the v2 cgroup.procs, freeze/kill use cgroup.freeze / cgroup.kill, and
 * the statistics come from memory.current and cpu.stat.  What a directory
 * cannot mimic (the kernel flipping cgroup.events by itself, rmdir of a
 * group with files in it) is not claimed: the events file is written
 * beforehand and removal is not tested here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "drivers/container/container.h"

#define REL "virtkit/lxc-test/ct"

static char *tmp;
static char *cgRoot;

static void
put(const char *dir, const char *file, const char *text)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    assert_true(g_file_set_contents(p, text, -1, NULL));
}

static char *
get(const char *dir, const char *file)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    char *t = NULL;

    assert_true(g_file_get_contents(p, &t, NULL, NULL));
    return t;
}

/* A group directory with the files the kernel gives every v2 group. */
static void
makeGroup(const char *dir)
{
    static const char *const empty[] = {
        "cgroup.subtree_control", "cgroup.procs", "cgroup.freeze", "cgroup.kill",
        "memory.max", "cpu.weight", "cpu.max", "pids.max", NULL,
    };

    assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
    for (const char *const *f = empty; *f; f++)
        put(dir, *f, "");
    put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
}

static void
test_v2_files(void **state)
{
    g_autofree char *mounts = g_build_filename(tmp, "mounts", NULL);
    g_autofree char *text = NULL;
    g_autofree char *group = g_build_filename(cgRoot, REL, NULL);
    g_autofree char *top = g_build_filename(cgRoot, "virtkit", NULL);
    g_autofree char *mid = g_build_filename(cgRoot, "virtkit/lxc-test", NULL);
    vkCgroupLayout layout;
    vkCgroupLimits lim = {
        .memoryKiB = 65536, .cpuShares = 1024, .cpuPeriodUs = 100000,
        .cpuQuotaUs = 50000, .pidsMax = 100,
    };
    g_autoptr(vkCgroup) cg = NULL;
    unsigned long long cpuNs, memKiB;
    char *const *join;

    text = g_strdup_printf("proc /proc proc rw 0 0\ncgroup2 %s cgroup2 rw,nosuid 0 0\n",
                           cgRoot);
    put(tmp, "mounts", text);
    vkCgroupSetMountsFile(mounts);
    makeGroup(cgRoot);
    put(cgRoot, "cgroup.controllers", "cpuset cpu io memory pids\n");
    makeGroup(top);
    makeGroup(mid);
    makeGroup(group);

    assert_int_equal(vkCgroupDetect(&layout), 0);
    assert_int_equal(layout, VK_CGROUP_V2);
    assert_string_equal(vkCgroupLayoutName(layout), "v2");

    cg = vkCgroupCreate(REL);
    assert_non_null(cg);
    assert_string_equal(vkCgroupPath(cg), REL);
    /* controllers enabled at every level above the group */
    g_free(text);
    text = get(cgRoot, "cgroup.subtree_control");
    assert_string_equal(text, "+memory +cpu +pids");
    g_free(text);
    text = get(mid, "cgroup.subtree_control");
    assert_string_equal(text, "+memory +cpu +pids");

    assert_int_equal(vkCgroupApply(cg, &lim, "ct"), 0);
    g_free(text);
    text = get(group, "memory.max");
    assert_string_equal(text, "67108864");
    g_free(text);
    /* shares 1024 on v1's 2..262144 scale is weight 39 on v2's 1..10000 */
    text = get(group, "cpu.weight");
    assert_string_equal(text, "39");
    g_free(text);
    text = get(group, "cpu.max");
    assert_string_equal(text, "50000 100000");
    g_free(text);
    text = get(group, "pids.max");
    assert_string_equal(text, "100");

    join = vkCgroupJoinFiles(cg);
    assert_non_null(join[0]);
    g_free(text);
    text = g_build_filename(group, "cgroup.procs", NULL);
    assert_string_equal(join[0], text);
    assert_null(join[1]);

    assert_true(vkCgroupIsEmpty(cg));
    put(group, "cgroup.procs", "4242\n");
    assert_false(vkCgroupIsEmpty(cg));

    /* the kernel would flip cgroup.events; here it says frozen already */
    put(group, "cgroup.events", "populated 1\nfrozen 1\n");
    assert_int_equal(vkCgroupSetFrozen(cg, true, "ct"), 0);
    g_free(text);
    text = get(group, "cgroup.freeze");
    assert_string_equal(text, "1");
    assert_int_equal(vkCgroupIsFrozen(cg), 1);

    assert_int_equal(vkCgroupKill(cg), 0);
    g_free(text);
    text = get(group, "cgroup.kill");
    assert_string_equal(text, "1");

    put(group, "memory.current", "4096000\n");
    put(group, "cpu.stat", "usage_usec 5\nuser_usec 3\n");
    assert_int_equal(vkCgroupGetStats(cg, &cpuNs, &memKiB), 0);
    assert_int_equal(memKiB, 4000);
    assert_int_equal(cpuNs, 5000);

    vkCgroupSetMountsFile(NULL);
}

static void
test_no_mounts(void **state)
{
    g_autofree char *mounts = g_build_filename(tmp, "none", NULL);
    vkCgroupLayout layout;

    put(tmp, "none", "proc /proc proc rw 0 0\n");
    vkCgroupSetMountsFile(mounts);
    assert_int_equal(vkCgroupDetect(&layout), -1);
    vkCgroupSetMountsFile(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_files),
        cmocka_unit_test(test_no_mounts),
    };
    int rc;

    tmp = g_dir_make_tmp("vk-cg2-XXXXXX", NULL);
    cgRoot = g_build_filename(tmp, "cgroup2", NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            rc = 1;
    }
    return rc;
}
