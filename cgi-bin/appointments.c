/* appointments.c — a person's appointments and the family's calendar:
 * appointments (title, type, start and end, place, with whom, notes, the
 * member who drives, reminders before it) that may recur by an RFC 5545
 * rule (lib/data/rrule.c) expanded in the family's zone, one occurrence of
 * a series cancelled or moved, the occurrences in a period (the agenda and
 * the month), and the calendar feed: GET .../calendar.ics?token= for phone
 * calendars to subscribe to, with a token per member that is stored hashed
 * and can be revoked. Reminders go out through the push pass. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/appts.h"
#include "data/audit.h"
#include "data/care.h"
#include "data/ical.h"
#include "data/tz.h"
#include "security/secret.h"

static void appointments_get(struct request *r);
static void appointment_post(struct request *r);
static void appointment_get(struct request *r);
static void appointment_patch(struct request *r);
static void appointment_delete(struct request *r);
static void occurrence_put(struct request *r);
static void occurrence_delete(struct request *r);
static void token_get(struct request *r);
static void token_post(struct request *r);
static void token_delete(struct request *r);
static void calendar_ics(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/appointments", appointments_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/appointments", appointment_post, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/appointments/{aid}", appointment_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/appointments/{aid}", appointment_patch, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/appointments/{aid}", appointment_delete, ACCESS_CAREGIVER,
     ROUTE_WRITE},
    /* {at}: the occurrence's original start (epoch ms). */
    {"PUT", "/api/v1/families/{fid}/appointments/{aid}/occurrences/{at}", occurrence_put,
     ACCESS_CAREGIVER, ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/appointments/{aid}/occurrences/{at}", occurrence_delete,
     ACCESS_CAREGIVER, ROUTE_WRITE},
    /* Each member's own feed token; viewers may subscribe too. */
    {"GET", "/api/v1/families/{fid}/calendar-token", token_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/calendar-token", token_post, ACCESS_VIEWER, ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/calendar-token", token_delete, ACCESS_VIEWER, ROUTE_WRITE},
    /* No session: phone calendars fetch it with the token in the address
     * (they send no cookies and no headers of ours). */
    {"GET", "/api/v1/families/{fid}/calendar.ics", calendar_ics, ACCESS_PUBLIC, 0},
};

static const char *const types[] = {"doctor",  "specialist", "therapy", "test",
                                    "dentist", "other",      NULL};
#define MAX_OCCURRENCES 1000
#define MAX_SPAN_MS     (400 * 86400000LL)
#define DEFAULT_SPAN_MS (60 * 86400000LL)
#define MAX_LENGTH_MIN  (7 * 24 * 60)

/* ---------- shared ---------- */

static const struct tz *family_zone(struct db *d, const char *fid, char *name, size_t namesz)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    const struct tz *z = NULL;
    if (st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(name, namesz, "%s", db_col_text(st, 0));
        z = tz_get(name);
    }
    if (st)
        sqlite3_reset(st);
    if (!z) {
        snprintf(name, namesz, "UTC");
        z = tz_get("UTC");
    }
    return z;
}

static int64_t next_seq(struct db *d)
{
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE seq_counter SET value = value + 1 WHERE id = 1 RETURNING value");
    int64_t seq = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : -1;
    if (st)
        sqlite3_reset(st);
    return seq;
}

static void reply_appointment(struct request *r, const char *aid, int status)
{
    sqlite3_stmt *st =
        db_stmt(r->db, APPOINTMENT_SELECT
                "WHERE a.id = ? AND a.family_id = ? "
                "AND a.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("a.subject_id", 9));
    if (!st || !db_bind_text(st, 1, aid) || !db_bind_text(st, 2, r->session->family_id) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such appointment");
        return;
    }
    cJSON *o = appointment_json_row(st);
    sqlite3_reset(st);
    resp_json(r, status, o);
}

static void appointment_get(struct request *r)
{
    reply_appointment(r, req_param(r, "aid"), 200);
}

/* A series from its row of an APPOINTMENT_SELECT. */
static bool series_of(sqlite3_stmt *st, const struct tz *z, struct appt_series *s)
{
    return appt_series_read(s, db_col_text(st, 4), sqlite3_column_int(st, 5),
                            sqlite3_column_type(st, 12) == SQLITE_NULL ? NULL : db_col_text(st, 12),
                            db_col_text(st, 13), z);
}

/* ---------- the occurrences of a period ---------- */

struct collect {
    cJSON *list;
    const cJSON *series;
    int n;
};

static bool add_occurrence(const struct appt_occurrence *o, void *arg)
{
    struct collect *c = arg;
    if (c->n >= MAX_OCCURRENCES)
        return false;
    c->n++;
    cJSON *x = cJSON_CreateObject();
    static const char *const copied[] = {"subject_id", "title",       "type",
                                         "location",   "with_whom",   "notes",
                                         "driver_id",  "driver_name", NULL};
    cJSON_AddStringToObject(x, "appointment_id",
                            cJSON_GetObjectItemCaseSensitive(c->series, "id")->valuestring);
    for (const char *const *k = copied; *k; k++)
        cJSON_AddItemToObject(x, *k,
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c->series, *k), 1));
    json_add_int64(x, "start", o->start);
    json_add_int64(x, "end", o->end);
    json_add_int64(x, "original", o->original_at);
    cJSON_AddBoolToObject(x, "recurring",
                          cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c->series, "rrule")));
    cJSON_AddBoolToObject(x, "moved", o->moved);
    cJSON_AddItemToArray(c->list, x);
    return true;
}

/* ?from=&to= (epoch ms; today and the next 60 days by default, 400 at
 * most) &subject= */
static void appointments_get(struct request *r)
{
    char zone_name[TZ_NAME_MAX + 1];
    const struct tz *z = family_zone(r->db, r->session->family_id, zone_name, sizeof zone_name);
    int64_t today = 0, end;
    struct date d = tz_date_at(z, now_ms());
    tz_day_bounds(z, d, &today, &end);
    int64_t from, to;
    if (!query_int(r, "from", 946684800000LL, 7258118400000LL, today, &from) ||
        !query_int(r, "to", 946684800000LL, 7258118400000LL, from + DEFAULT_SPAN_MS, &to))
        return;
    if (to <= from || to - from > MAX_SPAN_MS) {
        resp_field_error(r, "to", "must be after from, 400 days at most");
        return;
    }
    const char *subject = NULL;
    int q = req_query(r, "subject", &subject);
    if (q < 0 || (q == 1 && *subject && !uuid_is_valid(subject))) {
        resp_field_error(r, "subject", "must be a person's id");
        return;
    }
    sqlite3_stmt *st = db_stmt(r->db, APPOINTMENT_SELECT
                               "WHERE a.family_id = ?1 AND a.deleted_at IS NULL AND "
                               "(?2 IS NULL OR a.subject_id = ?2) AND " ACCESS_SUBJECT_IN(
                                   "a.subject_id", 3) " ORDER BY a.dtstart, a.id");
    if (!st || !db_bind_text(st, 1, r->session->family_id) ||
        !db_bind_text(st, 2, q == 1 && *subject ? subject : NULL) ||
        !access_bind_subjects(r, st, 3)) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    json_add_int64(body, "from", from);
    json_add_int64(body, "to", to);
    cJSON_AddStringToObject(body, "timezone", zone_name);
    cJSON *series = cJSON_AddArrayToObject(body, "appointments");
    cJSON *occ = cJSON_CreateArray();
    struct collect c = {.list = occ};
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct appt_series s;
        cJSON *one = appointment_json_row(st);
        if (!series_of(st, z, &s)) {
            cJSON_Delete(one);
            continue;
        }
        c.series = one;
        int before = c.n;
        appt_occurrences(&s, z, from, to, add_occurrence, &c);
        /* The series listed are those with an occurrence in the period. */
        if (c.n > before)
            cJSON_AddItemToArray(series, one);
        else
            cJSON_Delete(one);
    }
    sqlite3_reset(st);
    /* Occurrences in time order (each series gave its own in order). */
    struct timed {
        int64_t start;
        cJSON *item;
    } *items = c.n ? calloc((size_t)c.n, sizeof *items) : NULL;
    int k = 0;
    while (items && occ->child && k < c.n) {
        cJSON *x = cJSON_DetachItemViaPointer(occ, occ->child);
        long long v = 0;
        const cJSON *start = cJSON_GetObjectItemCaseSensitive(x, "start");
        if (start && start->valuestring)
            sscanf(start->valuestring, "%lld", &v); /* json_add_int64 keeps the digits */
        items[k].start = v;
        items[k++].item = x;
    }
    for (int i = 1; i < k; i++) {
        struct timed x = items[i];
        int j = i - 1;
        for (; j >= 0 && items[j].start > x.start; j--)
            items[j + 1] = items[j];
        items[j + 1] = x;
    }
    for (int i = 0; i < k; i++)
        cJSON_AddItemToArray(occ, items[i].item);
    free(items);
    cJSON_AddItemToObject(body, "occurrences", occ);
    cJSON_AddBoolToObject(body, "truncated", c.n >= MAX_OCCURRENCES);
    resp_json(r, 200, body);
}

/* ---------- writing ---------- */

struct appt_fields {
    const char *subject_id, *title, *type, *location, *with_whom, *notes, *driver_id;
    int64_t start, end, duration;
    bool has_title, has_type, has_start, has_end, has_duration, has_location, has_with, has_notes,
        has_driver, null_driver, has_reminders, has_rrule, null_rrule;
    char reminders[64];
    char rrule[RRULE_MAX_TEXT + 1];
};

static void fields_read(struct request *r, struct vobj *v, const struct tz *z,
                        struct appt_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    unsigned req = creating ? V_REQUIRED : 0;
    if (creating)
        v_uuid(v, "subject_id", V_REQUIRED, &f->subject_id);
    else
        v_is_null(v, "subject_id");
    f->has_title = v_string(v, "title", req, 1, 120, &f->title);
    f->has_type = v_enum(v, "type", req, types, &f->type);
    f->has_start = v_epoch_ms(v, "start", req, &f->start);
    f->has_end = v_epoch_ms(v, "end", 0, &f->end);
    f->has_duration = v_int(v, "duration_min", 0, 1, MAX_LENGTH_MIN, &f->duration);
    f->has_location = v_string(v, "location", V_MULTILINE, 0, 200, &f->location);
    f->has_with = v_string(v, "with_whom", 0, 0, 120, &f->with_whom);
    f->has_notes = v_string(v, "notes", V_MULTILINE, 0, 2000, &f->notes);
    f->null_driver = v_is_null(v, "driver_id");
    f->has_driver = v_uuid(v, "driver_id", V_NULLABLE, &f->driver_id);
    const cJSON *rem = NULL;
    if ((f->has_reminders = v_array(v, "reminders", 0, 4, &rem))) {
        size_t used = (size_t)snprintf(f->reminders, sizeof f->reminders, "[");
        int i = 0;
        for (const cJSON *x = rem->child; x; x = x->next, i++) {
            /* Range first: a double outside int has no (int) value. */
            if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0 && x->valuedouble <= 10080) ||
                x->valuedouble != (double)(int)x->valuedouble) {
                v_error(v, "reminders", "must be minutes before, 0 to 10080");
                break;
            }
            used += (size_t)snprintf(f->reminders + used, sizeof f->reminders - used, "%s%d",
                                     i ? "," : "", x->valueint);
        }
        snprintf(f->reminders + used, sizeof f->reminders - used, "]");
    }
    f->null_rrule = v_is_null(v, "rrule");
    const char *rr = NULL;
    if ((f->has_rrule = v_string(v, "rrule", V_NULLABLE, 1, RRULE_MAX_TEXT, &rr))) {
        struct rrule rule;
        char err[160];
        if (!rrule_parse(rr, z, &rule, err, sizeof err))
            v_error(v, "rrule", err);
        else
            rrule_format(&rule, f->rrule, sizeof f->rrule);
    }
    if (f->has_end && f->has_duration)
        v_error(v, "duration_min", "give end or duration_min, not both");
    if (f->has_end && f->has_start &&
        (f->end <= f->start || f->end - f->start > MAX_LENGTH_MIN * 60000LL))
        v_error(v, "end", "must be after start, within 7 days");
    /* Echoes of what GET answers: accepted and ignored. */
    static const char *const echoes[] = {"id",         "start_local", "driver_name",
                                         "exceptions", "created_at",  "updated_at",
                                         "deleted",    "version",     NULL};
    for (const char *const *e = echoes; *e; e++)
        v_is_null(v, *e);
    if (v_ok(v) && f->has_driver) {
        sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM members WHERE id = ? AND family_id = ? "
                                          "AND removed_at IS NULL");
        bool ok = st && db_bind_text(st, 1, f->driver_id) &&
                  db_bind_text(st, 2, r->session->family_id) && sqlite3_step(st) == SQLITE_ROW;
        if (st)
            sqlite3_reset(st);
        if (!ok)
            v_error(v, "driver_id", "is not a member of this family");
    }
}

/* A series whose rule does not make its own start is refused (rrule.h). */
static void check_start_in_rule(struct vobj *v, const struct tz *z, int64_t start,
                                const char *rrule)
{
    struct rrule rule;
    char err[160];
    if (!rrule || !*rrule || !rrule_parse(rrule, z, &rule, err, sizeof err))
        return;
    struct date d = tz_date_at(z, start);
    if (!rrule_matches(&rule, d, d))
        v_error(v, "start", "must be a day the rule repeats on (its first occurrence)");
    if (rule.has_until && rule.until < start)
        v_error(v, "rrule", "UNTIL is before the start");
}

/* "YYYY-MM-DDTHH:MM" of an instant in the zone (seconds dropped). */
static void local_text(const struct tz *z, int64_t ms, char out[17])
{
    struct civil c;
    tz_to_civil(z, ms, &c);
    c.second = 0;
    appt_format_local(&c, out);
}

static void appointment_post(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    char zone_name[TZ_NAME_MAX + 1];
    const struct tz *z = family_zone(d, fid, zone_name, sizeof zone_name);
    struct vobj v;
    struct appt_fields f;
    v_init(&v, r->json, NULL);
    fields_read(r, &v, z, &f, true);
    if (v_ok(&v) && f.has_start)
        check_start_in_rule(&v, z, f.start, f.has_rrule ? f.rrule : NULL);
    if (v_ok(&v) && f.subject_id && !access_subject_ok(r, f.subject_id))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    char id[37], dtstart[17];
    uuid_v4(id);
    local_text(z, f.start, dtstart);
    int64_t duration = f.has_duration ? f.duration : f.has_end ? (f.end - f.start) / 60000 : 60;
    if (duration < 1)
        duration = 1;
    int64_t now = now_ms(), seq = next_seq(d);
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO appointments (id, family_id, subject_id, title, type, dtstart, "
                   "duration_min, location, with_whom, notes, driver_id, reminders, rrule, "
                   "created_by, created_at, updated_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                   "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, id) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.subject_id) && db_bind_text(st, 4, f.title) &&
              db_bind_text(st, 5, f.type) && db_bind_text(st, 6, dtstart) &&
              db_bind_int64(st, 7, duration) &&
              db_bind_text(st, 8, f.has_location ? f.location : "") &&
              db_bind_text(st, 9, f.has_with ? f.with_whom : "") &&
              db_bind_text(st, 10, f.has_notes ? f.notes : "") &&
              db_bind_text(st, 11, f.has_driver ? f.driver_id : NULL) &&
              db_bind_text(st, 12, f.has_reminders ? f.reminders : "[1440,60]") &&
              db_bind_text(st, 13, f.has_rrule ? f.rrule : NULL) && db_bind_text(st, 14, me) &&
              db_bind_int64(st, 15, now) && db_bind_int64(st, 16, seq) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "appointment_added", id, NULL);
    reply_appointment(r, id, 201);
}

static void appointment_patch(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *aid = req_param(r, "aid");
    char zone_name[TZ_NAME_MAX + 1];
    const struct tz *z = family_zone(d, fid, zone_name, sizeof zone_name);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT dtstart, duration_min, rrule FROM appointments "
                   "WHERE id = ? AND family_id = ? AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN(
                       "subject_id", 9));
    if (!st || !db_bind_text(st, 1, aid) || !db_bind_text(st, 2, fid) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such appointment");
        return;
    }
    struct civil old;
    int64_t old_start = 0;
    bool had = appt_parse_local(db_col_text(st, 0), &old) && tz_civil_to_utc(z, &old, &old_start);
    int old_duration = sqlite3_column_int(st, 1);
    char old_rule[RRULE_MAX_TEXT + 1];
    snprintf(old_rule, sizeof old_rule, "%s", db_col_text(st, 2));
    sqlite3_reset(st);
    struct vobj v;
    struct appt_fields f;
    v_init(&v, r->json, NULL);
    fields_read(r, &v, z, &f, false);
    int64_t start = f.has_start ? f.start : old_start;
    if (v_ok(&v) && had)
        check_start_in_rule(&v, z, start, f.has_rrule ? f.rrule : (f.null_rrule ? NULL : old_rule));
    if (!v_accept(r, &v))
        return;
    char dtstart[17];
    local_text(z, start, dtstart);
    int64_t duration = f.has_duration ? f.duration
                       : f.has_end    ? (f.end - start) / 60000
                                      : old_duration;
    if (duration < 1 || duration > MAX_LENGTH_MIN) {
        resp_field_error(r, "end", "must be after start, within 7 days");
        return;
    }
    int64_t now = now_ms(), seq = next_seq(d);
    st = db_stmt(
        d, "UPDATE appointments SET title = coalesce(?2, title), type = coalesce(?3, type), "
           "dtstart = ?4, duration_min = ?5, location = coalesce(?6, location), "
           "with_whom = coalesce(?7, with_whom), notes = coalesce(?8, notes), "
           "driver_id = CASE WHEN ?9 THEN NULL ELSE coalesce(?10, driver_id) END, "
           "reminders = coalesce(?11, reminders), "
           "rrule = CASE WHEN ?12 THEN NULL ELSE coalesce(?13, rrule) END, "
           "last_reminded = 0, updated_at = ?14, seq = ?15 WHERE id = ?1 AND family_id = ?16");
    bool ok =
        seq > 0 && st && db_bind_text(st, 1, aid) &&
        db_bind_text(st, 2, f.has_title ? f.title : NULL) &&
        db_bind_text(st, 3, f.has_type ? f.type : NULL) && db_bind_text(st, 4, dtstart) &&
        db_bind_int64(st, 5, duration) && db_bind_text(st, 6, f.has_location ? f.location : NULL) &&
        db_bind_text(st, 7, f.has_with ? f.with_whom : NULL) &&
        db_bind_text(st, 8, f.has_notes ? f.notes : NULL) && db_bind_int64(st, 9, f.null_driver) &&
        db_bind_text(st, 10, f.has_driver ? f.driver_id : NULL) &&
        db_bind_text(st, 11, f.has_reminders ? f.reminders : NULL) &&
        db_bind_int64(st, 12, f.null_rrule) && db_bind_text(st, 13, f.has_rrule ? f.rrule : NULL) &&
        db_bind_int64(st, 14, now) && db_bind_int64(st, 15, seq) && db_bind_text(st, 16, fid) &&
        db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_changed(r, d, fid, "appointment_updated", aid, NULL);
    reply_appointment(r, aid, 200);
}

static void appointment_delete(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *aid = req_param(r, "aid");
    int64_t now = now_ms(), seq = next_seq(d);
    sqlite3_stmt *st = db_stmt(
        d,
        "UPDATE appointments SET deleted_at = ?1, updated_at = ?1, "
        "seq = ?2 WHERE id = ?3 AND family_id = ?4 AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN(
            "subject_id", 5));
    if (seq <= 0 || !st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, seq) ||
        !db_bind_text(st, 3, aid) || !db_bind_text(st, 4, fid) || !access_bind_subjects(r, st, 5) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such appointment");
        return;
    }
    audit_record(r, d, fid, "appointment_removed", aid, NULL);
    resp_no_content(r);
}

/* ---------- one occurrence of a series: cancel or move ---------- */

/* The series and the original local start of occurrence {at}; false when
 * it answered (404). */
static bool find_occurrence(struct request *r, const struct tz *z, char original[17])
{
    const char *aid = req_param(r, "aid");
    int64_t at;
    if (!parse_int64(req_param(r, "at"), &at)) {
        resp_error(r, 404, "not_found", "No such occurrence");
        return false;
    }
    sqlite3_stmt *st =
        db_stmt(r->db, APPOINTMENT_SELECT
                "WHERE a.id = ? AND a.family_id = ? "
                "AND a.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("a.subject_id", 9));
    struct appt_series s;
    bool found = st && db_bind_text(st, 1, aid) && db_bind_text(st, 2, r->session->family_id) &&
                 access_bind_subjects(r, st, 9) && sqlite3_step(st) == SQLITE_ROW &&
                 series_of(st, z, &s);
    if (st)
        sqlite3_reset(st);
    if (!found) {
        resp_error(r, 404, "not_found", "No such appointment");
        return false;
    }
    if (!appt_is_occurrence(&s, z, at, original)) {
        resp_error(r, 404, "not_found", "No such occurrence of this appointment");
        return false;
    }
    return true;
}

static bool bump(struct request *r)
{
    int64_t seq = next_seq(r->db);
    sqlite3_stmt *st =
        db_stmt(r->db, "UPDATE appointments SET seq = ?, updated_at = ? WHERE id = ?");
    return seq > 0 && st && db_bind_int64(st, 1, seq) && db_bind_int64(st, 2, now_ms()) &&
           db_bind_text(st, 3, req_param(r, "aid")) && db_step_done(r->db, st);
}

/* {"cancelled": true} (an EXDATE) or {"start", "end"} (moved within a month). */
static void occurrence_put(struct request *r)
{
    char zone_name[TZ_NAME_MAX + 1], original[17];
    const struct tz *z = family_zone(r->db, r->session->family_id, zone_name, sizeof zone_name);
    if (!find_occurrence(r, z, original))
        return;
    struct vobj v;
    v_init(&v, r->json, NULL);
    bool cancelled = false;
    int64_t start = 0, end = 0, at = 0;
    parse_int64(req_param(r, "at"), &at);
    bool has_c = v_bool(&v, "cancelled", 0, &cancelled);
    bool has_s = v_epoch_ms(&v, "start", 0, &start), has_e = v_epoch_ms(&v, "end", 0, &end);
    if (!(has_c && cancelled) && !(has_s && has_e))
        v_error(&v, "start", "give cancelled: true, or a new start and end");
    else if (has_s && has_e && (end <= start || end - start > MAX_LENGTH_MIN * 60000LL))
        v_error(&v, "end", "must be after start, within 7 days");
    else if (has_s && (start < at - APPT_MAX_MOVE_MS || start > at + APPT_MAX_MOVE_MS))
        v_error(&v, "start", "an occurrence moves within 31 days of its date");
    if (!v_accept(r, &v))
        return;
    sqlite3_stmt *st = db_stmt(
        r->db,
        "INSERT INTO appointment_exceptions (appointment_id, original, cancelled, start, end) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (appointment_id, original) DO UPDATE SET "
        "cancelled = ?3, start = ?4, end = ?5");
    bool move = !(has_c && cancelled);
    bool ok = st && db_bind_text(st, 1, req_param(r, "aid")) && db_bind_text(st, 2, original) &&
              db_bind_int64(st, 3, !move) &&
              (move ? db_bind_int64(st, 4, start) : sqlite3_bind_null(st, 4) == SQLITE_OK) &&
              (move ? db_bind_int64(st, 5, end) : sqlite3_bind_null(st, 5) == SQLITE_OK) &&
              db_step_done(r->db, st) && bump(r);
    if (!ok) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "occurrence", original);
    cJSON_AddBoolToObject(detail, "cancelled", !move);
    audit_record(r, r->db, r->session->family_id, "appointment_occurrence_changed",
                 req_param(r, "aid"), detail);
    reply_appointment(r, req_param(r, "aid"), 200);
}

static void occurrence_delete(struct request *r)
{
    char zone_name[TZ_NAME_MAX + 1], original[17];
    const struct tz *z = family_zone(r->db, r->session->family_id, zone_name, sizeof zone_name);
    if (!find_occurrence(r, z, original))
        return;
    sqlite3_stmt *st = db_stmt(r->db, "DELETE FROM appointment_exceptions WHERE appointment_id = ? "
                                      "AND original = ?");
    if (!st || !db_bind_text(st, 1, req_param(r, "aid")) || !db_bind_text(st, 2, original) ||
        !db_step_done(r->db, st) || !bump(r)) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "occurrence", original);
    cJSON_AddBoolToObject(detail, "restored", true);
    audit_record(r, r->db, r->session->family_id, "appointment_occurrence_changed",
                 req_param(r, "aid"), detail);
    reply_appointment(r, req_param(r, "aid"), 200);
}

/* ---------- the calendar feed ---------- */

static void token_reply(struct request *r, int status, const char *token)
{
    sqlite3_stmt *st = db_stmt(r->db, "SELECT created_at FROM calendar_tokens WHERE member_id = ? "
                                      "AND family_id = ?");
    cJSON *body = cJSON_CreateObject();
    bool found = st && db_bind_text(st, 1, r->session->family_member_id) &&
                 db_bind_text(st, 2, r->session->family_id) && sqlite3_step(st) == SQLITE_ROW;
    cJSON_AddBoolToObject(body, "active", found);
    if (found)
        json_add_int64(body, "created_at", sqlite3_column_int64(st, 0));
    else
        cJSON_AddNullToObject(body, "created_at");
    if (st)
        sqlite3_reset(st);
    if (token) {
        /* The only time the token is shown: only its hash is kept. */
        cJSON_AddStringToObject(body, "token", token);
        char *url = req_printf(r, "%s/api/v1/families/%s/calendar.ics?token=%s", req_base_url(r),
                               r->session->family_id, token);
        cJSON_AddStringToObject(body, "url", url ? url : "");
    }
    resp_json(r, status, body);
}

static bool member_only(struct request *r)
{
    if (r->session->family_member_id[0])
        return true;
    resp_error(r, 409, "not_a_member", "Only members of the family have a calendar feed");
    return false;
}

static void token_get(struct request *r)
{
    if (member_only(r))
        token_reply(r, 200, NULL);
}

/* A new token replaces the member's old one (which stops working). */
static void token_post(struct request *r)
{
    if (!member_only(r))
        return;
    char token[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1];
    token_new(token);
    token_hash(token, hash);
    sqlite3_stmt *st = db_stmt(
        r->db, "INSERT INTO calendar_tokens (member_id, family_id, token_hash, created_at) "
               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (member_id) DO UPDATE SET token_hash = ?3, "
               "created_at = ?4, last_used_at = NULL");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) ||
        !db_bind_text(st, 2, r->session->family_id) || !db_bind_text(st, 3, hash) ||
        !db_bind_int64(st, 4, now_ms()) || !db_step_done(r->db, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, r->db, r->session->family_id, "calendar_token_created",
                 r->session->family_member_id, NULL);
    token_reply(r, 201, token);
}

static void token_delete(struct request *r)
{
    if (!member_only(r))
        return;
    sqlite3_stmt *st = db_stmt(r->db, "DELETE FROM calendar_tokens WHERE member_id = ? AND "
                                      "family_id = ?");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) ||
        !db_bind_text(st, 2, r->session->family_id) || !db_step_done(r->db, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(r->db->h) == 0) {
        resp_error(r, 404, "not_found", "No calendar feed to revoke");
        return;
    }
    audit_record(r, r->db, r->session->family_id, "calendar_token_revoked",
                 r->session->family_member_id, NULL);
    resp_no_content(r);
}

/* A VEVENT's date-time property in the family's zone. */
static void local_prop(struct buf *b, const char *name, const struct tz *z, int64_t ms)
{
    char when[16], line[96];
    ical_local(z, ms, when);
    snprintf(line, sizeof line, "%s;TZID=%s", name, tz_name(z));
    ical_line(b, line, when);
}

/* SUMMARY, LOCATION, DESCRIPTION of a series (or of an override). */
static void event_text(struct buf *b, sqlite3_stmt *st, const char *person)
{
    char summary[300];
    snprintf(summary, sizeof summary, "%s (%s)", db_col_text(st, 2), person);
    ical_text(b, "SUMMARY", summary);
    if (*db_col_text(st, 6))
        ical_text(b, "LOCATION", db_col_text(st, 6));
    struct buf desc;
    buf_init(&desc, 1 << 16);
    if (*db_col_text(st, 7))
        buf_printf(&desc, "With: %s\n", db_col_text(st, 7));
    if (sqlite3_column_type(st, 10) != SQLITE_NULL)
        buf_printf(&desc, "Driver: %s\n", db_col_text(st, 10));
    buf_printf(&desc, "Type: %s\n", db_col_text(st, 3));
    if (*db_col_text(st, 8))
        buf_puts(&desc, db_col_text(st, 8));
    if (desc.p) {
        size_t n = strlen(desc.p);
        while (n && desc.p[n - 1] == '\n')
            desc.p[--n] = '\0';
        ical_text(b, "DESCRIPTION", desc.p);
    }
    buf_free(&desc);
    ical_line(b, "CATEGORIES", db_col_text(st, 3));
}

/* The family's appointments as an iCalendar document: one VEVENT per
 * series (with its RRULE and EXDATEs) and one per moved occurrence (with
 * RECURRENCE-ID), in the family's zone with its VTIMEZONE. A wrong or
 * revoked token, or one whose member left, is 404 like an unknown family. */
static void calendar_ics(struct request *r)
{
    struct db *d = r->db;
    const char *fid = req_param(r, "fid"), *token = NULL;
    char hash[HASH_HEX_LEN + 1];
    if (req_query(r, "token", &token) != 1 || strlen(token) != TOKEN_LEN) {
        resp_error(r, 404, "not_found", "No such calendar");
        return;
    }
    token_hash(token, hash);
    /* The feed shows the people its member may see (access per person). */
    sqlite3_stmt *st = db_stmt(d, "SELECT f.name, f.timezone, m.subject_ids FROM calendar_tokens t "
                                  "JOIN members m ON m.id = t.member_id AND m.removed_at IS NULL "
                                  "JOIN families f ON f.id = t.family_id "
                                  "WHERE t.token_hash = ? AND t.family_id = ?");
    char family[128] = "", zone_name[TZ_NAME_MAX + 1] = "UTC";
    bool found = st && db_bind_text(st, 1, hash) && db_bind_text(st, 2, fid) &&
                 sqlite3_step(st) == SQLITE_ROW;
    const char *visible = NULL;
    if (found) {
        snprintf(family, sizeof family, "%s", db_col_text(st, 0));
        snprintf(zone_name, sizeof zone_name, "%s", db_col_text(st, 1));
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            found = (visible = req_strdup(r, db_col_text(st, 2))) != NULL;
    }
    if (st)
        sqlite3_reset(st);
    if (!found) {
        resp_error(r, 404, "not_found", "No such calendar");
        return;
    }
    const struct tz *z = tz_get(zone_name);
    if (!z)
        z = tz_get("UTC");
    st = db_stmt(d, APPOINTMENT_SELECT "WHERE a.family_id = ? AND a.deleted_at IS NULL AND "
                                       "a.subject_id IN (SELECT id FROM subjects WHERE "
                                       "deleted_at IS NULL) AND " ACCESS_SUBJECT_IN(
                                           "a.subject_id", 2) " ORDER BY a.dtstart, a.id");
    /* Each event names its person (read by id: the select has no column for it). */
    sqlite3_stmt *name = db_stmt(d, "SELECT name FROM subjects WHERE id = ?");
    if (!st || !name || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, visible)) {
        resp_internal(r);
        return;
    }
    struct buf b;
    buf_init(&b, 8 << 20);
    ical_line(&b, "BEGIN", "VCALENDAR");
    ical_line(&b, "VERSION", "2.0");
    ical_line(&b, "PRODID", "-//carelog//calendar feed " CARELOG_VERSION "//EN");
    ical_line(&b, "CALSCALE", "GREGORIAN");
    ical_line(&b, "METHOD", "PUBLISH");
    ical_text(&b, "X-WR-CALNAME", family);
    ical_text(&b, "X-WR-TIMEZONE", zone_name);
    struct buf events;
    buf_init(&events, 8 << 20);
    int first_year = 9999, last_year = 0;
    int64_t now = now_ms();
    int this_year = tz_date_at(z, now).year;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct appt_series s;
        if (!series_of(st, z, &s))
            continue;
        int64_t start;
        if (!tz_civil_to_utc(z, &s.dtstart, &start))
            continue;
        char person[128] = "";
        if (db_bind_text(name, 1, db_col_text(st, 1)) && sqlite3_step(name) == SQLITE_ROW)
            snprintf(person, sizeof person, "%s", db_col_text(name, 0));
        sqlite3_reset(name);
        char uid[64], stamp[17];
        snprintf(uid, sizeof uid, "%s@carelog", db_col_text(st, 0));
        ical_utc(sqlite3_column_int64(st, 15), stamp);
        if (s.dtstart.year < first_year)
            first_year = s.dtstart.year;
        /* The VTIMEZONE covers the years the events fall in: a series to
         * its UNTIL, or (open or counted) at least two years past now. */
        int until_year = s.dtstart.year;
        if (s.has_rule && s.rule.has_until)
            until_year = tz_date_at(z, s.rule.until).year;
        else if (s.has_rule)
            until_year = s.dtstart.year + 5 > this_year + 2 ? s.dtstart.year + 5 : this_year + 2;
        if (until_year > last_year)
            last_year = until_year;
        ical_line(&events, "BEGIN", "VEVENT");
        ical_line(&events, "UID", uid);
        ical_line(&events, "DTSTAMP", stamp);
        local_prop(&events, "DTSTART", z, start);
        local_prop(&events, "DTEND", z, start + (int64_t)s.duration_min * 60000);
        if (s.has_rule)
            ical_line(&events, "RRULE", db_col_text(st, 12));
        for (int i = 0; i < s.nexceptions; i++) {
            const struct appt_exception *e = &s.exceptions[i];
            struct civil oc;
            int64_t at;
            if (e->cancelled && appt_parse_local(e->original, &oc) && tz_civil_to_utc(z, &oc, &at))
                local_prop(&events, "EXDATE", z, at);
        }
        event_text(&events, st, person);
        ical_line(&events, "END", "VEVENT");
        for (int i = 0; i < s.nexceptions; i++) {
            const struct appt_exception *e = &s.exceptions[i];
            struct civil oc;
            int64_t at;
            if (e->cancelled || e->end <= e->start || !appt_parse_local(e->original, &oc) ||
                !tz_civil_to_utc(z, &oc, &at))
                continue;
            ical_line(&events, "BEGIN", "VEVENT");
            ical_line(&events, "UID", uid);
            ical_line(&events, "DTSTAMP", stamp);
            local_prop(&events, "RECURRENCE-ID", z, at);
            local_prop(&events, "DTSTART", z, e->start);
            local_prop(&events, "DTEND", z, e->end);
            event_text(&events, st, person);
            ical_line(&events, "END", "VEVENT");
        }
    }
    sqlite3_reset(st);
    if (last_year == 0) {
        struct date today = tz_date_at(z, now);
        first_year = last_year = today.year;
    }
    ical_vtimezone(&b, z, first_year - 1, last_year + 1);
    if (events.p)
        buf_puts(&b, events.p);
    buf_free(&events);
    ical_line(&b, "END", "VCALENDAR");
    if (b.oom) {
        buf_free(&b);
        resp_error(r, 503, "overloaded", "The calendar is too large");
        return;
    }
    resp_header(r, "Cache-Control", "private, max-age=300");
    resp_header(r, "Content-Disposition", "inline; filename=\"carelog.ics\"");
    resp_raw(r, 200, "text/calendar; charset=utf-8", b.p, b.len);
    buf_free(&b);
}

CARELOG_PROGRAM(appointments, NULL, NULL)
