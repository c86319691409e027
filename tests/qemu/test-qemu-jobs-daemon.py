#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""QEMU jobs that cannot hang, through virtkitd with python3-libvirt (two
connections, one thread per racing call):

- start racing managedsave-remove, and start racing undefine
  --managed-save, twenty rounds: both calls return every time, both
  succeed (or the start finds the domain undefined), the daemon keeps
  serving, and the domain ends running (destroy then works) or gone;
- destroy wins over a start stuck in loading its saved state (a restore
  from a FIFO that delivers part of the stream, then nothing): destroy
  succeeds and the restore fails, promptly;
- suspend racing destroy fails, if it fails, with libvirt's "domain is not
  running" (VIR_ERR_OPERATION_INVALID), including when QEMU was frozen
  with the suspend's command in flight.

Bounds on waits (GUARD) only catch hangs; nothing asserts on time."""

import os
import shutil
import signal
import sys
import tempfile
import threading
import time

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import vkwire  # noqa: E402
import vktest  # noqa: E402

BIN = sys.argv[1]
MICRO = sys.argv[2]
GUARD = 90          # seconds: a call still running after this is a hang
NAME = "vkjob"
ROUNDS = 20


def quiet(*_):
    pass


libvirt.registerErrorHandler(quiet, None)


def call_all(calls):
    """Runs the callables at once (a barrier releases them together);
    returns each one's result or libvirtError.  A call that has not
    returned within GUARD is a hang."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = ("ok", fn())
        except libvirt.libvirtError as e:
            results[i] = ("err", e)

    threads = [threading.Thread(target=run, args=(i, fn), daemon=True)
               for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(GUARD)
        assert not t.is_alive(), "a call never returned (hang): %r" % (results,)
    return results


def child_pids():
    """Our children (QEMUs adopted as subreaper included)."""
    me = os.getpid()
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == me:
                        out.append(int(d))
            except (FileNotFoundError, IndexError, ValueError):
                pass
    return out


def serving(d, conn):
    """The daemon still answers: a fresh connection to test:///default and
    a listing on the QEMU connection."""
    t = libvirt.open("test+unix:///default?socket=" + d.rw)
    try:
        assert t.getVersion() > 0
    finally:
        t.close()
    conn.listAllDomains(0)


def lookup(conn):
    try:
        return conn.lookupByName(NAME)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, e
        return None


def managed_save_race(d, root, xml):
    c1 = libvirt.open(vktest.uri_of(d.rw))
    c2 = libvirt.open(vktest.uri_of(d.rw))
    counts = {"restored": 0, "booted": 0, "undefined-first": 0}
    try:
        for i in range(ROUNDS):
            variant = "remove" if i % 2 == 0 else "undefine"
            dom = lookup(c1) or c1.defineXML(xml)
            dom.create()
            dom.managedSave(0)
            assert dom.hasManagedSaveImage(0) == 1
            assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF

            def start():
                return c1.lookupByName(NAME).create()

            def remove():
                d2 = c2.lookupByName(NAME)
                if variant == "remove":
                    return d2.managedSaveRemove(0)
                return d2.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)

            (rs, vs), (rr, vr) = call_all([start, remove])
            assert rr == "ok", "round %d: %s failed: %s" % (i, variant, vr)
            if rs == "err":
                # only an undefine that went first may make the start fail
                assert variant == "undefine" and \
                    vs.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, \
                    "round %d: start failed: %s (code %d)" % (i, vs, vs.get_error_code())
                counts["undefined-first"] += 1
            serving(d, c1)

            dom = lookup(c1)
            if rs == "ok":
                assert dom is not None
                state, reason = dom.state()
                assert state == libvirt.VIR_DOMAIN_RUNNING, (i, state, reason)
                counts["restored" if reason == libvirt.VIR_DOMAIN_RUNNING_RESTORED
                       else "booted"] += 1
                assert dom.hasManagedSaveImage(0) == 0
                dom.destroy()
                dom = lookup(c1)
            if dom is not None:
                assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
                assert dom.hasManagedSaveImage(0) == 0
            assert os.listdir(os.path.join(root, "save")) == [], os.listdir(
                os.path.join(root, "save"))
            vktest.reap_all()
        print("ok: %d rounds of start vs managedsave-remove / undefine --managed-save: %r"
              % (ROUNDS, counts))
    finally:
        c1.close()
        c2.close()


def stuck_restore_destroyed(d, root, xml):
    """A restore whose QEMU waits for more of the saved state (a FIFO
    that stops delivering) is ended by destroy."""
    conn = libvirt.open(vktest.uri_of(d.rw))
    other = libvirt.open(vktest.uri_of(d.rw))
    image = os.path.join(root, "vkjob.sav")
    fifo = os.path.join(root, "vkjob.fifo")
    try:
        dom = lookup(conn) or conn.defineXML(xml)
        dom.create()
        dom.save(image)
        with open(image, "rb") as f:
            data = f.read()
        os.mkfifo(fifo)
        results = []

        def restore():
            try:
                results.append(("ok", conn.restore(fifo)))
            except libvirt.libvirtError as e:
                results.append(("err", e))

        t = threading.Thread(target=restore, daemon=True)
        t.start()
        # Blocks until the daemon opened the FIFO, and returns only once
        # QEMU has consumed all but a pipe's worth: QEMU is then loading.
        w = os.open(fifo, os.O_WRONLY)
        try:
            os.write(w, data[:len(data) // 2])
            # from another connection, as another virsh would
            dom = other.lookupByName(NAME)
            assert dom.state() == [libvirt.VIR_DOMAIN_PAUSED,
                                   libvirt.VIR_DOMAIN_PAUSED_STARTING_UP], dom.state()
            assert dom.destroy() == 0
            t.join(GUARD)
            assert not t.is_alive(), "the restore never returned after destroy"
        finally:
            os.close(w)
        assert results[0][0] == "err", results
        assert "destroyed" in str(results[0][1]), results
        assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
        serving(d, conn)
        # and the domain starts normally afterwards
        dom.create()
        assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        dom.destroy()
        vktest.reap_all()
        print("ok: destroy ended a restore stuck on its saved state")
    finally:
        for p in (image, fifo):
            if os.path.exists(p):
                os.unlink(p)
        conn.close()
        other.close()


def check_suspend(res, what):
    r, v = res
    if r == "err":
        assert v.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID and \
            "not running" in str(v), "%s: suspend failed with code %d: %s" % (
                what, v.get_error_code(), v)
    return r


def suspend_vs_destroy(d, root, xml):
    conn = libvirt.open(vktest.uri_of(d.rw))
    failed = 0
    try:
        dom = lookup(conn) or conn.defineXML(xml)
        for i in range(8):
            dom.create()
            (rs, vs), (rd, vd) = call_all([dom.suspend, dom.destroy])
            assert rd == "ok", vd
            failed += check_suspend((rs, vs), "round %d" % i) == "err"
            assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
            vktest.reap_all()

        # QEMU frozen with the suspend's "stop" in flight: destroy's
        # SIGTERM waits out its grace, SIGKILL ends QEMU without a reply.
        dom.create()
        pid = vktest.status_pid(root, NAME)
        os.kill(pid, signal.SIGSTOP)
        res = []
        t = threading.Thread(target=lambda: res.append(call_all([dom.suspend])[0]), daemon=True)
        t.start()
        time.sleep(0.5)     # lets the suspend reach QEMU first (ordering, not timing)
        assert dom.destroy() == 0
        t.join(GUARD)
        assert not t.is_alive()
        failed += check_suspend(res[0], "frozen QEMU") == "err"
        assert res[0][0] == "err"
        assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
        vktest.reap_all()
        print("ok: suspend racing destroy: %d failures, all 'domain is not running'" % failed)
    finally:
        conn.close()


def main():
    if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK):
        print("SKIP: no QEMU")
        return 77
    vktest.become_subreaper()
    root = tempfile.mkdtemp(prefix="vk-qemu-jobs-")
    env = dict(os.environ, VIRTKIT_QEMU_ROOT=root)
    xml = vktest.micro_domxml(NAME, MICRO, vktest.virt_type(), root)
    daemon = None
    try:
        daemon = vkwire.Daemon(BIN, env=env)
        managed_save_race(daemon, root, xml)
        stuck_restore_destroyed(daemon, root, xml)
        suspend_vs_destroy(daemon, root, xml)
        conn = libvirt.open(vktest.uri_of(daemon.rw))
        dom = lookup(conn)
        if dom is not None:
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        conn.close()
        assert os.listdir(os.path.join(root, "run")) == [], os.listdir(os.path.join(root, "run"))
        return 0
    except BaseException:
        if daemon is not None:
            print("---- virtkitd log ----\n" + daemon.logtext()[-20000:])
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        vktest.kill_all(child_pids())
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
