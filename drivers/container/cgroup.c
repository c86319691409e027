/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-container control groups over any host layout.
 *
 * The idea: a group is one relative path created in a small set of
 * hierarchies, and each knob is looked up by controller, not by layout.
 * /proc/self/mounts says where every v1 controller is mounted and whether
 * a v2 hierarchy exists; a controller lives in v1 when some v1 mount has
 * it, otherwise in v2 when the v2 root offers it.  So pure v1, pure v2 and
 * the hybrid layout (v1 controllers plus a controller-less v2 mount, as on
 * Debian hosts without systemd's unified mode) all take the same path,
 * and the v2 group, even without controllers, still gives cgroup.kill and
 * cgroup.freeze.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/container/container.h"

#define FREEZE_TIMEOUT_MS 5000

enum { C_MEMORY, C_CPU, C_CPUACCT, C_PIDS, C_FREEZER, C_LAST };
static const char *const ctrlNames[C_LAST] = { "memory", "cpu", "cpuacct", "pids", "freezer" };

typedef struct {
    char *v1[C_LAST];       /* mount dir of each v1 controller, or NULL */
    char *v2;               /* the v2 mount, or NULL */
    bool v2has[C_LAST];     /* controllers the v2 root offers */
} hostLayout;

struct _vkCgroup {
    char *rel;
    char *dir[C_LAST];      /* group dir per controller (NULL: unavailable) */
    bool isV2[C_LAST];
    char *v2dir;            /* the group in the v2 hierarchy, or NULL */
    char **joinFiles;
};

static void
layoutClear(hostLayout *l)
{
    for (int i = 0; i < C_LAST; i++)
        g_free(l->v1[i]);
    g_free(l->v2);
}

static char *mountsFile;    /* NULL: /proc/self/mounts */

void
vkCgroupSetMountsFile(const char *path)
{
    g_free(mountsFile);
    mountsFile = g_strdup(path);
}

static int
layoutRead(hostLayout *l)
{
    g_autofree char *mounts = NULL;
    g_auto(GStrv) lines = NULL;
    const char *file = mountsFile ? mountsFile : "/proc/self/mounts";

    memset(l, 0, sizeof(*l));
    if (!g_file_get_contents(file, &mounts, NULL, NULL)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read %s", file);
        return -1;
    }
    lines = g_strsplit(mounts, "\n", -1);
    for (char **ln = lines; *ln; ln++) {
        g_auto(GStrv) f = g_strsplit(*ln, " ", 6);

        if (g_strv_length(f) < 4)
            continue;
        if (strcmp(f[2], "cgroup2") == 0 && !l->v2) {
            l->v2 = g_strdup(f[1]);
        } else if (strcmp(f[2], "cgroup") == 0) {
            g_auto(GStrv) opts = g_strsplit(f[3], ",", -1);

            for (char **o = opts; *o; o++) {
                for (int i = 0; i < C_LAST; i++) {
                    if (strcmp(*o, ctrlNames[i]) == 0 && !l->v1[i])
                        l->v1[i] = g_strdup(f[1]);
                }
            }
        }
    }
    if (l->v2) {
        g_autofree char *p = g_build_filename(l->v2, "cgroup.controllers", NULL);
        g_autofree char *text = NULL;

        if (g_file_get_contents(p, &text, NULL, NULL)) {
            g_auto(GStrv) w = g_strsplit_set(g_strstrip(text), " ", -1);

            for (char **c = w; *c; c++) {
                for (int i = 0; i < C_LAST; i++) {
                    if (strcmp(*c, ctrlNames[i]) == 0)
                        l->v2has[i] = true;
                }
            }
        }
        /* v2's cpu controller also accounts CPU time (cpu.stat). */
        l->v2has[C_CPUACCT] = true;
    }
    return 0;
}

int
vkCgroupDetect(vkCgroupLayout *layout)
{
    hostLayout l;
    bool v1 = false;

    if (layoutRead(&l) < 0)
        return -1;
    for (int i = 0; i < C_LAST; i++)
        v1 |= l.v1[i] != NULL;
    if (!v1 && !l.v2) {
        layoutClear(&l);
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s", "no cgroup hierarchy is mounted");
        return -1;
    }
    *layout = v1 && l.v2 ? VK_CGROUP_HYBRID : v1 ? VK_CGROUP_V1 : VK_CGROUP_V2;
    layoutClear(&l);
    return 0;
}

const char *
vkCgroupLayoutName(vkCgroupLayout layout)
{
    return layout == VK_CGROUP_V1 ? "v1" : layout == VK_CGROUP_V2 ? "v2" : "hybrid";
}

void
vkCgroupFree(vkCgroup *cg)
{
    if (!cg)
        return;
    g_free(cg->rel);
    for (int i = 0; i < C_LAST; i++)
        g_free(cg->dir[i]);
    g_free(cg->v2dir);
    g_strfreev(cg->joinFiles);
    g_free(cg);
}

const char *
vkCgroupPath(const vkCgroup *cg)
{
    return cg->rel;
}

static int
writeFile(const char *dir, const char *file, const char *value)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;
    int err;

    if (fd < 0)
        return -errno;
    n = write(fd, value, strlen(value));
    err = errno;
    close(fd);
    return n < 0 ? -err : 0;
}

static char *
readFile(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

/* Enables the v2 controllers we use along the path, so the group gets
 * memory.max and friends; best effort (a hybrid v2 offers none). */
static void
enableV2Controllers(const hostLayout *l, const char *rel)
{
    g_autoptr(GString) want = g_string_new(NULL);
    g_auto(GStrv) parts = g_strsplit(rel, "/", -1);
    g_autofree char *dir = g_strdup(l->v2);

    for (int i = 0; i < C_LAST; i++) {
        if (l->v2has[i] && i != C_CPUACCT && i != C_FREEZER)
            g_string_append_printf(want, "%s+%s", want->len ? " " : "", ctrlNames[i]);
    }
    if (!want->len)
        return;
    for (guint i = 0; parts[i] && parts[i + 1]; i++) {
        char *next;

        writeFile(dir, "cgroup.subtree_control", want->str);
        next = g_build_filename(dir, parts[i], NULL);
        g_free(dir);
        dir = next;
    }
    writeFile(dir, "cgroup.subtree_control", want->str);
}

static vkCgroup *
build(const char *rel, bool create)
{
    hostLayout l;
    g_autoptr(vkCgroup) cg = g_new0(vkCgroup, 1);
    g_autoptr(GPtrArray) join = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) made = g_hash_table_new(g_str_hash, g_str_equal);

    if (layoutRead(&l) < 0)
        return NULL;
    cg->rel = g_strdup(rel);
    if (l.v2) {
        cg->v2dir = g_build_filename(l.v2, rel, NULL);
        if (create) {
            if (g_mkdir_with_parents(cg->v2dir, 0755) < 0) {
                vkReportSystemError(errno, "cannot create cgroup '%s'", cg->v2dir);
                layoutClear(&l);
                return NULL;
            }
            enableV2Controllers(&l, rel);
        }
    }
    for (int i = 0; i < C_LAST; i++) {
        if (l.v1[i]) {
            cg->dir[i] = g_build_filename(l.v1[i], rel, NULL);
        } else if (cg->v2dir && l.v2has[i]) {
            cg->dir[i] = g_strdup(cg->v2dir);
            cg->isV2[i] = true;
        }
        if (cg->dir[i] && !cg->isV2[i] && !g_hash_table_contains(made, cg->dir[i])) {
            if (create && g_mkdir_with_parents(cg->dir[i], 0755) < 0) {
                vkReportSystemError(errno, "cannot create cgroup '%s'", cg->dir[i]);
                layoutClear(&l);
                return NULL;
            }
            g_hash_table_add(made, cg->dir[i]);
            g_ptr_array_add(join, g_build_filename(cg->dir[i], "cgroup.procs", NULL));
        }
    }
    if (cg->v2dir)
        g_ptr_array_add(join, g_build_filename(cg->v2dir, "cgroup.procs", NULL));
    g_ptr_array_add(join, NULL);
    cg->joinFiles = (char **)g_ptr_array_steal(join, NULL);
    layoutClear(&l);
    return g_steal_pointer(&cg);
}

vkCgroup *
vkCgroupCreate(const char *rel)
{
    return build(rel, true);
}

vkCgroup *
vkCgroupOpen(const char *rel)
{
    return build(rel, false);
}

char *const *
vkCgroupJoinFiles(vkCgroup *cg)
{
    return cg->joinFiles;
}

static int
setKnob(vkCgroup *cg, int ctrl, const char *file, const char *value, const char *name)
{
    int rc;

    if (!cg->dir[ctrl]) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "container '%s': the host has no '%s' cgroup controller for '%s'",
                      name, ctrlNames[ctrl], file);
        return -1;
    }
    if ((rc = writeFile(cg->dir[ctrl], file, value)) < 0) {
        vkReportSystemError(-rc, "cannot set '%s' to '%s' in cgroup '%s' of container '%s'",
                            file, value, cg->dir[ctrl], name);
        return -1;
    }
    return 0;
}

int
vkCgroupApply(vkCgroup *cg, const vkCgroupLimits *lim, const char *name)
{
    char buf[64];

    if (lim->memoryKiB) {
        snprintf(buf, sizeof(buf), "%llu", lim->memoryKiB * 1024);
        if (setKnob(cg, C_MEMORY, cg->isV2[C_MEMORY] ? "memory.max" : "memory.limit_in_bytes",
                    buf, name) < 0)
            return -1;
    }
    if (lim->cpuShares) {
        if (cg->isV2[C_CPU]) {
            /* v1 shares 2..262144 map linearly onto v2 weight 1..10000 */
            unsigned long long s = CLAMP(lim->cpuShares, 2, 262144);
            snprintf(buf, sizeof(buf), "%llu", 1 + ((s - 2) * 9999) / 262142);
            if (setKnob(cg, C_CPU, "cpu.weight", buf, name) < 0)
                return -1;
        } else {
            snprintf(buf, sizeof(buf), "%llu", lim->cpuShares);
            if (setKnob(cg, C_CPU, "cpu.shares", buf, name) < 0)
                return -1;
        }
    }
    if (lim->cpuQuotaUs || lim->cpuPeriodUs) {
        unsigned long long period = lim->cpuPeriodUs ? lim->cpuPeriodUs : 100000;

        if (cg->isV2[C_CPU]) {
            if (lim->cpuQuotaUs > 0)
                snprintf(buf, sizeof(buf), "%lld %llu", lim->cpuQuotaUs, period);
            else
                snprintf(buf, sizeof(buf), "max %llu", period);
            if (setKnob(cg, C_CPU, "cpu.max", buf, name) < 0)
                return -1;
        } else {
            snprintf(buf, sizeof(buf), "%llu", period);
            if (setKnob(cg, C_CPU, "cpu.cfs_period_us", buf, name) < 0)
                return -1;
            snprintf(buf, sizeof(buf), "%lld", lim->cpuQuotaUs > 0 ? lim->cpuQuotaUs : -1);
            if (setKnob(cg, C_CPU, "cpu.cfs_quota_us", buf, name) < 0)
                return -1;
        }
    }
    if (lim->pidsMax > 0) {
        snprintf(buf, sizeof(buf), "%lld", lim->pidsMax);
        if (setKnob(cg, C_PIDS, "pids.max", buf, name) < 0)
            return -1;
    }
    return 0;
}

/* v2: wait until cgroup.events says "frozen <want>".  The kernel sends a
 * file-modified notification on every change of that file, so inotify
 * wakes us exactly when the state flips. */
static int
waitV2Frozen(const char *dir, bool want)
{
    g_autofree char *path = g_build_filename(dir, "cgroup.events", NULL);
    const char *needle = want ? "frozen 1" : "frozen 0";
    gint64 deadline = g_get_monotonic_time() + FREEZE_TIMEOUT_MS * 1000;
    int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    int rc = -1;

    if (ifd < 0 || inotify_add_watch(ifd, path, IN_MODIFY) < 0)
        goto out;
    for (;;) {
        g_autofree char *ev = readFile(dir, "cgroup.events");
        struct pollfd p = { .fd = ifd, .events = POLLIN };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char drain[4096];

        if (ev && strstr(ev, needle)) {
            rc = 0;
            break;
        }
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        while (read(ifd, drain, sizeof(drain)) > 0)
            ;
    }
 out:
    if (ifd >= 0)
        close(ifd);
    return rc;
}

/* v1 has no notification for the end of FREEZING: re-writing FROZEN asks
 * the kernel to retry the tasks still running, so each round makes
 * progress; a bounded number of rounds with a 1 ms pause between. */
static int
waitV1Frozen(const char *dir)
{
    for (int i = 0; i < FREEZE_TIMEOUT_MS; i++) {
        g_autofree char *st = readFile(dir, "freezer.state");

        if (st && g_str_has_prefix(st, "FROZEN"))
            return 0;
        writeFile(dir, "freezer.state", "FROZEN");
        g_usleep(1000);
    }
    return -1;
}

int
vkCgroupSetFrozen(vkCgroup *cg, bool frozen, const char *name)
{
    int rc;

    if (cg->dir[C_FREEZER] && !cg->isV2[C_FREEZER]) {
        if ((rc = writeFile(cg->dir[C_FREEZER], "freezer.state",
                            frozen ? "FROZEN" : "THAWED")) < 0) {
            vkReportSystemError(-rc, "cannot %s container '%s'",
                                frozen ? "freeze" : "thaw", name);
            return -1;
        }
        if (frozen && waitV1Frozen(cg->dir[C_FREEZER]) < 0) {
            writeFile(cg->dir[C_FREEZER], "freezer.state", "THAWED");
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "container '%s' did not freeze within %d ms", name,
                          FREEZE_TIMEOUT_MS);
            return -1;
        }
        return 0;
    }
    if (!cg->v2dir) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      "no freezer cgroup for container '%s'", name);
        return -1;
    }
    if ((rc = writeFile(cg->v2dir, "cgroup.freeze", frozen ? "1" : "0")) < 0) {
        vkReportSystemError(-rc, "cannot %s container '%s' (cgroup.freeze)",
                            frozen ? "freeze" : "thaw", name);
        return -1;
    }
    if (waitV2Frozen(cg->v2dir, frozen) < 0) {
        if (frozen)
            writeFile(cg->v2dir, "cgroup.freeze", "0");
        vkReportError(VIR_ERR_OPERATION_FAILED, "container '%s' did not %s within %d ms",
                      name, frozen ? "freeze" : "thaw", FREEZE_TIMEOUT_MS);
        return -1;
    }
    return 0;
}

int
vkCgroupIsFrozen(vkCgroup *cg)
{
    g_autofree char *text = NULL;

    if (cg->dir[C_FREEZER] && !cg->isV2[C_FREEZER]) {
        if (!(text = readFile(cg->dir[C_FREEZER], "freezer.state")))
            return -1;
        return g_str_has_prefix(text, "FROZEN");
    }
    if (!cg->v2dir || !(text = readFile(cg->v2dir, "cgroup.events")))
        return -1;
    return strstr(text, "frozen 1") != NULL;
}

static GArray *
listPids(vkCgroup *cg)
{
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(int));

    for (char **f = cg->joinFiles; *f; f++) {
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;

        if (!g_file_get_contents(*f, &text, NULL, NULL))
            continue;
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
            int pid = atoi(*l);

            if (pid > 0)
                g_array_append_val(pids, pid);
        }
    }
    return pids;
}

int
vkCgroupKill(vkCgroup *cg)
{
    g_autoptr(GArray) pids = NULL;

    if (cg->v2dir && writeFile(cg->v2dir, "cgroup.kill", "1") == 0)
        return 0;
    /* No cgroup.kill (before Linux 5.14): a frozen group cannot fork, so
     * one pass over its member list kills everyone. */
    if (cg->dir[C_FREEZER] && !cg->isV2[C_FREEZER])
        writeFile(cg->dir[C_FREEZER], "freezer.state", "FROZEN");
    pids = listPids(cg);
    for (guint i = 0; i < pids->len; i++)
        kill(g_array_index(pids, int, i), SIGKILL);
    if (cg->dir[C_FREEZER] && !cg->isV2[C_FREEZER])
        writeFile(cg->dir[C_FREEZER], "freezer.state", "THAWED");
    return 0;
}

bool
vkCgroupIsEmpty(vkCgroup *cg)
{
    g_autoptr(GArray) pids = listPids(cg);

    return pids->len == 0;
}

static void
removeDir(const char *dir, const char *rel)
{
    g_autofree char *d = g_strdup(dir);

    if (g_rmdir(d) < 0)
        return;
    /* Parents virtkit made (virtkit/lxc-x), when they become empty. */
    for (const char *r = rel; (r = strchr(r, '/')); r++) {
        char *slash = strrchr(d, '/');

        if (!slash)
            break;
        *slash = '\0';
        if (g_rmdir(d) < 0)
            break;
    }
}

int
vkCgroupRemove(vkCgroup *cg)
{
    int rc = 0;
    g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);

    for (int i = 0; i < C_LAST; i++) {
        if (!cg->dir[i] || cg->isV2[i] || g_hash_table_contains(done, cg->dir[i]))
            continue;
        g_hash_table_add(done, cg->dir[i]);
        if (g_file_test(cg->dir[i], G_FILE_TEST_IS_DIR)) {
            removeDir(cg->dir[i], cg->rel);
            if (g_file_test(cg->dir[i], G_FILE_TEST_IS_DIR))
                rc = -1;
        }
    }
    if (cg->v2dir && g_file_test(cg->v2dir, G_FILE_TEST_IS_DIR)) {
        removeDir(cg->v2dir, cg->rel);
        if (g_file_test(cg->v2dir, G_FILE_TEST_IS_DIR))
            rc = -1;
    }
    if (rc < 0)
        vkReportError(VIR_ERR_OPERATION_FAILED, "cgroup '%s' is still busy", cg->rel);
    return rc;
}

static unsigned long long
readULL(const char *dir, const char *file, const char *key)
{
    g_autofree char *text = readFile(dir, file);
    const char *p;

    if (!text)
        return 0;
    if (!key)
        return g_ascii_strtoull(text, NULL, 10);
    if (!(p = strstr(text, key)))
        return 0;
    return g_ascii_strtoull(p + strlen(key), NULL, 10);
}

int
vkCgroupGetStats(vkCgroup *cg, unsigned long long *cpuNs, unsigned long long *memKiB)
{
    *cpuNs = 0;
    *memKiB = 0;
    if (cg->dir[C_CPUACCT]) {
        if (cg->isV2[C_CPUACCT])
            *cpuNs = readULL(cg->dir[C_CPUACCT], "cpu.stat", "usage_usec ") * 1000;
        else
            *cpuNs = readULL(cg->dir[C_CPUACCT], "cpuacct.usage", NULL);
    }
    if (cg->dir[C_MEMORY])
        *memKiB = readULL(cg->dir[C_MEMORY], cg->isV2[C_MEMORY] ? "memory.current" :
                          "memory.usage_in_bytes", NULL) / 1024;
    return 0;
}
