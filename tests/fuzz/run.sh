#!/bin/sh
# run.sh — runs every built libFuzzer target (build/fuzz/fuzz/fuzz_*) for
# SECONDS each, one after the other, and prints a summary line per target.
# Exits non-zero when any target found a crash, a leak or a timeout.
#   sh tests/fuzz/run.sh [SECONDS]     (make fuzz FUZZ_SECONDS=60)
# Per target NAME, all optional:
#   tests/fuzz/seeds/NAME/   seed inputs (read only; new finds go to build/fuzz/corpus/NAME)
#   tests/fuzz/NAME.dict     a libFuzzer dictionary
#   tests/fuzz/NAME.options  extra libFuzzer flags on one line (e.g. -max_len=65536)
# Crash reproducers land in build/fuzz/artifacts/NAME/; replay one with
#   build/fuzz/fuzz/NAME build/fuzz/artifacts/NAME/crash-...
# For `make test` (tests/t0900-fuzz.sh): FUZZ_TAP=1 prints TAP, FUZZ_SEED
# fixes libFuzzer's seed, FUZZ_CORPUS names a scratch corpus directory
# (default build/fuzz/corpus, which keeps growing across `make fuzz` runs).
set -u
cd "$(dirname "$0")/../.."
secs=${1:-20}
case $secs in '' | *[!0-9]*) echo "usage: run.sh SECONDS" >&2; exit 2 ;; esac

found=0
for bin in build/fuzz/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] && found=$((found + 1))
done
if [ "$found" = 0 ]; then
    echo "fuzz: no targets built (make BUILD=fuzz fuzzers)" >&2
    exit 1
fi

# Leaks fail like crashes; the sanitizers stop at the first report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summary=""
n=0
for bin in build/fuzz/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=$(basename "$bin")
    corpus=${FUZZ_CORPUS:-build/fuzz/corpus}/$name
    artifacts=build/fuzz/artifacts/$name
    log=build/fuzz/logs/$name.log
    mkdir -p "$corpus" "$artifacts" build/fuzz/logs
    set -- -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/"
    [ -n "${FUZZ_SEED:-}" ] && set -- "$@" -seed="$FUZZ_SEED"
    [ -f "tests/fuzz/$name.dict" ] && set -- "$@" -dict="tests/fuzz/$name.dict"
    # shellcheck disable=SC2046 # the options file holds flags, split on purpose
    [ -f "tests/fuzz/$name.options" ] && set -- "$@" $(grep -v '^#' "tests/fuzz/$name.options")
    set -- "$@" "$corpus"
    [ -d "tests/fuzz/seeds/$name" ] && set -- "$@" "tests/fuzz/seeds/$name"
    [ -n "${FUZZ_TAP:-}" ] || echo "fuzz: $name for ${secs}s (log $log)"
    # libFuzzer stops by itself after max_total_time; timeout is a backstop.
    timeout $((secs + 120)) "$bin" "$@" > "$log" 2>&1
    rc=$?
    line=$(awk -v name="$name" -v rc="$rc" '
        /^stat::number_of_executed_units:/ { execs = $2 }
        /^stat::average_exec_per_sec:/ { eps = $2 }
        /^stat::new_units_added:/ { added = $2 }
        /^stat::peak_rss_mb:/ { rss = $2 }
        / cov: / { for (i = 1; i < NF; i++) { if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1); if ($i == "corp:") corp = $(i + 1) } }
        /ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|contract broken|SUMMARY: / && !why { why = $0 }
        END {
            status = rc == 0 ? "ok" : "FAILED(" rc ")"
            printf "%-16s %-10s execs %10s  exec/s %7s  cov %5s  ft %6s  corpus %-11s new %5s  rss %sMB", \
                name, status, execs, eps, cov, ft, corp, added, rss
            if (rc != 0 && why) printf "\n                 %s", substr(why, 1, 160)
        }' "$log")
    summary="$summary$line
"
    n=$((n + 1))
    if [ -n "${FUZZ_TAP:-}" ]; then
        [ "$rc" = 0 ] && printf 'ok %d - %s\n' "$n" "$line" || printf 'not ok %d - %s\n' "$n" "$line"
    fi
    if [ "$rc" != 0 ]; then
        failed=$((failed + 1))
        echo "fuzz: $name FAILED; the report:" >&2
        grep -E -A30 'ERROR: |runtime error|contract broken' "$log" | head -60 >&2
        ls "$artifacts" >&2
    fi
done
if [ -n "${FUZZ_TAP:-}" ]; then
    echo "1..$n"
    [ "$failed" = 0 ]
    exit $?
fi

echo
echo "fuzz summary (${secs}s per target):"
printf '%s' "$summary"
if [ "$failed" != 0 ]; then
    echo "fuzz: $failed target(s) failed; reproducers in build/fuzz/artifacts/" >&2
    exit 1
fi
exit 0
