#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The snapshot API through virtkitd: the real virsh runs one snapshot-*
sequence against virtkitd's test:///default and against libvirt's own
in-process test:///default, and the two outputs must be equal (creation
times masked); then python3-libvirt walks the tree, reverts, deletes and
checks the error codes over the wire."""

import re
import subprocess
import sys

import libvirt

import vkwire

BIN = sys.argv[1]

SEQUENCE = ("snapshot-create-as test s1 --description first; snapshot-create-as test s2; "
            "snapshot-revert test s1; snapshot-create-as test s3; snapshot-list test; "
            "snapshot-list test --tree; snapshot-list test --parent; "
            "snapshot-info test s1; snapshot-current test --name; snapshot-dumpxml test s3; "
            "snapshot-parent test s1; snapshot-delete test s1 --children-only; "
            "snapshot-list test --name; destroy test; undefine test; "
            "snapshot-delete test --current; snapshot-list test --name")


def masked(text):
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", "DATE", text)
    return re.sub(r"\d{9,}", "TIME", text)


def virsh(uri):
    p = subprocess.run(["virsh", "-c", uri, SEQUENCE], capture_output=True, text=True,
                       timeout=120)
    return masked(p.stdout), masked(p.stderr), p.returncode


def test_virsh(d):
    want = virsh("test:///default")
    got = virsh("test+unix:///default?socket=" + d.rw)
    assert "Domain snapshot s3 created" in want[0], want
    assert got == want, "virsh through virtkitd:\n%s\n%s\nlibvirt:\n%s\n%s" % (
        got[0], got[1], want[0], want[1])


def code_of(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e.get_error_code()
    raise AssertionError("no error")


def test_python(d):
    conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        dom = conn.lookupByName("test")
        if not dom.isActive():
            dom.create()
        a = dom.snapshotCreateXML("<domainsnapshot><name>a</name></domainsnapshot>")
        b = dom.snapshotCreateXML("<domainsnapshot><name>b</name></domainsnapshot>")
        assert b.getParent().getName() == "a"
        assert [s.getName() for s in a.listAllChildren()] == ["b"]
        assert sorted(dom.snapshotListNames()) == ["a", "b"]
        assert dom.snapshotNum() == 2 and a.numChildren() == 1
        assert dom.hasCurrentSnapshot() == 1 and b.isCurrent() == 1 and a.isCurrent() == 0
        assert dom.snapshotCurrent().getName() == "b" and b.hasMetadata() == 1
        assert sorted(s.getName() for s in dom.listAllSnapshots()) == ["a", "b"]
        assert "<name>a</name>" in a.getXMLDesc() and "<state>running</state>" in a.getXMLDesc()
        assert code_of(lambda: a.getParent()) == libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT
        assert code_of(lambda: dom.snapshotLookupByName("zz")) == \
            libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT
        assert code_of(lambda: dom.snapshotCreateXML(
            "<domainsnapshot><name>c</name></domainsnapshot>",
            libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)) == libvirt.VIR_ERR_INVALID_ARG
        dom.destroy()
        dom.revertToSnapshot(a)
        assert dom.isActive() == 1 and a.isCurrent() == 1
        a.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        assert dom.snapshotNum() == 0
    finally:
        conn.close()
    ro = libvirt.open("test+unix:///default?socket=" + d.ro)
    try:
        rodom = ro.lookupByName("test")
        assert code_of(lambda: rodom.snapshotCreateXML("<domainsnapshot/>")) == \
            libvirt.VIR_ERR_OPERATION_DENIED
        assert rodom.snapshotNum() == 0
    finally:
        ro.close()


def main():
    with vkwire.Daemon(BIN) as d:
        test_virsh(d)
        print("ok test_virsh")
    with vkwire.Daemon(BIN) as d:
        test_python(d)
        print("ok test_python")
        assert d.alive()


if __name__ == "__main__":
    main()
