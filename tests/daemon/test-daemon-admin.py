#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The admin interface: the real virt-admin against virtkitd's admin
socket, each command's output checked and its effect seen from outside.

  - the admin socket exists, mode 0700; each socket serves only its own
    program (raw packets);
  - srv-list, version; the same commands against a private libvirtd give
    the same servers, the same keys and the same error messages;
  - srv-threadpool-info shows the configured max_workers; -set changes it;
    minWorkers refused;
  - a python3-libvirt connection appears in srv-clients-list with this
    process's pid, uid and gid in client-info; client-disconnect closes it
    (its next call fails);
  - srv-clients-set --max-clients 1: a second connection is refused, and
    the refusal is written to the file daemon-log-outputs named; a debug
    filter makes the daemon log a connection; bad outputs/filters refused;
  - virtkit's own admin API (admin-client, a small C client) gives the
    same servers, keys and errors (code, domain, message) against virtkitd
    and libvirtd; the compat libvirt-admin.so.0 loads and talks to both;
  - daemon-timeout 1: the daemon exits once the admin client is gone.
usage: test-daemon-admin.py VIRTKITD [ADMIN-CLIENT LIBVIRT-ADMIN.SO]"""
import os
import re
import stat
import struct
import subprocess
import sys
import tempfile
import time

import ctypes

import vkwire
from vktest import PrivateLibvirtd

SKIP = 77
VIRT_ADMIN = "/usr/bin/virt-admin"
GUARD = 30
ADMIN_PROG = 0x06900690

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def adm(uri, *args, ok=True):
    r = subprocess.run([VIRT_ADMIN, "-c", uri] + list(args), capture_output=True, text=True,
                       timeout=GUARD)
    if ok and r.returncode != 0:
        raise AssertionError("virt-admin %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r


def table(out):
    """key -> value of virt-admin's "key : value" listings"""
    kv = {}
    for line in out.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            kv[k.strip()] = v.strip()
    return kv


def rows(out):
    """the rows under the dashes of a virt-admin table, split in words"""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("---"):
            return [l.split() for l in lines[i + 1:] if l.strip()]
    return []


def errline(r):
    return [l for l in r.stderr.splitlines() if l.startswith("error:")][-1:]


# commands whose output (or error) must read as libvirtd's: values may
# differ (pids, ids, times, counts) but not the keys or the messages
SAME_KEYS = [("srv-threadpool-info", "libvirtd"), ("srv-threadpool-info", "admin"),
             ("srv-clients-info", "libvirtd"), ("daemon-log-outputs",)]
SAME_ERRORS = [("srv-threadpool-info", "nope"), ("client-info", "libvirtd", "999"),
               ("daemon-log-outputs", "1:bogus"), ("daemon-log-filters", "9:x"),
               ("srv-update-tls", "libvirtd")]


def api(uri, *args):
    r = subprocess.run([ADMIN_CLIENT, uri] + list(args), capture_output=True, text=True,
                       timeout=GUARD)
    return r.returncode, r.stdout


def keys(out):
    return [l.split("=", 1)[0] for l in out.splitlines()]


def compat_child(so, uri):
    """In a child process: libvirt-admin.so.0 as a program loading it by
    name sees it.  Exit status 0 when every call answered right."""
    lib = ctypes.CDLL(so)
    lib.virAdmConnectOpen.restype = ctypes.c_void_p
    lib.virAdmConnectOpen.argtypes = [ctypes.c_char_p, ctypes.c_uint]
    lib.virAdmConnectGetLibVersion.argtypes = [ctypes.c_void_p,
                                               ctypes.POINTER(ctypes.c_ulonglong)]
    lib.virAdmConnectListServers.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
    lib.virAdmConnectClose.argtypes = [ctypes.c_void_p]
    conn = lib.virAdmConnectOpen(uri.encode(), 0)
    if not conn:
        return "open failed"
    ver = ctypes.c_ulonglong(0)
    if lib.virAdmConnectGetLibVersion(conn, ctypes.byref(ver)) != 0 or ver.value != 9000000:
        return "GetLibVersion: %d" % ver.value
    if lib.virAdmConnectListServers(conn, None, 0) != 2:
        return "ListServers count"
    if lib.virAdmConnectClose(conn) != 0:
        return "close"
    return None


def compat_so(uri):
    env = dict(os.environ)
    # a sanitizer build's library needs its runtime loaded first
    ldd = subprocess.run(["ldd", COMPAT_SO], capture_output=True, text=True).stdout
    pre = [l.split("=>")[1].split()[0] for l in ldd.splitlines()
           if "=>" in l and ("libasan" in l or "libubsan" in l)]
    if pre:
        # loaded into python (ctypes) behind a preloaded sanitizer runtime,
        # its XDR calls jump to address 0; admin-client runs the same code
        # under the sanitizers, so only the plain build checks the .so here
        print("note: sanitizer build, libvirt-admin.so.0 not loaded with ctypes")
        return
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--compat", COMPAT_SO, uri],
                       capture_output=True, text=True, env=env, timeout=GUARD)
    check(r.returncode == 0, "compat libvirt-admin.so.0 on %s: %s%s" % (uri, r.stdout, r.stderr))


def compare_api(vk_uri, lv_uri):
    """virtkit's admin API against both daemons."""
    a, b = api(lv_uri, "servers"), api(vk_uri, "servers")
    check(a[0] == b[0] == 0 and sorted(a[1].split()) == sorted(b[1].split()),
          "API servers: libvirtd %s, virtkitd %s" % (a, b))
    for cmd in (("threadpool", "libvirtd"), ("limits", "admin")):
        a, b = api(lv_uri, *cmd), api(vk_uri, *cmd)
        check(a[0] == b[0] == 0 and keys(a[1]) == keys(b[1]),
              "API %s: libvirtd %s, virtkitd %s" % (cmd, a, b))
    for cmd in (("threadpool", "nope"), ("client-info", "libvirtd", "999"),
                ("outputs", "1:bogus"), ("filters", "9:x")):
        a, b = api(lv_uri, *cmd), api(vk_uri, *cmd)
        check(a[0] == b[0] == 1 and a[1] == b[1],
              "API %s error: libvirtd %r, virtkitd %r" % (cmd, a[1], b[1]))
    # its own connection, as each daemon describes it
    for uri in (lv_uri, vk_uri):
        rc, out = api(uri, "clients", "admin")
        check(rc == 0 and out.strip(), "API clients on %s: %r" % (uri, out))
    compat_so(lv_uri)
    compat_so(vk_uri)


def compare_with_libvirtd(vk_uri):
    with tempfile.TemporaryDirectory(prefix="vk-adm-lv-") as d:
        try:
            lv = PrivateLibvirtd(d, "qemu")
        except Exception as e:   # no libvirtd here: the rest still runs
            print("note: private libvirtd unavailable, comparison skipped: %s" % e)
            return
        try:
            lv_uri = "libvirtd:///system?socket=%s" % os.path.join(d, "sock",
                                                                  "libvirt-admin-sock")
            # libvirtd lists its servers in hash order: compare the names
            a = sorted(r[1] for r in rows(adm(lv_uri, "srv-list").stdout))
            b = sorted(r[1] for r in rows(adm(vk_uri, "srv-list").stdout))
            check(a == b, "srv-list: libvirtd %s, virtkitd %s" % (a, b))
            for cmd in SAME_KEYS:
                a, b = table(adm(lv_uri, *cmd).stdout), table(adm(vk_uri, *cmd).stdout)
                check(list(a) == list(b), "%s keys: libvirtd %s, virtkitd %s" %
                      (" ".join(cmd), list(a), list(b)))
            for cmd in SAME_ERRORS:
                a, b = adm(lv_uri, *cmd, ok=False), adm(vk_uri, *cmd, ok=False)
                check(a.returncode != 0 and b.returncode != 0 and errline(a) == errline(b),
                      "%s: libvirtd says %s, virtkitd %s" % (" ".join(cmd), errline(a),
                                                             errline(b)))
            adm(lv_uri, "daemon-log-filters", "3:remote 4:event")
            adm(vk_uri, "daemon-log-filters", "3:remote 4:event")
            a, b = adm(lv_uri, "daemon-log-filters").stdout, adm(vk_uri, "daemon-log-filters").stdout
            check(a == b, "daemon-log-filters listing: libvirtd %r, virtkitd %r" % (a, b))
            adm(vk_uri, "daemon-log-filters", "")
            if ADMIN_CLIENT:
                compare_api(vk_uri, lv_uri)
        finally:
            lv.stop()


def raw_programs(d):
    """Each socket serves its own program: a remote-program CALL on the
    admin socket and an admin CALL on the daemon's socket get an error."""
    for path, prog in ((os.path.join(d.dir, "virtkitd-admin-sock"), vkwire.REMOTE_PROG),
                       (d.rw, ADMIN_PROG)):
        c = vkwire.Conn(path)
        try:
            hdr, body = c.call(1, struct.pack(">I", 0), prog=prog)
            check(hdr[5] == vkwire.ERROR and "unknown program" in body.decode(errors="replace"),
                  "program 0x%x on %s was not refused" % (prog, path))
        finally:
            c.close()
    # an admin call before CONNECT_OPEN
    c = vkwire.Conn(os.path.join(d.dir, "virtkitd-admin-sock"))
    try:
        hdr, body = c.call(3, prog=ADMIN_PROG)
        check(hdr[5] == vkwire.ERROR and b"connection not open" in body,
              "admin call before open not refused")
        hdr, body = c.call(1, struct.pack(">I", 0), prog=ADMIN_PROG)
        check(hdr[5] == vkwire.OK, "admin CONNECT_OPEN failed")
        hdr, body = c.call(3, prog=ADMIN_PROG)
        check(hdr[5] == vkwire.OK and struct.unpack(">Q", body)[0] == 9000000,
              "GET_LIB_VERSION: %r" % body)
    finally:
        c.close()


def clients(uri, d):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    rw = "qemu+unix:///system?socket=%s" % d.rw
    before = {r[0] for r in rows(adm(uri, "srv-clients-list", "libvirtd").stdout)}
    conn = libvirt.open(rw)
    after = rows(adm(uri, "srv-clients-list", "libvirtd").stdout)
    new = [r for r in after if r[0] not in before]
    check(len(new) == 1 and new[0][1] == "unix", "new client not listed: %s" % after)
    if len(new) != 1:
        return
    cid = new[0][0]
    info = table(adm(uri, "client-info", "libvirtd", cid).stdout)
    check(info.get("unix_process_id") == str(os.getpid()) and
          info.get("unix_user_id") == str(os.getuid()) and
          info.get("unix_group_id") == str(os.getgid()) and info.get("readonly") == "no" and
          info.get("transport") == "unix" and info.get("id") == cid,
          "client-info: %s" % info)
    lim = table(adm(uri, "srv-clients-info", "libvirtd").stdout)
    check(lim.get("nclients") == str(len(after)), "nclients %s for %d clients" %
          (lim.get("nclients"), len(after)))
    check("unix" in adm(uri, "srv-clients-list", "admin").stdout,
          "the admin client itself is not listed under 'admin'")

    # max clients: the second connection is refused, and the refusal goes
    # to the log file set through the admin interface
    logf = os.path.join(d.dir, "admin-set.log")
    adm(uri, "daemon-log-outputs", "3:file:%s" % logf)
    check(adm(uri, "daemon-log-outputs").stdout.split(":", 1)[1].strip() == "3:file:%s" % logf,
          "daemon-log-outputs does not read back")
    adm(uri, "srv-clients-set", "libvirtd", "--max-clients", str(len(after)),
        "--max-unauth-clients", "1")
    check(table(adm(uri, "srv-clients-info", "libvirtd").stdout).get("nclients_max") ==
          str(len(after)), "nclients_max not changed")
    try:
        libvirt.open(rw).close()
        check(False, "a connection beyond max clients was accepted")
    except libvirt.libvirtError:
        pass
    with open(logf) as f:
        check("max_clients (%d) reached" % len(after) in f.read(),
              "the refusal is not in the log file")
    r = adm(uri, "srv-clients-set", "libvirtd", "--max-unauth-clients", "99", ok=False)
    check(r.returncode != 0, "unauth max above max accepted")
    adm(uri, "srv-clients-set", "libvirtd", "--max-clients", "5000",
        "--max-unauth-clients", "20")

    # a debug filter: the daemon now logs connections to the file
    adm(uri, "daemon-log-outputs", "1:file:%s" % logf)
    adm(uri, "daemon-log-filters", "1:daemon.server")
    libvirt.open(rw).close()
    with open(logf) as f:
        check(re.search(r"debug: client \d+ .*connected on", f.read()) is not None,
              "debug filter did not log the connection")
    adm(uri, "daemon-log-filters", "")
    adm(uri, "daemon-log-outputs", "")
    check("3:stderr" in adm(uri, "daemon-log-outputs").stdout, "outputs not reset")

    # disconnect: the client's next call fails
    out = adm(uri, "client-disconnect", "libvirtd", cid).stdout
    check("disconnected" in out, "client-disconnect said %r" % out)
    check(cid not in [r[0] for r in rows(adm(uri, "srv-clients-list", "libvirtd").stdout)],
          "disconnected client still listed")
    try:
        conn.getVersion()
        check(False, "a disconnected client still gets answers")
    except libvirt.libvirtError:
        pass
    try:
        conn.close()
    except libvirt.libvirtError:
        pass


def threadpool(uri):
    info = table(adm(uri, "srv-threadpool-info", "libvirtd").stdout)
    check(info.get("maxWorkers") == "7", "maxWorkers %s, max_workers = 7 configured" %
          info.get("maxWorkers"))
    adm(uri, "srv-threadpool-set", "libvirtd", "--max-workers", "3")
    check(table(adm(uri, "srv-threadpool-info", "libvirtd").stdout).get("maxWorkers") == "3",
          "maxWorkers not changed")
    r = adm(uri, "srv-threadpool-set", "libvirtd", "--min-workers", "2", ok=False)
    check(r.returncode != 0 and "minWorkers" in r.stderr, "minWorkers 2: %s" % r.stderr)
    check(table(adm(uri, "srv-threadpool-info", "admin").stdout).get("maxWorkers") == "3",
          "admin pool: admin_max_workers = 3 configured")


def bad_config(binary):
    """a log definition libvirt would refuse keeps the daemon from starting"""
    with tempfile.TemporaryDirectory(prefix="vk-adm-bad-") as t:
        conf = os.path.join(t, "virtkitd.conf")
        with open(conf, "w") as f:
            f.write('log_outputs = "1:bogus"\n')
        r = subprocess.run([binary, "--socket-dir", t, "--qemu-root", os.path.join(t, "q"),
                            "--config", conf], capture_output=True, text=True, timeout=GUARD)
        check(r.returncode != 0 and "Invalid log destination 'bogus'" in r.stderr,
              "log_outputs = 1:bogus: rc %d, %s" % (r.returncode, r.stderr))


ADMIN_CLIENT = COMPAT_SO = None


def main():
    global ADMIN_CLIENT, COMPAT_SO
    if len(sys.argv) not in (2, 4):
        print(__doc__)
        return 2
    if len(sys.argv) == 4:
        ADMIN_CLIENT, COMPAT_SO = sys.argv[2:4]
    # meson points the loader at src/compat for the library this test
    # depends on; virt-admin, libvirtd and this process's python3-libvirt
    # (clients() imports it) must keep the system's libvirt.  The loader
    # read the variable when this process started, so start again without
    # it (a sanitizer build's libvirt.so.0 there cannot be loaded by
    # python at all).
    if "LD_LIBRARY_PATH" in os.environ:
        os.environ.pop("LD_LIBRARY_PATH")
        os.execv(sys.executable, [sys.executable] + sys.argv)
    if not os.path.exists(VIRT_ADMIN) or os.geteuid() != 0:
        print("SKIP: needs virt-admin and root (the admin socket is root-only)")
        return SKIP
    bad_config(sys.argv[1])
    d = vkwire.Daemon(sys.argv[1], verbose=False,
                      config='max_workers = 7\nadmin_max_workers = 3\nlog_filters = "4:rpc"\n')
    try:
        sock = os.path.join(d.dir, "virtkitd-admin-sock")
        uri = "virtkitd:///system?socket=%s" % sock
        check(stat.S_IMODE(os.stat(sock).st_mode) == 0o700, "admin socket mode")
        check(adm(uri, "daemon-log-filters").stdout.split(":", 1)[1].strip() == "4:*rpc*",
              "log_filters of the config not in effect")
        adm(uri, "daemon-log-filters", "")
        rows_ = rows(adm(uri, "srv-list").stdout)
        check([r[1] for r in rows_] == ["admin", "libvirtd"], "srv-list: %s" % rows_)
        check("Running against daemon: 9.0.0" in adm(uri, "version").stdout, "version")
        raw_programs(d)
        threadpool(uri)
        clients(uri, d)
        compare_with_libvirtd(uri)

        adm(uri, "daemon-timeout", "--timeout", "1")
        try:
            rc = d.proc.wait(timeout=GUARD)
            check(rc == 0, "daemon exited %d after its idle timeout" % rc)
        except subprocess.TimeoutExpired:
            check(False, "daemon-timeout 1: the daemon did not exit")
    finally:
        if failures:
            print("---- virtkitd log ----\n" + d.logtext())
        d.stop()
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compat":
        why = compat_child(sys.argv[2], sys.argv[3])
        print(why or "ok")
        sys.exit(1 if why else 0)
    sys.exit(main())
