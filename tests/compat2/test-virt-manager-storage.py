#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-manager, headless, on virtkitd's storage driver
(qemu:///system): issue 12's "virt-manager shows the pool".

A dir pool with a qcow2 volume is defined and started through
python3-libvirt; virt-manager is opened on the connection's host details
window (the one with the Storage tab).  It must reach the Active state,
list the pool with its status, and build its default pool as it does
against libvirt (define, start: three lifecycle events it logs), with no
failure in its log but the node-device ones: virtkitd's QEMU connection
has no node-device driver, which virt-manager only notes.  The pools
virt-manager saw are then checked against the daemon.

usage: test-virt-manager-storage.py VIRTKITD
Exits 77 when virt-manager or xvfb-run is not installed."""

import os
import shutil
import sys
import tempfile

if not shutil.which("virt-manager") or not shutil.which("xvfb-run"):
    print("virt-manager or xvfb-run not installed: skipped")
    sys.exit(77)

import libvirt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
from vmm import run_virt_manager  # noqa: E402

BIN = sys.argv[1]
# What virt-manager logs about a connection without node devices; true
# of virtkitd's QEMU connections, not a failure of the storage side.
NODEDEV_NOTES = ["doesn't seem to support nodedev APIs",
                 "Error registering node device events"]


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    with vkwire.Daemon(BIN) as d, tempfile.TemporaryDirectory(prefix="vk-vmm-stor-") as home:
        uri = "qemu+unix:///system?socket=" + d.rw
        conn = libvirt.open(uri)
        try:
            target = os.path.join(home, "pooldir")
            os.mkdir(target)
            pool = conn.storagePoolDefineXML(
                "<pool type='dir'><name>vmm-pool</name><target><path>%s</path></target></pool>"
                % target)
            pool.create()
            pool.createXML("<volume><name>disk1.qcow2</name><capacity unit='MiB'>8</capacity>"
                           "<target><format type='qcow2'/></target></volume>")

            def phase(log):
                log.wait_for(["conn=%s changed to state=Active" % uri,
                              "pool=vmm-pool status=Active added",
                              "Using storage pool events",
                              "Showing host details: <vmmConnection uri=%s" % uri,
                              "pool=default status=Active added"], timeout=90)
                print("ok virt-manager's host details window lists vmm-pool, Active")

            text = run_virt_manager(uri, home, ["--show-host-summary"], phase,
                                    allowed=NODEDEV_NOTES)
            print("ok no failure in virt-manager's log but the node-device notes")
            for event in ("DEFINED", "STARTED"):
                assert ("pool=default state=VIR_STORAGE_POOL_EVENT_%s" % event) in text, \
                    "virt-manager did not see its default pool %s" % event
            print("ok virt-manager built its default pool through the storage driver")
            names = sorted(p.name() for p in conn.listAllStoragePools())
            assert names == ["default", "vmm-pool"], names
            assert conn.storagePoolLookupByName("vmm-pool").listVolumes() == ["disk1.qcow2"]
            print("ok the daemon holds the pools virt-manager showed: %s" % names)
            for name in names:
                p = conn.storagePoolLookupByName(name)
                p.destroy()
                p.undefine()
        finally:
            conn.close()
        assert d.alive(), "virtkitd died:\n" + d.logtext()


if __name__ == "__main__":
    main()
