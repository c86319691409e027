/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "conf/domain-status.h"
#include "lxc-test-util.h"

int
lxcTestHostCheck(const char *nsFile)
{
    if (geteuid() != 0) {
        printf("# skip: containers need root\n");
        return 77;
    }
    if (access(LXC_TEST_BUSYBOX, X_OK) < 0 || access(nsFile, F_OK) < 0) {
        printf("# skip: no %s (busybox-static) or no namespaces\n", LXC_TEST_BUSYBOX);
        return 77;
    }
    return 0;
}

bool
lxcTestBuildRootfs(const char *rootfs, const char *const *dirs, const char *const *applets)
{
    g_autofree char *bb = g_build_filename(rootfs, "bin", "busybox", NULL);
    g_autofree char *data = NULL;
    gsize len;

    for (const char *const *d = dirs; *d; d++) {
        g_autofree char *p = g_build_filename(rootfs, *d, NULL);
        if (g_mkdir_with_parents(p, 0755) < 0)
            return false;
    }
    if (!g_file_get_contents(LXC_TEST_BUSYBOX, &data, &len, NULL) ||
        !g_file_set_contents(bb, data, len, NULL) || chmod(bb, 0755) < 0)
        return false;
    for (const char *const *a = applets; *a; a++) {
        g_autofree char *p = g_build_filename(rootfs, "bin", *a, NULL);
        if (symlink("busybox", p) < 0)
            return false;
    }
    return true;
}

int
lxcTestInitPid(const char *stateRoot, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s/run/%s.xml", stateRoot, name);
    g_autofree char *text = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) status = NULL;
    long long init = -1;

    if (!g_file_get_contents(file, &text, NULL, NULL) ||
        !(status = vkDomainStatusParse(text, "lxc", &def)) ||
        vkDomainStatusGetInt(status, "init", &init) <= 0)
        return -1;
    return (int)init;
}

static int
countOf(const char *text, const char *needle)
{
    int n = 0;

    for (const char *s = text; (s = strstr(s, needle)); s++)
        n++;
    return n;
}

bool
lxcTestLogHas(const char *stateRoot, const char *name, const char *needle, int count)
{
    g_autofree char *log = g_strdup_printf("%s/log/%s.log", stateRoot, name);
    int ifd = inotify_init1(IN_CLOEXEC);
    bool found = false;

    /* The log may not exist yet: then the watch fails and each round
     * waits out its 100 ms poll instead. */
    inotify_add_watch(ifd, log, IN_MODIFY);
    for (int i = 0; i < 100 && !found; i++) {
        g_autofree char *text = NULL;
        struct pollfd p = { .fd = ifd, .events = POLLIN };
        char buf[4096];

        if (g_file_get_contents(log, &text, NULL, NULL) && countOf(text, needle) >= count) {
            found = true;
            break;
        }
        if (poll(&p, 1, 100) > 0 && read(ifd, buf, sizeof(buf)) < 0)
            break;
    }
    close(ifd);
    return found;
}

bool
lxcTestProcessGone(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return true;
    p = strrchr(text, ')');
    return p && p[1] == ' ' && p[2] == 'Z';
}

bool
lxcTestSharesNs(int pid, const char *ns)
{
    g_autofree char *a = g_strdup_printf("/proc/%d/ns/%s", pid, ns);
    g_autofree char *b = g_strdup_printf("/proc/self/ns/%s", ns);
    g_autofree char *la = g_file_read_link(a, NULL);
    g_autofree char *lb = g_file_read_link(b, NULL);

    return !la || !lb || strcmp(la, lb) == 0;
}

void
lxcTestRmTree(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", path);

    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", path);
}
