/* throttle.h — sign-in throttling kept in SQLite, so it holds across
 * processes and restarts: after LOGIN_THROTTLE_MAX (10) failures within
 * LOGIN_THROTTLE_WINDOW seconds (900) for an account or a client address,
 * further attempts are refused until the window has moved on. */
#ifndef CARELOG_THROTTLE_H
#define CARELOG_THROTTLE_H

#include <stdint.h>

#include "db.h"

/* Seconds to wait before trying again (> 0), or 0 when allowed. Keys are
 * keyed hashes (secret.h), never raw emails or addresses. */
int64_t throttle_wait(struct db *d, const char *account_key, const char *addr_key);
void throttle_failed(struct db *d, const char *account_key, const char *addr_key);
/* A successful sign-in clears the account's failures. */
void throttle_clear(struct db *d, const char *account_key);

#endif
