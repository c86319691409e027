#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run one `virtkit` shell case and compare it with the expected files.

A case NAME in the data folder is:
  NAME.cmd    the shell's arguments, in shell quoting (one line)
  NAME.stdin  optional: fed to the shell's standard input
  NAME.out    expected stdout          (absent: must be empty)
  NAME.err    expected stderr          (absent: must be empty)
  NAME.rc     expected exit status     (absent: 0)

Placeholders, replaced in .cmd, .stdin and the expected files:
  @DATA@      the data folder (for XML files the case reads)
  @TMP@       a fresh temporary folder (for files the case writes)
  @HOSTNAME@  this machine's host name
In expected files a line may contain @ANY@, which matches any text
(used for values that change with every run, such as CPU time).

Usage: run-case.py SHELL DATADIR CASE [CASE...]
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile


def read(path, default=None):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except FileNotFoundError:
        return default


def substitute(text, subst):
    for key, value in subst.items():
        text = text.replace(key, value)
    return text


def line_matches(expected, actual):
    if '@ANY@' not in expected:
        return expected == actual
    pattern = '.*'.join(re.escape(part) for part in expected.split('@ANY@'))
    return re.fullmatch(pattern, actual, re.S) is not None


def compare(what, expected, actual):
    exp_lines = expected.split('\n')
    act_lines = actual.split('\n')
    ok = len(exp_lines) == len(act_lines) and all(
        line_matches(e, a) for e, a in zip(exp_lines, act_lines))
    if not ok:
        print(f'--- {what}: expected')
        print(expected, end='' if expected.endswith('\n') else '\n<no newline>\n')
        print(f'--- {what}: actual')
        print(actual, end='' if actual.endswith('\n') else '\n<no newline>\n')
    return ok


def run_case(shell, datadir, name):
    base = os.path.join(datadir, name)
    cmdline = read(base + '.cmd')
    if cmdline is None:
        print(f'{name}: no such case ({base}.cmd)')
        return False
    with tempfile.TemporaryDirectory(prefix='virtkit-cli-') as tmp:
        subst = {'@DATA@': os.path.abspath(datadir), '@TMP@': tmp,
                 '@HOSTNAME@': socket.gethostname()}
        args = shlex.split(substitute(cmdline.strip(), subst))
        stdin = read(base + '.stdin')
        env = dict(os.environ, LC_ALL='C')
        env.pop('LIBVIRT_DEFAULT_URI', None)
        env.pop('VIRTKIT_DEFAULT_URI', None)
        proc = subprocess.run([shell] + args, cwd=tmp, env=env,
                              input=substitute(stdin, subst) if stdin is not None else '',
                              capture_output=True, text=True, timeout=60)
        exp_out = substitute(read(base + '.out', ''), subst)
        exp_err = substitute(read(base + '.err', ''), subst)
        exp_rc = int(read(base + '.rc', '0').strip())
        ok = compare('stdout', exp_out, proc.stdout)
        ok = compare('stderr', exp_err, proc.stderr) and ok
        if proc.returncode != exp_rc:
            print(f'--- exit status: expected {exp_rc}, got {proc.returncode}')
            ok = False
    print(f'{name}: {"ok" if ok else "FAILED"}')
    return ok


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    shell, datadir = os.path.abspath(sys.argv[1]), sys.argv[2]
    results = [run_case(shell, datadir, name) for name in sys.argv[3:]]
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
