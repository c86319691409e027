# SPDX-License-Identifier: LGPL-2.1-or-later
"""reaping-parent.py CMD [ARG...]: runs CMD as a child subreaper's child
and reaps every orphan below it, as init would.

libvirtd daemonizes the QEMU it starts (its capability probe too). Under a
test that is itself a child subreaper, those orphans became the test's
children and stayed zombies until the test ended, and libvirtd waited 40 s
for each "dying" QEMU it had killed. Between the two, this process is the
nearest subreaper: orphans reach it and are collected at once. SIGTERM and
SIGINT are passed on to CMD; the exit status is CMD's."""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    child = os.fork()
    if child == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _f: os.kill(child, s))
    status = None
    while True:
        try:
            pid, st = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == child:
            status = st
    return os.waitstatus_to_exitcode(status) if status is not None else 1


if __name__ == "__main__":
    code = main()
    sys.exit(code if code >= 0 else 128 - code)
