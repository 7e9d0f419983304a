#!/bin/bash
# t0900-fuzz.sh — every libFuzzer target (tests/fuzz/fuzz_*.c), the handler
# fuzzer over every route table among them, for FUZZ_TEST_SECONDS each
# (default 15) from the committed seeds with a fixed libFuzzer seed. `make
# fuzz` runs them longer and keeps what they find. A target that is not built
# (make test builds them with clang) fails here rather than being skipped.
cd "$(dirname "$0")/.." || exit 1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/carelog-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
FUZZ_TAP=1 FUZZ_SEED=1 FUZZ_CORPUS=$scratch sh tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-15}"
