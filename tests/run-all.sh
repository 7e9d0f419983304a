#!/bin/sh
# run-all.sh — every test layer through one prove run, so the output ends in
# prove's own summary line. Layers: C unit tests (build/asan/tests), HTTP tests
# against a real lighttpd (tests/t*.sh), front-end unit tests (tests/js), and
# browser tests in headless Chromium (tests/browser).
#   sh tests/run-all.sh [FILES...]     run only these
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    set -- build/asan/tests/test_* tests/t[0-9]*.sh
    for f in tests/js/*.test.mjs tests/browser/*.test.mjs; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
fi
exec prove --exec "sh tests/run-one.sh" -j "${TEST_JOBS:-2}" --timer "$@"
