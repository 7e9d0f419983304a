/* notify.c — a notification to one member: the inbox row (once per firing),
 * then a push per active subscription unless the member turned that kind
 * off or quiet hours hold it back; and the quiet-hours arithmetic. */
#include "push/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/entrywrite.h"
#include "framework/access.h"
#include "data/tz.h"
#include "mail/mail.h"
#include "push/pushmsg.h"
#include "security/reset.h"
#include "util/util.h"

const char *const notify_kinds[] = {"reminder",    "dose_due", "dose_missed", "refill",
                                    "appointment", "alert",    "shift",       "role_changed",
                                    "removed",     NULL};

bool notify_kind_valid(const char *kind)
{
    for (int i = 0; kind && notify_kinds[i]; i++)
        if (strcmp(kind, notify_kinds[i]) == 0)
            return true;
    return false;
}

bool notify_kind_switchable(const char *kind)
{
    return notify_kind_valid(kind) && strcmp(kind, "alert") != 0;
}

bool quiet_hours_now(int start, int end, const struct tz *z, int64_t now)
{
    struct civil c;
    tz_to_civil(z, now, &c);
    int m = c.hour * 60 + c.minute;
    return start <= end ? (m >= start && m < end) : (m >= start || m < end);
}

int64_t quiet_hours_end(int end_min, const struct tz *z, int64_t now)
{
    struct date day = tz_date_at(z, now);
    for (int k = 0; k < 2; k++) {
        struct date dd = date_add_days(day, k);
        struct civil c = {dd.year, dd.month, dd.day, end_min / 60, end_min % 60, 0, 0};
        int64_t t;
        if (tz_civil_to_utc(z, &c, &t) && t > now)
            return t;
    }
    return now;
}

static bool store(struct db *d, const char *member_id, const struct notice *n, int64_t now,
                  struct notify_counts *c)
{
    sqlite3_stmt *seen = db_stmt(d, "SELECT 1 FROM inbox WHERE member_id = ? AND dedupe = ?");
    if (!seen || !db_bind_text(seen, 1, member_id) || !db_bind_text(seen, 2, n->dedupe))
        return false;
    int rc = sqlite3_step(seen);
    sqlite3_reset(seen);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        return false;
    int64_t seq = entry_next_seq(d);
    char *data = n->data ? cJSON_PrintUnformatted(n->data) : NULL;
    sqlite3_stmt *st = db_stmt(
        d, "INSERT INTO inbox (member_id, family_id, kind, about, about_id, subject_id, data, "
           "dedupe, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, member_id) &&
              db_bind_text(st, 2, n->family_id) && db_bind_text(st, 3, n->kind) &&
              db_bind_text(st, 4, n->about) && db_bind_text(st, 5, n->about_id) &&
              db_bind_text(st, 6, n->subject_id) && db_bind_text(st, 7, data ? data : "{}") &&
              db_bind_text(st, 8, n->dedupe) && db_bind_int64(st, 9, now) &&
              db_bind_int64(st, 10, seq) && db_step_done(d, st);
    free(data);
    c->stored += ok;
    return ok;
}

/* Whether the member wants this kind as push too (no row: yes). */
static bool wants_push(struct db *d, const char *member_id, const char *kind)
{
    if (!notify_kind_switchable(kind))
        return true;
    sqlite3_stmt *st =
        db_stmt(d, "SELECT push FROM notify_prefs WHERE kind = ?2 AND (member_id = ?1 OR user_id = "
                   "(SELECT user_id FROM members WHERE id = ?1))");
    bool on = true;
    if (st && db_bind_text(st, 1, member_id) && db_bind_text(st, 2, kind) &&
        sqlite3_step(st) == SQLITE_ROW)
        on = sqlite3_column_int(st, 0) == 1;
    if (st)
        sqlite3_reset(st);
    return on;
}

/* When the member's push may go: now, later (quiet hours with QUIET_HOLD),
 * or never (-1: quiet hours with QUIET_SKIP). */
static int64_t push_time(struct db *d, const char *member_id, const struct notice *n, int64_t now)
{
    if (n->quiet == QUIET_BYPASS)
        return now;
    sqlite3_stmt *st = db_stmt(d, "SELECT start_min, end_min FROM quiet_hours WHERE member_id = ?");
    int64_t at = now;
    const struct tz *z = n->zone ? n->zone : tz_get("UTC");
    if (st && db_bind_text(st, 1, member_id) && sqlite3_step(st) == SQLITE_ROW && z &&
        quiet_hours_now(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), z, now))
        at = n->quiet == QUIET_HOLD ? quiet_hours_end(sqlite3_column_int(st, 1), z, now) : -1;
    if (st)
        sqlite3_reset(st);
    return at;
}

#define MAX_SUBS 64

bool notify_member(struct db *d, const char *member_id, struct notice *n, int64_t now,
                   struct notify_counts *c)
{
    if (!store(d, member_id, n, now, c))
        return false;
    /* Collect first, then insert: the insert must not run while this read
     * still steps over the same tables. */
    sqlite3_stmt *q = db_stmt(
        d, "SELECT ps.id, coalesce(u.locale, 'en') FROM members m "
           "LEFT JOIN users u ON u.id = m.user_id JOIN push_subscriptions ps ON ps.active = 1 "
           "AND (ps.user_id = m.user_id OR ps.member_id = m.id) WHERE m.id = ?");
    if (!q || !db_bind_text(q, 1, member_id))
        return false;
    struct {
        char id[37];
        int lang;
    } subs[MAX_SUBS];
    int k = 0;
    while (k < MAX_SUBS && sqlite3_step(q) == SQLITE_ROW) {
        snprintf(subs[k].id, sizeof subs[k].id, "%s", db_col_text(q, 0));
        subs[k++].lang = push_lang(db_col_text(q, 1));
    }
    sqlite3_reset(q);
    if (k == 0 || !n->payload)
        return true;
    if (!wants_push(d, member_id, n->kind)) {
        c->push_off += k;
        return true;
    }
    int64_t at = push_time(d, member_id, n, now);
    if (at < 0) {
        c->skipped_quiet += k;
        return true;
    }
    for (int i = 0; i < k; i++) {
        int lang = subs[i].lang;
        if (!n->texts[lang]) {
            cJSON *p = n->payload(n->ctx, lang);
            n->texts[lang] = p ? cJSON_PrintUnformatted(p) : NULL;
            cJSON_Delete(p);
            if (!n->texts[lang])
                return false;
        }
        bool queued = false;
        if (!push_queue_message_at(d, subs[i].id, n->reminder_id, n->dedupe, n->texts[lang],
                                   n->topic, n->urgency ? n->urgency : "normal", n->ttl, now, at,
                                   &queued))
            return false;
        c->queued += queued;
    }
    return true;
}

bool notify_mail_unreachable(struct db *d, const struct notice *n, const char *except,
                             bool carers_only, const char *path, int64_t now, int *mailed,
                             int *skipped_quiet)
{
    if (!mail_configured())
        return true;
    sqlite3_stmt *q = db_stmt(
        d, "SELECT u.id, u.email, coalesce(u.locale, 'en'), qh.start_min, qh.end_min "
           "FROM members mb JOIN users u ON u.id = mb.user_id "
           "LEFT JOIN quiet_hours qh ON qh.member_id = mb.id "
           "WHERE mb.family_id = ?1 AND mb.removed_at IS NULL AND (?2 IS NULL OR mb.id <> ?2) "
           "AND (?3 = 0 OR mb.role IN ('owner', 'caregiver')) AND u.email IS NOT NULL AND "
           "u.email <> '' AND NOT EXISTS (SELECT 1 FROM push_subscriptions ps WHERE "
           "ps.active = 1 AND (ps.user_id = u.id OR ps.member_id = mb.id)) AND "
           "(?4 IS NULL OR " ACCESS_MEMBER_SEES("mb", 4) ")");
    if (!q || !db_bind_text(q, 1, n->family_id) || !db_bind_text(q, 2, except) ||
        !db_bind_int64(q, 3, carers_only) || !db_bind_text(q, 4, n->subject_id))
        return false;
    char origin[512], url[1024];
    public_origin(origin, sizeof origin);
    snprintf(url, sizeof url, "%s%s", origin, path);
    const struct tz *z = n->zone ? n->zone : tz_get("UTC");
    bool ok = true;
    while (ok && sqlite3_step(q) == SQLITE_ROW) {
        if (n->quiet == QUIET_SKIP && z && sqlite3_column_type(q, 3) != SQLITE_NULL &&
            quiet_hours_now(sqlite3_column_int(q, 3), sqlite3_column_int(q, 4), z, now)) {
            (*skipped_quiet)++;
            continue;
        }
        const char *locale = mail_locale(db_col_text(q, 2));
        cJSON *p = n->payload(n->ctx, push_lang(locale));
        const cJSON *title = cJSON_GetObjectItemCaseSensitive(p, "title");
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(p, "body");
        ok = cJSON_IsString(title) && cJSON_IsString(body) &&
             mail_queue_alert(d, db_col_text(q, 0), db_col_text(q, 1), locale, title->valuestring,
                              body->valuestring, url);
        cJSON_Delete(p);
        *mailed += ok;
    }
    sqlite3_reset(q);
    return ok;
}

void notice_done(struct notice *n)
{
    for (int i = 0; i < 3; i++) {
        free(n->texts[i]);
        n->texts[i] = NULL;
    }
}

/* The members a query names (column 0), collected before anything is
 * written (an insert must not run while a read steps over its tables). */
static char (*member_ids(sqlite3_stmt *q, size_t *n))[37]
{
    char(*ids)[37] = NULL;
    size_t cap = 0;
    *n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            char(*grown)[37] = realloc(ids, cap * sizeof *grown);
            if (!grown) {
                free(ids);
                sqlite3_reset(q);
                *n = 0;
                return NULL;
            }
            ids = grown;
        }
        snprintf(ids[(*n)++], 37, "%s", db_col_text(q, 0));
    }
    sqlite3_reset(q);
    if (!ids)
        ids = malloc(sizeof *ids);
    return ids;
}

bool notify_each(struct db *d, sqlite3_stmt *q, struct notice *n, int64_t now,
                 struct notify_counts *c)
{
    size_t k = 0;
    char(*ids)[37] = q ? member_ids(q, &k) : NULL;
    bool ok = ids != NULL;
    for (size_t i = 0; ok && i < k; i++)
        ok = notify_member(d, ids[i], n, now, c);
    free(ids);
    notice_done(n);
    return ok;
}
