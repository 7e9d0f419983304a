/* pushmsg.h — notifications as words and outbox rows: the strings in
 * English, Hebrew and French, queueing a message for a subscription (once per
 * firing), the test notification, the snooze token a payload carries, and
 * the VAPID key in DATA_DIR/vapid.pem. */
#ifndef CARELOG_PUSHMSG_H
#define CARELOG_PUSHMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "data/db.h"
#include "data/tz.h"

struct vapid_key;

enum word {
    W_FEED_DUE,
    W_DIAPER_DUE,
    W_REMINDER,
    W_LAST_FEED,
    W_LAST_DIAPER,
    W_NO_FEED,
    W_TIME_FOR,
    W_LOG_FEED,
    W_LOG_DIAPER,
    W_OPEN,
    W_SNOOZE,
    W_LEFT,
    W_RIGHT,
    W_BOTH,
    W_BOTTLE,
    W_SOLIDS,
    W_TEST_TITLE,
    W_TEST_BODY,
    W_DOSE_DUE,        /* a medication's dose is due */
    W_DOSE_MISSED,     /* ... 30 minutes past its time, not recorded */
    W_REFILL,          /* its supply is at or below the refill threshold */
    W_DOSE_AT,         /* "Metformin 1 tablet at 08:00" */
    W_MISSED_AT,       /* "Metformin was due at 08:00 and is not marked given" */
    W_SUPPLY_LEFT,     /* "Metformin: 7 left" */
    W_APPOINTMENT,     /* an appointment is coming */
    W_APPT_AT,         /* "Physio on 2026-03-16 at 09:00" */
    W_APPT_DRIVER,     /* "driver: Bob" */
    W_SHIFT_SOON,      /* a caregiver's shift starts in an hour */
    W_SHIFT_SPAN,      /* "With Grandpa Joe, 09:00–17:00" */
    W_SHIFT_UNSTAFFED, /* a shift began 15 minutes ago and nobody checked in */
    W_UNSTAFFED_AT,    /* "The shift with Grandpa Joe started at 09:00" */
    W_LAST_ONE,        /* since_last: "Last: Bath, 26 h ago" (type name, time) */
    W_NONE_YET,        /* since_last: "No bath logged yet" (type name) */
    W_ROLE_CHANGED,    /* your role in a family changed */
    W_ROLE_NOW,        /* "Smith family: you are now caregiver" */
    W_ROLE_OWNER,
    W_ROLE_CAREGIVER,
    W_ROLE_VIEWER,
    W_REMOVED,      /* removed from a family */
    W_REMOVED_FROM, /* "You are no longer a member of Smith family" */
    W_EMERGENCY,    /* "Emergency: fall" */
    W_ALERT_BY,     /* "Ana raised an alert — tap to answer" */
    W_AT_FALL,      /* the alert types */
    W_AT_BREATHING,
    W_AT_CHEST_PAIN,
    W_AT_CONFUSION,
    W_AT_OTHER,
    W_WORDS
};

/* Whether a member's quiet hours (minutes after local midnight, start to
 * end, possibly across midnight) hold at `now`. */
bool push_quiet_now(int start_min, int end_min, const struct tz *z, int64_t now);
/* The push topic of a firing key, so a push service collapses a repeat it
 * still holds. */
void push_topic(const char *key, char out[33]);

/* 0 English, 1 Hebrew, 2 French (English for anything else). */
int push_lang(const char *locale);
const char *const *push_words(int lang);
/* "45 min", "3 h", "3 h 5 min". */
void push_duration_text(int64_t ms, char *out, size_t outsz);

/* A notification payload {title, body, url, tag, actions: [open], data:
 * {kind, family_id}}: the caller adds to its "data". */
cJSON *push_payload_new(int lang, const char *kind, const char *family_id, const char *title,
                        const char *body, const char *url, const char *tag);

/* Queues one message; *queued says whether it was new (a firing is queued
 * once per subscription: `dedupe` names it). */
bool push_queue_message(struct db *d, const char *sub_id, const char *reminder_id,
                        const char *dedupe, const char *payload, const char *topic,
                        const char *urgency, int64_t ttl, int64_t now, bool *queued);
/* The same, first sent at `send_at` (a message held until quiet hours end). */
bool push_queue_message_at(struct db *d, const char *sub_id, const char *reminder_id,
                           const char *dedupe, const char *payload, const char *topic,
                           const char *urgency, int64_t ttl, int64_t now, int64_t send_at,
                           bool *queued);

/* Queues a test notification for every active subscription of an account
 * (user_id) or a guest member (member_id). Returns how many, -1 on error. */
int push_queue_test(struct db *d, const char *user_id, const char *member_id);

/* The snooze capability put in a reminder's payload: the service worker
 * posts it back without a session. */
#define SNOOZE_TOKEN_TTL_MS (24 * 3600 * 1000LL)
void push_snooze_token(const char *reminder_id, int64_t expires_ms, char *out, size_t outsz);
/* Checks a token; on success writes the reminder id (37 bytes). */
bool push_snooze_token_check(const char *token, char reminder_id[37]);

/* The VAPID key in DATA_DIR/vapid.pem, created when missing. */
struct vapid_key *push_vapid_key(const char *data_dir, char *err, size_t errsz);

#endif
