#!/bin/bash
# t0108-admin.sh — the instance admin (the consultant): the one-time sign-in
# link printed on a fresh instance, setting a password, ADMIN_EMAIL and
# ADMIN_PASSWORD from the environment, invite-only registration, and the
# admin seeing and acting in every client family.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_DIR/data"
out=$(DATA_DIR="$T_DIR/data" PORT=9999 "$T_BIN/carelogctl" setup)
like "$out" 'http://127.0.0.1:9999/signin/[A-Za-z0-9_-]{43}' "setup prints a one-time sign-in link"
TOKEN=${out##*/signin/}
out2=$(DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" setup)
like "$out2" '/signin/' "while the admin has no password, each setup prints a fresh link"
TOKEN2=${out2##*/signin/}
is "$(stat -c %a "$T_DIR/data/carelog.db")" 600 "the database file is private (0600)"
is "$(stat -c %a "$T_DIR/data/server.key")" 600 "the server key is private (0600)"

start_server
AS=jane req POST "/signin/$TOKEN"
is "$STATUS" 410 "the older link stopped working when a new one was printed"
AS=jane req POST "/signin/$TOKEN2"
is "$STATUS" 303 "the admin signs in with the link"
is "$(header Location)" "/?welcome=admin" "…and lands in the app"
AS=other req POST "/signin/$TOKEN2"
is "$STATUS" 410 "the link works only once"
AS=jane req GET /api/v1/auth/me
is "$(jbody '.user.is_admin, .user.has_password' | paste -sd' ')" "true false" "signed in as admin, no password yet"
AS=jane csrf_save
AS=jane req PATCH /api/v1/auth/me '{"email":"jane@sleep.example","password":"jane secret pw","name":"Jane"}'
is "$STATUS" 200 "the admin sets email and password (no current one needed yet)"
signin -p "jane secret pw" jane jane@sleep.example
is "$STATUS" 200 "…and signs in with them"
out3=$(DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" setup)
is "$out3" "" "once the admin has a password, setup prints no link"

# Invite-only: the consultant creates a client family and invites the parent.
req POST /api/v1/auth/register '{"email":"mum@example.com","password":"password-mum","name":"Mum"}'
is "$STATUS" 403 "no registration without an invite"
CLIENT=$(AS=jane new_family "Client Smith" "Australia/Sydney")
TOK=$(AS=jane FID=$CLIENT invite owner "Mum")
signup -n Mum -i "$TOK" mum
is "$STATUS" 201 "the parent registers with the invite"
AS=mum req GET /api/v1/auth/me
is "$(jbody '.families[0].name + " " + .families[0].role')" "Client Smith owner" "…as owner of the client family"
OWN=$(AS=mum new_family "Mum's own")
AS=jane req GET "/api/v1/families?all=1"
is "$(jbody '[.families[].name] | join(",")')" "Client Smith,Mum's own" "the admin lists every client family"
AS=jane req GET "/api/v1/families/$OWN"
is "$STATUS" 200 "the admin reads a family it is not a member of"
AS=jane req POST "/api/v1/families/$OWN/links" '{"role":"viewer","label":"Jane link"}'
is "$STATUS" 201 "…and hands out access links for it"
AS=mum req GET "/api/v1/families?all=1"
is "$(jbody '.families | length')" 2 "a non-admin's ?all=1 lists only their own"
stop_server

# ADMIN_EMAIL + ADMIN_PASSWORD create or update the admin at start.
out4=$(DATA_DIR="$T_DIR/data" ADMIN_EMAIL=ops@example.org ADMIN_PASSWORD="ops password 1" "$T_BIN/carelogctl" setup)
like "$out4" 'ops@example.org is ready' "setup takes the admin from the environment"
bad=$(DATA_DIR="$T_DIR/data" ADMIN_EMAIL=ops@example.org "$T_BIN/carelogctl" setup 2>&1)
like "$bad" 'both ADMIN_EMAIL and ADMIN_PASSWORD' "one without the other is refused"
start_server
req POST /api/v1/auth/login '{"email":"ops@example.org","password":"ops password 1"}'
is "$(jbody .user.is_admin)" true "the environment's admin signs in"
done_testing
