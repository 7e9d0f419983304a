/* webauthn.c — passkey checks (webauthn.h): clientDataJSON with cJSON,
 * CBOR with libcbor, keys and signatures with OpenSSL. */
#include "security/webauthn.h"

#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "util/util.h"

static cbor_item_t *load(const unsigned char *p, size_t n, struct cbor_load_result *res);

static bool fail(const char **why, const char *msg)
{
    *why = msg;
    return false;
}

bool wa_client_data(const unsigned char *json, size_t len, const char *type, const char *origin,
                    char *challenge, size_t challengesz, const char **why)
{
    cJSON *c = cJSON_ParseWithLength((const char *)json, len);
    if (!cJSON_IsObject(c)) {
        cJSON_Delete(c);
        return fail(why, "clientDataJSON is not a JSON object");
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(c, "challenge");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(c, "origin");
    const cJSON *cross = cJSON_GetObjectItemCaseSensitive(c, "crossOrigin");
    bool ok = false;
    if (!cJSON_IsString(t) || strcmp(t->valuestring, type) != 0)
        *why = "clientDataJSON has the wrong type";
    else if (!cJSON_IsString(o) || strcmp(o->valuestring, origin) != 0)
        *why = "the passkey was used on another site (origin)";
    else if (cJSON_IsTrue(cross))
        *why = "the passkey was used in a frame of another site";
    else if (!cJSON_IsString(ch) || strlen(ch->valuestring) >= challengesz)
        *why = "clientDataJSON has no challenge";
    else
        ok = true;
    if (ok)
        memcpy(challenge, ch->valuestring, strlen(ch->valuestring) + 1);
    cJSON_Delete(c);
    return ok;
}

bool wa_auth_data_parse(const unsigned char *ad, size_t len, bool attested,
                        struct wa_auth_data *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (len < 37)
        return fail(why, "authenticator data is too short");
    memcpy(out->rp_id_hash, ad, 32);
    out->flags = ad[32];
    out->sign_count =
        (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 | (uint32_t)ad[35] << 8 | ad[36];
    if (!attested)
        return true;
    if (!(out->flags & WA_FLAG_AT))
        return fail(why, "authenticator data holds no credential");
    /* aaguid (16) and the credential id's length (2), then the id and the
     * COSE key, which is as long as its CBOR says (extensions may follow). */
    if (len < 37 + 18)
        return fail(why, "authenticator data is too short");
    size_t idlen = (size_t)ad[53] << 8 | ad[54];
    if (idlen == 0 || idlen > WA_CRED_ID_MAX || len < 55 + idlen + 1)
        return fail(why, "the credential id does not fit");
    memcpy(out->cred_id, ad + 55, idlen);
    out->cred_id_len = idlen;
    const unsigned char *key = ad + 55 + idlen;
    size_t left = len - 55 - idlen;
    struct cbor_load_result res;
    cbor_item_t *item = load(key, left, &res);
    if (!item || res.error.code != CBOR_ERR_NONE) {
        if (item)
            cbor_decref(&item);
        return fail(why, "the credential's public key is not CBOR");
    }
    cbor_decref(&item);
    if (res.read < left && !(out->flags & WA_FLAG_ED))
        return fail(why, "authenticator data has bytes after the key");
    out->cose_key = key;
    out->cose_key_len = res.read;
    return true;
}

bool wa_auth_data_check(const struct wa_auth_data *a, const char *rp_id, const char **why)
{
    unsigned char h[32];
    SHA256((const unsigned char *)rp_id, strlen(rp_id), h);
    if (CRYPTO_memcmp(h, a->rp_id_hash, 32) != 0)
        return fail(why, "the passkey belongs to another site (RP ID)");
    if (!(a->flags & WA_FLAG_UP))
        return fail(why, "the user was not present");
    if (!(a->flags & WA_FLAG_UV))
        return fail(why, "the user was not verified (fingerprint, face or PIN)");
    return true;
}

/* ---------- CBOR helpers ---------- */

/* libcbor allocates what a header declares before it reads the items: a
 * map "of 2^31 pairs" in ten bytes would ask for gigabytes (found by
 * fuzzing). So every load is preceded by one streaming pass that refuses a
 * definite array or map longer than the bytes left could hold (an item
 * takes at least one byte), and more arrays and maps than a passkey holds
 * (16 in all: the streaming pass sees where each starts, not where it ends). */
struct cbor_scan {
    size_t left; /* input bytes after the current header */
    int collections;
    bool bad;
};

static void scan_array(void *ctx, size_t n)
{
    struct cbor_scan *s = ctx;
    if (n > s->left || ++s->collections > 16)
        s->bad = true;
}

static void scan_map(void *ctx, size_t n)
{
    struct cbor_scan *s = ctx;
    if (n > s->left / 2 || ++s->collections > 16)
        s->bad = true;
}

static void scan_indef(void *ctx)
{
    struct cbor_scan *s = ctx;
    if (++s->collections > 16)
        s->bad = true;
}

static bool cbor_sane(const unsigned char *p, size_t n)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;
    cb.array_start = scan_array;
    cb.map_start = scan_map;
    cb.indef_array_start = scan_indef;
    cb.indef_map_start = scan_indef;
    struct cbor_scan s = {0, 0, false};
    size_t off = 0;
    while (off < n && !s.bad) {
        /* A header is at least its first byte (so this errs long by the
         * length bytes, at most 8). */
        s.left = n - off - 1;
        struct cbor_decoder_result r = cbor_stream_decode(p + off, n - off, &cb, &s);
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0)
            break; /* truncated or malformed: cbor_load will say so */
        off += r.read;
    }
    return !s.bad;
}

/* cbor_load, after cbor_sane. */
static cbor_item_t *load(const unsigned char *p, size_t n, struct cbor_load_result *res)
{
    if (!cbor_sane(p, n)) {
        memset(res, 0, sizeof *res);
        res->error.code = CBOR_ERR_MALFORMATED;
        return NULL;
    }
    return cbor_load(p, n, res);
}

static bool text_is(const cbor_item_t *k, const char *s)
{
    return cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == strlen(s) &&
           memcmp(cbor_string_handle(k), s, strlen(s)) == 0;
}

/* An integer key or value; false when it is not one or does not fit. */
static bool int_of(const cbor_item_t *k, int64_t *out)
{
    if (!cbor_isa_uint(k) && !cbor_isa_negint(k))
        return false;
    uint64_t v = cbor_get_int(k);
    if (v > INT64_MAX)
        return false;
    *out = cbor_isa_uint(k) ? (int64_t)v : -1 - (int64_t)v;
    return true;
}

static bool bytes_of(const cbor_item_t *v, const unsigned char **p, size_t *n)
{
    if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v))
        return false;
    *p = cbor_bytestring_handle(v);
    *n = cbor_bytestring_length(v);
    return true;
}

bool wa_attestation_none(const unsigned char *att, size_t len, unsigned char **auth_data,
                         size_t *auth_data_len, const char **why)
{
    *auth_data = NULL;
    struct cbor_load_result res;
    cbor_item_t *m = load(att, len, &res);
    if (!m || res.error.code != CBOR_ERR_NONE || res.read != len || !cbor_isa_map(m)) {
        if (m)
            cbor_decref(&m);
        return fail(why, "the attestation object is not a CBOR map");
    }
    const unsigned char *ad = NULL;
    size_t adlen = 0;
    bool none = false, empty_stmt = false;
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        if (text_is(pairs[i].key, "fmt"))
            none = text_is(pairs[i].value, "none");
        else if (text_is(pairs[i].key, "attStmt"))
            empty_stmt = cbor_isa_map(pairs[i].value) && cbor_map_size(pairs[i].value) == 0;
        else if (text_is(pairs[i].key, "authData") && !bytes_of(pairs[i].value, &ad, &adlen))
            ad = NULL;
    }
    bool ok = false;
    if (!none || !empty_stmt)
        *why = "only attestation \"none\" is accepted";
    else if (!ad || adlen == 0)
        *why = "the attestation object has no authenticator data";
    else if (!(*auth_data = malloc(adlen)))
        *why = "out of memory";
    else {
        memcpy(*auth_data, ad, adlen);
        *auth_data_len = adlen;
        ok = true;
    }
    cbor_decref(&m);
    return ok;
}

/* The fixed DER prefixes of SubjectPublicKeyInfo for the two key kinds:
 * what follows is the raw public key. */
static const unsigned char P256_SPKI[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
static const unsigned char ED25519_SPKI[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

bool wa_cose_to_spki(const unsigned char *cose, size_t len, unsigned char **der, size_t *der_len,
                     int *alg, const char **why)
{
    *der = NULL;
    struct cbor_load_result res;
    cbor_item_t *m = load(cose, len, &res);
    if (!m || res.error.code != CBOR_ERR_NONE || !cbor_isa_map(m)) {
        if (m)
            cbor_decref(&m);
        return fail(why, "the public key is not a COSE map");
    }
    int64_t kty = 0, a = 0, crv = 0;
    const unsigned char *x = NULL, *y = NULL;
    size_t xn = 0, yn = 0;
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        int64_t k;
        if (!int_of(pairs[i].key, &k))
            continue;
        if (k == 1 && !int_of(pairs[i].value, &kty))
            kty = 0;
        else if (k == 3 && !int_of(pairs[i].value, &a))
            a = 0;
        else if (k == -1 && !int_of(pairs[i].value, &crv))
            crv = 0;
        else if (k == -2 && !bytes_of(pairs[i].value, &x, &xn))
            x = NULL;
        else if (k == -3 && !bytes_of(pairs[i].value, &y, &yn))
            y = NULL;
    }
    unsigned char buf[sizeof P256_SPKI + 64];
    size_t n = 0;
    bool ok = true;
    if (a == WA_ES256 && kty == 2 && crv == 1 && x && y && xn == 32 && yn == 32) {
        memcpy(buf, P256_SPKI, sizeof P256_SPKI);
        memcpy(buf + sizeof P256_SPKI, x, 32);
        memcpy(buf + sizeof P256_SPKI + 32, y, 32);
        n = sizeof P256_SPKI + 64;
    } else if (a == WA_EDDSA && kty == 1 && crv == 6 && x && xn == 32) {
        memcpy(buf, ED25519_SPKI, sizeof ED25519_SPKI);
        memcpy(buf + sizeof ED25519_SPKI, x, 32);
        n = sizeof ED25519_SPKI + 32;
    } else {
        ok = fail(why, "only ES256 (P-256) and EdDSA (Ed25519) passkeys are accepted");
    }
    cbor_decref(&m);
    if (!ok)
        return false;
    /* OpenSSL decodes it, which checks that an EC point is on the curve. */
    const unsigned char *p = buf;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)n);
    if (!k)
        return fail(why, "the public key is not a valid key");
    EVP_PKEY_free(k);
    if (!(*der = malloc(n)))
        return fail(why, "out of memory");
    memcpy(*der, buf, n);
    *der_len = n;
    *alg = (int)a;
    return true;
}

bool wa_verify(const unsigned char *der, size_t der_len, int alg, const unsigned char *auth_data,
               size_t auth_data_len, const unsigned char *client_data, size_t client_data_len,
               const unsigned char *sig, size_t sig_len)
{
    if (alg != WA_ES256 && alg != WA_EDDSA)
        return false;
    size_t n = auth_data_len + 32;
    unsigned char *msg = malloc(n);
    if (!msg)
        return false;
    memcpy(msg, auth_data, auth_data_len);
    SHA256(client_data, client_data_len, msg + auth_data_len);
    const unsigned char *p = der;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)der_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    /* ES256 hashes with SHA-256 and signs (DER-encoded ECDSA); Ed25519
     * signs the message itself (no digest: one-shot). */
    bool ok =
        k && ctx &&
        EVP_DigestVerifyInit(ctx, NULL, alg == WA_ES256 ? EVP_sha256() : NULL, NULL, k) == 1 &&
        EVP_DigestVerify(ctx, sig, sig_len, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    free(msg);
    return ok;
}

bool wa_counter_ok(uint32_t stored, uint32_t seen)
{
    return (stored == 0 && seen == 0) || seen > stored;
}
