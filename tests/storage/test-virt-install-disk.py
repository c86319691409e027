#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-install gives a QEMU guest a disk through virtkitd, as it
does against libvirt: `--disk size=1 --import` finds no pool named
"default", defines one at /var/lib/libvirt/images (virtinst decides that
path on the client: a privileged URI means /var/lib/libvirt), builds,
starts and autostarts it, creates NAME.qcow2 in it and boots the guest
under TCG.  Then `virsh undefine --remove-all-storage` deletes the
volume, and a guest defined with <disk type='volume'> starts on the
volume's path and `undefine --storage hda` deletes that volume.

The script re-executes itself in a private mount namespace with a tmpfs
over /var/lib/libvirt, so the default pool's directory is the real path
virt-install wants while nothing of the host is touched.
usage: test-virt-install-disk.py VIRTKITD"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
LIBDIR = "/var/lib/libvirt"

if os.environ.get("VK_STORAGE_NS") != "1":
    if not shutil.which("virt-install"):
        print("virt-install not installed: skipped")
        sys.exit(77)
    if os.geteuid() != 0 or not shutil.which("unshare") or not os.path.isdir(LIBDIR):
        print("needs root, unshare and %s: skipped" % LIBDIR)
        sys.exit(77)
    env = dict(os.environ, VK_STORAGE_NS="1")
    sys.exit(subprocess.call(["unshare", "--mount", "--propagation", "private",
                              sys.executable] + sys.argv, env=env))

import libvirt  # noqa: E402
import vkwire  # noqa: E402
from vktest import virsh, virt_type  # noqa: E402

BIN = sys.argv[1]
NAME = "vk-vi-disk"
IMAGES = LIBDIR + "/images"
# Nothing of virt-install's default guest is switched off (q35, its
# controllers, SPICE, sound, rng, channels); the NIC is on user
# networking, the one that touches nothing of the host.
VI_NET = ["--network", "user"]


def virt_install(uri, home):
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home)
    args = ["virt-install", "--connect", uri, "--name", NAME, "--memory", "64",
            "--vcpus", "1", "--import", "--disk", "size=1",
            "--osinfo", "linux2022", "--noautoconsole"] + VI_NET
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=180)


def cmdline_of(conn, name):
    """The running QEMU's command line, found by its -name."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"-name" in argv and any(a.startswith(b"guest=" + name.encode()) or
                                    a == name.encode() for a in argv):
            return b" ".join(argv).decode()
    return ""


def install_default_pool(d, home):
    uri = "qemu+unix:///system?socket=" + d.rw
    r = virt_install(uri, home)
    assert r.returncode == 0, "virt-install failed (%d):\n%s\n%s" % (
        r.returncode, r.stdout, r.stderr)
    assert "Allocating '%s.qcow2'" % NAME in r.stdout + r.stderr, r.stdout + r.stderr
    assert "Domain creation completed" in r.stdout, r.stdout
    conn = libvirt.open(uri)
    try:
        pool = conn.storagePoolLookupByName("default")
        assert pool.isActive() == 1 and pool.isPersistent() == 1, "default pool state"
        assert pool.autostart() == 1, "default pool not autostarted"
        assert "<path>%s</path>" % IMAGES in pool.XMLDesc(0), pool.XMLDesc(0)
        vol = pool.storageVolLookupByName(NAME + ".qcow2")
        assert vol.path() == "%s/%s.qcow2" % (IMAGES, NAME), vol.path()
        typ, cap, alloc = vol.info()
        assert cap == 1 << 30 and alloc < cap, vol.info()
        assert "<format type='qcow2'/>" in vol.XMLDesc(0), vol.XMLDesc(0)
        dom = conn.lookupByName(NAME)
        assert dom.isActive() == 1, "guest not running"
        assert vol.path() in cmdline_of(conn, NAME), "QEMU does not use the volume"
    finally:
        conn.close()
    print("ok virt-install --disk size=1 made the default pool and %s.qcow2; guest runs"
          % NAME)

    virsh(d.rw, "destroy", NAME)
    out = virsh(d.rw, "undefine", NAME, "--remove-all-storage").stdout
    assert "%s.qcow2" % NAME in out, out
    assert not os.path.exists("%s/%s.qcow2" % (IMAGES, NAME))
    assert NAME not in virsh(d.rw, "vol-list", "default").stdout
    assert NAME not in virsh(d.rw, "list", "--all").stdout
    print("ok undefine --remove-all-storage deleted the volume")


def volume_disk(d):
    virsh(d.rw, "vol-create-as", "default", "v2.img", "16M")
    xml = """<domain type='%s'><name>vk-voldisk</name><memory unit='MiB'>64</memory>
<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='volume' device='disk'><source pool='default' volume='v2.img'/>
<target dev='hda' bus='ide'/></disk></devices></domain>""" % virt_type()
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(xml)
        f.flush()
        virsh(d.rw, "define", f.name)
    r = virsh(d.rw, "start", "vk-voldisk", ok=False)
    try:
        assert r.returncode == 0, r.stderr
        assert '"filename":"' + IMAGES + '/v2.img"' in cmdline_of(None, "vk-voldisk") and \
            '"driver":"raw"' in cmdline_of(None, "vk-voldisk"), \
            cmdline_of(None, "vk-voldisk")
        print("ok <disk type='volume'> starts on the volume's path")
    finally:
        virsh(d.rw, "destroy", "vk-voldisk", ok=False)
    # a volume in a pool that is not running: a precise refusal
    virsh(d.rw, "pool-destroy", "default")
    r = virsh(d.rw, "start", "vk-voldisk", ok=False)
    assert r.returncode != 0 and "storage pool 'default'" in r.stderr, r.stderr
    virsh(d.rw, "pool-start", "default")
    out = virsh(d.rw, "undefine", "vk-voldisk", "--storage", "hda").stdout
    assert "v2.img" in out, out
    assert not os.path.exists(IMAGES + "/v2.img")
    print("ok undefine --storage hda deleted the volume of a volume disk")


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4g,mode=755", "tmpfs", LIBDIR],
                   check=True)
    with vkwire.Daemon(BIN) as d, tempfile.TemporaryDirectory(prefix="vk-vid-") as home:
        try:
            install_default_pool(d, home)
            volume_disk(d)
        finally:
            for name in (NAME, "vk-voldisk"):
                virsh(d.rw, "destroy", name, ok=False)
        assert d.alive(), "virtkitd died:\n" + d.logtext()


if __name__ == "__main__":
    main()
