#!/bin/bash
# t0220-profile.sh — the profile of a person cared for (the emergency card's
# data): empty until written, replaced whole by caregivers and owners, read
# by viewers, refused to viewers and other families, checked field by field
# (blood type, phones, at most 8 emergency contacts), versioned (a stale
# form is 409), the date of birth kept with the person, in the audit log by
# field name only, and streamed live.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup bob
signup vic
signup oto
export AS=ana
FID=$(new_family Home Europe/London)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
OFID=$(AS=oto new_family Other)
P="/api/v1/families/$FID/people/$SID/profile"

req GET "$P"
is "$STATUS $(jbody '.version, .blood_type, .allergies, (.emergency_contacts|length), .gp.phone' | paste -sd' ')" \
    "200 0 null  0 " "a person without a profile reads as an empty one (version 0)"

full='{"birth_date":"1941-03-02","blood_type":"O-","allergies":"Penicillin\nLatex","conditions":"Type 2 diabetes",
 "gp":{"name":"Dr Shah","address":"1 High St\nLondon","phone":"+44 20 7946 0018"},
 "hospital":{"name":"St Thomas","address":"Westminster Bridge Rd","phone":"020 7188 7188"},
 "insurance_number":"NHS 943 476 5919",
 "emergency_contacts":[{"name":"Dana","relation":"daughter","phone":"+44 7700 900123"},
                       {"name":"Sam","relation":"son","phone":"07700 900456"}],
 "notes":"Hard of hearing: speak slowly","version":0}'
AS=bob req PUT "$P" "$full"
is "$STATUS" 200 "a caregiver writes the profile"
V1=$(jbody .version)
is "$(jbody '.blood_type, .gp.name, .emergency_contacts[1].phone, .birth_date, .updated_by' | paste -sd'|')" \
    "O-|Dr Shah|07700 900456|1941-03-02|bob" "…and it reads back as written, with who wrote it"
ok "$([ "$V1" -gt 0 ]; echo $?)" "…at a new version ($V1)"
AS=vic req GET "$P"
is "$STATUS $(jbody .allergies)" "200 Penicillin
Latex" "a viewer reads it (the emergency card)"
AS=ana req GET "/api/v1/families/$FID/subjects"
is "$(jbody '.subjects[0].birth_date')" "1941-03-02" "the date of birth is the person's own"

AS=vic req PUT "$P" "$full"
is "$STATUS" 403 "a viewer cannot change it"
AS=oto req GET "$P"
is "$STATUS" 404 "another family's member gets 404"
AS=oto req PUT "$P" '{}'
is "$STATUS" 404 "…for a write too"
AS=oto req GET "/api/v1/families/$OFID/people/$SID/profile"
is "$STATUS" 404 "a person of another family through one's own family is 404"
req GET "/api/v1/families/$FID/people/$(uuid)/profile"
is "$STATUS" 404 "an unknown person is 404"
AS=anon req GET "$P"
is "$STATUS" 401 "no session: 401"

# Stale: the form read version 0, someone wrote since.
req PUT "$P" '{"notes":"x","version":0}'
is "$STATUS $(jbody .error.code)" "409 stale" "a stale version is refused, nothing overwritten"

# Field checks, every one named.
req PUT "$P" '{"blood_type":"Z+","gp":{"phone":"call me"},"emergency_contacts":[{"name":"","phone":"12"}],"birth_date":"2999-01-01","extra":1}'
is "$STATUS" 400 "a bad profile is 400"
is "$(jbody '.error.fields | keys | join(",")')" \
    "birth_date,blood_type,emergency_contacts[0].name,emergency_contacts[0].phone,extra,gp.phone" \
    "…every bad field named"
nine=$(jq -cn '{emergency_contacts: [range(9) | {name: "n\(.)", phone: "0123456"}]}')
req PUT "$P" "$nine"
is "$(jbody '.error.fields.emergency_contacts')" "must have at most 8 items" "at most 8 emergency contacts"
ok "$(AS=vic req GET "$P"; [ "$(jbody .version)" = "$V1" ]; echo $?)" "…and nothing was half-written"

# A PUT replaces the whole profile; left out, the date of birth stays.
listen ana
wait_for ana '^retry:'
req PUT "$P" "{\"blood_type\":\"A+\",\"version\":$V1}"
is "$STATUS $(jbody '.blood_type, .allergies, (.emergency_contacts|length), .birth_date' | paste -sd'|')" \
    "200 A+||0|1941-03-02" "the owner replaces it whole; the date of birth stays when left out"
V2=$(jbody .version)
ok "$(wait_for ana "^id: $V2\$"; echo $?)" "the change is streamed live"
ok "$(grep -A1 "^id: $V2\$" "$T_DIR/sse-ana" | grep -q '^event: profile'; echo $?)" "…as a profile event"
ok "$(grep -q '"blood_type":"A+"' "$T_DIR/sse-ana"; echo $?)" "…with the profile in it"
req PUT "$P" '{"birth_date":null}'
req GET "/api/v1/families/$FID/subjects"
is "$(jbody '.subjects[0].birth_date')" "null" "null clears the date of birth"

# The audit log names what changed, never the values.
req GET "/api/v1/families/$FID/audit"
is "$(jbody '[.events[] | select(.action=="profile_updated")] | length')" 3 "every write is audited"
is "$(jbody '[.events[] | select(.action=="profile_updated")][-1].detail.changed | join(",")')" \
    "blood_type,allergies,conditions,gp,hospital,insurance_number,emergency_contacts,notes,birth_date" \
    "…by the names of the fields changed"
ok "$(db "SELECT detail FROM audit_log" | grep -q 'Penicillin\|7946'; [ $? -ne 0 ]; echo $?)" \
    "…and no value of the profile is in the audit log"
done_testing
