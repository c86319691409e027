#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two guests on one isolated network reach each other and nothing else,
inside a network namespace of the test's own.  Two Linux guests under
TCG (linuxguest.py) get their fixed addresses from the network's dnsmasq
(<host> entries), ping each other, then try an address beyond the host:
a veth whose far end lives in a second namespace the test makes, with
the host forwarding on and the guest routing through the bridge, so the
network's own rules are all that stop the packets.  The host itself does
reach that address, so a failure there is the isolation, not a broken
test.  Then destroy and net-destroy leave no link, rule or dnsmasq."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import netns  # noqa: E402
from linuxguest import build_initrd, check, domxml, find_kernel  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH  # noqa: E402

netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN = sys.argv[1]
GUARD = 240         # two TCG boots at once: a guard against hangs, not a timing
OUTSIDE = "10.99.0.2"
GUESTS = [("vkiso1", "52:54:00:4e:01:01", "192.168.150.11"),
          ("vkiso2", "52:54:00:4e:01:02", "192.168.150.12")]

NET_XML = """<network>
  <name>vkisol</name>
  <bridge name='vkisolbr0'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.100' end='192.168.150.120'/>
      <host mac='%s' ip='%s'/>
      <host mac='%s' ip='%s'/>
    </dhcp>
  </ip>
</network>
""" % (GUESTS[0][1], GUESTS[0][2], GUESTS[1][1], GUESTS[1][2])

# the peer's address comes on the kernel command line (vkpeer=)
INIT = """peer=$(/bin/busybox sed -n 's/.*vkpeer=\\([0-9.]*\\).*/\\1/p' /proc/cmdline)
/bin/busybox ip link set eth0 up
/bin/busybox udhcpc -i eth0 -n -q -f -t 30 -T 1 -s /dhcp.sh
/bin/busybox ip route add default via 192.168.150.1
n=0
while [ $n -lt 120 ]; do
  if /bin/busybox ping -c 1 -W 1 $peer >/dev/null; then echo VK-PEER-OK > /dev/ttyS0; break; fi
  n=$((n+1))
done
if /bin/busybox ping -c 3 -W 2 %s >/dev/null; then
  echo VK-OUTSIDE-REACHED > /dev/ttyS0
else
  echo VK-OUTSIDE-BLOCKED > /dev/ttyS0
fi
echo VK-NET-DONE > /dev/ttyS0
exec /bin/busybox sleep 1000000
""" % OUTSIDE


def make_outside():
    """A second namespace holding 10.99.0.2, joined to ours by a veth
    (10.99.0.1 here); returns the process that keeps it alive."""
    holder = subprocess.Popen(["/usr/bin/unshare", "-n", "/bin/sleep", "1000000"])
    pid = str(holder.pid)
    # wait for the unshare to have happened: its netns differs from ours
    ours = os.readlink("/proc/self/ns/net")
    while True:
        try:
            if os.readlink("/proc/%s/ns/net" % pid) != ours and \
                    os.readlink("/proc/%s/exe" % pid).endswith("sleep"):
                break
        except OSError:
            pass
        os.sched_yield()

    def inside(*cmd):
        subprocess.run(["nsenter", "-t", pid, "-n"] + list(cmd), check=True)

    subprocess.run(["ip", "link", "add", "vkout0", "type", "veth", "peer", "name", "vkout1"],
                   check=True)
    subprocess.run(["ip", "link", "set", "vkout1", "netns", pid], check=True)
    subprocess.run(["ip", "addr", "add", "10.99.0.1/24", "dev", "vkout0"], check=True)
    subprocess.run(["ip", "link", "set", "vkout0", "up"], check=True)
    inside("ip", "link", "set", "lo", "up")
    inside("ip", "addr", "add", OUTSIDE + "/24", "dev", "vkout1")
    inside("ip", "link", "set", "vkout1", "up")
    inside("ip", "route", "add", "default", "via", "10.99.0.1")
    with open("/proc/sys/net/ipv4/ip_forward", "w") as f:
        f.write("1\n")
    return holder


def main():
    kernel, mods = find_kernel()
    if not kernel:
        print("SKIP: no cloud kernel with virtio-net modules, busybox-static or QEMU")
        return 77
    root = tempfile.mkdtemp(prefix="vk-net-iso-")
    daemon = None
    holder = None
    consoles = []
    try:
        holder = make_outside()
        r = subprocess.run(["/bin/busybox", "ping", "-c", "1", "-W", "5", OUTSIDE],
                           capture_output=True)
        check(r.returncode == 0, "the host cannot reach the outside namespace")
        initrd = os.path.join(root, "initrd.cpio")
        build_initrd(initrd, mods, INIT)
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net"),
                                           "--qemu-root", os.path.join(root, "qemu")])
        uri = vktest.uri_of(daemon.rw)

        def virsh(*args, ok=True):
            return vktest.client(VIRSH, uri, *args, ok=ok)

        with open(os.path.join(root, "net.xml"), "w") as f:
            f.write(NET_XML)
        virsh("net-create", os.path.join(root, "net.xml"))
        for i, (name, mac, _) in enumerate(GUESTS):
            path = os.path.join(root, name + ".xml")
            with open(path, "w") as f:
                f.write(domxml(name, kernel, initrd, mac,
                               "<interface type='network'><mac address='{mac}'/>"
                               "<source network='vkisol'/><model type='virtio'/></interface>",
                               "vkpeer=" + GUESTS[1 - i][2]))
            virsh("create", path, "--paused")
            consoles.append(vktest.open_console([VIRSH, "-c", uri, "console", name]))
        check(len(virsh("net-port-list", "vkisol", "--uuid").stdout.split()) == 2,
              "two ports expected")
        for name, _, _ in GUESTS:
            virsh("resume", name)
        for (name, _, ip), con in zip(GUESTS, consoles):
            con.read_until(b"VK-NET-DONE", guard=GUARD)
            out = con.out.decode(errors="replace")
            check("VK-LEASE %s" % ip in out, "%s: no lease %s:\n%s" % (name, ip, out))
            check("VK-PEER-OK" in out, "%s could not reach its peer:\n%s" % (name, out))
            check("VK-OUTSIDE-BLOCKED" in out and "VK-OUTSIDE-REACHED" not in out,
                  "%s reached %s beyond the isolated network:\n%s" % (name, OUTSIDE, out))
        leases = virsh("net-dhcp-leases", "vkisol").stdout
        check(all(ip + "/24" in leases for _, _, ip in GUESTS), "leases:\n" + leases)

        for name, _, _ in GUESTS:
            virsh("destroy", name)
        virsh("net-destroy", "vkisol")
        virsh("net-destroy", "default")
        os.system("ip link del vkout0")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        check(not netns.dnsmasqs(root), "dnsmasq left")
        print("two guests on an isolated network reached each other and not %s" % OUTSIDE)
        return 0
    except BaseException:
        netns.dump(daemon, consoles)
        raise
    finally:
        if holder:
            holder.kill()
            holder.wait()
        netns.finish(daemon, root, VIRSH, names=[g[0] for g in GUESTS], consoles=consoles)


sys.exit(main())
