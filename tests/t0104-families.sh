#!/bin/bash
# t0104-families.sh — families (create with a validated IANA zone, read,
# update, archive = read-only, unarchive) and the people cared for.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
req POST /api/v1/families '{"name":"","timezone":"Mars/Olympus"}'
is "$STATUS" 400 "bad family is 400"
is "$(jbody .error.fields.name)" "must not be empty" "name message"
is "$(jbody .error.fields.timezone)" "must be an IANA time zone such as Europe/London" "timezone message"
req POST /api/v1/families '{"name":"x","timezone":"../../etc/passwd"}'
is "$STATUS" 400 "a path is not a time zone"
is "$(db 'SELECT count(*) FROM families')" 0 "nothing written"

req POST /api/v1/families '{"name":"The Cohens","timezone":"Asia/Jerusalem"}'
is "$STATUS" 201 "create a family"
FID=$(jbody .id)
is "$(jbody '.role + " " + .timezone')" "owner Asia/Jerusalem" "creator is owner"
req GET "/api/v1/families/$FID"
is "$(jbody .name)" "The Cohens" "read it back"
req GET /api/v1/auth/me
is "$(jbody '.families[0].id + " " + .families[0].role')" "$FID owner" "/me lists it"
req GET /api/v1/families
is "$(jbody '.families | length')" 1 "GET /families lists it"

req PATCH "/api/v1/families/$FID" '{"name":"Cohen family","notes":"Night feeds\nfrom 2 am","timezone":"Europe/Paris"}'
is "$STATUS" 200 "patch a family"
is "$(jbody '.name + "|" + .timezone')" "Cohen family|Europe/Paris" "patched fields"
is "$(jbody .notes)" "$(printf 'Night feeds\nfrom 2 am')" "multi-line notes"
req PATCH "/api/v1/families/$FID" '{"timezone":"Nope/Nowhere","colour":"red"}'
is "$STATUS" 400 "bad patch is 400"
is "$(jbody '.error.fields | keys | join(",")')" "colour,timezone" "…names both bad fields"
req GET "/api/v1/families/$FID"
is "$(jbody .timezone)" "Europe/Paris" "…and changed nothing"

# people cared for
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby","birth_date":"2026-09-01","sex":"female"}'
is "$STATUS" 201 "add a baby"
SID=$(jbody .id)
is "$(jbody '[.name,.kind,.birth_date,.sex] | join(",")')" "Noa,baby,2026-09-01,female" "subject fields"
like "$(jbody .colour)" '^#[0-9a-f]{6}$' "a colour is given"
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa","kind":"adult","colour":"#AABBCC"}'
is "$(jbody '.colour + " " + (.sex|tostring)')" "#aabbcc null" "colour normalised, sex optional"
GID=$(jbody .id)
req POST "/api/v1/families/$FID/subjects" '{"name":"X","kind":"cat","birth_date":"2026-02-30","sex":"x","colour":"blue"}'
is "$STATUS" 400 "bad subject is 400"
is "$(jbody .error.fields.kind)" "must be one of: baby, child, adult" "kind message"
is "$(jbody .error.fields.birth_date)" "must be a date as YYYY-MM-DD" "impossible date refused"
is "$(jbody .error.fields.colour)" "must be a colour as #rrggbb" "colour message"
req POST "/api/v1/families/$FID/subjects" '{"name":"Y","kind":"baby","birth_date":"2999-01-01"}'
is "$(jbody .error.fields.birth_date)" "must not be in the future" "future birth date refused"
req PATCH "/api/v1/families/$FID/subjects/$SID" '{"name":"Noa R","sex":null,"birth_date":null}'
is "$STATUS" 200 "patch a subject"
is "$(jbody '[.name, (.sex|tostring), (.birth_date|tostring)] | join(",")')" "Noa R,null,null" "null clears"
req GET "/api/v1/families/$FID/subjects"
is "$(jbody '[.subjects[].name] | join(",")')" "Noa R,Grandpa" "list subjects"
req DELETE "/api/v1/families/$FID/subjects/$GID"
is "$STATUS" 204 "remove a subject"
req GET "/api/v1/families/$FID/subjects"
is "$(jbody '.subjects | length')" 1 "…gone from the list"
req PATCH "/api/v1/families/$FID/subjects/$GID" '{"name":"Back"}'
is "$STATUS" 404 "a removed subject is 404"

# archive: read-only until unarchived
req POST "/api/v1/families/$FID/archive"
is "$(jbody .archived)" true "archive"
req PATCH "/api/v1/families/$FID" '{"name":"Renamed"}'
is "$STATUS" 409 "writes to an archived family are 409"
is "$(jbody .error.code)" family_archived "…family_archived"
req POST "/api/v1/families/$FID/subjects" '{"name":"Z","kind":"baby"}'
is "$STATUS" 409 "…for subjects too"
req GET "/api/v1/families/$FID/subjects"
is "$STATUS" 200 "reads still work"
req POST "/api/v1/families/$FID/unarchive"
is "$(jbody .archived)" false "unarchive"
req PATCH "/api/v1/families/$FID" '{"name":"Renamed"}'
is "$STATUS" 200 "writes work again"
req GET "/api/v1/families/not-a-family-id"
is "$STATUS" 404 "an unknown family is 404"

# Sleep guidance is on until the owner turns it off for the family.
req GET "/api/v1/families/$FID"
is "$(jbody .sleep_guidance)" true "sleep guidance is on by default"
req PATCH "/api/v1/families/$FID" '{"sleep_guidance":false}'
is "$STATUS $(jbody .sleep_guidance)" "200 false" "…the owner turns it off for the family"
is "$(req GET /api/v1/auth/me; jbody '.families[] | select(.id == "'"$FID"'") | .sleep_guidance')" false \
    "…which every member's session sees"
req PATCH "/api/v1/families/$FID" '{"sleep_guidance":"no"}'
is "$(jbody .error.fields.sleep_guidance)" "must be true or false" "…a yes or no"

# The zones a family chooses from are the server's own (tzdata's tables),
# each one a family may take.
AS=anon req GET /api/v1/timezones
is "$STATUS" 200 "GET /api/v1/timezones (no session needed)"
like "$(header Cache-Control)" 'max-age=' "…cacheable: it changes only with tzdata"
is "$(jbody '(.timezones | length) > 300')" true "…every place of tzdata: $(jbody '.timezones | length') zones"
is "$(jbody '.timezones == (.timezones | sort) and .timezones == (.timezones | unique)')" true "…sorted, once each"
is "$(jbody '[.timezones[] | select(. == "Europe/Amsterdam" or . == "Asia/Kolkata" or . == "America/Argentina/Buenos_Aires" or . == "UTC")] | length')" 4 \
    "…canonical zones, one per country (Amsterdam) and UTC"
is "$(jbody '[.timezones[] | select(test("^(posix|right)/|^Etc/|localtime|Factory"))] | length')" 0 "…no alternative trees or non-places"
bad=0
for zone in $(jbody '.timezones | to_entries[] | select(.key % 9 == 0) | .value'); do
    req PATCH "/api/v1/families/$FID" "{\"timezone\":\"$zone\"}"
    [ "$STATUS" = 200 ] || { bad=$((bad + 1)); diag "$zone: $STATUS"; }
done
is "$bad" 0 "a family may take the zones offered (every ninth tried)"
done_testing
