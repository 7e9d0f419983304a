#!/bin/bash
# t0210-catalogue.sh — one entry catalogue, one verdict: every case of
# tests/fixtures/values.json (good and bad values of every type and field,
# every former drift between server and app, the rules that span fields,
# button presets) is judged by the server's validator three ways — directly
# (tests/tools/valuecheck.c calling entry_value_check), as entries in one
# POST /sync and as buttons in PUT /config — and by the app's checkValue()
# (tests/tools/valuecheck-js.mjs). All must refuse exactly the fields the
# fixture names. The app's form check, validate(), must accept what the
# server accepts, and agree with it on values the form sends unchanged.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || bail "node is needed"

FX="$T_ROOT/tests/fixtures/values.json"
VC="$T_BIN/../tests/tools/valuecheck"
[ -x "$VC" ] || bail "build the tools first: make BUILD=asan units"
"$VC" "$FX" > "$T_DIR/c.json" 2> "$T_DIR/c.err" || bail "valuecheck: $(cat "$T_DIR/c.err")"
node "$T_ROOT/tests/tools/valuecheck-js.mjs" "$FX" > "$T_DIR/js.json" 2> "$T_DIR/js.err" ||
    bail "valuecheck-js: $(cat "$T_DIR/js.err")"
if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$T_DIR/c.err"; then
    ok 1 "no sanitizer reports from valuecheck"
    sed 's/^/#   /' "$T_DIR/c.err" | head -40
fi

# The same values through the API: entries in one sync batch, presets as
# buttons of one config (timed types get an end, so no sleep is left running).
start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
NOW=$(date +%s%3N)
timed=$(jq -c '[.types | to_entries[] | select(.value.timed) | .key]' "$T_ROOT/catalogue/entries.json")
jq -c --arg sid "$SID" --argjson now "$NOW" --argjson timed "$timed" '
    {cursor: 0, limit: 1, changes: [.cases | to_entries[] | select(.value.preset | not) | .key as $i | .value
      | .type as $type
      | {op: "put", id: ("0190b000-0000-7000-8000-" + ("000000000000" + ($i | tostring))[-12:]),
         subject_id: $sid, type, ts: ($now - 3600000), value, updated_at: $now}
        + (if ($timed | index($type)) then {end_ts: ($now - 3540000)} else {} end)]}' "$FX" > "$T_DIR/sync.json"
req POST "/api/v1/families/$FID/sync" "$(cat "$T_DIR/sync.json")"
is "$STATUS" 200 "one sync batch with every entry case"
cp "$T_DIR/body" "$T_DIR/sync-answer.json"
req PUT "/api/v1/families/$FID/config" "$(jq -c '{groups: [{category: "presets", buttons:
    [.cases[] | select(.preset) | {type, value}]}]}' "$FX")"
cp "$T_DIR/body" "$T_DIR/config-answer.json"

# One line per case: the fixture's fields, then what each judge refused.
jq -r --slurpfile c "$T_DIR/c.json" --slurpfile js "$T_DIR/js.json" \
    --slurpfile sync "$T_DIR/sync-answer.json" --slurpfile cfg "$T_DIR/config-answer.json" '
    def names: map(sub("^value\\."; "")) | sort;
    def fields_of($r): if $r.status == "applied" then [] else ($r.error.fields // {} | keys | names) end;
    ([.cases | to_entries[] | select(.value.preset | not) | .key]) as $entries
    | ([.cases | to_entries[] | select(.value.preset) | .key]) as $presets
    | .cases | to_entries[] | .key as $i | .value as $case
    | (if $case.preset then
         ($presets | index($i)) as $b
         | ($cfg[0].error.fields // {} | to_entries
            | map(select(.key | startswith("groups[0].buttons[\($b)].value")) | .key
                  | sub("^groups\\[0\\]\\.buttons\\[[0-9]+\\]\\.value\\.?"; "") | if . == "" then "value" else . end) | sort)
       else fields_of($sync[0].results[$entries | index($i)]) end) as $api
    | [$i, $case.why, ($case.type + " " + ($case.value | tojson) + (if $case.preset then " (preset)" else "" end)),
       ($case.errors | tojson), ($c[0][$i] | tojson), ($api | tojson), ($js[0][$i].check | tojson),
       ($js[0][$i].validate // null | tojson), ($js[0][$i].cleaned // null | tojson)] | @tsv' "$FX" > "$T_DIR/verdicts.tsv"

while IFS=$'\t' read -r i why what want c api app form cleaned; do
    if [ "$c" = "$want" ] && [ "$api" = "$want" ] && [ "$app" = "$want" ]; then
        if [ "$want" = "[]" ]; then ok 0 "$why: server and app accept it"
        else ok 0 "$why: server and app refuse $want"; fi
    else
        ok 1 "$why: the judges differ"
        printf '#   case %s: %.200s\n#   fixture %s | C %s | API %s | app %s\n' "$i" "$what" "$want" "$c" "$api" "$app"
    fi
    # The form's check: never stricter than the server; the same on what it sends as is.
    if [ "$form" != null ]; then
        if { [ "$c" = "[]" ] && [ "$form" != "[]" ]; } || { [ "$cleaned" = true ] && [ "$form" != "$c" ]; }; then
            ok 1 "$why: the form's validate() says $form, the server $c"
        fi
    fi
done < "$T_DIR/verdicts.tsv"
is "$(wc -l < "$T_DIR/verdicts.tsv")" "$(jq '.cases | length' "$FX")" "every case was judged"
done_testing
