#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Guests on virtkitd's networks, inside a network namespace of the test's
own: a real Linux guest under TCG (Debian's cloud kernel, a busybox
initramfs written here with the virtio-net modules) boots on 'default'
through a tap the daemon made and passed to QEMU as an fd; busybox udhcpc
gets a lease from the network's dnsmasq, the guest pings the bridge, and
virsh net-dhcp-leases and domifaddr (lease and arp sources) report it; the guest's network port exists while it runs.  A second guest on a host
bridge (<interface type='bridge'>) gets its tap too.  Destroying the
guests removes their taps; net-destroy then leaves no link, rule,
process or file.  Skipped without a cloud kernel or busybox-static."""

import os
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
GUARD = 90          # a TCG boot plus DHCP: a guard against hangs, not a timing

INIT = """/bin/busybox ip link set eth0 up
/bin/busybox udhcpc -i eth0 -n -q -f -t 20 -T 1 -s /dhcp.sh -x hostname:%s
/bin/busybox ping -c 1 -W 5 %s && echo VK-PING-OK > /dev/ttyS0
echo VK-NET-DONE > /dev/ttyS0
exec /bin/busybox sleep 1000000
"""


def main():
    kernel, mods = find_kernel()
    if not kernel:
        print("SKIP: no cloud kernel with virtio-net modules, busybox-static or QEMU")
        return 77
    root = tempfile.mkdtemp(prefix="vk-net-guest-")
    daemon = None
    consoles = []
    try:
        initrd = os.path.join(root, "initrd.cpio")
        build_initrd(initrd, mods, INIT % ("vkguest", "192.168.122.1"))
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net"),
                                           "--qemu-root", os.path.join(root, "qemu")])
        uri = vktest.uri_of(daemon.rw)

        def virsh(*args, ok=True):
            return vktest.client(VIRSH, uri, *args, ok=ok)

        check("active" in virsh("net-list").stdout, "default is not running")
        mac = "52:54:00:4e:00:01"
        path = os.path.join(root, "g1.xml")
        with open(path, "w") as f:
            f.write(domxml("vknetg1", kernel, initrd, mac,
                           "<interface type='network'><mac address='{mac}'/>"
                           "<source network='default'/><model type='virtio'/></interface>"))
        # paused, so the console is attached before the guest says anything
        virsh("create", path, "--paused")
        con = vktest.open_console([VIRSH, "-c", uri, "console", "vknetg1"])
        consoles.append(con)
        xml = virsh("dumpxml", "vknetg1").stdout
        check("<target dev='vnet0'/>" in xml, "no vnet0 in the live XML:\n" + xml)
        link = os.popen("ip -o link show vnet0").read()
        check("master virbr0" in link, "vnet0 not on virbr0: %r" % link)
        # the NIC's network port: in the live XML and the network's list
        ports = virsh("net-port-list", "default", "--uuid").stdout.split()
        check(len(ports) == 1 and "portid='%s'" % ports[0] in xml,
              "ports %s, live XML:\n%s" % (ports, xml))
        port = virsh("net-port-dumpxml", "default", ports[0]).stdout
        check("<name>vknetg1</name>" in port and mac in port and
              "<plug type='network' bridge='virbr0'/>" in port, "port XML:\n" + port)
        virsh("resume", "vknetg1")
        con.read_until(b"VK-NET-DONE", guard=GUARD)
        out = con.out.decode(errors="replace")
        check("VK-LEASE 192.168.122." in out, "no lease in the guest:\n" + out)
        ip = out.split("VK-LEASE ", 1)[1].split()[0]
        check("VK-PING-OK" in out, "the guest could not ping the bridge:\n" + out)
        leases = virsh("net-dhcp-leases", "default").stdout
        check(mac in leases and ip + "/24" in leases and "ipv4" in leases and
              "vkguest" in leases, "net-dhcp-leases:\n" + leases)
        leases = virsh("net-dhcp-leases", "default", "--mac", "52:54:00:99:99:99").stdout
        check(mac not in leases, "--mac filter:\n" + leases)
        # domifaddr: the lease (through the network driver), the host's
        # neighbour table (the ping made the guest known), no agent
        addrs = virsh("domifaddr", "vknetg1").stdout
        check(" vnet0 " in addrs and mac in addrs and "ipv4" in addrs and
              ip + "/24" in addrs, "domifaddr:\n" + addrs)
        addrs = virsh("domifaddr", "vknetg1", "--source", "arp").stdout
        check(" vnet0 " in addrs and mac in addrs and ip + "/0" in addrs,
              "domifaddr --source arp:\n" + addrs)
        r = virsh("domifaddr", "vknetg1", "--source", "agent", ok=False)
        check(r.returncode != 0 and "QEMU guest agent is not configured" in r.stderr,
              "domifaddr --source agent: %r" % r.stderr)

        # a guest on a host bridge
        os.system("ip link add vkhostbr0 type bridge")
        path = os.path.join(root, "g2.xml")
        with open(path, "w") as f:
            f.write(domxml("vknetg2", kernel, initrd, "52:54:00:4e:00:02",
                           "<interface type='bridge'><mac address='{mac}'/>"
                           "<source bridge='vkhostbr0'/><model type='e1000'/></interface>"))
        virsh("create", path, "--paused")
        link = os.popen("ip -o link show vnet1").read()
        check("master vkhostbr0" in link, "vnet1 not on vkhostbr0: %r" % link)
        check("fe:54:00:4e:00:02" in link, "tap MAC: %r" % link)
        # no virtual network, no lease source: an empty table
        addrs = virsh("domifaddr", "vknetg2").stdout
        check("52:54:00:4e:00:02" not in addrs and "Address" in addrs,
              "domifaddr of a bridged guest:\n" + addrs)

        virsh("destroy", "vknetg1")
        ports = virsh("net-port-list", "default", "--uuid").stdout.split()
        check(ports == [], "ports left after destroy: %s" % ports)
        virsh("destroy", "vknetg2")
        check([l for l in netns.links() if l.startswith("vnet")] == [],
              "taps left: %s" % netns.links())
        os.system("ip link del vkhostbr0")
        virsh("net-destroy", "default")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        check(not netns.dnsmasqs(root), "dnsmasq left")
        print("guest lease %s on %s" % (ip, mac))
        return 0
    except BaseException:
        netns.dump(daemon, consoles)
        raise
    finally:
        netns.finish(daemon, root, VIRSH, names=("vknetg1", "vknetg2"), consoles=consoles)


sys.exit(main())
