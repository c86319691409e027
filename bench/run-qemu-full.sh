#!/bin/sh
# Starting and destroying virt-install's FULL default guest through
# virtkitd and through libvirt 9.0's libvirtd, in one run, with bare QEMU's
# floor for the same argv beside them (bench/run-qemu.sh does the same for
# the micro-guest).
#
#   bench/run-qemu-full.sh [BUILD_DIR]
#
# The guest is what `virt-install --osinfo linux2022 --import --print-xml`
# writes when it asks virtkitd (the same document libvirtd gets, so both
# start the same devices): q35 with 14 pcie-root-ports, a virtio disk on a
# qcow2 made here, virtio net on user networking, SPICE with its vdagent
# channel and two USB redirections, ich9 sound, tablet, the qemu-ga
# channel, rng and balloon; 256 MiB, 1 vCPU, no OS (the firmware runs).
# Both daemons run side by side and are driven by libvirt's own client
# (python3-libvirt), N rounds each, alternating, after one warm-up round:
# defineXML, create (returns once the guest runs), destroy (returns once
# QEMU is gone), undefine.  The floor is that
# guest's QEMU argv (taken from /proc of virtkit's QEMU) launched by hand:
# to the QMP greeting, to qmp_capabilities answered, to cont answered, and
# SIGTERM to exit.
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (5), VIRT_TYPE (qemu: TCG,
# which is what virt-install picks without /dev/kvm).  Timings are for
# people to read: nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-qemu-full.sh "${1:-}" src/daemon/virtkitd
command -v virt-install >/dev/null || { echo "run-qemu-full.sh: needs virt-install" >&2; exit 1; }

# python3-libvirt is Debian's: its python
exec /usr/bin/python3 - "$build" "$src" <<'PY'
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
import benchlib  # noqa: E402
import libvirt  # noqa: E402

virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
n = int(os.environ.get("N", "5"))
vtype = os.environ.get("VIRT_TYPE", "qemu")
NAME = "bq-full"
work = tempfile.mkdtemp(prefix="bq-full-")
os.chmod(work, 0o755)
disk = os.path.join(work, "disk.qcow2")
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "1G"], check=True)
libvirt.registerErrorHandler(lambda ctx, err: None, None)
state = {"xml": None, "argv": None}


def virt_install_xml(uri):
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home)
    r = subprocess.run(["virt-install", "--connect", uri, "--name", NAME, "--memory", "256",
                        "--vcpus", "1", "--import", "--disk", "path=%s,format=qcow2" % disk,
                        "--osinfo", "linux2022", "--network", "user", "--virt-type", vtype,
                        "--noautoconsole", "--print-xml"],
                       capture_output=True, text=True, env=env, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("virt-install --print-xml: " + r.stderr)
    return r.stdout


def ms(t0):
    return (time.monotonic() - t0) * 1e3


def one_round(conn, root):
    """define, create, destroy, undefine: their times in ms."""
    t = {}
    t0 = time.monotonic()
    dom = conn.defineXML(state["xml"])
    t["define"] = ms(t0)
    t0 = time.monotonic()
    dom.create()
    t["create"] = ms(t0)
    if root and state["argv"] is None:
        with open("/proc/%d/cmdline" % benchlib.vktest.status_pid(root, NAME), "rb") as f:
            state["argv"] = f.read().decode().split("\0")[:-1]
    t0 = time.monotonic()
    dom.destroy()
    t["destroy"] = ms(t0)
    t0 = time.monotonic()
    dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
    t["undefine"] = ms(t0)
    return t


def measure_both(vk_uri, vk_root, lv_uri):
    """N rounds on each daemon, alternating, after a warm-up round on
    each (libvirt probes QEMU on its first start): the load of this
    shared machine then weighs on both alike.  The medians in ms."""
    conns = []
    try:
        conns = [(libvirt.open(vk_uri), vk_root), (libvirt.open(lv_uri), None)]
        state["xml"] = virt_install_xml(vk_uri)
        res = [{k: [] for k in KEYS} for _ in conns]
        for i in range(n + 1):
            for (conn, root), r in zip(conns, res):
                t = one_round(conn, root)
                if i:
                    for k in KEYS:
                        r[k].append(t[k])
        return [{k: statistics.median(v) for k, v in r.items()} for r in res]
    except libvirt.libvirtError as e:
        sys.stderr.write("%s\n" % e)
        return [{}, {}]
    finally:
        for conn, _ in conns:
            conn.close()


KEYS = ("define", "create", "destroy", "undefine")


def both():
    """virtkitd and libvirtd, both running for the whole measurement."""
    return benchlib.through_libvirtd(
        "qemu", "bq-full-lvd-",
        lambda lv_uri, _: benchlib.through_virtkitd(
            virtkitd, "bq-full-vkd-", "--qemu-root", "qemu",
            lambda vk_uri, d: measure_both(vk_uri, os.path.join(d, "qemu"), lv_uri))) or [{}, {}]


def floor_argv(argv, d, i):
    """virtkit's argv with its daemon's paths and fds replaced: the
    monitor connects to our socket; the agent channel is a file of d."""
    out, qmp = [], os.path.join(d, "qmp-%d.sock" % i)
    for a in argv:
        if a.startswith("socket,id=charmonitor,"):
            a = "socket,id=charmonitor,path=" + qmp
        elif a.startswith("socket,id=charchannel"):
            a = re.sub(r"path=[^,]*", "path=" + os.path.join(d, "ga-%d" % i), a)
        out.append(a)
    return out, qmp


def qmp_floor(argv):
    greet, caps, cont, term = [], [], [], []
    d = tempfile.mkdtemp(prefix="bq-full-floor-")
    try:
        for i in range(n):
            args, path = floor_argv(argv, d, i)
            srv = socket.socket(socket.AF_UNIX)
            srv.bind(path)
            srv.listen(1)
            t0 = time.monotonic()
            p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            c, _ = srv.accept()
            f = c.makefile("rwb", buffering=0)
            f.readline()
            greet.append(ms(t0))
            c.sendall(b'{"execute":"qmp_capabilities"}\n')
            f.readline()
            caps.append(ms(t0))
            c.sendall(b'{"execute":"cont"}\n')
            while b'"return"' not in f.readline():
                pass
            cont.append(ms(t0))
            t1 = time.monotonic()
            p.terminate()
            p.wait()
            term.append(ms(t1))
            c.close()
            srv.close()
            os.unlink(path)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return [statistics.median(x) for x in (greet, caps, cont, term)]


try:
    vk_row, lv_row = both()
    rows = [("virtkitd (libvirt client)", vk_row), ("libvirtd 9.0 QEMU driver", lv_row)]
    floor = qmp_floor(state["argv"]) if state["argv"] else None
finally:
    shutil.rmtree(work, ignore_errors=True)

print("guest: virt-install --osinfo linux2022 default (q35, 14 root ports, virtio disk on "
      "qcow2, virtio net (user), spice+vdagent+2 usbredir, ich9 sound, tablet, qemu-ga, rng), "
      "256 MiB, 1 vCPU, type %s; median of N=%d" % (vtype, n))
print("%-30s %10s %10s %10s %11s" % ("", "define ms", "create ms", "destroy ms", "undefine ms"))
for name, r in rows:
    print("%-30s %10s %10s %10s %11s" % ((name,) + tuple(
        "%.1f" % r[k] if k in r else "-" for k in KEYS)))
if floor:
    print("QEMU floor (same argv): to QMP greeting %.1f ms, to qmp_capabilities %.1f ms, "
          "to cont %.1f ms; SIGTERM to exit %.1f ms" % tuple(floor))
vk, lv = rows[0][1], rows[1][1]
if vk and lv:
    print("ratio virtkitd / libvirtd: " + ", ".join(
        "%s %.2fx (libvirt/virtkit %.1fx)" % (k, vk[k] / lv[k], lv[k] / vk[k])
        for k in KEYS if vk[k] > 0 and lv[k] > 0))
PY
