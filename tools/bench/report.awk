# report.awk — tools/bench.sh's report: the table on stdout and the same
# figures as JSON in the file named by -v json. Input files, told apart by
# name: idle-procs and streams-procs ("pid name threads rss_kb pss_kb" per
# process), figures ("key value", from the non-wrk measurements) and results
# (one line per wrk scenario, see scenario() in bench.sh). Figures only: the
# targets are printed beside them, never judged.

FILENAME ~ /idle-procs$/ {
    np++; pid[np] = $1; pn[np] = $2; pt[np] = $3; pr[np] = $4; pp[np] = $5; pa[np] = $6; idle_anon += $6
    next
}
FILENAME ~ /streams-procs$/ {
    ns++; spid[ns] = $1; sn[ns] = $2; st[ns] = $3; sr[ns] = $4; sp[ns] = $5; sa[ns] = $6
    next
}
FILENAME ~ /figures$/ { F[$1] = $2; nf++; fk[nf] = $1; next }
{
    n++; name[n] = $1; path[n] = $2; rps[n] = $3; p50[n] = $4; p99[n] = $5; reqs[n] = $6
    non2xx[n] = $7; errs[n] = $8; prss[n] = $9; ppss[n] = $10; lcpu[n] = $11; pcpu[n] = $12
    cpu_by[$1] = $11 + $12
    if ($9 > peak_rss) peak_rss = $9
    if ($10 > peak_pss) peak_pss = $10
    R[$1] = $3
    P99[$1] = $5
}

function mb(kb) { return sprintf("%.1f", kb / 1024) }
function has(k) { return (k in F) && F[k] != "" && F[k] != "null" }
# pct_of(a, b) — scenario a's req/s as a percentage of scenario b's, or -1
function pct_of(a, b) { return ((a in R) && (b in R) && R[b] > 0) ? 100 * R[a] / R[b] : -1 }
function jpct(v) { return v < 0 ? "null" : sprintf("%.1f", v) }
function jnum(v) { return (v == "" || v == "null") ? "null" : v + 0 }
function target_line(what, value, unit, target) {
    if (value == "" || value < 0) printf "  %-46s %12s   target %s\n", what, "not measured", target
    else printf "  %-46s %10.1f %-3s target %s\n", what, value, unit, target
}

END {
    split(idle, I, " ")
    split(after, A, " ")
    health_pct = pct_of("health", "hello")
    me_pct = pct_of("me", "hello")
    put_pct = pct_of("entry_put", "hello")
    cpct = (cpu_by["health"] > 0) ? 100 * cpu_by["hello"] / cpu_by["health"] : -1

    printf "\ncarelog bench — %ss per scenario, %s connections, %s wrk threads, CARELOG_THREADS=%s, %s CPUs, %s, %s\n\n", \
        secs, conns, wthreads, cthreads, cpus, lighttpd, conf
    printf "%-10s %-38s %9s %8s %8s %8s %6s %6s %8s %8s %12s\n", "scenario", "path", "req/s", \
        "p50 ms", "p99 ms", "requests", "non2xx", "errors", "peak RSS", "peak PSS", "CPU us/req"
    for (i = 1; i <= n; i++)
        printf "%-10s %-38s %9.1f %8.3f %8.3f %8d %6d %6d %5s MB %5s MB %6.1f+%-6.1f\n", name[i], \
            path[i], rps[i], p50[i], p99[i], reqs[i], non2xx[i], errs[i], mb(prss[i]), mb(ppss[i]), \
            lcpu[i], pcpu[i]
    printf "(CPU us/req: server CPU time per request, lighttpd + FastCGI programs)\n"
    for (i = 1; i <= n; i++)
        if (non2xx[i] > 0 || errs[i] > 0)
            printf "note: %s had %d non-2xx/3xx responses and %d socket errors: its figures " \
                "are not those of the route working\n", name[i], non2xx[i], errs[i]

    printf "\nother figures\n"
    if (has("login_ms_median"))
        printf "  sign-in (argon2id, interactive cost): median %.1f ms of %d (min %.1f, max %.1f); " \
            "peak whole-stack RSS meanwhile %s MB\n", F["login_ms_median"], F["login_count"], \
            F["login_ms_min"], F["login_ms_max"], mb(F["login_peak_rss_kb"])
    if (has("sync_identity_ms"))
        printf "  cold sync pull of %d entries (%d pages): %.1f ms = %d entries/s, %d KB; " \
            "compressed: %.1f ms = %d entries/s, %d KB (median of 3)\n", F["sync_entries"], \
            F["sync_pages"], F["sync_identity_ms"], F["sync_identity_entries_per_s"], \
            F["sync_identity_bytes"] / 1024, F["sync_compressed_ms"], \
            F["sync_compressed_entries_per_s"], F["sync_compressed_bytes"] / 1024
    if (has("fanout_p95_ms")) {
        printf "  stream fan-out: %d streams (all open after %.0f ms), %d PUTs, %d deliveries within 2 s, " \
            "%d later (up to %.0f ms), %d never\n", F["fanout_streams"], F["fanout_open_ms"], \
            F["fanout_puts"], F["fanout_pairs"], F["fanout_late"], F["fanout_late_max_ms"], \
            F["fanout_missing"]
        printf "    event after the PUT's response: p50 %.1f ms, p95 %.1f ms, max %.1f ms " \
            "(after the PUT was sent: p50 %.1f, p95 %.1f)\n", F["fanout_p50_ms"], \
            F["fanout_p95_ms"], F["fanout_max_ms"], F["fanout_sent_p50_ms"], F["fanout_sent_p95_ms"]
    }
    if (has("streams_open_rss_kb")) {
        printf "  whole stack with %d streams open: RSS %s MB, PSS %s MB, %d threads; peak during " \
            "the PUTs RSS %s MB\n", F["fanout_streams"], mb(F["streams_open_rss_kb"]), \
            mb(F["streams_open_pss_kb"]), F["streams_open_threads"], mb(F["fanout_peak_rss_kb"])
        printf "    the streams added RSS %s MB, PSS %s MB (%.1f KB RSS per stream) to the stack just " \
            "before (RSS %s MB, PSS %s MB)\n", mb(F["streams_open_rss_kb"] - F["streams_before_rss_kb"]), \
            mb(F["streams_open_pss_kb"] - F["streams_before_pss_kb"]), \
            (F["streams_open_rss_kb"] - F["streams_before_rss_kb"]) / F["fanout_streams"], \
            mb(F["streams_before_rss_kb"]), mb(F["streams_before_pss_kb"])
        for (j = 1; j <= ns; j++)
            printf "    %-10s %3d threads  RSS %6s MB  PSS %6s MB  anon %6s MB\n", sn[j], st[j], mb(sr[j]), \
                mb(sp[j]), mb(sa[j])
    }
    if (has("push_wall_s"))
        printf "  push, one carelog-push --once pass: %d of %d messages delivered in %.2f s = %d msgs/s; " \
            "CPU %d us/msg (user+sys %.2f s); peak RSS %s MB; %d left for a later pass\n", \
            F["push_delivered"], F["push_messages"], F["push_wall_s"], F["push_msgs_per_s"], \
            F["push_cpu_us_per_msg"], F["push_cpu_s"], mb(F["push_peak_rss_kb"]), F["push_left"]

    printf "\nwhole stack memory (%d processes, %d threads)\n", I[1], I[2]
    printf "  idle:  RSS %s MB   PSS %s MB   anon %s MB (RssAnon: without library pages)\n", mb(I[3]), \
        mb(I[4]), mb(idle_anon)
    printf "  peak:  RSS %s MB   PSS %s MB (wrk scenarios, sampled every 0.25 s)\n", mb(peak_rss), mb(peak_pss)
    printf "  after: RSS %s MB   PSS %s MB (1 s after the last scenario)\n", mb(A[3]), mb(A[4])
    for (j = 1; j <= np; j++)
        printf "    idle %-10s pid %-7s %3d threads  RSS %6s MB  PSS %6s MB  anon %6s MB\n", pn[j], \
            pid[j], pt[j], mb(pr[j]), mb(pp[j]), mb(pa[j])

    printf "\nagainst the targets (figures, not pass/fail)\n"
    target_line("/health req/s vs /api/v1/hello", health_pct, "%", ">= 80%")
    target_line("GET /api/v1/auth/me req/s vs /api/v1/hello", me_pct, "%", ">= 70% (issue 3)")
    target_line("entry PUT req/s vs /api/v1/hello", put_pct, "%", ">= 50% (issue 4)")
    target_line("entry PUT p99 at " conns " connections", ("entry_put" in P99) ? P99["entry_put"] : -1, \
        "ms", "<= 20 ms (issue 4)")
    target_line("stream fan-out p95", has("fanout_p95_ms") ? F["fanout_p95_ms"] : -1, "ms", \
        "<= 100 ms (issue 4)")
    target_line("whole-stack RSS with streams open", has("streams_open_rss_kb") ? \
        F["streams_open_rss_kb"] / 1024 : -1, "MB", "<= 64 MB with 500 streams (issue 4)")
    target_line("idle whole-stack RSS", I[3] / 1024, "MB", "<= 16 MB (issue 2, set for 1 program; now " \
        (I[1] - 1) " programs)")
    # On a shared machine req/s moves with the neighbours; server CPU time per
    # request moves much less, so the same comparisons by it follow.
    if (cpct > 0 || cpu_by["me"] > 0 || cpu_by["entry_put"] > 0)
        printf "  by server CPU time per request (lighttpd + programs; lower is cheaper):\n"
    if (cpct > 0)
        printf "    /api/v1/hello costs %.1f%% of /health\n", cpct
    if (cpu_by["me"] > 0 && cpu_by["hello"] > 0)
        printf "    /api/v1/hello costs %.1f%% of GET /api/v1/auth/me (as if throughput were CPU-bound)\n", \
            100 * cpu_by["hello"] / cpu_by["me"]
    if (cpu_by["entry_put"] > 0 && cpu_by["hello"] > 0)
        printf "    /api/v1/hello costs %.1f%% of an entry PUT\n", 100 * cpu_by["hello"] / cpu_by["entry_put"]

    # ---- JSON ----
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
            reqs[i], non2xx[i], errs[i], prss[i], ppss[i], lcpu[i], pcpu[i], (i < n ? "," : "") > json
    printf "  ],\n  \"figures\": {" > json
    for (j = 1; j <= nf; j++)
        printf "%s\n    \"%s\": %s", (j > 1 ? "," : ""), fk[j], jnum(F[fk[j]]) > json
    printf "\n  },\n" > json
    printf "  \"memory\": {\n    \"idle\": {\"processes\": %d, \"threads\": %d, " \
        "\"rss_kb\": %d, \"pss_kb\": %d, \"anon_kb\": %d, \"by_process\": [\n", I[1], I[2], I[3], I[4], \
        idle_anon > json
    for (j = 1; j <= np; j++)
        printf "      {\"name\": \"%s\", \"pid\": %d, \"threads\": %d, \"rss_kb\": %d, " \
            "\"pss_kb\": %d, \"anon_kb\": %d}%s\n", pn[j], pid[j], pt[j], pr[j], pp[j], pa[j], \
            (j < np ? "," : "") > json
    printf "    ]},\n    \"peak\": {\"rss_kb\": %d, \"pss_kb\": %d},\n", peak_rss, peak_pss > json
    printf "    \"streams_open\": {\"streams\": %s, \"rss_kb\": %s, \"pss_kb\": %s, \"by_process\": [\n", \
        jnum(F["fanout_streams"]), jnum(F["streams_open_rss_kb"]), jnum(F["streams_open_pss_kb"]) > json
    for (j = 1; j <= ns; j++)
        printf "      {\"name\": \"%s\", \"pid\": %d, \"threads\": %d, \"rss_kb\": %d, " \
            "\"pss_kb\": %d, \"anon_kb\": %d}%s\n", sn[j], spid[j], st[j], sr[j], sp[j], sa[j], \
            (j < ns ? "," : "") > json
    printf "    ]},\n" > json
    printf "    \"after_load\": {\"processes\": %d, \"threads\": %d, \"rss_kb\": %d, " \
        "\"pss_kb\": %d}\n  },\n", A[1], A[2], A[3], A[4] > json
    printf "  \"ratios_pct\": {\"health_vs_hello\": %s, \"me_vs_hello\": %s, " \
        "\"entry_put_vs_hello\": %s, \"hello_vs_health_cpu\": %s},\n", \
        jpct(health_pct), jpct(me_pct), jpct(put_pct), jpct(cpct) > json
    printf "  \"targets\": {\"health_vs_hello_pct_min\": 80, \"me_vs_hello_pct_min\": 70, " \
        "\"entry_put_vs_hello_pct_min\": 50, \"entry_put_p99_ms_max\": 20, \"fanout_p95_ms_max\": 100, " \
        "\"streams_500_rss_kb_max\": 65536, \"idle_rss_kb_max\": 16384}\n}\n" > json
    printf "\nwritten to %s\n", json
}
