#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The remote driver over TLS (+tls://) against a private libvirtd.

A throw-away CA signs a server and a client certificate (certtool); libvirtd
listens with TLS on a free local port and checks our client certificate.
Then: virtkit lists domains over TLS exactly as virsh does; with a second,
unrelated CA in ?pkipath= the server certificate fails verification and
virtkit says so; ?no_verify=1 skips that check.

usage: run-tls.py VIRTKIT          (exit 77 when libvirtd/certtool/virsh are missing)
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

CERTTOOL = shutil.which("certtool")
VIRSH = shutil.which("virsh")
LIBVIRTD = "/usr/sbin/libvirtd"


def certtool(*args):
    subprocess.run([CERTTOOL] + list(args), check=True, capture_output=True)


def make_ca(d, name):
    os.makedirs(d, exist_ok=True)
    key = os.path.join(d, "cakey.pem")
    info = os.path.join(d, "ca.info")
    with open(info, "w") as f:
        f.write("cn = %s\nca\ncert_signing_key\nexpiration_days = 2\n" % name)
    certtool("--generate-privkey", "--outfile", key)
    certtool("--generate-self-signed", "--load-privkey", key, "--template", info,
             "--outfile", os.path.join(d, "cacert.pem"))


def sign(cadir, outdir, stem, template):
    key = os.path.join(outdir, stem + "key.pem")
    info = os.path.join(outdir, stem + ".info")
    with open(info, "w") as f:
        f.write(template)
    certtool("--generate-privkey", "--outfile", key)
    certtool("--generate-certificate", "--load-privkey", key,
             "--load-ca-certificate", os.path.join(cadir, "cacert.pem"),
             "--load-ca-privkey", os.path.join(cadir, "cakey.pem"),
             "--template", info, "--outfile", os.path.join(outdir, stem + "cert.pem"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(exe, uri, *args):
    p = subprocess.run([exe, "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, LC_ALL="C"))
    return p.returncode, p.stdout, p.stderr


def main():
    virtkit = sys.argv[1]
    if not (CERTTOOL and VIRSH and os.access(LIBVIRTD, os.X_OK)):
        print("certtool, virsh or libvirtd missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="vk-remote-tls-")
    pid = None
    failures = 0
    try:
        pki = os.path.join(tmp, "pki")
        make_ca(pki, "virtkit test CA")
        sign(pki, pki, "server",
             "organization = virtkit\ncn = localhost\ndns_name = localhost\n"
             "ip_address = 127.0.0.1\ntls_www_server\nencryption_key\nsigning_key\n"
             "expiration_days = 2\n")
        sign(pki, pki, "client",
             "country = GB\norganization = virtkit\ncn = client\ntls_www_client\n"
             "encryption_key\nsigning_key\nexpiration_days = 2\n")
        # a client that trusts some other CA (but has a valid client cert)
        other = os.path.join(tmp, "other")
        make_ca(other, "unrelated CA")
        for f in ("clientcert.pem", "clientkey.pem"):
            shutil.copy(os.path.join(pki, f), other)

        port = free_port()
        drv = os.path.join(tmp, "drivers")
        os.mkdir(drv)
        conf = os.path.join(tmp, "libvirtd.conf")
        with open(conf, "w") as f:
            f.write('unix_sock_dir = "%s"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n'
                    'listen_tls = 1\nlisten_tcp = 0\ntls_port = "%d"\n'
                    'listen_addr = "127.0.0.1"\nauth_tls = "none"\n'
                    'ca_file = "%s/cacert.pem"\ncert_file = "%s/servercert.pem"\n'
                    'key_file = "%s/serverkey.pem"\n'
                    'log_outputs = "1:file:%s/libvirtd.log"\nlog_filters = "3:util"\n'
                    % (tmp, port, pki, pki, pki, tmp))
        pidfile = os.path.join(tmp, "libvirtd.pid")
        subprocess.run([LIBVIRTD, "--daemon", "--listen", "--config", conf,
                        "--pid-file", pidfile], check=True,
                       env=dict(os.environ, LIBVIRT_DRIVER_DIR=drv))
        with open(pidfile) as f:
            pid = int(f.read())

        uri = "test+tls://localhost:%d/default?pkipath=%s" % (port, pki)
        mine = run(virtkit, uri, "list", "--all")
        theirs = run(VIRSH, uri, "list", "--all")
        if mine != theirs or mine[0] != 0:
            failures += 1
            print("MISMATCH list over TLS:\n  virtkit %r\n  virsh   %r" % (mine, theirs))
        else:
            print("ok list --all over TLS")

        bad = "test+tls://localhost:%d/default?pkipath=%s" % (port, other)
        rc, out, err = run(virtkit, bad, "list", "--all")
        if rc == 0 or "failed verification" not in err:
            failures += 1
            print("MISMATCH untrusted server accepted: rc=%d err=%r" % (rc, err))
        else:
            print("ok untrusted server certificate refused: %s" % err.strip())

        rc, out, err = run(virtkit, bad + "&no_verify=1", "list", "--all")
        if rc != 0 or " test " not in out:
            failures += 1
            print("MISMATCH no_verify=1: rc=%d out=%r err=%r" % (rc, out, err))
        else:
            print("ok no_verify=1 skips the server check")

        missing = os.path.join(tmp, "no-such-dir", "virtkit-tls.so")
        p = subprocess.run([virtkit, "-c", uri, "list", "--all"], capture_output=True,
                           text=True, timeout=60,
                           env=dict(os.environ, LC_ALL="C", VIRTKIT_TLS_MODULE=missing))
        if p.returncode == 0 or ("cannot load the TLS module '%s'" % missing) not in p.stderr:
            failures += 1
            print("MISMATCH missing TLS module: rc=%d err=%r" % (p.returncode, p.stderr))
        else:
            print("ok a missing TLS module is named: %s" % p.stderr.strip())
        return 1 if failures else 0
    finally:
        if pid:
            fd = os.pidfd_open(pid)
            os.kill(pid, signal.SIGTERM)
            import select
            p = select.poll()
            p.register(fd, select.POLLIN)
            if not p.poll(10000):
                os.kill(pid, signal.SIGKILL)
                p.poll()
            os.close(fd)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
