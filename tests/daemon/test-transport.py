#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkitd's transport: socket modes, peer credentials on the read-write
socket, the pidfile, the config file, keepalive in both directions, request
slots (pipelined calls beyond max_client_requests are all answered, and a
PING is answered while the slots are full), and --timeout."""

import os
import socket
import stat
import struct
import subprocess
import sys
import tempfile

import vkwire
from vkwire import REMOTE_PROG, KEEPALIVE_PROG, CALL, REPLY, MESSAGE, OK

BIN = sys.argv[1]


def test_sockets_and_pidfile():
    with tempfile.TemporaryDirectory() as tmp:
        pidfile = os.path.join(tmp, "vkd.pid")
        with vkwire.Daemon(BIN, extra=["--pidfile", pidfile]) as d:
            assert stat.S_IMODE(os.stat(d.rw).st_mode) == 0o700
            assert stat.S_IMODE(os.stat(d.ro).st_mode) == 0o777
            with open(pidfile) as f:
                assert int(f.read()) == d.proc.pid
            # A second daemon on the same directory refuses to start.
            r = subprocess.run([BIN, "--socket-dir", d.dir], capture_output=True, text=True,
                               timeout=30)
            assert r.returncode != 0 and "already listening" in r.stderr, r.stderr
            d.proc.terminate()
            assert d.proc.wait(timeout=30) == 0
            assert not os.path.exists(pidfile), "pidfile left behind"
            assert not os.path.exists(d.rw) and not os.path.exists(d.ro)


def test_config_file():
    with tempfile.TemporaryDirectory() as tmp:
        sockdir = os.path.join(tmp, "sub", "dir")
        cfg = ('# comment\nunix_sock_dir = "%s"\nunix_sock_ro_perms = "0755"\n'
               'unix_sock_rw_perms = "0770"\nauth_unix_rw = "none"\n' % sockdir)
        cfgpath = os.path.join(tmp, "c.conf")
        with open(cfgpath, "w") as f:
            f.write(cfg)
        rfd, wfd = os.pipe()
        p = subprocess.Popen([BIN, "--config", cfgpath, "--ready-fd", str(wfd)],
                             pass_fds=(wfd,), stderr=subprocess.PIPE, text=True)
        os.close(wfd)
        with os.fdopen(rfd, "rb") as r:
            assert r.read(1) == b"\n"
        try:
            assert stat.S_IMODE(os.stat(os.path.join(sockdir, "virtkit-sock")).st_mode) == 0o770
            assert stat.S_IMODE(os.stat(os.path.join(sockdir, "virtkit-sock-ro")).st_mode) == 0o755
        finally:
            p.terminate()
            p.wait(timeout=30)
        # Bad values are refused with the file, line and key named.
        with open(cfgpath, "w") as f:
            f.write("max_clients = 10\nmax_client_requests = lots\n")
        r = subprocess.run([BIN, "--config", cfgpath, "--socket-dir", tmp],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, r
        assert "c.conf:2" in r.stderr and "max_client_requests" in r.stderr, r.stderr


def test_peercred():
    if os.geteuid() != 0:
        print("skip peercred: needs root to act as another uid")
        return
    with vkwire.Daemon(BIN) as d:
        os.chmod(d.dir, 0o755)
        os.chmod(d.rw, 0o777)       # so only SO_PEERCRED stands in the way
        script = ("import socket,sys,struct\n"
                  "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(30)\n"
                  "try:\n"
                  "    s.sendall(struct.pack('>IIIiIIi',28,0x6b656570,1,1,2,0,0))\n"
                  "    print('pong' if len(s.recv(100)) == 28 else 'closed')\n"
                  "except OSError:\n    print('closed')\n")

        def as_nobody(path):
            return subprocess.run(["/usr/bin/python3", "-c", script, path], capture_output=True,
                                  text=True, timeout=30,
                                  preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
        r = as_nobody(d.rw)
        assert r.stdout.strip() == "closed", (r.stdout, r.stderr)
        d.wait_for("uid 65534 may only use the read-only socket")
        r = as_nobody(d.ro)
        assert r.stdout.strip() == "pong", (r.stdout, r.stderr)


def test_keepalive_from_daemon():
    cfg = "keepalive_interval = 1\nkeepalive_count = 2\n"
    with vkwire.Daemon(BIN, config=cfg) as d:
        # A client that never asked for keepalive gets no PING: it is sent
        # a reply to a later call first.
        quiet = vkwire.Conn(d.rw)
        # The one that asked answers the first PING and then goes silent.
        c = vkwire.Conn(d.rw)
        hdr, body = c.call(60, struct.pack(">i", 10))
        assert body == b"\0\0\0\1"
        hdr, _ = c.recv_msg()
        assert hdr == (KEEPALIVE_PROG, 1, 1, MESSAGE, 0, 0), hdr
        c.send(vkwire.packet(KEEPALIVE_PROG, 1, 2, MESSAGE, 0))
        hdr, _ = c.recv_msg()
        assert hdr[:3] == (KEEPALIVE_PROG, 1, 1), hdr   # still served, pinged again
        pings = 1
        while True:
            m = c.recv_msg()
            if m is None:
                break
            assert m[0][:3] == (KEEPALIVE_PROG, 1, 1), m
            pings += 1
        assert pings == 2, pings
        d.wait_for("no answer to 2 keepalive PINGs")
        # The quiet client was never pinged and is still served.
        quiet.s.setblocking(False)
        try:
            data = quiet.s.recv(100)
        except BlockingIOError:
            data = None
        assert data is None, data
        quiet.s.setblocking(True)
        hdr, _ = quiet.call(60, struct.pack(">i", 14))
        assert hdr[5] == OK


def test_request_slots():
    cfg = "max_client_requests = 2\nkeepalive_interval = 0\n"
    env = dict(os.environ, VIRTKITD_TEST_SLOW_PROC="4:1500")
    with vkwire.Daemon(BIN, config=cfg, env=env) as d:
        c = vkwire.Conn(d.rw)
        vkwire.handshake(c)
        # Two slow calls fill both slots, a third waits; then a PING.
        for serial in (100, 101, 102):
            c.send(vkwire.packet(REMOTE_PROG, 1, 4, CALL, serial))
        c.send(vkwire.packet(KEEPALIVE_PROG, 1, 1, MESSAGE, 0))
        hdr, _ = c.recv_msg()
        assert hdr[:3] == (KEEPALIVE_PROG, 1, 2), \
            "PONG must come before the slow replies: %r" % (hdr,)
        got = sorted(c.recv_reply()[0][4] for _ in range(3))
        assert got == [100, 101, 102], got
        # Many pipelined fast calls: all answered, none lost.
        burst = b"".join(vkwire.packet(REMOTE_PROG, 1, 60, CALL, 1000 + i, 0,
                                       struct.pack(">i", 10)) for i in range(200))
        c.send(burst)
        got = sorted(c.recv_reply()[0][4] for _ in range(200))
        assert got == list(range(1000, 1200))


def test_read_ahead():
    """The daemon reads as much as the socket holds and handles every whole
    packet in it: packets arriving together, one larger than the read
    buffer between small ones, and packets cut anywhere (the length word
    included) are all answered, the large one intact."""
    with vkwire.Daemon(BIN) as d:
        c = vkwire.Conn(d.rw)
        vkwire.handshake(c)
        desc = "x" * 150000
        xml = ("<domain type='test'><name>big</name><memory>1024</memory>"
               "<description>%s</description><os><type>hvm</type></os></domain>" % desc)
        burst = b"".join([
            vkwire.packet(REMOTE_PROG, 1, 4, CALL, 200),
            vkwire.packet(REMOTE_PROG, 1, 60, CALL, 201, 0, struct.pack(">i", 10)),
            vkwire.packet(REMOTE_PROG, 1, 11, CALL, 202, 0, vkwire.xdr_string(xml)),
            vkwire.packet(REMOTE_PROG, 1, 4, CALL, 203),
        ])
        c.send(burst)
        replies = {}
        for _ in range(4):
            hdr, body = c.recv_reply()
            assert hdr[5] == OK, (hdr, vkwire.decode_error(body))
            replies[hdr[4]] = body
        assert sorted(replies) == [200, 201, 202, 203], sorted(replies)
        assert replies[200] == replies[203] and len(replies[200]) == 8
        assert replies[201] == b"\0\0\0\1"
        # The large packet arrived whole: its description reads back.
        name = vkwire.xdr_string("big")
        hdr, body = c.call(23, name)               # LOOKUP_BY_NAME
        assert hdr[5] == OK, vkwire.decode_error(body)
        dom = body
        hdr, body = c.call(14, dom + struct.pack(">I", 2))   # GET_XML_DESC, INACTIVE
        assert hdr[5] == OK, vkwire.decode_error(body)
        assert desc.encode() in body
        # One packet cut inside its length word, its header and its body,
        # and a second whole one sent with the last piece.
        one = vkwire.packet(REMOTE_PROG, 1, 60, CALL, 300, 0, struct.pack(">i", 10))
        two = vkwire.packet(REMOTE_PROG, 1, 4, CALL, 301)
        for piece in (one[:2], one[2:9], one[9:-2], one[-2:] + two):
            c.send(piece)
        got = sorted(c.recv_reply()[0][4] for _ in range(2))
        assert got == [300, 301], got


def test_no_xen_libraries():
    """Xen's libraries are opened on the first xen:// connection only
    (drivers/xen/xen-libs.c): a daemon serving test:/// has none mapped."""
    with vkwire.Daemon(BIN) as d:
        c = vkwire.Conn(d.rw)
        vkwire.handshake(c)
        hdr, _ = c.call(4)
        assert hdr[5] == OK
        with open("/proc/%d/maps" % d.proc.pid) as f:
            maps = f.read()
        assert "libxen" not in maps, [l for l in maps.splitlines() if "libxen" in l]


def test_idle_timeout():
    with vkwire.Daemon(BIN, extra=["--timeout", "1"]) as d:
        c = vkwire.Conn(d.rw)     # a connected client keeps it alive
        c.call(60, struct.pack(">i", 10))
        c.close()
        assert d.proc.wait(timeout=60) == 0
        d.wait_for("no client for 1 seconds")


def main():
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print("ok", name)


if __name__ == "__main__":
    main()
