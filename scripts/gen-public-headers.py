#!/usr/bin/env python3
"""Write virtkit's public headers from an API description in libvirt's
api-XML format (Debian's libvirt-dev ships one at
/usr/share/libvirt/api/libvirt-api.xml).

The description is a list of interface facts -- names, values, field and
argument types -- so the headers it yields carry the same ABI as libvirt's
without sharing any of its text.  The output is committed; run this again
only to follow a newer API level:

    scripts/gen-public-headers.py /usr/share/libvirt/api/libvirt-api.xml include/virtkit
"""
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

# Sections whose functions virtkit implements; the types of every section
# are declared, so that any prototype can name them.
FUNC_SECTIONS = ["libvirt-common", "libvirt-host", "libvirt-domain",
                 "libvirt-event", "virterror", "libvirt-network",
                 "libvirt-storage", "libvirt-nodedev", "libvirt-stream"]
TYPE_SECTIONS = ["libvirt-common", "libvirt-host", "libvirt-domain",
                 "libvirt-event", "virterror", "libvirt-stream",
                 "libvirt-network", "libvirt-storage", "libvirt-nodedev",
                 "libvirt-secret", "libvirt-interface", "libvirt-nwfilter",
                 "libvirt-domain-snapshot", "libvirt-domain-checkpoint"]
OUT_NAME = {s: s.replace("libvirt", "virtkit") + ".h" for s in TYPE_SECTIONS}
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


def main(apixml, outdir):
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

        # enums grouped by their typedef, in value order
        groups = collections.OrderedDict()
        for en in d["enum"]:
            groups.setdefault(en.get("type"), []).append(en)
        for tname, ens in groups.items():
            ens.sort(key=lambda e: (resolve(e.get("value")), e.get("name")))
            lines.append("typedef enum {")
            for en in ens:
                lines.append("    %s = %d," % (en.get("name"), resolve(en.get("value"))))
            lines.append("} %s;" % tname)
            lines.append("")
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

    prev = None
    for sec in TYPE_SECTIONS:
        fname = OUT_NAME[sec]
        guard = "VIRTKIT_" + re.sub(r"[^A-Z0-9]", "_", fname.upper())
        with open(os.path.join(outdir, fname), "w") as fp:
            fp.write("/* SPDX-License-Identifier: LGPL-2.1-or-later */\n")
            fp.write("/* Generated by scripts/gen-public-headers.py from an API description;\n"
                     " * edit the generator, not this file. */\n")
            fp.write("#ifndef %s\n#define %s\n\n" % (guard, guard))
            if prev:
                fp.write('#include "%s"\n\n' % prev)
            else:
                fp.write("#include <stddef.h>\n\n#include \"virtkit-export.h\"\n\n")
            fp.write("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n")
            fp.write("\n".join(out[sec]) + "\n")
            fp.write("\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n")
        prev = fname


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
