#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-install (virtinst) against virtkitd: --import --disk none
creates, defines and starts a domain; a second run with the same name is
refused by virt-install's own check; and virt-install's view of the host
(domain capabilities) validates against libvirt's schema.

test:///default state lives as long as some connection holds it (as in
libvirtd), so a python3-libvirt connection stays open for the whole run:
it checks the result and watches the lifecycle events virt-install
causes.  virt-install talks through a logging proxy (wirelog.py), so the
test also sees every procedure it sent and which ones failed.

usage: test-virt-install.py VIRTKITD
Exits 77 when virt-install is not installed."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading

if not shutil.which("virt-install"):
    print("virt-install not installed: skipped")
    sys.exit(77)

import libvirt  # noqa: E402  (python3-libvirt comes with virtinst)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import wirelog  # noqa: E402

BIN = sys.argv[1]
NAME = "vk-install-1"
SCHEMA = "/usr/share/libvirt/schemas/domaincaps.rng"
# Procedures whose failure is part of virt-install's normal run:
# DOMAIN_LOOKUP_BY_NAME (23) is its check that the name is still free.
EXPECTED_ERRORS = {23}


def run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def virt_install(uri, home, *extra):
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=home, XDG_CONFIG_HOME=home)
    args = ["virt-install", "--connect", uri, "--name", NAME, "--memory", "64",
            "--vcpus", "2", "--import", "--disk", "none",
            "--osinfo", "detect=on,require=off", "--noautoconsole"] + list(extra)
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)


def check_domcaps(conn):
    """The document virt-install reads, straight from the API."""
    xml = conn.getDomainCapabilities(None, None, None, None, 0)
    assert "<domain>test</domain>" in xml and "<path>/usr/bin/test-hv</path>" in xml, xml
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(xml)
        f.flush()
        r = subprocess.run(["xmllint", "--noout", "--relaxng", SCHEMA, f.name],
                           capture_output=True, text=True)
    assert r.returncode == 0, "domain capabilities do not validate:\n%s\n%s" % (r.stderr, xml)
    # An emulator the host does not have is an error naming it.
    try:
        conn.getDomainCapabilities("/usr/bin/no-such-emulator", None, None, None, 0)
        raise AssertionError("domain capabilities of a missing emulator succeeded")
    except libvirt.libvirtError as e:
        assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, e.get_error_code()
        assert "no-such-emulator" in str(e), str(e)
    print("ok domcaps validate against domaincaps.rng")


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_event_loop, daemon=True).start()
    with vkwire.Daemon(BIN) as d, tempfile.TemporaryDirectory(prefix="vk-vi-") as home:
        proxy = wirelog.Proxy(d.rw, os.path.join(home, "proxy-sock"))
        uri = "test+unix:///default?socket=" + proxy.path
        watch = libvirt.open("test+unix:///default?socket=" + d.rw)
        events = []
        cond = threading.Condition()

        def lifecycle(c, dom, event, detail, opaque):
            with cond:
                events.append((dom.name(), event))
                cond.notify_all()

        cb = watch.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          lifecycle, None)
        try:
            check_domcaps(watch)

            r = virt_install(uri, home)
            assert r.returncode == 0, "virt-install failed (%d):\n%s\n%s" % (
                r.returncode, r.stdout, r.stderr)
            assert "Domain creation completed" in r.stdout, r.stdout
            assert "ERROR" not in r.stderr, r.stderr
            print("ok virt-install --import --disk none")

            dom = watch.lookupByName(NAME)
            assert dom.isActive() == 1, "domain not running"
            assert dom.isPersistent() == 1, "domain not defined"
            state, maxmem, mem, ncpu, _ = dom.info()
            assert state == libvirt.VIR_DOMAIN_RUNNING, state
            assert maxmem == 65536 and ncpu == 2, dom.info()
            xml = dom.XMLDesc(0)
            assert "<name>%s</name>" % NAME in xml, xml
            assert dom.ID() > 0, dom.ID()
            print("ok domain %s running and persistent, 64 MiB, 2 vcpus" % NAME)

            want = {(NAME, libvirt.VIR_DOMAIN_EVENT_STARTED),
                    (NAME, libvirt.VIR_DOMAIN_EVENT_DEFINED)}
            with cond:
                ok = cond.wait_for(lambda: want <= set(events), timeout=60)
            assert ok, "lifecycle events seen: %r" % events
            print("ok lifecycle events STARTED and DEFINED")

            calls = proxy.calls()
            assert 342 in calls, "virt-install never asked for domain capabilities: %r" % calls
            assert 10 in calls and 11 in calls, "no CREATE_XML/DEFINE_XML: %r" % calls
            bad = [e for e in proxy.errors() if e[0] not in EXPECTED_ERRORS]
            assert not bad, "procedures that failed for virt-install: %r" % bad
            print("ok every procedure virt-install sent succeeded: %r" % sorted(set(calls)))

            # Error path: the name is taken; virt-install must say so and
            # leave the running domain alone.
            r = virt_install(uri, home)
            assert r.returncode != 0, "second virt-install with the same name succeeded"
            assert NAME in r.stderr and "in use" in r.stderr, r.stderr
            assert watch.lookupByName(NAME).isActive() == 1
            print("ok a second virt-install with the same name is refused")
        finally:
            watch.domainEventDeregisterAny(cb)
            watch.close()
            proxy.close()
        assert d.alive(), "virtkitd died:\n" + d.logtext()


if __name__ == "__main__":
    main()
