#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virDomainOpenGraphicsFD through virtkitd, as virt-manager's console
uses it: a micro-guest runs with a VNC display; python3-libvirt (libvirt's
own client) asks virtkitd for a descriptor, which arrives beside the reply
(REPLY_WITH_FDS), and QEMU's VNC server greets on it ("RFB 003.008");
then virtkit's own remote driver does the same (graphics-client).  virsh
screenshot receives the display as a PPM image over a stream.
An index with no display and a read-only connection are refused with
libvirt's codes, and the daemon keeps serving.

usage: test-qemu-graphics-daemon.py VIRTKITD MICRO_GUEST [VIRTKIT]"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
from vktest import VIRSH, uri_of, virsh  # noqa: E402
import vktest  # noqa: E402

BIN = sys.argv[1]
MICRO = os.path.abspath(sys.argv[2])

CLIENT = r'''
import os, select, sys, libvirt
uri, ro_uri, name = sys.argv[1:4]
conn = libvirt.open(uri)
dom = conn.lookupByName(name)
fd = dom.openGraphicsFD(0, libvirt.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH)
r, _, _ = select.select([fd], [], [], 30)
assert r, "no greeting from the display within 30 s"
greeting = os.read(fd, 12)
assert greeting == b"RFB 003.008\n", greeting
os.close(fd)
try:
    dom.openGraphicsFD(1, 0)
    sys.exit("index 1 was accepted")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e.get_error_code()
ro = libvirt.openReadOnly(ro_uri)
try:
    ro.lookupByName(name).openGraphicsFD(0, 0)
    sys.exit("read-only connection was allowed")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, e.get_error_code()
assert conn.getType() == "QEMU"
print("ok")
'''


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK) or not os.access(VIRSH, os.X_OK):
        print("SKIP: no QEMU or no virsh")
        return 77
    vktest.become_subreaper()
    root = tempfile.mkdtemp(prefix="vk-qemu-graphics-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    name = "vkgfx"
    daemon = vkwire.Daemon(BIN, env=env)
    try:
        xml = vktest.micro_domxml(name, MICRO, vktest.virt_type()).replace(
            "</devices>", "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>\n"
            "  </devices>")
        path = os.path.join(root, name + ".xml")
        open(path, "w").write(xml)
        virsh(daemon.rw, "define", path)
        virsh(daemon.rw, "start", name)
        r = subprocess.run(["/usr/bin/python3", "-c", CLIENT, uri_of(daemon.rw),
                            "qemu+unix:///system?socket=" + daemon.ro, name],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or "ok" not in r.stdout:
            print("python3-libvirt: rc %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
            print(daemon.logtext())
            return 1
        # virDomainScreenshot: the image on a stream, its type in the reply
        shot = os.path.join(root, "shot.ppm")
        virsh(daemon.rw, "screenshot", name, shot)
        data = open(shot, "rb").read()
        if not data.startswith(b"P6\n"):
            print("virsh screenshot wrote %r..." % data[:20])
            return 1
        w, h = [int(x) for x in data.split(b"\n")[1].split()]
        if len(data) < w * h * 3:
            print("screenshot of %dx%d has only %d bytes" % (w, h, len(data)))
            return 1
        print("virsh screenshot through virtkitd: %dx%d PPM" % (w, h))
        # virtkit's own client: the remote driver takes the descriptor too
        client = os.environ.get("VK_GRAPHICS_CLIENT")
        if client:
            r = subprocess.run([client, uri_of(daemon.rw), name], capture_output=True,
                               text=True, timeout=120)
            if r.returncode != 0 or r.stdout != "RFB 003.008\n":
                print("virtkit client: rc %d %r %s" % (r.returncode, r.stdout, r.stderr))
                return 1
            print("virtkit's remote driver: RFB greeting received")
        if not daemon.alive():
            print("virtkitd died:\n" + daemon.logtext())
            return 1
        print("openGraphicsFD through virtkitd: RFB greeting received")
        return 0
    finally:
        virsh(daemon.rw, "destroy", name, ok=False)
        virsh(daemon.rw, "undefine", name, ok=False)
        daemon.stop()
        vktest.reap_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
