#!/bin/bash
# t0003-tls.sh — production TLS as conf/tls.conf sets it up: HTTPS with HSTS,
# plain HTTP redirected, and the session cookie __Host- prefixed and Secure.
. "$(dirname "$0")/lib.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
printf 'cacert = "%s"\n' "$T_DIR/cert.pem" > "$T_DIR/.curlrc"
export CURL_HOME=$T_DIR
TLS_PORT=$(free_port)
# certbot --webroot's challenge file (ACME_WEBROOT defaults to DATA_DIR/acme).
mkdir -p "$T_DIR/data/acme/.well-known/acme-challenge"
echo token-proof > "$T_DIR/data/acme/.well-known/acme-challenge/tok3n"
start_server REGISTRATION=open TLS_CERT="$T_DIR/cert.pem" TLS_KEY="$T_DIR/key.pem" TLS_PORT="$TLS_PORT"
HTTP_BASE=$BASE
BASE="https://127.0.0.1:$TLS_PORT"

req GET /health
is "$STATUS" 200 "health over HTTPS (certificate verified)"
like "$(header Strict-Transport-Security)" '^max-age=63072000' "HSTS over HTTPS"
like "$(header Content-Security-Policy)" "frame-ancestors 'none'" "security headers over HTTPS"
STATUS=$(curl -s -o /dev/null -D "$T_DIR/headers" -w '%{http_code}' "$HTTP_BASE/health?x=1")
is "$STATUS" 308 "plain HTTP redirects"
is "$(header Location)" "https://127.0.0.1:$TLS_PORT/health?x=1" "…to the same path over HTTPS"
is "$(header Strict-Transport-Security)" "" "no HSTS over plain HTTP"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' "$HTTP_BASE/.well-known/acme-challenge/tok3n")
is "$STATUS $(body)" "200 token-proof" "Let's Encrypt's challenge is served over plain HTTP (certbot --webroot renewals)"

signup -n Ana ana
is "$STATUS" 201 "register over HTTPS"
cookie=$(header Set-Cookie)
like "$cookie" '^__Host-carelog_session=[A-Za-z0-9_-]{43}; Path=/;' "cookie has the __Host- prefix and path /"
like "$cookie" '; Secure' "cookie is Secure"
like "$cookie" 'HttpOnly; SameSite=Lax' "cookie is HttpOnly and SameSite=Lax"
AS=ana req GET /api/v1/auth/me
is "$(jbody .user.email)" ana@example.com "the secure cookie signs in"
AS=ana req POST /api/v1/families '{"name":"F","timezone":"UTC"}'
FID=$(jbody .id)
AS=ana req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"x"}'
like "$(jbody .url)" "^/join/" "links handed out are paths, so they keep the page's https"
done_testing
