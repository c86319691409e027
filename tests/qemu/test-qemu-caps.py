#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""QEMU CPU models in the capabilities, checked against QEMU itself.

Through the `virtkit` shell on qemu:///embed?root=TMP (the driver
in-process, real QEMU probes):
- domcapabilities, for each virttype the host offers, validates against
  libvirt's domaincaps.rng, and its custom-mode models are exactly what a
  QEMU started here by the test answers to query-cpu-definitions under
  that accelerator (minus versioned names and host/max/base), with
  usable='yes' exactly where QEMU lists no unavailable feature;
- cpu-models x86_64 lists the same names;
- wrong arguments (arch, machine, virttype, emulator) fail with a message;
- a domain with a CPU model QEMU does not know is refused at define, one
  with a known (also versioned) model is accepted.
No QEMU process and no file is left behind.

Usage: test-qemu-caps.py VIRTKIT
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

QEMU = '/usr/bin/qemu-system-x86_64'
RNG = '/usr/share/libvirt/schemas/domaincaps.rng'
failures = []


def check(cond, what):
    print(('ok: ' if cond else 'FAIL: ') + what)
    if not cond:
        failures.append(what)


def qmp_cpu_definitions(accel, tmp, cmd='query-cpu-definitions'):
    """query-cpu-definitions (or cmd) from a QEMU of our own, not the driver's."""
    path = os.path.join(tmp, 'qmp-%s-%s.sock' % (accel, cmd))
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    proc = subprocess.Popen([QEMU, '-S', '-no-user-config', '-nodefaults', '-display', 'none',
                             '-machine', 'none', '-accel', accel,
                             '-qmp', 'unix:%s' % path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        srv.settimeout(60)
        conn, _ = srv.accept()
        f = conn.makefile('rw')
        f.readline()

        def call(cmd):
            f.write(json.dumps({'execute': cmd}) + '\n')
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if 'return' in msg or 'error' in msg:
                    return msg
        call('qmp_capabilities')
        return call(cmd)['return']
    finally:
        proc.kill()
        proc.wait()
        srv.close()


def expected_models(defs):
    out = []
    for d in defs:
        name = d['name']
        if name in ('host', 'max', 'base') or re.search(r'-v\d+$', name):
            continue
        un = d.get('unavailable-features')
        out.append((name, 'unknown' if un is None else ('yes' if not un else 'no')))
    return out


def run(shell, uri, line):
    r = subprocess.run([shell, '-c', uri, line], capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, LC_ALL='C'))
    return r.returncode, r.stdout, r.stderr


def kvm_usable():
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        return True
    except OSError:
        return False


def children_of(pid):
    out = []
    for d in os.listdir('/proc'):
        try:
            with open('/proc/%s/stat' % d) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return out


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def probe_dies_with_its_prober(shell, root):
    """A shell killed while its capability probe runs takes the probe with it."""
    uri = 'qemu:///embed?root=' + os.path.join(root, 'killed')
    proc = subprocess.Popen([shell, '-c', uri, 'capabilities'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probes = []
    for _ in range(1000):
        probes = children_of(proc.pid)
        if probes or proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    check(len(probes) == 1, 'the shell started a probe QEMU (%s)' % probes)
    for _ in range(500):
        if not any(alive(p) for p in probes):
            break
        time.sleep(0.01)
    left = [p for p in probes if alive(p)]
    check(not left, 'the probe QEMU died with the shell killed mid-probe (%s)' % left)
    for p in left:
        os.kill(p, 9)


def main():
    shell = sys.argv[1]
    if not os.access(QEMU, os.X_OK):
        print('SKIP: no %s' % QEMU)
        return 77
    root = tempfile.mkdtemp(prefix='vk-qemu-caps-')
    try:
        uri = 'qemu:///embed?root=' + root
        virttypes = ['qemu'] + (['kvm'] if kvm_usable() else [])
        listed_tcg = None
        for vt in virttypes:
            rc, out, err = run(shell, uri, 'domcapabilities --virttype ' + vt)
            check(rc == 0, 'domcapabilities --virttype %s (%s)' % (vt, err.strip()))
            if rc != 0:
                continue
            path = os.path.join(root, 'domcaps-%s.xml' % vt)
            with open(path, 'w') as f:
                f.write(out)
            if os.path.exists(RNG) and shutil.which('xmllint'):
                v = subprocess.run(['xmllint', '--noout', '--relaxng', RNG, path],
                                   capture_output=True, text=True)
                check(v.returncode == 0, '%s domcapabilities validate against domaincaps.rng %s'
                      % (vt, v.stderr.strip()))
            doc = ET.fromstring(out)
            check(doc.findtext('domain') == vt, '<domain> is %s' % vt)
            check(doc.findtext('path') == QEMU, '<path> is the emulator')
            modes = {m.get('name'): m for m in doc.find('cpu').findall('mode')}
            check(modes['host-passthrough'].get('supported') == ('yes' if vt == 'kvm' else 'no'),
                  '%s: host-passthrough only with KVM' % vt)
            custom = modes['custom']
            check(custom.get('supported') == 'yes', '%s: custom mode supported' % vt)
            got = [(m.text, m.get('usable')) for m in custom.findall('model')]
            want = expected_models(qmp_cpu_definitions('kvm' if vt == 'kvm' else 'tcg', root))
            check(got == want, '%s: custom models and usability are QEMU\'s (%d models)'
                  % (vt, len(want)))
            if got != want:
                print('  got  %s\n  want %s' % (got[:8], want[:8]))
            if vt == 'qemu':
                listed_tcg = [n for n, _ in want]
                check(('qemu64', 'yes') in got, 'qemu: qemu64 is usable under TCG')

        # the machines as libvirt lists them: QEMU's default first, then
        # QEMU's order, each alias right after its machine
        rc, out, err = run(shell, uri, 'capabilities')
        got = []
        if rc == 0:
            arch = [a for a in ET.fromstring(out).iter('arch') if a.get('name') == 'x86_64'][0]
            got = [(m.text, m.get('canonical')) for m in arch.findall('machine')]
        machines = [m for m in qmp_cpu_definitions('tcg', root, 'query-machines')
                    if m['name'] != 'none']
        machines.sort(key=lambda m: not m.get('is-default', False))
        want = []
        for m in machines:
            want.append((m['name'], None))
            if m.get('alias'):
                want.append((m['alias'], m['name']))
        check(got == want, 'capabilities list the machines in libvirt\'s order (%s...)'
              % got[:3])

        rc, out, err = run(shell, uri, 'cpu-models x86_64')
        check(rc == 0 and out.rstrip('\n').split('\n') == listed_tcg,
              'cpu-models x86_64 lists the custom models (%s)' % err.strip())

        for line, msg in (
                ('domcapabilities --arch aarch64', "unable to find any emulator to serve 'aarch64'"),
                ('domcapabilities --machine nosuch', "the machine 'nosuch' is not supported"),
                ('domcapabilities --virttype xen', "unknown virttype 'xen'"),
                ('domcapabilities --emulatorbin /usr/bin/nope', "emulator '/usr/bin/nope'"),
                ('cpu-models ppc64', "no CPU models for architecture 'ppc64'")):
            rc, out, err = run(shell, uri, line)
            check(rc != 0 and msg in err, '%s fails: %s' % (line, err.strip()))

        rc, out, err = run(shell, uri, 'domcapabilities --machine pc')
        check(rc == 0 and re.search(r'<machine>pc-i440fx-[0-9.]+</machine>', out) is not None,
              'the machine alias pc resolves to its canonical name')

        for model, ok in (('NoSuchCPU', False), ('Skylake-Client-v1', True), ('qemu64', True)):
            xml = os.path.join(root, 'cpu-%s.xml' % model)
            with open(xml, 'w') as f:
                f.write("<domain type='qemu'><name>cpu-%s</name><memory unit='MiB'>64</memory>"
                        "<os><type arch='x86_64'>hvm</type></os>"
                        "<cpu mode='custom'><model>%s</model></cpu></domain>" % (model, model))
            rc, out, err = run(shell, uri, 'define %s; undefine cpu-%s' % (xml, model))
            if ok:
                check(rc == 0, 'a domain with CPU model %s is defined (%s)' % (model, err.strip()))
            else:
                check("CPU model 'NoSuchCPU' of domain 'cpu-NoSuchCPU' is not known" in err,
                      'CPU model NoSuchCPU is refused at define: %s' % err.strip())
        rc, out, err = run(shell, uri, 'list --all --name')
        check(out.strip() == '', 'no domain left defined')
        probe_dies_with_its_prober(shell, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
