#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every domain event ID registered through virtkitd and through a private
libvirtd 9.0, both on test:///default: the same decision for each.

    test-domain-event-ids.py VIRTKITD

- python3-libvirt (the system's, not src/compat) registers each of the 27
  IDs with domainEventRegisterAny, then deregisters it;
- raw calls register IDs -1 to 27 and 100 with callback IDs (procedure
  316), and the old way (167, IDs up to 15 had a message of their own),
  then deregister what was accepted (317, 168);

and each outcome (success, or the error code and domain) must be the same
from both daemons.  The invalid IDs make sure the comparison can fail: each
daemon must refuse them."""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vkwire  # noqa: E402

NIDS = 27       # VIR_DOMAIN_EVENT_ID_LAST in libvirt 9.0
RAW_IDS = [-1] + list(range(NIDS + 1)) + [100]


def outcome_of(hdr, body):
    if hdr[5] == vkwire.OK:
        return "ok", body
    code, dom, _ = vkwire.decode_error(body)
    return "error code %d domain %d" % (code, dom), None


def raw_calls(sock):
    out = {}
    c = vkwire.Conn(sock)
    vkwire.handshake(c)
    for i in RAW_IDS:
        # eventID, then an absent remote_domain (no filter)
        res, body = outcome_of(*c.call(316, struct.pack(">iI", i, 0)))
        out["callback register %d" % i] = res
        if body is not None:
            (cbid,) = struct.unpack(">i", body[:4])
            out["callback deregister %d" % i] = outcome_of(*c.call(317, struct.pack(">i", cbid)))[0]
        res, body = outcome_of(*c.call(167, struct.pack(">i", i)))
        out["old register %d" % i] = res
        if body is not None:
            out["old deregister %d" % i] = outcome_of(*c.call(168, struct.pack(">i", i)))[0]
    # a callback ID nobody holds
    out["callback deregister unknown"] = outcome_of(*c.call(317, struct.pack(">i", 4242)))[0]
    c.close()
    return out


def python_calls(sock):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open("test+unix:///default?socket=" + sock)
    out = {}
    for i in range(NIDS):
        try:
            cbid = conn.domainEventRegisterAny(None, i, lambda *a: None, None)
            out["python register %d" % i] = "ok"
        except libvirt.libvirtError as e:
            out["python register %d" % i] = "error code %d domain %d" % (
                e.get_error_code(), e.get_error_domain())
            continue
        try:
            conn.domainEventDeregisterAny(cbid)
            out["python deregister %d" % i] = "ok"
        except libvirt.libvirtError as e:
            out["python deregister %d" % i] = "error code %d domain %d" % (
                e.get_error_code(), e.get_error_domain())
    conn.close()
    return out


def collect(sock):
    got = raw_calls(sock)
    got.update(python_calls(sock))
    return got


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if not os.path.exists("/usr/sbin/libvirtd"):
        print("SKIP: libvirtd 9.0 is not installed")
        return 77
    lv = vkwire.Libvirtd()
    try:
        want = collect(lv.sock)
    finally:
        lv.stop()
    with vkwire.Daemon(sys.argv[1]) as d:
        got = collect(d.rw)
    bad = vkwire.compare_outcomes(want, got)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
