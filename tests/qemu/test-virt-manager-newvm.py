#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-manager creates and starts a VM through virtkitd with its
New-VM wizard, headless under xvfb-run.

virt-manager starts with --show-domain-creator on a private virtkitd;
vmm-newvm.py (virt-manager itself, plus clicks) goes through the wizard
as a user would: import the qcow2 this test made, OS linux2022, 256 MiB,
a name, Finish, every other choice left to virt-manager.  The test runs in
a network namespace of its own, so the daemon's first start makes the
'default' network (virbr0) as on a fresh host and the wizard picks it,
and in a mount namespace with a tmpfs over /var/lib/libvirt, where
virt-manager puts its 'default' storage pool.
The guest must run under TCG with what virt-manager gave it (SPICE, its
vdagent channel and USB redirection, ich9 sound, virtio disk on the qcow2,
virtio NIC on 'default', qemu-ga channel), virt-manager must log no
failure, and its lifecycle event STARTED for the guest.

usage: test-virt-manager-newvm.py VIRTKITD"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, os.path.join(HERE, "..", "network"))
sys.path.insert(0, os.path.join(HERE, "..", "compat2"))

for prog in ("virt-manager", "xvfb-run", "qemu-img"):
    if not shutil.which(prog):
        print("SKIP: %s is not installed" % prog)
        sys.exit(77)

import netns  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vmm import run_virt_manager  # noqa: E402

# a mount namespace too: virt-manager makes the 'default' storage pool at
# /var/lib/libvirt/images, which is a tmpfs of this test's
netns.enter([os.path.abspath(__file__)] + sys.argv[1:], own_sysfs=True)
os.makedirs("/var/lib/libvirt", exist_ok=True)
subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/var/lib/libvirt"], check=True)
NAME = "vk-vmm-new"
# virtkitd's qemu:///system has no node devices (libvirtd's has): virt-manager
# notes it and goes on
ALLOWED = ("Error registering node device events",
           "Connection doesn't seem to support nodedev APIs")
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def main():
    root = tempfile.mkdtemp(prefix="vk-vmm-new-")
    os.chmod(root, 0o755)
    daemon = None
    try:
        daemon = vkwire.Daemon(sys.argv[1], verbose=False,
                               extra=["--network-root", os.path.join(root, "net"),
                                      "--qemu-root", os.path.join(root, "qemu")])
        uri = vktest.uri_of(daemon.rw)
        disk = os.path.join(root, "disk.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "1G"], check=True)
        home = os.path.join(root, "home")
        os.mkdir(home)
        os.environ.update(VK_NEWVM_DISK=disk, VK_NEWVM_NAME=NAME, VK_NEWVM_MEM="256")

        def wizard(log):
            log.wait_for(["vmm-newvm: finish " + NAME], timeout=120)
            log.wait_for(["domain lifecycle event: domain=%s state=VIR_DOMAIN_EVENT_STARTED"
                          % NAME], timeout=180)

        run_virt_manager(uri, home, ["--show-domain-creator"], wizard, allowed=ALLOWED,
                         program=[sys.executable, os.path.join(HERE, "vmm-newvm.py")])
        print("ok: the wizard created %s; virt-manager saw it start" % NAME)

        state = vktest.client(vktest.VIRSH, uri, "domstate", NAME, ok=False).stdout
        check("running" in state, "the guest runs (%s)" % state.strip())
        live = vktest.client(vktest.VIRSH, uri, "dumpxml", NAME, ok=False).stdout
        for want in ("machine='pc-q35-", "model='pcie-root-port'", "<graphics type='spice'",
                     "name='com.redhat.spice.0'", "<redirdev bus='usb' type='spicevmc'",
                     "<sound model='ich9'", "name='org.qemu.guest_agent.0'",
                     "<source file='%s'" % disk, "<target dev='vda' bus='virtio'",
                     "<source network='default'", "<model type='virtio'/>",
                     "<input type='tablet' bus='usb'"):
            check(want in live, "the live XML has %s" % want)
        vktest.client(vktest.VIRSH, uri, "destroy", NAME, ok=False)
        vktest.client(vktest.VIRSH, uri, "undefine", NAME, ok=False)
        check(daemon.alive(), "virtkitd still runs")
    except BaseException:
        netns.dump(daemon)
        raise
    finally:
        netns.finish(daemon, root, vktest.VIRSH, names=(NAME,))
    print("%d failed" % len(failures))
    return 1 if failures else 0


sys.exit(main())
