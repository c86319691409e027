#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Build the libFuzzer targets (clang, ASan+UBSan) and run each for a while.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
#
# SECONDS defaults to 60 per target; targets run in parallel, as many at a
# time as there are CPUs (FUZZ_JOBS overrides).  The seed corpus in
# tests/fuzz/corpus/<target>/ is copied to a working corpus in the build
# directory, so runs grow their own corpus without touching the repository.
# Crash, leak and timeout reproducers land in
# BUILD/fuzz-artifacts/<target>/<date-time>/;
# minimise one with  BUILD/tests/fuzz/fuzz-<target> -minimize_crash=1 FILE
# and save it as tests/fuzz/regressions/<target>/<name>.
#
# Environment: FUZZ_BUILD_DIR (default <source>/build-fuzz), CC (default
# clang), FUZZ_JOBS, FUZZ_EXTRA_ARGS (more libFuzzer flags),
# FUZZ_KEEP_GOING=1 (fork mode: record every crash and go on, for long
# campaigns; the default stops a target at its first finding, as CI wants).
# Exit status: 0 when every target ran its time without a finding.
set -u

seconds=${1:-60}
shift || true
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}
stamp=$(date +%Y%m%d-%H%M%S)
fuzzdir=$src/tests/fuzz

if ! [[ $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [SECONDS] [TARGET...]" >&2
    exit 2
fi

if [ ! -f "$build/build.ninja" ]; then
    # fuzzer-no-link instruments the library for coverage; the targets add
    # -fsanitize=fuzzer themselves.  UB must stop the run to be a finding.
    CC=${CC:-clang} meson setup "$build" "$src" \
        -Dfuzz=true -Dtests=false \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
        || exit 1
fi
# Only the fuzz targets: the rest of the tree need not link under clang's ASan
mapfile -t built < <(ninja -C "$build" -t targets all |
                     sed -n 's|^\(tests/fuzz/fuzz-[a-z0-9-]*\): .*|\1|p' | grep -v -- '-replay$')
if [ ${#built[@]} -eq 0 ]; then
    echo "$build has no fuzz targets (configured without -Dfuzz=true?)" >&2
    exit 1
fi
ninja -C "$build" "${built[@]}" || exit 1

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in "$build"/tests/fuzz/fuzz-*; do
        name=${f##*/fuzz-}
        [[ -x $f && ! -d $f && $name != *-replay && $name != *.p ]] || continue
        targets+=("$name")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "no fuzz targets built in $build/tests/fuzz" >&2
    exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

runOne() {
    local t=$1 corpus=$build/fuzz-corpus/$1 art=$build/fuzz-artifacts/$1/$stamp
    local dict=() extra
    mkdir -p "$corpus" "$art"
    cp -n "$fuzzdir/corpus/$t"/* "$corpus"/ 2>/dev/null
    if [ -d "$fuzzdir/regressions/$t" ]; then
        cp -n "$fuzzdir/regressions/$t"/* "$corpus"/ 2>/dev/null
    fi
    case $t in
        domain-xml|api-xml) dict=(-dict="$fuzzdir/domain-xml.dict") ;;
    esac
    read -r -a extra <<<"${FUZZ_EXTRA_ARGS:-}"
    if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
        extra+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    "$build/tests/fuzz/fuzz-$t" "$corpus" \
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$art/" "${dict[@]}" "${extra[@]}" \
        >"$build/fuzz-$t.log" 2>&1
    echo $? >"$build/fuzz-$t.rc"
}

running=0
for t in "${targets[@]}"; do
    if [ ! -x "$build/tests/fuzz/fuzz-$t" ]; then
        echo "unknown target $t" >&2
        exit 2
    fi
    echo "fuzz-$t: running for ${seconds}s (log: $build/fuzz-$t.log)"
    runOne "$t" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

status=0
printf '\n%-12s %8s %12s %9s %7s %7s %7s  %s\n' target seconds executions exec/s cov ft corpus result
for t in "${targets[@]}"; do
    log=$build/fuzz-$t.log
    rc=$(cat "$build/fuzz-$t.rc" 2>/dev/null || echo 1)
    # the last status line carries the final coverage and corpus size
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    [ -n "$eps" ] || eps=$(sed -n 's/.* exec\/s:\{0,1\} \([0-9]*\).*/\1/p' <<<"$last")
    if [ "$rc" = 0 ] && [ -z "$(ls -A "$build/fuzz-artifacts/$t/$stamp")" ]; then
        result=ok
    else
        result="FINDING (rc $rc): $build/fuzz-artifacts/$t/$stamp/"
        status=1
    fi
    printf '%-12s %8s %12s %9s %7s %7s %7s  %s\n' "$t" "$seconds" "${runs:-?}" \
        "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit $status
