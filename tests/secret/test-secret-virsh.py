#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Secrets through virtkitd with Debian's virsh and python3-libvirt, side
by side with a private libvirtd 9.0 running its own secret driver
(scripts/private-libvirtd.sh): the same secret-* command lines against
both daemons must give the same exit code, output and errors, the same
files under <root>/etc/secrets (names, modes, base64 values), and the
same secret events in the same order.  Without root (no private
libvirtd) the comparison is skipped and the virtkitd-only checks run:
values persist across a daemon restart, read-only sockets never reveal a
value, secret:///system serves the same secrets.

usage: test-secret-virsh.py VIRTKITD"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))

import libvirt  # noqa: E402
import vkwire  # noqa: E402
from vktest import VIRSH, PrivateLibvirtd  # noqa: E402

BIN = sys.argv[1]
A = "6f1d2c3b-aaaa-4bbb-8ccc-000000000001"
B = "6f1d2c3b-aaaa-4bbb-8ccc-000000000002"
C = "6f1d2c3b-aaaa-4bbb-8ccc-000000000003"
D = "6f1d2c3b-aaaa-4bbb-8ccc-000000000004"
XML = {
    "a.xml": "<secret><uuid>%s</uuid><description>rbd key</description>"
             "<usage type='ceph'><name>client.admin</name></usage></secret>" % A,
    "b.xml": "<secret private='yes'><uuid>%s</uuid>"
             "<usage type='tls'><name>tls-key</name></usage></secret>" % B,
    "c.xml": "<secret ephemeral='yes'><uuid>%s</uuid>"
             "<usage type='volume'><volume>/srv/luks.img</volume></usage></secret>" % C,
    "d.xml": "<secret><uuid>%s</uuid><usage type='vtpm'><name>tpm0</name></usage></secret>" % D,
    "d-private.xml": "<secret private='yes'><uuid>%s</uuid>"
                     "<usage type='vtpm'><name>tpm0</name></usage></secret>" % D,
    "dup-usage.xml": "<secret><usage type='ceph'><name>client.admin</name></usage></secret>",
    "other-usage.xml": "<secret><uuid>%s</uuid><usage type='ceph'><name>x</name></usage>"
                       "</secret>" % A,
    "bad-type.xml": "<secret><usage type='kerberos'/></secret>",
    "bad-root.xml": "<secrets/>",
    "iscsi.xml": "<secret><usage type='iscsi'><target>iqn.2026-12.a:b</target></usage>"
                 "</secret>",
}
COMMANDS = [
    ["secret-define", "a.xml"], ["secret-define", "b.xml"], ["secret-define", "c.xml"],
    ["secret-define", "d.xml"], ["secret-define", "d-private.xml"], ["secret-define", "d.xml"],
    ["secret-define", "dup-usage.xml"], ["secret-define", "other-usage.xml"],
    ["secret-define", "bad-type.xml"], ["secret-define", "bad-root.xml"],
    ["secret-list"], ["secret-list", "--private"], ["secret-list", "--no-private"],
    ["secret-list", "--ephemeral"], ["secret-list", "--no-ephemeral"],
    ["secret-set-value", A, "--file", "value.b64"], ["secret-get-value", A],
    ["secret-get-value", A, "--plain"],
    ["secret-set-value", B, "--file", "value.raw", "--plain"], ["secret-get-value", B],
    ["secret-get-value", C], ["secret-set-value", C, "--file", "value.b64"],
    ["secret-get-value", C],
    ["secret-dumpxml", A], ["secret-dumpxml", B], ["secret-dumpxml", C],
    ["secret-dumpxml", "6f1d2c3b-aaaa-4bbb-8ccc-0000000000ff"], ["secret-dumpxml", "nonsense"],
    ["secret-undefine", C], ["secret-undefine", C], ["secret-list"],
    ["-r", "secret-get-value", A], ["-r", "secret-list"],
    ["-r", "secret-define", "d.xml"],
]


def run_virsh(sock, ro_sock, args, cwd):
    uri_sock = sock
    if args[0] == "-r":
        uri_sock, args = ro_sock, args[1:]
    r = subprocess.run([VIRSH, "-c", "qemu+unix:///system?socket=" + uri_sock] + args,
                       capture_output=True, text=True, cwd=cwd, timeout=120)
    return r.returncode, r.stdout, r.stderr


def session(sock, ro_sock, cwd):
    return [(" ".join(c),) + run_virsh(sock, ro_sock, c, cwd) for c in COMMANDS]


def files_of(secrets_dir):
    out = {}
    for n in sorted(os.listdir(secrets_dir)):
        p = os.path.join(secrets_dir, n)
        with open(p) as f:
            out[n] = (stat.S_IMODE(os.stat(p).st_mode), f.read() if n.endswith(".base64")
                      else None)
    return out


def event_log(uri):
    """Secret events seen by python3-libvirt for a fixed sequence of calls."""
    log = []
    done = threading.Event()
    c = libvirt.open(uri)

    def lifecycle(conn, secret, event, detail, opaque):
        log.append("%s %s %s %d %d" % (opaque, secret.UUIDString(), secret.usageID(),
                                       event, detail))
        if secret.usageID() == "last":
            done.set()

    def value(conn, secret, opaque):
        log.append("%s %s value" % (opaque, secret.UUIDString()))

    ids = [c.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE, lifecycle,
                                    "all"),
           c.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED, value,
                                    "all")]
    s = c.secretDefineXML("<secret><uuid>%s</uuid><usage type='iscsi'><target>ev</target>"
                          "</usage></secret>" % D.replace("4", "5"))
    ids.append(c.secretEventRegisterAny(s, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED, value,
                                        "one"))
    s.setValue(b"\x00\x01secret")
    got = s.value()
    s.undefine()
    last = c.secretDefineXML("<secret ephemeral='yes'><usage type='tls'><name>last</name>"
                             "</usage></secret>")
    assert done.wait(30), "events never arrived: %s" % log
    last.undefine()
    for i in ids:
        c.secretEventDeregisterAny(i)
    try:
        c.secretEventDeregisterAny(ids[0])
        raise AssertionError("deregistered twice")
    except libvirt.libvirtError as e:
        code = e.get_error_code()
    c.close()
    return [l for l in log if "last" not in l], got, code


def unserved(uri):
    """Network filter and binding calls: each must reach the API layer over
    the wire (libvirt's procedure and XDR layout) and come back
    VIR_ERR_NO_SUPPORT naming the function, not an RPC error.  Checkpoint
    calls reach the QEMU driver, which answers them as libvirt 9.0 does
    for an inactive domain."""
    c = libvirt.open(uri)
    d = c.defineXML("<domain type='qemu'><name>cp</name><memory>65536</memory>"
                    "<os><type>hvm</type></os></domain>")
    calls = [
        ("virConnectNumOfNWFilters", lambda: c.numOfNWFilters()),
        ("virNWFilterLookupByName", lambda: c.nwfilterLookupByName("f")),
        ("virNWFilterLookupByUUID", lambda: c.nwfilterLookupByUUIDString(A)),
        ("virNWFilterDefineXML", lambda: c.nwfilterDefineXML("<filter name='f'/>")),
        ("virNWFilterDefineXMLFlags", lambda: c.nwfilterDefineXMLFlags("<filter name='f'/>", 0)),
        ("virConnectListAllNWFilters", lambda: c.listAllNWFilters()),
        ("virNWFilterBindingLookupByPortDev", lambda: c.nwfilterBindingLookupByPortDev("v0")),
        ("virNWFilterBindingCreateXML", lambda: c.nwfilterBindingCreateXML("<filterbinding/>")),
        ("virConnectListAllNWFilterBindings", lambda: c.listAllNWFilterBindings()),
    ]
    for func, call in calls:
        try:
            call()
            raise AssertionError("%s succeeded" % func)
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT and \
                func in e.get_error_message(), (func, e.get_error_message())
    for code, call in ((libvirt.VIR_ERR_OPERATION_UNSUPPORTED,
                        lambda: d.checkpointCreateXML("<domaincheckpoint/>")),
                       (libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT,
                        lambda: d.checkpointLookupByName("c1"))):
        try:
            call()
            raise AssertionError("checkpoint call succeeded")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == code, e
    assert d.listAllCheckpoints() == []
    d.undefine()
    c.close()
    return len(calls)


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="vk-sec-") as tmp:
        for name, text in XML.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        with open(os.path.join(tmp, "value.b64"), "w") as f:
            f.write("c2VjcmV0IHZhbHVl")
        with open(os.path.join(tmp, "value.raw"), "wb") as f:
            f.write(b"raw\x00bytes")
        root = os.path.join(tmp, "root")
        with vkwire.Daemon(BIN, extra=["--qemu-root", root]) as d:
            ours = session(d.rw, d.ro, tmp)
            ours_files = files_of(os.path.join(root, "etc", "secrets"))
            ours_events = event_log("qemu+unix:///system?socket=" + d.rw)
            n = unserved("qemu+unix:///system?socket=" + d.rw)
            print("ok %d network filter and binding calls answer NO_SUPPORT" % n)
            alone = subprocess.run([VIRSH, "-c", "secret+unix:///system?socket=" + d.rw,
                                    "secret-list"], capture_output=True, text=True)
            assert alone.returncode == 0 and A in alone.stdout and B in alone.stdout, alone
        # a restarted daemon on the same root has the persistent secrets
        # and their values; the ephemeral one is gone
        with vkwire.Daemon(BIN, extra=["--qemu-root", root]) as d:
            rc, out, err = run_virsh(d.rw, d.ro, ["secret-get-value", A], tmp)
            assert rc == 0 and out.strip() == "c2VjcmV0IHZhbHVl", (rc, out, err)
            rc, out, err = run_virsh(d.rw, d.ro, ["secret-list"], tmp)
            assert A in out and B in out and D in out and C not in out, out
        for name, (mode, _) in ours_files.items():
            assert mode == 0o600, (name, oct(mode))
        assert ours_files["%s.base64" % A][1] == "c2VjcmV0IHZhbHVl", ours_files
        assert not any(n.startswith(C) for n in ours_files), ours_files
        for cmd, rc, out, err in ours:
            if cmd.startswith("secret-get-value %s" % B) or cmd.startswith("-r secret-get"):
                assert rc != 0 and out.strip() == "", (cmd, out)
        print("ok virtkitd: %d secret-* command lines, files 0600, values persist, "
              "read-only and private values refused" % len(ours))

        if os.geteuid() != 0 or not shutil.which("unshare") or not os.path.exists(
                "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_secret.so"):
            print("no private libvirtd here (needs root and libvirt's secret driver): "
                  "comparison skipped")
            return
        lvdir = os.path.join(tmp, "libvirtd")
        os.mkdir(lvdir)
        os.environ["PRIVATE_LIBVIRTD_EXTRA_DRIVERS"] = "secret"
        lv = PrivateLibvirtd(lvdir, "qemu")
        try:
            sock = os.path.join(lvdir, "sock", "libvirt-sock")
            theirs = session(sock, sock + "-ro", tmp)
            theirs_files = files_of(os.path.join(lvdir, "etc", "secrets"))
            theirs_events = event_log("qemu+unix:///system?socket=" + sock)
        finally:
            lv.stop()
        # virtkitd refuses a mutating procedure on a read-only socket
        # before the call (for every procedure, not only these), naming the
        # procedure where libvirtd names the function: same code, other words
        def norm(line):
            cmd, rc, out, err = line
            if cmd.startswith("-r ") and "operation forbidden: " in err:
                err = err[:err.index("operation forbidden: ") + 21]
            return cmd, rc, out, err
        diffs = [(o, t) for o, t in zip(map(norm, ours), map(norm, theirs)) if o != t]
        for o, t in diffs:
            print("virtkitd:", o, "\nlibvirtd:", t)
        assert not diffs, "%d of %d command lines differ" % (len(diffs), len(ours))
        # libvirt names the files of secrets defined without a UUID by a
        # random one: compare those by count
        fixed = lambda fs: {k: v for k, v in fs.items() if k[:36] in (A, B, C, D)}
        assert fixed(ours_files) == fixed(theirs_files), (ours_files, theirs_files)
        assert len(ours_files) == len(theirs_files), (ours_files, theirs_files)
        assert ours_events == theirs_events, (ours_events, theirs_events)
        print("ok %d secret-* command lines, the secret files and %d events match libvirtd 9.0"
              % (len(ours), len(ours_events[0])))


if __name__ == "__main__":
    main()
