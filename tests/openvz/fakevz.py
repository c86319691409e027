# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stand-in for OpenVZ's vzctl and vzlist, for the OpenVZ driver's tests.

No OpenVZ kernel exists for Debian 12, so the tests run the driver against
these two scripts.  They answer as the documented tools do (vzctl(8),
vzlist(8), ctid.conf(5)): the same options, messages, output columns and
exit codes.  The one idea: $VIRTKIT_OPENVZ_ROOT stands for "/", and the
"kernel" is a few files under it -- proc/vz/veinfo lists running containers
(as the real /proc/vz/veinfo does), proc/vz/vestat their CPU time, and
var/lib/fakevz/ holds what only the kernel would know (frozen containers).
Container configs are real ctid.conf files in ROOT/etc/vz/conf.

Never installed; run only by tests/openvz.
"""
import fcntl
import os
import re
import shutil
import sys

VERSION = "4.9.4"

# vzctl exit codes (vzctl(8), EXIT STATUS)
VZ_SYSTEM_ERROR = 3
VZ_LOCKED = 9
VZ_NOVECONFIG = 14
VZ_CHKPNT_ERROR = 16
VZ_INVALID_PARAMETER_SYNTAX = 20
VZ_INVALID_PARAMETER_VALUE = 21
VZ_VE_PRIVATE_NOTSET = 23
VZ_VE_NOTEMPLATE = 29
VZ_VE_NOT_RUNNING = 31
VZ_VE_RUNNING = 32
VZ_FS_NOPRVT = 43
VZ_FS_PRVT_EXIST = 44
VZ_OSTEMPLATE_NOT_FOUND = 91
VZ_VE_START_DISABLED = 105

PAGE = 4096
NPROC_RUNNING = 7          # what the stand-in's "kernel" reports for a running CT


def root():
    r = os.environ.get("VIRTKIT_OPENVZ_ROOT")
    if not r:
        sys.stderr.write("fake OpenVZ tools: VIRTKIT_OPENVZ_ROOT is not set\n")
        sys.exit(VZ_SYSTEM_ERROR)
    return r


def path(p):
    """A path as the tool sees it ("/etc/vz/...") -> the real file."""
    return os.path.join(root(), p.lstrip("/"))


# ---- ctid.conf: shell-style KEY="value" lines ----

LINE_RE = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$')


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


class Conf:
    def __init__(self, fname):
        self.fname = fname
        self.lines = []
        if os.path.exists(fname):
            with open(fname) as f:
                self.lines = f.read().splitlines()

    def get(self, key, default=None):
        val = default
        for line in self.lines:
            m = LINE_RE.match(line)
            if m and m.group(1) == key:
                val = unquote(m.group(2))
        return val

    def set(self, key, value):
        new = '%s="%s"' % (key, value)
        for i, line in enumerate(self.lines):
            m = LINE_RE.match(line)
            if m and m.group(1) == key:
                self.lines[i] = new
                return
        self.lines.append(new)

    def delete(self, key):
        self.lines = [l for l in self.lines
                      if not (LINE_RE.match(l) and LINE_RE.match(l).group(1) == key)]

    def save(self):
        tmp = self.fname + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        os.rename(tmp, self.fname)


def global_conf():
    return Conf(path("/etc/vz/vz.conf"))


def conf_path(ctid):
    return "/etc/vz/conf/%d.conf" % ctid


def subst(value, ctid):
    return value.replace("$VEID", str(ctid)).replace("${VEID}", str(ctid))


def private_of(ctid, conf):
    p = conf.get("VE_PRIVATE") or global_conf().get("VE_PRIVATE")
    return subst(p, ctid) if p else None


def root_of(ctid, conf):
    p = conf.get("VE_ROOT") or global_conf().get("VE_ROOT")
    return subst(p, ctid) if p else None


# ---- the "kernel" ----

def veinfo_read():
    """{ctid: nproc} from /proc/vz/veinfo ("CTID class nproc ips")."""
    out = {}
    try:
        with open(path("/proc/vz/veinfo")) as f:
            for line in f:
                w = line.split()
                if w and w[0].isdigit() and int(w[0]) != 0:
                    out[int(w[0])] = int(w[2])
    except FileNotFoundError:
        pass
    return out


def veinfo_write(running):
    os.makedirs(path("/proc/vz"), exist_ok=True)
    with open(path("/proc/vz/veinfo"), "w") as f:
        f.write("%10d %5d %5d\n" % (0, 0, 200))
        for ctid in sorted(running):
            ips = Conf(path(conf_path(ctid))).get("IP_ADDRESS", "") or ""
            f.write("%10d %5d %5d %s\n" % (ctid, 0, running[ctid], ips))
    with open(path("/proc/vz/vestat"), "w") as f:
        f.write("Version: 2.2\n")
        f.write("      VEID                 user                 nice"
                "               system               uptime\n")
        for ctid in sorted(running):
            f.write("%10d %20d %20d %20d %20d\n" % (ctid, 150, 0, 50, 1000))


def is_running(ctid):
    return ctid in veinfo_read()


def frozen_path(ctid):
    return path("/var/lib/fakevz/%d.frozen" % ctid)


def is_frozen(ctid):
    return os.path.exists(frozen_path(ctid))


def set_frozen(ctid, on):
    if on:
        os.makedirs(os.path.dirname(frozen_path(ctid)), exist_ok=True)
        open(frozen_path(ctid), "w").close()
    elif os.path.exists(frozen_path(ctid)):
        os.unlink(frozen_path(ctid))


def lock_ct(ctid):
    """vzctl's per-container lock; a second vzctl on the same CT fails."""
    d = path("/vz/lock")
    os.makedirs(d, exist_ok=True)
    fd = os.open(os.path.join(d, "%d.lck" % ctid), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return None
    return fd


# ---- size parsing (vzctl(8): suffixes g, m, k, p) ----

def parse_size(text, unit):
    """'512M' -> value in `unit` bytes (1 for bytes, 1024 for KiB blocks,
    PAGE for pages); a bare number is already in that unit."""
    m = re.match(r'^(\d+)([gGmMkKpP]?)$', text)
    if not m:
        return None
    n = int(m.group(1))
    suf = m.group(2).lower()
    if not suf:
        return n
    mult = {"g": 1 << 30, "m": 1 << 20, "k": 1 << 10, "p": PAGE}[suf]
    return n * mult // unit


def parse_barrier_limit(text, unit):
    parts = text.split(":")
    if len(parts) > 2:
        return None
    vals = []
    for p in parts:
        if p == "unlimited":
            vals.append(9223372036854775807)
            continue
        v = parse_size(p, unit)
        if v is None:
            return None
        vals.append(v)
    if len(vals) == 1:
        vals.append(vals[0])
    return vals
