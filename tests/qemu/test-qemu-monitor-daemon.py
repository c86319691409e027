#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libvirt-qemu's QEMU program (0x20008087) through virtkitd with the real
clients, compared with what libvirt 9.0 does: the real virsh
`qemu-monitor-command` (a QMP command as JSON, virsh's own wrapping of a
bare name, --pretty, --return-value, --hmp), a QMP error passed back as
QEMU's answer, a `stop` sent through the passthrough that pauses the guest
(the STOP event drives the state), the refusals of a shut-off domain, a
read-only connection, `qemu-attach` and `qemu-agent-command` (a guest
without the agent channel); python3-libvirt's libvirt_qemu
module, and virtkit's own shell on the same daemon.  Monitor events
(procedures 4-6): the real `virsh qemu-monitor-event --event STOP` sees the
STOP of a suspend with QEMU's timestamp, and python3-libvirt's callbacks
get exactly the events their name filter (exact, NOCASE, REGEX) selects,
with the event's data as JSON (RESET's reason), as libvirt delivers them.
The same guest has two channels for virDomainOpenChannel (python3-libvirt:
virsh has no command): a UNIX one, found by alias and by target name,
whose stream reaches the socket (the test listens where QEMU's chardev
connects, so the stream's connection is the second one: bytes go both
ways), one stream at a time unless forced; a pty one, refused."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh, client, uri_of  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
VIRTKIT = sys.argv[3]


def expect_fail(sock, needle, *args):
    r = virsh(sock, *args, ok=False)
    assert r.returncode != 0, r.stdout
    assert needle in r.stderr, r.stderr


def domstate(sock, name):
    return virsh(sock, "domstate", name).stdout.strip()


def check_virsh(sock):
    r = virsh(sock, "qemu-monitor-command", "vkm", '{"execute":"query-status"}')
    reply = json.loads(r.stdout)
    assert reply["return"]["status"] == "running", reply
    assert reply["return"]["running"] is True, reply
    assert "id" in reply, reply

    # virsh wraps a bare name (and key:value words) itself
    reply = json.loads(virsh(sock, "qemu-monitor-command", "vkm", "query-name").stdout)
    assert reply["return"] == {"name": "vkm"}, reply
    reply = json.loads(virsh(sock, "qemu-monitor-command", "vkm", "qom-list",
                             '"path":"/machine"').stdout)
    assert "return" in reply and "peripheral" in [p["name"] for p in reply["return"]], reply

    r = virsh(sock, "qemu-monitor-command", "vkm", "--pretty", '{"execute":"query-name"}')
    assert len(r.stdout.strip().splitlines()) > 1, r.stdout
    assert json.loads(r.stdout)["return"] == {"name": "vkm"}, r.stdout
    r = virsh(sock, "qemu-monitor-command", "vkm", "--return-value", "query-name")
    assert json.loads(r.stdout) == {"name": "vkm"}, r.stdout

    r = virsh(sock, "qemu-monitor-command", "vkm", "--hmp", "info", "name")
    assert r.stdout.strip() == "vkm", repr(r.stdout)

    # QEMU's refusal is its answer, not an error of the call (libvirt's way)
    r = virsh(sock, "qemu-monitor-command", "vkm", '{"execute":"no-such-command"}')
    reply = json.loads(r.stdout)
    assert reply["error"]["class"] == "CommandNotFound", reply

    # the passthrough really reaches the guest's QEMU: its STOP event pauses it
    virsh(sock, "qemu-monitor-command", "vkm", '{"execute":"stop"}')
    assert domstate(sock, "vkm") == "paused"
    reply = json.loads(virsh(sock, "qemu-monitor-command", "vkm", "query-status").stdout)
    assert reply["return"]["status"] == "paused", reply
    virsh(sock, "resume", "vkm")
    assert domstate(sock, "vkm") == "running"

    # text virsh cannot read as JSON is taken for a command's name
    reply = json.loads(virsh(sock, "qemu-monitor-command", "vkm", "{not json").stdout)
    assert reply["error"]["class"] == "CommandNotFound", reply

    # read-only connections may not talk to the monitor (libvirt: denied)
    r = vktest.client(VIRSH, uri_of(sock), "-r", "qemu-monitor-command", "vkm",
                      "query-status", ok=False)
    assert r.returncode != 0 and "read only access prevents" in r.stderr, r.stderr

    # the QEMU program's agent call: a guest without the agent channel
    # gets libvirt's refusal
    expect_fail(sock, "argument unsupported: QEMU guest agent is not configured",
                "qemu-agent-command", "vkm", '{"execute":"guest-ping"}')

    # libvirt 9.0 no longer attaches to foreign QEMUs
    expect_fail(sock, "not supported", "qemu-attach", str(os.getpid()))


def check_python(sock):
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri_of(sock))
    try:
        dom = conn.lookupByName("vkm")
        out = libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-name"}', 0)
        assert json.loads(out)["return"] == {"name": "vkm"}, out
        out = libvirt_qemu.qemuMonitorCommand(
            dom, "info status", libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP)
        assert "running" in out, out
        # the library itself wraps nothing: what is not JSON is refused
        try:
            libvirt_qemu.qemuMonitorCommand(dom, "{not json", 0)
            raise AssertionError("not JSON accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INTERNAL_ERROR, e
        try:
            libvirt_qemu.qemuMonitorCommand(dom, "query-name", 8)
            raise AssertionError("unknown flag accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
        try:
            libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-ping"}', 5, 0)
            raise AssertionError("agent command without an agent succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED, e
        try:
            libvirt_qemu.qemuAttach(conn, os.getpid(), 0)
            raise AssertionError("qemuAttach succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT, e
    finally:
        conn.close()


def check_virsh_event(sock):
    # virsh registers at some point after it starts; each suspend makes a
    # STOP, and the first one virsh hears ends it (no --loop)
    p = subprocess.Popen([VIRSH, "-c", uri_of(sock), "qemu-monitor-event", "vkm",
                          "--event", "STOP", "--timeout", "120"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(60):
            virsh(sock, "suspend", "vkm")
            virsh(sock, "resume", "vkm")
            try:
                out, err = p.communicate(timeout=2)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            raise AssertionError("virsh qemu-monitor-event never saw STOP")
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 0, (out, err)
    lines = [ln for ln in out.splitlines() if "event STOP" in ln]
    assert len(lines) == 1, out
    m = re.match(r"^event STOP at (\d+)\.(\d{6}) for domain 'vkm': <null>$", lines[0])
    assert m, lines[0]
    # QEMU's own wall-clock timestamp, not a made-up one
    assert abs(int(m.group(1)) - time.time()) < 3600, lines[0]

    # read-only connections may not listen either (libvirt: denied)
    r = vktest.client(VIRSH, uri_of(sock), "-r", "qemu-monitor-event", "--timeout", "1",
                      ok=False)
    assert r.returncode != 0 and "read only access prevents" in r.stderr, r.stderr


def check_python_events(sock):
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri_of(sock))
    got = {}
    cond = threading.Condition()

    def cb(c, dom, event, seconds, micros, details, opaque):
        with cond:
            got.setdefault(opaque, []).append((dom.name(), event, seconds, micros, details))
            cond.notify_all()

    def wait_for(key, n):
        with cond:
            if not cond.wait_for(lambda: len(got.get(key, [])) >= n, timeout=120):
                raise AssertionError("no %s event: %r" % (key, got))

    Q = libvirt_qemu
    try:
        dom = conn.lookupByName("vkm")
        ids = [
            Q.qemuMonitorEventRegister(conn, dom, "^RES", cb, "regex",
                                       Q.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX),
            Q.qemuMonitorEventRegister(conn, None, "reset", cb, "nocase",
                                       Q.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE),
            Q.qemuMonitorEventRegister(conn, dom, "stop", cb, "exact-lower", 0),
            Q.qemuMonitorEventRegister(conn, dom, "STOP", cb, "exact", 0),
        ]
        assert len(set(ids)) == 4, ids
        dom.reset(0)
        wait_for("nocase", 1)
        dom.suspend()
        wait_for("exact", 1)
        dom.resume()
        wait_for("regex", 2)
        with cond:
            assert [e[1] for e in got["regex"]] == ["RESET", "RESUME"], got
            assert [e[1] for e in got["nocase"]] == ["RESET"], got
            assert [e[1] for e in got["exact"]] == ["STOP"], got
            assert "exact-lower" not in got, got
            name, event, seconds, micros, details = got["nocase"][0]
            assert name == "vkm" and 0 <= micros < 1000000, got
            assert json.loads(details)["guest"] is False, details
            assert got["exact"][0][4] is None, got
        for i in ids:
            Q.qemuMonitorEventDeregister(conn, i)
        try:
            Q.qemuMonitorEventDeregister(conn, ids[0])
            raise AssertionError("deregistered twice")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
        try:
            Q.qemuMonitorEventRegister(conn, None, "(", cb, None,
                                       Q.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX)
            raise AssertionError("a bad regex accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
        try:
            Q.qemuMonitorEventRegister(conn, None, None, cb, None, 4)
            raise AssertionError("an unknown flag accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
    finally:
        conn.close()
    ro = libvirt.openReadOnly(uri_of(sock))
    try:
        Q.qemuMonitorEventRegister(ro, None, None, cb, None, 0)
        raise AssertionError("read-only registration accepted")
    except libvirt.libvirtError as e:
        assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, e
    finally:
        ro.close()


CHANNELS = """
    <channel type='unix'>
      <source mode='connect' path='{path}'/>
      <target type='virtio' name='org.example.echo'/>
    </channel>
    <channel type='pty'>
      <target type='virtio' name='org.example.pty'/>
    </channel>
"""


def check_channels(sock, listener):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    qemu_side, _ = listener.accept()     # QEMU's chardev connected at start
    conn = libvirt.open(uri_of(sock))
    try:
        dom = conn.lookupByName("vkm")
        st = conn.newStream(0)
        dom.openChannel("org.example.echo", st, 0)
        peer, _ = listener.accept()      # the stream's own connection
        st.send(b"ping")
        got = b""
        while len(got) < 4:
            got += peer.recv(4 - len(got))
        assert got == b"ping", got
        peer.sendall(b"pong")
        got = b""
        while len(got) < 4:
            got += st.recv(4 - len(got))
        assert got == b"pong", got

        # one stream per channel: a second one is refused, unless forced
        st2 = conn.newStream(0)
        try:
            dom.openChannel("channel0", st2, 0)
            raise AssertionError("a second channel stream was opened")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_FAILED, e
            assert "Active channel stream exists" in str(e), e
        st3 = conn.newStream(0)
        dom.openChannel("channel0", st3, libvirt.VIR_DOMAIN_CHANNEL_FORCE)
        peer3, _ = listener.accept()
        st3.send(b"x")
        assert peer3.recv(1) == b"x"
        st3.finish()
        peer3.close()
        peer.close()

        for name, needle in (("org.example.pty", "is not using a UNIX socket"),
                             ("nosuch", "cannot find channel nosuch")):
            try:
                dom.openChannel(name, conn.newStream(0), 0)
                raise AssertionError("channel %s opened" % name)
            except libvirt.libvirtError as e:
                assert needle in str(e), e
    finally:
        qemu_side.close()
        conn.close()


def run_event_loop():
    import libvirt
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    if not vktest.have(vktest.QEMU, VIRSH):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-monitor-") as bed:
        root, pids, vtype = bed.root, bed.pids, bed.vtype
        daemon = bed.start()
        path = os.path.join(root, "vkm.xml")
        chan = os.path.join(root, "chan.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(chan)
        listener.listen(4)
        listener.settimeout(120)
        with open(path, "w") as f:
            f.write(vktest.micro_domxml("vkm", MICRO, vtype, root).replace(
                "</devices>", CHANNELS.format(path=chan) + "  </devices>"))
        virsh(daemon.rw, "define", path)
        expect_fail(daemon.rw, "is not running", "qemu-monitor-command", "vkm",
                    "query-status")
        virsh(daemon.rw, "start", "vkm")
        pids.append(status_pid(root, "vkm"))

        check_virsh(daemon.rw)
        check_python(daemon.rw)
        check_channels(daemon.rw, listener)
        check_virsh_event(daemon.rw)
        import libvirt
        libvirt.virEventRegisterDefaultImpl()
        threading.Thread(target=run_event_loop, daemon=True).start()
        check_python_events(daemon.rw)

        # virtkit's own shell: the same call, the same wrapping
        r = client(VIRTKIT, uri_of(daemon.rw), "qemu-monitor-command", "vkm", "query-name")
        assert json.loads(r.stdout)["return"] == {"name": "vkm"}, r.stdout
        r = client(VIRTKIT, uri_of(daemon.rw), "qemu-monitor-command", "vkm", "--hmp",
                   "info status")
        assert "VM status: running" in r.stdout, r.stdout
        r = client(VIRTKIT, uri_of(daemon.rw), "qemu-agent-command", "vkm",
                   '{"execute":"guest-ping"}', ok=False)
        assert r.returncode == 1 and "QEMU guest agent is not configured" in r.stderr, r

        virsh(daemon.rw, "destroy", "vkm")
        reap(pids.pop())
        virsh(daemon.rw, "undefine", "vkm")
        print("ok: qemu-monitor-command with virsh, python3-libvirt and virtkit through virtkitd")
        return 0


if __name__ == "__main__":
    sys.exit(main())
