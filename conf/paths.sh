# paths.sh — sourced by conf/env.sh and conf/routes.sh: the repository root
# and the directories carelog uses, from the environment with defaults, made
# absolute from the root (this file's parent).
root=$(cd "$(dirname "$0")/.." && pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
data_dir=$(abs "${DATA_DIR:-var}")
bin_dir=$(abs "${CARELOG_BIN:-build/bin}")
www_dir=$(abs "${CARELOG_WWW:-www}")
