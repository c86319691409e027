#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host interfaces, read-only, side by side with libvirt 9.0: inside a
network and mount namespace of the test's own (with its own sysfs) the
test makes a bridge with a port, a veth pair with a fixed MAC, and asks
Debian's libvirtd (its udev interface backend) and virtkitd the same
iface-* questions through the real virsh, and both daemons again
through virtkit's shell: list (active, inactive, all), dumpxml of every link,
name <-> MAC, the not-found errors, and the changes the udev backend
refuses (define, undefine, start, destroy, transactions).  Every answer
(output, error, exit code) must be the same."""

import os
import shutil
import subprocess
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

netns.enter([os.path.abspath(__file__)] + sys.argv[1:], own_sysfs=True)
BIN, SHELL = sys.argv[1], sys.argv[2]
DRV = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_interface.so"

IFACE_XML = """<interface type='ethernet' name='vkx0'>
  <start mode='onboot'/>
  <mac address='52:54:00:77:00:01'/>
</interface>
"""


def sh(*cmd):
    subprocess.run(cmd, check=True)


def make_links():
    sh("ip", "link", "add", "vkbr0", "type", "bridge")
    sh("ip", "link", "set", "vkbr0", "up")
    sh("ip", "link", "add", "vkp0", "type", "veth", "peer", "name", "vkp1")
    sh("ip", "link", "set", "vkp0", "master", "vkbr0")
    sh("ip", "link", "set", "vkp0", "up")
    sh("ip", "link", "add", "vkd0", "type", "veth", "peer", "name", "vkd1")
    sh("ip", "link", "set", "vkd0", "address", "52:54:00:aa:bb:cc")
    sh("ip", "link", "set", "vkd0", "mtu", "1400")
    # an up pair: operstate "up", so listed as active
    sh("ip", "link", "add", "vku0", "type", "veth", "peer", "name", "vku1")
    sh("ip", "link", "set", "vku0", "up")
    sh("ip", "link", "set", "vku1", "up")


def questions(xmlfile):
    q = [["iface-list"], ["iface-list", "--inactive"], ["iface-list", "--all"]]
    for name in ("lo", "vkbr0", "vkp0", "vkd0", "vkd1", "vku0"):
        q.append(["iface-dumpxml", name])
    q += [["iface-dumpxml", "--inactive", "vkbr0"], ["iface-dumpxml", "52:54:00:aa:bb:cc"],
          ["iface-dumpxml", "vknosuch"], ["iface-mac", "vkd0"], ["iface-mac", "vknosuch"],
          ["iface-name", "52:54:00:AA:BB:CC"], ["iface-name", "00:00:00:00:00:00"],
          ["iface-name", "52:54:00:00:00:99"],
          ["iface-destroy", "vkd0"], ["iface-start", "vkd1"], ["iface-undefine", "vkd0"],
          ["iface-define", xmlfile], ["iface-begin"], ["iface-commit"], ["iface-rollback"],
          # composed by the shells from lookup, XML and define/destroy
          ["iface-bridge", "vkd0", "vkbrnew"], ["iface-bridge", "vkd0", "vkbr0"],
          ["iface-bridge", "vkbr0", "vkbrx"], ["iface-bridge", "vknosuch", "vkbrx"],
          ["iface-bridge", "vkd0", "vkbrnew", "--no-stp", "--no-start"],
          ["iface-unbridge", "vkbr0"], ["iface-unbridge", "vkd0"],
          ["iface-unbridge", "vknosuch"]]
    return q


def ask(binary, uri, args):
    r = subprocess.run([binary, "-c", uri] + args, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def main():
    if not os.path.exists(DRV):
        print("SKIP: libvirt's interface driver is not installed")
        return 77
    root = tempfile.mkdtemp(prefix="vk-net-iface-")
    daemon = libvirtd = None
    try:
        make_links()
        xmlfile = os.path.join(root, "iface.xml")
        with open(xmlfile, "w") as f:
            f.write(IFACE_XML)
        ld = os.path.join(root, "libvirtd")
        os.mkdir(ld)
        os.environ["PRIVATE_LIBVIRTD_EXTRA_DRIVERS"] = "interface"
        libvirtd = vktest.PrivateLibvirtd(ld, "qemu")
        ref_uri = "qemu+unix:///system?socket=" + libvirtd.sock
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net")])
        uri = vktest.uri_of(daemon.rw)
        checked = 0
        for args in questions(xmlfile):
            want = ask(VIRSH, ref_uri, args)
            # virtkitd through both shells, and libvirtd through virtkit's
            # (its remote driver against the real daemon)
            for binary, u in ((VIRSH, uri), (SHELL, uri), (SHELL, ref_uri)):
                got = ask(binary, u, args)
                check(got == want, "%s on %s, %s:\nlibvirt: %r\nvirtkit: %r" %
                      (os.path.basename(binary), u, " ".join(args), want, got))
                checked += 1
        # what the comparison rests on is not vacuous
        out = ask(VIRSH, uri, ["iface-list", "--all"])[1]
        check("vkd0" in out and "52:54:00:aa:bb:cc" in out and "vkp0" not in out,
              "iface-list --all:\n" + out)
        check(" vku0 " in ask(VIRSH, uri, ["iface-list"])[1], "vku0 is not active")
        xml = ask(VIRSH, uri, ["iface-dumpxml", "vkbr0"])[1]
        check("<interface type='bridge' name='vkbr0'>" in xml and "name='vkp0'" in xml,
              "bridge XML:\n" + xml)
        # a link that goes away is gone for the driver at once (no cache)
        sh("ip", "link", "del", "vkd0")
        r = ask(VIRSH, uri, ["iface-dumpxml", "vkd0"])
        check(r[0] == 1 and "couldn't find interface named 'vkd0'" in r[2], repr(r))
        print("%d answers of virtkitd equal to libvirt 9.0's" % checked)
        return 0
    except BaseException:
        if daemon:
            print("---- virtkitd log ----\n" + daemon.logtext()[-20000:])
        if libvirtd:
            print("---- libvirtd log ----\n" + libvirtd.logtext()[-5000:])
        raise
    finally:
        if daemon:
            # the default network the system daemon autostarted outlives
            # the daemon, as libvirt's does: take it down, with its dnsmasq
            u = vktest.uri_of(daemon.rw)
            for net in ask(VIRSH, u, ["net-list", "--name"])[1].split():
                ask(VIRSH, u, ["net-destroy", net])
            daemon.stop()
        if libvirtd:
            libvirtd.stop()
        vktest.reap_all()
        shutil.rmtree(root, ignore_errors=True)


sys.exit(main())
