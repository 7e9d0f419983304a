/* password.c — argon2id hashing and constant-cost verification. */
#include "password.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long ops_limit(void)
{
    const char *fast = getenv("CARELOG_TEST_FAST_HASH");
    return fast && strcmp(fast, "1") == 0 ? crypto_pwhash_OPSLIMIT_MIN
                                          : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

static size_t mem_limit(void)
{
    const char *fast = getenv("CARELOG_TEST_FAST_HASH");
    return fast && strcmp(fast, "1") == 0 ? crypto_pwhash_MEMLIMIT_MIN
                                          : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

bool password_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str(out, password, strlen(password), ops_limit(), mem_limit()) == 0;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static bool dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    dummy_ok = password_hash("carelog-dummy-password", dummy_hash);
}

bool password_verify(const char *hash, const char *password)
{
    if (!hash || !*hash) {
        pthread_once(&dummy_once, make_dummy);
        if (dummy_ok && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            return false; /* cannot happen; the result is ignored either way */
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
