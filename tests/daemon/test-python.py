#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3-libvirt (Debian's binding over the real libvirt client) against
virtkitd: open, listAllDomains, lookupByName, XMLDesc, info, createXML /
destroy, error codes, and domainEventRegisterAny with lifecycle events.
Also: a client that registers for events and never reads them is
disconnected, with a log line, once max_queued_events is exceeded, and
the daemon keeps serving everyone else."""

import struct
import sys
import threading

import libvirt

import vkwire

BIN = sys.argv[1]

TRANSIENT = """<domain type='test'>
  <name>pyvk</name>
  <memory unit='KiB'>131072</memory>
  <vcpu>1</vcpu>
  <os><type arch='i686'>hvm</type></os>
</domain>"""


def run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def test_api(d):
    conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        names = sorted(dom.name() for dom in conn.listAllDomains())
        assert names == ["test"], names
        dom = conn.lookupByName("test")
        assert dom.ID() == 1 and dom.isActive() == 1
        assert "<name>test</name>" in dom.XMLDesc(0)
        state, maxmem, mem, ncpu, cputime = dom.info()
        assert state == libvirt.VIR_DOMAIN_RUNNING and ncpu >= 1 and maxmem > 0, dom.info()
        assert conn.getType() == "TEST"
        assert conn.getHostname()
        try:
            conn.lookupByName("no-such-domain")
            raise AssertionError("lookup of a missing domain succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, e.get_error_code()
            assert e.get_error_domain() == libvirt.VIR_FROM_TEST, e.get_error_domain()
            assert "no-such-domain" in str(e), str(e)

        got = []
        done = threading.Event()

        def lifecycle(c, dom, event, detail, opaque):
            got.append((dom.name(), event, detail))
            if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
                done.set()

        cbid = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           lifecycle, None)
        tdom = conn.createXML(TRANSIENT, 0)
        assert tdom.isActive() == 1 and tdom.isPersistent() == 0
        assert "pyvk" in [x.name() for x in conn.listAllDomains()]
        tdom.destroy()
        assert done.wait(60), "no STOPPED event: %r" % got
        assert got[0] == ("pyvk", libvirt.VIR_DOMAIN_EVENT_STARTED,
                          libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED), got
        assert got[-1] == ("pyvk", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                           libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED), got
        conn.domainEventDeregisterAny(cbid)
    finally:
        conn.close()

    # open(), not openReadOnly(): the client library would refuse the
    # write itself; here the daemon's read-only socket must do it.
    ro = libvirt.open("test+unix:///default?socket=" + d.ro)
    try:
        assert [x.name() for x in ro.listAllDomains()] == ["test"]
        try:
            ro.lookupByName("test").suspend()
            raise AssertionError("suspend worked on the read-only socket")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, e
            assert "read only access prevents virDomainSuspend" in str(e), str(e)
    finally:
        ro.close()


def test_slow_event_client(d):
    # A raw client: handshake, register for lifecycle events (316 with
    # eventID 0 and no domain filter), then never read again.
    slow = vkwire.Conn(d.rw)
    vkwire.handshake(slow)
    hdr, body = slow.call(316, struct.pack(">iI", 0, 0))
    assert hdr[5] == vkwire.OK, vkwire.decode_error(body)
    mark = d.mark()

    conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        # Each create/destroy makes two events; the daemon's socket buffer
        # fills first, then its queue (max_queued_events = 16).
        dropped = False
        for i in range(20000):
            conn.createXML(TRANSIENT, 0).destroy()
            if i % 20 == 0 and "event queue full" in "".join(d.lines[mark:]):
                dropped = True
                break
        assert dropped, "the slow client was never dropped"
        d.wait_for("event queue full", start=mark)
        # The slow client finds its connection closed after the backlog.
        slow.s.settimeout(60)
        try:
            while slow.s.recv(1 << 16):
                pass
        except ConnectionResetError:
            pass
        # Everyone else is still served.
        assert conn.lookupByName("test").isActive() == 1
    finally:
        conn.close()


def main():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_event_loop, daemon=True).start()
    with vkwire.Daemon(BIN, config="max_queued_events = 16\n") as d:
        test_api(d)
        print("ok test_api")
        test_slow_event_client(d)
        print("ok test_slow_event_client")
        assert d.alive()


if __name__ == "__main__":
    main()
