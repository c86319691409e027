/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "qemu-test-util.h"

const char *
qemuTestVirtType(void)
{
    int fd;

    if (g_strcmp0(g_getenv("VK_TEST_QEMU_ACCEL"), "tcg") == 0 ||
        (fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
        return "qemu";
    close(fd);
    return "kvm";
}

virConnectPtr
qemuTestOpenEmbed(const char *prefix, char **root, char **uri)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", prefix);
    g_autofree char *dir = g_dir_make_tmp(tmpl, NULL);
    g_autofree char *u = NULL;
    virConnectPtr conn;

    if (!dir) {
        fprintf(stderr, "cannot make a temporary root for %s\n", prefix);
        return NULL;
    }
    u = g_strdup_printf("qemu:///embed?root=%s", dir);
    if (!(conn = virConnectOpen(u))) {
        fprintf(stderr, "cannot open %s: %s\n", u, virGetLastErrorMessage());
        qemuTestRmTree(dir);
        return NULL;
    }
    *root = g_steal_pointer(&dir);
    if (uri)
        *uri = g_steal_pointer(&u);
    return conn;
}

void
qemuTestDropDomains(virConnectPtr conn, unsigned int undefineFlags)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);

    for (int i = 0; i < n; i++) {
        if (virDomainIsActive(doms[i]) == 1)
            virDomainDestroy(doms[i]);
        virDomainUndefineFlags(doms[i], undefineFlags);
        virDomainFree(doms[i]);
    }
    free(doms);
}

void
qemuTestCloseEmbed(virConnectPtr conn, char *root, unsigned int undefineFlags)
{
    qemuTestDropDomains(conn, undefineFlags);
    virConnectClose(conn);
    qemuTestRmTree(root);
    g_free(root);
}

void
qemuTestRmTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            qemuTestRmTree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

int
qemuTestCountDir(const char *top, const char *sub)
{
    g_autofree char *p = g_build_filename(top, sub, NULL);
    g_autoptr(GDir) d = g_dir_open(p, 0, NULL);
    int n = 0;

    while (d && g_dir_read_name(d))
        n++;
    return n;
}

int
qemuTestStatusPid(const char *top, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/run/%s.xml", top, name);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, "pid='")))
        return -1;
    return atoi(p + 5);
}

bool
qemuTestProcessGone(int pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

bool
qemuTestSerialHas(const char *top, const char *name, const char *needle)
{
    g_autofree char *path = g_strdup_printf("%s/serial-%s.log", top, name);
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);
}

bool
qemuTestWaitInDir(const char *dir, int guardSeconds, bool (*pred)(void *), void *data)
{
    int fd = inotify_init1(IN_CLOEXEC);
    gint64 deadline = g_get_monotonic_time() + guardSeconds * G_USEC_PER_SEC;
    bool found = false;

    /* Watched before the first check, so no write falls between the two. */
    inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[4096];
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;

        if (pred(data)) {
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

typedef struct {
    const char *top, *name, *needle;
} serialWant;

static bool
serialSeen(void *data)
{
    serialWant *w = data;

    return qemuTestSerialHas(w->top, w->name, w->needle);
}

bool
qemuTestWaitSerial(const char *top, const char *name, const char *needle, int guardSeconds)
{
    serialWant w = { top, name, needle };

    return qemuTestWaitInDir(top, guardSeconds, serialSeen, &w);
}
