#!/bin/sh
# Run bench-api against libvirtkit and libvirt, interleaved, and print the
# median of each figure side by side.
#
#   bench/run.sh [BUILD_DIR] [N...]       (default N: 1000 10000)
#
# Without BUILD_DIR a release build is made in build-bench/; NO_BUILD=1
# runs the binaries already in BUILD_DIR as they are.  REPEATS=n (default 3).  The two
# binaries run alternately, N by N and repetition by repetition, so that a
# machine slowing down or speeding up during the run affects both alike.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
[ $# -gt 0 ] && shift
sizes=${*:-1000 10000}
reps=${REPEATS:-3}

if [ -z "$build" ]; then
    build=$src/build-bench
    [ -f "$build/build.ninja" ] ||
        meson setup "$build" "$src" -Dbuildtype=release -Dtests=false >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
    ninja -C "$build" bench/bench-api-virtkit >&2
    ninja -C "$build" bench/bench-api-libvirt >&2 || echo "run.sh: no libvirt build, virtkit only" >&2
fi

vk=$build/bench/bench-api-virtkit
lv=$build/bench/bench-api-libvirt
[ -x "$vk" ] || { echo "run.sh: $vk was not built" >&2; exit 1; }
impls="virtkit"
[ -x "$lv" ] && impls="virtkit libvirt"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for n in $sizes; do
    r=1
    while [ "$r" -le "$reps" ]; do
        # Alternate which one goes first, too.
        order=$impls
        [ $((r % 2)) -eq 0 ] && order=$(echo "$impls" | awk '{for (i = NF; i > 0; i--) printf "%s ", $i}')
        for impl in $order; do
            bin=$vk
            [ "$impl" = libvirt ] && bin=$lv
            echo "run: $impl n=$n rep=$r" >&2
            "$bin" -n "$n" > "$out/$impl.$n.$r" 2>"$out/$impl.$n.$r.err" || {
                echo "run.sh: $impl failed for n=$n:" >&2
                cat "$out/$impl.$n.$r.err" >&2
                exit 1
            }
        done
        r=$((r + 1))
    done
done

python3 - "$out" "$reps" $sizes <<'PY'
import os, statistics, sys

out, reps, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ops = ["define_us", "lookup_us", "xmldesc_us", "info_us", "listall_ms",
       "listall_ns_per_domain", "listall_minflt_per_call", "listall_floor_ns_per_domain",
       "undefine_us"]

def figures(impl, n):
    runs = []
    for r in range(1, reps + 1):
        p = os.path.join(out, "%s.%s.%d" % (impl, n, r))
        if not os.path.exists(p):
            return None
        runs.append(dict(l.split() for l in open(p) if l.strip()))
    return {op: statistics.median(float(x[op]) for x in runs) for op in ops}

print("%-7s %-27s %12s %12s %9s" % ("N", "op", "virtkit", "libvirt", "speedup"))
for n in sizes:
    vk, lv = figures("virtkit", n), figures("libvirt", n)
    for op in ops:
        a = vk[op]
        b = lv[op] if lv else None
        ratio = "%8.1fx" % (b / a) if b and a else "%9s" % "-"
        print("%-7s %-27s %12.3f %12s %s" % (n, op, a, "%.3f" % b if b is not None else "-", ratio))
print("(median of %d runs; speedup = libvirt time / virtkit time)" % reps)
PY
