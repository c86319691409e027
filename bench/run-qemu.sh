#!/bin/sh
# Starting and destroying a real minimal guest (the micro-guest on qboot,
# 128 MiB, 1 vCPU, no disk) through virtkit and through libvirt 9.0, in
# one run, with QEMU's own floor beside them.
#
#   bench/run-qemu.sh [BUILD_DIR]
#
# Rows: virtkit in-process (qemu:///embed?root=TMP), virtkitd's
# qemu:///system (virtkit's own client), virtkitd with libvirt's client,
# and a private libvirtd with Debian's QEMU driver (libvirt's client).
# Each row is bench-qemu: the median of N sequential virDomainCreateXML
# (returns once running) and virDomainDestroy (returns once QEMU is gone),
# then CONCURRENT creates at once from one thread each.  The floor is bare
# QEMU with the same guest: launch to the QMP greeting and to
# qmp_capabilities answered, SIGTERM to exit.
#
# The private libvirtd runs in its own mount namespace (unshare -m): a
# private /etc/libvirt (libvirtd.conf with its own unix_sock_dir, auth
# none; qemu.conf with user/group root, no security driver, no
# namespaces, no cgroups, stdio_handler file so no virtlogd), tmpfs/bind
# mounts over /run/libvirt, /var/lib|cache|log/libvirt, a private
# /etc/passwd and /etc/group that add libvirt-qemu (the QEMU driver
# resolves its compiled-in default user before reading qemu.conf), and
# LIBVIRT_DRIVER_DIR holding only the QEMU driver.  Nothing of the host
# is touched.
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (20), CONCURRENT (20),
# VIRT_TYPE (kvm, or qemu for TCG).  Timings are for people to read:
# nothing here is a test.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}

if [ -z "$build" ]; then
    build=$src/build-bench
    [ -f "$build/build.ninja" ] ||
        meson setup "$build" "$src" -Dbuildtype=release >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
    ninja -C "$build" src/daemon/virtkitd bench/bench-qemu-virtkit bench/bench-qemu-libvirt \
        tests/qemu/micro.elf >&2
fi
for f in bench/bench-qemu-virtkit bench/bench-qemu-libvirt src/daemon/virtkitd tests/qemu/micro.elf; do
    [ -e "$build/$f" ] || { echo "run-qemu.sh: $build/$f is missing" >&2; exit 1; }
done
[ -x /usr/sbin/libvirtd ] || { echo "run-qemu.sh: /usr/sbin/libvirtd is not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run-qemu.sh: needs root (private libvirtd, unshare -m)" >&2; exit 1; }

exec python3 - "$build" <<'PY'
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

build = sys.argv[1]
bench_vk = os.path.join(build, "bench", "bench-qemu-virtkit")
bench_lv = os.path.join(build, "bench", "bench-qemu-libvirt")
virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
micro = os.path.join(build, "tests", "qemu", "micro.elf")
n = int(os.environ.get("N", "20"))
conc = int(os.environ.get("CONCURRENT", "20"))
vtype = os.environ.get("VIRT_TYPE", "kvm")
QEMU = "/usr/bin/qemu-system-x86_64"
LIBVIRT_QEMU_SO = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"


def run_bench(binary, uri, tmp):
    os.chmod(tmp, 0o755)
    r = subprocess.run([binary, uri, micro, tmp, str(n), str(conc), vtype],
                       capture_output=True, text=True, timeout=600)
    out = {}
    for line in r.stdout.splitlines():
        k, v = line.split()
        out[k] = float(v)
    if r.returncode != 0:
        sys.stderr.write("bench-qemu %s failed (%d): %s\n" % (uri, r.returncode, r.stderr))
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


def embed():
    tmp = tempfile.mkdtemp(prefix="bq-embed-")
    try:
        return run_bench(bench_vk, "qemu:///embed?root=" + tmp, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def daemon(client):
    d = tempfile.mkdtemp(prefix="bq-vkd-")
    os.chmod(d, 0o755)
    rfd, wfd = os.pipe()
    proc = subprocess.Popen([virtkitd, "--socket-dir", d, "--qemu-root", os.path.join(d, "qemu"),
                             "--ready-fd", str(wfd)], pass_fds=(wfd,),
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "log"), "w"))
    os.close(wfd)
    try:
        with os.fdopen(rfd, "rb") as r:
            if r.read(1) != b"\n":
                sys.stderr.write("virtkitd did not start\n")
                return {}
        uri = "qemu+unix:///system?socket=" + os.path.join(d, "virtkit-sock")
        return run_bench(client, uri, d)
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
QEMU_CONF = """user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
"""
START = """set -e
mount --bind {d}/passwd /etc/passwd
mount --bind {d}/group /etc/group
mount --bind {d}/etc /etc/libvirt
mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt
mount -t tmpfs tmpfs /run/libvirt
mount --bind {d}/lib /var/lib/libvirt
mount --bind {d}/cache /var/cache/libvirt
mount --bind {d}/log /var/log/libvirt
exec /usr/sbin/libvirtd --config /etc/libvirt/libvirtd.conf --pid-file {d}/pid
"""


def libvirtd():
    d = tempfile.mkdtemp(prefix="bq-lvd-")
    os.chmod(d, 0o755)
    for sub in ("etc", "sock", "drv", "lib", "cache", "log"):
        os.mkdir(os.path.join(d, sub))
    os.symlink(LIBVIRT_QEMU_SO, os.path.join(d, "drv", os.path.basename(LIBVIRT_QEMU_SO)))
    with open(os.path.join(d, "etc", "libvirtd.conf"), "w") as f:
        f.write(LIBVIRTD_CONF.format(d=d))
    with open(os.path.join(d, "etc", "qemu.conf"), "w") as f:
        f.write(QEMU_CONF)
    with open("/etc/passwd") as f:
        passwd = f.read()
    with open("/etc/group") as f:
        group = f.read()
    if "\nlibvirt-qemu:" not in "\n" + passwd:
        passwd += "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin\n"
    if "\nlibvirt-qemu:" not in "\n" + group:
        group += "libvirt-qemu:x:64055:\n"
    if "\nkvm:" not in "\n" + group:
        group += "kvm:x:64054:\n"
    with open(os.path.join(d, "passwd"), "w") as f:
        f.write(passwd)
    with open(os.path.join(d, "group"), "w") as f:
        f.write(group)
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
        return run_bench(bench_lv, "qemu+unix:///system?socket=" + sock, d)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


def qmp_floor():
    """Bare QEMU, the same guest: launch to greeting / to capabilities
    answered, and SIGTERM to exit (waitpid on our own child)."""
    greet, caps, term = [], [], []
    d = tempfile.mkdtemp(prefix="bq-floor-")
    try:
        for i in range(n):
            path = os.path.join(d, "qmp-%d.sock" % i)
            srv = socket.socket(socket.AF_UNIX)
            srv.bind(path)
            srv.listen(1)
            t0 = time.monotonic()
            p = subprocess.Popen([QEMU, "-machine", "pc", "-accel", "kvm" if vtype == "kvm" else "tcg",
                                  "-m", "128", "-smp", "1", "-nodefaults", "-no-user-config",
                                  "-display", "none", "-bios", "/usr/share/qemu/qboot.rom",
                                  "-kernel", micro, "-S",
                                  "-chardev", "socket,id=mon,path=%s" % path,
                                  "-mon", "chardev=mon,mode=control"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            c, _ = srv.accept()
            f = c.makefile("rwb", buffering=0)
            f.readline()
            greet.append((time.monotonic() - t0) * 1e3)
            c.sendall(b'{"execute":"qmp_capabilities"}\n')
            f.readline()
            caps.append((time.monotonic() - t0) * 1e3)
            t1 = time.monotonic()
            p.terminate()
            p.wait()
            term.append((time.monotonic() - t1) * 1e3)
            c.close()
            srv.close()
            os.unlink(path)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return {"greeting_ms_median": statistics.median(greet),
            "capabilities_ms_median": statistics.median(caps),
            "sigterm_exit_ms_median": statistics.median(term)}


rows = [("virtkit embed (in-process)", embed()),
        ("virtkitd, virtkit client", daemon(bench_vk)),
        ("virtkitd, libvirt client", daemon(bench_lv)),
        ("libvirtd 9.0 QEMU driver", libvirtd())]
floor = qmp_floor()

print("guest: micro-guest, 128 MiB, 1 vCPU, no disk, type %s; N=%d sequential, %d concurrent"
      % (vtype, n, conc))
print("%-28s %12s %12s %14s %8s" % ("", "create ms", "destroy ms", "20-at-once ms", "failed"))
for name, r in rows:
    def g(k, fmt="%.1f"):
        return fmt % r[k] if k in r else "-"
    print("%-28s %12s %12s %14s %8s" % (name, g("create_ms_median"), g("destroy_ms_median"),
                                        g("concurrent_ms"), g("concurrent_failures", "%d")))
print("QEMU floor: launch to QMP greeting %.1f ms, to qmp_capabilities %.1f ms, "
      "SIGTERM to exit %.1f ms" % (floor["greeting_ms_median"], floor["capabilities_ms_median"],
                                   floor["sigterm_exit_ms_median"]))
lv = rows[3][1]
if lv:
    for name, r in rows[:3]:
        if not r:
            continue
        parts = []
        for k, label in (("create_ms_median", "create"), ("destroy_ms_median", "destroy"),
                         ("concurrent_ms", "20-at-once")):
            if k in r and k in lv and r[k] > 0:
                parts.append("%s %.2fx (libvirt/virtkit %.1fx)" % (label, r[k] / lv[k], lv[k] / r[k]))
        print("ratio %s / libvirtd: %s" % (name, ", ".join(parts)))
PY
