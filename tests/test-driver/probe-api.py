#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Which calls libvirt's test driver answers and virtkit's refuses.

Not a test: a survey.  Every public method of python3-libvirt's object
classes is called once on a fresh test:///default connection, with plain
arguments made up from the parameter names, against libvirt's own
in-process test driver and against virtkit's through a private virtkitd.
Prints, per method, the two outcomes ("ok" or the error code's name) where
one side says VIR_ERR_NO_SUPPORT and the other does not, or (with --all)
wherever the codes differ.

    /usr/bin/python3 tests/test-driver/probe-api.py build/src/daemon/virtkitd [--all]
"""

import inspect
import os
import sys

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402

libvirt.registerErrorHandler(lambda *a: None, None)

SKIP = {"close", "ref", "c_pointer", "connect", "registerCloseCallback",
        "unregisterCloseCallback", "setKeepAlive", "getURI", "newStream",
        "virConnGetLastError", "virConnResetLastError", "restoreParams",
        "saveParams"}

ERRNAMES = {getattr(libvirt, n): n for n in dir(libvirt) if n.startswith("VIR_ERR_")
            and isinstance(getattr(libvirt, n), int) and n not in ("VIR_ERR_NONE",
                                                                  "VIR_ERR_WARNING",
                                                                  "VIR_ERR_ERROR")}

XML = {
    "virConnect": "<domain type='test'><name>probe</name><memory>1024</memory>"
                  "<os><type>hvm</type></os></domain>",
    "virDomain": "<domainsnapshot><name>probe</name></domainsnapshot>",
    "virNetwork": "<network><name>probe</name></network>",
    "virStoragePool": "<volume><name>probe.img</name><capacity>1024</capacity></volume>",
}


SNAPDOM = ("<domain type='test'><name>probesnap</name><memory>1024</memory>"
           "<os><type>hvm</type></os></domain>")


def objects(conn):
    o = {"virConnect": conn, "virDomain": conn.lookupByName("test"),
         "virNetwork": conn.networkLookupByName("default"),
         "virStoragePool": conn.storagePoolLookupByName("default-pool")}
    o["virStorageVol"] = o["virStoragePool"].createXML(XML["virStoragePool"], 0)
    for cls, make in (("virInterface", lambda: conn.interfaceLookupByName("eth1")),
                      ("virNodeDevice", lambda: conn.nodeDeviceLookupByName("computer")),
                      # snapshots and checkpoints exclude each other: the
                      # snapshot goes to a transient domain of its own
                      ("virDomainSnapshot",
                       lambda: conn.createXML(SNAPDOM, 0).snapshotCreateXML(XML["virDomain"], 0)),
                      ("virDomainCheckpoint", lambda: o["virDomain"].checkpointCreateXML(
                          "<domaincheckpoint><name>probe</name></domaincheckpoint>", 0))):
        try:
            o[cls] = make()
        except libvirt.libvirtError:
            o[cls] = None
    return o


def arg(cls, meth, pname, conn):
    table = {"flags": 0, "stream": conn.newStream(0), "screen": 0, "disk": "vda",
             "path": "vda", "device": "vda", "name": "test", "params": {},
             "nparams": 0, "cpumap": (True,), "vcpu": 0, "iothread_id": 1,
             "cpumaps": (True,), "maplen": 1, "memory": 1024, "nvcpus": 1,
             "uuid": b"\x66\x95\xeb\x01\xf6\xa4\x83\x04\x79\xaa\x97\xf2\x50\x2e\x19\x3f",
             "uuidstr": "6695eb01-f6a4-8304-79aa-97f2502e193f", "to": "/tmp/vk-probe",
             "frm": "/tmp/vk-probe", "file": "/tmp/vk-probe", "dxml": None,
             "xml": XML.get(cls, "<x/>"), "xmlDesc": XML.get(cls, "<x/>"),
             "xmlConfig": "<x/>", "mac": "aa:bb:cc:dd:ee:ff", "macstr": "aa:bb:cc:dd:ee:ff",
             "id": 1, "key": "/default-pool/probe.img", "start": 0, "size": 1,
             "offset": 0, "buffer": None, "cmd": "{}", "nkeycodes": 1,
             "keycodes": [1], "codeset": 0, "holdtime": 0, "signum": 0, "pid_value": 1,
             "type": "test", "emulator": None, "arch": None, "machine": None,
             "virttype": None, "cellNum": 0, "maxCells": 1, "startCell": 0,
             "capacity": 2048, "wwnn": "2000000012341234", "wwpn": "1000000012341234",
             "bandwidth": 0, "base": None, "top": None, "dconn": None,
             "nkeys": 1, "keys": [1], "command": 0, "section": 0, "parentIndex": 0,
             "index": 0, "metadataType": 0, "uri": None, "namespace": None,
             "seconds": 0, "nseconds": 0, "time": {"seconds": 0}, "period": 1,
             "dname": None, "miguri": None, "duri": None, "dev": "vda", "target": "vda",
             "clonevol": None, "vol": None, "cpuNum": -1, "cellno": -1, "dest": "/tmp/x",
             "script": None, "mountpoints": None, "user": "root", "password": "x",
             "stats": 0, "domains": [], "secret": None, "seq": 0, "vm": None,
             "state": 0, "newname": "probe2", "iface": "testnet0", "xmlCPUs": [],
             "autostart": 0, "dumpformat": 0, "capability": None, "cap": None,
             "format": None, "npages": 0, "pages": [], "pageSizes": [], "pageCounts": [],
             "ifname": "testnet0", "source": 0, "opaque": None, "cb": None}
    if pname not in table:
        raise KeyError(pname)
    return table[pname]


def run(uri, cls, meth):
    conn = libvirt.open(uri)
    try:
        obj = objects(conn)[cls]
        if obj is None:
            return "no-object"
        fn = getattr(obj, meth)
        if not callable(fn):
            return "skip(not callable)"
        params = [p for p in inspect.signature(fn).parameters.values()]
        try:
            args = [arg(cls, meth, p.name, conn) for p in params
                    if p.default is inspect.Parameter.empty]
        except KeyError as e:
            return "skip(%s)" % e
        try:
            fn(*args)
            return "ok"
        except libvirt.libvirtError as e:
            return ERRNAMES.get(e.get_error_code(), str(e.get_error_code()))
        except Exception as e:
            return "py:" + type(e).__name__
    finally:
        try:
            conn.close()
        except libvirt.libvirtError:
            pass


def main():
    binary = sys.argv[1]
    everything = "--all" in sys.argv
    classes = ["virConnect", "virDomain", "virNetwork", "virStoragePool", "virStorageVol",
               "virInterface", "virNodeDevice", "virDomainSnapshot", "virDomainCheckpoint"]
    with vkwire.Daemon(binary, verbose=False) as d:
        vk = "test+unix:///default?socket=" + d.rw
        for cls in classes:
            k = getattr(libvirt, cls)
            for meth in sorted(m for m in dir(k) if not m.startswith("_")):
                if meth in SKIP or "Event" in meth or "Callback" in meth or \
                        meth.startswith("migrate"):
                    continue
                want = run("test:///default", cls, meth)
                got = run(vk, cls, meth)
                nosup = "VIR_ERR_NO_SUPPORT"
                if (got == nosup) != (want == nosup) or (everything and got != want):
                    print("%-20s %-32s libvirt=%-28s virtkit=%s" % (cls, meth, want, got))
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
