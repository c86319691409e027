/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fixture of the tests that run the xen driver against
 * tests/xen/fake-xend.py: a fresh stand-in per test on a private socket
 * (VIRTKIT_XEND_SOCKET) and an open xen:///system connection to it.  The
 * including test sets python, fakeXend and dataDir from its arguments.
 */
#ifndef VK_TESTS_XEN_XEND_FIXTURE_H
#define VK_TESTS_XEN_XEND_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "drivers/xen/xen-driver.h"

static const char *python;
static const char *fakeXend;
static const char *dataDir;

typedef struct {
    char *dir;
    char *sock;
    GPid pid;
    int stdinFd;
    virConnectPtr conn;
} Fixture;

static char *
slurp(const char *name)
{
    g_autofree char *path = g_build_filename(dataDir, name, NULL);
    char *s = NULL;
    if (!g_file_get_contents(path, &s, NULL, NULL))
        fail_msg("cannot read %s", path);
    return s;
}

static void
stopFake(Fixture *f)
{
    int status;

    if (f->pid <= 0)
        return;
    /* closing its stdin is the fake's signal to exit */
    close(f->stdinFd);
    waitpid(f->pid, &status, 0);
    g_spawn_close_pid(f->pid);
    f->pid = 0;
}

static int teardown(void **state);

/* Failing setup must not leave the fake or its directory behind. */
static void
setupFailed(Fixture *f, const char *what, const char *detail)
{
    g_autofree char *msg = g_strdup_printf("%s: %s", what, detail);
    void *st = f;
    teardown(&st);
    fail_msg("%s", msg);
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    g_autoptr(GError) err = NULL;
    const char *argv[] = { python, fakeXend, NULL, NULL };
    int outFd;
    char line[16] = { 0 };

    f->dir = g_dir_make_tmp("vk-xen-XXXXXX", NULL);
    f->sock = g_build_filename(f->dir, "xend-socket", NULL);
    argv[2] = f->sock;
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                  NULL, NULL, &f->pid, &f->stdinFd, &outFd, NULL, &err))
        setupFailed(f, "cannot start the fake xend", err->message);
    /* blocks until the fake listens */
    FILE *out = fdopen(outFd, "r");
    bool ready = fgets(line, sizeof(line), out) && strcmp(line, "ready\n") == 0;
    fclose(out);
    if (!ready)
        setupFailed(f, "the fake xend did not start", line);

    g_setenv("VIRTKIT_XEND_SOCKET", f->sock, TRUE);
    assert_int_equal(vkXenDriverRegister(), 0);
    f->conn = virConnectOpen("xen:///system");
    if (!f->conn)
        setupFailed(f, "open failed", virGetLastErrorMessage());
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    if (f->conn)
        virConnectClose(f->conn);
    stopFake(f);
    g_unlink(f->sock);
    g_rmdir(f->dir);
    g_free(f->sock);
    g_free(f->dir);
    g_free(f);
    return 0;
}

#endif
