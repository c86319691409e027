#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virDomainRename (REMOTE_PROC_DOMAIN_RENAME, 358) through virtkitd with the
real clients, compared with libvirt 9.0's behaviour: the real virsh
`domrename` on qemu:///system and test:///default, python3-libvirt (whose
handle takes the new name), virtkit's own shell.  The QEMU driver renames
the config file and the autostart link, refuses a running, transient or
taken name, and the renamed domain is still there after a daemon restart."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_pid, virsh, client, uri_of  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
VIRTKIT = sys.argv[3]


def list_states(sock):
    return vktest.list_states(virsh(sock, "list", "--all").stdout)


def expect_fail(sock, needle, *args):
    r = virsh(sock, *args, ok=False)
    assert r.returncode != 0, r.stdout
    assert needle in r.stderr, r.stderr


def check_python(sock):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri_of(sock))
    try:
        dom = conn.lookupByName("vkr2")
        assert dom.rename("vkr2-py", 0) == 0
        # libvirt's remote client renames the caller's handle
        assert dom.name() == "vkr2-py", dom.name()
        assert conn.lookupByName("vkr2-py").UUIDString() == dom.UUIDString()
        try:
            dom.rename("vkr1-renamed", 0)
            raise AssertionError("rename onto a taken name succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, e
            assert "already exists" in str(e), e
        try:
            dom.rename("a/b", 0)
            raise AssertionError("rename to a/b succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_XML_ERROR, e
        try:
            dom.rename("x", 1)
            raise AssertionError("unknown flag accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
    finally:
        conn.close()
    # the test driver in the daemon, as libvirt's test driver does it
    conn = libvirt.open("test+unix:///default?socket=" + sock)
    try:
        dom = conn.lookupByName("test")
        try:
            dom.rename("t2", 0)
            raise AssertionError("running test domain renamed")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, e
            assert "cannot rename active domain" in str(e), e
        dom.destroy()
        assert dom.rename("t2", 0) == 0
        assert dom.name() == "t2"
        assert [d.name() for d in conn.listAllDomains()] == ["t2"]
    finally:
        conn.close()


def main():
    if not vktest.have(vktest.QEMU, VIRSH):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-rename-") as bed:
        root, pids = bed.root, bed.pids
        daemon = bed.start()
        for name in ("vkr1", "vkr2"):
            bed.define(name, vktest.micro_domxml(name, MICRO, bed.vtype, root))
        virsh(daemon.rw, "autostart", "vkr1")

        r = virsh(daemon.rw, "domrename", "vkr1", "vkr1-renamed")
        assert "Domain successfully renamed" in r.stdout, r.stdout
        assert list_states(daemon.rw) == {"vkr1-renamed": "shut off", "vkr2": "shut off"}
        etc = os.path.join(root, "etc")
        assert os.path.exists(os.path.join(etc, "vkr1-renamed.xml"))
        assert not os.path.exists(os.path.join(etc, "vkr1.xml"))
        assert os.path.islink(os.path.join(etc, "autostart", "vkr1-renamed.xml"))
        assert not os.path.lexists(os.path.join(etc, "autostart", "vkr1.xml"))
        assert "<name>vkr1-renamed</name>" in virsh(daemon.rw, "dumpxml", "vkr1-renamed").stdout
        assert "Autostart:      enable" in virsh(daemon.rw, "dominfo", "vkr1-renamed").stdout

        expect_fail(daemon.rw, "already exists", "domrename", "vkr1-renamed", "vkr2")
        expect_fail(daemon.rw, "Can't rename domain to itself", "domrename", "vkr2", "vkr2")
        virsh(daemon.rw, "start", "vkr2")
        pid = status_pid(root, "vkr2")
        pids.append(pid)
        expect_fail(daemon.rw, "cannot rename active domain", "domrename", "vkr2", "vkr3")
        virsh(daemon.rw, "destroy", "vkr2")
        reap(pid)

        check_python(daemon.rw)

        # virtkit's own shell, then the names survive a daemon restart
        r = client(VIRTKIT, uri_of(daemon.rw), "domrename", "vkr2-py", "vkr2")
        assert "Domain successfully renamed" in r.stdout, r.stdout
        daemon.stop()
        daemon = bed.start()
        # the moved autostart link started the renamed domain
        assert list_states(daemon.rw) == {"vkr1-renamed": "running", "vkr2": "shut off"}
        pid = status_pid(root, "vkr1-renamed")
        pids.append(pid)
        virsh(daemon.rw, "destroy", "vkr1-renamed")
        reap(pid)
        virsh(daemon.rw, "autostart", "--disable", "vkr1-renamed")
        for name in ("vkr1-renamed", "vkr2"):
            virsh(daemon.rw, "undefine", name)
        assert list_states(daemon.rw) == {}
        print("ok: domrename with virsh, python3-libvirt and virtkit through virtkitd")
        return 0


if __name__ == "__main__":
    sys.exit(main())
