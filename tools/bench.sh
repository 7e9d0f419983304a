#!/bin/sh
# bench.sh — `make bench`: figures, never pass/fail. Starts the real server
# (lighttpd + the release programs in build/bin) on a free loopback port over
# a fresh database and measures, scenario family by scenario family:
#   http      wrk: static file, /api/v1/hello, /health, an authenticated
#             GET /api/v1/auth/me (issue 3)
#   login     wall time of a sign-in at the production argon2id cost (issue 3)
#   care log  wrk: creating entries (PUT, fresh UUIDv7 each), listing the 50
#             newest of 10,000; a cold sync pull of 10,000 entries (issue 4)
#   fan-out   500 open SSE streams: delay from a PUT's response to its event
#             on every stream, and the whole stack's memory (issue 4)
#   soak      1,000 members of 200 families, a stream each, logging every
#             ~30 s with reads and pulls, for 3 minutes (issue 15)
#   push      one `carelog-push --once` pass sending 10,000 Web Push messages
#             to the loopback fake push service (issue 6)
# plus the whole stack's memory (lighttpd and every FastCGI program: summed
# RSS and PSS of its process group) idle, at peak under load, and after.
# Prints a table and writes everything as JSON to build/bench.json.
#
#   BENCH_SECONDS (10)  BENCH_CONNS (50)  BENCH_THREADS (2, wrk's)
#   BENCH_LOGINS (5)  BENCH_ENTRIES (10000, for listing and sync)
#   BENCH_STREAMS (500)  BENCH_PUTS (50)  BENCH_PUSH (10000 messages)
#   CARELOG_THREADS     worker threads per program (lighttpd.conf default when unset)
#   CARELOG_BIN         programs to measure (build/bin)
#   BENCH_CONF          a lighttpd configuration to try instead of lighttpd.conf
#   BENCH_ONLY          run only these ("hello me login entry_put entries sync
#                       fanout soak push"; the shared set-up always runs)
#   BENCH_SOAK_FAMILIES (200)  BENCH_SOAK_MEMBERS (5)  BENCH_SOAK_SECONDS (180)
#   BENCH_KEEP=1        keep the scratch directory (wrk output, error.log)
#
# Adding a wrk scenario: one line in a family function below,
#   scenario NAME PATH [wrk args...]
# e.g. `scenario entry_put /api/v1/... -s tools/bench/entry_put.lua` where the
# Lua script (under tools/bench/) sets wrk.method, wrk.body and wrk.headers
# (or defines request()), reading what it needs (BENCH_FID, BENCH_COOKIE, ...)
# with os.getenv. Such a script must not define done(): the figures are read
# from wrk's output. Other measurements write `figure KEY VALUE` lines; the
# report prints them and puts them in the JSON under "figures".
set -u
cd "$(dirname "$0")/.."

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_CONNS=${BENCH_CONNS:-50}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_LOGINS=${BENCH_LOGINS:-5}
BENCH_ENTRIES=${BENCH_ENTRIES:-10000}
BENCH_STREAMS=${BENCH_STREAMS:-500}
BENCH_PUTS=${BENCH_PUTS:-50}
BENCH_PUSH=${BENCH_PUSH:-10000}
OUT_JSON=build/bench.json
# The bench measures the production password cost, whatever the caller's shell has.
unset CARELOG_TEST_FAST_HASH

# ---- the scenario families, in the order they run ----
scenarios() {
    http_family
    login_family
    care_log_family
    fanout_family
    soak_family
}

http_family() {
    scenario static /index.html
    scenario hello /api/v1/hello
    scenario health /health
    scenario me /api/v1/auth/me -H "Cookie: $BENCH_COOKIE"
}

care_log_family() {
    scenario entry_put "/api/v1/families/$BENCH_FID/entries/" -s tools/bench/entry_put.lua
    scenario entries "/api/v1/families/$BENCH_LIST_FID/entries?limit=50" -H "Cookie: $BENCH_COOKIE"
    wanted sync && sync_pull "$BENCH_LIST_FID"
}

. tools/server.sh
SRV_ROOT=$(pwd)
SRV_BIN=$(cd "${CARELOG_BIN:-build/bin}" && pwd) || exit 1
SRV_THREADS=${CARELOG_THREADS:-}
SRV_CONF=${BENCH_CONF:+$(cd "$(dirname "$BENCH_CONF")" && pwd)/$(basename "$BENCH_CONF")}
SRV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/carelog-bench.XXXXXX") || exit 1
B_SAMPLER="" B_CHILD=""

cleanup() {
    [ -n "$B_SAMPLER" ] && kill "$B_SAMPLER" 2>/dev/null
    [ -n "$B_CHILD" ] && kill "$B_CHILD" 2>/dev/null
    srv_stop
    if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $SRV_DIR" >&2; else rm -rf "$SRV_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk lighttpd curl pgrep jq node sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (sh tools/deps.sh bench)" >&2; exit 1; }
done
# 500 streams take ~1000 descriptors in lighttpd and 500 in the stream
# program and in node; lighttpd raises its own limit to server.max-fds.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null || echo "bench: open files limited to $(ulimit -n): fan-out may fail" >&2
fi

wanted() { case " ${BENCH_ONLY:-$1} " in *" $1 "*) return 0 ;; esac; return 1; }
figure() { echo "$1 $2" >> "$SRV_DIR/figures"; }
# median → the middle of the numbers on stdin (the lower middle of an even count)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# ---- memory of the whole stack ----
# mem_now [FILE] → "processes threads rss_kb pss_kb" summed over the server's
# process group (with "pid name threads rss pss anon" per process appended to
# FILE). RSS counts shared libraries once per process; PSS shares them out;
# anon (RssAnon) is the process's own heap and stacks, without library pages.
mem_now() {
    _procs=0 _thr=0 _rss=0 _pss=0
    for _pid in $(pgrep -g "$SRV_PGID"); do
        _r=0 _t=0 _p=0 _a=0
        while read -r _k _v _u; do
            case $_k in VmRSS:) _r=$_v ;; RssAnon:) _a=$_v ;; Threads:) _t=$_v ;; esac
        done 2>/dev/null < "/proc/$_pid/status"
        while read -r _k _v _u; do
            case $_k in Pss:) _p=$_v ;; esac
        done 2>/dev/null < "/proc/$_pid/smaps_rollup"
        [ "$_r" -gt 0 ] || continue # gone meanwhile
        _procs=$((_procs + 1)) _thr=$((_thr + _t)) _rss=$((_rss + _r)) _pss=$((_pss + _p))
        [ -n "${1:-}" ] && echo "$_pid $(cat "/proc/$_pid/comm" 2>/dev/null) $_t $_r $_p $_a" >> "$1"
    done
    echo "$_procs $_thr $_rss $_pss"
}

# sample_loop FILE STOPFILE — a mem_now line every 0.25 s until STOPFILE
# appears; bounded so it ends by itself whatever happens to the caller.
sample_loop() {
    _n=0 _max=$(((BENCH_SECONDS + 120) * 4))
    while [ ! -e "$2" ] && [ $_n -lt $_max ]; do
        mem_now >> "$1"
        sleep 0.25
        _n=$((_n + 1))
    done
}
# sampling_start NAME / sampling_stop NAME → "peak_rss_kb peak_pss_kb"
sampling_start() {
    : > "$SRV_DIR/samples-$1"
    rm -f "$SRV_DIR/stop"
    sample_loop "$SRV_DIR/samples-$1" "$SRV_DIR/stop" &
    B_SAMPLER=$!
}
sampling_stop() {
    touch "$SRV_DIR/stop"
    wait "$B_SAMPLER"
    B_SAMPLER=""
    awk 'BEGIN { r = 0; p = 0 } $3 > r { r = $3 } $4 > p { p = $4 } END { print r, p }' \
        "$SRV_DIR/samples-$1"
}

# cpu_ticks → "lighttpd programs": CPU time (user + system, clock ticks) used
# so far by lighttpd and by the FastCGI programs. Per request, this is the
# figure a busy machine disturbs least (wrk and neighbours take wall time,
# not the server's CPU time).
cpu_ticks() {
    for _pid in $(pgrep -g "$SRV_PGID"); do
        # comm may hold spaces: the fields after the last ')' are fixed.
        sed 's/.*) //' "/proc/$_pid/stat" 2>/dev/null | awk -v lead="$([ "$_pid" = "$SRV_PGID" ] && echo 1)" \
            '{ print (lead ? "L" : "P"), $12 + $13 }'
    done | awk '$1 == "L" { l += $2 } $1 == "P" { p += $2 } END { printf "%d %d\n", l, p }'
}

# ---- one wrk scenario ----
# scenario NAME PATH [wrk args...] — wrk against PATH while memory is sampled;
# appends "name path rps p50_ms p99_ms requests non2xx errors peak_rss peak_pss
# lighttpd_cpu_us_per_req programs_cpu_us_per_req" (ids in PATH shown as {id}).
scenario() {
    _name=$1 _path=$2
    shift 2
    wanted "$_name" || return 0
    _show=$(printf '%s' "$_path" | sed 's/[0-9a-f]\{8\}-[0-9a-f-]\{27\}/{id}/g')
    case $_show in */) _show="$_show{new}" ;; esac # the script ends the path per request
    printf 'bench: %-10s %s (%ss, %s connections)\n' "$_name" "$_show" "$BENCH_SECONDS" "$BENCH_CONNS" >&2
    sampling_start "$_name"
    _cpu0=$(cpu_ticks)
    timeout $((BENCH_SECONDS + 30)) wrk -t "$BENCH_THREADS" -c "$BENCH_CONNS" \
        -d "${BENCH_SECONDS}s" --latency "$@" "$SRV_BASE$_path" > "$SRV_DIR/wrk-$_name.txt" 2>&1
    _rc=$?
    _cpu1=$(cpu_ticks)
    _peak=$(sampling_stop "$_name")
    if [ $_rc -ne 0 ]; then
        echo "bench: wrk failed for $_name:" >&2
        cat "$SRV_DIR/wrk-$_name.txt" >&2
        exit 1
    fi
    awk -v name="$_name" -v path="$_show" -v peak="$_peak" -v cpu0="$_cpu0" -v cpu1="$_cpu1" \
        -v hz="$(getconf CLK_TCK)" '
        function ms(s,   v) {
            v = s + 0
            if (s ~ /us$/) return v / 1000
            if (s ~ /ms$/) return v
            if (s ~ /m$/) return v * 60000
            if (s ~ /s$/) return v * 1000
            return v
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $2 == "requests" && $3 == "in" { reqs = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
        END {
            split(cpu0, a, " "); split(cpu1, b, " ")
            us = reqs > 0 ? 1e6 / hz / reqs : 0
            printf "%s %s %.1f %.3f %.3f %d %d %d %s %.1f %.1f\n", name, path, rps, p50, p99, reqs,
                non2xx, errs, peak, (b[1] - a[1]) * us, (b[2] - a[2]) * us
        }' "$SRV_DIR/wrk-$_name.txt" >> "$SRV_DIR/results"
}

# ---- warm-up: one request to each FastCGI program lighttpd spawns ----
# The first route a program lists (--routes), captures filled with a dummy id.
warm_up() {
    for _prog in $(sed -n 's|.*"bin-path" *=> *var.bin_dir *+ *"/\([A-Za-z0-9_-]*\)".*|\1|p' \
        "${SRV_CONF:-lighttpd.conf}"); do
        [ -x "$SRV_BIN/$_prog" ] || continue
        _route=$("$SRV_BIN/$_prog" --routes | awk '$1 == "GET" { print; exit }')
        [ -n "$_route" ] || _route=$("$SRV_BIN/$_prog" --routes | head -1)
        set -- $_route
        [ $# -eq 2 ] || continue
        _url=$(printf '%s' "$2" | sed 's/{[^}]*}/00000000-0000-4000-8000-000000000000/g')
        _code=$(curl -s -o /dev/null -w '%{http_code}' -X "$1" --max-time 10 "$SRV_BASE$_url")
        echo "bench: warm-up $_prog: $1 $_url → $_code" >&2
    done
}

# ---- shared set-up: one account, its session, families with a person ----
# api METHOD PATH [JSON | @FILE] — a request as the bench account (cookie jar
# and CSRF token); the body on stdout; fails on an HTTP error.
api() {
    _m=$1 _p=$2
    shift 2
    [ $# -gt 0 ] && set -- -H "Content-Type: application/json" --data-binary "$1"
    curl -sf --max-time 120 -b "$SRV_DIR/jar" -c "$SRV_DIR/jar" -X "$_m" \
        -H "X-CSRF-Token: ${BENCH_CSRF:-}" "$@" "$SRV_BASE$_p"
}
B_EMAIL=bench@example.com B_PASSWORD=bench-password-2024

# new_family NAME → "family_id subject_id" (a family with one baby)
new_family() {
    _fid=$(api POST /api/v1/families "{\"name\":\"$1\",\"timezone\":\"Europe/London\"}" | jq -r .id)
    _sid=$(api POST "/api/v1/families/$_fid/subjects" '{"name":"Noa","kind":"baby"}' | jq -r .id)
    case "$_fid $_sid" in *-*" "*-*) echo "$_fid $_sid" ;; *) return 1 ;; esac
}

# seed_entries FID SID COUNT — COUNT entries over the past year (feeds,
# diapers, naps, notes) through POST .../sync in batches of 500 (the API's
# cap), as a phone's outbox would send them. The ids count up (valid UUID
# text, time-ordered like the app's UUIDv7).
seed_entries() {
    _i=0 _now=$(date +%s%3N)
    while [ $_i -lt "$3" ]; do
        _n=$(($3 - _i < 500 ? $3 - _i : 500))
        jq -cn --arg sid "$2" --argjson from $_i --argjson n $_n --argjson now "$_now" '
            def id: tostring | "e0000000-0000-7000-8000-" + ("000000000000"[length:]) + .;
            def value: [{method: "bottle", milk: "formula", amount_ml: 120}, {wet: true},
                        {kind: "nap"}, {text: "calm evening"}][. % 4];
            def type: ["feed", "diaper", "sleep", "note"][. % 4];
            {cursor: 0, limit: 1, changes: [range($from; $from + $n) | . as $k |
                ($now - 31536000000 + $k * 3000000) as $ts |
                {op: "put", id: ($k | id), subject_id: $sid, type: ($k | type), ts: $ts,
                 value: ($k | value), updated_at: $now}
                + (if $k % 4 == 2 then {end_ts: ($ts + 3600000)} else {} end)]}' \
            > "$SRV_DIR/seed.json"
        api POST "/api/v1/families/$1/sync" "@$SRV_DIR/seed.json" |
            jq -e '[.results[] | select(.status != "applied")] | length == 0' >/dev/null ||
            { echo "bench: seeding entries failed" >&2; return 1; }
        _i=$((_i + _n))
    done
}

bench_setup() {
    _me=$(api POST /api/v1/auth/register \
        "{\"email\":\"$B_EMAIL\",\"password\":\"$B_PASSWORD\",\"name\":\"Bench\"}") || return 1
    BENCH_CSRF=$(printf '%s' "$_me" | jq -r .csrf_token)
    BENCH_USER=$(printf '%s' "$_me" | jq -r .user.id)
    BENCH_COOKIE=$(awk '$6 == "carelog_session" { print $6 "=" $7 }' "$SRV_DIR/jar")
    [ -n "$BENCH_COOKIE" ] && [ -n "$BENCH_CSRF" ] || return 1
    _f=$(new_family Writes) || return 1
    set -- $_f && BENCH_FID=$1 BENCH_SID=$2
    _f=$(new_family History) || return 1
    set -- $_f && BENCH_LIST_FID=$1 BENCH_LIST_SID=$2
    _f=$(new_family Live) || return 1
    set -- $_f && BENCH_LIVE_FID=$1 BENCH_LIVE_SID=$2
    export BENCH_COOKIE BENCH_CSRF BENCH_FID BENCH_SID
    if wanted entries || wanted sync; then
        echo "bench: seeding $BENCH_ENTRIES entries through /sync" >&2
        seed_entries "$BENCH_LIST_FID" "$BENCH_LIST_SID" "$BENCH_ENTRIES" || return 1
    fi
}

# ---- login: wall time of one sign-in (argon2id, interactive cost) ----
login_family() {
    wanted login || return 0
    echo "bench: login     $BENCH_LOGINS sign-ins, one at a time" >&2
    sampling_start login
    : > "$SRV_DIR/logins"
    _i=0
    while [ $_i -lt "$BENCH_LOGINS" ]; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 -X POST \
            -H "Content-Type: application/json" \
            --data-binary "{\"email\":\"$B_EMAIL\",\"password\":\"$B_PASSWORD\"}" \
            "$SRV_BASE/api/v1/auth/login" >> "$SRV_DIR/logins"
        _i=$((_i + 1))
    done
    set -- $(sampling_stop login)
    figure login_peak_rss_kb "$1"
    if awk '$1 != 200 { bad = 1 } END { exit !bad }' "$SRV_DIR/logins"; then
        echo "bench: a sign-in failed: $(tr '\n' ' ' < "$SRV_DIR/logins")" >&2
        return 0
    fi
    figure login_ms_median "$(awk '{ print $2 * 1000 }' "$SRV_DIR/logins" | median)"
    figure login_ms_min "$(awk '{ print $2 * 1000 }' "$SRV_DIR/logins" | sort -n | head -1)"
    figure login_ms_max "$(awk '{ print $2 * 1000 }' "$SRV_DIR/logins" | sort -n | tail -1)"
    figure login_count "$BENCH_LOGINS"
}

# ---- cold sync: a new device pulls a family's whole history ----
# sync_pull FID — GET .../changes?since=0&limit=5000, then from the cursor
# until `more` is false; three runs without and three with compression
# (what a browser asks for); median total time and the bytes moved.
sync_pull() {
    _sfid=$1
    echo "bench: sync      cold pull of $BENCH_ENTRIES entries, pages of 5000" >&2
    for _enc in identity compressed; do
        : > "$SRV_DIR/pulls"
        for _run in 1 2 3; do
            _since=0 _more=true _ms=0 _bytes=0 _got=0 _pages=0
            while [ "$_more" = true ] && [ $_pages -lt 100 ]; do
                set -- $(curl -s -o "$SRV_DIR/page.json" --max-time 60 -b "$SRV_DIR/jar" \
                    $([ $_enc = compressed ] && echo --compressed) \
                    -w '%{http_code} %{time_total} %{size_download}' \
                    "$SRV_BASE/api/v1/families/$_sfid/changes?since=$_since&limit=5000")
                [ "${1:-}" = 200 ] || { echo "bench: sync pull failed: ${1:-no answer}" >&2; return 0; }
                _ms=$(awk -v a="$_ms" -v b="$2" 'BEGIN { print a + b * 1000 }')
                _bytes=$((_bytes + $3))
                set -- $(jq -r '"\(.cursor) \(.more) \(.changes | length)"' "$SRV_DIR/page.json")
                _since=$1 _more=$2 _got=$((_got + $3)) _pages=$((_pages + 1))
            done
            echo "$_ms $_bytes $_got $_pages" >> "$SRV_DIR/pulls"
        done
        _med=$(cut -d' ' -f1 "$SRV_DIR/pulls" | median)
        set -- $(awk -v m="$_med" '$1 == m { print; exit }' "$SRV_DIR/pulls")
        figure "sync_${_enc}_ms" "$1"
        figure "sync_${_enc}_bytes" "$2"
        figure sync_entries "$3"
        figure sync_pages "$4"
        figure "sync_${_enc}_entries_per_s" "$(awk -v n="$3" -v ms="$1" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')"
    done
}

# ---- fan-out: BENCH_STREAMS open streams, BENCH_PUTS writes ----
fanout_family() {
    wanted fanout || return 0
    echo "bench: fanout    $BENCH_STREAMS streams, $BENCH_PUTS PUTs" >&2
    rm -f "$SRV_DIR/fanout-ready" "$SRV_DIR/fanout-go"
    set -- $(mem_now)
    figure streams_before_rss_kb "$3"
    figure streams_before_pss_kb "$4"
    BENCH_BASE=$SRV_BASE BENCH_FID=$BENCH_LIVE_FID BENCH_SID=$BENCH_LIVE_SID \
        timeout 260 node tools/bench/fanout.mjs --streams "$BENCH_STREAMS" --puts "$BENCH_PUTS" \
        --dir "$SRV_DIR" > "$SRV_DIR/fanout.json" 2> "$SRV_DIR/fanout.err" &
    B_CHILD=$!
    _i=0
    while [ ! -e "$SRV_DIR/fanout-ready" ] && [ $_i -lt 1200 ] && kill -0 "$B_CHILD" 2>/dev/null; do
        sleep 0.1 # up to 120 s for every stream to open
        _i=$((_i + 1))
    done
    if [ -e "$SRV_DIR/fanout-ready" ]; then
        sleep 1 # let the presence events settle
        : > "$SRV_DIR/streams-procs"
        set -- $(mem_now "$SRV_DIR/streams-procs")
        figure streams_open_rss_kb "$3"
        figure streams_open_pss_kb "$4"
        figure streams_open_threads "$2"
        sampling_start fanout
        touch "$SRV_DIR/fanout-go"
    fi
    wait "$B_CHILD"
    _rc=$?
    B_CHILD=""
    [ -e "$SRV_DIR/fanout-go" ] && set -- $(sampling_stop fanout) && figure fanout_peak_rss_kb "$1"
    if [ $_rc -ne 0 ] || ! jq -e . "$SRV_DIR/fanout.json" >/dev/null 2>&1; then
        echo "bench: fan-out failed: $(cat "$SRV_DIR/fanout.err")" >&2
        return 0
    fi
    jq -r '"fanout_streams \(.streams)", "fanout_open_ms \(.open_ms)", "fanout_puts \(.puts)",
        "fanout_pairs \(.pairs)", "fanout_late \(.late)", "fanout_late_max_ms \(.late_max_ms)",
        "fanout_missing \(.missing)",
        "fanout_p50_ms \(.after_response_ms.p50)", "fanout_p95_ms \(.after_response_ms.p95)",
        "fanout_max_ms \(.after_response_ms.max)", "fanout_sent_p50_ms \(.after_send_ms.p50)",
        "fanout_sent_p95_ms \(.after_send_ms.p95)"' "$SRV_DIR/fanout.json" >> "$SRV_DIR/figures"
}

# ---- the community-scale soak ----
# BENCH_SOAK_FAMILIES families of BENCH_SOAK_MEMBERS members, every member
# with a stream open and logging about every 30 s, with timeline reads and
# sync pulls, for BENCH_SOAK_SECONDS (tools/bench/soak.mjs). Memory: after
# set-up, after the first minute and at the end (flat means the end is
# within 10% of the first minute).
soak_family() {
    wanted soak || return 0
    _f=${BENCH_SOAK_FAMILIES:-200} _m=${BENCH_SOAK_MEMBERS:-5} _s=${BENCH_SOAK_SECONDS:-180}
    echo "bench: soak      $_f families x $_m members, ${_s}s" >&2
    rm -f "$SRV_DIR/soak-ready" "$SRV_DIR/soak-minute" "$SRV_DIR/soak-end"
    BENCH_BASE=$SRV_BASE timeout $((_s + 600)) node tools/bench/soak.mjs --families "$_f" --members "$_m" \
        --seconds "$_s" --dir "$SRV_DIR" --maxSeconds $((_s + 540)) > "$SRV_DIR/soak.json" 2> "$SRV_DIR/soak.err" &
    B_CHILD=$!
    _cpu0=""
    for _mark in ready minute end; do
        _i=0
        while [ ! -e "$SRV_DIR/soak-$_mark" ] && [ $_i -lt 6000 ] && kill -0 "$B_CHILD" 2>/dev/null; do
            sleep 0.1
            _i=$((_i + 1))
        done
        [ -e "$SRV_DIR/soak-$_mark" ] || break
        set -- $(mem_now)
        figure "soak_${_mark}_rss_kb" "$3"
        figure "soak_${_mark}_pss_kb" "$4"
    done
    wait "$B_CHILD"
    _rc=$?
    B_CHILD=""
    if [ $_rc -ne 0 ] || ! jq -e . "$SRV_DIR/soak.json" >/dev/null 2>&1; then
        echo "bench: soak failed: $(cat "$SRV_DIR/soak.err")" >&2
        return 0
    fi
    jq -r '"soak_members \(.members)", "soak_writes \(.writes)", "soak_reads \(.reads)",
        "soak_errors \(.errors)", "soak_stream_errors \(.stream_errors)",
        "soak_write_p50_ms \(.write_ms.p50)", "soak_write_p99_ms \(.write_ms.p99)",
        "soak_read_p50_ms \(.read_ms.p50)", "soak_read_p99_ms \(.read_ms.p99)",
        "soak_fanout_p50_ms \(.fanout_ms.p50)", "soak_fanout_p95_ms \(.fanout_ms.p95)",
        "soak_fanout_missing \(.fanout_ms.missing)"' "$SRV_DIR/soak.json" >> "$SRV_DIR/figures"
}

# ---- push: one sender pass over BENCH_PUSH queued messages ----
# Runs after the server stopped (the sender is a cron job of its own, on the
# same database). The fake service only answers 201 (--check none): its own
# verifying and decrypting would otherwise share the two CPUs with the sender.
push_family() {
    wanted push || return 0
    echo "bench: push      $BENCH_PUSH subscriptions, one message each, one pass" >&2
    mkfifo "$SRV_DIR/svc-in" || return 0
    node tests/pushsvc.mjs --max-seconds 300 --check none < "$SRV_DIR/svc-in" \
        > "$SRV_DIR/svc-port" 2> "$SRV_DIR/svc.err" &
    B_CHILD=$!
    exec 9> "$SRV_DIR/svc-in" # the service lives while this stays open
    _i=0 _port=""
    while [ -z "$_port" ] && [ $_i -lt 100 ]; do
        sleep 0.1
        _port=$(head -1 "$SRV_DIR/svc-port")
        _i=$((_i + 1))
    done
    if [ -n "$_port" ] &&
        timeout 150 node tools/bench/pushsubs.mjs --service "http://127.0.0.1:$_port" \
            --count "$BENCH_PUSH" --user "$BENCH_USER" > "$SRV_DIR/subs.sql" &&
        sqlite3 -cmd ".timeout 10000" "$SRV_DIR/data/carelog.db" < "$SRV_DIR/subs.sql" > /dev/null; then
        DATA_DIR="$SRV_DIR/data" PUSH_ALLOW_LOOPBACK=1 VAPID_SUBJECT=mailto:bench@example.org \
            timeout 120 /usr/bin/time -f '%e %U %S %M' -o "$SRV_DIR/push-time" \
            "$SRV_BIN/carelog-push" --once > "$SRV_DIR/push.json" 2> "$SRV_DIR/push.err"
        set -- $(cat "$SRV_DIR/push-time") # wall user sys max_rss_kb
        _sent=$(jq -r '.delivered // 0' "$SRV_DIR/push.json" 2>/dev/null)
        _left=$(sqlite3 "$SRV_DIR/data/carelog.db" \
            "SELECT count(*) FROM push_messages WHERE state IN ('pending', 'sending')")
        figure push_messages "$BENCH_PUSH"
        figure push_delivered "${_sent:-0}"
        figure push_left "$_left"
        figure push_wall_s "$1"
        figure push_cpu_s "$(awk -v u="$2" -v s="$3" 'BEGIN { print u + s }')"
        figure push_peak_rss_kb "$4"
        figure push_msgs_per_s "$(awk -v n="${_sent:-0}" -v w="$1" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')"
        figure push_cpu_us_per_msg "$(awk -v n="${_sent:-0}" -v u="$2" -v s="$3" 'BEGIN { printf "%.0f", (n > 0 ? (u + s) * 1e6 / n : 0) }')"
    else
        echo "bench: push set-up failed: $(cat "$SRV_DIR/svc.err")" >&2
    fi
    exec 9>&-
    wait "$B_CHILD"
    B_CHILD=""
}

# ---- run ----
# fanout.mjs opens every stream with one session: lift the per-session cap.
srv_start REGISTRATION=open STREAM_MAX_PER_SESSION="$BENCH_STREAMS" REGISTER_RATE_MAX=100000 || { cat "$SRV_DIR/error.log" >&2; echo "bench: lighttpd did not start" >&2; exit 1; }
warm_up
sleep 1
: > "$SRV_DIR/idle-procs"
IDLE=$(mem_now "$SRV_DIR/idle-procs")
: > "$SRV_DIR/results"
: > "$SRV_DIR/figures"
bench_setup || { echo "bench: set-up failed" >&2; exit 1; }
scenarios
sleep 1
AFTER=$(mem_now) # what stays once the load is gone (caches, arenas, leaks)
srv_stop
push_family

# ---- report ----
mkdir -p build
[ -f "$SRV_DIR/streams-procs" ] || : > "$SRV_DIR/streams-procs"
awk -v idle="$IDLE" -v after="$AFTER" -v secs="$BENCH_SECONDS" -v conns="$BENCH_CONNS" -v wthreads="$BENCH_THREADS" \
    -v cthreads="${CARELOG_THREADS:-default}" -v conf="${BENCH_CONF:-lighttpd.conf}" -v cpus="$(nproc)" \
    -v lighttpd="$(lighttpd -v 2>&1 | awk '{ print $1; exit }')" -v json="$OUT_JSON" \
    -f tools/bench/report.awk \
    "$SRV_DIR/idle-procs" "$SRV_DIR/streams-procs" "$SRV_DIR/figures" "$SRV_DIR/results"
