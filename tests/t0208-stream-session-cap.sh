#!/bin/bash
# t0208-stream-session-cap.sh — security audit (issue 9), finding 3: one
# session may hold only so many open live streams (STREAM_MAX_PER_SESSION,
# 2 here); one more is refused with 429 rate_limited and Retry-After, even
# when they all arrive at once; other sessions are not affected, and a slot
# comes back when a stream closes.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open STREAM_MAX_PER_SESSION=2
signup ana
export AS=ana
FID=$(new_family Home)
AS=ana2 req POST /api/v1/auth/login '{"email":"ana@example.com","password":"password-ana"}'

# try [JAR] — one more stream for a moment; prints the status code, keeps
# the body and headers.
try() {
    curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' -b "$T_DIR/jar-${1:-ana}" \
        --max-time 2 "$BASE/api/v1/families/$FID/stream" 2>/dev/null
}

JAR=ana listen one
JAR=ana listen two
ok "$(wait_for one '^event: presence' && wait_for two '^event: presence'; echo $?)" \
    "a session opens two streams"
is "$(try)" 429 "a third stream of the same session is refused with 429"
is "$(jbody .error.code)" rate_limited "…code rate_limited"
like "$(header Retry-After)" '^[0-9]+$' "…with Retry-After"
is "$(try ana2)" 200 "another session of the same account still gets a stream"

kill "$PID_one"
wait "$PID_one" 2>/dev/null
got=""
for _ in $(seq 1 50); do
    got=$(try)
    [ "$got" = 200 ] && break
    sleep 0.1
done
is "$got" 200 "a closed stream gives its slot back"
kill "$PID_two"
wait "$PID_two" 2>/dev/null

# All at once, from a fresh session: the count is taken under one lock,
# before the hand-over to the stream loop, so a burst cannot slip past it.
AS=ana3 req POST /api/v1/auth/login '{"email":"ana@example.com","password":"password-ana"}'
for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code}\n' -b "$T_DIR/jar-ana3" --max-time 3 \
        "$BASE/api/v1/families/$FID/stream" > "$T_DIR/burst-$i" 2>/dev/null &
    eval "PID_burst$i=$!"
done
for i in 1 2 3 4 5 6; do
    wait "$(eval "echo \$PID_burst$i")" 2>/dev/null
done
is "$(cat "$T_DIR"/burst-* | sort | uniq -c | awk '{print $2 "x" $1}' | paste -sd' ')" \
    "200x2 429x4" "six streams at once: two opened, four refused"
done_testing
