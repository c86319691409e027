#!/usr/bin/env python3
"""Compares what libvirt 9.0 and virtkit make of libvirt's own test corpus.

Both implementations define every input file through the same program
(corpus-define, built once against each library) into the same kind of
connection; this script reads the two result folders and reports:

  accepted       files each accepts, and files both accept
  agreement      of libvirt's refusals, how many virtkit refuses too
  equal output   of the files both accept, how many give the same XML
                 after normalising whitespace and attribute order (C14N)
  round trip     libvirt's output for each accepted file, defined back
                 into virtkit: how many it accepts
  causes         the most common reasons virtkit refuses what libvirt
                 accepts, and the most common first differences

With --floor NAME=PERCENT it fails (exit 1) when a figure drops below a
floor: the floors catch regressions, they are not the targets.

The corpus is libvirt's source package, fetched into a cache by
scripts/fetch-libvirt-corpus.sh; it is data compared against, never part
of the project.
"""
import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77


def run_define(binary, uri, outdir, files, as_user=None, env=None):
    os.makedirs(outdir, exist_ok=True)
    cmd = []
    if as_user:
        cmd = ["setpriv", "--reuid=%s" % as_user, "--regid=nogroup", "--clear-groups"]
    # a few hundred files per process keeps argv short
    for i in range(0, len(files), 400):
        p = subprocess.run(cmd + [binary, uri, outdir] + files[i:i + 400],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
        if p.returncode not in (0, 1):
            sys.exit("%s failed (%d): %s" % (binary, p.returncode, p.stderr[-2000:]))


def results(outdir):
    acc, rej = {}, {}
    for path in glob.glob(os.path.join(outdir, "*.xml")):
        acc[os.path.basename(path)[:-4]] = path
    for path in glob.glob(os.path.join(outdir, "*.err")):
        with open(path) as f:
            head, _, msg = f.read().partition("\n")
        rej[os.path.basename(path)[:-4]] = (head, msg.strip())
    return acc, rej


def canonical(path):
    try:
        with open(path) as f:
            text = f.read()
        return ET.canonicalize(text, strip_text=True)
    except (ET.ParseError, ValueError):
        return None


def first_difference(a, b):
    """A short path to the first element whose attributes, text or
    children differ between two canonical documents."""
    ea, eb = ET.fromstring(a), ET.fromstring(b)

    def walk(x, y, where):
        tag = where + "/" + x.tag.split("}")[-1]
        if x.tag != y.tag:
            return where + "/" + "<%s vs %s>" % (x.tag, y.tag)
        if x.attrib != y.attrib:
            keys = sorted(set(x.attrib) ^ set(y.attrib)) or \
                sorted(k for k in x.attrib if x.attrib[k] != y.attrib.get(k))
            return tag + "@" + ",".join(keys)
        if (x.text or "").strip() != (y.text or "").strip():
            return tag + "#text"
        cx = [c.tag.split("}")[-1] for c in x]
        cy = [c.tag.split("}")[-1] for c in y]
        if cx != cy:
            lv_only = [t for t in cx if t not in cy]
            vk_only = [t for t in cy if t not in cx]
            if lv_only:
                return tag + " child " + lv_only[0] + " (libvirt only)"
            if vk_only:
                return tag + " child " + vk_only[0] + " (virtkit only)"
            return tag + " child order"
        for c1, c2 in zip(x, y):
            r = walk(c1, c2, tag)
            if r:
                return r
        return None

    return walk(ea, eb, "") or "(text only)"


def cause(msg):
    msg = re.sub(r"'[^']*'", "'*'", msg)
    msg = re.sub(r"\d+", "N", msg)
    return msg[:110]


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--virtkit", required=True, help="corpus-define built against libvirtkit")
    ap.add_argument("--libvirt", default="", help="corpus-define built against libvirt")
    ap.add_argument("--uri", required=True, help="e.g. qemu:///embed or test:///default")
    ap.add_argument("--corpus", required=True, nargs="+",
                    help="folders of input XML files; relative ones are taken under the "
                         "folder --fetch prints")
    ap.add_argument("--fetch", help="script that fetches the corpus and prints its folder")
    ap.add_argument("--floor", action="append", default=[], help="NAME=PERCENT")
    ap.add_argument("--keep", help="keep the result folders here")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()

    if not args.libvirt or not os.path.exists(args.libvirt):
        print("SKIP: no corpus-define built against libvirt (libvirt-dev not installed)")
        return SKIP
    base = ""
    if args.fetch:
        p = subprocess.run([args.fetch], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            print("SKIP: the corpus could not be fetched: %s" % p.stderr.strip()[-500:])
            return SKIP
        base = p.stdout.strip().splitlines()[-1]
    args.corpus = [os.path.join(base, d) for d in args.corpus]
    files = []
    for d in args.corpus:
        if not os.path.isdir(d):
            print("SKIP: corpus folder %s is missing (scripts/fetch-libvirt-corpus.sh fetches it)" % d)
            return SKIP
        files += sorted(glob.glob(os.path.join(d, "*.xml")))
    if not files:
        print("SKIP: no input files")
        return SKIP

    work = args.keep or tempfile.mkdtemp(prefix="vk-corpus-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    try:
        return compare(args, files, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def compare(args, files, work):
    embed = args.uri.endswith("/embed")
    lvout, vkout, rtout = (os.path.join(work, n) for n in ("libvirt", "virtkit", "roundtrip"))
    for d in (lvout, vkout, rtout):
        os.makedirs(d, exist_ok=True)
    lv_user = None
    env = dict(os.environ)
    lvuri = vkuri = args.uri
    if embed:
        for n in ("lvroot", "vkroot", "rtroot"):
            os.makedirs(os.path.join(work, n), exist_ok=True)
        lvuri = args.uri + "?root=" + os.path.join(work, "lvroot")
        vkuri = args.uri + "?root=" + os.path.join(work, "vkroot")
        # libvirt's embedded QEMU driver, run as root, insists on the
        # libvirt-qemu user its packaging creates; unprivileged it needs
        # nothing from the host.
        if os.geteuid() == 0:
            lv_user = "nobody"
            for d in (lvout, os.path.join(work, "lvroot")):
                shutil.chown(d, "nobody")
            env["HOME"] = os.path.join(work, "lvroot")
    run_define(args.libvirt, lvuri, lvout, files, lv_user, env)
    run_define(args.virtkit, vkuri, vkout, files)

    lacc, lrej = results(lvout)
    vacc, vrej = results(vkout)
    names = [os.path.basename(f)[:-4] for f in files]
    both = [n for n in names if n in lacc and n in vacc]
    lonly = [n for n in names if n in lacc and n not in vacc]
    vonly = [n for n in names if n in vacc and n not in lacc]
    neither = [n for n in names if n in lrej and n in vrej]
    equal, diffs = 0, collections.Counter()
    for n in both:
        a, b = canonical(lacc[n]), canonical(vacc[n])
        if a is not None and a == b:
            equal += 1
        elif a is not None and b is not None:
            diffs[first_difference(a, b)] += 1
        else:
            diffs["(unparsable output)"] += 1

    # libvirt's outputs, defined back into virtkit
    rtfiles = [lacc[n] for n in names if n in lacc]
    rturi = args.uri + ("?root=" + os.path.join(work, "rtroot") if embed else "")
    run_define(args.virtkit, rturi, rtout, rtfiles)
    racc, rrej = results(rtout)

    nl = len(lacc)
    nlrej = len([n for n in names if n in lrej])
    figures = {
        "accept": pct(len(both), nl),
        "reject": pct(len(neither), nlrej),
        "equal": pct(equal, len(both)),
        "roundtrip": pct(len(racc), len(rtfiles)),
    }
    print("corpus: %d files from %s; URI %s" % (len(files), ", ".join(args.corpus), args.uri))
    print("libvirt accepts %d, virtkit %d, both %d (virtkit only: %d)" %
          (nl, len(vacc), len(both), len(vonly)))
    print("accept:    virtkit accepts %.1f%% of what libvirt accepts (%d/%d)" % (figures["accept"], len(both), nl))
    print("reject:    virtkit refuses %.1f%% of what libvirt refuses (%d/%d)" % (figures["reject"], len(neither), nlrej))
    print("equal:     %.1f%% of the files both accept format equal (%d/%d)" % (figures["equal"], equal, len(both)))
    print("roundtrip: %.1f%% of libvirt's outputs define into virtkit (%d/%d)" % (figures["roundtrip"], len(racc), len(rtfiles)))
    print("\nwhy virtkit refuses what libvirt accepts (top %d of %d files):" % (args.top, len(lonly)))
    for c, k in collections.Counter(cause(vrej[n][1]) for n in lonly if n in vrej).most_common(args.top):
        print("  %4d  %s" % (k, c))
    print("\nwhy libvirt's outputs are refused (top %d of %d files):" % (args.top, len(rrej)))
    for c, k in collections.Counter(cause(m) for _, m in rrej.values()).most_common(args.top):
        print("  %4d  %s" % (k, c))
    print("\nfirst differences in the output (top %d of %d files):" % (args.top, len(both) - equal))
    for c, k in diffs.most_common(args.top):
        print("  %4d  %s" % (k, c))

    failed = False
    for fl in args.floor:
        name, _, value = fl.partition("=")
        if figures[name] < float(value):
            print("FAIL: %s is %.1f%%, below its floor %s%%" % (name, figures[name], value))
            failed = True
    print("\n%d passed, %d failed" % (0 if failed else 1, 1 if failed else 0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
