#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run one `virtkit` shell case and compare it with the expected files.

A case NAME in the data folder is:
  NAME.cmd    the shell's arguments, in shell quoting (one line)
  NAME.stdin  optional: fed to the shell's standard input
  NAME.env    optional: KEY=VALUE lines added to the shell's environment
              (EDITOR for the *-edit commands)
  NAME.out    expected stdout          (absent: must be empty)
  NAME.err    expected stderr          (absent: must be empty)
  NAME.rc     expected exit status     (absent: 0)

Placeholders, replaced in .cmd, .stdin and the expected files:
  @DATA@      the data folder (for XML files the case reads)
  @TMP@       a fresh temporary folder (for files the case writes)
  @HOSTNAME@  this machine's host name
In expected files a line may contain @ANY@, which matches any text
(used for values that change with every run, such as CPU time).

Usage: run-case.py SHELL DATADIR [CASE...]

Without CASE, every case in DATADIR runs.  The cases run in one
interpreter, a few at a time (each in its own temporary folder and shell
process): starting an interpreter per case used to be half the suite's
time.  To run one case from the build tree:
  meson test -C build cli --test-args CASE
"""
import concurrent.futures
import glob
import io
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


def compare(what, expected, actual, out):
    exp_lines = expected.split('\n')
    act_lines = actual.split('\n')
    ok = len(exp_lines) == len(act_lines) and all(
        line_matches(e, a) for e, a in zip(exp_lines, act_lines))
    if not ok:
        print(f'--- {what}: expected', file=out)
        print(expected, end='' if expected.endswith('\n') else '\n<no newline>\n', file=out)
        print(f'--- {what}: actual', file=out)
        print(actual, end='' if actual.endswith('\n') else '\n<no newline>\n', file=out)
    return ok


def run_case(shell, datadir, name):
    """Returns (ok, report): the report is printed by the caller, so that
    the output of cases running side by side does not interleave."""
    report = io.StringIO()
    ok = run_case_into(shell, datadir, name, report)
    return ok, report.getvalue()


def run_case_into(shell, datadir, name, out):
    base = os.path.join(datadir, name)
    cmdline = read(base + '.cmd')
    if cmdline is None:
        print(f'{name}: no such case ({base}.cmd)', file=out)
        return False
    with tempfile.TemporaryDirectory(prefix='virtkit-cli-') as tmp:
        subst = {'@DATA@': os.path.abspath(datadir), '@TMP@': tmp,
                 '@HOSTNAME@': socket.gethostname()}
        args = shlex.split(substitute(cmdline.strip(), subst))
        stdin = read(base + '.stdin')
        env = dict(os.environ, LC_ALL='C')
        env.pop('LIBVIRT_DEFAULT_URI', None)
        env.pop('VIRTKIT_DEFAULT_URI', None)
        env.pop('VISUAL', None)
        env.pop('EDITOR', None)
        env['TMPDIR'] = tmp
        for line in substitute(read(base + '.env', ''), subst).splitlines():
            if line.strip():
                key, _, value = line.partition('=')
                env[key.strip()] = value
        proc = subprocess.run([shell] + args, cwd=tmp, env=env,
                              input=substitute(stdin, subst) if stdin is not None else '',
                              capture_output=True, text=True, timeout=60)
        exp_out = substitute(read(base + '.out', ''), subst)
        exp_err = substitute(read(base + '.err', ''), subst)
        exp_rc = int(read(base + '.rc', '0').strip())
        ok = compare('stdout', exp_out, proc.stdout, out)
        ok = compare('stderr', exp_err, proc.stderr, out) and ok
        if proc.returncode != exp_rc:
            print(f'--- exit status: expected {exp_rc}, got {proc.returncode}', file=out)
            ok = False
    print(f'{name}: {"ok" if ok else "FAILED"}', file=out)
    return ok


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    shell, datadir = os.path.abspath(sys.argv[1]), sys.argv[2]
    names = sys.argv[3:] or sorted(os.path.basename(f)[:-4] for f in
                                   glob.glob(os.path.join(datadir, '*.cmd')))
    if not names:
        print(f'no cases in {datadir}')
        return 1
    # The cases wait on their shell processes, so threads overlap them.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda n: run_case(shell, datadir, n), names))
    failed = [n for n, (ok, _) in zip(names, results) if not ok]
    for _, report in results:
        print(report, end='')
    print(f'{len(names) - len(failed)} of {len(names)} cases passed' +
          (f'; failed: {" ".join(failed)}' if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
