# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the tests of migration between two virtkitd on one machine share:
a "host" (a virtkitd with its own QEMU root, which can be killed and
started again on that root), the waits and reads around it, and the
frame that makes the hosts in a temporary directory, prints their logs
when a step fails and leaves nothing behind."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402
from vktest import virsh, uri_of  # noqa: E402

GUARD = 120


def states(sock):
    return vktest.list_states(virsh(sock, "list", "--all").stdout)


def wait_until(pred, what, guard=GUARD):
    """Bounds a wait only to catch a hang."""
    end = time.monotonic() + guard
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("never happened: " + what)
        time.sleep(0.1)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Host:
    """One virtkitd (binary) with its own QEMU root under base."""

    def __init__(self, binary, label, base):
        self.binary = binary
        self.root = os.path.join(base, label)
        os.makedirs(self.root)
        self.daemon = None
        self.start()

    def start(self):
        """(Again) on the same root: it reattaches to the guests there."""
        self.daemon = vkwire.Daemon(self.binary,
                                    env=dict(os.environ, VIRTKIT_QEMU_ROOT=self.root))
        self.sock = self.daemon.rw
        self.uri = uri_of(self.sock)

    def kill(self):
        """SIGKILL: no shutdown of its own, its QEMUs keep running."""
        self.daemon.proc.kill()
        self.daemon.stop()

    def stop(self):
        """The daemon, and any guest a failed step left on this host."""
        self.daemon.stop()
        vktest.kill_all([p for p in vktest.guests_under(self.root) if p])


def certtool(*args):
    subprocess.run(["certtool"] + list(args), check=True, capture_output=True)


def make_pki(base, hosts):
    """A throw-away CA; per host (its .root, .addr) a directory, its .pki,
    with QEMU's file names: the CA, a server certificate for the host's
    address, a client one."""
    ca = os.path.join(base, "ca")
    os.makedirs(ca)
    with open(os.path.join(ca, "ca.info"), "w") as f:
        f.write("cn = virtkit migration test CA\nca\ncert_signing_key\nexpiration_days = 2\n")
    certtool("--generate-privkey", "--outfile", os.path.join(ca, "ca-key.pem"))
    certtool("--generate-self-signed", "--load-privkey", os.path.join(ca, "ca-key.pem"),
             "--template", os.path.join(ca, "ca.info"), "--outfile",
             os.path.join(ca, "ca-cert.pem"))
    for h in hosts:
        d = h.pki = os.path.join(base, os.path.basename(h.root) + "-pki")
        os.makedirs(d)
        shutil.copy(os.path.join(ca, "ca-cert.pem"), d)
        for role, usage in (("server", "tls_www_server"), ("client", "tls_www_client")):
            info = os.path.join(d, role + ".info")
            with open(info, "w") as f:
                f.write("organization = virtkit\ncn = %s\nip_address = %s\n%s\n"
                        "encryption_key\nsigning_key\nexpiration_days = 2\n"
                        % (h.addr, h.addr, usage))
            key = os.path.join(d, role + "-key.pem")
            certtool("--generate-privkey", "--outfile", key)
            certtool("--generate-certificate", "--load-privkey", key, "--load-ca-certificate",
                     os.path.join(ca, "ca-cert.pem"), "--load-ca-privkey",
                     os.path.join(ca, "ca-key.pem"), "--template", info, "--outfile",
                     os.path.join(d, role + "-cert.pem"))


def set_cert_dir(h, d):
    """The host's qemu.conf names d as its migration certificates."""
    with open(os.path.join(h.root, "etc", "qemu.conf"), "w") as f:
        f.write('migrate_tls_x509_cert_dir = "%s"\n' % d)


def run(prefix, labels, body, make=Host, binary=None):
    """body(hosts, base) with a host per label in a temporary base
    directory; the daemons' logs are printed when it fails."""
    vktest.become_subreaper()
    base = tempfile.mkdtemp(prefix=prefix)
    hosts = []
    try:
        for label in labels:
            hosts.append(make(binary or sys.argv[1], label, base))
        body(hosts, base)
    except BaseException:
        for h in hosts:
            print("---- virtkitd log (%s) ----\n%s" % (h.root, h.daemon.logtext()))
        raise
    finally:
        for h in hosts:
            h.stop()
        vktest.reap_all()
        shutil.rmtree(base, ignore_errors=True)
