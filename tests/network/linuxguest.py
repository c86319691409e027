# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small Linux guest for the network tests: Debian's cloud kernel and a
busybox initramfs written here with the virtio-net modules and an init
script of the test's choosing (it reports over the serial console)."""

import glob
import os

BUSYBOX = "/bin/busybox"
MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko",
           "drivers/virtio/virtio_pci_legacy_dev.ko", "drivers/virtio/virtio_pci_modern_dev.ko",
           "drivers/virtio/virtio_pci.ko", "net/core/failover.ko",
           "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko"]

# The start every init script shares: file systems, modules, lo.
INIT_HEAD = """#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
for m in %s; do /bin/busybox insmod /$m.ko; done
/bin/busybox ip link set lo up
"""
# udhcpc's hook: configures the lease and reports it.
DHCP_SCRIPT = """#!/bin/busybox sh
if [ "$1" = bound ]; then
  /bin/busybox ifconfig $interface $ip netmask $subnet up
  echo VK-LEASE $ip > /dev/ttyS0
fi
"""


def cpio(entries):
    """A newc cpio archive (the kernel unpacks it uncompressed)."""
    out = b""
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return out


def build_initrd(path, modules_dir, init_body):
    """An initramfs whose /init is INIT_HEAD followed by init_body."""
    entries = [(d, 0o40755, b"") for d in ("bin", "dev", "proc", "sys", "etc")]
    with open(BUSYBOX, "rb") as f:
        entries.append(("bin/busybox", 0o100755, f.read()))
    names = []
    for m in MODULES:
        with open(os.path.join(modules_dir, "kernel", m), "rb") as f:
            name = os.path.basename(m)[:-3]
            names.append(name)
            entries.append((name + ".ko", 0o100644, f.read()))
    entries.append(("init", 0o100755, (INIT_HEAD % " ".join(names) + init_body).encode()))
    entries.append(("dhcp.sh", 0o100755, DHCP_SCRIPT.encode()))
    with open(path, "wb") as f:
        f.write(cpio(entries))


def find_kernel():
    """(kernel, modules dir) of a cloud kernel with the modules, or Nones;
    None too when busybox-static or QEMU is missing."""
    if not os.access(BUSYBOX, os.X_OK) or not os.access("/usr/bin/qemu-system-x86_64", os.X_OK):
        return None, None
    env = os.environ.get("VK_TEST_LINUX_KERNEL")
    kernels = [env] if env else sorted(glob.glob("/boot/vmlinuz-*-cloud-amd64"))
    for k in kernels:
        mods = "/lib/modules/" + os.path.basename(k)[len("vmlinuz-"):]
        if all(os.path.exists(os.path.join(mods, "kernel", m)) for m in MODULES):
            return k, mods
    return None, None


def domxml(name, kernel, initrd, mac, iface, cmdline=""):
    """iface: the <interface> text, with {mac} where the MAC goes;
    cmdline: more kernel arguments (the init script reads /proc/cmdline)."""
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet {cmdline}</cmdline>
  </os>
  <devices>
    {iface.format(mac=mac)}
    <serial type='pty'/>
  </devices>
</domain>
"""


def check(cond, what):
    if not cond:
        raise AssertionError(what)
