#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live migration with disks the two hosts do not share (--copy-storage-all,
--copy-storage-inc) between two virtkitd (two roots, two sockets), driven
by Debian's virsh (libvirt 9.0's client runs the v3 steps over the wire).

The micro-guest gets a raw disk in the source's directory, with data of
ours written into it before it starts; --xml moves the disk's path to
the destination's directory, where no image exists:

- without a storage pool there, Prepare refuses (libvirt's rule: a
  missing image is made only as a volume of the pool of its directory)
  with "no storage pool with matching target path", and the guest keeps
  running on the source;
- with a dir pool on that directory, --copy-storage-all makes the volume
  (the source's size and format), the disk moves over NBD, and once the
  source's QEMU is gone the two images are equal (qemu-img compare);
- back with --copy-storage-inc --p2p (the NBD server on the port
  --disks-port names) onto the image the source still has (an existing
  image is the copy's target): again equal, and the data written at the
  start is there;
- with --tls (certificates certtool makes), the NBD connection as the
  memory stream inside TLS: equal again;
- migrate_disks naming a disk the guest has not is refused, and so are
  --copy-storage-all with --tunnelled or --offline, and
  --copy-storage-inc onto a destination without the image (libvirt
  9.0's words and codes: it pre-creates nothing for an incremental copy);
- a qcow2 image over a raw backing file, --copy-storage-inc: refused
  while B has the top image but not its backing file; with both there,
  only the top moves (B's backing file unchanged, B's top image holds
  none of the backing file's data) and the chains read equal.

Bounds on waits only catch hangs; nothing asserts on time."""

import json
import os
import shutil
import socket
import subprocess
import sys

import vkmigrate
from vkmigrate import states, wait_until, read
import vktest
from vktest import virsh

MICRO = sys.argv[2]
DISK_MIB = 8


class Host(vkmigrate.Host):
    """A host with a directory for its files (the guest's disk, its log)."""

    def __init__(self, binary, label, base):
        self.dir = os.path.join(base, label + "-files")
        os.makedirs(self.dir)
        super().__init__(binary, label, base)


def guest_xml(name, host):
    xml = vktest.micro_domxml(name, MICRO, vktest.virt_type(), host.dir)
    disk = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            "<source file='%s/%s.img'/><target dev='vda' bus='virtio'/></disk>\n    "
            % (host.dir, name))
    return xml.replace("<serial ", disk + "<serial ", 1)


def write_image(path):
    """A raw image with recognisable data at its start, in its middle and
    in its last MiB; the rest is a hole."""
    with open(path, "wb") as f:
        f.truncate(DISK_MIB << 20)
        for off in (0, (DISK_MIB << 19) + 4096, (DISK_MIB - 1) << 20):
            f.seek(off)
            f.write(os.urandom(65536))
            f.write(b"VK-MIGRATED-DATA")


def same_images(a, b):
    r = subprocess.run(["qemu-img", "compare", "-f", "raw", "-F", "raw", a, b],
                       capture_output=True, text=True)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dest_xml(src, dst, name, base):
    path = os.path.join(base, name + "-to-" + os.path.basename(dst.dir) + ".xml")
    with open(path, "w") as f:
        f.write(virsh(src.sock, "dumpxml", "--migratable", name).stdout.replace(
            src.dir + "/", dst.dir + "/"))
    return path


def expect_fail(host, needle, *args):
    r = virsh(host.sock, *args, ok=False)
    assert r.returncode != 0, r.stdout
    assert needle in r.stderr, r.stderr


def tls(a, b, name, base, img_b, pristine):
    """--copy-storage-all --tls: the disk's NBD connection runs inside
    the TLS of the memory stream (both QEMUs' tls-creds)."""
    for h in (a, b):
        h.addr = "127.0.0.1"
    vkmigrate.make_pki(base, (a, b))
    for h in (a, b):
        vkmigrate.set_cert_dir(h, h.pki)
    pid = vktest.status_pid(a.root, name)
    with open(img_b, "r+b") as f:
        f.write(b"\0" * 65536)      # B's copy is stale now
    virsh(a.sock, "migrate", "--live", "--copy-storage-all", "--tls", "--persistent",
          "--undefinesource", "--xml", dest_xml(a, b, name, base), name, b.uri,
          "tcp:127.0.0.1")
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert states(b.sock).get(name) == "running", states(b.sock)
    same_images(pristine, img_b)
    r = virsh(b.sock, "qemu-monitor-command", name, '{"execute":"query-migrate-parameters"}')
    assert '"tls-creds":"objlibvirt_migrate_tls0"' in r.stdout.replace(" ", ""), r.stdout
    print("--copy-storage-all --tls: images equal")


def qemu_img(*args):
    return subprocess.run(["qemu-img"] + list(args), check=True, capture_output=True,
                          text=True).stdout


def backing_chain(a, b, base):
    """-inc copies the top of a chain whose backing file B has too (no
    pre-creation: B's top image is made here, empty, over B's copy of
    the backing file)."""
    name = "vkmigchain"
    base_a, top_a = os.path.join(a.dir, "base.raw"), os.path.join(a.dir, "top.qcow2")
    base_b, top_b = os.path.join(b.dir, "base.raw"), os.path.join(b.dir, "top.qcow2")
    write_image(base_a)
    qemu_img("create", "-f", "qcow2", "-b", base_a, "-F", "raw", top_a)
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 64k", top_a],
                   check=True, capture_output=True)
    # B's backing file is not there yet: the size is given
    qemu_img("create", "-u", "-f", "qcow2", "-b", base_b, "-F", "raw", top_b, "%dM" % DISK_MIB)
    xml = vktest.micro_domxml(name, MICRO, vktest.virt_type(), a.dir).replace(
        "<serial ", "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/></disk>\n    <serial " % top_a, 1)
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(xml)
    virsh(a.sock, "create", path)
    wait_until(lambda: "VK-MICRO-READY" in read(os.path.join(a.dir, "serial-%s.log" % name)),
               "the chain guest's banner")
    pid = vktest.status_pid(a.root, name)
    dxml = dest_xml(a, b, name, base)
    r = virsh(a.sock, "migrate", "--live", "--copy-storage-inc", "--xml", dxml, name, b.uri,
              "tcp:127.0.0.1", ok=False)
    # B's Prepare looks at the chain before it starts QEMU: libvirt 9.0's
    # words, naming both files
    assert r.returncode != 0 and "Cannot access backing file '%s' of storage file '%s' " \
        "(as uid:%d, gid:%d): No such file or directory" % (base_b, top_b, os.getuid(),
                                                            os.getgid()) in r.stderr, r.stderr
    assert states(a.sock).get(name) == "running", states(a.sock)
    assert name not in states(b.sock), states(b.sock)
    shutil.copyfile(base_a, base_b)
    virsh(a.sock, "migrate", "--live", "--copy-storage-inc", "--xml", dxml, name, b.uri,
          "tcp:127.0.0.1")
    wait_until(lambda: not vktest.alive(pid), "the chain guest's QEMU on A to end")
    assert states(b.sock).get(name) == "running", states(b.sock)
    same_images(base_a, base_b)
    # B's QEMU has the image open (and locked): -U reads it all the same
    r = subprocess.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "qcow2", top_a,
                        top_b], capture_output=True, text=True)
    assert r.returncode == 0, (r.stdout, r.stderr)
    # the top's own clusters: the one written above, none of the base's
    # (a full copy would have put the base's data at offset 0 into it)
    own = [e for e in json.loads(qemu_img("map", "-U", "--output=json", "-f", "qcow2", top_b))
           if e["depth"] == 0 and e["data"]]
    assert own and all(e["start"] >= 1 << 20 and e["start"] + e["length"] <= (1 << 20) +
                       (64 << 10) for e in own), own
    virsh(b.sock, "destroy", name)
    print("--copy-storage-inc of a chain's top: only the top moved, chains equal")


def steps(hosts, base):
    a, b = hosts
    name = "vkmigdisk"
    img_a = os.path.join(a.dir, name + ".img")
    img_b = os.path.join(b.dir, name + ".img")
    write_image(img_a)
    pristine = os.path.join(base, "pristine.img")
    shutil.copyfile(img_a, pristine)
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(guest_xml(name, a))
    virsh(a.sock, "define", path)
    virsh(a.sock, "start", name)
    serial = os.path.join(a.dir, "serial-%s.log" % name)
    wait_until(lambda: "VK-MICRO-READY" in read(serial), "the guest's banner")
    pid = vktest.status_pid(a.root, name)
    dxml = dest_xml(a, b, name, base)

    # no pool for the image's directory on B: refused before anything moves
    expect_fail(a, "no storage pool with matching target path", "migrate", "--live",
                "--copy-storage-all", "--persistent", "--undefinesource", "--xml", dxml,
                name, b.uri, "tcp:127.0.0.1")
    assert states(a.sock).get(name) == "running", states(a.sock)
    assert name not in states(b.sock), states(b.sock)
    assert not os.path.exists(img_b)
    expect_fail(a, "disk target vdz not found", "migrate", "--live",
                "--copy-storage-all", "--migrate-disks", "vdz", "--xml", dxml, name,
                b.uri, "tcp:127.0.0.1")
    assert states(a.sock).get(name) == "running", states(a.sock)
    expect_fail(a, "migration of non-shared storage is not supported with tunnelled "
                "migration and this QEMU", "migrate", "--live", "--p2p", "--tunnelled",
                "--copy-storage-all", name, b.uri)
    expect_fail(a, "offline migration cannot handle non-shared storage", "migrate",
                "--offline", "--persistent", "--copy-storage-all", name, b.uri)
    assert states(a.sock).get(name) == "running", states(a.sock)
    print("refusals: ok")

    # a pool there: Prepare makes the volume, the disk moves over NBD
    virsh(b.sock, "pool-define-as", "vkmigpool", "dir", "--target", b.dir)
    virsh(b.sock, "pool-start", "vkmigpool")
    expect_fail(a, "pre-creation of storage targets for incremental storage migration is "
                "not supported", "migrate", "--live", "--copy-storage-inc", "--xml", dxml,
                name, b.uri, "tcp:127.0.0.1")
    assert states(a.sock).get(name) == "running", states(a.sock)
    assert not os.path.exists(img_b)
    virsh(a.sock, "migrate", "--live", "--copy-storage-all", "--persistent",
          "--undefinesource", "--xml", dxml, name, b.uri, "tcp:127.0.0.1")
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert name not in states(a.sock), states(a.sock)
    assert states(b.sock).get(name) == "running", states(b.sock)
    assert name + ".img" in virsh(b.sock, "vol-list", "vkmigpool").stdout
    same_images(img_a, img_b)
    same_images(pristine, img_b)
    st = virsh(b.sock, "domstate", "--reason", name).stdout.strip()
    assert st == "running (migrated)", st
    print("--copy-storage-all into a new volume: images equal")

    # back, peer to peer, the top image only, onto the image A kept
    pid = vktest.status_pid(b.root, name)
    with open(img_a, "r+b") as f:
        f.write(b"\0" * 65536)      # A's stale copy differs from B's now
    dxml = dest_xml(b, a, name, base)
    virsh(b.sock, "migrate", "--live", "--p2p", "--copy-storage-inc", "--persistent",
          "--undefinesource", "--disks-port", str(free_port()), "--xml", dxml, name, a.uri,
          "tcp:127.0.0.1")
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert states(a.sock).get(name) == "running", states(a.sock)
    assert name not in states(b.sock), states(b.sock)
    same_images(img_b, img_a)
    same_images(pristine, img_a)
    print("--copy-storage-inc --p2p onto an existing image: images equal")
    backing_chain(a, b, base)
    on = a
    if shutil.which("certtool"):
        tls(a, b, name, base, img_b, pristine)
        on = b
    virsh(on.sock, "destroy", name)
    virsh(on.sock, "undefine", name)
    virsh(b.sock, "pool-destroy", "vkmigpool")
    virsh(b.sock, "pool-undefine", "vkmigpool")


def main():
    if not shutil.which("qemu-img") or not shutil.which("qemu-io"):
        print("SKIP: no qemu-img or qemu-io")
        sys.exit(77)
    vkmigrate.run("vk-qemu-migrate-storage-", ("host-a", "host-b"), steps, make=Host)


if __name__ == "__main__":
    main()
