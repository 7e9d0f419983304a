/* babybuddy.c — a Baby Buddy-compatible API at /api/ beside carelog's own
 * /api/v1/, for the tools built on Baby Buddy (the Home Assistant
 * integration, Android apps, keypads): children, feedings, changes, sleep,
 * tummy-times, pumping, temperature, weight, height, head-circumference,
 * notes, medication and timers, with Baby Buddy's field names, integer ids,
 * {count, next, previous, results} pages (limit/offset), its filters (child,
 * start_min/max, end_min/max, date_min/max) and ordering. Callers present a
 * personal API token (Authorization: Token <key>; access.c); the tokens are
 * made, listed and revoked here too, through carelog's session API.
 *
 * Nothing here is a second store: a Baby Buddy record is a carelog entry
 * (a weight, height or head circumference is the measure of a growth entry;
 * a timer is a running entry), written through the one validator and
 * apply (data/entrywrite.h), so it syncs, streams live and ticks in the app.
 * Words and units are mapped by data/babybuddy.c, the importer's tables. */
#include "carelog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/babybuddy.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/entrywrite.h"
#include "data/tz.h"
#include "security/secret.h"

static void tokens_get(struct request *r);
static void token_post(struct request *r);
static void token_delete(struct request *r);
static void api_root(struct request *r);
static void profile_get(struct request *r);
static void children_list(struct request *r);
static void child_get(struct request *r);
static void child_post(struct request *r);
static void child_patch(struct request *r);
static void child_delete(struct request *r);
static void bb_list(struct request *r);
static void bb_get(struct request *r);
static void bb_post(struct request *r);
static void bb_patch(struct request *r);
static void bb_delete(struct request *r);
static void timer_restart(struct request *r);

/* Baby Buddy's writes take JSON or a form (Home Assistant posts forms):
 * the handlers read the body themselves (bb_body). */
#define W  ROUTE_WRITE
#define JW (ROUTE_JSON | ROUTE_WRITE)
#define BB_ROUTES(M)                                                                               \
    {"GET", "/api/" M "/", bb_list, ACCESS_TOKEN, 0},                                              \
        {"POST", "/api/" M "/", bb_post, ACCESS_TOKEN, W},                                         \
        {"GET", "/api/" M "/{id}/", bb_get, ACCESS_TOKEN, 0},                                      \
        {"PATCH", "/api/" M "/{id}/", bb_patch, ACCESS_TOKEN, W},                                  \
        {"PUT", "/api/" M "/{id}/", bb_patch, ACCESS_TOKEN, W},                                    \
    {                                                                                              \
        "DELETE", "/api/" M "/{id}/", bb_delete, ACCESS_TOKEN, ROUTE_WRITE                         \
    }

/* Every pattern under /api/ names its model as a fixed first segment, none
 * of them "v1": lighttpd's routing (conf/routes.sh) can never send carelog's
 * /api/v1/ here or these elsewhere (tests/t0231-babybuddy-api.sh checks). */
static const struct route routes[] = {
    /* carelog's side: a member's personal tokens for this API */
    {"GET", "/api/v1/families/{fid}/tokens", tokens_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/tokens", token_post, ACCESS_VIEWER, JW},
    {"DELETE", "/api/v1/families/{fid}/tokens/{tid}", token_delete, ACCESS_VIEWER,
     ROUTE_WRITE | ROUTE_ARCHIVED_OK},
    /* Baby Buddy's side; the root lists the endpoints (clients read their
     * URLs from it) */
    {"GET", "/api/", api_root, ACCESS_TOKEN, 0},
    {"GET", "/api/profile", profile_get, ACCESS_TOKEN, 0},
    {"GET", "/api/profile/", profile_get, ACCESS_TOKEN, 0},
    {"GET", "/api/children/", children_list, ACCESS_TOKEN, 0},
    {"POST", "/api/children/", child_post, ACCESS_TOKEN, W},
    {"GET", "/api/children/{slug}/", child_get, ACCESS_TOKEN, 0},
    {"PATCH", "/api/children/{slug}/", child_patch, ACCESS_TOKEN, W},
    {"DELETE", "/api/children/{slug}/", child_delete, ACCESS_TOKEN, ROUTE_WRITE},
    BB_ROUTES("feedings"),
    BB_ROUTES("changes"),
    BB_ROUTES("sleep"),
    BB_ROUTES("tummy-times"),
    BB_ROUTES("pumping"),
    BB_ROUTES("temperature"),
    BB_ROUTES("weight"),
    BB_ROUTES("height"),
    BB_ROUTES("head-circumference"),
    BB_ROUTES("notes"),
    BB_ROUTES("medication"),
    BB_ROUTES("timers"),
    {"PATCH", "/api/timers/{id}/restart/", timer_restart, ACCESS_TOKEN, ROUTE_WRITE},
};

#define MAX_TOKENS_PER_MEMBER 20
#define DEFAULT_LIMIT         100
#define MAX_LIMIT             1000

/* ---------- the models ---------- */

enum shape { SHAPE_SPAN, SHAPE_TIME, SHAPE_DATE, SHAPE_TIMER };

struct model {
    const char *path;    /* "feedings" */
    const char *type;    /* carelog's type (NULL: timers, any timed type) */
    const char *measure; /* a growth entry's field this model is (weight_g ...) */
    enum shape shape;
};

static const struct model models[] = {
    {"feedings", "feed", NULL, SHAPE_SPAN},
    {"changes", "diaper", NULL, SHAPE_TIME},
    {"sleep", "sleep", NULL, SHAPE_SPAN},
    {"tummy-times", "tummy_time", NULL, SHAPE_SPAN},
    {"pumping", "pump", NULL, SHAPE_SPAN},
    {"temperature", "temperature", NULL, SHAPE_TIME},
    {"weight", "growth", "weight_g", SHAPE_DATE},
    {"height", "growth", "length_cm", SHAPE_DATE},
    {"head-circumference", "growth", "head_cm", SHAPE_DATE},
    {"notes", "note", NULL, SHAPE_TIME},
    {"medication", "medication", NULL, SHAPE_TIME},
    {"timers", NULL, NULL, SHAPE_TIMER},
};

static const struct model *model_of(const struct request *r)
{
    const char *p = r->route->pattern + strlen("/api/");
    size_t n = strcspn(p, "/");
    for (size_t i = 0; i < ARRAY_LEN(models); i++)
        if (strlen(models[i].path) == n && strncmp(models[i].path, p, n) == 0)
            return &models[i];
    return &models[0];
}

/* ---------- answers in Baby Buddy's shape ---------- */

/* {"detail": ...} as Baby Buddy answers, with carelog's error object too. */
static void bb_error(struct request *r, int status, const char *code, const char *detail)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "detail", detail);
    cJSON *e = cJSON_AddObjectToObject(body, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", detail);
    resp_json(r, status, body);
}

static void not_found(struct request *r)
{
    bb_error(r, 404, "not_found", "Not found.");
}

/* Field errors as Baby Buddy gives them: {"amount": ["..."]}. */
static void field_error(cJSON *errors, const char *field, const char *message)
{
    if (cJSON_GetObjectItemCaseSensitive(errors, field))
        return;
    cJSON *list = cJSON_AddArrayToObject(errors, field);
    cJSON_AddItemToArray(list, cJSON_CreateString(message));
}

static void reply_field_errors(struct request *r, cJSON *errors)
{
    cJSON *e = cJSON_AddObjectToObject(errors, "error");
    cJSON_AddStringToObject(e, "code", "validation_failed");
    cJSON_AddStringToObject(e, "message", "The record is not valid");
    resp_json(r, 400, errors);
}

/* ---------- numbers for UUIDs ---------- */

/* The number Baby Buddy's clients know `ref` by, given on first sight. */
static int64_t num_of(struct db *d, const char *ref)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO compat_ids (ref) VALUES (?) ON CONFLICT (ref) "
                                  "DO UPDATE SET ref = excluded.ref RETURNING num");
    int64_t num = (st && db_bind_text(st, 1, ref) && sqlite3_step(st) == SQLITE_ROW)
                      ? sqlite3_column_int64(st, 0)
                      : -1;
    if (st)
        sqlite3_reset(st);
    return num;
}

/* The UUID a number stands for (false when none). */
static bool ref_of(struct db *d, const char *text, char out[37])
{
    int64_t num;
    if (!parse_int64(text, &num) || num <= 0)
        return false;
    sqlite3_stmt *st = db_stmt(d, "SELECT ref FROM compat_ids WHERE num = ?");
    bool ok = st && db_bind_int64(st, 1, num) && sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        snprintf(out, 37, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    return ok;
}

static const struct tz *family_zone(struct db *d, const char *fid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    const struct tz *z = NULL;
    if (st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW)
        z = tz_get(db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    return z ? z : tz_get("UTC");
}

static void add_time(cJSON *o, const char *name, const struct tz *z, int64_t ms)
{
    char t[40];
    bb_time_format(z, ms, t);
    cJSON_AddStringToObject(o, name, t);
}

/* ---------- the running-timer test, from the catalogue ---------- */

/* "e.end_ts IS NULL AND (e.type IN ('sleep', ...) OR (e.type = 'feed' AND
 * json_extract(e.value, '$.method') IN (...)))": built once at start from
 * the catalogue's timer rules (the same rules entry_is_running reads), so
 * the statements below are fixed for the program's life. */
static char running_sql[1024];
static char list_sql[2][4096], count_sql[4096], one_sql[4096];

static bool sql_append(char *buf, size_t size, const char *s)
{
    size_t used = strlen(buf);
    if (used + strlen(s) + 1 > size)
        return false;
    memcpy(buf + used, s, strlen(s) + 1);
    return true;
}

static bool build_sql(void)
{
    const struct catalogue *c = catalogue();
    bool ok = sql_append(running_sql, sizeof running_sql, "(e.end_ts IS NULL AND (0");
    for (size_t i = 0; i < c->ntypes; i++) {
        const struct cat_type *t = &c->types[i];
        char part[256];
        if (!t->timed)
            continue;
        if (t->timer_always) {
            snprintf(part, sizeof part, " OR e.type = '%s'", t->name);
            ok = ok && sql_append(running_sql, sizeof running_sql, part);
        } else if (t->timer_field && t->timer_values) {
            snprintf(part, sizeof part, " OR (e.type = '%s' AND json_extract(e.value, '$.%s') IN (",
                     t->name, t->timer_field);
            ok = ok && sql_append(running_sql, sizeof running_sql, part);
            for (const char **v = t->timer_values; *v; v++) {
                snprintf(part, sizeof part, "%s'%s'", v == t->timer_values ? "" : ", ", *v);
                ok = ok && sql_append(running_sql, sizeof running_sql, part);
            }
            ok = ok && sql_append(running_sql, sizeof running_sql, "))");
        }
    }
    ok = ok && sql_append(running_sql, sizeof running_sql, "))");
    /* ?1 family, ?2 type (NULL: any), ?3 measure, ?4 timers (1) or records
     * (0), ?5 subject, ?6/?7 start min/max, ?8/?9 end min/max, ?12 the
     * people the caller may see (access per person) */
    char where[2048];
    int n = snprintf(where, sizeof where,
                     " FROM entries e JOIN compat_ids c ON c.ref = e.id "
                     "JOIN compat_ids cs ON cs.ref = e.subject_id "
                     "WHERE e.family_id = ?1 AND e.deleted = 0 AND (?2 IS NULL OR e.type = ?2) "
                     "AND (?3 IS NULL OR json_extract(e.value, '$.' || ?3) IS NOT NULL) "
                     "AND (%s) = ?4 AND (?5 IS NULL OR e.subject_id = ?5) "
                     "AND (?6 IS NULL OR e.ts >= ?6) AND (?7 IS NULL OR e.ts <= ?7) "
                     "AND (?8 IS NULL OR coalesce(e.end_ts, e.ts) >= ?8) "
                     "AND (?9 IS NULL OR coalesce(e.end_ts, e.ts) <= ?9) "
                     "AND " ACCESS_SUBJECT_IN("e.subject_id", 12),
                     running_sql);
    if (!ok || n < 0 || (size_t)n >= sizeof where)
        return false;
    static const char cols[] = "SELECT e.id, e.subject_id, e.type, e.ts, e.end_ts, e.value, "
                               "c.num, cs.num";
    snprintf(list_sql[0], sizeof list_sql[0],
             "%s%s ORDER BY e.ts DESC, e.id DESC LIMIT ?10 "
             "OFFSET ?11",
             cols, where);
    snprintf(list_sql[1], sizeof list_sql[1],
             "%s%s ORDER BY e.ts ASC, e.id ASC LIMIT ?10 "
             "OFFSET ?11",
             cols, where);
    snprintf(count_sql, sizeof count_sql, "SELECT count(*)%s", where);
    snprintf(one_sql, sizeof one_sql, "%s%s AND e.id = ?10", cols, where);
    return true;
}

static bool babybuddy_init(void)
{
    if (!build_sql()) {
        log_event("error", "babybuddy_sql", "the running-timer test does not fit");
        return false;
    }
    return true;
}

/* Gives numbers to the family's people and the entries a model shows, so
 * the statements above (which join them) see every row. One statement each;
 * nothing is written when every row has its number. */
static bool number_rows(struct db *d, const char *fid, const struct model *m)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR IGNORE INTO compat_ids (ref) SELECT id FROM subjects "
                                  "WHERE family_id = ? ORDER BY created_at, id");
    if (!st || !db_bind_text(st, 1, fid) || !db_step_done(d, st))
        return false;
    st = db_stmt(d, "INSERT OR IGNORE INTO compat_ids (ref) SELECT id FROM entries "
                    "WHERE family_id = ?1 AND deleted = 0 AND (?2 IS NULL OR type = ?2) "
                    "AND id NOT IN (SELECT ref FROM compat_ids) ORDER BY ts, id");
    return st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, m->type) && db_step_done(d, st);
}

/* ---------- a carelog entry as a Baby Buddy record ---------- */

static const char *str_member(const cJSON *o, const char *name, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : def;
}

static void add_num_or_null(cJSON *o, const char *name, const cJSON *v, double scale)
{
    if (cJSON_IsNumber(v))
        cJSON_AddNumberToObject(o, name, v->valuedouble * scale);
    else
        cJSON_AddNullToObject(o, name);
}

static const char *timer_name(const char *type)
{
    return strcmp(type, "feed") == 0         ? "feeding"
           : strcmp(type, "tummy_time") == 0 ? "tummy time"
           : strcmp(type, "pump") == 0       ? "pumping"
                                             : type;
}

/* The row of one of the statements above as the model's record. */
static cJSON *record_json(const struct model *m, sqlite3_stmt *st, const struct tz *z)
{
    cJSON *o = cJSON_CreateObject();
    const char *type = db_col_text(st, 2);
    int64_t ts = sqlite3_column_int64(st, 3);
    bool has_end = sqlite3_column_type(st, 4) != SQLITE_NULL;
    int64_t end_ts = has_end ? sqlite3_column_int64(st, 4) : ts;
    cJSON *v = cJSON_Parse(db_col_text(st, 5));
    if (!v)
        v = cJSON_CreateObject();
    json_add_int64(o, "id", sqlite3_column_int64(st, 6));
    json_add_int64(o, "child", sqlite3_column_int64(st, 7));
    char dur[48];
    switch (m->shape) {
    case SHAPE_SPAN:
        add_time(o, "start", z, ts);
        add_time(o, "end", z, end_ts);
        bb_duration_format(end_ts - ts, dur);
        cJSON_AddStringToObject(o, "duration", dur);
        break;
    case SHAPE_TIME:
        add_time(o, "time", z, ts);
        break;
    case SHAPE_DATE: {
        struct date day = tz_date_at(z, ts);
        char text[11];
        date_format(day, text);
        cJSON_AddStringToObject(o, "date", text);
        break;
    }
    case SHAPE_TIMER:
        cJSON_AddStringToObject(o, "name", timer_name(type));
        add_time(o, "start", z, ts);
        cJSON_AddNullToObject(o, "end");
        bb_duration_format(now_ms() - ts, dur);
        cJSON_AddStringToObject(o, "duration", dur);
        cJSON_AddBoolToObject(o, "active", true);
        cJSON_AddNullToObject(o, "user");
        break;
    }
    const char *path = m->path;
    if (strcmp(path, "feedings") == 0) {
        const char *btype, *method;
        bb_feed_words(v, &btype, &method);
        cJSON_AddStringToObject(o, "type", btype);
        cJSON_AddStringToObject(o, "method", method);
        add_num_or_null(o, "amount", cJSON_GetObjectItemCaseSensitive(v, "amount_ml"), 1);
    } else if (strcmp(path, "changes") == 0) {
        cJSON_AddBoolToObject(o, "wet", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "wet")));
        cJSON_AddBoolToObject(o, "solid",
                              cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "dirty")));
        const char *colour = str_member(v, "colour", "");
        cJSON_AddStringToObject(o, "color", bb_color_in(colour) ? bb_color_in(colour) : "");
        cJSON_AddNullToObject(o, "amount");
    } else if (strcmp(path, "sleep") == 0) {
        cJSON_AddBoolToObject(o, "nap", strcmp(str_member(v, "kind", ""), "nap") == 0);
    } else if (strcmp(path, "tummy-times") == 0) {
        cJSON_AddStringToObject(o, "milestone", str_member(v, "milestone", ""));
    } else if (strcmp(path, "pumping") == 0) {
        add_num_or_null(o, "amount", cJSON_GetObjectItemCaseSensitive(v, "amount_ml"), 1);
    } else if (strcmp(path, "temperature") == 0) {
        add_num_or_null(o, "temperature", cJSON_GetObjectItemCaseSensitive(v, "celsius"), 1);
    } else if (strcmp(path, "weight") == 0) {
        add_num_or_null(o, "weight", cJSON_GetObjectItemCaseSensitive(v, "weight_g"), 0.001);
    } else if (strcmp(path, "height") == 0) {
        add_num_or_null(o, "height", cJSON_GetObjectItemCaseSensitive(v, "length_cm"), 1);
    } else if (strcmp(path, "head-circumference") == 0) {
        add_num_or_null(o, "head_circumference", cJSON_GetObjectItemCaseSensitive(v, "head_cm"), 1);
    } else if (strcmp(path, "notes") == 0) {
        cJSON_AddStringToObject(o, "note", str_member(v, "text", ""));
    } else if (strcmp(path, "medication") == 0) {
        cJSON_AddStringToObject(o, "name", str_member(v, "name", ""));
        add_num_or_null(o, "dosage", cJSON_GetObjectItemCaseSensitive(v, "dose"), 1);
        cJSON_AddStringToObject(o, "dosage_unit", str_member(v, "unit", ""));
    }
    if (m->shape != SHAPE_TIMER) {
        if (strcmp(path, "notes") != 0)
            cJSON_AddStringToObject(o, "notes", str_member(v, "notes", ""));
        cJSON_AddItemToObject(o, "tags", cJSON_CreateArray());
    }
    cJSON_Delete(v);
    return o;
}

/* ---------- reading ---------- */

static bool bind_filters(const struct request *r, sqlite3_stmt *st, const struct model *m,
                         const char *subject, const int64_t bounds[4], const bool has[4])
{
    bool ok = db_bind_text(st, 1, r->session->family_id) && access_bind_subjects(r, st, 12) &&
              db_bind_text(st, 2, m->type) && db_bind_text(st, 3, m->measure) &&
              db_bind_int64(st, 4, m->shape == SHAPE_TIMER) && db_bind_text(st, 5, subject);
    for (int i = 0; ok && i < 4; i++)
        ok = has[i] ? db_bind_int64(st, 6 + i, bounds[i]) : sqlite3_bind_null(st, 6 + i) == 0;
    return ok;
}

/* A query time parameter (ISO 8601, naive = the family's zone). */
static bool query_time(struct request *r, const char *name, const struct tz *z, int64_t *ms,
                       bool *has, cJSON *errors)
{
    const char *s = NULL;
    *has = false;
    if (req_query(r, name, &s) < 0) {
        field_error(errors, name, "Enter a valid date/time.");
        return false;
    }
    if (!s || !*s)
        return true;
    const char *note;
    if (!bb_time_parse(s, z, ms, &note)) {
        field_error(errors, name, "Enter a valid date/time.");
        return false;
    }
    *has = true;
    return true;
}

/* The person a Baby Buddy child number names in this family (and whom the
 * caller may see). */
static bool child_ref(struct request *r, const char *num, char out[37])
{
    return ref_of(r->db, num, out) && access_subject_ok(r, out);
}

/* Where the client reached us ("https://care.example"), for the absolute
 * URLs Baby Buddy's clients follow: PUBLIC_URL when set, else the scheme and
 * Host of this request (it only ever points the same client back at the
 * server it already talks to); "" (a path) without a usable Host. */
static const char *self_base(struct request *r)
{
    const char *base = req_base_url(r);
    if (*base)
        return base;
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255 || strpbrk(host, "/\\ \"<>?#@"))
        return "";
    char *out = req_printf(r, "%s://%s", req_is_https(r) ? "https" : "http", host);
    return out ? out : "";
}

static void page_link(struct request *r, cJSON *body, const char *name, int64_t limit,
                      int64_t offset, bool show)
{
    if (!show) {
        cJSON_AddNullToObject(body, name);
        return;
    }
    /* The query as sent, with limit and offset replaced. */
    struct buf q;
    buf_init(&q, 8192);
    const char *p = r->query;
    while (*p) {
        size_t n = strcspn(p, "&");
        if (n && strncmp(p, "limit=", 6) != 0 && strncmp(p, "offset=", 7) != 0) {
            buf_append(&q, p, n);
            buf_puts(&q, "&");
        }
        p += n;
        if (*p)
            p++;
    }
    buf_printf(&q, "limit=%lld", (long long)limit);
    if (offset > 0)
        buf_printf(&q, "&offset=%lld", (long long)offset);
    char *url = req_printf(r, "%s%s?%s", self_base(r), r->path, q.p ? q.p : "");
    buf_free(&q);
    if (url)
        cJSON_AddStringToObject(body, name, url);
    else
        cJSON_AddNullToObject(body, name);
}

static void bb_list(struct request *r)
{
    const struct model *m = model_of(r);
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const struct tz *z = family_zone(d, fid);
    int64_t limit, offset;
    if (!query_int(r, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, &limit) ||
        !query_int(r, "offset", 0, INT32_MAX, 0, &offset))
        return;
    cJSON *errors = cJSON_CreateObject();
    int64_t bounds[4] = {0, 0, 0, 0};
    bool has[4] = {false, false, false, false};
    bool span = m->shape == SHAPE_SPAN || m->shape == SHAPE_TIMER;
    const char *names[4] = {span ? "start_min" : "date_min", span ? "start_max" : "date_max",
                            "end_min", "end_max"};
    for (int i = 0; i < (span ? 4 : 2); i++)
        query_time(r, names[i], z, &bounds[i], &has[i], errors);
    const char *child = NULL, *ordering = NULL;
    char subject[37] = "";
    if (req_query(r, "child", &child) < 0 || (child && *child && !child_ref(r, child, subject)))
        field_error(errors, "child",
                    "Select a valid choice. That choice is not one of the available choices.");
    bool asc = false;
    if (req_query(r, "ordering", &ordering) < 0)
        field_error(errors, "ordering", "Select a valid choice.");
    else if (ordering && *ordering) {
        const char *f = ordering[0] == '-' ? ordering + 1 : ordering;
        if (strcmp(f, "start") != 0 && strcmp(f, "time") != 0 && strcmp(f, "date") != 0)
            field_error(errors, "ordering",
                        "Select a valid choice: start, time or date, with a "
                        "leading - for newest first.");
        asc = ordering[0] != '-';
    }
    if (errors->child) {
        reply_field_errors(r, errors);
        return;
    }
    cJSON_Delete(errors);
    if (!number_rows(d, fid, m)) {
        resp_internal(r);
        return;
    }
    const char *sub = subject[0] ? subject : NULL;
    sqlite3_stmt *st = db_stmt(d, count_sql);
    if (!st || !bind_filters(r, st, m, sub, bounds, has) || sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    int64_t count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = db_stmt(d, list_sql[asc ? 1 : 0]);
    if (!st || !bind_filters(r, st, m, sub, bounds, has) || !db_bind_int64(st, 10, limit) ||
        !db_bind_int64(st, 11, offset)) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    json_add_int64(body, "count", count);
    page_link(r, body, "next", limit, offset + limit, offset + limit < count);
    page_link(r, body, "previous", limit, offset > limit ? offset - limit : 0, offset > 0);
    cJSON *results = cJSON_AddArrayToObject(body, "results");
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(results, record_json(m, st, z));
    sqlite3_reset(st);
    resp_json(r, 200, body);
}

/* Numbers for an entry and its person (the statements above join both). */
static bool number_entry(struct db *d, const char *eid)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR IGNORE INTO compat_ids (ref) SELECT id FROM entries "
                                  "WHERE id = ?1 UNION ALL SELECT subject_id FROM entries "
                                  "WHERE id = ?1");
    return st && db_bind_text(st, 1, eid) && db_step_done(d, st);
}

/* The record {id} of this model in the caller's family: its entry id
 * (false: the caller gets 404). */
static bool record_ref(struct request *r, const struct model *m, char eid[37])
{
    struct db *d = r->db;
    if (!ref_of(d, req_param(r, "id"), eid) || !number_entry(d, eid))
        return false;
    sqlite3_stmt *st = db_stmt(d, one_sql);
    const int64_t bounds[4] = {0, 0, 0, 0};
    const bool has[4] = {false, false, false, false};
    bool ok = st && bind_filters(r, st, m, NULL, bounds, has) && db_bind_text(st, 10, eid) &&
              sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return ok;
}

static bool reply_record(struct request *r, const struct model *m, const char *eid, int status)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    if (!number_entry(d, eid))
        return false;
    sqlite3_stmt *st = db_stmt(d, one_sql);
    const int64_t bounds[4] = {0, 0, 0, 0};
    const bool has[4] = {false, false, false, false};
    if (!st || !bind_filters(r, st, m, NULL, bounds, has) || !db_bind_text(st, 10, eid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        return false;
    }
    cJSON *o = record_json(m, st, family_zone(d, fid));
    sqlite3_reset(st);
    resp_json(r, status, o);
    return true;
}

static void bb_get(struct request *r)
{
    const struct model *m = model_of(r);
    char eid[37];
    if (!number_rows(r->db, r->session->family_id, m)) {
        resp_internal(r);
        return;
    }
    if (!record_ref(r, m, eid) || !reply_record(r, m, eid, 200))
        not_found(r);
}

/* ---------- writing ---------- */

/* The body of a Baby Buddy write as a JSON object in r->json: JSON, or a
 * form (application/x-www-form-urlencoded), whose values are all strings
 * (the field readers below take "1", "true", "120" as Baby Buddy does).
 * False when it answered. */
static bool bb_body(struct request *r)
{
    if (!read_raw_body(r, cfg.max_body))
        return false;
    const char *ct = req_env(r, "CONTENT_TYPE");
    if (r->body_len && content_type_is_json(ct)) {
        const char *problem = json_body_problem(r->body, r->body_len);
        r->json = problem ? NULL : json_parse_body(r->body, r->body_len);
        if (!cJSON_IsObject(r->json)) {
            bb_error(r, 400, "invalid_json",
                     problem ? problem : "JSON parse error: send an object");
            return false;
        }
        return true;
    }
    static const char form[] = "application/x-www-form-urlencoded";
    if (r->body_len && ct && *ct && !ascii_nieq(ct, form, sizeof form - 1)) {
        bb_error(r, 415, "unsupported_media_type",
                 "Unsupported media type: send application/json or a form");
        return false;
    }
    r->json = cJSON_CreateObject();
    int members = 0;
    for (const char *p = r->body ? r->body : ""; *p;) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        if (klen == 0) { /* "&&" or "=x": nothing to read */
            p += n;
            if (*p)
                p++;
            continue;
        }
        char key[64], *val = malloc(n + 1);
        long vl =
            val ? pct_decode(eq ? eq + 1 : p + n, eq ? n - klen - 1 : 0, val, n + 1, true) : -1;
        if (!val || vl < 0 || pct_decode(p, klen, key, sizeof key, true) <= 0 ||
            ++members > JSON_MAX_MEMBERS) {
            free(val);
            bb_error(r, 400, "bad_request", "The form is not valid");
            return false;
        }
        size_t chars;
        if (!utf8_check(val, true, &chars) || !utf8_check(key, false, &chars)) {
            free(val);
            bb_error(r, 400, "bad_request", "The form is not valid UTF-8 text");
            return false;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(r->json, key);
        cJSON_AddStringToObject(r->json, key, val);
        free(val);
        p += n;
        if (*p)
            p++;
    }
    return true;
}

/* A record being written: the entry as it will be. */
struct draft {
    char id[37], subject[37];
    const char *type;
    int64_t ts, end_ts, created_at, updated_at;
    bool has_ts, has_end;
    cJSON *value; /* owned */
};

/* Baby Buddy's field for carelog's (validator errors name carelog's). */
static const char *bb_field(const struct model *m, const char *field)
{
    static const struct {
        const char *carelog, *bb;
    } names[] = {
        {"value.amount_ml", "amount"},
        {"value.celsius", "temperature"},
        {"value.weight_g", "weight"},
        {"value.length_cm", "height"},
        {"value.head_cm", "head_circumference"},
        {"value.text", "note"},
        {"value.dose", "dosage"},
        {"value.unit", "dosage_unit"},
        {"value.colour", "color"},
        {"value.dirty", "solid"},
        {"value.wet", "wet"},
        {"value.kind", "nap"},
        {"value.method", "method"},
        {"value.milk", "type"},
        {"value.notes", "notes"},
        {"value.milestone", "milestone"},
        {"value.name", "name"},
        {"subject_id", "child"},
        {"end_ts", "end"},
    };
    if (strcmp(field, "ts") == 0)
        return m->shape == SHAPE_TIME ? "time" : m->shape == SHAPE_DATE ? "date" : "start";
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(names[i].carelog, field) == 0)
            return names[i].bb;
    return "non_field_errors";
}

static bool body_time(const cJSON *body, const char *name, const struct tz *z, int64_t *ms,
                      bool *has, cJSON *errors)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    if (!v)
        return true;
    const char *note;
    if (!cJSON_IsString(v) || !bb_time_parse(v->valuestring, z, ms, &note)) {
        field_error(errors, name,
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
        return false;
    }
    *has = true;
    return true;
}

static bool body_number(const cJSON *body, const char *name, double *out, bool *present, bool *null,
                        cJSON *errors)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    *present = v != NULL;
    /* a form's empty field is a null, as Baby Buddy reads it */
    *null = cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring);
    if (!v || *null)
        return true;
    char *end = NULL;
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        *out = v->valuedouble;
        return true;
    }
    if (cJSON_IsString(v) && *v->valuestring) {
        *out = strtod(v->valuestring, &end);
        if (end && !*end && isfinite(*out))
            return true;
    }
    field_error(errors, name, "A valid number is required.");
    return false;
}

static bool body_bool(const cJSON *body, const char *name, bool *out, cJSON *errors)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    if (!v || (cJSON_IsString(v) && !*v->valuestring))
        return false;
    if (cJSON_IsBool(v))
        *out = cJSON_IsTrue(v);
    else if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1))
        *out = v->valuedouble == 1;
    else if (cJSON_IsString(v) && (bb_truthy(v->valuestring) || strcmp(v->valuestring, "0") == 0 ||
                                   ascii_ieq(v->valuestring, "false")))
        *out = bb_truthy(v->valuestring);
    else {
        field_error(errors, name, "Must be a valid boolean.");
        return false;
    }
    return true;
}

/* A text field: absent leaves the value alone, "" or null removes it. */
static void body_text(const cJSON *body, const char *name, cJSON *value, const char *key,
                      cJSON *errors)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    if (!v)
        return;
    if (!cJSON_IsString(v) && !cJSON_IsNull(v)) {
        field_error(errors, name, "Not a valid string.");
        return;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(value, key);
    if (cJSON_IsString(v) && *v->valuestring)
        cJSON_AddStringToObject(value, key, v->valuestring);
}

static void set_number(cJSON *value, const char *key, double x)
{
    cJSON_DeleteItemFromObjectCaseSensitive(value, key);
    cJSON_AddNumberToObject(value, key, x);
}

/* Applies a Baby Buddy body to the draft: only the fields it holds (a
 * create starts from an empty value, an update from the stored one). */
static void apply_body(const struct model *m, const cJSON *body, struct draft *w,
                       const struct tz *z, cJSON *errors, bool create)
{
    const char *p = m->path;
    double x = 0;
    bool present, null;
    if (m->shape == SHAPE_SPAN || m->shape == SHAPE_TIMER) {
        body_time(body, "start", z, &w->ts, &w->has_ts, errors);
        if (m->shape == SHAPE_SPAN)
            body_time(body, "end", z, &w->end_ts, &w->has_end, errors);
        if (create && m->shape == SHAPE_SPAN) {
            if (!w->has_ts)
                field_error(errors, "start", "This field is required.");
            if (!w->has_end)
                field_error(errors, "end", "This field is required.");
        }
    } else {
        const char *name = m->shape == SHAPE_DATE ? "date" : "time";
        body_time(body, name, z, &w->ts, &w->has_ts, errors);
        if (create && !w->has_ts)
            field_error(errors, name, "This field is required.");
    }
    if (strcmp(p, "timers") != 0 && strcmp(p, "notes") != 0)
        body_text(body, "notes", w->value, "notes", errors);
    if (strcmp(p, "feedings") == 0) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "type");
        const cJSON *me = cJSON_GetObjectItemCaseSensitive(body, "method");
        body_number(body, "amount", &x, &present, &null, errors);
        if (create && !t)
            field_error(errors, "type", "This field is required.");
        if (create && !me)
            field_error(errors, "method", "This field is required.");
        if (t || me) {
            const char *old_type, *old_method;
            bb_feed_words(w->value, &old_type, &old_method);
            const char *type = cJSON_IsString(t) ? t->valuestring : t ? "" : old_type;
            const char *method = cJSON_IsString(me) ? me->valuestring : me ? "" : old_method;
            const cJSON *had = cJSON_GetObjectItemCaseSensitive(w->value, "amount_ml");
            double amount = present && !null                    ? x
                            : (!present && cJSON_IsNumber(had)) ? had->valuedouble
                                                                : -1;
            cJSON *fresh = cJSON_CreateObject();
            struct buf extra;
            buf_init(&extra, 4096);
            const char *msg = NULL;
            if (!bb_feed_value(type, method, amount, fresh, &extra, &msg)) {
                field_error(errors, strstr(msg, "method") == msg ? "method" : "type",
                            "Select a valid choice.");
            } else {
                const char *keep[] = {"food", "notes"};
                for (size_t i = 0; i < ARRAY_LEN(keep); i++) {
                    const cJSON *k = cJSON_GetObjectItemCaseSensitive(w->value, keep[i]);
                    if (k)
                        cJSON_AddItemToObject(fresh, keep[i], cJSON_Duplicate(k, true));
                }
                if (extra.len) {
                    const char *notes = str_member(fresh, "notes", "");
                    char *joined = malloc(strlen(notes) + extra.len + 2);
                    if (joined) {
                        sprintf(joined, "%s%s%s", notes, *notes ? "\n" : "", extra.p);
                        cJSON_DeleteItemFromObjectCaseSensitive(fresh, "notes");
                        cJSON_AddStringToObject(fresh, "notes", joined);
                        free(joined);
                    }
                }
                cJSON_Delete(w->value);
                w->value = fresh;
                fresh = NULL;
            }
            cJSON_Delete(fresh);
            buf_free(&extra);
        } else if (present) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "amount_ml");
            if (!null)
                set_number(w->value, "amount_ml", floor(x + 0.5));
        }
    } else if (strcmp(p, "changes") == 0) {
        bool b;
        if (body_bool(body, "wet", &b, errors)) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "wet");
            cJSON_AddBoolToObject(w->value, "wet", b);
        }
        if (body_bool(body, "solid", &b, errors)) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "dirty");
            cJSON_AddBoolToObject(w->value, "dirty", b);
        }
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "color");
        if (c) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "colour");
            if (cJSON_IsString(c) && *c->valuestring) {
                if (bb_color_in(c->valuestring))
                    cJSON_AddStringToObject(w->value, "colour", bb_color_in(c->valuestring));
                else
                    field_error(errors, "color", "Select a valid choice.");
            }
        }
        if (create && !cJSON_GetObjectItemCaseSensitive(w->value, "wet"))
            cJSON_AddBoolToObject(w->value, "wet", false);
        if (create && !cJSON_GetObjectItemCaseSensitive(w->value, "dirty"))
            cJSON_AddBoolToObject(w->value, "dirty", false);
    } else if (strcmp(p, "sleep") == 0) {
        bool nap;
        if (body_bool(body, "nap", &nap, errors)) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "kind");
            cJSON_AddStringToObject(w->value, "kind", nap ? "nap" : "night");
        }
    } else if (strcmp(p, "tummy-times") == 0) {
        body_text(body, "milestone", w->value, "milestone", errors);
    } else if (strcmp(p, "pumping") == 0) {
        if (!cJSON_GetObjectItemCaseSensitive(w->value, "side"))
            cJSON_AddStringToObject(w->value, "side", "both");
        body_number(body, "amount", &x, &present, &null, errors);
        if (present) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "amount_ml");
            if (!null)
                set_number(w->value, "amount_ml", floor(x + 0.5));
        }
    } else if (strcmp(p, "temperature") == 0) {
        if (body_number(body, "temperature", &x, &present, &null, errors) && present) {
            if (null)
                field_error(errors, "temperature", "This field may not be null.");
            else
                set_number(w->value, "celsius", round((x > 50 ? bb_f_to_c(x) : x) * 10) / 10);
        } else if (create && !present) {
            field_error(errors, "temperature", "This field is required.");
        }
    } else if (m->measure) {
        const char *name = strcmp(p, "weight") == 0   ? "weight"
                           : strcmp(p, "height") == 0 ? "height"
                                                      : "head_circumference";
        if (body_number(body, name, &x, &present, &null, errors) && present && !null) {
            if (strcmp(p, "weight") == 0)
                set_number(w->value, m->measure, floor(x * 1000 + 0.5));
            else
                set_number(w->value, m->measure, round(x * 10) / 10);
        } else if ((create && !present) || null) {
            field_error(errors, name, "This field is required.");
        }
    } else if (strcmp(p, "notes") == 0) {
        body_text(body, "note", w->value, "text", errors);
        if (create && !cJSON_GetObjectItemCaseSensitive(w->value, "text"))
            field_error(errors, "note", "This field is required.");
    } else if (strcmp(p, "medication") == 0) {
        body_text(body, "name", w->value, "name", errors);
        body_text(body, "dosage_unit", w->value, "unit", errors);
        if (body_number(body, "dosage", &x, &present, &null, errors) && present) {
            cJSON_DeleteItemFromObjectCaseSensitive(w->value, "dose");
            if (!null)
                cJSON_AddNumberToObject(w->value, "dose", x);
        }
    }
}

/* Runs the draft through the catalogue's validator and writes it (the
 * route's transaction holds it). Answers errors itself; false then. */
static bool write_draft(struct request *r, const struct model *m, struct draft *w, bool deleted)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", w->id);
    cJSON_AddStringToObject(o, "subject_id", w->subject);
    cJSON_AddStringToObject(o, "type", w->type);
    cJSON_AddNumberToObject(o, "ts", (double)w->ts);
    if (w->has_end)
        cJSON_AddNumberToObject(o, "end_ts", (double)w->end_ts);
    cJSON_AddItemToObject(o, "value", cJSON_Duplicate(w->value, true));
    cJSON_AddNumberToObject(o, "created_at", (double)w->created_at);
    cJSON_AddNumberToObject(o, "updated_at", (double)w->updated_at);
    struct vobj v;
    struct entry_in e;
    v_init(&v, o, NULL);
    entry_read(&v, r, NULL, &e);
    if (!v_finish(&v)) {
        cJSON *errs = v_take_errors(&v);
        cJSON *out = cJSON_CreateObject();
        for (const cJSON *x = errs ? errs->child : NULL; x; x = x->next)
            field_error(out, bb_field(m, x->string),
                        cJSON_IsString(x) ? x->valuestring : "is not valid");
        cJSON_Delete(errs);
        v_free(&v);
        cJSON_Delete(e.value);
        cJSON_Delete(o);
        reply_field_errors(r, out);
        return false;
    }
    v_free(&v);
    if (!e.value) {
        cJSON_Delete(o);
        resp_error(r, 503, "overloaded", "Out of memory");
        return false;
    }
    e.deleted = deleted;
    enum apply_result res = entry_apply(
        d, fid, r->session->family_member_id[0] ? r->session->family_member_id : NULL, &e);
    cJSON_Delete(e.value);
    cJSON_Delete(o);
    switch (res) {
    case APPLY_CREATED:
    case APPLY_UPDATED:
    case APPLY_SAME:
        break;
    case APPLY_SLEEP_RUNNING: {
        cJSON *out = cJSON_CreateObject();
        field_error(out, "non_field_errors", "A sleep is already running for this child.");
        reply_field_errors(r, out);
        return false;
    }
    case APPLY_NOT_FOUND:
        not_found(r);
        return false;
    default:
        resp_internal(r);
        return false;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "api", m->path);
    cJSON_AddStringToObject(detail, "method", r->method);
    audit_record(r, d, fid, "api_write", w->id, detail);
    return true;
}

/* The stored entry as a draft (false: not there). */
static bool draft_load(struct request *r, const char *eid, struct draft *w)
{
    sqlite3_stmt *st = db_stmt(r->db, "SELECT subject_id, type, ts, end_ts, value, created_at, "
                                      "updated_at FROM entries WHERE id = ? AND family_id = ? "
                                      "AND deleted = 0");
    if (!st || !db_bind_text(st, 1, eid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW || !access_subject_visible(r, db_col_text(st, 0))) {
        if (st)
            sqlite3_reset(st);
        return false;
    }
    snprintf(w->id, sizeof w->id, "%s", eid);
    snprintf(w->subject, sizeof w->subject, "%s", db_col_text(st, 0));
    const char *type = db_col_text(st, 1);
    w->type = entry_types()[0];
    for (const char *const *t = entry_types(); *t; t++)
        if (strcmp(*t, type) == 0)
            w->type = *t; /* the catalogue's own string outlives the statement */
    w->ts = sqlite3_column_int64(st, 2);
    w->has_ts = true;
    w->has_end = sqlite3_column_type(st, 3) != SQLITE_NULL;
    w->end_ts = sqlite3_column_int64(st, 3);
    w->value = cJSON_Parse(db_col_text(st, 4));
    w->created_at = sqlite3_column_int64(st, 5);
    int64_t stored = sqlite3_column_int64(st, 6);
    sqlite3_reset(st);
    /* This write happens now: later than any version stored (a phone ahead
     * of the server may have stamped one up to two minutes on). */
    int64_t now = now_ms();
    w->updated_at = now > stored ? now : stored + 1;
    return w->value != NULL;
}

/* The person a body's "child" names, or the family's only person. */
static bool body_child(struct request *r, const cJSON *body, char out[37], cJSON *errors,
                       bool required)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "child");
    char num[32];
    if (cJSON_IsNumber(c))
        snprintf(num, sizeof num, "%.0f", c->valuedouble);
    else if (cJSON_IsString(c))
        snprintf(num, sizeof num, "%.30s", c->valuestring);
    if (cJSON_IsNumber(c) || cJSON_IsString(c)) {
        if (child_ref(r, num, out))
            return true;
        field_error(errors, "child", "Invalid pk - object does not exist.");
        return false;
    }
    if (c && !cJSON_IsNull(c)) {
        field_error(errors, "child", "Incorrect type. Expected pk value.");
        return false;
    }
    if (!required)
        return false;
    sqlite3_stmt *st = db_stmt(r->db, "SELECT min(id), count(*) FROM subjects WHERE family_id = ? "
                                      "AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN("id", 9));
    bool one = st && db_bind_text(st, 1, r->session->family_id) && access_bind_subjects(r, st, 9) &&
               sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 1) == 1;
    if (one)
        snprintf(out, 37, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!one)
        field_error(errors, "child", "This field is required.");
    return one;
}

/* A new timer's type from its name ("Feeding", "tummy time"...; sleep
 * otherwise), and the value such a running entry needs. */
static const char *timer_type(const char *name, cJSON *value)
{
    char low[64];
    size_t i = 0;
    for (; name && name[i] && i + 1 < sizeof low; i++)
        low[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    low[i] = '\0';
    if (strstr(low, "feed") || strstr(low, "nurs") || strstr(low, "breast")) {
        cJSON_AddStringToObject(value, "method", "breast_both");
        return "feed";
    }
    if (strstr(low, "tummy"))
        return "tummy_time";
    if (strstr(low, "pump")) {
        cJSON_AddStringToObject(value, "side", "both");
        return "pump";
    }
    return "sleep";
}

static void bb_post(struct request *r)
{
    if (!bb_body(r))
        return;
    const struct model *m = model_of(r);
    struct db *d = r->db;
    const struct tz *z = family_zone(d, r->session->family_id);
    cJSON *errors = cJSON_CreateObject();
    struct draft w;
    memset(&w, 0, sizeof w);
    w.value = cJSON_CreateObject();
    int64_t now = now_ms();
    w.created_at = w.updated_at = now;
    uuid_v4(w.id);
    w.type = m->type;
    /* "timer": the record takes the timer's child and start, ends now, and
     * is the timer's entry from then on (so the timer is gone). */
    const cJSON *timer = cJSON_GetObjectItemCaseSensitive(r->json, "timer");
    bool from_timer = timer && !cJSON_IsNull(timer) && m->shape == SHAPE_SPAN;
    if (from_timer) {
        char num[32], eid[37];
        if (cJSON_IsNumber(timer))
            snprintf(num, sizeof num, "%.0f", timer->valuedouble);
        else
            snprintf(num, sizeof num, "%.30s", cJSON_IsString(timer) ? timer->valuestring : "");
        const struct model *timers = &models[ARRAY_LEN(models) - 1];
        struct draft t;
        memset(&t, 0, sizeof t);
        sqlite3_stmt *st = NULL;
        const int64_t bounds[4] = {0, 0, 0, 0};
        const bool has[4] = {false, false, false, false};
        bool ok = ref_of(d, num, eid) && number_entry(d, eid) && (st = db_stmt(d, one_sql)) &&
                  bind_filters(r, st, timers, NULL, bounds, has) && db_bind_text(st, 10, eid) &&
                  sqlite3_step(st) == SQLITE_ROW;
        if (st)
            sqlite3_reset(st);
        if (!ok || !draft_load(r, eid, &t)) {
            cJSON_Delete(t.value);
            field_error(errors, "timer", "Timer does not exist.");
        } else {
            snprintf(w.id, sizeof w.id, "%s", t.id);
            snprintf(w.subject, sizeof w.subject, "%s", t.subject);
            w.created_at = t.created_at;
            w.updated_at = t.updated_at;
            if (strcmp(t.type, m->type) == 0) {
                cJSON_Delete(w.value); /* the timer's own fields carry over */
                w.value = t.value;
            } else {
                cJSON_Delete(t.value);
            }
            cJSON *patched = cJSON_Duplicate(r->json, true);
            cJSON_DeleteItemFromObjectCaseSensitive(patched, "start");
            cJSON_DeleteItemFromObjectCaseSensitive(patched, "end");
            char start[40], end[40];
            bb_time_format(z, t.ts, start);
            bb_time_format(z, now < t.ts ? t.ts : now, end);
            cJSON_AddStringToObject(patched, "start", start);
            cJSON_AddStringToObject(patched, "end", end);
            apply_body(m, patched, &w, z, errors, true);
            cJSON_Delete(patched);
        }
    } else if (m->shape == SHAPE_TIMER) {
        body_child(r, r->json, w.subject, errors, true);
        w.type = timer_type(str_member(r->json, "name", ""), w.value);
        w.ts = now;
        apply_body(m, r->json, &w, z, errors, true);
    } else {
        body_child(r, r->json, w.subject, errors, true);
        apply_body(m, r->json, &w, z, errors, true);
    }
    if (errors->child) {
        cJSON_Delete(w.value);
        reply_field_errors(r, errors);
        return;
    }
    cJSON_Delete(errors);
    bool ok = write_draft(r, m, &w, false);
    cJSON_Delete(w.value);
    if (ok && !reply_record(r, m, w.id, 201))
        resp_internal(r);
}

static void bb_patch(struct request *r)
{
    if (!bb_body(r))
        return;
    const struct model *m = model_of(r);
    struct db *d = r->db;
    char eid[37];
    struct draft w;
    memset(&w, 0, sizeof w);
    if (!record_ref(r, m, eid) || !draft_load(r, eid, &w)) {
        cJSON_Delete(w.value);
        not_found(r);
        return;
    }
    cJSON *errors = cJSON_CreateObject();
    const cJSON *child = cJSON_GetObjectItemCaseSensitive(r->json, "child");
    if (child && !cJSON_IsNull(child))
        body_child(r, r->json, w.subject, errors, false);
    apply_body(m, r->json, &w, family_zone(d, r->session->family_id), errors, false);
    if (errors->child) {
        cJSON_Delete(w.value);
        reply_field_errors(r, errors);
        return;
    }
    cJSON_Delete(errors);
    bool ok = write_draft(r, m, &w, false);
    cJSON_Delete(w.value);
    if (ok && !reply_record(r, m, eid, 200))
        resp_internal(r);
}

static void bb_delete(struct request *r)
{
    const struct model *m = model_of(r);
    char eid[37];
    struct draft w;
    memset(&w, 0, sizeof w);
    if (!record_ref(r, m, eid) || !draft_load(r, eid, &w)) {
        cJSON_Delete(w.value);
        not_found(r);
        return;
    }
    /* A weight off a growth entry that also holds a length stays a growth
     * entry without it. */
    bool other = false;
    if (m->measure) {
        static const char *const measures[] = {"weight_g", "length_cm", "head_cm"};
        for (size_t i = 0; i < ARRAY_LEN(measures); i++)
            other = other || (strcmp(measures[i], m->measure) != 0 &&
                              cJSON_GetObjectItemCaseSensitive(w.value, measures[i]));
        if (other)
            cJSON_DeleteItemFromObjectCaseSensitive(w.value, m->measure);
    }
    bool ok = write_draft(r, m, &w, !other);
    cJSON_Delete(w.value);
    if (ok)
        resp_no_content(r);
}

static void timer_restart(struct request *r)
{
    const struct model *m = model_of(r);
    char eid[37];
    struct draft w;
    memset(&w, 0, sizeof w);
    if (!record_ref(r, m, eid) || !draft_load(r, eid, &w)) {
        cJSON_Delete(w.value);
        not_found(r);
        return;
    }
    w.ts = now_ms();
    bool ok = write_draft(r, m, &w, false);
    cJSON_Delete(w.value);
    if (ok && !reply_record(r, m, eid, 200))
        resp_internal(r);
}

/* ---------- children ---------- */

/* "Emily Huerta" → "emily-huerta": Baby Buddy's slug of a child. */
static void slug_of(const char *name, char out[96])
{
    size_t n = 0;
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 2 < 96; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80) {
            if (dash && n)
                out[n++] = '-';
            out[n++] = (char)*p;
            dash = false;
        } else if (*p >= 'A' && *p <= 'Z') {
            if (dash && n)
                out[n++] = '-';
            out[n++] = (char)(*p + 32);
            dash = false;
        } else {
            dash = true;
        }
    }
    out[n] = '\0';
}

static cJSON *child_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    const char *name = db_col_text(st, 1);
    json_add_int64(o, "id", sqlite3_column_int64(st, 3));
    const char *space = strchr(name, ' ');
    char *first = strndup(name, space ? (size_t)(space - name) : strlen(name));
    cJSON_AddStringToObject(o, "first_name", first ? first : name);
    free(first);
    cJSON_AddStringToObject(o, "last_name", space ? space + 1 : "");
    json_col_text(o, "birth_date", st, 2);
    cJSON_AddNullToObject(o, "birth_time");
    char slug[96];
    slug_of(name, slug);
    cJSON_AddStringToObject(o, "slug", slug);
    cJSON_AddNullToObject(o, "picture");
    return o;
}

#define CHILD_SELECT                                                                               \
    "SELECT s.id, s.name, s.birth_date, c.num FROM subjects s JOIN compat_ids c ON c.ref = s.id "  \
    "WHERE s.family_id = ?1 AND s.deleted_at IS NULL AND " ACCESS_SUBJECT_IN("s.id", 9) " "

static void children_list(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    int64_t limit, offset;
    if (!query_int(r, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, &limit) ||
        !query_int(r, "offset", 0, INT32_MAX, 0, &offset))
        return;
    if (!number_rows(d, fid, &models[0])) {
        resp_internal(r);
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*) FROM subjects WHERE family_id = ? "
                                  "AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN("id", 9));
    if (!st || !db_bind_text(st, 1, fid) || !access_bind_subjects(r, st, 9) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    int64_t count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = db_stmt(d, CHILD_SELECT "ORDER BY s.created_at, s.id LIMIT ?2 OFFSET ?3");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, limit) ||
        !db_bind_int64(st, 3, offset) || !access_bind_subjects(r, st, 9)) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    json_add_int64(body, "count", count);
    page_link(r, body, "next", limit, offset + limit, offset + limit < count);
    page_link(r, body, "previous", limit, offset > limit ? offset - limit : 0, offset > 0);
    cJSON *results = cJSON_AddArrayToObject(body, "results");
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(results, child_json(st));
    sqlite3_reset(st);
    resp_json(r, 200, body);
}

/* The person {slug} names (their slug, or their number). */
static bool child_find(struct request *r, char sid[37])
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const char *want = req_param(r, "slug");
    if (child_ref(r, want, sid))
        return true;
    sqlite3_stmt *st = db_stmt(d, "SELECT id, name FROM subjects WHERE family_id = ? "
                                  "AND deleted_at IS NULL ORDER BY created_at, id");
    bool found = false;
    if (st && db_bind_text(st, 1, fid))
        while (!found && sqlite3_step(st) == SQLITE_ROW) {
            char slug[96];
            slug_of(db_col_text(st, 1), slug);
            if (strcmp(slug, want) == 0 && access_subject_visible(r, db_col_text(st, 0))) {
                snprintf(sid, 37, "%s", db_col_text(st, 0));
                found = true;
            }
        }
    if (st)
        sqlite3_reset(st);
    return found;
}

static bool reply_child(struct request *r, const char *sid, int status)
{
    struct db *d = r->db;
    if (num_of(d, sid) < 0)
        return false;
    sqlite3_stmt *st = db_stmt(d, CHILD_SELECT "AND s.id = ?2");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !db_bind_text(st, 2, sid) ||
        !access_bind_subjects(r, st, 9) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        return false;
    }
    cJSON *o = child_json(st);
    sqlite3_reset(st);
    resp_json(r, status, o);
    return true;
}

static void child_get(struct request *r)
{
    char sid[37];
    if (!child_find(r, sid) || !reply_child(r, sid, 200))
        not_found(r);
}

static bool owner_only(struct request *r)
{
    if (r->session->role >= ROLE_OWNER)
        return true;
    bb_error(r, 403, "forbidden", "Only the family's owners add, change or remove children.");
    return false;
}

/* first_name + last_name and birth_date from a body into name/date. */
static void child_fields(const cJSON *body, char name[200], const char **birth, cJSON *errors,
                         bool create, const char *old_name)
{
    const cJSON *first = cJSON_GetObjectItemCaseSensitive(body, "first_name");
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(body, "last_name");
    const cJSON *bd = cJSON_GetObjectItemCaseSensitive(body, "birth_date");
    if ((first && !cJSON_IsString(first)) || (create && !first))
        field_error(errors, "first_name",
                    create && !first ? "This field is required." : "Not a valid string.");
    if (last && !cJSON_IsString(last) && !cJSON_IsNull(last))
        field_error(errors, "last_name", "Not a valid string.");
    const char *old_space = old_name ? strchr(old_name, ' ') : NULL;
    char old_first[100] = "";
    if (old_name)
        snprintf(old_first, sizeof old_first, "%.*s",
                 (int)(old_space ? (size_t)(old_space - old_name) : strlen(old_name)), old_name);
    const char *f = cJSON_IsString(first) ? first->valuestring : old_first;
    const char *l = cJSON_IsString(last) ? last->valuestring
                    : last               ? ""
                    : old_space          ? old_space + 1
                                         : "";
    snprintf(name, 200, "%s%s%s", f, *l ? " " : "", l);
    size_t chars;
    if (!errors->child && (!*name || !utf8_check(name, false, &chars) || chars > 80))
        field_error(errors, "first_name", "Ensure the name has 1 to 80 characters.");
    *birth = NULL;
    struct date d;
    if (bd && !cJSON_IsNull(bd)) {
        if (!cJSON_IsString(bd) || !date_parse(bd->valuestring, &d))
            field_error(errors, "birth_date",
                        "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
        else
            *birth = bd->valuestring;
    } else if (create) {
        field_error(errors, "birth_date", "This field is required.");
    }
}

static void child_post(struct request *r)
{
    if (!bb_body(r) || !owner_only(r))
        return;
    cJSON *errors = cJSON_CreateObject();
    char name[200];
    const char *birth;
    child_fields(r->json, name, &birth, errors, true, NULL);
    if (errors->child) {
        reply_field_errors(r, errors);
        return;
    }
    cJSON_Delete(errors);
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const struct catalogue *cat = catalogue();
    sqlite3_stmt *c = db_stmt(d, "SELECT count(*) FROM subjects WHERE family_id = ?");
    int n = (c && db_bind_text(c, 1, fid) && sqlite3_step(c) == SQLITE_ROW)
                ? sqlite3_column_int(c, 0)
                : 0;
    if (c)
        sqlite3_reset(c);
    char sid[37];
    uuid_v4(sid);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO subjects (id, family_id, name, kind, birth_date, "
                                  "colour, created_at, updated_at) VALUES (?, ?, ?, 'baby', ?, ?, "
                                  "?, ?)");
    bool ok = st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, name) && db_bind_text(st, 4, birth) &&
              db_bind_text(st, 5, cat->colours[(size_t)n % cat->ncolours]) &&
              db_bind_int64(st, 6, now) && db_bind_int64(st, 7, now) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "subject_added", sid, NULL);
    if (!reply_child(r, sid, 201))
        resp_internal(r);
}

static void child_patch(struct request *r)
{
    if (!bb_body(r))
        return;
    char sid[37];
    if (!child_find(r, sid)) {
        not_found(r);
        return;
    }
    if (!owner_only(r))
        return;
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, "SELECT name FROM subjects WHERE id = ?");
    char old[200] = "";
    if (st && db_bind_text(st, 1, sid) && sqlite3_step(st) == SQLITE_ROW)
        snprintf(old, sizeof old, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    cJSON *errors = cJSON_CreateObject();
    char name[200];
    const char *birth;
    child_fields(r->json, name, &birth, errors, false, old);
    if (errors->child) {
        reply_field_errors(r, errors);
        return;
    }
    cJSON_Delete(errors);
    bool set_birth = cJSON_GetObjectItemCaseSensitive(r->json, "birth_date") != NULL;
    st = db_stmt(d, "UPDATE subjects SET name = ?1, birth_date = CASE WHEN ?2 THEN ?3 ELSE "
                    "birth_date END, updated_at = ?4 WHERE id = ?5");
    if (!st || !db_bind_text(st, 1, name) || !db_bind_int64(st, 2, set_birth) ||
        !db_bind_text(st, 3, birth) || !db_bind_int64(st, 4, now_ms()) ||
        !db_bind_text(st, 5, sid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, r->session->family_id, "subject_updated", sid, NULL);
    if (!reply_child(r, sid, 200))
        resp_internal(r);
}

static void child_delete(struct request *r)
{
    char sid[37];
    if (!child_find(r, sid)) {
        not_found(r);
        return;
    }
    if (!owner_only(r))
        return;
    struct db *d = r->db;
    /* As carelog removes a person: kept, so their log keeps its subject. */
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE subjects SET deleted_at = ?, updated_at = ? WHERE id = ?");
    int64_t now = now_ms();
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, now) ||
        !db_bind_text(st, 3, sid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, r->session->family_id, "subject_removed", sid, NULL);
    resp_no_content(r);
}

/* ---------- the root: where each endpoint is ---------- */

static void api_root(struct request *r)
{
    const char *base = self_base(r);
    cJSON *o = cJSON_CreateObject();
    char *url = req_printf(r, "%s/api/children/", base);
    cJSON_AddStringToObject(o, "children", url ? url : "");
    for (size_t i = 0; i < ARRAY_LEN(models); i++) {
        url = req_printf(r, "%s/api/%s/", base, models[i].path);
        cJSON_AddStringToObject(o, models[i].path, url ? url : "");
    }
    url = req_printf(r, "%s/api/profile", base);
    cJSON_AddStringToObject(o, "profile", url ? url : "");
    resp_json(r, 200, o);
}

/* ---------- profile ---------- */

static void profile_get(struct request *r)
{
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(u.name, m.guest_name, ''), coalesce(u.email, "
                                  "''), coalesce(u.locale, 'en'), f.timezone FROM members m "
                                  "JOIN families f ON f.id = m.family_id "
                                  "LEFT JOIN users u ON u.id = m.user_id WHERE m.id = ?");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_internal(r);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *u = cJSON_AddObjectToObject(o, "user");
    json_add_int64(u, "id", num_of(d, r->session->family_member_id));
    cJSON_AddStringToObject(u, "username", db_col_text(st, 1));
    cJSON_AddStringToObject(u, "first_name", db_col_text(st, 0));
    cJSON_AddStringToObject(u, "last_name", "");
    cJSON_AddStringToObject(u, "email", db_col_text(st, 1));
    cJSON_AddBoolToObject(u, "is_staff", r->session->role >= ROLE_OWNER);
    cJSON_AddStringToObject(o, "language", db_col_text(st, 2));
    cJSON_AddStringToObject(o, "timezone", db_col_text(st, 3));
    /* The key is stored hashed: it cannot be shown again. */
    cJSON_AddNullToObject(o, "api_key");
    sqlite3_reset(st);
    resp_json(r, 200, o);
}

/* ---------- carelog's side: the tokens ---------- */

static cJSON *token_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    json_col_text(o, "id", st, 0);
    json_col_text(o, "name", st, 1);
    json_col_text(o, "member_id", st, 2);
    json_col_text(o, "member_name", st, 3);
    json_col_text(o, "role", st, 4);
    json_col_int(o, "created_at", st, 5);
    json_col_int(o, "last_used_at", st, 6);
    return o;
}

#define TOKEN_SELECT                                                                               \
    "SELECT t.id, t.name, t.member_id, coalesce(u.name, m.guest_name), m.role, t.created_at, "     \
    "t.last_used_at FROM api_tokens t JOIN members m ON m.id = t.member_id "                       \
    "LEFT JOIN users u ON u.id = m.user_id WHERE t.family_id = ?1 AND t.revoked_at IS NULL "       \
    "AND m.removed_at IS NULL "

static bool is_member(struct request *r)
{
    if (r->session->family_member_id[0])
        return true;
    resp_error(r, 403, "forbidden", "API tokens belong to members of the family");
    return false;
}

/* A member sees their own tokens; an owner sees everyone's. */
static void tokens_get(struct request *r)
{
    if (!is_member(r))
        return;
    sqlite3_stmt *st = db_stmt(r->db, TOKEN_SELECT "AND (?2 OR t.member_id = ?3) "
                                                   "ORDER BY t.created_at, t.id");
    if (!st || !db_bind_text(st, 1, r->session->family_id) ||
        !db_bind_int64(st, 2, r->session->role >= ROLE_OWNER) ||
        !db_bind_text(st, 3, r->session->family_member_id)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "tokens", token_json);
}

static void token_post(struct request *r)
{
    if (!is_member(r))
        return;
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL;
    v_string(&v, "name", V_REQUIRED, 1, 60, &name);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *fid = r->session->family_id, *mid = r->session->family_member_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*) FROM api_tokens WHERE family_id = ? "
                                  "AND member_id = ? AND revoked_at IS NULL");
    int n = (st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, mid) &&
             sqlite3_step(st) == SQLITE_ROW)
                ? sqlite3_column_int(st, 0)
                : -1;
    if (st)
        sqlite3_reset(st);
    if (n < 0) {
        resp_internal(r);
        return;
    }
    if (n >= MAX_TOKENS_PER_MEMBER) {
        resp_error(r, 409, "too_many_tokens",
                   "Revoke a token first: 20 is the most one member holds");
        return;
    }
    char token[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1], id[37];
    token_new(token);
    token_hash(token, hash);
    uuid_v4(id);
    st = db_stmt(d, "INSERT INTO api_tokens (id, family_id, member_id, name, token_hash, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st || !db_bind_text(st, 1, id) || !db_bind_text(st, 2, fid) || !db_bind_text(st, 3, mid) ||
        !db_bind_text(st, 4, name) || !db_bind_text(st, 5, hash) ||
        !db_bind_int64(st, 6, now_ms()) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "name", name);
    audit_record(r, d, fid, "api_token_created", id, detail);
    st = db_stmt(d, TOKEN_SELECT "AND t.id = ?2");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    cJSON *o = token_json(st);
    sqlite3_reset(st);
    /* The key itself, this once: only its hash is kept. */
    cJSON_AddStringToObject(o, "token", token);
    resp_json(r, 201, o);
}

static void token_delete(struct request *r)
{
    if (!is_member(r))
        return;
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 "
                                  "AND family_id = ?3 AND revoked_at IS NULL "
                                  "AND (?4 OR member_id = ?5)");
    if (!st || !db_bind_int64(st, 1, now_ms()) || !db_bind_text(st, 2, req_param(r, "tid")) ||
        !db_bind_text(st, 3, r->session->family_id) ||
        !db_bind_int64(st, 4, r->session->role >= ROLE_OWNER) ||
        !db_bind_text(st, 5, r->session->family_member_id) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such token");
        return;
    }
    audit_record(r, d, r->session->family_id, "api_token_revoked", req_param(r, "tid"), NULL);
    resp_no_content(r);
}

CARELOG_PROGRAM(babybuddy, babybuddy_init, NULL)
