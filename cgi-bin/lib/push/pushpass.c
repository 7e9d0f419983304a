/* pushpass.c — one pass of the sender: due reminders become messages in the
 * outbox (one per opted-in member's subscription, never twice for the same
 * firing), and so do the medications' alerts (a dose due, a dose missed 30
 * minutes after its time, a supply at its refill threshold) and the
 * appointments' reminders (24 h and 1 h before, or as each one says) and the shifts'
 * notifications (shiftpush.c), then due messages are claimed
 * under a lease inside a write transaction (so two passes at once never take the same one),
 * encrypted (RFC 8291), signed (VAPID, RFC 8292), sent in parallel, and their outcome recorded:
 * delivered, gone (the subscription is deactivated), too large, retried later with backoff that
 * honours Retry-After, or failed. */
#include "push/pushpass.h"

#include "framework/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "data/acttype.h"
#include "data/appts.h"
#include "data/meds.h"
#include "framework/config.h"
#include "framework/log.h"
#include "mail/mail.h"
#include "push/notify.h"
#include "push/pushmsg.h"
#include "push/pushsend.h"
#include "push/shiftpush.h"
#include "security/reset.h"
#include "security/secret.h"
#include "data/tz.h"
#include "util/util.h"
#include "push/webpush.h"

#define BATCH        500
#define LEASE_MS     (120 * 1000LL)
#define GRACE_MS     (60 * 60 * 1000LL) /* a reminder more than an hour late is skipped */
#define KEEP_DONE_MS (30LL * 24 * 3600 * 1000)

void push_pass_opts_from_env(struct push_pass_opts *o)
{
    const char *sub = getenv("VAPID_SUBJECT");
    o->vapid_subject = sub && *sub ? sub : "mailto:admin@carelog.invalid";
    const char *lb = getenv("PUSH_ALLOW_LOOPBACK");
    o->allow_loopback = lb && strcmp(lb, "1") == 0;
    const char *ca = getenv("PUSH_CA_FILE");
    o->ca_file = ca && *ca ? ca : NULL;
    long v;
    o->retry_base_ms = env_int("PUSH_RETRY_BASE_MS", 30000, 100, 3600000, &v) ? v : 30000;
    o->budget_ms = env_int("PUSH_BUDGET_MS", 50000, 1000, 600000, &v) ? v : 50000;
    o->timeout_ms = 0;
}

/* ---------- firing due reminders ---------- */

struct rule {
    char id[37], family_id[37], subject_id[37], kind[16], time_of_day[8], label[128], zone[64],
        subject_name[128], entry_type[96];
    int64_t interval_min, at, snooze_until, last_due, created_at;
    bool has_snooze;
};

/* The newest entry of a type for the person: its start and value. */
static bool last_entry(struct db *d, const char *subject, const char *type, int64_t *ts,
                       char *value, size_t valuesz)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT ts, value FROM entries WHERE subject_id = ? AND "
                                  "type = ? AND deleted = 0 ORDER BY ts DESC LIMIT 1");
    bool found = st && db_bind_text(st, 1, subject) && db_bind_text(st, 2, type) &&
                 sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        *ts = sqlite3_column_int64(st, 0);
        snprintf(value, valuesz, "%s", db_col_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    return found;
}

/* The entry type a rule counts from (feed_due: feed, diaper_due: diaper,
 * since_last: its own), or NULL for a rule that keeps to the clock. */
static const char *awaited_type(const struct rule *r)
{
    if (strcmp(r->kind, "feed_due") == 0)
        return "feed";
    if (strcmp(r->kind, "diaper_due") == 0)
        return "diaper";
    if (strcmp(r->kind, "since_last") == 0)
        return r->entry_type;
    return NULL;
}

/* The rule's most recent due time at or before `now` (0: none). */
static int64_t rule_due(struct db *d, const struct rule *r, int64_t now)
{
    int64_t due = 0, ts;
    char value[1024];
    const char *type = awaited_type(r);
    if (type) {
        /* Logging the awaited event moves this: a new feed re-arms the rule. */
        if (last_entry(d, r->subject_id, type, &ts, value, sizeof value))
            due = ts + r->interval_min * 60000;
    } else if (strcmp(r->kind, "daily") == 0) {
        const struct tz *z = tz_get(r->zone);
        int hh, mm;
        if (z && sscanf(r->time_of_day, "%d:%d", &hh, &mm) == 2) {
            struct date today = tz_date_at(z, now);
            for (int back = 0; back < 2; back++) {
                struct date day = date_add_days(today, -back);
                struct civil c = {day.year, day.month, day.day, hh, mm, 0, 0};
                int64_t t;
                if (tz_civil_to_utc(z, &c, &t) && t <= now) {
                    due = t;
                    break;
                }
            }
        }
        if (due && due < r->created_at)
            due = 0; /* set up after today's time: the first one is tomorrow */
    } else if (strcmp(r->kind, "once") == 0) {
        due = r->at;
    }
    if (due > now)
        due = 0;
    if (r->has_snooze && r->snooze_until <= now && r->snooze_until > due)
        due = r->snooze_until;
    return due;
}

/* An entry type's name in a notification's language: the catalogue's (as
 * the mail has it), or a family's own type's name in that language, else
 * its English one, else its key. */
static void type_name(struct db *d, const char *fid, const char *type, int lang, char *out,
                      size_t outsz)
{
    static const char *const locales[] = {"en", "he", "fr"};
    const char *locale = locales[lang >= 0 && lang < 3 ? lang : 0];
    size_t plen = strlen(ACTTYPE_PREFIX);
    snprintf(out, outsz, "%s", strncmp(type, ACTTYPE_PREFIX, plen) == 0 ? type + plen : type);
    if (strncmp(type, ACTTYPE_PREFIX, plen) != 0) {
        char key[128];
        snprintf(key, sizeof key, "type.%s", type);
        const char *t = mail_text(locale, key);
        if (t[0])
            snprintf(out, outsz, "%s", t);
        return;
    }
    sqlite3_stmt *st =
        db_stmt(d, "SELECT names FROM activity_types WHERE family_id = ? AND key = ?");
    if (st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, type + plen) &&
        sqlite3_step(st) == SQLITE_ROW) {
        cJSON *names = cJSON_Parse(db_col_text(st, 0));
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(names, locale);
        if (!cJSON_IsString(n) || !n->valuestring[0])
            n = cJSON_GetObjectItemCaseSensitive(names, "en");
        if (cJSON_IsString(n) && n->valuestring[0])
            snprintf(out, outsz, "%s", n->valuestring);
        cJSON_Delete(names);
    }
    if (st)
        sqlite3_reset(st);
}

/* The notification for one rule, in one language. */
static cJSON *reminder_payload(struct db *d, const struct rule *r, int lang, int64_t due,
                               int64_t now)
{
    const char *const *w = push_words(lang);
    char title[400], body[700], dur[48];
    const char *action = "open", *action_title = w[W_OPEN];
    bool feed = strcmp(r->kind, "feed_due") == 0, diaper = strcmp(r->kind, "diaper_due") == 0;
    if (feed || diaper) {
        int64_t ts;
        char value[1024];
        snprintf(title, sizeof title, "%s — %s", w[feed ? W_FEED_DUE : W_DIAPER_DUE],
                 r->subject_name);
        if (last_entry(d, r->subject_id, feed ? "feed" : "diaper", &ts, value, sizeof value)) {
            push_duration_text(now - ts, dur, sizeof dur);
            int n = snprintf(body, sizeof body, w[feed ? W_LAST_FEED : W_LAST_DIAPER], dur);
            cJSON *v = feed ? cJSON_Parse(value) : NULL;
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "method");
            const char *how = NULL;
            if (cJSON_IsString(m)) {
                if (strcmp(m->valuestring, "breast_left") == 0)
                    how = w[W_LEFT];
                else if (strcmp(m->valuestring, "breast_right") == 0)
                    how = w[W_RIGHT];
                else if (strcmp(m->valuestring, "breast_both") == 0)
                    how = w[W_BOTH];
                else if (strcmp(m->valuestring, "bottle") == 0)
                    how = w[W_BOTTLE];
                else
                    how = w[W_SOLIDS];
            }
            if (how && n > 0 && (size_t)n < sizeof body)
                snprintf(body + n, sizeof body - (size_t)n, " (%s)", how);
            cJSON_Delete(v);
        } else {
            snprintf(body, sizeof body, "%s", w[W_NO_FEED]);
        }
        action = feed ? "log-feed" : "log-diaper";
        action_title = w[feed ? W_LOG_FEED : W_LOG_DIAPER];
    } else if (strcmp(r->kind, "since_last") == 0) {
        /* "Time for Bath — Noa" / "Last: Bath, 26 h ago". */
        int64_t ts;
        char value[1024], name[200], what[240];
        type_name(d, r->family_id, r->entry_type, lang, name, sizeof name);
        snprintf(what, sizeof what, w[W_TIME_FOR], r->label[0] ? r->label : name);
        snprintf(title, sizeof title, "%s — %s", what, r->subject_name);
        if (last_entry(d, r->subject_id, r->entry_type, &ts, value, sizeof value)) {
            push_duration_text(now - ts, dur, sizeof dur);
            snprintf(body, sizeof body, w[W_LAST_ONE], name, dur);
        } else {
            snprintf(body, sizeof body, w[W_NONE_YET], name);
        }
    } else {
        const char *what = r->label[0] ? r->label : w[W_REMINDER];
        snprintf(title, sizeof title, "%s — %s", what, r->subject_name);
        snprintf(body, sizeof body, w[W_TIME_FOR], what);
    }
    char token[200];
    push_snooze_token(r->id, now + SNOOZE_TOKEN_TTL_MS, token, sizeof token);
    char url[160];
    snprintf(url, sizeof url, "/?family=%s&subject=%s", r->family_id, r->subject_id);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "title", title);
    cJSON_AddStringToObject(p, "body", body);
    cJSON_AddStringToObject(p, "url", url);
    char tag[48];
    snprintf(tag, sizeof tag, "reminder-%.8s", r->id);
    cJSON_AddStringToObject(p, "tag", tag);
    cJSON *actions = cJSON_AddArrayToObject(p, "actions");
    cJSON *a1 = cJSON_CreateObject();
    cJSON_AddStringToObject(a1, "action", action);
    cJSON_AddStringToObject(a1, "title", action_title);
    cJSON_AddItemToArray(actions, a1);
    cJSON *a2 = cJSON_CreateObject();
    cJSON_AddStringToObject(a2, "action", "snooze");
    cJSON_AddStringToObject(a2, "title", w[W_SNOOZE]);
    cJSON_AddItemToArray(actions, a2);
    cJSON *data = cJSON_AddObjectToObject(p, "data");
    cJSON_AddStringToObject(data, "reminder_id", r->id);
    cJSON_AddStringToObject(data, "family_id", r->family_id);
    cJSON_AddStringToObject(data, "subject_id", r->subject_id);
    cJSON_AddStringToObject(data, "kind", r->kind);
    if (r->entry_type[0])
        cJSON_AddStringToObject(data, "entry_type", r->entry_type);
    cJSON_AddStringToObject(data, "snooze_token", token);
    cJSON_AddNumberToObject(data, "due", (double)due);
    return p;
}

/* A topic per reminder, so a push service collapses a repeat it still holds. */
static void reminder_topic(const char *id, char out[33])
{
    push_topic(id, out);
}

/* Sends a notice to each member a bound query names (lib/push/notify.h). */
static bool notify_members(struct db *d, sqlite3_stmt *q, struct notice *n, int64_t now,
                           struct push_pass_stats *st)
{
    struct notify_counts c = {0};
    bool ok = notify_each(d, q, n, now, &c);
    st->queued += c.queued;
    st->skipped_quiet += c.skipped_quiet;
    st->stored += c.stored;
    return ok;
}

struct reminder_ctx {
    struct db *d;
    const struct rule *r;
    int64_t due, now;
};

static cJSON *reminder_payload_lang(const void *ctx, int lang)
{
    const struct reminder_ctx *x = ctx;
    return reminder_payload(x->d, x->r, lang, x->due, x->now);
}

/* Queues a firing of `r` for every opted-in member (no push in their quiet
 * hours). */
static bool fire(struct db *d, const struct rule *r, int64_t due, int64_t now,
                 struct push_pass_stats *st)
{
    sqlite3_stmt *q =
        db_stmt(d, "SELECT m.id FROM reminder_optins o JOIN members m ON m.id = o.member_id AND "
                   "m.removed_at IS NULL WHERE o.reminder_id = ?1 AND " ACCESS_MEMBER_SEES("m", 9));
    if (!q || !db_bind_text(q, 1, r->id) || !db_bind_text(q, 9, r->subject_id))
        return false;
    char dedupe[64], topic[33];
    snprintf(dedupe, sizeof dedupe, "%.36s@%lld", r->id, (long long)due);
    reminder_topic(r->id, topic);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "reminder_kind", r->kind);
    cJSON_AddStringToObject(data, "label", r->label);
    cJSON_AddStringToObject(data, "subject_name", r->subject_name);
    cJSON_AddNumberToObject(data, "due", (double)due);
    struct reminder_ctx ctx = {d, r, due, now};
    struct notice n = {.family_id = r->family_id,
                       .kind = "reminder",
                       .about = "reminder",
                       .about_id = r->id,
                       .subject_id = r->subject_id,
                       .data = data,
                       .dedupe = dedupe,
                       .reminder_id = r->id,
                       .topic = topic,
                       .urgency = "high",
                       .ttl = 3600,
                       .quiet = QUIET_SKIP,
                       .zone = tz_get(r->zone),
                       .payload = reminder_payload_lang,
                       .ctx = &ctx};
    bool ok = data && notify_members(d, q, &n, now, st);
    cJSON_Delete(data);
    return ok;
}

static bool fire_due_reminders(struct db *d, int64_t now, struct push_pass_stats *st)
{
    if (!db_begin(d))
        return false;
    sqlite3_stmt *q = db_stmt(
        d, "SELECT r.id, r.family_id, r.subject_id, r.kind, coalesce(r.interval_min, 0), "
           "coalesce(r.time_of_day, ''), coalesce(r.at, 0), r.label, r.snooze_until, "
           "r.last_due, r.created_at, f.timezone, s.name, coalesce(r.entry_type, '') "
           "FROM reminders r "
           "JOIN families f ON f.id = r.family_id AND f.archived_at IS NULL "
           "JOIN subjects s ON s.id = r.subject_id AND s.deleted_at IS NULL WHERE r.enabled = 1");
    if (!q) {
        db_rollback(d);
        return false;
    }
    struct rule *rules = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct rule *grown = realloc(rules, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            rules = grown;
        }
        struct rule *r = &rules[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->id, sizeof r->id, "%s", db_col_text(q, 0));
        snprintf(r->family_id, sizeof r->family_id, "%s", db_col_text(q, 1));
        snprintf(r->subject_id, sizeof r->subject_id, "%s", db_col_text(q, 2));
        snprintf(r->kind, sizeof r->kind, "%s", db_col_text(q, 3));
        r->interval_min = sqlite3_column_int64(q, 4);
        snprintf(r->time_of_day, sizeof r->time_of_day, "%s", db_col_text(q, 5));
        r->at = sqlite3_column_int64(q, 6);
        snprintf(r->label, sizeof r->label, "%s", db_col_text(q, 7));
        r->has_snooze = sqlite3_column_type(q, 8) != SQLITE_NULL;
        r->snooze_until = sqlite3_column_int64(q, 8);
        r->last_due = sqlite3_column_int64(q, 9);
        r->created_at = sqlite3_column_int64(q, 10);
        snprintf(r->zone, sizeof r->zone, "%s", db_col_text(q, 11));
        snprintf(r->subject_name, sizeof r->subject_name, "%s", db_col_text(q, 12));
        snprintf(r->entry_type, sizeof r->entry_type, "%s", db_col_text(q, 13));
    }
    sqlite3_reset(q);
    sqlite3_stmt *mark = db_stmt(d, "UPDATE reminders SET last_due = ?, snooze_until = CASE "
                                    "WHEN snooze_until <= ? THEN NULL ELSE snooze_until END "
                                    "WHERE id = ?");
    for (size_t i = 0; ok && i < n; i++) {
        int64_t due = rule_due(d, &rules[i], now);
        if (due <= rules[i].last_due)
            continue;
        /* Fire it once; a firing found more than an hour late (the server was
         * down) is only marked, since a stale "feed due" helps nobody. */
        if (now - due <= GRACE_MS) {
            ok = fire(d, &rules[i], due, now, st);
            st->fired++;
        }
        ok = ok && mark && db_bind_int64(mark, 1, due) && db_bind_int64(mark, 2, now) &&
             db_bind_text(mark, 3, rules[i].id) && db_step_done(d, mark);
    }
    free(rules);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return false;
    }
    return true;
}

/* ---------- medications: dose due, dose missed, refill ---------- */

/* One medication as the pass needs it (lib/data/meds.h holds the rules). */
struct medrule {
    char id[37], family_id[37], subject_id[37], name[128], unit[32], zone[64], subject_name[128];
    struct med_schedule sched;
    bool urgent, has_left, has_refill, refill_alerted;
    double left, refill_at, dose;
    int64_t created_at, last_due, last_missed;
};

enum med_alert { ALERT_DUE, ALERT_MISSED, ALERT_REFILL };

/* Whether a scheduled dose was recorded (given or skipped) by anyone. */
static bool dose_recorded(struct db *d, const char *medid, int64_t at)
{
    sqlite3_stmt *st = db_stmt(
        d,
        "SELECT 1 FROM entries WHERE type = 'medication_dose' AND "
        "json_extract(value, '$.medication_id') = ? AND json_extract(value, '$.scheduled_at') = ? "
        "AND deleted = 0 LIMIT 1");
    bool found = st && db_bind_text(st, 1, medid) && db_bind_int64(st, 2, at) &&
                 sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return found;
}

static cJSON *med_payload(const struct medrule *m, enum med_alert kind, int lang, int64_t at)
{
    const char *const *w = push_words(lang);
    char title[400], body[700], what[200], when[8] = "", left[64];
    const struct tz *z = tz_get(m->zone);
    if (at && z) {
        struct civil c;
        tz_to_civil(z, at, &c);
        snprintf(when, sizeof when, "%02d:%02d", c.hour % 24, c.minute % 60);
    }
    if (m->dose > 0)
        snprintf(what, sizeof what, "%s %g %s", m->name, m->dose, m->unit);
    else
        snprintf(what, sizeof what, "%s", m->name);
    static const enum word titles[] = {W_DOSE_DUE, W_DOSE_MISSED, W_REFILL};
    snprintf(title, sizeof title, "%s — %s", w[titles[kind]], m->subject_name);
    if (kind == ALERT_DUE) {
        snprintf(body, sizeof body, w[W_DOSE_AT], what, when);
    } else if (kind == ALERT_MISSED) {
        snprintf(body, sizeof body, w[W_MISSED_AT], m->name, when);
    } else {
        snprintf(left, sizeof left, "%g %s", m->left, m->unit);
        snprintf(body, sizeof body, w[W_SUPPLY_LEFT], m->name, left);
    }
    static const char *const kinds[] = {"dose_due", "dose_missed", "refill"};
    char url[160], tag[64];
    snprintf(url, sizeof url, "/?family=%s&subject=%s#/meds", m->family_id, m->subject_id);
    snprintf(tag, sizeof tag, "%s-%.8s", kinds[kind], m->id);
    cJSON *p = push_payload_new(lang, kinds[kind], m->family_id, title, body, url, tag);
    cJSON *data = cJSON_GetObjectItemCaseSensitive(p, "data");
    cJSON_AddStringToObject(data, "subject_id", m->subject_id);
    cJSON_AddStringToObject(data, "medication_id", m->id);
    if (at)
        cJSON_AddNumberToObject(data, "scheduled_at", (double)at);
    return p;
}

struct med_ctx {
    const struct medrule *m;
    enum med_alert kind;
    int64_t at;
};

static cJSON *med_payload_lang(const void *ctx, int lang)
{
    const struct med_ctx *x = ctx;
    return med_payload(x->m, x->kind, lang, x->at);
}

/* Queues one alert of a medication: a dose due to the members who opted in
 * (no push in their quiet hours, as reminders); a missed dose to every
 * owner and caregiver (no push in quiet hours unless the medication is
 * marked urgent); a refill to every owner and caregiver (its push held until
 * their quiet hours end: it goes out once per crossing, so it must not be
 * lost). */
static bool fire_med(struct db *d, const struct medrule *m, enum med_alert kind, int64_t at,
                     int64_t now, struct push_pass_stats *st)
{
    const struct tz *z = tz_get(m->zone);
    if (!z)
        z = tz_get("UTC");
    sqlite3_stmt *q =
        kind == ALERT_DUE
            ? db_stmt(d, "SELECT mb.id FROM medication_optins o JOIN members mb ON "
                         "mb.id = o.member_id AND mb.removed_at IS NULL "
                         "WHERE o.medication_id = ?1 AND ?2 IS NOT NULL AND " ACCESS_MEMBER_SEES(
                             "mb", 9))
            : db_stmt(d, "SELECT mb.id FROM members mb WHERE mb.family_id = ?2 AND "
                         "mb.removed_at IS NULL AND mb.role IN ('owner', 'caregiver') AND "
                         "?1 IS NOT NULL AND " ACCESS_MEMBER_SEES("mb", 9));
    if (!q || !db_bind_text(q, 1, m->id) || !db_bind_text(q, 2, m->family_id) ||
        !db_bind_text(q, 9, m->subject_id))
        return false;
    static const char *const prefix[] = {"dose", "missed", "refill"};
    static const char *const kinds[] = {"dose_due", "dose_missed", "refill"};
    char dedupe[96], topic[33], key[64];
    snprintf(dedupe, sizeof dedupe, "%s:%.36s@%lld", prefix[kind], m->id,
             (long long)(kind == ALERT_REFILL ? now : at));
    snprintf(key, sizeof key, "%s:%.36s", prefix[kind], m->id);
    reminder_topic(key, topic);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "name", m->name);
    cJSON_AddStringToObject(data, "subject_name", m->subject_name);
    cJSON_AddStringToObject(data, "unit", m->unit);
    if (m->dose > 0)
        cJSON_AddNumberToObject(data, "dose", m->dose);
    if (at)
        cJSON_AddNumberToObject(data, "scheduled_at", (double)at);
    if (kind == ALERT_REFILL)
        cJSON_AddNumberToObject(data, "left", m->left);
    struct med_ctx ctx = {m, kind, at};
    /* A missed dose is urgent news; a dose due and a refill are not. */
    struct notice n = {.family_id = m->family_id,
                       .kind = kinds[kind],
                       .about = "medication",
                       .about_id = m->id,
                       .subject_id = m->subject_id,
                       .data = data,
                       .dedupe = dedupe,
                       .topic = topic,
                       .urgency = kind == ALERT_MISSED ? "high" : "normal",
                       .ttl = 3600 * 12,
                       .quiet = kind == ALERT_REFILL                ? QUIET_HOLD
                                : kind == ALERT_MISSED && m->urgent ? QUIET_BYPASS
                                                                    : QUIET_SKIP,
                       .zone = z,
                       .payload = med_payload_lang,
                       .ctx = &ctx};
    bool ok = data && notify_members(d, q, &n, now, st);
    /* A missed dose also by email to the owners and caregivers push would
     * never reach (no device with notifications on), under the same
     * quiet-hours rule; once per dose, as the push. */
    if (ok && kind == ALERT_MISSED) {
        char path[160];
        snprintf(path, sizeof path, "/?family=%s&subject=%s#/meds", m->family_id, m->subject_id);
        ok = notify_mail_unreachable(d, &n, NULL, true, path, now, &st->mailed, &st->skipped_quiet);
    }
    notice_done(&n);
    cJSON_Delete(data);
    st->fired++;
    return ok;
}

static bool medrule_read(sqlite3_stmt *q, struct medrule *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", db_col_text(q, 0));
    snprintf(m->family_id, sizeof m->family_id, "%s", db_col_text(q, 1));
    snprintf(m->subject_id, sizeof m->subject_id, "%s", db_col_text(q, 2));
    snprintf(m->name, sizeof m->name, "%s", db_col_text(q, 3));
    snprintf(m->unit, sizeof m->unit, "%s", db_col_text(q, 4));
    snprintf(m->zone, sizeof m->zone, "%s", db_col_text(q, 5));
    snprintf(m->subject_name, sizeof m->subject_name, "%s", db_col_text(q, 6));
    m->sched.active = true;
    m->sched.has_end = sqlite3_column_type(q, 12) != SQLITE_NULL;
    m->urgent = sqlite3_column_int(q, 13) == 1;
    m->has_left = sqlite3_column_type(q, 14) != SQLITE_NULL;
    m->left = sqlite3_column_double(q, 14);
    m->has_refill = sqlite3_column_type(q, 15) != SQLITE_NULL;
    m->refill_at = sqlite3_column_double(q, 15);
    m->refill_alerted = sqlite3_column_int(q, 16) == 1;
    m->created_at = sqlite3_column_int64(q, 17);
    m->last_due = sqlite3_column_int64(q, 18);
    m->last_missed = sqlite3_column_int64(q, 19);
    m->dose = sqlite3_column_double(q, 20);
    return date_parse(db_col_text(q, 11), &m->sched.start) &&
           (!m->sched.has_end || date_parse(db_col_text(q, 12), &m->sched.end)) &&
           med_schedule_times(&m->sched, db_col_text(q, 7), db_col_text(q, 8),
                              sqlite3_column_int(q, 9), db_col_text(q, 10));
}

/* Each active medication's alerts that are due now, each fired once: the
 * medication remembers the scheduled times it fired "due" and "missed"
 * for, and whether the refill alert went out for this crossing of its
 * threshold (cleared once the supply is above it again). An alert found
 * more than an hour late (the sender did not run) is only marked. */
static bool fire_medications(struct db *d, int64_t now, struct push_pass_stats *st)
{
    if (!db_begin(d))
        return false;
    sqlite3_stmt *q = db_stmt(
        d, "SELECT m.id, m.family_id, m.subject_id, m.name, m.unit, f.timezone, s.name, "
           "m.schedule_kind, m.times, m.every_hours, m.first_time, m.start_date, m.end_date, "
           "m.missed_urgent, " MED_SUPPLY_LEFT_SQL(
               "m") ", m.refill_at, m.refill_alerted, "
                    "m.created_at, m.last_due_fired, m.last_missed_fired, coalesce(m.dose, 0) "
                    "FROM medications m JOIN families f ON f.id = m.family_id AND f.archived_at IS "
                    "NULL "
                    "JOIN subjects s ON s.id = m.subject_id AND s.deleted_at IS NULL "
                    "WHERE m.deleted_at IS NULL AND m.active = 1");
    if (!q) {
        db_rollback(d);
        return false;
    }
    struct medrule *meds = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (ok && sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct medrule *grown = realloc(meds, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            meds = grown;
        }
        if (medrule_read(q, &meds[n]))
            n++;
    }
    sqlite3_reset(q);
    sqlite3_stmt *mark = db_stmt(d, "UPDATE medications SET last_due_fired = ?2, "
                                    "last_missed_fired = ?3, refill_alerted = ?4 WHERE id = ?1");
    for (size_t i = 0; ok && i < n; i++) {
        struct medrule *m = &meds[i];
        const struct tz *z = tz_get(m->zone);
        if (!z)
            z = tz_get("UTC");
        /* Yesterday's doses too: a 23:50 dose is missed after midnight. */
        int64_t slots[2 * MED_MAX_TIMES];
        struct date today = tz_date_at(z, now);
        int k = med_day_slots(&m->sched, z, date_add_days(today, -1), slots, MED_MAX_TIMES);
        k += med_day_slots(&m->sched, z, today, slots + k, MED_MAX_TIMES);
        int64_t due_mark = m->last_due, missed_mark = m->last_missed;
        for (int j = 0; ok && j < k; j++) {
            int64_t at = slots[j];
            if (at <= m->created_at)
                continue;
            if (at <= now && at > m->last_due) {
                if (now - at <= GRACE_MS && !dose_recorded(d, m->id, at))
                    ok = fire_med(d, m, ALERT_DUE, at, now, st);
                due_mark = at;
            }
            if (at + DOSE_MISSED_AFTER_MS <= now && at > m->last_missed) {
                if (now - at - DOSE_MISSED_AFTER_MS <= GRACE_MS && !dose_recorded(d, m->id, at))
                    ok = ok && fire_med(d, m, ALERT_MISSED, at, now, st);
                missed_mark = at;
            }
        }
        bool alerted = m->refill_alerted;
        if (m->has_left && m->has_refill && m->left <= m->refill_at && !alerted) {
            ok = ok && fire_med(d, m, ALERT_REFILL, 0, now, st);
            alerted = true;
        } else if (alerted && !(m->has_left && m->has_refill && m->left <= m->refill_at)) {
            alerted = false; /* refilled: the next crossing alerts again */
        }
        if (ok && (due_mark != m->last_due || missed_mark != m->last_missed ||
                   alerted != m->refill_alerted))
            ok = mark && db_bind_text(mark, 1, m->id) && db_bind_int64(mark, 2, due_mark) &&
                 db_bind_int64(mark, 3, missed_mark) && db_bind_int64(mark, 4, alerted) &&
                 db_step_done(d, mark);
    }
    free(meds);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return false;
    }
    return true;
}

/* ---------- appointments: reminders before each occurrence ---------- */

struct apptrule {
    char id[37], family_id[37], subject_id[37], title[256], location[256], driver[128],
        driver_id[37], zone[64], subject_name[128];
    struct appt_series series;
    int reminders[4], nreminders;
    int64_t created_at, last;
};

struct appt_fire {
    struct db *d;
    const struct apptrule *a;
    int64_t now, mark;
    struct push_pass_stats *st;
    bool ok;
};

static cJSON *appt_payload(const struct apptrule *a, int lang, int64_t start)
{
    const char *const *w = push_words(lang);
    const struct tz *z = tz_get(a->zone);
    struct civil c;
    tz_to_civil(z ? z : tz_get("UTC"), start, &c);
    char day[16], at[8], title[400], body[800];
    snprintf(day, sizeof day, "%04u-%02u-%02u", (unsigned)c.year % 10000u, (unsigned)c.month % 100u,
             (unsigned)c.day % 100u);
    snprintf(at, sizeof at, "%02u:%02u", (unsigned)c.hour % 100u, (unsigned)c.minute % 100u);
    snprintf(title, sizeof title, "%s — %s", w[W_APPOINTMENT], a->subject_name);
    int n = snprintf(body, sizeof body, w[W_APPT_AT], a->title, day, at);
    if (a->location[0] && n > 0 && (size_t)n < sizeof body)
        n += snprintf(body + n, sizeof body - (size_t)n, ", %s", a->location);
    if (a->driver[0] && n > 0 && (size_t)n < sizeof body) {
        char drv[200];
        snprintf(drv, sizeof drv, w[W_APPT_DRIVER], a->driver);
        snprintf(body + n, sizeof body - (size_t)n, " (%s)", drv);
    }
    char url[160], tag[64];
    snprintf(url, sizeof url, "/?family=%s&subject=%s#/calendar", a->family_id, a->subject_id);
    snprintf(tag, sizeof tag, "appointment-%.8s", a->id);
    cJSON *p = push_payload_new(lang, "appointment", a->family_id, title, body, url, tag);
    cJSON *data = cJSON_GetObjectItemCaseSensitive(p, "data");
    cJSON_AddStringToObject(data, "subject_id", a->subject_id);
    cJSON_AddStringToObject(data, "appointment_id", a->id);
    cJSON_AddNumberToObject(data, "start", (double)start);
    return p;
}

struct appt_ctx {
    const struct apptrule *a;
    int64_t start;
};

static cJSON *appt_payload_lang(const void *ctx, int lang)
{
    const struct appt_ctx *x = ctx;
    return appt_payload(x->a, lang, x->start);
}

/* A reminder of one occurrence, to every owner and caregiver and to the
 * driver (no push in their quiet hours). */
static bool fire_appt(struct db *d, const struct apptrule *a, int64_t start, int64_t at,
                      int64_t now, struct push_pass_stats *st)
{
    sqlite3_stmt *q = db_stmt(
        d, "SELECT mb.id FROM members mb WHERE mb.family_id = ?1 AND "
           "mb.removed_at IS NULL AND "
           "(mb.role IN ('owner', 'caregiver') OR mb.id = ?2) AND " ACCESS_MEMBER_SEES("mb", 9));
    if (!q || !db_bind_text(q, 1, a->family_id) ||
        !db_bind_text(q, 2, a->driver_id[0] ? a->driver_id : NULL) ||
        !db_bind_text(q, 9, a->subject_id))
        return false;
    char dedupe[96], topic[33], key[64];
    snprintf(dedupe, sizeof dedupe, "appt:%.36s@%lld", a->id, (long long)at);
    snprintf(key, sizeof key, "appt:%.36s", a->id);
    reminder_topic(key, topic);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "title", a->title);
    cJSON_AddStringToObject(data, "subject_name", a->subject_name);
    cJSON_AddStringToObject(data, "location", a->location);
    cJSON_AddStringToObject(data, "driver", a->driver);
    cJSON_AddNumberToObject(data, "start", (double)start);
    struct appt_ctx ctx = {a, start};
    struct notice n = {.family_id = a->family_id,
                       .kind = "appointment",
                       .about = "appointment",
                       .about_id = a->id,
                       .subject_id = a->subject_id,
                       .data = data,
                       .dedupe = dedupe,
                       .topic = topic,
                       .urgency = "normal",
                       .ttl = 3600,
                       .quiet = QUIET_SKIP,
                       .zone = tz_get(a->zone),
                       .payload = appt_payload_lang,
                       .ctx = &ctx};
    bool ok = data && notify_members(d, q, &n, now, st);
    cJSON_Delete(data);
    st->fired++;
    return ok;
}

/* Each occurrence coming up: its reminders due now fire once (the
 * appointment remembers the latest reminder time it went through). */
static bool appt_visit(const struct appt_occurrence *o, void *arg)
{
    struct appt_fire *f = arg;
    for (int i = 0; f->ok && i < f->a->nreminders; i++) {
        int64_t at = o->start - (int64_t)f->a->reminders[i] * 60000;
        if (at > f->now || at <= f->a->last || at <= f->a->created_at)
            continue;
        if (f->now - at <= GRACE_MS)
            f->ok = fire_appt(f->d, f->a, o->start, at, f->now, f->st);
        if (at > f->mark)
            f->mark = at;
    }
    return f->ok;
}

static bool apptrule_read(sqlite3_stmt *q, struct apptrule *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->id, sizeof a->id, "%s", db_col_text(q, 0));
    snprintf(a->family_id, sizeof a->family_id, "%s", db_col_text(q, 1));
    snprintf(a->subject_id, sizeof a->subject_id, "%s", db_col_text(q, 2));
    snprintf(a->title, sizeof a->title, "%s", db_col_text(q, 3));
    snprintf(a->location, sizeof a->location, "%s", db_col_text(q, 4));
    snprintf(a->driver, sizeof a->driver, "%s", db_col_text(q, 5));
    snprintf(a->driver_id, sizeof a->driver_id, "%s", db_col_text(q, 6));
    snprintf(a->zone, sizeof a->zone, "%s", db_col_text(q, 7));
    snprintf(a->subject_name, sizeof a->subject_name, "%s", db_col_text(q, 8));
    a->created_at = sqlite3_column_int64(q, 14);
    a->last = sqlite3_column_int64(q, 15);
    cJSON *rem = cJSON_Parse(db_col_text(q, 12));
    for (const cJSON *x = cJSON_IsArray(rem) ? rem->child : NULL; x && a->nreminders < 4;
         x = x->next)
        if (cJSON_IsNumber(x) && x->valueint >= 0 && x->valueint <= 10080)
            a->reminders[a->nreminders++] = x->valueint;
    cJSON_Delete(rem);
    const struct tz *z = tz_get(a->zone);
    return z &&
           appt_series_read(&a->series, db_col_text(q, 9), sqlite3_column_int(q, 10),
                            sqlite3_column_type(q, 11) == SQLITE_NULL ? NULL : db_col_text(q, 11),
                            db_col_text(q, 13), z);
}

static bool fire_appointments(struct db *d, int64_t now, struct push_pass_stats *st)
{
    if (!db_begin(d))
        return false;
    sqlite3_stmt *q = db_stmt(
        d, "SELECT a.id, a.family_id, a.subject_id, a.title, a.location, "
           "coalesce(u.name, m.guest_name, ''), coalesce(a.driver_id, ''), f.timezone, s.name, "
           "a.dtstart, a.duration_min, a.rrule, a.reminders, " APPT_EXCEPTIONS_SQL(
               "a") ", "
                    "a.created_at, a.last_reminded FROM appointments a "
                    "JOIN families f ON f.id = a.family_id AND f.archived_at IS NULL "
                    "JOIN subjects s ON s.id = a.subject_id AND s.deleted_at IS NULL "
                    "LEFT JOIN members m ON m.id = a.driver_id AND m.removed_at IS NULL "
                    "LEFT JOIN users u ON u.id = m.user_id WHERE a.deleted_at IS NULL");
    if (!q) {
        db_rollback(d);
        return false;
    }
    struct apptrule *list = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (ok && sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct apptrule *grown = realloc(list, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            list = grown;
        }
        if (apptrule_read(q, &list[n]))
            n++;
    }
    sqlite3_reset(q);
    sqlite3_stmt *mark = db_stmt(d, "UPDATE appointments SET last_reminded = ? WHERE id = ?");
    for (size_t i = 0; ok && i < n; i++) {
        struct apptrule *a = &list[i];
        int longest = 0;
        for (int k = 0; k < a->nreminders; k++)
            if (a->reminders[k] > longest)
                longest = a->reminders[k];
        /* The occurrences whose reminders may be due: from an hour ago to
         * the longest reminder ahead. */
        struct appt_fire f = {.d = d, .a = a, .now = now, .mark = a->last, .st = st, .ok = true};
        appt_occurrences(&a->series, tz_get(a->zone), now - GRACE_MS,
                         now + (int64_t)longest * 60000 + 60000, appt_visit, &f);
        ok = f.ok;
        if (ok && f.mark != a->last)
            ok = mark && db_bind_int64(mark, 1, f.mark) && db_bind_text(mark, 2, a->id) &&
                 db_step_done(d, mark);
    }
    free(list);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return false;
    }
    return true;
}

/* ---------- sending ---------- */

struct claimed {
    int64_t id;
    int attempts;
    char sub_id[37];
    char *endpoint, *payload, *topic, *urgency;
    long ttl;
    unsigned char body[WP_MAX_BODY];
    size_t body_len;
    char authorization[VAPID_HEADER_MAX];
    bool ready; /* encrypted and signed: send it */
};

static void claimed_free(struct claimed *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].endpoint);
        free(c[i].payload);
        free(c[i].topic);
        free(c[i].urgency);
    }
    free(c);
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : strdup(db_col_text(st, col));
}

/* Takes up to BATCH due messages for this pass. The claim is one UPDATE in
 * a write transaction: a concurrent pass waits for it and then finds the
 * rows no longer pending. An expired lease (a crashed pass) is taken over. */
static struct claimed *claim(struct db *d, int64_t now, const char *dedupe, size_t *n)
{
    *n = 0;
    if (!db_begin(d))
        return NULL;
    sqlite3_stmt *st = db_stmt(
        d, "UPDATE push_messages SET state = 'sending', lease_until = ?1, attempts = attempts + 1 "
           "WHERE id IN (SELECT id FROM push_messages WHERE ((state = 'pending' AND "
           "next_attempt_at <= ?2) OR (state = 'sending' AND lease_until < ?2)) AND "
           "(?4 IS NULL OR dedupe = ?4) ORDER BY id LIMIT ?3) RETURNING id, attempts, "
           "subscription_id, payload, topic, urgency, ttl");
    struct claimed *c = calloc(BATCH, sizeof *c);
    if (!st || !c || !db_bind_int64(st, 1, now + LEASE_MS) || !db_bind_int64(st, 2, now) ||
        !db_bind_int64(st, 3, BATCH) || !db_bind_text(st, 4, dedupe)) {
        free(c);
        db_rollback(d);
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < BATCH) {
        struct claimed *m = &c[(*n)++];
        m->id = sqlite3_column_int64(st, 0);
        m->attempts = sqlite3_column_int(st, 1);
        snprintf(m->sub_id, sizeof m->sub_id, "%s", db_col_text(st, 2));
        m->payload = dup_col(st, 3);
        m->topic = dup_col(st, 4);
        m->urgency = dup_col(st, 5);
        m->ttl = sqlite3_column_int(st, 6);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        claimed_free(c, *n);
        *n = 0;
        db_rollback(d);
        return NULL;
    }
    if (!db_commit(d)) {
        claimed_free(c, *n);
        *n = 0;
        db_rollback(d);
        return NULL;
    }
    return c;
}

/* Encrypts for the subscription's keys and signs for its push service.
 * (The subscription is read here by its key: a subquery in the claim's
 * RETURNING was planned as a scan per row, quadratic in subscriptions.) */
static void prepare(struct db *d, struct claimed *m, struct vapid_cache *vc, int64_t now)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT p256dh, auth, endpoint FROM push_subscriptions WHERE id = ?");
    unsigned char pub[WP_POINT_LEN], auth[WP_AUTH_LEN];
    bool keys = st && db_bind_text(st, 1, m->sub_id) && sqlite3_step(st) == SQLITE_ROW &&
                webpush_p256dh_decode(db_col_text(st, 0), pub) &&
                webpush_auth_decode(db_col_text(st, 1), auth) &&
                (m->endpoint = dup_col(st, 2)) != NULL;
    if (st)
        sqlite3_reset(st);
    m->ready = keys && m->endpoint && m->payload &&
               webpush_encrypt(pub, auth, m->payload, strlen(m->payload), NULL, m->body,
                               sizeof m->body, &m->body_len) == WP_OK &&
               vapid_cache_header(vc, m->endpoint, now / 1000, m->authorization);
}

/* Records one message's outcome and its subscription's delivery record. */
static bool record(struct db *d, const struct claimed *m, const struct push_msg *pm,
                   const struct push_backoff *backoff, int64_t now, struct push_pass_stats *st)
{
    enum push_outcome out = m->ready ? push_classify(pm->status) : PUSH_REJECTED;
    const char *state = "failed";
    int64_t next = now;
    char error[PUSH_ERROR_MAX + 32] = "";
    if (!m->ready)
        snprintf(error, sizeof error, "could not encrypt or sign (bad subscription keys?)");
    else if (pm->status <= 0)
        snprintf(error, sizeof error, "%s", pm->error);
    switch (out) {
    case PUSH_DELIVERED:
        state = "delivered";
        st->delivered++;
        break;
    case PUSH_GONE:
        state = "gone";
        st->gone++;
        break;
    case PUSH_TOO_LARGE:
        state = "too_large";
        st->too_large++;
        break;
    case PUSH_RETRY:
        next = push_next_attempt_ms(backoff, m->attempts, pm->retry_after, now, 200);
        if (next >= 0) {
            state = "pending";
            st->retry++;
        } else {
            snprintf(error, sizeof error, "gave up after %d attempts (HTTP %d)", m->attempts,
                     pm->status);
            st->failed++;
        }
        break;
    case PUSH_REJECTED:
        st->failed++;
        break;
    }
    bool done = strcmp(state, "pending") != 0;
    sqlite3_stmt *u = db_stmt(d, "UPDATE push_messages SET state = ?, next_attempt_at = ?, "
                                 "lease_until = NULL, last_status = ?, last_error = ?, "
                                 "done_at = ? WHERE id = ?");
    bool ok = u && db_bind_text(u, 1, state) && db_bind_int64(u, 2, next < 0 ? now : next) &&
              db_bind_int64(u, 3, pm->status) && db_bind_text(u, 4, error[0] ? error : NULL) &&
              (done ? db_bind_int64(u, 5, now) : sqlite3_bind_null(u, 5) == SQLITE_OK) &&
              db_bind_int64(u, 6, m->id) && db_step_done(d, u);
    /* Per subscription: last status, delivered count, failures in a row; a
     * 404/410 means the browser unsubscribed, so it is switched off. */
    sqlite3_stmt *s = db_stmt(
        d, "UPDATE push_subscriptions SET last_status = ?1, last_error = ?2, last_sent_at = ?3, "
           "delivered = delivered + ?4, failures = CASE WHEN ?4 THEN 0 ELSE failures + 1 END, "
           "active = CASE WHEN ?5 THEN 0 ELSE active END, updated_at = ?3 WHERE id = ?6");
    ok = ok && s && db_bind_int64(s, 1, pm->status) &&
         db_bind_text(s, 2, error[0] ? error : NULL) && db_bind_int64(s, 3, now) &&
         db_bind_int64(s, 4, out == PUSH_DELIVERED) && db_bind_int64(s, 5, out == PUSH_GONE) &&
         db_bind_text(s, 6, m->sub_id) && db_step_done(d, s);
    return ok;
}

/* Sends due messages (only those of the firing `dedupe`, when given) until
 * none is left or the budget is spent. */
static bool send_due_messages(struct db *d, const struct vapid_key *key,
                              const struct push_pass_opts *o, const char *dedupe,
                              struct push_pass_stats *st, char *err, size_t errsz)
{
    struct pushsend_opts so;
    pushsend_default_opts(&so);
    if (o->timeout_ms > 0) {
        so.timeout_ms = o->timeout_ms;
        if (so.connect_timeout_ms > o->timeout_ms)
            so.connect_timeout_ms = o->timeout_ms;
    }
    so.allow_loopback = o->allow_loopback;
    so.ca_file = o->ca_file;
    struct pushsend *ps = pushsend_new(&so, err, errsz);
    struct vapid_cache vc;
    if (!ps || !vapid_cache_init(&vc, key, o->vapid_subject)) {
        if (ps)
            snprintf(err, errsz, "VAPID_SUBJECT must be a mailto: or https: URL");
        pushsend_free(ps);
        return false;
    }
    struct push_backoff backoff = PUSH_BACKOFF_DEFAULT;
    backoff.base_ms = o->retry_base_ms;
    int64_t started = mono_us() / 1000;
    bool ok = true;
    while (ok && mono_us() / 1000 - started < o->budget_ms) {
        int64_t now = now_ms();
        size_t n = 0;
        struct claimed *c = claim(d, now, dedupe, &n);
        if (!c) {
            ok = false;
            snprintf(err, errsz, "could not claim messages");
            break;
        }
        if (n == 0) {
            free(c);
            break;
        }
        struct push_msg *msgs = calloc(n, sizeof *msgs);
        size_t ready = 0;
        for (size_t i = 0; msgs && i < n; i++) {
            prepare(d, &c[i], &vc, now);
            if (!c[i].ready)
                continue;
            struct push_msg *pm = &msgs[ready++];
            pm->endpoint = c[i].endpoint;
            pm->authorization = c[i].authorization;
            pm->body = c[i].body;
            pm->body_len = c[i].body_len;
            pm->ttl = c[i].ttl;
            pm->urgency = c[i].urgency;
            pm->topic = c[i].topic;
        }
        db_release_all(d);
        if (msgs && ready)
            pushsend_run(ps, msgs, ready);
        st->sent += (int)ready;
        now = now_ms();
        ok = msgs && db_begin(d);
        static const struct push_msg unsent = {.status = PUSH_STATUS_REFUSED};
        for (size_t i = 0, k = 0; ok && i < n; i++)
            ok = record(d, &c[i], c[i].ready ? &msgs[k++] : &unsent, &backoff, now, st);
        if (ok && !db_commit(d))
            ok = false;
        if (!ok) {
            db_rollback(d);
            snprintf(err, errsz, "could not record delivery results");
        }
        free(msgs);
        claimed_free(c, n);
    }
    vapid_cache_free(&vc);
    pushsend_free(ps);
    return ok;
}

static void forget_old_messages(struct db *d, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM push_messages WHERE done_at < ?");
    if (st && db_bind_int64(st, 1, now - KEEP_DONE_MS))
        db_step_done(d, st);
}

bool push_pass_run(struct db *d, const struct vapid_key *key, const struct push_pass_opts *o,
                   struct push_pass_stats *st, char *err, size_t errsz)
{
    memset(st, 0, sizeof *st);
    err[0] = '\0';
    int64_t now = now_ms();
    if (!fire_due_reminders(d, now, st)) {
        snprintf(err, errsz, "could not fire due reminders");
        return false;
    }
    if (!fire_medications(d, now, st)) {
        snprintf(err, errsz, "could not fire medication alerts");
        return false;
    }
    if (!fire_appointments(d, now, st)) {
        snprintf(err, errsz, "could not fire appointment reminders");
        return false;
    }
    struct shift_push_counts sc = {0};
    bool shifts_ok = push_fire_shifts(d, now, &sc);
    st->fired += sc.fired;
    st->queued += sc.queued;
    st->skipped_quiet += sc.skipped_quiet;
    if (!shifts_ok) {
        snprintf(err, errsz, "could not fire shift notifications");
        return false;
    }
    bool ok = send_due_messages(d, key, o, NULL, st, err, errsz);
    forget_old_messages(d, now);
    return ok;
}

bool push_send_firing(struct db *d, const struct vapid_key *key, const struct push_pass_opts *o,
                      const char *dedupe, struct push_pass_stats *st, char *err, size_t errsz)
{
    memset(st, 0, sizeof *st);
    err[0] = '\0';
    return send_due_messages(d, key, o, dedupe, st, err, errsz);
}
