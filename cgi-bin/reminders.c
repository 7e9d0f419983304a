/* reminders.c — what the family wants to be reminded of and when: reminder
 * rules per person (feed or diaper due N minutes after the last one, daily
 * at a time, once), each member's opt-in to them, and each member's quiet
 * hours. The cron-run sender (cmd/carelog-push.c, lib/push/pushpass.c) turns
 * them into Web Push messages; push.c holds the devices they go to. */
#include "carelog.h"

#include <stdio.h>
#include <string.h>

static void reminders_get(struct request *r);
static void reminder_post(struct request *r);
static void reminder_patch(struct request *r);
static void reminder_delete(struct request *r);
static void optin_put(struct request *r);
static void optin_delete(struct request *r);
static void quiet_get(struct request *r);
static void quiet_put(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/reminders", reminders_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/reminders", reminder_post, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"PATCH", "/api/v1/families/{fid}/reminders/{rid}", reminder_patch, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/reminders/{rid}", reminder_delete, ACCESS_CAREGIVER,
     ROUTE_WRITE},
    {"PUT", "/api/v1/families/{fid}/reminders/{rid}/optin", optin_put, ACCESS_VIEWER, ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/reminders/{rid}/optin", optin_delete, ACCESS_VIEWER,
     ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/quiet-hours", quiet_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/quiet-hours", quiet_put, ACCESS_VIEWER,
     ROUTE_JSON | ROUTE_WRITE},
};

static const char *const kinds[] = {"feed_due", "diaper_due", "daily", "once", NULL};

#define REMINDER_COLUMNS                                                                           \
    "r.id, r.subject_id, r.kind, r.interval_min, r.time_of_day, r.at, r.label, r.enabled, "        \
    "r.snooze_until, r.last_due, r.created_at, "                                                   \
    "EXISTS (SELECT 1 FROM reminder_optins o WHERE o.reminder_id = r.id AND o.member_id = ?), "    \
    "(SELECT count(*) FROM reminder_optins o WHERE o.reminder_id = r.id)"

static cJSON *reminder_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "kind", db_col_text(st, 2));
    json_col_int(o, "interval_min", st, 3);
    json_col_text(o, "time", st, 4);
    json_col_int(o, "at", st, 5);
    cJSON_AddStringToObject(o, "label", db_col_text(st, 6));
    cJSON_AddBoolToObject(o, "enabled", sqlite3_column_int(st, 7) == 1);
    json_col_int(o, "snooze_until", st, 8);
    json_col_int(o, "last_fired_for", st, 9);
    cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 10));
    cJSON_AddBoolToObject(o, "opted_in", sqlite3_column_int(st, 11) == 1);
    cJSON_AddNumberToObject(o, "optins", sqlite3_column_int(st, 12));
    return o;
}

static void reply_reminder(struct request *r, struct db *d, const char *rid, int status)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " REMINDER_COLUMNS " FROM reminders r "
                                  "WHERE r.id = ? AND r.family_id = ? "
                                  "AND " ACCESS_SUBJECT_IN("r.subject_id", 9));
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) || !db_bind_text(st, 2, rid) ||
        !db_bind_text(st, 3, r->session->family_id) || !access_bind_subjects(r, st, 9) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    resp_json(r, status, reminder_json_row(st));
}

static void reminders_get(struct request *r)
{
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, "SELECT " REMINDER_COLUMNS " FROM reminders r "
                                  "WHERE r.family_id = ? AND " ACCESS_SUBJECT_IN(
                                      "r.subject_id", 9) " ORDER BY r.created_at, r.id");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) ||
        !db_bind_text(st, 2, r->session->family_id) || !access_bind_subjects(r, st, 9)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "reminders", reminder_json_row);
}

/* "HH:MM", 00:00 .. 23:59; the minutes after midnight, or -1. */
static int parse_hhmm(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

struct reminder_fields {
    const char *subject_id, *kind, *time, *label;
    int64_t interval_min, at;
    bool enabled, has_interval, has_time, has_at, has_label, has_enabled;
};

static void reminder_fields_read(struct vobj *v, struct reminder_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    if (creating) {
        v_uuid(v, "subject_id", V_REQUIRED, &f->subject_id);
        v_enum(v, "kind", V_REQUIRED, kinds, &f->kind);
    }
    f->has_interval = v_int(v, "interval_min", 0, 5, 2880, &f->interval_min);
    f->has_time = v_string(v, "time", 0, 1, 5, &f->time);
    f->has_at = v_epoch_ms(v, "at", 0, &f->at);
    f->has_label = v_string(v, "label", 0, 0, 60, &f->label);
    f->has_enabled = v_bool(v, "enabled", 0, &f->enabled);
    if (f->has_time && parse_hhmm(f->time) < 0)
        v_error(v, "time", "must be a time as HH:MM");
    if (f->has_at && f->at <= now_ms())
        v_error(v, "at", "must be in the future");
}

/* What each kind needs: an interval, a time of day, or a moment. */
static void reminder_kind_check(struct vobj *v, const char *kind, bool interval, bool time, bool at)
{
    bool timed = strcmp(kind, "feed_due") == 0 || strcmp(kind, "diaper_due") == 0;
    if (timed && !interval)
        v_error(v, "interval_min", "is required for this kind of reminder");
    if (strcmp(kind, "daily") == 0 && !time)
        v_error(v, "time", "is required for a daily reminder");
    if (strcmp(kind, "once") == 0 && !at)
        v_error(v, "at", "is required for a one-off reminder");
}

static bool optin_set(struct db *d, const char *rid, const char *member_id, bool on)
{
    sqlite3_stmt *st =
        on ? db_stmt(d, "INSERT INTO reminder_optins (reminder_id, member_id) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING")
           : db_stmt(d, "DELETE FROM reminder_optins WHERE reminder_id = ? AND member_id = ?");
    return st && db_bind_text(st, 1, rid) && db_bind_text(st, 2, member_id) && db_step_done(d, st);
}

static void reminder_post(struct request *r)
{
    struct vobj v;
    struct reminder_fields f;
    v_init(&v, r->json, NULL);
    reminder_fields_read(&v, &f, true);
    if (f.kind)
        reminder_kind_check(&v, f.kind, f.has_interval, f.has_time, f.has_at);
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    if (v_ok(&v) && f.subject_id && !access_subject_ok(r, f.subject_id))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    char rid[37];
    uuid_v4(rid);
    int64_t now = now_ms();
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO reminders (id, family_id, subject_id, kind, interval_min, "
                   "time_of_day, at, label, enabled, created_by, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, rid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.subject_id) && db_bind_text(st, 4, f.kind) &&
              (f.has_interval ? db_bind_int64(st, 5, f.interval_min)
                              : sqlite3_bind_null(st, 5) == SQLITE_OK) &&
              db_bind_text(st, 6, f.has_time ? f.time : NULL) &&
              (f.has_at ? db_bind_int64(st, 7, f.at) : sqlite3_bind_null(st, 7) == SQLITE_OK) &&
              db_bind_text(st, 8, f.has_label ? f.label : "") &&
              db_bind_int64(st, 9, f.has_enabled ? f.enabled : 1) && db_bind_text(st, 10, me) &&
              db_bind_int64(st, 11, now) && db_bind_int64(st, 12, now) && db_step_done(d, st);
    /* Whoever sets a reminder up wants it. */
    ok = ok && (!me || optin_set(d, rid, me, true));
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 201);
}

static void reminder_patch(struct request *r)
{
    struct db *d = r->db;
    const char *rid = req_param(r, "rid"), *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT kind, interval_min IS NOT NULL, time_of_day IS NOT "
                                  "NULL, at IS NOT NULL FROM reminders WHERE id = ? AND "
                                  "family_id = ? AND " ACCESS_SUBJECT_IN("subject_id", 9));
    if (!st || !db_bind_text(st, 1, rid) || !db_bind_text(st, 2, fid) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    char kind[16];
    snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
    bool had_interval = sqlite3_column_int(st, 1), had_time = sqlite3_column_int(st, 2),
         had_at = sqlite3_column_int(st, 3);
    sqlite3_reset(st);
    struct vobj v;
    struct reminder_fields f;
    v_init(&v, r->json, NULL);
    reminder_fields_read(&v, &f, false);
    reminder_kind_check(&v, kind, had_interval || f.has_interval, had_time || f.has_time,
                        had_at || f.has_at);
    if (!v_accept(r, &v))
        return;
    st = db_stmt(d, "UPDATE reminders SET interval_min = coalesce(?1, interval_min), "
                    "time_of_day = coalesce(?2, time_of_day), at = coalesce(?3, at), "
                    "label = coalesce(?4, label), enabled = coalesce(?5, enabled), "
                    "updated_at = ?6 WHERE id = ?7 AND family_id = ?8");
    bool ok =
        st &&
        (f.has_interval ? db_bind_int64(st, 1, f.interval_min)
                        : sqlite3_bind_null(st, 1) == SQLITE_OK) &&
        db_bind_text(st, 2, f.has_time ? f.time : NULL) &&
        (f.has_at ? db_bind_int64(st, 3, f.at) : sqlite3_bind_null(st, 3) == SQLITE_OK) &&
        db_bind_text(st, 4, f.has_label ? f.label : NULL) &&
        (f.has_enabled ? db_bind_int64(st, 5, f.enabled) : sqlite3_bind_null(st, 5) == SQLITE_OK) &&
        db_bind_int64(st, 6, now_ms()) && db_bind_text(st, 7, rid) && db_bind_text(st, 8, fid) &&
        db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 200);
}

static void reminder_delete(struct request *r)
{
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM reminders WHERE id = ? AND family_id = ? "
                                  "AND " ACCESS_SUBJECT_IN("subject_id", 9));
    if (!st || !db_bind_text(st, 1, req_param(r, "rid")) ||
        !db_bind_text(st, 2, r->session->family_id) || !access_bind_subjects(r, st, 9) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    resp_no_content(r);
}

static void optin_change(struct request *r, bool on)
{
    struct db *d = r->db;
    const char *rid = req_param(r, "rid"), *me = r->session->family_member_id;
    if (!me[0]) {
        resp_error(r, 409, "not_a_member", "Only members of the family get its reminders");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM reminders WHERE id = ? AND family_id = ? "
                                  "AND " ACCESS_SUBJECT_IN("subject_id", 9));
    if (!st || !db_bind_text(st, 1, rid) || !db_bind_text(st, 2, r->session->family_id) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    sqlite3_reset(st);
    if (!optin_set(d, rid, me, on)) {
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 200);
}

static void optin_put(struct request *r)
{
    optin_change(r, true);
}

static void optin_delete(struct request *r)
{
    optin_change(r, false);
}

/* ---------- quiet hours ---------- */

static void reply_quiet(struct request *r, struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT start_min, end_min FROM quiet_hours WHERE member_id = ?");
    cJSON *body = cJSON_CreateObject();
    if (st && db_bind_text(st, 1, r->session->family_member_id) && sqlite3_step(st) == SQLITE_ROW) {
        char a[24], b[24];
        int s = sqlite3_column_int(st, 0), e = sqlite3_column_int(st, 1);
        snprintf(a, sizeof a, "%02d:%02d", s / 60, s % 60);
        snprintf(b, sizeof b, "%02d:%02d", e / 60, e % 60);
        cJSON_AddStringToObject(body, "start", a);
        cJSON_AddStringToObject(body, "end", b);
    } else {
        cJSON_AddNullToObject(body, "start");
        cJSON_AddNullToObject(body, "end");
    }
    resp_json(r, 200, body);
}

static void quiet_get(struct request *r)
{
    reply_quiet(r, r->db);
}

static void quiet_put(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *start = NULL, *end = NULL;
    bool has_start = v_string(&v, "start", V_NULLABLE, 1, 5, &start);
    bool has_end = v_string(&v, "end", V_NULLABLE, 1, 5, &end);
    int s = has_start ? parse_hhmm(start) : -1, e = has_end ? parse_hhmm(end) : -1;
    if (has_start && s < 0)
        v_error(&v, "start", "must be a time as HH:MM");
    if (has_end && e < 0)
        v_error(&v, "end", "must be a time as HH:MM");
    if (has_start != has_end)
        v_error(&v, has_start ? "end" : "start", "give both start and end, or null for none");
    if (!v_accept(r, &v))
        return;
    if (!r->session->family_member_id[0]) {
        resp_field_error(r, "start", "only members of the family have quiet hours here");
        return;
    }
    struct db *d = r->db;
    sqlite3_stmt *st =
        has_start ? db_stmt(d, "INSERT INTO quiet_hours (member_id, start_min, end_min) "
                               "VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
                               "start_min = excluded.start_min, end_min = excluded.end_min")
                  : db_stmt(d, "DELETE FROM quiet_hours WHERE member_id = ?");
    bool ok = st && db_bind_text(st, 1, r->session->family_member_id) &&
              (!has_start || (db_bind_int64(st, 2, s) && db_bind_int64(st, 3, e))) &&
              db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_quiet(r, d);
}

CARELOG_PROGRAM(reminders, NULL, NULL)
