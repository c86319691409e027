#!/bin/sh
# Where an idle virtkitd's resident memory is: VmRSS of a fresh private
# daemon (no client yet), then its resident KiB per mapping, summed per
# library and grouped by the dependency that brings the library in (so a
# change that loads one late can be judged by its whole chain).
#
#   bench/run-rss.sh [BUILD_DIR]
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# uses BUILD_DIR as it is.  Environment: REPEATS (3) daemons, the table
# is of the one with the median VmRSS.  For people to read: not a test.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
    build=$src/build-bench
    [ -f "$build/build.ninja" ] ||
        meson setup "$build" "$src" -Dbuildtype=release -Dtests=false >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
    ninja -C "$build" src/daemon/virtkitd >&2
fi

exec python3 - "$build/src/daemon/virtkitd" <<'PY'
import collections, os, shutil, statistics, subprocess, sys, tempfile, time

virtkitd = sys.argv[1]
reps = int(os.environ.get("REPEATS", "3"))

# library (file name prefix) -> the direct dependency of virtkitd that
# pulls it in; what is not listed is counted under its own name.
CHAINS = {
    "libicuuc": "libxml2", "libicudata": "libxml2", "libstdc++": "libxml2",
    "libgcc_s": "libxml2", "liblzma": "libxml2", "libz.": "libxml2",
    "libp11-kit": "libgnutls", "libnettle": "libgnutls", "libhogweed": "libgnutls",
    "libgmp": "libgnutls", "libtasn1": "libgnutls", "libidn2": "libgnutls",
    "libunistring": "libgnutls", "libffi": "libgnutls",
    "libgssapi_krb5": "libtirpc", "libkrb5": "libtirpc", "libk5crypto": "libtirpc",
    "libcom_err": "libtirpc", "libkrb5support": "libtirpc", "libkeyutils": "libtirpc",
    "libresolv": "libtirpc",
    "libxen": "libxen*", "libpcre2": "libglib-2.0", "/usr/lib/locale": "locale",
    "gconv": "locale",
}


def chain(path):
    base = os.path.basename(path)
    for k, v in CHAINS.items():
        if base.startswith(k) or path.startswith(k) or k in path:
            return v
    if path.startswith("["):
        return path
    return base.split(".so")[0]


def sample():
    d = tempfile.mkdtemp(prefix="vkd-rss-")
    rfd, wfd = os.pipe()
    p = subprocess.Popen([virtkitd, "--socket-dir", d, "--ready-fd", str(wfd)],
                         pass_fds=(wfd,), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.close(wfd)
    try:
        with os.fdopen(rfd, "rb") as r:
            if r.read(1) != b"\n":
                raise RuntimeError("virtkitd did not start")
        time.sleep(0.5)
        libs, cur = collections.Counter(), None
        with open("/proc/%d/smaps" % p.pid) as f:
            for line in f:
                w = line.split()
                if not w[0].endswith(":"):
                    cur = w[5] if len(w) > 5 else "[anon]"
                elif w[0] == "Rss:":
                    libs[cur] += int(w[1])
        with open("/proc/%d/status" % p.pid) as f:
            rss = [int(x.split()[1]) for x in f if x.startswith("VmRSS:")][0]
        return rss, libs
    finally:
        p.terminate()
        p.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


runs = sorted((sample() for _ in range(reps)), key=lambda r: r[0])
rss, libs = runs[len(runs) // 2]
groups = collections.Counter()
for path, kib in libs.items():
    groups[chain(path)] += kib
print("VmRSS idle: %d KiB (runs: %s; target <= 8192)"
      % (rss, ", ".join(str(r[0]) for r in runs)))
print("%-22s %8s" % ("brought in by", "KiB"))
for name, kib in groups.most_common():
    print("%-22s %8d" % (name, kib))
PY
