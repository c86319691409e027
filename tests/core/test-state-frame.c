/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The stateful-driver frame with an object type of its own (not a
 * domain): configs and autostart links on disk, states shared per root
 * with their hooks run once, the daemon's system root, and the pidfd
 * watch.  What a new driver (storage, network, secret) builds on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "core/state-root.h"
#include "core/state-config.h"
#include "core/proc-watch.h"
#include "core/uri.h"
#include "util/error.h"

/* ---- a persistent object type: "name=value" text ---- */

typedef struct {
    char *name;
    char *value;
} thing;

static void
thingFree(void *p)
{
    thing *t = p;

    if (!t)
        return;
    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

static void *
thingParse(const char *text, void *opaque)
{
    g_auto(GStrv) kv = g_strsplit(text, "=", 2);
    thing *t;

    if (!kv[0] || !kv[1] || !*kv[0]) {
        vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "not a thing: '%s'", text);
        return NULL;
    }
    t = g_new0(thing, 1);
    t->name = g_strdup(kv[0]);
    t->value = g_strdup(kv[1]);
    return t;
}

static char *
thingFormat(const void *def)
{
    const thing *t = def;

    return g_strdup_printf("%s=%s", t->name, t->value);
}

static const char *
thingName(const void *def)
{
    return ((const thing *)def)->name;
}

typedef struct {
    GHashTable *byName;          /* name -> thing */
    GHashTable *autostart;       /* names */
} thingList;

static void *
thingAdd(void *opaque, void **def)
{
    thingList *l = opaque;
    thing *t = *def;

    if (g_hash_table_contains(l->byName, t->name)) {
        vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_OPERATION_FAILED, __FILE__, __func__,
                          __LINE__, "'%s' twice", t->name);
        return NULL;
    }
    g_hash_table_insert(l->byName, t->name, t);
    *def = NULL;
    return t;
}

static void
thingSetAutostart(void *opaque, void *obj)
{
    thingList *l = opaque;

    g_hash_table_add(l->autostart, ((thing *)obj)->name);
}

static const vkStateConfigOps thingOps = {
    .label = "thing driver",
    .parse = thingParse,
    .format = thingFormat,
    .name = thingName,
    .defFree = thingFree,
    .add = thingAdd,
    .setAutostart = thingSetAutostart,
};

static char *
makeTempDir(void)
{
    char *dir = g_dir_make_tmp("vk-frame-XXXXXX", NULL);

    assert_non_null(dir);
    return dir;
}

static void
removeTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);

        if (!g_file_test(p, G_FILE_TEST_IS_SYMLINK) && g_file_test(p, G_FILE_TEST_IS_DIR))
            removeTree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static void
testConfigStore(void **state)
{
    g_autofree char *dir = makeTempDir();
    g_autofree char *autostart = g_build_filename(dir, "autostart", NULL);
    g_autofree char *bad = g_build_filename(dir, "bad.xml", NULL);
    g_autofree char *stale = g_build_filename(dir, ".a.xml.Ab12Cd", NULL);
    g_autofree char *bPath = vkStateConfigPath(dir, "b");
    thing a = { .name = "a", .value = "1" };
    thing b = { .name = "b", .value = "2" };
    thingList l = {
        .byName = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, thingFree),
        .autostart = g_hash_table_new(g_str_hash, g_str_equal),
    };

    assert_int_equal(vkStateConfigSave(&thingOps, dir, &a), 0);
    assert_int_equal(vkStateConfigSave(&thingOps, dir, &b), 0);
    assert_true(g_file_set_contents(bad, "no equals sign", -1, NULL));
    assert_true(vkStateAutostartSet(autostart, "a", true, VIR_FROM_NONE));
    /* setting twice is harmless */
    assert_true(vkStateAutostartSet(autostart, "a", true, VIR_FROM_NONE));
    assert_true(vkStateAutostartGet(autostart, "a"));
    assert_false(vkStateAutostartGet(autostart, "b"));

    vkStateConfigLoadAll(&thingOps, dir, autostart, &l);
    assert_int_equal(g_hash_table_size(l.byName), 2);
    assert_string_equal(((thing *)g_hash_table_lookup(l.byName, "b"))->value, "2");
    assert_true(g_hash_table_contains(l.autostart, "a"));
    assert_false(g_hash_table_contains(l.autostart, "b"));
    assert_false(vkErrorIsSet());

    /* a second load finds both again: they clash and are skipped */
    vkStateConfigLoadAll(&thingOps, dir, autostart, &l);
    assert_int_equal(g_hash_table_size(l.byName), 2);

    assert_int_equal(vkStateConfigDelete(dir, "b", VIR_FROM_NONE), 0);
    assert_false(g_file_test(bPath, G_FILE_TEST_EXISTS));
    assert_int_equal(vkStateConfigDelete(dir, "b", VIR_FROM_NONE), 0);
    assert_true(vkStateAutostartSet(autostart, "a", false, VIR_FROM_NONE));
    assert_false(vkStateAutostartGet(autostart, "a"));

    /* a temporary left by a crashed write is removed at load */
    assert_true(g_file_set_contents(stale, "x=y", -1, NULL));
    vkStateConfigLoadAll(&thingOps, dir, autostart, &l);
    assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));

    g_hash_table_destroy(l.autostart);
    g_hash_table_destroy(l.byName);
    removeTree(dir);
}

/* ---- a driver class on the registry ---- */

typedef struct {
    VK_STATE_BASE;
    thingList things;
} frameState;

static int nInit, nStart, nFinalize;

static int
frameInit(vkStateBase *base)
{
    frameState *st = (frameState *)base;

    nInit++;
    st->things.byName = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, thingFree);
    st->things.autostart = g_hash_table_new(g_str_hash, g_str_equal);
    vkStateConfigLoadAll(&thingOps, st->configDir, st->autostartDir, &st->things);
    return 0;
}

static void
frameStart(vkStateBase *base)
{
    nStart++;
    assert_non_null(base->ctx);
}

static void
frameFinalize(vkStateBase *base)
{
    frameState *st = (frameState *)base;

    nFinalize++;
    g_clear_pointer(&st->things.autostart, g_hash_table_destroy);
    g_clear_pointer(&st->things.byName, g_hash_table_destroy);
}

static const vkStateClass frameClass = {
    .scheme = "frame",
    .label = "Frame",
    .errdom = VIR_FROM_STORAGE,
    .rootEnv = "VIRTKIT_FRAME_TEST_ROOT_UNSET",
    .mkdirsAtStart = true,
    .threadName = "vk-frame-test",
    .size = sizeof(frameState),
    .init = frameInit,
    .start = frameStart,
    .finalize = frameFinalize,
};

static vkStateRegistry registry = VK_STATE_REGISTRY_INIT(&frameClass);

/* A bare connection with only the URI the frame reads. */
static virConnectPtr
fakeConn(const char *uri)
{
    virConnectPtr c = g_new0(struct _virConnect, 1);

    c->uri = vkURIParse(uri);
    assert_non_null(c->uri);
    return c;
}

static void
fakeConnFree(virConnectPtr c)
{
    vkURIFree(c->uri);
    g_free(c);
}

static vkDrvOpenStatus
openUri(virConnectPtr c)
{
    vkErrorReset();
    return vkStateRegistryOpen(&registry, c, 0);
}

static void
testRegistry(void **state)
{
    g_autofree char *root = makeTempDir();
    g_autofree char *other = makeTempDir();
    g_autofree char *uri = g_strdup_printf("frame:///embed?root=%s", root);
    g_autofree char *uri2 = g_strdup_printf("frame:///embed?root=%s/./", other);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    virConnectPtr c1 = fakeConn(uri), c2 = fakeConn(uri), c3 = fakeConn(uri2);
    virConnectPtr bad = fakeConn("frame:///embed?root=relative");
    virConnectPtr sys = fakeConn("frame:///system");
    virConnectPtr other1 = fakeConn("qemu:///embed?root=/tmp");
    thing x = { .name = "x", .value = "42" };
    frameState *st;

    /* a config already there is loaded when the state is made */
    assert_int_equal(g_mkdir_with_parents(etc, 0700), 0);
    assert_int_equal(vkStateConfigSave(&thingOps, etc, &x), 0);
    nInit = nStart = nFinalize = 0;

    assert_int_equal(openUri(other1), VK_DRV_OPEN_DECLINED);
    assert_int_equal(openUri(sys), VK_DRV_OPEN_DECLINED);   /* not the daemon */
    assert_int_equal(openUri(bad), VK_DRV_OPEN_ERROR);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(vkErrorGetLast()->domain, VIR_FROM_STORAGE);
    assert_int_equal(vkStateRegistryOpen(&registry, c1, 0x1000), VK_DRV_OPEN_ERROR);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INVALID_ARG);

    assert_int_equal(openUri(c1), VK_DRV_OPEN_SUCCESS);
    assert_int_equal(openUri(c2), VK_DRV_OPEN_SUCCESS);
    assert_int_equal(openUri(c3), VK_DRV_OPEN_SUCCESS);
    st = c1->privateData;
    /* one state per root, made once, with its directories */
    assert_ptr_equal(c2->privateData, st);
    assert_ptr_not_equal(c3->privateData, st);
    assert_int_equal(nInit, 2);
    assert_int_equal(nStart, 2);
    assert_int_equal(st->refs, 2);
    assert_string_equal(st->configDir, etc);
    assert_true(g_file_test(st->runDir, G_FILE_TEST_IS_DIR));
    assert_true(g_file_test(st->saveDir, G_FILE_TEST_IS_DIR));
    assert_non_null(g_hash_table_lookup(st->things.byName, "x"));
    assert_ptr_equal(vkStateOf(c1), &st->base);

    assert_int_equal(vkStateRegistryClose(&registry, c1), 0);
    assert_null(c1->privateData);
    assert_int_equal(nFinalize, 0);
    assert_int_equal(vkStateRegistryClose(&registry, c2), 0);
    assert_int_equal(nFinalize, 1);
    assert_int_equal(vkStateRegistryClose(&registry, c3), 0);
    assert_int_equal(nFinalize, 2);
    /* closing a connection that never opened is harmless */
    assert_int_equal(vkStateRegistryClose(&registry, bad), 0);

    /* the daemon's system root: its own reference, dropped at cleanup */
    assert_int_equal(vkStateRegistrySetPrivileged(&registry, "relative"), -1);
    assert_int_equal(vkStateRegistrySetPrivileged(&registry, root), 0);
    assert_int_equal(nInit, 3);                    /* a root given: made at once */
    assert_int_equal(openUri(sys), VK_DRV_OPEN_SUCCESS);
    assert_true(((frameState *)sys->privateData)->privileged);
    assert_int_equal(openUri(c1), VK_DRV_OPEN_ERROR);   /* the system root's */
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_OPERATION_INVALID);
    vkStateRegistryCleanup(&registry);
    assert_int_equal(nFinalize, 2);                /* sys still holds it */
    assert_int_equal(vkStateRegistryClose(&registry, sys), 0);
    assert_int_equal(nFinalize, 3);
    assert_int_equal(openUri(sys), VK_DRV_OPEN_DECLINED);

    for (virConnectPtr *c = (virConnectPtr[]){ c1, c2, c3, bad, sys, other1, NULL }; *c; c++)
        fakeConnFree(*c);
    removeTree(root);
    removeTree(other);
}

/* ---- the pidfd watch ---- */

typedef struct {
    GMainLoop *loop;
    int exits;
} watchSeen;

static void
onChildExit(vkProcWatch *w)
{
    watchSeen *seen = w->st;

    assert_int_equal(w->gen, 7);
    seen->exits++;
    vkProcWatchRelease(w);
    g_main_loop_quit(seen->loop);
}

static int unrefs;

static void
countUnref(void *obj)
{
    unrefs++;
}

static void
testProcWatch(void **state)
{
    GMainContext *ctx = g_main_context_new();
    watchSeen seen = { .loop = g_main_loop_new(ctx, FALSE) };
    int pipefd[2];
    int pidfd, status;
    pid_t pid;
    char c = 'x';
    vkProcWatch *w;

    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* exits when the parent says so */
        close(pipefd[1]);
        _exit(read(pipefd[0], &c, 1) == 1 ? 0 : 1);
    }
    close(pipefd[0]);
    pidfd = pidfd_open(pid, 0);
    assert_true(pidfd >= 0);
    unrefs = 0;
    w = vkProcWatchNew(&seen, &seen, countUnref, 7, ctx);
    vkProcWatchStart(w, pidfd, onChildExit);

    /* nothing fires while the child lives */
    while (g_main_context_iteration(ctx, FALSE))
        ;
    assert_int_equal(seen.exits, 0);
    assert_int_equal(write(pipefd[1], &c, 1), 1);
    g_main_loop_run(seen.loop);
    assert_int_equal(seen.exits, 1);
    /* the watch is freed from the loop, after its callback */
    while (g_main_context_iteration(ctx, FALSE))
        ;
    assert_int_equal(unrefs, 1);

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(pidfd);
    close(pipefd[1]);
    /* released before it fired: no callback, still freed */
    w = vkProcWatchNew(&seen, &seen, countUnref, 7, ctx);
    vkProcWatchRelease(w);
    while (g_main_context_iteration(ctx, FALSE))
        ;
    assert_int_equal(unrefs, 2);
    assert_int_equal(seen.exits, 1);
    g_main_loop_unref(seen.loop);
    g_main_context_unref(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testConfigStore),
        cmocka_unit_test(testRegistry),
        cmocka_unit_test(testProcWatch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
