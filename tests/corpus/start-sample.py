#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Starts a sample of libvirt's QEMU corpus for real under TCG through
virtkit's qemu:///embed (a private root): of the inputs virtkit accepts,
SAMPLE evenly spaced ones are started (type 'kvm' run as 'qemu') and
destroyed again.  Each outcome is one of:

  ran        QEMU ran the guest virtkit built from the input
  refused    virtkit refused the start with VIR_ERR_CONFIG_UNSUPPORTED,
             naming what QEMU here cannot do (kept at define, as libvirt)
  host       a host resource the input names is missing here (a host
             device, a network or pool, a server it connects to, a shared
             directory, a firmware file, a QEMU module, an audio device,
             an emulator, or KVM itself where TCG stands in for it)

libvirt's own expected refusals (inputs with a .err beside them) are not
sampled.  A disk image or block device the input names that does not
exist here is replaced by a stand-in image file of the input's format
(a block device becomes a file), so that QEMU gets past its drives and
judges the whole command line; nothing else of the input changes.
  other      anything else: QEMU refused virtkit's command line, or the
             start failed in a way nobody named — the defects

The test fails when ran / (ran + other) is below --floor.  Skips (77)
when the corpus cannot be fetched or QEMU is missing."""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HOST = re.compile(r"No such file or directory|Could not open|cannot access|does not exist|"
                  r"no such host|not a block device|Permission denied|"
                  r"cannot find (the )?emulator|emulator .* not found|hugepages|"
                  r"Cannot allocate memory|failed to find|host PCI device|"
                  r"not available on this host|No space left|Network not found|"
                  r"Storage pool not found|no storage pool|Name or service not known|"
                  r"Connection refused|Could not read directory|module [\w-]+ not found|"
                  r"Could not init .* audio driver|kernel doesn't allow", re.I)
CONFIG_UNSUPPORTED = 67


def with_stand_ins(src, dest, imgdir):
    """src with a stand-in image for each missing disk source, as dest."""
    tree = ET.parse(src)
    for n, disk in enumerate(tree.getroot().iter("disk")):
        source = disk.find("source")
        if source is None or disk.get("type") not in ("file", "block") or \
                disk.get("device") == "lun":
            continue
        path = source.get("file") or source.get("dev")
        if not path or os.path.exists(path):
            continue
        drv = disk.find("driver")
        fmt = drv.get("type") if drv is not None and drv.get("type") else "raw"
        img = os.path.join(imgdir, "%s-%d.img" % (os.path.basename(src)[:-4], n))
        if subprocess.run(["qemu-img", "create", "-q", "-f", fmt, img, "1M"],
                          capture_output=True).returncode != 0:
            continue
        disk.set("type", "file")
        source.attrib.pop("dev", None)
        source.set("file", img)
    tree.write(dest)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--define", required=True, help="corpus-define built against libvirtkit")
    ap.add_argument("--start", required=True, help="corpus-start built against libvirtkit")
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--corpus", default="qemuxml2argvdata")
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--floor", type=float, default=0)
    args = ap.parse_args()
    if not shutil.which("qemu-system-x86_64"):
        print("SKIP: no qemu-system-x86_64")
        return 77
    r = subprocess.run(["sh", args.fetch], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP: corpus not available: " + r.stderr.strip()[-300:])
        return 77
    folder = os.path.join(r.stdout.strip().splitlines()[-1], args.corpus)
    files = sorted(glob.glob(os.path.join(folder, "*.xml")))
    work = tempfile.mkdtemp(prefix="vk-corpus-start-")
    try:
        defined = os.path.join(work, "defined")
        started = os.path.join(work, "started")
        os.mkdir(defined)
        os.mkdir(started)
        uri = "qemu:///embed?root=" + os.path.join(work, "root")
        subprocess.run([args.define, uri, defined] + files, capture_output=True)
        accepted = [f for f in files if os.path.exists(
            os.path.join(defined, os.path.basename(f)[:-4] + ".xml")) and
            not os.path.exists(f[:-4] + ".err")]
        step = max(1, len(accepted) // args.sample)
        sample = accepted[::step][:args.sample]
        inputs = os.path.join(work, "inputs")
        os.mkdir(inputs)
        for f in sample:
            with_stand_ins(f, os.path.join(inputs, os.path.basename(f)), work)
        r = subprocess.run([args.start, uri, started] +
                           [os.path.join(inputs, os.path.basename(f)) for f in sample],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr)
            return 1
        outcome = {"ran": [], "refused": [], "host": [], "other": []}
        for f in sample:
            base = os.path.join(started, os.path.basename(f)[:-4])
            if os.path.exists(base + ".ok"):
                outcome["ran"].append((f, ""))
                continue
            with open(base + ".err") as e:
                code = int(e.readline().split()[0])
                msg = e.read().strip()
            if code == CONFIG_UNSUPPORTED:
                outcome["refused"].append((f, msg))
            elif HOST.search(msg):
                outcome["host"].append((f, msg))
            else:
                outcome["other"].append((f, msg))
        print("corpus %s: virtkit accepts %d of %d inputs; started %d of them (every %d-th)"
              % (folder, len(accepted), len(files), len(sample), step))
        for k in ("ran", "refused", "host", "other"):
            print("%-8s %d" % (k, len(outcome[k])))
        for k in ("refused", "host", "other"):
            for f, msg in outcome[k]:
                print("  %s: %s: %s" % (k, os.path.basename(f), msg.splitlines()[0][:200]))
        judged = len(outcome["ran"]) + len(outcome["other"])
        pct = 100.0 * len(outcome["ran"]) / judged if judged else 100.0
        print("ran: %.1f%% of the starts not stopped by a missing host resource or a precise "
              "refusal (%d/%d)" % (pct, len(outcome["ran"]), judged))
        if pct < args.floor:
            print("FAIL: below the floor of %.1f%%" % args.floor)
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
