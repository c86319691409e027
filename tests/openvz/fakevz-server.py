#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the vzctl/vzlist stand-ins for the OpenVZ tests from one interpreter.

The driver runs a tool for nearly every call, and starting a Python
interpreter per run was most of the OpenVZ test's time.  Here one
interpreter loads the stand-ins once and forks per run: the small client
(fakevz-client.c, built as fake-vzctl and fake-vzlist) sends its arguments,
environment, working directory and its stdin/stdout/stderr descriptors over
a UNIX socket; the forked child takes those descriptors as its own, runs the
tool's code exactly as a fresh process would, and sends back the exit
status.  A fork keeps every run as separate as a new process (globals,
locks, environment), at a fraction of the cost.

Usage: fakevz-server.py SOCKET.  Prints "ready" once it listens; exits when
its standard input reaches end of file, so it never outlives the test.
"""
import array
import os
import select
import signal
import socket
import struct
import sys

sys.dont_write_bytecode = True      # keep the source tree clean
HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)
import fakevz  # noqa: E402,F401  (loaded once, before any fork)
import fcntl  # noqa: E402,F401
import getopt  # noqa: E402,F401
import re  # noqa: E402,F401
import shutil  # noqa: E402,F401

TOOLS = {}
for name in ("fake-vzctl", "fake-vzlist"):
    p = os.path.join(HERE, name)
    with open(p) as f:
        TOOLS[name] = (p, compile(f.read(), p, "exec"))


def run(conn):
    """In the forked child: one tool run for the client on conn."""
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(1 << 20, socket.CMSG_SPACE(3 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
    parts = [p.decode("utf-8", "surrogateescape") for p in msg.split(b"\0")]
    tool, cwd, nenv = parts[0], parts[1], int(parts[2])
    env, args = parts[3:3 + nenv], parts[3 + nenv:]
    if len(fds) != 3 or tool not in TOOLS:
        return 3
    for i, fd in enumerate(fds):
        os.dup2(fd, i)
        os.close(fd)
    os.environ.clear()
    os.environ.update(e.split("=", 1) for e in env if "=" in e)
    os.chdir(cwd)
    path, code = TOOLS[tool]
    sys.argv = [path] + args
    try:
        exec(code, {"__name__": "__main__", "__file__": path})
        status = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            status = e.code or 0
        else:
            sys.stderr.write("%s\n" % e.code)
            status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def main():
    path = sys.argv[1]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children reap themselves
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        ready, _, _ = select.select([srv, sys.stdin], [], [])
        if sys.stdin in ready:
            break
        conn, _ = srv.accept()
        if os.fork() == 0:
            srv.close()
            status = 3
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                status = run(conn)
            finally:
                try:
                    conn.send(struct.pack("i", status))
                finally:
                    os._exit(0)
        conn.close()
    srv.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
