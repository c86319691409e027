#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live migration of the micro-guest between two virtkitd (two roots, two
sockets: two "hosts"), driven by Debian's real virsh and python3-libvirt
(libvirt 9.0's client runs the v3 steps Begin/Prepare/Perform/Finish/
Confirm over the wire):

- managed direct `virsh migrate --live` of a transient guest: it runs on
  the destination (state running, reason migrated), its source QEMU is
  gone and the source forgets it; the guest was not rebooted there (its
  serial log on the destination has no boot banner) and still answers
  the ACPI power button (shutdown -> VK-MICRO-POWEROFF, shut off);
- `--offline --persistent`: the definition alone moves;
- `--persistent --undefinesource` of a defined guest, peer to peer
  (`--p2p`): defined and running on the destination, undefined on the
  source; then back with `--suspend --persistent` (paused on arrival);
- events on both ends: STARTED/RESUMED "migrated" on the destination,
  STOPPED "migrated" on the source (python3-libvirt callbacks);
- domjobinfo while a throttled migration runs (--bandwidth 1), then
  domjobabort: the migration fails with libvirt's "operation aborted",
  the guest keeps running on the source and nothing is left on the
  destination; migrate-setspeed / getspeed / setmaxdowntime;
- failures: an unreachable destination URI, a destination that cannot
  start the guest (a kernel path missing there), refused flags
  (--tunnelled with --postcopy, --copy-storage-all or --tls): precise errors, the
  source guest still running, nothing defined on the destination;
- the virtkit shell's migrate, direct, --p2p and --p2p --tunnelled.

Bounds on waits only catch hangs; nothing asserts on time."""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
import vkmigrate  # noqa: E402
from vkmigrate import states, wait_until, read  # noqa: E402
from vktest import virsh, uri_of  # noqa: E402

import libvirt  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
VIRTKIT = sys.argv[3]
GUARD = 120

libvirt.registerErrorHandler(lambda *a: None, None)


def guest_xml(name, serial_dir, kernel=MICRO):
    return vktest.micro_domxml(name, kernel, vktest.virt_type(), serial_dir)


def dest_xml(src, name, serial_dir):
    """The source's migratable XML with the serial log moved to the
    destination's directory (virsh migrate --xml)."""
    xml = virsh(src.sock, "dumpxml", "--migratable", name).stdout
    return xml.replace(os.path.dirname(serial_dir.rstrip("/")) + "/src/", serial_dir + "/")


def check_runs_there(dst, name, serial):
    st = virsh(dst.sock, "domstate", "--reason", name).stdout.strip()
    assert st in ("running (migrated)", "running (unpaused)"), st
    # not rebooted: the destination's serial log never saw the banner
    assert "VK-MICRO-READY" not in read(serial), read(serial)
    virsh(dst.sock, "shutdown", name)
    wait_until(lambda: "VK-MICRO-POWEROFF" in read(serial), "power-off on the destination")


def managed_direct(src, dst, base):
    name = "vkmig1"
    sdir, ddir = os.path.join(base, "src"), os.path.join(base, "dst")
    with open(os.path.join(base, name + ".xml"), "w") as f:
        f.write(guest_xml(name, sdir))
    virsh(src.sock, "create", os.path.join(base, name + ".xml"))
    wait_until(lambda: "VK-MICRO-READY" in read(os.path.join(sdir, "serial-%s.log" % name)),
               "the guest's banner")
    pid = vktest.status_pid(src.root, name)
    dxml = os.path.join(base, name + "-dst.xml")
    with open(dxml, "w") as f:
        f.write(dest_xml(src, name, ddir))
    r = virsh(src.sock, "migrate", "--live", "--verbose", "--xml", dxml, name, dst.uri,
              "tcp:127.0.0.1")
    assert "Migration: [100 %]" in r.stdout + r.stderr, r.stdout + r.stderr
    assert name not in states(src.sock), states(src.sock)
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert states(dst.sock).get(name) == "running", states(dst.sock)
    check_runs_there(dst, name, os.path.join(ddir, "serial-%s.log" % name))
    wait_until(lambda: name not in states(dst.sock), "the transient guest's end")


class Events:
    """Lifecycle events of one host, through python3-libvirt."""

    def __init__(self, host):
        self.conn = libvirt.open(host.uri)
        self.seen = []
        self.cond = threading.Condition()
        self.cb = self.conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                   self._on, None)

    def _on(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.seen.append((dom.name(), event, detail))
            self.cond.notify_all()

    def wait(self, item):
        with self.cond:
            if not self.cond.wait_for(lambda: item in self.seen, timeout=GUARD):
                raise AssertionError("no event %r in %r" % (item, self.seen))

    def close(self):
        self.conn.domainEventDeregisterAny(self.cb)
        self.conn.close()


def start_event_loop():
    libvirt.virEventRegisterDefaultImpl()

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run, daemon=True).start()


def define_and_start(host, name, base, sub="src", mib=64):
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(guest_xml(name, os.path.join(base, sub)).replace(
            "<memory unit='MiB'>64</memory>", "<memory unit='MiB'>%d</memory>" % mib))
    virsh(host.sock, "define", path)
    virsh(host.sock, "start", name)
    wait_until(lambda: "VK-MICRO-READY" in read(os.path.join(base, sub, "serial-%s.log" % name)),
               "the guest's banner")


def p2p_persistent(src, dst, base):
    """--p2p --persistent --undefinesource there, --suspend back."""
    name = "vkmig2"
    define_and_start(src, name, base)
    ev_src, ev_dst = Events(src), Events(dst)
    try:
        pid = vktest.status_pid(src.root, name)
        virsh(src.sock, "migrate", "--live", "--p2p", "--persistent", "--undefinesource",
              name, dst.uri, "tcp:127.0.0.1")
        ev_dst.wait((name, libvirt.VIR_DOMAIN_EVENT_STARTED,
                     libvirt.VIR_DOMAIN_EVENT_STARTED_MIGRATED))
        ev_dst.wait((name, libvirt.VIR_DOMAIN_EVENT_RESUMED,
                     libvirt.VIR_DOMAIN_EVENT_RESUMED_MIGRATED))
        ev_src.wait((name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                     libvirt.VIR_DOMAIN_EVENT_STOPPED_MIGRATED))
        ev_src.wait((name, libvirt.VIR_DOMAIN_EVENT_UNDEFINED,
                     libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED))
        wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
        assert name not in states(src.sock), states(src.sock)
        assert not os.path.exists(os.path.join(src.root, "etc", name + ".xml"))
        assert states(dst.sock).get(name) == "running", states(dst.sock)
        assert os.path.exists(os.path.join(dst.root, "etc", name + ".xml"))
        assert virsh(dst.sock, "dominfo", name).stdout.count("Persistent:     yes") == 1
        # and back, arriving paused
        virsh(dst.sock, "migrate", "--live", "--suspend", "--persistent", name, src.uri,
              "tcp:127.0.0.1")
        st = virsh(src.sock, "domstate", name).stdout.strip()
        assert st == "paused", st
        assert states(dst.sock).get(name) == "shut off", states(dst.sock)
        virsh(src.sock, "resume", name)
        virsh(src.sock, "destroy", name)
        virsh(src.sock, "undefine", name)
        virsh(dst.sock, "undefine", name)
    finally:
        ev_src.close()
        ev_dst.close()


def expect_fail(host, needle, *args):
    r = virsh(host.sock, *args, ok=False)
    assert r.returncode != 0, r.stdout
    assert needle in r.stderr, r.stderr
    return r.stderr


def untouched(src, dst, name):
    """After a failed migration: running on the source, unknown there."""
    assert states(src.sock).get(name) == "running", states(src.sock)
    assert name not in states(dst.sock), states(dst.sock)
    assert not os.path.exists(os.path.join(dst.root, "run", name + ".xml"))


def held_port():
    """A listener that accepts the migration stream and reads none of it
    (a tiny receive buffer): the source's migration stays active."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


def jobs_and_failures(src, dst, base):
    name = "vkmig3"
    # 2 GiB of (untouched) guest memory: even as zero pages its stream is
    # more than the loopback sockets' buffers hold (~2.6 MB), so a stream
    # nobody reads stalls
    define_and_start(src, name, base, mib=2048)
    # tuning outside a migration
    virsh(src.sock, "migrate-setspeed", name, "5")
    assert virsh(src.sock, "migrate-getspeed", name).stdout.strip() == "5"
    virsh(src.sock, "migrate-setmaxdowntime", name, "250")
    assert "None" in virsh(src.sock, "domjobinfo", name).stdout
    expect_fail(src, "no job is active on the domain", "domjobabort", name)

    # a migration that cannot progress: watched, then aborted
    lsock = held_port()
    port = lsock.getsockname()[1]
    out = {}

    def migrate():
        out["r"] = virsh(src.sock, "migrate", "--live", "--listen-address", "127.0.0.2",
                         "--bandwidth", "1", name, dst.uri, "tcp:127.0.0.1:%d" % port,
                         ok=False)
    t = threading.Thread(target=migrate)
    t.start()
    conn, _ = lsock.accept()
    wait_until(lambda: "Unbounded" in virsh(src.sock, "domjobinfo", name).stdout,
               "an active job in domjobinfo")
    info = virsh(src.sock, "domjobinfo", name).stdout
    assert "Operation:        Outgoing migration" in info, info
    # no disk is copied: libvirt's disk fields are there, zero (virsh
    # prints none of them then)
    lv = libvirt.open(src.uri)
    try:
        stats = lv.lookupByName(name).jobStats()
    finally:
        lv.close()
    assert stats.get("disk_total") == 0 and stats.get("disk_remaining") == 0, stats
    assert stats["data_total"] == stats["memory_total"], stats
    virsh(src.sock, "domjobabort", name)
    t.join(GUARD)
    assert not t.is_alive()
    r = out["r"]
    assert r.returncode != 0 and "operation aborted" in r.stderr, r.stderr
    conn.close()
    lsock.close()
    untouched(src, dst, name)

    # the stream's connection cut mid-way
    lsock = held_port()
    port = lsock.getsockname()[1]
    t = threading.Thread(target=migrate)
    t.start()
    conn, _ = lsock.accept()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()        # RST
    lsock.close()
    t.join(GUARD)
    assert not t.is_alive()
    r = out["r"]
    assert r.returncode != 0 and "migration of domain 'vkmig3' failed" in r.stderr, r.stderr
    untouched(src, dst, name)

    # the destination cannot start the guest: its kernel is not there
    dxml = os.path.join(base, name + "-bad.xml")
    with open(dxml, "w") as f:
        f.write(virsh(src.sock, "dumpxml", "--migratable", name).stdout.replace(
            MICRO, os.path.join(base, "no-such-kernel")))
    expect_fail(src, "failed to start", "migrate", "--live", "--xml", dxml, name, dst.uri,
                "tcp:127.0.0.1")
    untouched(src, dst, name)

    # a destination that does not exist (peer to peer: the source's
    # daemon is the one that fails to connect)
    expect_fail(src, "Failed to connect to remote libvirt URI", "migrate", "--live", "--p2p",
                name, uri_of(os.path.join(base, "no-such-socket")))
    untouched(src, dst, name)

    # what virtkit does not do is refused by name
    expect_fail(src, "post-copy migration is not supported with tunnelled migration",
                "migrate", "--live", "--p2p", "--tunnelled", "--postcopy", name, dst.uri)
    expect_fail(src, "migration over TLS is not supported with tunnelled", "migrate",
                "--live", "--p2p", "--tunnelled", "--tls", name, dst.uri)
    # (libvirt 9.0's words: its disks' NBD connection cannot be tunnelled)
    expect_fail(src, "migration of non-shared storage is not supported with tunnelled "
                "migration and this QEMU", "migrate", "--live", "--p2p", "--tunnelled",
                "--copy-storage-all", name, dst.uri)
    untouched(src, dst, name)

    # and after all that it still migrates (at full speed again)
    virsh(src.sock, "migrate-setspeed", name, "0")
    began = time.monotonic()
    # scanning 2 GiB under TCG on a loaded host may take a minute or two:
    # the bound only catches a hang
    vktest.client(vktest.VIRSH, src.uri, "migrate", "--live", "--persistent",
                  "--undefinesource", name, dst.uri, "tcp:127.0.0.1", timeout=GUARD * 4)
    print("  (2 GiB guest migrated in %.1f s)" % (time.monotonic() - began))
    assert states(dst.sock).get(name) == "running", states(dst.sock)
    assert name not in states(src.sock)
    virsh(dst.sock, "destroy", name)
    virsh(dst.sock, "undefine", name)


def vkshell(host, *args, ok=True):
    return vktest.client(VIRTKIT, host.uri, *args, ok=ok)


def virtkit_shell(src, dst, base):
    """virtkit's own client: its virDomainMigrate3 runs the steps between
    two remote connections, its ToURI3 hands them to the source."""
    name = "vkmig4"
    define_and_start(src, name, base)
    pid = vktest.status_pid(src.root, name)
    assert vkshell(src, "domjobinfo", name).stdout.split() == ["Job", "type:", "None"]
    vkshell(src, "migrate-setspeed", name, "7")
    assert vkshell(src, "migrate-getspeed", name).stdout.strip() == "7"
    assert vkshell(src, "migrate-getmaxdowntime", name).stdout.strip() == "300"
    vkshell(src, "migrate", "--live", "--persistent", "--undefinesource", name, dst.uri,
            "--migrateuri", "tcp:127.0.0.1")
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert name not in states(src.sock)
    assert states(dst.sock).get(name) == "running", states(dst.sock)
    # peer to peer back, renamed on the way
    vkshell(dst, "migrate", "--live", "--p2p", "--persistent", "--undefinesource",
            "--dname", name + "-back", name, src.uri, "--migrateuri", "tcp:127.0.0.1")
    assert states(src.sock).get(name + "-back") == "running", states(src.sock)
    assert name not in states(dst.sock), states(dst.sock)
    # and tunnelled: the stream inside the daemons' connection
    pid = vktest.status_pid(src.root, name + "-back")
    vkshell(src, "migrate", "--live", "--tunnelled", "--p2p", "--persistent",
            "--undefinesource", name + "-back", dst.uri)
    wait_until(lambda: not vktest.alive(pid), "the source QEMU's end")
    assert name + "-back" not in states(src.sock), states(src.sock)
    assert states(dst.sock).get(name + "-back") == "running", states(dst.sock)
    virsh(dst.sock, "destroy", name + "-back")
    virsh(dst.sock, "undefine", name + "-back")


def offline(src, dst, base):
    """--offline --persistent: only the definition moves (no QEMU)."""
    name = "vkmig5"
    path = os.path.join(base, name + ".xml")
    with open(path, "w") as f:
        f.write(guest_xml(name, os.path.join(base, "src")))
    virsh(src.sock, "define", path)
    expect_fail(src, "offline migration requires the persistent flag", "migrate", "--offline",
                name, dst.uri)
    assert name not in states(dst.sock)
    virsh(src.sock, "migrate", "--offline", "--persistent", "--undefinesource", name, dst.uri)
    assert name not in states(src.sock), states(src.sock)
    assert states(dst.sock).get(name) == "shut off", states(dst.sock)
    vkshell(dst, "migrate", "--offline", "--persistent", name, src.uri)
    assert states(src.sock).get(name) == "shut off", states(src.sock)
    assert states(dst.sock).get(name) == "shut off", states(dst.sock)
    virsh(src.sock, "undefine", name)
    virsh(dst.sock, "undefine", name)


def steps(hosts, base):
    os.makedirs(os.path.join(base, "src"))
    os.makedirs(os.path.join(base, "dst"))
    src, dst = hosts
    start_event_loop()
    offline(src, dst, base)
    print("offline: ok")
    managed_direct(src, dst, base)
    print("managed direct: ok")
    p2p_persistent(src, dst, base)
    print("p2p, persistent, undefinesource, suspend, events: ok")
    jobs_and_failures(src, dst, base)
    print("job info, abort, failures: ok")
    virtkit_shell(src, dst, base)
    print("virtkit shell: ok")


def main():
    vkmigrate.run("vk-qemu-migrate-", ("host-a", "host-b"), steps)


if __name__ == "__main__":
    main()
