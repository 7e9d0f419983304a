/* access.c — the one access check, run by the dispatcher before every
 * handler: session from the cookie, CSRF header on writes, and the route's
 * access level, including the caller's role in the family named by {fid}.
 * Another family's id answers 404 so it reveals nothing. */
#include "framework/access.h"

#include <stdio.h>
#include <string.h>

#include "framework/config.h"
#include "framework/http.h"
#include "framework/route.h"
#include "framework/session.h"

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
           "AND a.user_id = ?1) "
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
    sqlite3_reset(st);
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
    s->role = ROLE_OWNER;
    s->as_staff = true;
    s->assigned = !s->is_admin;
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

void access_release(struct request *r)
{
    r->session = NULL; /* lives in the request arena */
}
