#!/bin/bash
# t0002-routing.sh — every route of every program's table reaches that
# program through lighttpd (conf/routes.sh makes the routing from the
# tables), JSON 404 for unknown API paths, 405 with Allow, static files with
# the security headers, compression and cache rules.
. "$(dirname "$0")/lib.sh"

start_server

# Each route, its captures filled with a dummy, sent through lighttpd: the
# program's log line (prog, method, route pattern) says who answered.
for bin in "$T_BIN"/*; do
    prog=$(basename "$bin")
    "$bin" --routes > "$T_DIR/routes" 2>/dev/null || continue
    while read -r method pattern; do
        path=$(printf '%s' "$pattern" | sed 's/{[^}]*}/x0/g')
        curl -s -o /dev/null -X "$method" -H 'Content-Length: 0' --max-time 10 "$BASE$path"
        want="\"prog\":\"$prog\",\"method\":\"$method\",\"route\":\"$pattern\""
        # The program logs a request after answering it: give the line a moment.
        n=0
        while ! grep -qF "$want" "$T_DIR/error.log" && [ $n -lt 40 ]; do
            sleep 0.05
            n=$((n + 1))
        done
        ok "$(grep -qF "$want" "$T_DIR/error.log"; echo $?)" "$method $pattern reaches $prog"
    done < "$T_DIR/routes"
done
req GET /api/v1/does-not-exist
is "$STATUS" 404 "unknown API path is 404"
is "$(jbody .error.code)" not_found "…with a JSON error code"
like "$(jbody .error.message)" '.' "…and a message"

req GET /api/v2/anything
is "$STATUS" 404 "unknown API version is 404 JSON"
is "$(jbody .error.code)" not_found "…JSON"

req DELETE /health
is "$STATUS" 405 "wrong method is 405"
is "$(header Allow)" GET "Allow names the right method"
is "$(jbody .error.code)" method_not_allowed "…with a JSON error"

req GET /api/v1/hello
is "$STATUS" 200 "the trivial FastCGI route answers"

req GET /api/v1/openapi.json
is "$STATUS" 200 "OpenAPI document is served"
is "$(jbody .openapi | cut -c1-2)" "3." "…and is OpenAPI 3"

req GET /
is "$STATUS" 200 "the app's index is served"
like "$(header Content-Type)" '^text/html' "…as HTML"
csp=$(header Content-Security-Policy)
like "$csp" "default-src 'self'" "CSP default-src self"
like "$csp" "frame-ancestors 'none'" "CSP frame-ancestors none"
like "$csp" "script-src 'self'" "CSP script-src self"
ok "$(printf '%s' "$csp" | grep -q 'unsafe-inline'; [ $? -ne 0 ]; echo $?)" "no unsafe-inline"
is "$(header X-Content-Type-Options)" nosniff "nosniff"
is "$(header Referrer-Policy)" no-referrer "Referrer-Policy"
is "$(header Cache-Control)" no-cache "HTML is revalidated"

req GET /api/v1/hello
like "$(header Content-Security-Policy)" "frame-ancestors 'none'" "API responses carry the headers too"
is "$(header X-Content-Type-Options)" nosniff "…nosniff on API responses"

printf 'tiny\n' > "$T_ROOT/www/.t0002-tiny.txt" 2>/dev/null && {
    req GET /.t0002-tiny.txt -H "Accept-Encoding: gzip"
    rm -f "$T_ROOT/www/.t0002-tiny.txt"
    is "$(header Content-Encoding)" "" "tiny files are not worth compressing (lighttpd skips them)"
}
head -c 4000 /dev/urandom | base64 > "$T_DIR/big.txt"
cp "$T_DIR/big.txt" "$T_ROOT/www/.t0002-probe.txt" 2>/dev/null && {
    req GET /.t0002-probe.txt -H "Accept-Encoding: gzip"
    rm -f "$T_ROOT/www/.t0002-probe.txt"
    is "$(header Content-Encoding)" gzip "text assets are compressed"
}
req GET /lighttpd.conf
is "$STATUS" 404 "files outside www/ are not served"
req GET "/../lighttpd.conf" --path-as-is
like "$STATUS" '^(400|404)$' "path traversal is refused"
done_testing
