/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The supervisor and the container's init.
 *
 * The caller forks an intermediate that starts a new session, forks the
 * supervisor and exits at once: the supervisor is nobody's child in the
 * caller, so it outlives a daemon restart, and the caller follows it with
 * a pidfd.  The supervisor owns the console pty (copying its output to
 * the log), clones the init with CLONE_NEWPID|NEWNS|NEWUTS|NEWIPC|NEWNET
 * and waits for it; when the init exits, the kernel has already killed
 * the rest of its pid namespace, so the supervisor writes the wait status
 * and exits, and its exit is the single fact the driver watches.
 *
 * Start-up errors travel on pipes: the init writes "errno step" on a
 * close-on-exec pipe, so reading EOF there means exec succeeded; the
 * supervisor then sends one fixed-size report to the caller.  Everything
 * after fork uses only plain system calls on memory prepared before it
 * (the caller may have other threads holding locks).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-process.h"

#define CHILD_STACK (256 * 1024)

typedef struct {
    int ok;
    int err;
    pid_t supervisor;
    pid_t init;
    char step[256];
} launchReport;

typedef struct {
    const vkLxcLaunchPlan *plan;
    const char *slave;
    int errFd;
    /* paths prepared by the supervisor (no allocation in the init) */
    char root[4096];
    /* the root and its /dev, opened once mounted: every path below them
     * is resolved with the root as "/" (see openIn) */
    int rootFd;
    int devFd;
} initArgs;

static void
initFail(int fd, const char *step, int err)
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "%d %s", err, step);

    if (write(fd, buf, n) < 0) {
        /* nothing else to tell */
    }
    _exit(127);
}

static int
joinPath(char *out, size_t len, const char *a, const char *b)
{
    int n = snprintf(out, len, "%s%s", a, b);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The directory rel names inside the container, as an O_PATH fd.  The
 * init still sees the host's filesystems, so a plain ROOT + rel would
 * follow a symlink planted in the root filesystem (escape -> /etc,
 * up -> ../../..) out to the host; RESOLVE_IN_ROOT makes the kernel
 * resolve every component, ".." and absolute links included, as if
 * rootFd were "/". */
static int
openIn(int rootFd, const char *rel)
{
    struct open_how how = {
        .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };

    return (int)syscall(SYS_openat2, rootFd, *rel ? rel : ".", &how, sizeof(how));
}

/* Like openIn, creating missing directories: each one with mkdirat in its
 * parent as resolved so far (mkdirat never follows a final symlink). */
static int
resolveIn(initArgs *a, const char *sub)
{
    char rel[4096];
    size_t len;
    int fd;

    while (*sub == '/')
        sub++;
    if ((len = strlen(sub)) >= sizeof(rel)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(rel, sub, len + 1);
    if ((fd = openIn(a->rootFd, "")) < 0)
        return -1;
    for (size_t i = 0; i <= len; i++) {
        size_t start = i;
        int next;

        while (i < len && rel[i] != '/')
            i++;
        if (i == start)
            continue;       /* "//" */
        rel[i] = '\0';
        if (mkdirat(fd, rel + start, 0755) < 0 && errno != EEXIST) {
            close(fd);
            return -1;
        }
        next = openIn(a->rootFd, rel);
        rel[i] = i < len ? '/' : '\0';
        close(fd);
        if ((fd = next) < 0)
            return -1;
    }
    return fd;
}

static void
mountIn(initArgs *a, const char *sub, const char *src, const char *type,
        unsigned long flags, const char *data, const char *step)
{
    char dst[64];
    int fd;

    /* Mount onto the resolved directory itself, never a path again. */
    if ((fd = resolveIn(a, sub)) < 0)
        initFail(a->errFd, step, errno);
    snprintf(dst, sizeof(dst), "/proc/self/fd/%d", fd);
    if (mount(src, dst, type, flags, data) < 0)
        initFail(a->errFd, step, errno);
    close(fd);
}

static void
makeDev(initArgs *a, const char *name, mode_t mode, int major, int minor)
{
    if (mknodat(a->devFd, name, S_IFCHR | mode, makedev(major, minor)) < 0)
        initFail(a->errFd, "create a device node in /dev", errno);
    fchmodat(a->devFd, name, mode, 0);
}

static void
linkDev(initArgs *a, const char *target, const char *name)
{
    if (symlinkat(target, a->devFd, name) < 0)
        initFail(a->errFd, "create a symlink in /dev", errno);
}

static void
loopbackUp(void)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
}

static int
initMain(void *opaque)
{
    initArgs *a = opaque;
    const vkLxcLaunchPlan *plan = a->plan;
    const vkContainerDef *c = plan->cdef;
    int fd;

    /* cgroups first, through the host's /sys, before anything can fork */
    for (char *const *f = plan->cgroupJoin; f && *f; f++) {
        fd = open(*f, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) < 0)
            initFail(a->errFd, "join the container's cgroup", errno);
        close(fd);
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        initFail(a->errFd, "make the mount namespace private", errno);
    if (sethostname(plan->hostname, strlen(plan->hostname)) < 0)
        initFail(a->errFd, "set the hostname", errno);

    /* the console: a new session whose controlling tty is the pty */
    if (setsid() < 0)
        initFail(a->errFd, "start a session", errno);
    if ((fd = open(a->slave, O_RDWR | O_CLOEXEC)) < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
        initFail(a->errFd, "open the console pty", errno);
    if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        initFail(a->errFd, "attach the console", errno);

    /* the root: bind it onto itself so pivot_root sees a mount point */
    if (mount(c->rootDir, a->root, NULL, MS_BIND | MS_REC, NULL) < 0)
        initFail(a->errFd, "bind the root filesystem", errno);
    if ((a->rootFd = open(a->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        initFail(a->errFd, "open the root filesystem", errno);
    for (guint i = 0; i < c->mounts->len; i++) {
        const vkContainerMount *m = c->mounts->pdata[i];

        mountIn(a, m->dst, m->src, NULL, MS_BIND | MS_REC, NULL, "bind a <filesystem>");
        if (m->readonly)
            mountIn(a, m->dst, NULL, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL,
                    "make a <filesystem> read-only");
    }
    mountIn(a, "/proc", "proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL,
            "mount /proc");
    mountIn(a, "/sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL,
            "mount /sys read-only");
    mountIn(a, "/dev", "devfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k",
            "mount /dev");
    if ((a->devFd = resolveIn(a, "/dev")) < 0)
        initFail(a->errFd, "open /dev", errno);
    makeDev(a, "null", 0666, 1, 3);
    makeDev(a, "zero", 0666, 1, 5);
    makeDev(a, "full", 0666, 1, 7);
    makeDev(a, "random", 0666, 1, 8);
    makeDev(a, "urandom", 0666, 1, 9);
    makeDev(a, "tty", 0666, 5, 0);
    {
        char p[64];

        if ((fd = openat(a->devFd, "console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                         0600)) < 0)
            initFail(a->errFd, "create /dev/console", errno);
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        if (mount(a->slave, p, NULL, MS_BIND, NULL) < 0)
            initFail(a->errFd, "bind the console onto /dev/console", errno);
        close(fd);
    }
    mountIn(a, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
            "newinstance,ptmxmode=0666,mode=0620", "mount a private /dev/pts");
    linkDev(a, "pts/ptmx", "ptmx");
    linkDev(a, "/proc/self/fd", "fd");
    linkDev(a, "/proc/self/fd/0", "stdin");
    linkDev(a, "/proc/self/fd/1", "stdout");
    linkDev(a, "/proc/self/fd/2", "stderr");
    mountIn(a, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777",
            "mount /dev/shm");

    if (chdir(a->root) < 0)
        initFail(a->errFd, "enter the root filesystem", errno);
    if (mkdir(".oldroot", 0700) < 0 && errno != EEXIST)
        initFail(a->errFd, "create .oldroot in the root filesystem", errno);
    if (syscall(SYS_pivot_root, ".", ".oldroot") < 0)
        initFail(a->errFd, "pivot_root into the root filesystem", errno);
    if (chdir("/") < 0 || umount2("/.oldroot", MNT_DETACH) < 0)
        initFail(a->errFd, "detach the host's filesystems", errno);
    rmdir("/.oldroot");

    loopbackUp();
    execve(c->argv[0], c->argv, plan->env);
    initFail(a->errFd, "execute the init", errno);
    return 127;
}

/* The supervisor: runs in the forked grandchild until the init exits. */
static void G_GNUC_NORETURN
supervisorMain(const vkLxcLaunchPlan *plan, int reportFd)
{
    launchReport rep = { 0 };
    initArgs args = { .plan = plan };
    int master = -1, slaveFd = -1, errPipe[2], logFd = -1, status = 0;
    char errBuf[256];
    ssize_t n;
    void *stack;
    pid_t init = -1;
    char buf[4096];
    int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;

    rep.supervisor = getpid();
    prctl(PR_SET_NAME, plan->procName);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);

#define FAIL(stepText) do { \
        rep.err = errno; \
        snprintf(rep.step, sizeof(rep.step), "%s", stepText); \
        goto report; \
    } while (0)

    if ((logFd = open(plan->logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
        FAIL("open the console log");
    if ((master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
        grantpt(master) < 0 || unlockpt(master) < 0 || !(args.slave = ptsname(master)))
        FAIL("create the console pty");
    /* Hold the slave open until the init has it, so the master does not
     * report a hang-up before anyone attached. */
    if ((slaveFd = open(args.slave, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        FAIL("open the console pty");
    if (pipe2(errPipe, O_CLOEXEC) < 0)
        FAIL("create a pipe");
    args.errFd = errPipe[1];
    if (joinPath(args.root, sizeof(args.root), plan->cdef->rootDir, "") < 0) {
        errno = ENAMETOOLONG;
        FAIL("name the root filesystem");
    }
    stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        FAIL("allocate the init's stack");
    init = clone(initMain, (char *)stack + CHILD_STACK, flags | SIGCHLD, &args);
    if (init < 0)
        FAIL("clone the init into new namespaces");
    close(errPipe[1]);
    n = read(errPipe[0], errBuf, sizeof(errBuf) - 1);
    close(errPipe[0]);
    if (n > 0) {
        char *sp;

        errBuf[n] = '\0';
        rep.err = atoi(errBuf);
        sp = strchr(errBuf, ' ');
        snprintf(rep.step, sizeof(rep.step), "%s", sp ? sp + 1 : errBuf);
        waitpid(init, NULL, 0);
        goto report;
    }
    rep.ok = 1;
    rep.init = init;
    close(slaveFd);

 report:
    if (write(reportFd, &rep, sizeof(rep)) == sizeof(rep)) {
        char ack;

        /* Stay alive until the caller holds our pidfd (it closes its end
         * then), so even an init that exits at once is seen to exit. */
        while (read(reportFd, &ack, 1) < 0 && errno == EINTR)
            ;
    }
    close(reportFd);
    if (!rep.ok)
        _exit(1);

    /* Copy the console to the log until every slave fd is closed (the
     * init and its namespace are gone), then collect the init. */
    for (;;) {
        n = read(master, buf, sizeof(buf));
        if (n > 0) {
            if (write(logFd, buf, n) < 0) {
                /* a full disk must not stop the container */
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    while (waitpid(init, &status, 0) < 0 && errno == EINTR)
        ;
    {
        int fd = open(plan->exitPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd >= 0) {
            n = snprintf(buf, sizeof(buf), "%d\n", status);
            if (write(fd, buf, n) < 0) {
                /* the driver then reports a crash */
            }
            close(fd);
        }
    }
    _exit(0);
#undef FAIL
}

int
vkLxcLaunch(const vkLxcLaunchPlan *plan, vkLxcLaunched *out)
{
    int rp[2];
    pid_t mid;
    launchReport rep;
    ssize_t n;
    int status;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, rp) < 0) {
        vkReportSystemError(errno, "cannot create a socket pair for container '%s'", plan->hostname);
        return -1;
    }
    if ((mid = fork()) < 0) {
        vkReportSystemError(errno, "cannot fork for container '%s'", plan->hostname);
        close(rp[0]);
        close(rp[1]);
        return -1;
    }
    if (mid == 0) {
        pid_t sup;

        close(rp[0]);
        setsid();
        if ((sup = fork()) < 0)
            _exit(1);
        if (sup > 0)
            _exit(0);
        /* Keep only the report pipe: no fd of the caller leaks into the
         * container or keeps the caller's sockets alive. */
        if (rp[1] != 3) {
            if (dup2(rp[1], 3) < 0)
                _exit(1);
            rp[1] = 3;
        }
        fcntl(3, F_SETFD, FD_CLOEXEC);
        {
            int nullFd = open("/dev/null", O_RDWR);

            if (nullFd >= 0) {
                dup2(nullFd, 0);
                dup2(nullFd, 1);
                dup2(nullFd, 2);
                if (nullFd > 3)
                    close(nullFd);
            }
        }
        syscall(SYS_close_range, 4, ~0U, 0);
        supervisorMain(plan, 3);
    }
    close(rp[1]);
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
        ;
    do {
        n = read(rp[0], &rep, sizeof(rep));
    } while (n < 0 && errno == EINTR);
    if (n != sizeof(rep)) {
        close(rp[0]);
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "the supervisor of container '%s' died during start-up", plan->hostname);
        return -1;
    }
    if (!rep.ok) {
        close(rp[0]);
        vkReportSystemError(rep.err, "container '%s' failed to start: cannot %s",
                            plan->hostname, rep.step);
        return -1;
    }
    out->supervisor = rep.supervisor;
    out->init = rep.init;
    out->supervisorPidfd = pidfd_open(rep.supervisor, 0);
    close(rp[0]);
    if (out->supervisorPidfd < 0) {
        vkReportSystemError(errno, "cannot follow the supervisor of container '%s'",
                            plan->hostname);
        return -1;
    }
    return 0;
}
