#!/bin/sh
# Starting and destroying a real minimal guest (the micro-guest built to
# wait in hlt, micro-idle.elf, on qboot, 128 MiB, 1 vCPU, no disk) through
# virtkit and through libvirt 9.0, in one run, with QEMU's own floor beside
# them.
#
#   bench/run-qemu.sh [BUILD_DIR]
#
# Rows: virtkit in-process (qemu:///embed?root=TMP), virtkitd's
# qemu:///system (virtkit's own client), virtkitd with libvirt's client,
# and a private libvirtd with Debian's QEMU driver (libvirt's client).
# Each row is bench-qemu: the median of N sequential virDomainCreateXML
# (returns once running) and virDomainDestroy (returns once QEMU is gone),
# then CONCURRENT creates at once from one thread each, on one connection
# (both daemons run with max_client_requests = CONCURRENT, or their
# default of 5 calls per client would queue the rest); the daemon's RSS is
# read with all CONCURRENT guests running.  The scale figure of issue 19
# (100 guests started at once) is CONCURRENT=100 N=1.  The floor is bare
# QEMU with the same guest: launch to the QMP greeting and to
# qmp_capabilities answered, SIGTERM to exit.
#
# The private libvirtd is scripts/private-libvirtd.sh's (own mount
# namespace; nothing of the host is touched); bench/benchlib.py has what
# this script shares with run-lxc.sh.
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (20), CONCURRENT (20),
# VIRT_TYPE (kvm, or qemu for TCG).  Timings are for people to read:
# nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-qemu.sh "${1:-}" src/daemon/virtkitd bench/bench-qemu-virtkit \
    bench/bench-qemu-libvirt tests/qemu/micro-idle.elf

exec python3 - "$build" "$src" <<'PY'
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
import benchlib  # noqa: E402

bench_vk = os.path.join(build, "bench", "bench-qemu-virtkit")
bench_lv = os.path.join(build, "bench", "bench-qemu-libvirt")
virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
micro = os.path.join(build, "tests", "qemu", "micro-idle.elf")
n = int(os.environ.get("N", "20"))
conc = int(os.environ.get("CONCURRENT", "20"))
vtype = os.environ.get("VIRT_TYPE", "kvm")
QEMU = "/usr/bin/qemu-system-x86_64"


def run_bench(binary, uri, tmp):
    os.chmod(tmp, 0o755)
    return benchlib.run_bench([binary, uri, micro, tmp, str(n), str(conc), vtype],
                              "bench-qemu " + uri)


def embed():
    tmp = tempfile.mkdtemp(prefix="bq-embed-")
    try:
        return run_bench(bench_vk, "qemu:///embed?root=" + tmp, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# The concurrent creates share one connection, and both daemons allow a
# client max_client_requests (default 5) calls at a time: raised to the
# concurrency for both, so the rows compare drivers, not that limit.
DAEMON_CONF = "max_client_requests = %d" % max(5, conc)


def daemon(client):
    return benchlib.through_virtkitd(virtkitd, "bq-vkd-", "--qemu-root", "qemu",
                                     lambda uri, d: run_bench(client, uri, d), conf=DAEMON_CONF)


def libvirtd():
    return benchlib.through_libvirtd("qemu", "bq-lvd-", lambda uri, d: run_bench(bench_lv, uri, d),
                                     conf=DAEMON_CONF)


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
print("%-28s %12s %12s %14s %8s %16s" % ("", "create ms", "destroy ms", "%d-at-once ms" % conc,
                                        "failed", "daemon RSS KiB"))
for name, r in rows:
    def g(k, fmt="%.1f"):
        return fmt % r[k] if k in r else "-"
    print("%-28s %12s %12s %14s %8s %16s" % (name, g("create_ms_median"), g("destroy_ms_median"),
                                             g("concurrent_ms"), g("concurrent_failures", "%d"),
                                             g("concurrent_daemon_rss_kib", "%d")))
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
                         ("concurrent_ms", "%d-at-once" % conc),
                         ("concurrent_daemon_rss_kib", "daemon RSS")):
            if k in r and k in lv and r[k] > 0:
                parts.append("%s %.2fx (libvirt/virtkit %.1fx)" % (label, r[k] / lv[k], lv[k] / r[k]))
        print("ratio %s / libvirtd: %s" % (name, ", ".join(parts)))
PY
