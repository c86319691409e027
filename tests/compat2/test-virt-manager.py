#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-manager, headless under xvfb-run, against virtkitd.

virt-manager is started with --no-fork --debug on a private virtkitd
(through the logging proxy wirelog.py) and its debug log is read line by
line as it runs.  The test waits until the connection reaches the Active
state with the domains, the network and the storage pool listed, then
starts a domain from a second client and waits for virt-manager to log
the STARTED lifecycle event.  Then virt-manager is stopped, and started
again on the running domain's details window (which reads the domain
capabilities).  Nothing in
its log may show a failure (errors fetching or registering, objects it
gave up on, tracebacks), and no procedure it sent may have failed but
NODE_DEVICE_IS_ACTIVE, which libvirt's test driver refuses as well.

Everything waits on a condition fed by the log reader; the whole run is
bounded by `timeout` around virt-manager and by the waits' deadlines.

usage: test-virt-manager.py VIRTKITD
Exits 77 when virt-manager or xvfb-run is not installed."""

import os
import shutil
import sys
import tempfile

if not shutil.which("virt-manager") or not shutil.which("xvfb-run"):
    print("virt-manager or xvfb-run not installed: skipped")
    sys.exit(77)

import libvirt  # noqa: E402  (python3-libvirt comes with virt-manager)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import wirelog  # noqa: E402
from vmm import run_virt_manager  # noqa: E402

BIN = sys.argv[1]
GUEST = "vk-vmm-guest"
GUEST_XML = """<domain type='test'>
  <name>%s</name>
  <memory unit='KiB'>65536</memory>
  <vcpu>1</vcpu>
  <os><type arch='i686'>hvm</type></os>
  <devices>
    <interface type='network'><source network='default'/></interface>
  </devices>
</domain>""" % GUEST

def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    with vkwire.Daemon(BIN) as d, tempfile.TemporaryDirectory(prefix="vk-vmm-") as home:
        proxy = wirelog.Proxy(d.rw, os.path.join(home, "proxy-sock"))
        uri = "test+unix:///default?socket=" + proxy.path
        # Holds test:///default's state and changes it under virt-manager.
        other = libvirt.open("test+unix:///default?socket=" + d.rw)
        try:
            other.defineXML(GUEST_XML)

            def manager(log):
                log.wait_for(["conn=%s changed to state=Active" % uri,
                              "domain=test status=Running added",
                              "domain=%s status=Shutoff added" % GUEST,
                              "network=default status=Active added",
                              "pool=default-pool status=Active added",
                              "Using domain events", "Using network events",
                              "Using storage pool events", "Using node device events"])
                print("ok virt-manager connected: Active, domains test and %s listed" % GUEST)
                other.lookupByName(GUEST).create()
                log.wait_for(["domain lifecycle event: domain=%s "
                              "state=VIR_DOMAIN_EVENT_STARTED" % GUEST])
                print("ok virt-manager saw %s start (lifecycle event)" % GUEST)

            run_virt_manager(uri, home, [], manager)
            print("ok no failure in virt-manager's log (manager window)")

            calls = proxy.calls()
            for proc_no, what in [(316, "domain events"), (313, "network events"),
                                  (368, "storage pool events"), (374, "node device events"),
                                  (273, "list domains"), (283, "list networks"),
                                  (281, "list pools"), (285, "list node devices")]:
                assert proc_no in calls, "virt-manager never called %d (%s): %r" % (
                    proc_no, what, calls)
            mark = len(calls)

            # The domain's details window reads the domain capabilities.
            def details(log):
                log.wait_for(["conn=%s changed to state=Active" % uri,
                              "Fetched domain capabilities for",
                              "Showing VM details: <vmmDomain name=%s " % GUEST])
                print("ok virt-manager shows the details of %s" % GUEST)

            run_virt_manager(uri, home, ["--show-domain-editor", GUEST], details)
            print("ok no failure in virt-manager's log (details window)")
            assert 342 in proxy.calls()[mark:], "details window without domain capabilities"

            # NODE_DEVICE_IS_ACTIVE (436) is refused as libvirt's own test
            # driver refuses it; virt-manager takes the device as active.
            errors = [e for e in proxy.errors()
                      if not (e[0] == 436 and e[1].startswith("code 3:"))]
            assert not errors, "procedures that failed for virt-manager: %r" % errors
            print("ok every procedure virt-manager sent succeeded: %r"
                  % sorted(set(proxy.calls())))
        finally:
            other.close()
            proxy.close()
        assert d.alive(), "virtkitd died:\n" + d.logtext()


if __name__ == "__main__":
    main()
