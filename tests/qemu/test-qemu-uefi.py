#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""UEFI guests through QEMU's firmware descriptors (Debian's ovmf).

Through the `virtkit` shell on qemu:///embed?root=TMP (the driver
in-process, a real QEMU under TCG):
- domcapabilities offers firmware 'efi' and lists, per machine, the
  executables of the descriptors that serve it (q35: all three of
  Debian's, secure ones included; pc: only the one without SMM);
- <os firmware='efi'> without <acpi/> is refused as libvirt refuses it;
- with it, the domain starts: OVMF runs (QEMU alive, running), the NVRAM
  is NAME_VARS.fd under ROOT/lib/nvram, a copy of the chosen template;
  the live XML names loader (secure, pflash), nvram and smm, while the
  persistent XML keeps firmware='efi' only; QEMU got pflash0/pflash1;
- undefine is refused while the NVRAM exists, unless --keep-nvram or
  --nvram, which removes it;
- (a platform check that needs the driver too) <hugepages> is accepted
  at define, as libvirt accepts it, and its start is refused exactly
  when the host reserves none;
- descriptors are chosen by name order, machine glob and the features
  asked for (a private descriptor folder through VIRTKIT_FIRMWARE_DIR):
  secure-boot on a pc machine finds nothing and the start says so.
No QEMU process and no file is left behind.

Usage: test-qemu-uefi.py VIRTKIT
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

FWDIR = '/usr/share/qemu/firmware'
failures = []


def check(cond, what):
    print(('ok: ' if cond else 'FAIL: ') + what)
    if not cond:
        failures.append(what)


def run(shell, uri, line, env=None):
    r = subprocess.run([shell, '-c', uri, line], capture_output=True, text=True,
                       timeout=120, env=env)
    return r.returncode, r.stdout, r.stderr


def domain(name, machine, acpi=True, fwfeatures=''):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os firmware='efi'>
    <type arch='x86_64' machine='%s'>hvm</type>%s
  </os>
  %s
</domain>
""" % (name, machine, fwfeatures, '<features><acpi/></features>' if acpi else '')


def descriptors():
    out = {}
    for n in sorted(os.listdir(FWDIR)):
        with open(os.path.join(FWDIR, n)) as f:
            out[n] = json.load(f)
    return out


def qemu_cmdline(name):
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                argv = f.read().split(b'\0')
        except OSError:
            continue
        if b'guest=%s,debug-threads=on' % name.encode() in argv:
            return [a.decode() for a in argv]
    return None


def main():
    shell = sys.argv[1]
    if not os.path.isdir(FWDIR) or not os.path.exists('/usr/bin/qemu-system-x86_64'):
        print('no QEMU or no firmware descriptors (Debian package ovmf): skipped')
        return 77
    descs = descriptors()
    tmp = tempfile.mkdtemp(prefix='vk-uefi-')
    os.chmod(tmp, 0o755)
    uri = 'qemu:///embed?root=' + tmp
    try:
        # domain capabilities, per machine
        for machine in ('q35', 'pc'):
            rc, out, err = run(shell, uri, 'domcapabilities --machine ' + machine)
            check(rc == 0, 'domcapabilities --machine %s: %s' % (machine, err.strip()))
            root = ET.fromstring(out)
            canon = root.findtext('machine')
            fw = [v.text for v in root.findall("./os/enum[@name='firmware']/value")]
            check(fw == ['efi'], '%s: firmware enum is efi (%s)' % (machine, fw))
            loaders = [v.text for v in root.findall('./os/loader/value')]
            want = [d['mapping']['executable']['filename'] for d in descs.values()
                    if any(t['architecture'] == 'x86_64' and
                           any(__import__('fnmatch').fnmatch(canon, g) for g in t['machines'])
                           for t in d['targets'])]
            check(loaders == want, '%s (%s): loaders %s are the descriptors\' %s'
                  % (machine, canon, loaders, want))

        path = os.path.join(tmp, 'noacpi.xml')
        with open(path, 'w') as f:
            f.write(domain('vk-uefi-noacpi', 'q35', acpi=False))
        rc, out, err = run(shell, uri, 'define ' + path)
        check(rc != 0 and 'UEFI requires ACPI' in err, 'efi without acpi refused: ' + err.strip())

        name = 'vk-uefi'
        path = os.path.join(tmp, 'efi.xml')
        with open(path, 'w') as f:
            f.write(domain(name, 'q35'))
        rc, out, err = run(shell, uri, 'define %s; start %s; domstate %s; dumpxml %s; '
                           'dumpxml --inactive %s' % (path, name, name, name, name))
        check(rc == 0, 'define and start an efi guest: ' + err.strip())
        nvram = os.path.join(tmp, 'lib', 'nvram', name + '_VARS.fd')
        # the guest outlives the shell; OVMF under TCG stays in its boot
        # manager (no disk), so QEMU must still be there
        argv = qemu_cmdline(name)
        check('running' in out and argv is not None, 'the guest runs: ' + out[:200])
        docs = out[out.index('<domain'):]
        live, inactive = docs.split('</domain>')[0:2]
        live = ET.fromstring(live + '</domain>')
        inactive = ET.fromstring(inactive[inactive.index('<domain'):] + '</domain>')
        loader = live.find('./os/loader')
        check(loader is not None and loader.get('type') == 'pflash' and
              loader.get('readonly') == 'yes' and loader.get('secure') == 'yes',
              'live XML: secure read-only pflash loader')
        first = [d for d in descs.values() if 'pc-q35-*' in d['targets'][0]['machines']][0]
        check(loader is not None and loader.text == first['mapping']['executable']['filename'],
              'the first q35 descriptor by name is chosen: %s'
              % (loader.text if loader is not None else None))
        nv = live.find('./os/nvram')
        check(nv is not None and nv.text == nvram and
              nv.get('template') == first['mapping']['nvram-template']['filename'],
              'live XML: nvram %s with its template' % (nv.text if nv is not None else None))
        check(live.find("./features/smm[@state='on']") is not None,
              'live XML: smm on (the firmware requires it)')
        check(live.find('./os').get('firmware') is None, 'live XML: no firmware attribute')
        check(inactive.find('./os').get('firmware') == 'efi' and
              inactive.find('./os/loader') is None,
              'persistent XML keeps firmware=efi and no loader')
        check(os.path.exists(nvram) and
              filecmp.cmp(nvram, first['mapping']['nvram-template']['filename'], shallow=False),
              'NVRAM copied from its template at first start')
        check(argv is not None and
              any('pflash0=libvirt-pflash0-format,pflash1=libvirt-pflash1-format' in a
                  for a in argv), 'QEMU got pflash0/pflash1')
        rc, out, err = run(shell, uri, 'destroy ' + name)
        check(rc == 0 and qemu_cmdline(name) is None, 'destroyed: ' + err.strip())

        rc, out, err = run(shell, uri, 'undefine ' + name)
        check(rc != 0 and 'cannot undefine domain with nvram' in err,
              'undefine refused while the NVRAM exists: ' + err.strip())
        rc, out, err = run(shell, uri, 'undefine --nvram ' + name)
        check(rc == 0 and not os.path.exists(nvram), 'undefine --nvram removes it: ' + err.strip())

        path = os.path.join(tmp, 'huge.xml')
        with open(path, 'w') as f:
            f.write(domain('vk-huge', 'pc').replace(
                "<os firmware='efi'>", "<memoryBacking><hugepages/></memoryBacking><os>"))
        with open('/proc/meminfo') as f:
            total = [int(l.split()[1]) for l in f if l.startswith('HugePages_Total:')][0]
        with open('/proc/mounts') as f:
            mounted = ' /dev/hugepages hugetlbfs ' in f.read()
        rc, out, err = run(shell, uri, 'define %s' % path)
        check(rc == 0, 'hugepages accepted at define: ' + err.strip())
        if not (total and mounted):
            rc, out, err = run(shell, uri, 'start vk-huge')
            check(rc != 0 and '<hugepages> of domain' in err,
                  'its start refused on a host without huge pages: ' + err.strip())
        run(shell, uri, 'destroy vk-huge')
        rc, out, err = run(shell, uri, 'undefine vk-huge')
        check(rc == 0, 'undefined: ' + err.strip())

        # private descriptors: order, machine globs, features
        fwdir = os.path.join(tmp, 'fw')
        os.mkdir(fwdir)
        for n, d in descs.items():
            shutil.copy(os.path.join(FWDIR, n), fwdir)
        env = dict(os.environ, VIRTKIT_FIRMWARE_DIR=fwdir)
        path = os.path.join(tmp, 'sb.xml')
        with open(path, 'w') as f:
            f.write(domain('vk-uefi-sb', 'pc', fwfeatures="""
    <firmware>
      <feature enabled='yes' name='secure-boot'/>
    </firmware>"""))
        rc, out, err = run(shell, uri, 'define %s; start vk-uefi-sb' % path, env)
        check(rc != 0 and 'Unable to find any firmware' in err,
              'secure boot on pc: no descriptor fits: ' + err.strip())
        check(not os.path.exists(os.path.join(tmp, 'lib', 'nvram', 'vk-uefi-sb_VARS.fd')),
              'no NVRAM made for a start that found no firmware')
        rc, out, err = run(shell, uri, 'undefine vk-uefi-sb')
        check(rc == 0, 'undefine without NVRAM needs no flag: ' + err.strip())
    finally:
        run(shell, uri, 'destroy vk-uefi')
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
