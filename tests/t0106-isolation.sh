#!/bin/bash
# t0106-isolation.sh — a member of family A who names family B's ids gets 404
# on every route and learns nothing. The routes come from the programs' own
# route tables (--routes), so a new route is walked without editing this.
# The console's routes (/api/v1/admin/) answer 403 to anyone who is not the
# admin or a consultant, whichever family they name (t0215 walks them as
# consultants, whose unassigned clients are 404).
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup bob
A=$(AS=ana new_family "A")
B=$(AS=bob new_family "B")
AS=ana req POST "/api/v1/families/$A/subjects" '{"name":"A kid","kind":"baby"}'
A_SID=$(jbody .id)
AS=bob req POST "/api/v1/families/$B/subjects" '{"name":"B kid","kind":"baby"}'
B_SID=$(jbody .id)
B_MID=$(AS=bob req GET "/api/v1/families/$B/members"; jbody '.members[0].id')
AS=bob req POST "/api/v1/families/$B/links" '{"role":"viewer","label":"B link"}'
B_LID=$(jbody .id)
A_MID=$(AS=ana req GET "/api/v1/families/$A/members"; jbody '.members[0].id')
B_EID=$(uuid)
AS=bob FID=$B SID=$B_SID put_entry "$B_EID" '{type: "note", ts: 1763879400000, value: {text: "B kid note"}}'

walked=0
for prog in "$T_BIN"/auth "$T_BIN"/families "$T_BIN"/*; do
    [ -x "$prog" ] || continue
    "$prog" --routes 2>/dev/null
done | sort -u | grep '{fid}' > "$T_DIR/routes"
while read -r method pattern; do
    # B's family with B's ids, and A's family with B's ids.
    for fam in "$B" "$A"; do
        path=$(printf '%s' "$pattern" | sed "s/{fid}/$fam/; s/{sid}/$B_SID/; s/{mid}/$B_MID/; s/{lid}/$B_LID/; s/{eid}/$B_EID/; s/{[a-z]*}/00000000-0000-4000-8000-000000000000/")
        [ "$fam" = "$A" ] && [ "$path" = "$(printf '%s' "$pattern" | sed "s/{fid}/$A/")" ] && continue
        if [ "$method" = GET ]; then AS=ana req GET "$path"; else AS=ana req "$method" "$path" '{}'; fi
        want=404
        case $pattern in /api/v1/admin/*) want=403 ;; esac
        is "$STATUS" "$want" "$method $pattern with $( [ "$fam" = "$B" ] && echo "B's family" || echo "A's family and B's ids") is $want"
        ok "$(body | grep -q 'B kid\|B link\|bob'; [ $? -ne 0 ]; echo $?)" "…and shows nothing of B"
        walked=$((walked + 1))
    done
done < "$T_DIR/routes"
ok "$([ "$walked" -ge 20 ]; echo $?)" "walked $walked family routes"
AS=bob req GET "/api/v1/families/$B/subjects"
is "$(jbody '.subjects[0].name')" "B kid" "B's data is untouched"
AS=bob req GET "/api/v1/families/$B/links"
is "$(jbody '.links[0].revoked')" false "B's link is untouched"
AS=bob req GET "/api/v1/families/$B/entries"
is "$(jbody '.entries[0].value.text')" "B kid note" "B's entry is untouched"
AS=ana req POST "/api/v1/families/$A/sync" "{\"cursor\":0,\"changes\":[{\"op\":\"delete\",\"id\":\"$B_EID\",\"updated_at\":1893456000000}]}"
is "$(jbody '.results[0].status + " " + .results[0].error.code')" "invalid not_found" \
    "syncing a delete of B's entry through A: not_found"
is "$(jbody '.changes | length')" 0 "…and A's pull shows nothing of B"
AS=ana req GET "/api/v1/families/$A/summary?subject=$B_SID"
is "$STATUS" 404 "a summary of B's person through A is 404"
AS=ana req GET "/api/v1/families/$A/subjects/$A_SID" 2>/dev/null
AS=ana req GET /api/v1/families
is "$(jbody '[.families[].name] | join(",")')" "A" "GET /families lists only A"
AS=ana req GET "/api/v1/families?all=1"
is "$(jbody '[.families[].name] | join(",")')" "A" "?all=1 is only for the admin"
done_testing
