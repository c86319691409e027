#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-install --boot uefi against virtkitd, as against libvirt.

virt-install asks the domain capabilities whether UEFI is there (it
stopped with "Libvirt version does not support UEFI" before), writes
<os firmware='efi'> with its default clock (rtc catchup, pit delay, hpet
off), and starts the guest: it must run under TCG with OVMF from the
firmware descriptors, its NVRAM made from the template, and `virsh
undefine --nvram` must remove that file.  The devices other parts of the
driver do not model yet are switched off; the platform is virt-install's
own.  Nothing is left behind (the daemon's directory is temporary).
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
TRIM = ["--machine", "pc", "--xml", "xpath.delete=./devices/controller",
        "--controller", "type=usb,model=none", "--memballoon", "none", "--rng", "none",
        "--sound", "none", "--video", "none", "--input", "none", "--channel", "none",
        "--serial", "pty", "--graphics", "none", "--network", "none"]
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
