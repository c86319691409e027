#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""NIC hotplug on networks, with the real virsh against virtkitd inside a
network namespace of the test's own: attach-interface of type network
and bridge on a running QEMU guest (the micro-guest, which ejects what
ACPI unplugs) makes the daemon create a tap, plug it into the bridge
and hand it to QEMU through getfd; a network NIC gets a network port,
recorded in the live XML.  detach-interface removes the tap and the port.
An attach that cannot be made (no such network, an inactive one) leaves
neither tap nor port.  At the end net-destroy leaves no link or rule."""

import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import netns  # noqa: E402
from linuxguest import check  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH  # noqa: E402

if len(sys.argv) < 3:
    print("SKIP: no micro-guest in this build (-Dtest_tools)")
    sys.exit(77)
netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN, MICRO = sys.argv[1], sys.argv[2]
NAME = "vknethp"
MAC_NET, MAC_BR = "52:54:00:4e:02:01", "52:54:00:4e:02:02"

SPARE_XML = """<network>
  <name>vkspare</name>
  <bridge name='vkspare0'/>
  <ip address='10.66.0.1' netmask='255.255.255.0'/>
</network>
"""


def taps():
    """{tap: (master, mac)} of the vnet links."""
    out = os.popen("ip -o link show").read()
    res = {}
    for line in out.splitlines():
        name = line.split(":")[1].strip()
        if name.startswith("vnet"):
            m = re.search(r"master (\S+)", line)
            mac = re.search(r"link/ether (\S+)", line)
            res[name] = (m.group(1) if m else None, mac.group(1) if mac else None)
    return res


def iface_of(xml, mac):
    """The <interface> element of the live XML with this MAC, as text."""
    for m in re.finditer(r"<interface .*?</interface>", xml, re.S):
        if mac in m.group(0):
            return m.group(0)
    return None


def main():
    root = tempfile.mkdtemp(prefix="vk-net-hp-")
    daemon = None
    try:
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net"),
                                           "--qemu-root", os.path.join(root, "qemu")])
        uri = vktest.uri_of(daemon.rw)

        def virsh(*args, ok=True):
            return vktest.client(VIRSH, uri, *args, ok=ok)

        def ports(net="default"):
            return virsh("net-port-list", net, "--uuid").stdout.split()

        check("active" in virsh("net-list").stdout, "default is not running")
        os.system("ip link add vkhpbr0 type bridge && ip link set vkhpbr0 up")
        path = os.path.join(root, "g.xml")
        with open(path, "w") as f:
            f.write(vktest.micro_domxml(NAME, MICRO, "qemu", root))
        virsh("create", path)
        check(taps() == {}, "taps before any attach: %s" % taps())

        # a network NIC: a tap on virbr0 (MAC fe:...), a port, both in the live XML
        virsh("attach-interface", NAME, "network", "default", "--model", "virtio",
              "--mac", MAC_NET)
        t = taps()
        check(len(t) == 1, "taps after the first attach: %s" % t)
        tap = list(t)[0]
        check(t[tap] == ("virbr0", "fe" + MAC_NET[2:]), "tap %s: %s" % (tap, t[tap]))
        p = ports()
        check(len(p) == 1, "ports after attach: %s" % p)
        xml = virsh("dumpxml", NAME).stdout
        nic = iface_of(xml, MAC_NET)
        check(nic and "<target dev='%s'/>" % tap in nic and "portid='%s'" % p[0] in nic,
              "live XML:\n" + xml)
        port = virsh("net-port-dumpxml", "default", p[0]).stdout
        check("<name>%s</name>" % NAME in port and MAC_NET in port, "port XML:\n" + port)

        # a bridge NIC: a tap on the host bridge, no port
        virsh("attach-interface", NAME, "bridge", "vkhpbr0", "--model", "e1000",
              "--mac", MAC_BR)
        t = taps()
        br = [k for k, v in t.items() if v[0] == "vkhpbr0"]
        check(len(t) == 2 and len(br) == 1, "taps after the second attach: %s" % t)
        check(len(ports()) == 1, "a bridge NIC took a port: %s" % ports())
        check(("<target dev='%s'/>" % br[0]) in iface_of(virsh("dumpxml", NAME).stdout, MAC_BR),
              "bridge NIC's live XML")

        # what cannot be attached leaves nothing behind
        r = virsh("attach-interface", NAME, "network", "vknosuch", "--mac", "52:54:00:4e:02:03",
                  ok=False)
        check(r.returncode != 0 and "vknosuch" in r.stderr, "no such network: %r" % r.stderr)
        with open(os.path.join(root, "spare.xml"), "w") as f:
            f.write(SPARE_XML)
        virsh("net-define", os.path.join(root, "spare.xml"))
        r = virsh("attach-interface", NAME, "network", "vkspare", "--mac", "52:54:00:4e:02:04",
                  ok=False)
        check(r.returncode != 0 and "vkspare" in r.stderr, "inactive network: %r" % r.stderr)
        check(len(taps()) == 2 and len(ports()) == 1, "left by failed attaches: %s %s" %
              (taps(), ports()))
        xml = virsh("dumpxml", NAME).stdout
        check(xml.count("<interface ") == 2, "live XML after failed attaches:\n" + xml)
        virsh("net-undefine", "vkspare")

        # detach: the tap goes with QEMU's netdev, the port with the NIC
        virsh("detach-interface", NAME, "network", "--mac", MAC_NET)
        t = taps()
        check(tap not in t and len(t) == 1, "taps after detaching the network NIC: %s" % t)
        check(ports() == [], "ports after detach: %s" % ports())
        virsh("detach-interface", NAME, "bridge", "--mac", MAC_BR)
        check(taps() == {}, "taps after detaching both: %s" % taps())
        check("<interface" not in virsh("dumpxml", NAME).stdout, "NICs left in the live XML")

        # attach again, then destroy: the port goes with the guest
        virsh("attach-interface", NAME, "network", "default", "--mac", MAC_NET)
        check(len(taps()) == 1 and len(ports()) == 1, "re-attach: %s %s" % (taps(), ports()))
        virsh("destroy", NAME)
        check(taps() == {} and ports() == [], "after destroy: %s %s" % (taps(), ports()))

        os.system("ip link del vkhpbr0")
        virsh("net-destroy", "default")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        print("hot-plugged and unplugged a network and a bridge NIC (tap %s)" % tap)
        return 0
    except BaseException:
        netns.dump(daemon)
        raise
    finally:
        netns.finish(daemon, root, VIRSH, names=(NAME,))


sys.exit(main())
