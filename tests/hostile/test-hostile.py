#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile clients against virtkitd (issue 7, item 3).

Each phase attacks one private daemon, then checks the same three things:
the daemon process is the one we started (same pid, still running), its
resident memory stays under a generous bound (VmRSS from /proc), and a
well-behaved python3-libvirt client is served (getVersion + listAllDomains).

Phases: 10,000 mutated and random frames from 20 connections at once;
200 half-open connections held open together; 2,000 connections at once
(all served when max_clients allows, the excess refused cleanly when it
does not, and refused cleanly when the daemon runs out of descriptors);
oversized strings, arrays and negative counts in every argument position
of a sample of procedures.  The client that never reads its events is
tests/daemon/test-python.py:test_slow_event_client; the read-only socket
against every mutating procedure is tests/daemon/ro-procs.c."""

import os
import random
import resource
import socket
import struct
import sys
import threading

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
from vkwire import REMOTE_PROG, CALL, OK, ERROR, rss_kib  # noqa: E402

BIN = sys.argv[1]
RSS_LIMIT_KIB = 200 * 1024
STRING_MAX = 4194304
NCONN = 2000


def served(d, pid):
    """Same daemon, bounded memory, and a normal client gets answers."""
    assert d.alive() and d.proc.pid == pid, "virtkitd died"
    rss = rss_kib(pid)
    assert rss < RSS_LIMIT_KIB, "virtkitd RSS %d KiB exceeds the bound" % rss
    vkwire.served(d.rw)
    return rss


def drain(c):
    """Reads until EOF or reset; True if the daemon closed the socket."""
    try:
        while c.s.recv(65536):
            pass
    except (ConnectionResetError, socket.timeout, OSError):
        pass
    return True


# ---- phase 1: mutated and random frames ----

def dom(name="test"):
    return vkwire.xdr_string(name) + b"\0" * 16 + struct.pack(">i", -1)


def captured_calls():
    """Valid calls as a real client sends them after the handshake."""
    body = [
        (4, b""), (3, b""), (59, b""), (6, b""),
        (23, vkwire.xdr_string("test")),
        (14, dom() + struct.pack(">I", 0)),
        (273, struct.pack(">iI", 1, 0)),
        (37, struct.pack(">i", 10)),
        (21, struct.pack(">i", 10)),
        (60, struct.pack(">i", 10)),
        (316, struct.pack(">iI", 0, 0)),
        (11, vkwire.xdr_string("<domain type='test'><name>mut</name>"
                               "<memory>1024</memory></domain>")),
    ]
    return [vkwire.packet(REMOTE_PROG, 1, p, CALL, i, 0, b) for i, (p, b) in enumerate(body)]


def mutate(rng, frame):
    f = bytearray(frame)
    kind = rng.randrange(9)
    if kind == 0:                       # flip bytes
        for _ in range(rng.randint(1, 8)):
            f[rng.randrange(len(f))] ^= 1 << rng.randrange(8)
    elif kind == 1:                     # truncate
        f = f[:rng.randrange(len(f))]
    elif kind == 2:                     # lie about the length
        struct.pack_into(">I", f, 0, rng.choice([0, 4, 27, 28, len(f) - 4, len(f) + 4,
                                                 rng.randrange(1 << 16), 0xFFFFFFFF]))
    elif kind == 3:                     # another procedure
        struct.pack_into(">i", f, 12, rng.choice([0, -1, 1, 2, 66, 444, rng.randrange(500)]))
    elif kind == 4:                     # another type
        struct.pack_into(">I", f, 16, rng.randrange(8))
    elif kind == 5:                     # another serial, another status
        struct.pack_into(">Ii", f, 20, rng.getrandbits(32), rng.randrange(-2, 3))
    elif kind == 6:                     # program / version
        struct.pack_into(">II", f, 4, rng.choice([REMOTE_PROG, 0x6B656570, 0]),
                         rng.randrange(3))
    elif kind == 7:                     # garbage appended inside the frame
        extra = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
        f += extra
        struct.pack_into(">I", f, 0, len(f))
    else:                               # pure noise
        f = bytearray(rng.getrandbits(8) for _ in range(rng.randint(1, 120)))
    return bytes(f)


def frame_worker(d, seed, count, stats):
    rng = random.Random(seed)
    calls = captured_calls()
    sent = 0
    while sent < count:
        c = vkwire.Conn(d.rw, timeout=30)
        vkwire.handshake(c)
        reader = threading.Thread(target=drain, args=(c,), daemon=True)
        reader.start()
        try:
            # A connection carries frames until the daemon drops it (a
            # length it refuses) or 200 frames went through.
            for _ in range(200):
                if sent >= count:
                    break
                c.send(mutate(rng, rng.choice(calls)))
                sent += 1
        except (BrokenPipeError, ConnectionResetError):
            stats["dropped"] += 1
        try:
            c.s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        reader.join(timeout=60)
        assert not reader.is_alive(), "the daemon never ended a hostile connection"
        c.close()
    stats["sent"] += sent


def test_mutated_frames(d, pid):
    stats = {"sent": 0, "dropped": 0}
    threads = [threading.Thread(target=frame_worker, args=(d, 1000 + i, 500, stats))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stats["sent"] == 10000, stats
    return served(d, pid)


# ---- phase 2: half-open connections ----

def test_half_open(d, pid):
    held = []
    for _ in range(200):
        c = vkwire.Conn(d.rw)
        c.send(b"\0\0")
        held.append(c)
    # While all 200 wait for the rest of their length word, others are served.
    rss = served(d, pid)
    for c in held:
        c.close()
    served(d, pid)
    return rss


# ---- phase 3: 2,000 connections at once ----

def open_many(path, n):
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)
        s.connect(path)
        socks.append(s)
    return socks


def auth_list_all(socks):
    """Sends AUTH_LIST on every socket; returns (answered, closed)."""
    for s in socks:
        try:
            s.sendall(vkwire.packet(REMOTE_PROG, 1, 66, CALL, 1))
        except (BrokenPipeError, ConnectionResetError):
            pass
    answered = closed = 0
    for s in socks:
        c = vkwire.Conn.__new__(vkwire.Conn)
        c.s = s
        try:
            m = c.recv_msg()
        except ConnectionResetError:
            m = None
        if m is None:
            closed += 1
        else:
            assert m[0][2] == 66 and m[0][5] == OK, m[0]
            answered += 1
    return answered, closed


def test_many_connections(d, pid, max_clients):
    assert max_clients >= NCONN, "the default test config must allow %d clients" % NCONN
    socks = open_many(d.rw, NCONN)
    try:
        answered, closed = auth_list_all(socks)
        assert (answered, closed) == (NCONN, 0), (answered, closed)
        rss = served(d, pid)
    finally:
        for s in socks:
            s.close()
    served(d, pid)
    return rss


def wait_released(d, mark, count):
    """Blocks until the daemon logged the release of count clients since
    mark: a closed socket frees its slot only once the daemon saw the EOF."""
    def released():
        return sum(": released" in line for line in d.lines[mark:]) >= count
    with d.cond:
        assert d.cond.wait_for(released, timeout=120), "clients were never released"


def test_excess_refused(limit):
    """max_clients below the crowd: the excess is closed at once, logged,
    and the daemon serves again once the crowd leaves."""
    with vkwire.Daemon(BIN, config="max_clients = %d\n" % limit) as d:
        pid = d.proc.pid
        socks = open_many(d.rw, NCONN)
        try:
            answered, closed = auth_list_all(socks)
            assert answered == limit and closed == NCONN - limit, (answered, closed)
            d.wait_for("max_clients (%d) reached" % limit)
            assert d.alive() and rss_kib(pid) < RSS_LIMIT_KIB
        finally:
            mark = d.mark()
            for s in socks:
                s.close()
        wait_released(d, mark, limit)
        served(d, pid)


def test_out_of_descriptors():
    """The daemon's own RLIMIT_NOFILE is far below the crowd: connections
    it cannot accept are refused (closed) instead of left in the backlog,
    the accept failure is logged once per burst (not once per wakeup of a
    busy loop), and the daemon serves again afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        d = vkwire.Daemon(BIN, config="max_clients = 5000\n")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with d:
        pid = d.proc.pid
        socks = open_many(d.rw, 1000)
        try:
            answered, closed = auth_list_all(socks)
            assert answered > 100 and closed > 0 and answered + closed == 1000, \
                (answered, closed)
            d.wait_for("out of file descriptors")
            spam = d.logtext().count("accept on")
            assert spam <= 10, "accept failures logged %d times" % spam
            assert d.alive() and rss_kib(pid) < RSS_LIMIT_KIB
        finally:
            mark = d.mark()
            for s in socks:
                s.close()
        wait_released(d, mark, answered)
        served(d, pid)


# ---- phase 4: oversized arguments ----

def big_string():
    return struct.pack(">I", STRING_MAX + 1) + b"a" * (STRING_MAX + 4)


def oversize_cases():
    """(description, proc, body): every argument position of a sample of
    procedures holding a string one byte over REMOTE_STRING_MAX, an array
    one element over its MAX, or a negative / huge count."""
    S = big_string()
    u32 = lambda v: struct.pack(">I", v & 0xFFFFFFFF)   # noqa: E731
    uuid = b"\0" * 16
    cases = []
    # CONNECT_OPEN (optional string name, flags) is sent before the
    # connection is open, on a fresh socket: see test_oversized.
    cases.append(("DOMAIN_LOOKUP_BY_NAME name", 23, S))
    cases.append(("DOMAIN_DEFINE_XML xml", 11, S))
    cases.append(("DOMAIN_DEFINE_XML_FLAGS xml", 350, S + u32(0)))
    cases.append(("DOMAIN_CREATE_XML xml", 10, S + u32(0)))
    cases.append(("DOMAIN_GET_XML_DESC dom.name", 14, S + uuid + u32(1) + u32(0)))
    cases.append(("CONNECT_GET_CAPABILITIES trailing string", 7, S))
    meta = [vkwire.xdr_string("test") + uuid + u32(1), u32(0),
            u32(1) + vkwire.xdr_string("m"), u32(1) + vkwire.xdr_string("k"),
            u32(1) + vkwire.xdr_string("u"), u32(0)]
    for pos, what in ((0, "dom.name"), (2, "metadata"), (3, "key"), (4, "uri")):
        parts = list(meta)
        parts[pos] = S + uuid + u32(1) if pos == 0 else u32(1) + S
        cases.append(("DOMAIN_SET_METADATA " + what, 264, b"".join(parts)))
    # Typed parameter arrays: MAX (16) + 1 elements, negative counts, and
    # oversized strings in the field name and in a string value.
    one = vkwire.xdr_string("weight") + u32(2) + u32(1)
    for count, elems in ((17, one * 17), (-1, b""), (0x7FFFFFFF, one)):
        cases.append(("DOMAIN_SET_SCHEDULER_PARAMETERS count %d" % count, 58,
                      dom() + u32(count) + elems))
    cases.append(("DOMAIN_SET_SCHEDULER_PARAMETERS field", 58,
                  dom() + u32(1) + S + u32(2) + u32(1)))
    cases.append(("DOMAIN_SET_SCHEDULER_PARAMETERS string value", 58,
                  dom() + u32(1) + vkwire.xdr_string("weight") + u32(7) + S))
    cases.append(("DOMAIN_SET_SCHEDULER_PARAMETERS bad type", 58,
                  dom() + u32(1) + vkwire.xdr_string("weight") + u32(99) + u32(1)))
    cases.append(("DOMAIN_SET_MEMORY_PARAMETERS count 17", 197,
                  dom() + u32(17) + one * 17 + u32(0)))
    # Plain arrays: send-key codes (MAX 16), a cpumap (MAX 2048 bytes).
    for count, data in ((17, u32(1) * 17), (-1, b""), (1 << 30, u32(1))):
        cases.append(("DOMAIN_SEND_KEY keycodes %d" % count, 226,
                      dom() + u32(0) + u32(0) + u32(count) + data + u32(0)))
    cases.append(("DOMAIN_PIN_VCPU cpumap 2049", 26,
                  dom() + u32(0) + u32(2049) + b"\xff" * 2052))
    cases.append(("DOMAIN_PIN_VCPU cpumap -1", 26, dom() + u32(0) + u32(-1)))
    # Counts the server allocates from.
    for proc, name in ((37, "CONNECT_LIST_DOMAINS"), (21, "CONNECT_LIST_DEFINED_DOMAINS")):
        for n in (-1, 16385, -0x80000000):
            cases.append(("%s %d" % (name, n), proc, struct.pack(">i", n)))
    return cases


def test_oversized(d, pid):
    c = vkwire.Conn(d.rw, timeout=60)
    # CONNECT_OPEN with a 4 MiB + 1 URI, then a real open on the same socket.
    hdr, body = c.call(1, struct.pack(">I", 1) + big_string() + struct.pack(">I", 0))
    assert hdr[5] == ERROR and vkwire.decode_error(body)[0] == vkwire.VIR_ERR_RPC, \
        vkwire.decode_error(body)
    vkwire.handshake(c)
    for what, proc, body in oversize_cases():
        hdr, payload = c.call(proc, body)
        assert hdr[5] == ERROR, "%s was accepted" % what
        code, _, msg = vkwire.decode_error(payload)
        assert code == vkwire.VIR_ERR_RPC, (what, code, msg)
        # The same connection is still served after each refusal.
        hdr, payload = c.call(4)
        assert hdr[5] == OK, what
    c.close()
    return served(d, pid)


def main():
    libvirt.registerErrorHandler(lambda *a: None, None)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * NCONN + 256
    if hard < need:
        print("SKIP: RLIMIT_NOFILE hard limit %d is below the %d this test needs" % (hard, need))
        sys.exit(77)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))

    # The daemon inherits the raised limit; its max_clients is the default
    # (5000), which the config below states explicitly so that the 2,000
    # connection phase knows what to expect.
    max_clients = 5000
    with vkwire.Daemon(BIN, config="max_clients = %d\n" % max_clients) as d:
        pid = d.proc.pid
        base = served(d, pid)
        print("ok baseline (RSS %d KiB)" % base)
        print("ok test_mutated_frames (RSS %d KiB)" % test_mutated_frames(d, pid))
        print("ok test_half_open (RSS %d KiB)" % test_half_open(d, pid))
        print("ok test_many_connections (RSS %d KiB)" %
              test_many_connections(d, pid, max_clients))
        print("ok test_oversized (RSS %d KiB)" % test_oversized(d, pid))
        assert d.alive() and d.proc.pid == pid
    test_excess_refused(500)
    print("ok test_excess_refused")
    test_out_of_descriptors()
    print("ok test_out_of_descriptors")


if __name__ == "__main__":
    main()
