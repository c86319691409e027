# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Linux guest that runs Debian's real QEMU guest agent (qemu-ga): the
cloud kernel from /boot and an initramfs written here (newc cpio) with
busybox-static, /usr/sbin/qemu-ga and the shared libraries ldd names,
and the virtio modules the cloud kernel builds as modules (virtio_pci,
virtio_console, virtio_net and what modules.dep says they need).  Its
/init loads them, brings the interfaces up, and runs qemu-ga on the
virtio-serial port org.qemu.guest_agent.0; a marker on ttyS0 says it got
that far.  None of it is installed: files are read where Debian put
them."""

import os
import re
import subprocess

BUSYBOX = "/bin/busybox"
QEMU_GA = "/usr/sbin/qemu-ga"
# the SCSI (virtio-scsi) and IDE (PIIX) adapters' disks, for fsinfo
MODULES = ["virtio_pci", "virtio_console", "virtio_net", "virtio_scsi", "sd_mod", "ata_piix"]

INIT = """#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mkdir -p /run /var/run /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
for m in $(/bin/busybox cat /modules.order); do /bin/busybox insmod /$m; done
/bin/busybox ip link set lo up
/bin/busybox ip link set eth0 up 2>/dev/null
/bin/busybox ip addr add 192.0.2.15/24 dev eth0 2>/dev/null
/bin/busybox hostname vk-agent-guest
# no udev: the port's /dev/virtio-ports name is made here from sysfs
/bin/busybox mkdir -p /dev/virtio-ports
while [ ! -e /dev/virtio-ports/org.qemu.guest_agent.0 ]; do
  for p in /sys/class/virtio-ports/*; do
    [ "$(/bin/busybox cat $p/name 2>/dev/null)" = org.qemu.guest_agent.0 ] &&
      /bin/busybox ln -sf /dev/${p##*/} /dev/virtio-ports/org.qemu.guest_agent.0
  done
  /bin/busybox usleep 50000
done
# the disks labelled vkscsi and vkide, when the domain has them, mounted
# for guest-get-fsinfo (they may show up after qemu-ga starts)
for l in vkscsi vkide; do
  ( for i in $(/bin/busybox seq 100); do
      d=$(/bin/busybox findfs LABEL=$l 2>/dev/null) && /bin/busybox mkdir -p /mnt/$l &&
        /bin/busybox mount -t ext4 $d /mnt/$l && break
      /bin/busybox usleep 100000
    done ) &
done
/usr/sbin/qemu-ga -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 \
    -t /run -l /dev/ttyS0 &
echo VK-AGENT-GUEST-READY > /dev/ttyS0
exec /bin/busybox sleep 1000000
"""

# qemu-ga runs "shutdown -P|-H|-r +0 ..."; busybox's applets do the rest
SHUTDOWN = """#!/bin/busybox sh
echo VK-AGENT-GUEST-SHUTDOWN $1 > /dev/ttyS0
case "$1" in -r) exec /bin/busybox reboot -f ;; *) exec /bin/busybox poweroff -f ;; esac
"""

# what qemu-ga runs for guest-set-user-password ("user:password" on its
# stdin, -e when already hashed); Debian's busybox has no chpasswd applet
CHPASSWD = """#!/bin/busybox sh
IFS=: read -r user pass
if [ "$1" = -e ]; then hash="$pass"; else hash=$(/bin/busybox mkpasswd -m sha512 "$pass"); fi
/bin/busybox sed -i "s|^$user:[^:]*:|$user:$hash:|" /etc/shadow
"""


def find_kernel():
    """(kernel, modules dir) of a cloud kernel in /boot, or None."""
    env = os.environ.get("VK_TEST_LINUX_KERNEL")
    if env:
        return env, "/lib/modules/" + os.path.basename(env)[len("vmlinuz-"):]
    try:
        names = sorted(os.listdir("/boot"))
    except OSError:
        return None
    for n in names:
        if n.startswith("vmlinuz-") and n.endswith("-cloud-amd64"):
            return os.path.join("/boot", n), "/lib/modules/" + n[len("vmlinuz-"):]
    return None


def missing():
    """Why this guest cannot be built here, or None."""
    if not find_kernel():
        return "no cloud kernel in /boot (linux-image-cloud-amd64)"
    for f in (BUSYBOX, QEMU_GA):
        if not os.access(f, os.X_OK):
            return "%s is missing (busybox-static, qemu-guest-agent)" % f
    return None


def _module_order(moddir):
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            name, _, rest = line.partition(":")
            deps[os.path.basename(name).split(".")[0]] = (name, rest.split())
    order = []

    def visit(path):
        base = os.path.basename(path).split(".")[0]
        name, needs = deps[base]
        for d in needs:
            visit(d)
        if name not in order:
            order.append(name)

    for m in MODULES:
        if m in deps:
            visit(deps[m][0])
    return order


def _libraries(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


class _Cpio:
    def __init__(self):
        self.data = bytearray()
        self.ino = 1
        self.dirs = set()

    def _pad(self):
        self.data += b"\0" * ((4 - len(self.data) % 4) % 4)

    def add(self, name, mode, body=b""):
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(name) + 1, 0))
        self.ino += 1
        self.data += hdr.encode() + name.encode() + b"\0"
        self._pad()
        if body:
            self.data += body
            self._pad()

    def mkdirs(self, path):
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d and d not in self.dirs:
                self.dirs.add(d)
                self.add(d, 0o40755)

    def file(self, name, src, mode=0o755):
        with open(src, "rb") as f:
            body = f.read()
        self.mkdirs(name)
        self.add(name, 0o100000 | mode, body)


def build(out_path):
    """Writes the initramfs to out_path; returns the kernel's path."""
    kernel, moddir = find_kernel()
    c = _Cpio()
    for d in ("dev", "proc", "sys", "run", "tmp", "etc", "var"):
        c.mkdirs(d + "/")
    c.file("bin/busybox", BUSYBOX)
    c.file("usr/sbin/qemu-ga", QEMU_GA)
    for lib in _libraries(QEMU_GA):
        real = os.path.realpath(lib)
        c.file(lib.lstrip("/"), real)
        if lib.startswith("/lib/"):       # merged /usr: both names resolve
            c.file("usr" + lib, real)
    order = _module_order(moddir)
    for m in order:
        c.file(m, os.path.join(moddir, m), 0o644)
    c.add("modules.order", 0o100644, "\n".join(order).encode() + b"\n")
    c.add("init", 0o100755, INIT.encode())
    # what qemu-ga runs for guest-shutdown (busybox has no shutdown)
    c.mkdirs("sbin/")
    c.add("sbin/shutdown", 0o100755, SHUTDOWN.encode())
    c.add("usr/sbin/chpasswd", 0o100755, CHPASSWD.encode())
    c.add("etc/passwd", 0o100644, b"root:x:0:0:root:/:/bin/sh\n")
    c.add("etc/shadow", 0o100600, b"root:*:19000:0:99999:7:::\n")
    c.add("TRAILER!!!", 0)
    with open(out_path, "wb") as f:
        f.write(c.data)
    return kernel


def fs_disks(out_dir):
    """Two small ext4 images in out_dir (labels vkscsi and vkide) and the
    <devices> of a virtio-scsi disk and an IDE disk using them."""
    xml = "<controller type='scsi' model='virtio-scsi'/>"
    for label, dev, bus in (("vkscsi", "sda", "scsi"), ("vkide", "hda", "ide")):
        img = os.path.join(out_dir, label + ".img")
        subprocess.run(["mkfs.ext4", "-q", "-F", "-L", label, img, "8M"], check=True,
                       stdout=subprocess.DEVNULL)
        xml += ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                "<source file='%s'/><target dev='%s' bus='%s'/></disk>" % (img, dev, bus))
    return xml


def domxml(name, kernel, initrd, log_dir, vtype="qemu", extra=""):
    """The guest with the agent channel as virt-install writes it (no
    path: the driver picks one under the domain's directory)."""
    return f"""<domain type='{vtype}'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='file'><source path='{log_dir}/serial-{name}.log'/></serial>
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <interface type='user'>
      <mac address='52:54:00:aa:bb:01'/>
      <model type='virtio'/>
    </interface>
    <memballoon model='none'/>
    {extra}
  </devices>
</domain>
"""
