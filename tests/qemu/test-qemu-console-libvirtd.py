#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The console's wire protocol, checked against the real peer.

A private libvirtd 9.0 with Debian's QEMU driver (own mount namespace,
nothing of the host touched: scripts/private-libvirtd.sh) and a
private virtkitd each run the micro-guest with a pty serial port.  The
real virsh types "ping", reads "PING" and presses ^] through a logging
proxy in front of each daemon; the STREAM packets of both sessions are
reduced to their shape (direction, type, status, empty or not) and must be
the same.  Then virtkit's own client (`virtkit console`) does the same
session against libvirtd, so the remote driver's side is checked against
libvirt's server too.  A second virsh session on each daemon ends with a
destroy of the guest: the end-of-data packets and virsh's exit code must
match as well."""

import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, console_session, open_console, uri_of, virsh  # noqa: E402

BIN, MICRO, VIRTKIT = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
LIBVIRT_QEMU_SO = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"
STREAM = 3


class Proxy:
    """A UNIX socket in front of a daemon's socket that records the header of
    every packet going through: (direction, type, status, payload length)."""

    def __init__(self, target, path):
        self.target, self.path = target, path
        self.log = []
        self.lock = threading.Lock()
        self.ls = socket.socket(socket.AF_UNIX)
        self.ls.bind(path)
        self.ls.listen(4)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            u = socket.socket(socket.AF_UNIX)
            u.connect(self.target)
            threading.Thread(target=self._pump, args=(c, u, "c>s"), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c, "s>c"), daemon=True).start()

    def _pump(self, a, b, direction):
        buf = b""
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                # logged before forwarding, so that an answer is never
                # logged before what it answers
                buf += data
                while len(buf) >= 28:
                    (n,) = struct.unpack(">I", buf[:4])
                    if len(buf) < n:
                        break
                    prog, vers, proc, typ, serial, status = struct.unpack(">IIiIIi", buf[4:28])
                    with self.lock:
                        self.log.append((direction, proc, typ, status, n - 28))
                    buf = buf[n:]
                b.sendall(data)
        except OSError:
            pass
        finally:
            try:
                b.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def stream_shape(self):
        """The STREAM traffic and the console call's reply, data lengths
        reduced to empty / not empty."""
        with self.lock:
            out = []
            quiet = False       # no client data yet since the REPLY
            for direction, proc, typ, status, n in self.log:
                if proc != 201:
                    continue
                if typ == 1:
                    quiet = True
                if typ == STREAM and status == 2 and n > 0:
                    if direction == "c>s":
                        quiet = False
                    elif quiet:
                        # guest output from before anyone typed (the boot
                        # marker): whether it is still in flight when the
                        # console opens depends on how fast the daemon
                        # started the guest, not on the protocol
                        continue
                    item = (direction, "STREAM", "CONTINUE", "data")
                else:
                    item = (direction, {0: "CALL", 1: "REPLY", 3: "STREAM"}.get(typ, typ),
                            {0: "OK", 1: "ERROR", 2: "CONTINUE"}.get(status, status),
                            "data" if n else "empty")
                # runs of data packets count as one (their split depends on timing)
                if not out or out[-1] != item or item[3] != "data":
                    out.append(item)
            return out

    def close(self):
        self.ls.close()


def main():
    for p in ("/usr/bin/qemu-system-x86_64", "/usr/sbin/libvirtd", VIRSH, LIBVIRT_QEMU_SO):
        if not os.path.exists(p):
            print("SKIP: %s missing" % p)
            return 77
    if os.geteuid() != 0:
        print("SKIP: needs root (private libvirtd in its own mount namespace)")
        return 77
    # No child subreaper here: libvirtd daemonizes its QEMUs and must reap
    # them itself (as a subreaper we would keep its dead guests as zombies).
    vtype = vktest.virt_type()
    d = tempfile.mkdtemp(prefix="vk-con-lvd-")
    root = tempfile.mkdtemp(prefix="vk-con-vkd-")
    name = "vkconwire"
    lvd = daemon = None
    proxies = []
    shapes = {}
    codes = {}
    try:
        lvd = vktest.PrivateLibvirtd(d, "qemu")
        lsock = lvd.sock
        daemon = vkwire.Daemon(BIN, env=dict(os.environ, VIRTKIT_QEMU_ROOT=root))
        xml = os.path.join(root, name + ".xml")
        with open(xml, "w") as f:
            f.write(vktest.micro_domxml(name, MICRO, vtype))
        for label, sock in (("libvirtd", lsock), ("virtkitd", daemon.rw)):
            virsh(sock, "create", xml)
            proxy = Proxy(sock, os.path.join(root, label + "-proxy"))
            proxies.append(proxy)
            uri = uri_of(proxy.path)
            per = console_session([VIRSH, "-c", uri, "console", name], name)
            print("virsh console via %s: %.3f ms per byte round trip" % (label, per))
            # the end of data when the guest goes away under a console
            p = open_console([VIRSH, "-c", uri, "console", name])
            p.write(b"ping")
            p.read_until(b"PING")
            virsh(sock, "destroy", name)
            codes[label] = p.wait()
            time.sleep(0.2)     # let the proxy log the last packets (log only)
            shapes[label] = proxy.stream_shape()
            virsh(sock, "create", xml)
        print("libvirtd:", shapes["libvirtd"])
        print("virtkitd:", shapes["virtkitd"])
        assert shapes["libvirtd"] == shapes["virtkitd"], "wire shapes differ"
        assert codes["libvirtd"] == codes["virtkitd"], codes

        # virtkit's client against libvirt's server
        per = console_session([VIRTKIT, "-c", uri_of(lsock), "console", name], name)
        print("virtkit console via libvirtd: %.3f ms per byte round trip" % per)
        for sock in (lsock, daemon.rw):
            virsh(sock, "destroy", name)
        print("ok: console STREAM traffic matches libvirtd's; virtkit's client works with libvirtd")
        return 0
    finally:
        for p in proxies:
            p.close()
        if daemon is not None:
            virsh(daemon.rw, "destroy", name, ok=False)
            daemon.stop()
        if lvd is not None:
            try:
                virsh(lsock, "destroy", name, ok=False)
            except Exception:
                pass
            lvd.stop()
        if not os.environ.get("VK_KEEP"):
            shutil.rmtree(d, ignore_errors=True)
        else:
            print("kept", d)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
