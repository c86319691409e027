#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The test driver's checkpoints, blkdeviotune, screenshot, host
interfaces and guest calls through virtkitd, compared with libvirt's own
in-process test:///default: the real virsh runs one sequence against
both and the outputs must be equal; then python3-libvirt runs the same
calls against both and the answers (values, error codes and messages)
must be equal, creation times aside."""

import re
import subprocess
import sys

import libvirt

import vkwire

BIN = sys.argv[1]

SEQUENCE = ("checkpoint-create-as test c1 --description one; checkpoint-create-as test c2; "
            "checkpoint-list test --tree; checkpoint-parent test c2; checkpoint-info test c1; "
            "checkpoint-delete test c1; checkpoint-list test --name; "
            "blkdeviotune test vda --total-bytes-sec-max 900 --total-bytes-sec 800; "
            "blkdeviotune test vda; blkdeviotune test vda --read-bytes-sec 1; "
            "iface-list --all; iface-dumpxml eth1; iface-begin; iface-destroy eth1; "
            "iface-rollback; iface-list --all; domfsfreeze test; domfsthaw test --mountpoint /; "
            "inject-nmi test; emulatorpin test 0; emulatorpin test")
CREATION = re.compile(r"<creationTime>\d+</creationTime>|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000")


def virsh(uri):
    p = subprocess.run(["virsh", "-c", uri, SEQUENCE], capture_output=True, text=True,
                       timeout=120)
    return CREATION.sub("@T@", p.stdout), p.stderr, p.returncode


def test_virsh(d):
    want = virsh("test:///default")
    got = virsh("test+unix:///default?socket=" + d.rw)
    assert "+- c2" in want[0], want
    assert got == want, "virsh through virtkitd:\n%s\n%s\nlibvirt:\n%s\n%s" % (
        got[0], got[1], want[0], want[1])


def answer(fn):
    try:
        r = fn()
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_message())
    return CREATION.sub("@T@", r) if isinstance(r, str) else r


def calls(conn):
    dom = conn.lookupByName("test")
    cp = "<domaincheckpoint><name>%s</name></domaincheckpoint>"
    out = [
        answer(lambda: dom.checkpointCreateXML(cp % "a").getName()),
        answer(lambda: dom.checkpointCreateXML(cp % "b").getXMLDesc(
            libvirt.VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN)),
        answer(lambda: dom.checkpointCreateXML(cp % "b").getName()),
        answer(lambda: dom.checkpointCreateXML(
            "<domaincheckpoint><name>r</name><parent><name>zz</name></parent>"
            "<creationTime>5</creationTime></domaincheckpoint>", 1).getName()),
        answer(lambda: sorted(c.getName() for c in dom.listAllCheckpoints())),
        answer(lambda: dom.checkpointLookupByName("a").getParent().getName()),
        answer(lambda: dom.snapshotCreateXML("<domainsnapshot/>").getName()),
        answer(lambda: dom.checkpointLookupByName("a").delete(
            libvirt.VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN)),
        answer(lambda: dom.setBlockIoTune("vda", {"total_iops_sec": 5})),
        answer(lambda: dom.setBlockIoTune("vda", {"total_iops_sec_max": 5,
                                                  "group_name": "g"})),
        answer(lambda: dom.blockIoTune("vda")),
        answer(lambda: dom.setBlockIoTune("vda", {"write_bytes_sec": 10 ** 16})),
        answer(lambda: dom.fsFreeze(["/", "/"])),
        answer(lambda: dom.fsThaw()),
        answer(lambda: dom.memoryPeek(250, 8, libvirt.VIR_MEMORY_PHYSICAL)),
        answer(lambda: dom.pinVcpu(1, (False, True))),
        answer(lambda: dom.vcpuPinInfo()),
        answer(lambda: dom.setUserPassword("root", "pw")),
        answer(lambda: dom.sendProcessSignal(1, 15)),
        answer(lambda: conn.getLibVersion()),
        answer(lambda: [i.name() for i in conn.listAllInterfaces()]),
        answer(lambda: conn.interfaceLookupByMACString("AA:BB:CC:DD:EE:FF").name()),
        answer(lambda: conn.interfaceDefineXML(
            "<interface type='bond' name='bond0'><bond><interface type='ethernet' "
            "name='eth0'/></bond></interface>").XMLDesc()),
        answer(lambda: conn.interfaceDefineXML("<interface type='vlan' name='v'/>").name()),
        answer(lambda: conn.interfaceLookupByName("bond0").create()),
        answer(lambda: conn.interfaceLookupByName("bond0").create()),
        answer(lambda: conn.changeCommit()),
        answer(lambda: dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)),
        # the schema error's wording is the validator's: the code only
        answer(lambda: conn.interfaceDefineXML(
            "<interface type='ethernet' name='q'><foo/></interface>",
            libvirt.VIR_INTERFACE_DEFINE_VALIDATE).name())[:2],
    ]
    st = conn.newStream()
    out.append(answer(lambda: dom.screenshot(st, 0)))
    head = st.recv(8)
    st.finish()
    out.append(head)
    return out


def test_python(d):
    want_conn = libvirt.open("test:///default")
    got_conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        want, got = calls(want_conn), calls(got_conn)
    finally:
        want_conn.close()
        got_conn.close()
    assert want[-1] == b"\x89PNG\r\n\x1a\n", want
    for i, (w, g) in enumerate(zip(want, got)):
        assert w == g, "call %d: virtkit %r, libvirt %r" % (i, g, w)


def main():
    libvirt.registerErrorHandler(lambda *a: None, None)
    with vkwire.Daemon(BIN) as d:
        test_virsh(d)
        print("ok test_virsh")
    with vkwire.Daemon(BIN) as d:
        test_python(d)
        print("ok test_python")


if __name__ == "__main__":
    main()
