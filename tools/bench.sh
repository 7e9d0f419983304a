#!/bin/sh
# bench.sh — `make bench`: figures, never pass/fail. Starts the real server
# (lighttpd + the release programs in build/bin) on a free loopback port over
# a fresh database, drives each scenario with wrk, and reports requests/s,
# latency p50/p99 and the whole stack's memory (lighttpd and every FastCGI
# program: summed RSS and PSS of its process group) idle and at peak under
# load. Prints a table and writes it as JSON to build/bench.json.
#
#   BENCH_SECONDS (10)  BENCH_CONNS (50)  BENCH_THREADS (2, wrk's)
#   CARELOG_THREADS     worker threads per program (lighttpd.conf default when unset)
#   CARELOG_BIN         programs to measure (build/bin)
#   BENCH_CONF          a lighttpd configuration to try instead of lighttpd.conf
#   BENCH_ONLY          run only these scenarios ("hello health")
#   BENCH_KEEP=1        keep the scratch directory (wrk output, error.log)
#
# Adding a scenario: one line in scenarios() below,
#   scenario NAME PATH [wrk args...]
# e.g. `scenario entry_post /api/v1/... -s tools/bench/entry_post.lua` where the
# Lua script (under tools/bench/) sets wrk.method, wrk.body and wrk.headers.
# Such a script must not define done(): the figures are read from wrk's output.
set -u
cd "$(dirname "$0")/.."

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_CONNS=${BENCH_CONNS:-50}
BENCH_THREADS=${BENCH_THREADS:-2}
OUT_JSON=build/bench.json

scenarios() {
    scenario static /index.html
    scenario hello /api/v1/hello
    scenario health /health
}

. tools/server.sh
SRV_ROOT=$(pwd)
SRV_BIN=$(cd "${CARELOG_BIN:-build/bin}" && pwd) || exit 1
SRV_THREADS=${CARELOG_THREADS:-}
SRV_CONF=${BENCH_CONF:+$(cd "$(dirname "$BENCH_CONF")" && pwd)/$(basename "$BENCH_CONF")}
SRV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/carelog-bench.XXXXXX") || exit 1
B_SAMPLER=""

cleanup() {
    [ -n "$B_SAMPLER" ] && kill "$B_SAMPLER" 2>/dev/null
    srv_stop
    if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $SRV_DIR" >&2; else rm -rf "$SRV_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk lighttpd curl pgrep; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (sh tools/deps.sh bench)" >&2; exit 1; }
done

# ---- memory of the whole stack ----
# mem_now → "processes threads rss_kb pss_kb" summed over the server's process
# group. RSS counts shared libraries once per process; PSS shares them out.
mem_now() {
    _procs=0 _thr=0 _rss=0 _pss=0
    for _pid in $(pgrep -g "$SRV_PGID"); do
        _r=0 _t=0 _p=0
        while read -r _k _v _u; do
            case $_k in VmRSS:) _r=$_v ;; Threads:) _t=$_v ;; esac
        done 2>/dev/null < "/proc/$_pid/status"
        while read -r _k _v _u; do
            case $_k in Pss:) _p=$_v ;; esac
        done 2>/dev/null < "/proc/$_pid/smaps_rollup"
        [ "$_r" -gt 0 ] || continue # gone meanwhile
        _procs=$((_procs + 1)) _thr=$((_thr + _t)) _rss=$((_rss + _r)) _pss=$((_pss + _p))
        [ -n "${1:-}" ] && echo "$_pid $(cat "/proc/$_pid/comm" 2>/dev/null) $_t $_r $_p" >> "$1"
    done
    echo "$_procs $_thr $_rss $_pss"
}

# sample_loop FILE STOPFILE — a mem_now line every 0.25 s until STOPFILE
# appears; bounded so it ends by itself whatever happens to the caller.
sample_loop() {
    _n=0 _max=$(((BENCH_SECONDS + 30) * 4))
    while [ ! -e "$2" ] && [ $_n -lt $_max ]; do
        mem_now >> "$1"
        sleep 0.25
        _n=$((_n + 1))
    done
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

# ---- one scenario ----
# scenario NAME PATH [wrk args...] — wrk against PATH while memory is sampled;
# appends "name path rps p50_ms p99_ms requests non2xx errors peak_rss peak_pss
# lighttpd_cpu_us_per_req programs_cpu_us_per_req".
scenario() {
    _name=$1 _path=$2
    shift 2
    case " ${BENCH_ONLY:-$_name} " in *" $_name "*) ;; *) return 0 ;; esac
    printf 'bench: %-10s %s (%ss, %s connections)\n' "$_name" "$_path" "$BENCH_SECONDS" "$BENCH_CONNS" >&2
    : > "$SRV_DIR/samples-$_name"
    rm -f "$SRV_DIR/stop"
    sample_loop "$SRV_DIR/samples-$_name" "$SRV_DIR/stop" &
    B_SAMPLER=$!
    _cpu0=$(cpu_ticks)
    timeout $((BENCH_SECONDS + 30)) wrk -t "$BENCH_THREADS" -c "$BENCH_CONNS" \
        -d "${BENCH_SECONDS}s" --latency "$@" "$SRV_BASE$_path" > "$SRV_DIR/wrk-$_name.txt" 2>&1
    _rc=$?
    _cpu1=$(cpu_ticks)
    touch "$SRV_DIR/stop"
    wait "$B_SAMPLER"
    B_SAMPLER=""
    if [ $_rc -ne 0 ]; then
        echo "bench: wrk failed for $_name:" >&2
        cat "$SRV_DIR/wrk-$_name.txt" >&2
        exit 1
    fi
    _peak=$(awk 'BEGIN { r = 0; p = 0 } $3 > r { r = $3 } $4 > p { p = $4 } END { print r, p }' \
        "$SRV_DIR/samples-$_name")
    awk -v name="$_name" -v path="$_path" -v peak="$_peak" -v cpu0="$_cpu0" -v cpu1="$_cpu1" \
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

# ---- run ----
srv_start || { cat "$SRV_DIR/error.log" >&2; echo "bench: lighttpd did not start" >&2; exit 1; }
warm_up
sleep 1
: > "$SRV_DIR/idle-procs"
IDLE=$(mem_now "$SRV_DIR/idle-procs")
: > "$SRV_DIR/results"
scenarios
sleep 1
AFTER=$(mem_now) # what stays once the load is gone (caches, arenas, leaks)
srv_stop

# ---- report ----
mkdir -p build
awk -v idle="$IDLE" -v after="$AFTER" -v secs="$BENCH_SECONDS" -v conns="$BENCH_CONNS" -v wthreads="$BENCH_THREADS" \
    -v cthreads="${CARELOG_THREADS:-default}" -v conf="${BENCH_CONF:-lighttpd.conf}" -v cpus="$(nproc)" \
    -v lighttpd="$(lighttpd -v 2>&1 | awk '{ print $1; exit }')" -v json="$OUT_JSON" '
    FILENAME ~ /idle-procs$/ { np++; pid[np] = $1; pn[np] = $2; pt[np] = $3; pr[np] = $4; pp[np] = $5; next }
    {
        n++; name[n] = $1; path[n] = $2; rps[n] = $3; p50[n] = $4; p99[n] = $5; reqs[n] = $6
        non2xx[n] = $7; errs[n] = $8; prss[n] = $9; ppss[n] = $10; lcpu[n] = $11; pcpu[n] = $12
        cpu_by[$1] = $11 + $12
        if ($9 > peak_rss) peak_rss = $9
        if ($10 > peak_pss) peak_pss = $10
        byname[$1] = $3
    }
    function mb(kb) { return sprintf("%.1f", kb / 1024) }
    END {
        split(idle, I, " ")
        split(after, A, " ")
        pct = ("hello" in byname && byname["hello"] > 0) ? 100 * byname["health"] / byname["hello"] : -1
        cpct = (cpu_by["health"] > 0) ? 100 * cpu_by["hello"] / cpu_by["health"] : -1

        printf "\ncarelog bench — %ss per scenario, %s connections, %s wrk threads, CARELOG_THREADS=%s, %s CPUs, %s, %s\n\n", \
            secs, conns, wthreads, cthreads, cpus, lighttpd, conf
        printf "%-10s %-22s %10s %8s %8s %9s %6s %6s %9s %9s %13s\n", "scenario", "path", "req/s", \
            "p50 ms", "p99 ms", "requests", "non2xx", "errors", "peak RSS", "peak PSS", "CPU us/req"
        for (i = 1; i <= n; i++)
            printf "%-10s %-22s %10.1f %8.3f %8.3f %9d %6d %6d %6s MB %6s MB %6.1f+%-6.1f\n", name[i], \
                path[i], rps[i], p50[i], p99[i], reqs[i], non2xx[i], errs[i], mb(prss[i]), mb(ppss[i]), \
                lcpu[i], pcpu[i]
        printf "(CPU us/req: server CPU time per request, lighttpd + FastCGI programs)\n"
        for (i = 1; i <= n; i++)
            if (non2xx[i] > 0 || errs[i] > 0)
                printf "note: %s had %d non-2xx/3xx responses and %d socket errors: its figures " \
                    "are not those of the route working\n", name[i], non2xx[i], errs[i]
        printf "\nwhole stack memory (%d processes, %d threads)\n", I[1], I[2]
        printf "  idle:  RSS %s MB   PSS %s MB\n", mb(I[3]), mb(I[4])
        printf "  peak:  RSS %s MB   PSS %s MB (sampled every 0.25 s under load)\n", mb(peak_rss), mb(peak_pss)
        printf "  after: RSS %s MB   PSS %s MB (1 s after the last scenario)\n", mb(A[3]), mb(A[4])
        for (j = 1; j <= np; j++)
            printf "    idle %-10s pid %-7s %3d threads  RSS %6s MB  PSS %6s MB\n", pn[j], pid[j], pt[j], \
                mb(pr[j]), mb(pp[j])
        printf "\n/health req/s = %.1f%% of /api/v1/hello req/s (target >= 80%%)\n", pct
        if (cpct > 0)
            printf "  by server CPU per request: /api/v1/hello costs %.1f%% of /health\n", cpct
        printf "idle whole-stack RSS = %s MB (target <= 16 MB)\n", mb(I[3])

        printf "{\n  \"config\": {\"seconds\": %d, \"connections\": %d, \"wrk_threads\": %d, " \
            "\"carelog_threads\": \"%s\", \"cpus\": %d, \"server\": \"%s\", \"conf\": \"%s\"},\n", \
            secs, conns, wthreads, cthreads, cpus, lighttpd, conf > json
        printf "  \"scenarios\": [\n" > json
        for (i = 1; i <= n; i++)
            printf "    {\"name\": \"%s\", \"path\": \"%s\", \"requests_per_s\": %.1f, " \
                "\"latency_p50_ms\": %.3f, \"latency_p99_ms\": %.3f, \"requests\": %d, " \
                "\"non_2xx_3xx\": %d, \"socket_errors\": %d, \"peak_rss_kb\": %d, " \
                "\"peak_pss_kb\": %d, \"lighttpd_cpu_us_per_req\": %.1f, " \
                "\"programs_cpu_us_per_req\": %.1f}%s\n", name[i], path[i], rps[i], p50[i], p99[i], \
                reqs[i], non2xx[i], errs[i], prss[i], ppss[i], lcpu[i], pcpu[i], i < n ? "," : "" > json
        printf "  ],\n  \"memory\": {\n    \"idle\": {\"processes\": %d, \"threads\": %d, " \
            "\"rss_kb\": %d, \"pss_kb\": %d, \"by_process\": [\n", I[1], I[2], I[3], I[4] > json
        for (j = 1; j <= np; j++)
            printf "      {\"name\": \"%s\", \"pid\": %d, \"threads\": %d, \"rss_kb\": %d, " \
                "\"pss_kb\": %d}%s\n", pn[j], pid[j], pt[j], pr[j], pp[j], j < np ? "," : "" > json
        printf "    ]},\n    \"peak\": {\"rss_kb\": %d, \"pss_kb\": %d},\n", peak_rss, peak_pss > json
        printf "    \"after_load\": {\"processes\": %d, \"threads\": %d, \"rss_kb\": %d, " \
            "\"pss_kb\": %d}\n  },\n", A[1], A[2], A[3], A[4] > json
        printf "  \"health_vs_hello_pct\": %.1f,\n", pct > json
        printf "  \"hello_vs_health_cpu_pct\": %.1f,\n", cpct > json
        printf "  \"targets\": {\"health_vs_hello_pct_min\": 80, \"idle_rss_kb_max\": 16384}\n}\n" > json
        printf "\nwritten to %s\n", json
    }' "$SRV_DIR/idle-procs" "$SRV_DIR/results"
