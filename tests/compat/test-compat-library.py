#!/usr/bin/env python3
"""virtkit's libvirt.so.0 (src/compat) against the system's libvirt.so.0.

1. Every version node the system library defines is defined by virtkit's,
   and every symbol virtkit's exports carries the node libvirt gives it.
2. A C program compiled and linked against the system's libvirt (its
   headers, -lvirt) runs on virtkit's library through virtkit-run: the
   loader resolves libvirt's versioned symbols in it, the program sees
   test:///default, defines and undefines a domain, and gets libvirt's
   error code for a bad URI.
3. python3-libvirt's extension module loads on it and lists the test
   driver's domains in-process.
4. libvirt-qemu.so.0 and libvirt-lxc.so.0: libvirt's version nodes and
   symbols, forwarders only (no second copy of the library), and
   python3-libvirt's libvirt_qemu / libvirt_lxc answering on them as on
   libvirt's own.

usage: test-compat-library.py COMPAT_DIR SYSTEM_LIBVIRT CC
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

SKIP = 77

PROGRAM = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static const char *xml =
    "<domain type='test'><name>compat-probe</name><memory>65536</memory>"
    "<os><type>hvm</type></os></domain>";

int main(void)
{
    Dl_info info;
    virConnectPtr c;
    virDomainPtr d;
    virErrorPtr e;
    int n;

    if (!dladdr((void *)virConnectOpen, &info))
        return 2;
    printf("lib %s\n", info.dli_fname);
    if (virConnectOpen("bogus-scheme:///nowhere") != NULL)
        return 3;
    e = virGetLastError();
    printf("bad-uri %d\n", e ? e->code : -1);
    if (!(c = virConnectOpen("test:///default")))
        return 4;
    n = virConnectNumOfDomains(c);
    printf("running %d\n", n);
    if (!(d = virDomainDefineXML(c, xml)))
        return 5;
    printf("defined %s\n", virDomainGetName(d));
    if (virDomainUndefine(d) < 0)
        return 6;
    virDomainFree(d);
    d = virDomainLookupByName(c, "compat-probe");
    e = virGetLastError();
    printf("after-undefine %s %d\n", d ? "found" : "gone", e ? e->code : -1);
    virConnectClose(c);
    return 0;
}
'''


def versions(lib):
    """symbol -> node of the public LIBVIRT_* symbols a library exports."""
    out = subprocess.run(["objdump", "-T", lib], capture_output=True, text=True,
                         check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and re.match(r"LIBVIRT_\d", f[-2]) and f[-1].startswith("vir") \
                and "*UND*" not in line:
            syms[f[-1]] = f[-2]
    return syms


def nodes(lib):
    out = subprocess.run(["readelf", "-V", "--wide", lib], capture_output=True,
                         text=True, check=True).stdout
    sect = out.split("Version definition section", 1)[-1].split("Version needs", 1)[0]
    return set(re.findall(r"Name: (LIBVIRT_[\d.]+)", sect))


def main():
    compat_dir, system_lib, cc = sys.argv[1], sys.argv[2], sys.argv[3]
    compat_lib = os.path.join(compat_dir, "libvirt.so.0")
    run = os.path.join(compat_dir, "virtkit-run")
    if not os.path.exists(system_lib):
        print("system libvirt.so.0 not installed")
        return SKIP
    failures = []

    # 1. the ABI
    want_nodes, have_nodes = nodes(system_lib), nodes(compat_lib)
    if want_nodes - have_nodes:
        failures.append("version nodes missing: %s" % sorted(want_nodes - have_nodes))
    want, have = versions(system_lib), versions(compat_lib)
    wrong = sorted(s for s in have if want.get(s) != have[s])
    if wrong:
        failures.append("symbols on another node than libvirt's: %s" % wrong[:10])
    missing = sorted(set(want) - set(have))
    print("nodes %d/%d, symbols %d/%d (missing %d)" %
          (len(have_nodes & want_nodes), len(want_nodes), len(have), len(want), len(missing)))

    # 2. a program built against the system's libvirt
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "libvirt"],
                        capture_output=True, text=True)
    if pc.returncode != 0:
        failures.append("libvirt-dev (pkg-config libvirt) is not installed")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = os.path.join(tmp, "probe.c"), os.path.join(tmp, "probe")
            open(src, "w").write(PROGRAM)
            subprocess.run(shlex.split(cc) + [src, "-o", exe] + shlex.split(pc.stdout),
                           check=True)
            env = dict(os.environ, VIRTKIT_COMPAT_DIR=compat_dir)
            p = subprocess.run(["sh", run, exe], capture_output=True, text=True, env=env)
            print(p.stdout, end="")
            got = dict(line.split(" ", 1) for line in p.stdout.splitlines())
            if p.returncode != 0:
                failures.append("probe exited %d: %s" % (p.returncode, p.stderr))
            if os.path.realpath(got.get("lib", "")) != os.path.realpath(compat_lib):
                failures.append("probe ran on %s, not virtkit's library" % got.get("lib"))
            # VIR_ERR_NO_CONNECT (5) for a URI no driver takes, as libvirt
            if got.get("bad-uri") != "5":
                failures.append("bad URI gave error %s, libvirt gives 5" % got.get("bad-uri"))
            if got.get("defined") != "compat-probe":
                failures.append("define through the compat library failed")
            # VIR_ERR_NO_DOMAIN (42) after the undefine
            if got.get("after-undefine") != "gone 42":
                failures.append("after undefine: %s" % got.get("after-undefine"))
            # the same program on the system library for the same answers
            p2 = subprocess.run([exe], capture_output=True, text=True)
            sys_got = dict(line.split(" ", 1) for line in p2.stdout.splitlines())
            for k in ("bad-uri", "running", "defined", "after-undefine"):
                if sys_got.get(k) != got.get(k):
                    failures.append("%s: libvirt says %s, virtkit %s" %
                                    (k, sys_got.get(k), got.get(k)))

    # 3. python3-libvirt in-process
    env = dict(os.environ, VIRTKIT_COMPAT_DIR=compat_dir)
    code = ("import libvirt, ctypes.util\n"
            "c = libvirt.open('test:///default')\n"
            "print(' '.join(sorted(d.name() for d in c.listAllDomains())))\n")
    p = subprocess.run(["sh", run, "/usr/bin/python3", "-c", code], capture_output=True,
                       text=True, env=env)
    if p.returncode != 0:
        failures.append("python3-libvirt on the compat library: %s" % p.stderr.strip()[-400:])
    elif p.stdout.strip() != "test":
        failures.append("python3-libvirt listed %r" % p.stdout.strip())
    else:
        print("python3-libvirt: domains %s" % p.stdout.strip())

    # 4. the side libraries: libvirt's nodes, and python3-libvirt's
    # libvirt_qemu / libvirt_lxc modules answering as on libvirt's own
    sysdir = os.path.dirname(system_lib)
    for side in ("libvirt-qemu.so.0", "libvirt-lxc.so.0"):
        ours, theirs = os.path.join(compat_dir, side), os.path.join(sysdir, side)
        if not os.path.exists(theirs):
            continue
        if nodes(theirs) - nodes(ours):
            failures.append("%s lacks nodes %s" % (side, sorted(nodes(theirs) - nodes(ours))))
        want, have = side_versions(theirs), side_versions(ours)
        if want != have:
            failures.append("%s exports %s, libvirt's %s" % (side, sorted(have.items()),
                                                             sorted(want.items())))
        # one copy of the library in the process: the side library uses
        # libvirt.so.0's connections, it carries none of its own
        if side_versions(ours) and "virConnectOpen" in side_defined(ours):
            failures.append("%s carries a copy of the library" % side)
    results = {}
    for name, prog in (("virtkit", ["sh", run, "/usr/bin/python3"]),
                       ("libvirt", ["/usr/bin/python3"])):
        p = subprocess.run(prog + ["-c", SIDE_CODE], capture_output=True, text=True, env=env)
        if p.returncode != 0:
            failures.append("libvirt_qemu/libvirt_lxc on %s: %s" % (name, p.stderr[-400:]))
        lines = p.stdout.splitlines()
        libs = [x.split(" ", 1)[1] for x in lines if x.startswith("lib ")]
        results[name] = "\n".join(x for x in lines if not x.startswith("lib "))
        if name == "virtkit" and (len(libs) != 2 or not all(
                os.path.realpath(os.path.dirname(x)) == os.path.realpath(compat_dir)
                for x in libs)):
            failures.append("the side modules loaded %s, not virtkit's libraries" % libs)
    if results.get("virtkit") != results.get("libvirt"):
        failures.append("libvirt_qemu/libvirt_lxc answers differ: libvirt %r, virtkit %r"
                        % (results.get("libvirt"), results.get("virtkit")))
    else:
        print("libvirt_qemu/libvirt_lxc: %s" % results["virtkit"].strip().replace("\n", "; "))

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


# The side modules in-process on test:///default: where each function is
# loaded from, and the error code every call gets (the test driver has
# none of them).
SIDE_CODE = r"""
import ctypes, libvirt, libvirt_qemu, libvirt_lxc
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open('test:///default')
d = c.lookupByName('test')
seen = set()
def code(f, *a):
    try:
        f(*a)
        return 'ok'
    except libvirt.libvirtError as e:
        return str(e.get_error_code())
print('monitor', code(libvirt_qemu.qemuMonitorCommand, d, '{"execute":"query-status"}', 0))
print('agent', code(libvirt_qemu.qemuAgentCommand, d, '{"execute":"guest-ping"}', 5, 0))
print('attach', code(libvirt_qemu.qemuAttach, c, 1, 0))
print('open-namespace', code(libvirt_lxc.lxcOpenNamespace, d, 0))
for line in open('/proc/self/maps'):
    path = line.split()[-1]
    if path.endswith(('/libvirt-qemu.so.0.9000.0', '/libvirt-lxc.so.0.9000.0')) and \
            'lib ' + path not in seen:
        seen.add('lib ' + path)
print('\n'.join(sorted(seen)))
"""


def side_versions(lib):
    out = subprocess.run(["objdump", "-T", lib], capture_output=True, text=True,
                         check=True).stdout
    return {f[-1]: f[-2] for f in (line.split() for line in out.splitlines())
            if len(f) >= 2 and re.match(r"LIBVIRT_(QEMU|LXC)_\d", f[-2])
            and "*UND*" not in " ".join(f)}


def side_defined(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


if __name__ == "__main__":
    sys.exit(main())
