#!/bin/sh
# serve.sh — runs carelog in the foreground: lighttpd, which spawns the
# FastCGI programs, and, when REPLICA_URL is set, Litestream beside it
# replicating the database (`litestream replicate -exec`: one process tree;
# a stop signal goes to lighttpd, and Litestream ships the last WAL pages
# once lighttpd has exited). `make run` and the systemd service start it.
#   sh conf/serve.sh        LIGHTTPD_CONF (default: lighttpd.conf beside conf/)
. "$(dirname "$0")/paths.sh"
conf=${LIGHTTPD_CONF:-$root/lighttpd.conf}
if [ -z "${REPLICA_URL:-}" ]; then
    exec lighttpd -D -f "$conf"
fi
if [ ! -x "$litestream" ]; then
    echo "serve.sh: REPLICA_URL is set but there is no Litestream at $litestream (npm ci installs it; or set LITESTREAM)" >&2
    exit 1
fi
mkdir -p "$data_dir"
sh "$root/conf/litestream.sh" > "$data_dir/litestream.yml.tmp" &&
    mv "$data_dir/litestream.yml.tmp" "$data_dir/litestream.yml" || exit 1
# -exec takes one string that Litestream splits like a shell: quote the path.
exec "$litestream" replicate -config "$data_dir/litestream.yml" -exec "lighttpd -D -f '$conf'"
