# SPDX-License-Identifier: LGPL-2.1-or-later
"""A logging proxy between two UNIX sockets: every RPC frame that passes is
recorded as (direction, program, procedure, type, status), so a test can
see which procedures a real peer sent and which ones came back as errors.
It only reads the 28-byte header of each frame; the bytes are forwarded
unchanged, so the peers cannot tell it is there."""

import os
import socket
import struct
import threading

NAMES = {0: "CALL", 1: "REPLY", 2: "MESSAGE", 3: "STREAM"}


class Proxy:
    def __init__(self, target, path):
        self.target, self.path = target, path
        self.frames = []
        self.lock = threading.Lock()
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.target)
            threading.Thread(target=self._pump, args=(c, s, ">"), daemon=True).start()
            threading.Thread(target=self._pump, args=(s, c, "<"), daemon=True).start()

    def _pump(self, src, dst, direction):
        buf = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                buf += data
                while len(buf) >= 4:
                    (length,) = struct.unpack(">I", buf[:4])
                    if len(buf) < length:
                        break
                    frame, buf = buf[:length], buf[length:]
                    if length >= 28:
                        prog, _, proc, typ, _, status = struct.unpack(">IIiIIi", frame[4:28])
                        with self.lock:
                            self.frames.append((direction, prog, proc, typ, status, frame[28:]))
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def calls(self):
        with self.lock:
            return [f[2] for f in self.frames if f[0] == ">" and f[3] == 0 and f[1] == 0x20008086]

    def errors(self):
        """Procedures whose REPLY carried an error, with the message text."""
        out = []
        with self.lock:
            for d, prog, proc, typ, status, body in self.frames:
                if d == "<" and typ == 1 and status == 1 and prog == 0x20008086:
                    out.append((proc, error_text(body)))
        return out

    def close(self):
        self.lsock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def error_text(body):
    """remote_error: int code, int domain, remote_string message (optional)."""
    try:
        code, dom, present = struct.unpack(">iiI", body[:12])
        if not present:
            return "code %d" % code
        (n,) = struct.unpack(">I", body[12:16])
        return "code %d: %s" % (code, body[16:16 + n].decode(errors="replace"))
    except struct.error:
        return "?"
