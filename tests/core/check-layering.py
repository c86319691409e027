#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails when a file under src/ includes a header under drivers/.

The layers below the drivers (api, core, daemon, conf, util, rpc, cli)
reach drivers only through their tables (virHypervisorDriver,
vkStateDriver) and the generated list of built-in drivers; an #include of
a driver header is the first step back to calling a driver by name.

usage: check-layering.py SRC_DIR
"""
import os
import re
import sys

# Any spelling that reaches into drivers/: "drivers/x.h", <drivers/x.h>,
# "../../drivers/x.h".
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]((?:\.\./)*drivers/[^">]+)[">]')


def offences(src):
    for top, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(('.c', '.h', '.in')):
                continue
            path = os.path.join(top, name)
            with open(path, encoding='utf-8', errors='replace') as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m:
                        yield path, lineno, m.group(1)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    found = list(offences(sys.argv[1]))
    for path, lineno, header in found:
        print(f'{path}:{lineno}: includes driver header {header}')
    if found:
        print(f'{len(found)} include(s) of driver headers under {sys.argv[1]}', file=sys.stderr)
        return 1
    print(f'ok: no file under {sys.argv[1]} includes a header under drivers/')
    return 0


if __name__ == '__main__':
    sys.exit(main())
