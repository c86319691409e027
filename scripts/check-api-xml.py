#!/usr/bin/env python3
"""Check virtkit's public headers and library against libvirt's API.

Two independent witnesses are used, because each catches what the other
cannot:

* libvirt's API description (libvirt-api.xml, shipped by Debian's
  libvirt-dev) states every function's signature, every enum value, every
  typedef and struct field type.  `decl` turns those facts into C that the
  compiler checks against virtkit's headers: a function pointer with the
  described signature initialised with the function (a wrong argument type
  is an incompatible-pointer error), a _Static_assert per enum value, a
  __builtin_types_compatible_p per typedef, callback type and struct field.
  Linking that program against libvirtkit.so proves every function is
  exported.

* libvirt's real headers (/usr/include/libvirt) fix the binary layout, which
  the description does not: `abi` generates one program that prints the
  size and offset of every public struct and field, every enum value and
  every macro, compiles it once against libvirt's headers and once against
  virtkit's compat headers, and compares the two outputs line by line.

Exit status: 0 pass, 1 mismatch, 77 (meson's "skipped") when the needed
libvirt file is not installed.

    scripts/check-api-xml.py decl --include-dir include --lib build/libvirtkit.so
    scripts/check-api-xml.py abi --include-dir include
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
API_XML = "/usr/share/libvirt/api/libvirt-api.xml"
LIBVIRT_HEADER = "/usr/include/libvirt/libvirt.h"

# The sections whose functions virtkit promises to implement.
FUNC_SECTIONS = ["libvirt-common", "libvirt-host", "libvirt-domain",
                 "libvirt-event", "virterror"]

# Function-like macros, evaluated with sample arguments so that their
# arithmetic (not only their presence) is compared.
MACRO_PROBES = r"""
    {
        unsigned char map[16] = {0}, copy[4] = {0};
        virNodeInfo ni = {.nodes = 2, .sockets = 3, .cores = 5, .threads = 7};
        for (int i = 0; i <= 65; i += 13)
            printf("macro VIR_CPU_MAPLEN(%d) %d\n", i, (int)VIR_CPU_MAPLEN(i));
        printf("macro VIR_NODEINFO_MAXCPUS %u\n", (unsigned)VIR_NODEINFO_MAXCPUS(ni));
        printf("macro LIBVIR_CHECK_VERSION(1,2,3) %d\n", (int)LIBVIR_CHECK_VERSION(1, 2, 3));
        VIR_USE_CPU(map, 3);
        VIR_USE_CPU(map, 17);
        VIR_USE_CPU(map, 18);
        VIR_UNUSE_CPU(map, 18);
        printf("macro VIR_CPU_USED %d %d %d\n", !!VIR_CPU_USED(map, 3),
               !!VIR_CPU_USED(map, 17), !!VIR_CPU_USED(map, 18));
        printf("macro VIR_GET_CPUMAP %d\n", (int)(VIR_GET_CPUMAP(map, 4, 2) - map));
        printf("macro VIR_CPU_USABLE %d\n", !!VIR_CPU_USABLE(map, 4, 0, 3));
        VIR_COPY_CPUMAP(map, 4, 0, copy);
        printf("macro VIR_COPY_CPUMAP %02x%02x%02x%02x\n", copy[0], copy[1], copy[2], copy[3]);
    }
"""


def load(path):
    syms = ET.parse(path).getroot().find("symbols")
    return syms


def enum_values(syms):
    raw = {e.get("name"): e.get("value") for e in syms.findall("enum")}

    def resolve(v):
        seen = 0
        while not re.fullmatch(r"-?\d+", v):
            v = raw[v]
            seen += 1
            if seen > 20:
                raise ValueError("enum value loop at %s" % v)
        return int(v)

    return [(e.get("name"), resolve(e.get("value"))) for e in syms.findall("enum")]


def abstract(ctype, name=None):
    """'char label[N]' -> 'char [N]': the type without its declarator name."""
    if name:
        ctype = re.sub(r"\b%s\s*\[" % re.escape(name), "[", ctype)
    return ctype


def func_type(node, inner):
    """C declarator of a pointer to the function described by node."""
    ret = node.find("return").get("type")
    args = [abstract(a.get("type"), a.get("name")) for a in node.findall("arg")]
    return "%s (*%s)(%s)" % (ret, inner, ", ".join(args) if args else "void")


def fields(struct):
    """(designator, type) of every field, union members as 'value.i'."""
    out = []
    for f in struct.findall("field"):
        if f.get("type") == "union":
            out.append((f.get("name"), None))
            for sub in f.find("union").findall("field"):
                out.append(("%s.%s" % (f.get("name"), sub.get("name")),
                            abstract(sub.get("type"), sub.get("name"))))
        else:
            out.append((f.get("name"), abstract(f.get("type"), f.get("name"))))
    return out


def declared_elsewhere(syms, include_dir):
    """Functions outside FUNC_SECTIONS that the headers under include_dir
    declare anyway: those are checked too, so a partial section cannot
    drift from libvirt unnoticed."""
    text = ""
    for root, _, files in os.walk(include_dir):
        for f in files:
            if f.endswith(".h"):
                with open(os.path.join(root, f)) as fh:
                    text += fh.read()
    names = set(re.findall(r"\b(vir[A-Za-z0-9_]+)\s*\(", text))
    return {f.get("name") for f in syms.findall("function")
            if f.get("file") not in FUNC_SECTIONS and f.get("name") in names}


def gen_decl(syms, header, extra=frozenset()):
    L = ["/* Generated by scripts/check-api-xml.py: the API description's",
         " * facts, checked by the compiler against %s. */" % header,
         "#define VIR_ENUM_SENTINELS 1",
         "#include <stddef.h>",
         "#include <stdio.h>",
         "#include <%s>" % header]
    if header.startswith("libvirt/"):
        L.append("#include <libvirt/virterror.h>")
    L.append("")

    funcs = [f for f in syms.findall("function")
             if f.get("file") in FUNC_SECTIONS or f.get("name") in extra]
    for f in funcs:
        n = f.get("name")
        L.append("%s = %s;" % (func_type(f, "p_" + n), n))
    for v in syms.findall("variable"):
        L.append("%s *p_%s = &%s;" % (v.get("type"), v.get("name"), v.get("name")))
    L.append("")

    for name, val in enum_values(syms):
        L.append('_Static_assert(%s == %d, "%s");' % (name, val, name))
    L.append("")

    same = "__builtin_types_compatible_p"
    for t in syms.findall("typedef"):
        if t.get("type") != "enum":
            L.append('_Static_assert(%s(%s, %s), "typedef %s");'
                     % (same, t.get("name"), t.get("type"), t.get("name")))
    for ft in syms.findall("functype"):
        L.append('_Static_assert(%s(%s, %s), "callback %s");'
                 % (same, ft.get("name"), func_type(ft, ""), ft.get("name")))
    for s in syms.findall("struct"):
        for desig, ftype in fields(s):
            if ftype is None:
                continue
            L.append('_Static_assert(%s(__typeof__(((%s *)0)->%s), %s), "field %s.%s");'
                     % (same, s.get("name"), desig, ftype, s.get("name"), desig))
    L.append("")

    L += ["int main(void)",
          "{",
          "    void *all[] = {"]
    for f in funcs:
        L.append("        (void *)p_%s," % f.get("name"))
    L += ["    };",
          "    size_t n = sizeof(all) / sizeof(all[0]);",
          "    for (size_t i = 0; i < n; i++)",
          "        if (!all[i])",
          "            return 1;",
          '    printf("%zu functions resolved\\n", n);',
          "    return 0;",
          "}", ""]
    return "\n".join(L), len(funcs)


def gen_abi(syms):
    L = ["/* Generated by scripts/check-api-xml.py: prints the binary layout",
         " * of the public API, to be compared between two sets of headers. */",
         "#define VIR_ENUM_SENTINELS 1",
         "#include <stddef.h>",
         "#include <stdio.h>",
         "#include <string.h>",
         "#include <libvirt/libvirt.h>",
         "#include <libvirt/virterror.h>",
         "",
         "#define P(fmt, ...) printf(fmt \"\\n\", __VA_ARGS__)",
         "",
         "int main(void)",
         "{"]
    for s in syms.findall("struct"):
        fl = fields(s)
        if not fl:
            continue
        n = s.get("name")
        L.append('    P("sizeof %s %%zu", sizeof(%s));' % (n, n))
        L.append('    P("alignof %s %%zu", _Alignof(%s));' % (n, n))
        for desig, _ in fl:
            L.append('    P("field %s.%s offset %%zu size %%zu", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                     % (n, desig, n, desig, n, desig))
    for t in syms.findall("typedef"):
        if t.get("type") == "enum":
            n = t.get("name")
            L.append('    P("sizeof %s %%zu signed %%d", sizeof(%s), (%s)-1 < 0);' % (n, n, n))
    for name, _ in enum_values(syms):
        L.append('    P("enum %s %%lld", (long long)%s);' % (name, name))
    for m in syms.findall("macro"):
        n = m.get("name")
        if m.get("string") is not None:
            L.append('    P("macro %s %%s", %s);' % (n, n))
        elif m.get("params") is None and not n.startswith("_"):
            L.append('    P("macro %s %%lld", (long long)(%s));' % (n, n))
    L.append(MACRO_PROBES)
    L += ["    return 0;", "}", ""]
    return "\n".join(L)


def run(cmd, **kw):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, **kw)


def compile_decl(args, syms, tmp):
    header = "libvirt/libvirt.h" if args.system else "virtkit/virtkit.h"
    if args.system:
        extra = {f.get("name") for f in syms.findall("function")}
    else:
        extra = declared_elsewhere(syms, args.include_dir)
    src, nfuncs = gen_decl(syms, header, extra)
    c = os.path.join(tmp, "decl.c")
    with open(c, "w") as f:
        f.write(src)
    inc = [] if args.system else ["-I" + args.include_dir]
    obj = os.path.join(tmp, "decl.o")
    r = run(args.cc + ["-std=gnu11", "-O0", "-c", c, "-o", obj,
                       "-Werror=incompatible-pointer-types",
                       "-Werror=implicit-function-declaration",
                       "-Werror=int-conversion", "-Wno-deprecated-declarations"] + inc)
    if r.returncode:
        print("FAIL: the API description and %s disagree (see errors above)" % header)
        return 1
    print("%d function signatures (%d beyond the required sections), enums, "
          "typedefs and fields agree with %s"
          % (nfuncs, nfuncs - sum(f.get("file") in FUNC_SECTIONS
                                  for f in syms.findall("function")), header))
    if args.system:
        libs = ["-lvirt"]
    elif args.lib:
        libs = [os.path.abspath(args.lib),
                "-Wl,-rpath," + os.path.dirname(os.path.abspath(args.lib))]
    else:
        return 0
    exe = os.path.join(tmp, "decl")
    r = run(args.cc + [obj, "-o", exe] + libs, capture_output=True, text=True)
    if r.returncode:
        missing = sorted(set(re.findall(r"undefined reference to `([^']+)'", r.stderr)))
        if not missing:
            sys.stdout.write(r.stderr)
        print("FAIL: %d of the %d described functions (and variables) are not exported:"
              % (len(missing), nfuncs + len(syms.findall("variable"))))
        print("\n".join("  " + n for n in missing))
        return 1
    r = run([exe])
    return 1 if r.returncode else 0


def compile_abi(args, syms, tmp):
    if not os.path.exists(LIBVIRT_HEADER):
        print("SKIP: %s not installed" % LIBVIRT_HEADER)
        return SKIP
    c = os.path.join(tmp, "abi.c")
    with open(c, "w") as f:
        f.write(gen_abi(syms))
    outs = {}
    ref_flags = subprocess.run(["pkg-config", "--cflags", "libvirt"],
                               capture_output=True, text=True).stdout.split()
    for who, flags in (("libvirt", ref_flags), ("virtkit", ["-I" + args.include_dir])):
        exe = os.path.join(tmp, "abi-" + who)
        r = run(args.cc + ["-std=gnu11", "-O0", "-Wno-deprecated-declarations", c, "-o", exe] + flags)
        if r.returncode:
            print("FAIL: the layout program does not compile against %s's headers" % who)
            return 1
        outs[who] = subprocess.run([exe], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
    if outs["libvirt"] != outs["virtkit"]:
        sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
            outs["libvirt"], outs["virtkit"], "libvirt", "virtkit", lineterm="", n=0))
        print("FAIL: virtkit's headers differ from libvirt's in the lines above")
        return 1
    print("%d layout facts identical between libvirt's and virtkit's headers"
          % len(outs["libvirt"]))
    return 0


def check_exports(args, syms):
    """Every symbol libvirtkit.so exports must be a name of libvirt's APIs:
    internal vk* functions stay hidden, so nothing can come to depend on them."""
    if not args.lib:
        print("exports: --lib is required")
        return 1
    r = subprocess.run(["nm", "-D", "--defined-only", args.lib],
                       capture_output=True, text=True)
    if r.returncode:
        print(r.stderr)
        return 1
    api = {e.get("name") for e in syms if e.tag in ("function", "variable")}
    # libvirtkit also carries libvirt-qemu's and libvirt-lxc's functions,
    # described beside the main API
    for side in ("libvirt-qemu-api.xml", "libvirt-lxc-api.xml"):
        path = os.path.join(os.path.dirname(args.api_xml), side)
        if os.path.exists(path):
            api |= {e.get("name") for e in load(path) if e.tag == "function"}
    exported = set()
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRVWiu":
            exported.add(parts[2].split("@")[0])
    stray = sorted(exported - api)
    if stray:
        print("FAIL: %d exported symbols are not part of libvirt's API:" % len(stray))
        print("\n".join("  " + n for n in stray))
        return 1
    print("%d exported symbols, all of them libvirt API names" % len(exported))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["decl", "abi", "exports", "gen-decl", "gen-abi"])
    ap.add_argument("--api-xml", default=API_XML)
    ap.add_argument("--include-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "include"))
    ap.add_argument("--lib", help="libvirtkit.so to link the decl program against")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--system", action="store_true",
                    help="decl: check libvirt's own headers and libvirt.so (self-test)")
    ap.add_argument("--keep", help="keep generated files in this directory")
    args = ap.parse_args()
    args.cc = shlex.split(args.cc)

    if not os.path.exists(args.api_xml):
        print("SKIP: %s not installed" % args.api_xml)
        return SKIP
    syms = load(args.api_xml)

    if args.mode == "exports":
        return check_exports(args, syms)
    if args.mode == "gen-decl":
        sys.stdout.write(gen_decl(syms, "virtkit/virtkit.h")[0])
        return 0
    if args.mode == "gen-abi":
        sys.stdout.write(gen_abi(syms))
        return 0

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        tmp = args.keep
        return (compile_decl if args.mode == "decl" else compile_abi)(args, syms, tmp)
    with tempfile.TemporaryDirectory(prefix="vk-compat-") as tmp:
        return (compile_decl if args.mode == "decl" else compile_abi)(args, syms, tmp)


if __name__ == "__main__":
    sys.exit(main())
