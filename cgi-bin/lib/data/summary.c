/* summary.c — a person's day and trends in the family's time zone (see
 * summary.h): the rules that add entries up, and the two answers built on
 * them. Moved here from cgi-bin/summary.c so that the console (admin.c)
 * answers from the same code.
 *
 * A feed is counted once: a nursing session (a breast feed with left_s and
 * right_s) puts its time on each side in the day and hour it starts; a
 * breast feed that starts within a minute of the end of the previous one
 * continues it (a side switch logged as two entries, as the app did before
 * sessions), and a bottle given as a top-up after nursing (top_up) is part
 * of that feed: neither is another feed. */
#include "data/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/acttype.h"
#include "data/audit.h"
#include "data/entry.h"
#include "data/rows.h"
#include "data/tz.h"
#include "framework/access.h"
#include "framework/http.h"
#include "framework/session.h"
#include "framework/valid.h"

#define HOUR_MS   (3600 * 1000LL)
#define MAX_HOURS 26

/* ---------- the family, its zone, the person ---------- */

bool summary_scope_load(struct request *r, struct db *d, bool subject_required,
                        struct summary_scope *s)
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
    s->all = subject && strcmp(subject, "all") == 0;
    if (s->all)
        return true;
    if (subject && *subject) {
        st = db_stmt(d, "SELECT id FROM subjects WHERE id = ? AND family_id = ?");
        if (!access_subject_visible(r, subject) || !st || !db_bind_text(st, 1, subject) ||
            !db_bind_text(st, 2, fid) || sqlite3_step(st) != SQLITE_ROW) {
            resp_error(r, 404, "not_found", "No such person in this family");
            return false;
        }
        s->subject_id = req_strdup(r, subject);
        return s->subject_id != NULL;
    }
    if (!subject_required)
        return true;
    /* The one person the caller may see (access per person). */
    st = db_stmt(d, "SELECT id FROM subjects WHERE family_id = ?1 AND deleted_at IS NULL "
                    "AND " ACCESS_SUBJECT_IN("id", 2) " LIMIT 2");
    int n = 0;
    if (st && db_bind_text(st, 1, fid) && access_bind_subjects(r, st, 2))
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

bool summary_date_param(struct request *r, const char *name, struct date *out, bool *given)
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

/* The people a summary covers, in the order the family lists them: the
 * one asked for, or (all) everyone the caller may see. NULL when out of
 * memory or the database failed (it answered 500). */
static const char **scope_people(struct request *r, struct db *d, const struct summary_scope *s,
                                 int *n)
{
    *n = 0;
    size_t cap = 4;
    const char **ids = req_alloc(r, cap * sizeof *ids);
    if (ids && !s->all) {
        ids[(*n)++] = s->subject_id;
        return ids;
    }
    sqlite3_stmt *st = db_stmt(
        d, "SELECT id FROM subjects WHERE family_id = ?1 "
           "AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN("id", 2) " "
                                                                    "ORDER BY created_at, id");
    if (!ids || !st || !db_bind_text(st, 1, r->session->family_id) ||
        !access_bind_subjects(r, st, 2)) {
        resp_internal(r);
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)*n == cap) {
            const char **more = req_alloc(r, 2 * cap * sizeof *ids);
            if (!more)
                break;
            memcpy(more, ids, cap * sizeof *ids);
            ids = more;
            cap *= 2;
        }
        if (!(ids[*n] = req_strdup(r, db_col_text(st, 0))))
            break;
        (*n)++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        resp_internal(r);
        return NULL;
    }
    return ids;
}

/* subject_id (null for all) and, for all, subject_ids: whom figures cover. */
static void add_people(cJSON *body, const struct summary_scope *s, const char **ids, int n)
{
    if (!s->all) {
        cJSON_AddStringToObject(body, "subject_id", s->subject_id);
        return;
    }
    cJSON_AddNullToObject(body, "subject_id");
    cJSON *list = cJSON_AddArrayToObject(body, "subject_ids");
    for (int i = 0; list && i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(ids[i]));
}

/* ---------- adding up one interval ---------- */

#define CONTINUE_MS 60000 /* a breast feed this soon after another continues it */

static const char *const breast_methods[] = {"breast_left", "breast_right", "breast_both"};

/* The index of a breast feed's method in breast_methods, or -1. */
static int breast_side(const struct summary_item *it)
{
    for (int i = 0; i < 3 && it->method && strcmp(it->type, "feed") == 0; i++)
        if (strcmp(it->method, breast_methods[i]) == 0)
            return i;
    return -1;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

void summary_totals_add(struct summary_totals *t, const struct summary_item *it, int64_t start,
                        int64_t end)
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

static cJSON *totals_json(const struct summary_totals *t)
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
 * starting over 48 h before `from` reaches into it. */
static sqlite3_stmt *items_query(struct db *d, const char *fid, const char *subject, int64_t from,
                                 int64_t to, int64_t now)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT e.id, e.type, e.ts, e.end_ts, e.value FROM entries e "
                   "WHERE e.family_id = ?1 AND e.subject_id = ?2 AND " SUMMARY_ENTRY_OVERLAPS(
                       "e", "?3", "?4", "?5") " ORDER BY e.ts, e.id");
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
static void item_sides(struct summary_item *it)
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

void summary_item_chain(struct summary_item *it, int64_t *breast_end)
{
    if (breast_side(it) < 0)
        return;
    it->continued = it->ts >= *breast_end && it->ts - *breast_end <= CONTINUE_MS;
    if (it->end > *breast_end)
        *breast_end = it->end;
}

/* Running timers (by the catalogue: a sleep, a breast feed, never a
 * bottle) end at `now`, capped at 48 h so a forgotten timer cannot fill a
 * month. */
bool summary_item_read(sqlite3_stmt *st, int col, struct summary_item *it, const struct tz *zone,
                       int64_t now, const struct family_types *ft)
{
    it->id = db_col_text(st, col);
    it->type = db_col_text(st, col + 1);
    it->ts = sqlite3_column_int64(st, col + 2);
    it->value = item_value(it->type, db_col_text(st, col + 4), zone, it->ts);
    if (!it->value)
        return false;
    bool open = sqlite3_column_type(st, col + 3) == SQLITE_NULL;
    it->running = open && cat_is_running(family_type(ft, it->type), it->value);
    if (!it->running)
        it->end = open ? it->ts : sqlite3_column_int64(st, col + 3);
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

/* A family's own type in a day's totals (www/js/summary.js customTotals
 * adds the same): custom["x-bath"] = {count, duration_ms, fields: {key:
 * sum}}: entries starting in [start, end) are counted and their count and
 * amount fields summed; a duration type's time is clipped to the window. */
static void custom_add(cJSON *custom, const struct family_types *ft, const struct summary_item *it,
                       int64_t start, int64_t end)
{
    const struct cat_type *t = strncmp(it->type, ACTTYPE_PREFIX, strlen(ACTTYPE_PREFIX)) == 0
                                   ? family_type(ft, it->type)
                                   : NULL;
    bool starts_here = it->ts >= start && it->ts < end;
    int64_t in = t && t->timed ? overlap(it->ts, it->end, start, end) : 0;
    if (!t || (!starts_here && in == 0))
        return;
    cJSON *o = cJSON_GetObjectItemCaseSensitive(custom, it->type);
    if (!o) {
        o = cJSON_AddObjectToObject(custom, it->type);
        if (!o || !cJSON_AddNumberToObject(o, "count", 0) ||
            !cJSON_AddNumberToObject(o, "duration_ms", 0) || !cJSON_AddObjectToObject(o, "fields"))
            return;
    }
    cJSON *count = cJSON_GetObjectItemCaseSensitive(o, "count");
    cJSON *ms = cJSON_GetObjectItemCaseSensitive(o, "duration_ms");
    cJSON *fields = cJSON_GetObjectItemCaseSensitive(o, "fields");
    cJSON_SetNumberValue(ms, ms->valuedouble + (double)in);
    if (!starts_here)
        return;
    cJSON_SetNumberValue(count, count->valuedouble + 1);
    for (size_t i = 0; i < t->nfields; i++) {
        const struct cat_field *f = &t->fields[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it->value, f->key);
        if ((f->kind != CAT_INT && f->kind != CAT_NUMBER) || !cJSON_IsNumber(v))
            continue;
        cJSON *sum = cJSON_GetObjectItemCaseSensitive(fields, f->key);
        if (!sum)
            sum = cJSON_AddNumberToObject(fields, f->key, 0);
        if (sum)
            cJSON_SetNumberValue(sum, sum->valuedouble + v->valuedouble);
    }
}

/* ---------- GET .../summary ---------- */

struct hour_row {
    int64_t start, end;
    struct summary_totals t;
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

/* A person's last feed, diaper and sleep (last_of each). */
static cJSON *lasts_json(struct db *d, const char *subject, int64_t now, const struct tz *zone)
{
    cJSON *last = cJSON_CreateObject();
    cJSON_AddItemToObject(last, "feed", last_of(d, subject, "feed", now, zone));
    cJSON_AddItemToObject(last, "diaper", last_of(d, subject, "diaper", now, zone));
    cJSON_AddItemToObject(last, "sleep", last_of(d, subject, "sleep", now, zone));
    return last;
}

void summary_day_reply(struct request *r)
{
    struct date day;
    bool given;
    if (!summary_date_param(r, "date", &day, &given))
        return;
    struct db *d = r->db;
    struct summary_scope s;
    if (!summary_scope_load(r, d, true, &s))
        return;
    int64_t now = now_ms();
    if (!given)
        day = tz_date_at(s.zone, now);
    int64_t start, end;
    if (!tz_day_bounds(s.zone, day, &start, &end)) {
        resp_field_error(r, "date", "must be a real date");
        return;
    }
    int np;
    const char **people = scope_people(r, d, &s, &np);
    if (!people)
        return;
    struct hour_row hours[MAX_HOURS];
    int nh = 0;
    for (int64_t h = start; h < end && nh < MAX_HOURS; h += HOUR_MS, nh++) {
        memset(&hours[nh], 0, sizeof hours[nh]);
        hours[nh].start = h;
        hours[nh].end = h + HOUR_MS < end ? h + HOUR_MS : end;
        hours[nh].events = cJSON_CreateArray();
    }
    struct summary_totals day_totals;
    memset(&day_totals, 0, sizeof day_totals);
    const struct family_types *ft = family_types(d, r->session->family_id);
    cJSON *custom = cJSON_CreateObject();
    cJSON *blocks = s.all ? cJSON_CreateArray() : NULL;
    /* Each person's entries on their own (their feeds chain only with
     * their own), added to their block and to the day. */
    for (int p = 0; p < np; p++) {
        struct summary_totals mine;
        memset(&mine, 0, sizeof mine);
        cJSON *my_custom = s.all ? cJSON_CreateObject() : NULL;
        sqlite3_stmt *st = items_query(d, r->session->family_id, people[p], start, end, now);
        int64_t breast_end = SUMMARY_NO_FEED;
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            struct summary_item it;
            if (!summary_item_read(st, 0, &it, s.zone, now, ft))
                continue; /* out of memory: this entry is left out rather than miscounted */
            summary_item_chain(&it, &breast_end);
            summary_totals_add(&day_totals, &it, start, end);
            summary_totals_add(&mine, &it, start, end);
            if (custom)
                custom_add(custom, ft, &it, start, end);
            if (my_custom)
                custom_add(my_custom, ft, &it, start, end);
            for (int i = 0; i < nh; i++) {
                summary_totals_add(&hours[i].t, &it, hours[i].start, hours[i].end);
                if (it.ts >= hours[i].start && it.ts < hours[i].end) {
                    cJSON *ev = cJSON_CreateObject();
                    cJSON_AddStringToObject(ev, "id", it.id);
                    cJSON_AddStringToObject(ev, "type", it.type);
                    cJSON_AddNumberToObject(ev, "ts", (double)it.ts);
                    cJSON_AddItemToArray(hours[i].events, ev);
                }
            }
            summary_item_free(&it);
        }
        if (st)
            sqlite3_reset(st);
        cJSON *block = blocks ? cJSON_CreateObject() : NULL;
        if (block) {
            cJSON_AddStringToObject(block, "subject_id", people[p]);
            cJSON_AddItemToObject(block, "totals", totals_json(&mine));
            cJSON_AddItemToObject(block, "custom", my_custom ? my_custom : cJSON_CreateObject());
            cJSON_AddItemToObject(block, "last", lasts_json(d, people[p], now, s.zone));
            cJSON_AddItemToArray(blocks, block);
        } else {
            cJSON_Delete(my_custom);
        }
    }
    cJSON *body = cJSON_CreateObject();
    char date_text[11];
    date_format(day, date_text);
    cJSON_AddStringToObject(body, "date", date_text);
    cJSON_AddStringToObject(body, "timezone", tz_name(s.zone));
    add_people(body, &s, people, np);
    cJSON_AddNumberToObject(body, "day_start", (double)start);
    cJSON_AddNumberToObject(body, "day_end", (double)end);
    cJSON_AddNumberToObject(body, "hours_in_day", (double)(end - start) / HOUR_MS);
    /* The one instant running timers were counted up to (so the app can
     * check its own figures against these, or say "as of"). */
    cJSON_AddNumberToObject(body, "now", (double)now);
    cJSON_AddItemToObject(body, "totals", totals_json(&day_totals));
    cJSON_AddItemToObject(body, "custom", custom ? custom : cJSON_CreateObject());
    if (blocks)
        cJSON_AddItemToObject(body, "people", blocks);
    else
        cJSON_AddItemToObject(body, "last", lasts_json(d, s.subject_id, now, s.zone));
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
    audit_staff_read(r, d, r->session->family_id, "summary_viewed", NULL);
}

/* ---------- GET .../trends ---------- */

struct trend_day {
    struct date date;
    int64_t start, end;
    struct summary_totals t;
    cJSON *sleeps, *feeds; /* rhythm: minutes from the day's start */
    cJSON *custom;         /* the family's own types (custom_add) */
};

void summary_trends_reply(struct request *r)
{
    int64_t days;
    struct date last_day;
    bool given;
    if (!query_int(r, "days", 1, 31, 7, &days) || !summary_date_param(r, "end", &last_day, &given))
        return;
    if (days != 7 && days != 30) {
        resp_field_error(r, "days", "must be 7 or 30");
        return;
    }
    struct db *d = r->db;
    struct summary_scope s;
    int np;
    const char **people;
    if (!summary_scope_load(r, d, true, &s) || !(people = scope_people(r, d, &s, &np)))
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
                cJSON_Delete(td[k].custom);
            }
            resp_field_error(r, "end", "must be a real date");
            return;
        }
        td[i].sleeps = cJSON_CreateArray();
        td[i].feeds = cJSON_CreateArray();
        td[i].custom = cJSON_CreateObject();
    }
    const struct family_types *ft = family_types(d, r->session->family_id);
    /* Each person's entries on their own (their feeds chain only with
     * their own), added to the same days. */
    for (int p = 0; p < np; p++) {
        sqlite3_stmt *st =
            items_query(d, r->session->family_id, people[p], td[0].start, td[n - 1].end, now);
        int64_t breast_end = SUMMARY_NO_FEED;
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            struct summary_item it;
            if (!summary_item_read(st, 0, &it, s.zone, now, ft))
                continue;
            summary_item_chain(&it, &breast_end);
            for (int i = 0; i < n; i++) {
                if (it.end < td[i].start || it.ts >= td[i].end)
                    continue;
                summary_totals_add(&td[i].t, &it, td[i].start, td[i].end);
                if (td[i].custom)
                    custom_add(td[i].custom, ft, &it, td[i].start, td[i].end);
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
            summary_item_free(&it);
        }
        if (st)
            sqlite3_reset(st);
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "timezone", tz_name(s.zone));
    add_people(body, &s, people, np);
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
        cJSON_AddItemToObject(o, "custom", td[i].custom ? td[i].custom : cJSON_CreateObject());
        cJSON_AddItemToArray(list, o);
    }
    resp_json(r, 200, body);
    audit_staff_read(r, d, r->session->family_id, "trends_viewed", NULL);
}

void summary_item_free(struct summary_item *it)
{
    cJSON_Delete(it->value);
    it->value = NULL;
}
