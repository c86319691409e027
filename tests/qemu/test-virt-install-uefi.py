#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-install --boot uefi against virtkitd, as against libvirt.

virt-install asks the domain capabilities whether UEFI is there (it
stopped with "Libvirt version does not support UEFI" before), writes
<os firmware='efi'> with its default clock (rtc catchup, pit delay, hpet
off), and starts the guest: it must run under TCG with OVMF from the
firmware descriptors, its NVRAM made from the template, and `virsh
undefine --nvram` must remove that file.  Before that, virt-install's
full default for linux2022 without UEFI: q35 with its pcie-root-ports,
qemu-xhci, virtio video, SPICE, audio, the qemu-ga channel, all as
virt-install writes them, defined and running under TCG.  Only disks and
networks are left out (other tests cover them).  Nothing is left behind
(the daemon's directory is temporary).
usage: test-virt-install-uefi.py VIRTKITD"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vkwire  # noqa: E402
from vktest import virsh  # noqa: E402

NAME = "vk-vi-uefi"
TRIM = ["--network", "none"]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def main():
    if not shutil.which("virt-install") or not os.path.isdir("/usr/share/qemu/firmware"):
        print("virt-install or the ovmf firmware descriptors not installed: skipped")
        return 77
    home = tempfile.mkdtemp(prefix="vk-vi-uefi-")
    try:
        with vkwire.Daemon(sys.argv[1], verbose=False) as d:
            uri = "qemu+unix:///system?socket=" + d.rw
            env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home)
            base = ["virt-install", "--connect", uri, "--memory", "256", "--vcpus", "1",
                    "--import", "--disk", "none", "--osinfo", "linux2022", "--noautoconsole",
                    "--network", "none"]
            r = subprocess.run(base + ["--name", NAME + "-bios"], capture_output=True,
                               text=True, env=env, timeout=180)
            check(r.returncode == 0, "virt-install's linux2022 default: " + r.stderr[-500:])
            live = virsh(d.rw, "dumpxml", NAME + "-bios", ok=False).stdout
            for what in ("machine='pc-q35-", "model='pcie-root-port'", "model='qemu-xhci'",
                         "<model type='virtio'", "<graphics type='spice' port='59",
                         "<audio id='1'", "org.qemu.guest_agent.0", "<memballoon model='virtio'"):
                check(what in live, "the default guest has %s" % what)
            check("running" in str(virsh(d.rw, "domstate", NAME + "-bios", ok=False).stdout),
                  "the default guest runs")
            virsh(d.rw, "destroy", NAME + "-bios", ok=False)
            virsh(d.rw, "undefine", NAME + "-bios", ok=False)

            args = ["virt-install", "--connect", uri, "--name", NAME, "--memory", "256",
                    "--vcpus", "1", "--import", "--disk", "none", "--osinfo", "linux2022",
                    "--boot", "uefi", "--noautoconsole"] + TRIM
            xml = subprocess.run(args + ["--print-xml"], capture_output=True, text=True,
                                 env=env, timeout=180)
            check(xml.returncode == 0 and "firmware=\"efi\"" in xml.stdout and
                  "tickpolicy=\"catchup\"" in xml.stdout,
                  "virt-install writes firmware=efi and its timers: " + xml.stderr[-300:])
            r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=180)
            check(r.returncode == 0, "virt-install --boot uefi: " + r.stderr[-500:])
            state = virsh(d.rw, "domstate", NAME, ok=False).stdout
            check("running" in str(state), "the guest runs: %s" % (state,))
            live = virsh(d.rw, "dumpxml", NAME, ok=False).stdout
            check("type='pflash'>/usr/share/OVMF/" in live and "<nvram template=" in live,
                  "live XML names OVMF and the NVRAM")
            nvram = os.path.join(d.dir, "qemu", "nvram", NAME + "_VARS.fd")
            check(os.path.exists(nvram), "NVRAM made at " + nvram)
            virsh(d.rw, "destroy", NAME, ok=False)
            virsh(d.rw, "undefine", "--nvram", NAME, ok=False)
            check(not os.path.exists(nvram), "undefine --nvram removed it")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
