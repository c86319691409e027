#!/bin/sh
# net-start of a NAT network (a bridge with an address, DHCP and DNS by
# dnsmasq, NAT and forwarding rules) through virtkitd and through libvirt
# 9.0's network driver, in one run, inside a network namespace this
# script makes (unshare -n): the host's links and rules are not touched.
#
#   bench/run-network.sh [BUILD_DIR]
#
# Rows: virtkitd serving qemu:///system (nftables, one table per
# network) and a private libvirtd with Debian's QEMU and network drivers
# (scripts/private-libvirtd.sh network; libvirt 9.0 installs its rules
# with iptables).  Each row: python3-libvirt's virNetworkCreate and
# virNetworkDestroy of the same defined network, median of N pairs after
# one uncounted warm-up, both returning once the network is up (dnsmasq
# answering) or gone.  Needs dnsmasq, nft and iptables (install-deps.sh).
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: N (10).  Timings are for people
# to read: nothing here is a test.
set -eu

. "$(dirname "$0")/lib.sh"
bench_prepare run-network.sh "${1:-}" src/daemon/virtkitd
for t in /usr/sbin/dnsmasq /usr/sbin/nft /usr/sbin/iptables; do
    [ -x $t ] || { echo "run-network.sh: $t is not installed" >&2; exit 1; }
done

exec unshare -n /usr/bin/python3 - "$build" "$src" <<'PY'
import os, statistics, subprocess, sys, time

build, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "bench"))
import benchlib  # noqa: E402
import libvirt  # noqa: E402

virtkitd = os.path.join(build, "src", "daemon", "virtkitd")
n = int(os.environ.get("N", "10"))
NET = """<network><name>benchnet</name><forward mode='nat'/>
<bridge name='vkbench0'/>
<ip address='10.123.0.1' netmask='255.255.255.0'>
<dhcp><range start='10.123.0.2' end='10.123.0.254'/></dhcp></ip></network>"""

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
libvirt.registerErrorHandler(lambda *a: None, None)


def measure(uri, d):
    conn = libvirt.open(uri)
    net = conn.networkDefineXML(NET)
    starts, stops = [], []
    try:
        for i in range(n + 1):
            t0 = time.monotonic()
            net.create()
            t1 = time.monotonic()
            net.destroy()
            t2 = time.monotonic()
            if i:
                starts.append(t1 - t0)
                stops.append(t2 - t1)
    finally:
        if net.isActive():
            net.destroy()
        net.undefine()
        conn.close()
    return {"start_ms": statistics.median(starts) * 1000,
            "destroy_ms": statistics.median(stops) * 1000}


rows = [
    ("virtkitd qemu:///system", benchlib.through_virtkitd(
        virtkitd, "bn-vkd-", "--qemu-root", "qemu", measure)),
    ("libvirtd 9.0 (network driver)", benchlib.through_libvirtd(
        "network", "bn-lvd-",
        lambda uri, d: measure(uri.replace("network+unix", "qemu+unix"), d))),
]
print("net-start / net-destroy of a NAT network with DHCP, median of %d" % n)
print("%-32s %12s %12s" % ("", "start ms", "destroy ms"))
for name, r in rows:
    if r:
        print("%-32s %12.1f %12.1f" % (name, r["start_ms"], r["destroy_ms"]))
    else:
        print("%-32s %12s %12s" % (name, "failed", "failed"))
vk, lv = rows[0][1], rows[1][1]
if vk and lv:
    print("libvirt / virtkit: start %.1fx, destroy %.1fx" %
          (lv["start_ms"] / vk["start_ms"], lv["destroy_ms"] / vk["destroy_ms"]))
PY
