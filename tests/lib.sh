# lib.sh — sourced by the numbered HTTP tests (tNNNN-*.sh). TAP output, and a
# real lighttpd spawning the sanitizer-built programs, on a free loopback
# port, over a fresh database in a temporary directory. Every process the
# test starts is stopped on exit, and a sanitizer report fails the test.

T_ROOT=$(cd "$(dirname "$0")/.." && pwd)
T_BIN=${CARELOG_TEST_BIN:-$T_ROOT/build/asan/bin}
T_NUM=0
T_FAILED=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/carelog-test.XXXXXX")
T_PGID=""
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Tests pay a tiny argon2id cost; production uses the interactive limits.
export CARELOG_TEST_FAST_HASH=1

# ---- TAP ----
ok() { # ok STATUS DESCRIPTION — STATUS is an exit code (0 = pass)
    T_NUM=$((T_NUM + 1))
    if [ "$1" = 0 ]; then
        echo "ok $T_NUM - $2"
    else
        T_FAILED=$((T_FAILED + 1))
        echo "not ok $T_NUM - $2"
    fi
}
is() { # is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"
        printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
    fi
}
like() { # like GOT REGEX DESCRIPTION
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"
        printf '#   got:      %.300s\n#   expected: /%s/\n' "$1" "$2"
    fi
}
diag() { printf '# %s\n' "$*"; }
bail() { echo "Bail out! $*"; exit 1; }

# ---- the server ----
# The start/stop logic lives in tools/server.sh (shared with tools/bench.sh).
. "$T_ROOT/tools/server.sh"
SRV_ROOT=$T_ROOT
SRV_DIR=$T_DIR
SRV_BIN=$T_BIN
free_port() { srv_free_port; }

# start_server [VAR=value ...] — extra environment for the programs.
start_server() {
    SRV_THREADS=${T_THREADS:-2}
    if srv_start "$@"; then
        T_PORT=$SRV_PORT BASE=$SRV_BASE T_PGID=$SRV_PGID
        return 0
    fi
    T_PGID=""
    # A failed test with lighttpd's words as TAP diagnostics on stderr (as
    # Test::More's diag), then the end: prove shows them (after a "Bail out!"
    # it stops reading and may lose them).
    if [ -n "${SRV_CONFIG_ERROR:-}" ]; then
        ok 1 "lighttpd -tt accepts lighttpd.conf with this test's environment"
    else
        ok 1 "lighttpd starts and answers /health"
    fi
    sed 's/^/# /' "$T_DIR/error.log" >&2
    echo "1..$T_NUM"
    exit 1
}

stop_server_quiet() {
    srv_stop
    T_PGID=""
}

# Stops the server and fails the test if a sanitizer reported anything.
stop_server() {
    stop_server_quiet
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehaviorSanitizer' \
        "$T_DIR/error.log" 2>/dev/null; then
        ok 1 "no sanitizer reports from the programs"
        sed 's/^/#   /' "$T_DIR/error.log" | head -80
    else
        ok 0 "no sanitizer reports from the programs"
    fi
}

done_testing() {
    [ -n "$T_PGID" ] && stop_server
    echo "1..$T_NUM"
    cleanup
    [ "$T_FAILED" = 0 ]
    exit $?
}

cleanup() {
    stop_svc 2>/dev/null
    stop_smtp 2>/dev/null
    stop_server_quiet
    [ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
}
trap cleanup EXIT INT TERM

# ---- HTTP ----
# req METHOD PATH [JSON-BODY] [curl args...] — sets STATUS; body in $T_DIR/body,
# headers in $T_DIR/headers. AS=<name> picks a cookie jar (one per client) and
# sends that client's CSRF token (saved by csrf_save) on writes.
req() {
    method=$1 path=$2
    shift 2
    body_args=""
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        printf '%s' "$1" > "$T_DIR/req-body"
        shift
        set -- -H "Content-Type: application/json" --data-binary "@$T_DIR/req-body" "$@"
    elif [ "$method" != GET ] && [ "$method" != HEAD ]; then
        set -- -H "Content-Length: 0" "$@" # as browsers send a bodiless POST
    fi
    jar="$T_DIR/jar-${AS:-anon}"
    csrf_file="$T_DIR/csrf-${AS:-anon}"
    if [ -f "$csrf_file" ] && [ "$method" != GET ]; then
        set -- -H "X-CSRF-Token: $(cat "$csrf_file")" "$@"
    fi
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' \
        -b "$jar" -c "$jar" -X "$method" --max-time 20 "$@" "$BASE$path")
}
body() { cat "$T_DIR/body"; }
jbody() { jq -r "$1" < "$T_DIR/body" 2>/dev/null; }
header() { # header NAME — the value of a response header, CR stripped
    grep -i "^$1:" "$T_DIR/headers" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'
}
csrf_save() { jbody .csrf_token > "$T_DIR/csrf-${AS:-anon}"; }

# ---- accounts (servers started with REGISTRATION=open, or with an invite) ----
# Every test signs up, signs in and follows links through these three, so a
# change to those flows is made here once.
# signup [-n DISPLAY] [-i INVITE] NAME [EMAIL] — registers an account (name
# DISPLAY, default NAME; with an invite token when given) and keeps its
# cookie and CSRF token under AS=NAME. Its password is "password-NAME" and
# its email NAME@example.com unless given. STATUS is the registration's.
signup() {
    local display="" token=""
    while :; do
        case $1 in
        -n) display=$2; shift 2 ;;
        -i) token=$2; shift 2 ;;
        *) break ;;
        esac
    done
    local account
    account=$(jq -cn --arg e "${2:-$1@example.com}" --arg p "password-$1" --arg n "${display:-$1}" --arg i "$token" \
        '{email: $e, password: $p, name: $n} + (if $i == "" then {} else {invite: $i} end)')
    AS=$1 req POST /api/v1/auth/register "$account"
    local status=$STATUS
    [ "$STATUS" = 201 ] || diag "signup $1 failed: $STATUS $(body)"
    AS=$1 csrf_save
    STATUS=$status
}
# signin [-j DEVICE] [-p PASSWORD] NAME [EMAIL] [curl args...] — signs NAME
# in on a fresh cookie jar, kept under AS=DEVICE (default NAME; another name
# is another device of NAME's), with its CSRF token. The password is "password-NAME"
# unless given. STATUS is the sign-in's.
signin() {
    local device="" password=""
    while :; do
        case $1 in
        -j) device=$2; shift 2 ;;
        -p) password=$2; shift 2 ;;
        *) break ;;
        esac
    done
    local name=$1 email=$1@example.com
    shift
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        email=$1
        shift
    fi
    device=${device:-$name}
    rm -f "$T_DIR/jar-$device" "$T_DIR/csrf-$device"
    AS=$device req POST /api/v1/auth/login \
        "$(jq -cn --arg e "$email" --arg p "${password:-password-$name}" '{email: $e, password: $p}')" "$@"
    local status=$STATUS
    AS=$device csrf_save
    STATUS=$status
}
# join NAME TOKEN — NAME (an account's cookie jar, or a new device's) uses
# the invite or access link /join/TOKEN the way its page's button does (a
# same-origin POST; a GET only shows the page), then keeps the CSRF token of
# the session it has. JOIN_STATUS is the link's answer, STATUS that of GET
# /api/v1/auth/me.
join() {
    AS=$1 req POST "/join/$2" -H "Sec-Fetch-Site: same-origin"
    JOIN_STATUS=$STATUS
    AS=$1 req GET /api/v1/auth/me
    AS=$1 csrf_save
}
# new_family NAME [TZ] — as $AS, creates a family; prints its id.
new_family() {
    req POST /api/v1/families "{\"name\":\"$1\",\"timezone\":\"${2:-Europe/London}\"}"
    jbody .id
}
# family_with_baby [TZ] — as $AS, a family "Home" (zone TZ, default
# Europe/London) with one baby, Noa: sets FID and SID.
family_with_baby() {
    FID=$(new_family Home "${1:-Europe/London}")
    req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
    SID=$(jbody .id)
}
# invite ROLE [LABEL] — as $AS in family $FID, makes a link; prints its token.
invite() {
    req POST "/api/v1/families/$FID/links" "{\"role\":\"$1\",\"label\":\"${2:-$1 link}\"}"
    jbody .token
}
# db SQL — runs SQL on the test database.
db() { sqlite3 -cmd ".timeout 5000" "$T_DIR/data/carelog.db" "$@"; }

# ---- the care log ----
uuid() { cat /proc/sys/kernel/random/uuid; }
# local_ms ZONE "YYYY-MM-DD HH:MM" — epoch ms of a wall time in a zone.
local_ms() { TZ=$1 date -d "$2" +%s%3N; }
# put_entry ID JSON-FIELDS — as $AS in family $FID for subject $SID; the
# fields are merged over {subject_id, updated_at: now}.
put_entry() {
    req PUT "/api/v1/families/$FID/entries/$1" \
        "$(jq -cn --arg sid "$SID" --argjson now "$(date +%s%3N)" "{subject_id: \$sid, updated_at: \$now} + ($2)")"
}

# ---- the live stream ----
# listen NAME [curl args] — opens the family's stream in the background into
# $T_DIR/sse-NAME, signed in with the cookie jar of $JAR (default NAME);
# PID_NAME is its curl.
listen() {
    local name=$1
    shift
    curl -s -N -b "$T_DIR/jar-${JAR:-$name}" --max-time 120 "$@" \
        "$BASE/api/v1/families/$FID/stream" > "$T_DIR/sse-$name" 2>/dev/null &
    eval "PID_$name=$!"
}
# wait_for NAME REGEX [TENTHS] — waits (bounded, 5 s) until the stream shows REGEX.
wait_for() {
    for _ in $(seq 1 "${3:-50}"); do
        grep -Eq -- "$2" "$T_DIR/sse-$1" && return 0
        sleep 0.1
    done
    return 1
}
# ended NAME — waits (bounded, 5 s) until the stream's curl has exited.
ended() {
    local pid
    pid=$(eval "echo \$PID_$1")
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# ---- the fake push service (tests/pushsvc.mjs) ----
SVC_PID=""
# start_svc [args] — the fake service on a free port; SVC_PORT, SVC_BASE.
# Its stdin is our pipe: it exits when we close it (or at its deadline).
start_svc() {
    command -v node >/dev/null || bail "node is needed"
    coproc SVC { exec node "$T_ROOT/tests/pushsvc.mjs" --max-seconds 120 "$@" 2>>"$T_DIR/svc.err"; }
    SVC_PORT=""
    read -r -t 10 SVC_PORT <&"${SVC[0]}" || bail "pushsvc did not start: $(cat "$T_DIR/svc.err")"
    SVC_BASE="http://127.0.0.1:$SVC_PORT"
}
stop_svc() {
    [ -n "$SVC_PID" ] || return 0
    exec {SVC[1]}>&-
    wait "$SVC_PID" 2>/dev/null
    SVC_PID=""
}
# What push tests share: the settings (start_server $SVC_ENV), a browser's
# subscription at the service (svc_sub ID SCRIPT, its PushSubscription JSON),
# jq over its log (svc_log JQ...), the titles a subscription got (svc_titles
# ID), and one sender pass as cron runs it (svc_pass: its JSON in $PASS).
SVC_ENV="PUSH_ALLOW_LOOPBACK=1 PUSH_RETRY_BASE_MS=500 VAPID_SUBJECT=mailto:ops@example.org"
svc_sub() { curl -sf -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions"; }
svc_log() { curl -sf "$SVC_BASE/log" | jq -r "$@"; }
svc_titles() { svc_log "[.requests[] | select(.sub == \"$1\") | .payload | fromjson | .title] | join(\"|\")"; }
svc_pass() { PASS=$(env $SVC_ENV DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log"); }

# ---- a real SMTP server on loopback (tests/smtpsink.py, python3-aiosmtpd) ----
SMTP_PID=""
# start_smtp [args] — the sink on a free port, keeping what it accepts in
# $T_DIR/mail (N.eml, N.env); SMTP_PORT. It exits when we close its stdin.
start_smtp() {
    mkdir -p "$T_DIR/mail"
    # Debian's own python3, where python3-aiosmtpd is installed.
    coproc SMTP { exec /usr/bin/python3 "$T_ROOT/tests/smtpsink.py" "$T_DIR/mail" "$@" 2>>"$T_DIR/smtp.err"; }
    SMTP_PORT=""
    read -r -t 10 SMTP_PORT <&"${SMTP[0]}" || bail "smtpsink did not start: $(cat "$T_DIR/smtp.err")"
}
stop_smtp() {
    [ -n "$SMTP_PID" ] || return 0
    exec {SMTP[1]}>&-
    wait "$SMTP_PID" 2>/dev/null
    SMTP_PID=""
}
# mails — how many messages the sink has kept.
mails() { find "$T_DIR/mail" -name '*.eml' 2>/dev/null | wc -l; }
# mail_body N — message N's first (plain text) part, decoded.
mail_body() {
    python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(next(p for p in m.walk() if p.get_content_type()=="text/plain").get_payload(decode=True).decode())' "$T_DIR/mail/$1.eml"
}
# mail_html N — message N's HTML part, decoded.
mail_html() {
    python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(next(p for p in m.walk() if p.get_content_type()=="text/html").get_payload(decode=True).decode())' "$T_DIR/mail/$1.eml"
}
# mail_header N NAME — a header of message N, decoded (RFC 2047).
mail_header() {
    python3 -c 'import email,sys; from email.header import decode_header, make_header; m=email.message_from_binary_file(open(sys.argv[1],"rb")); v=m.get(sys.argv[2]); print(str(make_header(decode_header(v))) if v else "")' "$T_DIR/mail/$1.eml" "$2"
}
# send_mail [VAR=value ...] — one pass of the cron-run sender; its JSON
# line in PASS.
send_mail() {
    PASS=$(env DATA_DIR="$T_DIR/data" "$@" "$T_BIN/carelog-push" --once 2>>"$T_DIR/push.err")
}
