#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The test driver's tuning calls through virtkitd: the real virsh runs
one sequence (memtune, blkiotune, numatune, perf, iothreads, domiftune,
dommemstat --period) against virtkitd's test:///default and against
libvirt's own in-process test:///default, and the outputs must be equal;
then python3-libvirt checks the bulk statistics and a crash dump over the
wire (the real client library adds VIR_TYPED_PARAM_STRING_OKAY, which
virtkit's own library does not)."""

import os
import subprocess
import sys
import tempfile

import libvirt

import vkwire

BIN = sys.argv[1]

SEQUENCE = ("memtune test --hard-limit 1048576 --soft-limit 500000; memtune test; "
            "blkiotune test --weight 500 --device-weights /dev/sda,300; blkiotune test; "
            "numatune test --mode interleave --nodeset 0-1; numatune test; "
            "perf test --enable cmt,cpu_cycles; iothreadadd test 4; iothreadpin test 4 0; "
            "iothreadinfo test; iothreadset test 4 --poll-max-ns 10; "
            "domiftune test testnet0 --inbound 100,200,300 --outbound 50; "
            "domiftune test testnet0; dommemstat test --period 5; dumpxml test; "
            "memtune test --live --config; iothreaddel test 9")


def virsh(uri):
    p = subprocess.run(["virsh", "-c", uri, SEQUENCE], capture_output=True, text=True,
                       timeout=120)
    return p.stdout, p.stderr, p.returncode


def test_virsh(d):
    want = virsh("test:///default")
    got = virsh("test+unix:///default?socket=" + d.rw)
    assert "numa_nodeset   : 0-1" in want[0], want
    assert got == want, "virsh through virtkitd:\n%s\n%s\nlibvirt:\n%s\n%s" % (
        got[0], got[1], want[0], want[1])


def test_python(d):
    conn = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        dom = conn.lookupByName("test")
        stats = conn.getAllDomainStats()
        assert [(s[0].name(), s[1]) for s in stats] == \
            [("test", {"state.state": 1, "state.reason": 0})], stats
        assert [s[1] for s in conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_VCPU)] \
            == [{}]
        try:
            conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_VCPU,
                                   libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)
            raise AssertionError("enforced vcpu stats accepted")
        except libvirt.libvirtError as e:
            assert e.get_error_code() == libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED, e
        assert dom.perfEvents()["cmt"] is False
        dom.setPerfEvents({"cmt": True})
        assert dom.perfEvents()["cmt"] is True
        # VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (the binding does not export it)
        assert dom.memoryParameters()["hard_limit"] == (1 << 53) - 1
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "core")
            dom.coreDump(path, libvirt.VIR_DUMP_CRASH)
            with open(path, "rb") as f:
                assert f.read() == b"TestGuestMagic\0"
        assert dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_CRASHED]
    finally:
        conn.close()


def main():
    with vkwire.Daemon(BIN) as d:
        test_virsh(d)
        print("ok test_virsh")
    with vkwire.Daemon(BIN) as d:
        test_python(d)
        print("ok test_python")
        assert d.alive()


if __name__ == "__main__":
    main()
