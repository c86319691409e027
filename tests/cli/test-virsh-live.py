#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shell against the installed virsh, live, command line by command line.

The recorded cases (run-case.py) hold what virsh printed once; this test
asks virsh again, every run, so that a case can never drift from it.  Each
line of the table (DATADIR/lines.txt) runs through `virsh -c URI LINE` and
through `virtkit -c URI LINE`, each in a fresh temporary folder; stdout,
stderr and the exit status must be byte-identical once the values that
change with every run are replaced (see NORMALIZE, the whole list).

A table line is `[KEY] COMMANDS`: KEY names the URI (`default` is
test:///default, `host` the host file DATADIR/host.xml); COMMANDS is what
both shells get as one argument, commands separated by ';', so that a
sequence such as "net-define F; net-start N; net-info N" shares one
connection and its state.  `[KEY stdin] COMMANDS` feeds the commands, one
per line at each ';', to the shell's standard input instead (the
interactive shell without a terminal; the shell's name in its banner and
prompt is the one difference allowed there).  `quiet` and `readonly` add
-q and -r; `nodesc` leaves out the DESCRIPTION of help texts.  `pending`
marks a difference known to be fixed on another branch, `differs` one
kept on purpose (the comment above it says why): either is shown, not
counted, and a line so marked that matches fails, so that the mark goes.
`skip NAME: REASON` names a command no line can run here.

@DATA@ in a line is the data folder, @TMP@ the line's temporary folder.

Every virsh command must be covered by a line or skipped, so a command
added to virsh cannot go unnoticed.  Exit 77 (skip) without virsh.

Usage: test-virsh-live.py SHELL DATADIR [PATTERN...]
PATTERN (a substring) selects the lines to run; -v prints every result.
"""
import concurrent.futures
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

UUID = r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

# What differs between two runs of the same shell, nothing else.  Each entry
# is (pattern, replacement); the temporary folder is replaced first.
NORMALIZE = [
    # UUIDs made by a define without <uuid>: replaced unless fixed (below)
    (re.compile(UUID), None),
    # the time a snapshot or checkpoint was taken (dumpxml, list, info)
    (re.compile(r'<creationTime>\d+</creationTime>'), '<creationTime>@T@</creationTime>'),
    # the test driver's CPU time of a domain is the time of day
    (re.compile(r'CPU time: +[0-9.]+s'), 'CPU time: @T@'),
    # ... and as snapshot-list and checkpoint-list show it
    (re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}'), '@DATE@'),
]


# The interactive session's banner and prompt name the shell: virtkit's
# own name is the one difference kept there.
SESSION_NAME = re.compile(r'^(Welcome to |)virtkit(,| [#$] )', re.M)

# A command's help has a DESCRIPTION in the shell's own words (the recorded
# help cases hold them); `nodesc` compares the rest: name, synopsis, options.
HELP_DESCRIPTION = re.compile(r'^  DESCRIPTION\n(?:    .*\n)*\n', re.M)

# Flags of a table line that are shell options.
OPTIONS = {'quiet': '-q', 'readonly': '-r'}


def fixed_uuids(datadir):
    """UUIDs of objects the shells did not make: those in the data files
    and test:///default's own (printed by its dumpxml)."""
    found = set()
    for name in os.listdir(datadir):
        with open(os.path.join(datadir, name), encoding='utf-8') as f:
            found.update(re.findall(UUID, f.read()))
    return found


def normalize(text, tmp, fixed):
    text = text.replace(tmp, '@TMP@')
    for pattern, repl in NORMALIZE:
        if repl is None:
            text = pattern.sub(lambda m: m.group(0) if m.group(0) in fixed else '@UUID@', text)
        else:
            text = pattern.sub(repl, text)
    return text


def parse_table(path):
    lines, skips = [], {}
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('skip '):
                name, _, reason = line[5:].partition(':')
                skips[name.strip()] = reason.strip()
                continue
            m = re.fullmatch(r'\[(\w+)((?: \w+)*)\] (.+)', line)
            if not m:
                raise SystemExit(f'{path}:{number}: not a table line: {line}')
            lines.append((number, m.group(1), m.group(2).split(), m.group(3)))
    return lines, skips


def command_names(commands):
    """The command names in a ';'-separated sequence (quotes respected)."""
    names, word, quote, start = [], '', None, True
    for ch in commands + ';':
        if quote:
            quote = None if ch == quote else quote
            word += ch
        elif ch in '\'"':
            quote = ch
            word += ch
        elif ch == ';' or ch.isspace():
            if word and start:
                names.append(word)
                start = False
            word = ''
            if ch == ';':
                start = True
        else:
            word += ch
    return names


def run_virsh(argv, tmp, stdin):
    """virsh 9.0 on the test driver now and then never ends after a save,
    a restore or a failed migrate (a third of the runs here, where a
    normal one takes well under a second): such a run is asked again, at
    most five times, so that its flakiness does not pass for a difference.
    The shell gets no second chance."""
    for _ in range(5):
        result = run(argv, tmp, stdin, timeout=10)
        if result[2] is not None:
            break
        for name in os.listdir(tmp):
            path = os.path.join(tmp, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
    return result


def run(argv, tmp, stdin, timeout=60):
    # an editor that changes nothing: the *-edit commands then say so
    env = dict(os.environ, HOME=tmp, LC_ALL='C', XDG_CONFIG_HOME=tmp + '/.config',
               XDG_CACHE_HOME=tmp + '/.cache', EDITOR='true')
    for var in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'VIRSH_DEBUG',
                'VIRSH_LOG_FILE', 'VISUAL'):
        env.pop(var, None)
    try:
        p = subprocess.run(argv, cwd=tmp, env=env, input=stdin, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return '', f'(no end after {timeout} s)', None
    return (p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'),
            p.returncode)


def run_line(shell, datadir, uris, fixed, entry):
    number, key, flags, commands = entry
    results = []
    for argv0 in (['virsh'], [shell]):
        with tempfile.TemporaryDirectory(prefix='vklive-') as tmp:
            text = commands.replace('@DATA@', datadir).replace('@TMP@', tmp)
            argv = argv0 + ['-c', uris[key]] + [OPTIONS[f] for f in flags if f in OPTIONS]
            if 'stdin' in flags:
                stdin = '\n'.join(c.strip() for c in text.split(';')) + '\n'
            else:
                argv.append(text)
                stdin = ''
            out, err, rc = (run_virsh if argv0 == ['virsh'] else run)(argv, tmp, stdin.encode())
            if argv0 == [shell]:
                out = SESSION_NAME.sub(r'\1virsh\2', out)
            if 'nodesc' in flags:
                out = HELP_DESCRIPTION.sub('', out)
            results.append((normalize(out, tmp, fixed), normalize(err, tmp, fixed), rc))
    return entry, results


def show(what, theirs, ours):
    """A unified diff, virsh's side first (whole lines would drown it)."""
    diff = difflib.unified_diff(str(theirs).split('\n'), str(ours).split('\n'),
                                f'{what}: virsh', f'{what}: virtkit', lineterm='', n=2)
    return '\n'.join('  ' + line for line in diff)


def main():
    if not shutil.which('virsh'):
        print('SKIP: no virsh')
        return 77
    shell, datadir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    args = sys.argv[3:]
    verbose = '-v' in args
    patterns = [a for a in args if a != '-v']
    table, skips = parse_table(os.path.join(datadir, 'lines.txt'))
    uris = {'default': 'test:///default', 'host': 'test://' + os.path.join(datadir, 'host.xml')}
    fixed = fixed_uuids(datadir)

    virsh_help = subprocess.run(['virsh', 'help'], capture_output=True, text=True).stdout
    every = {l.split()[0] for l in virsh_help.splitlines() if l.startswith('    ')}
    covered = {n for _, _, _, c in table for n in command_names(c)}
    failed = 0
    unknown = sorted((covered | set(skips)) - every)
    if unknown:
        print('not virsh commands: ' + ' '.join(unknown))
        failed += 1
    missing = sorted(every - covered - set(skips))
    if missing and not patterns:
        print('neither run nor skipped: ' + ' '.join(missing))
        failed += 1

    chosen = [e for e in table if not patterns or any(p in e[3] for p in patterns)]
    pending = failed_lines = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for entry, (theirs, ours) in pool.map(
                lambda e: run_line(shell, datadir, uris, fixed, e), chosen):
            number, key, flags, commands = entry
            diffs = [show(what, t, o) for what, t, o in zip(('stdout', 'stderr', 'exit status'),
                                                             theirs, ours) if t != o]
            known = [f for f in flags if f in ('pending', 'differs')]
            if known:
                if diffs:
                    pending += 1
                    print(f'{known[0].upper()} lines.txt:{number} [{key}] {commands}')
                    print('\n'.join(diffs))
                else:
                    failed_lines += 1
                    print(f'FAIL lines.txt:{number}: matches now, remove "{known[0]}"')
                continue
            if diffs:
                failed_lines += 1
                print(f'FAIL lines.txt:{number} [{key}] {commands}')
                print('\n'.join(diffs))
            elif verbose:
                print(f'ok   lines.txt:{number} [{key}] {commands}')
    print(f'{len(chosen)} lines, {len(chosen) - failed_lines - pending} identical, '
          f'{pending} known differences, {failed_lines} differ; '
          f'commands run {len(covered & every)} '
          f'of {len(every)}, skipped {len(skips)}')
    return 1 if failed or failed_lines else 0


if __name__ == '__main__':
    sys.exit(main())
