#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkit against a real Xen 4.17, booted nested under QEMU TCG.

Builds a dom0 initramfs (busybox, xenstored, xl, the xenstore clients,
virtkit's shell and library from the build directory and every shared
library they load, the Xen device modules of the generic kernel), boots
Xen with the generic Debian kernel as dom0, lets dom0-init.sh run the
virtkit commands, and checks what comes back over the serial console here,
outside the VM.  The Xen pieces come unpacked from
scripts/fetch-xen-testbed.sh's cache.  Exit 77 (skip) names what is
missing.  A hard timeout kills QEMU; the temporary directory goes too.

usage: test-xen-real.py SRCDIR VIRTKIT LISTENER [CACHE]
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SMP = 2
HOST_MIB = 1024
DOM0_MIB = 512
GUEST_MIB = 128     # the kernel's initial mapping needs more than 64
BOOT_TIMEOUT = 170          # seconds: the hard limit on QEMU's life
QEMU = "/usr/bin/qemu-system-x86_64"
BUSYBOX = "/bin/busybox"
XEN_MODULES = ["xen-evtchn", "xen-privcmd", "xenfs/xenfs", "xen-gntdev", "xen-gntalloc"]
XEN_TOOLS = ["xenstored", "xenconsoled", "xen-init-dom0", "xl", "libxl-save-helper"]
XENSTORE_CLIENTS = ["xenstore-read", "xenstore-ls", "xenstore-list", "xenstore-write"]

failures = []


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


class Cpio:
    """An uncompressed newc archive, which Linux unpacks as an initramfs."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, body=b""):
        name = name.lstrip("/")
        if name in self.names:
            return
        self.names.add(name)
        hdr = "070701" + "".join("%08x" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(name) + 1, 0))
        self.ino += 1
        self.data += hdr.encode() + name.encode() + b"\0"
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += body
        self.data += b"\0" * (-len(self.data) % 4)

    def dirs(self, path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            self._entry("/".join(parts[:i]), 0o40755)

    def file(self, name, src=None, body=None, mode=0o755):
        self.dirs(name)
        if body is None:
            with open(src, "rb") as f:
                body = f.read()
        self._entry(name, 0o100000 | mode, body)

    def symlink(self, name, target):
        self.dirs(name)
        self._entry(name, 0o120777, target.encode())

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return bytes(self.data)


def shared_libs(binary, env):
    """The absolute paths of what the loader maps for binary (ldd)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, env=env)
    libs = []
    for line in out.stdout.splitlines():
        m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)", line)
        if m:
            libs.append(m.group(1))
        elif "not found" in line:
            raise RuntimeError("%s: %s" % (binary, line.strip()))
    return libs


def add_program(cpio, dest, src, env):
    cpio.file(dest, src)
    for lib in shared_libs(src, env):
        if os.path.basename(lib).startswith("ld-linux"):
            cpio.file("lib64/" + os.path.basename(lib), os.path.realpath(lib))
        else:
            cpio.file("lib/x86_64-linux-gnu/" + os.path.basename(lib), os.path.realpath(lib))


def guest_initramfs():
    """The guest's: busybox that sleeps.  It need not do more than exist."""
    c = Cpio()
    c.file("bin/busybox", BUSYBOX)
    c.file("init", body=b"#!/bin/busybox sh\nexec /bin/busybox sleep 1000000\n")
    return c.finish()


GUEST_CFG = """name = "vk-guest"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/guest.cpio"
extra = "console=hvc0 quiet"
memory = %d
maxmem = %d
vcpus = 1
on_crash = "destroy"
""" % (GUEST_MIB, GUEST_MIB)


def build_initramfs(srcdir, cache, virtkit, listener, path):
    xen = os.path.join(cache, "xen")
    tools = os.path.join(xen, "usr/lib/xen-4.17/bin")
    # the build's library first: virtkit's RUNPATH names it too, but the
    # listener is found this way whatever meson put in its RUNPATH
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.dirname(os.path.realpath(
        shared_lib_of(virtkit, "libvirtkit")))
    c = Cpio()
    for d in ("proc", "sys", "dev", "tmp", "run", "etc", "boot", "var"):
        c._entry(d, 0o40755)
    c.file("bin/busybox", BUSYBOX)
    c.file("init", os.path.join(srcdir, "tests/xen/real/dom0-init.sh"))
    add_program(c, "usr/bin/virtkit", virtkit, env)
    add_program(c, "usr/bin/xen-event-listener", listener, env)
    for soname in xen_sonames(virtkit):
        add_program(c, "lib/x86_64-linux-gnu/" + soname,
                    os.path.realpath(find_lib(soname, env)), env)
    for t in XEN_TOOLS:
        add_program(c, "usr/lib/xen-4.17/bin/" + t, os.path.join(tools, t), env)
    for t in XENSTORE_CLIENTS:
        add_program(c, "usr/bin/" + t, os.path.join(xen, "usr/bin", t), env)
    kdirs = os.listdir(os.path.join(xen, "lib/modules"))
    for m in XEN_MODULES:
        src = os.path.join(xen, "lib/modules", kdirs[0], "kernel/drivers/xen", m + ".ko")
        c.file("modules/" + os.path.basename(m) + ".ko", src, mode=0o644)
    c.file("boot/vmlinuz", os.path.join(xen, "vmlinuz"), mode=0o644)
    c.file("boot/guest.cpio", body=guest_initramfs(), mode=0o644)
    c.file("etc/vk-guest.cfg", body=GUEST_CFG.encode(), mode=0o644)
    c.file("etc/xen/xl.conf", body=b'autoballoon="off"\n', mode=0o644)
    with open(path, "wb") as f:
        f.write(c.finish())


def xen_sonames(binary):
    """The Xen libraries libvirtkit opens with dlopen (drivers/xen/xen-libs.c):
    not in ldd's list, so found by their sonames inside the library."""
    with open(shared_lib_of(binary, "libvirtkit"), "rb") as f:
        data = f.read()
    return sorted(set(m.decode() for m in
                      re.findall(rb"(libxen(?:ctrl|store)\.so(?:\.[0-9]+)+)\0", data)))


def find_lib(soname, env):
    dirs = [d for d in env.get("LD_LIBRARY_PATH", "").split(":") if d]
    for d in dirs + ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]:
        if os.path.exists(os.path.join(d, soname)):
            return os.path.join(d, soname)
    raise RuntimeError("%s not found" % soname)


def shared_lib_of(binary, prefix):
    for lib in shared_libs(binary, os.environ):
        if os.path.basename(lib).startswith(prefix):
            return lib
    raise RuntimeError("%s does not load %s" % (binary, prefix))


def boot(tmp, cache, initrd):
    xen = os.path.join(cache, "xen")
    cmd = [QEMU, "-accel", "tcg", "-cpu", "max", "-m", str(HOST_MIB), "-smp", str(SMP),
           "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
           "-kernel", os.path.join(xen, "xen.elf"),
           "-append", "console=com1 com1=115200,8n1 dom0_mem=%dM,max:%dM "
                      "smap=0 smep=0 noreboot loglvl=warning guest_loglvl=none"
                      % (DOM0_MIB, DOM0_MIB),
           "-initrd", "%s console=hvc0 quiet loglevel=1,%s"
                      % (os.path.join(xen, "vmlinuz"), initrd)]
    log = open(os.path.join(tmp, "serial.log"), "wb")
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    start = time.monotonic()
    buf = bytearray()
    seen = 0
    try:
        os.set_blocking(qemu.stdout.fileno(), False)
        # dom0 ends with @@VK-DONE; Xen says so when dom0 dies before that
        while not re.search(rb"@@VK-DONE|\(XEN\) Hardware Dom0 (crashed|shutdown)", buf):
            left = BOOT_TIMEOUT - (time.monotonic() - start)
            if left <= 0:
                print("FAIL  hard timeout: QEMU killed after %d s" % BOOT_TIMEOUT)
                failures.append("timeout")
                break
            r, _, _ = select.select([qemu.stdout], [], [], left)
            if not r:
                continue
            try:
                chunk = os.read(qemu.stdout.fileno(), 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break          # QEMU exited
            buf += chunk
            log.write(chunk)
            # the time each step began, for who wonders where time goes
            while (nl := buf.find(b"\n", seen)) >= 0:
                line = bytes(buf[seen:nl]).strip()
                seen = nl + 1
                if line.startswith((b"@@VK-BEGIN", b"@@VK-DONE")):
                    print("%6.1f s  %s" % (time.monotonic() - start, line.decode()))
    finally:
        if qemu.poll() is None:
            # dom0 powered off already, or we gave up: QEMU must go now
            os.killpg(qemu.pid, signal.SIGKILL)
        qemu.wait()
        log.close()
    print("boot to done: %.1f s" % (time.monotonic() - start))
    return buf.decode("utf-8", "replace").replace("\r", "")


def parse_steps(serial):
    steps = {}
    for m in re.finditer(r"@@VK-BEGIN (\S+)\n(.*?)@@VK-END \1 rc=(\d+)", serial, re.S):
        steps[m.group(1)] = (int(m.group(3)), m.group(2))
    return steps


def field(text, label):
    m = re.search(r"^%s:\s*(.*?)\s*$" % re.escape(label), text, re.M)
    return m.group(1) if m else None


def kib(value):
    m = re.match(r"(\d+) KiB", value or "")
    return int(m.group(1)) if m else -1


def list_rows(text):
    """virsh-style `list --all` rows: {name: (id, state)}."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$", line)
        if m and m.group(1) != "Id":
            rows[m.group(2)] = (m.group(1), m.group(3))
    return rows


def assert_results(steps, serial):
    def step(name):
        rc, out = steps.get(name, (-1, ""))
        check(rc == 0, "%s ran (rc=%d)" % (name, rc))
        return out

    out = step("nodeinfo")
    check(field(out, "CPU(s)") == str(SMP), "nodeinfo CPU(s) = %d (-smp)" % SMP)
    mem = kib(field(out, "Memory size"))
    check(HOST_MIB * 1024 * 0.85 <= mem <= HOST_MIB * 1024,
          "nodeinfo memory %d KiB close to -m %d MiB" % (mem, HOST_MIB))

    out = step("version")
    check(re.search(r"Running hypervisor: Xen 4\.17\.\d+", out) is not None,
          "version says Xen 4.17")

    out = step("capabilities")
    check("<os_type>xen</os_type>" in out, "capabilities offer PV (os_type xen) guests")
    check("<domain type='xen'" in out, "capabilities name domain type xen")
    check("<arch>x86_64</arch>" in out, "capabilities host arch x86_64")

    rows = list_rows(step("list"))
    check(rows.get("Domain-0", ("", ""))[0] == "0", "list shows Domain-0 with id 0")
    check(rows.get("Domain-0", ("", ""))[1] == "running", "Domain-0 is running")

    for name in ("dominfo-0", "dominfo-name"):
        out = step(name)
        check(field(out, "Name") == "Domain-0", "%s: name Domain-0" % name)
        check(field(out, "Id") == "0", "%s: id 0" % name)
        check(field(out, "CPU(s)") == str(SMP), "%s: dom0 has %d vCPUs" % (name, SMP))
        used = kib(field(out, "Used memory"))
        check(DOM0_MIB * 1024 * 0.9 <= used <= DOM0_MIB * 1024,
              "%s: used memory %d KiB close to dom0_mem=%dM" % (name, used, DOM0_MIB))
        check(field(out, "State") == "running", "%s: state running" % name)
        cpu = field(out, "CPU time") or ""
        check(re.match(r"\d+\.\d+s", cpu) is not None and float(cpu[:-1]) > 0,
              "%s: CPU time %s above zero" % (name, cpu))
    # dom0's handle is whatever Xen holds (all zeros unless set): xl's view
    uuid = step("domuuid-0").strip()
    check(xl_uuid(step("xl-list-dom0"), "Domain-0") == uuid,
          "Domain-0's UUID %s is the one xl shows" % uuid)
    return rows


def xl_uuid(text, name):
    """The UUID column of `xl list -v` for name."""
    for line in text.splitlines():
        cols = line.split()
        if cols and cols[0] == name:
            found = [c for c in cols if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f-]{27}", c)]
            return found[0] if found else None
    return None


def assert_guest(steps):
    def step(name):
        rc, out = steps.get(name, (-1, ""))
        check(rc == 0, "%s ran (rc=%d)" % (name, rc))
        return out

    step("guest-create")
    rows = list_rows(step("guest-list"))
    gid = rows.get("vk-guest", ("", ""))[0]
    check(gid.isdigit() and int(gid) > 0, "list shows vk-guest with an id")
    check(rows.get("vk-guest", ("", ""))[1] == "paused", "vk-guest is paused after xl create -p")
    out = step("guest-dominfo")
    # Xen's own limit: the configured maximum plus the 1 MiB of slack
    # libxl adds for the guest's own use
    maxmem = kib(field(out, "Max memory"))
    check(GUEST_MIB * 1024 <= maxmem <= GUEST_MIB * 1024 + 1024,
          "vk-guest max memory %d KiB is the %d MiB xl gave it" % (maxmem, GUEST_MIB))
    check(kib(field(out, "Used memory")) == GUEST_MIB * 1024,
          "vk-guest uses its %d MiB" % GUEST_MIB)
    check(field(out, "State") == "paused", "dominfo vk-guest: state paused")
    check(field(out, "CPU(s)") == "1", "vk-guest has 1 vCPU")
    check(field(out, "Id") == gid, "dominfo vk-guest: the id list shows")
    uuid = field(out, "UUID")
    check(uuid is not None and uuid == xl_uuid(step("guest-xl-list"), "vk-guest"),
          "vk-guest's UUID %s is the one xl shows" % uuid)
    check(step("guest-xs-vm").strip() == "/vm/%s" % uuid,
          "vk-guest's UUID matches its XenStore /vm path")
    step("guest-resume")
    check(step("guest-state-resumed").strip() in ("running", "idle"),
          "vk-guest runs after resume")
    step("guest-suspend")
    check(step("guest-state-suspended").strip() == "paused", "vk-guest paused after suspend")
    step("guest-setmaxmem")
    check(field(step("guest-maxmem"), "Max memory") == "65536 KiB",
          "setmaxmem through the hypercall took effect")
    step("guest-setmem")
    check(step("guest-target").strip() == "49152",
          "setmem wrote the balloon target 49152 KiB to XenStore")
    rc, out = steps.get("guest-setmem-over", (-1, ""))
    check(rc == 1 and "above its maximum of 65536 KiB" in out,
          "setmem above the maximum refused (rc=%d)" % rc)
    step("guest-destroy")
    check("vk-guest" not in list_rows(step("guest-list-after")), "vk-guest gone after destroy")
    # the errors of a real host: a gone domain and an unknown one
    for name, who in (("guest-dominfo-after", "vk-guest"), ("nosuch", "no-such-domain")):
        rc, out = steps.get(name, (-1, ""))
        check(rc == 1 and "failed to get domain '%s'" % who in out,
              "%s: dominfo %s fails with no-domain (rc=%d)" % (name, who, rc))

    events = step("events")
    check("READY" in events, "event listener registered")
    started = re.search(r"^EVENT vk-guest %s 2 0$" % gid, events, re.M)
    stopped = re.search(r"^EVENT vk-guest -?\d+ 5 \d+$", events, re.M)
    check(started is not None, "STARTED/BOOTED event for vk-guest (id %s)" % gid)
    check(stopped is not None, "STOPPED event for vk-guest")
    check(started is not None and stopped is not None and started.start() < stopped.start(),
          "STARTED came before STOPPED")
    check("GUARD-EXPIRED" not in events, "listener saw the stop before its guard expired")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    srcdir, virtkit, listener = sys.argv[1:4]
    cache = sys.argv[4] if len(sys.argv) > 4 else os.environ.get(
        "VIRTKIT_TESTBED_CACHE", "/var/cache/virtkit-testbed")
    if not os.path.exists(os.path.join(cache, "xen/.complete")):
        skip("no Xen test bed in %s/xen (scripts/fetch-xen-testbed.sh makes it)" % cache)
    for need in (QEMU, BUSYBOX):
        if not os.access(need, os.X_OK):
            skip("%s is not installed" % need)

    libs = " ".join(xen_sonames(virtkit))
    if "libxenctrl" not in libs or "libxenstore" not in libs:
        skip("this build has no libxenctrl/libxenstore (-Dxen, libxen-dev)")

    # meson's timeout sends SIGTERM: unwind so that QEMU and tmp still go
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    tmp = tempfile.mkdtemp(prefix="vk-xen-real-")
    try:
        initrd = os.path.join(tmp, "dom0.cpio")
        build_initramfs(srcdir, cache, virtkit, listener, initrd)
        print("dom0 initramfs: %.1f MB" % (os.path.getsize(initrd) / 1e6))
        serial = boot(tmp, cache, initrd)
        steps = parse_steps(serial)
        fatal = re.search(r"@@VK-FATAL (.*)", serial)
        check(fatal is None, "dom0 set-up (%s)" % (fatal.group(1) if fatal else "ok"))
        if not fatal:
            assert_results(steps, serial)
            assert_guest(steps)
        # an ASan/UBSan build reports inside dom0: such a report is a failure
        check(not re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", serial),
              "no sanitizer report from inside dom0")
        if failures:
            print("---- serial console ----")
            print(serial)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
