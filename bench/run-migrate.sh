#!/bin/sh
# Live migration of a 256 MiB Linux guest (Debian's cloud kernel, the
# counting busybox initramfs of tests/qemu/test-qemu-migrate-netns.py,
# TCG) between two "hosts" -- two network namespaces joined by a veth
# pair -- through two virtkitd, then through two private libvirtd 9.0
# (scripts/private-libvirtd.sh, each also in a UTS namespace of its own
# with its own host_uuid: libvirt refuses a migration to "the same
# host"; its name resolves from a private /etc/hosts, since a lookup
# through DNS would time out in the namespace).  Debian's virsh drives both (managed direct, --live, the
# stream over the veth to the destination's address).
#
#   bench/run-migrate.sh [BUILD_DIR]
#
# Per migration: total = the wall time of `virsh migrate`; downtime = the
# gap between the last counter line the source's serial log got and the
# first one the destination's got, seen by a thread that watches both
# files every 5 ms, less the guest's 100 ms counting period (so it is the
# extra silence, with +-10 ms of slack).  N migrations back and forth
# (default 4); medians are printed, with virtkit/libvirt ratios.  Numbers
# are for people to read: nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-migrate.sh "${1:-}" src/daemon/virtkitd

exec python3 - "$build" "$src" <<'PY'
import importlib.util, os, shutil, socket, statistics, subprocess, sys, tempfile, threading
import time, uuid

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tests", "daemon"))
sys.path.insert(0, os.path.join(src, "tests", "qemu"))  # vkmigrate, used by the netns test
import vktest  # noqa: E402

# the test's hosts, guest and initramfs, not written twice
sys.argv = ["run-migrate", os.path.join(build, "src", "daemon", "virtkitd")]
spec = importlib.util.spec_from_file_location(
    "netns", os.path.join(src, "tests", "qemu", "test-qemu-migrate-netns.py"))
netns = importlib.util.module_from_spec(spec)
spec.loader.exec_module(netns)
n = int(os.environ.get("N", "4"))
PERIOD = 0.1


class LibvirtHost(netns.Host):
    """The same namespace, with a private libvirtd in it instead."""

    def start(self, base):
        d = os.path.join(base, self.ns + "-lvd")
        os.mkdir(d)
        notify = os.path.join(d, "notify")
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(notify)
        ns.settimeout(60)
        script = os.path.join(src, "scripts", "private-libvirtd.sh")
        conf = 'host_uuid = "%s"' % uuid.uuid4()
        # the host name must resolve without DNS (libvirt looks it up in
        # every step; a namespace has no route to a name server)
        # under a reaping parent (tests/daemon/reaping-parent.py): libvirtd's
        # daemonized QEMUs must not become zombies of this subreaper, or
        # libvirtd waits 40 s for each one it kills
        self.proc = subprocess.Popen(
            [sys.executable, vktest.REAPING_PARENT, "ip", "netns", "exec", self.ns,
             "unshare", "--uts", "--mount", "--propagation", "private", "sh", "-c",
             'hostname "$0" && cp /etc/hosts "$2/hosts" && '
             'echo "127.0.1.1 $0" >> "$2/hosts" && mount --bind "$2/hosts" /etc/hosts && '
             'exec sh "$1" "$2" qemu', self.ns, script, d],
            env=dict(os.environ, NOTIFY_SOCKET=notify, LIBVIRTD_EXTRA_CONF=conf))
        try:
            while b"READY=1" not in ns.recv(4096):
                pass
        finally:
            ns.close()
        self.daemon = None
        self.local = "qemu+unix:///system?socket=" + os.path.join(d, "sock", "libvirt-sock")

    def stop(self):
        if getattr(self, "proc", None) and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


class Watch:
    """When each counter line appeared in either log (monotonic)."""

    def __init__(self, paths):
        self.paths = paths
        self.seen = {p: [] for p in paths}
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        sizes = {p: 0 for p in self.paths}
        while not self.stop:
            for p in self.paths:
                text = netns.read(p)
                k = len(netns.counts(text))
                if k > sizes[p]:
                    now = time.monotonic()
                    self.seen[p].extend([now] * (k - sizes[p]))
                    sizes[p] = k
            time.sleep(0.005)


def measure(kind, base, kernel, initrd):
    cls = netns.Host if kind == "virtkit" else LibvirtHost
    a = cls("a", base, netns.NET + "1")
    b = cls("b", base, netns.NET + "2")
    veth = "vkb%d" % (os.getpid() % 100000)
    totals, downs, own = [], [], []
    try:
        netns.ip("link", "add", veth + "a", "netns", a.ns, "type", "veth", "peer", "name",
                 veth + "b", "netns", b.ns)
        for h, dev in ((a, veth + "a"), (b, veth + "b")):
            netns.ip("-n", h.ns, "link", "set", "lo", "up")
            netns.ip("-n", h.ns, "addr", "add", h.addr + "/24", "dev", dev)
            netns.ip("-n", h.ns, "link", "set", dev, "up")
        a.start(base)
        b.start(base)
        name = "vkbench"
        path = os.path.join(base, "guest.xml")
        with open(path, "w") as f:
            f.write(netns.guest_xml(name, kernel, initrd, a.logs))
        a.virsh(a.local, "create", path)
        hosts = [a, b]
        log = lambda h: os.path.join(h.logs, "serial-%s.log" % name)
        netns.wait_until(lambda: len(netns.counts(netns.read(log(a)))) >= 10, "the counter")
        for i in range(n):
            src_h, dst_h = hosts[i % 2], hosts[(i + 1) % 2]
            if os.path.exists(log(dst_h)):
                os.rename(log(dst_h), log(dst_h) + ".%d" % i)
            dxml = os.path.join(base, "next.xml")
            with open(dxml, "w") as f:
                f.write(netns.dest_xml(src_h, name, src_h.logs, dst_h.logs))
            w = Watch([log(src_h), log(dst_h)])
            time.sleep(0.5)
            began = time.monotonic()
            src_h.virsh(src_h.local, "migrate", "--live", "--xml", dxml, name,
                        dst_h.local, "tcp:" + dst_h.addr)
            totals.append(time.monotonic() - began)
            netns.wait_until(lambda: len(w.seen[log(dst_h)]) >= 3,
                             "%s: counting on arrival (migration %d)" % (kind, i + 1))
            w.stop = True
            w.t.join()
            gap = w.seen[log(dst_h)][0] - w.seen[log(src_h)][-1]
            downs.append(max(gap - PERIOD, 0.0))
            if kind == "libvirt":
                # libvirt's own account of the same migration, for reference
                info = dst_h.virsh(dst_h.local, "domjobinfo", "--completed", name).stdout
                own.append(" ".join(l.strip() for l in info.splitlines()
                                    if l.startswith(("Time elapsed:", "Total downtime:"))))
        hosts[n % 2].virsh(hosts[n % 2].local, "destroy", name)
    finally:
        a.stop()
        b.stop()
        vktest.reap_all()
    for line in own:
        print("  libvirt's domjobinfo --completed: " + " ".join(line.split()))
    return statistics.median(totals), statistics.median(downs)


def main():
    kernel = netns.find_kernel()
    if not kernel:
        sys.exit("run-migrate.sh: no cloud kernel in /boot")
    vktest.become_subreaper()
    rows = {}
    for kind in ("virtkit", "libvirt"):
        base = tempfile.mkdtemp(prefix="bench-migrate-")
        try:
            initrd = os.path.join(base, "initrd.cpio")
            netns.write_initrd(initrd)
            rows[kind] = measure(kind, base, kernel, initrd)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    print("%-10s %12s %14s" % ("", "total (s)", "downtime (ms)"))
    for kind, (t, d) in rows.items():
        print("%-10s %12.2f %14.0f" % (kind, t, d * 1000))
    (tv, dv), (tl, dl) = rows["virtkit"], rows["libvirt"]
    print("%-10s %12.2f %14s" % ("ratio", tv / tl, "%.2f" % (dv / dl) if dl else "-"))
    print("(256 MiB TCG guest, %d migrations each, medians; virtkit/libvirt)" % n)


main()
PY
