/* shifts.c — caregivers' shifts and handoffs: owners plan shifts (a
 * caregiver, or none for an open shift, a person cared for, a start and a
 * length, an optional weekly rule, notes); caregivers take open shifts and
 * check in and out of an occurrence with the time it really happened (a
 * retry is the same check-in, so the offline outbox may send it twice); at
 * check-out the server writes the handoff digest of what was logged for
 * the person during the shift beside the caregiver's note, and the next
 * caregiver gets the last handoff with their check-in. The week view
 * (GET .../shifts?from=&to=) expands the series and marks coverage gaps and
 * overlaps. Pushes before a shift and for a shift nobody checked in to go
 * out through the push pass (lib/push/shiftpush.c). */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/entrywrite.h"
#include "data/shifts.h"

static void shifts_get(struct request *r);
static void shift_post(struct request *r);
static void shift_get(struct request *r);
static void shift_patch(struct request *r);
static void shift_delete(struct request *r);
static void shift_take(struct request *r);
static void check_in(struct request *r);
static void check_out(struct request *r);
static void digest_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/shifts", shifts_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/shifts", shift_post, ACCESS_OWNER, ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/shifts/{shid}", shift_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/shifts/{shid}", shift_patch, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/shifts/{shid}", shift_delete, ACCESS_OWNER, ROUTE_WRITE},
    /* A caregiver makes an open shift theirs. */
    {"POST", "/api/v1/families/{fid}/shifts/{shid}/take", shift_take, ACCESS_CAREGIVER,
     ROUTE_WRITE},
    {"POST", "/api/v1/families/{fid}/shifts/{shid}/check-in", check_in, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"POST", "/api/v1/families/{fid}/shifts/{shid}/check-out", check_out, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    /* The digest so far of an occurrence (what check-out would store). */
    {"GET", "/api/v1/families/{fid}/shifts/{shid}/digest", digest_get, ACCESS_VIEWER, 0},
};

#define MAX_OCCURRENCES 1000
#define MAX_SPAN_MS     (62 * 86400000LL)
#define DEFAULT_SPAN_MS (7 * 86400000LL)
#define DAY_MS          86400000LL
#define FUTURE_SLACK_MS (5 * 60000LL) /* a phone clock a little ahead */

/* ---------- shared ---------- */

static void reply_shift(struct request *r, const char *sid, int status)
{
    sqlite3_stmt *st = db_stmt(r->db, SHIFT_SELECT
                               "WHERE s.id = ?1 AND s.family_id = ?2 AND "
                               "s.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("s.subject_id", 3));
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, r->session->family_id) ||
        !access_bind_subjects(r, st, 3) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_error(r, 404, "not_found", "No such shift");
        return;
    }
    cJSON *o = shift_json_row(st);
    sqlite3_reset(st);
    resp_json(r, status, o);
}

/* The shift {shid} of the caller's family: its series, person and
 * caregiver. False when it answered (404). */
struct shift_row {
    char subject_id[37], caregiver_id[37];
    struct appt_series series;
    const struct tz *zone;
};

static bool shift_find(struct request *r, struct shift_row *s)
{
    memset(s, 0, sizeof *s);
    s->zone = family_tz(r->db, r->session->family_id);
    sqlite3_stmt *st = db_stmt(r->db, "SELECT subject_id, coalesce(caregiver_id, ''), dtstart, "
                                      "duration_min, rrule FROM shifts WHERE id = ? AND "
                                      "family_id = ? AND deleted_at IS NULL");
    bool found = st && db_bind_text(st, 1, req_param(r, "shid")) &&
                 db_bind_text(st, 2, r->session->family_id) && sqlite3_step(st) == SQLITE_ROW;
    /* a person the caller may not see: as another family's shift */
    if (found && !access_subject_visible(r, db_col_text(st, 0)))
        found = false;
    if (found) {
        snprintf(s->subject_id, sizeof s->subject_id, "%s", db_col_text(st, 0));
        snprintf(s->caregiver_id, sizeof s->caregiver_id, "%s", db_col_text(st, 1));
        found = shift_series_read(
            &s->series, db_col_text(st, 2), sqlite3_column_int(st, 3),
            sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : db_col_text(st, 4), s->zone);
    }
    if (st)
        sqlite3_reset(st);
    if (!found)
        resp_error(r, 404, "not_found", "No such shift");
    return found;
}

/* The visit of an occurrence as JSON, or NULL. */
static cJSON *visit_of(struct db *d, const char *sid, int64_t occurrence)
{
    sqlite3_stmt *st = db_stmt(d, VISIT_SELECT "WHERE v.shift_id = ? AND v.occurrence = ?");
    cJSON *o = NULL;
    if (st && db_bind_text(st, 1, sid) && db_bind_int64(st, 2, occurrence) &&
        sqlite3_step(st) == SQLITE_ROW)
        o = visit_json_row(st);
    if (st)
        sqlite3_reset(st);
    return o;
}

static bool member_only(struct request *r)
{
    if (r->session->family_member_id[0])
        return true;
    resp_error(r, 409, "not_a_member", "Only members of the family take shifts");
    return false;
}

/* ---------- the week view ---------- */

struct occ {
    int64_t start, end;
    int subject; /* index into the subjects seen */
    bool assigned;
    char caregiver_id[37], shift_id[37];
};

struct collect {
    struct occ *list;
    int n;
    int64_t from, to;
    cJSON *out;
    const cJSON *series;
    struct db *d;
    int subject;
    const char *caregiver_id, *shift_id;
};

static bool add_occurrence(const struct appt_occurrence *o, void *arg)
{
    struct collect *c = arg;
    if (o->end <= c->from || o->start >= c->to)
        return true;
    if (c->n >= MAX_OCCURRENCES)
        return false;
    struct occ *x = &c->list[c->n++];
    *x = (struct occ){.start = o->start,
                      .end = o->end,
                      .subject = c->subject,
                      .assigned = c->caregiver_id[0] != '\0'};
    snprintf(x->caregiver_id, sizeof x->caregiver_id, "%s", c->caregiver_id);
    snprintf(x->shift_id, sizeof x->shift_id, "%s", c->shift_id);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "shift_id", c->shift_id);
    static const char *const copied[] = {"subject_id", "caregiver_id", "caregiver_name", "notes",
                                         NULL};
    for (const char *const *k = copied; *k; k++)
        cJSON_AddItemToObject(j, *k,
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c->series, *k), 1));
    cJSON_AddBoolToObject(j, "open", !x->assigned);
    json_add_int64(j, "occurrence", o->original_at);
    json_add_int64(j, "start", o->start);
    json_add_int64(j, "end", o->end);
    cJSON_AddBoolToObject(j, "recurring",
                          cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c->series, "rrule")));
    cJSON *visit = visit_of(c->d, c->shift_id, o->original_at);
    cJSON_AddItemToObject(j, "visit", visit ? visit : cJSON_CreateNull());
    cJSON_AddItemToArray(c->out, j);
    return true;
}

static int by_start(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Gaps of one person: from the start of their first occurrence in the
 * range to the end of their last (both clipped to the range), the times
 * no occurrence with a caregiver covers (an open shift covers nothing). */
static void person_gaps(const struct occ *o, int n, int subject, const char *subject_id,
                        int64_t from, int64_t to, cJSON *gaps)
{
    int64_t span_start = INT64_MAX, span_end = INT64_MIN;
    for (int i = 0; i < n; i++)
        if (o[i].subject == subject) {
            span_start = min64(span_start, max64(o[i].start, from));
            span_end = max64(span_end, min64(o[i].end, to));
        }
    if (span_start >= span_end)
        return;
    int64_t cursor = span_start;
    for (int i = 0; i <= n; i++) {
        if (i < n && (o[i].subject != subject || !o[i].assigned))
            continue;
        int64_t next = i < n ? max64(o[i].start, span_start) : span_end;
        if (next > cursor) {
            cJSON *g = cJSON_CreateObject();
            cJSON_AddStringToObject(g, "subject_id", subject_id);
            json_add_int64(g, "start", cursor);
            json_add_int64(g, "end", min64(next, span_end));
            cJSON_AddItemToArray(gaps, g);
        }
        if (i < n)
            cursor = max64(cursor, min64(o[i].end, span_end));
    }
}

/* Two occurrences for one person, with two different caregivers, that
 * intersect. */
static void person_overlaps(const struct occ *o, int n, const char *const *subject_ids,
                            cJSON *overlaps)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n && o[j].start < o[i].end; j++) {
            if (o[i].subject != o[j].subject || !o[i].assigned || !o[j].assigned ||
                strcmp(o[i].caregiver_id, o[j].caregiver_id) == 0)
                continue;
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "subject_id", subject_ids[o[i].subject]);
            json_add_int64(x, "start", o[j].start);
            json_add_int64(x, "end", min64(o[i].end, o[j].end));
            const char *shifts[] = {o[i].shift_id, o[j].shift_id};
            const char *who[] = {o[i].caregiver_id, o[j].caregiver_id};
            cJSON_AddItemToObject(x, "shift_ids", cJSON_CreateStringArray(shifts, 2));
            cJSON_AddItemToObject(x, "caregiver_ids", cJSON_CreateStringArray(who, 2));
            cJSON_AddItemToArray(overlaps, x);
        }
}

#define MAX_SUBJECTS 64

/* ?from=&to= (epoch ms; from the start of today for 7 days by default, 62
 * days at most) &subject_id= */
static void shifts_get(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const struct tz *z = family_tz(d, fid);
    int64_t today = 0, end;
    tz_day_bounds(z, tz_date_at(z, now_ms()), &today, &end);
    int64_t from, to;
    if (!query_int(r, "from", 946684800000LL, 7258118400000LL, today, &from) ||
        !query_int(r, "to", 946684800000LL, 7258118400000LL, from + DEFAULT_SPAN_MS, &to))
        return;
    if (to <= from || to - from > MAX_SPAN_MS) {
        resp_field_error(r, "to", "must be after from, 62 days at most");
        return;
    }
    const char *subject = NULL;
    int q = req_query(r, "subject_id", &subject);
    if (q < 0 || (q == 1 && !uuid_is_valid(subject))) {
        resp_field_error(r, "subject_id", "must be a person's id");
        return;
    }
    if (q != 1)
        subject = NULL;
    if (subject && !access_subject_ok(r, subject)) {
        resp_error(r, 404, "not_found", "No such person");
        return;
    }
    sqlite3_stmt *st = db_stmt(
        d, SHIFT_SELECT "WHERE s.family_id = ?1 AND s.deleted_at IS NULL AND (?2 IS NULL OR "
                        "s.subject_id = ?2) AND s.subject_id IN (SELECT id FROM subjects WHERE "
                        "deleted_at IS NULL) AND " ACCESS_SUBJECT_IN(
                            "s.subject_id", 3) " ORDER BY s.subject_id, s.dtstart, s.id");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, subject) ||
        !access_bind_subjects(r, st, 3)) {
        resp_internal(r);
        return;
    }
    struct occ *list = calloc(MAX_OCCURRENCES, sizeof *list);
    if (!list) {
        sqlite3_reset(st);
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject(), *series = cJSON_CreateArray(), *occ = cJSON_CreateArray();
    json_add_int64(body, "from", from);
    json_add_int64(body, "to", to);
    char subject_ids[MAX_SUBJECTS][37];
    const char *subject_ptrs[MAX_SUBJECTS];
    int nsubjects = 0;
    struct collect c = {.list = list, .from = from, .to = to, .out = occ, .d = d};
    int rc;
    /* The visits are read while the series are stepped: collect the rows first. */
    struct pending {
        cJSON *json;
        struct appt_series s;
    } *rows = NULL;
    int nrows = 0, cap = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nrows == cap) {
            cap = cap ? cap * 2 : 16;
            struct pending *grown = realloc(rows, (size_t)cap * sizeof *grown);
            if (!grown) {
                oom = true;
                break;
            }
            rows = grown;
        }
        if (!shift_series_read(
                &rows[nrows].s, db_col_text(st, 4), sqlite3_column_int(st, 5),
                sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : db_col_text(st, 6), z))
            continue;
        rows[nrows++].json = shift_json_row(st);
    }
    sqlite3_reset(st);
    for (int i = 0; i < nrows; i++) {
        cJSON *one = rows[i].json;
        const char *sub = cJSON_GetObjectItemCaseSensitive(one, "subject_id")->valuestring;
        const cJSON *cg = cJSON_GetObjectItemCaseSensitive(one, "caregiver_id");
        c.subject = -1;
        for (int k = 0; k < nsubjects; k++)
            if (strcmp(subject_ids[k], sub) == 0)
                c.subject = k;
        if (c.subject < 0 && nsubjects < MAX_SUBJECTS) {
            snprintf(subject_ids[nsubjects], sizeof subject_ids[0], "%s", sub);
            subject_ptrs[nsubjects] = subject_ids[nsubjects];
            c.subject = nsubjects++;
        }
        if (c.subject < 0) {
            cJSON_Delete(one);
            continue;
        }
        c.series = one;
        c.caregiver_id = cJSON_IsString(cg) ? cg->valuestring : "";
        c.shift_id = cJSON_GetObjectItemCaseSensitive(one, "id")->valuestring;
        int before = c.n;
        /* An occurrence that began before `from` may still be running. */
        appt_occurrences(&rows[i].s, z, from - SHIFT_MAX_MIN * 60000LL, to, add_occurrence, &c);
        if (c.n > before)
            cJSON_AddItemToArray(series, one);
        else
            cJSON_Delete(one);
    }
    free(rows);
    if (oom || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
        free(list);
        cJSON_Delete(series);
        cJSON_Delete(occ);
        cJSON_Delete(body);
        resp_internal(r);
        return;
    }
    /* Occurrences in time order, and the same order for gaps and overlaps. */
    int n = c.n;
    cJSON **items = n ? calloc((size_t)n, sizeof *items) : NULL;
    for (int i = 0; items && i < n; i++)
        items[i] = cJSON_DetachItemViaPointer(occ, occ->child);
    struct sorted {
        struct occ o;
        cJSON *item;
    } *pairs = n ? calloc((size_t)n, sizeof *pairs) : NULL;
    for (int i = 0; pairs && items && i < n; i++) {
        pairs[i].o = list[i];
        pairs[i].item = items[i];
    }
    for (int i = 1; pairs && i < n; i++) {
        struct sorted x = pairs[i];
        int j = i - 1;
        for (; j >= 0 && by_start(&pairs[j].o, &x.o) > 0; j--)
            pairs[j + 1] = pairs[j];
        pairs[j + 1] = x;
    }
    for (int i = 0; pairs && i < n; i++) {
        list[i] = pairs[i].o;
        cJSON_AddItemToArray(occ, pairs[i].item);
    }
    free(pairs);
    free(items);
    cJSON *gaps = cJSON_CreateArray(), *overlaps = cJSON_CreateArray();
    for (int k = 0; k < nsubjects; k++)
        person_gaps(list, n, k, subject_ids[k], from, to, gaps);
    person_overlaps(list, n, subject_ptrs, overlaps);
    free(list);
    cJSON_AddItemToObject(body, "shifts", series);
    cJSON_AddItemToObject(body, "occurrences", occ);
    cJSON_AddItemToObject(body, "gaps", gaps);
    cJSON_AddItemToObject(body, "overlaps", overlaps);
    cJSON_AddBoolToObject(body, "truncated", n >= MAX_OCCURRENCES);
    /* The last handoff of each person shown, the first thing the next
     * caregiver reads. */
    cJSON *handoffs = cJSON_AddObjectToObject(body, "last_handoffs");
    if (subject && nsubjects == 0) {
        snprintf(subject_ids[0], sizeof subject_ids[0], "%s", subject);
        nsubjects = 1;
    }
    for (int k = 0; k < nsubjects; k++) {
        cJSON *h = shift_last_handoff(d, subject_ids[k], now_ms());
        if (h)
            cJSON_AddItemToObject(handoffs, subject_ids[k], h);
    }
    resp_json(r, 200, body);
}

/* ---------- planning ---------- */

struct shift_fields {
    const char *subject_id, *caregiver_id, *notes;
    int64_t start, end, duration;
    bool has_start, has_end, has_duration, has_caregiver, null_caregiver, has_notes, has_rrule,
        null_rrule;
    char rrule[RRULE_MAX_TEXT + 1];
};

/* A weekly rule whose first occurrence is the start (rrule.h). */
static void check_rule(struct vobj *v, const struct tz *z, const char *text, int64_t start,
                       char *out, size_t outsz)
{
    struct rrule rule;
    char err[160];
    if (!rrule_parse(text, z, &rule, err, sizeof err)) {
        v_error(v, "rrule", err);
        return;
    }
    if (rule.freq != RRULE_WEEKLY) {
        v_error(v, "rrule", "a shift repeats weekly (FREQ=WEEKLY)");
        return;
    }
    struct date day = tz_date_at(z, start);
    if (!rrule_matches(&rule, day, day))
        v_error(v, "start", "must be a day the rule repeats on (its first occurrence)");
    else if (rule.has_until && rule.until < start)
        v_error(v, "rrule", "UNTIL is before the start");
    rrule_format(&rule, out, outsz);
}

static void fields_read(struct request *r, struct vobj *v, struct shift_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    unsigned req = creating ? V_REQUIRED : 0;
    if (creating)
        v_uuid(v, "subject_id", V_REQUIRED, &f->subject_id);
    f->null_caregiver = v_is_null(v, "caregiver_id");
    f->has_caregiver = v_uuid(v, "caregiver_id", V_NULLABLE, &f->caregiver_id);
    f->has_start = v_epoch_ms(v, "start", req, &f->start);
    f->has_end = v_epoch_ms(v, "end", 0, &f->end);
    f->has_duration = v_int(v, "duration_min", 0, 1, SHIFT_MAX_MIN, &f->duration);
    f->has_notes = v_string(v, "notes", V_MULTILINE, 0, 2000, &f->notes);
    f->null_rrule = v_is_null(v, "rrule");
    const char *rr = NULL;
    f->has_rrule = v_string(v, "rrule", V_NULLABLE, 1, RRULE_MAX_TEXT, &rr);
    if (f->has_rrule)
        snprintf(f->rrule, sizeof f->rrule, "%s", rr);
    if (f->has_end && f->has_duration)
        v_error(v, "duration_min", "give end or duration_min, not both");
    if (creating && !v_has(v, "end") && !v_has(v, "duration_min"))
        v_error(v, "end", "give end or duration_min");
    if (f->has_end && f->has_start &&
        (f->end <= f->start || f->end - f->start > SHIFT_MAX_MIN * 60000LL))
        v_error(v, "end", "must be after start, within 24 hours");
    /* Echoes of what GET answers: accepted and ignored. */
    static const char *const echoes[] = {"id",         "start_local", "caregiver_name",
                                         "created_at", "updated_at",  "deleted",
                                         "version",    NULL};
    for (const char *const *e = echoes; *e; e++)
        v_is_null(v, *e);
    if (v_ok(v) && f->has_caregiver) {
        sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM members WHERE id = ? AND family_id = ? "
                                          "AND removed_at IS NULL AND role IN ('owner', "
                                          "'caregiver')");
        bool ok = st && db_bind_text(st, 1, f->caregiver_id) &&
                  db_bind_text(st, 2, r->session->family_id) && sqlite3_step(st) == SQLITE_ROW;
        if (st)
            sqlite3_reset(st);
        if (!ok)
            v_error(v, "caregiver_id", "is not an owner or caregiver of this family");
    }
}

static void shift_post(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const struct tz *z = family_tz(d, fid);
    struct vobj v;
    struct shift_fields f;
    v_init(&v, r->json, NULL);
    fields_read(r, &v, &f, true);
    if (v_ok(&v) && f.has_rrule)
        check_rule(&v, z, f.rrule, f.start, f.rrule, sizeof f.rrule);
    if (v_ok(&v) && f.subject_id && !access_subject_ok(r, f.subject_id))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    char id[37], dtstart[17];
    uuid_v4(id);
    appt_local_text(z, f.start, dtstart);
    int64_t minutes = f.has_duration ? f.duration : (f.end - f.start) / 60000;
    if (minutes < 1)
        minutes = 1;
    int64_t now = now_ms(), seq = entry_next_seq(d);
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO shifts (id, family_id, subject_id, caregiver_id, dtstart, "
                   "duration_min, rrule, notes, created_by, created_at, updated_at, seq) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, id) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.subject_id) &&
              db_bind_text(st, 4, f.has_caregiver ? f.caregiver_id : NULL) &&
              db_bind_text(st, 5, dtstart) && db_bind_int64(st, 6, minutes) &&
              db_bind_text(st, 7, f.has_rrule ? f.rrule : NULL) &&
              db_bind_text(st, 8, f.has_notes ? f.notes : "") && db_bind_text(st, 9, me) &&
              db_bind_int64(st, 10, now) && db_bind_int64(st, 11, seq) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "shift_added", id, NULL);
    reply_shift(r, id, 201);
}

static void shift_get(struct request *r)
{
    struct db *d = r->db;
    const char *sid = req_param(r, "shid");
    sqlite3_stmt *st =
        db_stmt(d, SHIFT_SELECT "WHERE s.id = ?1 AND s.family_id = ?2 AND "
                                "s.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("s.subject_id", 3));
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, r->session->family_id) ||
        !access_bind_subjects(r, st, 3) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_error(r, 404, "not_found", "No such shift");
        return;
    }
    cJSON *o = shift_json_row(st);
    sqlite3_reset(st);
    const char *subject = cJSON_GetObjectItemCaseSensitive(o, "subject_id")->valuestring;
    cJSON *h = shift_last_handoff(d, subject, now_ms());
    cJSON_AddItemToObject(o, "last_handoff", h ? h : cJSON_CreateNull());
    st = db_stmt(d, VISIT_SELECT "WHERE v.shift_id = ? ORDER BY v.occurrence DESC LIMIT 20");
    cJSON *visits = cJSON_AddArrayToObject(o, "visits");
    if (st && db_bind_text(st, 1, sid)) {
        while (sqlite3_step(st) == SQLITE_ROW)
            cJSON_AddItemToArray(visits, visit_json_row(st));
        sqlite3_reset(st);
    }
    resp_json(r, 200, o);
}

static void shift_patch(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *sid = req_param(r, "shid");
    const struct tz *z = family_tz(d, fid);
    sqlite3_stmt *st = db_stmt(d, "SELECT dtstart, duration_min, coalesce(rrule, '') FROM shifts "
                                  "WHERE id = ? AND family_id = ? AND deleted_at IS NULL");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_error(r, 404, "not_found", "No such shift");
        return;
    }
    struct civil old;
    int64_t old_start = 0;
    appt_parse_local(db_col_text(st, 0), &old);
    tz_civil_to_utc(z, &old, &old_start);
    int old_minutes = sqlite3_column_int(st, 1);
    char old_rule[RRULE_MAX_TEXT + 1];
    snprintf(old_rule, sizeof old_rule, "%s", db_col_text(st, 2));
    sqlite3_reset(st);
    struct vobj v;
    struct shift_fields f;
    v_init(&v, r->json, NULL);
    fields_read(r, &v, &f, false);
    int64_t start = f.has_start ? f.start : old_start;
    const char *rule = f.has_rrule ? f.rrule : f.null_rrule ? "" : old_rule;
    char normal[RRULE_MAX_TEXT + 1] = "";
    if (v_ok(&v) && *rule)
        check_rule(&v, z, rule, start, normal, sizeof normal);
    if (f.has_end && !f.has_start && (f.end <= start || f.end - start > SHIFT_MAX_MIN * 60000LL))
        v_error(&v, "end", "must be after start, within 24 hours");
    if (!v_accept(r, &v))
        return;
    char dtstart[17];
    appt_local_text(z, start, dtstart);
    int64_t minutes = f.has_duration ? f.duration
                      : f.has_end    ? (f.end - start) / 60000
                                     : old_minutes;
    if (minutes < 1)
        minutes = 1;
    int64_t seq = entry_next_seq(d);
    st = db_stmt(d, "UPDATE shifts SET caregiver_id = CASE WHEN ?2 THEN NULL ELSE "
                    "coalesce(?3, caregiver_id) END, dtstart = ?4, duration_min = ?5, rrule = ?6, "
                    "notes = coalesce(?7, notes), last_soon_fired = 0, last_unstaffed_fired = 0, "
                    "updated_at = ?8, seq = ?9 WHERE id = ?1 AND family_id = ?10");
    bool ok = seq > 0 && st && db_bind_text(st, 1, sid) && db_bind_int64(st, 2, f.null_caregiver) &&
              db_bind_text(st, 3, f.has_caregiver ? f.caregiver_id : NULL) &&
              db_bind_text(st, 4, dtstart) && db_bind_int64(st, 5, minutes) &&
              db_bind_text(st, 6, *normal ? normal : NULL) &&
              db_bind_text(st, 7, f.has_notes ? f.notes : NULL) && db_bind_int64(st, 8, now_ms()) &&
              db_bind_int64(st, 9, seq) && db_bind_text(st, 10, fid) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_changed(r, d, fid, "shift_updated", sid, NULL);
    reply_shift(r, sid, 200);
}

static void shift_delete(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *sid = req_param(r, "shid");
    int64_t now = now_ms(), seq = entry_next_seq(d);
    sqlite3_stmt *st = db_stmt(d, "UPDATE shifts SET deleted_at = ?1, updated_at = ?1, seq = ?2 "
                                  "WHERE id = ?3 AND family_id = ?4 AND deleted_at IS NULL");
    if (seq <= 0 || !st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, seq) ||
        !db_bind_text(st, 3, sid) || !db_bind_text(st, 4, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such shift");
        return;
    }
    audit_record(r, d, fid, "shift_removed", sid, NULL);
    resp_no_content(r);
}

/* An open shift becomes the caller's (taking one's own again is a no-op;
 * someone else's is a conflict). */
static void shift_take(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *sid = req_param(r, "shid"),
               *me = r->session->family_member_id;
    struct shift_row s;
    if (!member_only(r) || !shift_find(r, &s))
        return;
    if (strcmp(s.caregiver_id, me) == 0) {
        reply_shift(r, sid, 200);
        return;
    }
    if (s.caregiver_id[0]) {
        resp_error(r, 409, "taken", "This shift already has a caregiver");
        return;
    }
    int64_t seq = entry_next_seq(d);
    sqlite3_stmt *st = db_stmt(d, "UPDATE shifts SET caregiver_id = ?1, updated_at = ?2, seq = ?3 "
                                  "WHERE id = ?4 AND family_id = ?5 AND caregiver_id IS NULL");
    if (seq <= 0 || !st || !db_bind_text(st, 1, me) || !db_bind_int64(st, 2, now_ms()) ||
        !db_bind_int64(st, 3, seq) || !db_bind_text(st, 4, sid) || !db_bind_text(st, 5, fid) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "shift_taken", sid, NULL);
    reply_shift(r, sid, 200);
}

/* ---------- check-in, check-out ---------- */

/* {occurrence, at}: an occurrence of the shift and a real time near it
 * (within a day, and not in the future). */
static void read_moment(struct vobj *v, const struct shift_row *s, int64_t *occurrence, int64_t *at)
{
    v_epoch_ms(v, "occurrence", V_REQUIRED, occurrence);
    v_epoch_ms(v, "at", V_REQUIRED, at);
    char original[17];
    if (v_ok(v) && !appt_is_occurrence(&s->series, s->zone, *occurrence, original))
        v_error(v, "occurrence", "is not the start of an occurrence of this shift");
    int64_t end = *occurrence + (int64_t)s->series.duration_min * 60000;
    if (v_ok(v) && (*at < *occurrence - DAY_MS || *at > end + DAY_MS))
        v_error(v, "at", "must be within a day of the shift");
    if (v_ok(v) && *at > now_ms() + FUTURE_SLACK_MS)
        v_error(v, "at", "must not be in the future");
}

/* Owners and the shift's caregiver (anyone who may write, for an open shift). */
static bool may_work(struct request *r, const struct shift_row *s)
{
    if (r->session->role == ROLE_OWNER || !s->caregiver_id[0] ||
        strcmp(s->caregiver_id, r->session->family_member_id) == 0)
        return true;
    resp_error(r, 403, "not_your_shift", "This shift is another caregiver's");
    return false;
}

/* The visit {body} answers with, plus the person's last handoff before it. */
static void reply_visit(struct request *r, int status, const char *sid, int64_t occurrence,
                        const struct shift_row *s, bool with_handoff)
{
    cJSON *visit = visit_of(r->db, sid, occurrence);
    if (!visit) {
        resp_internal(r);
        return;
    }
    if (with_handoff) {
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(visit, "checked_in_at");
        long long at = 0;
        if (in && in->valuestring)
            sscanf(in->valuestring, "%lld", &at); /* json_add_int64 keeps the digits */
        cJSON *h = shift_last_handoff(r->db, s->subject_id, at);
        cJSON_AddItemToObject(visit, "last_handoff", h ? h : cJSON_CreateNull());
    }
    resp_json(r, status, visit);
}

/* After a check-in or check-out: the audit event (naming the occurrence)
 * and the answer (a check-in's with the last handoff). */
static void visit_written(struct request *r, const char *action, int64_t occurrence,
                          const struct shift_row *s, int status)
{
    const char *sid = req_param(r, "shid");
    cJSON *detail = cJSON_CreateObject();
    json_add_int64(detail, "occurrence", occurrence);
    audit_record(r, r->db, r->session->family_id, action, sid, detail);
    reply_visit(r, status, sid, occurrence, s, strcmp(action, "shift_checked_in") == 0);
}

/* Idempotent: a second check-in of the same member to the same occurrence
 * (a retry from the outbox) answers 200 with the first; another member's
 * is a conflict. */
static void check_in(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *sid = req_param(r, "shid"),
               *me = r->session->family_member_id;
    struct shift_row s;
    if (!member_only(r) || !shift_find(r, &s) || !may_work(r, &s))
        return;
    struct vobj v;
    v_init(&v, r->json, NULL);
    int64_t occurrence = 0, at = 0;
    read_moment(&v, &s, &occurrence, &at);
    if (!v_accept(r, &v))
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(member_id, '') FROM shift_visits WHERE "
                                  "shift_id = ? AND occurrence = ?");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_int64(st, 2, occurrence)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        bool mine = strcmp(db_col_text(st, 0), me) == 0;
        sqlite3_reset(st);
        if (mine)
            reply_visit(r, 200, sid, occurrence, &s, true);
        else
            resp_error(r, 409, "already_checked_in", "Someone else checked in to this shift");
        return;
    }
    sqlite3_reset(st);
    char id[37];
    uuid_v4(id);
    int64_t seq = entry_next_seq(d);
    st = db_stmt(d, "INSERT INTO shift_visits (id, shift_id, occurrence, family_id, subject_id, "
                    "member_id, checked_in_at, updated_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                    "?7, ?8, ?9)");
    if (seq <= 0 || !st || !db_bind_text(st, 1, id) || !db_bind_text(st, 2, sid) ||
        !db_bind_int64(st, 3, occurrence) || !db_bind_text(st, 4, fid) ||
        !db_bind_text(st, 5, s.subject_id) || !db_bind_text(st, 6, me) ||
        !db_bind_int64(st, 7, at) || !db_bind_int64(st, 8, now_ms()) ||
        !db_bind_int64(st, 9, seq) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    visit_written(r, "shift_checked_in", occurrence, &s, 201);
}

/* Stores the note and the digest of [check-in, at). Idempotent: a visit
 * already checked out answers 200 as it is. */
static void check_out(struct request *r)
{
    struct db *d = r->db;
    const char *sid = req_param(r, "shid");
    struct shift_row s;
    if (!member_only(r) || !shift_find(r, &s))
        return;
    struct vobj v;
    v_init(&v, r->json, NULL);
    int64_t occurrence = 0, at = 0;
    const char *note = "";
    read_moment(&v, &s, &occurrence, &at);
    v_string(&v, "note", V_MULTILINE, 0, 4000, &note);
    if (!v_accept(r, &v))
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(member_id, ''), checked_in_at, checked_out_at "
                                  "IS NOT NULL FROM shift_visits WHERE shift_id = ? AND "
                                  "occurrence = ?");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_int64(st, 2, occurrence)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        resp_error(r, 409, "not_checked_in", "Nobody checked in to this shift");
        return;
    }
    bool mine = strcmp(db_col_text(st, 0), r->session->family_member_id) == 0;
    int64_t in = sqlite3_column_int64(st, 1);
    bool out = sqlite3_column_int(st, 2) == 1;
    sqlite3_reset(st);
    if (!mine && r->session->role != ROLE_OWNER) {
        resp_error(r, 403, "not_your_shift", "Another caregiver checked in to this shift");
        return;
    }
    if (out) {
        reply_visit(r, 200, sid, occurrence, &s, false);
        return;
    }
    if (at < in) {
        resp_field_error(r, "at", "must not be before the check-in");
        return;
    }
    cJSON *digest = shift_digest(d, s.subject_id, in, at);
    char *text = digest ? cJSON_PrintUnformatted(digest) : NULL;
    cJSON_Delete(digest);
    int64_t seq = entry_next_seq(d);
    st = db_stmt(d, "UPDATE shift_visits SET checked_out_at = ?1, note = ?2, digest = ?3, "
                    "updated_at = ?4, seq = ?5 WHERE shift_id = ?6 AND occurrence = ?7");
    bool ok = text && seq > 0 && st && db_bind_int64(st, 1, at) && db_bind_text(st, 2, note) &&
              db_bind_text(st, 3, text) && db_bind_int64(st, 4, now_ms()) &&
              db_bind_int64(st, 5, seq) && db_bind_text(st, 6, sid) &&
              db_bind_int64(st, 7, occurrence) && db_step_done(d, st);
    free(text);
    if (!ok) {
        resp_internal(r);
        return;
    }
    visit_written(r, "shift_checked_out", occurrence, &s, 200);
}

/* ?occurrence= : the digest from the check-in (or the planned start) to
 * the check-out (or now), and the person's last handoff before it. */
static void digest_get(struct request *r)
{
    struct db *d = r->db;
    const char *sid = req_param(r, "shid");
    struct shift_row s;
    if (!shift_find(r, &s))
        return;
    int64_t occurrence;
    if (!query_int(r, "occurrence", 946684800000LL, 7258118400000LL, 0, &occurrence))
        return;
    char original[17];
    if (!appt_is_occurrence(&s.series, s.zone, occurrence, original)) {
        resp_field_error(r, "occurrence", "is not the start of an occurrence of this shift");
        return;
    }
    int64_t from = occurrence, to = now_ms();
    sqlite3_stmt *st = db_stmt(d, "SELECT checked_in_at, checked_out_at FROM shift_visits WHERE "
                                  "shift_id = ? AND occurrence = ?");
    if (st && db_bind_text(st, 1, sid) && db_bind_int64(st, 2, occurrence) &&
        sqlite3_step(st) == SQLITE_ROW) {
        from = sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            to = sqlite3_column_int64(st, 1);
    }
    if (st)
        sqlite3_reset(st);
    if (to < from)
        to = from;
    cJSON *digest = shift_digest(d, s.subject_id, from, to);
    if (!digest) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "digest", digest);
    cJSON *h = shift_last_handoff(d, s.subject_id, from);
    cJSON_AddItemToObject(body, "last_handoff", h ? h : cJSON_CreateNull());
    resp_json(r, 200, body);
}

CARELOG_PROGRAM(shifts, NULL, NULL)
