#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A container on a virtual network, inside a network namespace of the
test's own: lxc:///system in virtkitd, <interface type='network'> on
'default'.  The host end of the veth joins virbr0, the interface gets a
network port recorded in the live XML (<source portid='' bridge=''/>);
inside, busybox udhcpc gets a lease from the network's dnsmasq and the
container pings the bridge, reporting through a FIFO in its root.  An
inactive network refuses the start and leaves no port.  Destroy deletes
the veth and the port; net-destroy leaves no link or rule.  Skips
without busybox-static."""

import os
import re
import select
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import netns  # noqa: E402
from linuxguest import DHCP_SCRIPT, check  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402

netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN, SHELL = sys.argv[1], sys.argv[2]
BUSYBOX = "/bin/busybox"
NAME = "vknetct"
MAC = "52:54:00:4e:03:01"
GUARD = 60          # a guard against hangs, not a timing

INIT = """/bin/busybox ip link set eth0 up
/bin/busybox udhcpc -i eth0 -n -q -f -t 20 -T 1 -s /dhcp.sh > /dev/null 2>&1
/bin/busybox ping -c 1 -W 5 192.168.122.1 > /dev/null 2>&1 && echo VK-PING-OK > /report
echo VK-NET-DONE > /report
exec /bin/busybox sleep 1000000
"""

SPARE_XML = """<network>
  <name>vkspare</name>
  <bridge name='vkspare0'/>
</network>
"""


def build_rootfs(root):
    for d in ("bin", "proc", "sys", "dev", "tmp", "etc"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, "bin", "busybox"))
    os.symlink("busybox", os.path.join(root, "bin", "sh"))
    with open(os.path.join(root, "init.sh"), "w") as f:
        f.write(INIT)
    # udhcpc reports to the FIFO too (the lease line)
    with open(os.path.join(root, "dhcp.sh"), "w") as f:
        f.write(DHCP_SCRIPT.replace("/dev/ttyS0", "/report"))
    os.chmod(os.path.join(root, "dhcp.sh"), 0o755)
    os.mkfifo(os.path.join(root, "report"))


def domxml(rootfs, network):
    return f"""<domain type='lxc'>
  <name>{NAME}</name>
  <memory unit='KiB'>98304</memory>
  <os>
    <type>exe</type>
    <init>/bin/sh</init>
    <initarg>/init.sh</initarg>
  </os>
  <devices>
    <filesystem type='mount'><source dir='{rootfs}'/><target dir='/'/></filesystem>
    <interface type='network'><mac address='{MAC}'/><source network='{network}'/></interface>
  </devices>
</domain>
"""


def read_report(fd):
    """What the container writes to the FIFO until VK-NET-DONE."""
    out = b""
    deadline = time.monotonic() + GUARD
    while b"VK-NET-DONE" not in out:
        r, _, _ = select.select([fd], [], [], GUARD)
        check(r and time.monotonic() < deadline,
              "the container reported nothing within the guard: %r" % out)
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            # select saw "no writer" (end of file) and a writer opened
            # before the read: nothing to read yet
            data = b""
        if not data:
            # no writer (yet, or one closed): a FIFO then reads as end of
            # file at once, so wait a little before asking again
            time.sleep(0.05)
            continue
        out += data
    return out.decode(errors="replace")


def main():
    if not os.access(BUSYBOX, os.X_OK):
        print("SKIP: busybox-static missing")
        return 77
    root = tempfile.mkdtemp(prefix="vk-net-lxc-")
    daemon = None
    try:
        rootfs = os.path.join(root, "rootfs")
        build_rootfs(rootfs)
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net"),
                                           "--lxc-root", os.path.join(root, "lxc")])
        uri = vktest.uri_of(daemon.rw, "lxc")

        def sh(*args, ok=True):
            return vktest.client(SHELL, uri, *args, ok=ok)

        def ports(net="default"):
            return sh("net-port-list", net, "--uuid").stdout.split()

        check("active" in sh("net-list").stdout, "default is not running")
        # an inactive network: refused before anything is made
        spare = os.path.join(root, "spare.xml")
        with open(spare, "w") as f:
            f.write(SPARE_XML)
        sh("net-define", spare)
        path = os.path.join(root, "ct.xml")
        with open(path, "w") as f:
            f.write(domxml(rootfs, "vkspare"))
        r = sh("create", path, ok=False)
        check(r.returncode != 0 and "vkspare" in r.stderr, "inactive network: %r" % r.stderr)
        check(ports("vkspare") == [] and not [x for x in netns.links() if x.startswith("vkl")],
              "left by the refused start: %s" % netns.links())
        sh("net-undefine", "vkspare")

        with open(path, "w") as f:
            f.write(domxml(rootfs, "default"))
        fd = os.open(os.path.join(rootfs, "report"), os.O_RDONLY | os.O_NONBLOCK)
        try:
            sh("create", path)
            xml = sh("dumpxml", NAME).stdout
            p = ports()
            check(len(p) == 1, "ports: %s" % p)
            src = re.search(r"<source network='default'[^>]*>", xml)
            check(src and "portid='%s'" % p[0] in src.group(0) and
                  "bridge='virbr0'" in src.group(0), "live XML:\n" + xml)
            host = re.search(r"<target dev='([^']+)'/>", xml).group(1)
            link = os.popen("ip -o link show " + host).read()
            check("master virbr0" in link, "%s not on virbr0: %r" % (host, link))
            out = read_report(fd)
        finally:
            os.close(fd)
        check("VK-LEASE 192.168.122." in out, "no lease in the container: %r" % out)
        check("VK-PING-OK" in out, "the container could not ping the bridge: %r" % out)
        leases = sh("net-dhcp-leases", "default").stdout
        check(MAC in leases, "net-dhcp-leases:\n" + leases)

        sh("destroy", NAME)
        check(ports() == [], "ports after destroy: %s" % ports())
        check(host not in netns.links(), "veth left: %s" % netns.links())
        sh("net-destroy", "default")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        print("container on 'default' through %s: %s" % (host, out.split()[1]))
        return 0
    except BaseException:
        netns.dump(daemon)
        raise
    finally:
        netns.finish(daemon, root, SHELL, vktest.uri_of(daemon.rw, "lxc") if daemon else None,
                     names=(NAME,))


sys.exit(main())
