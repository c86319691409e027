#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The QEMU issue's own check, typed into virtkit's shell.

A private virtkitd serves qemu:///system.  With `virtkit -c
qemu+unix:///system?socket=...` (one shell process per command, as a user
types them): define three micro-guests, start them, suspend and resume
one; open `virtkit console` on it (a pty of its own) and see the guest
itself speak there -- the echo of typed bytes, its boot marker after a
`reset` -- and, after an ACPI `shutdown`, the console end by itself and
the domain shut off with reason shutdown.  `start --console` starts it
again and stays on its console.  Start it again, SIGKILL
virtkitd with the three guests running, restart it: all three are running
with the same QEMU processes and are controllable (suspend/resume, a
console, destroy).  Nothing is left behind."""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vktest  # noqa: E402
from vktest import GUARD, alive, reap_all, status_pid, uri_of  # noqa: E402

BIN, MICRO, VIRTKIT = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
NAMES = ("vks1", "vks2", "vks3")


def vk(sock, *args, ok=True):
    return vktest.client(VIRTKIT, uri_of(sock), *args, ok=ok)


def state(sock, name):
    return vk(sock, "domstate", name).stdout.strip()


def wait_state(sock, name, want):
    end = time.monotonic() + GUARD
    while state(sock, name) != want:
        if time.monotonic() > end:
            raise AssertionError("%s never became %r (is %r)" % (name, want, state(sock, name)))
        time.sleep(0.05)


def list_all(sock):
    return vktest.list_states(vk(sock, "list", "--all").stdout)


def main():
    if not vktest.have(vktest.QEMU):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-shell-") as bed:
        root, pids, vtype = bed.root, bed.pids, bed.vtype
        daemon = bed.start()
        sock = daemon.rw
        for name in NAMES:
            path = os.path.join(root, name + ".xml")
            with open(path, "w") as f:
                f.write(vktest.micro_domxml(name, MICRO, vtype))
            assert "Domain '%s' defined" % name in vk(sock, "define", path).stdout
        assert list_all(sock) == {n: "shut off" for n in NAMES}, list_all(sock)
        for name in NAMES:
            assert "Domain '%s' started" % name in vk(sock, "start", name).stdout
        assert list_all(sock) == {n: "running" for n in NAMES}, list_all(sock)
        pids = [status_pid(root, n) for n in NAMES]     # for the cleanup
        assert "<domain type='%s'" % vtype in vk(sock, "dumpxml", "vks1").stdout
        vk(sock, "suspend", "vks1")
        assert state(sock, "vks1") == "paused"
        vk(sock, "resume", "vks1")
        assert state(sock, "vks1") == "running"

        # The guest on the console: echo, boot marker after reset; after
        # an ACPI shutdown the console ends by itself.  (The guest prints a
        # power-off marker a few ms before QEMU exits, and Linux drops a
        # pty's unread input when the master closes: whether that marker
        # arrives depends on scheduling, so it is not asserted.)
        con = vktest.open_console([VIRTKIT, "-c", uri_of(sock), "console", "vks1"])
        con.write(b"ping")
        con.read_until(b"PING")
        vk(sock, "reset", "vks1")
        con.read_until(b"VK-MICRO-READY")
        vk(sock, "shutdown", "vks1")
        assert con.wait() == 0, con.out
        wait_state(sock, "vks1", "shut off")
        assert vk(sock, "domstate", "vks1", "--reason").stdout.strip() == "shut off (shutdown)"
        # start --console: the shell starts it and stays on its console
        con = vktest.open_console([VIRTKIT, "-c", uri_of(sock), "start", "vks1", "--console"])
        assert b"Domain 'vks1' started" in con.out, con.out
        con.write(b"pong")
        con.read_until(b"PONG")
        con.write(b"\x1d")
        assert con.wait() == 0, con.out
        assert state(sock, "vks1") == "running"
        pids = [status_pid(root, n) for n in NAMES]

        # kill -9 of virtkitd with three guests running, then a restart
        daemon.proc.kill()
        daemon.proc.wait()
        daemon.stop()
        daemon = None
        assert all(alive(p) for p in pids), "a QEMU died with virtkitd"
        daemon = bed.start()
        sock = daemon.rw
        assert list_all(sock) == {n: "running" for n in NAMES}, list_all(sock)
        assert [status_pid(root, n) for n in NAMES] == pids
        for name in NAMES:
            vk(sock, "suspend", name)
            assert state(sock, name) == "paused"
            vk(sock, "resume", name)
            assert state(sock, name) == "running"
        rtt = vktest.console_session([VIRTKIT, "-c", uri_of(sock), "console", "vks3"], "vks3")
        print("console after the restart: %.3f ms per byte round trip" % rtt)
        for name in NAMES:
            assert "Domain '%s' destroyed" % name in vk(sock, "destroy", name).stdout
        end = time.monotonic() + GUARD
        while any(alive(p) for p in pids):
            reap_all()
            if time.monotonic() > end:
                raise AssertionError("QEMU still running after destroy")
            time.sleep(0.02)
        for name in NAMES:
            vk(sock, "undefine", name)
        assert list_all(sock) == {}
        assert os.listdir(os.path.join(root, "run")) == [], os.listdir(os.path.join(root, "run"))
        print("ok: the shell through virtkitd: lifecycle, console marker, SIGKILL and reattach of 3 guests")
        return 0


if __name__ == "__main__":
    sys.exit(main())
