# paths.sh — sourced by conf/env.sh, conf/routes.sh and conf/serve.sh: the
# repository (or installed share/carelog) root and the directories carelog
# uses, from the environment with defaults, made absolute from the root (this
# file's parent). An installed copy has conf/layout.sh, written by `make
# install`, which sets the installed defaults (programs, app, data, the list
# of programs) before these lines read them.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$root/conf/layout.sh" ]; then
    . "$root/conf/layout.sh"
fi
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
data_dir=$(abs "${DATA_DIR:-var}")
bin_dir=$(abs "${CARELOG_BIN:-build/bin}")
www_dir=$(abs "${CARELOG_WWW:-www}")
# Litestream: $LITESTREAM, else the binary npm installs (linux-x64), else PATH.
litestream=${LITESTREAM:-$root/node_modules/@flydotio/litestream-linux-x64/litestream}
if [ ! -x "$litestream" ] && command -v litestream >/dev/null 2>&1; then
    litestream=$(command -v litestream)
fi
