/* notify.h — the one way a server notification reaches a member: it is
 * stored in the member's inbox (the source of truth, shown by the app in the
 * reader's language from structured fields), and queued as Web Push for each
 * of the member's active subscriptions unless the member turned push off for
 * that kind, or their quiet hours hold (by the notice's rule). Reminders,
 * medications, appointments (lib/push/pushpass.c), role changes and
 * removals (cgi-bin/families.c), emergency alerts (cgi-bin/alerts.c) and
 * shifts all call notify_member. */
#ifndef CARELOG_NOTIFY_H
#define CARELOG_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "data/db.h"

struct tz;

/* The kinds of notification, and whether a member may turn their push off
 * (an emergency alert always comes as push). NULL-terminated. */
extern const char *const notify_kinds[];
bool notify_kind_valid(const char *kind);
bool notify_kind_switchable(const char *kind);

/* What quiet hours do to a notice's push (the inbox row is always stored). */
enum quiet_rule {
    QUIET_SKIP,   /* no push during quiet hours */
    QUIET_HOLD,   /* the push waits until they end */
    QUIET_BYPASS, /* pushed anyway (an emergency, an urgent missed dose) */
};

struct notice {
    /* the inbox row */
    const char *family_id;
    const char *kind;       /* one of notify_kinds */
    const char *about;      /* reminder, medication, appointment, alert, shift, family */
    const char *about_id;   /* what tapping it opens */
    const char *subject_id; /* the person it is about, or NULL */
    const cJSON *data;      /* the fields its text is made of (copied), or NULL */
    const char *dedupe;     /* names the firing: one row per member, one push per device */
    /* the push */
    const char *reminder_id; /* the outbox row's reminder, or NULL */
    const char *topic;       /* NULL or up to 32 base64url characters */
    const char *urgency;     /* "normal", "high", ... */
    int64_t ttl;             /* seconds */
    enum quiet_rule quiet;
    const struct tz *zone; /* the family's, for quiet hours */
    /* The push payload in one language (push_lang): made once per language
     * and kept in texts[] until notice_done. */
    cJSON *(*payload)(const void *ctx, int lang);
    const void *ctx;
    char *texts[3];
};

struct notify_counts {
    int stored;        /* inbox rows added (a firing seen before adds none) */
    int queued;        /* push messages queued */
    int skipped_quiet; /* subscriptions left out for quiet hours */
    int push_off;      /* subscriptions left out by the member's choice */
};

/* Stores the notice in the member's inbox and queues its pushes. False on
 * a database error (the caller's transaction should then roll back). */
bool notify_member(struct db *d, const char *member_id, struct notice *n, int64_t now,
                   struct notify_counts *c);
/* Email, where mail is set up, for the family's members whom push cannot
 * reach (an account with an address and no active subscription): the
 * payload's title and body in their language (made for each with
 * n->payload), and a link to n->about's `path` in the app. `carers_only`:
 * owners and caregivers only; `except`: a member left out (the sender), or
 * NULL; n->quiet and n->zone apply as to push (QUIET_HOLD mails at once);
 * with n->subject_id, only members who may see that person. */
bool notify_mail_unreachable(struct db *d, const struct notice *n, const char *except,
                             bool carers_only, const char *path, int64_t now, int *mailed,
                             int *skipped_quiet);
/* notify_member for each member the statement names (column 0; read whole
 * before anything is written, and reset), then notice_done(n). */
bool notify_each(struct db *d, sqlite3_stmt *q, struct notice *n, int64_t now,
                 struct notify_counts *c);
/* Frees the payload texts a notice made. */
void notice_done(struct notice *n);

/* Whether quiet hours [start, end) (minutes after local midnight; start >
 * end wraps past midnight) hold at `now` in zone z; and when they end. */
bool quiet_hours_now(int start, int end, const struct tz *z, int64_t now);
int64_t quiet_hours_end(int end_min, const struct tz *z, int64_t now);

#endif
