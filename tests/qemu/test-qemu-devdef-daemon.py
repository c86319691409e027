#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Devices libvirt's define accepts whatever the host has, through virtkitd.

With the real virsh on a private virtkitd (qemu:///system):
- a q35 micro-guest with an emulated Intel IOMMU, an rng fed by an EGD
  socket QEMU listens on, and a Hyper-V crash notifier starts under TCG;
  QEMU's command line has the devices and the socket exists;
- a disk with LUKS <encryption> attached live to it is refused (virtkit
  does not pass secrets yet), and the guest keeps running;
- a guest with a host PCI device that does not exist, a vsock and a
  disk <iotune> defines, as with libvirt, keeps them in its persisted
  XML, and its start is refused with VIR_ERR_CONFIG_UNSUPPORTED naming
  the host device; nothing of it is left running;
- a duplicate <hostdev> is refused at define, as libvirt refuses it;
- attach-device, detach-device and update-device are refused with
  libvirt 9.0's words for --live on a shut-off guest, and they, setvcpus
  and dommemstat --period for --config on a transient one (compared with
  a private libvirtd by hand);
- an i440fx guest with a PC speaker, a transitional balloon, disk and
  SCSI IOThreads and 30 virtio disks (one more than the root bus has
  room for with a slot left for hotplug, so a pci-bridge is counted in
  first, as libvirt does) starts under TCG with those devices;
- a watchdog with action 'dump' defines, as with libvirt, and its start
  is refused naming it."""

import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh  # noqa: E402

BIN = sys.argv[1]
MICRO = os.path.abspath(sys.argv[2])


def domxml(name, vtype, machine, devices):
    return f"""<domain type='{vtype}'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='{machine}'>hvm</type>
    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>
    <kernel>{MICRO}</kernel>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'/>
{devices}
  </devices>
</domain>
"""


def define(daemon, root, name, xml, ok=True):
    path = os.path.join(root, name + ".xml")
    with open(path, "w") as f:
        f.write(xml)
    return virsh(daemon.rw, "define", path, ok=ok)


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK) or not os.access(VIRSH, os.X_OK):
        print("SKIP: no QEMU or no virsh")
        return 77
    vktest.become_subreaper()
    root = tempfile.mkdtemp(prefix="vk-qemu-devdef-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    pids = []
    daemon = None
    egd = os.path.join(root, "egd.sock")
    try:
        daemon = vkwire.Daemon(BIN, env=env)
        vt = vktest.virt_type()

        # 1. emulated devices run under TCG
        define(daemon, root, "emu", domxml("emu", vt, "q35", f"""
    <rng model='virtio'>
      <backend model='egd' type='unix'>
        <source mode='bind' path='{egd}'/>
      </backend>
    </rng>
    <panic model='hyperv'/>
    <iommu model='intel'>
      <driver caching_mode='on'/>
    </iommu>"""))
        virsh(daemon.rw, "start", "emu")
        pid = status_pid(root, "emu")
        pids.append(pid)
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read().split(b"\0")
        assert b"intel-iommu,id=iommu0,caching-mode=on" in cmdline, cmdline
        assert b"rng-egd,id=objrng0,chardev=charrng0" in cmdline, cmdline
        assert any(a.startswith(b"qemu64") and a.endswith(b",hv-crash") for a in cmdline), \
            cmdline
        assert os.path.exists(egd), "QEMU does not listen on the EGD socket"
        assert vktest.list_states(virsh(daemon.rw, "list", "--all").stdout)["emu"] == "running"

        # 2. a disk whose secret virtkit cannot pass is refused live
        disk = os.path.join(root, "enc.xml")
        with open(disk, "w") as f:
            f.write(f"""<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source file='{root}/enc.qcow2'>
    <encryption format='luks'>
      <secret type='passphrase' uuid='5f0b6c86-8c39-4c0e-9d0b-5f0b6c868c39'/>
    </encryption>
  </source>
  <target dev='vdb' bus='virtio'/>
</disk>
""")
        r = virsh(daemon.rw, "attach-device", "emu", disk, "--live", ok=False)
        assert r.returncode != 0 and "unsupported configuration" in r.stderr and \
            "<encryption> of disk 'vdb'" in r.stderr, r.stderr
        assert vktest.list_states(virsh(daemon.rw, "list", "--all").stdout)["emu"] == "running"
        virsh(daemon.rw, "destroy", "emu")
        reap(pid)

        # 3. host-dependent devices: kept at define, refused at start
        define(daemon, root, "hostdev", domxml("hostdev", vt, "pc", """
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0xfe' slot='0x1f' function='0x7'/>
      </source>
    </hostdev>
    <vsock model='virtio'>
      <cid auto='yes'/>
    </vsock>"""))
        dev = ET.fromstring(virsh(daemon.rw, "dumpxml", "--inactive", "hostdev").stdout) \
            .find("devices")
        assert dev.find("hostdev") is not None and dev.find("vsock") is not None, \
            ET.tostring(dev)
        r = virsh(daemon.rw, "start", "hostdev", ok=False)
        assert r.returncode != 0, r.stdout
        assert "unsupported configuration" in r.stderr and \
            "no such host PCI device 0000:fe:1f.7" in r.stderr, r.stderr
        assert vktest.list_states(virsh(daemon.rw, "list", "--all").stdout)["hostdev"] == \
            "shut off"
        assert not os.path.exists(os.path.join(root, "run", "hostdev.xml"))

        # 4. what libvirt's define refuses stays refused
        usb = """
    <hostdev mode='subsystem' type='usb'>
      <source><address bus='1' device='4'/></source>
    </hostdev>"""
        r = define(daemon, root, "dup", domxml("dup", vt, "pc", usb + usb), ok=False)
        assert r.returncode != 0 and "Hostdev already exists" in r.stderr, r.stderr

        # 5. the definition a device call affects, refused in libvirt 9.0's words
        nic = os.path.join(root, "nic.xml")
        with open(nic, "w") as f:
            f.write("<interface type='user'><model type='virtio'/></interface>")
        vnc = os.path.join(root, "vnc.xml")
        with open(vnc, "w") as f:
            f.write("<graphics type='vnc' passwd='x'/>")
        calls = (("attach-device", nic), ("detach-device", nic), ("update-device", vnc))
        for cmd, xml in calls:
            r = virsh(daemon.rw, cmd, "emu", xml, "--live", ok=False)
            assert r.returncode != 0 and "Requested operation is not valid: domain is not " \
                "running" in r.stderr, r.stderr
        path = os.path.join(root, "tr.xml")
        with open(path, "w") as f:
            f.write(domxml("tr", vt, "pc", ""))
        virsh(daemon.rw, "create", path)
        pid = status_pid(root, "tr")
        pids.append(pid)
        # the same resolution serves setvcpus and the balloon's period
        for args in [(cmd, "tr", xml) for cmd, xml in calls] + \
                [("setvcpus", "tr", "1"), ("dommemstat", "tr", "--period", "5")]:
            r = virsh(daemon.rw, *args, "--config", ok=False)
            assert r.returncode != 0 and "Requested operation is not valid: transient " \
                "domains do not have any persistent config" in r.stderr, r.stderr
        virsh(daemon.rw, "destroy", "tr")
        reap(pid)

        # 6. what virtkit now runs as libvirt defines it
        disks = ""
        for i in range(30):
            img = os.path.join(root, "d%d.img" % i)
            with open(img, "wb") as f:
                f.truncate(1 << 20)
            dev = "vd" + ("a" + chr(97 + i - 26) if i >= 26 else chr(97 + i))
            io = " iothread='1'" if i == 0 else ""
            disks += f"""
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'{io}/>
      <source file='{img}'/>
      <target dev='{dev}' bus='virtio'/>
    </disk>"""
        xml = domxml("newdev", vt, "pc", disks + """
    <controller type='usb' model='none'/>
    <controller type='scsi' index='0' model='virtio-scsi'>
      <driver iothread='2'/>
    </controller>
    <sound model='pcspk'/>
    <audio id='1' type='none'/>
    <memballoon model='virtio-transitional'/>""")
        xml = xml.replace("<memory unit='MiB'>64</memory>",
                          "<memory unit='MiB'>64</memory>\n  <iothreads>2</iothreads>")
        define(daemon, root, "newdev", xml)
        dev = ET.fromstring(virsh(daemon.rw, "dumpxml", "--inactive", "newdev").stdout) \
            .find("devices")
        bridges = [c for c in dev.findall("controller") if c.get("model") == "pci-bridge"]
        assert len(bridges) == 1, ET.tostring(dev)
        assert bridges[0].find("address").get("slot") == "0x02", ET.tostring(bridges[0])
        virsh(daemon.rw, "start", "newdev")
        pid = status_pid(root, "newdev")
        pids.append(pid)
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read().split(b"\0")
        assert any(b"pcspk-audiodev=audio1" in a for a in cmdline), cmdline
        assert any(a.startswith(b"virtio-balloon-pci-transitional,") for a in cmdline), cmdline
        assert any(a.startswith(b"virtio-scsi-pci,") and b"iothread=iothread2" in a
                   for a in cmdline), cmdline
        assert any(b'"iothread":"iothread1"' in a for a in cmdline), cmdline
        assert b"pci-bridge,chassis_nr=1,id=pci.1,bus=pci.0,addr=0x2" in cmdline, cmdline
        assert sum(1 for a in cmdline if a.startswith(b'{"driver":"virtio-blk-pci"')) == 30
        assert vktest.list_states(virsh(daemon.rw, "list", "--all").stdout)["newdev"] == \
            "running"
        virsh(daemon.rw, "destroy", "newdev")
        reap(pid)

        # 7. kept at define as libvirt keeps it, refused at start
        define(daemon, root, "wdump", domxml("wdump", vt, "pc", """
    <watchdog model='ib700' action='dump'/>"""))
        r = virsh(daemon.rw, "start", "wdump", ok=False)
        assert r.returncode != 0 and "unsupported configuration" in r.stderr and \
            "watchdog action 'dump'" in r.stderr, r.stderr

        for name in ("emu", "hostdev", "newdev", "wdump"):
            virsh(daemon.rw, "undefine", name)
        print("ok: emulated IOMMU/EGD rng/hv-crash run; host devices refused at start; "
              "device calls refused on the definition they cannot affect; "
              "pcspk, IOThreads and a counted pci-bridge run")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
            for name in ("emu", "hostdev", "newdev"):
                log = os.path.join(root, "log", name + ".log")
                if os.path.exists(log):
                    print("---- qemu log %s ----\n" % name + open(log).read())
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        vktest.kill_all(pids)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
