#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkit's net-* commands against virsh's, byte for byte: the same
sequence of commands (list, info, XML, define, start, autostart, leases,
errors, network ports, destroy, undefine) runs once through the real virsh and once
through the virtkit shell, against one virtkitd in a network namespace
of the test's own; every command's exit status, stdout and stderr must be
identical.  net-update, net-event and the secret-* commands run there
too, the daemon answering both shells.  The sequence leaves the daemon as it found it, so both runs
start from the same state."""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import netns  # noqa: E402
import vkwire  # noqa: E402
from vktest import VIRSH  # noqa: E402

netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN, SHELL = sys.argv[1], sys.argv[2]

NET = """<network>
  <name>vkshnet</name>
  <uuid>8d2b1c5e-7a41-4f0e-9c3d-2e6f5a4b3c21</uuid>
  <forward mode='nat'/>
  <bridge name='vksh0'/>
  <mac address='52:54:00:12:34:56'/>
  <ip address='10.71.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.71.0.10' end='10.71.0.20'/></dhcp>
  </ip>
</network>
"""
PORT = """<networkport>
  <uuid>3f1e9a7c-5b2d-4c8e-a1f0-6d7e8f9a0b1c</uuid>
  <owner>
    <name>vkguest</name>
    <uuid>0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f</uuid>
  </owner>
  <mac address='52:54:00:12:00:01'/>
</networkport>
"""
PORT_PLUG = PORT.replace("</networkport>", "  <plug type='network' bridge='vksh0'/>\n</networkport>")
SECRET = """<secret ephemeral='no' private='no'>
  <uuid>6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</uuid>
  <usage type='volume'>
    <volume>/var/lib/vk/disk.img</volume>
  </usage>
</secret>
"""
BAD = "<network><name>bad</name><ip address='10.1.0.1' netmask='255.0.255.0'/></network>"


def sequence(d):
    net, bad = os.path.join(d, "net.xml"), os.path.join(d, "bad.xml")
    port, plug = os.path.join(d, "port.xml"), os.path.join(d, "plug.xml")
    uuid = "8d2b1c5e-7a41-4f0e-9c3d-2e6f5a4b3c21"
    puuid = "3f1e9a7c-5b2d-4c8e-a1f0-6d7e8f9a0b1c"
    secret, suuid = os.path.join(d, "secret.xml"), "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    host = "<host mac='52:54:00:00:00:07' ip='10.71.0.7'/>"
    return [
        ["net-list"], ["net-list", "--all"], ["net-list", "--name"], ["net-list", "--uuid"],
        ["net-list", "--uuid", "--name"], ["net-list", "--inactive"],
        ["net-define", net], ["net-define", bad], ["net-define", os.path.join(d, "nosuch")],
        ["net-list", "--all"], ["net-list", "--inactive", "--name"],
        ["net-list", "--persistent", "--no-autostart"],
        ["net-info", "vkshnet"], ["net-info", uuid], ["net-uuid", "vkshnet"],
        ["net-name", uuid], ["net-name", "vkshnet"], ["net-info", "nosuch"],
        ["net-dumpxml", "vkshnet"], ["net-dumpxml", "--inactive", "vkshnet"],
        ["net-start", "vkshnet"], ["net-start", "vkshnet"], ["net-info", "vkshnet"],
        ["net-autostart", "vkshnet"], ["net-list", "--autostart"],
        ["net-autostart", "--disable", "vkshnet"],
        # the shell's side of net-update and net-event (the driver answers)
        ["net-update", "vkshnet", "add", "ip-dhcp-host", host],
        ["net-update", "vkshnet", "add-first", "dns-host", host, "--config"],
        ["net-update", "vkshnet", "bogus", "ip-dhcp-host", host],
        ["net-update", "vkshnet", "add", "bogus", host],
        ["net-update", "vkshnet", "add", "ip-dhcp-host", os.path.join(d, "nosuch")],
        ["net-update", "vkshnet", "add", "ip-dhcp-host", host, "--live", "--current"],
        ["net-update", "nosuch", "add", "ip-dhcp-host", host],
        ["net-event", "--list"], ["net-event"], ["net-event", "--event", "bogus"],
        # secrets live in the same daemon
        ["secret-list"], ["secret-define", secret], ["secret-list"],
        ["secret-dumpxml", suuid], ["secret-get-value", suuid],
        ["secret-set-value", suuid, "--base64", "c2VjcmV0"],
        ["secret-set-value", suuid], ["secret-set-value", suuid, "--base64", "x",
                                      "--file", secret],
        ["secret-get-value", suuid], ["secret-get-value", suuid, "--plain"],
        ["secret-event", "--list"], ["secret-undefine", suuid], ["secret-undefine", suuid],
        ["net-dhcp-leases", "vkshnet"], ["net-dhcp-leases", "vkshnet", "--mac",
                                         "52:54:00:00:00:01"],
        ["net-dhcp-leases", "nosuch"],
        ["net-port-list", "vkshnet"], ["net-port-create", "vkshnet", port],
        ["net-port-create", "vkshnet", port], ["net-port-create", "vkshnet", plug],
        ["net-port-list", "vkshnet"], ["net-port-list", "vkshnet", "--uuid"],
        ["net-port-dumpxml", "vkshnet", puuid],
        ["net-port-dumpxml", "vkshnet", "00000000-0000-4000-8000-000000000000"],
        ["net-port-delete", "vkshnet", puuid], ["net-port-delete", "vkshnet", puuid],
        ["net-port-list", "vkshnet", "--uuid"], ["net-port-create", "vkshnet", port],
        ["net-port-create", "default", port], ["net-port-list", "default"],
        ["net-port-delete", "default", puuid],
        ["net-destroy", "vkshnet"], ["net-destroy", "vkshnet"],
        ["net-undefine", "vkshnet"], ["net-undefine", "vkshnet"],
        ["net-create", net], ["net-list", "--transient"], ["net-autostart", "vkshnet"],
        ["net-destroy", "vkshnet"], ["net-list", "--all"],
    ]


def run_all(tool, uri, d):
    out = []
    for args in sequence(d):
        r = subprocess.run([tool, "-c", uri] + args, capture_output=True, text=True,
                           timeout=120)
        out.append((args, r.returncode, r.stdout, r.stderr))
    return out


def main():
    d = tempfile.mkdtemp(prefix="vk-net-shell-")
    daemon = None
    try:
        with open(os.path.join(d, "net.xml"), "w") as f:
            f.write(NET)
        with open(os.path.join(d, "bad.xml"), "w") as f:
            f.write(BAD)
        with open(os.path.join(d, "port.xml"), "w") as f:
            f.write(PORT)
        with open(os.path.join(d, "plug.xml"), "w") as f:
            f.write(PORT_PLUG)
        with open(os.path.join(d, "secret.xml"), "w") as f:
            f.write(SECRET)
        daemon = vkwire.Daemon(BIN, extra=["--network-root", os.path.join(d, "root")])
        uri = "qemu+unix:///system?socket=" + daemon.rw
        want = run_all(VIRSH, uri, d)
        got = run_all(SHELL, uri, d)
        bad = 0
        for (args, rc1, o1, e1), (_, rc2, o2, e2) in zip(want, got):
            if (rc1, o1, e1) != (rc2, o2, e2):
                bad += 1
                print("DIFFERS: %s\n  virsh   (%d) out=%r err=%r\n  virtkit (%d) out=%r err=%r"
                      % (" ".join(args), rc1, o1, e1, rc2, o2, e2))
        print("%d commands compared, %d differ" % (len(want), bad))
        vkt = [w for w in want if w[1] != 0]
        print("%d of them fail in both (errors compared too)" % len(vkt))
        subprocess.run([VIRSH, "-c", uri, "net-destroy", "default"], capture_output=True)
        if netns.links() != ["lo"] or netns.tables():
            print("left behind: %s %s" % (netns.links(), netns.tables()))
            bad += 1
        return 1 if bad else 0
    finally:
        if daemon:
            daemon.stop()
        netns.kill_leftovers(d)
        shutil.rmtree(d, ignore_errors=True)


sys.exit(main())
