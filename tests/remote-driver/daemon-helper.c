/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting and stopping a private daemon for the remote driver tests.
 * The one idea: wait on the daemon's own readiness signal, and wait for its
 * end on a pidfd, never on a clock.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "daemon-helper.h"

static void
removeTree(const char *dir)
{
    const char *argv[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                 NULL, NULL, NULL, NULL);
}

static vkTestDaemon *
startLibvirtd(vkTestDaemon *d)
{
    g_autofree char *conf = g_build_filename(d->dir, "libvirtd.conf", NULL);
    g_autofree char *pidfile = g_build_filename(d->dir, "libvirtd.pid", NULL);
    g_autofree char *drvdir = g_build_filename(d->dir, "drivers", NULL);
    g_autofree char *text = NULL;
    g_autofree char *pidtext = NULL;
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) env = g_get_environ();
    int status = 0;
    const char *argv[] = {
        "/usr/sbin/libvirtd", "--daemon", "--config", conf, "--pid-file", pidfile,
        NULL,
    };

    if (!g_file_test(argv[0], G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "%s is not installed\n", argv[0]);
        return NULL;
    }
    g_mkdir(drvdir, 0700);
    text = g_strdup_printf("unix_sock_dir = \"%s\"\n"
                           "auth_unix_rw = \"none\"\n"
                           "auth_unix_ro = \"none\"\n"
                           "log_outputs = \"1:file:%s/libvirtd.log\"\n"
                           "log_filters = \"1:rpc 3:util\"\n",
                           d->dir, d->dir);
    g_file_set_contents(conf, text, -1, NULL);
    /* no loadable drivers: only the test driver built into libvirtd */
    env = g_environ_setenv(env, "LIBVIRT_DRIVER_DIR", drvdir, TRUE);

    /* --daemon: the parent exits once the sockets listen */
    if (!g_spawn_sync(NULL, (char **)argv, env, 0, NULL, NULL, NULL, &errout,
                      &status, &err) ||
        !g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "libvirtd did not start: %s %s\n",
                err ? err->message : "", errout ? errout : "");
        return NULL;
    }
    if (!g_file_get_contents(pidfile, &pidtext, NULL, NULL)) {
        fprintf(stderr, "libvirtd wrote no pid file %s\n", pidfile);
        return NULL;
    }
    d->pid = (pid_t)atoi(pidtext);
    d->sock = g_build_filename(d->dir, "libvirt-sock", NULL);
    d->uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock);
    return d;
}

static vkTestDaemon *
startVirtkitd(vkTestDaemon *d, const char *path)
{
    g_autofree char *fdarg = NULL;
    int pipefd[2];
    char buf[8];
    g_autofree char *qemuRoot = NULL;
    pid_t pid;

    if (pipe(pipefd) < 0)
        return NULL;
    fdarg = g_strdup_printf("%d", pipefd[1]);
    /* the daemon's QEMU driver keeps its files under the test's own dir,
     * never under /etc or /run of the host */
    qemuRoot = g_build_filename(d->dir, "qemu", NULL);
    pid = fork();
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        close(pipefd[0]);
        execl(path, path, "--socket-dir", d->dir, "--ready-fd", fdarg,
              "--qemu-root", qemuRoot, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    d->pid = pid;
    d->isChild = true;
    /* a newline once listening; end of file if it died first */
    if (read(pipefd[0], buf, 1) != 1) {
        close(pipefd[0]);
        fprintf(stderr, "virtkitd (%s) exited before listening\n", path);
        waitpid(pid, NULL, 0);
        return NULL;
    }
    close(pipefd[0]);
    d->sock = g_build_filename(d->dir, "virtkit-sock", NULL);
    d->uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock);
    return d;
}

vkTestDaemon *
vkTestDaemonStart(const char *which)
{
    vkTestDaemon *d = g_new0(vkTestDaemon, 1);
    vkTestDaemon *ok;

    d->dir = g_dir_make_tmp("vk-remote-XXXXXX", NULL);
    if (strcmp(which, "libvirtd") == 0)
        ok = startLibvirtd(d);
    else
        ok = startVirtkitd(d, which);
    if (!ok) {
        removeTree(d->dir);
        g_free(d->dir);
        g_free(d);
    }
    return ok;
}

void
vkTestDaemonSignal(vkTestDaemon *d, int sig)
{
    kill(d->pid, sig);
}

void
vkTestDaemonStop(vkTestDaemon *d)
{
    int pidfd;

    if (!d)
        return;
    pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0);
    kill(d->pid, SIGCONT);
    kill(d->pid, SIGTERM);
    if (d->isChild) {
        waitpid(d->pid, NULL, 0);
    } else if (pidfd >= 0) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };

        /* not our child: its pidfd becomes readable when it is gone;
         * a daemon that ignores SIGTERM for 10 s gets SIGKILL */
        if (poll(&p, 1, 10000) == 0) {
            kill(d->pid, SIGKILL);
            poll(&p, 1, -1);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    removeTree(d->dir);
    g_free(d->dir);
    g_free(d->uri);
    g_free(d->sock);
    g_free(d);
}
