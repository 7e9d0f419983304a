#!/bin/sh
# run-one.sh — how prove runs one test file of any layer.
case "$1" in
*.sh) exec bash "$1" ;;
*.test.mjs) exec node --test --test-reporter=tap --test-reporter-destination=stdout \
    --test-reporter=spec --test-reporter-destination=stderr "$1" ;;
*.mjs | *.js) exec node "$1" ;;
*) exec "$1" ;;
esac
