#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The network driver inside virtkitd, driven by the real virsh, all inside
a network namespace of the test's own: the first start of the daemon on a
fresh root defines and autostarts 'default' (192.168.122.0/24 NAT: bridge,
address, nftables table, dnsmasq); NAT, routed, isolated, open and
host-bridge networks start and stop; hostdev is refused precisely; after
net-destroy not one link, rule, process or file is left.  virtkitd is
then SIGKILLed: a restart reattaches to a network (and its ports) whose pieces are all
there, and cleans up and restarts one whose rules were removed behind its
back."""

import os
import shutil
import select
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import netns  # noqa: E402
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import VIRSH, alive  # noqa: E402

netns.enter([os.path.abspath(__file__)] + sys.argv[1:])
BIN = sys.argv[1]


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Net:
    def __init__(self, root):
        self.root = root
        self.run = os.path.join(root, "run", "network")
        self.etc = os.path.join(root, "etc", "network")
        self.daemon = None

    def start_daemon(self):
        self.daemon = vkwire.Daemon(BIN, extra=["--network-root", self.root])
        return self.daemon

    def virsh(self, *args, ok=True):
        return vktest.client(VIRSH, vktest.uri_of(self.daemon.rw), *args, ok=ok)

    def table(self):
        out = self.virsh("net-list", "--all").stdout.splitlines()[2:]
        rows = {}
        for line in out:
            parts = line.split()
            if parts:
                rows[parts[0]] = parts[1:]
        return rows

    def live_files(self, name):
        return sorted(f for f in os.listdir(self.run) if f.startswith(name + "."))


NAT_XML = """<network>
  <name>vknat</name>
  <forward mode='nat'/>
  <ip address='10.55.0.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.55.0.100' end='10.55.0.120'/>
      <host mac='52:54:00:55:00:01' name='fixed' ip='10.55.0.5'/>
    </dhcp>
  </ip>
</network>
"""

ISOLATED_XML = """<network>
  <name>vkiso</name>
  <bridge name='vkiso0'/>
  <domain name='iso.test'/>
  <dns><host ip='10.56.0.9'><hostname>box</hostname></host></dns>
  <ip address='10.56.0.1' prefix='24'/>
</network>
"""

ROUTE_XML = """<network>
  <name>vkroute</name>
  <forward mode='route'/>
  <bridge name='vkrt0'/>
  <mtu size='1400'/>
  <ip address='10.57.0.1' prefix='24'/>
</network>
"""

OPEN_XML = """<network>
  <name>vkopen</name>
  <forward mode='open'/>
  <bridge name='vkop0'/>
  <ip address='10.58.0.1' prefix='24'/>
  <dns enable='no'/>
</network>
"""

HOSTBR_XML = """<network>
  <name>vkhostbr</name>
  <forward mode='bridge'/>
  <bridge name='vkhost0'/>
</network>
"""

HOSTDEV_XML = """<network>
  <name>vkhostdev</name>
  <forward mode='hostdev' managed='yes'><pf dev='eth9'/></forward>
</network>
"""


def define_start(n, xml, name):
    path = os.path.join(n.root, name + ".xml")
    with open(path, "w") as f:
        f.write(xml)
    n.virsh("net-define", path)
    n.virsh("net-start", name)


def destroyed_clean(n, name, bridge, owned=True):
    n.virsh("net-destroy", name)
    if owned:
        check(bridge not in netns.links(), "%s left link %s" % (name, bridge))
    check(not any(bridge.replace("-", "_") in t for t in netns.tables()),
          "%s left rules: %s" % (name, netns.ruleset()))
    check(not netns.dnsmasqs(os.path.join(n.run, name + ".conf")),
          "%s left its dnsmasq" % name)
    check(n.live_files(name) == [], "%s left files %s" % (name, n.live_files(name)))


def main():
    root = tempfile.mkdtemp(prefix="vk-net-daemon-")
    n = Net(root)
    try:
        n.start_daemon()
        # ---- first start: 'default' defined, autostarted, whole ----
        rows = n.table()
        check(rows.get("default") == ["active", "yes", "yes"], "net-list: %s" % rows)
        check("virbr0" in netns.links(), "no virbr0: %s" % netns.links())
        check("192.168.122.1/24" in netns.addrs("virbr0"), "virbr0 addresses")
        check("virtkit_virbr0" in netns.tables(), "no NAT table: %s" % netns.ruleset())
        check("masquerade" in netns.ruleset(), "no masquerade rule")
        d0 = netns.dnsmasqs(os.path.join(n.run, "default.conf"))
        check(len(d0) == 1, "dnsmasq of default: %s" % d0)
        check(os.path.islink(os.path.join(n.etc, "autostart", "default.xml")), "autostart link")
        xml = n.virsh("net-dumpxml", "default").stdout
        check("<bridge name='virbr0' stp='on' delay='0'/>" in xml and "<mac address='52:54:00:"
              in xml, "default's XML:\n" + xml)
        check(n.virsh("net-uuid", "default").stdout.strip() in xml, "net-uuid")
        check(n.virsh("net-info", "default").stdout.split("Bridge:")[1].strip() == "virbr0",
              "net-info")
        # network:///system and interface:///system: the drivers alone, as
        # libvirt's per-driver daemons serve them (the same networks; host links)
        alone = "+unix:///system?socket=" + n.daemon.rw
        out = vktest.client(VIRSH, "network" + alone, "net-list", "--all").stdout
        check(" default " in out, "network:///system net-list:\n" + out)
        out = vktest.client(VIRSH, "interface" + alone, "iface-list", "--all").stdout
        check(" lo " in out, "interface:///system iface-list:\n" + out)
        # net-update: a static DHCP host, live and persistent; dnsmasq's
        # hosts file follows at once (it re-reads it on SIGHUP)
        host = "<host mac='52:54:00:aa:bb:01' name='vkupd' ip='192.168.122.77'/>"
        n.virsh("net-update", "default", "add", "ip-dhcp-host", host, "--live", "--config")
        hosts = open(os.path.join(n.run, "default.hosts")).read()
        check("52:54:00:aa:bb:01" in hosts and "192.168.122.77" in hosts, "hosts: " + hosts)
        for args in ([], ["--inactive"]):
            xml = n.virsh("net-dumpxml", "default", *args).stdout
            check("<host mac='52:54:00:aa:bb:01' name='vkupd' ip='192.168.122.77'/>" in xml,
                  "net-update %s:\n%s" % (args, xml))
        r = n.virsh("net-update", "default", "add", "ip-dhcp-host", host, ok=False)
        check(r.returncode != 0 and "existing dhcp host entry" in r.stderr, r.stderr)
        r = n.virsh("net-update", "default", "add", "ip-dhcp-host",
                    "<host mac='52:54:00:aa:bb:02' ip='10.9.9.9'/>", ok=False)
        check(r.returncode != 0, "a host outside the subnet was added")
        r = n.virsh("net-update", "default", "add", "portgroup", "<portgroup name='x'/>",
                    ok=False)
        check("can't update 'portgroup' section" in r.stderr, r.stderr)
        n.virsh("net-update", "default", "delete", "ip-dhcp-host", host, "--live", "--config")
        hosts = open(os.path.join(n.run, "default.hosts")).read()
        check("52:54:00:aa:bb:01" not in hosts, "hosts after delete: " + hosts)
        check("vkupd" not in n.virsh("net-dumpxml", "default", "--inactive").stdout,
              "host left in the config")
        out = vktest.client(VIRSH, "network" + alone, "list", ok=False)
        check(out.returncode != 0 and "not supported" in out.stderr,
              "domains on network:///system: %s" % out.stderr)

        # ---- a NAT network gets a free bridge name and MAC at define ----
        # (its lifecycle events watched by the real virsh meanwhile)
        mark = n.daemon.mark()
        # (stdbuf: virsh's stdout to a pipe would hold the lines back)
        events = subprocess.Popen(["stdbuf", "-oL", VIRSH, "-c", vktest.uri_of(n.daemon.rw),
                                   "net-event",
                                   "--event", "lifecycle", "--loop"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # registered once the daemon has dispatched its call (the define
        # below is a new virsh process, far slower than that call)
        n.daemon.wait_for("CONNECT_NETWORK_EVENT_REGISTER_ANY", start=mark)
        define_start(n, NAT_XML, "vknat")
        xml = n.virsh("net-dumpxml", "vknat").stdout
        check("<bridge name='virbr1' stp='on' delay='0'/>" in xml, "vknat's bridge:\n" + xml)
        check("10.55.0.1/24" in netns.addrs("virbr1"), "virbr1 addresses")
        with open(os.path.join(n.run, "vknat.hosts")) as f:
            check(f.read() == "52:54:00:55:00:01,10.55.0.5,fixed\n", "static hosts file")
        check(len(netns.dnsmasqs(os.path.join(n.run, "vknat.conf"))) == 1, "vknat dnsmasq")
        leases = n.virsh("net-dhcp-leases", "vknat").stdout
        check("Expiry Time" in leases, "net-dhcp-leases header: %r" % leases)
        # a second start is refused, as libvirt refuses it
        r = n.virsh("net-start", "vknat", ok=False)
        check(r.returncode != 0 and "already active" in r.stderr, r.stderr)
        destroyed_clean(n, "vknat", "virbr1")
        check(n.table()["vknat"] == ["inactive", "no", "yes"], "vknat after destroy")
        # events arrive on their own: read up to the last one, then ^C
        raw = b""
        fd = events.stdout.fileno()
        while b"for network vknat: Stopped" not in raw:
            if not select.select([fd], [], [], 60)[0]:
                break                      # a guard against a hang, not a timing
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            raw += chunk
        events.send_signal(signal.SIGINT)
        out = raw.decode() + events.communicate(timeout=60)[0]
        check(["Defined", "Started", "Stopped"] ==
              [l.rsplit(": ", 1)[1] for l in out.splitlines() if "for network vknat" in l],
              "lifecycle events:\n" + out)

        # ---- isolated (DNS only), routed (MTU), open: start and clean stop ----
        define_start(n, ISOLATED_XML, "vkiso")
        check("virtkit_vkiso0" in netns.tables(), "isolated rules")
        check("reject" in netns.ruleset(), "isolated rejects")
        with open(os.path.join(n.run, "vkiso.addnhosts")) as f:
            check(f.read() == "10.56.0.9\tbox\n", "DNS hosts file")
        destroyed_clean(n, "vkiso", "vkiso0")
        define_start(n, ROUTE_XML, "vkroute")
        check(" mtu 1400 " in os.popen("ip -o link show vkrt0").read(), "route MTU")
        check("masquerade" not in netns.ruleset().split("virtkit_vkrt0")[1], "route has no NAT")
        destroyed_clean(n, "vkroute", "vkrt0")
        define_start(n, OPEN_XML, "vkopen")
        check("virtkit_vkop0" not in netns.tables(), "open network has rules")
        check(not netns.dnsmasqs(os.path.join(n.run, "vkopen.conf")), "open: DNS off, no DHCP")
        destroyed_clean(n, "vkopen", "vkop0")

        # ---- host bridge: used, not made, not removed ----
        path = os.path.join(root, "hostbr.xml")
        with open(path, "w") as f:
            f.write(HOSTBR_XML)
        n.virsh("net-define", path)
        r = n.virsh("net-start", "vkhostbr", ok=False)
        check(r.returncode != 0 and "'vkhost0' does not exist" in r.stderr, r.stderr)
        os.system("ip link add vkhost0 type bridge")
        n.virsh("net-start", "vkhostbr")
        destroyed_clean(n, "vkhostbr", "vkhost0", owned=False)
        check("vkhost0" in netns.links(), "host bridge removed by net-destroy")
        os.system("ip link del vkhost0")

        # ---- hostdev: defined, refused at start with a precise error ----
        path = os.path.join(root, "hostdev.xml")
        with open(path, "w") as f:
            f.write(HOSTDEV_XML)
        n.virsh("net-define", path)
        r = n.virsh("net-start", "vkhostdev", ok=False)
        check(r.returncode != 0 and "forward mode 'hostdev' needs SR-IOV" in r.stderr, r.stderr)
        check(n.live_files("vkhostdev") == [], "refused start left files")
        n.virsh("net-undefine", "vkhostdev")
        check(not os.path.exists(os.path.join(n.etc, "vkhostdev.xml")), "undefine")

        # ---- autostart toggles the link ----
        n.virsh("net-autostart", "vknat")
        check(os.path.islink(os.path.join(n.etc, "autostart", "vknat.xml")), "autostart on")
        n.virsh("net-autostart", "vknat", "--disable")
        check(not os.path.lexists(os.path.join(n.etc, "autostart", "vknat.xml")), "autostart off")

        # ---- a network port, recorded in the run directory ----
        puuid = "3f1e9a7c-5b2d-4c8e-a1f0-6d7e8f9a0b1c"
        port = os.path.join(root, "port.xml")
        with open(port, "w") as f:
            f.write("<networkport><uuid>%s</uuid><owner><name>g</name>"
                    "<uuid>0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f</uuid></owner>"
                    "<mac address='52:54:00:12:00:01'/></networkport>" % puuid)
        n.virsh("net-port-create", "default", port)
        check(n.live_files("default").count("default.ports") == 1, "no port record")

        # ---- SIGKILL: a whole network is reattached, with its port ----
        n.daemon.proc.kill()
        n.daemon.proc.wait()
        n.daemon.stop()
        check(netns.dnsmasqs(os.path.join(n.run, "default.conf")) == d0, "dnsmasq survives")
        n.start_daemon()
        check(n.table()["default"][0] == "active", "default reattached")
        check(netns.dnsmasqs(os.path.join(n.run, "default.conf")) == d0, "same dnsmasq")
        ports = n.virsh("net-port-list", "default", "--uuid").stdout.split()
        check(ports == [puuid], "ports after reattach: %s" % ports)

        # ---- SIGKILL, rules removed behind its back: cleaned, restarted ----
        n.daemon.proc.kill()
        n.daemon.proc.wait()
        n.daemon.stop()
        os.system("nft delete table inet virtkit_virbr0")
        n.start_daemon()
        check(n.table()["default"][0] == "active", "default restarted by autostart")
        d1 = netns.dnsmasqs(os.path.join(n.run, "default.conf"))
        check(len(d1) == 1 and d1 != d0, "a fresh dnsmasq: %s vs %s" % (d1, d0))
        check(not alive(d0[0]), "the old dnsmasq was stopped")
        check("virtkit_virbr0" in netns.tables(), "rules back")
        ports = n.virsh("net-port-list", "default", "--uuid").stdout.split()
        check(ports == [], "a restarted network kept ports: %s" % ports)

        # ---- the end: nothing left ----
        destroyed_clean(n, "default", "virbr0")
        n.virsh("net-undefine", "vknat")
        n.virsh("net-undefine", "vkiso")
        check(netns.links() == ["lo"], "links left: %s" % netns.links())
        check(netns.tables() == [], "rules left: %s" % netns.ruleset())
        check(os.listdir(n.run) == [], "run files left: %s" % os.listdir(n.run))
        print("ok")
        return 0
    except BaseException:
        if n.daemon:
            print("---- virtkitd log ----\n" + n.daemon.logtext())
        raise
    finally:
        if n.daemon:
            n.daemon.stop()
        netns.kill_leftovers(root)
        shutil.rmtree(root, ignore_errors=True)


sys.exit(main())
