/* inbox.c — the caller's in-app inbox: every notification the server sent
 * them (lib/push/notify.c stores each one), over all their families, newest
 * first and paged, with the unread count; marking one or all read; and which
 * kinds also come as push. An account's inbox spans its memberships; a guest
 * device's is its one member's. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/entrywrite.h"
#include "data/notices.h"
#include "push/notify.h"

static void inbox_get(struct request *r);
static void inbox_read_one(struct request *r);
static void inbox_read_all(struct request *r);
static void prefs_get(struct request *r);
static void prefs_put(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/inbox", inbox_get, ACCESS_SESSION, 0},
    {"POST", "/api/v1/inbox/read-all", inbox_read_all, ACCESS_SESSION, ROUTE_WRITE},
    {"POST", "/api/v1/inbox/{id}/read", inbox_read_one, ACCESS_SESSION, ROUTE_WRITE},
    {"GET", "/api/v1/inbox/prefs", prefs_get, ACCESS_SESSION, 0},
    {"PUT", "/api/v1/inbox/prefs", prefs_put, ACCESS_SESSION, ROUTE_JSON | ROUTE_WRITE},
};

#define PAGE_MAX     100
#define PAGE_DEFAULT 50

/* Whose inbox: "m.user_id = ?1 OR m.id = ?2" with these (one is NULL). */
#define MINE "(im.user_id = ?1 OR im.id = ?2)"

static const char *my_user(const struct request *r)
{
    return r->session->is_guest ? NULL : r->session->user_id;
}

static const char *my_member(const struct request *r)
{
    return r->session->is_guest ? r->session->member_id : NULL;
}

static int64_t unread_count(struct request *r, struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*) FROM inbox i JOIN members im ON "
                                  "im.id = i.member_id WHERE i.read_at IS NULL AND " MINE);
    int64_t n = -1;
    if (st && db_bind_text(st, 1, my_user(r)) && db_bind_text(st, 2, my_member(r)) &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    return n;
}

/* GET /api/v1/inbox?before=<id>&limit=N — {items, unread, next_before}. */
static void inbox_get(struct request *r)
{
    int64_t before, limit, unread_only;
    if (!query_int(r, "before", 1, INT64_MAX, INT64_MAX, &before) ||
        !query_int(r, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit) ||
        !query_int(r, "unread", 0, 1, 0, &unread_only))
        return;
    struct db *d = r->db;
    sqlite3_stmt *st =
        db_stmt(d, INBOX_SELECT "WHERE " MINE " AND i.id < ?3 AND (?4 = 0 OR i.read_at IS NULL) "
                                "ORDER BY i.id DESC LIMIT ?5");
    if (!st || !db_bind_text(st, 1, my_user(r)) || !db_bind_text(st, 2, my_member(r)) ||
        !db_bind_int64(st, 3, before) || !db_bind_int64(st, 4, unread_only) ||
        !db_bind_int64(st, 5, limit)) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(body, "items");
    int64_t last = 0, n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON_AddItemToArray(items, inbox_json_row(st));
        last = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_reset(st);
    int64_t unread = unread_count(r, d);
    if (rc != SQLITE_DONE || unread < 0) {
        cJSON_Delete(body);
        resp_internal(r);
        return;
    }
    json_add_int64(body, "unread", unread);
    if (n == limit)
        json_add_int64(body, "next_before", last);
    else
        cJSON_AddNullToObject(body, "next_before");
    resp_json(r, 200, body);
}

/* Marks unread items read (all of the caller's, or the one `id`); each takes
 * a new seq so the caller's other devices hear of it on the stream. */
static bool mark_read(struct request *r, struct db *d, int64_t id, int64_t *changed)
{
    sqlite3_stmt *q = db_stmt(d, "SELECT i.id FROM inbox i JOIN members im ON "
                                 "im.id = i.member_id WHERE " MINE " AND i.read_at IS NULL AND "
                                 "(?3 = 0 OR i.id = ?3) ORDER BY i.id LIMIT 10000");
    if (!q || !db_bind_text(q, 1, my_user(r)) || !db_bind_text(q, 2, my_member(r)) ||
        !db_bind_int64(q, 3, id))
        return false;
    int64_t ids[512];
    *changed = 0;
    bool ok = true;
    /* In rounds: collect, then write (no write while the read steps). */
    for (;;) {
        int n = 0;
        while (n < (int)ARRAY_LEN(ids) && sqlite3_step(q) == SQLITE_ROW)
            ids[n++] = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        if (n == 0)
            break;
        int64_t now = now_ms();
        sqlite3_stmt *u = db_stmt(d, "UPDATE inbox SET read_at = ?, seq = ? WHERE id = ?");
        for (int i = 0; ok && i < n; i++) {
            int64_t seq = entry_next_seq(d);
            ok = u && seq > 0 && db_bind_int64(u, 1, now) && db_bind_int64(u, 2, seq) &&
                 db_bind_int64(u, 3, ids[i]) && db_step_done(d, u);
        }
        *changed += n;
        if (!ok || n < (int)ARRAY_LEN(ids))
            break;
    }
    return ok;
}

static void reply_read(struct request *r, struct db *d, int64_t changed)
{
    int64_t unread = unread_count(r, d);
    if (unread < 0) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    json_add_int64(body, "marked", changed);
    json_add_int64(body, "unread", unread);
    resp_json(r, 200, body);
}

static void inbox_read_one(struct request *r)
{
    struct db *d = r->db;
    const char *idtext = req_param(r, "id");
    char *end = NULL;
    long long id = strtoll(idtext, &end, 10);
    if (!*idtext || !end || *end || id <= 0) {
        resp_error(r, 404, "not_found", "No such notification");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM inbox i JOIN members im ON im.id = i.member_id "
                                  "WHERE i.id = ?3 AND " MINE);
    bool mine = st && db_bind_text(st, 1, my_user(r)) && db_bind_text(st, 2, my_member(r)) &&
                db_bind_int64(st, 3, id) && sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    if (!mine) {
        resp_error(r, 404, "not_found", "No such notification");
        return;
    }
    int64_t changed = 0;
    if (!mark_read(r, d, id, &changed)) {
        resp_internal(r);
        return;
    }
    reply_read(r, d, changed);
}

static void inbox_read_all(struct request *r)
{
    int64_t changed = 0;
    if (!mark_read(r, r->db, 0, &changed)) {
        resp_internal(r);
        return;
    }
    reply_read(r, r->db, changed);
}

/* ---------- which kinds also come as push ---------- */

static void reply_prefs(struct request *r, struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT push FROM notify_prefs WHERE kind = ?3 AND "
                                  "(user_id = ?1 OR member_id = ?2)");
    cJSON *body = cJSON_CreateObject();
    cJSON *prefs = cJSON_AddArrayToObject(body, "prefs");
    for (int i = 0; st && notify_kinds[i]; i++) {
        bool push = true;
        if (db_bind_text(st, 1, my_user(r)) && db_bind_text(st, 2, my_member(r)) &&
            db_bind_text(st, 3, notify_kinds[i]) && sqlite3_step(st) == SQLITE_ROW)
            push = sqlite3_column_int(st, 0) == 1;
        sqlite3_reset(st);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "kind", notify_kinds[i]);
        cJSON_AddBoolToObject(p, "push", push || !notify_kind_switchable(notify_kinds[i]));
        cJSON_AddBoolToObject(p, "switchable", notify_kind_switchable(notify_kinds[i]));
        cJSON_AddItemToArray(prefs, p);
    }
    if (!st) {
        cJSON_Delete(body);
        resp_internal(r);
        return;
    }
    resp_json(r, 200, body);
}

static void prefs_get(struct request *r)
{
    reply_prefs(r, r->db);
}

/* PUT {"reminder": false, "refill": true, ...}: the kinds named change. */
static void prefs_put(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    bool values[32];
    bool given[32] = {false};
    int nk = 0;
    for (; notify_kinds[nk] && nk < 32; nk++) {
        given[nk] = v_bool(&v, notify_kinds[nk], 0, &values[nk]);
        if (given[nk] && !values[nk] && !notify_kind_switchable(notify_kinds[nk]))
            v_error(&v, notify_kinds[nk], "an emergency alert always comes as push");
    }
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(
        d, "INSERT INTO notify_prefs (user_id, member_id, kind, push) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (coalesce(user_id, member_id), kind) DO UPDATE SET push = excluded.push");
    bool ok = st != NULL;
    for (int i = 0; ok && i < nk; i++)
        if (given[i])
            ok = db_bind_text(st, 1, my_user(r)) && db_bind_text(st, 2, my_member(r)) &&
                 db_bind_text(st, 3, notify_kinds[i]) && db_bind_int64(st, 4, values[i]) &&
                 db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_prefs(r, d);
}

CARELOG_PROGRAM(inbox, NULL, NULL)
