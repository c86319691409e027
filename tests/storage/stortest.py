# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers of the storage tests that drive virtkitd: running the script in
a private mount namespace (every mount it or the daemon makes vanishes
with it) and expecting a virsh command to fail with given words."""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))

from vktest import virsh  # noqa: E402


def in_mount_namespace(tools=()):
    """Re-executes the running script under unshare -m (once); exits 77
    (skip) without root, unshare or one of tools."""
    if os.environ.get("VK_STORAGE_NS") == "1":
        return
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("needs root and unshare: skipped")
        sys.exit(77)
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        print("missing tools %s: skipped" % ", ".join(missing))
        sys.exit(77)
    env = dict(os.environ, VK_STORAGE_NS="1")
    sys.exit(subprocess.call(["unshare", "--mount", "--propagation", "private",
                              sys.executable] + sys.argv, env=env))


def fails(sock, *args, want):
    """Runs virsh args, which must fail with want in its error output."""
    r = virsh(sock, *args, ok=False)
    assert r.returncode != 0, "virsh %s succeeded: %s" % (" ".join(args), r.stdout)
    assert want in r.stderr, "virsh %s: expected %r in:\n%s" % (" ".join(args), want,
                                                               r.stderr)
    return r.stderr
