#!/bin/bash
# t0125-link-host-header.sh — audit finding 9.5: links the server hands out
# never take their origin from the request's Host header (anyone can send
# "Host: evil.example" and have an owner pass the result on). Without
# PUBLIC_URL a link is a path the app resolves against its own origin; with
# PUBLIC_URL it is that origin.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
# curl matches cookies against the Host header sent, so the session cookie
# goes along by hand.
evil() {
    EVIL=(-H "Host: evil.example" -H "X-Forwarded-Host: evil.example"
        -H "Cookie: $(awk '$6 == "carelog_session" { print $6 "=" $7 }' "$T_DIR/jar-ana")")
}
evil
FID=$(new_family Home)
req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Nanny"}' "${EVIL[@]}"
is "$STATUS" 201 "a link is made over a request with Host: evil.example"
TOKEN=$(jbody .token)
is "$(jbody .url)" "/join/$TOKEN" "without PUBLIC_URL the link is a path on this site"
ok "$(grep -qi evil "$T_DIR/body" "$T_DIR/headers"; [ $? -ne 0 ]; echo $?)" "evil.example appears nowhere in the answer"
req GET "/api/v1/families/$FID/links" "${EVIL[@]}"
ok "$(grep -qi evil "$T_DIR/body"; [ $? -ne 0 ]; echo $?)" "…nor in the list of links"
stop_server

start_server REGISTRATION=open PUBLIC_URL=https://care.example.org/
signin ana
evil
req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"Grandma"}' "${EVIL[@]}"
is "$(jbody .url)" "https://care.example.org/join/$(jbody .token)" "with PUBLIC_URL the link is on that origin"
ok "$(grep -qi evil "$T_DIR/body" "$T_DIR/headers"; [ $? -ne 0 ]; echo $?)" "…and evil.example appears nowhere"
done_testing
