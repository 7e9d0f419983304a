#!/bin/bash
# t0110-openapi.sh — the OpenAPI document is kept true: every route in every
# program's route table is documented, and nothing documented is missing
# from the route tables; its entry types and person kinds are the
# catalogue's. The document served is the one in the repository.
. "$(dirname "$0")/lib.sh"

doc="$T_ROOT/cgi-bin/openapi.json"
ok "$(jq -e '.openapi | startswith("3.")' "$doc" >/dev/null; echo $?)" "openapi.json is OpenAPI 3 JSON"
for prog in "$T_BIN"/*; do
    "$prog" --routes 2>/dev/null || true
done | sort -u > "$T_DIR/routes"
ok "$([ "$(wc -l < "$T_DIR/routes")" -ge 20 ]; echo $?)" "route tables listed ($(wc -l < "$T_DIR/routes") routes)"
while read -r method pattern; do
    m=$(printf '%s' "$method" | tr 'A-Z' 'a-z')
    ok "$(jq -e --arg p "$pattern" --arg m "$m" '.paths[$p][$m].responses | length > 0' "$doc" >/dev/null; echo $?)" \
        "documented: $method $pattern"
done < "$T_DIR/routes"
jq -r '.paths | to_entries[] | .key as $p | .value | keys[] | "\(ascii_upcase) \($p)"' "$doc" | sort -u > "$T_DIR/documented"
extra=$(comm -13 "$T_DIR/routes" "$T_DIR/documented")
is "$extra" "" "no documented route is missing from the route tables"
# The entry types and person kinds it lists are the catalogue's.
cat="$T_ROOT/catalogue/entries.json"
types=$(jq -c '.types | keys_unsorted' "$cat")
is "$(jq -c .components.schemas.Entry.properties.type.anyOf[0].enum "$doc")" "$types" "Entry.type lists the catalogue's types (or a family's own, x-<key>)"
is "$(jq -c '.components.schemas.Config.properties.groups.items.properties.buttons.items.properties.type.anyOf[0].enum' "$doc")" \
    "$types" "a button's type lists the catalogue's types"
is "$(jq -c .components.schemas.Subject.properties.kind.enum "$doc")" "$(jq -c .person_kinds "$cat")" \
    "Subject.kind lists the catalogue's person kinds"
start_server
req GET /api/v1/openapi.json
is "$(body | jq -S . | sha256sum)" "$(jq -S . "$doc" | sha256sum)" "the served document is the repository's"
done_testing
