/* test_webauthn.c — passkey checks against keys made here with OpenSSL
 * and CBOR written with libcbor: an ES256 and an EdDSA registration
 * (attestation "none") and sign-in each verify, and each way a response
 * can be wrong is refused: another origin or RP ID, the wrong type, no
 * user verification, another format of attestation, a changed signature,
 * a point off the curve, a counter that went back. */
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "tap.h"
#include "security/webauthn.h"

static const char ORIGIN[] = "https://care.example", RP[] = "care.example";

static void add(cbor_item_t *map, cbor_item_t *k, cbor_item_t *v)
{
    if (!cbor_map_add(map, (struct cbor_pair){.key = cbor_move(k), .value = cbor_move(v)}))
        abort();
}

static cbor_item_t *negint(int64_t v) /* v < 0 */
{
    return cbor_build_negint8((uint8_t)(-1 - v));
}

/* The COSE key of `k`, serialised. */
static size_t cose_of(EVP_PKEY *k, bool ec, unsigned char **out)
{
    unsigned char pub[65];
    size_t n = sizeof pub;
    cbor_item_t *m = cbor_new_definite_map(5);
    if (ec) {
        EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &n);
        add(m, cbor_build_uint8(1), cbor_build_uint8(2));
        add(m, cbor_build_uint8(3), negint(WA_ES256));
        add(m, negint(-1), cbor_build_uint8(1));
        add(m, negint(-2), cbor_build_bytestring(pub + 1, 32));
        add(m, negint(-3), cbor_build_bytestring(pub + 33, 32));
    } else {
        EVP_PKEY_get_raw_public_key(k, pub, &n);
        add(m, cbor_build_uint8(1), cbor_build_uint8(1));
        add(m, cbor_build_uint8(3), negint(WA_EDDSA));
        add(m, negint(-1), cbor_build_uint8(6));
        add(m, negint(-2), cbor_build_bytestring(pub, 32));
    }
    size_t cap = 0, len = cbor_serialize_alloc(m, out, &cap);
    cbor_decref(&m);
    return len;
}

/* Authenticator data: RP ID hash, flags, counter, and (with `cose`) the
 * credential "cred-1". */
static size_t auth_data(unsigned char *out, const char *rp, uint8_t flags, uint32_t count,
                        const unsigned char *cose, size_t cose_len)
{
    SHA256((const unsigned char *)rp, strlen(rp), out);
    out[32] = flags;
    out[33] = (unsigned char)(count >> 24);
    out[34] = (unsigned char)(count >> 16);
    out[35] = (unsigned char)(count >> 8);
    out[36] = (unsigned char)count;
    if (!cose)
        return 37;
    memset(out + 37, 0, 16); /* aaguid */
    out[53] = 0;
    out[54] = 6;
    memcpy(out + 55, "cred-1", 6);
    memcpy(out + 61, cose, cose_len);
    return 61 + cose_len;
}

static size_t attestation(const char *fmt, const unsigned char *ad, size_t ad_len,
                          unsigned char **out)
{
    cbor_item_t *m = cbor_new_definite_map(3);
    add(m, cbor_build_string("fmt"), cbor_build_string(fmt));
    add(m, cbor_build_string("attStmt"), cbor_new_definite_map(0));
    add(m, cbor_build_string("authData"), cbor_build_bytestring(ad, ad_len));
    size_t cap = 0, len = cbor_serialize_alloc(m, out, &cap);
    cbor_decref(&m);
    return len;
}

static size_t sign(EVP_PKEY *k, bool ec, const unsigned char *ad, size_t ad_len, const char *cd,
                   unsigned char *sig)
{
    unsigned char msg[512];
    memcpy(msg, ad, ad_len);
    SHA256((const unsigned char *)cd, strlen(cd), msg + ad_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = 256;
    if (EVP_DigestSignInit(ctx, NULL, ec ? EVP_sha256() : NULL, NULL, k) != 1 ||
        EVP_DigestSign(ctx, sig, &n, msg, ad_len + 32) != 1)
        n = 0;
    EVP_MD_CTX_free(ctx);
    return n;
}

static void one_kind(bool ec)
{
    const char *kind = ec ? "ES256" : "EdDSA";
    EVP_PKEY *k = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                     : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    unsigned char *cose = NULL, *att = NULL, ad[600], *inner = NULL, *der = NULL;
    size_t cose_len = cose_of(k, ec, &cose);
    size_t ad_len = auth_data(ad, RP, WA_FLAG_UP | WA_FLAG_UV | WA_FLAG_AT, 0, cose, cose_len);
    size_t att_len = attestation("none", ad, ad_len, &att);
    const char *why = "";

    /* Registration. */
    const char *cd = "{\"type\":\"webauthn.create\",\"challenge\":\"abc\","
                     "\"origin\":\"https://care.example\",\"crossOrigin\":false}";
    char ch[64];
    ok(wa_client_data((const unsigned char *)cd, strlen(cd), "webauthn.create", ORIGIN, ch,
                      sizeof ch, &why) &&
           strcmp(ch, "abc") == 0,
       "%s: clientDataJSON of a registration, its challenge read", kind);
    size_t inner_len = 0, der_len = 0;
    struct wa_auth_data a;
    int alg = 0;
    ok(wa_attestation_none(att, att_len, &inner, &inner_len, &why) && inner_len == ad_len,
       "%s: attestation none gives its authenticator data", kind);
    ok(inner && wa_auth_data_parse(inner, inner_len, true, &a, &why) && a.cred_id_len == 6 &&
           memcmp(a.cred_id, "cred-1", 6) == 0 && a.cose_key_len == cose_len,
       "%s: the credential id and key are found", kind);
    ok(wa_auth_data_check(&a, RP, &why), "%s: for this RP ID, present and verified", kind);
    ok(!wa_auth_data_check(&a, "evil.example", &why) && strstr(why, "RP ID"),
       "%s: another RP ID is refused", kind);
    ok(wa_cose_to_spki(a.cose_key, a.cose_key_len, &der, &der_len, &alg, &why) &&
           alg == (ec ? WA_ES256 : WA_EDDSA),
       "%s: the COSE key becomes a public key", kind);

    /* Sign-in. */
    const char *gd = "{\"type\":\"webauthn.get\",\"challenge\":\"xyz\","
                     "\"origin\":\"https://care.example\"}";
    unsigned char ad2[64], sig[256];
    size_t ad2_len = auth_data(ad2, RP, WA_FLAG_UP | WA_FLAG_UV, 7, NULL, 0);
    size_t sig_len = sign(k, ec, ad2, ad2_len, gd, sig);
    ok(sig_len > 0 && wa_verify(der, der_len, alg, ad2, ad2_len, (const unsigned char *)gd,
                                strlen(gd), sig, sig_len),
       "%s: an assertion's signature verifies", kind);
    sig[sig_len / 2] ^= 1;
    ok(!wa_verify(der, der_len, alg, ad2, ad2_len, (const unsigned char *)gd, strlen(gd), sig,
                  sig_len),
       "%s: a changed signature does not", kind);
    sig[sig_len / 2] ^= 1;
    ad2[36] = 8; /* the counter, changed after signing */
    ok(!wa_verify(der, der_len, alg, ad2, ad2_len, (const unsigned char *)gd, strlen(gd), sig,
                  sig_len),
       "%s: nor one over other authenticator data", kind);
    free(cose);
    free(att);
    free(inner);
    free(der);
    EVP_PKEY_free(k);
}

int main(void)
{
    one_kind(true);
    one_kind(false);
    const char *why = "";
    char ch[64];
    const char *cd =
        "{\"type\":\"webauthn.get\",\"challenge\":\"x\",\"origin\":\"https://evil.example\"}";
    ok(!wa_client_data((const unsigned char *)cd, strlen(cd), "webauthn.get", ORIGIN, ch, sizeof ch,
                       &why) &&
           strstr(why, "origin"),
       "another origin is refused");
    ok(!wa_client_data((const unsigned char *)cd, strlen(cd), "webauthn.create",
                       "https://evil.example", ch, sizeof ch, &why),
       "the wrong type is refused");
    cd = "{\"type\":\"webauthn.get\",\"challenge\":\"x\",\"origin\":\"https://care.example\","
         "\"crossOrigin\":true}";
    ok(!wa_client_data((const unsigned char *)cd, strlen(cd), "webauthn.get", ORIGIN, ch, sizeof ch,
                       &why),
       "a cross-origin frame is refused");
    ok(!wa_client_data((const unsigned char *)"[1]", 3, "webauthn.get", ORIGIN, ch, sizeof ch,
                       &why),
       "clientDataJSON that is not an object is refused");

    unsigned char ad[64];
    struct wa_auth_data a;
    size_t n = auth_data(ad, RP, WA_FLAG_UP, 1, NULL, 0);
    ok(wa_auth_data_parse(ad, n, false, &a, &why) && !wa_auth_data_check(&a, RP, &why) &&
           strstr(why, "verified"),
       "no user verification is refused");
    ok(!wa_auth_data_parse(ad, n, true, &a, &why),
       "a registration without a credential is refused");
    ok(!wa_auth_data_parse(ad, 20, false, &a, &why), "short authenticator data is refused");

    unsigned char *att = NULL, *inner = NULL;
    size_t att_len = attestation("packed", ad, n, &att), inner_len;
    ok(!wa_attestation_none(att, att_len, &inner, &inner_len, &why) && strstr(why, "none"),
       "attestation other than none is refused");
    free(att);
    ok(!wa_attestation_none((const unsigned char *)"\xff", 1, &inner, &inner_len, &why),
       "an attestation object that is not CBOR is refused");

    /* A P-256 "key" whose point is not on the curve. */
    cbor_item_t *m = cbor_new_definite_map(5);
    unsigned char junk[32];
    memset(junk, 7, sizeof junk);
    add(m, cbor_build_uint8(1), cbor_build_uint8(2));
    add(m, cbor_build_uint8(3), negint(WA_ES256));
    add(m, negint(-1), cbor_build_uint8(1));
    add(m, negint(-2), cbor_build_bytestring(junk, 32));
    add(m, negint(-3), cbor_build_bytestring(junk, 32));
    unsigned char *cose = NULL, *der = NULL;
    size_t cap = 0, cose_len = cbor_serialize_alloc(m, &cose, &cap), der_len;
    cbor_decref(&m);
    int alg;
    ok(!wa_cose_to_spki(cose, cose_len, &der, &der_len, &alg, &why),
       "a point off the curve is refused");
    free(cose);
    m = cbor_new_definite_map(2);
    add(m, cbor_build_uint8(1), cbor_build_uint8(3)); /* RSA */
    add(m, cbor_build_uint8(3), negint(-257));
    cose_len = cbor_serialize_alloc(m, &cose, &cap);
    cbor_decref(&m);
    ok(!wa_cose_to_spki(cose, cose_len, &der, &der_len, &alg, &why) && strstr(why, "ES256"),
       "other algorithms (RS256) are refused");
    free(cose);

    ok(wa_counter_ok(0, 0), "counters: an authenticator without one (always 0) passes");
    ok(wa_counter_ok(5, 6), "a counter that went up passes");
    ok(!wa_counter_ok(5, 5) && !wa_counter_ok(5, 3), "one that did not is a clone");
    ok(!wa_counter_ok(5, 0), "…and so is a 0 after a count");
    return done_testing();
}
