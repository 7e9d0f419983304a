#!/bin/bash
# t0212-summary-shared.sh — one definition of every derived figure: the
# fixture tests/fixtures/summary.json (a spring-forward and a fall-back day
# in Europe/London, sleeps crossing midnight and the switches, naps and
# nights with and without a kind, feeds of every method, diapers, a deleted
# entry, another person's entry, two timers never stopped) goes into a real
# server; its GET /summary and /trends answers are compared figure by figure
# with what the app's www/js/summary.js makes of the same entries at the same
# `now` (the one each answer reports). Then the same for a person whose
# timers run right now, and for everyone at once (subject=all). Any figure
# that differs fails, named by its path.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || bail "node is needed"

FX="$T_ROOT/tests/fixtures/summary.json"
TZONE=$(jq -r .timezone "$FX")
start_server REGISTRATION=open
signup ana
export AS=ana
FID=$(new_family Home "$TZONE")
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)
req POST "/api/v1/families/$FID/subjects" '{"name":"Gal","kind":"baby"}'
SID2=$(jbody .id)

# The fixture's entries as the app holds them: each with its person.
jq -c --arg s "$SID" --arg o "$SID2" \
    '[.entries[] | {id, type, ts, end_ts, value, deleted: (.deleted // false),
      subject_id: (if .subject == "other" then $o else $s end)}]' "$FX" > "$T_DIR/entries.json"
n=0 bad=0
while read -r e; do
    id=$(jq -r .id <<< "$e")
    req PUT "/api/v1/families/$FID/entries/$id" \
        "$(jq -c --argjson now "$(date +%s%3N)" '{subject_id, type, ts, value, updated_at: $now}
            + (if .end_ts then {end_ts} else {} end)' <<< "$e")"
    [ "$STATUS" = 201 ] || { bad=$((bad + 1)); diag "PUT $id: $STATUS $(body)"; }
    if [ "$(jq -r .deleted <<< "$e")" = true ]; then
        req DELETE "/api/v1/families/$FID/entries/$id?updated_at=$(( $(date +%s%3N) + 1 ))"
        [ "$STATUS" = 200 ] || { bad=$((bad + 1)); diag "DELETE $id: $STATUS"; }
    fi
    n=$((n + 1))
done < <(jq -c '.[]' "$T_DIR/entries.json")
is "$bad" 0 "the fixture's $n entries are stored (and its deleted one deleted)"

# compare NAME SERVER.json APP.json — every figure of the server's answer
# (but the zone abbreviations: tzdata's names against Intl's) must be in the
# app's, equal; objects and arrays compared member by member.
compare() {
    local out
    out=$(jq -rn --slurpfile s "$2" --slurpfile a "$3" '
      def diffs($x; $y; $p):
        if ($x | type) == "object" then
          ($x | keys_unsorted[]) as $k
          | if $k == "abbr" then empty
            elif ($y | type) != "object" or ($y | has($k) | not) then {path: ($p + [$k]), server: $x[$k], app: "(missing)"}
            else diffs($x[$k]; $y[$k]; $p + [$k]) end
        elif ($x | type) == "array" then
          if ($y | type) != "array" or ($x | length) != ($y | length) then {path: $p, server: $x, app: $y}
          else range(0; $x | length) as $i | diffs($x[$i]; $y[$i]; $p + [$i]) end
        elif $x == $y then empty
        else {path: $p, server: $x, app: $y} end;
      def leaves($x): [$x | paths(scalars)] | length;
      [diffs($s[0]; $a[0]; [])] as $d
      | "\($d | length) \(leaves($s[0]))", ($d[:8][] | "\(.path | map(tostring) | join(".")): server \(.server | tojson) app \(.app | tojson)")')
    local first=${out%%$'\n'*}
    local differ=${first%% *} figures=${first##* }
    if [ "$differ" = 0 ]; then
        ok 0 "$1: the app's $figures figures equal the server's"
    else
        ok 1 "$1: $differ of $figures figures differ"
        printf '%s\n' "$out" | tail -n +2 | sed 's/^/#   /'
    fi
}

# run_queries SUBJECT ENTRIES.json QUERY... — asks the server each query
# ("summary DATE", "summary today", "trends DAYS END"), then the app the
# same at each answer's now, and compares them.
run_queries() {
    local subject=$1 entries=$2 i=0 q
    shift 2
    : > "$T_DIR/queries"
    for q in "$@"; do
        set -- $q
        if [ "$1" = summary ]; then
            if [ "$2" = today ]; then
                req GET "/api/v1/families/$FID/summary?subject=$subject"
            else
                req GET "/api/v1/families/$FID/summary?date=$2&subject=$subject"
            fi
            jq -c '{summary: .date, now}' "$T_DIR/body" >> "$T_DIR/queries"
        else
            req GET "/api/v1/families/$FID/trends?days=$2&end=$3&subject=$subject"
            jq -c --argjson d "$2" --arg e "$3" '{trends: $d, end: $e, now}' "$T_DIR/body" >> "$T_DIR/queries"
        fi
        [ "$STATUS" = 200 ] || diag "GET $q: $STATUS $(body)"
        cp "$T_DIR/body" "$T_DIR/server-$i.json"
        i=$((i + 1))
    done
    jq -n --arg tz "$TZONE" --arg s "$subject" --slurpfile e "$entries" --slurpfile q "$T_DIR/queries" \
        --slurpfile who "$T_DIR/server-0.json" \
        '{timezone: $tz, subject_id: $s, subjects: ($who[0].subject_ids // []), entries: $e[0], queries: $q}' |
        node "$T_ROOT/tests/tools/summary-js.mjs" > "$T_DIR/app.json" 2> "$T_DIR/app.err" ||
        diag "summary-js: $(cat "$T_DIR/app.err")"
    i=0
    while read -r q; do
        jq -c ".[$i]" "$T_DIR/app.json" > "$T_DIR/app-$i.json"
        compare "$q" "$T_DIR/server-$i.json" "$T_DIR/app-$i.json"
        i=$((i + 1))
    done < <(jq -r 'if .summary then "summary \(.summary)" else "trends \(.trends) days to \(.end)" end' "$T_DIR/queries")
}

mapfile -t queries < <(jq -r '(.summaries[] | "summary \(.)"), (.trends[] | "trends \(.days) \(.end)")' "$FX")
run_queries "$SID" "$T_DIR/entries.json" "${queries[@]}"

# The fixture's own figures for the days no running timer reaches, worked
# out by hand: the server's (and so, above, the app's) must be these.
while read -r date; do
    req GET "/api/v1/families/$FID/summary?date=$date&subject=$SID"
    got=$(jq -c --slurpfile fx "$FX" --arg d "$date" '
        $fx[0].expect[$d] as $x
        | {hours_in_day, totals: (.totals | with_entries(select(.key as $k | $x.totals | has($k)))),
           hour_labels: [.hours[:($x.hour_labels // [] | length)][].label],
           hour_feeds: [.hours[:($x.hour_feeds // [] | length)][].feeds]}' "$T_DIR/body")
    want=$(jq -c --arg d "$date" '.expect[$d] | {hours_in_day, totals, hour_labels: (.hour_labels // []),
        hour_feeds: (.hour_feeds // [])}' "$FX")
    is "$(jq -cS . <<< "$got")" "$(jq -cS . <<< "$want")" "$date: the server's figures are the fixture's"
done < <(jq -r '.expect | keys[]' "$FX")

# Timers running right now: a sleep started 95 minutes ago, a breast feed
# 20 minutes ago, a bottle logged without an end (a moment, not a timer), a
# nap that ended earlier; today's summary and the week counted to the
# server's now, the app's at the same instant.
NOW=$(date +%s%3N)
M=60000
jq -nc --arg s "$SID2" --argjson now "$NOW" --argjson m $M '[
    {id: "0190a000-0000-7000-8000-100000000001", type: "sleep", ts: ($now - 95 * $m), end_ts: null, value: {}},
    {id: "0190a000-0000-7000-8000-100000000002", type: "feed", ts: ($now - 20 * $m), end_ts: null, value: {method: "breast_right"}},
    {id: "0190a000-0000-7000-8000-100000000003", type: "feed", ts: ($now - 10 * $m), end_ts: null, value: {method: "bottle", amount_ml: 80}},
    {id: "0190a000-0000-7000-8000-100000000004", type: "sleep", ts: ($now - 300 * $m), end_ts: ($now - 240 * $m), value: {}}
  ] | map(. + {subject_id: $s, deleted: false})' > "$T_DIR/live.json"
while read -r e; do
    req PUT "/api/v1/families/$FID/entries/$(jq -r .id <<< "$e")" \
        "$(jq -c --argjson now "$NOW" '{subject_id, type, ts, value, updated_at: $now} + (if .end_ts then {end_ts} else {} end)' <<< "$e")"
    [ "$STATUS" = 201 ] || diag "PUT live entry: $STATUS $(body)"
done < <(jq -c '.[]' "$T_DIR/live.json")
jq -s '.[0] + .[1]' "$T_DIR/live.json" "$T_DIR/entries.json" > "$T_DIR/live-all.json"
today=$(TZ=$TZONE date +%F)
run_queries "$SID2" "$T_DIR/live-all.json" "summary today" "trends 7 $today"
is "$(jq -c '[.last.sleep.running, .last.feed.running, .last.feed.value.method]' "$T_DIR/server-0.json")" \
    '[true,false,"bottle"]' "running now: the sleep; the bottle logged without an end is not a timer"
# Everyone at once (subject=all): the two people's figures added up, each
# one's feeds chained on their own, and a block per person; the app's the
# same, the fixture's days and today with its timers.
run_queries all "$T_DIR/live-all.json" "${queries[@]}" "summary today" "trends 7 $today"
done_testing
