#!/usr/bin/env python3
"""Generate the driver table and the API entry points.

Inputs: the public headers (one prototype per line, as
scripts/gen-public-headers.py writes them) and src/api/api.def, which says
for every public function either that it is written by hand or how it
dispatches: 'ro' (allowed on read-only connections) or 'rw' (mutating),
plus options:
    null=a,b        pointer arguments that may be NULL
    secure=FLAG     'ro' call that is denied on read-only connections when
                    FLAG is set in flags (e.g. VIR_DOMAIN_XML_SECURE), or
                    when an argument has a value (secure=arg==VALUE)
    member=name     driver member to call (default: the name without 'vir')
    fallback=VALUE  a driver without the member answers VALUE through the
                    last (pointer) argument instead of being unsupported
    nonzero=a,b     count arguments that must not be 0 (VIR_ERR_INVALID_ARG)
    fds=n:a         descriptor array a of n entries: NULL only when n is 0,
                    no negative entry (VIR_ERR_INVALID_ARG)
    sockfd=a        descriptor a must be an open socket

Outputs:
    hypervisor-driver-table.h   struct _virHypervisorDriver
    api-dispatch.c              the entry points
    libvirtkit.syms             the linker version script
"""
import re
import sys

SECTIONS = ["virtkit-common.h", "virtkit-host.h", "virtkit-domain.h",
            "virtkit-event.h", "virterror.h", "virtkit-network.h",
            "virtkit-storage.h", "virtkit-nodedev.h", "virtkit-stream.h",
            "virtkit-secret.h", "virtkit-nwfilter.h", "virtkit-domain-checkpoint.h",
            "virtkit-domain-snapshot.h", "virtkit-interface.h",
            "virtkit-qemu.h", "virtkit-lxc.h"]
# The handle types a dispatched function may take first: its check and the
# expression that reaches the connection.
HANDLES = {
    "virConnectPtr": ("vkCheckConnect", "%s"),
    "virDomainPtr": ("vkCheckDomain", "%s->conn"),
    "virNetworkPtr": ("vkCheckNetwork", "%s->conn"),
    "virNetworkPortPtr": ("vkCheckNetworkPort", "%s->net->conn"),
    "virStoragePoolPtr": ("vkCheckStoragePool", "%s->conn"),
    "virStorageVolPtr": ("vkCheckStorageVol", "%s->conn"),
    "virNodeDevicePtr": ("vkCheckNodeDevice", "%s->conn"),
    "virSecretPtr": ("vkCheckSecret", "%s->conn"),
    "virInterfacePtr": ("vkCheckInterface", "%s->conn"),
    "virNWFilterPtr": ("vkCheckNWFilter", "%s->conn"),
    "virNWFilterBindingPtr": ("vkCheckNWFilterBinding", "%s->conn"),
    "virDomainCheckpointPtr": ("vkCheckDomainCheckpoint", "%s->domain->conn"),
    "virDomainSnapshotPtr": ("vkCheckDomainSnapshot", "%s->domain->conn"),
}
PROTO = re.compile(r"^(?!typedef)([A-Za-z_][\w \*]*?)\s*\**\s*\b(vir\w+)\((.*)\);$")
# Arguments that are optional by their nature wherever they appear.
ALWAYS_NULLABLE = {"opaque", "freecb", "ff", "cbdata"}


def parse_headers(incdir):
    funcs = {}
    variables = []
    for h in SECTIONS:
        for line in open("%s/%s" % (incdir, h)):
            line = line.strip()
            if line.startswith("VIR_EXPORT_VAR"):
                variables.append(re.findall(r"(\w+);$", line)[0])
                continue
            m = re.match(r"^(?!typedef)(.+?\W)(vir\w+)\((.*)\);$", line)
            if not m:
                continue
            ret, name, args = m.group(1).strip(), m.group(2), m.group(3)
            alist = []
            if args != "void":
                for a in args.split(", "):
                    am = re.match(r"^(.*?\W)(\w+)$", a)
                    alist.append((am.group(1).strip(), am.group(2)))
            funcs[name] = (ret, alist)
    return funcs, variables


def parse_def(path):
    entries = {}
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        name, kind = parts[0], parts[1]
        opts = {}
        for p in parts[2:]:
            k, v = p.split("=", 1)
            opts[k] = v
        if name in entries:
            sys.exit("api.def: %s listed twice" % name)
        entries[name] = (kind, opts)
    return entries


def error_domain(fname):
    """The error domain libvirt reports argument problems of fname under."""
    # libvirt-qemu.c reports everything under VIR_FROM_NONE
    if "Qemu" in fname:
        return "VIR_FROM_NONE"
    for key, dom in (("Secret", "VIR_FROM_SECRET"), ("Interface", "VIR_FROM_INTERFACE"), ("NWFilter", "VIR_FROM_NWFILTER"),
                     ("Checkpoint", "VIR_FROM_DOMAIN_CHECKPOINT"),
                     ("NodeDevice", "VIR_FROM_NODEDEV"), ("NodeListDevices", "VIR_FROM_NODEDEV"),
                     ("NodeNumOfDevices", "VIR_FROM_NODEDEV"), ("Storage", "VIR_FROM_STORAGE"),
                     ("Network", "VIR_FROM_NETWORK"), ("Domain", "VIR_FROM_DOMAIN")):
        if key in fname:
            return dom
    # libvirt-host.c's calls (virNode*, virConnect* but the opens and the
    # close in libvirt.c) report under VIR_FROM_DOMAIN, as libvirt 9.0 does
    if fname.startswith("virNode") or (fname.startswith("virConnect") and
                                       not fname.startswith(("virConnectOpen",
                                                             "virConnectClose"))):
        return "VIR_FROM_DOMAIN"
    return "VIR_FROM_NONE"


def family(fname):
    """The driver family (vkDriverFamily) fname dispatches through."""
    if fname.startswith("virDomain"):
        return "VK_FAMILY_HYPERVISOR"
    for pattern, fam in ((r"Storage", "VK_FAMILY_STORAGE"),
                         (r"Network", "VK_FAMILY_NETWORK"),
                         (r"NodeDevice|NodeListDevices|NodeNumOfDevices", "VK_FAMILY_NODEDEV"),
                         (r"Secret", "VK_FAMILY_SECRET"),
                         (r"NWFilter", "VK_FAMILY_NWFILTER"),
                         (r"^virInterface|Interfaces?\b|InterfaceEvent|Interface(Change|Define)",
                          "VK_FAMILY_INTERFACE")):
        if re.search(pattern, fname):
            return fam
    return "VK_FAMILY_HYPERVISOR"


def member_name(fname):
    base = fname[3:]
    if base.startswith("NWFilter"):     # an acronym: nwfilterDefineXML
        return "nwfilter" + base[len("NWFilter"):]
    return base[0].lower() + base[1:]


def is_pointer(t):
    return t.endswith("*") or t.endswith("Ptr") or t.endswith("Func") or t.endswith("Callback")


def error_value(ret):
    if ret == "void":
        return None
    if is_pointer(ret):
        return "NULL"
    if ret.startswith("unsigned"):
        return "0"
    return "-1"


def failed_test(ret):
    if is_pointer(ret):
        return "!ret"
    if ret.startswith("unsigned"):
        return "ret == 0"
    return "ret < 0"


def main(incdir, deffile, out_h, out_c, out_syms):
    funcs, variables = parse_headers(incdir)
    entries = parse_def(deffile)
    missing = sorted(set(funcs) - set(entries))
    extra = sorted(set(entries) - set(funcs))
    if missing or extra:
        sys.exit("api.def out of step with the headers: missing %s, unknown %s"
                 % (missing, extra))

    h = ["/* Generated by src/api/gen-api.py: do not edit. */",
         "#ifndef VK_HYPERVISOR_DRIVER_TABLE_H",
         "#define VK_HYPERVISOR_DRIVER_TABLE_H",
         "",
         "struct _virHypervisorDriver {",
         "    VK_HYPERVISOR_DRIVER_EXTRA_MEMBERS"]
    c = ["/* Generated by src/api/gen-api.py from the public headers and",
         " * src/api/api.def: do not edit. */",
         '#include "api/api-internal.h"',
         ""]
    for name in sorted(funcs):
        kind, opts = entries[name]
        if kind == "hand":
            continue
        if kind not in ("ro", "rw"):
            sys.exit("api.def: %s: bad kind %s" % (name, kind))
        ret, args = funcs[name]
        member = opts.get("member", member_name(name))
        argdecl = ", ".join("%s%s%s" % (t, "" if t.endswith("*") else " ", n) for t, n in args)
        h.append("    %s%s(*%s)(%s);" % (ret, "" if ret.endswith("*") else " ", member, argdecl))

        obj_t, obj = args[0]
        if obj_t not in HANDLES:
            sys.exit("api.def: %s dispatches but its first argument is %s" % (name, obj_t))
        check, reach = HANDLES[obj_t]
        nullable = set(opts.get("null", "").split(",")) | ALWAYS_NULLABLE
        fdarrays = [tuple(x.split(":")) for x in filter(None, opts.get("fds", "").split(","))]
        nullable |= {a for _, a in fdarrays}
        errdom = error_domain(name)
        errv = error_value(ret)
        c.append("%s%s%s(%s)" % (ret, "" if ret.endswith("*") else " ", name, argdecl))
        c.append("{")
        c.append("    virConnectPtr vkconn = NULL;")
        if ret != "void":
            c.append("    %s%sret;" % (ret, "" if ret.endswith("*") else " "))
        c.append("")
        c.append("    vkErrorReset();")
        c.append("    if (!%s(%s, __func__))" % (check, obj))
        c.append("        goto error;")
        c.append("    vkconn = %s;" % (reach % obj))
        if kind == "rw":
            c.append("    if (!vkCheckWritable(vkconn, %s, __func__))" % errdom)
            c.append("        goto error;")
        if "secure" in opts:
            # a flag, or a test of an argument ("source==VALUE")
            cond = opts["secure"]
            cond = "(%s)" % cond.replace("==", " == ") if "==" in cond else "(flags & %s)" % cond
            c.append("    if (%s && !vkCheckWritable(vkconn, %s, __func__))" % (cond, errdom))
            c.append("        goto error;")
        for t, n in args[1:]:
            if t == "virStreamPtr":
                # A stream argument must be a live, not yet opened stream
                # of the same connection.
                c.append("    if (!vkCheckStreamArg(%s, vkconn, %s, __func__))" % (n, errdom))
                c.append("        goto error;")
                continue
            if is_pointer(t) and n not in nullable:
                c.append('    if (!%s) {' % n)
                c.append('        vkReportNullArg(%s, "%s", __func__);' % (errdom, n))
                c.append("        goto error;")
                c.append("    }")
        for n in filter(None, opts.get("nonzero", "").split(",")):
            c.append('    if (%s == 0) {' % n)
            c.append('        vkReportErrorFull(%s, VIR_ERR_INVALID_ARG, __FILE__, __func__, '
                     '__LINE__,' % errdom)
            c.append('                          "%%s in %%s must not be zero", "%s", __func__);'
                     % n)
            c.append("        goto error;")
            c.append("    }")
        for n, a in fdarrays:
            c.append('    if (!vkCheckFdArray(%s, __func__, "%s", %s, "%s", %s))'
                     % (errdom, n, n, a, a))
            c.append("        goto error;")
        for a in filter(None, opts.get("sockfd", "").split(",")):
            c.append('    if (!vkCheckSocketFd(%s, __func__, "%s", %s))' % (errdom, a, a))
            c.append("        goto error;")
        fam = family(name)
        if fam == "VK_FAMILY_HYPERVISOR":
            table = "vkconn->driver"
        else:
            table = "vkConnFamilyDriver(vkconn, %s)" % fam
        c.append("    if (!%s->%s) {" % (table, member))
        if "fallback" in opts:
            c.append("        *%s = %s;" % (args[-1][1], opts["fallback"]))
            c.append("        return 0;")
        else:
            c.append("        vkReportUnsupported(vkconn, %s, __func__);" % errdom)
            c.append("        goto error;")
        c.append("    }")
        call = "%s->%s(%s)" % (table, member, ", ".join(n for _, n in args))
        if ret == "void":
            c.append("    %s;" % call)
            c.append("    return;")
        else:
            c.append("    ret = %s;" % call)
            c.append("    if (%s)" % failed_test(ret))
            c.append("        goto error;")
            c.append("    return ret;")
        c.append("")
        c.append(" error:")
        c.append("    vkDispatchError(vkconn);")
        c.append("    return%s;" % ("" if errv is None else " " + errv))
        c.append("}")
        c.append("")
    h += ["};", "", "#endif", ""]

    syms = ["VIRTKIT_0.1.0 {", "    global:"]
    for name in sorted(funcs) + sorted(variables):
        syms.append("        %s;" % name)
    syms += ["    local:", "        *;", "};", ""]

    open(out_h, "w").write("\n".join(h))
    open(out_c, "w").write("\n".join(c))
    open(out_syms, "w").write("\n".join(syms))


if __name__ == "__main__":
    main(*sys.argv[1:6])
