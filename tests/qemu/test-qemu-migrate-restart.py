#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A daemon SIGKILLed in the middle of a migration, then started again on
the same root: the QEMU it finds was one end of a migration nobody will
finish, and must not stay paused or half-made (two virtkitd, two roots,
Debian's virsh as the client; the micro-guest with 2 GiB so that a
migration at 1 MiB/s lasts).

- the destination's daemon killed after Prepare, its incoming QEMU still
  receiving: the restarted destination daemon kills that QEMU and
  forgets the transient guest; the source's migration fails with it and
  the guest runs on the source;
- the source's daemon killed during Perform, the client frozen meanwhile
  (SIGSTOP: no Finish, no Confirm): the restarted source daemon cancels
  the migration in QEMU and the guest runs there (running, reason
  "migration canceled"); the client, thawed, fails and the destination
  drops its half; the guest still answers the power button on the source.

Bounds on waits only catch hangs; nothing asserts on time."""

import json
import os
import re
import signal
import subprocess
import sys

import vkmigrate
from vkmigrate import states, wait_until, read, GUARD
import vktest
from vktest import virsh

MICRO = sys.argv[2]


def start_guest(host, name, base):
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(vktest.micro_domxml(name, MICRO, vktest.virt_type(), base).replace(
            "<memory unit='MiB'>64</memory>", "<memory unit='MiB'>2048</memory>"))
    virsh(host.sock, "create", path)
    wait_until(lambda: "VK-MICRO-READY" in read(os.path.join(base, "serial-%s.log" % name)),
               "the guest's banner")


def slow_migration(src, dst, name):
    """virsh migrate at 1 MiB/s, running once both ends are in it."""
    mig = subprocess.Popen([vktest.VIRSH, "-c", src.uri, "migrate", "--live", "--bandwidth",
                            "1", name, dst.uri, "tcp:127.0.0.1"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_until(lambda: name in states(dst.sock), "the incoming guest")
    # bytes QEMU reports sent, not the job alone: the job exists before
    # QEMU is told to migrate
    wait_until(lambda: data_processed(src, name) > 0, "the migration in the source's QEMU")
    return mig


def data_processed(src, name):
    m = re.search(r"^Data processed:\s+([0-9.]+)", virsh(src.sock, "domjobinfo", name).stdout,
                  re.M)
    return float(m.group(1)) if m else 0


def migrate_status(src, name):
    r = virsh(src.sock, "qemu-monitor-command", name, '{"execute":"query-migrate"}', ok=False)
    return json.loads(r.stdout)["return"].get("status") if r.returncode == 0 else None


def finish(mig):
    try:
        out = mig.communicate(timeout=GUARD * 2)[0]
    finally:
        if mig.poll() is None:
            mig.kill()
            mig.wait()
    assert mig.returncode != 0, out
    return out


def destination_killed(src, dst, base):
    name = "vkmigr1"
    start_guest(src, name, base)
    mig = slow_migration(src, dst, name)
    dpid = vktest.status_pid(dst.root, name)
    dst.kill()
    assert vktest.alive(dpid)           # the incoming QEMU outlives its daemon
    # the stream still flows into it: only the restarted daemon ends it
    dst.start()
    dst.daemon.wait_for("incoming migration of domain '%s' never finished" % name)
    wait_until(lambda: not vktest.alive(dpid), "the orphaned incoming QEMU's end")
    assert name not in states(dst.sock), states(dst.sock)
    assert not os.path.exists(os.path.join(dst.root, "run", name + ".xml"))
    # the source's migration failed with it; Confirm let the guest run
    finish(mig)
    wait_until(lambda: states(src.sock).get(name) == "running", "the guest on the source")
    virsh(src.sock, "destroy", name)
    print("destination daemon killed after Prepare: its incoming QEMU killed on restart")


def source_killed(src, dst, base):
    name = "vkmigr2"
    start_guest(src, name, base)
    spid = vktest.status_pid(src.root, name)
    mig = slow_migration(src, dst, name)
    mig.send_signal(signal.SIGSTOP)
    try:
        src.kill()
        assert vktest.alive(spid)
        src.start()
        src.daemon.wait_for("outgoing migration of domain '%s' was cut short" % name)
        assert vktest.status_pid(src.root, name) == spid
        st = virsh(src.sock, "domstate", "--reason", name).stdout.strip()
        assert st == "running (migration canceled)", st
        status = migrate_status(src, name)
        assert status in ("cancelled", "cancelling"), status
    finally:
        mig.send_signal(signal.SIGCONT)
    finish(mig)
    wait_until(lambda: name not in states(dst.sock), "the destination to drop its half")
    assert states(src.sock).get(name) == "running", states(src.sock)
    virsh(src.sock, "shutdown", name)
    wait_until(lambda: "VK-MICRO-POWEROFF" in read(os.path.join(base, "serial-%s.log" % name)),
               "power-off on the source")
    wait_until(lambda: name not in states(src.sock), "the guest's end")
    print("source daemon killed during Perform: migration cancelled on restart, guest runs")


def main():
    def steps(hosts, base):
        destination_killed(*hosts, base)
        source_killed(*hosts, base)
    vkmigrate.run("vk-qemu-migrate-restart-", ("host-a", "host-b"), steps)


if __name__ == "__main__":
    main()
