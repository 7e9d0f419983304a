/* entries.c — the care log itself: typed entries with client-made UUIDs,
 * written idempotently (last write wins on the client's updated_at, ties
 * broken by content), deleted as tombstones, listed newest first, synced in
 * batches (an offline outbox flushed in order plus a pull of what others
 * wrote), and the family's quick-log button configuration. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/acttype.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/entrywrite.h"
#include "data/tz.h"

static void entries_get(struct request *r);
static void entry_put(struct request *r);
static void entry_delete(struct request *r);
static void sync_post(struct request *r);
static void changes_get(struct request *r);
static void config_get(struct request *r);
static void config_put(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/entries", entries_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/entries/{eid}", entry_put, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/entries/{eid}", entry_delete, ACCESS_CAREGIVER, ROUTE_WRITE},
    /* Viewers may pull through sync; pushing changes needs a caregiver. */
    {"POST", "/api/v1/families/{fid}/sync", sync_post, ACCESS_VIEWER, ROUTE_JSON},
    {"GET", "/api/v1/families/{fid}/changes", changes_get, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/config", config_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/config", config_put, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
};

#define MAX_SYNC_CHANGES 500
#define MAX_PULL         5000
#define DEFAULT_PULL     1000

/* ---------- reading entries ---------- */

static cJSON *entry_json(struct db *d, const char *id)
{
    sqlite3_stmt *st = db_stmt(d, ENTRY_SELECT "WHERE e.id = ?");
    if (!st || !db_bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    cJSON *o = entry_json_row(st);
    sqlite3_reset(st);
    return o;
}

/* ---------- writing entries ---------- */

static const char *author_of(struct request *r)
{
    return r->session->family_member_id[0] ? r->session->family_member_id : NULL;
}

/* Answers one PUT/DELETE by the apply result; the entry shown is the stored
 * (winning) version. */
static void reply_applied(struct request *r, struct db *d, const char *id, enum apply_result res)
{
    cJSON *entry = NULL;
    switch (res) {
    case APPLY_CREATED:
    case APPLY_UPDATED:
    case APPLY_SAME:
        entry = entry_json(d, id);
        if (!entry) {
            resp_internal(r);
            return;
        }
        resp_json(r, res == APPLY_CREATED ? 201 : 200, entry);
        return;
    case APPLY_STALE: {
        cJSON *body = cJSON_CreateObject();
        cJSON *err = cJSON_AddObjectToObject(body, "error");
        cJSON_AddStringToObject(err, "code", "stale");
        cJSON_AddStringToObject(err, "message", "A newer version is stored; here it is");
        entry = entry_json(d, id);
        cJSON_AddItemToObject(body, "entry", entry ? entry : cJSON_CreateNull());
        resp_json(r, 409, body);
        return;
    }
    case APPLY_NOT_FOUND:
        resp_error(r, 404, "not_found", "No such entry");
        return;
    case APPLY_SLEEP_RUNNING:
        resp_error(r, 409, "sleep_running", "A sleep is already running for this person");
        return;
    case APPLY_ERROR:
        break;
    }
    resp_internal(r);
}

/* Applies one change (the route's transaction holds it) and answers it. */
static void apply_and_reply(struct request *r, struct db *d, struct entry_in *e)
{
    enum apply_result res = entry_apply(d, r->session->family_id, author_of(r), e);
    cJSON_Delete(e->value);
    reply_applied(r, d, e->id, res);
}

static void entry_put(struct request *r)
{
    struct db *d = r->db;
    if (entry_hidden(r, req_param(r, "eid"))) {
        resp_error(r, 404, "not_found", "No such entry");
        return;
    }
    struct vobj v;
    struct entry_in e;
    v_init(&v, r->json, NULL);
    entry_read(&v, r, req_param(r, "eid"), &e);
    if (!v_finish(&v)) {
        cJSON_Delete(e.value);
        v_reply(r, &v);
        return;
    }
    v_free(&v);
    if (!e.value) {
        resp_error(r, 503, "overloaded", "Out of memory");
        return;
    }
    e.deleted = false; /* a PUT always stores a live entry (undo of a delete is a PUT) */
    apply_and_reply(r, d, &e);
}

static void entry_delete(struct request *r)
{
    int64_t updated_at;
    if (!query_int(r, "updated_at", 946684800000LL, 7258118400000LL, now_ms(), &updated_at))
        return;
    struct db *d = r->db;
    const char *id = req_param(r, "eid");
    struct entry_in e = {0};
    char *strings[2] = {NULL, NULL};
    if (entry_hidden(r, id) || !entry_load(d, r->session->family_id, id, &e, strings)) {
        cJSON_Delete(e.value);
        free(strings[0]);
        free(strings[1]);
        resp_error(r, 404, "not_found", "No such entry");
        return;
    }
    e.deleted = true;
    e.updated_at = updated_at;
    apply_and_reply(r, d, &e);
    free(strings[0]);
    free(strings[1]);
}

/* ---------- listing and pulling ---------- */

static void entries_get(struct request *r)
{
    const char *subject = NULL, *type = NULL, *before = NULL;
    int64_t limit;
    if (!query_int(r, "limit", 1, 200, 50, &limit))
        return;
    if (req_query(r, "subject", &subject) < 0 || req_query(r, "type", &type) < 0 ||
        req_query(r, "before", &before) < 0) {
        resp_error(r, 400, "validation_failed", "A query parameter is not valid");
        return;
    }
    /* Keyset paging: before = "<ts>_<id>" of the last entry of the previous page. */
    int64_t before_ts = INT64_MAX;
    const char *before_id = "";
    if (before && *before) {
        char *us = strchr(before, '_');
        if (!us || (*us = '\0', !parse_int64(before, &before_ts)) || !uuid_is_valid(us + 1)) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "before", "must be a next_before value from a listing");
            resp_error_fields(r, 400, "validation_failed", "A query parameter is invalid", f);
            return;
        }
        before_id = us + 1;
    } else {
        before_id = "~"; /* sorts after every UUID */
    }
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(
        d, ENTRY_SELECT
        "WHERE e.family_id = ?1 AND e.deleted = 0 "
        "AND (?2 IS NULL OR e.subject_id = ?2) AND (?3 IS NULL OR e.type = ?3) "
        "AND (e.ts < ?4 OR (e.ts = ?4 AND e.id < ?5)) "
        "AND " ACCESS_SUBJECT_IN("e.subject_id", 7) " "
                                                    "ORDER BY e.ts DESC, e.id DESC LIMIT ?6");
    if (!st || !db_bind_text(st, 1, r->session->family_id) ||
        !db_bind_text(st, 2, subject && *subject ? subject : NULL) ||
        !db_bind_text(st, 3, type && *type ? type : NULL) || !db_bind_int64(st, 4, before_ts) ||
        !db_bind_text(st, 5, before_id) || !db_bind_int64(st, 6, limit) ||
        !access_bind_subjects(r, st, 7)) {
        resp_internal(r);
        return;
    }
    struct buf b;
    buf_init(&b, 16u << 20);
    buf_puts(&b, "{\"entries\":[");
    int n = 0, rc;
    int64_t last_ts = 0;
    char last_id[40] = "";
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            buf_puts(&b, ",");
        entry_json_write(&b, st);
        last_ts = sqlite3_column_int64(st, 3);
        snprintf(last_id, sizeof last_id, "%s", db_col_text(st, 0));
    }
    buf_puts(&b, "],\"next_before\":");
    if (n == limit)
        buf_printf(&b, "\"%lld_%s\"", (long long)last_ts, last_id); /* a UUID: nothing to escape */
    else
        buf_puts(&b, "null");
    buf_puts(&b, "}");
    if (rc != SQLITE_DONE || b.oom) {
        resp_internal(r);
    } else {
        resp_header(r, "Cache-Control", "no-store");
        resp_raw(r, 200, "application/json", b.p, b.len);
    }
    buf_free(&b);
}

/* Answers 200 with `head` (the members before it, "{" or "{...,") then
 * "changes" for seq > since, "cursor" and "more". The answer is written as
 * the rows are read, so a page of 5,000 entries never sits in memory as one
 * tree; a database error after the first bytes can only cut it short (the
 * client's JSON parse fails and it pulls again). False when nothing was
 * sent (the caller answers 500). */
static bool reply_changes(struct request *r, struct db *d, int64_t since, int64_t limit,
                          const char *head)
{
    /* A hidden person's changes are skipped, but the cursor still moves
     * past them (more/cursor count every row of the family). */
    sqlite3_stmt *st = db_stmt(d, ENTRY_SELECT "WHERE e.family_id = ?1 AND e.seq > ?2 "
                                               "ORDER BY e.seq LIMIT ?3");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !db_bind_int64(st, 2, since) ||
        !db_bind_int64(st, 3, limit + 1))
        return false;
    resp_header(r, "Cache-Control", "no-store");
    if (!resp_begin(r, 200, "application/json"))
        return false;
    struct buf b;
    buf_init(&b, 4 << 20);
    buf_puts(&b, head);
    buf_puts(&b, "\"changes\":[");
    int64_t cursor = since, n = 0, sent = 0;
    bool more = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        cursor = sqlite3_column_int64(st, 11);
        n++;
        if (!access_subject_visible(r, db_col_text(st, 1)))
            continue;
        if (sent++)
            buf_puts(&b, ",");
        if (!entry_json_write(&b, st))
            break;
        if (b.len >= 64 << 10) {
            resp_write(r, b.p, b.len);
            buf_reset(&b);
        }
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        buf_printf(&b, "],\"cursor\":%lld,\"more\":%s}", (long long)cursor,
                   more ? "true" : "false");
    if (!b.oom)
        resp_write(r, b.p, b.len);
    buf_free(&b);
    return true;
}

static void changes_get(struct request *r)
{
    int64_t since, limit;
    if (!query_int(r, "since", 0, INT64_MAX, 0, &since) ||
        !query_int(r, "limit", 1, MAX_PULL, DEFAULT_PULL, &limit))
        return;
    if (!reply_changes(r, r->db, since, limit, "{"))
        resp_internal(r);
}

/* ---------- sync: push an outbox in order, pull what others wrote ---------- */

static cJSON *sync_result(const char *id, const char *status)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id ? id : "");
    cJSON_AddStringToObject(o, "status", status);
    return o;
}

static cJSON *error_object(const char *code, const char *message, cJSON *fields)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    if (fields)
        cJSON_AddItemToObject(e, "fields", fields);
    return e;
}

/* One change of a sync batch, inside a savepoint so a failure undoes only it. */
static cJSON *sync_one(struct request *r, struct db *d, const cJSON *change)
{
    struct vobj v;
    struct entry_in e;
    const char *op = NULL;
    static const char *const ops[] = {"put", "delete", NULL};
    v_init(&v, change, NULL);
    v_enum(&v, "op", V_REQUIRED, ops, &op);
    const char *fid = r->session->family_id;
    char *strings[2] = {NULL, NULL};
    memset(&e, 0, sizeof e);
    if (op && strcmp(op, "delete") == 0) {
        const char *id = NULL;
        int64_t at = 0;
        v_uuid(&v, "id", V_REQUIRED, &id);
        v_epoch_ms(&v, "updated_at", V_REQUIRED, &at);
        if (v_finish(&v) && (entry_hidden(r, id) || !entry_load(d, fid, id, &e, strings))) {
            cJSON *res = sync_result(id, "invalid");
            cJSON_AddItemToObject(res, "error", error_object("not_found", "No such entry", NULL));
            free(strings[0]);
            free(strings[1]);
            cJSON_Delete(e.value);
            v_free(&v);
            return res;
        }
        e.deleted = true;
        e.updated_at = at;
    } else {
        entry_read(&v, r, NULL, &e);
        e.deleted = false;
        /* An entry of a person hidden from the caller is another family's. */
        if (e.id && entry_hidden(r, e.id)) {
            cJSON *res = sync_result(e.id, "invalid");
            cJSON_AddItemToObject(res, "error", error_object("not_found", "No such entry", NULL));
            cJSON_Delete(e.value);
            v_free(&v);
            return res;
        }
    }
    if (!v_finish(&v)) {
        const cJSON *idj = cJSON_GetObjectItemCaseSensitive(change, "id");
        cJSON *res = sync_result(cJSON_IsString(idj) ? idj->valuestring : "", "invalid");
        cJSON_AddItemToObject(
            res, "error",
            error_object("validation_failed", "The change is not valid", v_take_errors(&v)));
        free(strings[0]);
        free(strings[1]);
        cJSON_Delete(e.value);
        v_free(&v);
        return res;
    }
    v_free(&v);
    sqlite3_exec(d->h, "SAVEPOINT change", NULL, NULL, NULL);
    enum apply_result res = e.value ? entry_apply(d, fid, author_of(r), &e) : APPLY_ERROR;
    if (res == APPLY_CREATED || res == APPLY_UPDATED)
        sqlite3_exec(d->h, "RELEASE change", NULL, NULL, NULL);
    else
        sqlite3_exec(d->h, "ROLLBACK TO change; RELEASE change", NULL, NULL, NULL);
    cJSON *out;
    switch (res) {
    case APPLY_CREATED:
    case APPLY_UPDATED:
    case APPLY_SAME:
        out = sync_result(e.id, "applied");
        break;
    case APPLY_STALE:
        out = sync_result(e.id, "stale");
        break;
    case APPLY_NOT_FOUND:
        out = sync_result(e.id, "invalid");
        cJSON_AddItemToObject(out, "error", error_object("not_found", "No such entry", NULL));
        break;
    case APPLY_SLEEP_RUNNING:
        out = sync_result(e.id, "invalid");
        cJSON_AddItemToObject(
            out, "error",
            error_object("sleep_running", "A sleep is already running for this person", NULL));
        break;
    default:
        out = sync_result(e.id, "invalid");
        cJSON_AddItemToObject(out, "error",
                              error_object("internal", "The change could not be stored", NULL));
        break;
    }
    if (res == APPLY_CREATED || res == APPLY_UPDATED || res == APPLY_SAME || res == APPLY_STALE) {
        cJSON *stored = entry_json(d, e.id);
        cJSON_AddItemToObject(out, "entry", stored ? stored : cJSON_CreateNull());
    }
    cJSON_Delete(e.value);
    free(strings[0]);
    free(strings[1]);
    return out;
}

/* An atomic batch that failed: the changes that had applied are undone,
 * and say so ("aborted", without the entry they would have stored). */
static void atomic_aborted(cJSON *results)
{
    for (cJSON *one = results->child; one; one = one->next) {
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(one, "status");
        if (!cJSON_IsString(status) || strcmp(status->valuestring, "applied") != 0)
            continue;
        cJSON_ReplaceItemInObjectCaseSensitive(one, "status", cJSON_CreateString("aborted"));
        cJSON_DeleteItemFromObjectCaseSensitive(one, "entry");
    }
}

static void sync_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    int64_t cursor = 0, limit = DEFAULT_PULL;
    const cJSON *changes = NULL;
    v_int(&v, "cursor", V_REQUIRED, 0, INT64_MAX / 2, &cursor);
    v_array(&v, "changes", 0, MAX_SYNC_CHANGES, &changes);
    v_int(&v, "limit", 0, 1, MAX_PULL, &limit);
    /* All or nothing: an event logged for several people at once (twins),
     * or undone together; one change that does not apply undoes them all. */
    bool atomic = false;
    v_bool(&v, "atomic", 0, &atomic);
    if (!v_accept(r, &v))
        return;
    int n = changes ? cJSON_GetArraySize(changes) : 0;
    if (n > 0 && r->session->role < ROLE_CAREGIVER) {
        resp_error(r, 403, "forbidden", "Viewers cannot change anything");
        return;
    }
    struct db *d = r->db;
    cJSON *body = cJSON_CreateObject();
    cJSON *results = cJSON_AddArrayToObject(body, "results");
    if (n > 0) {
        /* One transaction for the batch (fast), a savepoint per change (a bad
         * one is undone alone); changes apply in the order sent. */
        if (!req_begin(r)) {
            cJSON_Delete(body);
            return;
        }
        if (atomic)
            sqlite3_exec(d->h, "SAVEPOINT batch", NULL, NULL, NULL);
        bool failed = false;
        for (const cJSON *c = changes->child; c; c = c->next) {
            cJSON *one = sync_one(r, d, c);
            const cJSON *status = cJSON_GetObjectItemCaseSensitive(one, "status");
            failed = failed || !cJSON_IsString(status) || strcmp(status->valuestring, "applied");
            cJSON_AddItemToArray(results, one);
        }
        if (atomic && failed) {
            sqlite3_exec(d->h, "ROLLBACK TO batch", NULL, NULL, NULL);
            atomic_aborted(results);
        }
        if (atomic)
            sqlite3_exec(d->h, "RELEASE batch", NULL, NULL, NULL);
        if (!req_commit(r)) {
            cJSON_Delete(body);
            return;
        }
    }
    /* The results first (at most 500), then the pull, written as it goes. */
    char *results_text = cJSON_PrintUnformatted(results);
    cJSON_Delete(body);
    char *head = results_text ? req_printf(r, "{\"results\":%s,", results_text) : NULL;
    free(results_text);
    if (!head || !reply_changes(r, d, cursor, limit, head))
        resp_internal(r);
}

/* ---------- quick-log buttons ---------- */

/* A family without its own buttons gets the catalogue's default set for the
 * kinds of people it cares for (a baby's feeds and diapers, an adult's
 * medicines and vitals); with nobody yet, the default kind's. */
static cJSON *default_groups(struct db *d, const char *fid)
{
    const struct catalogue *c = catalogue();
    unsigned kinds = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT DISTINCT kind FROM subjects "
                                  "WHERE family_id = ? AND deleted_at IS NULL");
    if (st && db_bind_text(st, 1, fid))
        while (sqlite3_step(st) == SQLITE_ROW)
            kinds |= catalogue_kind_bit(c, db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    return catalogue_default_buttons(c, kinds);
}

static void reply_config(struct request *r, struct db *d, int status)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT data, seq FROM family_config WHERE family_id = ?");
    if (!st || !db_bind_text(st, 1, r->session->family_id)) {
        resp_internal(r);
        return;
    }
    bool stored = sqlite3_step(st) == SQLITE_ROW;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "version", stored ? (double)sqlite3_column_int64(st, 1) : 0);
    cJSON *groups = stored ? cJSON_Parse(db_col_text(st, 0)) : NULL;
    sqlite3_reset(st);
    if (!stored)
        groups = default_groups(d, r->session->family_id);
    cJSON_AddItemToObject(body, "groups", groups ? groups : cJSON_CreateArray());
    cJSON_AddBoolToObject(body, "default", !stored);
    resp_json(r, status, body);
}

static void config_get(struct request *r)
{
    reply_config(r, r->db, 200);
}

/* Validates the groups and returns a normalised copy (only known fields). */
static cJSON *config_read(struct vobj *v, const cJSON *groups, const struct family_types *ft)
{
    cJSON *out = cJSON_CreateArray();
    int gi = 0;
    for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next, gi++) {
        char gname[32];
        snprintf(gname, sizeof gname, "groups[%d]", gi);
        struct vobj gv;
        v_init_nested(&gv, v, g, gname);
        const char *category = NULL;
        bool stateful = false;
        const cJSON *buttons = NULL;
        v_string(&gv, "category", V_REQUIRED, 1, 40, &category);
        v_bool(&gv, "stateful", 0, &stateful);
        v_array(&gv, "buttons", V_REQUIRED, 12, &buttons);
        cJSON *go = cJSON_CreateObject();
        cJSON_AddStringToObject(go, "category", category ? category : "");
        cJSON_AddBoolToObject(go, "stateful", stateful);
        cJSON *bo = cJSON_AddArrayToObject(go, "buttons");
        int bi = 0;
        for (const cJSON *b = buttons ? buttons->child : NULL; b; b = b->next, bi++) {
            char bname[32];
            snprintf(bname, sizeof bname, "buttons[%d]", bi);
            struct vobj bv;
            v_init_nested(&bv, &gv, b, bname);
            const char *label = NULL, *type = NULL;
            const cJSON *value = NULL;
            bool timing = false;
            bool has_label = v_string(&bv, "label", 0, 1, 40, &label);
            /* the family's own types get buttons as the built-in ones do */
            bool has_type = v_enum(&bv, "type", V_REQUIRED, ft ? ft->names : entry_types(), &type);
            const struct cat_type *t = has_type ? family_type(ft, type) : NULL;
            bool has_value = v_object(&bv, "value", 0, &value);
            v_bool(&bv, "timing", 0, &timing);
            if (timing && t && !t->timed)
                v_error(&bv, "timing", timed_only_message("only timed types run as timers"));
            if (t && has_value)
                cat_value_check(&bv, t, value, true);
            v_finish(&bv);
            cJSON *one = cJSON_CreateObject();
            if (has_label)
                cJSON_AddStringToObject(one, "label", label);
            cJSON_AddStringToObject(one, "type", type ? type : "");
            cJSON *norm = t && has_value ? cat_value_normalise(t, value) : NULL;
            cJSON_AddItemToObject(one, "value", norm ? norm : cJSON_CreateObject());
            cJSON_AddBoolToObject(one, "timing", timing);
            cJSON_AddItemToArray(bo, one);
        }
        v_finish(&gv);
        cJSON_AddItemToArray(out, go);
    }
    return out;
}

static void config_put(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const cJSON *groups = NULL;
    int64_t expected = -1;
    bool has_version = v_int(&v, "version", 0, 0, INT64_MAX / 2, &expected);
    v_array(&v, "groups", V_REQUIRED, 12, &groups);
    v_is_null(&v, "default");
    cJSON *normal = config_read(&v, groups, family_types(r->db, r->session->family_id));
    if (!v_finish(&v)) {
        cJSON_Delete(normal);
        v_reply(r, &v);
        return;
    }
    v_free(&v);
    struct db *d = r->db;
    char *text = cJSON_PrintUnformatted(normal);
    cJSON_Delete(normal);
    if (!text) {
        resp_internal(r);
        return;
    }
    const char *fid = r->session->family_id;
    /* Optimistic concurrency: a client that read version N may only replace N. */
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce((SELECT seq FROM family_config "
                                  "WHERE family_id = ?), 0)");
    int64_t current = (st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW)
                          ? sqlite3_column_int64(st, 0)
                          : -1;
    if (st)
        sqlite3_reset(st);
    if (current < 0 || (has_version && expected != current)) {
        free(text);
        if (current < 0) {
            resp_internal(r);
            return;
        }
        resp_error(r, 409, "stale", "The buttons were changed meanwhile; reload them");
        return;
    }
    int64_t seq = entry_next_seq(d);
    st = db_stmt(d, "INSERT INTO family_config (family_id, data, seq, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (family_id) DO UPDATE SET "
                    "data = excluded.data, seq = excluded.seq, updated_at = excluded.updated_at");
    bool ok = seq > 0 && st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, text) &&
              db_bind_int64(st, 3, seq) && db_bind_int64(st, 4, now_ms()) && db_step_done(d, st);
    free(text);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_config(r, d, 200);
}

/* Under lighttpd this program also runs the database's checkpointer (every
 * program's commits leave it to this one thread: data/db.c). */
static bool entries_init(void)
{
    return FCGX_IsCGI() || db_checkpointer_start(cfg.db_path);
}

static void entries_shutdown(void)
{
    db_checkpointer_stop();
}

/* Caregivers' writes land here: 16 workers let a group commit share one
 * fsync among up to 16 requests (with 4, the CPU per PUT was ~35% higher
 * under 50 connections: make bench, issue 15). */
CARELOG_PROGRAM_THREADS(entries, entries_init, entries_shutdown, 16)
