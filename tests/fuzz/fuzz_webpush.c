/* fuzz_webpush.c — libFuzzer target for what Web Push parses from outside:
 * base64url, aes128gcm bodies (header parser, decryption, padding), the
 * subscription key checks, endpoint origins and Retry-After values; plus an
 * encrypt/decrypt round trip of arbitrary plaintexts. The first byte picks
 * the parser; properties that must hold abort() when they do not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push/pushsend.h"
#include "util/util.h"
#include "push/webpush.h"

/* RFC 8291 Appendix A subscriber: private key and auth secret. */
static const unsigned char ua_private[32] = {
    0xab, 0x57, 0x57, 0xa7, 0x0d, 0xd4, 0xa5, 0x3e, 0x55, 0x3a, 0x6b, 0xbf, 0x71, 0xff, 0xef, 0xea,
    0x28, 0x74, 0xec, 0x07, 0xa6, 0xb3, 0x79, 0xe3, 0xc4, 0x8f, 0x89, 0x5a, 0x02, 0xdc, 0x33, 0xde};
static const unsigned char auth[16] = {0x05, 0x30, 0x59, 0x32, 0xa1, 0xc7, 0xea, 0xbe,
                                       0x13, 0xb6, 0xce, 0xc9, 0xfd, 0xa4, 0x88, 0x82};

static void check(int cond)
{
    if (!cond)
        abort();
}

static void fuzz_b64url(const uint8_t *d, size_t n)
{
    unsigned char out[4096];
    char again[6000];
    size_t len = 0;
    if (!b64url_decode((const char *)d, n, out, sizeof out, &len))
        return;
    /* Strict decoding accepts only canonical text: it must encode back. */
    check(len <= n);
    check(b64url_encode(out, len, again, sizeof again));
    check(strlen(again) == n && memcmp(again, d, n) == 0);
}

static void fuzz_decrypt(const uint8_t *d, size_t n)
{
    struct aes128gcm_header h;
    if (aes128gcm_header_parse(d, n, &h) == WP_OK) {
        check(h.idlen == WP_POINT_LEN && h.rs >= 18);
        check(h.record >= d && h.record + h.record_len == d + n);
        check(h.record_len >= 17 && h.record_len <= h.rs);
    }
    unsigned char out[8192];
    size_t len = 0;
    enum wp_status st = webpush_decrypt(ua_private, auth, d, n, out, sizeof out, &len);
    /* Without the keys a forged body cannot pass the tag. */
    check(st != WP_OK || n >= WP_HEADER_LEN + 17);
}

static void fuzz_unpad(const uint8_t *d, size_t n)
{
    size_t len = 0;
    if (aes128gcm_unpad(d, n, &len) != WP_OK)
        return;
    check(len < n && d[len] == 0x02);
    for (size_t i = len + 1; i < n; i++)
        check(d[i] == 0);
}

static void fuzz_texts(const uint8_t *d, size_t n)
{
    char s[512];
    if (n >= sizeof s)
        n = sizeof s - 1;
    memcpy(s, d, n);
    s[n] = '\0';
    unsigned char point[WP_POINT_LEN], a[WP_AUTH_LEN];
    if (webpush_p256dh_decode(s, point))
        check(point[0] == 0x04 && strlen(s) == WP_POINT_B64_LEN);
    if (webpush_auth_decode(s, a))
        check(strlen(s) == 22);
    char origin[WP_ORIGIN_MAX];
    if (push_origin(s, origin, sizeof origin))
        check(strncmp(origin, "http", 4) == 0 && strlen(origin) < sizeof origin);
    int64_t delay = -1;
    if (push_retry_after_parse(s, 1700000000, &delay))
        check(delay >= 0);
}

static void fuzz_round_trip(const uint8_t *d, size_t n)
{
    static unsigned char ua_public[WP_POINT_LEN];
    static int have_public;
    if (!have_public) {
        struct vapid_key *k = vapid_from_private(ua_private);
        check(k != NULL);
        memcpy(ua_public, vapid_public(k), WP_POINT_LEN);
        vapid_free(k);
        have_public = 1;
    }
    static const unsigned char salt[16] = {1, 2, 3};
    static const unsigned char as_private[32] = {[31] = 7};
    struct wp_fixed fx = {.as_private = as_private, .salt = salt};
    unsigned char body[WP_MAX_BODY], plain[WP_MAX_BODY];
    size_t blen = 0, plen = 0;
    enum wp_status st = webpush_encrypt(ua_public, auth, d, n, &fx, body, sizeof body, &blen);
    if (n > WP_MAX_PLAINTEXT) {
        check(st == WP_E_TOO_LARGE);
        return;
    }
    check(st == WP_OK && blen == n + WP_HEADER_LEN + 17);
    check(webpush_decrypt(ua_private, auth, body, blen, plain, sizeof plain, &plen) == WP_OK);
    check(plen == n && memcmp(plain, d, n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    switch (data[0] % 5) {
    case 0:
        fuzz_b64url(d, n);
        break;
    case 1:
        fuzz_decrypt(d, n);
        break;
    case 2:
        fuzz_unpad(d, n);
        break;
    case 3:
        fuzz_texts(d, n);
        break;
    default:
        fuzz_round_trip(d, n);
        break;
    }
    return 0;
}
