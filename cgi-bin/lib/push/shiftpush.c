/* shiftpush.c — shift notifications into the inbox and the push outbox; see
 * shiftpush.h. Every one goes through shift_notify, the one place that picks
 * its recipients and hands it to notify_member. */
#include "push/shiftpush.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "data/shifts.h"
#include "framework/access.h"
#include "push/notify.h"
#include "push/pushmsg.h"
#include "util/util.h"

#define GRACE_MS (60 * 60 * 1000LL) /* a notification more than an hour late is skipped */

struct shiftrule {
    char id[37], family_id[37], subject_id[37], caregiver_id[37], zone[64], subject_name[128];
    struct appt_series series;
    int64_t created_at, last_soon, last_unstaffed;
};

enum shift_alert { SHIFT_SOON, SHIFT_UNSTAFFED };

static void hhmm(const struct tz *z, int64_t ms, char out[8])
{
    struct civil c;
    tz_to_civil(z, ms, &c);
    snprintf(out, 8, "%02u:%02u", (unsigned)c.hour % 100u, (unsigned)c.minute % 100u);
}

static cJSON *shift_payload(const struct shiftrule *s, enum shift_alert kind, int lang,
                            int64_t start, int64_t end)
{
    const char *const *w = push_words(lang);
    const struct tz *z = tz_get(s->zone);
    if (!z)
        z = tz_get("UTC");
    char from[8], to[8], title[200], body[400], url[160], tag[64];
    hhmm(z, start, from);
    hhmm(z, end, to);
    if (kind == SHIFT_SOON) {
        snprintf(title, sizeof title, "%s", w[W_SHIFT_SOON]);
        snprintf(body, sizeof body, w[W_SHIFT_SPAN], s->subject_name, from, to);
    } else {
        snprintf(title, sizeof title, "%s", w[W_SHIFT_UNSTAFFED]);
        snprintf(body, sizeof body, w[W_UNSTAFFED_AT], s->subject_name, from);
    }
    snprintf(url, sizeof url, "/?family=%s&subject=%s#/shifts", s->family_id, s->subject_id);
    snprintf(tag, sizeof tag, "shift-%.8s", s->id);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "title", title);
    cJSON_AddStringToObject(p, "body", body);
    cJSON_AddStringToObject(p, "url", url);
    cJSON_AddStringToObject(p, "tag", tag);
    cJSON *actions = cJSON_AddArrayToObject(p, "actions");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "action", "open");
    cJSON_AddStringToObject(o, "title", w[W_OPEN]);
    cJSON_AddItemToArray(actions, o);
    cJSON *data = cJSON_AddObjectToObject(p, "data");
    cJSON_AddStringToObject(data, "kind", kind == SHIFT_SOON ? "shift_soon" : "shift_unstaffed");
    cJSON_AddStringToObject(data, "family_id", s->family_id);
    cJSON_AddStringToObject(data, "subject_id", s->subject_id);
    cJSON_AddStringToObject(data, "shift_id", s->id);
    cJSON_AddNumberToObject(data, "start", (double)start);
    return p;
}

/* A shift notice's push in one language (struct notice's payload). */
struct shift_ctx {
    const struct shiftrule *s;
    enum shift_alert kind;
    int64_t start, end;
};

static cJSON *shift_payload_lang(const void *ctx, int lang)
{
    const struct shift_ctx *x = ctx;
    return shift_payload(x->s, x->kind, lang, x->start, x->end);
}

/* The one call every shift notification goes through: "soon" to the
 * shift's caregiver, "unstaffed" to every owner (who may see the person),
 * each into the inbox and, outside their quiet hours, as push
 * (notify_member), once per occurrence. */
static bool shift_notify(struct db *d, const struct shiftrule *s, enum shift_alert kind,
                         int64_t start, int64_t end, int64_t now, struct shift_push_counts *st)
{
    sqlite3_stmt *q =
        db_stmt(d, "SELECT mb.id FROM members mb WHERE mb.family_id = ?1 AND "
                   "mb.removed_at IS NULL AND CASE WHEN ?2 IS NULL THEN "
                   "mb.role = 'owner' ELSE mb.id = ?2 END AND " ACCESS_MEMBER_SEES("mb", 3));
    if (!q || !db_bind_text(q, 1, s->family_id) ||
        !db_bind_text(q, 2, kind == SHIFT_SOON ? s->caregiver_id : NULL) ||
        !db_bind_text(q, 3, s->subject_id))
        return false;
    char dedupe[96], topic[33], key[64];
    snprintf(dedupe, sizeof dedupe, "shift-%s:%.36s@%lld",
             kind == SHIFT_SOON ? "soon" : "unstaffed", s->id, (long long)start);
    snprintf(key, sizeof key, "shift:%.36s", s->id);
    push_topic(key, topic);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "event", kind == SHIFT_SOON ? "soon" : "unstaffed");
    cJSON_AddStringToObject(data, "subject_name", s->subject_name);
    cJSON_AddNumberToObject(data, "start", (double)start);
    cJSON_AddNumberToObject(data, "end", (double)end);
    const struct tz *z = tz_get(s->zone);
    struct shift_ctx ctx = {s, kind, start, end};
    struct notice n = {.family_id = s->family_id,
                       .kind = "shift",
                       .about = "shift",
                       .about_id = s->id,
                       .subject_id = s->subject_id,
                       .data = data,
                       .dedupe = dedupe,
                       .topic = topic,
                       .urgency = "normal",
                       .ttl = 3600,
                       .quiet = QUIET_SKIP,
                       .zone = z ? z : tz_get("UTC"),
                       .payload = shift_payload_lang,
                       .ctx = &ctx};
    struct notify_counts c = {0};
    bool ok = data && notify_each(d, q, &n, now, &c);
    cJSON_Delete(data);
    st->queued += c.queued;
    st->skipped_quiet += c.skipped_quiet;
    st->fired++;
    return ok;
}

static bool visited(struct db *d, const char *shift_id, int64_t occurrence)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT 1 FROM shift_visits WHERE shift_id = ? AND occurrence = ?");
    bool found = st && db_bind_text(st, 1, shift_id) && db_bind_int64(st, 2, occurrence) &&
                 sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return found;
}

struct shift_fire {
    struct db *d;
    const struct shiftrule *s;
    int64_t now, soon_mark, unstaffed_mark;
    struct shift_push_counts *st;
    bool ok;
};

static bool shift_visit(const struct appt_occurrence *o, void *arg)
{
    struct shift_fire *f = arg;
    const struct shiftrule *s = f->s;
    int64_t at = o->start - SHIFT_SOON_MS;
    if (at <= f->now && o->start > s->last_soon && at > s->created_at) {
        if (f->now - at <= GRACE_MS && s->caregiver_id[0])
            f->ok = shift_notify(f->d, s, SHIFT_SOON, o->start, o->end, f->now, f->st);
        if (o->start > f->soon_mark)
            f->soon_mark = o->start;
    }
    at = o->start + SHIFT_UNSTAFFED_MS;
    if (f->ok && at <= f->now && o->start > s->last_unstaffed && at > s->created_at) {
        if (f->now - at <= GRACE_MS && !visited(f->d, s->id, o->original_at))
            f->ok = shift_notify(f->d, s, SHIFT_UNSTAFFED, o->start, o->end, f->now, f->st);
        if (o->start > f->unstaffed_mark)
            f->unstaffed_mark = o->start;
    }
    return f->ok;
}

static bool shiftrule_read(sqlite3_stmt *q, struct shiftrule *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", db_col_text(q, 0));
    snprintf(s->family_id, sizeof s->family_id, "%s", db_col_text(q, 1));
    snprintf(s->subject_id, sizeof s->subject_id, "%s", db_col_text(q, 2));
    snprintf(s->caregiver_id, sizeof s->caregiver_id, "%s", db_col_text(q, 3));
    snprintf(s->zone, sizeof s->zone, "%s", db_col_text(q, 4));
    snprintf(s->subject_name, sizeof s->subject_name, "%s", db_col_text(q, 5));
    s->created_at = sqlite3_column_int64(q, 9);
    s->last_soon = sqlite3_column_int64(q, 10);
    s->last_unstaffed = sqlite3_column_int64(q, 11);
    const struct tz *z = tz_get(s->zone);
    return z && shift_series_read(
                    &s->series, db_col_text(q, 6), sqlite3_column_int(q, 7),
                    sqlite3_column_type(q, 8) == SQLITE_NULL ? NULL : db_col_text(q, 8), z);
}

bool push_fire_shifts(struct db *d, int64_t now, struct shift_push_counts *st)
{
    if (!db_begin(d))
        return false;
    sqlite3_stmt *q = db_stmt(
        d, "SELECT s.id, s.family_id, s.subject_id, coalesce(m.id, ''), f.timezone, sj.name, "
           "s.dtstart, s.duration_min, s.rrule, s.created_at, s.last_soon_fired, "
           "s.last_unstaffed_fired FROM shifts s "
           "JOIN families f ON f.id = s.family_id AND f.archived_at IS NULL "
           "JOIN subjects sj ON sj.id = s.subject_id AND sj.deleted_at IS NULL "
           "LEFT JOIN members m ON m.id = s.caregiver_id AND m.removed_at IS NULL "
           "WHERE s.deleted_at IS NULL");
    if (!q) {
        db_rollback(d);
        return false;
    }
    struct shiftrule *list = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (ok && sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct shiftrule *grown = realloc(list, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            list = grown;
        }
        if (shiftrule_read(q, &list[n]))
            n++;
    }
    sqlite3_reset(q);
    sqlite3_stmt *mark = db_stmt(d, "UPDATE shifts SET last_soon_fired = ?2, "
                                    "last_unstaffed_fired = ?3 WHERE id = ?1");
    for (size_t i = 0; ok && i < n; i++) {
        struct shiftrule *s = &list[i];
        struct shift_fire f = {.d = d,
                               .s = s,
                               .now = now,
                               .soon_mark = s->last_soon,
                               .unstaffed_mark = s->last_unstaffed,
                               .st = st,
                               .ok = true};
        /* The occurrences whose notifications may be due: started up to an
         * hour and a quarter ago, or starting within the hour. */
        appt_occurrences(&s->series, tz_get(s->zone), now - GRACE_MS - SHIFT_UNSTAFFED_MS,
                         now + SHIFT_SOON_MS + 60000, shift_visit, &f);
        ok = f.ok;
        if (ok && (f.soon_mark != s->last_soon || f.unstaffed_mark != s->last_unstaffed))
            ok = mark && db_bind_text(mark, 1, s->id) && db_bind_int64(mark, 2, f.soon_mark) &&
                 db_bind_int64(mark, 3, f.unstaffed_mark) && db_step_done(d, mark);
    }
    free(list);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return false;
    }
    return true;
}
