# SPDX-License-Identifier: LGPL-2.1-or-later
"""What bench/run-*.sh share: running one bench
binary and reading its "key value" lines, and the two daemons a row is
measured through -- a private virtkitd (--ready-fd) and a private
libvirtd with one driver (scripts/private-libvirtd.sh, through
tests/daemon/vktest.py)."""

import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRC, "tests", "daemon"))
import vktest  # noqa: E402


def rss_kib(pid):
    """VmRSS of process pid in KiB, or -1."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def run_bench(argv, what):
    """The figures bench prints, {key: float}; what is the row's name in
    a failure message."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    out = {}
    for line in r.stdout.splitlines():
        k, v = line.split()
        out[k] = float(v)
    if r.returncode != 0:
        sys.stderr.write("%s failed (%d): %s\n" % (what, r.returncode, r.stderr))
    return out


def through_virtkitd(virtkitd, prefix, root_option, scheme, measure, conf=""):
    """measure(uri, tmpdir) against a private virtkitd whose driver keeps
    its state in TMPDIR/<root_option's name>, with the config file lines
    conf; {} when it does not start."""
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "virtkitd.conf"), "w") as f:
        f.write(conf + "\n")
    rfd, wfd = os.pipe()
    with open(os.path.join(d, "log"), "w") as log:
        proc = subprocess.Popen([virtkitd, "--socket-dir", d, root_option,
                                 os.path.join(d, scheme), "--ready-fd", str(wfd),
                                 "--config", os.path.join(d, "virtkitd.conf")],
                                pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=log)
    os.close(wfd)
    try:
        with os.fdopen(rfd, "rb") as r:
            if r.read(1) != b"\n":
                sys.stderr.write("virtkitd did not start\n")
                return {}
        return measure(scheme + "+unix:///system?socket=" + os.path.join(d, "virtkit-sock"), d)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


def through_libvirtd(driver, prefix, measure, on_failure=None, conf=""):
    """measure(uri, tmpdir) against a private libvirtd with driver and the
    extra libvirtd.conf lines conf; {} when it does not start.
    on_failure(tmpdir), if given, reports what libvirtd logged when measure
    returned nothing."""
    d = tempfile.mkdtemp(prefix=prefix)
    lvd = None
    try:
        try:
            lvd = vktest.PrivateLibvirtd(d, driver, extra_conf=conf)
        except RuntimeError as e:
            sys.stderr.write("%s\n" % e)
            return {}
        r = measure(driver + "+unix:///system?socket=" + lvd.sock, d)
        if not r and on_failure:
            on_failure(d)
        return r
    finally:
        if lvd is not None:
            lvd.stop()
        shutil.rmtree(d, ignore_errors=True)
