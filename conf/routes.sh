#!/bin/sh
# routes.sh — run by lighttpd.conf (include_shell) to route each request to
# the FastCGI program whose route table holds its path. The tables in
# cgi-bin/<program>.c are the one place routes are written: this asks every
# program for its table (`--routes`) and prints one lighttpd condition per
# program, its patterns as anchored regexes ({capture} = one path segment).
# The method is left to the program (405 with Allow). Routes flagged
# ROUTE_STREAMS (`--streaming-routes`) get their answers passed on as they
# are written; all others are buffered so mod_deflate can compress them. The
# meta program comes last and takes every other /api/ path (a JSON 404).
#   sh conf/routes.sh        (CARELOG_BIN as in conf/env.sh)
. "$(dirname "$0")/paths.sh"

# "GET /api/v1/families/{fid}" lines → "/api/v1/families/[^/]+|..." (unique).
regex_of() {
    sed -n 's/^[A-Z]* //p' | sort -u | sed -e 's/\./\\./g' -e 's/{[^}]*}/[^\/]+/g' | paste -sd'|' -
}

# Every program of cgi-bin/ (as the Makefile builds them), meta last. An
# installed copy has no sources: `make install` lists the programs it
# installed in conf/layout.sh (CARELOG_PROGRAMS).
if [ -n "${CARELOG_PROGRAMS:-}" ]; then
    list=$CARELOG_PROGRAMS
else
    list=$(for f in "$root"/cgi-bin/*.c; do basename "$f" .c; done)
fi
programs="$(printf '%s\n' $list | grep -vx meta) meta"
keyword='$HTTP["url"]'
for p in $programs; do
    bin="$bin_dir/$p"
    if [ ! -x "$bin" ]; then
        echo "routes.sh: $bin is missing (make)" >&2
        exit 1
    fi
    paths=$("$bin" --routes | regex_of)
    [ "$p" = meta ] && paths="$paths|/api/.*"
    streaming=$("$bin" --streaming-routes | regex_of)
    echo "$keyword =~ \"^($paths)\$\" {"
    echo "    fastcgi.server = (\"/\" => ((\"bin-path\" => var.bin_dir + \"/$p\", \"socket\" => var.sock + \"$p.sock\") + var.fcgi))"
    if [ -n "$streaming" ]; then
        echo "    \$HTTP[\"url\"] =~ \"^($streaming)\$\" {"
        echo "        server.stream-response-body = 2"
        echo "    }"
    fi
    echo "}"
    keyword='else $HTTP["url"]'
done
