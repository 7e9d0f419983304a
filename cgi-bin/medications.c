/* medications.c — a person's medications and their doses: the medication
 * itself (form, dose, instructions, prescriber, dates, supply and refill
 * threshold) with its schedule (fixed times, every N hours, or as needed
 * with a minimum interval and a maximum per 24 h), the day's doses with
 * their states in the family's zone (due, late, missed, given, skipped),
 * what an as-needed dose must wait for, adherence over 7 or 30 days, and
 * each member's opt-in to "dose due" notifications.
 *
 * A dose itself is an entry of type medication_dose, written through PUT
 * entries/{id} and /sync like any entry (entries.c), so it is logged
 * offline with the client's UUID and never lost; this program reads them.
 * Why two records of one scheduled dose stay two (and show as a conflict)
 * is said in lib/data/meds.h. The push pass (lib/push/pushpass.c) sends
 * dose due, dose missed and refill alerts by the same rules. */
#include "carelog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/care.h"
#include "data/meds.h"
#include "data/tz.h"

static void medications_get(struct request *r);
static void medication_post(struct request *r);
static void schedule_get(struct request *r);
static void medication_get(struct request *r);
static void medication_patch(struct request *r);
static void medication_delete(struct request *r);
static void history_get(struct request *r);
static void optin_put(struct request *r);
static void optin_delete(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/medications", medications_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/medications", medication_post, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    /* Before {medid}: the first route that matches answers. */
    {"GET", "/api/v1/families/{fid}/medications/schedule", schedule_get, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/medications/{medid}", medication_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/medications/{medid}", medication_patch, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/medications/{medid}", medication_delete, ACCESS_CAREGIVER,
     ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/medications/{medid}/history", history_get, ACCESS_VIEWER, 0},
    /* Anyone in the family may ask to be told when a dose is due. */
    {"PUT", "/api/v1/families/{fid}/medications/{medid}/optin", optin_put, ACCESS_VIEWER,
     ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/medications/{medid}/optin", optin_delete, ACCESS_VIEWER,
     ROUTE_WRITE},
};

static const char *const forms[] = {"tablet",  "liquid",    "drops", "patch",
                                    "inhaler", "injection", "other", NULL};
static const char *const schedule_kinds[] = {"times", "interval", "prn", NULL};
#define MAX_SLOTS 32
#define DAY_MS    (24 * 3600 * 1000LL)

/* ---------- reading ---------- */

/* The family's zone (UTC when it cannot be loaded). */
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

static bool opted_in(struct db *d, const char *medid, const char *member)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM medication_optins WHERE medication_id = ? AND "
                                  "member_id = ?");
    bool yes = member[0] && st && db_bind_text(st, 1, medid) && db_bind_text(st, 2, member) &&
               sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return yes;
}

/* The medication as the API shows it to the caller (with their opt-in). */
static cJSON *medication_for(struct request *r, sqlite3_stmt *st)
{
    cJSON *o = medication_json_row(st);
    cJSON_AddBoolToObject(o, "opted_in",
                          opted_in(r->db, db_col_text(st, 0), r->session->family_member_id));
    return o;
}

static void reply_medication(struct request *r, const char *medid, int status)
{
    sqlite3_stmt *st = db_stmt(r->db, MEDICATION_SELECT
                               "WHERE m.id = ? AND m.family_id = ? AND "
                               "m.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("m.subject_id", 9));
    if (!st || !db_bind_text(st, 1, medid) || !db_bind_text(st, 2, r->session->family_id) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such medication");
        return;
    }
    cJSON *o = medication_for(r, st);
    sqlite3_reset(st);
    resp_json(r, status, o);
}

static void medications_get(struct request *r)
{
    const char *subject = NULL;
    if (req_query(r, "subject", &subject) < 0) {
        resp_field_error(r, "subject", "is not valid");
        return;
    }
    sqlite3_stmt *st = db_stmt(r->db, MEDICATION_SELECT
                               "WHERE m.family_id = ?1 AND m.deleted_at IS NULL AND "
                               "(?2 IS NULL OR m.subject_id = ?2) AND " ACCESS_SUBJECT_IN(
                                   "m.subject_id", 3) " ORDER BY m.active DESC, m.name, m.id");
    if (!st || !db_bind_text(st, 1, r->session->family_id) ||
        !db_bind_text(st, 2, subject && *subject ? subject : NULL) ||
        !access_bind_subjects(r, st, 3)) {
        resp_internal(r);
        return;
    }
    /* Read the rows first: the opt-in lookup is another statement. */
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(list, medication_json_row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        resp_internal(r);
        return;
    }
    for (cJSON *m = list->child; m; m = m->next) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
        cJSON_AddBoolToObject(m, "opted_in",
                              opted_in(r->db, id->valuestring, r->session->family_member_id));
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "medications", list);
    resp_json(r, 200, body);
}

static void medication_get(struct request *r)
{
    reply_medication(r, req_param(r, "medid"), 200);
}

/* ---------- writing ---------- */

struct med_fields {
    const char *subject_id, *name, *form, *unit, *instructions, *prescriber, *pharmacy_phone,
        *start_date, *end_date, *kind, *first_time;
    double dose, supply, refill_at;
    int64_t every_hours, min_interval, max_per_24h;
    bool active, missed_urgent;
    bool has_name, has_form, has_dose, null_dose, has_unit, has_instructions, has_prescriber,
        has_phone, has_start, has_end, null_end, has_active, has_schedule, has_supply, null_supply,
        has_refill, null_refill, has_urgent;
    char times_json[MED_MAX_TIMES * 8 + 8];
};

/* The schedule object: {kind, times | every_hours + first_time |
 * min_interval_min + max_per_24h}. */
static void schedule_read(struct vobj *v, const cJSON *o, struct med_fields *f)
{
    struct vobj sv;
    v_init_nested(&sv, v, o, "schedule");
    const cJSON *times = NULL;
    v_enum(&sv, "kind", V_REQUIRED, schedule_kinds, &f->kind);
    bool has_times = v_array(&sv, "times", 0, MED_MAX_TIMES, &times);
    bool has_every = v_int(&sv, "every_hours", 0, 1, 24, &f->every_hours);
    bool has_first = v_string(&sv, "first_time", 0, 5, 5, &f->first_time);
    v_int(&sv, "min_interval_min", V_NULLABLE, 1, 10080, &f->min_interval);
    v_int(&sv, "max_per_24h", V_NULLABLE, 1, 100, &f->max_per_24h);
    if (f->kind && strcmp(f->kind, "times") == 0) {
        size_t used = 0;
        f->times_json[used++] = '[';
        int n = 0;
        for (const cJSON *t = times ? times->child : NULL; t; t = t->next, n++) {
            if (!cJSON_IsString(t) || med_parse_hhmm(t->valuestring) < 0) {
                v_error(&sv, "times", "must be times of day as HH:MM");
                break;
            }
            used += (size_t)snprintf(f->times_json + used, sizeof f->times_json - used, "%s\"%s\"",
                                     n ? "," : "", t->valuestring);
        }
        snprintf(f->times_json + used, sizeof f->times_json - used, "]");
        if (!has_times || n == 0)
            v_error(&sv, "times", "give at least one time of day");
    } else if (f->kind && strcmp(f->kind, "interval") == 0) {
        if (!has_every || 24 % f->every_hours != 0)
            v_error(&sv, "every_hours", "must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)");
        if (!has_first || med_parse_hhmm(f->first_time) < 0)
            v_error(&sv, "first_time", "must be a time of day as HH:MM");
    }
    v_finish(&sv);
    /* The stored times, sorted and distinct: re-read through the one parser. */
    struct med_schedule s;
    if (v_ok(v) && f->kind && strcmp(f->kind, "times") == 0 &&
        med_schedule_times(&s, "times", f->times_json, 0, NULL)) {
        size_t used = 0;
        f->times_json[used++] = '[';
        for (int i = 0; i < s.nminutes; i++)
            used += (size_t)snprintf(f->times_json + used, sizeof f->times_json - used,
                                     "%s\"%02d:%02d\"", i ? "," : "", s.minutes[i] / 60,
                                     s.minutes[i] % 60);
        snprintf(f->times_json + used, sizeof f->times_json - used, "]");
    }
    f->has_schedule = true;
}

static void check_date(struct vobj *v, const char *name, const char *s)
{
    struct date d;
    if (s && (!date_parse(s, &d) || d.year < 1900))
        v_error(v, name, "must be a date as YYYY-MM-DD");
}

static void med_fields_read(struct vobj *v, struct med_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    unsigned req = creating ? V_REQUIRED : 0;
    if (creating)
        v_uuid(v, "subject_id", V_REQUIRED, &f->subject_id);
    f->has_name = v_string(v, "name", req, 1, 100, &f->name);
    f->has_form = v_enum(v, "form", req, forms, &f->form);
    f->null_dose = v_is_null(v, "dose");
    f->has_dose = v_number(v, "dose", V_NULLABLE, 0.001, 100000, &f->dose);
    f->has_unit = v_string(v, "unit", 0, 0, 20, &f->unit);
    f->has_instructions = v_string(v, "instructions", V_MULTILINE, 0, 1000, &f->instructions);
    f->has_prescriber = v_string(v, "prescriber", 0, 0, 100, &f->prescriber);
    f->has_phone = v_string(v, "pharmacy_phone", 0, 0, 40, &f->pharmacy_phone);
    if (f->has_phone && f->pharmacy_phone[0] && !phone_is_valid(f->pharmacy_phone))
        v_error(v, "pharmacy_phone", "must be a phone number (digits, spaces, + - . ( ))");
    f->has_start = v_string(v, "start_date", 0, 10, 10, &f->start_date);
    check_date(v, "start_date", f->has_start ? f->start_date : NULL);
    f->null_end = v_is_null(v, "end_date");
    f->has_end = v_string(v, "end_date", V_NULLABLE, 10, 10, &f->end_date);
    check_date(v, "end_date", f->has_end ? f->end_date : NULL);
    struct date ds, de;
    if (f->has_start && f->has_end && date_parse(f->start_date, &ds) &&
        date_parse(f->end_date, &de) && date_to_days(de) < date_to_days(ds))
        v_error(v, "end_date", "must not be before start_date");
    f->has_active = v_bool(v, "active", 0, &f->active);
    const cJSON *sched = NULL;
    if (v_object(v, "schedule", req, &sched))
        schedule_read(v, sched, f);
    f->null_supply = v_is_null(v, "supply");
    f->has_supply = v_number(v, "supply", V_NULLABLE, 0, 1000000, &f->supply);
    f->null_refill = v_is_null(v, "refill_at");
    f->has_refill = v_number(v, "refill_at", V_NULLABLE, 0, 1000000, &f->refill_at);
    f->has_urgent = v_bool(v, "missed_urgent", 0, &f->missed_urgent);
    /* What GET answers may come back: accepted and ignored. */
    static const char *const echoes[] = {"id",         "supply_at",  "supply_left",
                                         "created_at", "updated_at", "deleted",
                                         "version",    "opted_in",   NULL};
    for (const char *const *e = echoes; *e; e++)
        v_is_null(v, *e);
    if (!creating)
        v_is_null(v, "subject_id"); /* a medication stays with its person */
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

static bool bind_real_or_null(sqlite3_stmt *st, int i, bool has, double v)
{
    return (has ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i)) == SQLITE_OK;
}

static bool bind_int_or_null(sqlite3_stmt *st, int i, bool has, int64_t v)
{
    return has ? db_bind_int64(st, i, v) : sqlite3_bind_null(st, i) == SQLITE_OK;
}

static bool optin_set(struct db *d, const char *medid, const char *member, bool on)
{
    sqlite3_stmt *st =
        on ? db_stmt(d, "INSERT INTO medication_optins (medication_id, member_id) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING")
           : db_stmt(d, "DELETE FROM medication_optins WHERE medication_id = ? AND member_id = ?");
    return st && db_bind_text(st, 1, medid) && db_bind_text(st, 2, member) && db_step_done(d, st);
}

static void medication_post(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    struct vobj v;
    struct med_fields f;
    v_init(&v, r->json, NULL);
    med_fields_read(&v, &f, true);
    if (v_ok(&v) && f.subject_id && !access_subject_ok(r, f.subject_id))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    char zone_name[TZ_NAME_MAX + 1], today[11], id[37];
    const struct tz *z = family_zone(d, fid, zone_name, sizeof zone_name);
    int64_t now = now_ms();
    date_format(tz_date_at(z, now), today);
    uuid_v4(id);
    int64_t seq = next_seq(d);
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    bool prn = strcmp(f.kind, "prn") == 0, interval = strcmp(f.kind, "interval") == 0;
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO medications (id, family_id, subject_id, name, form, dose, unit, "
                   "instructions, prescriber, pharmacy_phone, start_date, end_date, active, "
                   "schedule_kind, times, every_hours, first_time, min_interval_min, "
                   "max_per_24h, supply, supply_at, refill_at, missed_urgent, created_by, "
                   "created_at, updated_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                   "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, "
                   "?25, ?25, ?26)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, id) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.subject_id) && db_bind_text(st, 4, f.name) &&
              db_bind_text(st, 5, f.form) && bind_real_or_null(st, 6, f.has_dose, f.dose) &&
              db_bind_text(st, 7, f.has_unit ? f.unit : "") &&
              db_bind_text(st, 8, f.has_instructions ? f.instructions : "") &&
              db_bind_text(st, 9, f.has_prescriber ? f.prescriber : "") &&
              db_bind_text(st, 10, f.has_phone ? f.pharmacy_phone : "") &&
              db_bind_text(st, 11, f.has_start ? f.start_date : today) &&
              db_bind_text(st, 12, f.has_end ? f.end_date : NULL) &&
              db_bind_int64(st, 13, f.has_active ? f.active : 1) && db_bind_text(st, 14, f.kind) &&
              db_bind_text(st, 15, strcmp(f.kind, "times") == 0 ? f.times_json : "[]") &&
              bind_int_or_null(st, 16, interval, f.every_hours) &&
              db_bind_text(st, 17, interval ? f.first_time : NULL) &&
              bind_int_or_null(st, 18, prn && f.min_interval > 0, f.min_interval) &&
              bind_int_or_null(st, 19, prn && f.max_per_24h > 0, f.max_per_24h) &&
              bind_real_or_null(st, 20, f.has_supply, f.supply) &&
              bind_int_or_null(st, 21, f.has_supply, now) &&
              bind_real_or_null(st, 22, f.has_refill, f.refill_at) &&
              db_bind_int64(st, 23, f.has_urgent && f.missed_urgent) && db_bind_text(st, 24, me) &&
              db_bind_int64(st, 25, now) && db_bind_int64(st, 26, seq) && db_step_done(d, st);
    /* Whoever adds a medication wants to hear when its doses are due. */
    ok = ok && (!me || optin_set(d, id, me, true));
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "medication_added", id, NULL);
    reply_medication(r, id, 201);
}

static void medication_patch(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *medid = req_param(r, "medid");
    sqlite3_stmt *st =
        db_stmt(d, "SELECT start_date, end_date FROM medications WHERE id = ? AND "
                   "family_id = ? AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN("subject_id", 9));
    if (!st || !db_bind_text(st, 1, medid) || !db_bind_text(st, 2, fid) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such medication");
        return;
    }
    char start[16], end[16];
    snprintf(start, sizeof start, "%s", db_col_text(st, 0));
    snprintf(end, sizeof end, "%s", db_col_text(st, 1));
    sqlite3_reset(st);
    struct vobj v;
    struct med_fields f;
    v_init(&v, r->json, NULL);
    med_fields_read(&v, &f, false);
    /* The dates checked together, with the stored one for the other. */
    const char *s = f.has_start ? f.start_date : start,
               *e = f.has_end ? f.end_date : (f.null_end ? "" : end);
    if (v_ok(&v) && e[0] && strcmp(e, s) < 0)
        v_error(&v, f.has_end ? "end_date" : "start_date", "must not be before start_date");
    if (!v_accept(r, &v))
        return;
    int64_t now = now_ms();
    int64_t seq = next_seq(d);
    bool prn = f.has_schedule && strcmp(f.kind, "prn") == 0,
         interval = f.has_schedule && strcmp(f.kind, "interval") == 0;
    /* A new supply count starts a new count of the doses given since, and
     * a new crossing of the refill threshold. */
    st = db_stmt(
        d, "UPDATE medications SET name = coalesce(?2, name), form = coalesce(?3, form), "
           "dose = CASE WHEN ?4 THEN NULL ELSE coalesce(?5, dose) END, unit = coalesce(?6, unit), "
           "instructions = coalesce(?7, instructions), prescriber = coalesce(?8, prescriber), "
           "pharmacy_phone = coalesce(?9, pharmacy_phone), start_date = coalesce(?10, start_date), "
           "end_date = CASE WHEN ?11 THEN NULL ELSE coalesce(?12, end_date) END, "
           "active = coalesce(?13, active), "
           "schedule_kind = CASE WHEN ?14 THEN ?15 ELSE schedule_kind END, "
           "times = CASE WHEN ?14 THEN ?16 ELSE times END, "
           "every_hours = CASE WHEN ?14 THEN ?17 ELSE every_hours END, "
           "first_time = CASE WHEN ?14 THEN ?18 ELSE first_time END, "
           "min_interval_min = CASE WHEN ?14 THEN ?19 ELSE min_interval_min END, "
           "max_per_24h = CASE WHEN ?14 THEN ?20 ELSE max_per_24h END, "
           "supply = CASE WHEN ?21 THEN NULL WHEN ?22 IS NOT NULL THEN ?22 ELSE supply END, "
           "supply_at = CASE WHEN ?21 THEN NULL WHEN ?22 IS NOT NULL THEN ?23 ELSE supply_at END, "
           "refill_alerted = CASE WHEN ?21 OR ?22 IS NOT NULL OR ?24 OR ?25 IS NOT NULL THEN 0 "
           "ELSE refill_alerted END, "
           "refill_at = CASE WHEN ?24 THEN NULL ELSE coalesce(?25, refill_at) END, "
           "missed_urgent = coalesce(?26, missed_urgent), updated_at = ?23, seq = ?27 "
           "WHERE id = ?1 AND family_id = ?28");
    bool ok =
        seq > 0 && st && db_bind_text(st, 1, medid) &&
        db_bind_text(st, 2, f.has_name ? f.name : NULL) &&
        db_bind_text(st, 3, f.has_form ? f.form : NULL) && db_bind_int64(st, 4, f.null_dose) &&
        bind_real_or_null(st, 5, f.has_dose, f.dose) &&
        db_bind_text(st, 6, f.has_unit ? f.unit : NULL) &&
        db_bind_text(st, 7, f.has_instructions ? f.instructions : NULL) &&
        db_bind_text(st, 8, f.has_prescriber ? f.prescriber : NULL) &&
        db_bind_text(st, 9, f.has_phone ? f.pharmacy_phone : NULL) &&
        db_bind_text(st, 10, f.has_start ? f.start_date : NULL) &&
        db_bind_int64(st, 11, f.null_end) && db_bind_text(st, 12, f.has_end ? f.end_date : NULL) &&
        bind_int_or_null(st, 13, f.has_active, f.active) && db_bind_int64(st, 14, f.has_schedule) &&
        db_bind_text(st, 15, f.has_schedule ? f.kind : NULL) &&
        db_bind_text(st, 16,
                     f.has_schedule && strcmp(f.kind, "times") == 0 ? f.times_json : "[]") &&
        bind_int_or_null(st, 17, interval, f.every_hours) &&
        db_bind_text(st, 18, interval ? f.first_time : NULL) &&
        bind_int_or_null(st, 19, prn && f.min_interval > 0, f.min_interval) &&
        bind_int_or_null(st, 20, prn && f.max_per_24h > 0, f.max_per_24h) &&
        db_bind_int64(st, 21, f.null_supply) && bind_real_or_null(st, 22, f.has_supply, f.supply) &&
        db_bind_int64(st, 23, now) && db_bind_int64(st, 24, f.null_refill) &&
        bind_real_or_null(st, 25, f.has_refill, f.refill_at) &&
        bind_int_or_null(st, 26, f.has_urgent, f.missed_urgent) && db_bind_int64(st, 27, seq) &&
        db_bind_text(st, 28, fid) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_changed(r, d, fid, "medication_updated", medid, NULL);
    reply_medication(r, medid, 200);
}

/* A tombstone: the stream tells every device, and the doses already given
 * keep the name they were logged with. */
static void medication_delete(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *medid = req_param(r, "medid");
    int64_t seq = next_seq(d), now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE medications SET deleted_at = ?1, updated_at = ?1, "
                                  "active = 0, seq = ?2 WHERE id = ?3 AND family_id = ?4 AND "
                                  "deleted_at IS NULL AND " ACCESS_SUBJECT_IN("subject_id", 5));
    if (seq <= 0 || !st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, seq) ||
        !db_bind_text(st, 3, medid) || !db_bind_text(st, 4, fid) ||
        !access_bind_subjects(r, st, 5) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such medication");
        return;
    }
    audit_record(r, d, fid, "medication_removed", medid, NULL);
    resp_no_content(r);
}

static void optin_change(struct request *r, bool on)
{
    struct db *d = r->db;
    const char *medid = req_param(r, "medid"), *me = r->session->family_member_id;
    if (!me[0]) {
        resp_error(r, 409, "not_a_member", "Only members of the family get its notifications");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM medications WHERE id = ? AND family_id = ? AND "
                                  "deleted_at IS NULL AND " ACCESS_SUBJECT_IN("subject_id", 9));
    bool found = st && db_bind_text(st, 1, medid) && db_bind_text(st, 2, r->session->family_id) &&
                 access_bind_subjects(r, st, 9) && sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    if (!found) {
        resp_error(r, 404, "not_found", "No such medication");
        return;
    }
    if (!optin_set(d, medid, me, on)) {
        resp_internal(r);
        return;
    }
    reply_medication(r, medid, 200);
}

static void optin_put(struct request *r)
{
    optin_change(r, true);
}

static void optin_delete(struct request *r)
{
    optin_change(r, false);
}

/* ---------- the day's doses ---------- */

/* One medication as the schedule needs it. */
struct med {
    char id[37], subject_id[37], name[128], unit[32], kind[12];
    double dose;
    bool has_dose;
    int64_t min_interval, max_per_24h;
    struct med_schedule sched;
};

static bool med_from_row(sqlite3_stmt *st, struct med *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", db_col_text(st, 0));
    snprintf(m->subject_id, sizeof m->subject_id, "%s", db_col_text(st, 1));
    snprintf(m->name, sizeof m->name, "%s", db_col_text(st, 2));
    m->has_dose = sqlite3_column_type(st, 4) != SQLITE_NULL;
    m->dose = sqlite3_column_double(st, 4);
    snprintf(m->unit, sizeof m->unit, "%s", db_col_text(st, 5));
    snprintf(m->kind, sizeof m->kind, "%s", db_col_text(st, 12));
    m->min_interval = sqlite3_column_int64(st, 16);
    m->max_per_24h = sqlite3_column_int64(st, 17);
    m->sched.active = sqlite3_column_int(st, 11) == 1;
    m->sched.has_end = sqlite3_column_type(st, 10) != SQLITE_NULL;
    return date_parse(db_col_text(st, 9), &m->sched.start) &&
           (!m->sched.has_end || date_parse(db_col_text(st, 10), &m->sched.end)) &&
           med_schedule_times(&m->sched, m->kind, db_col_text(st, 13), sqlite3_column_int(st, 14),
                              db_col_text(st, 15));
}

/* The medications of the family (and of one person) that are not deleted. */
static struct med *load_meds(struct request *r, const char *subject, int *n)
{
    *n = 0;
    sqlite3_stmt *st =
        db_stmt(r->db, MEDICATION_SELECT "WHERE m.family_id = ?1 AND m.deleted_at IS NULL AND "
                                         "(?2 IS NULL OR m.subject_id = ?2) AND " ACCESS_SUBJECT_IN(
                                             "m.subject_id", 3) " ORDER BY m.name, m.id");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !db_bind_text(st, 2, subject) ||
        !access_bind_subjects(r, st, 3))
        return NULL;
    struct med *list = NULL;
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct med *grown = realloc(list, (size_t)cap * sizeof *grown);
            if (!grown) {
                free(list);
                sqlite3_reset(st);
                return NULL;
            }
            list = grown;
        }
        if (med_from_row(st, &list[*n]))
            (*n)++;
    }
    sqlite3_reset(st);
    return list ? list : calloc(1, sizeof *list);
}

/* The records of one scheduled dose, first stored first: the first is the
 * dose, the others conflicts (meds.h). Fills the slot's JSON and returns
 * the state. */
static enum dose_state slot_records(struct db *d, const char *medid, int64_t at, int64_t now,
                                    cJSON *o, bool *on_time)
{
    sqlite3_stmt *st = db_stmt(
        d, "SELECT e.id, e.ts, json_extract(e.value, '$.status'), coalesce(u.name, m.guest_name), "
           "e.author_id, json_extract(e.value, '$.reason') FROM entries e "
           "LEFT JOIN members m ON m.id = e.author_id LEFT JOIN users u ON u.id = m.user_id "
           "WHERE e.type = 'medication_dose' AND json_extract(e.value, '$.medication_id') = ?1 "
           "AND json_extract(e.value, '$.scheduled_at') = ?2 AND e.deleted = 0 ORDER BY e.seq");
    enum dose_state state = dose_state_at(at, now, NULL);
    *on_time = false;
    cJSON *conflicts = cJSON_CreateArray();
    int n = 0;
    if (st && db_bind_text(st, 1, medid) && db_bind_int64(st, 2, at)) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *status = db_col_text(st, 2);
            int64_t ts = sqlite3_column_int64(st, 1);
            if (n++ == 0) {
                state = dose_state_at(at, now, status);
                *on_time = state == DOSE_GIVEN && dose_on_time(at, ts);
                cJSON_AddStringToObject(o, "entry_id", db_col_text(st, 0));
                json_add_int64(o, "at", ts);
                json_col_text(o, "by", st, 3);
                json_col_text(o, "by_member_id", st, 4);
                json_col_text(o, "reason", st, 5);
                continue;
            }
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "entry_id", db_col_text(st, 0));
            cJSON_AddStringToObject(c, "status", status);
            json_add_int64(c, "at", ts);
            json_col_text(c, "by", st, 3);
            cJSON_AddItemToArray(conflicts, c);
        }
        sqlite3_reset(st);
    }
    if (n == 0) {
        cJSON_AddNullToObject(o, "entry_id");
        cJSON_AddNullToObject(o, "at");
        cJSON_AddNullToObject(o, "by");
        cJSON_AddNullToObject(o, "by_member_id");
        cJSON_AddNullToObject(o, "reason");
    }
    cJSON_AddStringToObject(o, "state", dose_state_name(state));
    cJSON_AddBoolToObject(o, "on_time", *on_time);
    cJSON_AddItemToObject(o, "conflicts", conflicts);
    return state;
}

static cJSON *slot_json(struct db *d, const struct med *m, const struct tz *z, int64_t at,
                        int64_t now, enum dose_state *state, bool *on_time)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "medication_id", m->id);
    cJSON_AddStringToObject(o, "subject_id", m->subject_id);
    cJSON_AddStringToObject(o, "name", m->name);
    if (m->has_dose)
        cJSON_AddNumberToObject(o, "dose", m->dose);
    else
        cJSON_AddNullToObject(o, "dose");
    cJSON_AddStringToObject(o, "unit", m->unit);
    json_add_int64(o, "scheduled_at", at);
    struct civil c;
    tz_to_civil(z, at, &c);
    char hhmm[8];
    snprintf(hhmm, sizeof hhmm, "%02d:%02d", c.hour % 24, c.minute % 60);
    cJSON_AddStringToObject(o, "time", hhmm);
    *state = slot_records(d, m->id, at, now, o, on_time);
    return o;
}

/* An as-needed medication: its last dose, the doses in the last 24 h and
 * when the next is safe by its minimum interval and its maximum per 24 h
 * (null: now). Giving one earlier is asked, never refused. */
static cJSON *prn_json(struct db *d, const struct med *m, int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "medication_id", m->id);
    cJSON_AddStringToObject(o, "subject_id", m->subject_id);
    cJSON_AddStringToObject(o, "name", m->name);
    if (m->has_dose)
        cJSON_AddNumberToObject(o, "dose", m->dose);
    else
        cJSON_AddNullToObject(o, "dose");
    cJSON_AddStringToObject(o, "unit", m->unit);
    if (m->min_interval > 0)
        cJSON_AddNumberToObject(o, "min_interval_min", (double)m->min_interval);
    else
        cJSON_AddNullToObject(o, "min_interval_min");
    if (m->max_per_24h > 0)
        cJSON_AddNumberToObject(o, "max_per_24h", (double)m->max_per_24h);
    else
        cJSON_AddNullToObject(o, "max_per_24h");
    sqlite3_stmt *st = db_stmt(
        d,
        "SELECT e.ts FROM entries e WHERE e.type = 'medication_dose' AND "
        "json_extract(e.value, '$.medication_id') = ? AND e.deleted = 0 AND "
        "json_extract(e.value, '$.status') = 'given' AND e.ts <= ? ORDER BY e.ts DESC LIMIT 101");
    int64_t last = -1, in_day = 0, nth = -1;
    if (st && db_bind_text(st, 1, m->id) && db_bind_int64(st, 2, now)) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t ts = sqlite3_column_int64(st, 0);
            if (last < 0)
                last = ts;
            if (ts <= now - DAY_MS)
                break;
            if (++in_day == m->max_per_24h)
                nth = ts;
        }
        sqlite3_reset(st);
    }
    int64_t safe = 0;
    if (last >= 0 && m->min_interval > 0)
        safe = last + m->min_interval * 60000;
    if (m->max_per_24h > 0 && in_day >= m->max_per_24h && nth + DAY_MS > safe)
        safe = nth + DAY_MS;
    if (last >= 0)
        json_add_int64(o, "last_at", last);
    else
        cJSON_AddNullToObject(o, "last_at");
    cJSON_AddNumberToObject(o, "in_24h", (double)in_day);
    if (safe > now)
        json_add_int64(o, "next_safe_at", safe);
    else
        cJSON_AddNullToObject(o, "next_safe_at");
    return o;
}

/* ?date=YYYY-MM-DD (today in the family's zone) &subject= */
static bool read_day(struct request *r, const struct tz *z, struct date *day)
{
    const char *date = NULL;
    int q = req_query(r, "date", &date);
    if (q < 0 || (q == 1 && *date && !date_parse(date, day))) {
        resp_field_error(r, "date", "must be a date as YYYY-MM-DD");
        return false;
    }
    if (q != 1 || !*date)
        *day = tz_date_at(z, now_ms());
    return true;
}

static bool read_subject(struct request *r, const char **subject)
{
    *subject = NULL;
    int q = req_query(r, "subject", subject);
    if (q < 0 || (q == 1 && **subject && !uuid_is_valid(*subject))) {
        resp_field_error(r, "subject", "must be a person's id");
        return false;
    }
    if (q != 1 || !**subject)
        *subject = NULL;
    return true;
}

/* A dose of the day with what it sorts by: its time, then its name. */
struct slot {
    int64_t at;
    const char *name;
    cJSON *json;
};

static int cmp_slot(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void schedule_get(struct request *r)
{
    char zone_name[TZ_NAME_MAX + 1];
    const struct tz *z = family_zone(r->db, r->session->family_id, zone_name, sizeof zone_name);
    struct date day;
    const char *subject;
    if (!read_day(r, z, &day) || !read_subject(r, &subject))
        return;
    int n = 0;
    struct med *meds = load_meds(r, subject, &n);
    if (!meds) {
        resp_internal(r);
        return;
    }
    int64_t now = now_ms();
    struct slot slots[MAX_SLOTS * 16];
    int nslots = 0;
    cJSON *prn = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        if (meds[i].sched.kind == MED_PRN) {
            if (meds[i].sched.active)
                cJSON_AddItemToArray(prn, prn_json(r->db, &meds[i], now));
            continue;
        }
        int64_t at[MAX_SLOTS];
        int k = med_day_slots(&meds[i].sched, z, day, at, MAX_SLOTS);
        for (int j = 0; j < k && nslots < (int)ARRAY_LEN(slots); j++) {
            enum dose_state st;
            bool on_time;
            slots[nslots].at = at[j];
            slots[nslots].name = meds[i].name;
            slots[nslots++].json = slot_json(r->db, &meds[i], z, at[j], now, &st, &on_time);
        }
    }
    qsort(slots, (size_t)nslots, sizeof slots[0], cmp_slot);
    cJSON *body = cJSON_CreateObject();
    char date[11];
    date_format(day, date);
    cJSON_AddStringToObject(body, "date", date);
    cJSON_AddStringToObject(body, "timezone", zone_name);
    cJSON *doses = cJSON_AddArrayToObject(body, "doses");
    for (int i = 0; i < nslots; i++)
        cJSON_AddItemToArray(doses, slots[i].json);
    free(meds); /* the slots' names pointed into it */
    cJSON_AddItemToObject(body, "prn", prn);
    resp_json(r, 200, body);
}

/* ---------- history and adherence ---------- */

static void history_get(struct request *r)
{
    int64_t days;
    if (!query_int(r, "days", 1, 90, 7, &days))
        return;
    const char *medid = req_param(r, "medid");
    sqlite3_stmt *st =
        db_stmt(r->db, MEDICATION_SELECT "WHERE m.id = ? AND m.family_id = ? "
                                         "AND " ACCESS_SUBJECT_IN("m.subject_id", 9));
    struct med m;
    bool found = st && db_bind_text(st, 1, medid) && db_bind_text(st, 2, r->session->family_id) &&
                 access_bind_subjects(r, st, 9) && sqlite3_step(st) == SQLITE_ROW &&
                 med_from_row(st, &m);
    if (st)
        sqlite3_reset(st);
    if (!found) {
        resp_error(r, 404, "not_found", "No such medication");
        return;
    }
    char zone_name[TZ_NAME_MAX + 1];
    const struct tz *z = family_zone(r->db, r->session->family_id, zone_name, sizeof zone_name);
    int64_t now = now_ms();
    struct date today = tz_date_at(z, now);
    int scheduled = 0, given = 0, on_time = 0, skipped = 0, missed = 0;
    cJSON *list = cJSON_CreateArray();
    /* Newest first; a dose still to come today is not yet counted. */
    for (int back = 0; back < days; back++) {
        int64_t at[MAX_SLOTS];
        int k = med_day_slots(&m.sched, z, date_add_days(today, -back), at, MAX_SLOTS);
        for (int j = k - 1; j >= 0; j--) {
            enum dose_state s;
            bool in_time;
            cJSON *o = slot_json(r->db, &m, z, at[j], now, &s, &in_time);
            if (s == DOSE_DUE) {
                cJSON_Delete(o);
                continue;
            }
            scheduled++;
            given += s == DOSE_GIVEN;
            on_time += in_time;
            skipped += s == DOSE_SKIPPED;
            missed += s == DOSE_MISSED || s == DOSE_LATE;
            cJSON_AddItemToArray(list, o);
        }
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "medication_id", medid);
    cJSON_AddNumberToObject(body, "days", (double)days);
    cJSON_AddNumberToObject(body, "scheduled", scheduled);
    cJSON_AddNumberToObject(body, "given", given);
    cJSON_AddNumberToObject(body, "on_time", on_time);
    cJSON_AddNumberToObject(body, "skipped", skipped);
    cJSON_AddNumberToObject(body, "missed", missed);
    /* % of the scheduled doses given on time; null with nothing scheduled. */
    if (scheduled)
        cJSON_AddNumberToObject(body, "adherence", round(100.0 * on_time / scheduled));
    else
        cJSON_AddNullToObject(body, "adherence");
    cJSON_AddItemToObject(body, "doses", list);
    resp_json(r, 200, body);
}

CARELOG_PROGRAM(medications, NULL, NULL)
