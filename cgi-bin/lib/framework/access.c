/* access.c — the one access check, run by the dispatcher before every
 * handler: session from the cookie, CSRF header on writes, and the route's
 * access level, including the caller's role in the family named by {fid}.
 * Another family's id answers 404 so it reveals nothing. */
#include "framework/access.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "framework/config.h"
#include "framework/http.h"
#include "framework/log.h"
#include "framework/route.h"
#include "framework/session.h"
#include "security/throttle.h"
#include "util/util.h"

bool access_init(char *err, size_t errsz)
{
    return secret_init(cfg.data_dir, err, errsz);
}

static bool csrf_ok(struct request *r)
{
    const char *sent = req_header(r, "X-CSRF-Token");
    return sent && secret_equals(sent, r->session->csrf);
}

/* Fills the session's family context for {fid}; false when the caller may
 * not act in it. A member acts with their role. The instance admin acts as
 * owner of every family; a consultant as owner of a family assigned to them,
 * on the routes that allow it (`staff_ok`). Either is then "staff" there. */
static bool load_family_role(struct request *r, struct db *d, const char *fid, bool staff_ok)
{
    struct session *s = r->session;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT f.archived_at IS NOT NULL, coalesce(m.id, ''), coalesce(m.role, ''), "
           "EXISTS (SELECT 1 FROM client_assignments a WHERE a.family_id = f.id "
           "AND a.user_id = ?1), m.subject_ids "
           "FROM families f LEFT JOIN members m ON m.family_id = f.id AND m.removed_at IS NULL "
           "AND (m.user_id = ?1 OR m.id = ?2) WHERE f.id = ?3");
    if (!st || !db_bind_text(st, 1, s->is_guest ? NULL : s->user_id) ||
        !db_bind_text(st, 2, s->is_guest ? s->member_id : NULL) || !db_bind_text(st, 3, fid) ||
        sqlite3_step(st) != SQLITE_ROW)
        return false;
    snprintf(s->family_id, sizeof s->family_id, "%s", fid);
    s->family_archived = sqlite3_column_int(st, 0) == 1;
    snprintf(s->family_member_id, sizeof s->family_member_id, "%s", db_col_text(st, 1));
    s->role = role_parse(db_col_text(st, 2));
    bool assigned = s->is_consultant && sqlite3_column_int(st, 3) == 1;
    bool subjects_ok = access_set_subjects(r, s, (const char *)sqlite3_column_text(st, 4));
    sqlite3_reset(st);
    if (!subjects_ok)
        return false;
    if (s->role == ROLE_NONE && (s->is_admin || (staff_ok && assigned))) {
        s->role = ROLE_OWNER;
        s->as_staff = true;
        s->assigned = !s->is_admin;
    }
    return s->role != ROLE_NONE;
}

/* The console's view of {fid}: the admin, or a consultant it is assigned
 * to, acting as owner whether or not they are also a member (their member
 * id is left out, so what they do is theirs, not their membership's). */
static bool load_client(struct request *r, struct db *d, const char *fid)
{
    struct session *s = r->session;
    sqlite3_stmt *st =
        db_stmt(d, "SELECT f.archived_at IS NOT NULL, EXISTS (SELECT 1 FROM client_assignments a "
                   "WHERE a.family_id = f.id AND a.user_id = ?1) FROM families f WHERE f.id = ?2");
    if (!st || !db_bind_text(st, 1, s->user_id) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW)
        return false;
    bool archived = sqlite3_column_int(st, 0) == 1;
    bool assigned = sqlite3_column_int(st, 1) == 1;
    sqlite3_reset(st);
    if (!s->is_admin && !(s->is_consultant && assigned))
        return false;
    snprintf(s->family_id, sizeof s->family_id, "%s", fid);
    s->family_archived = archived;
    s->family_member_id[0] = '\0';
    access_set_subjects(r, s, NULL);
    s->role = ROLE_OWNER;
    s->as_staff = true;
    s->assigned = !s->is_admin;
    return true;
}

/* A Baby Buddy-style answer that carelog's clients can read too:
 * {"detail": ..., "error": {"code", "message"}}. */
static void token_error(struct request *r, int status, const char *code, const char *message)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "detail", message);
    cJSON *e = cJSON_AddObjectToObject(body, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    resp_json(r, status, body);
}

/* ACCESS_TOKEN: the token names its family and member; the member's
 * current role there is the token's. Last use is kept to the minute. */
static bool token_access(struct request *r, struct db *d)
{
    const char *auth = req_header(r, "Authorization");
    if (!auth || !ascii_nieq(auth, "Token ", 6) || strlen(auth + 6) != TOKEN_LEN) {
        resp_header(r, "WWW-Authenticate", "Token");
        token_error(
            r, 401, "unauthenticated",
            "Authentication credentials were not provided: send Authorization: Token <key>");
        return false;
    }
    char hash[HASH_HEX_LEN + 1];
    token_hash(auth + 6, hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT t.id, t.family_id, t.member_id, coalesce(m.user_id, ''), m.role, "
                   "f.archived_at IS NOT NULL, coalesce(t.last_used_at, 0), m.subject_ids "
                   "FROM api_tokens t "
                   "JOIN members m ON m.id = t.member_id AND m.family_id = t.family_id "
                   "AND m.removed_at IS NULL JOIN families f ON f.id = t.family_id "
                   "WHERE t.token_hash = ? AND t.revoked_at IS NULL");
    if (!st || !db_bind_text(st, 1, hash) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_header(r, "WWW-Authenticate", "Token");
        token_error(r, 401, "unauthenticated", "Invalid token.");
        return false;
    }
    struct session *s = req_alloc(r, sizeof *s);
    if (!s) {
        sqlite3_reset(st);
        resp_error(r, 503, "overloaded", "Out of memory");
        return false;
    }
    memset(s, 0, sizeof *s);
    char token_id[37];
    snprintf(token_id, sizeof token_id, "%s", db_col_text(st, 0));
    snprintf(s->family_id, sizeof s->family_id, "%s", db_col_text(st, 1));
    snprintf(s->family_member_id, sizeof s->family_member_id, "%s", db_col_text(st, 2));
    snprintf(s->user_id, sizeof s->user_id, "%s", db_col_text(st, 3));
    s->is_guest = s->user_id[0] == '\0';
    if (s->is_guest)
        snprintf(s->member_id, sizeof s->member_id, "%s", s->family_member_id);
    s->role = role_parse(db_col_text(st, 4));
    s->family_archived = sqlite3_column_int(st, 5) == 1;
    int64_t last_used = sqlite3_column_int64(st, 6);
    bool subjects_ok = access_set_subjects(r, s, (const char *)sqlite3_column_text(st, 7));
    sqlite3_reset(st);
    if (!subjects_ok) {
        resp_error(r, 503, "overloaded", "Out of memory");
        return false;
    }
    /* (the session's id stays "": nothing here is a cookie session) */
    r->session = s;
    struct rate_limit lim = rate_limit_env("API_TOKEN_RATE_MAX", 600, "API_TOKEN_RATE_WINDOW", 60);
    char key[HASH_HEX_LEN + 1];
    keyed_hash("api-token", token_id, key);
    int64_t wait = rate_take(d, key, lim.max, lim.window_s);
    if (wait != 0) {
        r->session = NULL;
        reply_rate_limited(r, wait, "Too many requests with this token; wait a little");
        return false;
    }
    int64_t now = now_ms();
    if (now - last_used > 60000) {
        st = db_stmt(d, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
        if (!st || !db_bind_int64(st, 1, now) || !db_bind_text(st, 2, token_id) ||
            !db_step_done(d, st))
            log_event("warn", "token_last_use_failed", token_id);
    }
    if (s->role == ROLE_NONE) {
        token_error(r, 401, "unauthenticated", "Invalid token.");
        return false;
    }
    if (method_changes_state(r->method) && s->role < ROLE_CAREGIVER) {
        token_error(r, 403, "forbidden", "This token is read-only: its member is a viewer.");
        return false;
    }
    if (method_changes_state(r->method) && s->family_archived) {
        token_error(r, 409, "family_archived", "This family is archived; unarchive it first");
        return false;
    }
    return true;
}

static enum role role_needed(enum access a)
{
    switch (a) {
    case ACCESS_VIEWER:
        return ROLE_VIEWER;
    case ACCESS_CAREGIVER:
        return ROLE_CAREGIVER;
    case ACCESS_OWNER:
        return ROLE_OWNER;
    default:
        return ROLE_NONE;
    }
}

bool access_check(struct request *r)
{
    const struct route *rt = r->route;
    bool has_cookie = req_env(r, "HTTP_COOKIE") != NULL;
    struct db *d = r->db;
    if (rt->access == ACCESS_PUBLIC) {
        /* Public routes may still want to know who is asking (/join). */
        if (d && has_cookie)
            session_load(r, d);
        return true;
    }
    if (rt->access == ACCESS_TOKEN) {
        if (d)
            return token_access(r, d);
        token_error(r, 401, "unauthenticated", "Invalid token.");
        return false;
    }
    if (!d || !session_load(r, d)) {
        resp_error(r, 401, "unauthenticated", "Sign in first");
        return false;
    }
    if (method_changes_state(r->method) && !(rt->flags & ROUTE_NO_CSRF) && !csrf_ok(r)) {
        resp_error(r, 403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
        return false;
    }
    switch (rt->access) {
    case ACCESS_SESSION:
        return true;
    case ACCESS_ACCOUNT:
        if (!r->session->is_guest)
            return true;
        resp_error(r, 403, "account_required", "This needs an account, not a device link");
        return false;
    case ACCESS_ADMIN:
        if (r->session->is_admin)
            return true;
        resp_error(r, 403, "forbidden", "Only the instance admin may do this");
        return false;
    case ACCESS_STAFF:
    case ACCESS_CLIENT:
        if (!r->session->is_admin && !r->session->is_consultant) {
            resp_error(r, 403, "forbidden", "Only the instance admin and consultants may do this");
            return false;
        }
        if (rt->access == ACCESS_STAFF)
            return true;
        /* A client that is not this consultant's is answered as if it did
         * not exist, like another family's id anywhere else. */
        if (!load_client(r, d, req_param(r, "fid"))) {
            resp_error(r, 404, "not_found", "No such client");
            return false;
        }
        break;
    default:
        if (!load_family_role(r, d, req_param(r, "fid"), (rt->flags & ROUTE_STAFF) != 0)) {
            resp_error(r, 404, "not_found", "No such family");
            return false;
        }
        break;
    }
    if (r->session->role < role_needed(rt->access)) {
        resp_error(r, 403, "forbidden",
                   r->session->role == ROLE_VIEWER ? "Viewers cannot change anything"
                                                   : "Your role does not allow this");
        return false;
    }
    if (r->session->family_archived && method_changes_state(r->method) &&
        !(rt->flags & ROUTE_ARCHIVED_OK)) {
        resp_error(r, 409, "family_archived", "This family is archived; unarchive it first");
        return false;
    }
    return true;
}

/* ---------- access per person ---------- */

bool access_set_subjects(struct request *r, struct session *s, const char *json)
{
    s->subjects = NULL;
    s->nsubjects = 0;
    s->subject_list = NULL;
    if (!json)
        return true;
    cJSON *list = cJSON_Parse(json);
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    /* A limit that cannot be read shows nobody rather than everybody. */
    s->subjects = req_strdup(r, cJSON_IsArray(list) ? json : "[]");
    s->subject_list = n > 0 ? req_alloc(r, (size_t)n * sizeof *s->subject_list) : NULL;
    bool ok = s->subjects && (n == 0 || s->subject_list);
    for (const cJSON *e = list ? list->child : NULL; ok && e; e = e->next)
        if (cJSON_IsString(e))
            snprintf(s->subject_list[s->nsubjects++], sizeof s->subject_list[0], "%s",
                     e->valuestring);
    cJSON_Delete(list);
    return ok;
}

bool access_limited(const struct request *r)
{
    return r->session && r->session->subjects;
}

bool access_subject_visible(const struct request *r, const char *sid)
{
    if (!access_limited(r))
        return true;
    for (int i = 0; sid && i < r->session->nsubjects; i++)
        if (strcmp(r->session->subject_list[i], sid) == 0)
            return true;
    return false;
}

bool access_keep_visible(cJSON *ids, bool (*sees)(const void *who, const char *sid),
                         const void *who)
{
    if (!cJSON_IsArray(ids) || !ids->child)
        return true;
    cJSON *next;
    for (cJSON *id = ids->child; id; id = next) {
        next = id->next;
        if (!cJSON_IsString(id) || !sees(who, id->valuestring))
            cJSON_Delete(cJSON_DetachItemViaPointer(ids, id));
    }
    return ids->child != NULL;
}

bool access_request_sees(const void *r, const char *sid)
{
    return access_subject_visible(r, sid);
}

bool access_subject_ok(const struct request *r, const char *sid)
{
    if (!sid || !r->session || !access_subject_visible(r, sid))
        return false;
    sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM subjects WHERE id = ? AND family_id = ? "
                                      "AND deleted_at IS NULL");
    bool ok = st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, r->session->family_id) &&
              sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return ok;
}

bool access_bind_subjects(const struct request *r, sqlite3_stmt *st, int n)
{
    return db_bind_text(st, n, access_limited(r) ? r->session->subjects : NULL);
}

void access_release(struct request *r)
{
    r->session = NULL; /* lives in the request arena */
}
