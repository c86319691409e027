/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU processes: fork/exec, kill, exit detection.
 *
 * Nothing here ever sleeps to find out whether something happened.  The
 * monitor socket is bound and listening before exec and handed to QEMU as
 * an fd, so our connect succeeds at once and QEMU's greeting simply
 * arrives when QEMU is ready.  Exec failures come back through a
 * close-on-exec pipe (EOF means exec worked).  Exit is observed through a
 * pidfd, which becomes readable the moment the process dies, whoever its
 * parent is, so a kill waits exactly as long as QEMU takes to go.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/process.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static int
bindMonitor(const char *path, int *listenFd, int *connFd)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd = -1, cfd = -1;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "monitor socket path '%s' is too long for a UNIX socket", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path);
    if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 1) < 0) {
        vkReportSystemError(errno, "cannot listen on monitor socket '%s'", path);
        goto error;
    }
    if ((cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        vkReportSystemError(errno, "cannot connect to monitor socket '%s'", path);
        goto error;
    }
    *listenFd = lfd;
    *connFd = cfd;
    return 0;

 error:
    if (lfd >= 0)
        close(lfd);
    if (cfd >= 0)
        close(cfd);
    unlink(path);
    return -1;
}

/* Only async-signal-safe calls between fork and exec. */
static void G_GNUC_NORETURN
child(char **argv, char **envp, int nullFd, int logFd, int listenFd, int errPipe,
      const int *passFds, size_t npass, pid_t tiedTo)
{
    sigset_t all;
    int err;
    int parked[VK_QEMU_MAX_PASS_FDS];
    int park = VK_QEMU_MONITOR_FD + 1 + (int)npass + 10;
    int last = VK_QEMU_MONITOR_FD + (int)npass;

    /* Park the fds above the ones we are about to fill. */
    nullFd = fcntl(nullFd, F_DUPFD_CLOEXEC, park);
    logFd = fcntl(logFd, F_DUPFD_CLOEXEC, park);
    listenFd = fcntl(listenFd, F_DUPFD_CLOEXEC, park);
    errPipe = fcntl(errPipe, F_DUPFD_CLOEXEC, park);
    if (nullFd < 0 || logFd < 0 || listenFd < 0 || errPipe < 0)
        goto fail;
    for (size_t i = 0; i < npass; i++) {
        if ((parked[i] = fcntl(passFds[i], F_DUPFD_CLOEXEC, park)) < 0)
            goto fail;
    }
    if (dup2(nullFd, 0) < 0 || dup2(logFd, 1) < 0 || dup2(logFd, 2) < 0 ||
        dup2(listenFd, VK_QEMU_MONITOR_FD) < 0)
        goto fail;
    /* the passed fds (taps, vhost-net) follow the monitor's, in order */
    for (size_t i = 0; i < npass; i++) {
        if (dup2(parked[i], VK_QEMU_MONITOR_FD + 1 + (int)i) < 0)
            goto fail;
    }
    /* Everything else goes, except the error pipe (close-on-exec). */
    if (close_range(last + 1, errPipe - 1, 0) < 0 ||
        close_range(errPipe + 1, ~0U, 0) < 0)
        goto fail;

    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    setsid();
    /* A probe must not outlive a daemon killed while it asks: guests do,
     * and are found again; a probe would be an orphan nobody reaps. */
    if (tiedTo > 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != tiedTo))
        goto fail;
    execve(argv[0], argv, envp);

 fail:
    err = errno;
    if (write(errPipe, &err, sizeof(err)) < 0) {
        /* nothing left to tell anyone */
    }
    _exit(127);
}

static int
launch(char **argv, const char *monitorPath, const char *logPath, const char *home,
       const int *passFds, size_t npass, bool probe, vkQemuLaunched *out)
{
    g_autofree char *envHome = g_strdup_printf("HOME=%s", home);
    char *envp[] = { "LC_ALL=C", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     envHome, NULL };
    int listenFd = -1, connFd = -1, nullFd = -1, logFd = -1, pidfd = -1;
    int pipeFds[2] = { -1, -1 };
    int childErr = 0;
    pid_t parent;
    ssize_t n;
    pid_t pid;

    if (npass > VK_QEMU_MAX_PASS_FDS) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "too many fds (%zu) to pass to QEMU", npass);
        return -1;
    }
    if ((logFd = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "cannot open log file '%s'", logPath);
        goto error;
    }
    if ((nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "%s", "cannot open /dev/null");
        goto error;
    }
    if (pipe2(pipeFds, O_CLOEXEC) < 0) {
        vkReportSystemError(errno, "%s", "cannot create a pipe");
        goto error;
    }
    if (bindMonitor(monitorPath, &listenFd, &connFd) < 0)
        goto error;

    parent = getpid();
    pid = fork();
    if (pid < 0) {
        vkReportSystemError(errno, "cannot fork to run '%s'", argv[0]);
        goto error;
    }
    if (pid == 0)
        child(argv, envp, nullFd, logFd, listenFd, pipeFds[1], passFds, npass,
              probe ? parent : 0);

    close(pipeFds[1]);
    pipeFds[1] = -1;
    pidfd = pidfd_open(pid, 0);
    do {
        n = read(pipeFds[0], &childErr, sizeof(childErr));
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        waitpid(pid, NULL, 0);
        vkReportSystemError(childErr, "cannot execute '%s'", argv[0]);
        goto error;
    }
    if (pidfd < 0) {
        vkReportSystemError(errno, "cannot open a pidfd for QEMU process %d", (int)pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        goto error;
    }

    close(pipeFds[0]);
    close(listenFd);      /* QEMU has its copy */
    close(nullFd);
    close(logFd);
    out->pid = pid;
    out->pidfd = pidfd;
    out->monitorFd = connFd;
    return 0;

 error:
    for (int i = 0; i < 2; i++) {
        if (pipeFds[i] >= 0)
            close(pipeFds[i]);
    }
    if (listenFd >= 0) {
        close(listenFd);
        unlink(monitorPath);
    }
    if (connFd >= 0)
        close(connFd);
    if (nullFd >= 0)
        close(nullFd);
    if (logFd >= 0)
        close(logFd);
    if (pidfd >= 0)
        close(pidfd);
    return -1;
}

static bool
waitExit(int pidfd, int timeoutMs)
{
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;

    for (;;) {
        int left = timeoutMs < 0 ? -1 :
            (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        int r = poll(&pfd, 1, left);

        if (r > 0)
            return true;
        if (r == 0)
            return false;
        if (errno != EINTR)
            return false;
    }
}

bool
vkQemuProcessExited(int pidfd)
{
    return waitExit(pidfd, 0);
}

int
vkQemuProcessKill(int pidfd, pid_t pid, int graceMs, bool force)
{
    if (pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH) {
        vkReportSystemError(errno, "cannot send SIGTERM to QEMU process %d", (int)pid);
        return -1;
    }
    if (waitExit(pidfd, graceMs))
        return 0;
    if (!force) {
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "QEMU process %d did not end within %d ms of SIGTERM",
                      (int)pid, graceMs);
        return -1;
    }
    if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
        vkReportSystemError(errno, "cannot send SIGKILL to QEMU process %d", (int)pid);
        return -1;
    }
    /* SIGKILL cannot be ignored; a process stuck in the kernel (D state)
     * is the only thing that can hold us here. */
    if (!waitExit(pidfd, 30000)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU process %d did not die 30 s after SIGKILL", (int)pid);
        return -1;
    }
    return 0;
}

void
vkQemuProcessReap(pid_t pid)
{
    while (waitpid(pid, NULL, WNOHANG) < 0 && errno == EINTR)
        ;
}

char *
vkQemuLogTail(const char *path, size_t from)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    const char *p;

    if (!g_file_get_contents(path, &text, &len, NULL) || len <= from)
        return g_strdup("(no output from QEMU)");
    p = len - from > 1024 ? text + len - 1024 : text + from;
    return g_strstrip(g_strdup(p));
}

char *
vkQemuProcessReapDescribe(pid_t pid)
{
    int status = 0;
    pid_t got;

    while ((got = waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR)
        ;
    if (got != pid)
        return g_strdup("QEMU did not exit");
    if (WIFSIGNALED(status))
        return g_strdup_printf("QEMU was killed by signal %d", WTERMSIG(status));
    return g_strdup_printf("QEMU exited with status %d", WEXITSTATUS(status));
}

int
vkQemuProcessStats(pid_t pid, unsigned long long *cpuTimeNs, unsigned long long *rssKiB)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *after;
    long tck = sysconf(_SC_CLK_TCK);
    long pageKiB = sysconf(_SC_PAGESIZE) / 1024;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    /* The command name may contain spaces; fields start after its ')'. */
    if (!(after = strrchr(text, ')')))
        return -1;
    fields = g_strsplit(after + 2, " ", 0);
    /* after ')': [0]=state ... [11]=utime [12]=stime ... [21]=rss */
    if (g_strv_length(fields) < 22)
        return -1;
    *cpuTimeNs = (g_ascii_strtoull(fields[11], NULL, 10) +
                  g_ascii_strtoull(fields[12], NULL, 10)) * (1000000000ULL / tck);
    *rssKiB = g_ascii_strtoull(fields[21], NULL, 10) * pageKiB;
    return 0;
}

int
vkQemuProcessLaunchProbe(char **argv, const char *monitorPath, const char *logPath,
                         const char *home, vkQemuLaunched *out)
{
    return launch(argv, monitorPath, logPath, home, NULL, 0, true, out);
}

int
vkQemuProcessLaunchFds(char **argv, const char *monitorPath, const char *logPath,
                       const char *home, const int *passFds, size_t npass,
                       vkQemuLaunched *out)
{
    return launch(argv, monitorPath, logPath, home, passFds, npass, false, out);
}
