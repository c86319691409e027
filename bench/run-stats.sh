#!/bin/sh
# virConnectGetAllDomainStats -- the call monitoring scrapes every few
# seconds -- through virtkitd and through libvirtd 9.0 (QEMU driver on
# both), in one run, with DEFINED micro-guests defined and RUNNING of them
# running (tests/qemu/micro-idle.elf; VIRT_TYPE kvm, or qemu for TCG).
#
#   bench/run-stats.sh [BUILD_DIR]
#
# One client for both daemons (python3-libvirt, so its own cost is the same
# in both rows).  For each daemon, alternating which goes first per
# repetition: define, start, then CALLS GetAllDomainStats of all domains
# and CALLS of the running ones only; a timing is the median call, the
# daemon's CPU per call (utime + stime from /proc, less sensitive to a
# busy host than wall time) and its VmRSS after.  The daemon is found as
# the peer of its socket (SO_PEERCRED).
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: DEFINED (1000), RUNNING (100),
# CALLS (20), REPEATS (3), VIRT_TYPE (kvm).  Timings are for people to read: nothing here
# is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-stats.sh "${1:-}" src/daemon/virtkitd tests/qemu/micro-idle.elf

exec /usr/bin/python3 - "$build" "$src" <<'PY'
import os, socket, statistics, struct, sys, time

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
import benchlib  # noqa: E402
import vktest  # noqa: E402
import libvirt  # noqa: E402

virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
defined = int(os.environ.get("DEFINED", "1000"))
running = int(os.environ.get("RUNNING", "100"))
calls = int(os.environ.get("CALLS", "20"))
reps = int(os.environ.get("REPEATS", "3"))
vtype = os.environ.get("VIRT_TYPE", "kvm")
micro = os.path.join(build, "tests", "qemu", "micro-idle.elf")
TICK = os.sysconf("SC_CLK_TCK")


def peer_pid(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        cred = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", cred)[0]
    finally:
        s.close()


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def timed(pid, fn):
    walls = []
    c0 = cpu_ms(pid)
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        walls.append((time.perf_counter() - t) * 1e3)
    return statistics.median(walls), (cpu_ms(pid) - c0) / calls


def measure(uri, d):
    path = uri.split("socket=", 1)[1]
    pid = peer_pid(path)
    conn = libvirt.open(uri)
    doms = []
    try:
        os.chmod(d, 0o755)
        doms = [conn.defineXML(vktest.micro_domxml("st-%05d" % i, micro, vtype, log_dir=d))
                for i in range(defined)]
        for dom in doms[:running]:
            dom.create()
        every = conn.getAllDomainStats()
        active = conn.getAllDomainStats(0, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE)
        if len(every) < defined or len(active) < running:
            sys.stderr.write("run-stats: %s returned %d and %d records\n"
                             % (uri, len(every), len(active)))
            return {}
        r = {}
        r["all_ms"], r["all_cpu_ms"] = timed(pid, conn.getAllDomainStats)
        r["active_ms"], r["active_cpu_ms"] = timed(
            pid, lambda: conn.getAllDomainStats(0, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE))
        r["rss_kib"] = benchlib.rss_kib(pid)
        return r
    finally:
        for dom in doms[:running]:
            try:
                dom.destroy()
            except libvirt.libvirtError:
                pass
        conn.close()


def vkd():
    return benchlib.through_virtkitd(virtkitd, "bs-vkd-", "--qemu-root", "qemu", measure)


def lvd():
    return benchlib.through_libvirtd("qemu", "bs-lvd-", measure)


results = {"virtkitd": [], "libvirtd": []}
for rep in range(reps):
    order = [("virtkitd", vkd), ("libvirtd", lvd)]
    if rep % 2:
        order.reverse()
    for name, fn in order:
        sys.stderr.write("run-stats: %s, repetition %d of %d\n" % (name, rep + 1, reps))
        r = fn()
        if r:
            results[name].append(r)


def med(name, key):
    vals = [x[key] for x in results[name] if key in x]
    return statistics.median(vals) if vals else None


print("GetAllDomainStats: %d defined, %d running micro-guests (QEMU, %s); median of %d calls, "
      "median of %d daemon pairs" % (defined, running, vtype, calls, reps))
print("%-34s %10s %10s %8s" % ("", "virtkitd", "libvirtd", "ratio"))
for label, key in (("all domains (ms)", "all_ms"), ("  daemon CPU per call (ms)", "all_cpu_ms"),
                   ("running only (ms)", "active_ms"),
                   ("  daemon CPU per call (ms)", "active_cpu_ms"),
                   ("daemon RSS after (KiB)", "rss_kib")):
    a, b = med("virtkitd", key), med("libvirtd", key)
    ratio = "%7.2fx" % (a / b) if a is not None and b else "%8s" % "-"
    print("%-34s %10s %10s %s" % (label, "-" if a is None else "%.2f" % a,
                                  "-" if b is None else "%.2f" % b, ratio))
print("(ratio = virtkitd / libvirtd)")
PY
