#!/bin/sh
# env.sh — run by lighttpd.conf (include_shell) to turn the environment into
# lighttpd variables with defaults, so `lighttpd -D -f lighttpd.conf` works as
# is. Paths are made absolute from the repository root (this file's parent).
. "$(dirname "$0")/paths.sh"
mkdir -p "$data_dir/sockets" "$data_dir/cache"
echo "var.port = ${PORT:-8080}"
echo "var.bind = \"${BIND:-127.0.0.1}\""
echo "var.data_dir = \"$data_dir\""
echo "var.bin_dir = \"$bin_dir\""
echo "var.www_dir = \"$www_dir\""
echo "var.threads = \"${CARELOG_THREADS:-4}\""
# certbot --webroot -w ACME_WEBROOT: its challenge files, served over plain HTTP.
echo "var.acme_dir = \"$(abs "${ACME_WEBROOT:-$data_dir/acme}")/.well-known/acme-challenge/\""
[ -n "${LIGHTTPD_ERRORLOG:-}" ] && echo "server.errorlog = \"$(abs "$LIGHTTPD_ERRORLOG")\""
[ -n "${LIGHTTPD_PIDFILE:-}" ] && echo "server.pid-file = \"$(abs "$LIGHTTPD_PIDFILE")\""
if [ -n "${TLS_CERT:-}" ] && [ -n "${TLS_KEY:-}" ]; then
    echo "var.tls_cert = \"$(abs "$TLS_CERT")\""
    echo "var.tls_key = \"$(abs "$TLS_KEY")\""
    echo "var.tls_port = \"${TLS_PORT:-443}\""
    echo "var.hsts = \"max-age=63072000; includeSubDomains\""
    echo "include \"$root/conf/tls.conf\""
else
    echo "var.hsts = \"\""
fi
exit 0
