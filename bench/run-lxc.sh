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
# The private libvirtd runs in its own mount namespace (unshare -m): a
# private /etc/libvirt (libvirtd.conf with its own unix_sock_dir, auth
# none; lxc.conf with no security driver), tmpfs/bind mounts over
# /run/libvirt and /var/lib|cache|log/libvirt, and LIBVIRT_DRIVER_DIR
# holding only the LXC driver.  This host's cgroups are a hybrid layout
# (v1 controllers plus an empty cgroup2 at /sys/fs/cgroup/unified) on
# which libvirt 9.0 fails ("Unable to create directory
# /sys/fs/cgroup/unified/..."); inside that namespace only, the cgroup2
# mount is unmounted (umount /sys/fs/cgroup/unified), so libvirt sees a
# pure v1 layout.  Nothing of the host is touched; the containers'
# cgroups are removed by each driver on destroy.
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (20).  Timings are for people
# to read: nothing here is a test.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}

if [ -z "$build" ]; then
    build=$src/build-bench
    [ -f "$build/build.ninja" ] ||
        meson setup "$build" "$src" -Dbuildtype=release >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
    ninja -C "$build" src/daemon/virtkitd bench/bench-lxc-virtkit bench/bench-lxc-libvirt >&2
fi
for f in bench/bench-lxc-virtkit bench/bench-lxc-libvirt src/daemon/virtkitd; do
    [ -e "$build/$f" ] || { echo "run-lxc.sh: $build/$f is missing" >&2; exit 1; }
done
[ -x /usr/sbin/libvirtd ] || { echo "run-lxc.sh: /usr/sbin/libvirtd is not installed" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "run-lxc.sh: /bin/busybox (busybox-static) is not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run-lxc.sh: needs root (namespaces, cgroups, unshare -m)" >&2; exit 1; }

exec python3 - "$build" <<'PY'
import os, shutil, socket, subprocess, sys, tempfile, time

build = sys.argv[1]
bench_vk = os.path.join(build, "bench", "bench-lxc-virtkit")
bench_lv = os.path.join(build, "bench", "bench-lxc-libvirt")
virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
n = int(os.environ.get("N", "20"))
LIBVIRT_LXC_SO = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_lxc.so"
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
    r = subprocess.run([binary, uri, rootfs, str(n)], capture_output=True, text=True,
                       timeout=600)
    out = {}
    for line in r.stdout.splitlines():
        k, v = line.split()
        out[k] = float(v)
    if r.returncode != 0:
        sys.stderr.write("bench-lxc %s failed (%d): %s\n" % (uri, r.returncode, r.stderr))
    return out


def wait_socket(path, proc, timeout=30):
    """libvirtd has no ready fd: connect until it accepts (bench setup only)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return True
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    return False


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
    d = tempfile.mkdtemp(prefix="bl-vkd-")
    os.chmod(d, 0o755)
    rfd, wfd = os.pipe()
    proc = subprocess.Popen([virtkitd, "--socket-dir", d, "--lxc-root", os.path.join(d, "lxc"),
                             "--ready-fd", str(wfd)], pass_fds=(wfd,),
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "log"), "w"))
    os.close(wfd)
    try:
        with os.fdopen(rfd, "rb") as r:
            if r.read(1) != b"\n":
                sys.stderr.write("virtkitd did not start\n")
                return {}
        uri = "lxc+unix:///system?socket=" + os.path.join(d, "virtkit-sock")
        return run_bench(bench_vk, uri, rootfs)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


LIBVIRTD_CONF = """unix_sock_dir = "{d}/sock"
auth_unix_rw = "none"
auth_unix_ro = "none"
listen_tls = 0
listen_tcp = 0
"""
LXC_CONF = """security_driver = "none"
"""
START = """set -e
mount --bind {d}/etc /etc/libvirt
mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt
mount -t tmpfs tmpfs /run/libvirt
mount --bind {d}/lib /var/lib/libvirt
mount --bind {d}/cache /var/cache/libvirt
mount --bind {d}/log /var/log/libvirt
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
exec /usr/sbin/libvirtd --config /etc/libvirt/libvirtd.conf --pid-file {d}/pid
"""


def libvirtd(rootfs):
    d = tempfile.mkdtemp(prefix="bl-lvd-")
    os.chmod(d, 0o755)
    for sub in ("etc", "sock", "drv", "lib", "cache", "log"):
        os.mkdir(os.path.join(d, sub))
    os.symlink(LIBVIRT_LXC_SO, os.path.join(d, "drv", os.path.basename(LIBVIRT_LXC_SO)))
    with open(os.path.join(d, "etc", "libvirtd.conf"), "w") as f:
        f.write(LIBVIRTD_CONF.format(d=d))
    with open(os.path.join(d, "etc", "lxc.conf"), "w") as f:
        f.write(LXC_CONF)
    with open(os.path.join(d, "start.sh"), "w") as f:
        f.write(START.format(d=d))
    env = dict(os.environ, LIBVIRT_DRIVER_DIR=os.path.join(d, "drv"))
    log = open(os.path.join(d, "libvirtd.log"), "w")
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh",
                             os.path.join(d, "start.sh")], env=env, stdout=log, stderr=log)
    sock = os.path.join(d, "sock", "libvirt-sock")
    try:
        if not wait_socket(sock, proc):
            with open(os.path.join(d, "libvirtd.log")) as f:
                sys.stderr.write("private libvirtd did not start:\n" + f.read())
            return {}
        r = run_bench(bench_lv, "lxc+unix:///system?socket=" + sock, rootfs)
        if not r:
            with open(os.path.join(d, "libvirtd.log"), errors="replace") as f:
                sys.stderr.write("--- libvirtd.log\n" + f.read()[-3000:])
            lxclog = os.path.join(d, "log", "lxc")
            if os.path.isdir(lxclog):
                for name in sorted(os.listdir(lxclog)):
                    with open(os.path.join(lxclog, name), errors="replace") as f:
                        sys.stderr.write("--- %s\n%s" % (name, f.read()[-3000:]))
        return r
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


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
