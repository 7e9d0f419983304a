#!/bin/bash
# t0213-group-commit.sh — writes that arrive together share one commit
# (framework/commit.c) and each still gets its own answer: a burst of
# concurrent PUTs mixing new entries, invalid ones and replays of the same
# PUT answers each by its own result, stores exactly the valid entries once,
# and really was committed in groups. Then the entries program is killed with
# SIGKILL in the middle of a burst: every write that was answered 2xx is in
# the database afterwards (the answer is sent only after the commit).
. "$(dirname "$0")/lib.sh"

T_THREADS=8 start_server REGISTRATION=open CARELOG_SYNC=full
signup ana
export AS=ana
family_with_baby

COOKIE=$(awk '$6 == "carelog_session" { print "carelog_session=" $7 }' "$T_DIR/jar-ana")
# burst PLAN — all of PLAN's PUTs at once (tests/tools/burst.mjs), 32 in flight.
burst() {
    node "$T_ROOT/tests/tools/burst.mjs" "$BASE" "$FID" "$SID" "$COOKIE" "$(cat "$T_DIR/csrf-ana")" 32 < "$1"
}

# 150 new entries, 30 invalid ones, and 20 ids each sent twice at once.
: > "$T_DIR/plan"
for _ in $(seq 1 150); do echo "$(uuid) good" >> "$T_DIR/plan"; done
for _ in $(seq 1 30); do echo "$(uuid) bad" >> "$T_DIR/plan"; done
for _ in $(seq 1 20); do id=$(uuid); echo "$id replay" >> "$T_DIR/plan"; echo "$id replay" >> "$T_DIR/plan"; done
shuf "$T_DIR/plan" > "$T_DIR/plan.shuf"
burst "$T_DIR/plan.shuf" > "$T_DIR/answers"

is "$(wc -l < "$T_DIR/answers")" 220 "group commit: every request of the burst is answered"
is "$(awk '$2 == "good" && $3 == 201 && $4 == $1' "$T_DIR/answers" | wc -l)" 150 \
    "…each new entry with 201 and its own id"
is "$(awk '$2 == "bad" && $3 == 400 && $4 == "validation_failed"' "$T_DIR/answers" | wc -l)" 30 \
    "…each invalid one with its own 400, the rest of its group applied"
is "$(awk '$2 == "replay" && ($3 == 201 || $3 == 200) && $4 == $1' "$T_DIR/answers" | wc -l)" 40 \
    "…each replayed PUT answered with the entry"
is "$(db "SELECT count(*) FROM entries")" 170 "…and stored once: 150 new + 20 replayed ids, no invalid one"
is "$(awk '$5 == "unseen"' "$T_DIR/answers" | wc -l)" 0 \
    "…and each answered write is there for a read right after its answer (committed first)"
is "$(awk '$2 == "replay" && $3 == 201' "$T_DIR/answers" | wc -l)" 20 "…one 201 per replayed id (the other is 200)"
stop_server_quiet
line=$(grep '"prog":"entries"' "$T_DIR/error.log" | grep -o '"event":"group_commit","detail":"[0-9]* writes in [0-9]* commits"' |
    grep -o '[0-9]* writes in [0-9]* commits' | head -1)
writes=${line%% writes*} commits=${line##* in }
commits=${commits%% *}
ok "$([ -n "$writes" ] && [ "$writes" -gt "${commits:-0}" ]; echo $?)" \
    "the burst was committed in groups ($line)"

# ---- SIGKILL in the middle of a burst ----
T_THREADS=8 start_server REGISTRATION=open CARELOG_SYNC=full
signin ana
COOKIE=$(awk '$6 == "carelog_session" { print "carelog_session=" $7 }' "$T_DIR/jar-ana")
: > "$T_DIR/plan2"
for _ in $(seq 1 400); do echo "$(uuid) good" >> "$T_DIR/plan2"; done
burst "$T_DIR/plan2" > "$T_DIR/answers2" &
LOAD=$!
for _ in $(seq 1 100); do # until some 40 entries are in
    [ "$(db "SELECT count(*) FROM entries")" -ge 210 ] && break
    sleep 0.05
done
victim=$(pgrep -g "$T_PGID" -f '/entries$' | head -1)
ok "$([ -n "$victim" ] && kill -KILL "$victim"; echo $?)" "SIGKILL to the entries program mid-burst (pid ${victim:-none})"
wait "$LOAD"
acked=$(awk '($3 == 201 || $3 == 200) && $4 == $1 { print $1 }' "$T_DIR/answers2")
n_acked=$(printf '%s\n' "$acked" | grep -c .)
missing=0
for id in $acked; do
    [ "$(db "SELECT count(*) FROM entries WHERE id = '$id'")" = 1 ] || missing=$((missing + 1))
done
ok "$([ "$n_acked" -gt 0 ]; echo $?)" "some writes were answered before the kill ($n_acked)"
is "$missing" 0 "every write answered 2xx before or after the kill is stored"
refused=$(awk '$3 != 201 && $3 != 200' "$T_DIR/answers2" | wc -l)
diag "$refused of 400 failed while the program was down (not answered 2xx, so not promised)"
done_testing
