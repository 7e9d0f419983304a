/* session.c — session cookies, lookup, sliding renewal and sign-out. */
#include "framework/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framework/config.h"
#include "framework/http.h"
#include "framework/log.h"
#include "util/util.h"

#define RENEW_EVERY_MS (3600 * 1000LL)

const char *role_name(enum role r)
{
    switch (r) {
    case ROLE_OWNER:
        return "owner";
    case ROLE_CAREGIVER:
        return "caregiver";
    case ROLE_VIEWER:
        return "viewer";
    default:
        return "none";
    }
}

enum role role_parse(const char *s)
{
    if (!s)
        return ROLE_NONE;
    if (strcmp(s, "owner") == 0)
        return ROLE_OWNER;
    if (strcmp(s, "caregiver") == 0)
        return ROLE_CAREGIVER;
    if (strcmp(s, "viewer") == 0)
        return ROLE_VIEWER;
    return ROLE_NONE;
}

int64_t session_idle_ms(void)
{
    long days;
    if (!env_int("SESSION_IDLE_DAYS", 30, 1, 365, &days))
        days = 30;
    return days * 86400 * 1000LL;
}

static const char *cookie_name(const struct request *r)
{
    /* __Host- pins the cookie to this origin, path / and Secure. */
    return req_is_https(r) ? "__Host-carelog_session" : "carelog_session";
}

static void set_cookie(struct request *r, const char *value, int64_t max_age_s)
{
    char line[256];
    int n =
        snprintf(line, sizeof line, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
                 cookie_name(r), value, (long long)max_age_s, req_is_https(r) ? "; Secure" : "");
    if (n > 0 && (size_t)n < sizeof line)
        resp_header(r, "Set-Cookie", line);
}

void session_clear_cookie(struct request *r)
{
    set_cookie(r, "", 0);
}

void device_label(const char *ua, char *out, size_t outsz)
{
    const char *browser = "Browser", *os = "";
    if (!ua)
        ua = "";
    if (strstr(ua, "Edg/"))
        browser = "Edge";
    else if (strstr(ua, "Firefox/"))
        browser = "Firefox";
    else if (strstr(ua, "Chrome/") || strstr(ua, "Chromium/") || strstr(ua, "CriOS/"))
        browser = "Chrome";
    else if (strstr(ua, "Safari/"))
        browser = "Safari";
    else if (strstr(ua, "curl/"))
        browser = "curl";
    if (strstr(ua, "Android"))
        os = " on Android";
    else if (strstr(ua, "iPhone") || strstr(ua, "iPad"))
        os = " on iOS";
    else if (strstr(ua, "Windows"))
        os = " on Windows";
    else if (strstr(ua, "Mac OS X"))
        os = " on macOS";
    else if (strstr(ua, "Linux"))
        os = " on Linux";
    snprintf(out, outsz, "%s%s", browser, os);
}

static struct session *session_alloc(struct request *r)
{
    struct session *s = req_alloc(r, sizeof *s);
    if (s)
        memset(s, 0, sizeof *s);
    return s;
}

bool session_start(struct request *r, struct db *d, const char *user_id, const char *member_id,
                   const char *link_id)
{
    struct session *s = session_alloc(r);
    if (!s)
        return false;
    char token[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1], device[48];
    token_new(token);
    token_hash(token, hash);
    uuid_v4(s->id);
    device_label(req_header(r, "User-Agent"), device, sizeof device);
    int64_t now = now_ms(), idle = session_idle_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO sessions (id, token_hash, user_id, member_id, "
                                  "link_id, device, created_at, renewed_at, expires_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st || !db_bind_text(st, 1, s->id) || !db_bind_text(st, 2, hash) ||
        !db_bind_text(st, 3, user_id) || !db_bind_text(st, 4, member_id) ||
        !db_bind_text(st, 5, link_id) || !db_bind_text(st, 6, device) ||
        !db_bind_int64(st, 7, now) || !db_bind_int64(st, 8, now) ||
        !db_bind_int64(st, 9, now + idle) || !db_step_done(d, st))
        return false;
    snprintf(s->user_id, sizeof s->user_id, "%s", user_id ? user_id : "");
    snprintf(s->member_id, sizeof s->member_id, "%s", member_id ? member_id : "");
    snprintf(s->link_id, sizeof s->link_id, "%s", link_id ? link_id : "");
    s->is_guest = member_id != NULL;
    s->renewed_at = now;
    s->expires_at = now + idle;
    if (user_id) {
        sqlite3_stmt *a = db_stmt(d, "SELECT is_admin, is_consultant FROM users WHERE id = ?");
        if (a && db_bind_text(a, 1, user_id) && sqlite3_step(a) == SQLITE_ROW) {
            s->is_admin = sqlite3_column_int(a, 0) == 1;
            s->is_consultant = sqlite3_column_int(a, 1) == 1;
        }
        if (a)
            sqlite3_reset(a);
    }
    csrf_for_session(s->id, s->csrf);
    set_cookie(r, token, idle / 1000);
    r->session = s;
    return true;
}

static void session_renew(struct request *r, struct db *d, struct session *s, const char *token)
{
    int64_t now = now_ms(), idle = session_idle_ms();
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE sessions SET renewed_at = ?, expires_at = ? WHERE id = ?");
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, now + idle) ||
        !db_bind_text(st, 3, s->id) || !db_step_done(d, st))
        return; /* not fatal: the session stays valid until its old expiry */
    s->renewed_at = now;
    s->expires_at = now + idle;
    set_cookie(r, token, idle / 1000);
}

bool session_load(struct request *r, struct db *d)
{
    char token[TOKEN_LEN + 8];
    r->session = NULL;
    if (!req_cookie(r, cookie_name(r), token, sizeof token) || strlen(token) != TOKEN_LEN)
        return false;
    char hash[HASH_HEX_LEN + 1];
    token_hash(token, hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT s.id, coalesce(s.user_id, ''), coalesce(s.member_id, ''), "
                   "coalesce(s.link_id, ''), coalesce(u.is_admin, 0), s.renewed_at, s.expires_at, "
                   "coalesce(u.is_consultant, 0) "
                   "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
                   "LEFT JOIN members m ON m.id = s.member_id "
                   "WHERE s.token_hash = ? AND s.expires_at > ? "
                   "AND (s.member_id IS NULL OR m.removed_at IS NULL)");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms()) ||
        sqlite3_step(st) != SQLITE_ROW)
        return false;
    struct session *s = session_alloc(r);
    if (!s)
        return false;
    snprintf(s->id, sizeof s->id, "%s", db_col_text(st, 0));
    snprintf(s->user_id, sizeof s->user_id, "%s", db_col_text(st, 1));
    snprintf(s->member_id, sizeof s->member_id, "%s", db_col_text(st, 2));
    snprintf(s->link_id, sizeof s->link_id, "%s", db_col_text(st, 3));
    s->is_admin = sqlite3_column_int(st, 4) == 1;
    s->renewed_at = sqlite3_column_int64(st, 5);
    s->expires_at = sqlite3_column_int64(st, 6);
    s->is_consultant = sqlite3_column_int(st, 7) == 1;
    s->is_guest = s->member_id[0] != '\0';
    sqlite3_reset(st);
    csrf_for_session(s->id, s->csrf);
    r->session = s;
    if (now_ms() - s->renewed_at > RENEW_EVERY_MS)
        session_renew(r, d, s, token);
    return true;
}

void session_end(struct request *r, struct db *d)
{
    if (r->session) {
        sqlite3_stmt *st = db_stmt(d, "DELETE FROM sessions WHERE id = ?");
        if (st && db_bind_text(st, 1, r->session->id))
            db_step_done(d, st);
    }
    session_clear_cookie(r);
    r->session = NULL;
}
