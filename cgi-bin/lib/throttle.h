/* throttle.h — sign-in throttling kept in SQLite, so it holds across
 * processes and restarts: after LOGIN_THROTTLE_MAX (10) failures within
 * LOGIN_THROTTLE_WINDOW seconds (900) for an account or a client address,
 * further attempts are refused until the window has moved on.
 *
 * The decision is made and recorded in one write transaction (BEGIN
 * IMMEDIATE serialises writers): an attempt counts as a failure from the
 * moment it is let through, before its password is checked, and a right
 * password takes it back. So N attempts sent at once can never get past a
 * limit of L more than L times. */
#ifndef CARELOG_THROTTLE_H
#define CARELOG_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "secret.h"

/* The keys of one sign-in attempt: keyed hashes (secret.h), never raw
 * emails or addresses. */
struct login_keys {
    char account[HASH_HEX_LEN + 1]; /* the email */
    char addr[HASH_HEX_LEN + 1];    /* the client address */
};

/* The rows an admitted attempt recorded, so a success can take them back. */
struct login_ticket {
    int64_t rows[2];
    int nrows;
};

void login_keys_make(const char *email, const char *addr, struct login_keys *k);

/* Decides whether a sign-in attempt may check its password and, when it may,
 * records it as a failure in the same transaction. Returns 0 (admitted; *t
 * filled), the seconds to wait (> 0, refused), or -1 when the database could
 * not decide (refuse: the caller answers 503). */
int64_t throttle_admit(struct db *d, const struct login_keys *k, struct login_ticket *t);
/* The password was right: takes the attempt back and clears the account's
 * failures. */
void throttle_succeeded(struct db *d, const struct login_keys *k, const struct login_ticket *t);

/* Answers 429 rate_limited with Retry-After (wait > 0) or 503 (wait < 0). */
struct request;
void reply_rate_limited(struct request *r, int64_t wait, const char *message);

#endif
