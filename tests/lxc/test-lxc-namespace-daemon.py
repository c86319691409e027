#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libvirt-lxc's LXC program (0x00068000) through a private virtkitd with
the real clients: the real virsh `lxc-enter-namespace` (with and without
--noseclabel: the "none" security model, as libvirt reports a host with
no security driver) runs a command inside a running container, which
sees the container's hostname and its own PID namespace;
python3-libvirt's libvirt_lxc.lxcOpenNamespace gets descriptors (beside
the reply) naming exactly the namespaces of the container's init; a
shut-off container is refused as libvirt refuses it.  Skips (77) when
not root or without busybox-static."""

import importlib.util
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, reap, status_attr, uri_of  # noqa: E402

VIRTKITD = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
# the container of test-lxc-daemon.py: a busybox root whose init is a shell
_spec = importlib.util.spec_from_file_location("lxcdaemon",
                                               os.path.join(HERE, "test-lxc-daemon.py"))
lxcdaemon = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lxcdaemon)


def virsh(sock, *args, ok=True):
    return vktest.client(VIRSH, uri_of(sock, "lxc"), *args, ok=ok)


def check_python(sock, init):
    import libvirt
    import libvirt_lxc
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri_of(sock, "lxc"))
    try:
        dom = conn.lookupByName("vkns")
        fds = libvirt_lxc.lxcOpenNamespace(dom, 0)
        try:
            got = sorted(os.readlink("/proc/self/fd/%d" % fd) for fd in fds)
            want = sorted(os.readlink("/proc/%d/ns/%s" % (init, ns))
                          for ns in ("user", "ipc", "uts", "net", "pid", "mnt"))
            assert got == want, (got, want)
        finally:
            for fd in fds:
                os.close(fd)
        try:
            libvirt_lxc.lxcOpenNamespace(dom, 1)
            raise AssertionError("unknown flag accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e
    finally:
        conn.close()


def main():
    if os.geteuid() != 0:
        print("SKIP: containers need root")
        return 77
    if not os.access(lxcdaemon.BUSYBOX, os.X_OK) or not os.access(VIRSH, os.X_OK):
        print("SKIP: no busybox-static or no virsh")
        return 77
    vktest.become_subreaper()
    tmp = tempfile.mkdtemp(prefix="vk-lxc-ns-")
    root = os.path.join(tmp, "lxc")
    rootfs = os.path.join(tmp, "rootfs")
    lxcdaemon.build_rootfs(rootfs)
    xmlpath = os.path.join(tmp, "ct.xml")
    with open(xmlpath, "w") as f:
        f.write(lxcdaemon.domxml("vkns", rootfs))
    daemon = None
    pids = []
    try:
        daemon = vkwire.Daemon(VIRTKITD, extra=("--lxc-root", root))
        virsh(daemon.rw, "define", xmlpath)
        r = virsh(daemon.rw, "lxc-enter-namespace", "vkns", "--noseclabel", "/bin/hostname",
                  ok=False)
        assert r.returncode != 0 and "is not running" in r.stderr, r.stderr
        virsh(daemon.rw, "start", "vkns")
        sup = int(status_attr(root, "vkns", "pid"))
        init = int(status_attr(root, "vkns", "init"))
        pids += [sup, init]

        r = virsh(daemon.rw, "lxc-enter-namespace", "vkns", "--noseclabel", "/bin/hostname")
        assert r.stdout.strip() == "vkns", r.stdout
        # with the security label: the "none" model has nothing to enter
        r = virsh(daemon.rw, "lxc-enter-namespace", "vkns", "/bin/hostname")
        assert r.stdout.strip() == "vkns", r.stdout
        # the command runs in the container's PID namespace: its own PID
        # there is small, unlike any PID of ours
        r = virsh(daemon.rw, "lxc-enter-namespace", "vkns", "--noseclabel", "/bin/sh", "-c",
                  "echo $$")
        assert 1 < int(r.stdout.strip()) < 100, r.stdout
        assert virsh(daemon.rw, "dominfo", "vkns").stdout.count("Security model: none") == 1

        check_python(daemon.rw, init)

        virsh(daemon.rw, "destroy", "vkns")
        reap(sup)
        virsh(daemon.rw, "undefine", "vkns")
        print("ok: lxc-enter-namespace and lxcOpenNamespace through virtkitd")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        vktest.kill_all(pids)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
