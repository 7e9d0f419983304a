/* webpush.h — the cryptography of Web Push: VAPID keys and ES256 JWTs
 * (RFC 8292), message encryption and decryption in the aes128gcm content
 * coding (RFC 8291 over RFC 8188), and checks of the keys a browser hands us
 * in a PushSubscription. Nothing here logs, and no error text carries key
 * material. Everything is thread-safe except a vapid_cache, which belongs to
 * one sender pass. */
#ifndef CARELOG_WEBPUSH_H
#define CARELOG_WEBPUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WP_POINT_LEN         65 /* uncompressed P-256 point: 0x04 | X | Y */
#define WP_SCALAR_LEN        32 /* a P-256 private key */
#define WP_AUTH_LEN          16 /* the subscription's auth secret */
#define WP_SALT_LEN          16
#define WP_TAG_LEN           16
#define WP_RECORD_SIZE       4096
#define WP_HEADER_LEN        (WP_SALT_LEN + 4 + 1 + WP_POINT_LEN) /* 86 */
#define WP_MAX_BODY          4096                                 /* what push services accept */
#define WP_MAX_PLAINTEXT     (WP_MAX_BODY - WP_HEADER_LEN - 1 - WP_TAG_LEN) /* 3993 */
#define WP_POINT_B64_LEN     87 /* base64url characters of a point, without NUL */
#define WP_ORIGIN_MAX        256
#define VAPID_SUB_MAX        256
#define VAPID_HEADER_MAX     1024        /* an Authorization header value, with NUL */
#define VAPID_LIFETIME_S     (12 * 3600) /* JWT lifetime we sign; RFC 8292 allows 24 h */
#define VAPID_REUSE_MARGIN_S 3600        /* stop reusing a JWT this long before it expires */

enum wp_status {
    WP_OK = 0,
    WP_E_ARG,       /* a parameter out of range, or an output buffer too small */
    WP_E_TOO_LARGE, /* the plaintext would make the body exceed WP_MAX_BODY */
    WP_E_KEY,       /* a key is not a valid P-256 point or scalar */
    WP_E_FORMAT,    /* a body that is not a single-record aes128gcm message */
    WP_E_AUTH,      /* the tag did not verify: wrong keys or tampered body */
    WP_E_CRYPTO,    /* OpenSSL failed (out of memory, no provider) */
};
const char *wp_status_text(enum wp_status s);

/* ---- subscription keys (PushSubscription.toJSON().keys) ---- */

/* `p256dh`: base64url of exactly 65 bytes forming a valid point on P-256. */
bool webpush_p256dh_decode(const char *b64, unsigned char out[WP_POINT_LEN]);
/* `auth`: base64url of exactly 16 bytes. */
bool webpush_auth_decode(const char *b64, unsigned char out[WP_AUTH_LEN]);

/* ---- VAPID key pair ---- */

struct vapid_key; /* read-only once made: may be shared between threads */

struct vapid_key *vapid_generate(void);
/* The pair from a raw 32-byte private scalar (web-push's VAPID_PRIVATE_KEY). */
struct vapid_key *vapid_from_private(const unsigned char d[WP_SCALAR_LEN]);
/* Writes the private key as PKCS#8 PEM. The file is created 0600 under a
 * temporary name with O_EXCL and then linked into place, so it is never
 * readable by others, never half-written at `path`, and an existing key is
 * never replaced (that would orphan every subscription). */
bool vapid_save_pem(const struct vapid_key *k, const char *path, char *err, size_t errsz);
/* Loads an unencrypted P-256 private key PEM; refuses a file that is not
 * regular, is a symlink, or grants any permission to group or others. */
struct vapid_key *vapid_load_pem(const char *path, char *err, size_t errsz);
void vapid_free(struct vapid_key *k);
/* The public key as the 65-byte point, and as the base64url text that
 * browsers take as `applicationServerKey` (87 characters). */
const unsigned char *vapid_public(const struct vapid_key *k);
const char *vapid_public_b64(const struct vapid_key *k);

/* ---- VAPID JWT ---- */

/* The origin of a push endpoint URL, "scheme://host[:port]" with the scheme
 * and host lower-cased and a default port left out: the JWT's `aud`. Only
 * http and https URLs. */
bool push_origin(const char *endpoint, char *out, size_t outsz);
/* `sub` must be a "mailto:" or "https:" URI of printable ASCII without
 * quotes or backslashes, at most VAPID_SUB_MAX - 1 characters. */
bool vapid_sub_is_valid(const char *sub);
/* An ES256 JWT {"typ":"JWT","alg":"ES256"}.{"aud","exp","sub"} with the raw
 * r||s signature. `exp` is epoch seconds. */
bool vapid_jwt(const struct vapid_key *k, const char *aud, const char *sub, int64_t exp, char *out,
               size_t outsz);
/* The Authorization header value "vapid t=<jwt>, k=<public key>". */
bool vapid_authorization(const struct vapid_key *k, const char *aud, const char *sub, int64_t exp,
                         char *out, size_t outsz);

/* Per-origin Authorization headers for one sender pass: a JWT is signed once
 * per push service and reused until VAPID_REUSE_MARGIN_S before it expires.
 * Not thread-safe: one cache per thread. */
struct vapid_cache_entry;
struct vapid_cache {
    const struct vapid_key *key;
    char sub[VAPID_SUB_MAX];
    struct vapid_cache_entry *v;
    size_t n;
    long signed_count; /* JWTs signed so far, for figures and tests */
};
bool vapid_cache_init(struct vapid_cache *c, const struct vapid_key *k, const char *sub);
/* Copies the header for `endpoint`'s origin into out[VAPID_HEADER_MAX],
 * signing a new JWT (exp = now_s + VAPID_LIFETIME_S) when needed. */
bool vapid_cache_header(struct vapid_cache *c, const char *endpoint, int64_t now_s,
                        char out[VAPID_HEADER_MAX]);
void vapid_cache_free(struct vapid_cache *c);

/* ---- message encryption (RFC 8291, aes128gcm) ---- */

/* Fixed ephemeral key and salt, for reproducing test vectors only; pass NULL
 * in production so both are fresh and random for every message. */
struct wp_fixed {
    const unsigned char *as_private; /* 32 bytes, or NULL */
    const unsigned char *salt;       /* 16 bytes, or NULL */
};

/* Encrypts `plain` for the subscriber into the complete request body:
 * salt(16) | rs(4) = 4096 | idlen(1) = 65 | ephemeral public key(65) |
 * one record = ciphertext of (plain | 0x02) and the 16-byte tag.
 * `out` needs plain_len + WP_HEADER_LEN + 17 bytes (WP_MAX_BODY always
 * suffices). WP_E_TOO_LARGE above WP_MAX_PLAINTEXT bytes. */
enum wp_status webpush_encrypt(const unsigned char ua_public[WP_POINT_LEN],
                               const unsigned char auth[WP_AUTH_LEN], const void *plain,
                               size_t plain_len, const struct wp_fixed *fixed, unsigned char *out,
                               size_t outsz, size_t *outlen);

/* The fields of an aes128gcm body; pointers into the body. */
struct aes128gcm_header {
    const unsigned char *salt; /* 16 bytes */
    uint32_t rs;
    const unsigned char *keyid;
    size_t idlen;
    const unsigned char *record; /* ciphertext and tag */
    size_t record_len;
};
/* Splits a body into its header fields and record, checking what a Web Push
 * receiver must: rs >= 18, idlen == 65, a single record (record_len <= rs)
 * of at least one byte plus the tag. Never reads past `len`. */
enum wp_status aes128gcm_header_parse(const unsigned char *body, size_t len,
                                      struct aes128gcm_header *h);
/* Strips the padding of a decrypted final record: trailing zeros, then the
 * 0x02 delimiter. WP_E_FORMAT when there is no delimiter or it is 0x01 (a
 * non-final record). */
enum wp_status aes128gcm_unpad(const unsigned char *rec, size_t len, size_t *plain_len);

/* The subscriber's side: decrypts a body with the subscriber's private key
 * and auth secret. `out` needs record_len - 16 bytes (the padded plaintext);
 * on failure nothing unauthenticated is left in it. */
enum wp_status webpush_decrypt(const unsigned char ua_private[WP_SCALAR_LEN],
                               const unsigned char auth[WP_AUTH_LEN], const unsigned char *body,
                               size_t len, unsigned char *out, size_t outsz, size_t *outlen);

#endif
