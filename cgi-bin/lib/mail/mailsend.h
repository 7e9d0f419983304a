/* mailsend.h — the mail half of the cron-run sender (carelog-push --once):
 * queue the digests that are due, then deliver queued mail over SMTP with
 * libcurl and record each outcome: sent, retried later with doubling
 * backoff (a 4xx answer or no connection), or failed (a 5xx answer, or too
 * many tries). Failures are visible to the admin (GET /api/v1/admin/mail).
 *
 * SMTP_URL      smtp://host:587 (STARTTLS when the server offers it) or
 *               smtps://host:465 (TLS from the start)
 * SMTP_STARTTLS "require" refuses to send over smtp:// without STARTTLS
 * SMTP_USER, SMTP_PASSWORD or SMTP_PASSWORD_FILE   credentials, if any
 * MAIL_FROM     the sender ("carelog <care@example.org>")
 * MAIL_RETRY_BASE_MS (60000), MAIL_MAX_ATTEMPTS (8), SMTP_CA_FILE (tests) */
#ifndef CARELOG_MAILSEND_H
#define CARELOG_MAILSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/db.h"

struct mail_pass_opts {
    const char *url;
    bool require_tls;
    const char *user;
    char password[256];
    char from[256]; /* the envelope sender's address */
    const char *ca_file;
    int64_t retry_base_ms;
    int max_attempts;
};

struct mail_pass_stats {
    int digests, sent, retry, failed;
};

/* Reads the options; false (with a reason) when mail is not configured or
 * the password file cannot be read. */
bool mail_pass_opts_from_env(struct mail_pass_opts *o, char *err, size_t errsz);

/* Queues due digests and delivers due mail. False on a database error. */
bool mail_pass_run(struct db *d, const struct mail_pass_opts *o, struct mail_pass_stats *st,
                   char *err, size_t errsz);

/* The delay before try number `attempt` + 1 after `attempt` failed ones:
 * base, 2 base, 4 base ... at most six hours. */
int64_t mail_backoff_ms(int64_t base_ms, int attempt);

#endif
