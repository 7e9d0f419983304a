/* digest.h — the family digest a member opts into (PATCH /api/v1/auth/me
 * {"digest": "daily" | "weekly"}): one message covering every family the
 * member is in, in the member's language: what was logged per person,
 * doses missed (a daily reminder with no medication logged after it) and
 * the one-off reminders coming in the next week (appointments), with a
 * List-Unsubscribe link. Queued by the cron-run sender, never by a request. */
#ifndef CARELOG_DIGEST_H
#define CARELOG_DIGEST_H

#include <stdint.h>

#include "data/db.h"

/* Queues the digests due at `now` (a day or a week after the last one),
 * each with the account's "last digest" moved in the same transaction.
 * `origin` is put before the unsubscribe link. The number queued, or -1
 * on a database error. */
int digest_queue_due(struct db *d, int64_t now, const char *origin);

#endif
