/* summary.c — what the log adds up to, in the family's time zone: a day's
 * totals and its hour-by-hour grid (23, 24 or 25 rows on DST days; sleeps
 * and feeds crossing midnight split at it), per-day trends for charts, and
 * the export of every entry as streamed CSV (RFC 4180) or JSON.
 * These figures are the truth online; www/js/summary.js computes the same
 * ones offline by the same rules, and tests/t0212-summary-shared.sh holds
 * the two to identical numbers on one fixture. A rule changed here changes
 * there.
 *
 * A feed is counted once: a nursing session (a breast feed with left_s and
 * right_s) puts its time on each side in the day and hour it starts; a
 * breast feed that starts within a minute of the end of the previous one
 * continues it (a side switch logged as two entries, as the app did before
 * sessions), and a bottle given as a top-up after nursing (top_up) is part
 * of that feed: neither is another feed. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/tz.h"

static void summary_get(struct request *r);
static void trends_get(struct request *r);
static void export_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/summary", summary_get, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/trends", trends_get, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/export", export_get, ACCESS_VIEWER, ROUTE_STREAMS},
};

#define HOUR_MS     (3600 * 1000LL)
#define MAX_HOURS   26
#define CONTINUE_MS 60000 /* a breast feed this soon after another continues it */

/* ---------- shared: the family, its zone, the person ---------- */

struct scope {
    const struct tz *zone;
    const char *subject_id; /* NULL: every person (export only) */
};

/* The family's zone and the person asked for: ?subject= or, when the family
 * cares for exactly one person, that person. */
static bool scope_load(struct request *r, struct db *d, bool subject_required, struct scope *s)
{
    const char *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    if (!st || !db_bind_text(st, 1, fid) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such family");
        return false;
    }
    s->zone = tz_get(db_col_text(st, 0));
    sqlite3_reset(st);
    if (!s->zone)
        s->zone = tz_get("UTC");
    const char *subject = NULL;
    if (req_query(r, "subject", &subject) < 0) {
        resp_field_error(r, "subject", "must be a person's id");
        return false;
    }
    s->subject_id = NULL;
    if (subject && *subject) {
        st = db_stmt(d, "SELECT id FROM subjects WHERE id = ? AND family_id = ?");
        if (!st || !db_bind_text(st, 1, subject) || !db_bind_text(st, 2, fid) ||
            sqlite3_step(st) != SQLITE_ROW) {
            resp_error(r, 404, "not_found", "No such person in this family");
            return false;
        }
        s->subject_id = req_strdup(r, subject);
        return s->subject_id != NULL;
    }
    if (!subject_required)
        return true;
    st = db_stmt(d, "SELECT id FROM subjects WHERE family_id = ? AND deleted_at IS NULL LIMIT 2");
    int n = 0;
    if (st && db_bind_text(st, 1, fid))
        while (sqlite3_step(st) == SQLITE_ROW && ++n == 1)
            s->subject_id = req_strdup(r, db_col_text(st, 0));
    if (n != 1) {
        resp_field_error(r, "subject",
                         n ? "is required when a family cares for several people"
                           : "this family has nobody to summarise yet");
        return false;
    }
    return s->subject_id != NULL;
}

static bool parse_date_param(struct request *r, const char *name, struct date *out, bool *given)
{
    const char *text = NULL;
    int rc = req_query(r, name, &text);
    *given = rc == 1 && text && *text;
    if (rc < 0 || (*given && !date_parse(text, out))) {
        resp_field_error(r, name, "must be a date as YYYY-MM-DD");
        return false;
    }
    return true;
}

/* ---------- adding up one interval ---------- */

/* One entry as the summaries need it. */
struct item {
    const char *id, *type, *method, *kind;
    int64_t ts, end; /* end = end_ts, or now for a running timer, or ts */
    bool running, wet, dirty;
    double amount_ml;
    cJSON *value; /* owned: the strings above point into it */
    bool session, top_up, continued;
    int64_t side_ms[3]; /* a session's time at the breast: left, right, both */
};

static const char *const breast_methods[] = {"breast_left", "breast_right", "breast_both"};

/* The index of a breast feed's method in breast_methods, or -1. */
static int breast_side(const struct item *it)
{
    for (int i = 0; i < 3 && it->method && strcmp(it->type, "feed") == 0; i++)
        if (strcmp(it->method, breast_methods[i]) == 0)
            return i;
    return -1;
}

struct totals {
    int64_t sleep_ms, nap_ms, night_ms, longest_sleep_ms, breast_left_ms, breast_right_ms,
        breast_both_ms, tummy_ms;
    int naps, nights, feeds, bottles, solids, wet, dirty, diapers, pumps, medications, notes;
    double bottle_ml, pump_ml;
};

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Adds what of `it` falls in [start, end): durations are clipped to the
 * window, counts go to the window the entry starts in. */
static void totals_add(struct totals *t, const struct item *it, int64_t start, int64_t end)
{
    int64_t in = overlap(it->ts, it->end, start, end);
    bool starts_here = it->ts >= start && it->ts < end;
    if (strcmp(it->type, "sleep") == 0) {
        if (in == 0 && !starts_here)
            return;
        bool night = it->kind && strcmp(it->kind, "night") == 0;
        t->sleep_ms += in;
        if (night)
            t->night_ms += in;
        else
            t->nap_ms += in;
        if (it->end - it->ts > t->longest_sleep_ms)
            t->longest_sleep_ms = it->end - it->ts;
        if (starts_here && night)
            t->nights++;
        else if (starts_here)
            t->naps++;
    } else if (strcmp(it->type, "feed") == 0) {
        const char *m = it->method ? it->method : "";
        int side = breast_side(it);
        int64_t add[3] = {0, 0, 0};
        if (it->session && starts_here)
            memcpy(add, it->side_ms, sizeof add);
        else if (!it->session && side >= 0)
            add[side] = in;
        t->breast_left_ms += add[0];
        t->breast_right_ms += add[1];
        t->breast_both_ms += add[2];
        if (!starts_here)
            return;
        if (!it->continued && !it->top_up)
            t->feeds++;
        if (strcmp(m, "bottle") == 0) {
            t->bottles++;
            t->bottle_ml += it->amount_ml;
        } else if (strcmp(m, "solids") == 0) {
            t->solids++;
        }
    } else if (strcmp(it->type, "tummy_time") == 0) {
        t->tummy_ms += in;
    } else if (starts_here) {
        if (strcmp(it->type, "diaper") == 0) {
            t->diapers++;
            t->wet += it->wet;
            t->dirty += it->dirty;
        } else if (strcmp(it->type, "pump") == 0) {
            t->pumps++;
            t->pump_ml += it->amount_ml;
        } else if (strcmp(it->type, "medication") == 0) {
            t->medications++;
        } else if (strcmp(it->type, "note") == 0) {
            t->notes++;
        }
    }
}

static cJSON *totals_json(const struct totals *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "sleep_ms", (double)t->sleep_ms);
    cJSON_AddNumberToObject(o, "nap_ms", (double)t->nap_ms);
    cJSON_AddNumberToObject(o, "night_ms", (double)t->night_ms);
    cJSON_AddNumberToObject(o, "naps", t->naps);
    cJSON_AddNumberToObject(o, "night_sleeps", t->nights);
    cJSON_AddNumberToObject(o, "longest_sleep_ms", (double)t->longest_sleep_ms);
    cJSON_AddNumberToObject(o, "feeds", t->feeds);
    cJSON_AddNumberToObject(o, "bottles", t->bottles);
    cJSON_AddNumberToObject(o, "bottle_ml", t->bottle_ml);
    cJSON_AddNumberToObject(o, "solids", t->solids);
    cJSON_AddNumberToObject(o, "breast_left_ms", (double)t->breast_left_ms);
    cJSON_AddNumberToObject(o, "breast_right_ms", (double)t->breast_right_ms);
    cJSON_AddNumberToObject(o, "breast_both_ms", (double)t->breast_both_ms);
    cJSON_AddNumberToObject(o, "diapers", t->diapers);
    cJSON_AddNumberToObject(o, "wet", t->wet);
    cJSON_AddNumberToObject(o, "dirty", t->dirty);
    cJSON_AddNumberToObject(o, "pumps", t->pumps);
    cJSON_AddNumberToObject(o, "pump_ml", t->pump_ml);
    cJSON_AddNumberToObject(o, "tummy_ms", (double)t->tummy_ms);
    cJSON_AddNumberToObject(o, "medications", t->medications);
    return o;
}

/* Entries of the person overlapping [from, to), oldest first (ties by id, so
 * the app lists them in the same order). An entry without an end counts up
 * to `now` here, which keeps running timers in; item_read then ends the
 * others at their start. Longer entries are refused at write, so nothing
 * starting over 48 h before `from` reaches into it. Entries ending up to a
 * minute before `from` come too, for a breast feed that may continue one
 * (they add nothing to the window themselves). */
static sqlite3_stmt *items_query(struct db *d, const char *fid, const char *subject, int64_t from,
                                 int64_t to, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, type, ts, end_ts, value FROM entries "
                                  "WHERE family_id = ?1 AND subject_id = ?2 AND deleted = 0 "
                                  "AND ts < ?4 AND coalesce(end_ts, ?5) >= ?3 - 60000 "
                                  "AND ts >= ?3 - 172800000 ORDER BY ts, id");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, subject) ||
        !db_bind_int64(st, 3, from) || !db_bind_int64(st, 4, to) || !db_bind_int64(st, 5, now))
        return NULL;
    return st;
}

/* The value as stored, with what the catalogue derives for it (a sleep
 * logged before kinds were derived still counts as nap or night). */
static cJSON *item_value(const char *type, const char *json, const struct tz *zone, int64_t ts)
{
    cJSON *v = cJSON_Parse(json);
    if (!cJSON_IsObject(v)) {
        cJSON_Delete(v);
        v = cJSON_CreateObject();
    }
    if (v && !entry_value_derive(type, v, zone, ts)) {
        cJSON_Delete(v);
        v = NULL;
    }
    return v;
}

static const char *value_string(const cJSON *v, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(v, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A stored whole number of a value, 0 when absent (values were checked
 * against the catalogue's ranges when written). */
static int64_t value_int(const cJSON *v, const char *name, bool *given)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(v, name);
    bool ok = cJSON_IsNumber(it) && it->valuedouble >= -9e15 && it->valuedouble <= 9e15;
    if (given)
        *given = ok;
    return ok ? (int64_t)it->valuedouble : 0;
}

/* A nursing session's milliseconds at the breast (www/js/entries.js sides):
 * left_s and right_s, and while it runs and is not paused, the side it is on
 * from side_at to its end. */
static void item_sides(struct item *it)
{
    bool has_left, has_right, has_at;
    int64_t left = value_int(it->value, "left_s", &has_left);
    int64_t right = value_int(it->value, "right_s", &has_right);
    int64_t at = value_int(it->value, "side_at", &has_at);
    int side = breast_side(it);
    it->session = side >= 0 && (has_left || has_right);
    it->side_ms[0] = it->session ? left * 1000 : 0;
    it->side_ms[1] = it->session ? right * 1000 : 0;
    it->side_ms[2] = 0;
    if (it->session && it->running && has_at &&
        !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it->value, "paused"))) {
        int64_t from = at > it->ts ? at : it->ts;
        if (it->end > from)
            it->side_ms[side] += it->end - from;
    }
}

/* Reads the row into `it`; false when out of memory. Running timers (by the
 * catalogue: a sleep, a breast feed, never a bottle) end at `now`, capped
 * at 48 h so a forgotten timer cannot fill a month. */
static bool item_read(sqlite3_stmt *st, struct item *it, const struct tz *zone, int64_t now)
{
    it->id = db_col_text(st, 0);
    it->type = db_col_text(st, 1);
    it->ts = sqlite3_column_int64(st, 2);
    it->value = item_value(it->type, db_col_text(st, 4), zone, it->ts);
    if (!it->value)
        return false;
    bool open = sqlite3_column_type(st, 3) == SQLITE_NULL;
    it->running = open && entry_is_running(it->type, it->value);
    if (!it->running)
        it->end = open ? it->ts : sqlite3_column_int64(st, 3);
    else
        it->end = now - it->ts > 48 * HOUR_MS ? it->ts + 48 * HOUR_MS : now;
    if (it->end < it->ts)
        it->end = it->ts;
    it->method = value_string(it->value, "method");
    it->kind = value_string(it->value, "kind");
    it->wet = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it->value, "wet"));
    it->dirty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it->value, "dirty"));
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(it->value, "amount_ml");
    it->amount_ml = cJSON_IsNumber(ml) ? ml->valuedouble : 0;
    it->top_up = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it->value, "top_up"));
    it->continued = false;
    item_sides(it);
    return true;
}

/* A breast feed that starts within a minute of the end of the person's
 * previous one (items come oldest first) continues it. */
static void item_chain(struct item *it, int64_t *breast_end)
{
    if (breast_side(it) < 0)
        return;
    it->continued = it->ts >= *breast_end && it->ts - *breast_end <= CONTINUE_MS;
    if (it->end > *breast_end)
        *breast_end = it->end;
}

/* ---------- GET summary ---------- */

struct hour_row {
    int64_t start, end;
    struct totals t;
    cJSON *events;
};

/* The latest entry of a type that started by `now` (a top-up bottle is part
 * of the feed before it, not the last feed). Time since a feed
 * counts from its start; since a sleep, from waking (or from falling asleep
 * while it runs). */
static cJSON *last_of(struct db *d, const char *subject, const char *type, int64_t now,
                      const struct tz *zone)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, ts, end_ts, value FROM entries WHERE "
                                  "subject_id = ? AND type = ? AND deleted = 0 AND ts <= ? "
                                  "AND json_extract(value, '$.top_up') IS NOT 1 "
                                  "ORDER BY ts DESC, id DESC LIMIT 1");
    if (!st || !db_bind_text(st, 1, subject) || !db_bind_text(st, 2, type) ||
        !db_bind_int64(st, 3, now) || sqlite3_step(st) != SQLITE_ROW)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    int64_t ts = sqlite3_column_int64(st, 1);
    bool open = sqlite3_column_type(st, 2) == SQLITE_NULL;
    int64_t end = open ? ts : sqlite3_column_int64(st, 2);
    cJSON *value = item_value(type, db_col_text(st, 3), zone, ts);
    bool running = open && entry_is_running(type, value);
    cJSON_AddNumberToObject(o, "ts", (double)ts);
    if (open)
        cJSON_AddNullToObject(o, "end_ts");
    else
        cJSON_AddNumberToObject(o, "end_ts", (double)end);
    cJSON_AddBoolToObject(o, "running", running);
    int64_t since = strcmp(type, "sleep") == 0 && !running ? end : ts;
    cJSON_AddNumberToObject(o, "ago_ms", (double)(now - since));
    cJSON_AddItemToObject(o, "value", value ? value : cJSON_CreateObject());
    sqlite3_reset(st);
    return o;
}

static void hour_label(const struct tz *z, int64_t at, char out[16])
{
    struct civil c;
    tz_to_civil(z, at, &c);
    snprintf(out, 16, "%02d:%02d", c.hour, c.minute);
}

static void summary_get(struct request *r)
{
    struct date day;
    bool given;
    if (!parse_date_param(r, "date", &day, &given))
        return;
    struct db *d = r->db;
    struct scope s;
    if (!scope_load(r, d, true, &s))
        return;
    int64_t now = now_ms();
    if (!given)
        day = tz_date_at(s.zone, now);
    int64_t start, end;
    if (!tz_day_bounds(s.zone, day, &start, &end)) {
        resp_field_error(r, "date", "must be a real date");
        return;
    }
    struct hour_row hours[MAX_HOURS];
    int nh = 0;
    for (int64_t h = start; h < end && nh < MAX_HOURS; h += HOUR_MS, nh++) {
        memset(&hours[nh], 0, sizeof hours[nh]);
        hours[nh].start = h;
        hours[nh].end = h + HOUR_MS < end ? h + HOUR_MS : end;
        hours[nh].events = cJSON_CreateArray();
    }
    struct totals day_totals;
    memset(&day_totals, 0, sizeof day_totals);
    sqlite3_stmt *st = items_query(d, r->session->family_id, s.subject_id, start, end, now);
    int64_t breast_end = INT64_MIN / 2;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        struct item it;
        if (!item_read(st, &it, s.zone, now))
            continue; /* out of memory: this entry is left out rather than miscounted */
        item_chain(&it, &breast_end);
        totals_add(&day_totals, &it, start, end);
        for (int i = 0; i < nh; i++) {
            totals_add(&hours[i].t, &it, hours[i].start, hours[i].end);
            if (it.ts >= hours[i].start && it.ts < hours[i].end) {
                cJSON *ev = cJSON_CreateObject();
                cJSON_AddStringToObject(ev, "id", it.id);
                cJSON_AddStringToObject(ev, "type", it.type);
                cJSON_AddNumberToObject(ev, "ts", (double)it.ts);
                cJSON_AddItemToArray(hours[i].events, ev);
            }
        }
        cJSON_Delete(it.value);
    }
    cJSON *body = cJSON_CreateObject();
    char date_text[11];
    date_format(day, date_text);
    cJSON_AddStringToObject(body, "date", date_text);
    cJSON_AddStringToObject(body, "timezone", tz_name(s.zone));
    cJSON_AddStringToObject(body, "subject_id", s.subject_id);
    cJSON_AddNumberToObject(body, "day_start", (double)start);
    cJSON_AddNumberToObject(body, "day_end", (double)end);
    cJSON_AddNumberToObject(body, "hours_in_day", (double)(end - start) / HOUR_MS);
    /* The one instant running timers were counted up to (so the app can
     * check its own figures against these, or say "as of"). */
    cJSON_AddNumberToObject(body, "now", (double)now);
    cJSON_AddItemToObject(body, "totals", totals_json(&day_totals));
    cJSON *last = cJSON_AddObjectToObject(body, "last");
    cJSON_AddItemToObject(last, "feed", last_of(d, s.subject_id, "feed", now, s.zone));
    cJSON_AddItemToObject(last, "diaper", last_of(d, s.subject_id, "diaper", now, s.zone));
    cJSON_AddItemToObject(last, "sleep", last_of(d, s.subject_id, "sleep", now, s.zone));
    cJSON *grid = cJSON_AddArrayToObject(body, "hours");
    for (int i = 0; i < nh; i++) {
        char label[16];
        hour_label(s.zone, hours[i].start, label);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "label", label);
        cJSON_AddStringToObject(row, "abbr", tz_abbr_at(s.zone, hours[i].start));
        cJSON_AddNumberToObject(row, "start", (double)hours[i].start);
        cJSON_AddNumberToObject(row, "end", (double)hours[i].end);
        cJSON_AddNumberToObject(row, "sleep_ms", (double)hours[i].t.sleep_ms);
        cJSON_AddNumberToObject(row, "feeds", hours[i].t.feeds);
        cJSON_AddNumberToObject(row, "bottle_ml", hours[i].t.bottle_ml);
        cJSON_AddNumberToObject(row, "breast_ms",
                                (double)(hours[i].t.breast_left_ms + hours[i].t.breast_right_ms +
                                         hours[i].t.breast_both_ms));
        cJSON_AddNumberToObject(row, "wet", hours[i].t.wet);
        cJSON_AddNumberToObject(row, "dirty", hours[i].t.dirty);
        cJSON_AddItemToObject(row, "events", hours[i].events);
        cJSON_AddItemToArray(grid, row);
    }
    resp_json(r, 200, body);
}

/* ---------- GET trends ---------- */

struct trend_day {
    struct date date;
    int64_t start, end;
    struct totals t;
    cJSON *sleeps, *feeds; /* rhythm: minutes from the day's start */
};

static void trends_get(struct request *r)
{
    int64_t days;
    struct date last_day;
    bool given;
    if (!query_int(r, "days", 1, 31, 7, &days) || !parse_date_param(r, "end", &last_day, &given))
        return;
    if (days != 7 && days != 30) {
        resp_field_error(r, "days", "must be 7 or 30");
        return;
    }
    struct db *d = r->db;
    struct scope s;
    if (!scope_load(r, d, true, &s))
        return;
    int64_t now = now_ms();
    if (!given)
        last_day = tz_date_at(s.zone, now);
    struct trend_day td[30];
    int n = (int)days;
    for (int i = 0; i < n; i++) {
        memset(&td[i], 0, sizeof td[i]);
        td[i].date = date_add_days(last_day, i - n + 1);
        if (!tz_day_bounds(s.zone, td[i].date, &td[i].start, &td[i].end)) {
            for (int k = 0; k < i; k++) {
                cJSON_Delete(td[k].sleeps);
                cJSON_Delete(td[k].feeds);
            }
            resp_field_error(r, "end", "must be a real date");
            return;
        }
        td[i].sleeps = cJSON_CreateArray();
        td[i].feeds = cJSON_CreateArray();
    }
    sqlite3_stmt *st =
        items_query(d, r->session->family_id, s.subject_id, td[0].start, td[n - 1].end, now);
    int64_t breast_end = INT64_MIN / 2;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        struct item it;
        if (!item_read(st, &it, s.zone, now))
            continue;
        item_chain(&it, &breast_end);
        for (int i = 0; i < n; i++) {
            if (it.end < td[i].start || it.ts >= td[i].end)
                continue;
            totals_add(&td[i].t, &it, td[i].start, td[i].end);
            double from = (double)((it.ts > td[i].start ? it.ts : td[i].start) - td[i].start);
            double to = (double)((it.end < td[i].end ? it.end : td[i].end) - td[i].start);
            if (strcmp(it.type, "sleep") == 0 && to > from) {
                cJSON *pair = cJSON_CreateArray();
                cJSON_AddItemToArray(pair, cJSON_CreateNumber(from / 60000.0));
                cJSON_AddItemToArray(pair, cJSON_CreateNumber(to / 60000.0));
                cJSON_AddItemToArray(td[i].sleeps, pair);
            } else if (strcmp(it.type, "feed") == 0 && it.ts >= td[i].start && !it.continued &&
                       !it.top_up) {
                cJSON_AddItemToArray(td[i].feeds, cJSON_CreateNumber(from / 60000.0));
            }
        }
        cJSON_Delete(it.value);
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "timezone", tz_name(s.zone));
    cJSON_AddStringToObject(body, "subject_id", s.subject_id);
    cJSON_AddNumberToObject(body, "now", (double)now);
    cJSON *list = cJSON_AddArrayToObject(body, "days");
    for (int i = 0; i < n; i++) {
        char text[11];
        date_format(td[i].date, text);
        cJSON *o = totals_json(&td[i].t);
        cJSON_AddStringToObject(o, "date", text);
        cJSON_AddNumberToObject(o, "day_start", (double)td[i].start);
        cJSON_AddNumberToObject(o, "minutes_in_day", (double)(td[i].end - td[i].start) / 60000);
        cJSON *rhythm = cJSON_AddObjectToObject(o, "rhythm");
        cJSON_AddItemToObject(rhythm, "sleeps", td[i].sleeps);
        cJSON_AddItemToObject(rhythm, "feeds", td[i].feeds);
        cJSON_AddItemToArray(list, o);
    }
    resp_json(r, 200, body);
}

/* ---------- GET export ---------- */

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
 * A cell that a spreadsheet would read as a formula (=, +, -, @, tab or CR
 * first: OWASP's CSV injection list) gets a leading apostrophe, which the
 * spreadsheet shows as text; the JSON export keeps every value as is. */
static void csv_field(struct buf *b, const char *s, bool last)
{
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    if (formula || strpbrk(s, ",\"\r\n")) {
        buf_puts(b, formula ? "\"'" : "\"");
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                buf_puts(b, "\"");
            buf_append(b, p, 1);
        }
        buf_puts(b, "\"");
    } else {
        buf_puts(b, s);
    }
    buf_puts(b, last ? "\r\n" : ",");
}

/* Local time with its UTC offset, e.g. 2026-11-23T06:30:00+02:00. */
static void local_time(const struct tz *z, int64_t ms, char out[40])
{
    struct civil c;
    tz_to_civil(z, ms, &c);
    int off = tz_offset_at(z, ms);
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year % 10000, c.month, c.day,
             c.hour, c.minute, c.second, sign, off / 3600, (off / 60) % 60);
}

/* The CSV's detail columns: one per field of the catalogue (fields that
 * share a key share a column), in the catalogue's order, headed by the key
 * and its stored unit: "amount (ml)", "weight (g)", "celsius (°C)". */
#define CSV_MAX_COLUMNS 64

struct csv_columns {
    const char *key[CSV_MAX_COLUMNS];
    char header[CSV_MAX_COLUMNS][64];
    int n;
};

static const char *unit_symbol(const char *unit)
{
    return strcmp(unit, "celsius") == 0 ? "°C" : strcmp(unit, "mmol_l") == 0 ? "mmol/L" : unit;
}

static void csv_columns_make(struct csv_columns *c)
{
    const struct catalogue *cat = catalogue();
    c->n = 0;
    for (size_t t = 0; t < cat->ntypes; t++) {
        for (size_t i = 0; i < cat->types[t].nfields; i++) {
            const struct cat_field *f = &cat->types[t].fields[i];
            bool seen = f->hidden;
            for (int k = 0; k < c->n && !seen; k++)
                seen = strcmp(c->key[k], f->key) == 0;
            if (seen || c->n == CSV_MAX_COLUMNS)
                continue;
            size_t len = strlen(f->key), ulen = f->unit ? strlen(f->unit) : 0;
            /* "amount_ml" in ml is "amount (ml)"; "celsius" stays itself. */
            if (ulen && len > ulen + 1 && f->key[len - ulen - 1] == '_' &&
                strcmp(f->key + len - ulen, f->unit) == 0)
                len -= ulen + 1;
            if (f->unit)
                snprintf(c->header[c->n], sizeof c->header[0], "%.*s (%s)", (int)len, f->key,
                         unit_symbol(f->unit));
            else
                snprintf(c->header[c->n], sizeof c->header[0], "%s", f->key);
            c->key[c->n++] = f->key;
        }
    }
}

/* One stored field as a cell: text as it is, numbers and true/false as JSON
 * writes them, nothing for a field the entry does not have. */
static void csv_value(struct buf *b, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        csv_field(b, "", false);
    } else if (cJSON_IsString(v)) {
        csv_field(b, v->valuestring, false);
    } else {
        char *text = cJSON_PrintUnformatted(v);
        csv_field(b, text ? text : "", false);
        free(text);
    }
}

static void export_csv_row(struct buf *b, sqlite3_stmt *st, const struct tz *z,
                           const struct csv_columns *cols)
{
    char start[40], end[40] = "", minutes[24] = "";
    int64_t ts = sqlite3_column_int64(st, 3);
    local_time(z, ts, start);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        int64_t e = sqlite3_column_int64(st, 4);
        local_time(z, e, end);
        snprintf(minutes, sizeof minutes, "%.1f", (double)(e - ts) / 60000.0);
    }
    cJSON *value = cJSON_Parse(db_col_text(st, 5));
    csv_field(b, db_col_text(st, 0), false);
    csv_field(b, db_col_text(st, 14), false);
    csv_field(b, db_col_text(st, 2), false);
    csv_field(b, start, false);
    csv_field(b, end, false);
    csv_field(b, minutes, false);
    for (int i = 0; i < cols->n; i++)
        csv_value(b, cJSON_GetObjectItemCaseSensitive(value, cols->key[i]));
    csv_field(b, db_col_text(st, 15), false);
    csv_field(b, db_col_text(st, 7), true);
    cJSON_Delete(value);
}

static void export_get(struct request *r)
{
    static const char *const formats[] = {"csv", "json", NULL};
    const char *format = NULL;
    struct date from_d, to_d;
    bool has_from, has_to;
    if (req_query(r, "format", &format) < 0 || !format || !*format)
        format = "csv";
    bool known = false;
    for (const char *const *f = formats; *f; f++)
        known = known || strcmp(*f, format) == 0;
    if (!known) {
        resp_field_error(r, "format", "must be one of: csv, json");
        return;
    }
    if (!parse_date_param(r, "from", &from_d, &has_from) ||
        !parse_date_param(r, "to", &to_d, &has_to))
        return;
    struct db *d = r->db;
    struct scope s;
    if (!scope_load(r, d, false, &s))
        return;
    int64_t from = INT64_MIN, to = INT64_MAX, ignored;
    if ((has_from && !tz_day_bounds(s.zone, from_d, &from, &ignored)) ||
        (has_to && !tz_day_bounds(s.zone, to_d, &ignored, &to))) {
        resp_field_error(r, has_from ? "from" : "to", "must be a real date");
        return;
    }
    const char *fid = r->session->family_id;
    sqlite3_stmt *st =
        db_stmt(d, "SELECT " ENTRY_COLUMNS ", s.name, coalesce(cu.name, "
                   "cm.guest_name)" ENTRY_FROM "JOIN subjects s ON s.id = e.subject_id "
                   "LEFT JOIN members cm ON cm.id = e.created_by "
                   "LEFT JOIN users cu ON cu.id = cm.user_id WHERE e.family_id = ?1 "
                   "AND e.deleted = 0 AND e.ts >= ?2 AND e.ts < ?3 "
                   "AND (?4 IS NULL OR e.subject_id = ?4) ORDER BY e.ts, e.id");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, from) ||
        !db_bind_int64(st, 3, to) || !db_bind_text(st, 4, s.subject_id)) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "format", format);
    audit_record(r, d, fid, "export", s.subject_id, detail);

    bool csv = strcmp(format, "csv") == 0;
    char *disposition =
        req_printf(r, "attachment; filename=\"carelog-%.8s.%s\"", fid, csv ? "csv" : "json");
    resp_header(r, "Content-Disposition", disposition ? disposition : "attachment");
    resp_header(r, "Cache-Control", "no-store");
    if (!resp_begin(r, 200, csv ? "text/csv; charset=utf-8; header=present" : "application/json"))
        return;
    /* Rows go out in chunks as they are read: memory stays flat for any size. */
    struct buf b;
    buf_init(&b, 1 << 20);
    struct csv_columns cols;
    if (csv) {
        csv_columns_make(&cols);
        buf_puts(&b, "id,person,type,start,end,minutes,");
        for (int i = 0; i < cols.n; i++)
            csv_field(&b, cols.header[i], false);
        buf_puts(&b, "logged_by,changed_by\r\n");
    } else {
        buf_puts(&b, "[");
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (csv) {
            export_csv_row(&b, st, s.zone, &cols);
        } else {
            cJSON *e = entry_json_row(st);
            char *text = cJSON_PrintUnformatted(e);
            cJSON_Delete(e);
            if (n)
                buf_puts(&b, ",");
            if (text)
                buf_puts(&b, text);
            free(text);
        }
        n++;
        if (b.len > 32768 || b.oom) {
            if (!resp_write(r, b.p, b.len))
                break;
            buf_reset(&b);
        }
    }
    if (!csv)
        buf_puts(&b, "]");
    resp_write(r, b.p ? b.p : "", b.len);
    buf_free(&b);
}

CARELOG_PROGRAM(summary, NULL, NULL)
