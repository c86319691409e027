#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The real virsh (Debian's libvirt-clients) against virtkitd, compared
command by command with the same virsh against a private real libvirtd
(test driver).  Then `virsh event --all --loop` on virtkitd must see the
lifecycle events caused by a second virsh."""

import os
import re
import subprocess
import sys
import tempfile

import vkwire

BIN = sys.argv[1]
VIRSH = "/usr/bin/virsh"

DOMXML = """<domain type='test'>
  <name>vkt1</name>
  <uuid>4a7e3d52-1c0b-4f7e-9b1e-0d5f8a2c6e11</uuid>
  <memory unit='KiB'>262144</memory>
  <currentMemory unit='KiB'>262144</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
  </devices>
</domain>
"""

# (command, normalise) -- normalise hides values that legitimately differ
# run to run (CPU time is wall-clock based in both test drivers).
SESSION = [
    "list --all", "define {xml}", "list --all", "start vkt1", "dominfo vkt1",
    "domstate vkt1", "domstate vkt1 --reason", "suspend vkt1", "domstate vkt1",
    "resume vkt1", "dumpxml vkt1", "dumpxml --inactive vkt1", "list", "destroy vkt1",
    "domstate vkt1", "undefine vkt1", "list --all", "version", "nodeinfo", "hostname",
    "dominfo test", "dominfo nosuch", "capabilities",
]


def normalise(text):
    return re.sub(r"(CPU time:\s+)\S+", r"\1X", text)


def run(uri, cmd, xml):
    args = [VIRSH, "-c", uri] + cmd.replace("{xml}", xml).split()
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return r.returncode, normalise(r.stdout), normalise(r.stderr)


def session(sock, xml):
    """Runs SESSION with one extra connection held open throughout: the
    test driver's state lives as long as some connection uses it (in
    libvirtd as here), so the commands see each other's effects."""
    holder = vkwire.Conn(sock)
    vkwire.handshake(holder)
    try:
        return [(cmd, run("test+unix:///default?socket=" + sock, cmd, xml))
                for cmd in SESSION]
    finally:
        holder.close()


def test_against_libvirtd(xml):
    lvd = vkwire.Libvirtd()
    try:
        want = session(lvd.sock, xml)
    finally:
        lvd.stop()
    with vkwire.Daemon(BIN) as d:
        got = session(d.rw, xml)
        # and read-only: allowed reads work, writes are refused
        ro = "test+unix:///default?socket=" + d.ro
        r = run(ro, "list --all", xml)
        assert r[0] == 0 and "test" in r[1], r
        r = run(ro, "destroy test", xml)
        assert r[0] != 0 and "read only access prevents virDomainDestroy" in r[2], r
    failures = 0
    for (cmd, w), (_, g) in zip(want, got):
        if w != g:
            failures += 1
            print("MISMATCH for 'virsh %s':\n  libvirtd: %r\n  virtkitd: %r" % (cmd, w, g))
        else:
            print("same: virsh %s" % cmd)
    assert failures == 0, "%d commands differ" % failures


def test_events(xml):
    with vkwire.Daemon(BIN) as d:
        uri = "test+unix:///default?socket=" + d.rw
        mark = d.mark()
        ev = subprocess.Popen([VIRSH, "-c", uri, "event", "--all", "--loop", "--timeout", "120"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The listener is ready once the daemon has registered it.
            d.wait_for("call CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY", start=mark)
            for cmd in ("define {xml}", "start vkt1", "suspend vkt1", "resume vkt1",
                        "destroy vkt1", "undefine vkt1"):
                rc, out, err = run(uri, cmd, xml)
                assert rc == 0, (cmd, out, err)
            lines = []
            for line in ev.stdout:
                if line.startswith("event "):
                    lines.append(line.strip())
                if "Undefined" in line:
                    break
        finally:
            ev.terminate()
            ev.wait(timeout=30)
        want = ["event 'lifecycle' for domain 'vkt1': " + e for e in
                ("Defined Added", "Started Booted", "Suspended Paused", "Resumed Unpaused",
                 "Stopped Destroyed", "Undefined Removed")]
        assert lines == want, lines


def main():
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "vkt1.xml")
        with open(xml, "w") as f:
            f.write(DOMXML)
        test_events(xml)
        print("ok test_events")
        test_against_libvirtd(xml)
        print("ok test_against_libvirtd")


if __name__ == "__main__":
    main()
