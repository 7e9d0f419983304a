/* pushpass.h — one pass of the reminder sender (`carelog-push --once`, which
 * cron runs, and which POST /api/v1/cron/push and POST /api/v1/push/test start):
 * fire due reminders into the push_messages outbox, then claim and deliver
 * what is due (encrypt, sign, send in parallel) and record the outcome. */
#ifndef CARELOG_PUSHPASS_H
#define CARELOG_PUSHPASS_H

#include <stdbool.h>
#include <stdint.h>

#include "data/db.h"

struct vapid_key;

struct push_pass_opts {
    const char *vapid_subject; /* VAPID_SUBJECT: mailto: or https: */
    bool allow_loopback;       /* PUSH_ALLOW_LOOPBACK=1 (tests) */
    const char *ca_file;       /* PUSH_CA_FILE (tests) */
    int64_t retry_base_ms;     /* PUSH_RETRY_BASE_MS, default 30 s */
    int64_t budget_ms;         /* PUSH_BUDGET_MS: stop claiming batches after this long */
    long timeout_ms;           /* each request's limit (0: pushsend's default, 15 s) */
};

struct push_pass_stats {
    int fired, queued, skipped_quiet, sent, delivered, gone, too_large, retry, failed;
    int mailed; /* alerts queued as email for accounts without push */
    int stored; /* inbox rows stored (lib/push/notify.h) */
};

/* Reads the options from the environment. */
void push_pass_opts_from_env(struct push_pass_opts *o);

/* Fires due reminders (queueing their messages) and sends due messages. */
bool push_pass_run(struct db *d, const struct vapid_key *key, const struct push_pass_opts *o,
                   struct push_pass_stats *st, char *err, size_t errsz);

/* Sends the pending messages of one firing (their outbox `dedupe`) now,
 * not at the next cron pass: an emergency alert, right after its commit.
 * What does not go through is left to the next pass, as any retry. */
bool push_send_firing(struct db *d, const struct vapid_key *key, const struct push_pass_opts *o,
                      const char *dedupe, struct push_pass_stats *st, char *err, size_t errsz);

#endif
