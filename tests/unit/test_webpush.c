/* test_webpush.c — Web Push crypto: base64url edge cases, the RFC 8291
 * Appendix A message reproduced byte for byte and decrypted, round trips with
 * fresh keys, every way a body can be refused, padding rules, VAPID JWTs
 * verified with OpenSSL, key files and their permissions, subscription key
 * checks, and the per-origin JWT cache. */
#include "tap.h"
#include "util/util.h"
#include "push/webpush.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

/* RFC 8291 Appendix A. */
#define RFC_PLAIN      "When I grow up, I want to be a watermelon"
#define RFC_AS_PRIVATE "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
#define RFC_AS_PUBLIC                                                                              \
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
#define RFC_UA_PRIVATE "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
#define RFC_UA_PUBLIC                                                                              \
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
#define RFC_SALT  "DGv6ra1nlYgDCS1FRnbzlw"
#define RFC_AUTH  "BTBZMqHH6r4Tts7J_aSIgg"
#define RFC_CEK   "oIhVW04MRdy2XN9CiKLxTg"
#define RFC_NONCE "4h_95klXJ5E_qnoN"
#define RFC_BODY                                                                                   \
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"                                               \
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6"                                              \
    "TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qul" \
    "cy4a-fN"

static size_t dec(const char *b64, unsigned char *out, size_t outsz)
{
    size_t n = 0;
    if (!b64url_decode(b64, strlen(b64), out, outsz, &n)) {
        printf("# bad test constant %s\n", b64);
        exit(2);
    }
    return n;
}

static bool dec_ok(const char *s, const char *hex_want)
{
    unsigned char out[16];
    char hex[33];
    size_t n = 0;
    if (!b64url_decode(s, strlen(s), out, sizeof out, &n))
        return false;
    hex_encode(out, n, hex);
    return strcmp(hex, hex_want) == 0;
}

static bool dec_fails(const char *s)
{
    unsigned char out[16];
    size_t n = 0;
    return !b64url_decode(s, strlen(s), out, sizeof out, &n);
}

static void test_base64url(void)
{
    char out[16];
    ok(b64url_encode((const unsigned char *)"", 0, out, sizeof out) && strcmp(out, "") == 0,
       "b64url: empty");
    ok(b64url_encode((const unsigned char *)"f", 1, out, sizeof out) && !strcmp(out, "Zg"),
       "b64url: 1 byte, no padding");
    ok(b64url_encode((const unsigned char *)"fo", 2, out, sizeof out) && !strcmp(out, "Zm8"),
       "b64url: 2 bytes, no padding");
    ok(b64url_encode((const unsigned char *)"foo", 3, out, sizeof out) && !strcmp(out, "Zm9v"),
       "b64url: 3 bytes");
    ok(b64url_encode((const unsigned char *)"\xfb\xff\xbf", 3, out, sizeof out) &&
           !strcmp(out, "-_-_"),
       "b64url: URL-safe alphabet (- and _)");
    ok(!b64url_encode((const unsigned char *)"foo", 3, out, 4), "b64url: no room for NUL");
    is_int(b64url_len(0), 0, "b64url_len 0");
    is_int(b64url_len(16), 22, "b64url_len 16 (auth)");
    is_int(b64url_len(65), 87, "b64url_len 65 (p256dh)");
    ok(dec_ok("", ""), "decode empty");
    ok(dec_ok("Zg", "66"), "decode 2 chars");
    ok(dec_ok("Zm8", "666f"), "decode 3 chars");
    ok(dec_ok("-_-_", "fbffbf"), "decode URL-safe alphabet");
    ok(dec_fails("Zg=="), "padding refused");
    ok(dec_fails("Z"), "a lone trailing character refused");
    ok(dec_fails("Zh"), "non-zero trailing bits refused (non-canonical)");
    ok(dec_fails("+/+/"), "standard alphabet refused");
    ok(dec_fails("Zm 9v"), "whitespace refused");
    ok(dec_fails("Zm9v\n"), "newline refused");
    ok(dec_fails("\xff\xff\xffp"), "bytes >= 0x80 refused (libsodium 1.0.18 takes some)");
    ok(dec_fails("Zm9\xe9"), "a non-ASCII byte in place of a letter refused");
    ok(dec_fails("AAAAAAAAAAAAAAAAAAAAAAAA"), "output larger than the buffer refused");
    unsigned char b[4];
    size_t n = 9;
    ok(b64url_decode("Zm9vYg", 4, b, sizeof b, &n) && n == 3 && !memcmp(b, "foo", 3),
       "decode honours the given length, not the NUL");
}

static void test_rfc8291_vector(void)
{
    unsigned char ua_pub[65], ua_priv[32], as_priv[32], as_pub[65], salt[16], auth[16];
    unsigned char body[WP_MAX_BODY], want[256], plain[WP_MAX_BODY];
    dec(RFC_UA_PUBLIC, ua_pub, sizeof ua_pub);
    dec(RFC_UA_PRIVATE, ua_priv, sizeof ua_priv);
    dec(RFC_AS_PRIVATE, as_priv, sizeof as_priv);
    dec(RFC_AS_PUBLIC, as_pub, sizeof as_pub);
    dec(RFC_SALT, salt, sizeof salt);
    dec(RFC_AUTH, auth, sizeof auth);
    size_t want_len = dec(RFC_BODY, want, sizeof want);

    struct wp_fixed fx = {.as_private = as_priv, .salt = salt};
    size_t len = 0;
    enum wp_status st =
        webpush_encrypt(ua_pub, auth, RFC_PLAIN, strlen(RFC_PLAIN), &fx, body, sizeof body, &len);
    is_int(st, WP_OK, "RFC 8291 A: encrypt succeeds");
    is_int(len, want_len, "RFC 8291 A: body length (144)");
    ok(len == want_len && memcmp(body, want, len) == 0, "RFC 8291 A: body matches byte for byte");
    char b64[400];
    b64url_encode(body, len, b64, sizeof b64);
    is_str(b64, RFC_BODY, "RFC 8291 A: same body as base64url");

    struct vapid_key *as = vapid_from_private(as_priv);
    ok(as && memcmp(vapid_public(as), as_pub, 65) == 0,
       "public point derived from the RFC private key matches the RFC public key");
    vapid_free(as);

    size_t plen = 0;
    st = webpush_decrypt(ua_priv, auth, want, want_len, plain, sizeof plain, &plen);
    is_int(st, WP_OK, "RFC 8291 A: decrypt succeeds");
    ok(plen == strlen(RFC_PLAIN) && memcmp(plain, RFC_PLAIN, plen) == 0,
       "RFC 8291 A: decrypts to the plaintext");

    struct aes128gcm_header h;
    ok(aes128gcm_header_parse(want, want_len, &h) == WP_OK && h.rs == 4096 && h.idlen == 65 &&
           memcmp(h.keyid, as_pub, 65) == 0 && memcmp(h.salt, salt, 16) == 0 &&
           h.record_len == strlen(RFC_PLAIN) + 1 + 16,
       "RFC 8291 A: header fields parsed");
}

/* A one-record body over the RFC header, sealed directly with the RFC's
 * published CEK and NONCE (OpenSSL, independent of the library's HKDF), so
 * that padding rules can be tested behind a valid tag. */
static size_t rfc_body_with_record(const unsigned char *rec, size_t reclen, unsigned char *out)
{
    unsigned char want[256], cek[16], nonce[12];
    dec(RFC_BODY, want, sizeof want);
    dec(RFC_CEK, cek, sizeof cek);
    dec(RFC_NONCE, nonce, sizeof nonce);
    memcpy(out, want, WP_HEADER_LEN);
    int n1 = 0, n2 = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek, nonce) != 1 ||
        EVP_EncryptUpdate(c, out + WP_HEADER_LEN, &n1, rec, (int)reclen) != 1 ||
        EVP_EncryptFinal_ex(c, out + WP_HEADER_LEN + n1, &n2) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + WP_HEADER_LEN + reclen) != 1) {
        printf("# OpenSSL failed in the test\n");
        exit(2);
    }
    EVP_CIPHER_CTX_free(c);
    return WP_HEADER_LEN + reclen + 16;
}

static void test_padding(void)
{
    unsigned char ua_priv[32], auth[16], body[512], plain[512];
    dec(RFC_UA_PRIVATE, ua_priv, sizeof ua_priv);
    dec(RFC_AUTH, auth, sizeof auth);
    size_t plen = 0;

    /* Our own sealing with the RFC's CEK/NONCE reproduces the RFC body. */
    unsigned char rec[64];
    memcpy(rec, RFC_PLAIN "\x02", strlen(RFC_PLAIN) + 1);
    size_t n = rfc_body_with_record(rec, strlen(RFC_PLAIN) + 1, body);
    char b64[400];
    b64url_encode(body, n, b64, sizeof b64);
    is_str(b64, RFC_BODY, "RFC 8291 A: published CEK and NONCE give the published body");

    n = rfc_body_with_record((const unsigned char *)"hi\x02\0\0\0\0", 7, body);
    ok(webpush_decrypt(ua_priv, auth, body, n, plain, sizeof plain, &plen) == WP_OK && plen == 2 &&
           !memcmp(plain, "hi", 2),
       "zero padding after the delimiter is stripped");
    n = rfc_body_with_record((const unsigned char *)"\x02", 1, body);
    ok(webpush_decrypt(ua_priv, auth, body, n, plain, sizeof plain, &plen) == WP_OK && plen == 0,
       "empty message (delimiter only)");
    n = rfc_body_with_record((const unsigned char *)"hi\x01", 3, body);
    is_int(webpush_decrypt(ua_priv, auth, body, n, plain, sizeof plain, &plen), WP_E_FORMAT,
           "0x01 delimiter (not the last record) refused");
    ok(plain[0] == 0 && plain[1] == 0, "refused plaintext is wiped from the output");
    n = rfc_body_with_record((const unsigned char *)"hi\x03\0", 4, body);
    is_int(webpush_decrypt(ua_priv, auth, body, n, plain, sizeof plain, &plen), WP_E_FORMAT,
           "other delimiter byte refused");
    n = rfc_body_with_record((const unsigned char *)"\0\0\0", 3, body);
    is_int(webpush_decrypt(ua_priv, auth, body, n, plain, sizeof plain, &plen), WP_E_FORMAT,
           "all-zero record (no delimiter) refused");

    is_int(aes128gcm_unpad((const unsigned char *)"", 0, &plen), WP_E_FORMAT, "unpad: empty");
    ok(aes128gcm_unpad((const unsigned char *)"a\x02\x02", 3, &plen) == WP_OK && plen == 2,
       "unpad: only the last non-zero byte is the delimiter");
}

static bool random_subscriber(unsigned char priv[32], unsigned char pub[65])
{
    for (int i = 0; i < 8; i++) {
        if (RAND_bytes(priv, 32) != 1)
            return false;
        struct vapid_key *k = vapid_from_private(priv);
        if (k) {
            memcpy(pub, vapid_public(k), 65);
            vapid_free(k);
            return true;
        }
    }
    return false;
}

static void test_round_trip(void)
{
    unsigned char priv[32], pub[65], auth[16], body[WP_MAX_BODY], body2[WP_MAX_BODY];
    unsigned char plain[WP_MAX_BODY], msg[WP_MAX_PLAINTEXT + 1];
    ok(random_subscriber(priv, pub) && RAND_bytes(auth, 16) == 1, "random subscriber keys");
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 3);
    static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, WP_MAX_PLAINTEXT};
    int good = 0;
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        size_t len = 0, plen = 0;
        if (webpush_encrypt(pub, auth, msg, sizes[i], NULL, body, sizeof body, &len) == WP_OK &&
            len == sizes[i] + WP_HEADER_LEN + 17 &&
            webpush_decrypt(priv, auth, body, len, plain, sizeof plain, &plen) == WP_OK &&
            plen == sizes[i] && memcmp(plain, msg, plen) == 0)
            good++;
        else
            printf("# round trip failed for %zu bytes\n", sizes[i]);
    }
    is_int(good, ARRAY_LEN(sizes), "round trips of 0..3993 bytes");

    size_t len = 0, len2 = 0, plen = 0;
    ok(webpush_encrypt(pub, auth, msg, WP_MAX_PLAINTEXT, NULL, body, sizeof body, &len) == WP_OK &&
           len == WP_MAX_BODY,
       "largest plaintext makes a 4096-byte body");
    is_int(webpush_encrypt(pub, auth, msg, WP_MAX_PLAINTEXT + 1, NULL, body, sizeof body, &len),
           WP_E_TOO_LARGE, "one byte more is refused");
    is_int(webpush_encrypt(pub, auth, msg, 10, NULL, body, WP_HEADER_LEN + 26, &len), WP_E_ARG,
           "output buffer one byte short is refused");

    webpush_encrypt(pub, auth, "same", 4, NULL, body, sizeof body, &len);
    webpush_encrypt(pub, auth, "same", 4, NULL, body2, sizeof body2, &len2);
    ok(len == len2 && memcmp(body, body2, 16) != 0 && memcmp(body + 21, body2 + 21, 65) != 0 &&
           memcmp(body + 86, body2 + 86, len - 86) != 0,
       "fresh salt and ephemeral key per message");

    /* Tampering and wrong keys. */
    unsigned char t[WP_MAX_BODY];
    memcpy(t, body, len);
    t[len - 1] ^= 1;
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_AUTH,
           "flipped tag bit refused");
    memcpy(t, body, len);
    t[WP_HEADER_LEN] ^= 0x80;
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_AUTH,
           "flipped ciphertext bit refused");
    memcpy(t, body, len);
    t[3] ^= 1;
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_AUTH,
           "flipped salt bit refused");
    unsigned char auth2[16];
    memcpy(auth2, auth, 16);
    auth2[0] ^= 1;
    is_int(webpush_decrypt(priv, auth2, body, len, plain, sizeof plain, &plen), WP_E_AUTH,
           "wrong auth secret refused");
    unsigned char priv2[32], pub2[65];
    random_subscriber(priv2, pub2);
    is_int(webpush_decrypt(priv2, auth, body, len, plain, sizeof plain, &plen), WP_E_AUTH,
           "another subscriber's key refused");
    memcpy(t, body, len);
    t[21 + 64] ^= 1; /* keyid's last Y byte: no longer on the curve */
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_FORMAT,
           "keyid off the curve refused");

    /* Header and length checks. */
    static const size_t shorts[] = {0, 1, 20, 21, 85, 86, 86 + 16};
    int refused = 0;
    for (size_t i = 0; i < ARRAY_LEN(shorts); i++)
        refused +=
            webpush_decrypt(priv, auth, body, shorts[i], plain, sizeof plain, &plen) == WP_E_FORMAT;
    is_int(refused, ARRAY_LEN(shorts), "short bodies (0..102 bytes) refused");
    is_int(webpush_decrypt(priv, auth, body, len - 1, plain, sizeof plain, &plen), WP_E_AUTH,
           "truncated by one byte: tag fails");
    memcpy(t, body, len);
    t[20] = 64;
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_FORMAT,
           "idlen other than 65 refused");
    memcpy(t, body, len);
    t[16] = t[17] = t[18] = 0;
    t[19] = 17;
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_FORMAT,
           "rs below 18 refused");
    t[19] = 18; /* record of 4+1+16 = 21 bytes is more than one record of 18 */
    is_int(webpush_decrypt(priv, auth, t, len, plain, sizeof plain, &plen), WP_E_FORMAT,
           "record longer than rs (several records) refused");
    is_int(webpush_decrypt(priv, auth, body, len, plain, 4, &plen), WP_E_ARG,
           "output buffer too small refused before decrypting");

    unsigned char bad[65];
    memcpy(bad, pub, 65);
    bad[64] ^= 1;
    is_int(webpush_encrypt(bad, auth, "x", 1, NULL, body, sizeof body, &len), WP_E_KEY,
           "encrypting to an off-curve p256dh refused");
    unsigned char zero[32] = {0};
    struct wp_fixed fx = {.as_private = zero, .salt = NULL};
    is_int(webpush_encrypt(pub, auth, "x", 1, &fx, body, sizeof body, &len), WP_E_CRYPTO,
           "zero ephemeral scalar refused");
    is_int(webpush_decrypt(zero, auth, body2, len2, plain, sizeof plain, &plen), WP_E_KEY,
           "zero subscriber scalar refused");
}

static void test_subscription_keys(void)
{
    unsigned char p[65], a[16], raw[66];
    char b64[100];
    ok(webpush_p256dh_decode(RFC_UA_PUBLIC, p), "p256dh: RFC subscriber key accepted");
    ok(!webpush_p256dh_decode(NULL, p), "p256dh: NULL refused");
    ok(!webpush_p256dh_decode("", p), "p256dh: empty refused");
    dec(RFC_UA_PUBLIC, raw, sizeof raw);
    b64url_encode(raw, 64, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: 64 bytes refused");
    raw[65] = 0;
    b64url_encode(raw, 66, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: 66 bytes refused");
    raw[64] ^= 1;
    b64url_encode(raw, 65, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: point off the curve refused");
    raw[64] ^= 1;
    raw[0] = 0x03;
    b64url_encode(raw, 65, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: not the uncompressed form (0x04) refused");
    memset(raw, 0xff, 65);
    raw[0] = 0x04;
    b64url_encode(raw, 65, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: coordinates beyond the field refused");
    memset(raw, 0, 65);
    raw[0] = 0x04;
    b64url_encode(raw, 65, b64, sizeof b64);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: (0,0) refused");
    snprintf(b64, sizeof b64, "%s=", RFC_UA_PUBLIC);
    ok(!webpush_p256dh_decode(b64, p), "p256dh: padding refused");

    ok(webpush_auth_decode(RFC_AUTH, a), "auth: 16 bytes accepted");
    ok(!webpush_auth_decode("BTBZMqHH6r4Tts7J_aSI", a), "auth: 15 bytes refused");
    ok(!webpush_auth_decode("BTBZMqHH6r4Tts7J_aSIggA", a), "auth: 17 bytes refused");
    ok(!webpush_auth_decode("", a), "auth: empty refused");
    ok(!webpush_auth_decode("BTBZMqHH6r4Tts7J/aSIgg", a), "auth: standard alphabet refused");
}

static EVP_PKEY *public_from_point(const unsigned char pt[65])
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, 65),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

/* Verifies a JWS r||s signature by turning it back into DER for OpenSSL. */
static bool es256_verify(const unsigned char pub[65], const char *data, size_t len,
                         const unsigned char sig[64])
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
    if (!s || !r || !ss || ECDSA_SIG_set0(s, r, ss) != 1)
        return false;
    unsigned char *der = NULL;
    int derlen = i2d_ECDSA_SIG(s, &der);
    EVP_PKEY *pk = public_from_point(pub);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool okay = derlen > 0 && pk && md &&
                EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
                EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)data, len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pk);
    OPENSSL_free(der);
    ECDSA_SIG_free(s);
    return okay;
}

/* Splits "h.c.s", checks the signature and returns the parsed claims. */
static cJSON *jwt_check(const char *jwt, const unsigned char pub[65], bool *sig_ok, char *hdr)
{
    const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    unsigned char buf[1024], sig[64];
    size_t n = 0, sn = 0;
    *sig_ok = false;
    if (!d2 || !b64url_decode(jwt, (size_t)(d1 - jwt), buf, sizeof buf - 1, &n))
        return NULL;
    buf[n] = 0;
    strcpy(hdr, (char *)buf);
    if (!b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof sig, &sn) || sn != 64)
        return NULL;
    *sig_ok = es256_verify(pub, jwt, (size_t)(d2 - jwt), sig);
    if (!b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), buf, sizeof buf - 1, &n))
        return NULL;
    buf[n] = 0;
    return cJSON_Parse((char *)buf);
}

static void test_jwt(void)
{
    struct vapid_key *k = vapid_generate();
    ok(k != NULL, "VAPID key generated");
    if (!k)
        return;
    is_int(strlen(vapid_public_b64(k)), 87, "public key text is 87 characters");
    unsigned char p[65];
    ok(webpush_p256dh_decode(vapid_public_b64(k), p) && memcmp(p, vapid_public(k), 65) == 0,
       "public key text decodes to the 65-byte point on the curve");

    const int64_t now = 1763879400, exp = now + VAPID_LIFETIME_S;
    char jwt[VAPID_HEADER_MAX], hdr[256];
    ok(vapid_jwt(k, "https://fcm.googleapis.com", "mailto:ops@example.org", exp, jwt, sizeof jwt),
       "JWT signed");
    bool sig_ok = false;
    cJSON *c = jwt_check(jwt, vapid_public(k), &sig_ok, hdr);
    ok(sig_ok, "ES256 signature (r||s) verifies with OpenSSL against the public key");
    is_str(hdr, "{\"typ\":\"JWT\",\"alg\":\"ES256\"}", "JWT header");
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(c, "aud");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(c, "exp");
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(c, "sub");
    is_str(cJSON_IsString(aud) ? aud->valuestring : NULL, "https://fcm.googleapis.com", "aud");
    ok(cJSON_IsNumber(ex) && (int64_t)ex->valuedouble == exp && exp - now <= 24 * 3600,
       "exp is the given time, within 24 h");
    is_str(cJSON_IsString(sub) ? sub->valuestring : NULL, "mailto:ops@example.org", "sub");
    cJSON_Delete(c);

    /* A signature by another key, or over other data, does not verify. */
    struct vapid_key *other = vapid_generate();
    c = jwt_check(jwt, vapid_public(other), &sig_ok, hdr);
    ok(!sig_ok, "the signature does not verify against another key");
    cJSON_Delete(c);
    vapid_free(other);
    char *dot = strchr(jwt, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    c = jwt_check(jwt, vapid_public(k), &sig_ok, hdr);
    ok(!sig_ok, "changed claims do not verify");
    cJSON_Delete(c);

    char auth[VAPID_HEADER_MAX];
    ok(vapid_authorization(k, "https://push.example.net", "https://carelog.example", exp, auth,
                           sizeof auth),
       "Authorization header made");
    char want_k[120];
    snprintf(want_k, sizeof want_k, ", k=%s", vapid_public_b64(k));
    ok(strncmp(auth, "vapid t=", 8) == 0 && strstr(auth, want_k) &&
           strlen(strstr(auth, want_k)) == strlen(want_k),
       "header is 'vapid t=<jwt>, k=<public key>'");
    *strstr(auth, ", k=") = 0;
    c = jwt_check(auth + 8, vapid_public(k), &sig_ok, hdr);
    ok(sig_ok && c, "the header's JWT verifies");
    cJSON_Delete(c);

    ok(!vapid_jwt(k, "https://x", "ops@example.org", exp, jwt, sizeof jwt),
       "sub without mailto:/https: refused");
    ok(!vapid_jwt(k, "https://x", "mailto:", exp, jwt, sizeof jwt), "empty mailto refused");
    ok(!vapid_jwt(k, "https://x", "mailto:a\"b@c", exp, jwt, sizeof jwt),
       "quote in sub refused (no JSON injection)");
    ok(!vapid_jwt(k, "https://x\"y", "mailto:a@b", exp, jwt, sizeof jwt), "quote in aud refused");
    ok(!vapid_jwt(k, "https://x", "mailto:a@b", exp, jwt, 100), "small output buffer refused");
    vapid_free(k);
}

static void test_origin(void)
{
    char o[WP_ORIGIN_MAX];
    ok(push_origin("https://fcm.googleapis.com/fcm/send/abc:def", o, sizeof o) &&
           !strcmp(o, "https://fcm.googleapis.com"),
       "origin: FCM");
    ok(push_origin("https://Updates.Push.Services.Mozilla.COM:443/wpush/v2/x", o, sizeof o) &&
           !strcmp(o, "https://updates.push.services.mozilla.com"),
       "origin: host lower-cased, default port dropped");
    ok(push_origin("https://push.example:8443/a?b#c", o, sizeof o) &&
           !strcmp(o, "https://push.example:8443"),
       "origin: explicit port kept");
    ok(push_origin("http://127.0.0.1:9000/push/a", o, sizeof o) &&
           !strcmp(o, "http://127.0.0.1:9000"),
       "origin: loopback http");
    ok(push_origin("https://user:pw@web.push.apple.com/x", o, sizeof o) &&
           !strcmp(o, "https://web.push.apple.com"),
       "origin: no userinfo");
    ok(!push_origin("ftp://example.com/x", o, sizeof o), "origin: ftp refused");
    ok(!push_origin("fcm.googleapis.com/fcm", o, sizeof o), "origin: no scheme refused");
    ok(!push_origin("https://", o, sizeof o), "origin: no host refused");
    ok(!push_origin("https://fcm.googleapis.com/x", o, 10), "origin: small buffer refused");
    ok(push_origin("https://[2001:db8::1]:8443/p", o, sizeof o) &&
           !strcmp(o, "https://[2001:db8::1]:8443"),
       "origin: IPv6 literal with a port");
    ok(push_origin("HTTP://Example.com:80/x", o, sizeof o) && !strcmp(o, "http://example.com"),
       "origin: http default port dropped, scheme lower-cased");
    ok(!push_origin("https://exa mple.com/x", o, sizeof o), "origin: space in host refused");
    ok(!push_origin("https://example.com:99999/x", o, sizeof o),
       "origin: port out of range refused");
    ok(!push_origin("https://example.com:/x", o, sizeof o), "origin: empty port refused");
    ok(!push_origin("https://example.com:12ab/x", o, sizeof o), "origin: non-numeric port refused");
}

static void test_cache(void)
{
    struct vapid_key *k = vapid_generate();
    struct vapid_cache c;
    ok(!vapid_cache_init(&c, k, "push@example.org"), "cache: bad sub refused");
    vapid_cache_free(&c);
    ok(vapid_cache_init(&c, k, "mailto:push@example.org"), "cache: ready");
    char h1[VAPID_HEADER_MAX], h2[VAPID_HEADER_MAX], h3[VAPID_HEADER_MAX];
    const int64_t now = 1763879400;
    ok(vapid_cache_header(&c, "https://fcm.googleapis.com/fcm/send/a", now, h1) &&
           c.signed_count == 1,
       "cache: first use signs");
    ok(vapid_cache_header(&c, "https://fcm.googleapis.com/fcm/send/b", now + 60, h2) &&
           c.signed_count == 1 && !strcmp(h1, h2),
       "cache: same origin reuses the header");
    ok(vapid_cache_header(&c, "https://updates.push.services.mozilla.com/wpush/v2/x", now, h3) &&
           c.signed_count == 2 && strcmp(h1, h3) != 0,
       "cache: another origin signs its own");
    int64_t last_reuse = now + VAPID_LIFETIME_S - VAPID_REUSE_MARGIN_S;
    ok(vapid_cache_header(&c, "https://fcm.googleapis.com/x", last_reuse, h2) &&
           c.signed_count == 2 && !strcmp(h1, h2),
       "cache: reused until an hour before exp");
    ok(vapid_cache_header(&c, "https://fcm.googleapis.com/x", last_reuse + 1, h2) &&
           c.signed_count == 3 && strcmp(h1, h2) != 0,
       "cache: re-signed after that");
    *strstr(h2, ", k=") = 0;
    bool sig_ok = false;
    char hdr[256];
    cJSON *cl = jwt_check(h2 + 8, vapid_public(k), &sig_ok, hdr);
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(cl, "exp");
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(cl, "aud");
    ok(sig_ok && cJSON_IsNumber(ex) &&
           (int64_t)ex->valuedouble == last_reuse + 1 + VAPID_LIFETIME_S,
       "cache: new JWT expires VAPID_LIFETIME_S after now");
    is_str(cJSON_IsString(aud) ? aud->valuestring : NULL, "https://fcm.googleapis.com",
           "cache: aud is the endpoint's origin");
    cJSON_Delete(cl);
    int filled = 0;
    for (int i = 0; i < 40; i++) {
        char ep[64];
        snprintf(ep, sizeof ep, "https://p%d.example/x", i);
        filled += vapid_cache_header(&c, ep, now, h3);
    }
    is_int(filled, 40, "cache: more origins than slots still get headers");
    ok(!vapid_cache_header(&c, "mailto:x", now, h3), "cache: not a URL refused");
    vapid_cache_free(&c);
    vapid_free(k);
}

static void test_key_files(void)
{
    char dir[] = "/tmp/carelog-vapid-XXXXXX", path[256], err[200];
    ok(mkdtemp(dir) != NULL, "temporary directory");
    snprintf(path, sizeof path, "%s/vapid.pem", dir);
    struct vapid_key *k = vapid_generate();
    mode_t old = umask(0);
    ok(vapid_save_pem(k, path, err, sizeof err), "key saved even with umask 0");
    umask(old);
    struct stat st;
    ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "key file mode is 0600");
    ok(!vapid_save_pem(k, path, err, sizeof err) && strstr(err, "already exists"),
       "an existing key is never replaced");
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    ok(access(tmp, F_OK) != 0, "no temporary file left behind");

    struct vapid_key *l = vapid_load_pem(path, err, sizeof err);
    ok(l && memcmp(vapid_public(l), vapid_public(k), 65) == 0,
       "loaded key has the same public key");
    char jwt[VAPID_HEADER_MAX], hdr[256];
    bool sig_ok = false;
    ok(l && vapid_jwt(l, "https://a.example", "mailto:a@b", 2000000000, jwt, sizeof jwt),
       "loaded key signs");
    cJSON_Delete(jwt_check(jwt, vapid_public(k), &sig_ok, hdr));
    ok(sig_ok, "its signature verifies with the saved key's public key");
    vapid_free(l);

    chmod(path, 0640);
    l = vapid_load_pem(path, err, sizeof err);
    ok(!l && strstr(err, "chmod 600"), "group-readable key refused");
    vapid_free(l);
    chmod(path, 0600);

    char link_path[300];
    snprintf(link_path, sizeof link_path, "%s/link.pem", dir);
    ok(symlink(path, link_path) == 0, "symlink made");
    l = vapid_load_pem(link_path, err, sizeof err);
    ok(!l, "key through a symlink refused");
    vapid_free(l);

    /* A P-384 key and a non-key are refused. */
    char p384[300], junk[300];
    snprintf(p384, sizeof p384, "%s/p384.pem", dir);
    snprintf(junk, sizeof junk, "%s/junk.pem", dir);
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    int fd = open(p384, O_WRONLY | O_CREAT | O_EXCL, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    ok(f && PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) == 1, "P-384 key written");
    if (f)
        fclose(f);
    EVP_PKEY_free(pk);
    l = vapid_load_pem(p384, err, sizeof err);
    ok(!l && strstr(err, "P-256"), "P-384 key refused");
    vapid_free(l);
    fd = open(junk, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ok(fd >= 0 && write(fd, "not a key\n", 10) == 10, "junk file written");
    close(fd);
    l = vapid_load_pem(junk, err, sizeof err);
    ok(!l, "junk refused");
    vapid_free(l);
    /* An encrypted PEM fails at once (no terminal prompt). */
    char enc[300];
    snprintf(enc, sizeof enc, "%s/enc.pem", dir);
    pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    fd = open(enc, O_WRONLY | O_CREAT | O_EXCL, 0600);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    ok(f && PEM_write_PrivateKey(f, pk, EVP_aes_128_cbc(), (unsigned char *)"pw", 2, NULL, NULL) ==
                1,
       "encrypted P-256 key written");
    if (f)
        fclose(f);
    EVP_PKEY_free(pk);
    l = vapid_load_pem(enc, err, sizeof err);
    ok(!l, "encrypted key refused without prompting");
    vapid_free(l);
    unlink(enc);
    l = vapid_load_pem(dir, err, sizeof err);
    ok(!l, "directory refused");
    vapid_free(l);

    unlink(link_path);
    unlink(p384);
    unlink(junk);
    unlink(path);
    rmdir(dir);
    vapid_free(k);
}

int main(void)
{
    test_base64url();
    test_rfc8291_vector();
    test_padding();
    test_round_trip();
    test_subscription_keys();
    test_jwt();
    test_origin();
    test_cache();
    test_key_files();
    is_str(wp_status_text(WP_E_AUTH), "authentication tag mismatch", "status text");
    return done_testing();
}
