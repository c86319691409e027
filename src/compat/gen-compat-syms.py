#!/usr/bin/env python3
"""Write the version script of one libvirt-compatible library.

    gen-compat-syms.py ABI PREFIX EXPORTED OUT [PRIVATE]

ABI is libvirt-abi.txt ("NODE symbol" lines); PREFIX selects the library's
nodes ("LIBVIRT_", "LIBVIRT_QEMU_", "LIBVIRT_LXC_"); EXPORTED is
libvirtkit's own version script, the list of what virtkit implements;
PRIVATE (libvirt.so.0 only) lists the side libraries' entry points.

Every node of the library is written, in version order, each inheriting
the one before as libvirt's do, even when virtkit implements none of its
symbols: a binding records the nodes it was linked against and the loader
refuses a library that lacks one.  Symbols virtkit does not implement are
left out; a binding needing one fails to load with the symbol's name,
which is the honest answer.
"""
import re
import sys


def node_key(node, prefix):
    return tuple(int(x) for x in node[len(prefix):].split("."))


def main(abi, prefix, exported, out, private=None):
    have = set(re.findall(r"^\s+(vir\w+);$", open(exported).read(), re.M))
    nodes = {}
    for line in open(abi):
        if line.startswith("#") or not line.strip():
            continue
        node, sym = line.split()
        if re.match(re.escape(prefix) + r"\d", node):
            nodes.setdefault(node, []).append(sym)
    lines = []
    prev = None
    for node in sorted(nodes, key=lambda n: node_key(n, prefix)):
        syms = sorted(s for s in nodes[node] if s in have)
        lines.append("%s {" % node)
        if syms:
            lines.append("    global:")
            lines += ["        %s;" % s for s in syms]
        if prev is None:
            lines += ["    local:", "        *;"]
        lines.append("}%s;" % (" " + prev if prev else ""))
        lines.append("")
        prev = node
    if private:
        # the entry points of the side libraries (gen-compat-side.py): on a
        # node of virtkit's own, so no libvirt program can bind to them
        syms = sorted(x.strip() for x in open(private) if x.strip())
        lines.append("VIRTKIT_COMPAT_PRIVATE {")
        lines.append("    global:")
        lines += ["        %s;" % s for s in syms]
        lines.append("}%s;" % (" " + prev if prev else ""))
        lines.append("")
    open(out, "w").write("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:6])
