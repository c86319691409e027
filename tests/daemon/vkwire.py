# SPDX-License-Identifier: LGPL-2.1-or-later
"""Test helpers: start a private virtkitd, and speak libvirt's RPC framing
by hand (struct.pack), so the daemon's handling of good and bad packets can
be checked byte by byte without any client library in between."""

import os
import select
import socket
import struct
import subprocess
import tempfile
import threading
import time

REMOTE_PROG = 0x20008086
KEEPALIVE_PROG = 0x6B656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1
VIR_ERR_INTERNAL_ERROR = 1
VIR_ERR_OPERATION_DENIED = 29
VIR_ERR_RPC = 39


class Daemon:
    """A virtkitd in a temporary socket dir; waits for its --ready-fd byte
    (written only once the sockets listen), so there is no polling.  Its
    log (stderr, -v) is collected by a thread; wait_for() blocks on a
    condition until a line matches."""

    def __init__(self, binary, config=None, extra=(), env=None, verbose=True):
        self.tmp = tempfile.TemporaryDirectory(prefix="vkd-test-")
        self.dir = self.tmp.name
        self.lines = []
        self.cond = threading.Condition()
        # the daemon's QEMU driver keeps its files under the test's own
        # dir, never under /etc or /run of the host
        args = [binary, "--socket-dir", self.dir] + (["-v"] if verbose else [])
        if "VIRTKIT_QEMU_ROOT" not in (env or os.environ) and "--qemu-root" not in extra:
            args += ["--qemu-root", os.path.join(self.dir, "qemu")]
        if config is not None:
            cfg = os.path.join(self.dir, "virtkitd.conf")
            with open(cfg, "w") as f:
                f.write(config)
            args += ["--config", cfg]
        args += list(extra)
        rfd, wfd = os.pipe()
        args += ["--ready-fd", str(wfd)]
        self.proc = subprocess.Popen(args, pass_fds=(wfd,), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, errors="replace", env=env)
        os.close(wfd)
        self.reader = threading.Thread(target=self._read_log, daemon=True)
        self.reader.start()
        with os.fdopen(rfd, "rb") as r:
            ready = r.read(1)
        if ready != b"\n":
            self.proc.wait(timeout=10)
            self.reader.join(timeout=10)
            raise RuntimeError("virtkitd did not start:\n" + self.logtext())
        self.rw = os.path.join(self.dir, "virtkit-sock")
        self.ro = os.path.join(self.dir, "virtkit-sock-ro")

    def _read_log(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def logtext(self):
        with self.cond:
            return "".join(self.lines)

    def wait_for(self, text, timeout=60, start=0):
        """Blocks until a log line (from index start) contains text;
        returns the index after it."""
        with self.cond:
            def found():
                for i in range(start, len(self.lines)):
                    if text in self.lines[i]:
                        return i + 1
                return None
            if not self.cond.wait_for(lambda: found() is not None, timeout=timeout):
                raise AssertionError("virtkitd never logged %r:\n%s" % (text, "".join(self.lines)))
            return found()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=20)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            print("---- virtkitd log ----\n" + self.logtext())
        self.stop()


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def packet(prog, vers, proc, typ, serial, status=0, body=b""):
    hdr = struct.pack(">IIiIIi", prog, vers, proc, typ, serial, status)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


class Conn:
    def __init__(self, path, timeout=30):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.serial = 0

    def close(self):
        self.s.close()

    def send(self, data):
        self.s.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def recv_msg(self):
        """(header tuple, body) or None at EOF."""
        lw = self.recv_exact(4)
        if lw is None:
            return None
        (length,) = struct.unpack(">I", lw)
        rest = self.recv_exact(length - 4)
        if rest is None:
            return None
        return struct.unpack(">IIiIIi", rest[:24]), rest[24:]

    def recv_reply(self):
        """Skips MESSAGEs (events, keepalive) until a REPLY arrives."""
        while True:
            m = self.recv_msg()
            if m is None:
                return None
            if m[0][3] == REPLY:
                return m

    def call(self, proc, body=b"", prog=REMOTE_PROG, vers=1, typ=CALL):
        serial = self.serial
        self.serial += 1
        self.send(packet(prog, vers, proc, typ, serial, 0, body))
        m = self.recv_reply()
        assert m is not None, "connection closed while waiting for proc %d" % proc
        hdr, payload = m
        assert hdr[2] == proc and hdr[4] == serial, (hdr, proc, serial)
        return hdr, payload


def decode_error(body):
    """remote_error -> (code, domain, message)."""
    code, domain, present = struct.unpack(">iiI", body[:12])
    msg = None
    if present:
        (n,) = struct.unpack(">I", body[12:16])
        msg = body[16:16 + n].decode()
    return code, domain, msg


def compare_outcomes(want, got):
    """Prints each of libvirtd's outcomes (want) beside virtkitd's (got);
    returns how many differ, an outcome only virtkitd has included, and
    one more when libvirtd refused nothing (the probe then tests
    nothing)."""
    bad = 0
    for key in want:
        same = want[key] == got.get(key)
        bad += not same
        print("%s %s: libvirtd %s, virtkitd %s" % ("ok  " if same else "FAIL", key,
                                                 want[key], got.get(key)))
    for key in sorted(set(got) - set(want)):
        print("FAIL %s: only virtkitd answered (%s)" % (key, got[key]))
        bad += 1
    if all(v == "ok" for v in want.values()):
        print("FAIL: libvirtd accepted every call: the probe tests nothing")
        bad += 1
    return bad


def handshake(conn, name="test:///default"):
    """AUTH_LIST, SUPPORTS_FEATURE(10), CONNECT_OPEN like virsh does."""
    conn.call(66)
    conn.call(60, struct.pack(">i", 10))
    hdr, body = conn.call(1, struct.pack(">I", 1) + xdr_string(name) + struct.pack(">I", 0))
    assert hdr[5] == OK, decode_error(body)


class Libvirtd:
    """A private real libvirtd (test driver only) for side-by-side output
    comparison.  Readiness comes from the sd_notify READY=1 datagram that
    libvirtd sends once it listens."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lvd-test-")
        d = self.tmp.name
        os.mkdir(os.path.join(d, "drivers"))
        cfg = os.path.join(d, "libvirtd.conf")
        with open(cfg, "w") as f:
            f.write('unix_sock_dir = "%s"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n' % d)
        notify = os.path.join(d, "notify")
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(notify)
        ns.settimeout(60)
        env = dict(os.environ, LIBVIRT_DRIVER_DIR=os.path.join(d, "drivers"),
                   NOTIFY_SOCKET=notify, XDG_CONFIG_HOME=d, XDG_RUNTIME_DIR=d,
                   XDG_CACHE_HOME=d)
        self.proc = subprocess.Popen(["/usr/sbin/libvirtd", "--config", cfg, "--pid-file",
                                      os.path.join(d, "pid")], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while b"READY=1" not in ns.recv(4096):
                pass
        finally:
            ns.close()
        self.sock = os.path.join(d, "libvirt-sock")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.tmp.cleanup()


class Flooders:
    """n child processes, each on its own connection to path: a thread
    pipelines copies of one CALL (procedure proc, no arguments) as fast as
    the socket takes them while the process reads and discards the
    replies.  Started once every child has done its handshake; stop()
    ends them and returns the reply bytes each one read."""

    def __init__(self, path, n, proc):
        self.kids = []
        stop_r, self.stop_w = os.pipe()
        ready_r, ready_w = os.pipe()
        for _ in range(n):
            count_r, count_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    os.close(self.stop_w)
                    os.close(count_r)
                    self._flood(path, proc, ready_w, stop_r, count_w)
                    status = 0
                finally:
                    os._exit(status)
            os.close(count_w)
            self.kids.append((pid, count_r))
        os.close(stop_r)
        os.close(ready_w)
        with os.fdopen(ready_r, "rb") as r:
            if r.read(n) != b"r" * n:
                self.stop()
                raise AssertionError("a flooder did not start")

    @staticmethod
    def _flood(path, proc, ready_fd, stop_fd, count_fd):
        c = Conn(path)
        handshake(c)
        os.write(ready_fd, b"r")
        stopping = threading.Event()
        batch = packet(REMOTE_PROG, 1, proc, 0, 9) * 64

        def sender():
            c.s.settimeout(None)
            try:
                while not stopping.is_set():
                    c.s.sendall(batch)
            except OSError:
                pass
        threading.Thread(target=sender, daemon=True).start()
        got = 0
        while True:
            r, _, _ = select.select([c.s, stop_fd], [], [])
            if stop_fd in r:
                break
            chunk = c.s.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
        stopping.set()
        os.write(count_fd, b"%d" % got)

    def stop(self):
        if self.stop_w is not None:
            os.close(self.stop_w)
            self.stop_w = None
        got = []
        for pid, count_r in self.kids:
            with os.fdopen(count_r, "rb") as r:
                text = r.read()
            os.waitpid(pid, 0)
            got.append(int(text) if text else 0)
        self.kids = []
        return got

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def round_trips(conn, proc, seconds, guard=20):
    """Round trips of CALL proc (no arguments) on conn for seconds; the
    sorted latencies in seconds.  A reply that takes longer than guard
    raises AssertionError (the client is starved)."""
    lat = []
    conn.s.settimeout(guard)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        try:
            hdr, body = conn.call(proc)
        except socket.timeout:
            raise AssertionError("procedure %d got no reply in %d s" % (proc, guard))
        lat.append(time.monotonic() - t0)
        assert hdr[5] == OK, decode_error(body)
    lat.sort()
    return lat


def served(sock):
    """A well-behaved python3-libvirt client on sock gets answers."""
    import libvirt
    conn = libvirt.open("test+unix:///default?socket=" + sock)
    try:
        assert conn.getVersion() > 0
        assert isinstance(conn.listAllDomains(), list)
    finally:
        conn.close()


def rss_kib(pid):
    """The resident memory of process pid (VmRSS), in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def percentile(sorted_xs, p):
    return sorted_xs[min(len(sorted_xs) - 1, int(len(sorted_xs) * p))]
