#!/bin/bash
# t0124-push-endpoint-takeover.sh — audit finding 9.4: a push subscription
# must not be taken over by whoever learns its endpoint URL. Registering an
# endpoint that another account or device holds needs the same keys (only
# that browser has them); otherwise 409 and the subscription is untouched.
. "$(dirname "$0")/lib.sh"

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# p256dh — a fresh P-256 public key, uncompressed, base64url.
p256dh() {
    openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null |
        openssl ec -pubout -outform DER 2>/dev/null | tail -c 65 | b64url
}
auth_secret() { head -c 16 /dev/urandom | b64url; }
sub_json() { # sub_json ENDPOINT P256DH AUTH
    printf '{"endpoint":"%s","expirationTime":null,"keys":{"p256dh":"%s","auth":"%s"}}' "$1" "$2" "$3"
}

start_server REGISTRATION=open
signup ana
signup bob
E="https://push.example/send/$(auth_secret)"
K1=$(p256dh) A1=$(auth_secret)
K2=$(p256dh) A2=$(auth_secret)
AS=ana req POST /api/v1/push/subscriptions "$(sub_json "$E" "$K1" "$A1")"
is "$STATUS" 201 "ana subscribes her browser"
ANA_SUB=$(jbody .id)

AS=bob req POST /api/v1/push/subscriptions "$(sub_json "$E" "$K2" "$A2")"
is "$STATUS" 409 "bob registering ana's endpoint with other keys is 409"
is "$(jbody .error.code)" subscription_conflict "…subscription_conflict"
is "$(db "SELECT user_id = (SELECT id FROM users WHERE email = 'ana@example.com') AND p256dh = '$K1' AND auth = '$A1' FROM push_subscriptions WHERE endpoint = '$E'")" 1 \
    "…and the subscription is still ana's, with her keys"
AS=bob req GET /api/v1/push/subscriptions
is "$(jbody '.subscriptions | length')" 0 "bob lists nothing"
AS=bob req POST /api/v1/push/subscriptions "$(sub_json "$E" "$K1" "$A2")"
is "$STATUS" 409 "the right public key with another auth secret is refused too"

AS=ana req POST /api/v1/push/subscriptions "$(sub_json "$E" "$K2" "$A2")"
is "$STATUS" 200 "ana may renew her own subscription's keys"
is "$(db "SELECT p256dh FROM push_subscriptions WHERE endpoint = '$E'")" "$K2" "…which are stored"

# The same browser signed in as bob now (it has the keys): he takes it over.
AS=bob req POST /api/v1/push/subscriptions "$(sub_json "$E" "$K2" "$A2")"
is "$STATUS" 200 "the same browser (same keys) moves to bob after he signs in there"
is "$(jbody .id)" "$ANA_SUB" "…the same subscription"
AS=ana req GET /api/v1/push/subscriptions
is "$(jbody '.subscriptions | length')" 0 "…and ana no longer has it"
is "$(db "SELECT count(*) FROM push_subscriptions")" 1 "one subscription in all"
done_testing
