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
module, and virtkit's own shell on the same daemon."""

import json
import os
import sys

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


def main():
    if not vktest.have(vktest.QEMU, VIRSH):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-monitor-") as bed:
        root, pids, vtype = bed.root, bed.pids, bed.vtype
        daemon = bed.start()
        path = os.path.join(root, "vkm.xml")
        with open(path, "w") as f:
            f.write(vktest.micro_domxml("vkm", MICRO, vtype, root))
        virsh(daemon.rw, "define", path)
        expect_fail(daemon.rw, "is not running", "qemu-monitor-command", "vkm",
                    "query-status")
        virsh(daemon.rw, "start", "vkm")
        pids.append(status_pid(root, "vkm"))

        check_virsh(daemon.rw)
        check_python(daemon.rw)

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
