#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The virtkit shell through the remote driver, with the real virsh as the
oracle: both talk to the same private daemon (libvirtd with its test driver,
or virtkitd), and every command's output, error and exit status must match.

usage: run-shell.py VIRTKIT DAEMON      (DAEMON: "libvirtd" or virtkitd's path)

Read-only commands are compared on the same objects.  Mutations are made by
each tool on its own domain ("alpha" for virtkit, "bravo" for virsh, so the
two runs never see each other's effects) and compared after renaming; after
every step both tools must describe each domain identically.
Exit 77 (skip) when virsh or the daemon is not available.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

VIRSH = shutil.which("virsh")


def start_libvirtd(tmp):
    conf = os.path.join(tmp, "libvirtd.conf")
    drv = os.path.join(tmp, "drivers")
    os.mkdir(drv)
    with open(conf, "w") as f:
        f.write('unix_sock_dir = "%s"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n'
                'log_outputs = "1:file:%s/libvirtd.log"\nlog_filters = "1:rpc 3:util"\n'
                % (tmp, tmp))
    pidfile = os.path.join(tmp, "libvirtd.pid")
    env = dict(os.environ, LIBVIRT_DRIVER_DIR=drv)
    # --daemon: the parent exits once the sockets listen
    subprocess.run(["/usr/sbin/libvirtd", "--daemon", "--config", conf,
                    "--pid-file", pidfile], env=env, check=True)
    with open(pidfile) as f:
        pid = int(f.read().strip())
    return pid, None, "test+unix:///default?socket=%s/libvirt-sock" % tmp


def start_virtkitd(path, tmp):
    r, w = os.pipe()
    proc = subprocess.Popen([path, "--socket-dir", tmp, "--ready-fd", str(w),
                             "--qemu-root", os.path.join(tmp, "qemu")],
                            pass_fds=(w,))
    os.close(w)
    ready = os.read(r, 1)
    os.close(r)
    if not ready:
        proc.wait()
        raise RuntimeError("virtkitd exited before listening")
    return proc.pid, proc, "test+unix:///default?socket=%s/virtkit-sock" % tmp


def stop(pid, proc):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if proc:
        proc.wait()
        return
    fd = os.pidfd_open(pid)
    import select
    p = select.poll()
    p.register(fd, select.POLLIN)
    if not p.poll(10000):
        os.kill(pid, signal.SIGKILL)
        p.poll()
    os.close(fd)


class Runner:
    def __init__(self, virtkit, uri, tmp):
        self.virtkit = virtkit
        self.uri = uri
        self.tmp = tmp
        self.failures = 0
        self.checks = 0

    def run(self, tool, args):
        exe = self.virtkit if tool == "virtkit" else VIRSH
        env = dict(os.environ, LC_ALL="C")
        env.pop("VIRSH_DEFAULT_CONNECT_URI", None)
        p = subprocess.run([exe, "-c", self.uri] + args, capture_output=True,
                           text=True, env=env, timeout=60)
        err = p.stderr.replace(os.path.basename(exe) + ":", "TOOL:")
        # the CPU time of a running domain moves between two runs
        out = re.sub(r"(?m)^(CPU time:\s+)\S+$", r"\1<cpu-time>", p.stdout)
        return p.returncode, out, err

    def compare(self, label, mine, theirs):
        self.checks += 1
        if mine != theirs:
            self.failures += 1
            print("MISMATCH %s\n--- virtkit: %r\n--- virsh:   %r" % (label, mine, theirs))
        else:
            print("ok %s" % label)

    def same(self, args):
        """Both tools, same command, same objects."""
        self.compare(" ".join(args), self.run("virtkit", args), self.run("virsh", args))

    def mirrored(self, template):
        """virtkit on alpha, virsh on bravo; outputs compared after renaming."""
        mine = self.run("virtkit", [a.replace("NAME", "alpha") for a in template])
        theirs = self.run("virsh", [a.replace("NAME", "bravo") for a in template])
        theirs = tuple(x.replace("bravo", "alpha") if isinstance(x, str) else x
                       for x in theirs)
        self.compare(" ".join(template).replace("NAME", "<dom>"), mine, theirs)


def main():
    virtkit, daemon = sys.argv[1], sys.argv[2]
    if not VIRSH:
        print("virsh is not installed")
        return 77
    if daemon == "libvirtd" and not os.access("/usr/sbin/libvirtd", os.X_OK):
        print("libvirtd is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="vk-remote-shell-")
    pid = None
    proc = None
    try:
        if daemon == "libvirtd":
            pid, proc, uri = start_libvirtd(tmp)
        else:
            pid, proc, uri = start_virtkitd(daemon, tmp)
        r = Runner(virtkit, uri, tmp)

        for args in (["list", "--all"], ["dominfo", "test"], ["domstate", "test"],
                     ["domstate", "test", "--reason"], ["nodeinfo"], ["hostname"],
                     ["dumpxml", "test"], ["uri"], ["dominfo", "no-such-domain"],
                     ["domifaddr", "test"], ["domifaddr", "test", "--source", "arp", "--full"]):
            r.same(args)

        for name in ("alpha", "bravo"):
            with open(os.path.join(tmp, name + ".xml"), "w") as f:
                f.write("<domain type='test'><name>%s</name><memory>65536</memory>"
                        "<vcpu>1</vcpu><os><type>hvm</type></os></domain>\n" % name)
        steps = [["define", os.path.join(tmp, "NAME.xml")], ["start", "NAME"],
                 ["suspend", "NAME"], ["resume", "NAME"], ["destroy", "NAME"],
                 ["undefine", "NAME"]]
        for step in steps:
            r.mirrored(step)
            if step[0] != "undefine":
                for name in ("alpha", "bravo"):
                    r.same(["dominfo", name])
                    r.same(["domstate", name])
        r.same(["list", "--all"])
        print("%d checks, %d mismatches" % (r.checks, r.failures))
        return 1 if r.failures else 0
    finally:
        if pid:
            stop(pid, proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
