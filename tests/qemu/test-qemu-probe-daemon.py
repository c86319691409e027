#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A QEMU guest named "probe" (the name the capabilities probe once gave
its own monitor socket and log) runs through three restarts of virtkitd,
each of which probes the emulator again: after every restart it is the
same QEMU process, its monitor socket and log are still there, and it is
still controllable (suspend/resume); then it is destroyed and nothing is
left under run/."""

import os
import sys

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vktest  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
NAME = "probe"


def quiet(*_):
    pass


libvirt.registerErrorHandler(quiet, None)


def check_guest(daemon, root, pid):
    monitor = os.path.join(root, "run", NAME + ".monitor")
    log = os.path.join(root, "log", NAME + ".log")
    conn = libvirt.open(vktest.uri_of(daemon.rw))
    try:
        # a probe in this daemon's lifetime, whatever it did at load
        assert "<guest>" in conn.getCapabilities()
        assert conn.getVersion() > 0
        dom = conn.lookupByName(NAME)
        assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING, dom.state()
        assert vktest.status_pid(root, NAME) == pid
        assert vktest.alive(pid), "the guest's QEMU is gone"
        assert os.path.exists(monitor), "the guest's monitor socket is gone"
        assert os.path.exists(log), "the guest's log is gone"
        dom.suspend()
        assert dom.state()[0] == libvirt.VIR_DOMAIN_PAUSED
        dom.resume()
        assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        # the probe's files are its own, and gone after it
        assert not os.path.exists(os.path.join(root, "run", ".probe")), \
            os.listdir(os.path.join(root, "run"))
    finally:
        conn.close()


def main():
    if not vktest.have(vktest.QEMU):
        return 77
    with vktest.QemuBed(BIN, "vk-qemu-probe-", log_tail=20000) as bed:
        root, pids = bed.root, bed.pids
        daemon = bed.start()
        conn = libvirt.open(vktest.uri_of(daemon.rw))
        dom = conn.defineXML(vktest.micro_domxml(NAME, MICRO, vktest.virt_type(), root))
        dom.create()
        conn.close()
        pid = vktest.status_pid(root, NAME)
        pids.append(pid)
        check_guest(daemon, root, pid)
        for i in range(3):
            daemon.stop()
            daemon = None
            assert vktest.alive(pid), "QEMU died with virtkitd (restart %d)" % i
            daemon = bed.start()
            check_guest(daemon, root, pid)
        conn = libvirt.open(vktest.uri_of(daemon.rw))
        dom = conn.lookupByName(NAME)
        dom.destroy()
        vktest.reap(pid)
        dom.undefine()
        conn.close()
        assert os.listdir(os.path.join(root, "run")) == [], os.listdir(os.path.join(root, "run"))
        print("ok: a guest named 'probe' survived three restarts of virtkitd")
        return 0


if __name__ == "__main__":
    sys.exit(main())
