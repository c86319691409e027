#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-install --network default against virtkitd, inside a
network namespace of the test's own: the daemon's first start made and
started 'default' (virbr0) as libvirt's packaging does, virt-install
writes its <interface type='network'> for linux2022 (virtio on q35) and
the guest runs under TCG with its tap on virbr0 and a network port.
Destroy and undefine leave no tap and no port; net-destroy no link or
rule."""

import os
import re
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

if not shutil.which("virt-install"):
    print("SKIP: virt-install is not installed")
    sys.exit(77)
netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN = sys.argv[1]
NAME = "vk-vi-net"


def main():
    root = tempfile.mkdtemp(prefix="vk-net-vi-")
    daemon = None
    try:
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(root, "net"),
                                           "--qemu-root", os.path.join(root, "qemu")])
        uri = vktest.uri_of(daemon.rw)

        def virsh(*args, ok=True):
            return vktest.client(VIRSH, uri, *args, ok=ok)

        env = dict(os.environ, HOME=root, XDG_CACHE_HOME=root, XDG_CONFIG_HOME=root)
        r = subprocess.run(["virt-install", "--connect", uri, "--name", NAME, "--memory", "256",
                            "--vcpus", "1", "--import", "--disk", "none", "--osinfo",
                            "linux2022", "--noautoconsole",
                            "--network", "default"],
                           capture_output=True, text=True, env=env, timeout=240)
        check(r.returncode == 0, "virt-install --network default: " + r.stderr[-800:])
        check("running" in virsh("domstate", NAME).stdout, "the guest does not run")
        xml = virsh("dumpxml", NAME).stdout
        nic = re.search(r"<interface type='network'>.*?</interface>", xml, re.S)
        check(nic, "no network interface in the live XML:\n" + xml)
        nic = nic.group(0)
        tap = re.search(r"<target dev='(vnet\d+)'/>", nic)
        check(tap and "<source network='default'" in nic and "bridge='virbr0'" in nic and
              "<model type='virtio'/>" in nic, "interface:\n" + nic)
        link = subprocess.run(["ip", "-o", "link", "show", tap.group(1)], capture_output=True,
                              text=True).stdout
        check("master virbr0" in link, "%s not on virbr0: %r" % (tap.group(1), link))
        ports = virsh("net-port-list", "default", "--uuid").stdout.split()
        check(len(ports) == 1 and "portid='%s'" % ports[0] in nic, "ports %s" % ports)

        virsh("destroy", NAME)
        virsh("undefine", NAME)
        check([x for x in netns.links() if x.startswith("vnet")] == [], "taps left")
        check(virsh("net-port-list", "default", "--uuid").stdout.split() == [], "ports left")
        virsh("net-destroy", "default")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        print("virt-install --network default: %s on virbr0" % tap.group(1))
        return 0
    except BaseException:
        netns.dump(daemon)
        raise
    finally:
        # a guest virt-install defined is destroyed; its definition goes
        # with the daemon's temporary root
        netns.finish(daemon, root, VIRSH, names=(NAME,))


sys.exit(main())
