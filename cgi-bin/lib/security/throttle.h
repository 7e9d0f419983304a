/* throttle.h — sign-in throttling and request rate limits, kept in SQLite
 * so they hold across processes and restarts. Every decision is made and recorded in one write
 * transaction (BEGIN IMMEDIATE serialises writers), so N attempts sent at
 * once can never get past a limit of L more than L times.
 *
 * The sign-in rule, per window of LOGIN_THROTTLE_WINDOW seconds (900):
 *
 *  1. Per account: at most LOGIN_THROTTLE_MAX (10) failed sign-ins for one
 *     email, from any address. Past it the account answers 429 (its right
 *     password included) until its oldest failure leaves the window. This is
 *     what stops guessing one account, from one address or from many.
 *  2. Per address: at most LOGIN_THROTTLE_ADDR_MAX (5 × LOGIN_THROTTLE_MAX)
 *     failed sign-ins from one client address, for any accounts, known or
 *     not. Past it the address answers 429, which bounds spraying guesses
 *     over many emails. An IPv6 address counts as its /64 (one household or
 *     host is handed a whole /64).
 *  3. Except: an account that signed in successfully from that same address
 *     within the last 30 days is not held by rule 2 (rule 1 still holds). A
 *     family behind one home router, or people behind a carrier's shared
 *     address, keep signing in while someone there guesses.
 *
 * So one address gets at most ADDR_MAX failed verifications per window plus
 * MAX per account that has itself signed in from that address: bounded, and
 * no more per account than rule 1 allows from anywhere.
 *
 * An attempt counts as a failure from the moment it is let through (it is
 * recorded before the password is checked, in the same transaction as the
 * check); a right password takes it back. */
#ifndef CARELOG_THROTTLE_H
#define CARELOG_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/db.h"
#include "security/secret.h"

/* The keys of one sign-in attempt: keyed hashes (secret.h), never raw
 * emails or addresses. */
struct login_keys {
    char account[HASH_HEX_LEN + 1]; /* the email */
    char addr[HASH_HEX_LEN + 1];    /* the client address */
    char pair[HASH_HEX_LEN + 1];    /* the email from this address (rule 3) */
};

/* The rows an admitted attempt recorded, so a success can take them back. */
struct login_ticket {
    int64_t rows[2];
    int nrows;
};

/* The address as the throttle counts it: IPv4 as it is, IPv6 as its /64
 * ("2001:db8:1:2::/64"), since one host is handed a whole /64 and could
 * otherwise use 2^64 addresses. Anything unparsable counts as its text. */
void throttle_addr_block(const char *addr, char *out, size_t outsz);
void login_keys_make(const char *email, const char *addr, struct login_keys *k);

/* Decides whether a sign-in attempt may check its password and, when it may,
 * records it as a failure in the same transaction. Returns 0 (admitted; *t
 * filled), the seconds to wait (> 0, refused), or -1 when the database could
 * not decide (refuse: the caller answers 503). */
int64_t throttle_admit(struct db *d, const struct login_keys *k, struct login_ticket *t);
/* The password was right: takes the attempt back, clears the account's
 * failures and remembers the account at this address (rule 3). */
void throttle_succeeded(struct db *d, const struct login_keys *k, const struct login_ticket *t);

/* A plain rate limit: at most `max` events per `window_s` seconds for `key`
 * (a keyed hash naming purpose and who). Counts and records the event in one
 * transaction. Returns 0 (allowed and recorded), seconds to wait (> 0), or
 * -1 on a database error. */
int64_t rate_take(struct db *d, const char *key, long max, long window_s);

/* Limits read from the environment: NAME_MAX events per NAME_WINDOW seconds
 * (e.g. REGISTER_RATE_MAX, REGISTER_RATE_WINDOW), with defaults. */
struct rate_limit {
    long max, window_s;
};
struct rate_limit rate_limit_env(const char *max_var, long max_def, const char *window_var,
                                 long window_def);

/* Answers 429 rate_limited with Retry-After (wait > 0) or 503 (wait < 0). */
struct request;
void reply_rate_limited(struct request *r, int64_t wait, const char *message);

#endif
