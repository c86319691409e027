#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The storage driver through virtkitd on qemu:///system, driven by Debian's
virsh (one process per command, as a user types them) and python3-libvirt:
a dir pool's whole life, raw and qcow2 volumes (backing store, clone,
resize, wipe, upload/download), pool lifecycle events, persistence across
a daemon restart (autostart, the running pool), and the bad inputs the
issue names: a pool target that is a file, overlapping pools, volume
names with '/' or '..', a full filesystem (a 4 MiB tmpfs) and an "fs"
pool on a loop device mounted and unmounted by the driver.

The script re-executes itself in a private mount namespace (unshare -m),
so every mount it or the daemon makes vanishes with it; the loop device
is detached in a finally.  usage: test-storage-daemon.py VIRTKITD"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
from stortest import fails, in_mount_namespace  # noqa: E402

in_mount_namespace()

import libvirt  # noqa: E402
import vkwire  # noqa: E402
from vktest import VIRSH, client, virsh  # noqa: E402

BIN = sys.argv[1]
MiB = 1024 * 1024


def run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def dir_pool(sock, tmp):
    pool = os.path.join(tmp, "pool")
    virsh(sock, "pool-define-as", "p1", "dir", "--target", pool)
    virsh(sock, "pool-build", "p1")
    assert os.path.isdir(pool)
    virsh(sock, "pool-start", "p1")
    virsh(sock, "pool-autostart", "p1")
    info = virsh(sock, "pool-info", "p1").stdout
    assert "State:          running" in info and "Autostart:      yes" in info, info
    st = os.statvfs(pool)
    assert ("%d" % (st.f_blocks * st.f_frsize)) in virsh(sock, "pool-dumpxml", "p1").stdout

    virsh(sock, "vol-create-as", "p1", "a.img", "10M")
    a = os.path.join(pool, "a.img")
    assert os.path.getsize(a) == 10 * MiB and os.stat(a).st_blocks * 512 >= 10 * MiB
    virsh(sock, "vol-create-as", "p1", "b.qcow2", "20M", "--format", "qcow2",
          "--backing-vol", "a.img", "--backing-vol-format", "raw")
    xml = virsh(sock, "vol-dumpxml", "b.qcow2", "--pool", "p1").stdout
    assert "<format type='qcow2'/>" in xml and "<capacity unit='bytes'>20971520<" in xml, xml
    assert "<backingStore>\n    <path>%s</path>\n    <format type='raw'/>" % a in xml, xml
    qi = subprocess.run(["qemu-img", "info", os.path.join(pool, "b.qcow2")],
                        capture_output=True, text=True).stdout
    assert "backing file: %s" % a in qi and "compat: 1.1" in qi, qi

    virsh(sock, "vol-clone", "a.img", "c.img", "--pool", "p1")
    with open(a, "rb") as f1, open(os.path.join(pool, "c.img"), "rb") as f2:
        assert f1.read() == f2.read()
    virsh(sock, "vol-create-as", "p1", "s.img", "4M", "--allocation", "0")
    virsh(sock, "vol-resize", "s.img", "8M", "--pool", "p1")
    assert os.path.getsize(os.path.join(pool, "s.img")) == 8 * MiB
    fails(sock, "vol-resize", "s.img", "2M", "--pool", "p1", want="shrink")
    virsh(sock, "vol-resize", "s.img", "2M", "--pool", "p1", "--shrink")
    assert os.path.getsize(os.path.join(pool, "s.img")) == 2 * MiB

    data = os.urandom(3 * MiB)
    src = os.path.join(tmp, "upload")
    with open(src, "wb") as f:
        f.write(data)
    virsh(sock, "vol-upload", "c.img", src, "--pool", "p1")
    virsh(sock, "vol-download", "c.img", os.path.join(tmp, "down"), "--pool", "p1",
          "--offset", "1000", "--length", "5000")
    with open(os.path.join(tmp, "down"), "rb") as f:
        assert f.read() == data[1000:6000]
    virsh(sock, "vol-wipe", "c.img", "--pool", "p1", "--algorithm", "bsi")
    with open(os.path.join(pool, "c.img"), "rb") as f:
        # bsi's last pass; scrub (as libvirt runs it) signs a file's start
        f.seek(-4, os.SEEK_END)
        assert f.read(4) == b"\x7f" * 4
    virsh(sock, "vol-wipe", "c.img", "--pool", "p1")
    with open(os.path.join(pool, "c.img"), "rb") as f:
        assert f.read() == b"\0" * (10 * MiB)

    out = virsh(sock, "vol-list", "p1", "--details").stdout
    for name in ("a.img", "b.qcow2", "c.img", "s.img"):
        assert name in out, out
    assert virsh(sock, "vol-path", "a.img", "--pool", "p1").stdout.strip() == a
    assert virsh(sock, "vol-name", a).stdout.strip() == "a.img"
    assert virsh(sock, "vol-pool", a).stdout.strip() == "p1"
    virsh(sock, "vol-delete", "c.img", "--pool", "p1")
    assert not os.path.exists(os.path.join(pool, "c.img"))
    # storage:///system: the same driver (and pools) without a hypervisor
    out = client(VIRSH, "storage+unix:///system?socket=" + sock, "pool-list").stdout
    assert " p1 " in out, out
    print("ok dir pool and raw/qcow2 volumes through virsh; storage:///system sees them")
    return pool


def bad_input(sock, tmp, pool):
    afile = os.path.join(tmp, "afile")
    open(afile, "w").close()
    virsh(sock, "pool-define-as", "pf", "dir", "--target", afile)
    fails(sock, "pool-start", "pf", want="is not a directory")
    fails(sock, "pool-build", "pf", want="is not a directory")
    virsh(sock, "pool-undefine", "pf")
    fails(sock, "pool-define-as", "p2", "dir", "--target", pool, want="conflict with pool")
    fails(sock, "pool-define-as", "p2", "dir", "--target", pool + "/sub",
          want="conflict with pool")
    fails(sock, "vol-create-as", "p1", "x/y", "1M", want="invalid char")
    fails(sock, "vol-create-as", "p1", "..", "1M", want="cannot be")
    fails(sock, "vol-create-as", "p1", "a.img", "1M", want="exists already")
    assert not os.path.exists(os.path.join(tmp, "y"))

    small = os.path.join(tmp, "small")
    os.mkdir(small)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small], check=True)
    virsh(sock, "pool-create-as", "tiny", "dir", "--target", small)
    err = fails(sock, "vol-create-as", "tiny", "big.img", "10M", want="No space left")
    assert "big.img" in err, err
    assert os.listdir(small) == [], os.listdir(small)
    assert "big.img" not in virsh(sock, "vol-list", "tiny").stdout
    virsh(sock, "pool-destroy", "tiny")
    assert "tiny" not in virsh(sock, "pool-list", "--all").stdout   # transient: gone
    subprocess.run(["umount", small], check=True)
    print("ok bad input refused precisely, nothing half-created")


def fs_pool(sock, tmp):
    if not shutil.which("losetup") or not shutil.which("mkfs.ext4"):
        print("ok fs pool skipped (no losetup/mkfs.ext4)")
        return
    img = os.path.join(tmp, "fs.img")
    with open(img, "wb") as f:
        f.truncate(32 * MiB)
    dev = subprocess.run(["losetup", "-f", "--show", img], capture_output=True, text=True)
    if dev.returncode != 0:
        print("ok fs pool skipped (no loop device: %s)" % dev.stderr.strip())
        return
    dev = dev.stdout.strip()
    mnt = os.path.join(tmp, "fsmnt")
    try:
        virsh(sock, "pool-define-as", "fsp", "fs", "--source-dev", dev, "--source-format",
              "ext4", "--target", mnt)
        virsh(sock, "pool-build", "fsp", "--overwrite")
        virsh(sock, "pool-start", "fsp")
        assert os.path.ismount(mnt)
        virsh(sock, "vol-create-as", "fsp", "v.img", "1M")
        cap = int(virsh(sock, "pool-dumpxml", "fsp").stdout.split(
            "<capacity unit='bytes'>")[1].split("<")[0])
        assert 16 * MiB < cap <= 32 * MiB, cap
        virsh(sock, "pool-destroy", "fsp")
        assert not os.path.ismount(mnt)
        virsh(sock, "pool-start", "fsp")
        assert os.path.exists(os.path.join(mnt, "v.img"))
        virsh(sock, "pool-destroy", "fsp")
        virsh(sock, "pool-undefine", "fsp")
        print("ok fs pool on %s: mkfs, mount, unmount" % dev)
    finally:
        if os.path.ismount(mnt):
            subprocess.run(["umount", mnt])
        subprocess.run(["losetup", "-d", dev])


def python_api(d, tmp):
    uri = "qemu+unix:///system?socket=" + d.rw
    conn = libvirt.open(uri)
    events = []
    cond = threading.Condition()

    def lifecycle(c, pool, event, detail, opaque):
        with cond:
            events.append((pool.name(), event))
            cond.notify_all()

    cb = conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                          lifecycle, None)
    try:
        target = os.path.join(tmp, "pypool")
        xml = "<pool type='dir'><name>py</name><target><path>%s</path></target></pool>" % target
        pool = conn.storagePoolDefineXML(xml, 0)
        pool.build(0)
        pool.create(0)
        vol = pool.createXML("<volume><name>v.qcow2</name><capacity unit='M'>8</capacity>"
                             "<target><format type='qcow2'/><compat>1.1</compat><features>"
                             "<lazy_refcounts/></features></target></volume>",
                             libvirt.VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA)
        qi = subprocess.run(["qemu-img", "info", vol.path()], capture_output=True,
                            text=True).stdout
        assert "lazy refcounts: true" in qi, qi
        assert conn.storageVolLookupByKey(vol.key()).name() == "v.qcow2"
        assert conn.storageVolLookupByPath(vol.path()).name() == "v.qcow2"
        clone = pool.createXMLFrom("<volume><name>w.img</name><capacity>0</capacity>"
                                   "<target><format type='raw'/></target></volume>", vol, 0)
        assert clone.info()[1] == 8 * MiB, clone.info()
        qi = subprocess.run(["qemu-img", "info", clone.path()], capture_output=True,
                            text=True).stdout
        assert "file format: raw" in qi, qi
        try:
            pool.delete(0)
            raise AssertionError("deleting a running pool succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, e
        clone.delete(0)
        vol.delete(0)
        pool.destroy()
        pool.delete(0)
        assert not os.path.exists(target)
        pool.undefine()
        want = [("py", libvirt.VIR_STORAGE_POOL_EVENT_DEFINED),
                ("py", libvirt.VIR_STORAGE_POOL_EVENT_CREATED),
                ("py", libvirt.VIR_STORAGE_POOL_EVENT_STARTED),
                ("py", libvirt.VIR_STORAGE_POOL_EVENT_STOPPED),
                ("py", libvirt.VIR_STORAGE_POOL_EVENT_DELETED),
                ("py", libvirt.VIR_STORAGE_POOL_EVENT_UNDEFINED)]
        with cond:
            ok = cond.wait_for(lambda: [e for e in events if e[0] == "py"] == want,
                               timeout=30)
        assert ok, "pool events: %r" % events
        print("ok python3-libvirt: create options, lookups, clone across formats, events")
    finally:
        conn.storagePoolEventDeregisterAny(cb)
        conn.close()


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_event_loop, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="vk-stg-") as tmp:
        root = os.path.join(tmp, "root")
        extra = ["--qemu-root", root]
        with vkwire.Daemon(BIN, extra=extra) as d:
            pool = dir_pool(d.rw, tmp)
            bad_input(d.rw, tmp, pool)
            fs_pool(d.rw, tmp)
            python_api(d, tmp)
            assert d.alive(), "virtkitd died:\n" + d.logtext()
        assert os.path.exists(os.path.join(root, "etc", "storage", "p1.xml"))
        assert os.path.islink(os.path.join(root, "etc", "storage", "autostart", "p1.xml"))
        # A restarted daemon on the same root has the pool, running (its
        # live state and its autostart link), with its volumes.
        with vkwire.Daemon(BIN, extra=extra) as d:
            out = virsh(d.rw, "pool-list", "--all").stdout
            assert "p1" in out and "active" in out and "py" not in out, out
            out = virsh(d.rw, "vol-list", "p1").stdout
            assert "a.img" in out and "b.qcow2" in out and "c.img" not in out, out
            virsh(d.rw, "pool-destroy", "p1")
            virsh(d.rw, "pool-autostart", "p1", "--disable")
        with vkwire.Daemon(BIN, extra=extra) as d:
            out = virsh(d.rw, "pool-list", "--all").stdout
            assert "p1" in out and "inactive" in out, out
            virsh(d.rw, "pool-undefine", "p1")
        assert not os.path.exists(os.path.join(root, "etc", "storage", "p1.xml"))
        print("ok pools persist across daemon restarts (config, live state, autostart)")


if __name__ == "__main__":
    main()
