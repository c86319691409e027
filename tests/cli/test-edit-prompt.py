#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The *-edit commands' "Try again?" question, which is asked only when
stdin is a terminal: the shell runs on a pseudo-terminal here, against the
in-process test driver, and the answers are typed into it.  The expected
screens were taken from virsh 9.0 on libvirt's test:///default (the same
script passes with SHELL=virsh).

Usage: test-edit-prompt.py SHELL
"""
import os
import pty
import select
import sys
import tempfile

# The first run of the editor adds an element the schema does not know (so
# a validating define fails); the next run takes it out again.
EDITOR = """#!/bin/sh
if [ ! -e "$0.done" ]; then
    touch "$0.done"
    sed -i -e 's|</devices>|<bogus/></devices>|' "$1"
else
    sed -i -e 's|<bogus/>||' "$1"
fi
"""


def run(shell, tmp, commands, keys):
    """Runs the shell on a terminal, typing each key after each prompt.
    Returns (output, exit status)."""
    editor = os.path.join(tmp, 'editor.sh')
    with open(editor, 'w') as f:
        f.write(EDITOR)
    os.chmod(editor, 0o755)
    try:
        os.unlink(editor + '.done')
    except FileNotFoundError:
        pass
    env = dict(os.environ, LC_ALL='C', EDITOR=editor, TMPDIR=tmp)
    env.pop('VISUAL', None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(shell, [shell, '-c', 'test:///default', commands], env)
    out = b''
    keys = list(keys)
    while True:
        try:
            r, _, _ = select.select([fd], [], [], 30)
        except InterruptedError:
            continue
        if not r:
            os.kill(pid, 9)
            raise RuntimeError('no output for 30s; so far: %r' % out)
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        if keys and out.endswith(b': ') and b'Try again?' in out.rsplit(b'\n', 1)[-1]:
            os.write(fd, keys.pop(0).encode())
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out.decode(), os.waitstatus_to_exitcode(status)


PROMPT = '\rFailed. Try again? [y,n,i,f,?]: '
HELP = ('\r\n'
        'y - yes, start editor again\r\n'
        'n - no, throw away my changes\r\n'
        'i - turn off validation and try to redefine again\r\n'
        'f - force, try to redefine again\r\n'
        '? - print this help\r\n')
SCHEMA_ERR = 'error: XML document failed to validate against schema: '

CASES = [
    # name, commands, keys, expected output pieces in order, exit status
    ('help then no', 'edit test', '?n',
     [SCHEMA_ERR, PROMPT, HELP, PROMPT, '\r\n'], 1),
    ('retry leaves it unchanged', 'edit test', 'y',
     [SCHEMA_ERR, PROMPT, '\r\n', "Domain 'test' XML configuration not changed.\r\n"], 0),
    ('turn off validation', 'edit test; dumpxml test --inactive', 'i',
     [SCHEMA_ERR, PROMPT, '\r\n', "Domain 'test' XML configuration edited.\r\n",
      '</domain>'], 0),
]


def main():
    shell = os.path.abspath(sys.argv[1])
    failed = 0
    for name, commands, keys, pieces, rc in CASES:
        with tempfile.TemporaryDirectory(prefix='virtkit-edit-') as tmp:
            out, status = run(shell, tmp, commands, keys)
            leftover = [f for f in os.listdir(tmp) if f.endswith('.xml')]
        pos = 0
        ok = status == rc and not leftover
        for piece in pieces:
            found = out.find(piece, pos)
            if found < 0:
                ok = False
                break
            pos = found + len(piece)
        print(f'{name}: {"ok" if ok else "FAILED"}')
        if not ok:
            failed += 1
            print(f'  exit {status} (want {rc}), temp files left: {leftover}')
            print('  output: ' + repr(out))
    print(f'{len(CASES) - failed} of {len(CASES)} cases passed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
