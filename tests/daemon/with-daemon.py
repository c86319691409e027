#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a command against a private virtkitd:
   with-daemon.py VIRTKITD PROGRAM ARGS...   ({rw} / {ro} / {dir} in ARGS are
   replaced by the socket paths).  Exit status is PROGRAM's; the daemon
   must still be alive at the end."""

import subprocess
import sys

import vkwire


def main():
    binary, cmd = sys.argv[1], sys.argv[2:]
    with vkwire.Daemon(binary) as d:
        args = [a.replace("{rw}", d.rw).replace("{ro}", d.ro).replace("{dir}", d.dir)
                for a in cmd]
        rc = subprocess.run(args, timeout=300).returncode
        if not d.alive():
            print("virtkitd died:\n" + d.logtext())
            return 1
        if rc != 0:
            print("---- virtkitd log ----\n" + d.logtext())
        return rc


if __name__ == "__main__":
    sys.exit(main())
