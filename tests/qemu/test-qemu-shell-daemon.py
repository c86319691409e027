#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The QEMU issue's own check, typed into virtkit's shell.

A private virtkitd serves qemu:///system.  With `virtkit -c
qemu+unix:///system?socket=...` (one shell process per command, as a user
types them): define three micro-guests, start them, suspend and resume
one; open `virtkit console` on it (a pty of its own) and see the guest
itself speak there -- the echo of typed bytes, its boot marker after a
`reset`, its power-off marker after an ACPI `shutdown`, after which the
console ends by itself and the domain is shut off.  Start it again, SIGKILL
virtkitd with the three guests running, restart it: all three are running
with the same QEMU processes and are controllable (suspend/resume, a
console, destroy).  Nothing is left behind."""

import ctypes
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vkwire  # noqa: E402

_spec = importlib.util.spec_from_file_location("condaemon", os.path.join(HERE, "test-qemu-console-daemon.py"))
condaemon = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(condaemon)

BIN, VIRTKIT = sys.argv[1], sys.argv[3]
PR_SET_CHILD_SUBREAPER = 36
GUARD = 30          # seconds before a wait counts as a hang (not a timing check)
NAMES = ("vks1", "vks2", "vks3")


def vk(sock, *args, ok=True):
    r = subprocess.run([VIRTKIT, "-c", condaemon.uri_of(sock)] + list(args),
                       capture_output=True, text=True, timeout=120)
    if ok and r.returncode != 0:
        raise AssertionError("virtkit %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                               r.stdout, r.stderr))
    return r


def state(sock, name):
    return vk(sock, "domstate", name).stdout.strip()


def wait_state(sock, name, want):
    end = time.monotonic() + GUARD
    while state(sock, name) != want:
        if time.monotonic() > end:
            raise AssertionError("%s never became %r (is %r)" % (name, want, state(sock, name)))
        time.sleep(0.05)


def list_all(sock):
    """name -> state from `list --all` (virsh's table layout)."""
    out = {}
    for line in vk(sock, "list", "--all").stdout.splitlines()[2:]:
        parts = line.split(None, 2)
        if len(parts) == 3:
            out[parts[1]] = parts[2].strip()
    return out


def qemu_pid(root, name):
    """The QEMU pid from the driver's live-state file (run/NAME.xml)."""
    with open(os.path.join(root, "run", name + ".xml")) as f:
        text = f.read()
    key = "pid='"
    i = text.index(key) + len(key)
    return int(text[i:text.index("'", i)])


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def reap_all():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK):
        print("SKIP: no QEMU")
        return 77
    # QEMU outlives a SIGKILLed daemon; as subreaper we collect it at the end
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    vtype = "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "qemu"
    root = tempfile.mkdtemp(prefix="vk-qemu-shell-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    daemon = None
    pids = []
    try:
        daemon = vkwire.Daemon(BIN, env=env)
        sock = daemon.rw
        for name in NAMES:
            path = os.path.join(root, name + ".xml")
            with open(path, "w") as f:
                f.write(condaemon.domxml(name, vtype))
            assert "Domain '%s' defined" % name in vk(sock, "define", path).stdout
        assert list_all(sock) == {n: "shut off" for n in NAMES}, list_all(sock)
        for name in NAMES:
            assert "Domain '%s' started" % name in vk(sock, "start", name).stdout
        assert list_all(sock) == {n: "running" for n in NAMES}, list_all(sock)
        assert "<domain type='%s'" % vtype in vk(sock, "dumpxml", "vks1").stdout
        vk(sock, "suspend", "vks1")
        assert state(sock, "vks1") == "paused"
        vk(sock, "resume", "vks1")
        assert state(sock, "vks1") == "running"

        # The guest on the console: echo, boot marker after reset,
        # power-off marker after ACPI shutdown, then the console ends.
        con = condaemon.PtyProc([VIRTKIT, "-c", condaemon.uri_of(sock), "console", "vks1"])
        con.read_until(b"Escape character is ^]")
        con.wait_raw()
        con.write(b"ping")
        con.read_until(b"PING")
        vk(sock, "reset", "vks1")
        con.read_until(b"VK-MICRO-READY")
        vk(sock, "shutdown", "vks1")
        con.read_until(b"VK-MICRO-POWEROFF")
        assert con.wait() == 0, con.out
        wait_state(sock, "vks1", "shut off")
        vk(sock, "start", "vks1")
        pids = [qemu_pid(root, n) for n in NAMES]

        # kill -9 of virtkitd with three guests running, then a restart
        daemon.proc.kill()
        daemon.proc.wait()
        daemon.stop()
        daemon = None
        assert all(alive(p) for p in pids), "a QEMU died with virtkitd"
        daemon = vkwire.Daemon(BIN, env=env)
        sock = daemon.rw
        assert list_all(sock) == {n: "running" for n in NAMES}, list_all(sock)
        assert [qemu_pid(root, n) for n in NAMES] == pids
        for name in NAMES:
            vk(sock, "suspend", name)
            assert state(sock, name) == "paused"
            vk(sock, "resume", name)
            assert state(sock, name) == "running"
        rtt = condaemon.console_session([VIRTKIT, "-c", condaemon.uri_of(sock), "console", "vks3"],
                                        "vks3")
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
        print("ok: the shell through virtkitd: lifecycle, console markers, SIGKILL and reattach of 3 guests")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        reap_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
