#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""lxc:///system inside a private virtkitd (--lxc-root), driven by the real
virtkit shell over lxc+unix:///system?socket=...: define and start a
busybox-static container whose init prints its hostname on the console.
From outside: its namespaces differ from ours, the console log has the
hostname, the memory cgroup has the limit; suspend freezes it (FROZEN),
resume thaws it; destroy leaves no process, cgroup or file.  Then a second
run: virtkitd is killed with SIGKILL while the container runs, started
again on the same root, and the container is still running and is
destroyed through the new daemon.  This process is a child subreaper, so
the supervisors orphaned by the kill become its children and are reaped
here.  Skips (77) when not root or without busybox-static."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import alive, reap, status_attr, uri_of  # noqa: E402

VIRTKITD = sys.argv[1]
SHELL = sys.argv[2]
BUSYBOX = "/bin/busybox"


def build_rootfs(root):
    for d in ("bin", "proc", "sys", "dev", "tmp", "etc"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, "bin", "busybox"))
    for applet in ("sh", "echo", "hostname", "sleep", "cat"):
        os.symlink("busybox", os.path.join(root, "bin", applet))


def domxml(name, rootfs):
    return f"""<domain type='lxc'>
  <name>{name}</name>
  <memory unit='KiB'>98304</memory>
  <vcpu>1</vcpu>
  <os>
    <type>exe</type>
    <init>/bin/sh</init>
    <initarg>-c</initarg>
    <initarg>echo HOST=$(hostname); exec /bin/sh</initarg>
  </os>
  <devices>
    <filesystem type='mount'><source dir='{rootfs}'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
"""


def console_hostname(sock, name):
    """`virtkit console` through the daemon: the container's own shell
    answers on it (what the typed line expands to, not its echo)."""
    con = vktest.open_console([SHELL, "-c", uri_of(sock, "lxc"), "console", name])
    con.write(b"echo H=$(hostname)=\r")
    con.read_until(("H=%s=" % name).encode())
    con.write(b"\x1d")
    assert con.wait() == 0, con.out


def shell(sock, *args, ok=True):
    return vktest.client(SHELL, uri_of(sock, "lxc"), *args, ok=ok)


def cgroup_dir(pid, ctrl):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if ctrl in ctrls.split(","):
                return "/sys/fs/cgroup/%s%s" % (ctrl, path)
    return None


def read(path):
    with open(path) as f:
        return f.read().strip()


def wait_log(path, needle):
    """The container writes its console log on its own schedule; Python's
    standard library has no inotify, so this re-reads the file a bounded
    number of times (a wait for a condition, not a timing assertion)."""
    for _ in range(200):
        try:
            if needle in read(path):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    raise AssertionError("console log %s never had %r" % (path, needle))


def main():
    if os.geteuid() != 0:
        print("SKIP: containers need root")
        return 77
    if not os.access(BUSYBOX, os.X_OK):
        print("SKIP: no busybox-static")
        return 77
    vktest.become_subreaper()
    tmp = tempfile.mkdtemp(prefix="vk-lxc-daemon-")
    root = os.path.join(tmp, "lxc")
    rootfs = os.path.join(tmp, "rootfs")
    build_rootfs(rootfs)
    xmlpath = os.path.join(tmp, "ct.xml")
    with open(xmlpath, "w") as f:
        f.write(domxml("vkct", rootfs))
    extra = ("--lxc-root", root)
    daemon = None
    pids = []
    try:
        daemon = vkwire.Daemon(VIRTKITD, extra=extra)
        # nothing is written under the root before the first define
        assert not os.path.exists(root), os.listdir(root)
        shell(daemon.rw, "define", xmlpath)
        shell(daemon.rw, "start", "vkct")
        assert shell(daemon.rw, "domstate", "vkct").stdout.strip() == "running"
        sup = int(status_attr(root, "vkct", "pid"))
        init = int(status_attr(root, "vkct", "init"))
        pids += [sup, init]
        for ns in ("pid", "mnt", "uts", "ipc", "net"):
            assert os.readlink("/proc/%d/ns/%s" % (init, ns)) != \
                os.readlink("/proc/self/ns/" + ns), ns
        wait_log(os.path.join(root, "log", "vkct.log"), "HOST=vkct")
        mem = cgroup_dir(init, "memory")
        assert mem and read(os.path.join(mem, "memory.limit_in_bytes")) == str(98304 * 1024)
        freezer = cgroup_dir(init, "freezer")

        shell(daemon.rw, "suspend", "vkct")
        assert shell(daemon.rw, "domstate", "vkct").stdout.strip() == "paused"
        assert read(os.path.join(freezer, "freezer.state")) == "FROZEN"
        shell(daemon.rw, "resume", "vkct")
        assert shell(daemon.rw, "domstate", "vkct").stdout.strip() == "running"
        assert read(os.path.join(freezer, "freezer.state")) == "THAWED"
        assert "State:          running" in shell(daemon.rw, "dominfo", "vkct").stdout
        console_hostname(daemon.rw, "vkct")

        shell(daemon.rw, "destroy", "vkct")
        reap(sup)
        assert not alive(init) and not alive(sup)
        assert shell(daemon.rw, "domstate", "vkct", "--reason").stdout.strip() == \
            "shut off (destroyed)"
        assert not os.path.exists(mem) and not os.path.exists(freezer)
        assert os.listdir(os.path.join(root, "run")) == []

        # SIGKILL of the daemon with the container running
        shell(daemon.rw, "start", "vkct")
        sup = int(status_attr(root, "vkct", "pid"))
        init = int(status_attr(root, "vkct", "init"))
        pids += [sup, init]
        mem = cgroup_dir(init, "memory")
        daemon.proc.kill()
        daemon.proc.wait()
        daemon.stop()
        daemon = None
        assert alive(init) and alive(sup), "the container died with virtkitd"

        daemon = vkwire.Daemon(VIRTKITD, extra=extra)
        assert shell(daemon.rw, "domstate", "vkct").stdout.strip() == "running"
        assert int(status_attr(root, "vkct", "init")) == init
        console_hostname(daemon.rw, "vkct")
        shell(daemon.rw, "suspend", "vkct")
        assert read(os.path.join(cgroup_dir(init, "freezer"), "freezer.state")) == "FROZEN"
        shell(daemon.rw, "resume", "vkct")
        shell(daemon.rw, "destroy", "vkct")
        reap(sup)
        assert not alive(init) and not alive(sup)
        assert not os.path.exists(mem)
        shell(daemon.rw, "undefine", "vkct")
        assert shell(daemon.rw, "list", "--all", "--name").stdout.strip() == ""
        assert os.listdir(os.path.join(root, "run")) == []
        print("ok: virtkit shell through virtkitd on lxc:///system; namespaces, cgroup, "
              "freezer; SIGKILL of virtkitd; reattach; destroy")
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext())
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        vktest.kill_all(pids)
        # a container left by a failure: its cgroups go with the rest
        subprocess.run(["find", "/sys/fs/cgroup", "-depth", "-type", "d", "-path",
                        "*/virtkit/lxc-*", "-path", "*vkct*", "-exec", "rmdir", "{}", ";"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
