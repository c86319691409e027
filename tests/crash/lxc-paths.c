/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Paths from a container's XML are resolved inside its root (issue 7,
 * item 5).
 *
 * The LXC init prepares mounts from the host's side of the mount
 * namespace, as root, before pivot_root: a <filesystem> target such as
 * /escape/sub names a directory *inside* the root filesystem, but a naive
 * join "ROOT" + "/escape/sub" lets a symlink planted in the root
 * filesystem (escape -> /some/host/dir, or climb -> ../../../host/dir)
 * send mkdir and mount to the host.  This test plants both kinds, starts
 * the container and checks that the host directories the symlinks point
 * at were never touched (no new entries, same mtime), and that the
 * container sees its shared directory where the symlinks lead when
 * resolved with the root filesystem as "/" -- or that the start is
 * refused.  Both /dev being a symlink and a pre-made /dev/console symlink
 * are planted too, since the init creates nodes there.
 *
 * Root only (77 otherwise), and needs busybox-static like tests/lxc.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "drivers/lxc/lxc-driver.h"
#include "lxc-test-util.h"

static char *tmp, *rootfs, *stateRoot;
static int failures;

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            fprintf(stderr, "FAIL: " __VA_ARGS__); \
            fputc('\n', stderr); \
            failures++; \
        } \
    } while (0)

/* A fingerprint of a host directory: its entries and its mtime. */
static char *
fingerprint(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GString *out = g_string_new(NULL);
    struct stat sb;
    const char *n;

    if (stat(dir, &sb) == 0)
        g_string_append_printf(out, "mtime %ld.%09ld;", (long)sb.st_mtim.tv_sec,
                               sb.st_mtim.tv_nsec);
    while (d && (n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(out, " %s", (char *)names->pdata[i]);
    return g_string_free(out, FALSE);
}

int
main(void)
{
    g_autofree char *hostA = NULL, *hostB = NULL, *hostDev = NULL, *share = NULL;
    g_autofree char *fpA = NULL, *fpB = NULL, *fpDev = NULL, *uri = NULL;
    g_autofree char *xml = NULL, *link = NULL, *climb = NULL;
    g_autofree char *secretA = NULL, *secretB = NULL, *shared = NULL;
    virConnectPtr conn;
    virDomainPtr dom;

    /* no dev/: the test plants a symlink there */
    static const char *const dirs[] = { "bin", "proc", "sys", "tmp", "etc", NULL };
    static const char *const applets[] = { "sh", "cat", "sleep", "echo", "ls", NULL };
    int rc;

    if ((rc = lxcTestHostCheck("/proc/self/ns/pid")) != 0)
        return rc;
    tmp = g_dir_make_tmp("vk-lxcpaths-XXXXXX", NULL);
    rootfs = g_build_filename(tmp, "rootfs", NULL);
    stateRoot = g_build_filename(tmp, "state", NULL);
    hostA = g_build_filename(tmp, "host-a", NULL);
    hostB = g_build_filename(tmp, "host-b", NULL);
    hostDev = g_build_filename(tmp, "host-dev", NULL);
    share = g_build_filename(tmp, "share", NULL);
    secretA = g_build_filename(hostA, "secret", NULL);
    secretB = g_build_filename(hostB, "secret", NULL);
    shared = g_build_filename(share, "shared", NULL);
    if (!lxcTestBuildRootfs(rootfs, dirs, applets) ||
        g_mkdir(hostA, 0755) < 0 || g_mkdir(hostB, 0755) < 0 ||
        g_mkdir(hostDev, 0755) < 0 || g_mkdir(share, 0755) < 0 ||
        !g_file_set_contents(secretA, "A", 1, NULL) ||
        !g_file_set_contents(secretB, "B", 1, NULL) ||
        !g_file_set_contents(shared, "SHARED-OK\n", -1, NULL)) {
        fprintf(stderr, "cannot prepare %s\n", tmp);
        return 1;
    }
    /* rootfs/escape -> HOST-A (absolute); rootfs/climb -> ../../..../host-b
     * (relative, climbing out of the root); rootfs/dev -> HOST-DEV. */
    link = g_build_filename(rootfs, "escape", NULL);
    if (symlink(hostA, link) < 0)
        return 1;
    g_free(link);
    link = g_build_filename(rootfs, "climb", NULL);
    climb = g_strdup_printf("../../../../../../../../../..%s", hostB);
    if (symlink(climb, link) < 0)
        return 1;
    g_free(link);
    link = g_build_filename(rootfs, "dev", NULL);
    if (symlink(hostDev, link) < 0)
        return 1;
    /* Sanity: seen from the host, the links do lead to the host dirs. */
    g_free(link);
    link = g_build_filename(rootfs, "climb", "secret", NULL);
    if (!g_file_test(link, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "the relative symlink does not reach %s from the host\n", hostB);
        return 1;
    }
    /* The same paths inside the root filesystem, so that resolved as the
     * container sees them the links lead somewhere and the start can
     * succeed (a refusal would be safe too, but proves less). */
    {
        const char *const hostDirs[] = { hostA, hostB, hostDev };

        for (int i = 0; i < 3; i++) {
            g_autofree char *in = g_build_filename(rootfs, hostDirs[i], NULL);

            if (g_mkdir_with_parents(in, 0755) < 0)
                return 1;
        }
    }
    fpA = fingerprint(hostA);
    fpB = fingerprint(hostB);
    fpDev = fingerprint(hostDev);

    virEventRegisterDefaultImpl();
    vkLxcDriverRegister();
    uri = g_strdup_printf("lxc:///embed?root=%s", stateRoot);
    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "cannot open %s: %s\n", uri, virGetLastErrorMessage());
        return 1;
    }
    xml = g_strdup_printf(
        "<domain type='lxc'><name>pathct</name><memory unit='KiB'>65536</memory>"
        "<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg>"
        "<initarg>cat /escape/sub/shared /climb/sub2/shared; echo DEV-$(ls /dev/null); "
        "echo DONE; sleep 1000</initarg></os>"
        "<devices><filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>"
        "<filesystem type='mount'><source dir='%s'/><target dir='/escape/sub'/></filesystem>"
        "<filesystem type='mount'><source dir='%s'/><target dir='/climb/sub2'/></filesystem>"
        "<console type='pty'/></devices></domain>", rootfs, share, share);
    dom = virDomainCreateXML(conn, xml, 0);
    if (dom) {
        /* Started: the targets were resolved as the container sees them. */
        g_autofree char *inA = g_build_filename(rootfs, hostA, "sub", NULL);
        g_autofree char *inB = g_build_filename(rootfs, hostB, "sub2", NULL);

        CHECK(lxcTestLogHas(stateRoot, "pathct", "DONE", 1), "the container never printed DONE");
        CHECK(lxcTestLogHas(stateRoot, "pathct", "SHARED-OK\r\nSHARED-OK", 1),
              "the container does not see the share at /escape/sub and /climb/sub2");
        CHECK(lxcTestLogHas(stateRoot, "pathct", "DEV-/dev/null", 1),
              "the container has no /dev/null");
        CHECK(g_file_test(inA, G_FILE_TEST_IS_DIR),
              "%s was not created inside the root filesystem", inA);
        CHECK(g_file_test(inB, G_FILE_TEST_IS_DIR),
              "%s was not created inside the root filesystem", inB);
        CHECK(virDomainDestroy(dom) == 0, "destroy failed: %s", virGetLastErrorMessage());
        virDomainFree(dom);
        printf("container started; symlinked targets resolved inside its root\n");
    } else {
        printf("start refused: %s\n", virGetLastErrorMessage());
    }
    {
        g_autofree char *nowA = fingerprint(hostA);
        g_autofree char *nowB = fingerprint(hostB);
        g_autofree char *nowDev = fingerprint(hostDev);

        CHECK(strcmp(fpA, nowA) == 0, "host dir behind an absolute symlink changed: %s -> %s",
              fpA, nowA);
        CHECK(strcmp(fpB, nowB) == 0, "host dir behind a climbing symlink changed: %s -> %s",
              fpB, nowB);
        CHECK(strcmp(fpDev, nowDev) == 0, "host dir behind the /dev symlink changed: %s -> %s",
              fpDev, nowDev);
    }
    virConnectClose(conn);
    if (failures == 0)
        lxcTestRmTree(tmp);
    printf("%d failure(s)%s%s\n", failures, failures ? "; left " : "", failures ? tmp : "");
    return failures ? 1 : 0;
}
