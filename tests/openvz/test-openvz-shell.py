#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The `virtkit` shell on openvz:///system, against the vzctl/vzlist
stand-in: the session a user of the QEMU or LXC drivers would type.

Each step runs the real shell (one process per command, as typed at a
prompt; one step feeds several commands on stdin to one process) and
checks its stdout, stderr and exit status exactly, then what the
stand-in holds: the container's ctid.conf, the "kernel" files under
proc/vz and var/lib/fakevz, and the driver's own marker files.

Usage: test-openvz-shell.py VIRTKIT TOOL_DIR DATA_DIR [FAKEVZ_SERVER]
(with FAKEVZ_SERVER, the tools in TOOL_DIR are its clients)
"""
import os
import shutil
import subprocess
import sys
import tempfile

UUID = "c7a5fdbd-cdaf-9455-926a-d65c16db1809"
TEMPLATE = "debian-7-x86_64-minimal"
CT_XML = f"""<domain type='openvz'>
  <name>101</name>
  <uuid>{UUID}</uuid>
  <memory unit='MiB'>512</memory>
  <vcpu>2</vcpu>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='template'>
      <source name='{TEMPLATE}'/>
      <target dir='/'/>
      <space_hard_limit unit='GiB'>2</space_hard_limit>
      <space_soft_limit unit='MiB'>1536</space_soft_limit>
    </filesystem>
    <interface type='ethernet'><ip address='10.0.0.5'/></interface>
  </devices>
</domain>
"""

# What dumpxml prints for it, running (the MAC is the one vzctl derives
# for venet addresses from the CT ID).
DUMPXML = f"""<domain type='openvz' id='101'>
  <name>101</name>
  <uuid>{UUID}</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type>exe</type>
    <init>/sbin/init</init>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <filesystem type='template'>
      <source name='{TEMPLATE}'/>
      <target dir='/'/>
      <space_hard_limit unit='KiB'>2097152</space_hard_limit>
      <space_soft_limit unit='KiB'>1572864</space_soft_limit>
    </filesystem>
    <interface type='ethernet'>
      <mac address='00:18:51:00:65:00'/>
      <ip address='10.0.0.5'/>
    </interface>
  </devices>
</domain>

"""

failures = []


class Session:
    def __init__(self, virtkit, tools, data, server=None):
        self.virtkit = virtkit
        self.root = tempfile.mkdtemp(prefix="vk-openvz-shell-")
        self.server = None
        for d in ("etc/vz/conf", "vz/template/cache", "proc/vz"):
            os.makedirs(os.path.join(self.root, d))
        shutil.copy(os.path.join(data, "vz.conf"), os.path.join(self.root, "etc/vz/vz.conf"))
        shutil.copy(os.path.join(data, "ve-basic.conf-sample"),
                    os.path.join(self.root, "etc/vz/conf/ve-basic.conf-sample"))
        open(os.path.join(self.root, f"vz/template/cache/{TEMPLATE}.tar.gz"), "w").close()
        self.xml = os.path.join(self.root, "ct.xml")
        with open(self.xml, "w") as f:
            f.write(CT_XML)
        self.env = dict(os.environ,
                        VIRTKIT_OPENVZ_ROOT=self.root,
                        VIRTKIT_VZCTL=os.path.join(tools, "fake-vzctl"),
                        VIRTKIT_VZLIST=os.path.join(tools, "fake-vzlist"),
                        LC_ALL="C")
        if server:
            # The tools in `tools` are then clients of this one interpreter
            # (see fakevz-server.py); it exits when its stdin closes.
            sock = os.path.join(self.root, "fakevz.sock")
            self.server = subprocess.Popen([sys.executable, server, sock],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            if self.server.stdout.readline() != b"ready\n":
                raise RuntimeError("the stand-in server did not start")
            self.env["VIRTKIT_FAKEVZ_SOCKET"] = sock

    def close(self):
        if self.server:
            self.server.stdin.close()
            self.server.wait()
            self.server.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def run(self, args, out, err="", rc=0, stdin=None):
        """One shell invocation; out/err are the exact texts expected
        (out=None: not compared, the caller looks at the result)."""
        argv = [self.virtkit, "-c", "openvz:///system"] + args
        p = subprocess.run(argv, env=self.env, input=stdin, capture_output=True,
                           text=True, timeout=60, cwd=self.root)
        what = " ".join(args) if args else "(stdin session)"
        if (out is not None and p.stdout != out) or p.stderr != err or p.returncode != rc:
            failures.append(what)
            print(f"FAIL: virtkit {what}")
            print(f"--- expected rc {rc}, stdout:\n{out}--- stderr:\n{err}")
            print(f"--- actual rc {p.returncode}, stdout:\n{p.stdout}--- stderr:\n{p.stderr}")
        else:
            print(f"ok: virtkit {what}")
        return p.stdout

    def conf(self, ctid=101):
        try:
            with open(self.path(f"etc/vz/conf/{ctid}.conf")) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def check(self, cond, what):
        if cond:
            print(f"ok:   {what}")
        else:
            failures.append(what)
            print(f"FAIL:   {what}")

    def conf_has(self, line):
        conf = self.conf() or ""
        self.check(line in conf.splitlines(), f"101.conf has {line}")

    def running_in_kernel(self):
        try:
            with open(self.path("proc/vz/veinfo")) as f:
                return any(l.split() and l.split()[0] == "101" for l in f)
        except FileNotFoundError:
            return False

    def frozen_in_kernel(self):
        return os.path.exists(self.path("var/lib/fakevz/101.frozen"))

    def frozen_marker(self):
        return os.path.exists(self.path("run/virtkit/openvz/101.frozen"))


def dominfo(state, cpus, mem, autostart):
    return ("Id:             %s\n"
            "Name:           101\n"
            f"UUID:           {UUID}\n"
            "OS Type:        exe\n"
            f"State:          {state}\n"
            f"CPU(s):         {cpus}\n"
            "%s"
            f"Max memory:     {mem} KiB\n"
            f"Used memory:    {mem} KiB\n"
            "Persistent:     yes\n"
            f"Autostart:      {autostart}\n"
            "Managed save:   unknown\n"
            "\n") % ("101" if state != "shut off" else "-",
                     "CPU time:       2.0s\n" if state != "shut off" else "")


# virsh's list layout: columns as wide as their widest cell.
LIST_EMPTY = " Id   Name   State\n--------------------\n\n"
LIST_SHUTOFF = " Id   Name   State\n-----------------------\n -    101    shut off\n\n"
LIST_RUNNING = " Id    Name   State\n-----------------------\n 101   101    running\n\n"
LIST_PAUSED = " Id    Name   State\n----------------------\n 101   101    paused\n\n"


def session(s):
    s.run(["define", "ct.xml"], "Domain '101' defined from ct.xml\n\n")
    s.conf_has(f'OSTEMPLATE="{TEMPLATE}"')
    s.conf_has('CPUS="2"')
    s.conf_has('PHYSPAGES="0:131072"')
    s.conf_has('DISKSPACE="1572864:2097152"')
    s.conf_has('IP_ADDRESS="10.0.0.5"')
    s.conf_has(f"#UUID: {UUID}")
    s.check(not s.running_in_kernel(), "101 is not running after define")

    s.run(["list", "--all"], LIST_SHUTOFF)
    s.run(["list"], LIST_EMPTY)
    s.run(["dominfo", "101"], dominfo("shut off", 2, 524288, "disable"))

    s.run(["start", "101"], "Domain '101' started\n\n")
    s.check(s.running_in_kernel(), "proc/vz/veinfo lists 101 after start")
    s.run(["list"], LIST_RUNNING)
    s.run(["domstate", "101"], "running\n\n")
    s.run(["dominfo", "101"], dominfo("running", 2, 524288, "disable"))
    s.run(["domid", "101"], "101\n\n")
    s.run(["domuuid", "101"], f"{UUID}\n\n")
    s.run(["dumpxml", "101"], DUMPXML)
    s.run(["dumpxml", "--inactive", "101"], DUMPXML.replace(" id='101'", ""))
    s.run(["start", "101"], "\n", "error: Domain is already active\n", 1)

    # Pause and resume, each command a process of its own: the paused
    # state must be seen by the next command too.
    s.run(["suspend", "101"], "Domain '101' suspended\n\n")
    s.check(s.frozen_in_kernel(), "the stand-in's kernel has 101 frozen")
    s.check(s.frozen_marker(), "the driver's marker says 101 is frozen")
    s.run(["domstate", "101"], "paused\n\n")
    s.run(["domstate", "--reason", "101"], "paused (user)\n\n")
    s.run(["list", "--all"], LIST_PAUSED)
    s.run(["list", "--state-paused", "--name"], "101\n\n")
    s.run(["list", "--state-running", "--name"], "\n")
    s.run(["suspend", "101"], "\n",
          "error: Failed to suspend domain '101'\n"
          "error: Requested operation is not valid: domain '101' is already paused\n", 1)
    s.run(["resume", "101"], "Domain '101' resumed\n\n")
    s.check(not s.frozen_in_kernel(), "the stand-in's kernel has 101 thawed")
    s.check(not s.frozen_marker(), "the driver's marker is gone after resume")
    s.run(["domstate", "101"], "running\n\n")
    s.run(["resume", "101"], "\n",
          "error: Failed to resume domain '101'\n"
          "error: Requested operation is not valid: domain '101' is not paused\n", 1)

    # The same in one process, commands read from stdin: the interactive
    # session, whose prompt and echo of each line virsh prints there too.
    prompt = "virtkit # " if os.geteuid() == 0 else "virtkit $ "
    s.run([], "Welcome to virtkit, the virtualization interactive terminal.\n\n"
          "Type:  'help' for help with commands\n       'quit' to quit\n\n"
          f"{prompt}suspend 101\nDomain '101' suspended\n\n{prompt}domstate 101\npaused\n\n"
          f"{prompt}resume 101\nDomain '101' resumed\n\n{prompt}domstate 101\nrunning\n\n"
          f"{prompt}\n",
          stdin="suspend 101\ndomstate 101\nresume 101\ndomstate 101\n")

    s.run(["setvcpus", "101", "3"], "\n")
    s.conf_has('CPUS="3"')
    s.run(["setmem", "101", "262144"], "\n")
    s.conf_has('PHYSPAGES="0:65536"')
    s.run(["dominfo", "101"], dominfo("running", 3, 262144, "disable"))
    s.run(["setvcpus", "101", "0"], "\n", "error: Can't set 0 processors for a VM\n", 1)
    s.conf_has('CPUS="3"')
    s.run(["autostart", "101"], "Domain '101' marked as autostarted\n\n")
    s.conf_has('ONBOOT="yes"')
    s.run(["list", "--autostart", "--name"], "101\n\n")
    s.run(["autostart", "--disable", "101"], "Domain '101' unmarked as autostarted\n\n")
    s.conf_has('ONBOOT="no"')

    s.run(["undefine", "101"], "\n",
          "error: Failed to undefine domain '101'\n"
          "error: Requested operation is not valid: vzctl destroy 101 failed (exit code 32): "
          "Container is currently running. Stop it first.\n", 1)
    s.check(s.conf() is not None, "101.conf is still there after a refused undefine")

    s.run(["shutdown", "101"], "Domain '101' is being shutdown\n\n")
    s.check(not s.running_in_kernel(), "proc/vz/veinfo no longer lists 101 after shutdown")
    s.run(["domstate", "101"], "shut off\n\n")
    s.run(["shutdown", "101"], "\n",
          "error: Failed to shutdown domain '101'\n"
          "error: Requested operation is not valid: domain '101' is not running\n", 1)

    # Destroyed while paused: a later start must not come back "paused".
    s.run(["start", "101"], "Domain '101' started\n\n")
    s.run(["suspend", "101"], "Domain '101' suspended\n\n")
    s.run(["destroy", "101"], "Domain '101' destroyed\n\n")
    s.check(not s.running_in_kernel(), "proc/vz/veinfo no longer lists 101 after destroy")
    s.check(not s.frozen_marker(), "the driver's marker is gone after destroy")
    s.run(["domstate", "101"], "shut off\n\n")
    s.run(["destroy", "101"], "\n",
          "error: Failed to destroy domain '101'\n"
          "error: Requested operation is not valid: domain '101' is not running\n", 1)
    s.run(["start", "101"], "Domain '101' started\n\n")
    s.run(["domstate", "101"], "running\n\n")
    s.run(["destroy", "101"], "Domain '101' destroyed\n\n")

    s.run(["undefine", "101"], "Domain '101' has been undefined\n\n")
    s.check(s.conf() is None, "101.conf is gone after undefine")
    s.check(os.path.exists(s.path("etc/vz/conf/101.conf.destroyed")),
            "vzctl destroy kept the config as 101.conf.destroyed")
    s.run(["list", "--all"], LIST_EMPTY)
    s.run(["dominfo", "101"], "\n",
          "error: failed to get domain '101'\n", 1)


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    s = Session(*(os.path.abspath(a) for a in sys.argv[1:]))
    try:
        session(s)
    finally:
        s.close()
    if failures:
        print(f"{len(failures)} step(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
