/* webpush.c — Web Push cryptography: VAPID keys and ES256 JWTs (RFC 8292),
 * aes128gcm message encryption and decryption (RFC 8291, RFC 8188), and
 * subscription key checks. P-256, ECDSA and AES-GCM come from OpenSSL 3
 * (libsodium has neither); HMAC-SHA256 for HKDF and base64url come from
 * libsodium. */
#include "push/webpush.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "util/util.h"

#define P256_GROUP "prime256v1"

struct vapid_key {
    EVP_PKEY *pkey;
    unsigned char pub[WP_POINT_LEN];
    char pub_b64[WP_POINT_B64_LEN + 1];
};

struct vapid_cache_entry {
    char origin[WP_ORIGIN_MAX];
    char header[VAPID_HEADER_MAX];
    int64_t exp;
};
#define VAPID_CACHE_SLOTS 32

const char *wp_status_text(enum wp_status s)
{
    switch (s) {
    case WP_OK:
        return "ok";
    case WP_E_ARG:
        return "bad argument or buffer too small";
    case WP_E_TOO_LARGE:
        return "payload too large";
    case WP_E_KEY:
        return "invalid key";
    case WP_E_FORMAT:
        return "malformed aes128gcm body";
    case WP_E_AUTH:
        return "authentication tag mismatch";
    case WP_E_CRYPTO:
        return "crypto library failure";
    }
    return "unknown";
}

static void set_err(char *err, size_t errsz, const char *msg, const char *detail)
{
    if (err && errsz)
        snprintf(err, errsz, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
}

/* ---- P-256 keys from raw bytes ---- */

/* A public key from an uncompressed point, checked to lie on the curve. */
static EVP_PKEY *p256_public_from_point(const unsigned char pt[WP_POINT_LEN])
{
    if (pt[0] != 0x04)
        return NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)P256_GROUP, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, WP_POINT_LEN),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (pk) {
        /* fromdata already refuses off-curve points; the quick check also
         * refuses infinity. It skips the n·P == O test, which P-256 does not
         * need (cofactor 1: every point on the curve is in the group), and
         * which would cost a scalar multiplication per message. */
        EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
        if (!chk || EVP_PKEY_public_check_quick(chk) != 1) {
            EVP_PKEY_free(pk);
            pk = NULL;
        }
        EVP_PKEY_CTX_free(chk);
    }
    ERR_clear_error();
    return pk;
}

static bool p256_point_of(EVP_PKEY *pk, unsigned char out[WP_POINT_LEN])
{
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, WP_POINT_LEN,
                                        &n) != 1 ||
        n != WP_POINT_LEN || out[0] != 0x04) {
        ERR_clear_error();
        return false;
    }
    return true;
}

/* d·G as an uncompressed point; false unless 0 < d < n. */
static bool p256_point_from_scalar(const BIGNUM *d, unsigned char out[WP_POINT_LEN])
{
    bool okay = false;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT *p = g ? EC_POINT_new(g) : NULL;
    if (p && !BN_is_zero(d) && !BN_is_negative(d) && BN_cmp(d, EC_GROUP_get0_order(g)) < 0 &&
        EC_POINT_mul(g, p, d, NULL, NULL, NULL) == 1 &&
        EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out, WP_POINT_LEN, NULL) ==
            WP_POINT_LEN)
        okay = true;
    EC_POINT_free(p);
    EC_GROUP_free(g);
    ERR_clear_error();
    return okay;
}

/* A key pair from a raw private scalar; the public point is derived. */
static EVP_PKEY *p256_keypair_from_scalar(const unsigned char raw[WP_SCALAR_LEN],
                                          unsigned char pub[WP_POINT_LEN])
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM *params = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    BIGNUM *d = BN_secure_new();
    if (!d || !BN_bin2bn(raw, WP_SCALAR_LEN, d) || !p256_point_from_scalar(d, pub))
        goto out;
    bld = OSSL_PARAM_BLD_new();
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, P256_GROUP, 0) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, WP_POINT_LEN))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEYPAIR, params) <= 0)
        pk = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* the private scalar was copied into secure memory */
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    ERR_clear_error();
    return pk;
}

static EVP_PKEY *p256_generate(void)
{
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ERR_clear_error();
    return pk;
}

/* `peer` must come from p256_public_from_point, which has checked it: the
 * default set_peer would check it again, with a scalar multiplication. */
static bool ecdh_p256(EVP_PKEY *priv, EVP_PKEY *peer, unsigned char out[32])
{
    size_t n = 32;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
    bool okay = ctx && EVP_PKEY_derive_init(ctx) == 1 &&
                EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
                EVP_PKEY_derive(ctx, out, &n) == 1 && n == 32;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return okay;
}

/* ---- subscription keys ---- */

bool webpush_p256dh_decode(const char *b64, unsigned char out[WP_POINT_LEN])
{
    size_t n = 0;
    if (!b64 || !b64url_decode(b64, strlen(b64), out, WP_POINT_LEN, &n) || n != WP_POINT_LEN)
        return false;
    EVP_PKEY *pk = p256_public_from_point(out);
    EVP_PKEY_free(pk);
    return pk != NULL;
}

bool webpush_auth_decode(const char *b64, unsigned char out[WP_AUTH_LEN])
{
    size_t n = 0;
    return b64 && b64url_decode(b64, strlen(b64), out, WP_AUTH_LEN, &n) && n == WP_AUTH_LEN;
}

/* ---- VAPID key pair ---- */

static struct vapid_key *vapid_wrap(EVP_PKEY *pk)
{
    struct vapid_key *k = pk ? calloc(1, sizeof *k) : NULL;
    if (!k || !p256_point_of(pk, k->pub) ||
        !b64url_encode(k->pub, WP_POINT_LEN, k->pub_b64, sizeof k->pub_b64)) {
        EVP_PKEY_free(pk);
        free(k);
        return NULL;
    }
    k->pkey = pk;
    return k;
}

struct vapid_key *vapid_generate(void)
{
    return vapid_wrap(p256_generate());
}

struct vapid_key *vapid_from_private(const unsigned char d[WP_SCALAR_LEN])
{
    unsigned char pub[WP_POINT_LEN];
    return vapid_wrap(p256_keypair_from_scalar(d, pub));
}

void vapid_free(struct vapid_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

const unsigned char *vapid_public(const struct vapid_key *k)
{
    return k->pub;
}

const char *vapid_public_b64(const struct vapid_key *k)
{
    return k->pub_b64;
}

static bool write_pem_fd(int fd, EVP_PKEY *pk)
{
    BIO *bio = BIO_new_fd(fd, BIO_NOCLOSE);
    bool okay = bio && PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) == 1 &&
                BIO_flush(bio) == 1;
    BIO_free(bio);
    ERR_clear_error();
    return okay;
}

bool vapid_save_pem(const struct vapid_key *k, const char *path, char *err, size_t errsz)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        set_err(err, errsz, "vapid key path too long", NULL);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_err(err, errsz, "cannot create vapid key file", strerror(errno));
        return false;
    }
    bool okay = write_pem_fd(fd, k->pkey);
    if (!okay)
        set_err(err, errsz, "cannot write vapid key", NULL);
    else if (fsync(fd) != 0) {
        set_err(err, errsz, "cannot sync vapid key", strerror(errno));
        okay = false;
    }
    if (close(fd) != 0 && okay) {
        set_err(err, errsz, "cannot close vapid key", strerror(errno));
        okay = false;
    }
    /* link() never replaces an existing file, unlike rename(). */
    if (okay && link(tmp, path) != 0) {
        set_err(err, errsz, errno == EEXIST ? "vapid key already exists" : "cannot place vapid key",
                errno == EEXIST ? NULL : strerror(errno));
        okay = false;
    }
    if (unlink(tmp) != 0 && okay) {
        set_err(err, errsz, "cannot remove temporary vapid key", strerror(errno));
        okay = false;
    }
    return okay;
}

static bool is_p256(EVP_PKEY *pk)
{
    char group[64];
    size_t n = 0;
    bool okay = EVP_PKEY_is_a(pk, "EC") &&
                EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                               &n) == 1 &&
                strcmp(group, P256_GROUP) == 0;
    ERR_clear_error();
    return okay;
}

/* OpenSSL's default would prompt on the terminal for an encrypted PEM; a
 * sender run by cron or lighttpd must fail instead. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

struct vapid_key *vapid_load_pem(const char *path, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errsz, "cannot open vapid key", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, errsz, "vapid key is not a regular file", NULL);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        set_err(err, errsz, "vapid key is accessible to group or others (chmod 600)", NULL);
        close(fd);
        return NULL;
    }
    BIO *bio = BIO_new_fd(fd, BIO_NOCLOSE);
    EVP_PKEY *pk = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
    BIO_free(bio);
    close(fd);
    ERR_clear_error();
    if (!pk || !is_p256(pk)) {
        set_err(err, errsz, "vapid key is not a P-256 private key PEM", NULL);
        EVP_PKEY_free(pk);
        return NULL;
    }
    struct vapid_key *k = vapid_wrap(pk);
    if (!k)
        set_err(err, errsz, "cannot use vapid key", NULL);
    return k;
}

/* ---- VAPID JWT ---- */

/* scheme://host[:port] of an endpoint, as VAPID's `aud` wants it: scheme and
 * host lower-cased, userinfo dropped, a default port left out. Hand-written
 * (no libcurl) so that programs which only show or check endpoints do not
 * load libcurl; strict: a malformed authority is refused, not guessed at. */
bool push_origin(const char *endpoint, char *out, size_t outsz)
{
    if (!endpoint)
        return false;
    bool https = ascii_nieq(endpoint, "https://", 8);
    if (!https && !ascii_nieq(endpoint, "http://", 7))
        return false;
    const char *auth = endpoint + (https ? 8 : 7);
    size_t alen = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', alen);
    if (at) { /* user:password@ — not part of the origin */
        alen -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    const char *host = auth, *port = NULL;
    size_t hlen = alen, plen = 0;
    if (alen && auth[0] == '[') { /* an IPv6 literal */
        const char *close = memchr(auth, ']', alen);
        if (!close)
            return false;
        hlen = (size_t)(close + 1 - auth);
        if (hlen < alen && auth[hlen] != ':')
            return false;
    } else {
        const char *colon = memchr(auth, ':', alen);
        hlen = colon ? (size_t)(colon - auth) : alen;
    }
    if (hlen < alen) {
        port = auth + hlen + 1;
        plen = alen - hlen - 1;
    }
    if (hlen == 0 || hlen > 253 || plen > 5 || (port && plen == 0))
        return false;
    for (size_t i = 0; i < hlen; i++) {
        char c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '[' || c == ']' || c == ':'))
            return false;
    }
    long pnum = 0;
    for (size_t i = 0; i < plen; i++) {
        if (port[i] < '0' || port[i] > '9')
            return false;
        pnum = pnum * 10 + (port[i] - '0');
    }
    if (port && (pnum < 1 || pnum > 65535))
        return false;
    bool default_port = !port || pnum == (https ? 443 : 80);
    int n = default_port
                ? snprintf(out, outsz, "%s://%.*s", https ? "https" : "http", (int)hlen, host)
                : snprintf(out, outsz, "%s://%.*s:%ld", https ? "https" : "http", (int)hlen, host,
                           pnum);
    if (n < 0 || (size_t)n >= outsz)
        return false;
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return true;
}

/* JSON-safe without escaping: printable ASCII except quote and backslash. */
static bool plain_json_text(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= max || s[n] < 0x21 || s[n] > 0x7e || s[n] == '"' || s[n] == '\\')
            return false;
    return n > 0;
}

bool vapid_sub_is_valid(const char *sub)
{
    if (!sub)
        return false;
    size_t prefix = strncmp(sub, "mailto:", 7) == 0 ? 7 : strncmp(sub, "https:", 6) == 0 ? 6 : 0;
    return prefix && sub[prefix] && plain_json_text(sub, VAPID_SUB_MAX - 1);
}

/* ES256 over `in`: OpenSSL produces DER; JWS wants r and s as two 32-byte
 * big-endian numbers (RFC 7518 §3.4). */
static bool es256_sign(EVP_PKEY *pk, const char *in, size_t len, unsigned char sig[64])
{
    unsigned char der[128];
    size_t derlen = sizeof der;
    bool okay = false;
    ECDSA_SIG *s = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
        EVP_DigestSign(md, der, &derlen, (const unsigned char *)in, len) != 1)
        goto out;
    const unsigned char *p = der;
    s = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
    if (!s)
        goto out;
    const BIGNUM *r = NULL, *ss = NULL;
    ECDSA_SIG_get0(s, &r, &ss);
    okay = BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(ss, sig + 32, 32) == 32;
out:
    ECDSA_SIG_free(s);
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return okay;
}

bool vapid_jwt(const struct vapid_key *k, const char *aud, const char *sub, int64_t exp, char *out,
               size_t outsz)
{
    static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
    char claims[WP_ORIGIN_MAX + VAPID_SUB_MAX + 64];
    if (!k || !aud || !plain_json_text(aud, WP_ORIGIN_MAX - 1) || !vapid_sub_is_valid(sub) ||
        exp <= 0)
        return false;
    int n = snprintf(claims, sizeof claims, "{\"aud\":\"%s\",\"exp\":%lld,\"sub\":\"%s\"}", aud,
                     (long long)exp, sub);
    if (n < 0 || (size_t)n >= sizeof claims)
        return false;
    size_t hlen = b64url_len(sizeof header - 1), clen = b64url_len((size_t)n);
    size_t need = hlen + 1 + clen + 1 + b64url_len(64) + 1;
    if (outsz < need)
        return false;
    b64url_encode((const unsigned char *)header, sizeof header - 1, out, outsz);
    out[hlen] = '.';
    b64url_encode((const unsigned char *)claims, (size_t)n, out + hlen + 1, outsz - hlen - 1);
    size_t signed_len = hlen + 1 + clen;
    unsigned char sig[64];
    if (!es256_sign(k->pkey, out, signed_len, sig))
        return false;
    out[signed_len] = '.';
    return b64url_encode(sig, sizeof sig, out + signed_len + 1, outsz - signed_len - 1);
}

bool vapid_authorization(const struct vapid_key *k, const char *aud, const char *sub, int64_t exp,
                         char *out, size_t outsz)
{
    static const char pre[] = "vapid t=";
    if (outsz < sizeof pre ||
        !vapid_jwt(k, aud, sub, exp, out + sizeof pre - 1, outsz - (sizeof pre - 1)))
        return false;
    memcpy(out, pre, sizeof pre - 1);
    size_t len = strlen(out);
    int n = snprintf(out + len, outsz - len, ", k=%s", k->pub_b64);
    return n > 0 && (size_t)n < outsz - len;
}

bool vapid_cache_init(struct vapid_cache *c, const struct vapid_key *k, const char *sub)
{
    memset(c, 0, sizeof *c);
    if (!k || !vapid_sub_is_valid(sub))
        return false;
    c->v = calloc(VAPID_CACHE_SLOTS, sizeof *c->v);
    if (!c->v)
        return false;
    c->key = k;
    snprintf(c->sub, sizeof c->sub, "%s", sub);
    return true;
}

bool vapid_cache_header(struct vapid_cache *c, const char *endpoint, int64_t now_s,
                        char out[VAPID_HEADER_MAX])
{
    char origin[WP_ORIGIN_MAX];
    if (!c->v || !push_origin(endpoint, origin, sizeof origin))
        return false;
    struct vapid_cache_entry *e = NULL;
    for (size_t i = 0; i < c->n && !e; i++)
        if (strcmp(c->v[i].origin, origin) == 0)
            e = &c->v[i];
    if (!e) {
        if (c->n < VAPID_CACHE_SLOTS) {
            e = &c->v[c->n++];
        } else { /* full: the entry closest to expiry goes */
            e = &c->v[0];
            for (size_t i = 1; i < c->n; i++)
                if (c->v[i].exp < e->exp)
                    e = &c->v[i];
        }
        snprintf(e->origin, sizeof e->origin, "%s", origin);
        e->exp = 0;
    }
    if (now_s > e->exp - VAPID_REUSE_MARGIN_S) {
        int64_t exp = now_s + VAPID_LIFETIME_S;
        if (!vapid_authorization(c->key, origin, c->sub, exp, e->header, sizeof e->header)) {
            e->exp = 0;
            return false;
        }
        e->exp = exp;
        c->signed_count++;
    }
    memcpy(out, e->header, strlen(e->header) + 1);
    return true;
}

void vapid_cache_free(struct vapid_cache *c)
{
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

/* ---- key derivation (RFC 8291 §3.3, §3.4; RFC 8188 §2.2, §2.3) ---- */

/* HKDF-SHA256 (RFC 5869) for outputs of one block: every length Web Push
 * needs is at most 32 bytes, so Expand is a single HMAC. */
static void hkdf_extract(const unsigned char *salt, size_t saltlen, const unsigned char *ikm,
                         size_t ikmlen, unsigned char prk[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, salt, saltlen);
    crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
    crypto_auth_hmacsha256_final(&st, prk);
    sodium_memzero(&st, sizeof st);
}

static void hkdf_expand1(const unsigned char prk[32], const unsigned char *info, size_t infolen,
                         unsigned char *out, size_t outlen)
{
    static const unsigned char one = 1;
    unsigned char t[32];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, prk, 32);
    crypto_auth_hmacsha256_update(&st, info, infolen);
    crypto_auth_hmacsha256_update(&st, &one, 1);
    crypto_auth_hmacsha256_final(&st, t);
    memcpy(out, t, outlen);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(t, sizeof t);
}

/* The content-encryption key and nonce of record 0 from the ECDH secret. */
static void derive_cek_nonce(const unsigned char ecdh[32], const unsigned char auth[WP_AUTH_LEN],
                             const unsigned char ua_public[WP_POINT_LEN],
                             const unsigned char as_public[WP_POINT_LEN],
                             const unsigned char salt[WP_SALT_LEN], unsigned char cek[16],
                             unsigned char nonce[12])
{
    static const char key_label[] = "WebPush: info"; /* NUL included below */
    static const char cek_info[] = "Content-Encoding: aes128gcm";
    static const char nonce_info[] = "Content-Encoding: nonce";
    unsigned char key_info[sizeof key_label + 2 * WP_POINT_LEN];
    unsigned char prk_key[32], ikm[32], prk[32];

    memcpy(key_info, key_label, sizeof key_label);
    memcpy(key_info + sizeof key_label, ua_public, WP_POINT_LEN);
    memcpy(key_info + sizeof key_label + WP_POINT_LEN, as_public, WP_POINT_LEN);
    hkdf_extract(auth, WP_AUTH_LEN, ecdh, 32, prk_key);
    hkdf_expand1(prk_key, key_info, sizeof key_info, ikm, 32);
    hkdf_extract(salt, WP_SALT_LEN, ikm, 32, prk);
    hkdf_expand1(prk, (const unsigned char *)cek_info, sizeof cek_info, cek, 16);
    hkdf_expand1(prk, (const unsigned char *)nonce_info, sizeof nonce_info, nonce, 12);
    sodium_memzero(prk_key, sizeof prk_key);
    sodium_memzero(ikm, sizeof ikm);
    sodium_memzero(prk, sizeof prk);
}

/* ---- encryption ---- */

static bool gcm_seal(const unsigned char key[16], const unsigned char nonce[12],
                     const unsigned char *plain, size_t plen, unsigned char *out)
{
    static const unsigned char delimiter = 0x02; /* last (and only) record */
    int n1 = 0, n2 = 0, n3 = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    bool okay = c && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1 &&
                (plen == 0 || EVP_EncryptUpdate(c, out, &n1, plain, (int)plen) == 1) &&
                EVP_EncryptUpdate(c, out + n1, &n2, &delimiter, 1) == 1 &&
                EVP_EncryptFinal_ex(c, out + n1 + n2, &n3) == 1 &&
                (size_t)(n1 + n2 + n3) == plen + 1 &&
                EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, WP_TAG_LEN, out + plen + 1) == 1;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    return okay;
}

static void put_header(unsigned char *out, const unsigned char salt[WP_SALT_LEN],
                       const unsigned char as_public[WP_POINT_LEN])
{
    memcpy(out, salt, WP_SALT_LEN);
    out[16] = (WP_RECORD_SIZE >> 24) & 0xff;
    out[17] = (WP_RECORD_SIZE >> 16) & 0xff;
    out[18] = (WP_RECORD_SIZE >> 8) & 0xff;
    out[19] = WP_RECORD_SIZE & 0xff;
    out[20] = WP_POINT_LEN;
    memcpy(out + 21, as_public, WP_POINT_LEN);
}

enum wp_status webpush_encrypt(const unsigned char ua_public[WP_POINT_LEN],
                               const unsigned char auth[WP_AUTH_LEN], const void *plain,
                               size_t plain_len, const struct wp_fixed *fixed, unsigned char *out,
                               size_t outsz, size_t *outlen)
{
    if (plain_len > WP_MAX_PLAINTEXT)
        return WP_E_TOO_LARGE;
    size_t total = WP_HEADER_LEN + plain_len + 1 + WP_TAG_LEN;
    if (!ua_public || !auth || (!plain && plain_len) || !out || outsz < total)
        return WP_E_ARG;

    enum wp_status st = WP_E_CRYPTO;
    unsigned char salt[WP_SALT_LEN], as_public[WP_POINT_LEN], ecdh[32], cek[16], nonce[12];
    EVP_PKEY *as = NULL, *ua = p256_public_from_point(ua_public);
    if (!ua) {
        st = WP_E_KEY;
        goto out;
    }
    if (fixed && fixed->salt)
        memcpy(salt, fixed->salt, WP_SALT_LEN);
    else if (RAND_bytes(salt, WP_SALT_LEN) != 1)
        goto out;
    as = (fixed && fixed->as_private) ? p256_keypair_from_scalar(fixed->as_private, as_public)
                                      : p256_generate();
    if (!as || !p256_point_of(as, as_public) || !ecdh_p256(as, ua, ecdh))
        goto out;
    derive_cek_nonce(ecdh, auth, ua_public, as_public, salt, cek, nonce);
    put_header(out, salt, as_public);
    if (!gcm_seal(cek, nonce, plain, plain_len, out + WP_HEADER_LEN))
        goto out;
    *outlen = total;
    st = WP_OK;
out:
    sodium_memzero(ecdh, sizeof ecdh);
    sodium_memzero(cek, sizeof cek);
    sodium_memzero(nonce, sizeof nonce);
    EVP_PKEY_free(as);
    EVP_PKEY_free(ua);
    ERR_clear_error();
    return st;
}

/* ---- decryption ---- */

enum wp_status aes128gcm_header_parse(const unsigned char *body, size_t len,
                                      struct aes128gcm_header *h)
{
    if (!body || len < 21)
        return WP_E_FORMAT;
    h->salt = body;
    h->rs = (uint32_t)body[16] << 24 | (uint32_t)body[17] << 16 | (uint32_t)body[18] << 8 |
            (uint32_t)body[19];
    h->idlen = body[20];
    if (h->rs < 18 || h->idlen != WP_POINT_LEN || len - 21 < h->idlen)
        return WP_E_FORMAT;
    h->keyid = body + 21;
    h->record = h->keyid + h->idlen;
    h->record_len = len - 21 - h->idlen;
    /* One record: at least the delimiter and the tag, at most rs. */
    if (h->record_len < 1 + WP_TAG_LEN || h->record_len > h->rs)
        return WP_E_FORMAT;
    return WP_OK;
}

enum wp_status aes128gcm_unpad(const unsigned char *rec, size_t len, size_t *plain_len)
{
    size_t i = len;
    while (i > 0 && rec[i - 1] == 0)
        i--;
    if (i == 0 || rec[i - 1] != 0x02)
        return WP_E_FORMAT;
    *plain_len = i - 1;
    return WP_OK;
}

static enum wp_status gcm_open(const unsigned char key[16], const unsigned char nonce[12],
                               const unsigned char *rec, size_t len, unsigned char *out)
{
    size_t ctlen = len - WP_TAG_LEN;
    int n1 = 0, n2 = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    enum wp_status st = WP_E_CRYPTO;
    if (c && EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1 &&
        EVP_DecryptUpdate(c, out, &n1, rec, (int)ctlen) == 1 &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, WP_TAG_LEN, (void *)(rec + ctlen)) == 1)
        st = EVP_DecryptFinal_ex(c, out + n1, &n2) == 1 ? WP_OK : WP_E_AUTH;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    return st;
}

enum wp_status webpush_decrypt(const unsigned char ua_private[WP_SCALAR_LEN],
                               const unsigned char auth[WP_AUTH_LEN], const unsigned char *body,
                               size_t len, unsigned char *out, size_t outsz, size_t *outlen)
{
    struct aes128gcm_header h;
    enum wp_status st = aes128gcm_header_parse(body, len, &h);
    if (st != WP_OK)
        return st;
    size_t padded = h.record_len - WP_TAG_LEN;
    if (!ua_private || !auth || !out || outsz < padded || h.record_len > INT32_MAX)
        return WP_E_ARG;

    unsigned char ua_public[WP_POINT_LEN], ecdh[32], cek[16], nonce[12];
    EVP_PKEY *ua = NULL, *as = p256_public_from_point(h.keyid);
    if (!as) {
        st = WP_E_FORMAT; /* the keyid is not a P-256 point */
        goto out;
    }
    ua = p256_keypair_from_scalar(ua_private, ua_public);
    if (!ua) {
        st = WP_E_KEY;
        goto out;
    }
    st = WP_E_CRYPTO;
    if (!ecdh_p256(ua, as, ecdh))
        goto out;
    derive_cek_nonce(ecdh, auth, ua_public, h.keyid, h.salt, cek, nonce);
    st = gcm_open(cek, nonce, h.record, h.record_len, out);
    if (st == WP_OK)
        st = aes128gcm_unpad(out, padded, outlen);
    if (st != WP_OK)
        sodium_memzero(out, padded);
out:
    sodium_memzero(ecdh, sizeof ecdh);
    sodium_memzero(cek, sizeof cek);
    sodium_memzero(nonce, sizeof nonce);
    EVP_PKEY_free(as);
    EVP_PKEY_free(ua);
    return st;
}
