#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The QEMU guest agent through virtkitd, with Debian's real qemu-ga
running in a Linux guest under TCG (tests/qemu/agentguest.py) and the
real virsh and python3-libvirt as clients: the channel of virt-install's
shape gets its socket under the domain's directory; AGENT_LIFECYCLE
events and <target state=.../> follow the guest opening its port;
qemu-agent-command (an answer, an agent error, a bad timeout), domtime
(get, set, --sync), domhostname, domifaddr --source agent, domfsinfo (the
file systems of a SCSI and an IDE disk named by their targets),
guestinfo, set-user-password (the guest's /etc/shadow read back through
the agent's file calls), domfsfreeze/domfsthaw, agent timeouts, and the
shutdown --mode agent that powers the guest off through qemu-ga.
Skips without a cloud kernel, busybox-static or qemu-guest-agent."""

import base64
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import agentguest  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh, uri_of  # noqa: E402

BIN = sys.argv[1]
# a TCG boot on a loaded two-core host: a guard against hangs, no timing
GUARD = 600
NAME = "vkga"


def expect_fail(sock, needle, *args):
    r = virsh(sock, *args, ok=False)
    assert r.returncode != 0, r.stdout
    assert needle in r.stderr, r.stderr
    return r.stderr


def agent_state(sock):
    top = ET.fromstring(virsh(sock, "dumpxml", NAME).stdout)
    for ch in top.iter("channel"):
        t = ch.find("target")
        if t is not None and t.get("name") == "org.qemu.guest_agent.0":
            return ch, t.get("state")
    raise AssertionError("no agent channel in the live XML")


def wait_serial(root, marker):
    path = os.path.join(root, "serial-%s.log" % NAME)
    end = time.monotonic() + GUARD
    while time.monotonic() < end:
        try:
            with open(path, "rb") as f:
                if marker in f.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.5)
    raise AssertionError("no %r on the guest's serial port" % marker)


class AgentEvents:
    """python3-libvirt's AGENT_LIFECYCLE callback, on its default event
    loop in a thread; wait() blocks on a condition."""

    def __init__(self, libvirt, uri):
        self.libvirt = libvirt
        self.cond = threading.Condition()
        self.seen = []
        self.stop = False
        libvirt.virEventRegisterDefaultImpl()
        self.conn = libvirt.openReadOnly(uri)
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        self.cb = self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, self._on, None)

    def _loop(self):
        while not self.stop:
            self.libvirt.virEventRunDefaultImpl()

    def _on(self, conn, dom, state, reason, opaque):
        with self.cond:
            self.seen.append((dom.name(), state, reason))
            self.cond.notify_all()

    def wait(self, state):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(s[1] == state for s in self.seen), GUARD)
        assert ok, ("no agent lifecycle event", state, self.seen)

    def close(self):
        self.conn.domainEventDeregisterAny(self.cb)
        self.stop = True
        self.conn.close()


def guest_file(sock, path):
    """A guest file read through the agent's own calls (qemu-agent-command)."""
    def cmd(c):
        out = virsh(sock, "qemu-agent-command", NAME, json.dumps(c)).stdout
        return json.loads(out)["return"]
    h = cmd({"execute": "guest-file-open", "arguments": {"path": path, "mode": "r"}})
    try:
        r = cmd({"execute": "guest-file-read", "arguments": {"handle": h, "count": 4096}})
        return base64.b64decode(r["buf-b64"]).decode()
    finally:
        cmd({"execute": "guest-file-close", "arguments": {"handle": h}})


def check_agent(sock):
    """The virsh commands, asserted; returns what is compared with libvirtd."""
    seen = {}
    # the passthrough: the agent's whole answer
    out = virsh(sock, "qemu-agent-command", NAME, '{"execute":"guest-ping"}').stdout
    assert json.loads(out) == {"return": {}}, out
    out = virsh(sock, "qemu-agent-command", NAME, "--timeout", "30",
                '{"execute":"guest-info"}').stdout
    names = [c["name"] for c in json.loads(out)["return"]["supported_commands"]]
    assert "guest-get-time" in names, names
    seen["agent-error"] = expect_fail(
        sock, "unable to execute QEMU agent command 'guest-no-such'",
        "qemu-agent-command", NAME, '{"execute":"guest-no-such"}')

    # the guest's clock: --sync reads the RTC QEMU keeps on the host's
    # time; then a fixed instant, which qemu-ga writes to the RTC too
    virsh(sock, "domtime", NAME, "--sync")
    secs = int(virsh(sock, "domtime", NAME).stdout.split(":")[1])
    assert abs(secs - time.time()) < 86400, secs
    virsh(sock, "domtime", NAME, "--time", "1900000000")
    secs = int(virsh(sock, "domtime", NAME).stdout.split(":")[1])
    assert 1900000000 <= secs < 1900000000 + 86400, secs

    assert virsh(sock, "domhostname", NAME).stdout.strip() == "vk-agent-guest"
    assert virsh(sock, "domhostname", NAME, "--source", "agent").stdout.strip() == \
        "vk-agent-guest"

    out = seen["domifaddr"] = virsh(sock, "domifaddr", NAME, "--source", "agent").stdout
    assert "192.0.2.15/24" in out and "52:54:00:aa:bb:01" in out, out
    assert "127.0.0.1/8" in out and "lo" in out, out

    out = seen["guestinfo-hostname"] = virsh(sock, "guestinfo", NAME, "--hostname").stdout
    assert "hostname            : vk-agent-guest" in out, out
    out = virsh(sock, "guestinfo", NAME).stdout
    assert "os.kernel-release" in out and "if.1.addr.0.addr" in out, out
    assert "192.0.2.15" in out, out
    seen["guestinfo-if"] = virsh(sock, "guestinfo", NAME, "--interface").stdout
    seen["guestinfo-os"] = virsh(sock, "guestinfo", NAME, "--os").stdout

    # the file systems of the SCSI and IDE disks, named by the disks'
    # targets from the addresses qemu-ga reports (the guest mounts them
    # as it boots; the device names may come in either order)
    end = time.monotonic() + GUARD
    while True:
        rows = sorted((r[0], r[2], r[3]) for r in
                      (l.split() for l in virsh(sock, "domfsinfo", NAME).stdout.splitlines()[2:])
                      if len(r) == 4)
        if len(rows) == 2 or time.monotonic() > end:
            break
        time.sleep(0.5)
    seen["domfsinfo"] = rows
    assert rows == [("/mnt/vkide", "ext4", "hda"), ("/mnt/vkscsi", "ext4", "sda")], rows
    # guestinfo's fs.N.disk.M.*: the same disks by target (the device
    # nodes and sizes may differ between two boots)
    out = virsh(sock, "guestinfo", NAME, "--filesystem").stdout
    kv = dict((k.strip(), v.strip()) for k, v in
              (l.split(":", 1) for l in out.splitlines() if ":" in l))
    seen["guestinfo-fs"] = sorted(
        (kv.get("fs.%d.mountpoint" % i), kv.get("fs.%d.fstype" % i),
         kv.get("fs.%d.disk.count" % i), kv.get("fs.%d.disk.0.alias" % i),
         "fs.%d.disk.0.device" % i in kv)
        for i in range(int(kv.get("fs.count", "0"))))
    assert seen["guestinfo-fs"] == [("/mnt/vkide", "ext4", "1", "hda", True),
                                    ("/mnt/vkscsi", "ext4", "1", "sda", True)], out
    seen["freeze"] = virsh(sock, "domfsfreeze", NAME).stdout
    seen["thaw"] = virsh(sock, "domfsthaw", NAME).stdout
    assert "Froze 2 filesystem" in seen["freeze"], seen
    assert "Thawed 2 filesystem" in seen["thaw"], seen

    before = guest_file(sock, "/etc/shadow")
    assert before.startswith("root:*:"), before
    virsh(sock, "set-user-password", NAME, "root", "vk-secret")
    after = guest_file(sock, "/etc/shadow")
    assert after.startswith("root:$") and after != before, after

    # the guest's view of its one vCPU (guest-get-vcpus), and libvirt's
    # refusals of a vCPU it lacks and of one it cannot take offline
    out = seen["guestvcpus"] = virsh(sock, "guestvcpus", NAME).stdout
    params = dict(re.findall(r"^(\w+)\s*:\s*(\S*)$", out, re.M))
    assert params.get("vcpus") == "0" and params.get("online") == "0", out
    seen["guestvcpus-missing"] = expect_fail(sock, "guest is missing vCPUs '5'",
                                             "guestvcpus", NAME, "--cpulist", "5", "--enable")
    if params.get("offlinable") == "":
        seen["guestvcpus-cpu0"] = expect_fail(sock, "vCPU '0'", "guestvcpus", NAME,
                                              "--cpulist", "0", "--disable")
    seen["guestvcpus-bad"] = expect_fail(sock, "", "guestvcpus", NAME, "--cpulist", "x",
                                         "--enable")
    virsh(sock, "guestvcpus", NAME, "--cpulist", "0", "--enable")
    assert virsh(sock, "guestvcpus", NAME).stdout == out

    # the domain's agent timeout, and a guest that answers in time
    virsh(sock, "guest-agent-timeout", NAME, "--timeout", "60")
    assert virsh(sock, "domhostname", NAME).stdout.strip() == "vk-agent-guest"
    return seen


def check_python(uri):
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri)
    try:
        dom = conn.lookupByName(NAME)
        out = libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-get-host-name"}', 10, 0)
        assert json.loads(out)["return"]["host-name"] == "vk-agent-guest", out
        t = dom.getTime()
        assert t["seconds"] > 0 and 0 <= t["nseconds"] < 10**9, t
        ifs = dom.interfaceAddresses(libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT)
        assert ifs["eth0"]["hwaddr"] == "52:54:00:aa:bb:01", ifs
        assert any(a["addr"] == "192.0.2.15" and a["prefix"] == 24
                   for a in ifs["eth0"]["addrs"]), ifs
        info = dom.guestInfo(libvirt.VIR_DOMAIN_GUEST_INFO_HOSTNAME, 0)
        assert info == {"hostname": "vk-agent-guest"}, info
        assert dom.fsInfo() == [] or all(len(f) == 4 for f in dom.fsInfo())
        try:
            libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-ping"}', -5, 0)
            raise AssertionError("an agent timeout below -2 was accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
        try:
            dom.agentSetResponseTimeout(-3)
            raise AssertionError("a timeout below -2 was accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
    finally:
        conn.close()


def scenario(sock, root, kernel, initrd, ours):
    """The whole session on one daemon (virtkitd, or libvirtd when not
    ours); returns what the two must agree on."""
    import libvirt
    events = None
    path = os.path.join(root, NAME + ".xml")
    with open(path, "w") as f:
        f.write(agentguest.domxml(NAME, kernel, initrd, root,
                                  extra=agentguest.fs_disks(root)))
    try:
        virsh(sock, "define", path)
        seen = {"off": expect_fail(sock, "is not running", "domtime", NAME)}
        events = AgentEvents(libvirt, uri_of(sock))
        virsh(sock, "start", NAME)

        # the socket is under the domain's own directory; the port is
        # closed until the guest's qemu-ga opens it
        ch, state = agent_state(sock)
        src = ch.find("source")
        assert src.get("mode") == "bind" and \
            src.get("path").endswith("/org.qemu.guest_agent.0"), ET.tostring(ch)
        if ours:
            assert src.get("path").startswith(root), src.get("path")
        if state == "disconnected":
            expect_fail(sock, "Guest agent is not responding: QEMU guest agent is not "
                        "connected", "domtime", NAME)
        events.wait(libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED)
        assert agent_state(sock)[1] == "connected"
        assert (NAME, 1, 2) in events.seen, events.seen

        seen.update(check_agent(sock))
        check_python(uri_of(sock))

        # a guest that is paused cannot answer: libvirt's refusal
        virsh(sock, "suspend", NAME)
        seen["paused"] = expect_fail(sock, "domain is not running", "domtime", NAME)
        virsh(sock, "resume", NAME)

        # shutdown through the agent: qemu-ga runs the guest's shutdown
        virsh(sock, "shutdown", NAME, "--mode", "agent")
        wait_serial(root, b"VK-AGENT-GUEST-SHUTDOWN")
        end = time.monotonic() + GUARD
        while virsh(sock, "domstate", NAME).stdout.strip() != "shut off":
            assert time.monotonic() < end, "the guest never shut off"
            # a QEMU its daemon let go of is ours to reap (subreaper)
            vktest.reap_all()
            time.sleep(0.2)
        virsh(sock, "undefine", NAME)
        return seen
    finally:
        if events is not None:
            try:
                events.close()
            except Exception:
                pass
        virsh(sock, "destroy", NAME, ok=False)
        virsh(sock, "undefine", NAME, ok=False)


def ipv4_only(text):
    """guestinfo's if.* lines without the IPv6 addresses (and the address
    counts they change), which depend on how far autoconf got."""
    lines = [l.split(":", 1) for l in text.splitlines() if ":" in l]
    v6 = {k.strip()[:-len(".type")] for k, v in lines
          if k.strip().endswith(".type") and v.strip() == "ipv6"}
    return [k.strip() + ":" + v for k, v in lines
            if not k.strip().endswith("addr.count")
            and not any(k.strip().startswith(p + ".") for p in v6)]


def main():
    why = agentguest.missing()
    if why or not os.access(VIRSH, os.X_OK):
        print("SKIP:", why or "no virsh")
        return 77
    vktest.become_subreaper()
    tmp = tempfile.mkdtemp(prefix="vk-ga-")
    root = os.path.join(tmp, "vk")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    daemon = None
    lv = None
    try:
        os.mkdir(root)
        initrd = os.path.join(tmp, "initrd.cpio")
        kernel = agentguest.build(initrd)
        daemon = vkwire.Daemon(BIN, env=env)
        ours = scenario(daemon.rw, root, kernel, initrd, True)
        print("ok: the guest agent through virtkitd with virsh and python3-libvirt")
        if os.geteuid() == 0 and shutil.which("libvirtd") and \
                not os.environ.get("VK_TEST_NO_LIBVIRTD"):
            d = os.path.join(tmp, "lv")
            os.mkdir(d)
            try:
                lv = vktest.PrivateLibvirtd(d, "qemu")
            except RuntimeError as e:
                print("note: no private libvirtd to compare with:", str(e).splitlines()[0])
            if lv is not None:
                os.mkdir(os.path.join(d, "g"))
                theirs = scenario(lv.sock, os.path.join(d, "g"), kernel, initrd, False)
                # the guest's IPv6 autoconf and link-local addresses may
                # differ between two boots; the rest must not
                for side in (ours, theirs):
                    side["domifaddr"] = [l for l in side["domifaddr"].splitlines()
                                         if l.split() and ":" not in l.split()[-1]]
                    side["guestinfo-if"] = ipv4_only(side["guestinfo-if"])
                diff = {k: (ours[k], theirs.get(k)) for k in ours if ours[k] != theirs.get(k)}
                assert not diff, "virtkitd and libvirtd differ:\n%r" % diff
                print("ok: the same answers as a private libvirtd 9.0 (%d checks)" % len(ours))
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext()[-20000:])
        for d in (root, os.path.join(tmp, "lv", "g")):
            try:
                with open(os.path.join(d, "serial-%s.log" % NAME), errors="replace") as f:
                    print("---- guest serial ----\n" + f.read()[-4000:])
            except OSError:
                pass
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        if lv is not None:
            lv.stop()
        vktest.reap_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
