#!/usr/bin/env python3
"""Build examples/lifecycle.c twice from the same source -- once against
libvirt, once against virtkit, the way a user switching would -- run both
and require identical output.

The virtkit build uses only what the README tells users: the compat include
path and the library.  With --build, the tree is also installed into a
scratch directory and the example built a third time with nothing but
`pkg-config --cflags --libs virtkit`, as after `meson install`.  Exit 0
pass, 1 fail; without libvirt installed only the virtkit builds run (their
own checks still apply).

    run-lifecycle.py --src SRC_ROOT --lib BUILD/libvirtkit.so [--build BUILD]
                     [--meson MESON] [--cc CC] [--work DIR]
"""
import argparse
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile


def sh(cmd, **kw):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, **kw)


def build_and_run(cc, src, exe, flags):
    if sh(cc + ["-std=gnu11", "-Wall", "-Werror", src, "-o", exe] + flags).returncode:
        return None
    r = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    sys.stdout.write(r.stderr)
    if r.returncode:
        print("%s exited with %d; its output:\n%s" % (exe, r.returncode, r.stdout))
        return None
    return r.stdout.splitlines()


def installed_build(args, cc, example, work):
    """meson install into work/root, then build with pkg-config alone."""
    root = os.path.join(work, "root")
    r = sh(shlex.split(args.meson) + ["install", "-C", args.build, "--no-rebuild",
                                      "--quiet", "--destdir", root],
           capture_output=True, text=True)
    if r.returncode:
        print(r.stdout + r.stderr)
        print("FAIL: meson install into a scratch directory failed")
        return None
    pcdirs = [os.path.join(d, "pkgconfig") for d, _, files in os.walk(root)
              for f in files if f == "libvirtkit.so"]
    if not pcdirs:
        print("FAIL: the installed tree has no libvirtkit.so")
        return None
    env = dict(os.environ, PKG_CONFIG_PATH=pcdirs[0], PKG_CONFIG_SYSROOT_DIR=root)
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "virtkit"],
                        capture_output=True, text=True, env=env)
    if pc.returncode:
        print(pc.stderr)
        print("FAIL: pkg-config finds no installed virtkit.pc")
        return None
    flags = shlex.split(pc.stdout)
    print("pkg-config --cflags --libs virtkit: " + " ".join(flags))
    libdirs = [f[2:] for f in flags if f.startswith("-L")]
    return build_and_run(cc, example, os.path.join(work, "lifecycle-installed"),
                         flags + ["-Wl,-rpath," + d for d in libdirs])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True, help="virtkit source root")
    ap.add_argument("--lib", required=True, help="path of libvirtkit.so")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--work", help="keep the binaries in this directory")
    ap.add_argument("--build", help="meson build dir: also test the installed tree")
    ap.add_argument("--meson", default="meson")
    args = ap.parse_args()
    cc = shlex.split(args.cc)
    example = os.path.join(args.src, "examples", "lifecycle.c")
    libdir = os.path.dirname(os.path.abspath(args.lib))
    work = args.work or tempfile.mkdtemp(prefix="vk-lifecycle-")
    os.makedirs(work, exist_ok=True)
    try:
        vk = build_and_run(cc, example, os.path.join(work, "lifecycle-virtkit"),
                           ["-I" + os.path.join(args.src, "include"),
                            "-L" + libdir, "-Wl,-rpath," + libdir, "-lvirtkit"])
        if vk is None:
            print("FAIL: the virtkit build of lifecycle.c did not build or run cleanly")
            return 1
        if args.build:
            inst = installed_build(args, cc, example, work)
            if inst is None:
                return 1
            if inst != vk:
                sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
                    vk, inst, "uninstalled", "installed", lineterm="", n=1))
                print("FAIL: the installed build behaves differently")
                return 1
        pc = subprocess.run(["pkg-config", "--cflags", "--libs", "libvirt"],
                            capture_output=True, text=True)
        if pc.returncode:
            print("libvirt not installed: virtkit's run passed its own checks, "
                  "nothing to compare with")
            return 0
        lv = build_and_run(cc, example, os.path.join(work, "lifecycle-libvirt"),
                           shlex.split(pc.stdout))
        if lv is None:
            print("FAIL: the libvirt build of lifecycle.c did not run cleanly")
            return 1
        if lv != vk:
            sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
                lv, vk, "libvirt", "virtkit", lineterm="", n=1))
            print("FAIL: virtkit's run printed something else than libvirt's")
            return 1
        print("\n".join(vk))
        print("identical output (%d lines) from libvirt and virtkit" % len(vk))
        return 0
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
