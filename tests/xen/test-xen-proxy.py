#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""xen:///system for root and for everyone else, through the real shell.

A private virtkitd (root) is given the xend stand-in (fake-xend.py, on a
socket in a root-only directory) with --xend-socket.  Then:

  - root drives the whole lifecycle in-process (VIRTKIT_XEND_SOCKET):
    define, start, suspend, resume, shutdown, start, destroy, undefine,
    each step checked in the shell and in the stand-in itself;
  - user nobody (setpriv) runs `virtkit -c xen:///system`, routed to the
    daemon's read-only socket (VIRTKIT_SOCKET_DIR names the private socket
    dir): list --all, dominfo, dumpxml (the same document root gets) and
    nodeinfo work; destroy, start, suspend, define and undefine are
    refused as "operation forbidden" and the stand-in is unchanged;
  - the daemon refuses DOMAIN_DESTROY from nobody on its read-only socket
    by itself too (a hand-made RPC call, no client library in between);
  - root reaches the daemon's read-write socket with xen+unix:// and may
    change things there;
  - the errors: nobody without a daemon, nobody with a daemon on a host
    without Xen, root without Xen.

Usage: test-xen-proxy.py VIRTKITD VIRTKIT FAKE-XEND.  Needs root (skips,
exit 77, otherwise).  Everything it starts is stopped, every directory
removed, also on failure."""

import http.client
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vkwire  # noqa: E402
from vktest import list_states as list_rows  # noqa: E402

VIRTKITD, VIRTKIT, FAKE_XEND = sys.argv[1:4]
DATA = os.path.join(HERE, "..", "data", "xen-sxpr")
NOBODY = 65534
SKIP = 77

REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME = 23
REMOTE_PROC_DOMAIN_DESTROY = 12

spec = importlib.util.spec_from_file_location("fake_xend", FAKE_XEND)
fake_xend = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake_xend)


class FakeXend:
    """The stand-in on SOCK; it exits when its stdin closes."""

    def __init__(self, sock):
        self.sock = sock
        self.proc = subprocess.Popen([sys.executable, FAKE_XEND, sock], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline() != "ready\n":
            self.stop()
            raise RuntimeError("the xend stand-in did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)

    def record(self, name):
        """The stand-in's own (domain ...) record of NAME, or None: what
        xend holds, not what virtkit says about it."""
        conn = http.client.HTTPConnection("localhost", 8000)
        conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.sock.settimeout(30)
        conn.sock.connect(self.sock)
        conn.request("GET", "/xend/domain/%s?detail=1" % name,
                     headers={"Host": "localhost:8000", "Accept-Encoding": "identity"})
        r = conn.getresponse()
        body = r.read().decode()
        conn.close()
        if r.status == 404:
            return None
        assert r.status == 200, (r.status, body)
        return fake_xend.sx_parse(body)

    def domid(self, name):
        rec = self.record(name)
        assert rec is not None, "the stand-in has no domain %r" % name
        return fake_xend.sx_get(rec, "domid")

    def state(self, name):
        return fake_xend.sx_get(self.record(name), "state")


def as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def shell(*args, uri="xen:///system", env=None, user=None, ok=True):
    argv = [VIRTKIT, "-c", uri] + list(args)
    if user == "nobody":
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                "--clear-groups"] + argv
    full = {k: v for k, v in os.environ.items()
            if k not in ("VIRTKIT_XEND_SOCKET", "VIRTKIT_SOCKET_DIR", "VIRTKIT_DEFAULT_URI",
                         "LIBVIRT_DEFAULT_URI")}
    full.update(env or {})
    r = subprocess.run(argv, capture_output=True, text=True, env=full, timeout=120)
    no_sanitizer_reports(" ".join(argv), r.stderr)
    if ok and r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(argv), r.returncode,
                                                        r.stdout, r.stderr))
    if not ok and r.returncode == 0:
        raise AssertionError("%s succeeded but should fail:\n%s" % (" ".join(argv), r.stdout))
    return r


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def no_sanitizer_reports(what, text):
    """Under -Db_sanitize the shell and the daemon report here; a report
    fails the test even when the command itself was expected to fail."""
    for mark in SANITIZER_MARKS:
        if mark in text:
            raise AssertionError("%s: sanitizer report:\n%s" % (what, text))


def expect_in(text, *fragments):
    for f in fragments:
        if f not in text:
            raise AssertionError("expected %r in:\n%s" % (f, text))


def root_lifecycle(xend, root_env):
    xml = os.path.join(DATA, "pv-kernel.xml")

    def domstate():
        return shell("domstate", "pv-kernel", env=root_env).stdout.strip()

    shell("define", xml, env=root_env)
    assert xend.domid("pv-kernel") is None
    assert list_rows(shell("list", "--all", env=root_env).stdout)["pv-kernel"] == "shut off"
    shell("start", "pv-kernel", env=root_env)
    first = xend.domid("pv-kernel")
    assert first is not None
    assert domstate() in ("running", "idle"), domstate()
    shell("suspend", "pv-kernel", env=root_env)
    assert domstate() == "paused"
    assert xend.state("pv-kernel")[2] == "p"
    shell("resume", "pv-kernel", env=root_env)
    assert xend.state("pv-kernel")[2] == "-"
    shell("shutdown", "pv-kernel", env=root_env)
    assert domstate() == "shut off"
    assert xend.domid("pv-kernel") is None
    shell("start", "pv-kernel", env=root_env)
    assert int(xend.domid("pv-kernel")) > int(first)
    shell("destroy", "pv-kernel", env=root_env)
    assert xend.domid("pv-kernel") is None
    shell("undefine", "pv-kernel", env=root_env)
    assert xend.record("pv-kernel") is None
    assert "pv-kernel" not in list_rows(shell("list", "--all", env=root_env).stdout)


def nobody_read_only(xend, root_env, nobody_env):
    # root leaves one running and one halted domain for nobody to look at
    shell("define", os.path.join(DATA, "pv-kernel.xml"), env=root_env)
    shell("start", "pv-kernel", env=root_env)
    shell("define", os.path.join(DATA, "hvm.xml"), env=root_env)
    running_id = xend.domid("pv-kernel")

    rows = list_rows(shell("list", "--all", env=nobody_env, user="nobody").stdout)
    assert set(rows) == {"Domain-0", "pv-kernel", "hvm-guest"}, rows
    assert rows["hvm-guest"] == "shut off" and rows["pv-kernel"] != "shut off", rows

    info = shell("dominfo", "pv-kernel", env=nobody_env, user="nobody").stdout
    expect_in(info, "Name:           pv-kernel", "Id:             %s" % running_id,
              "4dea22b3-1d52-d8f3-2516-782e98ab3fa0", "Max memory:     524288 KiB")
    mine = shell("dumpxml", "pv-kernel", env=nobody_env, user="nobody").stdout
    roots = shell("dumpxml", "pv-kernel", env=root_env).stdout
    assert mine == roots, "nobody's XML differs from root's:\n%s\n----\n%s" % (mine, roots)
    dom = ET.fromstring(mine)
    assert dom.get("type") == "xen" and dom.get("id") == running_id, mine
    assert dom.findtext("name") == "pv-kernel"
    node = shell("nodeinfo", env=nobody_env, user="nobody").stdout
    expect_in(node, "CPU(s):              4", "CPU frequency:       2400 MHz")

    before = {n: xend.record(n) for n in ("pv-kernel", "hvm-guest", "Domain-0")}
    for args in (("destroy", "pv-kernel"), ("suspend", "pv-kernel"), ("shutdown", "pv-kernel"),
                 ("start", "hvm-guest"), ("undefine", "hvm-guest"),
                 ("define", os.path.join(DATA, "pv-bootloader.xml"))):
        r = shell(*args, env=nobody_env, user="nobody", ok=False)
        expect_in(r.stderr, "operation forbidden", "read only access")
    # nothing reached xend: every domain as it was, none added
    assert xend.domid("pv-kernel") == running_id
    for n, rec in before.items():
        assert xend.record(n) == rec, (n, xend.record(n), rec)
    assert xend.record("pv-bootloader") is None


def daemon_refuses_destroy(ro_sock, xend):
    """As nobody, by hand: the daemon itself refuses the mutating call on
    its read-only socket, whatever the client library would have done."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 1
        try:
            as_nobody()
            c = vkwire.Conn(ro_sock)
            vkwire.handshake(c, "xen:///system")
            hdr, body = c.call(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, vkwire.xdr_string("pv-kernel"))
            if hdr[5] == vkwire.OK:
                hdr, body = c.call(REMOTE_PROC_DOMAIN_DESTROY, body)
                if hdr[5] == vkwire.ERROR:
                    err = vkwire.decode_error(body)
                    os.write(w, ("%d %s" % (err[0], err[2])).encode())
                    code = 0
            c.close()
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        said = f.read()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (status, said)
    assert said.startswith("%d " % vkwire.VIR_ERR_OPERATION_DENIED), said
    assert "read only access prevents virDomainDestroy" in said, said
    assert xend.domid("pv-kernel") is not None


def root_through_daemon(daemon, xend):
    uri = "xen+unix:///system?socket=" + daemon.rw
    shell("start", "hvm-guest", uri=uri)
    assert xend.domid("hvm-guest") is not None
    for n in ("hvm-guest", "pv-kernel"):
        shell("destroy", n, uri=uri)
        shell("undefine", n, uri=uri)
        assert xend.record(n) is None


def errors(tmp):
    # no daemon at all: a precise error at once, naming the socket
    empty = os.path.join(tmp, "no-daemon")
    os.mkdir(empty)
    os.chmod(empty, 0o755)
    r = shell("list", env={"VIRTKIT_SOCKET_DIR": empty}, user="nobody", ok=False)
    expect_in(r.stderr, "cannot reach virtkitd", "xen:///system",
              os.path.join(empty, "virtkit-sock-ro"))
    if os.path.exists("/dev/xen"):
        return
    # root without Xen: in-process, the driver's own error
    r = shell("list", env={"VIRTKIT_XEND_SOCKET": "/nonexistent-vk/xend-socket"}, ok=False)
    expect_in(r.stderr, "Xen is not running on this host", "/nonexistent-vk/xend-socket")
    # nobody, daemon running on a host without Xen: the daemon's error
    with vkwire.Daemon(VIRTKITD, extra=["--xend-socket", "/nonexistent-vk/xend-socket"]) as d:
        os.chmod(d.dir, 0o755)
        r = shell("list", env={"VIRTKIT_SOCKET_DIR": d.dir}, user="nobody", ok=False)
        expect_in(r.stderr, "Xen is not running on this host")
    no_sanitizer_reports("virtkitd", d.logtext())


def main():
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("needs root and setpriv (to run the shell as another user)")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="vk-xen-proxy-")
    xend = None
    try:
        # xend's socket is root's only, as on a real dom0
        os.chmod(tmp, 0o700)
        xend = FakeXend(os.path.join(tmp, "xend-socket"))
        root_env = {"VIRTKIT_XEND_SOCKET": xend.sock}
        root_lifecycle(xend, root_env)
        print("root lifecycle in-process: ok")
        with vkwire.Daemon(VIRTKITD, extra=["--xend-socket", xend.sock]) as daemon:
            # the read-only socket is 0777; its directory must be reachable
            os.chmod(daemon.dir, 0o755)
            nobody_env = {"VIRTKIT_SOCKET_DIR": daemon.dir}
            nobody_read_only(xend, root_env, nobody_env)
            print("nobody through the read-only socket: ok")
            daemon_refuses_destroy(daemon.ro, xend)
            print("daemon refuses DOMAIN_DESTROY on the read-only socket: ok")
            root_through_daemon(daemon, xend)
            print("root through the read-write socket: ok")
        no_sanitizer_reports("virtkitd", daemon.logtext())
        errors(tmp)
        print("errors: ok")
    finally:
        if xend:
            xend.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
