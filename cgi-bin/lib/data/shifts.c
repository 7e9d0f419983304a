/* shifts.c — shifts, visits and the handoff digest as the API's JSON; see
 * shifts.h. */
#include "data/shifts.h"

#include <stdio.h>
#include <string.h>

#include "data/meds.h"
#include "data/rows.h"
#include "framework/http.h"

const struct tz *family_tz(struct db *d, const char *family_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    const struct tz *z = NULL;
    if (st && db_bind_text(st, 1, family_id) && sqlite3_step(st) == SQLITE_ROW)
        z = tz_get(db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    return z ? z : tz_get("UTC");
}

bool shift_series_read(struct appt_series *s, const char *dtstart, int duration_min,
                       const char *rrule, const struct tz *zone)
{
    return appt_series_read(s, dtstart, duration_min, rrule, "[]", zone);
}

cJSON *shift_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    json_col_text(o, "caregiver_id", st, 2);
    json_col_text(o, "caregiver_name", st, 3);
    const struct tz *z = tz_get(db_col_text(st, 13));
    struct civil c;
    int64_t start = 0;
    int minutes = sqlite3_column_int(st, 5);
    if (z && appt_parse_local(db_col_text(st, 4), &c) && tz_civil_to_utc(z, &c, &start)) {
        json_add_int64(o, "start", start);
        json_add_int64(o, "end", start + (int64_t)minutes * 60000);
    } else {
        cJSON_AddNullToObject(o, "start");
        cJSON_AddNullToObject(o, "end");
    }
    cJSON_AddStringToObject(o, "start_local", db_col_text(st, 4));
    cJSON_AddNumberToObject(o, "duration_min", minutes);
    json_col_text(o, "rrule", st, 6);
    cJSON_AddStringToObject(o, "notes", db_col_text(st, 7));
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 8));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 9));
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 10));
    json_add_int64(o, "version", sqlite3_column_int64(st, 11));
    return o;
}

cJSON *visit_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "shift_id", db_col_text(st, 1));
    json_add_int64(o, "occurrence", sqlite3_column_int64(st, 2));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 3));
    json_col_text(o, "member_id", st, 4);
    json_col_text(o, "member_name", st, 5);
    json_add_int64(o, "checked_in_at", sqlite3_column_int64(st, 6));
    json_col_int(o, "checked_out_at", st, 7);
    cJSON_AddStringToObject(o, "note", db_col_text(st, 8));
    cJSON *digest =
        sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : cJSON_Parse(db_col_text(st, 9));
    cJSON_AddItemToObject(o, "digest", digest ? digest : cJSON_CreateNull());
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 10));
    json_add_int64(o, "version", sqlite3_column_int64(st, 11));
    return o;
}

cJSON *shift_last_handoff(struct db *d, const char *subject_id, int64_t before)
{
    sqlite3_stmt *st = db_stmt(d, VISIT_SELECT "WHERE v.subject_id = ? AND v.checked_out_at IS NOT "
                                               "NULL AND v.checked_out_at <= ? ORDER BY "
                                               "v.checked_out_at DESC, v.seq DESC LIMIT 1");
    cJSON *o = NULL;
    if (st && db_bind_text(st, 1, subject_id) && db_bind_int64(st, 2, before) &&
        sqlite3_step(st) == SQLITE_ROW)
        o = visit_json_row(st);
    if (st)
        sqlite3_reset(st);
    return o;
}

/* ---------- the digest ---------- */

/* Which section of the digest an entry type goes in (medication_dose
 * entries go in "doses"). Types not named here, such as ones a family
 * defines, are "other". */
static const struct {
    const char *type, *section;
} sections[] = {
    {"feed", "meals"},           {"sleep", "sleep"},    {"vitals", "vitals"},
    {"temperature", "vitals"},   {"growth", "vitals"},  {"symptom", "incidents"},
    {"medication", "incidents"}, {"note", "incidents"},
};
static const char *const section_names[] = {"meals", "sleep", "vitals", "incidents", "other", NULL};

static const char *section_of(const char *type)
{
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (strcmp(sections[i].type, type) == 0)
            return sections[i].section;
    return "other";
}

/* One dose line: the medication, its scheduled time (or null), its state
 * and when it was recorded (or null). */
static void add_dose(cJSON *doses, const char *medid, const char *name, int64_t scheduled,
                     const char *state, int64_t at)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "medication_id", medid);
    cJSON_AddStringToObject(x, "name", name);
    if (scheduled)
        json_add_int64(x, "scheduled_at", scheduled);
    else
        cJSON_AddNullToObject(x, "scheduled_at");
    cJSON_AddStringToObject(x, "state", state);
    if (at)
        json_add_int64(x, "at", at);
    else
        cJSON_AddNullToObject(x, "at");
    cJSON_AddItemToArray(doses, x);
}

/* The doses recorded in the window, and the scheduled ones of the window
 * that nobody recorded. */
static bool digest_doses(struct db *d, const char *subject_id, int64_t from, int64_t to,
                         cJSON *doses, int *given, int *missed)
{
    sqlite3_stmt *st = db_stmt(
        d, "SELECT json_extract(e.value, '$.medication_id'), coalesce(m.name, "
           "json_extract(e.value, '$.name'), ''), json_extract(e.value, '$.scheduled_at'), "
           "json_extract(e.value, '$.status'), e.ts FROM entries e LEFT JOIN medications m ON "
           "m.id = json_extract(e.value, '$.medication_id') WHERE e.subject_id = ? AND "
           "e.type = 'medication_dose' AND e.deleted = 0 AND e.ts >= ? AND e.ts < ? ORDER BY e.ts");
    if (!st || !db_bind_text(st, 1, subject_id) || !db_bind_int64(st, 2, from) ||
        !db_bind_int64(st, 3, to))
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = db_col_text(st, 3);
        add_dose(doses, db_col_text(st, 0), db_col_text(st, 1), sqlite3_column_int64(st, 2),
                 strcmp(status, "given") == 0 ? "given" : "skipped", sqlite3_column_int64(st, 4));
        *given += strcmp(status, "given") == 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return false;
    st = db_stmt(d, "SELECT m.id, m.name, m.schedule_kind, m.times, coalesce(m.every_hours, 0), "
                    "coalesce(m.first_time, ''), m.start_date, m.end_date, f.timezone FROM "
                    "medications m JOIN families f ON f.id = m.family_id WHERE m.subject_id = ? "
                    "AND m.deleted_at IS NULL AND m.active = 1 AND m.created_at < ?");
    sqlite3_stmt *rec = db_stmt(
        d,
        "SELECT 1 FROM entries WHERE type = 'medication_dose' AND deleted = 0 AND "
        "json_extract(value, '$.medication_id') = ? AND json_extract(value, '$.scheduled_at') = ?");
    if (!st || !rec || !db_bind_text(st, 1, subject_id) || !db_bind_int64(st, 2, to))
        return false;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct med_schedule s = {.active = true};
        const struct tz *z = tz_get(db_col_text(st, 8));
        s.has_end = sqlite3_column_type(st, 7) != SQLITE_NULL;
        if (!z || !date_parse(db_col_text(st, 6), &s.start) ||
            (s.has_end && !date_parse(db_col_text(st, 7), &s.end)) ||
            !med_schedule_times(&s, db_col_text(st, 2), db_col_text(st, 3),
                                sqlite3_column_int(st, 4), db_col_text(st, 5)))
            continue;
        struct date day = tz_date_at(z, from), last = tz_date_at(z, to);
        for (int guard = 0; ok && guard < 3; guard++, day = date_add_days(day, 1)) {
            int64_t slots[MED_MAX_TIMES];
            int k = med_day_slots(&s, z, day, slots, MED_MAX_TIMES);
            for (int j = 0; ok && j < k; j++) {
                if (slots[j] < from || slots[j] >= to)
                    continue;
                bool recorded = db_bind_text(rec, 1, db_col_text(st, 0)) &&
                                db_bind_int64(rec, 2, slots[j]) && sqlite3_step(rec) == SQLITE_ROW;
                sqlite3_reset(rec);
                if (recorded)
                    continue; /* listed above when recorded in the window */
                enum dose_state ds = dose_state_at(slots[j], to, NULL);
                add_dose(doses, db_col_text(st, 0), db_col_text(st, 1), slots[j],
                         dose_state_name(ds), 0);
                *missed += ds == DOSE_MISSED;
            }
            if (day.year == last.year && day.month == last.month && day.day == last.day)
                break;
        }
    }
    sqlite3_reset(st);
    return ok && rc == SQLITE_DONE;
}

cJSON *shift_digest(struct db *d, const char *subject_id, int64_t from, int64_t to)
{
    cJSON *o = cJSON_CreateObject();
    json_add_int64(o, "from", from);
    json_add_int64(o, "to", to);
    cJSON *doses = cJSON_AddArrayToObject(o, "doses");
    for (const char *const *s = section_names; *s; s++)
        cJSON_AddArrayToObject(o, *s);
    int given = 0, missed = 0;
    bool ok = digest_doses(d, subject_id, from, to, doses, &given, &missed);
    /* Entries of the window; a sleep (or any timed entry) that overlaps it. */
    sqlite3_stmt *st = db_stmt(
        d, "SELECT id, type, ts, end_ts, value FROM entries WHERE subject_id = ? AND deleted = 0 "
           "AND type <> 'medication_dose' AND ts < ?3 AND (ts >= ?2 OR (end_ts IS NOT NULL AND "
           "end_ts > ?2) OR (type = 'sleep' AND end_ts IS NULL)) ORDER BY ts, id LIMIT 500");
    int rc = SQLITE_ERROR;
    if (ok && st && db_bind_text(st, 1, subject_id) && db_bind_int64(st, 2, from) &&
        db_bind_int64(st, 3, to)) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "id", db_col_text(st, 0));
            cJSON_AddStringToObject(x, "type", db_col_text(st, 1));
            json_add_int64(x, "ts", sqlite3_column_int64(st, 2));
            json_col_int(x, "end_ts", st, 3);
            cJSON *value = cJSON_Parse(db_col_text(st, 4));
            cJSON_AddItemToObject(x, "value", value ? value : cJSON_CreateObject());
            cJSON_AddItemToArray(
                cJSON_GetObjectItemCaseSensitive(o, section_of(db_col_text(st, 1))), x);
        }
        sqlite3_reset(st);
    }
    if (!ok || rc != SQLITE_DONE) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON *counts = cJSON_AddObjectToObject(o, "counts");
    cJSON_AddNumberToObject(counts, "doses_given", given);
    cJSON_AddNumberToObject(counts, "doses_missed", missed);
    for (const char *const *s = section_names; *s; s++)
        cJSON_AddNumberToObject(counts, *s,
                                cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, *s)));
    return o;
}
