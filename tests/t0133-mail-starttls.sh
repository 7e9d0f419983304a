#!/bin/bash
# t0133-mail-starttls.sh — mail over STARTTLS against a real SMTP server on
# loopback (tests/smtpsink.py --starttls, a certificate made here): with
# SMTP_STARTTLS=require the sender upgrades before AUTH and the message
# arrives over TLS; a server that offers no STARTTLS, or one whose
# certificate is not trusted (no SMTP_CA_FILE), gets nothing, not even the
# password, and the mail waits for the admin to fix it.
. "$(dirname "$0")/lib.sh"

FROM='carelog <care@example.org>'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T_DIR/smtp.key" -out "$T_DIR/smtp.crt" 2>"$T_DIR/openssl.err" ||
    bail "openssl could not make a certificate: $(cat "$T_DIR/openssl.err")"
start_server REGISTRATION=open SMTP_URL="smtp://127.0.0.1:1" MAIL_FROM="$FROM" PUBLIC_URL=http://care.test
signup mum
forgot() {
    db "UPDATE rate_events SET at = 0"
    req POST /api/v1/auth/forgot '{"email":"mum@example.com"}'
}
# sink ARGS... — one pass of the cron-run sender against the sink.
sink() {
    send_mail SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" MAIL_FROM="$FROM" PUBLIC_URL=http://care.test \
        SMTP_USER=carelog SMTP_PASSWORD="s3cret pass" "$@"
}

# A server that offers STARTTLS and wants it before AUTH.
start_smtp --starttls "$T_DIR/smtp.crt" "$T_DIR/smtp.key" --auth "carelog:s3cret pass"
forgot
sink SMTP_STARTTLS=require SMTP_CA_FILE="$T_DIR/smtp.crt"
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry, .mail_failed]')" "[1,0,0]" "STARTTLS required: the message is sent"
is "$(cat "$T_DIR/mail/1.tls")" tls "…over TLS (upgraded before AUTH, which this server refuses in the clear)"

# The same server without its certificate trusted: nothing goes.
forgot
sink SMTP_STARTTLS=require
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry]')" "[0,1]" "an untrusted certificate: not sent, the mail waits"
is "$(mails)" 1 "…and the server received nothing"
stop_smtp

# A server that offers no STARTTLS: with STARTTLS required, the password
# and the message stay home.
start_smtp --auth "carelog:s3cret pass"
db "UPDATE mail_outbox SET next_at = 0 WHERE status = 'queued'"
sink SMTP_STARTTLS=require SMTP_CA_FILE="$T_DIR/smtp.crt"
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry]')" "[0,1]" "no STARTTLS offered but required: not sent"
is "$(mails)" 1 "…nothing received in the clear"
# Without the requirement (STARTTLS where offered), a plain server is used.
db "UPDATE mail_outbox SET next_at = 0 WHERE status = 'queued'"
sink
is "$(echo "$PASS" | jq .mail_sent)" 1 "STARTTLS where offered: a plain server still gets it"
is "$(cat "$T_DIR/mail/2.tls")" plain "…in the clear, as configured"
stop_smtp
done_testing
