/* secret.h — the instance's server key (DATA_DIR/server.key, 0600) and what
 * is derived from it: random tokens, hashes of tokens for storage, keyed
 * hashes of client addresses and emails, and per-session CSRF tokens. */
#ifndef CARELOG_SECRET_H
#define CARELOG_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_LEN    43 /* 32 random bytes as base64url, no padding */
#define HASH_HEX_LEN 64

/* Loads the server key, creating it (race-free, mode 0600) when absent. */
bool secret_init(const char *data_dir, char *err, size_t errsz);

/* A fresh 256-bit token as base64url text. */
void token_new(char out[TOKEN_LEN + 1]);
/* How a token is stored: BLAKE2b-256 as hex. Tokens carry 256 random bits, so
 * an unkeyed hash cannot be reversed, and lookups stay plain equality. */
void token_hash(const char *token, char out[HASH_HEX_LEN + 1]);
/* A keyed hash for low-entropy values (client addresses, emails) that must
 * not be reversible by trying every IPv4 address. `purpose` separates uses. */
void keyed_hash(const char *purpose, const char *value, char out[HASH_HEX_LEN + 1]);
/* The CSRF token of a session: HMAC of its id under the server key, so it is
 * bound to the session and needs no storage. */
void csrf_for_session(const char *session_id, char out[TOKEN_LEN + 1]);

#endif
