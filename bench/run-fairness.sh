#!/bin/sh
# Fair service: a well-behaved client's GetVersion latency, idle and while
# two other clients flood the daemon, on virtkitd and on libvirtd 9.0.
#
#   bench/run-fairness.sh [BUILD_DIR]
#
# Each repetition starts a fresh private virtkitd (from BUILD_DIR, no debug
# log) and a fresh private libvirtd (test driver only: LIBVIRT_DRIVER_DIR
# is an empty dir, its own unix_sock_dir, auth none), alternating which
# goes first.  Against each: GetVersion round trips for SECONDS on an idle
# daemon, then again while two flooders (separate processes, each on its
# own connection) pipeline GetCapabilities as fast as their sockets take
# them and read the replies.  The same raw-socket client
# (tests/daemon/vkwire.py) measures both daemons, so its own overhead is
# in both columns alike.  Printed: p50/p99/max of all round trips of all
# repetitions per daemon and load, and the reply bytes per second the
# flooders got (a daemon that starves its flooders is not fair either).
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is; root is required (bench/lib.sh).  Environment:
# REPEATS (3), SECONDS_PER_RUN (5).
# Timings are for people to read: nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-fairness "${1:-}" src/daemon/virtkitd

exec /usr/bin/python3 - "$build" "$src" <<'PY'
import os, sys

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tests", "daemon"))
import vkwire  # noqa: E402

virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
reps = int(os.environ.get("REPEATS", "3"))
seconds = float(os.environ.get("SECONDS_PER_RUN", "5"))
PROC_GET_VERSION, PROC_GET_CAPABILITIES = 4, 7


def measure(path):
    c = vkwire.Conn(path)
    vkwire.handshake(c)
    idle = vkwire.round_trips(c, PROC_GET_VERSION, seconds, guard=60)
    with vkwire.Flooders(path, 2, PROC_GET_CAPABILITIES) as flood:
        busy = vkwire.round_trips(c, PROC_GET_VERSION, seconds, guard=60)
        got = flood.stop()
    c.close()
    return idle, busy, sum(got) / seconds


results = {"virtkitd": ([], [], []), "libvirtd": ([], [], [])}
for r in range(reps):
    order = ["virtkitd", "libvirtd"] if r % 2 == 0 else ["libvirtd", "virtkitd"]
    for name in order:
        print("run-fairness: %s, repetition %d of %d" % (name, r + 1, reps), file=sys.stderr)
        if name == "virtkitd":
            d = vkwire.Daemon(virtkitd, config="keepalive_interval = 0\n", verbose=False)
            path = d.rw
        else:
            d = vkwire.Libvirtd()
            path = d.sock
        try:
            idle, busy, rate = measure(path)
        finally:
            d.stop()
        results[name][0].extend(idle)
        results[name][1].extend(busy)
        results[name][2].append(rate)

pct = vkwire.percentile
print("%-10s %-22s %8s %10s %10s %10s %14s" % ("daemon", "GetVersion", "calls", "p50 ms",
                                               "p99 ms", "max ms", "flood MB/s"))
for name, (idle, busy, rates) in results.items():
    for label, lat in (("idle", idle), ("under 2 flooders", busy)):
        lat.sort()
        flood = "%14.1f" % (sum(rates) / len(rates) / 1e6) if lat is busy else ""
        print("%-10s %-22s %8d %10.3f %10.3f %10.3f %s" % (
            name, label, len(lat), pct(lat, 0.5) * 1e3, pct(lat, 0.99) * 1e3, lat[-1] * 1e3,
            flood))
print("(%d fresh daemons each, %.0f s per load; flooders pipeline GetCapabilities; "
      "flood MB/s: reply bytes both flooders read per second)" % (reps, seconds))
PY
