#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qemu:///system inside virtkitd, driven by the real virsh: define, start,
list, autostart; then virtkitd is killed with SIGKILL and started again on
the same QEMU root (VIRTKIT_QEMU_ROOT): the running guest is reattached and
still controllable, the autostart guest was started.  This process is a
child subreaper, so the QEMUs orphaned by the kill become its children and
it can reap them after the destroy; nothing is left behind."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
from vktest import VIRSH, alive, reap, status_pid, virsh  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]


def list_states(sock):
    return vktest.list_states(virsh(sock, "list", "--all").stdout)


def main():
    if not vktest.have(vktest.QEMU, VIRSH):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-daemon-") as bed:
        root, pids = bed.root, bed.pids
        daemon = bed.start()
        for name in ("vkq1", "vkq2"):
            bed.define(name, vktest.micro_domxml(name, MICRO, bed.vtype, root))
        # the QEMU driver has no library version of its own: the daemon's
        # library answers, as libvirt's does (virsh version --daemon)
        out = virsh(daemon.rw, "version", "--daemon").stdout
        assert "Running against daemon: 9.0.0" in out, out
        virsh(daemon.rw, "start", "vkq1")
        virsh(daemon.rw, "autostart", "vkq2")
        assert "Autostart:      enable" in virsh(daemon.rw, "dominfo", "vkq2").stdout
        states = list_states(daemon.rw)
        assert states == {"vkq1": "running", "vkq2": "shut off"}, states
        assert virsh(daemon.rw, "domstate", "vkq1").stdout.strip() == "running"
        pid1 = status_pid(root, "vkq1")
        pids.append(pid1)

        # SIGKILL: no cleanup at all; the guest must survive it.
        bed.kill_daemon()
        assert alive(pid1), "QEMU died with virtkitd"

        daemon = bed.start()
        states = list_states(daemon.rw)
        assert states == {"vkq1": "running", "vkq2": "running"}, states
        pid2 = status_pid(root, "vkq2")
        pids.append(pid2)
        assert status_pid(root, "vkq1") == pid1
        # Still controllable through the reconnected monitor.
        virsh(daemon.rw, "suspend", "vkq1")
        assert virsh(daemon.rw, "domstate", "vkq1").stdout.strip() == "paused"
        virsh(daemon.rw, "resume", "vkq1")
        assert virsh(daemon.rw, "domstate", "vkq1").stdout.strip() == "running"
        virsh(daemon.rw, "destroy", "vkq1")
        reap(pid1)
        assert not alive(pid1)
        assert virsh(daemon.rw, "domstate", "vkq1", "--reason").stdout.strip() == \
            "shut off (destroyed)"
        # Managed save and the start that resumes from it, over the wire.
        virsh(daemon.rw, "managedsave", "vkq2")
        reap(pid2)
        assert "Managed save:   yes" in virsh(daemon.rw, "dominfo", "vkq2").stdout
        virsh(daemon.rw, "start", "vkq2")
        assert virsh(daemon.rw, "domstate", "vkq2", "--reason").stdout.strip() == \
            "running (restored)"
        pid2 = status_pid(root, "vkq2")
        pids.append(pid2)
        virsh(daemon.rw, "destroy", "vkq2")
        reap(pid2)
        virsh(daemon.rw, "autostart", "--disable", "vkq2")
        for name in ("vkq1", "vkq2"):
            virsh(daemon.rw, "undefine", name)
        assert list_states(daemon.rw) == {}
        assert os.listdir(os.path.join(root, "run")) == [], os.listdir(os.path.join(root, "run"))
        print("ok: virsh through virtkitd; SIGKILL of virtkitd; reattach; autostart; managedsave")
        return 0


if __name__ == "__main__":
    sys.exit(main())
