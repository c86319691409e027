#!/bin/sh
# Starting and destroying a busybox container (64 MiB memory limit, a
# /bin/sh init that waits forever, private network with only lo, one pty
# console) through virtkit and through libvirt 9.0's LXC driver, in one
# run.
#
#   bench/run-lxc.sh [BUILD_DIR]
#
# Rows: virtkit in-process (lxc:///embed?root=TMP), virtkitd serving
# lxc:///system (only when this virtkitd has an --lxc-root option; the
# row says so otherwise), and a private libvirtd with Debian's LXC driver
# (libvirt's client).  Each row is bench-lxc: the median of N sequential
# virDomainCreateXML (returns once the init runs) and virDomainDestroy
# (returns once the container is gone), after one uncounted warm-up pair.
#
# The root filesystem is built here in a temp dir: /bin/busybox from
# busybox-static and its applet links.
#
# The private libvirtd is scripts/private-libvirtd.sh's (own mount
# namespace).  This host's cgroups are a hybrid layout (v1 controllers
# plus an empty cgroup2 at /sys/fs/cgroup/unified) on which libvirt 9.0
# fails ("Unable to create directory /sys/fs/cgroup/unified/..."): the
# script unmounts that cgroup2 inside the namespace only, so libvirt sees
# a pure v1 layout.  Nothing of the host is touched; the containers'
# cgroups are removed by each driver on destroy.  bench/benchlib.py has
# what this script shares with run-qemu.sh.
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (20).  Timings are for people
# to read: nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-lxc.sh "${1:-}" src/daemon/virtkitd bench/bench-lxc-virtkit \
    bench/bench-lxc-libvirt
[ -x /bin/busybox ] || { echo "run-lxc.sh: /bin/busybox (busybox-static) is not installed" >&2; exit 1; }

exec python3 - "$build" "$src" <<'PY'
import os, shutil, subprocess, sys, tempfile

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
import benchlib  # noqa: E402

bench_vk = os.path.join(build, "bench", "bench-lxc-virtkit")
bench_lv = os.path.join(build, "bench", "bench-lxc-libvirt")
virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
n = int(os.environ.get("N", "20"))
notes = []


def make_rootfs():
    """A busybox-static root filesystem: the binary, its applet links
    and the directories an init expects."""
    root = tempfile.mkdtemp(prefix="bl-rootfs-")
    os.chmod(root, 0o755)
    for d in ("bin", "sbin", "usr/bin", "proc", "sys", "dev", "tmp", "etc", "root", "run"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2("/bin/busybox", os.path.join(root, "bin", "busybox"))
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True,
                             text=True, check=True).stdout.split()
    for a in applets:
        p = os.path.join(root, "bin", a)
        if not os.path.exists(p):
            os.symlink("busybox", p)
    return root


def run_bench(binary, uri, rootfs):
    return benchlib.run_bench([binary, uri, rootfs, str(n)], "bench-lxc " + uri)


def embed(rootfs):
    tmp = tempfile.mkdtemp(prefix="bl-embed-")
    try:
        return run_bench(bench_vk, "lxc:///embed?root=" + tmp, rootfs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def daemon(rootfs):
    helptext = subprocess.run([virtkitd, "--help"], capture_output=True, text=True).stdout
    if "--lxc-root" not in helptext:
        notes.append("virtkitd row skipped: this virtkitd has no --lxc-root option "
                     "(lxc:///system is not served by the daemon yet)")
        return None
    return benchlib.through_virtkitd(virtkitd, "bl-vkd-", "--lxc-root", "lxc",
                                     lambda uri, d: run_bench(bench_vk, uri, rootfs))


def dump_libvirtd_logs(d):
    with open(os.path.join(d, "libvirtd.log"), errors="replace") as f:
        sys.stderr.write("--- libvirtd.log\n" + f.read()[-3000:])
    lxclog = os.path.join(d, "log", "lxc")
    if os.path.isdir(lxclog):
        for name in sorted(os.listdir(lxclog)):
            with open(os.path.join(lxclog, name), errors="replace") as f:
                sys.stderr.write("--- %s\n%s" % (name, f.read()[-3000:]))


def libvirtd(rootfs):
    return benchlib.through_libvirtd("lxc", "bl-lvd-",
                                     lambda uri, d: run_bench(bench_lv, uri, rootfs),
                                     dump_libvirtd_logs)


def cgroup_partitions():
    """libvirt's /machine partition in each v1 hierarchy."""
    base = "/sys/fs/cgroup"
    return {os.path.join(base, h, "machine") for h in os.listdir(base)
            if os.path.isdir(os.path.join(base, h, "machine"))}


rootfs = make_rootfs()
before = cgroup_partitions()
try:
    rows = [("virtkit embed (in-process)", embed(rootfs)),
            ("virtkitd lxc:///system", daemon(rootfs)),
            ("libvirtd 9.0 LXC driver", libvirtd(rootfs))]
finally:
    shutil.rmtree(rootfs, ignore_errors=True)
    # libvirt leaves its (empty) /machine partitions behind: remove the
    # ones this run made; rmdir fails on a non-empty group, which stays.
    for p in sorted(cgroup_partitions() - before):
        try:
            os.rmdir(p)
        except OSError as e:
            notes.append("could not remove %s: %s" % (p, e))
notes.append("libvirtd rows: in a private mount namespace where "
             "/sys/fs/cgroup/unified (the empty cgroup2 of this hybrid layout) is "
             "unmounted, so libvirt 9.0 sees pure cgroup v1")
notes.append("libvirt's destroy sends SIGTERM to every task of the container's cgroup, "
             "polls 200 ms apart and sends SIGKILL only at the 8th poll: ~1.8 s whenever "
             "the init outlives SIGTERM, as a pid namespace's init without a handler "
             "does; virtkit's destroy sends SIGKILL at once")

print("container: busybox /bin/sh init, 64 MiB, privnet (lo only), pty console; "
      "N=%d sequential" % n)
print("%-28s %12s %10s %12s %10s" % ("", "create ms", "(min)", "destroy ms", "(min)"))
for name, r in rows:
    if r is None:
        continue
    def g(k):
        return "%.1f" % r[k] if k in r else "-"
    print("%-28s %12s %10s %12s %10s" % (name, g("create_ms_median"), g("create_ms_min"),
                                         g("destroy_ms_median"), g("destroy_ms_min")))
print("target: create <= 30 ms median, destroy <= 30 ms median")
lv = rows[2][1]
if lv:
    for name, r in rows[:2]:
        if not r:
            continue
        parts = []
        for k, label in (("create_ms_median", "create"), ("destroy_ms_median", "destroy")):
            if k in r and k in lv and r[k] > 0:
                parts.append("%s libvirt/virtkit %.1fx" % (label, lv[k] / r[k]))
        print("ratio %s vs libvirtd: %s" % (name, ", ".join(parts)))
for note in notes:
    print("note: " + note)
PY
