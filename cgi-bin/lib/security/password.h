/* password.h — argon2id password hashing (libsodium crypto_pwhash_str) with
 * the interactive limits; CARELOG_TEST_FAST_HASH=1 lowers the cost for tests. */
#ifndef CARELOG_PASSWORD_H
#define CARELOG_PASSWORD_H

#include <stdbool.h>

#include <sodium.h>

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_CHARS 256

bool password_hash(const char *password, char out[crypto_pwhash_STRBYTES]);
/* Verifies; with hash == NULL it verifies against a dummy hash and returns
 * false, so an unknown email costs the same time as a wrong password. */
bool password_verify(const char *hash, const char *password);

#endif
