#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shell's command list against the installed virsh's.

`virtkit help` and `virsh help` list every command by group; the sets of
names must be equal (virsh 9.0 has 274). Skipped (77) where virsh is not
installed.

Usage: test-command-list.py SHELL
"""
import shutil
import subprocess
import sys


def commands(argv):
    out = subprocess.run(argv + ['help'], capture_output=True, text=True, check=True).stdout
    # command lines are indented four spaces; group titles one
    return {line.split()[0] for line in out.splitlines() if line.startswith('    ')}


def main():
    if not shutil.which('virsh'):
        print('SKIP: no virsh')
        return 77
    ours = commands([sys.argv[1], '-c', 'test:///default'])
    theirs = commands(['virsh', '-c', 'test:///default'])
    missing = sorted(theirs - ours)
    extra = sorted(ours - theirs)
    print('virsh: %d commands, virtkit: %d' % (len(theirs), len(ours)))
    if missing:
        print('missing from virtkit: ' + ' '.join(missing))
    if extra:
        print('not in virsh: ' + ' '.join(extra))
    return 1 if missing or extra else 0


if __name__ == '__main__':
    sys.exit(main())
