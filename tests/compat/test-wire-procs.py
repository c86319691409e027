#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkit's remote program against libvirt 9.0's own remote_protocol.x.

    test-wire-procs.py layout OUR.x
    test-wire-procs.py live VIRTKITD

layout: every procedure of libvirt's program has the same number and name
in ours, and the bodies it carries (args, ret, event msg) have the same
layout: field for field the same XDR type and array bound (constants
compared by value), structs inside compared the same way.

live: a private libvirtd 9.0 (test driver) and a private virtkitd, both on
test:///default, get the same raw calls for the procedures wired late
(older migration steps, SASL/polkit, old event registrations, SEV, backup,
calls with descriptors) and must answer with the same outcome: success, or
the same error code and domain.  Then python3-libvirt calls getSEVInfo,
backupGetXMLDesc, backupBegin and the calls with descriptors on both and
gets the same outcome; virtkitd must close every descriptor a call brought
once the call is answered.

libvirt's .x comes from scripts/fetch-libvirt-corpus.sh's cache; without
it the layout check skips (77)."""

import glob
import importlib.util
import os
import re
import struct
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))


def libvirt_x():
    cache = os.environ.get("VIRTKIT_TESTBED_CACHE", "/var/cache/virtkit-testbed")
    found = sorted(glob.glob(os.path.join(cache, "libvirt-src-9.0.0*", "src", "remote",
                                          "remote_protocol.x")))
    if not found:
        print("SKIP: libvirt 9.0's remote_protocol.x is not cached "
              "(scripts/fetch-libvirt-corpus.sh fetches it)")
        sys.exit(77)
    return found[-1]


def header_constants():
    """A few bounds libvirt's .x takes from the C headers
    (VIR_SECURITY_LABEL_BUFLEN ...): libvirt's own header where libvirt-dev
    is installed, else virtkit's (compat/abi-layout checks they agree)."""
    consts = {}
    for h in ("/usr/include/libvirt/libvirt-host.h",
              os.path.join(HERE, "..", "..", "include", "virtkit", "virtkit-host.h")):
        if os.path.exists(h):
            for m in re.finditer(r"#\s*define\s+(VIR_\w+_BUFLEN)\s+\((\d+) \+ (\d+)\)",
                                 open(h).read()):
                consts[m.group(1)] = str(int(m.group(2)) + int(m.group(3)))
            break
    return consts


def load_generator():
    """gen-remote.py's own reader of .x files: the layouts compared are the
    ones the generator builds both ends from."""
    path = os.path.join(HERE, "..", "..", "src", "rpc", "protocol", "gen-remote.py")
    spec = importlib.util.spec_from_file_location("gen_remote", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parse(path):
    """(structs: name -> [(type, name, bound)], procs: num -> name), bounds
    given as numbers wherever a constant names them."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    consts = header_constants()
    consts.update({m.group(1): m.group(2) for m in
                   re.finditer(r"const\s+(\w+)\s*=\s*(\w+)\s*;", text)})
    raw, proclist = load_generator().parse_x(path)
    structs = {}
    for sname, fields in raw.items():
        structs[sname] = []
        for f in fields:
            inner = f.size or ""
            while inner in consts:      # constants defined by constants
                inner = consts[inner]
            bound = {"var": "<%s>", "fixed": "[%s]"}.get(f.kind, "%s") % inner
            structs[sname].append((f.xtype, f.name, bound))
    return structs, dict((num, name) for name, num in proclist)


def flatten(structs, name, seen=()):
    """The layout of struct name as a list of (type, bound), structs inside
    expanded; names of fields are not part of the wire."""
    out = []
    for ftype, _, bound in structs[name]:
        if ftype in structs and ftype not in seen:
            out.append(("struct{", bound))
            out += flatten(structs, ftype, seen + (name,))
            out.append(("}", ""))
        else:
            out.append((ftype, bound))
    return out


def check_layout(ours_path):
    lstructs, lprocs = parse(libvirt_x())
    vstructs, vprocs = parse(ours_path)
    bad = []
    for num in sorted(lprocs):
        name = lprocs[num]
        if vprocs.get(num) != name:
            bad.append("%d %s: virtkit has %s" % (num, name, vprocs.get(num, "nothing")))
            continue
        for suffix in ("_args", "_ret", "_msg"):
            body = "remote_" + name.lower() + suffix
            if (body in lstructs) != (body in vstructs):
                bad.append("%d %s: %s %s" % (num, name, body,
                                             "missing" if body in lstructs else "extra"))
            elif body in lstructs and flatten(lstructs, body) != flatten(vstructs, body):
                bad.append("%d %s: %s differs:\n  libvirt %s\n  virtkit %s"
                           % (num, name, body, flatten(lstructs, body),
                              flatten(vstructs, body)))
    extra = sorted(set(vprocs) - set(lprocs))
    if extra:
        bad.append("procedures libvirt 9.0 does not have: %s" % extra)
    for b in bad:
        print("FAIL:", b)
    print("%d procedures in libvirt 9.0, %d in virtkit, %d mismatches"
          % (len(lprocs), len(vprocs), len(bad)))
    return 1 if bad else 0


# ---------------------------------------------------------------- live

def S(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def I(v):
    return struct.pack(">i", v)


def Q(v):
    return struct.pack(">Q", v)


NUL = I(0)          # a NULL remote_string, an empty opaque
DOM = S("test") + uuid.UUID("6695eb01-f6a4-8304-79aa-97f2502e193f").bytes + I(1)
XML = S("<domain/>")

# proc -> (label, body): each a call a client of libvirt 9.0 may send
CALLS = [
    (61, NUL + Q(0) + NUL + Q(0)),
    (62, DOM + NUL + S("x") + Q(0) + NUL + Q(0)),
    (63, S("test") + NUL + S("x") + Q(0)),
    (67, b""), (68, S("x") + I(0) + I(0)), (69, I(0) + I(0)), (70, b""),
    (108, NUL + Q(0) + NUL + Q(0) + XML),
    (109, S("test") + NUL + S("x") + Q(0) + I(0)),
    (148, Q(0) + NUL + Q(0) + XML),
    (213, DOM + NUL + Q(0) + NUL + Q(0)),
    (214, NUL + NUL + Q(0) + NUL + Q(0) + XML),
    (215, NUL + Q(0) + NUL + Q(0) + XML),
    (216, DOM + NUL + NUL + NUL + NUL + Q(0) + NUL + Q(0)),
    (217, S("test") + NUL + NUL + NUL + Q(0) + I(0)),
    (218, DOM + NUL + Q(0) + I(0)),
    (249, DOM + I(0) + I(0)),
    (309, S("<domain type='test'><name>wf</name><memory>1024</memory>"
            "<os><type>hvm</type></os></domain>") + I(0)),
    (310, DOM + I(0)),
    (395, I(0) + I(0)),
    (421, DOM + S("<domainbackup/>") + NUL + I(0)),
    (422, DOM + I(0)),
    (443, DOM + S("x") + I(0)),
    # an event's number is no call
    (107, b""), (423, b""),
    # the old registrations, in one connection: twice, then undone twice
    ("events", None),
]
EVENT_STEPS = [(105, b""), (105, b""), (106, b""), (106, b""),
               (167, I(2)), (167, I(2)), (168, I(2)), (168, I(2)),
               (167, I(16)), (168, I(16)), (168, I(99)), (167, I(-1))]


# libvirtd's polkit step fails without an error of its own, so its reply
# carries whatever error the worker thread last had (AUTH_FAILED after a
# SASL call, else INTERNAL_ERROR): only "an error" is comparable.
ANY_ERROR = {70}


def outcome(vkwire, conn, proc, body):
    hdr, payload = conn.call(proc, body)
    if hdr[5] == vkwire.OK:
        return "ok"
    if proc in ANY_ERROR:
        return "error"
    code, dom, _ = vkwire.decode_error(payload)
    return "error code %d domain %d" % (code, dom)


def old_event(vkwire, sock):
    """After CONNECT_DOMAIN_EVENT_REGISTER, defining a domain sends the
    old lifecycle message (no callback ID): its procedure, the domain's
    name, event and detail (the UUID is the daemon's own)."""
    c = vkwire.Conn(sock)
    vkwire.handshake(c)
    assert c.call(105)[0][5] == vkwire.OK
    # the event may come before or after the reply: read both
    c.send(vkwire.packet(vkwire.REMOTE_PROG, 1, 11, vkwire.CALL, 99, 0,
                         S("<domain type='test'><name>ev</name><memory>1024</memory>"
                           "<os><type>hvm</type></os></domain>")))
    event = replied = None
    while event is None or replied is None:
        hdr, body = c.recv_msg()
        if hdr[0] != vkwire.REMOTE_PROG:        # keepalive
            continue
        if hdr[3] == vkwire.REPLY:
            assert hdr[5] == vkwire.OK, vkwire.decode_error(body)
            replied = True
        else:
            event = (hdr, body)
    c.close()
    (hdr, body) = event
    (n,) = struct.unpack(">I", body[:4])
    name = body[4:4 + n].decode()
    off = 4 + n + (-n % 4) + 16 + 4
    event, detail = struct.unpack(">ii", body[off:off + 8])
    return "message proc %d type %d: %s event %d detail %d, %d bytes" % (
        hdr[2], hdr[3], name, event, detail, len(body) - off - 8)


def run_calls(vkwire, sock):
    out = {"old lifecycle event": old_event(vkwire, sock)}
    for proc, body in CALLS:
        c = vkwire.Conn(sock)
        vkwire.handshake(c)
        if proc == "events":
            for i, (p, b) in enumerate(EVENT_STEPS):
                out["events step %d (proc %d)" % (i, p)] = outcome(vkwire, c, p, b)
        else:
            out["proc %d" % proc] = outcome(vkwire, c, proc, body)
        c.close()
    return out


FILES_XML = ("<domain type='test'><name>%s</name><memory>1024</memory>"
             "<os><type>hvm</type></os></domain>")


def run_python(sock):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open("test+unix:///default?socket=" + sock)
    dom = conn.lookupByName("test")
    r, w = os.pipe()
    out = {}
    # the last four carry descriptors (CALL_WITH_FDS)
    for label, call in (("getSEVInfo", lambda: conn.getSEVInfo()),
                        ("backupGetXMLDesc", lambda: dom.backupGetXMLDesc()),
                        ("backupBegin", lambda: dom.backupBegin("<domainbackup/>", None)),
                        ("createXMLWithFiles",
                         lambda: conn.createXMLWithFiles(FILES_XML % "f1", [r, w], 0)),
                        ("createWithFiles",
                         lambda: conn.defineXML(FILES_XML % "f2").createWithFiles([r], 0)),
                        ("FDAssociate", lambda: dom.FDAssociate("x", [r], 0)),
                        ("openGraphics", lambda: dom.openGraphics(0, r, 0))):
        try:
            call()
            out[label] = "ok"
        except libvirt.libvirtError as e:
            out[label] = "error code %d domain %d" % (e.get_error_code(), e.get_error_domain())
    conn.close()
    os.close(r)
    os.close(w)
    return out


def fds_kept(sock, pid):
    """Descriptors the daemon holds more after 20 calls that carry two
    each: every one must be closed once its call is answered."""
    import libvirt
    conn = libvirt.open("test+unix:///default?socket=" + sock)
    dom = conn.lookupByName("test")
    r, w = os.pipe()
    conn.getLibVersion()
    before = len(os.listdir("/proc/%d/fd" % pid))
    for _ in range(20):
        try:
            dom.FDAssociate("x", [r, w], 0)
        except libvirt.libvirtError:
            pass
    conn.getLibVersion()
    after = len(os.listdir("/proc/%d/fd" % pid))
    conn.close()
    os.close(r)
    os.close(w)
    return after - before


def check_live(virtkitd):
    import vkwire
    lv = vkwire.Libvirtd()
    try:
        want = run_calls(vkwire, lv.sock)
        want.update(run_python(lv.sock))
    finally:
        lv.stop()
    with vkwire.Daemon(virtkitd) as d:
        got = run_calls(vkwire, d.rw)
        got.update(run_python(d.rw))
        kept = fds_kept(d.rw, d.proc.pid)
    bad = vkwire.compare_outcomes(want, got)
    print("%s virtkitd holds %d more descriptors after 20 calls with two each"
          % ("ok  " if kept == 0 else "FAIL", kept))
    bad += kept != 0
    return 1 if bad else 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("layout", "live"):
        sys.exit(__doc__)
    if sys.argv[1] == "layout":
        return check_layout(sys.argv[2])
    if not os.path.exists("/usr/sbin/libvirtd"):
        print("SKIP: libvirtd 9.0 is not installed")
        return 77
    return check_live(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
