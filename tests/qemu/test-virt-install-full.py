#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-install's whole default guest through virtkitd and through a
private libvirtd 9.0, side by side, nothing trimmed.

`virt-install --osinfo linux2022 --import` with a qcow2 disk the test
makes and user networking (virt-install's own choice when no virtual
network is there; the network test covers --network default), once with
the BIOS and once with --boot uefi.  Each daemon answers virt-install's
questions (domain capabilities) itself, so each gets the guest
virt-install builds for it; both must run under TCG, and the live XML's
device lists (element, type, model, bus) must be the same: q35 with its
pcie-root-ports, virtio disk and net, SPICE with its vdagent channel and
USB redirection, ich9 sound and its <audio>, tablet, qemu-ga channel,
rng, balloon.  virtkit's QEMU must also have been given those devices
(its command line, read from /proc).

usage: test-virt-install-full.py VIRTKITD
Exits 77 without virt-install, libvirtd, qemu-img or OVMF."""

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import virsh  # noqa: E402

NAME = "vk-vi-full"
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def device_list(xml):
    """The live guest's devices as sorted (element, type, model, bus)."""
    out = []
    for dev in ET.fromstring(xml).find("devices"):
        if dev.tag == "emulator":
            continue
        model = dev.find("model")
        target = dev.find("target")
        out.append((dev.tag, dev.get("type") or dev.get("device") or "",
                    dev.get("model") or (model.get("type") or model.get("name")
                                         if model is not None else "") or "",
                    dev.get("bus") or (target.get("bus") or target.get("type") or target.get("name")
                                       if target is not None else "") or ""))
    return sorted(out)


def install(uri, home, disk, name, extra):
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home)
    args = ["virt-install", "--connect", uri, "--name", name, "--memory", "256",
            "--vcpus", "1", "--import", "--disk", "path=%s,format=qcow2" % disk,
            "--osinfo", "linux2022", "--network", "user", "--noautoconsole"] + extra
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


def run_on(label, sock, uri, home, disk, extra):
    """virt-install on one daemon: its live XML (None when it failed)."""
    r = install(uri, home, disk, NAME, extra)
    check(r.returncode == 0, "%s: virt-install %s: %s" % (label, " ".join(extra),
                                                          r.stderr[-800:]))
    state = virsh(sock, "domstate", NAME, ok=False).stdout
    check("running" in str(state), "%s: the guest runs (%s)" % (label, str(state).strip()))
    live = virsh(sock, "dumpxml", NAME, ok=False).stdout
    return live if r.returncode == 0 else None


def cleanup(sock):
    virsh(sock, "destroy", NAME, ok=False)
    virsh(sock, "undefine", "--nvram", NAME, ok=False)


def qemu_argv(root):
    pid = vktest.status_pid(root, NAME)
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().decode(errors="replace").split("\0")


def main():
    if not vktest.have("virt-install", "qemu-img", "/usr/sbin/libvirtd"):
        return 77
    if not os.path.isdir("/usr/share/qemu/firmware") or os.geteuid() != 0:
        print("SKIP: needs root (private libvirtd) and the ovmf firmware descriptors")
        return 77
    tmp = tempfile.mkdtemp(prefix="vk-vi-full-")
    os.chmod(tmp, 0o755)
    lvd = None
    try:
        disk = os.path.join(tmp, "disk.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "1G"], check=True)
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        lvdir = os.path.join(tmp, "lvd")
        os.mkdir(lvdir)
        # virt-install resolves the disk's path through the storage API
        os.environ["PRIVATE_LIBVIRTD_EXTRA_DRIVERS"] = "storage"
        lvd = vktest.PrivateLibvirtd(lvdir, "qemu")
        lv_uri = "qemu+unix:///system?socket=" + lvd.sock
        with vkwire.Daemon(sys.argv[1], verbose=False) as d:
            vk_uri = "qemu+unix:///system?socket=" + d.rw
            for extra in ([], ["--boot", "uefi"]):
                what = "uefi" if extra else "bios"
                vk = run_on("virtkit " + what, d.rw, vk_uri, home, disk, extra)
                if vk:
                    argv = qemu_argv(os.path.join(d.dir, "qemu"))
                    for opt in ("-spice", "usb-redir", "ich9-intel-hda", "virtio-rng-pci",
                                "virtio-blk-pci", "virtio-net-pci", "usb-tablet",
                                "name=org.qemu.guest_agent.0", "name=com.redhat.spice.0",
                                "pcie-root-port"):
                        check(any(opt in a for a in argv),
                              "virtkit %s: QEMU was given %s" % (what, opt))
                cleanup(d.rw)
                lv = run_on("libvirtd " + what, lvd.sock, lv_uri, home, disk, extra)
                cleanup(lvd.sock)
                if not vk or not lv:
                    continue
                for want in ("<graphics type='spice'", "<redirdev bus='usb' type='spicevmc'",
                             "<sound model='ich9'", "<audio id='1' type='spice'",
                             "model='pcie-root-port'", "org.qemu.guest_agent.0",
                             "<input type='tablet' bus='usb'", "<rng model='virtio'"):
                    check(want in vk, "virtkit %s: the live XML has %s" % (what, want))
                # the live <graphics> says what libvirt's says (no tlsPort
                # when there is no TLS port)
                gattrs = [sorted(ET.fromstring(x).find("devices/graphics").attrib)
                          for x in (vk, lv)]
                check(gattrs[0] == gattrs[1], "%s: live <graphics> attributes %r as libvirt's %r"
                      % (what, gattrs[0], gattrs[1]))
                vkd, lvdv = device_list(vk), device_list(lv)
                only_vk = [x for x in vkd if x not in lvdv]
                only_lv = [x for x in lvdv if x not in vkd]
                check(vkd == lvdv, "%s: the same %d devices as libvirt (virtkit only %r, "
                      "libvirt only %r)" % (what, len(lvdv), only_vk, only_lv))
            check(d.alive(), "virtkitd still runs")
    finally:
        if lvd is not None:
            lvd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
