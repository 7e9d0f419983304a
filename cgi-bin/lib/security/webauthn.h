/* webauthn.h — checking passkeys (WebAuthn Level 2) with OpenSSL and
 * libcbor, no hand-made parser or crypto:
 *  - clientDataJSON: its type, the challenge we issued, the origin we
 *    expect, and not a cross-origin frame;
 *  - authenticator data: the RP ID's SHA-256, user presence and user
 *    verification flags, the signature counter and, at registration, the
 *    credential id and its COSE public key;
 *  - the attestation object: format "none" only (we ask for none: carelog
 *    trusts the member's own device, not a vendor's certificate);
 *  - COSE keys: ES256 (EC2, P-256) and EdDSA (OKP, Ed25519), turned into
 *    DER SubjectPublicKeyInfo that OpenSSL checks (a point not on the curve
 *    is refused);
 *  - assertions: the signature over authenticatorData || SHA-256(clientDataJSON).
 * Every function is pure (no database), so unit tests and fuzzers drive
 * them directly. On failure `*why` says what was wrong, in words fit for
 * an API answer. */
#ifndef CARELOG_WEBAUTHN_H
#define CARELOG_WEBAUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WA_ES256 (-7)
#define WA_EDDSA (-8)

#define WA_FLAG_UP 0x01 /* user present */
#define WA_FLAG_UV 0x04 /* user verified (fingerprint, face, PIN) */
#define WA_FLAG_AT 0x40 /* attested credential data follows */
#define WA_FLAG_ED 0x80 /* extensions follow */

#define WA_CRED_ID_MAX 1023 /* WebAuthn caps credential ids at 1023 bytes */

/* Checks clientDataJSON (its raw bytes): type ("webauthn.create" or
 * "webauthn.get"), origin equal to `origin`, crossOrigin not true, and
 * copies the challenge (base64url text) out. */
bool wa_client_data(const unsigned char *json, size_t len, const char *type, const char *origin,
                    char *challenge, size_t challengesz, const char **why);

struct wa_auth_data {
    unsigned char rp_id_hash[32];
    uint8_t flags;
    uint32_t sign_count;
    /* With WA_FLAG_AT: */
    unsigned char cred_id[WA_CRED_ID_MAX];
    size_t cred_id_len;
    const unsigned char *cose_key; /* points into the parsed bytes */
    size_t cose_key_len;
};

/* Parses authenticator data; `attested` requires the credential (a
 * registration). */
bool wa_auth_data_parse(const unsigned char *ad, size_t len, bool attested,
                        struct wa_auth_data *out, const char **why);

/* The flags and the RP ID a response must show: user present and verified,
 * for this RP ID. */
bool wa_auth_data_check(const struct wa_auth_data *a, const char *rp_id, const char **why);

/* An attestation object of format "none": the authenticator data inside
 * it, malloc'd (free it). */
bool wa_attestation_none(const unsigned char *att, size_t len, unsigned char **auth_data,
                         size_t *auth_data_len, const char **why);

/* A COSE public key (ES256 or EdDSA) as DER SubjectPublicKeyInfo,
 * malloc'd, and its algorithm. */
bool wa_cose_to_spki(const unsigned char *cose, size_t len, unsigned char **der, size_t *der_len,
                     int *alg, const char **why);

/* Verifies an assertion's signature with the stored key. */
bool wa_verify(const unsigned char *der, size_t der_len, int alg, const unsigned char *auth_data,
               size_t auth_data_len, const unsigned char *client_data, size_t client_data_len,
               const unsigned char *sig, size_t sig_len);

/* The signature counter rule (WebAuthn §7.2 step 21): when either counter
 * is non-zero the new one must be greater; otherwise two authenticators
 * hold the same key (a clone) and the sign-in is refused. */
bool wa_counter_ok(uint32_t stored, uint32_t seen);

#endif
