/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Crash-safe persistent state of the QEMU driver (issue 7, item 4).
 *
 * A child process runs a define/undefine storm against
 * qemu:///embed?root=ROOT and SIGKILLs itself at step N of an atomic
 * config write (the vkAtomicFileWrite fault hook: before the temporary is
 * created, before it is written, before fsync, before rename, before the
 * directory sync), or right after a call returned and before it could say
 * so.  It tells the parent through a pipe what it is about to do ("B")
 * and what completed ("S"), so after each kill the parent knows, per
 * domain, the set of states the disk may hold: exactly the new one after
 * an "S", the old or the new one after a "B" alone.  A checker child then
 * opens the same root: every domain must be in an allowed state, complete
 * and parseable (virDomainGetXMLDesc, name and uuid match), and no
 * temporary file may remain after the open.  The parent itself never
 * touches the library, so it forks no threads' worth of state.
 *
 * Live state (ROOT/run/<name>.xml) during start/destroy is covered by
 * crash-live.c: every start launches a real QEMU, which does not fit
 * thousands of kills.
 *
 * usage: crash-state [WORKERS ITERATIONS]   (defaults 4 x 400)
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE   /* pipe2 */
#endif
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "util/atomic-file.h"

#define NNAMES 6
#define OPS 6           /* calls per storm child */
#define NSTEPS 5        /* fault hook steps per atomic write */

/* Per domain name: the generations the disk may hold (0 = undefined). */
typedef struct {
    unsigned int allowed[2];
    int nallowed;
} Slot;

static Slot model[NNAMES];
static unsigned long killsAtStep[NSTEPS + 1];   /* [NSTEPS] = after a call */
static unsigned long kills, cleanExits, leftoversSeen, successes;

static int reportFd = -1;
static int killAtStep;          /* 1-based count of hook calls; 0 = never */
static int hookCalls;

static void
say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (write(reportFd, buf, n) != n)
        _exit(3);
}

static void
die(void)
{
    kill(getpid(), SIGKILL);
    _exit(4);   /* not reached */
}

static int
crashHook(vkAtomicFileStep step, const char *path)
{
    if (++hookCalls == killAtStep) {
        say("K %d\n", (int)step);
        die();
    }
    return 0;
}

static void
uuidOf(int idx, char *out)
{
    snprintf(out, VIR_UUID_STRING_BUFLEN, "c0ffee00-0000-4000-8000-%012d", idx);
}

static char *
domainXML(int idx, unsigned int gen)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    uuidOf(idx, uuid);
    return g_strdup_printf("<domain type='qemu'><name>crash%d</name><uuid>%s</uuid>"
                           "<description>gen %u</description>"
                           "<memory unit='KiB'>%u</memory>"
                           "<os><type arch='x86_64'>hvm</type></os></domain>",
                           idx, uuid, gen, 65536 + gen);
}

/* The storm: OPS calls, each announced before and confirmed after. */
static void
stormChild(const char *uri, unsigned int seed, unsigned int genBase, int killAfterCall)
{
    virConnectPtr conn;
    GRand *rng = g_rand_new_with_seed(seed);

    vkAtomicFileSetFaultHook(crashHook);
    if (!(conn = virConnectOpen(uri))) {
        say("E open failed\n");
        _exit(2);
    }
    for (int op = 0; op < OPS; op++) {
        int idx = g_rand_int_range(rng, 0, NNAMES);
        g_autofree char *name = g_strdup_printf("crash%d", idx);
        virDomainPtr dom = virDomainLookupByName(conn, name);
        bool ok;

        if (dom && g_rand_int_range(rng, 0, 3) == 0) {
            say("B %d 0\n", idx);
            ok = virDomainUndefine(dom) == 0;
        } else {
            unsigned int gen = genBase + op + 1;
            g_autofree char *xml = domainXML(idx, gen);
            virDomainPtr d2;

            say("B %d %u\n", idx, gen);
            d2 = virDomainDefineXML(conn, xml);
            ok = d2 != NULL;
            if (d2)
                virDomainFree(d2);
        }
        if (dom)
            virDomainFree(dom);
        if (op == killAfterCall) {
            say("K %d\n", NSTEPS);
            die();
        }
        if (!ok) {
            virErrorPtr e = virGetLastError();
            say("E %s\n", e && e->message ? e->message : "call failed");
            _exit(2);
        }
        say("S\n");
    }
    virConnectClose(conn);
    _exit(0);
}

static int
countTemps(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;
    int count = 0;

    while (d && (n = g_dir_read_name(d)))
        if (n[0] == '.')
            count++;
    return count;
}

/* Opens the root and compares it with the model; reports "O idx gen" for
 * every name, exits 1 with a message on the first violation. */
static void
checkerChild(const char *uri, const char *configDir)
{
    virConnectPtr conn = virConnectOpen(uri);

    if (!conn) {
        fprintf(stderr, "checker: cannot open %s\n", uri);
        _exit(1);
    }
    if (countTemps(configDir) != 0) {
        fprintf(stderr, "checker: temporary files left in %s after open\n", configDir);
        _exit(1);
    }
    for (int idx = 0; idx < NNAMES; idx++) {
        g_autofree char *name = g_strdup_printf("crash%d", idx);
        virDomainPtr dom = virDomainLookupByName(conn, name);
        unsigned int gen = 0;
        bool allowed = false;

        if (dom) {
            char uuid[VIR_UUID_STRING_BUFLEN], want[VIR_UUID_STRING_BUFLEN];
            g_autofree char *xml = virDomainGetXMLDesc(dom, 0);
            g_autofree char *nameTag = g_strdup_printf("<name>%s</name>", name);
            const char *p;

            uuidOf(idx, want);
            if (!xml || !strstr(xml, nameTag) ||
                virDomainGetUUIDString(dom, uuid) < 0 || strcmp(uuid, want) != 0 ||
                !(p = strstr(xml, "<description>gen ")) ||
                sscanf(p, "<description>gen %u<", &gen) != 1 || gen == 0) {
                fprintf(stderr, "checker: %s is incomplete or wrong:\n%s\n", name,
                        xml ? xml : "(no XML)");
                _exit(1);
            }
            virDomainFree(dom);
        }
        for (int i = 0; i < model[idx].nallowed; i++)
            allowed |= model[idx].allowed[i] == gen;
        if (!allowed) {
            fprintf(stderr, "checker: %s holds generation %u; allowed %u%s%u\n", name, gen,
                    model[idx].allowed[0], model[idx].nallowed > 1 ? " or " : "",
                    model[idx].nallowed > 1 ? model[idx].allowed[1] : model[idx].allowed[0]);
            _exit(1);
        }
        say("O %d %u\n", idx, gen);
    }
    virConnectClose(conn);
    _exit(0);
}

/* Forks fn's child with its report pipe; returns the read end's stream. */
static FILE *
spawn(pid_t *pid)
{
    int fds[2];
    FILE *f;

    if (pipe2(fds, O_CLOEXEC) < 0)
        abort();
    if ((*pid = fork()) < 0)
        abort();
    if (*pid == 0) {
        close(fds[0]);
        reportFd = fds[1];
        return NULL;
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    /* Unbuffered, so poll() on the descriptor tells whether a line waits. */
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

static unsigned long watchdogKills;

/* The QEMU capability probe of a storm child has been seen to hang (QEMU
 * blocked in accept() on its monitor listener, the driver waiting for a
 * reply with no deadline).  A child that reports nothing for a long while
 * is killed like any other crash -- its QEMU first, which would otherwise
 * outlive it -- so the test stays about crash safety, and the count is
 * printed.  This is a watchdog, not an assertion on time. */
static bool
readLine(FILE *in, pid_t pid, char *line, size_t size)
{
    struct pollfd pfd = { .fd = fileno(in), .events = POLLIN };

    while (poll(&pfd, 1, 20000) == 0) {
        g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/children", pid, pid);
        g_autofree char *kids = NULL;

        if (g_file_get_contents(path, &kids, NULL, NULL)) {
            g_auto(GStrv) v = g_strsplit(g_strstrip(kids), " ", -1);

            for (size_t i = 0; v[i]; i++)
                if (atoi(v[i]) > 0)
                    kill(atoi(v[i]), SIGKILL);
        }
        kill(pid, SIGKILL);
        watchdogKills++;
    }
    return fgets(line, size, in) != NULL;
}

static int
worker(const char *root, int iterations, unsigned int seed)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autofree char *configDir = g_build_filename(root, "etc", NULL);
    GRand *rng = g_rand_new_with_seed(seed);

    for (int i = 0; i < NNAMES; i++) {
        model[i].allowed[0] = 0;
        model[i].nallowed = 1;
    }
    for (int it = 0; it < iterations; it++) {
        /* Mostly a kill inside a write (step counts beyond the storm's
         * writes give clean exits); sometimes right after a call. */
        int killAfter = g_rand_int_range(rng, 0, 8) == 0 ? g_rand_int_range(rng, 0, OPS) : -1;
        int pending = -1;
        unsigned int pendingGen = 0;
        char line[512];
        pid_t pid;
        int status;
        FILE *in;

        killAtStep = killAfter >= 0 ? 0 : g_rand_int_range(rng, 1, OPS * NSTEPS + 3);
        hookCalls = 0;
        if (!(in = spawn(&pid)))
            stormChild(uri, seed * 7919 + it, (unsigned int)(it + 1) * 100, killAfter);
        while (readLine(in, pid, line, sizeof(line))) {
            int idx, step;
            unsigned int gen;

            if (sscanf(line, "B %d %u", &idx, &gen) == 2) {
                pending = idx;
                pendingGen = gen;
                model[idx].allowed[1] = gen;
                model[idx].nallowed = 2;
            } else if (line[0] == 'S' && pending >= 0) {
                model[pending].allowed[0] = pendingGen;
                model[pending].nallowed = 1;
                pending = -1;
                successes++;
            } else if (sscanf(line, "K %d", &step) == 1 && step >= 0 && step <= NSTEPS) {
                killsAtStep[step]++;
            } else {
                fprintf(stderr, "iteration %d: storm child: %s", it, line);
                return 1;
            }
        }
        fclose(in);
        if (waitpid(pid, &status, 0) < 0)
            abort();
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
            kills++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && pending < 0) {
            cleanExits++;
        } else {
            fprintf(stderr, "iteration %d: storm child ended with status 0x%x\n", it, status);
            return 1;
        }
        leftoversSeen += countTemps(configDir);

        if (!(in = spawn(&pid)))
            checkerChild(uri, configDir);
        while (fgets(line, sizeof(line), in)) {
            int idx;
            unsigned int gen;

            /* What the checker saw is now the one state of each name. */
            if (sscanf(line, "O %d %u", &idx, &gen) == 2 && idx >= 0 && idx < NNAMES) {
                model[idx].allowed[0] = gen;
                model[idx].nallowed = 1;
            }
        }
        fclose(in);
        if (waitpid(pid, &status, 0) < 0)
            abort();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "iteration %d (kill at hook call %d / after call %d): "
                    "state check failed\n", it, killAtStep, killAfter);
            return 1;
        }
    }
    /* Each kill point must have been hit, or the test proves less than it
     * claims; so must leftovers, or the cleanup went untested. */
    for (int s = 0; s <= NSTEPS; s++) {
        if (killsAtStep[s] == 0) {
            fprintf(stderr, "no kill at step %d\n", s);
            return 1;
        }
    }
    if (leftoversSeen == 0 || successes == 0) {
        fprintf(stderr, "no temporary file was ever left behind by a kill\n");
        return 1;
    }
    printf("worker %u: %lu kills (open %lu, write %lu, fsync %lu, rename %lu, "
           "dirsync %lu, after call %lu), %lu clean exits, %lu confirmed calls, "
           "%lu leftovers cleaned, %lu hung children killed\n", seed, kills, killsAtStep[0], killsAtStep[1],
           killsAtStep[2], killsAtStep[3], killsAtStep[4], killsAtStep[5], cleanExits,
           successes, leftoversSeen, watchdogKills);
    return 0;
}

static void
quiet(void *opaque, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    int workers = argc > 2 ? atoi(argv[1]) : 4;
    int iterations = argc > 2 ? atoi(argv[2]) : 400;
    g_autofree char *base = g_dir_make_tmp("vk-crash-XXXXXX", NULL);
    g_autofree char *cmd = NULL;
    int failed = 0;

    virSetErrorFunc(NULL, quiet);

    if (!base || workers < 1 || iterations < 1) {
        fprintf(stderr, "usage: %s [WORKERS ITERATIONS]\n", argv[0]);
        return 2;
    }
    /* Independent roots in parallel: most of each iteration is the storm
     * child probing QEMU, which is waiting as much as computing. */
    for (int w = 0; w < workers; w++) {
        pid_t pid = fork();

        if (pid == 0) {
            g_autofree char *root = g_strdup_printf("%s/root%d", base, w);
            int rc = worker(root, iterations, w + 1);

            fflush(stdout);
            _exit(rc);
        }
    }
    for (int w = 0; w < workers; w++) {
        int status;

        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    cmd = g_strdup_printf("rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
    printf("%d of %d workers failed\n", failed, workers);
    return failed ? 1 : 0;
}
