#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Consoles through virtkitd: STREAM packets on the wire.

A private virtkitd serves qemu:///system; a micro-guest (which echoes COM1
upper-cased) runs with a pty serial port.  Then, each driven through a pty
of its own (os/pty, no pexpect): the real /usr/bin/virsh console and
`virtkit console` type "ping", must read "PING", press ^] and exit 0.
python3-libvirt opens the console with a blocking stream, sends and
receives, finishes.  A read-only connection is refused.  A second
session fails while one is attached; --force takes over and the first
one ends; a client killed with its console open frees it.  After a SIGKILL
of virtkitd and a restart (the guest is reattached) the console works.  Destroying the
guest under an open virsh console ends it cleanly.  Hostile packets:
STREAM data for no stream, a finish for no stream, an oversized STREAM
packet on a live console -- each answered or dropped cleanly, and the
daemon keeps serving.  Prints the console's round-trip time per byte
(no assertion on it)."""

import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import uuid as uuidlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
from vktest import VIRSH, PtyProc, console_session, open_console, uri_of, virsh  # noqa: E402
import vktest  # noqa: E402

BIN = sys.argv[1]
MICRO = os.path.abspath(sys.argv[2])
VIRTKIT = sys.argv[3] if len(sys.argv) > 3 else None
STREAM = 3
CONTINUE = 2


def python_libvirt(sock, name):
    code = r'''
import sys, libvirt
conn = libvirt.open(sys.argv[1])
dom = conn.lookupByName(sys.argv[2])
st = conn.newStream(0)
dom.openConsole(None, st, 0)
assert st.send(b"hello") == 5
got = b""
while b"HELLO" not in got:
    got += st.recv(64)
st.finish()
ro = libvirt.openReadOnly(sys.argv[1])
st2 = ro.newStream(0)
try:
    ro.lookupByName(sys.argv[2]).openConsole(None, st2, 0)
    print("ro open succeeded"); sys.exit(1)
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, e.get_error_code()
print("ok")
'''
    ro_uri = "qemu+unix:///system?socket=" + sock + "-ro"
    r = subprocess.run(["/usr/bin/python3", "-c", code.replace("ro = libvirt.openReadOnly(sys.argv[1])",
                                                               "ro = libvirt.openReadOnly(%r)" % ro_uri),
                        uri_of(sock), name], capture_output=True, text=True, timeout=int(os.environ.get("VK_VIRSH_TIMEOUT", "120")))
    assert r.returncode == 0 and "ok" in r.stdout, (r.returncode, r.stdout, r.stderr)


def hostile(daemon, name, domuuid):
    c = vkwire.Conn(daemon.rw)
    vkwire.handshake(c, "qemu:///system")
    # data for a stream nobody opened: dropped, the connection goes on
    c.send(vkwire.packet(vkwire.REMOTE_PROG, 1, 201, STREAM, 4242, CONTINUE, b"junk"))
    # a finish for a stream nobody opened: an error REPLY comes back
    c.send(vkwire.packet(vkwire.REMOTE_PROG, 1, 201, STREAM, 4243, vkwire.OK))
    m = c.recv_msg()
    assert m[0][3] == vkwire.REPLY and m[0][5] == vkwire.ERROR and m[0][4] == 4243, m[0]
    assert vkwire.decode_error(m[1])[0] == vkwire.VIR_ERR_RPC
    hdr, body = c.call(3)          # CONNECT_GET_TYPE still answered
    assert hdr[5] == vkwire.OK
    # open a console by hand, then send an oversized STREAM packet on it
    args = vkwire.xdr_string(name) + uuidlib.UUID(domuuid).bytes + struct.pack(">i", -1) + \
        struct.pack(">I", 0) + struct.pack(">I", 0)
    serial = c.serial
    hdr, body = c.call(201, args)
    assert hdr[5] == vkwire.OK, vkwire.decode_error(body)
    c.send(vkwire.packet(vkwire.REMOTE_PROG, 1, 201, STREAM, serial, CONTINUE,
                         b"a" * (1024 * 1024)))
    while True:
        m = c.recv_msg()
        assert m is not None
        if m[0][3] == STREAM and m[0][4] == serial and m[0][5] == vkwire.ERROR:
            break
    assert vkwire.decode_error(m[1])[0] == vkwire.VIR_ERR_RPC
    hdr, body = c.call(3)
    assert hdr[5] == vkwire.OK
    # the console is free again for the next session
    c.close()
    assert daemon.alive()


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK) or not os.access(VIRSH, os.X_OK):
        print("SKIP: no QEMU or no virsh")
        return 77
    vktest.become_subreaper()
    vtype = vktest.virt_type()
    root = tempfile.mkdtemp(prefix="vk-qemu-console-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    daemon = None
    name = "vkcon"
    try:
        daemon = vkwire.Daemon(BIN, env=env)
        path = os.path.join(root, name + ".xml")
        with open(path, "w") as f:
            f.write(vktest.micro_domxml(name, MICRO, vtype))
        virsh(daemon.rw, "define", path)
        virsh(daemon.rw, "start", name)
        xml = virsh(daemon.rw, "dumpxml", name).stdout
        assert "<console type='pty' tty='/dev/pts/" in xml, xml
        domuuid = virsh(daemon.rw, "domuuid", name).stdout.strip()

        per = console_session([VIRSH, "-c", uri_of(daemon.rw), "console", name], name)
        print("virsh console through virtkitd: %.3f ms per byte round trip" % per)
        if VIRTKIT:
            per = console_session([VIRTKIT, "-c", uri_of(daemon.rw), "console", name,
                                   "--safe"], name)
            print("virtkit console through virtkitd: %.3f ms per byte round trip" % per)
        python_libvirt(daemon.rw, name)
        hostile(daemon, name, domuuid)

        # One session at a time: a second virsh console fails, one with
        # --force takes over and the first one ends (exit 0).
        first = open_console([VIRSH, "-c", uri_of(daemon.rw), "console", name])
        for client in [VIRSH] + ([VIRTKIT] if VIRTKIT else []):
            second = PtyProc([client, "-c", uri_of(daemon.rw), "console", name])
            assert second.wait() != 0 and b"Active console session" in second.out, second.out
        per = console_session([VIRTKIT or VIRSH, "-c", uri_of(daemon.rw), "console", name,
                               "--force"], name)
        assert first.wait() == 0, first.out

        # A client that dies with its console open: the daemon drops the
        # stream, so the next session needs no --force.
        gone = PtyProc([VIRSH, "-c", uri_of(daemon.rw), "console", name])
        gone.read_until(b"Escape character is ^]")
        os.kill(gone.pid, signal.SIGKILL)
        assert gone.wait() == -signal.SIGKILL
        console_session([VIRSH, "-c", uri_of(daemon.rw), "console", name], name)

        # The pty path lives in the status file: after a SIGKILL of the
        # daemon and a restart (reattach), the console still works.
        daemon.proc.kill()
        daemon.proc.wait()
        daemon.stop()
        daemon = None
        daemon = vkwire.Daemon(BIN, env=env)
        assert virsh(daemon.rw, "domstate", name).stdout.strip() == "running"
        assert "<console type='pty' tty='/dev/pts/" in virsh(daemon.rw, "dumpxml", name).stdout
        console_session([VIRSH, "-c", uri_of(daemon.rw), "console", name], name)

        # A destroy under an open console ends it on both sides: the
        # client sees the end of data, finishes, and exits 0.
        clients = [VIRSH] + ([VIRTKIT] if VIRTKIT else [])
        for i, client in enumerate(clients):
            if i:
                virsh(daemon.rw, "start", name)
            p = open_console([client, "-c", uri_of(daemon.rw), "console", name, "--force"])
            p.write(b"ping")
            p.read_until(b"PING")
            virsh(daemon.rw, "destroy", name)
            rc = p.wait()
            assert rc == 0, (client, rc, p.out)
            assert daemon.alive()
        r = virsh(daemon.rw, "console", name, ok=False)
        assert r.returncode != 0 and "not running" in r.stderr, r.stderr
        virsh(daemon.rw, "undefine", name)
        print("ok: virsh console, virtkit console, python3-libvirt streams, "
              "hostile STREAM packets, reattach, destroy under a console")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
        raise
    finally:
        if daemon is not None:
            try:
                virsh(daemon.rw, "destroy", name, ok=False)
                virsh(daemon.rw, "undefine", name, ok=False)
            except Exception:
                pass
            daemon.stop()
        # QEMUs orphaned by the daemon are our children (subreaper)
        vktest.reap_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
