#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Volume clone speed, side by side: virtkitd's storage driver against a
# private libvirtd 9.0 (qemu + storage drivers), each cloning a 1 GiB raw
# volume and a 1 GiB qcow2 volume (both full of data) in a dir pool on
# the same filesystem, through the public API over the daemon's socket.
#
#   bench/run-storage.sh [BUILD_DIR]      (N=3 clones of each by default)
#
# Needs root and Debian's libvirtd.  Prints the median and the ratio
# libvirtd / virtkitd (above 1: virtkit is faster).  The filesystem the
# pools live on (BENCH_DIR, default /var/tmp) decides whether a reflink
# is possible; the script says which it was.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-storage.sh "${1:-}" src/daemon/virtkitd
export PRIVATE_LIBVIRTD_EXTRA_DRIVERS=storage

exec /usr/bin/python3 - "$build" "$src" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
sys.path.insert(0, os.path.join(src, "tests", "daemon"))
import benchlib  # noqa: E402
import libvirt  # noqa: E402

virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
n = int(os.environ.get("N", "3"))
base = os.environ.get("BENCH_DIR", "/var/tmp")
GiB = 1 << 30
libvirt.registerErrorHandler(lambda ctx, err: None, None)


def fill(path):
    """1 GiB of data that neither a sparse copy nor a zero check skips."""
    block = os.urandom(64 << 20)
    with open(path, "r+b") as f:
        for i in range(GiB // len(block)):
            f.write(block)
        os.fsync(f.fileno())


def measure(uri, d):
    conn = libvirt.open(uri)
    target = tempfile.mkdtemp(prefix="bench-pool-", dir=base)
    out = {}
    try:
        pool = conn.storagePoolCreateXML(
            "<pool type='dir'><name>bench</name><target><path>%s</path></target></pool>"
            % target, 0)
        raw = pool.createXML("<volume><name>src.img</name><capacity>%d</capacity>"
                             "<target><format type='raw'/></target></volume>" % GiB, 0)
        fill(raw.path())
        qpath = os.path.join(target, "src.qcow2")
        subprocess.run(["qemu-img", "convert", "-O", "qcow2", raw.path(), qpath], check=True)
        pool.refresh(0)
        for name, fmt in (("src.img", "raw"), ("src.qcow2", "qcow2")):
            vol = pool.storageVolLookupByName(name)
            times = []
            for i in range(n):
                xml = ("<volume><name>clone</name><capacity>%d</capacity><target>"
                       "<format type='%s'/></target></volume>" % (GiB, fmt))
                t0 = time.monotonic()
                c = pool.createXMLFrom(xml, vol, 0)
                times.append((time.monotonic() - t0) * 1000)
                c.delete(0)
            out[fmt] = statistics.median(times)
        for v in pool.listAllVolumes(0):
            v.delete(0)
        pool.destroy()
    finally:
        conn.close()
        shutil.rmtree(target, ignore_errors=True)
    return out


vk = benchlib.through_virtkitd(virtkitd, "bs-vkd-", "--qemu-root", "qemu", measure)
lv = benchlib.through_libvirtd("qemu", "bs-lvd-", measure)
fs = subprocess.run(["stat", "-f", "-c", "%T", base], capture_output=True, text=True).stdout
print("clone of a 1 GiB volume full of data, dir pool on %s (%s), N=%d, median ms"
      % (base, fs.strip(), n))
print("%-12s %14s %14s %10s" % ("format", "virtkitd", "libvirtd 9.0", "ratio"))
for fmt in ("raw", "qcow2"):
    a, b = vk.get(fmt), lv.get(fmt)
    print("%-12s %14s %14s %10s" % (fmt, "%.0f" % a if a else "-", "%.0f" % b if b else "-",
                                   "%.2fx" % (b / a) if a and b else "-"))
PY
