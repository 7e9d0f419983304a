#!/bin/sh
# run-one.sh — how prove runs one test file of any layer.
case "$1" in
*.sh) exec bash "$1" ;;
*.test.mjs) exec node --test --test-reporter=tap "$1" ;;
*.mjs | *.js) exec node "$1" ;;
*) exec "$1" ;;
esac
