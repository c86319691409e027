#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkitd survives bad input: random and truncated frames, impossible
lengths, unknown programs and procedures, undecodable arguments.  After
each abuse a well-behaved client must still be served."""

import random
import socket
import struct
import sys

import vkwire
from vkwire import REMOTE_PROG, KEEPALIVE_PROG, CALL, REPLY, MESSAGE, ERROR, OK


def healthy(d):
    """A fresh client completes the handshake and a call."""
    c = vkwire.Conn(d.rw)
    vkwire.handshake(c)
    hdr, body = c.call(4)          # CONNECT_GET_VERSION
    assert hdr[5] == OK and len(body) == 8, (hdr, body)
    c.close()
    assert d.alive()


def expect_closed(c):
    """The daemon closes the connection (EOF, or a reset)."""
    try:
        while True:
            data = c.s.recv(65536)
            if not data:
                return
    except ConnectionResetError:
        return


def test_huge_length(d):
    c = vkwire.Conn(d.rw)
    c.send(struct.pack(">I", 0xFFFFFFFF))
    expect_closed(c)
    d.wait_for("exceeds the maximum")
    # 32 MiB + 1: just over the limit is refused too
    c = vkwire.Conn(d.rw)
    c.send(struct.pack(">I", 32 * 1024 * 1024 + 1))
    expect_closed(c)
    healthy(d)


def test_small_length(d):
    for n in (0, 8, 27):
        c = vkwire.Conn(d.rw)
        c.send(struct.pack(">I", n) + b"\0" * 24)
        expect_closed(c)
    d.wait_for("smaller than the 28-byte minimum")
    healthy(d)


def test_truncated(d):
    # A header promising 100 bytes, 40 delivered, then the peer leaves.
    c = vkwire.Conn(d.rw)
    c.send(vkwire.packet(REMOTE_PROG, 1, 4, CALL, 0, 0, b"\0" * 72)[:40])
    c.s.shutdown(socket.SHUT_WR)
    expect_closed(c)
    d.wait_for("closed in the middle of a packet")
    # Truncated before the length word is complete.
    c = vkwire.Conn(d.rw)
    c.send(b"\0\0")
    c.close()
    healthy(d)


def test_unknown_program_and_procedure(d):
    c = vkwire.Conn(d.rw)
    vkwire.handshake(c)
    hdr, body = c.call(4, prog=0x12345678)
    code, _, msg = vkwire.decode_error(body)
    assert hdr[0] == 0x12345678 and hdr[3] == REPLY and hdr[5] == ERROR
    assert code == vkwire.VIR_ERR_RPC and "unknown program" in msg, msg
    hdr, body = c.call(4, vers=7)
    assert hdr[5] == ERROR and "unknown program" in vkwire.decode_error(body)[2]
    for proc in (0, 444, 100000, -5):
        hdr, body = c.call(proc)
        code, _, msg = vkwire.decode_error(body)
        assert hdr[5] == ERROR and code == vkwire.VIR_ERR_RPC, (proc, code, msg)
        assert "unknown procedure: %d" % proc in msg, msg
    # Still usable on the same connection.
    hdr, body = c.call(4)
    assert hdr[5] == OK
    c.close()


def test_garbage_args(d):
    c = vkwire.Conn(d.rw)
    vkwire.handshake(c)
    # DOMAIN_LOOKUP_BY_NAME: a string length far beyond the body.
    hdr, body = c.call(23, struct.pack(">I", 0x7FFFFFF0) + b"abc\0")
    code, _, msg = vkwire.decode_error(body)
    assert hdr[5] == ERROR and code == vkwire.VIR_ERR_RPC, (code, msg)
    assert "decode" in msg, msg
    # Trailing bytes after a void-argument procedure.
    hdr, body = c.call(4, b"\0\0\0\1")
    assert hdr[5] == ERROR and vkwire.decode_error(body)[0] == vkwire.VIR_ERR_RPC
    # A body that is not a multiple of 4.
    hdr, body = c.call(60, b"\0\0")
    assert hdr[5] == ERROR and vkwire.decode_error(body)[0] == vkwire.VIR_ERR_RPC
    # Wrong message types from a client.
    for typ in (REPLY, MESSAGE, 3, 4, 77):
        hdr, body = c.call(4, typ=typ)
        assert hdr[3] == REPLY and hdr[5] == ERROR, (typ, hdr)
    # With descriptors (type 4), a count of none: served as a plain CALL.
    hdr, body = c.call(4, struct.pack(">I", 0), typ=4)
    assert hdr[3] == REPLY and hdr[5] == OK, hdr
    hdr, body = c.call(4)
    assert hdr[5] == OK
    c.close()


def test_keepalive_ping(d):
    c = vkwire.Conn(d.rw)
    c.send(vkwire.packet(KEEPALIVE_PROG, 1, 1, MESSAGE, 0))
    hdr, body = c.recv_msg()
    assert hdr == (KEEPALIVE_PROG, 1, 2, MESSAGE, 0, 0) and body == b"", hdr
    c.close()


def test_random_frames(d):
    rng = random.Random(20240611)
    for i in range(300):
        c = vkwire.Conn(d.rw)
        kind = i % 3
        if kind == 0:       # pure noise
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200)))
        elif kind == 1:     # a plausible length, random header and body
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 120)))
            data = struct.pack(">I", 4 + len(body)) + body
        else:               # a valid header for a real procedure, random body
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
            proc = rng.choice([1, 4, 10, 11, 14, 23, 60, 66, 273, 316])
            data = vkwire.packet(REMOTE_PROG, 1, proc, CALL, i, 0, body)
        c.send(data)
        c.s.shutdown(socket.SHUT_WR)
        expect_closed(c)
        c.close()
        if i % 50 == 0:
            healthy(d)
    healthy(d)


def main():
    binary = sys.argv[1]
    with vkwire.Daemon(binary) as d:
        for name, fn in sorted(globals().items()):
            if name.startswith("test_") and callable(fn):
                fn(d)
                print("ok", name)
        assert d.alive(), "virtkitd died"


if __name__ == "__main__":
    main()
