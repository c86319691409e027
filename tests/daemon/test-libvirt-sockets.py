#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkitd in libvirtd's place: the real virsh with plain qemu:///system
(no ?socket=) reaches it.

Runs in a private mount namespace with a tmpfs on /run/libvirt, so the
host's libvirt sockets are neither seen nor touched:
  1. virtkitd --libvirt-sockets: virsh -c qemu:///system defines, lists and
     undefines a domain; virsh -r uses the read-only socket and is denied a
     mutation; a second virtkitd on the same paths refuses to start.
  2. a live virtqemud-sock (a stand-in listener) makes virtkitd refuse, since
     clients would prefer it;
  3. systemd socket activation (systemd-socket-activate passes the sockets
     as LISTEN_FDS with their names): virsh's first connection starts
     virtkitd, which serves it on the adopted sockets.
usage: test-libvirt-sockets.py VIRTKITD"""
import os
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
VIRSH = "/usr/bin/virsh"
GUARD = 30
DOMAIN = """<domain type='qemu'><name>sock-probe</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os></domain>"""


def virsh(*args, ro=False, ok=True):
    cmd = [VIRSH] + (["-r"] if ro else []) + ["-c", "qemu:///system"] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if ok and r.returncode != 0:
        raise AssertionError("virsh %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r


def wait_for(path):
    end = time.monotonic() + GUARD
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise AssertionError("%s never appeared" % path)
        time.sleep(0.05)


def start(daemon, root, *extra):
    log = open(os.path.join(root, "daemon.log"), "a")
    return subprocess.Popen([daemon, "--qemu-root", os.path.join(root, "qemu")] + list(extra),
                            stdout=log, stderr=subprocess.STDOUT)


def stop(p):
    p.terminate()
    p.wait(timeout=GUARD)


def inside(daemon):
    failures = []
    with tempfile.TemporaryDirectory() as root:
        # 1. served on libvirt's paths
        d = start(daemon, root, "--libvirt-sockets")
        try:
            wait_for("/run/libvirt/libvirt-sock-ro")
            xml = os.path.join(root, "dom.xml")
            open(xml, "w").write(DOMAIN)
            virsh("define", xml)
            if "sock-probe" not in virsh("list", "--all", "--name").stdout:
                failures.append("defined domain not listed through qemu:///system")
            r = virsh("undefine", "sock-probe", ro=True, ok=False)
            if r.returncode == 0 or "read only" not in r.stderr.lower() and \
                    "read-only" not in r.stderr.lower():
                failures.append("read-only socket allowed undefine: %s" % r.stderr)
            if "sock-probe" not in virsh("list", "--all", "--name", ro=True).stdout:
                failures.append("read-only list misses the domain")
            virsh("undefine", "sock-probe")
            # virt-admin with no URI reaches libvirt-admin-sock
            adm = subprocess.run(["/usr/bin/virt-admin", "srv-list"], capture_output=True,
                                 text=True, timeout=GUARD)
            if adm.returncode != 0 or "libvirtd" not in adm.stdout:
                failures.append("virt-admin srv-list on libvirt-admin-sock: %s%s" %
                                (adm.stdout, adm.stderr))
            second = subprocess.run([daemon, "--libvirt-sockets", "--qemu-root",
                                     os.path.join(root, "q2")],
                                    capture_output=True, text=True, timeout=GUARD)
            if second.returncode == 0 or "already listening" not in second.stderr:
                failures.append("second daemon on the same paths: rc %d %s" %
                                (second.returncode, second.stderr))
        finally:
            stop(d)
        if os.path.exists("/run/libvirt/libvirt-sock"):
            failures.append("libvirt-sock left behind after exit")

        # 2. a modular daemon's socket wins with clients: refuse
        fake = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        fake.bind("/run/libvirt/virtqemud-sock")
        fake.listen(1)
        r = subprocess.run([daemon, "--libvirt-sockets", "--qemu-root",
                            os.path.join(root, "q3")], capture_output=True, text=True,
                           timeout=GUARD)
        if r.returncode == 0 or "virtqemud" not in r.stderr:
            failures.append("started beside a live virtqemud-sock: %s" % r.stderr)
        fake.close()
        os.unlink("/run/libvirt/virtqemud-sock")

        # 3. socket activation
        act = subprocess.Popen(["systemd-socket-activate",
                                "-l", "/run/libvirt/libvirt-sock", "--fdname=libvirt-sock",
                                daemon, "--qemu-root", os.path.join(root, "qemu"), "-v"],
                               stdout=open(os.path.join(root, "act.log"), "w"),
                               stderr=subprocess.STDOUT)
        try:
            wait_for("/run/libvirt/libvirt-sock")
            out = virsh("uri").stdout.strip()
            if out != "qemu:///system":
                failures.append("activated daemon answered uri %r" % out)
            log = open(os.path.join(root, "act.log")).read()
            if "activated socket libvirt-sock" not in log:
                failures.append("daemon did not adopt the activated socket:\n" + log[-2000:])
        finally:
            act.terminate()
            act.wait(timeout=GUARD)
    return failures


def main():
    daemon = sys.argv[1]
    if not os.path.exists(VIRSH):
        print("virsh not installed")
        return SKIP
    if os.environ.get("VK_IN_MOUNT_NS") != "1":
        if os.geteuid() != 0:
            print("needs root for a mount namespace")
            return SKIP
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
               "mkdir -p /run/libvirt && mount -t tmpfs vk-test /run/libvirt && "
               "exec \"$0\" \"$@\"", sys.executable] + sys.argv
        return subprocess.run(cmd, env=dict(os.environ, VK_IN_MOUNT_NS="1")).returncode
    failures = inside(daemon)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
