#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Snapshots of QEMU guests through virtkitd with the real virsh and
python3-libvirt: snapshot-create-as on a shut-off guest with a qcow2 disk,
the disk changed from outside (qemu-io), snapshot-revert brings it back;
a snapshot of the running micro-guest; the metadata
(ROOT/lib/snapshot/NAME/SNAP.xml) is read back after a daemon restart;
the revert to the running snapshot starts the guest; undefine is refused
while snapshots exist, as libvirt refuses it, unless
--snapshots-metadata."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh, uri_of  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]


def qemu_io(disk, cmd):
    return subprocess.run(["qemu-io", "-c", cmd, disk], capture_output=True,
                          text=True).returncode == 0


def names(sock):
    return virsh(sock, "snapshot-list", "vks", "--name").stdout.split()


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK) or not os.access(VIRSH, os.X_OK) \
            or not shutil.which("qemu-io"):
        print("SKIP: no QEMU, qemu-io or virsh")
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-snap-") as bed:
        root, pids = bed.root, bed.pids
        disk = os.path.join(root, "vks.qcow2")
        subprocess.run(["qemu-img", "create", "-f", "qcow2", disk, "16M"], check=True,
                       capture_output=True)
        daemon = bed.start()
        xml = vktest.micro_domxml("vks", MICRO, vktest.virt_type(), root).replace(
            "<devices>", "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/><source file='%s'/>"
            "<target dev='vda' bus='virtio'/></disk>" % disk)
        path = os.path.join(root, "vks.xml")
        with open(path, "w") as f:
            f.write(xml)
        virsh(daemon.rw, "define", path)

        assert qemu_io(disk, "write -P 0x55 0 4k")
        r = virsh(daemon.rw, "snapshot-create-as", "vks", "off", "--description", "shut off")
        assert "Domain snapshot off created" in r.stdout, r.stdout
        assert qemu_io(disk, "write -P 0x66 0 4k")
        virsh(daemon.rw, "snapshot-revert", "vks", "off")
        assert qemu_io(disk, "read -P 0x55 0 4k"), "the revert left the change"
        assert os.path.exists(os.path.join(root, "lib", "snapshot", "vks", "off.xml"))

        virsh(daemon.rw, "start", "vks")
        pids.append(status_pid(root, "vks"))
        r = virsh(daemon.rw, "snapshot-create-as", "vks", "on")
        assert "Domain snapshot on created" in r.stdout, r.stdout
        info = virsh(daemon.rw, "snapshot-info", "vks", "on").stdout
        assert "State:          running" in info and "Parent:         off" in info, info
        virsh(daemon.rw, "destroy", "vks")
        reap(pids[-1])

        # the metadata outlives the daemon
        daemon.stop()
        daemon = bed.start()
        assert names(daemon.rw) == ["off", "on"], names(daemon.rw)
        tree = virsh(daemon.rw, "snapshot-list", "vks", "--tree").stdout
        assert tree.startswith("off\n  |\n  +- on\n"), tree
        assert virsh(daemon.rw, "snapshot-current", "vks", "--name").stdout.strip() == "on"

        # python3-libvirt: revert to the running snapshot starts the guest
        import libvirt
        libvirt.registerErrorHandler(lambda *a: None, None)
        conn = libvirt.open(uri_of(daemon.rw))
        try:
            dom = conn.lookupByName("vks")
            on = dom.snapshotLookupByName("on")
            assert on.getParent().getName() == "off"
            dom.revertToSnapshot(on)
            assert dom.isActive() == 1
            pids.append(status_pid(root, "vks"))
            dom.destroy()
            reap(pids[-1])
            try:
                dom.undefine()
                raise AssertionError("undefine with snapshots succeeded")
            except libvirt.libvirtError as e:
                assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, e
                assert "with 2 snapshots" in str(e), e
        finally:
            conn.close()

        virsh(daemon.rw, "snapshot-delete", "vks", "on")
        assert names(daemon.rw) == ["off"]
        virsh(daemon.rw, "undefine", "vks", "--snapshots-metadata")
        assert not os.path.exists(os.path.join(root, "lib", "snapshot", "vks"))
        print("ok: QEMU snapshots with virsh and python3-libvirt through virtkitd")
        return 0


if __name__ == "__main__":
    sys.exit(main())
