# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the network tests share: each runs inside a network namespace of
its own (the script re-executes itself under `unshare -n`, so the host's
links, routes and nftables rules are never seen, let alone touched), and
checks from outside the daemon what a network left on the host: links,
nftables tables, dnsmasq processes, files."""

import os
import shutil
import subprocess
import sys

import vktest


def enter(script_args, own_sysfs=False):
    """Re-executes this test inside a new network namespace (once); in it,
    brings lo up and makes this process the child subreaper, so the
    dnsmasqs that daemonize below us are ours to reap.  own_sysfs: in a
    mount namespace too, with a sysfs of the new network namespace on
    /sys (a sysfs shows the links of the namespace that mounted it)."""
    if os.environ.get("VK_NETNS_INSIDE") != "1":
        if os.geteuid() != 0 or not os.access("/usr/bin/unshare", os.X_OK):
            print("SKIP: needs root and unshare")
            sys.exit(77)
        for tool in ("/usr/sbin/dnsmasq", "/usr/sbin/nft"):
            if not os.access(tool, os.X_OK):
                print("SKIP: %s missing (scripts/install-deps.sh installs it)" % tool)
                sys.exit(77)
        env = dict(os.environ, VK_NETNS_INSIDE="1")
        r = subprocess.run(["/usr/bin/unshare", "-n"] + (["-m"] if own_sysfs else []) +
                           [sys.executable] + script_args, env=env)
        sys.exit(r.returncode)
    if own_sysfs:
        subprocess.run(["mount", "-t", "sysfs", "sysfs", "/sys"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    vktest.become_subreaper()


def links():
    """Names of the links in this namespace."""
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True,
                         check=True).stdout
    return sorted(line.split(":")[1].strip().split("@")[0] for line in out.splitlines())


def addrs(dev):
    out = subprocess.run(["ip", "-o", "addr", "show", "dev", dev], capture_output=True,
                         text=True).stdout
    return [line.split()[3] for line in out.splitlines()]


def ruleset():
    return subprocess.run(["nft", "list", "ruleset"], capture_output=True, text=True,
                          check=True).stdout


def tables():
    return [line.split()[2] for line in ruleset().splitlines() if line.startswith("table ")]


def dnsmasqs(tag):
    """Pids of live dnsmasqs whose command line mentions tag (reaping the
    exited ones first: they are ours through the subreaper)."""
    vktest.reap_all()
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"dnsmasq") and any(tag.encode() in c for c in cmd) \
                and vktest.alive(int(d)):
            pids.append(int(d))
    return pids


def kill_leftovers(tag):
    """A failed test must not leave dnsmasq behind (it would keep the
    namespace alive): SIGKILL and reap."""
    vktest.kill_all(dnsmasqs(tag))


def dump(daemon, consoles=()):
    """On a failure: the daemon's log and the guests' consoles."""
    if daemon:
        print("---- virtkitd log ----\n" + daemon.logtext()[-20000:])
    for c in consoles:
        print("---- console ----\n" + c.out.decode(errors="replace"))


def finish(daemon, root, client=None, uri=None, names=(), consoles=()):
    """At the end of a test, passed or not: the consoles killed, the
    guests named destroyed (through client on uri), the daemon stopped,
    what dnsmasq it left killed, every child reaped, root removed."""
    for c in consoles:
        try:
            os.kill(c.pid, 9)
            os.waitpid(c.pid, 0)
        except OSError:
            pass
    if daemon:
        for name in names:
            try:
                vktest.client(client, uri or vktest.uri_of(daemon.rw), "destroy", name, ok=False)
            except Exception:
                pass
        daemon.stop()
    kill_leftovers(root)
    vktest.reap_all()
    shutil.rmtree(root, ignore_errors=True)
    # under the sanitizers, what the daemon reported fails the test
    log = daemon.logtext() if daemon else ""
    for mark in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
        if mark in log:
            raise AssertionError("virtkitd: %s\n%s" % (mark, log[log.index(mark) - 200:][:6000]))
