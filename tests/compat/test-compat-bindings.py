#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Language bindings and virt-manager in-process on virtkit's libvirt.so.0.

1. Perl's Sys::Virt: one script run twice, on the system's libvirt and
   through virtkit-run on virtkit's; it reports which libvirt.so.0 it
   mapped, then what test:///default holds (domains, states, networks,
   pools), a define/lookup/undefine round and the error codes after it.
   Apart from the library line the two outputs must be the same.
2. Go's libvirt-go (cgo): one program built once, run on both libraries
   in the same way as the Perl script.
3. virt-install through virtkit-run creates a domain on test:///default.
4. virt-manager, headless, through virtkit-run with test:///default:
   the python process maps virtkit's library, the connection becomes
   Active with the test driver's domain, network and pool, and its debug
   log holds no failure.

usage: test-compat-bindings.py COMPAT_DIR
Each part is skipped (and said so) when its peer is not installed; all
missing exits 77."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat2"))
from vmm import run_virt_manager  # noqa: E402

COMPAT = os.path.abspath(sys.argv[1])
RUN = ["sh", os.path.join(COMPAT, "virtkit-run")]

# meson puts the build's library directories on LD_LIBRARY_PATH; the
# system's run must not see virtkit's libvirt.so.0 that way, and the
# other runs must get it only from virtkit-run.
os.environ["LD_LIBRARY_PATH"] = ":".join(
    p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":")
    if p and not os.path.abspath(p).startswith(COMPAT))
if not os.environ["LD_LIBRARY_PATH"]:
    del os.environ["LD_LIBRARY_PATH"]

PERL = r'''
use strict;
use warnings;
use Sys::Virt;

open(my $maps, "<", "/proc/self/maps") or die;
my ($lib) = map { /(\S*libvirt\.so\.0\S*)$/ ? $1 : () } <$maps>;
print "lib $lib\n";

my $c = Sys::Virt->new(uri => "test:///default");
for my $d (sort { $a->get_name cmp $b->get_name } $c->list_all_domains()) {
    my ($state, $reason) = $d->get_state();
    printf "domain %s state %d id %d vcpus %d\n", $d->get_name, $state,
        $d->get_id, $d->get_info()->{nrVirtCpu};
}
printf "network %s active %d\n", $_->get_name, $_->is_active for $c->list_all_networks();
printf "pool %s active %d\n", $_->get_name, $_->is_active for $c->list_all_storage_pools();
my $d = $c->define_domain("<domain type='test'><name>perl-probe</name>"
    . "<memory>65536</memory><os><type>hvm</type></os></domain>");
my $again = $c->get_domain_by_name("perl-probe");
printf "defined %s same-uuid %d\n", $again->get_name,
    $again->get_uuid_string eq $d->get_uuid_string ? 1 : 0;
$d->undefine();
eval { $c->get_domain_by_name("perl-probe") };
printf "after undefine code %d\n", $@ ? $@->code : -1;
eval { $d->create() };
printf "start undefined code %d\n", $@ ? $@->code : -1;
'''


GO = r'''
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	libvirt "github.com/libvirt/libvirt-go"
)

func main() {
	maps, _ := os.Open("/proc/self/maps")
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 5 && strings.Contains(f[5], "libvirt.so.0") {
			fmt.Println("lib", f[5])
			break
		}
	}
	conn, err := libvirt.NewConnect("test:///default")
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(1)
	}
	defer conn.Close()
	doms, err := conn.ListAllDomains(0)
	if err != nil {
		fmt.Println("list failed:", err)
		os.Exit(1)
	}
	names := []string{}
	for _, d := range doms {
		n, _ := d.GetName()
		st, _, _ := d.GetState()
		names = append(names, fmt.Sprintf("%s:%d", n, st))
		d.Free()
	}
	sort.Strings(names)
	fmt.Println("domains", names)
	nets, _ := conn.ListAllNetworks(0)
	for _, n := range nets {
		name, _ := n.GetName()
		fmt.Println("network", name)
		n.Free()
	}
	_, err = conn.LookupDomainByName("go-probe-missing")
	if lerr, ok := err.(libvirt.Error); ok {
		fmt.Println("lookup error code", int(lerr.Code), "domain", int(lerr.Domain))
	}
}
'''
GOPATH_DEBIAN = "/usr/share/gocode"


def compare_runs(what, argv, env):
    """argv run on the system's libvirt and through virtkit-run: the same
    output but for the first line, which names the mapped library."""
    system = subprocess.run(argv, capture_output=True, text=True, env=env)
    ours = subprocess.run(RUN + argv, capture_output=True, text=True, env=env)
    check(system.returncode == 0, "%s runs on the system's libvirt: %s" % (what, system.stderr))
    check(ours.returncode == 0, "%s runs on virtkit's libvirt.so.0: %s" % (what, ours.stderr))
    sys_lines, our_lines = system.stdout.splitlines(), ours.stdout.splitlines()
    check(our_lines[0].startswith("lib " + COMPAT + "/"),
          "%s mapped virtkit's library (%s)" % (what, our_lines[0]))
    check(not sys_lines[0].startswith("lib " + COMPAT),
          "the system run of %s used the system's library" % what)
    check(sys_lines[1:] == our_lines[1:],
          "%s prints the same on both (%d lines)\n  system: %r\n  ours:   %r"
          % (what, len(our_lines) - 1, sys_lines[1:], our_lines[1:]))
    return our_lines


def go_binding(tmp):
    src = os.path.join(tmp, "probe.go")
    with open(src, "w") as f:
        f.write(GO)
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH_DEBIAN + ":" + os.path.join(tmp, "gopath"),
               GOCACHE=os.path.join(tmp, "gocache"), HOME=tmp, VIRTKIT_COMPAT_DIR=COMPAT)
    exe = os.path.join(tmp, "probe-go")
    built = subprocess.run(["go", "build", "-o", exe, src], capture_output=True, text=True,
                           env=env, cwd=tmp)
    check(built.returncode == 0, "libvirt-go program builds: %s" % built.stderr)
    lines = compare_runs("libvirt-go", [exe], env)
    check("domains [test:1]" in lines, "libvirt-go lists the test driver's running domain")


def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


def perl_binding(tmp):
    script = os.path.join(tmp, "probe.pl")
    with open(script, "w") as f:
        f.write(PERL)
    env = dict(os.environ, VIRTKIT_COMPAT_DIR=COMPAT)
    our_lines = compare_runs("Sys::Virt", ["perl", script], env)
    check(any(line.startswith("domain test state 1") for line in our_lines),
          "the test driver's running domain is listed")


def virt_install(tmp):
    env = dict(os.environ, VIRTKIT_COMPAT_DIR=COMPAT, HOME=tmp, XDG_CACHE_HOME=tmp,
               XDG_CONFIG_HOME=tmp)
    # virt-install's own process prints which libvirt.so.0 python loaded
    probe = ("import ctypes, virtinst.virtinstall as v, sys; "
             "print([l.split()[-1] for l in open('/proc/self/maps') "
             "if 'libvirt.so.0' in l][0], flush=True); sys.argv = sys.argv[1:]; v.runcli()")
    r = subprocess.run(RUN + ["/usr/bin/python3", "-c", probe, "virt-install",
                              "--connect", "test:///default", "--name", "vi-probe",
                              "--memory", "64", "--disk", "none", "--import", "--noautoconsole",
                              "--osinfo", "detect=on,require=off"],
                       capture_output=True, text=True, env=env, timeout=120, cwd="/usr/share/virt-manager")
    check(r.returncode == 0 and "Domain creation completed" in r.stdout,
          "virt-install creates a domain in-process on virtkit's library: %s %s"
          % (r.stdout[-300:], r.stderr[-300:]))
    check(r.stdout.startswith(COMPAT + "/"), "virt-install mapped virtkit's library (%s)"
          % r.stdout.splitlines()[0])


def maps_of_virt_manager(root_pid):
    """The library path of libvirt.so.0 in virt-manager's python process
    (a descendant of the process group leader xvfb-run)."""
    for _ in range(600):
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    cmd = f.read().split(b"\0")
                if not any(c.endswith(b"virt-manager") for c in cmd[:2]):
                    continue
                if os.getpgid(int(pid)) != root_pid:
                    continue
                with open("/proc/%s/maps" % pid) as f:
                    libs = {line.split()[-1] for line in f if "libvirt.so.0" in line}
                if libs:
                    return libs
            except OSError:
                continue
        time.sleep(0.1)
    return set()


def virt_manager(tmp):
    seen = {}

    def started(proc):
        seen["pgid"] = proc.pid

    def phase(log):
        log.wait_for(["conn=test:///default changed to state=Active",
                      "domain=test status=Running added",
                      "network=default status=Active added",
                      "pool=default-pool status=Active added"])
        seen["libs"] = maps_of_virt_manager(seen["pgid"])

    env_before = os.environ.get("VIRTKIT_COMPAT_DIR")
    os.environ["VIRTKIT_COMPAT_DIR"] = COMPAT
    try:
        # libvirt's own test driver has no keepalive either: virt-manager
        # logs that at DEBUG level on both libraries
        run_virt_manager("test:///default", tmp, [], phase, wrapper=RUN, started=started,
                         allowed=["Failed to setKeepAlive: this function is not supported"])
    finally:
        if env_before is None:
            del os.environ["VIRTKIT_COMPAT_DIR"]
        else:
            os.environ["VIRTKIT_COMPAT_DIR"] = env_before
    print("ok virt-manager connected to test:///default in-process: Active, "
          "domain, network and pool listed, no failure logged")
    libs = seen.get("libs", set())
    check(len(libs) == 1 and next(iter(libs)).startswith(COMPAT + "/"),
          "virt-manager's process mapped virtkit's libvirt.so.0 only (%s)" % libs)


def main():
    if not os.path.exists(os.path.join(COMPAT, "libvirt.so.0")):
        check(False, "no libvirt.so.0 in %s" % COMPAT)
    have_perl = subprocess.run(["perl", "-MSys::Virt", "-e", "1"],
                               capture_output=True).returncode == 0
    have_vmm = shutil.which("virt-manager") and shutil.which("xvfb-run")
    have_go = shutil.which("go") and os.path.isdir(
        os.path.join(GOPATH_DEBIAN, "src/github.com/libvirt/libvirt-go"))
    if not have_perl and not have_vmm and not have_go:
        print("SKIP: none of Sys::Virt, libvirt-go, virt-manager is installed")
        return 77
    with tempfile.TemporaryDirectory(prefix="vk-bindings-") as tmp:
        if have_perl:
            perl_binding(tmp)
        else:
            print("skip Sys::Virt: libsys-virt-perl not installed")
        if have_go:
            go_binding(tmp)
        else:
            print("skip libvirt-go: golang-go or golang-github-libvirt-libvirt-go-dev missing")
        if shutil.which("virt-install"):
            virt_install(tmp)
        else:
            print("skip virt-install: not installed")
        if have_vmm:
            virt_manager(tmp)
        else:
            print("skip virt-manager: not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
