/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The supervisor and the container's init.
 *
 * The caller forks an intermediate that starts a new session, forks the
 * supervisor and exits at once: the supervisor is nobody's child in the
 * caller, so it outlives a daemon restart, and the caller follows it with
 * a pidfd.  The supervisor owns the console pty (copying its output to
 * the log and relaying it to a console socket, lxc-console.c), clones the
 * init with CLONE_NEWPID|NEWNS|NEWUTS|NEWIPC|NEWNET (|NEWUSER with an
 * <idmap>) and waits for it; when the init exits, the kernel has already
 * killed the rest of its pid namespace, so the supervisor writes the wait
 * status and exits, and its exit is the single fact the driver watches.
 *
 * Start-up is two-phase.  The init is cloned blocked on a "go" pipe; the
 * supervisor moves it into its cgroups and writes its uid/gid maps, then
 * reports its pid to the caller, who does what needs the pid (veth
 * interfaces into its network namespace) and answers go or abort.  Then
 * the init sets itself up; it writes "errno step" on a close-on-exec
 * pipe if that fails, so reading EOF there means exec succeeded, and the
 * supervisor sends the second fixed-size report.  Everything
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
#include <sys/types.h>
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
    int stage;                 /* 1: the init exists and waits; 2: it runs */
    pid_t supervisor;
    pid_t init;
    char step[256];
} launchReport;

typedef struct {
    const vkLxcLaunchPlan *plan;
    const char *slave;
    int slaveFd;
    int errFd;
    int goFd;                  /* the init reads 'g' here before it starts */
    int goWriteFd;             /* the supervisor's end, closed in the init */
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

/* A device node in the container's /dev.  A user namespace may not
 * mknod, so there the host's node (still reachable: the init has not
 * pivoted yet) is bound onto an empty file instead. */
static void
makeDev(initArgs *a, const char *name, mode_t mode, int major, int minor)
{
    char host[64], dst[64];
    int fd;

    if (!a->plan->cdef->uidMap) {
        if (mknodat(a->devFd, name, S_IFCHR | mode, makedev(major, minor)) < 0)
            initFail(a->errFd, "create a device node in /dev", errno);
        fchmodat(a->devFd, name, mode, 0);
        return;
    }
    if ((fd = openat(a->devFd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
        initFail(a->errFd, "create a device node in /dev", errno);
    snprintf(host, sizeof(host), "/dev/%s", name);
    snprintf(dst, sizeof(dst), "/proc/self/fd/%d", fd);
    if (mount(host, dst, NULL, MS_BIND, NULL) < 0)
        initFail(a->errFd, "bind a host device node into /dev", errno);
    close(fd);
}

static void
linkDev(initArgs *a, const char *target, const char *name)
{
    if (symlinkat(target, a->devFd, name) < 0)
        initFail(a->errFd, "create a symlink in /dev", errno);
}

static int
linkUp(const char *name)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = -1;

    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

static int
initMain(void *opaque)
{
    initArgs *a = opaque;
    const vkLxcLaunchPlan *plan = a->plan;
    const vkContainerDef *c = plan->cdef;
    int fd;
    char go = 0;

    /* Wait until the supervisor has put us in the cgroups and mapped our
     * ids, and the caller has given us our interfaces. */
    close(a->goWriteFd);
    while (read(a->goFd, &go, 1) < 0 && errno == EINTR)
        ;
    if (go != 'g')
        _exit(127);
    close(a->goFd);
    /* Become the namespace's root (raw system calls: only this thread
     * exists, glibc must not try to signal others). */
    if (c->uidMap &&
        (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, 0, 0, 0) < 0 ||
         syscall(SYS_setresuid, 0, 0, 0) < 0))
        initFail(a->errFd, "become root in the user namespace", errno);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        initFail(a->errFd, "make the mount namespace private", errno);
    if (sethostname(plan->hostname, strlen(plan->hostname)) < 0)
        initFail(a->errFd, "set the hostname", errno);

    /* the console: a new session whose controlling tty is the pty */
    if (setsid() < 0)
        initFail(a->errFd, "start a session", errno);
    /* the supervisor's descriptor: in a user namespace the host's pty
     * node cannot be opened by path */
    if ((fd = a->slaveFd) < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
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
    /* pivot_root(".", ".") stacks the old root on the new one, and the
     * lazy unmount of "." then drops it: no directory to create in a root
     * filesystem we may not be allowed to write (a user namespace) */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        initFail(a->errFd, "pivot_root into the root filesystem", errno);
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        initFail(a->errFd, "detach the host's filesystems", errno);

    if (linkUp("lo") < 0)
        initFail(a->errFd, "bring up the loopback interface", errno);
    for (unsigned int i = 0; i < plan->netCount; i++) {
        char ifname[IFNAMSIZ];

        snprintf(ifname, sizeof(ifname), "eth%u", i);
        if (linkUp(ifname) < 0)
            initFail(a->errFd, "bring up a network interface", errno);
    }
    execve(c->argv[0], c->argv, plan->env);
    initFail(a->errFd, "execute the init", errno);
    return 127;
}

/* Writes text to /proc/<pid>/<file> (an id map). */
static int
writeProcFile(pid_t pid, const char *file, const char *text)
{
    char path[64];
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
        return -1;
    n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

/* Puts the waiting init into its cgroups and, with a user namespace,
 * writes its id maps: what must be true before it runs anything. */
static int
prepareInit(const vkLxcLaunchPlan *plan, pid_t init, char *step, size_t len)
{
    char pid[32];
    int n = snprintf(pid, sizeof(pid), "%d", (int)init);

    for (char *const *f = plan->cgroupJoin; f && *f; f++) {
        int fd = open(*f, O_WRONLY | O_CLOEXEC);
        int ok = fd >= 0 && write(fd, pid, n) == n;

        if (fd >= 0)
            close(fd);
        if (!ok) {
            snprintf(step, len, "move the init into its cgroup");
            return -1;
        }
    }
    if (plan->cdef->uidMap &&
        (writeProcFile(init, "uid_map", plan->cdef->uidMap) < 0 ||
         writeProcFile(init, "gid_map", plan->cdef->gidMap) < 0)) {
        snprintf(step, len, "write the init's uid_map and gid_map");
        return -1;
    }
    return 0;
}

static bool
sendReport(int fd, const launchReport *rep)
{
    return write(fd, rep, sizeof(*rep)) == sizeof(*rep);
}

/* The supervisor: runs in the forked grandchild until the init exits. */
static void G_GNUC_NORETURN
supervisorMain(const vkLxcLaunchPlan *plan, int reportFd)
{
    launchReport rep = { 0 };
    initArgs args = { .plan = plan, .slaveFd = -1 };
    int master = -1, errPipe[2] = { -1, -1 }, goPipe[2] = { -1, -1 };
    int logFd = -1, listenFd = -1, status = 0;
    char errBuf[256];
    char answer = 0;
    ssize_t n;
    void *stack;
    pid_t init = -1;
    char buf[64];
    int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;

    rep.supervisor = getpid();
    rep.stage = 1;
    prctl(PR_SET_NAME, plan->procName);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    if (plan->cdef->uidMap)
        flags |= CLONE_NEWUSER;

#define FAIL(stepText) do { \
        rep.err = errno; \
        snprintf(rep.step, sizeof(rep.step), "%s", stepText); \
        goto report; \
    } while (0)

    if ((logFd = open(plan->logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
        FAIL("open the console log");
    if ((listenFd = vkLxcConsoleListen(plan->consolePath)) < 0)
        FAIL("listen on the console socket");
    if ((master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
        grantpt(master) < 0 || unlockpt(master) < 0 || !(args.slave = ptsname(master)))
        FAIL("create the console pty");
    /* Held open until the init has it, so the master does not report a
     * hang-up before anyone attached; the init inherits it. */
    if ((args.slaveFd = open(args.slave, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        FAIL("open the console pty");
    if (pipe2(errPipe, O_CLOEXEC) < 0 || pipe2(goPipe, O_CLOEXEC) < 0)
        FAIL("create a pipe");
    args.errFd = errPipe[1];
    args.goFd = goPipe[0];
    args.goWriteFd = goPipe[1];
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
    close(goPipe[0]);
    if (prepareInit(plan, init, rep.step, sizeof(rep.step)) < 0) {
        rep.err = errno;
        goto report;
    }
    rep.ok = 1;
    rep.init = init;

 report:
    /* phase 1: the init exists (or the reason it does not) */
    if (!sendReport(reportFd, &rep) || !rep.ok)
        goto abort;
    while ((n = read(reportFd, &answer, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1 || answer != 'g')
        goto abort;

    /* phase 2: let the init run; EOF on errPipe means it exec'd */
    rep.stage = 2;
    rep.ok = 0;
    if (write(goPipe[1], "g", 1) != 1) {
        rep.err = errno;
        snprintf(rep.step, sizeof(rep.step), "start the init");
    } else {
        n = read(errPipe[0], errBuf, sizeof(errBuf) - 1);
        if (n > 0) {
            char *sp;

            errBuf[n] = '\0';
            rep.err = atoi(errBuf);
            sp = strchr(errBuf, ' ');
            snprintf(rep.step, sizeof(rep.step), "%s", sp ? sp + 1 : errBuf);
        } else {
            rep.ok = 1;
        }
    }
    close(goPipe[1]);
    close(errPipe[0]);
    if (sendReport(reportFd, &rep) && rep.ok) {
        char ack;

        /* Stay alive until the caller holds our pidfd (it closes its end
         * then), so even an init that exits at once is seen to exit. */
        while (read(reportFd, &ack, 1) < 0 && errno == EINTR)
            ;
    }
    if (!rep.ok)
        goto abort;
    close(reportFd);
    close(args.slaveFd);

    /* Relay the console until every slave fd is closed (the init and its
     * namespace are gone), then collect the init. */
    vkLxcConsoleRelay(master, logFd, listenFd);
    close(listenFd);
    unlink(plan->consolePath);
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

 abort:
    if (init > 0) {
        kill(init, SIGKILL);
        while (waitpid(init, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (listenFd >= 0)
        unlink(plan->consolePath);
    _exit(1);
#undef FAIL
}

/* Reads one report; false with an error when the supervisor is gone. */
static bool
readReport(int fd, launchReport *rep, const char *name)
{
    ssize_t n;

    do {
        n = read(fd, rep, sizeof(*rep));
    } while (n < 0 && errno == EINTR);
    if (n != sizeof(*rep)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "the supervisor of container '%s' died during start-up", name);
        return false;
    }
    if (!rep->ok) {
        vkReportSystemError(rep->err, "container '%s' failed to start: cannot %s",
                            name, rep->step);
        return false;
    }
    return true;
}

int
vkLxcLaunch(const vkLxcLaunchPlan *plan, vkLxcLaunched *out)
{
    int rp[2];
    pid_t mid;
    launchReport rep;
    int status, supFd = -1;

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
    if (!readReport(rp[0], &rep, plan->hostname))
        goto error;
    /* The supervisor waits for our answer, so its pid is still its own. */
    if ((supFd = pidfd_open(rep.supervisor, 0)) < 0) {
        vkReportSystemError(errno, "cannot follow the supervisor of container '%s'",
                            plan->hostname);
        goto error;
    }
    if (plan->prepare && plan->prepare(rep.init, plan->prepareOpaque) < 0)
        goto error;     /* no 'g': the supervisor kills the waiting init */
    if (write(rp[0], "g", 1) != 1) {
        vkReportSystemError(errno, "cannot start container '%s'", plan->hostname);
        goto error;
    }
    if (!readReport(rp[0], &rep, plan->hostname))
        goto error;
    out->supervisor = rep.supervisor;
    out->init = rep.init;
    out->supervisorPidfd = supFd;
    close(rp[0]);
    return 0;

 error:
    close(rp[0]);
    if (supFd >= 0) {
        /* the init is collected before the supervisor exits: once it has,
         * the caller may remove the cgroup */
        struct pollfd p = { .fd = supFd, .events = POLLIN };

        while (poll(&p, 1, 10000) < 0 && errno == EINTR)
            ;
        close(supFd);
    }
    return -1;
}
