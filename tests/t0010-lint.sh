#!/bin/bash
# t0010-lint.sh — one style, checked by the tools that define it:
# 1. Biome (biome.json): the JS of www/ and tests/ is formatted and passes the
#    linter (`npx biome ci`, the Biome pinned in package.json);
# 2. clang-format (.clang-format): every C source, as `make format` lists
#    them, is formatted (--dry-run --Werror).
# `make format` fixes both. Failures show the tools' own words as TAP
# diagnostics on stderr, so `make test` shows them.
. "$(dirname "$0")/lib.sh"
cd "$T_ROOT" || bail "no $T_ROOT"

complain() { head -200 | sed 's/^/# /' >&2; } # complain <<< TEXT

# ---- 1. Biome ----
if [ -x node_modules/.bin/biome ]; then
    out=$(node_modules/.bin/biome ci --colors=off --error-on-warnings 2>&1)
    rc=$?
    ok $rc "biome ci: www/ and tests/ JS formatted and lint-clean ($(printf '%s' "$out" | grep -o 'Checked [0-9]* files' || echo 'no files'))"
    [ $rc = 0 ] && ! grep -q 'Checked 0 files' <<< "$out"
    ok $? "…and it checked some files"
    [ $rc = 0 ] || complain <<< "$out
(make format rewrites the files in Biome's style; lint findings need a hand)"
else
    ok 1 "biome is installed (node_modules/.bin/biome)"
    complain <<< "Biome is missing: npm ci (make test runs it) installs the version package.json pins."
fi

# ---- 2. clang-format ----
# The same list as the Makefile's format target.
mapfile -t csrc < <(find cgi-bin cmd tests/unit tests/fuzz tests/tools -name '*.[ch]' | sort)
ok "$([ ${#csrc[@]} -gt 20 ]; echo $?)" "C sources to check: ${#csrc[@]}"
if command -v clang-format > /dev/null; then
    out=$(clang-format --dry-run --Werror "${csrc[@]}" 2>&1)
    rc=$?
    ok $rc "clang-format --dry-run --Werror: the C sources follow .clang-format"
    [ $rc = 0 ] || complain <<< "$out
(make format rewrites them)"
else
    ok 1 "clang-format is installed"
    complain <<< "clang-format is missing: sh tools/deps.sh test installs it (make test runs that)."
fi
done_testing
