#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Domain events a running QEMU guest really raises, received through
virtkitd by python3-libvirt:

  test-qemu-events-daemon.py VIRTKITD MICRO COMPAT_DIR

- DISK_CHANGE: the start finds the sources of the IDE cdrom and of the
  virtio disk vdb missing, as their startupPolicy='optional' allows: the
  cdrom starts empty (MISSING_ON_START, alias ide0-1-0), the disk is
  left out (DROP_MISSING_ON_START, virtio-disk1), in the live definition
  only;
- TRAY_CHANGE: the now empty cdrom (QEMU id and libvirt alias ide0-1-0)
  has its tray opened and closed over QMP
  (blockdev-open-tray / blockdev-close-tray through
  virDomainQemuMonitorCommand); QEMU's DEVICE_TRAY_MOVED must come back as
  TRAY_CHANGE with the alias and OPEN, then CLOSE;
- MIGRATION_ITERATION and JOB_COMPLETED: a live virDomainCoreDump, then
  virDomainSave, each QEMU's migration to a file: its first pass (QMP
  MIGRATION_PASS) comes as iteration 1, then the job's statistics
  (operation DUMP, then SAVE; time elapsed, memory figures), the save's
  before the lifecycle STOPPED/SAVED event;
- CONTROL_ERROR: the guest started again, an HMP command whose reply is
  over the 10 MiB a monitor reply may have (libvirtd's bound as well)
  breaks the monitor under the running guest: CONTROL_ERROR, and
  virDomainGetControlInfo says ERROR, reason MONITOR;

once with the system's libvirt.so.0 (libvirt's own remote driver), once
with virtkit's (COMPAT_DIR, through virtkit's remote driver), each in a
child process of its own against the same virtkitd; then both again
against a private libvirtd 9.0 with its QEMU driver (where root can run
one), which must pass the same checks -- so virtkit's remote driver also
decodes libvirtd's own messages -- and whose JOB_COMPLETED must name the
same statistics as virtkitd's.  The guest runs under TCG where there is
no KVM.  Waits are bounded (GUARD) only to turn a hang
into a failure."""

import json
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import vktest  # noqa: E402

GUARD = 60
NAME = "vkev"
ALIAS = "ide0-1-0"


def client(sock, save_path):
    """The child: registers, acts, prints what it received as JSON."""
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda *a: None, None)
    libvirt.virEventRegisterDefaultImpl()
    stop = False
    seen = []
    cond = threading.Condition()

    def loop():
        while not stop:
            libvirt.virEventRunDefaultImpl()

    def note(*item):
        with cond:
            seen.append(list(item))
            cond.notify_all()

    def wait_for(pred, what):
        with cond:
            assert cond.wait_for(lambda: any(pred(s) for s in seen), GUARD), (what, seen)

    threading.Thread(target=loop, daemon=True).start()
    conn = libvirt.open(vktest.uri_of(sock))
    dom = conn.lookupByName(NAME)
    ids = [
        conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_TRAY_CHANGE,
            lambda c, d, alias, reason, o: note("tray", d.name(), alias, reason), None),
        conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
            lambda c, d, params, o: note("job", d.name(), params), None),
        conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_DISK_CHANGE,
            lambda c, d, old, new, alias, reason, o: note(
                "disk", d.name(), os.path.basename(old), new, alias, reason), None),
        conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
            lambda c, d, iteration, o: note("iteration", d.name(), iteration), None),
        conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_CONTROL_ERROR,
            lambda c, d, o: note("control", d.name()), None),
        conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            lambda c, d, ev, detail, o: note("lifecycle", d.name(), ev, detail), None),
    ]
    dom.create()
    # the missing sources are gone from the live definition only
    live = dom.XMLDesc(0)
    note("live keeps missing", "gone.img" in live or "gone.iso" in live)
    note("config keeps missing", "gone.img" in dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
    for cmd, reason in (("blockdev-open-tray", libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN),
                        ("blockdev-close-tray", libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE)):
        libvirt_qemu.qemuMonitorCommand(
            dom, json.dumps({"execute": cmd, "arguments": {"id": ALIAS}}), 0)
        wait_for(lambda s, r=reason: s == ["tray", NAME, ALIAS, r], cmd)
    dom.coreDump(save_path + ".core", libvirt.VIR_DUMP_LIVE)
    wait_for(lambda s: s[0] == "job" and s[2].get(libvirt.VIR_DOMAIN_JOB_OPERATION) ==
             libvirt.VIR_DOMAIN_JOB_OPERATION_DUMP, "JOB_COMPLETED of the dump")
    dom.save(save_path)
    wait_for(lambda s: s[0] == "job" and s[2].get(libvirt.VIR_DOMAIN_JOB_OPERATION) ==
             libvirt.VIR_DOMAIN_JOB_OPERATION_SAVE, "JOB_COMPLETED of the save")
    wait_for(lambda s: s == ["lifecycle", NAME, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                             libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED], "STOPPED/SAVED")
    # a monitor that fails under a running guest: a reply over the 10 MiB
    # both daemons allow (16 MB of hex dump) leaves the domain unmanageable
    dom.create()
    try:
        libvirt_qemu.qemuMonitorCommand(dom, "xp /3000000xb 0",
                                        libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP)
        note("oversized reply answered")
    except libvirt.libvirtError:
        pass
    wait_for(lambda s: s == ["control", NAME], "CONTROL_ERROR")
    note("control info", dom.controlInfo())
    dom.destroy()
    for i in ids:
        conn.domainEventDeregisterAny(i)
    conn.close()
    stop = True
    with open("/proc/self/maps") as f:
        lib = [line.split()[-1] for line in f if "libvirt.so.0" in line][0]
    print(json.dumps({"lib": lib, "seen": seen}))
    return 0


def check(run, seen):
    import libvirt
    # at each of the two starts, in libvirt's order: the last disk first
    disks = [s for s in seen if s[0] == "disk"]
    assert disks == [["disk", NAME, "gone.img", None, "virtio-disk1",
                      libvirt.VIR_DOMAIN_EVENT_DISK_DROP_MISSING_ON_START],
                     ["disk", NAME, "gone.iso", None, ALIAS,
                      libvirt.VIR_DOMAIN_EVENT_DISK_CHANGE_MISSING_ON_START]] * 2, (run, disks)
    assert ["live keeps missing", False] in seen, (run, seen)
    assert ["config keeps missing", True] in seen, (run, seen)
    trays = [s for s in seen if s[0] == "tray"]
    assert trays == [["tray", NAME, ALIAS, libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN],
                     ["tray", NAME, ALIAS, libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE]], \
        (run, trays)
    jobs = [s for s in seen if s[0] == "job"]
    assert [j[2].get(libvirt.VIR_DOMAIN_JOB_OPERATION) for j in jobs] == \
        [libvirt.VIR_DOMAIN_JOB_OPERATION_DUMP, libvirt.VIR_DOMAIN_JOB_OPERATION_SAVE], \
        (run, jobs)
    for job in jobs:
        for key in (libvirt.VIR_DOMAIN_JOB_TIME_ELAPSED, libvirt.VIR_DOMAIN_JOB_MEMORY_TOTAL,
                    libvirt.VIR_DOMAIN_JOB_MEMORY_PROCESSED):
            assert key in job[2], (run, key, job)
        assert job[2][libvirt.VIR_DOMAIN_JOB_MEMORY_PROCESSED] > 0, (run, job)
    params = jobs[1][2]
    # a dump or a save is QEMU's migration to a file: its first pass
    # (MIGRATION_PASS) comes before the job ends
    iterations = [s for s in seen if s[0] == "iteration"]
    assert iterations and iterations[0] == ["iteration", NAME, 1], (run, iterations)
    assert seen.index(iterations[0]) < seen.index(jobs[0]), (run, seen)
    assert ["iteration", NAME, 1] in seen[seen.index(jobs[0]):seen.index(jobs[1])], (run, seen)
    # the job's figures come before the guest is reported gone
    stopped = ["lifecycle", NAME, libvirt.VIR_DOMAIN_EVENT_STOPPED,
               libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED]
    assert seen.index(jobs[1]) < seen.index(stopped), (run, seen)
    assert seen.count(["control", NAME]) == 1, (run, seen)
    assert "oversized reply answered" not in [s[0] for s in seen], (run, seen)
    assert ["control info", [libvirt.VIR_DOMAIN_CONTROL_ERROR,
                             libvirt.VIR_DOMAIN_CONTROL_ERROR_REASON_MONITOR, 0]] in seen, \
        (run, seen)
    print("ok   %s: CONTROL_ERROR after an oversized monitor reply" % run)
    print("ok   %s: DISK_CHANGE %s, TRAY_CHANGE open/close of %s, MIGRATION_ITERATION %s, "
          "JOB_COMPLETED %s" % (run, [s[2:] for s in disks[:2]], ALIAS, [s[2] for s in iterations],
                                params))


def domxml(micro, root):
    """The micro-guest with an IDE cdrom and a virtio disk whose sources
    may be missing at start (startupPolicy='optional') and are."""
    return vktest.micro_domxml(NAME, micro, vktest.virt_type(), root).replace(
        "<devices>", "<devices><disk type='file' device='cdrom'>"
        "<driver name='qemu' type='raw'/>"
        "<source file='%s/gone.iso' startupPolicy='optional'/>"
        "<target dev='hdc' bus='ide'/><readonly/></disk>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s/gone.img' startupPolicy='optional'/>"
        "<target dev='vdb' bus='virtio'/></disk>" % (root, root))


def sanitized(compat):
    """True when virtkit's libvirt.so.0 is an ASan/UBSan build."""
    ldd = subprocess.run(["ldd", os.path.join(compat, "libvirt.so.0")],
                         capture_output=True, text=True).stdout
    return "libasan" in ldd or "libubsan" in ldd


def run_clients(sock, compat, save_dir):
    """Both clients against the daemon at sock: run name -> what it saw."""
    runs = [("system libvirt.so.0", dict(os.environ))]
    if sanitized(compat):
        # python3-libvirt cannot load a sanitizer build's library behind a
        # runtime it did not start with; the C test test-domain-event-wire
        # runs virtkit's decoder under the sanitizers instead
        print("note: sanitizer build, virtkit's libvirt.so.0 not loaded into python",
              file=sys.stderr)
    else:
        runs.append(("virtkit libvirt.so.0", dict(os.environ, LD_LIBRARY_PATH=compat)))
    seen = {}
    for i, (run, env) in enumerate(runs):
        save = os.path.join(save_dir, "save-%d.img" % i)
        r = subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "client", sock,
                            save], env=env, capture_output=True, text=True,
                           timeout=GUARD * 4)
        assert r.returncode == 0, (run, r.stdout, r.stderr)
        out = json.loads(r.stdout.strip().splitlines()[-1])
        assert out["lib"].startswith(compat) == run.startswith("virtkit"), (run, out["lib"])
        seen[run] = out["seen"]
    return seen


def libvirtd_leg(micro, compat):
    """The same clients against a private libvirtd 9.0 (QEMU driver), in a
    process of its own: libvirtd reaps its own QEMUs, so this one must not
    be a child subreaper as QemuBed makes the test.  Prints the JSON of
    what each client saw, or nothing when libvirtd cannot run here."""
    import shutil
    import tempfile
    if not os.path.exists("/usr/sbin/libvirtd") or os.geteuid() != 0:
        return 0
    d = tempfile.mkdtemp(prefix="vk-ev-lvd-")
    lvd = vktest.PrivateLibvirtd(d, "qemu")
    try:
        path = os.path.join(d, NAME + ".xml")
        with open(path, "w") as f:
            f.write(domxml(micro, d))
        vktest.virsh(lvd.sock, "define", path)
        print(json.dumps(run_clients(lvd.sock, compat, d)))
    finally:
        vktest.virsh(lvd.sock, "destroy", NAME, ok=False)
        lvd.stop()
        shutil.rmtree(d, ignore_errors=True)
    return 0


def job_keys(seen):
    """The statistics each JOB_COMPLETED named, in order.  memory_bps is
    named by both daemons only when QEMU measured a rate, which a quick
    save may not have on one side and have on the other: it is left out of
    the comparison, and where it is named it must be a rate."""
    jobs = [s[2] for s in seen if s[0] == "job"]
    for job in jobs:
        assert job.get("memory_bps", 1) > 0, job
    return [sorted(k for k in job if k != "memory_bps") for job in jobs]


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "client":
        return client(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    # meson's LD_LIBRARY_PATH (it holds COMPAT_DIR) must not hand virsh
    # nor the system's run virtkit's libvirt.so.0: each child gets exactly
    # the library it names.  Dropping it from os.environ is not enough for
    # this process, whose loader read it at start (check() imports
    # libvirt), so the test starts again without it.
    if "LD_LIBRARY_PATH" in os.environ:
        env = dict(os.environ)
        del env["LD_LIBRARY_PATH"]
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    if sys.argv[1] == "libvirtd":
        return libvirtd_leg(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]))
    binary, micro, compat = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    if not vktest.have(vktest.QEMU):
        return 77
    r = subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "libvirtd", micro,
                        compat], capture_output=True, text=True, timeout=GUARD * 10)
    assert r.returncode == 0, ("libvirtd leg", r.stdout, r.stderr)
    libvirtd = json.loads(r.stdout) if r.stdout.strip() else None
    with vktest.QemuBed(binary, "vk-qemu-events-") as bed:
        daemon = bed.start()
        bed.define(NAME, domxml(micro, bed.root))
        virtkitd = run_clients(daemon.rw, compat, bed.root)
    for run, seen in virtkitd.items():
        check("virtkitd, " + run, seen)
    if libvirtd is None:
        print("SKIP (part): no private libvirtd here (needs root and libvirtd)")
        return 0
    # libvirtd is the specification: its events pass the same checks, and
    # its JOB_COMPLETED names the same statistics
    for run, seen in libvirtd.items():
        check("libvirtd, " + run, seen)
        assert job_keys(seen) == job_keys(virtkitd[run]), (run, job_keys(seen),
                                                           job_keys(virtkitd[run]))
    print("ok   JOB_COMPLETED of the dump and of the save name the statistics libvirtd "
          "names: %s" % ", ".join(job_keys(libvirtd["system libvirt.so.0"])[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
