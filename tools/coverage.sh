#!/bin/sh
# coverage.sh — line coverage of the last test run, for C and for the app.
#   C: the sanitizer build is compiled with gcc --coverage, so every program,
#      command and unit test run by the suite leaves .gcda counters under
#      build/asan; lcov gathers them (cgi-bin/ and cmd/ only; generated and
#      test code left out).
#   JS: node writes V8 coverage of what it ran (NODE_V8_COVERAGE, set by the
#      Makefile for the run), and the browser harness writes the pages' V8
#      coverage in the same form into the same folder; c8 maps it onto
#      www/js (every file counts, the unloaded ones at 0%).
#   sh tools/coverage.sh collect    build/coverage/{c.info,c/,js/} and the totals
#   sh tools/coverage.sh list       per-file line coverage, C then JS
#   sh tools/coverage.sh totals     "C_PCT JS_PCT" of the last collect
# The reports: build/coverage/c/index.html and build/coverage/js/index.html.
set -eu
cd "$(dirname "$0")/.."
out=build/coverage
v8=${NODE_V8_COVERAGE:-$PWD/$out/v8}

collect_c() {
    lcov --quiet --capture --directory build/asan/obj --base-directory . \
        --output-file "$out/c-all.info" --rc lcov_branch_coverage=0 2>"$out/lcov.err" || {
        cat "$out/lcov.err" >&2
        return 1
    }
    lcov --quiet --extract "$out/c-all.info" "$PWD/cgi-bin/*" "$PWD/cmd/*" \
        --output-file "$out/c.info" --rc lcov_branch_coverage=0
    genhtml --quiet --output-directory "$out/c" --title "carelog C" "$out/c.info" \
        --rc lcov_branch_coverage=0 >/dev/null
}

collect_js() {
    rm -rf "$out/js"
    node_modules/.bin/c8 report --temp-directory "$v8" --reports-dir "$out/js" \
        --reporter=html --reporter=json-summary --reporter=text \
        --all --src www/js --include 'www/js/**' --exclude www/js/catalogue.js \
        --exclude-node-modules >"$out/js.txt" 2>"$out/c8.err" || {
        cat "$out/c8.err" >&2
        return 1
    }
}

c_pct() {
    lcov --summary "$out/c.info" --rc lcov_branch_coverage=0 2>&1 |
        sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p'
}

js_pct() {
    node -e 'const s = require(process.argv[1]); console.log(s.total.lines.pct)' \
        "$PWD/$out/js/coverage-summary.json"
}

case "${1:-}" in
collect)
    mkdir -p "$out"
    collect_c
    collect_js
    echo "coverage: C lines $(c_pct)% (build/coverage/c/index.html), www/js lines $(js_pct)% (build/coverage/js/index.html)"
    ;;
list)
    echo "== C line coverage (cgi-bin/, cmd/) =="
    lcov --list "$out/c.info" --rc lcov_branch_coverage=0 --list-full-path 2>/dev/null |
        sed "s|$PWD/||"
    echo "== www/js line coverage =="
    cat "$out/js.txt"
    ;;
totals)
    echo "$(c_pct) $(js_pct)"
    ;;
*)
    echo "usage: coverage.sh collect | list | totals" >&2
    exit 2
    ;;
esac
