#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-install's default display set, for real, through virtkitd.

A private virtkitd serves qemu:///system; the micro-guest is defined with
what virt-install puts in a desktop VM: VNC (and its websocket) and SPICE
with automatic ports, a qxl video, ich9 sound, a USB tablet, a qemu-ga channel without a
path, a spicevmc channel, two USB redirections, a pty serial console and a virtio one.  The persisted XML must
carry libvirt 9.0's defaults (one <audio type='spice'>, the PS/2 inputs,
the virtio-serial controller); under TCG the guest starts; the real
virsh's `vncdisplay` and `domdisplay` name the ports QEMU really listens
on (the VNC one asks for its password); the live XML gives the
qemu-ga socket, which exists, and all of it survives a daemon restart;
after a destroy, or a guest's death while no daemon runs, the guest's
socket directory is gone.  A VNC password reaches QEMU through a secret file,
never on its command line, and the file is gone once the guest runs; a VNC
client authenticates with it (RFB's DES challenge), the XML shows it only
with --security-info (refused read-only), and `virsh update-device --live`
changes it (set_password) and expires it (passwdValidTo: expire_password)
while refusing what libvirt does not change live (keymap, port)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh  # noqa: E402

BIN = sys.argv[1]
MICRO = os.path.abspath(sys.argv[2])
VIRTKIT = sys.argv[3] if len(sys.argv) > 3 else None


def domxml(name, vtype):
    return f"""<domain type='{vtype}'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>
    <kernel>{MICRO}</kernel>
  </os>
  <features><acpi/></features>
  <devices>
    <controller type='usb' index='0' model='piix3-uhci'/>
    <serial type='pty'/>
    <console type='pty'/>
    <console type='pty'>
      <target type='virtio'/>
    </console>
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <channel type='spicevmc'>
      <target type='virtio' name='com.redhat.spice.0'/>
    </channel>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' autoport='yes' websocket='-1' passwd='pw,1'>
      <listen type='address'/>
    </graphics>
    <graphics type='spice' autoport='yes'>
      <listen type='address'/>
      <image compression='off'/>
    </graphics>
    <sound model='ich9'/>
    <video>
      <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'/>
    </video>
    <redirdev bus='usb' type='spicevmc'/>
    <redirdev bus='usb' type='spicevmc'/>
  </devices>
</domain>
"""


def recv_n(s, n):
    got = b""
    while len(got) < n:
        chunk = s.recv(n - len(got))
        if not chunk:
            break
        got += chunk
    return got


def vnc_security_types(port):
    """The RFB 3.8 handshake up to the server's list of security types:
    2 (VNC authentication) when a password is set, 1 (none) otherwise."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        version = recv_n(s, 12)
        assert version.startswith(b"RFB 003."), version
        s.sendall(b"RFB 003.008\n")
        n = recv_n(s, 1)[0]
        return list(recv_n(s, n))


def vnc_auth(port, password):
    """RFB 3.8 VNC authentication: the server's 16-byte challenge encrypted
    with DES under the password (8 bytes, each byte's bits reversed, as
    RFB wants); True when the server accepts."""
    key = bytes(int("{:08b}".format(b)[::-1], 2) for b in password.encode()[:8].ljust(8, b"\0"))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        recv_n(s, 12)
        s.sendall(b"RFB 003.008\n")
        types = list(recv_n(s, recv_n(s, 1)[0]))
        assert 2 in types, types
        s.sendall(b"\x02")
        challenge = recv_n(s, 16)
        enc = subprocess.run(["openssl", "enc", "-des-ecb", "-provider", "legacy", "-provider",
                              "default", "-nopad", "-K", key.hex()],
                             input=challenge, capture_output=True, check=True).stdout
        assert len(enc) == 16, enc
        s.sendall(enc)
        return recv_n(s, 4) == b"\0\0\0\0"


def update_vnc(sock, name, root, ok=True, **attrs):
    top = ET.fromstring(virsh(sock, "dumpxml", "--security-info", name).stdout)
    g = [g for g in top.find("devices").findall("graphics") if g.get("type") == "vnc"][0]
    for k, v in attrs.items():
        if v is None:
            g.attrib.pop(k, None)
        else:
            g.set(k, v)
    path = os.path.join(root, "vnc-update.xml")
    with open(path, "wb") as f:
        f.write(ET.tostring(g))
    return virsh(sock, "update-device", name, path, "--live", ok=ok)


def check_passwords(sock, name, root):
    port = int([g for g in ET.fromstring(virsh(sock, "dumpxml", name).stdout)
                .find("devices").findall("graphics") if g.get("type") == "vnc"][0].get("port"))
    # the password is QEMU's
    assert vnc_auth(port, "pw,1") and not vnc_auth(port, "wrong"), port
    # and shown only to who asks for it on a read-write connection
    assert "passwd=" not in virsh(sock, "dumpxml", name).stdout
    assert "passwd='pw,1'" in virsh(sock, "dumpxml", "--security-info", name).stdout
    r = vktest.client(VIRSH, vktest.uri_of(sock), "-r", "dumpxml",
                      "--security-info", name, ok=False)
    assert r.returncode != 0 and \
        "operation forbidden: virDomainGetXMLDesc with secure flag" in r.stderr, r.stderr

    update_vnc(sock, name, root, passwd="new-pw")
    assert vnc_auth(port, "new-pw") and not vnc_auth(port, "pw,1"), port
    assert "passwd='new-pw'" in virsh(sock, "dumpxml", "--security-info", name).stdout
    # a validity in the past expires it at once
    update_vnc(sock, name, root, passwd="new-pw", passwdValidTo="2001-02-03T04:05:06")
    assert not vnc_auth(port, "new-pw"), port
    assert "passwdValidTo='2001-02-03T04:05:06'" in \
        virsh(sock, "dumpxml", "--security-info", name).stdout
    # a new password without a validity never expires
    update_vnc(sock, name, root, passwd="pw,1", passwdValidTo=None)
    assert vnc_auth(port, "pw,1"), port
    assert "passwdValidTo" not in virsh(sock, "dumpxml", "--security-info", name).stdout

    r = update_vnc(sock, name, root, ok=False, keymap="de")
    assert "cannot change keymap setting on vnc graphics" in r.stderr, r.stderr
    r = update_vnc(sock, name, root, ok=False, autoport="no", port=str(port + 1))
    assert "cannot change port settings on vnc graphics" in r.stderr, r.stderr


def check_shell(sock, name, root):
    """virtkit's domdisplay and screenshot against the real virsh's on
    the same daemon: the same output, byte for byte, and the same
    picture."""
    uri = vktest.uri_of(sock)
    for args in (["domdisplay", name], ["domdisplay", "--all", name],
                 ["domdisplay", "--include-password", "--all", name],
                 ["domdisplay", "--type", "spice", name],
                 ["domdisplay", "--type", "rdp", name]):
        ours = vktest.client(VIRTKIT, uri, *args, ok=False)
        theirs = vktest.client(VIRSH, uri, *args, ok=False)
        assert (ours.returncode, ours.stdout, ours.stderr) == \
            (theirs.returncode, theirs.stdout, theirs.stderr), (args, ours, theirs)
    shots = []
    for prog in (VIRTKIT, VIRSH):
        path = os.path.join(root, "shot-%s" % os.path.basename(prog))
        r = vktest.client(prog, uri, "screenshot", name, "--file", path)
        shots.append((r.stdout.replace(path, "FILE"), open(path, "rb").read()))
        os.unlink(path)
    assert shots[0][0] == shots[1][0], (shots[0][0], shots[1][0])
    # the same screen: same header (format, size) and a picture of that size
    assert shots[0][1].split(b"\n", 3)[:3] == shots[1][1].split(b"\n", 3)[:3], \
        (shots[0][1][:20], shots[1][1][:20])
    assert len(shots[0][1]) == len(shots[1][1]), (len(shots[0][1]), len(shots[1][1]))


def check_persisted(sock, name):
    top = ET.fromstring(virsh(sock, "dumpxml", "--inactive", name).stdout)
    dev = top.find("devices")
    audio = dev.findall("audio")
    assert [(a.get("id"), a.get("type")) for a in audio] == [("1", "spice")], ET.tostring(dev)
    inputs = [(i.get("type"), i.get("bus")) for i in dev.findall("input")]
    assert ("mouse", "ps2") in inputs and ("keyboard", "ps2") in inputs, inputs
    assert [c for c in dev.findall("controller") if c.get("type") == "virtio-serial"], \
        ET.tostring(dev)
    for g in dev.findall("graphics"):
        assert g.get("autoport") == "yes" and g.get("port") in (None, "-1"), ET.tostring(g)
        assert g.get("websocket") in (None, "-1"), ET.tostring(g)


def check_live(sock, name, root):
    top = ET.fromstring(virsh(sock, "dumpxml", name).stdout)
    dev = top.find("devices")
    ports = {g.get("type"): int(g.get("port")) for g in dev.findall("graphics")}
    assert ports["vnc"] >= 5900 and ports["spice"] >= 5900, ports
    assert ports["vnc"] != ports["spice"], ports

    out = virsh(sock, "vncdisplay", name).stdout.strip()
    assert out == "127.0.0.1:%d" % (ports["vnc"] - 5900), (out, ports)
    out = virsh(sock, "domdisplay", "--type", "spice", name).stdout.strip()
    assert out == "spice://127.0.0.1:%d" % ports["spice"], (out, ports)
    out = virsh(sock, "domdisplay", "--type", "vnc", name).stdout.strip()
    assert out == "vnc://127.0.0.1:%d" % (ports["vnc"] - 5900), (out, ports)

    # QEMU really serves there: VNC greets with its protocol version,
    # SPICE accepts the connection
    assert vnc_security_types(ports["vnc"]) == [2], ports
    # websocket='-1' got a port of libvirt's websocket range, and QEMU
    # listens there (an HTTP upgrade handshake is its business)
    ws = int([g for g in dev.findall("graphics") if g.get("type") == "vnc"][0].get("websocket"))
    assert ws >= 5700, ws
    socket.create_connection(("127.0.0.1", ws), timeout=30).close()
    socket.create_connection(("127.0.0.1", ports["spice"]), timeout=30).close()

    # every pty has its path: the serial port and its console, the
    # virtio console
    for c in dev.findall("serial") + dev.findall("console"):
        path = c.find("source").get("path")
        assert path.startswith("/dev/pts/") and os.path.exists(path), ET.tostring(c)
    virtio = [c for c in dev.findall("console") if c.find("target").get("type") == "virtio"]
    assert len(virtio) == 1 and virtio[0].find("target").get("port") == "1", ET.tostring(dev)

    ga = [c for c in dev.findall("channel") if c.get("type") == "unix"][0]
    assert len(ga.findall("source")) == 1, ET.tostring(ga)
    src = ga.find("source")
    assert src is not None and src.get("mode") == "bind", ET.tostring(ga)
    path = src.get("path")
    assert path.startswith(os.path.join(root, "run")), path
    assert path.endswith("/org.qemu.guest_agent.0"), path
    assert os.path.exists(path) and os.stat(path).st_mode & 0o170000 == 0o140000, path

    # the password travels in a secret file QEMU has read (and that is
    # gone once the guest runs), never on the command line
    pid = status_pid(root, name)
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        cmdline = f.read().split(b"\0")
    assert not any(b"pw,1" in a for a in cmdline), cmdline
    vnc = [a for a in cmdline if re.match(rb"127\.0\.0\.1:0,to=100", a)]
    assert vnc and b"password-secret=graphics0-secret0" in vnc[0], cmdline
    secret = [a for a in cmdline if a.startswith(b"secret,id=graphics0-secret0,file=")]
    assert secret, cmdline
    assert not os.path.exists(secret[0].split(b"file=")[1].split(b",")[0]), secret
    return os.path.dirname(path)


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK) or not os.access(VIRSH, os.X_OK):
        print("SKIP: no QEMU or no virsh")
        return 77
    vktest.become_subreaper()
    root = tempfile.mkdtemp(prefix="vk-qemu-display-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    pids = []
    daemon = None
    name = "vkdisp"
    try:
        daemon = vkwire.Daemon(BIN, env=env)
        path = os.path.join(root, name + ".xml")
        with open(path, "w") as f:
            f.write(domxml(name, vktest.virt_type()))
        virsh(daemon.rw, "define", path)
        check_persisted(daemon.rw, name)

        virsh(daemon.rw, "start", name)
        pids.append(status_pid(root, name))
        sockdir = check_live(daemon.rw, name, root)
        if VIRTKIT:
            check_shell(daemon.rw, name, root)
        check_passwords(daemon.rw, name, root)
        # the running guest does not change the persisted definition
        check_persisted(daemon.rw, name)
        # a restarted daemon reattaches with the same displays and sockets
        before = virsh(daemon.rw, "dumpxml", name).stdout
        daemon.stop()
        daemon = vkwire.Daemon(BIN, env=env)
        assert virsh(daemon.rw, "dumpxml", name).stdout == before
        check_live(daemon.rw, name, root)

        virsh(daemon.rw, "destroy", name)
        reap(pids[-1])
        assert not os.path.exists(sockdir), os.listdir(sockdir)

        # a guest that dies while no daemon watches leaves its socket
        # directory to the next daemon, which removes it
        virsh(daemon.rw, "start", name)
        pids.append(status_pid(root, name))
        assert os.path.isdir(sockdir)
        daemon.stop()
        os.kill(pids[-1], signal.SIGKILL)
        reap(pids[-1])
        daemon = vkwire.Daemon(BIN, env=env)
        assert vktest.list_states(virsh(daemon.rw, "list", "--all").stdout) == \
            {name: "shut off"}
        assert not os.path.exists(sockdir), os.listdir(sockdir)
        virsh(daemon.rw, "undefine", name)
        print("ok: virt-install's display set runs; vncdisplay/domdisplay give QEMU's ports")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
            log = os.path.join(root, "log", name + ".log")
            if os.path.exists(log):
                print("---- qemu log ----\n" + open(log).read())
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        vktest.kill_all(pids)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
