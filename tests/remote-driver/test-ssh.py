#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ssh transport, both ways, through a real sshd.

Everything runs in a private network and mount namespace the test makes:
sshd listens on that namespace's loopback with its own host key, config
and authorized key; /run/libvirt is a private tmpfs where virtkitd serves
libvirt's socket names.  A wrapper passed as ?command= gives ssh its own
config (keys, known_hosts in the temp directory), so nothing of the host's
ssh setup is read or written.

  1. the real virsh, qemu+ssh:// -> libvirt's virt-ssh-helper -> virtkitd
  2. the virtkit shell, qemu+ssh:// -> (auto proxy) -> virtkitd, and again
     with proxy=netcat (nc -U on libvirt-sock)
  3. the virtkit shell to a private libvirtd over ssh (?socket=)
  4. a key the server does not accept: a precise failure, no hang
usage: test-ssh.py VIRTKIT VIRTKITD"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
GUARD = 60
PORT = 2222
DOMAIN = """<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os></domain>"""


def run(cmd, ok=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=GUARD, **kw)
    if ok and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(cmd), r.returncode,
                                                       r.stdout, r.stderr))
    return r


def wait_for(path):
    end = time.monotonic() + GUARD
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise AssertionError("%s never appeared" % path)
        time.sleep(0.05)


def wait_for_port(port):
    """sshd -D writes no pid file: it is up when it accepts."""
    end = time.monotonic() + GUARD
    while True:
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
            return
        except OSError:
            if time.monotonic() > end:
                raise AssertionError("sshd never listened on port %d" % port)
            time.sleep(0.05)
        finally:
            s.close()


def setup_ssh(tmp):
    run(["ip", "link", "set", "lo", "up"])
    os.makedirs("/run/sshd", exist_ok=True)
    hostkey, userkey = os.path.join(tmp, "hostkey"), os.path.join(tmp, "userkey")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey])
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", userkey])
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(tmp, "otherkey")])
    shutil.copy(userkey + ".pub", os.path.join(tmp, "authorized_keys"))
    cfg = os.path.join(tmp, "sshd_config")
    open(cfg, "w").write(
        "Port %d\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPidFile %s\n"
        "AcceptEnv none\n" % (PORT, hostkey, os.path.join(tmp, "authorized_keys"),
                              os.path.join(tmp, "sshd.pid")))
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", cfg, "-E",
                             os.path.join(tmp, "sshd.log")])
    try:
        wait_for_port(PORT)
    except AssertionError:
        sshd.kill()
        raise AssertionError("sshd did not start: " + open(os.path.join(tmp, "sshd.log")).read())
    wrappers = {}
    for name, key in (("ok", userkey), ("bad", os.path.join(tmp, "otherkey"))):
        conf = os.path.join(tmp, "ssh_config_" + name)
        open(conf, "w").write(
            "Host *\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n"
            "  StrictHostKeyChecking accept-new\n  LogLevel ERROR\n"
            % (key, os.path.join(tmp, "known_hosts")))
        wrap = os.path.join(tmp, "ssh-" + name)
        open(wrap, "w").write("#!/bin/sh\nexec ssh -F %s \"$@\"\n" % conf)
        os.chmod(wrap, 0o755)
        wrappers[name] = wrap
    return sshd, wrappers


def start_libvirtd(tmp):
    d = os.path.join(tmp, "libvirtd")
    os.mkdir(d)
    conf = os.path.join(d, "libvirtd.conf")
    open(conf, "w").write('unix_sock_dir = "%s"\nauth_unix_rw = "none"\n'
                          'auth_unix_ro = "none"\n' % d)
    drv = os.path.join(d, "drivers")
    os.mkdir(drv)
    pidfile = os.path.join(d, "pid")
    subprocess.run(["/usr/sbin/libvirtd", "--daemon", "--config", conf, "--pid-file", pidfile],
                   env=dict(os.environ, LIBVIRT_DRIVER_DIR=drv), check=True, timeout=GUARD)
    return int(open(pidfile).read()), os.path.join(d, "libvirt-sock")


def inside(virtkit, virtkitd):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        sshd, wrap = setup_ssh(tmp)
        daemon = subprocess.Popen([virtkitd, "--libvirt-sockets", "--qemu-root",
                                   os.path.join(tmp, "qemu")],
                                  stdout=open(os.path.join(tmp, "virtkitd.log"), "w"),
                                  stderr=subprocess.STDOUT)
        lvpid = None
        try:
            wait_for("/run/libvirt/libvirt-sock-ro")
            base = "qemu+ssh://root@127.0.0.1:%d/system?command=%s&no_tty=1" % (PORT, wrap["ok"])
            for n, tool in (("virsh", "/usr/bin/virsh"), ("virtkit", virtkit)):
                xml = os.path.join(tmp, n + ".xml")
                open(xml, "w").write(DOMAIN % ("over-ssh-" + n))
                run([tool, "-c", base, "define", xml])
            for label, tool, uri in (("virsh", "/usr/bin/virsh", base),
                                     ("virtkit auto", virtkit, base),
                                     ("virtkit netcat", virtkit, base + "&proxy=netcat")):
                out = run([tool, "-c", uri, "list", "--all", "--name"]).stdout.split()
                if sorted(out) != ["over-ssh-virsh", "over-ssh-virtkit"]:
                    failures.append("%s over ssh lists %s" % (label, out))
            # the same domain seen through ssh and through the local socket
            local = run(["/usr/bin/virsh", "-c", "qemu:///system", "dumpxml",
                         "over-ssh-virtkit"]).stdout
            remote = run([virtkit, "-c", base, "dumpxml", "over-ssh-virtkit"]).stdout
            if local != remote:
                failures.append("dumpxml over ssh differs from the local one")
            for n in ("virsh", "virtkit"):
                run([virtkit, "-c", base, "undefine", "over-ssh-" + n])

            # a libvirt host: the private libvirtd's test driver, over nc
            lvpid, lvsock = start_libvirtd(tmp)
            uri = "test+ssh://root@127.0.0.1:%d/default?command=%s&no_tty=1&socket=%s" % (
                PORT, wrap["ok"], lvsock)
            out = run([virtkit, "-c", uri, "list", "--name"]).stdout.split()
            if out != ["test"]:
                failures.append("virtkit -> libvirtd over ssh lists %s" % out)

            # refused key: fails, and says why, without waiting for a prompt
            bad = base.replace(wrap["ok"], wrap["bad"])
            r = run([virtkit, "-c", bad, "list"], ok=False)
            if r.returncode == 0:
                failures.append("a refused key still connected")
            elif "Permission denied" not in r.stderr:
                failures.append("refused key: no reason given: %s" % r.stderr[-500:])
        finally:
            if lvpid:
                os.kill(lvpid, 15)
            daemon.terminate()
            daemon.wait(timeout=GUARD)
            sshd.terminate()
            sshd.wait(timeout=GUARD)
    return failures


def main():
    virtkit, virtkitd = sys.argv[1], sys.argv[2]
    for b in ("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/virsh", "/usr/bin/nc",
              "/usr/sbin/libvirtd"):
        if not os.path.exists(b):
            print("%s not installed" % b)
            return SKIP
    if os.environ.get("VK_IN_NS") != "1":
        if os.geteuid() != 0:
            print("needs root for namespaces")
            return SKIP
        cmd = ["unshare", "-m", "-n", "--propagation", "private", "sh", "-c",
               "mkdir -p /run/libvirt && mount -t tmpfs vk-ssh /run/libvirt && "
               "mount -t tmpfs -o mode=0755 vk-sshd /run/sshd 2>/dev/null || "
               "{ mkdir -p /run/sshd && mount -t tmpfs -o mode=0755 vk-sshd /run/sshd; }; "
               "exec \"$0\" \"$@\"", sys.executable] + sys.argv
        return subprocess.run(cmd, env=dict(os.environ, VK_IN_NS="1")).returncode
    failures = inside(virtkit, virtkitd)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
