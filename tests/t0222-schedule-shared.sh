#!/bin/bash
# t0222-schedule-shared.sh — one definition of a medication's day: the
# server's GET /medications/schedule and the app's www/js/schedule.js (what
# the app shows offline) are compared dose by dose, on both clock-change
# days of Europe/London and of America/New_York (every N hours, a time in
# the spring gap, a time the autumn repeats, an end date), on days with
# doses given on time and late, skipped, missed and recorded twice (a
# conflict), with an as-needed medication's limits and every supply left.
# Any field that differs fails, named by its path.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || bail "node is needed"

start_server REGISTRATION=open
signup ana
signup bob
export AS=ana
for TZN in Europe/London America/New_York; do
    FID=$(new_family "Home" "$TZN")
    join bob "$(invite caregiver Bob)"
    req POST "/api/v1/families/$FID/subjects" '{"name":"Joe","kind":"adult"}'
    SID=$(jbody .id)
    M="/api/v1/families/$FID/medications"
    # The expected times: London's gap is 01:00-02:00, New York's 02:00-03:00.
    if [ "$TZN" = Europe/London ]; then
        SPRING=2026-03-29 FALL=2026-10-25 SIX='["02:00","07:30","13:30","19:30"]' NIGHT='["02:00","02:30"]'
    else
        SPRING=2026-03-08 FALL=2026-11-01 SIX='["01:30","07:30","13:30","19:30"]' NIGHT='["01:30","03:00"]'
    fi
    meds='{"name":"Six","form":"liquid","dose":5,"unit":"ml","start_date":"2026-01-01","schedule":{"kind":"interval","every_hours":6,"first_time":"01:30"},"supply":500}
{"name":"Night","form":"drops","start_date":"2026-01-01","schedule":{"kind":"times","times":["01:30","02:00","02:30"]}}
{"name":"Morning","form":"tablet","dose":1,"start_date":"2026-01-01","end_date":"2026-11-01","schedule":{"kind":"times","times":["08:00","20:00"]},"supply":60,"refill_at":10}
{"name":"Ease","form":"tablet","dose":2,"schedule":{"kind":"prn","min_interval_min":240,"max_per_24h":3},"supply":20}'
    ids=()
    while read -r m; do
        req POST "$M" "$(jq -c --arg s "$SID" '. + {subject_id: $s}' <<< "$m")"
        ids+=("$(jbody .id)")
    done <<< "$meds"
    NOW=$(date +%s%3N)
    # Doses: Morning on the spring day given on time, the evening skipped,
    # the fall day's morning given twice (Ana, then Bob) and late; Six's
    # 07:30 of the spring day given late; Night's first on the fall day given.
    d() { # d AS MED STATUS TS SCHEDULED [EXTRA]
        local sched="{}"
        [ -n "$5" ] && sched="{scheduled_at: $5}"
        AS=$1 put_entry "$(uuid)" "{type: \"medication_dose\", ts: $4, value: ({medication_id: \"$2\", status: \"$3\"}
            + $sched + (${6:-{\}}))}"
        [ "$STATUS" = 201 ] || diag "dose: $STATUS $(body)"
    }
    at() { local_ms "$TZN" "$1"; }
    d ana "${ids[2]}" given $(( $(at "$SPRING 08:00") + 600000 )) "$(at "$SPRING 08:00")"
    d ana "${ids[2]}" skipped $(( $(at "$SPRING 20:00") + 60000 )) "$(at "$SPRING 20:00")" '{reason: "asleep"}'
    d ana "${ids[2]}" given $(( $(at "$FALL 08:00") + 3 * 3600000 )) "$(at "$FALL 08:00")"
    d bob "${ids[2]}" given $(( $(at "$FALL 08:00") + 3 * 3600000 + 60000 )) "$(at "$FALL 08:00")"
    d bob "${ids[0]}" given $(( $(at "$SPRING 07:30") + 45 * 60000 )) "$(at "$SPRING 07:30")" '{dose: 10}'
    req GET "$M/schedule?date=$FALL&subject=$SID"
    NIGHT1=$(jbody "[.doses[] | select(.name == \"Night\")][0].scheduled_at")
    d ana "${ids[1]}" given $((NIGHT1 + 120000)) "$NIGHT1"
    # Doses given now count against the supply; Ease within its limits.
    d ana "${ids[0]}" given "$NOW" "$(at "$(TZ=$TZN date +%F) 01:30")"
    d bob "${ids[0]}" given $((NOW + 1000)) "$(at "$(TZ=$TZN date +%F) 01:30")"
    d ana "${ids[3]}" given $((NOW - 2 * 3600000))
    d bob "${ids[3]}" given $((NOW - 30 * 3600000))

    days="$SPRING $FALL 2026-03-01 $(TZ=$TZN date -d '+3 days' +%F)"
    : > "$T_DIR/server.json"
    for day in $days; do
        req GET "$M/schedule?date=$day&subject=$SID"
        body >> "$T_DIR/server.json"
    done
    req GET "$M?subject=$SID"
    jbody .medications > "$T_DIR/meds.json"
    req GET "/api/v1/families/$FID/changes?since=0&limit=5000"
    jbody .changes > "$T_DIR/entries.json"
    jq -n --arg tz "$TZN" --arg s "$SID" --argjson now "$(date +%s%3N)" --slurpfile m "$T_DIR/meds.json" \
        --slurpfile e "$T_DIR/entries.json" --arg days "$days" \
        '{timezone: $tz, subject_id: $s, now: $now, medications: $m[0], entries: $e[0], days: ($days | split(" "))}' |
        node "$T_ROOT/tests/tools/schedule-js.mjs" > "$T_DIR/app.json"
    i=0
    for day in $days; do
        server=$(jq -cs ".[$i]" "$T_DIR/server.json")
        app=$(jq -c ".schedules[$i]" "$T_DIR/app.json")
        diffs=$(jq -rn --argjson a "$server" --argjson b "$app" \
            '[paths(scalars) as $p | select($a | getpath($p)) != ($b | getpath($p)) | $p | map(tostring) | join(".")] +
             [$b | paths(scalars) as $p | select(($a | getpath($p)) == null and ($b | getpath($p)) != null) | $p | map(tostring) | join(".")] | unique | join(" ")')
        is "$diffs" "" "$TZN $day: the app's schedule is the server's, field for field ($(jq '.doses | length' <<< "$server") doses)"
        i=$((i + 1))
    done
    is "$(jq -c '[.schedules[0].doses[] | select(.name == "Six") | .time]' "$T_DIR/app.json")" \
        "$SIX" "$TZN spring: every 6 h from 01:30 keeps its wall-clock times (one in the gap at its end)"
    is "$(jq -c '[.schedules[0].doses[] | select(.name == "Night") | .time]' "$T_DIR/app.json")" \
        "$NIGHT" "$TZN spring: 01:30, 02:00, 02:30: times in the gap move to its end, as one dose"
    is "$(jq -c '[.schedules[1].doses[] | select(.name == "Night") | .scheduled_at] | length' "$T_DIR/app.json")" 3 \
        "$TZN fall: the repeated hour's times are one dose each"
    is "$(jq -c '[.schedules[1].doses[] | select(.name == "Morning") | (.state + ":" + (.conflicts | length | tostring))]' "$T_DIR/app.json")" \
        '["given:1","missed:0"]' "$TZN fall: a dose given twice is one dose and a conflict"
    req GET "$M?subject=$SID"
    is "$(jbody '[.medications[] | {key: .id, value: .supply_left}] | from_entries' | jq -cS .)" \
        "$(jq -cS .supply "$T_DIR/app.json")" "$TZN: every supply left is the same"
done
done_testing
