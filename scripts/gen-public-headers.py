#!/usr/bin/env python3
"""Write virtkit's public headers from an API description in libvirt's
api-XML format (Debian's libvirt-dev ships one at
/usr/share/libvirt/api/libvirt-api.xml).

The description is a list of interface facts -- names, values, field and
argument types -- so the headers it yields carry the same ABI as libvirt's
without sharing any of its text.  Each function's one-line comment comes
from virtkit's own src/api/api-doc.txt.  The output is committed; run this
again after editing api-doc.txt or to follow a newer API level:

    scripts/gen-public-headers.py /usr/share/libvirt/api/libvirt-api.xml include/virtkit \
        src/api/api-doc.txt

With --check first, nothing is written: it fails if a committed header
differs from what the generator would write.
"""
import collections
import os
import re
import sys
import textwrap


def read_docs(path):
    """NAME -> its one line from api-doc.txt."""
    docs = {}
    with open(path) as fp:
        for n, line in enumerate(fp, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, text = line.partition(" ")
            if not text.strip() or name in docs:
                sys.exit("%s:%d: %s: no text, or a second line" % (path, n, name))
            docs[name] = text.strip()
    return docs


def doc_comment(text):
    """The comment put above a prototype, wrapped to fit 100 columns."""
    lines = textwrap.wrap(text, 94)
    if len(lines) == 1:
        return ["/* %s */" % lines[0]]
    return ["/* " + lines[0]] + [" * " + x for x in lines[1:-1]] + [" * %s */" % lines[-1]]
import xml.etree.ElementTree as ET

# Sections whose functions virtkit implements; the types of every section
# are declared, so that any prototype can name them.
FUNC_SECTIONS = ["libvirt-common", "libvirt-host", "libvirt-domain",
                 "libvirt-event", "virterror", "libvirt-network",
                 "libvirt-storage", "libvirt-nodedev", "libvirt-stream",
                 "libvirt-secret", "libvirt-nwfilter", "libvirt-domain-checkpoint",
                 "libvirt-domain-snapshot", "libvirt-interface"]
TYPE_SECTIONS = ["libvirt-common", "libvirt-host", "libvirt-domain",
                 "libvirt-event", "virterror", "libvirt-stream",
                 "libvirt-network", "libvirt-storage", "libvirt-nodedev",
                 "libvirt-secret", "libvirt-interface", "libvirt-nwfilter",
                 "libvirt-domain-snapshot", "libvirt-domain-checkpoint"]
# The side libraries' sections, from their own descriptions.
SIDE_SECTIONS = ["libvirt-lxc", "libvirt-qemu"]
OUT_NAME = {s: s.replace("libvirt", "virtkit") + ".h" for s in TYPE_SECTIONS + SIDE_SECTIONS}
OUT_NAME["virterror"] = "virterror.h"

# Function-like macros whose bodies the description leaves empty.
HAND_MACROS = {
    "VIR_CPU_MAPLEN": "#define VIR_CPU_MAPLEN(cpu) (((cpu) + 7) / 8)",
    "VIR_NODEINFO_MAXCPUS": "#define VIR_NODEINFO_MAXCPUS(nodeinfo) \\\n"
        "    ((nodeinfo).nodes * (nodeinfo).sockets * (nodeinfo).cores * (nodeinfo).threads)",
    "VIR_DOMAIN_EVENT_CALLBACK":
        "#define VIR_DOMAIN_EVENT_CALLBACK(cb) \\\n    ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))",
    "VIR_NETWORK_EVENT_CALLBACK":
        "#define VIR_NETWORK_EVENT_CALLBACK(cb) \\\n    ((virConnectNetworkEventGenericCallback)(void (*)(void))(cb))",
}


def decl(ctype, name):
    """Join a C type and a name ('char label[N]' already carries the name)."""
    if re.search(r"\b%s\s*\[" % re.escape(name), ctype):
        return ctype
    return ctype + ("" if ctype.endswith("*") else " ") + name


def args_of(node):
    a = [decl(x.get("type"), x.get("name")) for x in node.findall("arg")]
    return ", ".join(a) if a else "void"


def enum_blocks(enums, value, lines):
    """Appends the enums grouped by their typedef, in value order (value
    turns a description's value into a number); returns the groups."""
    groups = collections.OrderedDict()
    for en in enums:
        groups.setdefault(en.get("type"), []).append(en)
    for tname, ens in groups.items():
        ens.sort(key=lambda e: (value(e.get("value")), e.get("name")))
        lines.append("typedef enum {")
        for en in ens:
            lines.append("    %s = %d," % (en.get("name"), value(en.get("value"))))
        lines.append("} %s;" % tname)
        lines.append("")
    return groups


def side_header(path, sec, resolve, docs, documented):
    """The lines of one side library's header (libvirt-qemu, libvirt-lxc):
    its enums (values may name the main description's), callback types and
    prototypes."""
    syms = ET.parse(path).getroot().find("symbols")
    local = {e.get("name"): e.get("value") for e in syms.findall("enum")}

    def value(v):
        while v in local:
            v = local[v]
        return resolve(v)

    lines = []
    enum_blocks(syms.findall("enum"), value, lines)
    for f in syms.findall("functype"):
        r = f.find("return").get("type")
        lines.append("typedef %s (*%s)(%s);" % (r, f.get("name"), args_of(f)))
        lines.append("")
    for f in sorted(syms.findall("function"), key=lambda f: f.get("name")):
        r = f.find("return").get("type")
        if f.get("name") not in docs:
            sys.exit("no line in api-doc.txt for %s" % f.get("name"))
        documented.add(f.get("name"))
        lines.extend(doc_comment(docs[f.get("name")]))
        lines.append("%s%s(%s);" % (decl(r, ""), f.get("name"), args_of(f)))
    return lines


def main(apixml, outdir, docfile, check=False):
    docs = read_docs(docfile)
    documented = set()
    root = ET.parse(apixml).getroot()
    syms = root.find("symbols")
    per = collections.defaultdict(lambda: collections.defaultdict(list))
    for e in syms:
        per[e.get("file")][e.tag].append(e)

    values = {e.get("name"): e.get("value") for e in syms.findall("enum")}

    def resolve(v):
        while not re.fullmatch(r"-?\d+", v):
            v = values[v]
        return int(v)

    enum_typedefs = {t.get("name") for t in syms.findall("typedef") if t.get("type") == "enum"}
    opaque = []
    bodies = set()
    out = {}
    for sec in TYPE_SECTIONS:
        d = per[sec]
        lines = []
        for m in d["macro"]:
            n = m.get("name")
            if n.startswith("_vir"):
                lines.append("#define %s %s" % (n, m.get("raw")))
            elif n in HAND_MACROS:
                lines.append(HAND_MACROS[n])
            elif m.get("string") is not None:
                lines.append('#define %s "%s"' % (n, m.get("string")))
            elif m.get("params") is not None:
                raw = m.get("raw")
                # callback casts go through void (*)(void) so that callers
                # building with -Wextra get no -Wcast-function-type noise
                cast = re.fullmatch(r"\(\((\w+)\)\(cb\)\)", raw)
                if cast:
                    raw = "((%s)(void (*)(void))(cb))" % cast.group(1)
                lines.append("#define %s(%s) %s" % (n, m.get("params"), raw))
            else:
                raw = re.sub(r"/\*.*?\*/", "", m.get("raw")).strip()
                lines.append("#define %s %s" % (n, raw))
        if lines:
            lines.append("")

        groups = enum_blocks(d["enum"], resolve, lines)
        for t in d["typedef"]:
            if t.get("type") == "enum" and t.get("name") not in groups:
                lines.append("typedef int %s;" % t.get("name"))
        for t in d["typedef"]:
            ty = t.get("type")
            if ty not in ("enum",) and not ty.endswith("*"):
                lines.append("typedef %s %s;" % (ty, t.get("name")))

        # opaque and public structs: forward typedefs go to the common header
        for s in d["struct"]:
            n, ty = s.get("name"), s.get("type")
            opaque.append("typedef %s %s;" % (ty, n))
        for t in d["typedef"]:
            ty = t.get("type")
            if ty.endswith("*"):
                opaque.append("typedef %s%s;" % (ty, t.get("name")))

        pending = list(d["functype"])
        names = {f.get("name") for f in pending}
        done = set()
        while pending:
            for f in pending:
                uses = {a.get("type") for a in f.findall("arg")} & names
                if uses <= done:
                    r = f.find("return").get("type")
                    lines.append("typedef %s (*%s)(%s);" % (r, f.get("name"), args_of(f)))
                    done.add(f.get("name"))
                    pending.remove(f)
                    break
        if d["functype"]:
            lines.append("")

        for s in d["struct"]:
            fields = s.findall("field")
            if not fields:
                continue
            tag = s.get("type")
            if tag in bodies:
                continue
            bodies.add(tag)
            lines.append("%s {" % tag)
            for fl in fields:
                if fl.get("type") == "union":
                    lines.append("    union {")
                    for uf in fl.find("union").findall("field"):
                        lines.append("        %s;" % decl(uf.get("type"), uf.get("name")))
                    lines.append("    } %s;" % fl.get("name"))
                else:
                    lines.append("    %s;" % decl(fl.get("type"), fl.get("name")))
            lines.append("};")
            lines.append("")

        for v in d["variable"]:
            lines.append("VIR_EXPORT_VAR %s;" % decl(v.get("type"), v.get("name")))
        if sec in FUNC_SECTIONS:
            for f in sorted(d["function"], key=lambda f: f.get("name")):
                r = f.find("return").get("type")
                if f.get("name") not in docs:
                    sys.exit("%s: no line for %s" % (docfile, f.get("name")))
                documented.add(f.get("name"))
                lines.extend(doc_comment(docs[f.get("name")]))
                lines.append("%s%s(%s);" % (decl(r, ""), f.get("name"), args_of(f)))
        out[sec] = lines

    # struct typedefs whose target is a struct must precede pointer typedefs
    uniq = []
    for x in opaque:
        if x not in uniq:
            uniq.append(x)
    uniq.sort(key=lambda x: "*" in x)
    out["libvirt-common"] = (["/* Every object and record type, declared up front so that",
                              " * any header may name any of them. */"] + uniq + [""] +
                             out["libvirt-common"])

    # libvirt-qemu.h and libvirt-lxc.h: their descriptions ship beside the
    # main one; each header stands on virtkit.h, as libvirt's do on libvirt.h.
    side = {}
    for sec in SIDE_SECTIONS:
        path = os.path.join(os.path.dirname(apixml), sec + "-api.xml")
        if os.path.exists(path):
            side[sec] = side_header(path, sec, resolve, docs, documented)

    stale = sorted(set(docs) - documented)
    if stale:
        sys.exit("%s: no public function called %s" % (docfile, ", ".join(stale)))

    prev = None
    differ = []
    for sec in TYPE_SECTIONS + sorted(side):
        fname = OUT_NAME[sec]
        guard = "VIRTKIT_" + re.sub(r"[^A-Z0-9]", "_", fname.upper())
        text = "/* SPDX-License-Identifier: LGPL-2.1-or-later */\n"
        text += ("/* Generated by scripts/gen-public-headers.py from an API description\n"
                 " * and src/api/api-doc.txt; edit those, not this file. */\n")
        text += "#ifndef %s\n#define %s\n\n" % (guard, guard)
        if sec in side:
            text += '#include "virtkit.h"\n\n'
            out[sec] = side[sec]
        elif prev:
            text += '#include "%s"\n\n' % prev
        else:
            text += "#include <stddef.h>\n\n#include \"virtkit-export.h\"\n\n"
        text += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
        text += "\n".join(out[sec]) + "\n"
        text += "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n"
        path = os.path.join(outdir, fname)
        if check:
            try:
                with open(path) as fp:
                    if fp.read() != text:
                        differ.append(path)
            except FileNotFoundError:
                differ.append(path)
        else:
            with open(path, "w") as fp:
                fp.write(text)
        prev = fname
    if differ:
        sys.exit("not what scripts/gen-public-headers.py writes (run it): " + " ".join(differ))


if __name__ == "__main__":
    args = sys.argv[1:]
    check = args[:1] == ["--check"]
    if check:
        args = args[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    if check and not os.path.exists(args[0]):
        print("SKIP: %s is not installed (libvirt-dev)" % args[0])
        sys.exit(77)
    main(args[0], args[1], args[2], check)
