# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the tests that drive guests through a daemon share (tests/qemu,
tests/lxc, tests/xen): the clients run one process per command as a user
types them, consoles driven through a pty of their own (os/pty, no
pexpect), the micro-guest's XML, the live-state files read from outside,
and the bookkeeping of a child subreaper that collects the guests a
SIGKILLed daemon orphaned."""

import ctypes
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import time
import xml.etree.ElementTree as ET

VIRSH = "/usr/bin/virsh"
QEMU = "/usr/bin/qemu-system-x86_64"
PR_SET_CHILD_SUBREAPER = 36
GUARD = 30          # seconds before a wait counts as a hang (not a timing check)


def become_subreaper():
    """Processes orphaned below us (a SIGKILLed daemon's guests) become
    our children, to be reaped here."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def virt_type():
    return "kvm" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "qemu"


def uri_of(sock, driver="qemu"):
    return "%s+unix:///system?socket=%s" % (driver, sock)


def client(binary, uri, *args, ok=True, timeout=120):
    """One command of virsh or the virtkit shell; with ok, a failure
    raises with its output."""
    r = subprocess.run([binary, "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    if ok and r.returncode != 0:
        raise AssertionError("%s %s failed (%d): %s%s" % (os.path.basename(binary),
                                                          " ".join(args), r.returncode,
                                                          r.stdout, r.stderr))
    return r


def virsh(sock, *args, ok=True):
    """The real virsh on qemu:///system at sock."""
    return client(VIRSH, uri_of(sock), *args, ok=ok,
                  timeout=int(os.environ.get("VK_VIRSH_TIMEOUT", "120")))


def list_states(out):
    """name -> state from the output of `list --all` (virsh's table)."""
    states = {}
    for line in out.splitlines()[2:]:
        parts = line.split(None, 2)
        if len(parts) == 3:
            states[parts[1]] = parts[2].strip()
    return states


def micro_domxml(name, kernel, vtype, log_dir=None):
    """The micro-guest (tests/qemu/guest): its serial port logs to
    LOG_DIR/serial-NAME.log, or is a pty when log_dir is None."""
    if log_dir is None:
        serial = "<serial type='pty'/>"
    else:
        serial = "<serial type='file'><source path='%s/serial-%s.log'/></serial>" % (log_dir,
                                                                                    name)
    return f"""<domain type='{vtype}'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>
    <kernel>{kernel}</kernel>
  </os>
  <features><acpi/></features>
  <devices>
    {serial}
  </devices>
</domain>
"""


def status_attr(root, name, attr):
    """A value of a driver's live-state file ROOT/run/NAME.xml
    (src/conf/domain-status.h): an attribute of <domstatus>, or the
    driver's <extra> of that name."""
    top = ET.parse(os.path.join(root, "run", name + ".xml")).getroot()
    if attr in top.attrib:
        return top.attrib[attr]
    for extra in top.findall("extra"):
        if extra.get("name") == attr:
            return extra.text or ""
    raise KeyError("no %s in the status file of %s" % (attr, name))


def status_pid(root, name):
    """The QEMU pid in the QEMU driver's live-state file."""
    return int(status_attr(root, name, "pid"))


def alive(pid):
    """True while pid runs; a zombie counts as gone (and is reaped when
    it is ours, through the subreaper)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def reap(pid):
    """Waits for pid's exit (it is our child through the subreaper)."""
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def reap_all():
    """Collects every child that has exited, without waiting."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def kill_all(pids):
    """What a failed test left running: SIGKILL and reap."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            reap(pid)


class PtyProc:
    """A command on a pty of its own (its controlling terminal)."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.out = b""

    def read_until(self, needle, guard=GUARD):
        end = time.monotonic() + guard
        while needle not in self.out:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("never saw %r; got %r" % (needle, self.out))
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError("EOF before %r; got %r" % (needle, self.out))
            self.out += chunk

    def write(self, data):
        os.write(self.fd, data)

    def wait_raw(self, guard=GUARD):
        """Waits until the program put its terminal in raw mode: bytes typed
        before that would be eaten by the line discipline (virsh flushes
        pending input when it switches).  Output is read meanwhile: a
        client switching with TCSAFLUSH waits for what it wrote to be read
        (virtkit's banner line ends after the needle tests wait for)."""
        end = time.monotonic() + guard
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > end:
                raise AssertionError("terminal never went raw; output %r" % self.out)
            self.drain()
            time.sleep(0.01)

    def wait(self, guard=GUARD):
        end = time.monotonic() + guard
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.drain()
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() > end:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError("did not exit; output %r" % self.out)
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                self.drain()

    def drain(self):
        try:
            while select.select([self.fd], [], [], 0)[0]:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    break
                self.out += chunk
        except OSError:
            pass


PKTTYAGENT = "/usr/bin/pkttyagent"


def open_console(argv):
    """A console client attached and in raw mode, ready for typing.  When
    root, the client runs where polkit's text agent is hidden: a stray
    pkttyagent (virsh starts one after a polkit error) takes the terminal
    and restores it on exit, racing the client's own raw mode."""
    if os.geteuid() == 0 and os.path.exists(PKTTYAGENT) and shutil.which("unshare"):
        argv = ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                "mount --bind /dev/null %s && exec \"$0\" \"$@\"" % PKTTYAGENT] + list(argv)
    p = PtyProc(argv)
    p.read_until(b"Escape character is ^]")
    p.wait_raw()
    return p


def console_session(argv, name):
    """A whole console session with the micro-guest, which echoes typed
    bytes upper-cased: "ping" -> "PING", one-byte round trips, ^] and
    exit 0.  Returns the round trip per byte in ms (printed by callers,
    never asserted)."""
    p = open_console(argv)
    assert ("Connected to domain '%s'" % name).encode() in p.out, p.out
    p.write(b"ping")
    p.read_until(b"PING")
    t0 = time.monotonic()
    n = 20
    for i in range(n):
        p.write(b"q")
        p.read_until(b"Q" * (i + 1))
    per = (time.monotonic() - t0) / n * 1000
    p.write(b"\x1d")
    rc = p.wait()
    assert rc == 0, (rc, p.out)
    return per


PRIVATE_LIBVIRTD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts", "private-libvirtd.sh")


REAPING_PARENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reaping-parent.py")


class PrivateLibvirtd:
    """Debian's libvirtd with one driver ("qemu" or "lxc") in the empty
    directory d, set up by scripts/private-libvirtd.sh; ready once its
    sd_notify READY=1 arrives (no polling of the socket)."""

    def __init__(self, d, driver, guard=60, extra_conf=""):
        self.dir = d
        self.sock = os.path.join(d, "sock", "libvirt-sock")
        notify = os.path.join(d, "notify")
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(notify)
        # under a reaping parent: see reaping-parent.py
        self.proc = subprocess.Popen([sys.executable, REAPING_PARENT, "sh", PRIVATE_LIBVIRTD,
                                      d, driver],
                                     env=dict(os.environ, NOTIFY_SOCKET=notify,
                                              LIBVIRTD_EXTRA_CONF=extra_conf))
        try:
            end = time.monotonic() + guard
            while True:
                # the select timeout only notices a libvirtd that died
                if select.select([ns], [], [], 0.5)[0] and b"READY=1" in ns.recv(4096):
                    return
                if self.proc.poll() is not None or time.monotonic() > end:
                    self.stop()
                    raise RuntimeError("private libvirtd did not start:\n" + self.logtext())
        finally:
            ns.close()

    def logtext(self):
        try:
            with open(os.path.join(self.dir, "libvirtd.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def have(*programs):
    """True when every program is there; else says SKIP (the caller
    returns 77)."""
    missing = [p for p in programs if not (os.access(p, os.X_OK) or shutil.which(p))]
    if missing:
        print("SKIP: no " + ", ".join(os.path.basename(p) for p in missing))
    return not missing


def guests_under(root):
    """The QEMU processes a QEMU root's status files name (a guest a failed
    assertion left running, or one autostart started)."""
    rundir = os.path.join(root, "run")
    pids = []
    for f in os.listdir(rundir) if os.path.isdir(rundir) else []:
        if f.endswith(".xml"):
            try:
                pids.append(status_pid(root, f[:-4]))
            except Exception:
                pass
    return pids


class QemuBed:
    """A test's own QEMU root and the virtkitd serving it, as a context:
    on the way out the daemon stops (its log printed first if the test
    failed), the guests listed in pids are killed and the root removed.
    The process becomes a child subreaper, so guests a SIGKILLed daemon
    orphaned are ours to reap."""

    def __init__(self, binary, prefix, log_tail=None):
        become_subreaper()
        self.binary = binary
        self.vtype = virt_type()
        self.root = tempfile.mkdtemp(prefix=prefix)
        self.env = dict(os.environ, VIRTKIT_QEMU_ROOT=self.root)
        self.pids = []
        self.daemon = None
        self.log_tail = log_tail

    def start(self):
        import vkwire  # vkwire's helpers use ours
        self.daemon = vkwire.Daemon(self.binary, env=self.env)
        return self.daemon

    def kill_daemon(self):
        """SIGKILL: the daemon gets no chance to clean up."""
        self.daemon.proc.kill()
        self.daemon.proc.wait()
        self.daemon.stop()
        self.daemon = None

    def define(self, name, xml):
        """Writes NAME.xml under the root and defines it with virsh."""
        path = os.path.join(self.root, name + ".xml")
        with open(path, "w") as f:
            f.write(xml)
        return virsh(self.daemon.rw, "define", path)

    def guests_left(self):
        return guests_under(self.root)

    def __enter__(self):
        return self

    def __exit__(self, etype, evalue, tb):
        if etype is not None and self.daemon is not None:
            log = self.daemon.logtext()
            print("---- virtkitd log ----\n" + (log[-self.log_tail:] if self.log_tail else log))
            sys.stdout.flush()
        if self.daemon is not None:
            self.daemon.stop()
        kill_all([p for p in self.pids + self.guests_left() if p])
        reap_all()
        shutil.rmtree(self.root, ignore_errors=True)
        return False

