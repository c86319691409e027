# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-manager, headless under xvfb-run, watched through its
debug log: shared by the tests that drive it (compat2's against virtkitd,
compat's on virtkit's libvirt.so.0)."""

import os
import signal
import subprocess
import threading

# Lines of virtManager/connection.py (and friends) that mean something
# the connection asked for did not work.
FAILURE_MARKS = ["Traceback", "ERROR", "Exception", "Error registering",
                 "Error fetching", "Error looking up", "Fetching volume XML failed",
                 "Failed to", "Blacklisting", "doesn't seem to support",
                 "flag not supported", "Building default pool failed"]


class Log:
    def __init__(self, stream):
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def text(self):
        with self.cond:
            return "".join(self.lines)

    def wait_for(self, texts, timeout=60):
        """Blocks until every text appears in some line."""
        def found():
            joined = "".join(self.lines)
            return all(t in joined for t in texts)
        with self.cond:
            if not self.cond.wait_for(found, timeout=timeout):
                missing = [t for t in texts if t not in "".join(self.lines)]
                raise AssertionError("virt-manager never logged %r:\n%s"
                                     % (missing, "".join(self.lines)))


def stop(proc):
    """Ends virt-manager, xvfb-run and its Xvfb: the process group that
    this test started (start_new_session made proc.pid its id)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_virt_manager(uri, home, extra, phase, wrapper=(), started=None, allowed=(),
                     program=("virt-manager",)):
    """Starts virt-manager on uri (under the command prefix wrapper), runs
    phase(log), stops it; returns the log text after checking it holds no
    failure (lines holding a text of allowed excepted).  started(proc),
    when given, sees the process first.  program: the command that is
    virt-manager (tests/qemu/vmm-newvm.py runs it and drives the wizard)."""
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home,
               XDG_DATA_HOME=home, XDG_RUNTIME_DIR=home, TMPDIR=home,
               GSETTINGS_BACKEND="memory", NO_AT_BRIDGE="1")
    proc = subprocess.Popen(list(wrapper) + ["timeout", "90", "xvfb-run", "-a"] + list(program) + [
                             "--no-fork", "--debug", "--connect", uri] + extra,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, start_new_session=True)
    log = Log(proc.stdout)
    try:
        if started:
            started(proc)
        phase(log)
    finally:
        stop(proc)
        log.thread.join(timeout=20)
    text = log.text()
    bad = [line for line in text.splitlines()
           if any(m in line for m in FAILURE_MARKS) and not any(a in line for a in allowed)]
    assert not bad, "virt-manager logged failures:\n%s\n---- full log ----\n%s" % (
        "\n".join(bad), text)
    return text
