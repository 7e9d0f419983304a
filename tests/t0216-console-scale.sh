#!/bin/bash
# t0216-console-scale.sh — the console's client list at 1,000 clients: one
# page (one query) with every client's figures right on a DST day. The
# clients live in four zones; on 2026-03-29 London and Paris have 23-hour
# days (clocks go forward), New York and Sydney 24. Each client's first
# person slept from 22:00 the evening before to 03:00 (across midnight, and
# across the gap in London and Paris) and napped 13:00-14:30, was fed twice
# and changed twice (one dirty), every fifth once more (dirty); a second
# person's feed and a deleted feed must not count. The figures are held to
# the hand-counted ones and, for a sample, to the family's own summary. The
# time of the listing is printed as a diagnostic (a figure, not a limit).
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup adm
db "UPDATE users SET is_admin = 1 WHERE email = 'adm@example.com'"

DAY=2026-03-29
ZONES=(Europe/London Europe/Paris America/New_York Australia/Sydney)
# Per zone: the instants of the log's wall times (bash's date knows the zones).
values=""
for i in 0 1 2 3; do
    z=${ZONES[$i]}
    row="($i, '$z'"
    for t in "2026-03-28 22:00" "$DAY 03:00" "$DAY 07:00" "$DAY 08:00" "$DAY 09:30" "$DAY 10:00" \
        "$DAY 11:00" "$DAY 12:00" "$DAY 13:00" "$DAY 14:30" "$DAY 23:30"; do
        row="$row, $(local_ms "$z" "$t")"
    done
    values="$values${values:+, }$row)"
done
N=1000
db "BEGIN;
CREATE TEMP TABLE z (k INTEGER, zone TEXT, s0, s1, f1, d1, f2, f3, fdel, d2, n0, n1, d3);
INSERT INTO z VALUES $values;
CREATE TEMP TABLE n (i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $N) INSERT INTO n SELECT i FROM c;
INSERT INTO families (id, name, timezone, created_at, updated_at)
  SELECT printf('f0000000-0000-4000-8000-%012d', i), printf('Client %04d', i),
         (SELECT zone FROM z WHERE k = i % 4), 0, 0 FROM n;
INSERT INTO subjects (id, family_id, name, kind, created_at, updated_at)
  SELECT printf('a0000000-0000-4000-8000-%012d', i), printf('f0000000-0000-4000-8000-%012d', i),
         'Baby', 'baby', 1, 1 FROM n;
INSERT INTO subjects (id, family_id, name, kind, created_at, updated_at)
  SELECT printf('b0000000-0000-4000-8000-%012d', i), printf('f0000000-0000-4000-8000-%012d', i),
         'Sibling', 'child', 2, 2 FROM n;
CREATE TEMP TABLE log (j INTEGER, who TEXT, type TEXT, ts_col TEXT, end_col TEXT, value TEXT, deleted INTEGER, every INTEGER);
INSERT INTO log VALUES
  (1, 'a', 'sleep', 's0', 's1', '{\"kind\":\"night\"}', 0, 1),
  (2, 'a', 'feed', 'f1', NULL, '{\"method\":\"bottle\",\"amount_ml\":120}', 0, 1),
  (3, 'a', 'diaper', 'd1', NULL, '{\"wet\":true}', 0, 1),
  (4, 'a', 'feed', 'f2', NULL, '{\"method\":\"bottle\",\"amount_ml\":90}', 0, 1),
  (5, 'b', 'feed', 'f3', NULL, '{\"method\":\"bottle\",\"amount_ml\":60}', 0, 1),
  (6, 'a', 'feed', 'fdel', NULL, '{\"method\":\"bottle\",\"amount_ml\":60}', 1, 1),
  (7, 'a', 'diaper', 'd2', NULL, '{\"wet\":true,\"dirty\":true}', 0, 1),
  (8, 'a', 'sleep', 'n0', 'n1', '{\"kind\":\"nap\"}', 0, 1),
  (9, 'a', 'diaper', 'd3', NULL, '{\"dirty\":true}', 0, 5);
INSERT INTO entries (seq, id, family_id, subject_id, type, ts, end_ts, value, created_at, updated_at, deleted)
  SELECT n.i * 10 + log.j, printf('e0000000-0000-4000-8%03d-%012d', log.j, n.i),
         printf('f0000000-0000-4000-8000-%012d', n.i),
         printf('%s0000000-0000-4000-8000-%012d', log.who, n.i), log.type,
         CASE log.ts_col WHEN 's0' THEN z.s0 WHEN 'f1' THEN z.f1 WHEN 'd1' THEN z.d1 WHEN 'f2' THEN z.f2
           WHEN 'f3' THEN z.f3 WHEN 'fdel' THEN z.fdel WHEN 'd2' THEN z.d2 WHEN 'n0' THEN z.n0 ELSE z.d3 END,
         CASE log.end_col WHEN 's1' THEN z.s1 WHEN 'n1' THEN z.n1 END,
         log.value, 0, 0, log.deleted
    FROM n JOIN log JOIN z ON z.k = n.i % 4 WHERE n.i % log.every = 0;
UPDATE seq_counter SET value = (SELECT max(seq) FROM entries);
COMMIT;"
is "$(db "SELECT count(*) FROM families") $(db "SELECT count(*) FROM entries")" "1000 8200" \
    "1,000 clients and their log are in the database"

# The hand count: sleep minutes of the day per zone (London and Paris: the
# night's 5 wall-clock hours hold one hour less, and 2 of them fall in the
# day; New York and Sydney: 3), plus the 90-minute nap.
expect_sleep=(210 210 270 270)
AS=adm req GET "/api/v1/admin/clients?date=$DAY"
is "$STATUS" 200 "the admin lists the clients of $DAY"
is "$(jbody '.clients | length'):$(jbody .next_after)" "1000:null" "1,000 clients in one page"
jbody '.clients[] | [.name, .timezone, .today.date, .today.sleep_minutes, .today.feeds, .today.wet, .today.dirty, .person.name] | @tsv' \
    > "$T_DIR/rows"
wrong=0
while IFS=$'\t' read -r name zone date sleep feeds wet dirty person; do
    i=$((10#${name#Client }))
    want_dirty=$((1 + (i % 5 == 0 ? 1 : 0)))
    want="$DAY ${expect_sleep[$((i % 4))]} 2 2 $want_dirty Baby"
    got="$date $sleep $feeds $wet $dirty $person"
    if [ "$got" != "$want" ] || [ "$zone" != "${ZONES[$((i % 4))]}" ]; then
        wrong=$((wrong + 1))
        [ "$wrong" -le 3 ] && diag "$name ($zone): got $got, want $want"
    fi
done < "$T_DIR/rows"
is "$(wc -l < "$T_DIR/rows") $wrong" "1000 0" "every client's figures are the hand-counted ones"

# A sample held to the family's own summary (the one definition of them).
same=0
for i in 1 2 3 4 5 10 499 1000; do
    fid=$(printf 'f0000000-0000-4000-8000-%012d' "$i")
    sid=$(printf 'a0000000-0000-4000-8000-%012d' "$i")
    AS=adm req GET "/api/v1/admin/clients/$fid/summary?date=$DAY&subject=$sid"
    hours=$(jbody .hours_in_day)
    summary=$(jbody '[.totals.sleep_ms, .totals.feeds, .totals.wet, .totals.dirty] | join(" ")')
    row=$(AS=adm req GET "/api/v1/admin/clients?date=$DAY&q=$(printf 'Client%%20%04d' "$i")"
        jbody '.clients[0].today | [.sleep_ms, .feeds, .wet, .dirty] | join(" ")')
    [ "$row" = "$summary" ] && same=$((same + 1)) || diag "client $i: list $row, summary $summary"
    [ "$i" = 1 ] && is "$hours" 23 "client 1 (Paris) has a 23-hour $DAY"
done
is "$same" 8 "the list's figures are the family summary's"

# Timing: the whole page, a few times (the figure for the report).
times=""
for _ in 1 2 3 4 5; do
    read -r t size < <(curl -s -o /dev/null -w '%{time_total} %{size_download}' -b "$T_DIR/jar-adm" \
        "$BASE/api/v1/admin/clients?date=$DAY")
    times="$times $t"
done
best=$(printf '%s\n' $times | sort -n | head -1)
median=$(printf '%s\n' $times | sort -n | sed -n 3p)
diag "1,000-client page ($DAY, ${T_BIN#"$T_ROOT"/}): best ${best}s, median ${median}s of 5 ($size bytes)"
AS=adm req GET "/api/v1/admin/clients"
is "$(jbody '.clients | length')" 1000 "today's list (no date) is one page too"
AS=adm req GET "/api/v1/admin/clients?limit=400"
is "$(jbody '.clients | length'):$(jbody '.next_after | length')" "400:36" "a smaller page says where the next starts"
done_testing
