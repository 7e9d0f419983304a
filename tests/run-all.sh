#!/bin/sh
# run-all.sh — every test layer through one prove run, so the output ends in
# prove's own summary line. Layers: C unit tests (build/asan/tests), HTTP tests
# against a real lighttpd (tests/t*.sh), front-end unit tests (tests/js), and
# browser tests in headless Chromium (tests/browser). With NODE_V8_COVERAGE
# set (make test), the coverage floors are checked once all have run.
#   sh tests/run-all.sh [FILES...]     run only these
cd "$(dirname "$0")/.."
full=""
if [ $# -eq 0 ]; then
    full=1
    set --
    # The unit test programs, not the coverage notes gcc leaves beside them.
    for f in build/asan/tests/test_*; do
        case $f in *.gcno | *.gcda) ;; *) set -- "$@" "$f" ;; esac
    done
    set -- "$@" tests/t[0-9]*.sh
    for f in tests/js/*.test.mjs tests/browser/*.test.mjs; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
fi
if [ -z "$full" ] || [ -z "${NODE_V8_COVERAGE:-}" ]; then
    exec prove --exec "sh tests/run-one.sh" -j "${TEST_JOBS:-2}" --timer "$@"
fi
# The whole suite with coverage counting (make test): every layer, then,
# once all of them have ended, the coverage floors (a prove of their own,
# whose summary closes the run).
prove --exec "sh tests/run-one.sh" -j "${TEST_JOBS:-2}" --timer "$@"
rc=$?
prove --exec "sh tests/run-one.sh" --timer tests/coverage-floor.sh || rc=1
[ "$rc" = 0 ] || echo "make test: FAILED (see the summaries above)"
exit "$rc"
