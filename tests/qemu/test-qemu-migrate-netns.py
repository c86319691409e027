#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live migration between two "hosts" that share nothing but a wire: two
network namespaces made here, joined by a veth pair, a virtkitd in each
(own QEMU root, own socket dir, a TCP listener on its namespace's address
only).  The guest is a real Linux under TCG (Debian's cloud kernel from
/boot, an initramfs written here from busybox-static) whose init counts on
its serial console; its serial log moves to the destination's directory
with the migration (--xml).

- managed direct: Debian's virsh, run inside host A's namespace, migrates
  A -> B with the destination given as qemu+tcp://B-ADDRESS/system and the
  stream to tcp:B-ADDRESS (B is reachable by no other address from A);
- peer to peer back: virsh inside B asks B's daemon, which opens
  qemu+tcp://A-ADDRESS/system itself and runs the steps from there;
- --postcopy switched by migrate-postcopy mid-way; --compressed
  --auto-converge; --parallel (multifd, both QEMUs told); --tunnelled
  (the stream inside the daemons' own TCP connection, no other port);
  --tls (QEMU's tls-creds-x509 on certificates made here by certtool),
  direct and peer to peer, and a destination without certificates;
  and the refusals around them (migrate-postcopy without --postcopy,
  --postcopy without --live or with --tunnelled, --comp-methods mt);
- a guest on a network only the source has: the destination refuses it
  by name in Prepare, before anything moves;
- the source's daemon SIGKILLed mid-way (peer to peer): the destination
  drops its incoming half when that connection goes, the source's QEMU
  keeps the guest, and the restarted daemon reattaches to it;
- the guest's disk, a qcow2 image in a directory of A's that B sees as
  well (shared storage for the moves above), at last moved with
  --copy-storage-all into a dir pool of B's own directory (B makes the
  volume), switched to post-copy mid-way, domjobinfo showing the disk's
  size in its file fields meanwhile; once A's QEMU is gone, qemu-img
  compare finds both images equal.

After each move the counter goes on where it stopped (the numbers of both
logs, in order, have no gap and no restart) and the destination's log has
no boot marker (init did not start again).  Skipped without root,
ip(8), a cloud kernel or busybox-static.  Bounds on waits only catch
hangs; nothing asserts on time."""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
import vkmigrate  # noqa: E402

BIN = sys.argv[1]
GUARD = 180
BUSYBOX = "/bin/busybox"
NET = "10.213.77."
PORT = 16509
DISK_MIB = 32

INIT = """#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
echo VK-BOOT > /dev/ttyS0
i=0
while :; do
  echo "VK-COUNT $i" > /dev/ttyS0
  i=$((i + 1))
  /bin/busybox usleep 100000
done
"""


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def find_kernel():
    env = os.environ.get("VK_TEST_LINUX_KERNEL")
    if env:
        return env
    found = sorted(glob.glob("/boot/vmlinuz-*-cloud-amd64"))
    return found[-1] if found else None


def cpio_entry(name, mode, data=b""):
    """One newc entry: header, name, data, each padded to four bytes."""
    cpio_entry.ino += 1
    hdr = "070701" + "".join("%08X" % v for v in (
        cpio_entry.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0))
    out = hdr.encode() + name.encode() + b"\0"
    out += b"\0" * ((4 - len(out) % 4) % 4)
    if data:
        out += data + b"\0" * ((4 - len(data) % 4) % 4)
    return out


cpio_entry.ino = 0


def write_initrd(path):
    with open(BUSYBOX, "rb") as f:
        busybox = f.read()
    parts = [cpio_entry(d, 0o40755) for d in ("bin", "dev", "proc")]
    parts.append(cpio_entry("bin/busybox", 0o100755, busybox))
    parts.append(cpio_entry("init", 0o100755, INIT.encode()))
    parts.append(cpio_entry("TRAILER!!!", 0))
    with open(path, "wb") as f:
        f.write(b"".join(parts))


def guest_xml(name, kernel, initrd, log_dir, disk=None):
    """The counting guest; disk, when given, a qcow2 image it gets as vda."""
    vda = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source "
           "file='%s'/><target dev='vda' bus='virtio'/></disk>\n    " % disk) if disk else ""
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <devices>
    {vda}<serial type='file'><source path='{log_dir}/serial-{name}.log'/></serial>
  </devices>
</domain>
"""


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True, capture_output=True, text=True)


class Host:
    """A network namespace with a virtkitd in it (listening on UNIX
    sockets and on ADDR:PORT over plain TCP) and its own QEMU root."""

    def __init__(self, label, base, addr):
        self.ns = "vkmig-%s-%d" % (label, os.getpid())
        self.addr = addr
        self.root = os.path.join(base, label)
        self.logs = os.path.join(base, label + "-logs")
        os.makedirs(self.root)
        os.makedirs(self.logs)
        ip("netns", "add", self.ns)
        self.daemon = None

    def start(self, base):
        # ip netns exec execs the daemon itself: the pid vkwire waits on
        # is virtkitd's, in this host's namespace
        wrapper = os.path.join(base, self.ns + ".sh")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec ip netns exec %s %s "$@"\n' % (self.ns, BIN))
        os.chmod(wrapper, 0o755)
        cfg = 'listen_tcp = 1\nlisten_addr = "%s"\ntcp_port = "%d"\nauth_tcp = "none"\n' % (
            self.addr, PORT)
        self.daemon = vkwire.Daemon(wrapper, config=cfg,
                                    env=dict(os.environ, VIRTKIT_QEMU_ROOT=self.root))
        self.sock = self.daemon.rw
        self.local = vktest.uri_of(self.sock)
        self.tcp = "qemu+tcp://%s:%d/system" % (self.addr, PORT)

    def virsh(self, uri, *args, ok=True):
        """Debian's virsh inside this host's namespace."""
        r = subprocess.run(["ip", "netns", "exec", self.ns, vktest.VIRSH, "-c", uri] +
                           list(args), capture_output=True, text=True, timeout=GUARD * 2)
        if ok and r.returncode != 0:
            raise AssertionError("virsh %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                                  r.stdout, r.stderr))
        return r

    def states(self):
        return vktest.list_states(self.virsh(self.local, "list", "--all").stdout)

    def stop(self):
        """The daemon, any guest a failed step left here, the namespace."""
        if self.daemon:
            self.daemon.stop()
        vktest.kill_all([p for p in vktest.guests_under(self.root) if p])
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


OOPS = re.compile(r"\] (BUG: |Oops: |Kernel panic - not syncing|general protection fault)")


def counts(text):
    return [int(n) for n in re.findall(r"VK-COUNT (\d+)\r?\n", text)]


def wait_until(pred, what):
    end = time.monotonic() + GUARD
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("never happened: " + what)
        time.sleep(0.2)


class GuestCrashedAfterMove(Exception):
    """The guest's kernel oopsed on the destination right after a move.

    QEMU 7.2 (Debian 12's) loses guest writes when it migrates a TCG
    guest: the fast path of its dirty-bitmap sync clears the bits without
    re-arming the TCG TLB, so stores made through still-writable entries
    are never sent again (fixed in QEMU 9.0 by "physmem: Fix migration
    dirty bitmap coherency with TCG memory access"; Debian has not
    backported it).  The destination then runs on a stale page: seen
    here about once in a hundred moves as an oops in the guest's timer
    code.  Nothing of virtkit's touches guest RAM, so the run is made
    once more from scratch; twice in a row fails the test."""


def counting_on(before, after):
    """The counter went on across the move: the two logs' numbers, in
    order, have no gap and no restart, and the destination's log has
    several numbers of its own and no boot marker."""
    wait_until(lambda: len(counts(read(after))) >= 5 or OOPS.search(read(after)),
               "the counter on the destination")
    text_a, text_b = read(before), read(after)
    if OOPS.search(text_b) and not OOPS.search(text_a):
        raise GuestCrashedAfterMove(text_b[:1500])
    # a line cut by the pause is split between the two files: join them
    seq = counts(text_a + text_b)
    assert seq == list(range(seq[0], seq[0] + len(seq))), (seq, text_a[-300:], text_b[:1500])
    assert counts(text_a) and counts(text_b)[0] > counts(text_a)[-1], (text_a[-200:],
                                                                      text_b[:200])
    assert "VK-BOOT" not in text_b, text_b[:400]
    return seq[-1]


def dest_xml(src, name, old_dir, new_dir):
    xml = src.virsh(src.local, "dumpxml", "--migratable", name).stdout
    return xml.replace(old_dir + "/", new_dir + "/")


def move(src, dst, base, name, log_src, log_dst, *flags, during=None, disk_dirs=None):
    """src -> dst with flags (virsh inside src's namespace, the guest's
    serial log moving from log_src to log_dst, its disk from one directory
    to the other of disk_dirs when given); during(), when given, runs
    while the migration is in progress.  Returns the last count."""
    pid = vktest.status_pid(src.root, name)
    dxml = os.path.join(base, name + "-next.xml")
    xml = dest_xml(src, name, os.path.dirname(log_src), os.path.dirname(log_dst))
    if disk_dirs:
        xml = xml.replace(disk_dirs[0] + "/", disk_dirs[1] + "/")
    with open(dxml, "w") as f:
        f.write(xml)
    if os.path.exists(log_dst):
        os.rename(log_dst, log_dst + ".%d" % time.monotonic_ns())
    # tunnelled, the stream goes through the daemons' connection: no
    # migration URI
    argv = ["ip", "netns", "exec", src.ns, vktest.VIRSH, "-c", src.local, "migrate", "--live",
            "--persistent", "--undefinesource", "--xml", dxml] + list(flags) + [
            name, dst.tcp] + ([] if "--tunnelled" in flags else ["tcp:" + dst.addr])
    mig = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if during:
            during()
        out = mig.communicate(timeout=GUARD * 2)[0]
    finally:
        if mig.poll() is None:
            mig.kill()
            mig.wait()
    assert mig.returncode == 0, out
    wait_until(lambda: not vktest.alive(pid), "the QEMU on the source to end")
    assert name not in src.states(), src.states()
    assert dst.states().get(name) == "running", dst.states()
    try:
        return counting_on(log_src, log_dst)
    except AssertionError as e:
        # a guest that stops counting on arrival: what its QEMU says it
        # does, and the end of both logs
        q = dst.virsh(dst.local, "qemu-monitor-command", name, '{"execute":"query-status"}',
                      ok=False)
        raise AssertionError("%s\nflags %s; destination QEMU: %s%s\nsource log: %r\n"
                             "destination log: %r" % (e, flags, q.stdout, q.stderr,
                                                      read(log_src)[-300:],
                                                      read(log_dst)[:1500])) from e


def postcopy(a, b, base, name, log_a, log_b):
    """--postcopy, switched by migrate-postcopy while pre-copy crawls at
    1 MiB/s: the guest runs on B before its memory is all there."""
    r = a.virsh(a.local, "migrate-postcopy", name, ok=False)
    assert r.returncode != 0 and "post-copy can only be started while outgoing migration" \
        in r.stderr, r.stderr
    r = a.virsh(a.local, "migrate", "--postcopy", name, b.tcp, "tcp:" + b.addr, ok=False)
    assert r.returncode != 0 and "post-copy migration is not supported with non-live" \
        in r.stderr, r.stderr

    def switch():
        wait_until(lambda: "Unbounded" in a.virsh(a.local, "domjobinfo", name).stdout,
                   "the migration job on A")
        a.virsh(a.local, "migrate-postcopy", name)
    last = move(a, b, base, name, log_a, log_b, "--postcopy", "--bandwidth", "1",
                during=switch)
    print("A -> B post-copy: counter went on to %d" % last)


def capabilities(b, a, base, name, log_b, log_a):
    """The capabilities both QEMUs must agree on (multifd, compress) and
    the source's own (auto-converge); migrate-postcopy refused when the
    migration was not started with --postcopy."""
    def refuse_switch():
        wait_until(lambda: "Unbounded" in b.virsh(b.local, "domjobinfo", name).stdout,
                   "the migration job on B")
        r = b.virsh(b.local, "migrate-postcopy", name, ok=False)
        assert r.returncode != 0, r.stdout
        assert "requires migration to be started with VIR_MIGRATE_POSTCOPY" in r.stderr, \
            r.stderr
        b.virsh(b.local, "migrate-setspeed", name, "0")     # and let it finish
    last = move(b, a, base, name, log_b, log_a, "--auto-converge", "--bandwidth", "1",
                during=refuse_switch)
    print("B -> A auto-converge: counter went on to %d" % last)
    last = move(a, b, base, name, log_a, log_b, "--parallel", "--parallel-connections", "2")
    print("A -> B parallel (multifd, 2 channels): counter went on to %d" % last)
    # QEMU's multithreaded compression corrupted this TCG guest's memory
    # (it rebooted on arrival): refused by name; xbzrle is the default
    r = b.virsh(b.local, "migrate", "--live", "--compressed", "--comp-methods", "mt", name,
                a.tcp, "tcp:" + a.addr, ok=False)
    assert r.returncode != 0 and "compression method 'mt' is not supported" in r.stderr, \
        r.stderr
    assert b.states().get(name) == "running", b.states()
    last = move(b, a, base, name, log_b, log_a, "--compressed")
    print("B -> A compressed (xbzrle): counter went on to %d" % last)
    last = move(a, b, base, name, log_a, log_b)
    print("A -> B: counter went on to %d" % last)
    r = b.virsh(b.local, "migrate", "--live", "--p2p", "--tunnelled", "--postcopy", name,
                a.tcp, ok=False)
    assert r.returncode != 0 and \
        "post-copy migration is not supported with tunnelled migration" in r.stderr, r.stderr
    last = move(b, a, base, name, log_b, log_a, "--p2p", "--tunnelled")
    print("B -> A tunnelled (p2p, through the daemons' TCP connection): counter went on "
          "to %d" % last)


def incompatible(a, b, base, kernel, initrd):
    """A guest on a network that only A has: B's Prepare refuses it by
    name before any memory moves; the guest runs on A as before and B
    has nothing of it."""
    net = os.path.join(base, "lan.xml")
    with open(net, "w") as f:
        f.write("<network><name>vkmig-lan</name><bridge name='vkmigbr0'/></network>\n")
    a.virsh(a.local, "net-define", net)
    a.virsh(a.local, "net-start", "vkmig-lan")
    name = "vkmignic"
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(guest_xml(name, kernel, initrd, a.logs).replace(
            "<devices>", "<devices>\n    <interface type='network'>"
            "<source network='vkmig-lan'/></interface>"))
    a.virsh(a.local, "create", path)
    pid = vktest.status_pid(a.root, name)
    r = a.virsh(a.local, "migrate", "--live", name, b.tcp, "tcp:" + b.addr, ok=False)
    assert r.returncode != 0 and "vkmig-lan" in r.stderr, r.stderr
    print("missing network on the destination: %s" % r.stderr.strip().splitlines()[-1])
    assert a.states().get(name) == "running", a.states()
    assert vktest.alive(pid)
    assert name not in b.states(), b.states()
    assert not os.path.exists(os.path.join(b.root, "run", name + ".xml"))
    a.virsh(a.local, "destroy", name)
    a.virsh(a.local, "net-destroy", "vkmig-lan")
    a.virsh(a.local, "net-undefine", "vkmig-lan")


def tls(a, b, base, name, log_a, log_b):
    """--tls: both QEMUs get the certificates of their qemu.conf's
    migrate_tls_x509_cert_dir, B's QEMU serves the stream inside TLS (a
    plain source could not talk to it) and A's checks B's certificate
    against B's address; a destination without certificates refuses in
    Prepare, naming the file."""
    vkmigrate.make_pki(base, (a, b))
    vkmigrate.set_cert_dir(a, a.pki)
    vkmigrate.set_cert_dir(b, os.path.join(base, "no-pki"))
    r = a.virsh(a.local, "migrate", "--live", "--tls", name, b.tcp, "tcp:" + b.addr, ok=False)
    assert r.returncode != 0 and "cannot use the migration TLS certificate" in r.stderr and \
        "ca-cert.pem" in r.stderr, r.stderr
    assert a.states().get(name) == "running", a.states()
    assert name not in b.states(), b.states()
    vkmigrate.set_cert_dir(b, b.pki)
    last = move(a, b, base, name, log_a, log_b, "--tls")
    r = b.virsh(b.local, "qemu-monitor-command", name,
                '{"execute":"query-migrate-parameters"}')
    assert '"tls-creds":"objlibvirt_migrate_tls0"' in r.stdout.replace(" ", ""), r.stdout
    print("A -> B over TLS: counter went on to %d" % last)
    last = move(b, a, base, name, log_b, log_a, "--tls", "--p2p")
    print("B -> A over TLS (peer to peer): counter went on to %d" % last)
    os.unlink(os.path.join(a.root, "etc", "qemu.conf"))
    os.unlink(os.path.join(b.root, "etc", "qemu.conf"))


def source_killed(a, b, base, name, log_a):
    """A's daemon SIGKILLed while the guest crawls to B (peer to peer, 1
    MiB/s): B drops its incoming half when A's connection goes, A's QEMU
    sees its migration fail and keeps the guest running, and A's daemon,
    started again, reattaches to that same QEMU: the guest runs on A only
    and still counts."""
    pid = vktest.status_pid(a.root, name)
    argv = ["ip", "netns", "exec", a.ns, vktest.VIRSH, "-c", a.local, "migrate", "--live",
            "--p2p", "--bandwidth", "1", name, b.tcp, "tcp:" + b.addr]
    mig = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: name in b.states(), "the incoming guest on B")
        wait_until(lambda: "Unbounded" in a.virsh(a.local, "domjobinfo", name).stdout,
                   "the migration job on A")
        a.daemon.proc.kill()
        out = mig.communicate(timeout=GUARD)[0]
    finally:
        if mig.poll() is None:
            mig.kill()
            mig.wait()
    assert mig.returncode != 0, out
    wait_until(lambda: name not in b.states(), "B to drop its incoming guest")
    assert not os.path.exists(os.path.join(b.root, "run", name + ".xml"))
    assert vktest.alive(pid)
    a.daemon.stop()
    a.start(base)
    assert a.states().get(name) == "running", a.states()
    assert vktest.status_pid(a.root, name) == pid
    before = counts(read(log_a))[-1]
    wait_until(lambda: counts(read(log_a))[-1] >= before + 5, "the counter on A after all")
    seq = counts(read(log_a))
    assert seq == list(range(seq[0], seq[0] + len(seq))), seq
    print("source daemon SIGKILLed mid-way: B dropped its half, A reattached, counter at %d"
          % seq[-1])


def write_qcow2(base, path, mib):
    """A qcow2 image of mib MiB with random data at its start, middle and
    end (converted from a raw file holding them, holes elsewhere)."""
    raw = os.path.join(base, "disk.raw")
    with open(raw, "wb") as f:
        f.truncate(mib << 20)
        for off in (0, mib << 19, (mib - 1) << 20):
            f.seek(off)
            f.write(os.urandom(256 << 10))
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, path], check=True)
    os.unlink(raw)


def file_total(text):
    """domjobinfo's "File total" (the disks' part of the job), in bytes."""
    m = re.search(r"File total:\s+([0-9.]+) (\w+)", text)
    assert m, text
    return float(m.group(1)) * {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[
        m.group(2)]


def storage_copy(a, b, base, name, log_a, log_b, img_a):
    """--copy-storage-all of the guest's disk into B's own directory:
    B makes the image in its pool (the pool of the directory --xml names),
    the mirror fills it while the guest keeps counting, post-copy takes
    over once domjobinfo showed the disk, and the images end equal."""
    img_b = os.path.join(b.logs, os.path.basename(img_a))
    b.virsh(b.local, "pool-define-as", "vkmigpool", "dir", "--target", b.logs)
    b.virsh(b.local, "pool-start", "vkmigpool")
    seen = {}

    def in_step():
        text = a.virsh(a.local, "domjobinfo", name).stdout
        if "Unbounded" not in text or "File total:" not in text:
            return False
        seen["total"] = file_total(text)
        return re.search(r"File remaining:\s+0\.000 B", text) is not None

    def watch():
        # the disk's mirror comes in step before the memory moves; the
        # switch may be asked before QEMU's stream starts (virtkit holds
        # it until then)
        wait_until(in_step, "the disk mirrored on A")
        a.virsh(a.local, "migrate-postcopy", name)
    last = move(a, b, base, name, log_a, log_b, "--copy-storage-all", "--postcopy",
                "--bandwidth", "1", during=watch, disk_dirs=(os.path.dirname(img_a), b.logs))
    assert seen["total"] == DISK_MIB << 20, seen
    assert os.path.basename(img_a) in b.virsh(b.local, "vol-list", "vkmigpool").stdout
    # B's QEMU has its image open (and locked): -U reads it all the same
    r = subprocess.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "qcow2", img_a,
                        img_b],
                       capture_output=True, text=True)
    assert r.returncode == 0, (r.stdout, r.stderr)
    print("A -> B --copy-storage-all (post-copy, a disk only A had): images equal, counter "
          "went on to %d" % last)


def main():
    if os.geteuid() != 0:
        skip("network namespaces need root")
    if not shutil.which("ip"):
        skip("no ip(8) (iproute2)")
    kernel = find_kernel()
    if not kernel or not os.access(BUSYBOX, os.X_OK):
        skip("no cloud kernel in /boot or no busybox-static")
    if not shutil.which("qemu-img"):
        skip("no qemu-img")
    vktest.become_subreaper()
    base = tempfile.mkdtemp(prefix="vk-qemu-migrate-netns-")
    hosts = []
    veth = "vkm%d" % (os.getpid() % 100000)
    try:
        a = Host("a", base, NET + "1")
        hosts.append(a)
        b = Host("b", base, NET + "2")
        hosts.append(b)
        ip("link", "add", veth + "a", "netns", a.ns, "type", "veth", "peer", "name", veth + "b",
           "netns", b.ns)
        for h, dev in ((a, veth + "a"), (b, veth + "b")):
            ip("-n", h.ns, "link", "set", "lo", "up")
            ip("-n", h.ns, "addr", "add", h.addr + "/24", "dev", dev)
            ip("-n", h.ns, "link", "set", dev, "up")
        a.start(base)
        b.start(base)

        name = "vkmignet"
        initrd = os.path.join(base, "initrd.cpio")
        write_initrd(initrd)
        incompatible(a, b, base, kernel, initrd)
        # the disk's directory is A's; B reaches it too (shared storage)
        # until the last move copies it into B's own
        img = os.path.join(base, "a-disk", name + ".qcow2")
        os.makedirs(os.path.dirname(img))
        write_qcow2(base, img, DISK_MIB)
        path = os.path.join(base, name + ".xml")
        with open(path, "w") as f:
            f.write(guest_xml(name, kernel, initrd, a.logs, img))
        a.virsh(a.local, "define", path)
        a.virsh(a.local, "start", name)
        log_a = os.path.join(a.logs, "serial-%s.log" % name)
        log_b = os.path.join(b.logs, "serial-%s.log" % name)
        wait_until(lambda: len(counts(read(log_a))) >= 5, "the guest's counter on host A")
        pid = vktest.status_pid(a.root, name)

        # A -> B, managed direct: the client in A's namespace reaches B
        # only at B's address
        dxml = os.path.join(base, name + "-b.xml")
        with open(dxml, "w") as f:
            f.write(dest_xml(a, name, a.logs, b.logs))
        r = a.virsh(a.local, "migrate", "--live", "--persistent", "--undefinesource",
                    "--verbose", "--xml", dxml, name, b.tcp, "tcp:" + b.addr)
        assert "Migration: [100 %]" in r.stdout + r.stderr, r.stdout + r.stderr
        wait_until(lambda: not vktest.alive(pid), "the QEMU on host A to end")
        assert name not in a.states(), a.states()
        assert b.states().get(name) == "running", b.states()
        st = b.virsh(b.local, "domstate", "--reason", name).stdout.strip()
        assert st == "running (migrated)", st
        last = counting_on(log_a, log_b)
        print("A -> B over tcp (direct): counter went on to %d" % last)

        # B -> A, peer to peer: B's daemon opens A's TCP listener itself
        pid = vktest.status_pid(b.root, name)
        dxml = os.path.join(base, name + "-a.xml")
        with open(dxml, "w") as f:
            f.write(dest_xml(b, name, b.logs, a.logs))
        os.rename(log_a, log_a + ".first")
        b.virsh(b.local, "migrate", "--live", "--p2p", "--persistent", "--undefinesource",
                "--xml", dxml, name, a.tcp, "tcp:" + a.addr)
        wait_until(lambda: not vktest.alive(pid), "the QEMU on host B to end")
        assert name not in b.states(), b.states()
        assert a.states().get(name) == "running", a.states()
        last = counting_on(log_b, log_a)
        print("B -> A over tcp (peer to peer): counter went on to %d" % last)

        postcopy(a, b, base, name, log_a, log_b)
        capabilities(b, a, base, name, log_b, log_a)
        if shutil.which("certtool"):
            tls(a, b, base, name, log_a, log_b)
        source_killed(a, b, base, name, log_a)
        storage_copy(a, b, base, name, log_a, log_b, img)

        b.virsh(b.local, "destroy", name)
        b.virsh(b.local, "undefine", name)
        b.virsh(b.local, "pool-destroy", "vkmigpool")
        b.virsh(b.local, "pool-undefine", "vkmigpool")
    except BaseException:
        for h in hosts:
            if h.daemon:
                print("---- virtkitd log (%s) ----\n%s" % (h.ns, h.daemon.logtext()))
        raise
    finally:
        for h in hosts:
            h.stop()
        vktest.reap_all()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except GuestCrashedAfterMove as e:
        print("the guest oopsed on the destination after a move (QEMU 7.2's TCG dirty-"
              "tracking bug, see GuestCrashedAfterMove); once more from scratch:\n%s" % e)
        main()
