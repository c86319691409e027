#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Secrets and XML hostility over the wire (issue 7, item 5), with
python3-libvirt against a private virtkitd:
  * a graphics passwd is formatted only with VIR_DOMAIN_XML_SECURE, and
    the read-only socket can't get it: XMLDesc(SECURE) is refused with
    VIR_ERR_OPERATION_DENIED there, XMLDesc(0) does not carry it;
  * DefineXML of a billion-laughs document, of one with an external
    entity and of one with an external DTD fails, never expands, never
    reads the referenced file, and the daemon stays up with bounded
    memory."""

import os
import struct
import sys
import tempfile

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402

BIN = sys.argv[1]
PASSWD = "s3cret-pw-7f3a"
SECRET_XML = """<domain type='test'>
  <name>secretive</name>
  <memory unit='KiB'>65536</memory>
  <os><type>hvm</type></os>
  <devices>
    <graphics type='vnc' port='-1' autoport='yes' passwd='%s'/>
    <graphics type='spice' autoport='yes' passwd='%s'/>
  </devices>
</domain>""" % (PASSWD, PASSWD)

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE domain [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<domain type='test'><name>laughs</name><memory>65536</memory>
<description>&lol9;</description><os><type>hvm</type></os></domain>"""


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_passwd(d):
    rw = libvirt.open("test+unix:///default?socket=" + d.rw)
    ro = libvirt.openReadOnly("test+unix:///default?socket=" + d.ro)
    try:
        dom = rw.defineXML(SECRET_XML)
        # The secret is stored (the SECURE flag shows it on the rw socket) ...
        assert dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE).count("passwd='%s'" % PASSWD) == 2
        # ... and formatted nowhere else.
        for flags in (0, libvirt.VIR_DOMAIN_XML_INACTIVE):
            xml = dom.XMLDesc(flags)
            assert "<graphics" in xml and PASSWD not in xml and "passwd" not in xml, xml
        rdom = ro.lookupByName("secretive")
        xml = rdom.XMLDesc(0)
        assert "<graphics" in xml and PASSWD not in xml and "passwd" not in xml, xml
        for flags in (libvirt.VIR_DOMAIN_XML_SECURE,
                      libvirt.VIR_DOMAIN_XML_SECURE | libvirt.VIR_DOMAIN_XML_INACTIVE):
            try:
                leaked = rdom.XMLDesc(flags)
                raise AssertionError("read-only socket got the secure XML:\n" + leaked)
            except libvirt.libvirtError as e:
                assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, \
                    (e.get_error_code(), str(e))
        # python3-libvirt refuses SECURE on a read-only connection by
        # itself; the daemon must refuse it too, whoever the client is:
        # DOMAIN_GET_XML_DESC by hand on the read-only socket.
        raw = vkwire.Conn(d.ro)
        vkwire.handshake(raw)
        name = vkwire.xdr_string("secretive") + rdom.UUID() + struct.pack(">i", -1)
        for flags in (libvirt.VIR_DOMAIN_XML_SECURE,
                      libvirt.VIR_DOMAIN_XML_SECURE | libvirt.VIR_DOMAIN_XML_INACTIVE):
            hdr, body = raw.call(14, name + struct.pack(">I", flags))
            assert hdr[5] == vkwire.ERROR, "read-only socket got the secure XML"
            code = vkwire.decode_error(body)[0]
            assert code == libvirt.VIR_ERR_OPERATION_DENIED, code
            assert PASSWD.encode() not in body
        hdr, body = raw.call(14, name + struct.pack(">I", 0))
        assert hdr[5] == vkwire.OK and b"<graphics" in body and PASSWD.encode() not in body
        raw.close()
        # Nor through a listing's handles.
        for rd in ro.listAllDomains():
            assert PASSWD not in rd.XMLDesc(0)
        dom.undefine()
    finally:
        ro.close()
        rw.close()


def expect_define_refused(conn, xml, marker=None):
    try:
        dom = conn.defineXML(xml)
    except libvirt.libvirtError as e:
        assert marker is None or marker not in str(e), str(e)
        return
    out = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
    dom.undefine()
    raise AssertionError("hostile document was defined:\n" + out[:2000])


def expect_not_leaked(conn, xml, marker):
    """libvirt parses external entities without loading them: refused or
    defined, the file's content must not come back."""
    try:
        dom = conn.defineXML(xml)
    except libvirt.libvirtError as e:
        assert marker not in str(e), str(e)
        return
    out = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
    dom.undefine()
    assert marker not in out, out[:2000]


def test_entities(d):
    pid = d.proc.pid
    tmp = tempfile.TemporaryDirectory(prefix="vk-xxe-")
    marker = "HOST-FILE-CONTENT-5b1d"
    secret = os.path.join(tmp.name, "secret.txt")
    with open(secret, "w") as f:
        f.write(marker)
    dtd = os.path.join(tmp.name, "evil.dtd")
    with open(dtd, "w") as f:
        f.write('<!ENTITY leak "%s">\n' % marker)
    xxe = ("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY xxe SYSTEM 'file://%s'>]>\n"
           "<domain type='test'><name>xxe</name><memory>65536</memory>"
           "<description>&xxe;</description><os><type>hvm</type></os></domain>" % secret)
    ext_dtd = ("<?xml version='1.0'?>\n<!DOCTYPE domain SYSTEM 'file://%s'>\n"
               "<domain type='test'><name>dtd</name><memory>65536</memory>"
               "<description>&leak;</description><os><type>hvm</type></os></domain>" % dtd)
    conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        expect_define_refused(conn, LAUGHS)
        expect_not_leaked(conn, xxe, marker)
        expect_not_leaked(conn, ext_dtd, marker)
        for dom in conn.listAllDomains():
            assert marker not in dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
            assert "lollollol" not in dom.XMLDesc(0)
        assert conn.getVersion() > 0
    finally:
        conn.close()
        tmp.cleanup()
    assert d.alive() and d.proc.pid == pid
    assert rss_kib(pid) < 200 * 1024
    assert marker not in d.logtext()


def main():
    libvirt.registerErrorHandler(lambda *a: None, None)
    with vkwire.Daemon(BIN) as d:
        test_passwd(d)
        print("ok test_passwd")
        test_entities(d)
        print("ok test_entities")


if __name__ == "__main__":
    main()
