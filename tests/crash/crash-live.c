/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Crash-safe live state of the QEMU driver (issue 7, item 4, run dir).
 *
 * A storm child starts a real micro-guest on qemu:///embed?root=ROOT,
 * suspends, resumes, destroys and starts it again, and SIGKILLs itself
 * inside the Nth atomic write of a live status file (ROOT/run/NAME.xml,
 * through the vkAtomicFileWrite fault hook) or right after the Kth call.
 * A first, unkilled storm counts the status writes, so the kill points
 * then cycle through every one of them.  After each kill a checker child
 * opens the same root and must find: no temporary file in the run dir,
 * every status file that was there parseable, every guest whose status
 * said it was active still active and destroyable.
 *
 * The one idea: this process is a child subreaper, so every QEMU whose
 * starter died is re-parented to it.  After the checker destroyed what
 * the driver knows about, any child still alive here is a QEMU the
 * driver lost track of -- a failure (it is killed, counted, reported).
 *
 * usage: crash-live MICRO.ELF [ITERATIONS]   (default 30)
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "virtkit/virtkit.h"
#include "util/atomic-file.h"

#define NSTEPS 5
#define NOPS 6

static const char *microElf;
static char *root, *uri, *runDir;
static int reportFd = -1;
static int killAtHook, hookCalls;

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
    _exit(4);
}

/* Only the live state counts: ROOT/run/... */
static int
liveHook(vkAtomicFileStep step, const char *path)
{
    if (!g_str_has_prefix(path, runDir))
        return 0;
    say("H %d\n", (int)step);
    if (++hookCalls == killAtHook) {
        say("K %d\n", (int)step);
        die();
    }
    return 0;
}

static char *
domainXML(void)
{
    return g_strdup_printf(
        "<domain type='qemu'><name>live</name><uuid>c0ffee00-0000-4000-8000-00000000beef</uuid>"
        "<memory unit='MiB'>64</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type>"
        "<loader type='rom'>/usr/share/qemu/qboot.rom</loader><kernel>%s</kernel></os>"
        "<devices><serial type='file'><source path='%s/serial.log'/></serial></devices>"
        "</domain>", microElf, root);
}

/* start, suspend, resume, destroy, start, destroy; killed after call
 * killAfter (or never, -1). */
static void
stormChild(int killAfter)
{
    virConnectPtr conn;
    virDomainPtr dom;

    vkAtomicFileSetFaultHook(liveHook);
    if (!(conn = virConnectOpen(uri)) || !(dom = virDomainLookupByName(conn, "live"))) {
        say("E open/lookup: %s\n", virGetLastErrorMessage());
        _exit(2);
    }
    for (int op = 0; op < NOPS; op++) {
        int rc;

        switch (op) {
        case 0: case 4: rc = virDomainCreate(dom); break;
        case 1: rc = virDomainSuspend(dom); break;
        case 2: rc = virDomainResume(dom); break;
        default: rc = virDomainDestroy(dom); break;
        }
        if (op == killAfter) {
            say("A %d\n", op);
            die();
        }
        if (rc < 0) {
            say("E op %d: %s\n", op, virGetLastErrorMessage());
            _exit(2);
        }
    }
    virDomainFree(dom);
    virConnectClose(conn);
    _exit(0);
}

static int
countTemps(void)
{
    g_autoptr(GDir) d = g_dir_open(runDir, 0, NULL);
    const char *n;
    int count = 0;

    while (d && (n = g_dir_read_name(d)))
        if (n[0] == '.')
            count++;
    return count;
}

/* <domstatus state='' pid='' ...><domain>...</domain></domstatus>: the
 * state, or -1 if the file does not parse as a complete status. */
static int
statusState(const char *path, int *pid)
{
    g_autofree char *text = NULL;
    gsize len;
    xmlDocPtr doc;
    xmlNodePtr top, child;
    int state = -1;

    if (!g_file_get_contents(path, &text, &len, NULL))
        return -1;
    doc = xmlReadMemory(text, (int)len, "status.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return -1;
    top = xmlDocGetRootElement(doc);
    if (top && xmlStrcmp(top->name, BAD_CAST "domstatus") == 0) {
        xmlChar *s = xmlGetProp(top, BAD_CAST "state");
        xmlChar *p = xmlGetProp(top, BAD_CAST "pid");

        for (child = top->children; child; child = child->next)
            if (child->type == XML_ELEMENT_NODE &&
                xmlStrcmp(child->name, BAD_CAST "domain") == 0)
                break;
        if (s && p && child) {
            state = atoi((char *)s);
            *pid = atoi((char *)p);
        }
        xmlFree(s);
        xmlFree(p);
    }
    xmlFreeDoc(doc);
    return state;
}

/* Exits 0 when the root's live state is sound and every guest the driver
 * knows is destroyed; 1 with a message otherwise. */
static void
checkerChild(void)
{
    g_autofree char *status = g_build_filename(runDir, "live.xml", NULL);
    virConnectPtr conn;
    virDomainPtr dom;
    int pid = 0, state = -2, info;

    if (g_file_test(status, G_FILE_TEST_EXISTS) &&
        (state = statusState(status, &pid)) < 0) {
        fprintf(stderr, "checker: %s does not parse\n", status);
        _exit(1);
    }
    if (!(conn = virConnectOpen(uri)) || !(dom = virDomainLookupByName(conn, "live"))) {
        fprintf(stderr, "checker: open/lookup: %s\n", virGetLastErrorMessage());
        _exit(1);
    }
    if (countTemps() != 0) {
        fprintf(stderr, "checker: temporary files left in %s after open\n", runDir);
        _exit(1);
    }
    if (virDomainGetState(dom, &info, NULL, 0) < 0) {
        fprintf(stderr, "checker: no state: %s\n", virGetLastErrorMessage());
        _exit(1);
    }
    /* The file is written after each change, so a kill inside the write
     * of a suspend's status leaves "running" for a paused guest: the
     * file's promise is "active, pid P", not the exact run state. */
    if ((state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED) &&
        (info != VIR_DOMAIN_RUNNING && info != VIR_DOMAIN_PAUSED)) {
        fprintf(stderr, "checker: status says state %d (pid %d) but the guest is %d\n",
                state, pid, info);
        _exit(1);
    }
    if (virDomainIsActive(dom) == 1) {
        if (virDomainDestroy(dom) < 0) {
            fprintf(stderr, "checker: destroy: %s\n", virGetLastErrorMessage());
            _exit(1);
        }
        say("D %d\n", state);
    }
    if (g_file_test(status, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "checker: %s is still there after destroy\n", status);
        _exit(1);
    }
    virDomainFree(dom);
    virConnectClose(conn);
    _exit(0);
}

static FILE *
spawn(pid_t *pid)
{
    int fds[2];
    FILE *f;

    if (pipe2(fds, O_CLOEXEC) < 0 || (*pid = fork()) < 0)
        abort();
    if (*pid == 0) {
        close(fds[0]);
        reportFd = fds[1];
        return NULL;
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

/* Children of this process other than `except`, from every task's list. */
static GArray *
ourChildren(pid_t except)
{
    GArray *kids = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GDir) tasks = g_dir_open("/proc/self/task", 0, NULL);
    const char *t;

    while (tasks && (t = g_dir_read_name(tasks))) {
        g_autofree char *path = g_strdup_printf("/proc/self/task/%s/children", t);
        g_autofree char *text = NULL;

        if (g_file_get_contents(path, &text, NULL, NULL)) {
            g_auto(GStrv) v = g_strsplit(g_strstrip(text), " ", -1);

            for (size_t i = 0; v[i]; i++) {
                int p = atoi(v[i]);
                if (p > 0 && p != except)
                    g_array_append_val(kids, p);
            }
        }
    }
    return kids;
}

static void
reapZombies(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

static unsigned long watchdogKills;

/* As in crash-state: a child silent for a long while (the QEMU capability
 * probe has been seen to hang) is killed with its own children, counted
 * and printed; a watchdog, not an assertion on time. */
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

static void
quiet(void *opaque, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    int iterations = argc > 2 ? atoi(argv[2]) : 30;
    unsigned long killsAtStep[NSTEPS] = { 0 }, killsAfterCall = 0, orphans = 0;
    unsigned long destroyedRunning = 0, leftovers = 0, cleanExits = 0;
    g_autofree char *base = g_dir_make_tmp("vk-crashlive-XXXXXX", NULL);
    g_autofree char *cmd = NULL;
    int totalHooks = 0, cycle = 0, failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);   /* nothing buffered across fork() */
    microElf = argc > 1 ? argv[1] : NULL;
    if (!microElf || !g_file_test(microElf, G_FILE_TEST_EXISTS) ||
        !g_file_test("/usr/share/qemu/qboot.rom", G_FILE_TEST_EXISTS)) {
        printf("# skip: no micro-guest or no qboot.rom\n");
        return 77;
    }
    if (!base || iterations < 2)
        return 2;
    virSetErrorFunc(NULL, quiet);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        perror("PR_SET_CHILD_SUBREAPER");
        return 1;
    }
    root = g_build_filename(base, "root", NULL);
    runDir = g_build_filename(root, "run", NULL);
    uri = g_strdup_printf("qemu:///embed?root=%s", root);

    /* Setup: define the guest in a child, so this process never holds
     * library state (or threads) across forks. */
    {
        pid_t pid = fork();
        int status;

        if (pid == 0) {
            virConnectPtr conn = virConnectOpen(uri);
            g_autofree char *xml = domainXML();
            virDomainPtr dom = conn ? virDomainDefineXML(conn, xml) : NULL;

            if (!dom)
                fprintf(stderr, "setup: %s\n", virGetLastErrorMessage());
            _exit(dom ? 0 : 1);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return 1;
    }

    for (int it = 0; it < iterations && !failed; it++) {
        /* Iteration 0 is a clean run that counts the status writes. */
        int killAfter = it > 0 && it % 5 == 0 ? (it / 5) % NOPS : -1;
        char line[512];
        int hooks = 0, status;
        pid_t pid;
        FILE *in;

        killAtHook = it == 0 || killAfter >= 0 ? 0 : (cycle++ % totalHooks) + 1;
        hookCalls = 0;
        if (!(in = spawn(&pid)))
            stormChild(killAfter);
        while (readLine(in, pid, line, sizeof(line))) {
            int step;

            if (sscanf(line, "H %d", &step) == 1)
                hooks++;
            else if (sscanf(line, "K %d", &step) == 1 && step >= 0 && step < NSTEPS)
                killsAtStep[step]++;
            else if (line[0] == 'A')
                killsAfterCall++;
            else {
                fprintf(stderr, "iteration %d: storm child: %s", it, line);
                failed = 1;
            }
        }
        fclose(in);
        if (waitpid(pid, &status, 0) < 0)
            abort();
        if (it == 0) {
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || hooks == 0) {
                fprintf(stderr, "the clean storm failed (status 0x%x, %d writes)\n",
                        status, hooks);
                failed = 1;
                break;
            }
            totalHooks = hooks;
            printf("a clean storm makes %d live-state write steps\n", totalHooks);
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            cleanExits++;
        } else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            fprintf(stderr, "iteration %d: storm child ended with status 0x%x\n", it, status);
            failed = 1;
            break;
        }
        leftovers += countTemps();

        if (!(in = spawn(&pid)))
            checkerChild();
        while (fgets(line, sizeof(line), in)) {
            if (line[0] == 'D')
                destroyedRunning++;
        }
        fclose(in);
        if (waitpid(pid, &status, 0) < 0)
            abort();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "iteration %d (kill at write step %d / after call %d): "
                    "live state check failed\n", it, killAtHook, killAfter);
            failed = 1;
        }

        /* Whatever is still our child now is a QEMU nobody knows. */
        reapZombies();
        {
            g_autoptr(GArray) kids = ourChildren(-1);

            for (guint i = 0; i < kids->len; i++) {
                int k = g_array_index(kids, int, i);
                g_autofree char *cmdline = g_strdup_printf("/proc/%d/cmdline", k);
                g_autofree char *text = NULL;

                g_file_get_contents(cmdline, &text, NULL, NULL);
                fprintf(stderr, "iteration %d (kill at write step %d / after call %d): "
                        "orphaned process %d (%s) survived the checker\n", it, killAtHook,
                        killAfter, k, text ? text : "?");
                kill(k, SIGKILL);
                orphans++;
            }
            while (kids->len && waitpid(-1, NULL, 0) > 0) {
            }
        }
    }

    for (int s = 0; s < NSTEPS && !failed; s++) {
        if (killsAtStep[s] == 0) {
            fprintf(stderr, "no kill at write step %d\n", s);
            failed = 1;
        }
    }
    if (!failed && (killsAfterCall == 0 || destroyedRunning == 0)) {
        fprintf(stderr, "no kill after a call or no running guest ever found\n");
        failed = 1;
    }
    printf("kills: open %lu, write %lu, fsync %lu, rename %lu, dirsync %lu, after call %lu; "
           "%lu clean exits; %lu leftovers cleaned; %lu running guests found and destroyed; "
           "%lu orphaned QEMUs; %lu hung children killed\n",
           killsAtStep[0], killsAtStep[1], killsAtStep[2], killsAtStep[3], killsAtStep[4],
           killsAfterCall, cleanExits, leftovers, destroyedRunning, orphans, watchdogKills);
    cmd = g_strdup_printf("rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
    return failed || orphans ? 1 : 0;
}
