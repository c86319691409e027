#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Back-pressure and fair service in virtkitd (issue 20, items 1 and 2).

test_never_reading_client: user nobody, on the read-only socket, pipelines
GetCapabilities calls and never reads a reply.  The calls it manages to
send would produce far more reply bytes than the memory bound; the
daemon's RSS must stay within RSS_GROWTH_MAX_KIB of what it was before,
the daemon must stop reading the client (its writes block), drop it with
a log line once client_stall_timeout passes without a byte read, and keep
serving a well-behaved client meanwhile.  Then the same with keepalive
PINGs whose PONGs are never read.

test_flood_does_not_starve: two clients (separate processes) pipeline
GetCapabilities as fast as they can while reading their replies; a third
does GetVersion round trips.  Only starvation is asserted (no round trip
longer than STARVED_S); p50/p99/max are printed for people to read."""

import os
import socket
import subprocess
import sys
import tempfile

import vkwire
from vkwire import REMOTE_PROG, KEEPALIVE_PROG, CALL, MESSAGE, OK, rss_kib

BIN = sys.argv[1]
NOBODY = 65534
PROC_GET_VERSION = 4
PROC_GET_CAPABILITIES = 7
RSS_GROWTH_MAX_KIB = 100 * 1024
FLOOD_REPLY_BYTES = 1 << 30     # what the calls sent would be answered with
STALL_TIMEOUT = 5               # client_stall_timeout given to the daemon
SEND_BLOCKED_S = 3              # a send blocked this long: the daemon stopped reading
STARVED_S = 1.0
GUARD_S = 20                    # no reply at all: starved, stop waiting
MEASURE_S = 8


def daemon_env():
    # Under AddressSanitizer freed blocks sit in a quarantine (256 MB by
    # default) that would count as the daemon's RSS; keep it small.
    opts = os.environ.get("ASAN_OPTIONS", "")
    return dict(os.environ, ASAN_OPTIONS=(opts + ":" if opts else "") + "quarantine_size_mb=8")


def connect_as(path, uid):
    """A socket connected to path by a child running as uid (the daemon
    reads the peer's credentials at connect time), handed back here."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            parent.close()
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            socket.send_fds(child, [b"s"], [s.fileno()])
            os._exit(0)
        except BaseException as e:      # noqa: B036 -- report, never return
            os.write(2, ("connect_as: %r\n" % (e,)).encode())
            os._exit(1)
    child.close()
    _, fds, _, _ = socket.recv_fds(parent, 1, 1)
    parent.close()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and len(fds) == 1, "child failed to connect"
    c = vkwire.Conn.__new__(vkwire.Conn)
    c.s = socket.socket(fileno=fds[0])
    c.s.settimeout(30)
    c.serial = 0
    return c


def read_to_eof(c, guard=60):
    """Reads what the daemon sent until it closes the connection; fails
    when the connection is still open after guard seconds."""
    c.s.settimeout(guard)
    got = 0
    try:
        while True:
            chunk = c.s.recv(1 << 20)
            if not chunk:
                return got
            got += len(chunk)
    except ConnectionResetError:
        return got
    except socket.timeout:
        raise AssertionError("the daemon never closed the connection (%d bytes read)" % got)


def flood(d, c, packet_bytes, per_reply, base):
    """Sends copies of packet_bytes without reading until the daemon stops
    reading (a send blocks SEND_BLOCKED_S, or fails because the daemon
    already dropped the client) or the replies owed reach
    FLOOD_REPLY_BYTES; fails as soon as the daemon grows past the bound.
    Returns (calls sent, peak RSS)."""
    batch = packet_bytes * 256
    sent = 0
    peak = base
    c.s.settimeout(SEND_BLOCKED_S)
    while sent * per_reply < FLOOD_REPLY_BYTES:
        try:
            c.s.sendall(batch)
        except (socket.timeout, BrokenPipeError, ConnectionResetError):
            break
        sent += 256
        peak = max(peak, rss_kib(d.proc.pid))
        assert peak - base < RSS_GROWTH_MAX_KIB, \
            "virtkitd grew from %d to %d KiB after %d unread calls" % (base, peak, sent)
    peak = max(peak, rss_kib(d.proc.pid))
    assert peak - base < RSS_GROWTH_MAX_KIB, \
        "virtkitd grew from %d to %d KiB after %d unread calls" % (base, peak, sent)
    assert sent * per_reply < FLOOD_REPLY_BYTES, \
        "virtkitd kept reading %d calls never answered" % sent
    return sent, peak


def hostile_client(d):
    """User nobody on the read-only socket; without root, this user on the
    read-write one."""
    if os.geteuid() != 0:
        return vkwire.Conn(d.rw)
    os.chmod(d.dir, 0o755)          # so that nobody reaches the socket
    return connect_as(d.ro, NOBODY)


def test_config_keys():
    with tempfile.TemporaryDirectory() as tmp:
        cfgpath = os.path.join(tmp, "c.conf")
        for bad in ("max_client_queued_messages = 0", "max_client_queued_bytes = 0",
                    "client_stall_timeout = -1"):
            with open(cfgpath, "w") as f:
                f.write("max_client_requests = 5\n%s\n" % bad)
            r = subprocess.run([BIN, "--config", cfgpath, "--socket-dir", tmp],
                               capture_output=True, text=True, timeout=30)
            key = bad.split()[0]
            assert r.returncode != 0 and key in r.stderr, (bad, r.stderr)


def test_never_reading_client():
    cfg = "client_stall_timeout = %d\nkeepalive_interval = 0\n" % STALL_TIMEOUT
    with vkwire.Daemon(BIN, config=cfg, env=daemon_env()) as d:
        c = hostile_client(d)
        vkwire.handshake(c)
        hdr, body = c.call(PROC_GET_CAPABILITIES)
        assert hdr[5] == OK, vkwire.decode_error(body)
        per_reply = len(body) + 28
        vkwire.served(d.rw)
        base = rss_kib(d.proc.pid)
        mark = d.mark()

        call = vkwire.packet(REMOTE_PROG, 1, PROC_GET_CAPABILITIES, CALL, 7)
        sent, peak = flood(d, c, call, per_reply, base)
        print("never-reading client: %d calls sent (%d MB of replies owed) before the daemon "
              "stopped reading; RSS %d -> %d KiB" % (sent, sent * per_reply >> 20, base, peak))
        # The others are served while the flooder is held back.
        vkwire.served(d.rw)
        d.wait_for("not reading its output", timeout=STALL_TIMEOUT + 60, start=mark)
        got = read_to_eof(c)
        c.close()
        assert got < sent * per_reply, "every reply arrived: the client was never stopped"
        vkwire.served(d.rw)

        # PINGs whose PONGs are never read: also stopped, then dropped.
        c = hostile_client(d)
        base = rss_kib(d.proc.pid)
        mark = d.mark()
        ping = vkwire.packet(KEEPALIVE_PROG, 1, 1, MESSAGE, 0)
        sent, peak = flood(d, c, ping, 28, base)
        print("never-reading PING client: %d PINGs sent; RSS %d -> %d KiB" % (sent, base, peak))
        d.wait_for("not reading its output", timeout=STALL_TIMEOUT + 60, start=mark)
        read_to_eof(c)
        c.close()
        vkwire.served(d.rw)
        assert d.alive()


def test_flood_does_not_starve():
    with vkwire.Daemon(BIN, config="keepalive_interval = 0\n", env=daemon_env()) as d:
        c = vkwire.Conn(d.rw)
        vkwire.handshake(c)
        with vkwire.Flooders(d.rw, 2, PROC_GET_CAPABILITIES) as flood:
            lat = vkwire.round_trips(c, PROC_GET_VERSION, MEASURE_S, guard=GUARD_S)
            got = flood.stop()
        c.close()
        pct = vkwire.percentile
        print("GetVersion under two flooders: %d calls, p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
              "flooders read %s MB" % (len(lat), pct(lat, 0.5) * 1e3, pct(lat, 0.99) * 1e3,
                                       lat[-1] * 1e3, [g >> 20 for g in got]))
        assert lat[-1] < STARVED_S, "a GetVersion waited %.2f s behind the flooders" % lat[-1]
        assert min(got) > 0, "a flooder was never answered"
        assert d.alive()


def main():
    only = sys.argv[2:]
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn) and (not only or name in only):
            fn()
            print("ok", name)


if __name__ == "__main__":
    main()
