#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block jobs of a running QEMU guest through virtkitd, with the real virsh
and python3-libvirt.  The micro-guest's disk is the top of a qcow2 chain
img0 <- img1 <- img2 <- img3 made with qemu-img, each image holding its
own pattern at its own offset (written with qemu-io), so what each job
moved is read back from the files:

  blockresize grows the top image;
  blockpull --base img1 pulls img2 into img3 (img3 now backs on img1);
  (the data is read from the files once QEMU is gone and has written its
  qcow2 metadata back; the backing file names are read as they change)
  blockcommit --top img1 --base img0 merges img1 into img0 (img3 backs on
    img0), then blockcommit --active --pivot merges img3 into img0, which
    becomes the disk's source;
  a block copy from python3-libvirt (blockRebase with COPY) is pivoted
    with blockJobAbort(PIVOT): BLOCK_JOB and BLOCK_JOB_2 events come with
    libvirt's type and statuses (ready, then completed), the live XML
    shows the copy, the copy holds every pattern;
  blockcopy --format qcow2 (virDomainBlockCopy) is left running, seen in
    `blockjob --info` and as <mirror> in the live XML, slowed with
    --bandwidth, aborted: the source stays;
and the errors libvirt gives for a disk without a job, a commit of the
active layer without --active, and an unknown disk.  The guest runs on
throughout."""

import json
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
from vktest import VIRSH, status_pid, virsh, uri_of  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
GUARD = 60          # seconds before a wait for an event counts as a hang
MIB = 1024 * 1024


def qemu_io(disk, cmd, write=False):
    """qemu-io on an image; a read shares the lock of the QEMU that may
    hold it open (-U, read-only)."""
    opts = [] if write else ["-U", "-r"]
    return subprocess.run(["qemu-io"] + opts + ["-c", cmd, disk], capture_output=True,
                          text=True).returncode == 0


def has_pattern(disk, idx):
    return qemu_io(disk, "read -P 0x%x %dk 4k" % (0x10 + idx, 64 * idx))


def img_info(disk):
    r = subprocess.run(["qemu-img", "info", "-U", "--output", "json", disk],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def backing_of(disk):
    return img_info(disk).get("full-backing-filename") or img_info(disk).get("backing-filename")


def live_disk(sock):
    """(source file, [backing files top first]) of vda in the live XML."""
    root = ET.fromstring(virsh(sock, "dumpxml", "vkb").stdout)
    disk = root.find("./devices/disk")
    chain = []
    b = disk.find("backingStore")
    while b is not None and b.find("source") is not None:
        chain.append(b.find("source").get("file"))
        b = b.find("backingStore")
    return disk.find("source").get("file"), chain


def expect_error(sock, args, text):
    r = virsh(sock, *args, ok=False)
    assert r.returncode != 0 and text in r.stderr, (args, r.stdout, r.stderr)


def make_chain(root):
    imgs = [os.path.join(root, "img%d.qcow2" % i) for i in range(4)]
    for i, img in enumerate(imgs):
        args = ["qemu-img", "create", "-q", "-f", "qcow2"]
        if i:
            args += ["-F", "qcow2", "-b", imgs[i - 1]]
        subprocess.run(args + [img, "16M"], check=True)
        assert qemu_io(img, "write -P 0x%x %dk 4k" % (0x10 + i, 64 * i), write=True)
    return imgs


def copy_with_events(sock, dest):
    """blockRebase(COPY) from python3-libvirt, pivoted once ready; returns
    the (event id, disk, type, status) seen."""
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    libvirt.virEventRegisterDefaultImpl()
    stop = False

    def loop():
        while not stop:
            libvirt.virEventRunDefaultImpl()

    seen = []
    cond = threading.Condition()

    def on_job(conn, dom, disk, typ, status, opaque):
        with cond:
            seen.append((opaque, disk, typ, status))
            cond.notify_all()

    def wait_for(pred):
        with cond:
            assert cond.wait_for(lambda: pred(seen), GUARD), seen

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    conn = libvirt.open(uri_of(sock))
    try:
        dom = conn.lookupByName("vkb")
        ids = [conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB,
                                           on_job, "job"),
               conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
                                           on_job, "job2")]
        dom.blockRebase("vda", dest, 0, libvirt.VIR_DOMAIN_BLOCK_REBASE_COPY)
        wait_for(lambda s: ("job2", "vda", libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY,
                            libvirt.VIR_DOMAIN_BLOCK_JOB_READY) in s)
        info = dom.blockJobInfo("vda", 0)
        assert info["type"] == libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY, info
        assert info["cur"] == info["end"] > 0, info
        try:
            dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
            raise AssertionError("a second job on vda started")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_BLOCK_COPY_ACTIVE, e
        dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        # synchronous: the job is over when the call returns
        assert dom.blockJobInfo("vda", 0) == {}, dom.blockJobInfo("vda", 0)
        wait_for(lambda s: ("job2", "vda", libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY,
                            libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED) in s and
                 ("job", dest, libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY,
                  libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED) in s)
        for i in ids:
            conn.domainEventDeregisterAny(i)
    finally:
        conn.close()
        stop = True
    return seen


def main():
    if not vktest.have(vktest.QEMU, VIRSH, "qemu-io", "qemu-img"):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-blockjob-") as bed:
        root, pids = bed.root, bed.pids
        imgs = make_chain(root)
        daemon = bed.start()
        sock = daemon.rw
        xml = vktest.micro_domxml("vkb", MICRO, vktest.virt_type(), root).replace(
            "<devices>", "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/><source file='%s'/>"
            "<target dev='vda' bus='virtio'/></disk>" % imgs[3])
        path = os.path.join(root, "vkb.xml")
        with open(path, "w") as f:
            f.write(xml)
        virsh(sock, "define", path)
        virsh(sock, "start", "vkb")
        pids.append(status_pid(root, "vkb"))

        # nothing runs yet
        r = virsh(sock, "blockjob", "vkb", "vda", "--info")
        assert "No current block job for vda" in r.stdout, r.stdout
        expect_error(sock, ["blockjob", "vkb", "vda", "--abort"],
                     "disk vda does not have an active block job")
        expect_error(sock, ["blockjob", "vkb", "vdz", "--info"],
                     "disk 'vdz' not found in domain")
        expect_error(sock, ["blockcommit", "vkb", "vda", "--wait"],
                     "commit of 'vda' active layer requires active flag")

        virsh(sock, "blockresize", "vkb", "vda", "32M")
        assert img_info(imgs[3])["virtual-size"] == 32 * MIB, img_info(imgs[3])

        r = virsh(sock, "blockpull", "vkb", "vda", "--base", imgs[1], "--wait")
        assert "Pull complete" in r.stdout, r.stdout
        assert backing_of(imgs[3]) == imgs[1], backing_of(imgs[3])
        assert live_disk(sock) == (imgs[3], [imgs[1], imgs[0]]), live_disk(sock)

        r = virsh(sock, "blockcommit", "vkb", "vda", "--top", imgs[1], "--base", imgs[0],
                  "--wait")
        assert "Commit complete" in r.stdout, r.stdout
        assert backing_of(imgs[3]) == imgs[0], backing_of(imgs[3])
        assert live_disk(sock) == (imgs[3], [imgs[0]]), live_disk(sock)

        r = virsh(sock, "blockcommit", "vkb", "vda", "--active", "--pivot")
        assert "Successfully pivoted" in r.stdout, r.stdout
        assert live_disk(sock) == (imgs[0], []), live_disk(sock)

        copy = os.path.join(root, "copy.qcow2")
        seen = copy_with_events(sock, copy)
        assert ("job", imgs[0], 2, 3) in seen, seen   # the ready event names the source
        assert live_disk(sock) == (copy, []), live_disk(sock)
        assert backing_of(copy) is None

        copy2 = os.path.join(root, "copy2.qcow2")
        r = virsh(sock, "blockcopy", "vkb", "vda", copy2, "--format", "qcow2",
                  "--bandwidth", "1")
        assert "Block Copy started" in r.stdout, r.stdout
        virsh(sock, "blockjob", "vkb", "vda", "--bandwidth", "2")
        r = virsh(sock, "blockjob", "vkb", "vda", "--info")
        assert "Block Copy: [" in r.stderr, r.stderr    # virsh's progress line
        mirror = ET.fromstring(virsh(sock, "dumpxml", "vkb").stdout).find(
            "./devices/disk/mirror")
        assert mirror is not None and mirror.get("file") == copy2, virsh(sock, "dumpxml", "vkb")
        assert mirror.get("job") == "copy" and mirror.find("source").get("file") == copy2
        assert "Bandwidth limit: %d bytes/s (2.000 MiB/s)" % (2 * MIB) in r.stdout, r.stdout
        virsh(sock, "blockjob", "vkb", "vda", "--abort")
        assert "No current block job" in virsh(sock, "blockjob", "vkb", "vda",
                                                "--info").stdout
        assert live_disk(sock)[0] == copy, live_disk(sock)
        assert ET.fromstring(virsh(sock, "dumpxml", "vkb").stdout).find(
            "./devices/disk/mirror") is None

        # libvirt's chain lookup errors
        expect_error(sock, ["blockcopy", "vkb", "vda", os.path.join(root, "none.qcow2"),
                            "--reuse-external"], "missing destination file for disk vda")
        expect_error(sock, ["blockpull", "vkb", "vda", "--base", imgs[2]],
                     "could not find image '%s' beneath '%s' in chain for 'vda'"
                     % (imgs[2], copy))
        expect_error(sock, ["blockcommit", "vkb", "vda", "--active"],
                     "could not find base image in chain for 'vda'")

        assert virsh(sock, "domstate", "vkb").stdout.strip() == "running"
        virsh(sock, "destroy", "vkb")
        vktest.reap(pids[-1])
        # QEMU wrote its qcow2 metadata back as it ended: the data each
        # job moved is now in the files.  img0 holds img1's pattern (the
        # commit), img2's (pulled into img3, then committed with it) and
        # img3's (the active commit); the full copy holds all four.
        for i in range(4):
            assert has_pattern(imgs[0], i), "pattern %d missing from img0" % i
            assert has_pattern(copy, i), "pattern %d missing from the copy" % i
        print("ok: QEMU block jobs with virsh and python3-libvirt through virtkitd")
        return 0


if __name__ == "__main__":
    sys.exit(main())
