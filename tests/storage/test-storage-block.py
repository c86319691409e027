#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block-device pools through virtkitd, driven by Debian's virsh, on loop
devices the test makes and detaches: a "disk" pool (gpt and dos labels,
partitions as volumes, sizes and free extents from the table), a
"logical" pool (LVM group built, started, listed, discovered and deleted;
lvcreate's device-mapper error where the kernel has none), netfs and
iscsi refused at start with the reason, iscsi-direct at define as
libvirt 9.0 refuses it, and vol-wipe's scrub algorithms refused with
libvirt's error when scrub is not installed.

Runs in a private mount namespace (unshare -m).  Skipped where parted,
lvm2, losetup or scrub is missing.  usage: test-storage-block.py VIRTKITD"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
from stortest import fails, in_mount_namespace  # noqa: E402

in_mount_namespace(("parted", "pvcreate", "losetup", "scrub"))

import vkwire  # noqa: E402
from vktest import virsh  # noqa: E402

BIN = sys.argv[1]
MiB = 1024 * 1024


def loop(tmp, name, size):
    img = os.path.join(tmp, name)
    with open(img, "wb") as f:
        f.truncate(size)
    return subprocess.run(["losetup", "-f", "--show", "-P", img], check=True,
                          capture_output=True, text=True).stdout.strip()


def table(dev):
    """parted's machine listing: (label, [(num, start, end)])."""
    out = subprocess.run(["parted", "-s", "-m", dev, "unit", "B", "print"],
                         capture_output=True, text=True).stdout.splitlines()
    label = out[1].split(":")[5] if len(out) > 1 else "unknown"
    parts = [tuple(int(x.rstrip("B")) for x in line.split(":")[:3]) for line in out[2:]]
    return label, parts


def pool_xml(tmp, name, body):
    path = os.path.join(tmp, name + ".xml")
    with open(path, "w") as f:
        f.write(body)
    return path


def disk_pool(sock, tmp, dev):
    base = os.path.basename(dev)
    for label, fmt in (("gpt", "gpt"), ("msdos", "dos")):
        xml = pool_xml(tmp, "dp", "<pool type='disk'><name>dp</name><source>"
                       "<device path='%s'/><format type='%s'/></source>"
                       "<target><path>/dev</path></target></pool>" % (dev, fmt))
        virsh(sock, "pool-define", xml)
        if fmt == "gpt":
            # a device without a table: start refuses, as libvirt does
            fails(sock, "pool-start", "dp", want="is unrecognized, requires build")
            virsh(sock, "pool-build", "dp")
        else:
            # a gpt table is there: building over it needs the flag
            fails(sock, "pool-build", "dp", want="already holds a 'gpt' partition table")
            fails(sock, "pool-start", "dp", want="does not match the expected format 'dos'")
            virsh(sock, "pool-build", "dp", "--overwrite")
        assert table(dev)[0] == label, table(dev)
        virsh(sock, "pool-start", "dp")
        # a name the table would not give is refused before anything is made
        fails(sock, "vol-create-as", "dp", "p1", "10M",
              want="invalid partition name 'p1', expected '%sp1'" % base)
        fails(sock, "vol-create-as", "dp", base + "p1", "10M", "--format", "ext4",
              want="unknown volume format type ext4")
        fails(sock, "vol-create-as", "dp", base + "p1", "500M",
              want="no large enough free extent")
        assert table(dev)[1] == [], table(dev)
        virsh(sock, "vol-create-as", "dp", base + "p1", "10M")
        virsh(sock, "vol-create-as", "dp", base + "p2", "5M", "--format", "linux-swap")
        parts = table(dev)[1]
        assert [p[0] for p in parts] == [1, 2], parts
        assert parts[0][2] - parts[0][1] + 1 == 10 * MiB, parts
        xml = virsh(sock, "vol-dumpxml", base + "p1", "--pool", "dp").stdout
        assert "<volume type='block'>" in xml and "<key>/dev/%sp1</key>" % base in xml, xml
        assert "<extent start='%d' end='%d'/>" % (parts[0][1], parts[0][2] + 1) in xml, xml
        assert "<capacity unit='bytes'>%d</capacity>" % (10 * MiB) in xml, xml
        xml = virsh(sock, "vol-dumpxml", base + "p2", "--pool", "dp").stdout
        assert "<format type='linux-swap'/>" in xml, xml
        pxml = virsh(sock, "pool-dumpxml", "dp").stdout
        assert "<allocation unit='bytes'>%d</allocation>" % (15 * MiB) in pxml, pxml
        assert "<freeExtent start='%d'" % (parts[1][2] + 1) in pxml, pxml
        # the volume is the partition: data written through its path
        virsh(sock, "vol-wipe", base + "p2", "--pool", "dp")
        fails(sock, "vol-resize", base + "p1", "20M", "--pool", "dp",
              want="does not support changing of volume capacity")
        virsh(sock, "vol-delete", base + "p1", "--pool", "dp")
        assert [p[0] for p in table(dev)[1]] == [2], table(dev)
        out = virsh(sock, "vol-list", "dp").stdout
        assert base + "p2" in out and base + "p1" not in out, out
        # the lowest free number is the next one, as parted gives it
        fails(sock, "vol-create-as", "dp", base + "p3", "1M",
              want="expected '%sp1'" % base)
        virsh(sock, "pool-destroy", "dp")
        assert "freeExtent" not in virsh(sock, "pool-dumpxml", "dp").stdout
        virsh(sock, "pool-delete", "dp")
        assert table(dev)[0] == "unknown", table(dev)
        virsh(sock, "pool-undefine", "dp")
        if fmt == "gpt":
            # leave a gpt label for the dos round's refusals
            subprocess.run(["parted", "-s", dev, "mklabel", "gpt"], check=True)
    print("ok disk pool: gpt and dos, partitions created, listed, wiped, deleted")


def vg_exists(vg):
    return subprocess.run(["vgs", vg], capture_output=True).returncode == 0


def logical_pool(sock, tmp, devs, other):
    vg = "vkstortest%d" % os.getpid()
    xml = pool_xml(tmp, "lv", "<pool type='logical'><name>lp</name><source>%s<name>%s</name>"
                   "</source><target><path>/dev/%s</path></target></pool>"
                   % ("".join("<device path='%s'/>" % d for d in devs), vg, vg))
    virsh(sock, "pool-define", xml)
    try:
        virsh(sock, "pool-build", "lp")
        assert vg_exists(vg)
        virsh(sock, "pool-start", "lp")
        info = virsh(sock, "pool-dumpxml", "lp").stdout
        assert "<format type='lvm2'/>" in info, info
        size = subprocess.run(["vgs", "--noheadings", "--units", "b", "--nosuffix", "-o",
                               "vg_size", vg], capture_output=True, text=True).stdout.strip()
        assert "<capacity unit='bytes'>%s</capacity>" % size in info, (size, info)
        # a second pool on the same group is refused
        xml2 = pool_xml(tmp, "lv2", "<pool type='logical'><name>lp2</name><source>"
                        "<device path='%s'/><name>%s</name></source></pool>" % (other, vg))
        fails(sock, "pool-create", xml2, want="Storage source conflict with pool: 'lp'")
        out = virsh(sock, "find-storage-pool-sources", "logical").stdout
        assert "<name>%s</name>" % vg in out and all(
            "<device path='%s'/>" % d in out for d in devs), out
        # no device-mapper in this kernel: lvcreate's own words reach virsh
        r = virsh(sock, "vol-create-as", "lp", "lv1", "8M", ok=False)
        if r.returncode != 0:
            assert "lvcreate --name lv1 -L 8192K %s --yes) unexpected exit status" % vg \
                in r.stderr, r.stderr
        else:
            assert "/dev/%s/lv1" % vg in virsh(sock, "vol-list", "lp").stdout
            virsh(sock, "vol-delete", "lv1", "--pool", "lp")
        assert "lv1" not in virsh(sock, "vol-list", "lp").stdout
        virsh(sock, "pool-destroy", "lp")
        virsh(sock, "pool-delete", "lp")
        assert not vg_exists(vg)
        pvs = subprocess.run(["pvs", "--noheadings", "-o", "pv_name"], capture_output=True,
                             text=True).stdout
        assert not any(d in pvs.split() for d in devs), pvs
    finally:
        virsh(sock, "pool-destroy", "lp", ok=False)
        virsh(sock, "pool-undefine", "lp", ok=False)
        if vg_exists(vg):
            subprocess.run(["vgremove", "-f", vg], capture_output=True)
        subprocess.run(["pvremove", "-y"] + list(devs), capture_output=True)
    print("ok logical pool: build, start, sizes, discovery, lvcreate error, delete")


def network_pools(sock, tmp):
    mnt = os.path.join(tmp, "nfsmnt")
    os.mkdir(mnt)
    xml = pool_xml(tmp, "nf", "<pool type='netfs'><name>nf</name><source>"
                   "<host name='127.0.0.1'/><dir path='/srv'/><format type='nfs'/></source>"
                   "<target><path>%s</path></target></pool>" % mnt)
    virsh(sock, "pool-define", xml)
    with open("/proc/filesystems") as f:
        have_nfs = any(line.split()[-1] == "nfs" for line in f)
    if not have_nfs:
        fails(sock, "pool-start", "nf", want="unknown filesystem type 'nfs'")
        assert "inactive" in virsh(sock, "pool-list", "--all").stdout
    virsh(sock, "pool-undefine", "nf")
    fails(sock, "find-storage-pool-sources", "netfs",
          want="hostname must be specified for netfs sources")
    xml = pool_xml(tmp, "is", "<pool type='iscsi'><name>is</name><source>"
                   "<host name='127.0.0.1'/><device path='iqn.2013-06.com.example:p'/>"
                   "</source><target><path>/dev/disk/by-path</path></target></pool>")
    virsh(sock, "pool-define", xml)
    want = "iSCSI TCP transport" if shutil.which("iscsiadm") else "Cannot find 'iscsiadm'"
    fails(sock, "pool-start", "is", want=want)
    virsh(sock, "pool-undefine", "is")
    fails(sock, "find-storage-pool-sources", "iscsi",
          want="hostname must be specified for iscsi sources")
    xml = pool_xml(tmp, "isd", "<pool type='iscsi-direct'><name>isd</name><source>"
                   "<host name='127.0.0.1'/><device path='iqn.2013-06.com.example:p'/>"
                   "<initiator><iqn name='iqn.2013-06.com.example:i'/></initiator></source>"
                   "</pool>")
    fails(sock, "pool-define", xml, want="missing backend for pool type 6 (iscsi-direct)")
    # the source parts libvirt's parser requires
    for t, target, want in (("disk", "/dev", "missing storage pool source device name"),
                            ("netfs", mnt, "missing storage pool source host name"),
                            ("iscsi", "/dev", "missing storage pool source host name")):
        xml = pool_xml(tmp, "bad", "<pool type='%s'><name>bad</name><target><path>%s</path>"
                       "</target></pool>" % (t, target))
        fails(sock, "pool-define", xml, want=want)
    for t in ("dir", "fs", "disk"):
        fails(sock, "find-storage-pool-sources", t,
              want="pool type '%s' does not support source discovery" % t)
    print("ok netfs and iscsi refused at start, iscsi-direct at define, discovery errors")


def wipe_without_scrub(tmp):
    """A daemon whose PATH has no scrub: the named algorithms are refused
    with libvirt's error, zero still works."""
    pool = os.path.join(tmp, "wpool")
    os.mkdir(pool)
    env = dict(os.environ, PATH="/usr/sbin:/sbin")
    with vkwire.Daemon(BIN, extra=["--qemu-root", os.path.join(tmp, "root2")], env=env) as d:
        virsh(d.rw, "pool-create-as", "wp", "dir", "--target", pool)
        virsh(d.rw, "vol-create-as", "wp", "w.img", "1M")
        for alg in ("nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7",
                    "pfitzner33", "random"):
            fails(d.rw, "vol-wipe", "w.img", "--pool", "wp", "--algorithm", alg,
                  want="Cannot find 'scrub' in path: No such file or directory")
        fails(d.rw, "vol-wipe", "w.img", "--pool", "wp", "--algorithm", "trim",
              want="'trim' algorithm not supported")
        virsh(d.rw, "vol-wipe", "w.img", "--pool", "wp", "--algorithm", "zero")
        virsh(d.rw, "pool-destroy", "wp")
    print("ok vol-wipe without scrub: libvirt's error for its algorithms")


def main():
    with tempfile.TemporaryDirectory(prefix="vk-stb-") as tmp:
        loops = []
        try:
            for i in range(3):
                loops.append(loop(tmp, "img%d" % i, 64 * MiB))
            root = os.path.join(tmp, "root")
            with vkwire.Daemon(BIN, extra=["--qemu-root", root]) as d:
                disk_pool(d.rw, tmp, loops[0])
                logical_pool(d.rw, tmp, loops[1:], loops[0])
                network_pools(d.rw, tmp)
                assert d.alive(), "virtkitd died:\n" + d.logtext()
            wipe_without_scrub(tmp)
        finally:
            for dev in loops:
                subprocess.run(["losetup", "-d", dev], capture_output=True)


if __name__ == "__main__":
    main()
