#!/bin/sh
# virtkitd against libvirtd, side by side, with one and the same client
# (bench-remote, linked against libvirt's client library).
#
#   bench/run-remote.sh [BUILD_DIR]
#
# Each repetition starts a fresh private virtkitd (from BUILD_DIR) and a
# fresh private libvirtd (test driver only: LIBVIRT_DRIVER_DIR is an empty
# dir, its own unix_sock_dir, auth none), alternating which goes first, and
# runs against each: round trips, the per-domain calls over DOMAINS domains,
# ListAllDomains of all of them, the daemon's VmRSS idle (no client yet) and
# per defined domain, and CLIENTS connections open at once, each served one
# virConnectGetVersion.  A timing is the median call of a run (the mean is
# kept too, as <name>_mean); the table shows the median of REPEATS runs per
# figure (p99 rows: the 99th percentile call of a run) and the ratio
# virtkitd / libvirtd, plus the floor: a bare
# UNIX-socket ping-pong (unpinned, and pinned across and on one CPU).
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1 uses
# BUILD_DIR as it is.  Environment: REPEATS (3), DOMAINS (10000),
# CALLS (20000 GetVersion round trips), LISTALL (20 ListAllDomains),
# CLIENTS (1000).  Timings are for people to read: nothing here is a test.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}

if [ -z "$build" ]; then
    build=$src/build-bench
    [ -f "$build/build.ninja" ] ||
        meson setup "$build" "$src" -Dbuildtype=release -Dtests=false >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
    ninja -C "$build" src/daemon/virtkitd bench/bench-remote bench/bench-remote-virtkit >&2
fi
[ -x "$build/bench/bench-remote" ] || {
    echo "run-remote.sh: $build/bench/bench-remote was not built (is libvirt-dev installed?)" >&2
    exit 1
}
[ -x /usr/sbin/libvirtd ] || { echo "run-remote.sh: /usr/sbin/libvirtd is not installed" >&2; exit 1; }

exec python3 - "$build" "$src" <<'PY'
import os, resource, shutil, socket, statistics, subprocess, sys, tempfile, time

build = sys.argv[1]
sys.path.insert(0, os.path.join(sys.argv[2], "bench"))
import benchlib  # noqa: E402
bench = os.path.join(build, "bench", "bench-remote")
bench_vk = os.path.join(build, "bench", "bench-remote-virtkit")
virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
reps = int(os.environ.get("REPEATS", "3"))
domains = int(os.environ.get("DOMAINS", "10000"))
calls = int(os.environ.get("CALLS", "20000"))
listall = int(os.environ.get("LISTALL", "20"))
clients = int(os.environ.get("CLIENTS", "1000"))

# Both daemons inherit this: CLIENTS sockets plus their own files.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = clients * 2 + 256
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))


class VirtkitD:
    name = "virtkitd"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vkd-bench-")
        rfd, wfd = os.pipe()
        # No -v: debug logging per call would be part of the timing.
        self.proc = subprocess.Popen([virtkitd, "--socket-dir", self.dir,
                                      "--ready-fd", str(wfd)], pass_fds=(wfd,),
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "log"), "w"))
        os.close(wfd)
        with os.fdopen(rfd, "rb") as r:
            if r.read(1) != b"\n":
                raise RuntimeError("virtkitd did not start")
        self.uri = "test+unix:///default?socket=%s/virtkit-sock" % self.dir

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


class LibvirtD:
    name = "libvirtd"

    def __init__(self):
        self.dir = d = tempfile.mkdtemp(prefix="lvd-bench-")
        os.mkdir(os.path.join(d, "drivers"))
        cfg = os.path.join(d, "libvirtd.conf")
        with open(cfg, "w") as f:
            f.write('unix_sock_dir = "%s"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n'
                    'max_clients = %d\nmax_anonymous_clients = %d\n'
                    % (d, clients + 100, clients + 100))
        notify = os.path.join(d, "notify")
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(notify)
        ns.settimeout(60)
        env = dict(os.environ, LIBVIRT_DRIVER_DIR=os.path.join(d, "drivers"),
                   NOTIFY_SOCKET=notify, XDG_CONFIG_HOME=d, XDG_RUNTIME_DIR=d,
                   XDG_CACHE_HOME=d)
        self.proc = subprocess.Popen(["/usr/sbin/libvirtd", "--config", cfg, "--pid-file",
                                      os.path.join(d, "pid")], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while b"READY=1" not in ns.recv(4096):
                pass
        finally:
            ns.close()
        self.uri = "test+unix:///default?socket=%s/libvirt-sock" % d

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def run(args, binary=bench):
    out = subprocess.run([binary] + args, stdout=subprocess.PIPE, text=True)
    figs = {}
    for line in out.stdout.splitlines():
        k, v = line.split()
        figs[k] = float(v)
    if out.returncode != 0:
        print("run-remote: %s %s exited %d" % (binary, " ".join(args), out.returncode),
              file=sys.stderr)
    return figs


def one(cls):
    d = cls()
    try:
        # Let the daemon finish whatever it does after announcing readiness.
        time.sleep(0.5)
        figs = {"rss_idle_kib": benchlib.rss_kib(d.proc.pid)}
        # Clients first, on a daemon that has not yet held (and freed)
        # thousands of domains, so per-client memory is not hidden in
        # memory the allocator already has.
        figs.update(run(["-u", d.uri, "-p", str(d.proc.pid), "-c", str(clients)]))
        figs.update(run(["-u", d.uri, "-p", str(d.proc.pid), "-n", str(domains),
                         "-k", str(calls), "-r", str(listall)]))
        # virtkit's own client library against its daemon: the whole stack.
        if cls is VirtkitD and os.access(bench_vk, os.X_OK):
            stack = run(["-u", d.uri, "-n", str(domains), "-k", str(calls),
                         "-r", str(listall)], binary=bench_vk)
            figs.update({"stack_" + k: v for k, v in stack.items()})
        figs["alive_after"] = 1 if d.proc.poll() is None else 0
        return figs
    finally:
        d.stop()


results = {"virtkitd": [], "libvirtd": []}
for r in range(reps):
    order = [VirtkitD, LibvirtD] if r % 2 == 0 else [LibvirtD, VirtkitD]
    for cls in order:
        print("run-remote: %s, repetition %d of %d" % (cls.name, r + 1, reps), file=sys.stderr)
        results[cls.name].append(one(cls))

floor = run(["-P", str(calls)])


def med(impl, key):
    vals = [x[key] for x in results[impl] if key in x]
    return statistics.median(vals) if vals else None


rows = [
    ("GetVersion round trip", "version_us", "us", "<= 0.6x"),
    ("  p99", "version_p99_us", "us", "<= 3x p50"),
    ("  daemon CPU per call", "version_cpu_us", "us", ""),
    ("GetVersion, later loop", "version_late_us", "us", ""),
    ("  p99", "version_late_p99_us", "us", "<= 3x p50"),
    ("LookupByName", "lookup_us", "us", "<= 0.6x"),
    ("  p99", "lookup_p99_us", "us", "<= 3x p50"),
    ("GetInfo", "info_us", "us", "<= 0.6x"),
    ("  p99", "info_p99_us", "us", "<= 3x p50"),
    ("GetXMLDesc", "xmldesc_us", "us", "<= 0.6x"),
    ("DefineXML", "define_us", "us", ""),
    ("Undefine", "undefine_us", "us", ""),
    ("ListAllDomains (%d)" % domains, "listall_ms", "ms", "<= 0.3x"),
    ("  daemon CPU per call", "listall_cpu_ms", "ms", ""),
    ("RSS idle", "rss_idle_kib", "KiB", "<= 8192 KiB"),
    ("RSS before defining", "rss_connected_kib", "KiB", ""),
    ("RSS per domain", "rss_per_domain_bytes", "B", "<= 3072 B"),
    ("%d clients opened" % clients, "clients_opened", "", "all"),
    ("%d clients served" % clients, "clients_served", "", "all"),
    ("%d clients: open all" % clients, "clients_open_ms", "ms", ""),
    ("%d clients: RSS" % clients, "rss_clients_kib", "KiB", ""),
    ("RSS per client", "rss_per_client_bytes", "B", ""),
]
def fmt(x):
    return "-" if x is None else ("%.2f" % x if x < 100 else "%.0f" % x)


print("%-28s %12s %12s %8s  %-12s %14s" % ("op", "virtkitd", "libvirtd", "ratio", "target",
                                            "virtkit stack"))
for label, key, unit, target in rows:
    a, b = med("virtkitd", key), med("libvirtd", key)
    s = med("virtkitd", "stack_" + key)
    ratio = "%7.2fx" % (a / b) if a is not None and b else "%8s" % "-"
    stack = "%s (%.2fx)" % (fmt(s), s / b) if s is not None and b else ""
    print("%-28s %12s %12s %s  %-12s %14s" % ("%s (%s)" % (label, unit) if unit else label,
                                              fmt(a), fmt(b), ratio, target, stack))
for k in ("pingpong_us", "pingpong_p50_us", "pingpong_p99_us", "pingpong_cross_cpu_us",
          "pingpong_same_cpu_us"):
    if k in floor:
        print("%-28s %12.2f" % ("floor: " + k.replace("_us", "") + " (us)", floor[k]))
print("(virtkitd and libvirtd columns: the same client, libvirt's library; virtkit stack:"
      " virtkit's client library against virtkitd, ratio to the libvirtd column)")
print("(per-call median, median of %d fresh daemon pairs; ratio = virtkitd / libvirtd; "
      "%d domains, %d round trips, %d ListAllDomains, %d clients)"
      % (reps, domains, calls, listall, clients))
bad = [n for n in results if any(x.get("alive_after") != 1 for x in results[n])]
if bad:
    print("run-remote: daemon(s) died during the run: %s" % ", ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
