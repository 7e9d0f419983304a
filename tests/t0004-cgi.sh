#!/bin/bash
# t0004-cgi.sh — the same binaries work as classic CGI programs: environment
# in, one response on stdout (Status line, headers, body), JSON bodies read
# from stdin, and the same routing, limits and errors as under FastCGI.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_DIR/data"
# cgi PROGRAM METHOD URI [BODY] — runs one request; output in $T_DIR/cgi.out.
cgi() {
    prog=$1 method=$2 uri=$3 body=${4:-}
    printf '%s' "$body" | env -i PATH="$PATH" DATA_DIR="$T_DIR/data" CARELOG_TEST_FAST_HASH=1 \
        REGISTRATION=open REQUEST_METHOD="$method" REQUEST_URI="$uri" \
        QUERY_STRING="${uri#*\?}" CONTENT_LENGTH="${#body}" \
        ${body:+CONTENT_TYPE=application/json} REMOTE_ADDR=127.0.0.1 \
        ASAN_OPTIONS="$ASAN_OPTIONS" "$T_BIN/$prog" > "$T_DIR/cgi.out" 2> "$T_DIR/cgi.err"
    cat "$T_DIR/cgi.err" >> "$T_DIR/cgi.all"
}
cgi_status() { head -1 "$T_DIR/cgi.out" | tr -d '\r'; }
cgi_body() { sed '1,/^\r\{0,1\}$/d' "$T_DIR/cgi.out"; }

cgi meta GET /health
is "$(cgi_status)" "Status: 200 OK" "meta answers /health as a CGI"
is "$(cgi_body | jq -r .db)" ok "…and touched the database"
grep -q '"route":"/health"' "$T_DIR/cgi.err"
ok $? "…and logged the request on stderr"
cgi meta GET /api/v1/nowhere
is "$(cgi_status)" "Status: 404 Not Found" "unknown path: 404"
cgi auth POST /api/v1/auth/register '{"email":"cgi@example.com","password":"password-cgi","name":"Cgi"}'
is "$(cgi_status)" "Status: 201 Created" "auth reads a JSON body from stdin"
like "$(grep -i '^Set-Cookie' "$T_DIR/cgi.out")" 'carelog_session=' "…and sets the session cookie"
cgi auth POST /api/v1/auth/login '{"email":'
is "$(cgi_status)" "Status: 400 Bad Request" "malformed JSON: 400"
cgi families GET /api/v1/families
is "$(cgi_status)" "Status: 401 Unauthorized" "no session: 401"
ok "$(grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$T_DIR/cgi.all"; [ $? -ne 0 ]; echo $?)" \
    "no sanitizer reports from any run"
done_testing
