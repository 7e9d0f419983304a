/* fuzz_webauthn.c — libFuzzer target for what passkeys parse from outside
 * (security/webauthn.h): the first byte picks the parser — clientDataJSON,
 * authenticator data (with or without a credential), the attestation
 * object (CBOR, libcbor) and COSE keys (CBOR into OpenSSL). What the
 * header promises is checked: a credential found lies inside the input, a
 * key accepted is one OpenSSL verifies with, refusals always say why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "security/webauthn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const unsigned char *d = data + 1;
    size_t n = size - 1;
    const char *why = NULL;
    switch (data[0] % 5) {
    case 0: {
        char ch[64];
        if (!wa_client_data(d, n, "webauthn.get", "https://care.example", ch, sizeof ch, &why))
            CHECK(why != NULL);
        else
            CHECK(strlen(ch) < sizeof ch);
        break;
    }
    case 1:
    case 2: {
        struct wa_auth_data a;
        bool attested = data[0] % 5 == 2;
        if (wa_auth_data_parse(d, n, attested, &a, &why)) {
            if (attested) {
                CHECK(a.cred_id_len > 0 && a.cred_id_len <= WA_CRED_ID_MAX);
                CHECK(a.cose_key >= d && a.cose_key + a.cose_key_len <= d + n);
            }
            wa_auth_data_check(&a, "care.example", &why);
        } else {
            CHECK(why != NULL);
        }
        break;
    }
    case 3: {
        unsigned char *ad = NULL;
        size_t len = 0;
        if (wa_attestation_none(d, n, &ad, &len, &why))
            CHECK(ad != NULL && len > 0 && len <= n);
        else
            CHECK(ad == NULL && why != NULL);
        free(ad);
        break;
    }
    default: {
        unsigned char *der = NULL;
        size_t len = 0;
        int alg = 0;
        if (wa_cose_to_spki(d, n, &der, &len, &alg, &why)) {
            CHECK(alg == WA_ES256 || alg == WA_EDDSA);
            /* A signature of junk never verifies with it. */
            unsigned char sig[8] = {0};
            CHECK(!wa_verify(der, len, alg, d, n, d, n, sig, sizeof sig));
        } else {
            CHECK(der == NULL);
        }
        free(der);
        break;
    }
    }
    return 0;
}
