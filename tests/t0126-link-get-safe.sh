#!/bin/bash
# t0126-link-get-safe.sh — audit finding 9.6: opening an invite, access or
# sign-in link (GET) changes nothing. Chat apps fetch links for previews, so
# a GET that joined would use the link up or make a stray guest. A GET shows
# a small page with one button; only the POST its form sends, from this
# site (Sec-Fetch-Site / Origin), uses the link. Cross-site POSTs are refused.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_DIR/data"
ADMIN_TOKEN=$(DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" setup | sed -n 's|.*/signin/||p')
start_server REGISTRATION=open
signup ana
signup bob
export AS=ana
FID=$(new_family Home)
req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Nanny","max_uses":1}'
TOKEN=$(jbody .token) LID=$(jbody .id)
uses() { db "SELECT uses FROM links WHERE id = '$LID'"; }
guests() { db "SELECT count(*) FROM members WHERE family_id = '$FID' AND user_id IS NULL"; }
sessions() { db "SELECT count(*) FROM sessions"; }
S0=$(sessions)

# What a chat app's preview fetcher (or anyone) does: GET, several times.
for i in 1 2 3 4; do AS=preview req GET "/join/$TOKEN"; done
is "$STATUS" 200 "GET /join/{token} answers 200"
like "$(header Content-Type)" '^text/html' "…a page"
is "$(header Set-Cookie)" "" "…that sets no cookie"
like "$(body)" '<form method="post"' "…with a form that posts"
like "$(body)" '<button[^>]*type="submit"' "…and one button"
like "$(body)" 'Home' "…naming the family"
ok "$(body | grep -Eqi "<script|<style|\sstyle=|\son[a-z]+="; [ $? -ne 0 ]; echo $?)" \
    "…with no inline script or style (the CSP allows none)"
like "$(header Content-Security-Policy)" "script-src 'self'" "…under the site's CSP"
is "$(uses)" 0 "after 4 GETs the link is unused"
is "$(guests)" 0 "…no guest member was made"
is "$(sessions)" "$S0" "…and no session"
AS=bob req GET "/join/$TOKEN"
is "$(db "SELECT count(*) FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'bob@example.com'")" 0 \
    "a signed-in account opening the link does not join by it"

# Cross-site POSTs (a page elsewhere submitting a form) are refused.
AS=evil req POST "/join/$TOKEN" -H "Sec-Fetch-Site: cross-site" -H "Origin: https://evil.example"
is "$STATUS" 403 "a cross-site POST is 403"
is "$(header Set-Cookie)" "" "…sets no cookie"
AS=evil req POST "/join/$TOKEN" -H "Sec-Fetch-Site: same-site"
is "$STATUS" 403 "…same-site is not same-origin"
AS=evil req POST "/join/$TOKEN" -H "Origin: https://evil.example"
is "$STATUS" 403 "…another Origin (a browser without Sec-Fetch-Site) is 403"
AS=evil req POST "/join/$TOKEN" -H "Origin: null"
is "$STATUS" 403 "…and so is Origin: null"
is "$(uses) $(guests) $(sessions)" "0 0 $S0" "…and none of them used the link"

# The page's own button: a same-origin POST uses the link.
AS=nanny req POST "/join/$TOKEN" -H "Sec-Fetch-Site: same-origin" -H "Origin: $BASE"
is "$STATUS" 303 "the form's POST joins"
is "$(header Location)" "/?family=$FID" "…and opens the family"
like "$(header Set-Cookie)" '^carelog_session=' "…signed in as a guest device"
is "$(uses) $(guests)" "1 1" "the link is used once, one guest made"
AS=nanny req GET /api/v1/auth/me
is "$(jbody '.user.guest, .user.name' | paste -sd' ')" "true Nanny" "the guest session works"
AS=other req GET "/join/$TOKEN"
is "$STATUS" 410 "a used-up link's page says so"

# A browser that sends only Origin (older ones) is judged by it; an account
# joins by the POST.
AS=ana req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"Bob"}'
AS=bob req POST "/join/$(jbody .token)" -H "Origin: $BASE"
is "$STATUS" 303 "a POST with this site's Origin joins"
AS=bob req GET /api/v1/auth/me
is "$(jbody '.families[0].role')" viewer "…the signed-in account, as the link's role"

# What people typed is escaped on the page.
AS=ana req PATCH "/api/v1/families/$FID" '{"name":"<b>Tom & Jerry\u0027s</b>"}'
AS=ana req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"<i>\"Gran\"</i>"}'
AS=preview req GET "/join/$(jbody .token)"
like "$(body)" '&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;' "the family name is HTML-escaped on the page"
like "$(body)" '&lt;i&gt;&quot;Gran&quot;&lt;/i&gt;' "…and so is the link's label"
ok "$(body | grep -Eq '<b>|<i>'; [ $? -ne 0 ]; echo $?)" "…no tag of theirs gets through"

# The admin's one-time sign-in link.
for i in 1 2 3; do AS=preview req GET "/signin/$ADMIN_TOKEN"; done
is "$STATUS" 200 "GET /signin/{token} answers a page"
like "$(body)" '<form method="post"' "…with a form"
is "$(header Set-Cookie)" "" "…and no cookie"
is "$(db "SELECT count(*) FROM signin_tokens")" 1 "after 3 GETs the one-time link is unused"
AS=evil req POST "/signin/$ADMIN_TOKEN" -H "Sec-Fetch-Site: cross-site"
is "$STATUS" 403 "a cross-site POST is 403"
is "$(db "SELECT count(*) FROM signin_tokens")" 1 "…and leaves the link"
AS=admin req POST "/signin/$ADMIN_TOKEN" -H "Sec-Fetch-Site: same-origin"
is "$STATUS $(header Location)" "303 /?welcome=admin" "the form's POST signs the admin in"
AS=admin req GET /api/v1/auth/me
is "$(jbody .user.is_admin)" true "…as the admin"
AS=preview req GET "/signin/$ADMIN_TOKEN"
is "$STATUS" 410 "…once: the page then says the link is used"
done_testing
