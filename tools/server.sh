# server.sh — starts and stops a real carelog server: lighttpd, in a process
# group of its own (setsid), spawning the FastCGI programs, on a free
# loopback port over a data directory. POSIX sh, sourced by tests/lib.sh
# and tools/bench.sh so the start/stop logic exists once.
#
# Set before srv_start:
#   SRV_ROOT     repository root (where lighttpd.conf is)
#   SRV_DIR      scratch directory: data/ (DATA_DIR) and error.log
#   SRV_BIN      directory holding the programs (CARELOG_BIN)
#   SRV_THREADS  worker threads per program; empty keeps lighttpd.conf's default
#   SRV_CONF     the lighttpd configuration (default: SRV_ROOT/lighttpd.conf)
#   SRV_SERVE    1: start through conf/serve.sh, as `make run` does (with
#                Litestream beside lighttpd when REPLICA_URL is given)
# srv_start [VAR=value ...] sets SRV_PORT, SRV_BASE and SRV_PGID (lighttpd's
# pid = the group id), returning non-zero when lighttpd would not answer;
# srv_stop ends the whole group with bounded waits.
# Before starting, srv_start has lighttpd check its configuration in the same
# environment (srv_check_config): on any complaint it starts nothing, returns
# non-zero and SRV_CONFIG_ERROR holds lighttpd's own words (also at the top of
# SRV_DIR/error.log).

SRV_PGID=""

srv_free_port() {
    while :; do
        p=$(( (($$ * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 35000) + 20000 ))
        if ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"
            return
        fi
    done
}

# srv_check_config [VAR=value ...] — `lighttpd -tt` (parse, load and init
# every module, open the TLS certificate) with the environment srv_start
# gives the server. lighttpd 1.4.69 exits 0 after some errors (a missing
# mod_deflate.so is skipped, a bad bin-path only logged), so any output
# counts as a failure. Sets SRV_CONFIG_ERROR; 0 when there was none.
srv_check_config() {
    mkdir -p "$SRV_DIR/data"
    SRV_CONFIG_ERROR=$(env "$@" PORT="${SRV_PORT:-8080}" BIND=127.0.0.1 DATA_DIR="$SRV_DIR/data" \
        CARELOG_BIN="$SRV_BIN" ${SRV_THREADS:+CARELOG_THREADS=$SRV_THREADS} \
        lighttpd -tt -f "${SRV_CONF:-$SRV_ROOT/lighttpd.conf}" 2>&1 < /dev/null)
    _srv_rc=$?
    if [ $_srv_rc != 0 ] && [ -z "$SRV_CONFIG_ERROR" ]; then
        SRV_CONFIG_ERROR="lighttpd -tt exited with $_srv_rc"
    fi
    [ -z "$SRV_CONFIG_ERROR" ]
}

srv_start() {
    mkdir -p "$SRV_DIR/data"
    for _srv_try in 1 2 3 4 5; do
        SRV_PORT=$(srv_free_port)
        SRV_BASE="http://127.0.0.1:$SRV_PORT"
        # lighttpd's messages and the programs' JSON log lines share stderr.
        : > "$SRV_DIR/error.log"
        if [ $_srv_try = 1 ] && ! srv_check_config "$@"; then
            printf 'lighttpd -tt -f %s rejected the configuration:\n%s\n' \
                "${SRV_CONF:-$SRV_ROOT/lighttpd.conf}" "$SRV_CONFIG_ERROR" >> "$SRV_DIR/error.log"
            return 1
        fi
        if [ -n "${SRV_SERVE:-}" ]; then
            env "$@" PORT="$SRV_PORT" BIND=127.0.0.1 DATA_DIR="$SRV_DIR/data" CARELOG_BIN="$SRV_BIN" \
                ${SRV_THREADS:+CARELOG_THREADS=$SRV_THREADS} \
                LIGHTTPD_CONF="${SRV_CONF:-$SRV_ROOT/lighttpd.conf}" \
                setsid sh "$SRV_ROOT/conf/serve.sh" >> "$SRV_DIR/error.log" 2>&1 < /dev/null &
        else
            env "$@" PORT="$SRV_PORT" BIND=127.0.0.1 DATA_DIR="$SRV_DIR/data" CARELOG_BIN="$SRV_BIN" \
                ${SRV_THREADS:+CARELOG_THREADS=$SRV_THREADS} \
                setsid lighttpd -D -f "${SRV_CONF:-$SRV_ROOT/lighttpd.conf}" >> "$SRV_DIR/error.log" 2>&1 < /dev/null &
        fi
        SRV_PGID=$!
        _srv_i=0
        # Up to 30 s: ten sanitizer-built programs starting at once on a
        # busy two-core machine have been seen to need more than 10.
        while [ $_srv_i -lt 300 ]; do
            if curl -s -o /dev/null --max-time 5 "$SRV_BASE/health" 2>/dev/null; then return 0; fi
            kill -0 "$SRV_PGID" 2>/dev/null || break
            sleep 0.1
            _srv_i=$((_srv_i + 1))
        done
        srv_stop
        grep -q "Address already in use" "$SRV_DIR/error.log" 2>/dev/null || break
    done
    return 1
}

srv_stop() {
    [ -n "$SRV_PGID" ] || return 0
    kill -TERM "-$SRV_PGID" 2>/dev/null # no "--": dash's kill takes none
    _srv_i=0
    # Zombies do not count: lighttpd exits before its programs, and they are
    # reaped by init whenever it gets round to it.
    while [ $_srv_i -lt 100 ] && pgrep -r R,S,D,T,t,I -g "$SRV_PGID" >/dev/null 2>&1; do # up to 5 s
        sleep 0.05
        _srv_i=$((_srv_i + 1))
    done
    pkill -KILL -g "$SRV_PGID" 2>/dev/null
    wait "$SRV_PGID" 2>/dev/null
    SRV_PGID=""
    return 0
}
