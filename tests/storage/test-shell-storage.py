#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The virtkit shell's pool-* and vol-* commands against Debian's virsh,
both talking to the same virtkitd: stdout, stderr and exit status must be
the same bytes.  Queries run twice on the same objects; changes run once
per client on objects named after it (NAME-virsh, NAME-virtkit) and their
outputs are compared with the client's name taken out.
usage: test-shell-storage.py VIRTKITD VIRTKIT"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
from vktest import virsh  # noqa: E402

BIN, SHELL = sys.argv[1], sys.argv[2]
CLIENTS = {"virsh": "/usr/bin/virsh", "virtkit": SHELL}

QUERIES = [
    "pool-list", "pool-list --all", "pool-list --all --details", "pool-list --name",
    "pool-list --inactive", "pool-list --all --persistent", "pool-list --transient",
    "pool-info p1", "pool-info nope", "pool-dumpxml p1", "pool-uuid p1", "pool-refresh p1",
    "vol-list p1", "vol-list p1 --details", "vol-list nope",
    "vol-info a.img --pool p1", "vol-info a.img --pool p1 --bytes",
    "vol-info b.qcow2 --pool p1 --physical", "vol-info {pool}/b.qcow2", "vol-info nope",
    "vol-info nope --pool p1", "vol-dumpxml b.qcow2 --pool p1", "vol-path a.img --pool p1",
    "vol-key a.img --pool p1", "vol-name {pool}/a.img", "vol-pool {pool}/a.img",
    "vol-pool {pool}/a.img --uuid", "vol-name nope",
    "vol-create-as p1 x/y 1M", "vol-create-as p1 a.img 1M",
    "vol-create-as p1 pr.img 1M --format qcow2 --print-xml",
    "vol-resize a.img 1M --pool p1", "vol-wipe a.img --pool p1 --algorithm foo",
    "pool-build p1", "pool-start p1", "pool-delete p1",
    "pool-define-as p2 dir --target {tmp}/p2 --print-xml",
    "find-storage-pool-sources dir", "find-storage-pool-sources logical",
    "find-storage-pool-sources-as netfs", "find-storage-pool-sources-as iscsi",
    "find-storage-pool-sources-as iscsi-direct --host 127.0.0.1",
]

CHANGES = [
    "vol-create-as p1 c-{c}.img 1M",
    "vol-create-as p1 q-{c}.qcow2 4M --format qcow2 --backing-vol a.img "
    "--backing-vol-format raw",
    "vol-clone c-{c}.img d-{c}.img --pool p1",
    "vol-resize c-{c}.img 2M --pool p1",
    "vol-resize c-{c}.img 1M --pool p1 --delta",
    "vol-wipe d-{c}.img --pool p1",
    "vol-info d-{c}.img --pool p1",
    "vol-delete d-{c}.img --pool p1",
    "vol-delete q-{c}.qcow2 --pool p1",
    "pool-define-as n-{c} dir --target {tmp}/n-{c}",
    "pool-build n-{c}",
    "pool-start n-{c}",
    "pool-autostart n-{c}",
    "pool-info n-{c}",
    "pool-autostart n-{c} --disable",
    "pool-destroy n-{c}",
    "pool-delete n-{c}",
    "pool-undefine n-{c}",
    "pool-create-as t-{c} dir --target {tmp}/t-{c} --build",
    "pool-destroy t-{c}",
]


def run(client, uri, words):
    r = subprocess.run([CLIENTS[client], "-c", uri] + words, capture_output=True, text=True,
                       timeout=60)
    out = r.stdout
    if words[0].startswith("pool-"):
        # the host's filesystem is shared with other processes: what it
        # has free may move between the two clients' calls
        out = re.sub(r"(Allocation: +|Available: +|<allocation unit='bytes'>|"
                     r"<available unit='bytes'>)[0-9.]+( [KMGT]?i?B)?", r"\1N", out)
        out = re.sub(r"[0-9.]+ [KMGT]iB   ([0-9.]+ [KMGT]iB)?", "N", out)
    return out, r.stderr, r.returncode


def main():
    with vkwire.Daemon(BIN) as d, tempfile.TemporaryDirectory(prefix="vk-shs-") as tmp:
        uri = "qemu+unix:///system?socket=" + d.rw
        pool = os.path.join(tmp, "pool")
        virsh(d.rw, "pool-define-as", "p1", "dir", "--target", pool)
        virsh(d.rw, "pool-build", "p1")
        virsh(d.rw, "pool-start", "p1")
        virsh(d.rw, "vol-create-as", "p1", "a.img", "10M")
        virsh(d.rw, "vol-create-as", "p1", "b.qcow2", "20M", "--format", "qcow2")
        bad = []
        for q in QUERIES:
            words = q.format(pool=pool, tmp=tmp).split()
            want, got = run("virsh", uri, words), run("virtkit", uri, words)
            if want != got:
                bad.append((q, want, got))
        for c in CHANGES:
            out = {}
            for client in CLIENTS:
                words = c.format(c=client, tmp=tmp).split()
                o, e, rc = run(client, uri, words)
                # the pools each client made have UUIDs of their own
                o = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "UUID", o.replace(client, "X"))
                out[client] = (o, e.replace(client, "X"), rc)
            if out["virsh"] != out["virtkit"]:
                bad.append((c, out["virsh"], out["virtkit"]))
        for q, want, got in bad:
            print("DIFF %s\n  virsh:   %r\n  virtkit: %r" % (q, want, got))
        assert not bad, "%d of %d commands differ from virsh" % (len(bad),
                                                                len(QUERIES) + len(CHANGES))
        print("ok %d pool/vol commands print what virsh prints" % (len(QUERIES) + len(CHANGES)))
        assert d.alive(), "virtkitd died:\n" + d.logtext()


if __name__ == "__main__":
    main()
