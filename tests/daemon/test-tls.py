#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkitd over TCP: TLS with x509 client certificates (a certificate from
the configured CA is accepted; none, or one from another CA, is refused
before any RPC is read), the real virsh over test+tls:// with pkipath, and
plain TCP only when listen_tcp = 1.  gnutls is a module loaded on first
use: mapped once TLS is configured, never in a daemon without it, and a
missing module is named when TLS is asked for."""

import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile

import vkwire

BIN = sys.argv[1]


def sh(*args):
    subprocess.run(args, check=True, capture_output=True, timeout=120)


def make_pki(d):
    """CA + server (localhost) + client, and a rogue CA + client."""
    def ca(name):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
           "-subj", "/CN=%s" % name, "-keyout", f"{d}/{name}-key.pem", "-out", f"{d}/{name}.pem")

    def leaf(name, ca_name, ext):
        extfile = f"{d}/{name}.ext"
        with open(extfile, "w") as f:
            f.write(ext)
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=%s" % name,
           "-keyout", f"{d}/{name}-key.pem", "-out", f"{d}/{name}.csr")
        sh("openssl", "x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/{ca_name}.pem",
           "-CAkey", f"{d}/{ca_name}-key.pem", "-CAcreateserial", "-days", "2",
           "-extfile", extfile, "-out", f"{d}/{name}.pem")

    ca("ca")
    ca("rogueca")
    leaf("server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
         "extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n")
    leaf("client", "ca", "extendedKeyUsage=clientAuth\n"
         "keyUsage=digitalSignature,keyEncipherment\n")
    leaf("rogue", "rogueca", "extendedKeyUsage=clientAuth\n"
         "keyUsage=digitalSignature,keyEncipherment\n")
    # virsh's pkipath layout
    pki = f"{d}/pki"
    os.mkdir(pki)
    os.symlink(f"{d}/ca.pem", f"{pki}/cacert.pem")
    os.symlink(f"{d}/client.pem", f"{pki}/clientcert.pem")
    os.symlink(f"{d}/client-key.pem", f"{pki}/clientkey.pem")
    return pki


def maps_gnutls(pid):
    with open(f"/proc/{pid}/maps") as f:
        return "libgnutls" in f.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TlsConn(vkwire.Conn):
    def __init__(self, port, ca, cert=None, key=None):
        ctx = ssl.create_default_context(cafile=ca)
        if cert:
            ctx.load_cert_chain(cert, key)
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.s = ctx.wrap_socket(raw, server_hostname="localhost")
        self.serial = 0
        # libvirt's protocol: the server confirms the certificate check
        # with one byte 0x01 before any packet.
        if self.recv_exact(1) != b"\x01":
            raise ConnectionResetError("no certificate confirmation byte")


def refused(port, d, ca, cert=None, key=None):
    """The daemon ends the session before answering any call."""
    try:
        c = TlsConn(port, ca, cert, key)
        c.send(vkwire.packet(vkwire.REMOTE_PROG, 1, 66, vkwire.CALL, 0))
        return c.recv_msg() is None
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        return True


def main():
    with tempfile.TemporaryDirectory() as d:
        pki = make_pki(d)
        tls_port, tcp_port = free_port(), free_port()
        cfg = (f'listen_tls = 1\ntls_port = "{tls_port}"\nlisten_addr = "127.0.0.1"\n'
               f'ca_file = "{d}/ca.pem"\ncert_file = "{d}/server.pem"\n'
               f'key_file = "{d}/server-key.pem"\n')
        with vkwire.Daemon(BIN, config=cfg) as vkd:
            c = TlsConn(tls_port, f"{d}/ca.pem", f"{d}/client.pem", f"{d}/client-key.pem")
            vkwire.handshake(c)
            hdr, body = c.call(4)
            assert hdr[5] == vkwire.OK and len(body) == 8
            c.close()
            print("ok tls call with a client certificate")

            mark = vkd.mark()
            assert refused(tls_port, vkd, f"{d}/ca.pem")
            vkd.wait_for("TLS", start=mark)
            mark = vkd.mark()
            assert refused(tls_port, vkd, f"{d}/ca.pem", f"{d}/rogue.pem", f"{d}/rogue-key.pem")
            vkd.wait_for("TLS", start=mark)
            print("ok tls refuses missing and foreign certificates")

            uri = f"test+tls://localhost:{tls_port}/default?pkipath={pki}"
            r = subprocess.run(["virsh", "-c", uri, "list", "--all"], capture_output=True,
                               text=True, timeout=60)
            assert r.returncode == 0 and " test " in r.stdout, (r.stdout, r.stderr)
            print("ok virsh over test+tls://")
            assert maps_gnutls(vkd.proc.pid)
            # No plain TCP unless asked for.
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", tcp_port)) != 0

        cfg = f'listen_tcp = 1\ntcp_port = "{tcp_port}"\nlisten_addr = "127.0.0.1"\n'
        with vkwire.Daemon(BIN, config=cfg) as vkd:
            r = subprocess.run(["virsh", "-c", f"test+tcp://127.0.0.1:{tcp_port}/default",
                                "list", "--all"], capture_output=True, text=True, timeout=60)
            assert r.returncode == 0 and " test " in r.stdout, (r.stdout, r.stderr)
            print("ok virsh over test+tcp:// with listen_tcp = 1")
            assert not maps_gnutls(vkd.proc.pid)
            print("ok gnutls not loaded without TLS")

        missing = f"{d}/no-such-dir/virtkit-tls.so"
        try:
            with vkwire.Daemon(BIN, config=f'listen_tls = 1\ntls_port = "{free_port()}"\n'
                               f'listen_addr = "127.0.0.1"\nca_file = "{d}/ca.pem"\n'
                               f'cert_file = "{d}/server.pem"\nkey_file = "{d}/server-key.pem"\n',
                               env=dict(os.environ, VIRTKIT_TLS_MODULE=missing)):
                raise AssertionError("virtkitd started TLS without its module")
        except RuntimeError as e:
            assert f"cannot load the TLS module '{missing}'" in str(e), str(e)
        print("ok a missing TLS module is named")


if __name__ == "__main__":
    main()
