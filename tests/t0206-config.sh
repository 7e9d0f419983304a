#!/bin/bash
# t0206-config.sh — the family's quick-log buttons: a sensible default set,
# validation of groups and presets (with the entry rules), versions by seq,
# and optimistic concurrency (a stale version is 409).
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
FID=$(new_family Home)

req GET "/api/v1/families/$FID/config"
is "$(jbody '.version, .default' | paste -sd,)" "0,true" "a new family has the default set (version 0)"
is "$(jbody '[.groups[].category] | join(",")')" "feed,diaper,sleep,health" "…feed, diaper, sleep and health"
is "$(jbody '[.groups[0].buttons[].value.method] | join(",")')" "breast_left,breast_right,bottle" \
    "…left, right and bottle"
is "$(jbody '.groups[0].buttons[2].value | keys | join(",")')" "method,milk" \
    "…the bottle without an amount (the app offers the last one given)"
defaults=$(body)
bad='{"groups":[{"category":"","buttons":[
  {"type":"cake"},
  {"type":"diaper","timing":true,"value":{"wet":true}},
  {"type":"feed","label":"Huge bottle","value":{"method":"bottle","amount_ml":5000}},
  {"type":"feed","value":{"method":"bottle"},"colour":"red"},
  {"type":"note","label":"'"$(printf 'x%.0s' $(seq 41))"'"}]}]}'
req PUT "/api/v1/families/$FID/config" "$bad"
is "$STATUS" 400 "bad buttons are 400"
f=".error.fields"
is "$(jbody "$f[\"groups[0].category\"]")" "must not be empty" "empty category"
is "$(jbody "$f[\"groups[0].buttons[0].type\"]")" \
    "must be one of: feed, diaper, sleep, pump, growth, temperature, medication, symptom, vitals, tummy_time, note" \
    "unknown entry type"
is "$(jbody "$f[\"groups[0].buttons[1].timing\"]")" "only timed types run as timers (feed, sleep, pump, tummy_time)" \
    "a diaper cannot be a timer"
is "$(jbody "$f[\"groups[0].buttons[2].value.amount_ml\"]")" "must be between 1 and 1000" \
    "presets follow the entry rules"
is "$(jbody "$f[\"groups[0].buttons[3].colour\"]")" "unknown field" "unknown button field"
is "$(jbody "$f[\"groups[0].buttons[4].label\"]")" "must be at most 40 characters" "label length"
req PUT "/api/v1/families/$FID/config" "{\"groups\":$(jq -cn '[range(13) | {category: "x", buttons: []}]')}"
is "$(jbody .error.fields.groups)" "must have at most 12 items" "at most 12 groups"

mine='{"version":0,"groups":[{"category":"night","stateful":true,"buttons":[
  {"type":"feed","label":"Left","value":{"method":"breast_left"},"timing":true},
  {"type":"feed","label":"Bottle 150","value":{"method":"bottle","milk":"formula","amount_ml":150}},
  {"type":"diaper","label":"Wet","value":{"wet":true}}]}]}'
req PUT "/api/v1/families/$FID/config" "$mine"
is "$STATUS" 200 "save my buttons"
v1=$(jbody .version)
ok "$([ "$v1" -gt 0 ]; echo $?)" "…versioned by seq ($v1)"
is "$(jbody '.default, .groups[0].buttons[1].value.amount_ml' | paste -sd,)" "false,150" "…stored as sent"
req GET "/api/v1/families/$FID/config"
is "$(jbody .version)" "$v1" "read back"
req PUT "/api/v1/families/$FID/config" "$mine"
is "$STATUS $(jbody .error.code)" "409 stale" "saving over a version someone replaced is 409"
req PUT "/api/v1/families/$FID/config" "$(echo "$mine" | jq -c ".version = $v1")"
is "$STATUS" 200 "saving with the current version works"
ok "$([ "$(jbody .version)" -gt "$v1" ]; echo $?)" "…and bumps the version"
req PUT "/api/v1/families/$FID/config" '{"groups":[]}'
is "$STATUS" 200 "without a version the last write wins"
req PUT "/api/v1/families/$FID/config" "$(echo "$defaults" | jq -c '{groups}')"
is "$STATUS" 200 "the default set passes the rules of PUT /config"

# The default set follows the people cared for (the catalogue's buttons per
# person kind): an elder's family gets medicines and vitals, not feeds.
FID2=$(new_family Grandpa)
req POST "/api/v1/families/$FID2/subjects" '{"name":"Grandpa","kind":"adult"}'
req GET "/api/v1/families/$FID2/config"
is "$(jbody '[.groups[] | .category + ":" + ([.buttons[].type] | join("+"))] | join(" ")')" \
    "health:temperature+medication+vitals+symptom+growth" "an adult's default buttons"
is "$(jbody '.groups[0].buttons[4].label')" "@btn.weight" "…the adult's growth button is their weight"
req POST "/api/v1/families/$FID2/subjects" '{"name":"Noa","kind":"baby"}'
req GET "/api/v1/families/$FID2/config"
is "$(jbody '[.groups[] | .category + ":" + ([.buttons[].type] | join("+"))] | join(" ")')" \
    "feed:feed+feed+feed diaper:diaper+diaper+diaper sleep:sleep health:temperature+medication+growth+vitals+symptom+growth" \
    "…and with a baby too, the buttons for both (the app shows each person those of their kind)"
done_testing
