/* auth.c — accounts and sign-in: register, login/logout, the current user,
 * signed-in devices, and the two link flows that sign a browser in without a
 * password: /join/{token} (invite or guest access link) and /signin/{token}
 * (the admin's one-time first sign-in). A GET of a link only shows a page
 * with one button; the POST that button sends, from this site, uses it. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "mail/mail.h"
#include "security/password.h"
#include "security/reset.h"
#include "security/secret.h"
#include "security/throttle.h"
#include "security/webauthn.h"

static void register_post(struct request *r);
static void login_post(struct request *r);
static void logout_post(struct request *r);
static void me_get(struct request *r);
static void me_patch(struct request *r);
static void sessions_get(struct request *r);
static void session_delete(struct request *r);
static void join_get(struct request *r);
static void join_post(struct request *r);
static void signin_get(struct request *r);
static void signin_post(struct request *r);
static void reset_post(struct request *r);
static void admin_reset_link(struct request *r);
static void forgot_post(struct request *r);
static void unsubscribe_get(struct request *r);
static void unsubscribe_post(struct request *r);
static void admin_mail_get(struct request *r);
static void passkeys_get(struct request *r);
static void passkey_post(struct request *r);
static void passkey_delete(struct request *r);
static void passkey_challenge(struct request *r);
static void passkey_login(struct request *r);

static const struct route routes[] = {
    {"POST", "/api/v1/auth/register", register_post, ACCESS_PUBLIC, ROUTE_JSON},
    {"POST", "/api/v1/auth/login", login_post, ACCESS_PUBLIC, ROUTE_JSON},
    {"POST", "/api/v1/auth/logout", logout_post, ACCESS_SESSION, ROUTE_WRITE},
    {"GET", "/api/v1/auth/me", me_get, ACCESS_SESSION, 0},
    {"PATCH", "/api/v1/auth/me", me_patch, ACCESS_SESSION, ROUTE_JSON},
    {"GET", "/api/v1/auth/sessions", sessions_get, ACCESS_SESSION, 0},
    {"DELETE", "/api/v1/auth/sessions/{sid}", session_delete, ACCESS_SESSION, ROUTE_WRITE},
    /* Recovery: a one-time link's token and a new password sign in. */
    {"POST", "/api/v1/auth/reset", reset_post, ACCESS_PUBLIC, ROUTE_JSON},
    {"POST", "/api/v1/admin/reset-link", admin_reset_link, ACCESS_ADMIN, ROUTE_JSON | ROUTE_WRITE},
    /* "Forgot password": a reset link by email, the same answer for any
     * address. */
    {"POST", "/api/v1/auth/forgot", forgot_post, ACCESS_PUBLIC, ROUTE_JSON},
    /* A digest's List-Unsubscribe: GET shows a button (link previews and
     * scanners fetch links); POST, from that button or a mail program's
     * one-click (RFC 8058), stops the digests. The token is the authority. */
    {"GET", "/unsubscribe/{token}", unsubscribe_get, ACCESS_PUBLIC, 0},
    {"POST", "/unsubscribe/{token}", unsubscribe_post, ACCESS_PUBLIC, 0},
    {"GET", "/api/v1/admin/mail", admin_mail_get, ACCESS_ADMIN, 0},
    /* Passkeys (WebAuthn). A challenge for signing in needs no session; one
     * for adding a passkey needs the account's session and CSRF token,
     * which the handler checks. */
    {"GET", "/api/v1/auth/passkeys", passkeys_get, ACCESS_ACCOUNT, 0},
    {"POST", "/api/v1/auth/passkeys", passkey_post, ACCESS_ACCOUNT, ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/auth/passkeys/{pkid}", passkey_delete, ACCESS_ACCOUNT, ROUTE_WRITE},
    {"POST", "/api/v1/auth/passkeys/challenge", passkey_challenge, ACCESS_PUBLIC,
     ROUTE_JSON | ROUTE_WRITE},
    {"POST", "/api/v1/auth/passkeys/login", passkey_login, ACCESS_PUBLIC, ROUTE_JSON},
    /* Links: GET is safe (chat apps fetch links for previews); the POST of
     * the page's form uses the link, and checks it comes from this site. */
    {"GET", "/join/{token}", join_get, ACCESS_PUBLIC, 0},
    {"POST", "/join/{token}", join_post, ACCESS_PUBLIC, 0},
    {"GET", "/signin/{token}", signin_get, ACCESS_PUBLIC, 0},
    {"POST", "/signin/{token}", signin_post, ACCESS_PUBLIC, 0},
};

/* The languages the app speaks; the server writes its own messages (push
 * notifications) in the first three, and in English for the others. */
static const char *const locales[] = {"en", "he", "fr", "es", "de", "pt",
                                      "it", "nl", "ar", "ru", NULL};
#define SERVER_LOCALES 3

/* The units a member reads and types in, per dimension (storage is metric):
 * users.unit_<name>, NULL until chosen. */
#define UNIT_DIMS 4
static const char *const unit_dims[UNIT_DIMS] = {"volume", "weight", "length", "temperature"};
static const char *const unit_choices[UNIT_DIMS][3] = {
    {"ml", "fl_oz", NULL}, {"kg", "lb", NULL}, {"cm", "in", NULL}, {"c", "f", NULL}};
static const char *const digests[] = {"off", "daily", "weekly", NULL};

/* ---------- shared pieces ---------- */

/* {id,email,name,is_admin,is_consultant,locale,guest,has_password,units,
 * digest,passkeys} for an account, or null. */
static cJSON *user_json(struct db *d, const char *user_id)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT id, email, name, is_admin, "
                   "CASE WHEN locale_chosen THEN coalesce(ui_locale, locale) END, "
                   "password_hash IS NOT NULL, unit_volume, unit_weight, unit_length, "
                   "unit_temperature, digest, "
                   "(SELECT count(*) FROM passkeys WHERE user_id = users.id), is_consultant "
                   "FROM users WHERE id = ?");
    if (!st || !db_bind_text(st, 1, user_id) || sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(u, "email", db_col_text(st, 1));
    cJSON_AddStringToObject(u, "name", db_col_text(st, 2));
    cJSON_AddBoolToObject(u, "is_admin", sqlite3_column_int(st, 3) == 1);
    cJSON_AddBoolToObject(u, "is_consultant", sqlite3_column_int(st, 12) == 1);
    if (sqlite3_column_type(st, 4) == SQLITE_NULL)
        cJSON_AddNullToObject(u, "locale"); /* never chosen: the app follows the browser */
    else
        cJSON_AddStringToObject(u, "locale", db_col_text(st, 4));
    cJSON_AddBoolToObject(u, "guest", false);
    cJSON_AddBoolToObject(u, "has_password", sqlite3_column_int(st, 5) == 1);
    cJSON *units = cJSON_AddObjectToObject(u, "units");
    for (int i = 0; i < UNIT_DIMS; i++)
        json_col_text(units, unit_dims[i], st, 6 + i);
    cJSON_AddStringToObject(u, "digest", db_col_text(st, 10));
    cJSON_AddNumberToObject(u, "passkeys", sqlite3_column_int(st, 11));
    sqlite3_reset(st);
    return u;
}

/* A guest device is shown as a user without an email. */
static cJSON *guest_json(struct db *d, const char *member_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT guest_name FROM members WHERE id = ?");
    if (!st || !db_bind_text(st, 1, member_id) || sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "id", member_id);
    cJSON_AddNullToObject(u, "email");
    cJSON_AddStringToObject(u, "name", db_col_text(st, 0));
    cJSON_AddBoolToObject(u, "is_admin", false);
    cJSON_AddBoolToObject(u, "is_consultant", false);
    cJSON_AddNullToObject(u, "locale");
    cJSON_AddBoolToObject(u, "guest", true);
    cJSON_AddBoolToObject(u, "has_password", false);
    sqlite3_reset(st);
    return u;
}

static cJSON *session_user_json(struct request *r, struct db *d)
{
    return r->session->is_guest ? guest_json(d, r->session->member_id)
                                : user_json(d, r->session->user_id);
}

/* {user, csrf_token} — what login, register and the link flows answer. */
static void reply_signed_in(struct request *r, struct db *d, int status)
{
    cJSON *body = cJSON_CreateObject();
    cJSON *user = session_user_json(r, d);
    cJSON_AddItemToObject(body, "user", user ? user : cJSON_CreateNull());
    cJSON_AddStringToObject(body, "csrf_token", r->session->csrf);
    resp_json(r, status, body);
}

/* Text for an HTML page: family names and labels are what people typed. */
static const char *html_text(struct request *r, const char *in)
{
    size_t n = 0;
    for (const char *p = in; *p; p++)
        n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' || *p == '\'' ? 6 : 1;
    char *out = req_alloc(r, n + 1);
    if (!out)
        return "";
    char *o = out;
    for (const char *p = in; *p; p++) {
        const char *e = *p == '&'    ? "&amp;"
                        : *p == '<'  ? "&lt;"
                        : *p == '>'  ? "&gt;"
                        : *p == '"'  ? "&quot;"
                        : *p == '\'' ? "&#39;"
                                     : NULL;
        if (e) {
            size_t k = strlen(e);
            memcpy(o, e, k);
            o += k;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* A small self-contained page for the browser-facing link routes, in the
 * app's stylesheet; `title` and `text` are HTML (escape what people typed).
 * With a `button`, the page is a form that POSTs back to its own URL (the
 * link); otherwise it offers the app. No script and no inline style: the
 * site's CSP allows neither. The referrer meta makes browsers that lack
 * Sec-Fetch-Site send a real Origin with that POST (under the site-wide
 * no-referrer policy they would send "null"); it stays on this site. */
static void reply_page(struct request *r, int status, const char *title, const char *text,
                       const char *button)
{
    const char *action = button ? req_printf(r,
                                             "<form method=\"post\"><p><button class=\"btn "
                                             "primary\" type=\"submit\">%s</button></p></form>",
                                             button)
                                : "<p><a class=\"btn primary\" href=\"/\">Open carelog</a></p>";
    char *html = action
                     ? req_printf(r,
                                  "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                                  "<meta name=\"viewport\" content=\"width=device-width,"
                                  "initial-scale=1\"><meta name=\"referrer\" "
                                  "content=\"same-origin\"><title>%s · carelog</title>"
                                  "<link rel=\"stylesheet\" href=\"/css/app.css\">"
                                  "<link rel=\"icon\" href=\"/icons/logo.svg\" "
                                  "type=\"image/svg+xml\"></head><body class=\"no-tabs\">"
                                  "<main class=\"center-card\"><img src=\"/icons/logo.svg\" "
                                  "alt=\"\" width=\"72\" height=\"72\"><h1>%s</h1><p>%s</p>%s"
                                  "</main></body></html>",
                                  title, title, text, action)
                     : NULL;
    resp_header(r, "Cache-Control", "no-store");
    if (html)
        resp_raw(r, status, "text/html; charset=utf-8", html, strlen(html));
    else
        resp_internal(r);
}

/* The POST of a link page must come from that page: a form on another site
 * could otherwise sign a visitor's browser in as a guest of a family of the
 * attacker's choosing, or spend someone's link. */
static bool link_post_allowed(struct request *r)
{
    if (req_same_origin(r))
        return true;
    reply_page(r, 403, "Open the link itself",
               "This request did not come from carelog's own page. Open the link again and "
               "press its button.",
               NULL);
    return false;
}

enum link_state { LINK_OK, LINK_UNKNOWN, LINK_DEAD };

struct link {
    char id[37], family_id[37], role[16], label[128], family_name[256];
};

static enum link_state link_find(struct db *d, const char *token, struct link *out)
{
    char hash[HASH_HEX_LEN + 1];
    token_hash(token, hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT l.id, l.family_id, l.role, l.label, l.revoked_at IS NULL AND "
                   "(l.expires_at IS NULL OR l.expires_at > ?2) AND "
                   "(l.max_uses IS NULL OR l.uses < l.max_uses), f.name "
                   "FROM links l JOIN families f ON f.id = l.family_id WHERE l.token_hash = ?1");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms()) ||
        sqlite3_step(st) != SQLITE_ROW)
        return LINK_UNKNOWN;
    snprintf(out->id, sizeof out->id, "%s", db_col_text(st, 0));
    snprintf(out->family_id, sizeof out->family_id, "%s", db_col_text(st, 1));
    snprintf(out->role, sizeof out->role, "%s", db_col_text(st, 2));
    snprintf(out->label, sizeof out->label, "%s", db_col_text(st, 3));
    snprintf(out->family_name, sizeof out->family_name, "%s", db_col_text(st, 5));
    bool usable = sqlite3_column_int(st, 4) == 1;
    sqlite3_reset(st);
    return usable ? LINK_OK : LINK_DEAD;
}

/* Counts one use, only while the link is still usable: the check and the
 * increment are one statement, so two devices cannot both take the last use. */
static bool link_take_use(struct db *d, const char *link_id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE links SET uses = uses + 1, last_used_at = ?2 "
                                  "WHERE id = ?1 AND revoked_at IS NULL AND "
                                  "(expires_at IS NULL OR expires_at > ?2) "
                                  "AND (max_uses IS NULL OR uses < max_uses)");
    return st && db_bind_text(st, 1, link_id) && db_bind_int64(st, 2, now_ms()) &&
           db_step_done(d, st) && sqlite3_changes(d->h) == 1;
}

/* Adds the account to the family, or brings back a removed membership. An
 * existing active membership keeps its role when that role is higher. The
 * people it may see are the link's (sql/021); an active membership keeps
 * its own limit unless the link gives everyone, or it becomes an owner. */
static bool member_join_account(struct db *d, const struct link *l, const char *user_id)
{
    char id[37];
    uuid_v4(id);
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO members (id, family_id, user_id, role, created_at, subject_ids) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT subject_ids FROM links WHERE id = ?6)) "
                   "ON CONFLICT (family_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET "
                   "role = CASE WHEN removed_at IS NOT NULL OR "
                   "(CASE excluded.role WHEN 'owner' THEN 3 WHEN 'caregiver' THEN 2 ELSE 1 END) > "
                   "(CASE role WHEN 'owner' THEN 3 WHEN 'caregiver' THEN 2 ELSE 1 END) "
                   "THEN excluded.role ELSE role END, "
                   "subject_ids = CASE WHEN removed_at IS NOT NULL THEN excluded.subject_ids "
                   "WHEN excluded.subject_ids IS NULL OR excluded.role = 'owner' THEN NULL "
                   "ELSE subject_ids END, removed_at = NULL");
    return st && db_bind_text(st, 1, id) && db_bind_text(st, 2, l->family_id) &&
           db_bind_text(st, 3, user_id) && db_bind_text(st, 4, l->role) &&
           db_bind_int64(st, 5, now_ms()) && db_bind_text(st, 6, l->id) && db_step_done(d, st);
}

static bool member_add_guest(struct db *d, const struct link *l, char member_id[37])
{
    uuid_v4(member_id);
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO members (id, family_id, guest_name, link_id, "
                                  "role, created_at, subject_ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                  "(SELECT subject_ids FROM links WHERE id = ?4))");
    return st && db_bind_text(st, 1, member_id) && db_bind_text(st, 2, l->family_id) &&
           db_bind_text(st, 3, l->label) && db_bind_text(st, 4, l->id) &&
           db_bind_text(st, 5, l->role) && db_bind_int64(st, 6, now_ms()) && db_step_done(d, st);
}

static void reply_email_taken(struct request *r)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "email", "is already registered");
    resp_error_fields(r, 409, "email_taken", "This email is already registered", f);
}

static cJSON *detail_str(const char *key, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, value);
    return o;
}

/* ---------- register, login, logout ---------- */

static bool registration_open(void)
{
    const char *mode = getenv("REGISTRATION");
    return mode && strcmp(mode, "open") == 0;
}

static void register_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    char email[256];
    const char *password = NULL, *name = NULL, *invite = NULL;
    v_email(&v, "email", V_REQUIRED, email, sizeof email);
    v_string(&v, "password", V_REQUIRED, PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS, &password);
    v_string(&v, "name", V_REQUIRED, 1, 80, &name);
    v_string(&v, "invite", 0, 1, 128, &invite);
    if (!v_accept(r, &v))
        return;

    struct db *d = r->db;
    struct link link;
    if (invite && link_find(d, invite, &link) != LINK_OK) {
        resp_error(r, 403, "invite_invalid",
                   "This invitation has expired, been used up or revoked");
        return;
    }
    if (!invite && !registration_open()) {
        resp_error(r, 403, "registration_closed", "Registration is by invitation on this server");
        return;
    }

    /* Each registration costs an argon2id hash (64 MiB, a good part of a
     * second): a limit per client address keeps one script from spending
     * the server on it. Taken only by requests that would hash. */
    struct rate_limit lim = rate_limit_env("REGISTER_RATE_MAX", 20, "REGISTER_RATE_WINDOW", 3600);
    char block[80], rate_key[HASH_HEX_LEN + 1];
    throttle_addr_block(req_client_addr(r), block, sizeof block);
    keyed_hash("register-addr", block, rate_key);
    int64_t wait = rate_take(d, rate_key, lim.max, lim.window_s);
    if (wait != 0) {
        reply_rate_limited(r, wait, "Too many new accounts from this address; try again later");
        return;
    }

    char hash[crypto_pwhash_STRBYTES];
    if (!password_hash(password, hash)) {
        resp_error(r, 503, "overloaded", "Could not hash the password; try again");
        return;
    }

    char user_id[37];
    uuid_v4(user_id);
    int64_t now = now_ms();
    if (!req_begin(r))
        return;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO users (id, email, name, password_hash, "
                                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (email) DO NOTHING");
    if (!st || !db_bind_text(st, 1, user_id) || !db_bind_text(st, 2, email) ||
        !db_bind_text(st, 3, name) || !db_bind_text(st, 4, hash) || !db_bind_int64(st, 5, now) ||
        !db_bind_int64(st, 6, now) || !db_step_done(d, st)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        db_rollback(d);
        reply_email_taken(r);
        return;
    }
    if (invite && (!link_take_use(d, link.id) || !member_join_account(d, &link, user_id))) {
        db_rollback(d);
        resp_error(r, 403, "invite_invalid", "This invitation has just been used up");
        return;
    }
    if (!session_start(r, d, user_id, NULL, NULL)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    audit_record(r, d, NULL, "account_created", user_id, NULL);
    if (invite)
        audit_record(r, d, link.family_id, "link_used", link.id, detail_str("role", link.role));
    if (!req_commit(r)) {
        session_clear_cookie(r);
        return;
    }
    reply_signed_in(r, d, 201);
}

static void login_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *email_in = NULL, *password = NULL;
    v_string(&v, "email", V_REQUIRED, 1, 254, &email_in);
    v_string(&v, "password", V_REQUIRED, 1, PASSWORD_MAX_CHARS, &password);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;

    char email[256];
    if (!email_normalise(email_in, email, sizeof email))
        snprintf(email, sizeof email, "%s", "invalid");
    struct login_keys keys;
    struct login_ticket ticket;
    login_keys_make(email, req_client_addr(r), &keys);
    /* Admitting the attempt also records it, so parallel guesses cannot all
     * slip under the limit before any of them is counted. */
    int64_t wait = throttle_admit(d, &keys, &ticket);
    if (wait != 0) {
        reply_rate_limited(r, wait, "Too many failed sign-ins; try again later");
        return;
    }

    char user_id[37] = "", hash[crypto_pwhash_STRBYTES] = "";
    sqlite3_stmt *st = db_stmt(d, "SELECT id, coalesce(password_hash, '') FROM users "
                                  "WHERE email = ?");
    if (st && db_bind_text(st, 1, email) && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
        snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    /* An unknown email still pays for one verification (password_verify with
     * no hash), so time does not tell whether the account exists. */
    if (!password_verify(hash[0] ? hash : NULL, password) || !user_id[0]) {
        audit_record(r, d, NULL, "sign_in_failed", user_id[0] ? user_id : NULL, NULL);
        resp_error(r, 401, "invalid_credentials", "Email or password is incorrect");
        return;
    }
    throttle_succeeded(d, &keys, &ticket);
    if (!session_start(r, d, user_id, NULL, NULL)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, NULL, "sign_in", user_id, NULL);
    reply_signed_in(r, d, 200);
}

static void logout_post(struct request *r)
{
    struct db *d = r->db;
    session_end(r, d);
    resp_no_content(r);
}

/* ---------- the current user ---------- */

static cJSON *my_families(struct request *r, struct db *d)
{
    cJSON *list = cJSON_CreateArray();
    const struct session *s = r->session;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT f.id, f.name, m.role, f.timezone, f.archived_at IS NOT NULL, f.sleep_guidance "
           "FROM members m JOIN families f ON f.id = m.family_id "
           "WHERE m.removed_at IS NULL AND (m.user_id = ?1 OR m.id = ?2) ORDER BY f.name, f.id");
    if (!st || !db_bind_text(st, 1, s->is_guest ? NULL : s->user_id) ||
        !db_bind_text(st, 2, s->is_guest ? s->member_id : NULL))
        return list;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "id", db_col_text(st, 0));
        cJSON_AddStringToObject(f, "name", db_col_text(st, 1));
        cJSON_AddStringToObject(f, "role", db_col_text(st, 2));
        cJSON_AddStringToObject(f, "timezone", db_col_text(st, 3));
        cJSON_AddBoolToObject(f, "archived", sqlite3_column_int(st, 4) == 1);
        cJSON_AddBoolToObject(f, "sleep_guidance", sqlite3_column_int(st, 5) == 1);
        cJSON_AddItemToArray(list, f);
    }
    sqlite3_reset(st);
    return list;
}

static void me_get(struct request *r)
{
    struct db *d = r->db;
    cJSON *user = session_user_json(r, d);
    if (!user) {
        resp_error(r, 401, "unauthenticated", "Sign in first");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "user", user);
    cJSON_AddItemToObject(body, "families", my_families(r, d));
    cJSON_AddStringToObject(body, "csrf_token", r->session->csrf);
    resp_json(r, 200, body);
}

/* Signs out every other session of the account (after a password change). */
static void end_other_sessions(struct db *d, const struct session *s)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM sessions WHERE user_id = ? AND id <> ?");
    if (st && db_bind_text(st, 1, s->user_id) && db_bind_text(st, 2, s->id))
        db_step_done(d, st);
}

/* A guest device names itself (the name its entries and presence show the
 * family; the link's label until then). The rest is an account's. */
static void guest_patch(struct request *r)
{
    static const char *const account_only[] = {"email",  "password", "current_password",
                                               "locale", "units",    NULL};
    for (const char *const *k = account_only; *k; k++) {
        if (cJSON_GetObjectItemCaseSensitive(r->json, *k)) {
            resp_error(r, 403, "account_required", "This needs an account, not a device link");
            return;
        }
    }
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL;
    if (v_string(&v, "name", V_REQUIRED, 1, 80, &name) && !name[strspn(name, " ")])
        v_error(&v, "name", "must not be blank");
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *mid = r->session->member_id;
    if (!req_begin(r))
        return;
    char fid[37] = "";
    sqlite3_stmt *st = db_stmt(d, "UPDATE members SET guest_name = ? WHERE id = ? AND "
                                  "user_id IS NULL RETURNING family_id");
    if (st && db_bind_text(st, 1, name) && db_bind_text(st, 2, mid) &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(fid, sizeof fid, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!fid[0]) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "guest_renamed", mid, NULL);
    if (!req_commit(r))
        return;
    cJSON *body = cJSON_CreateObject();
    cJSON *user = guest_json(d, mid);
    cJSON_AddItemToObject(body, "user", user ? user : cJSON_CreateNull());
    resp_json(r, 200, body);
}

static void me_patch(struct request *r)
{
    if (r->session->is_guest) {
        guest_patch(r);
        return;
    }
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL, *locale = NULL, *password = NULL, *current = NULL;
    char email[256];
    bool has_name = v_string(&v, "name", 0, 1, 80, &name);
    bool has_locale = v_enum(&v, "locale", 0, locales, &locale);
    bool has_email = v_email(&v, "email", 0, email, sizeof email);
    bool has_password =
        v_string(&v, "password", V_NULLABLE, PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS, &password);
    /* "password": null removes it, for a member who signs in with a passkey. */
    bool drop_password = !has_password && v_is_null(&v, "password");
    v_string(&v, "current_password", 0, 1, PASSWORD_MAX_CHARS, &current);
    const cJSON *units = NULL;
    const char *unit[UNIT_DIMS] = {NULL};
    if (v_object(&v, "units", 0, &units)) {
        struct vobj uv;
        v_init_nested(&uv, &v, units, "units");
        for (int i = 0; i < UNIT_DIMS; i++)
            v_enum(&uv, unit_dims[i], 0, unit_choices[i], &unit[i]);
        v_finish(&uv);
    }
    const char *digest = NULL;
    bool has_digest = v_enum(&v, "digest", 0, digests, &digest);
    if (has_digest && strcmp(digest, "off") != 0 && !mail_configured())
        v_error(&v, "digest", "email is not set up on this server");
    if (!v_finish(&v)) {
        v_reply(r, &v);
        return;
    }
    struct db *d = r->db;
    const char *uid = r->session->user_id;

    /* Changing the password or email needs the current password, unless the
     * account has none yet (the admin's first sign-in by link). */
    if (has_password || has_email || drop_password) {
        char hash[crypto_pwhash_STRBYTES] = "";
        sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(password_hash, '') FROM users WHERE id = ?");
        if (st && db_bind_text(st, 1, uid) && sqlite3_step(st) == SQLITE_ROW)
            snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
        if (st)
            sqlite3_reset(st);
        if (hash[0] && (!current || !password_verify(hash, current))) {
            v_error(&v, "current_password", current ? "is not right" : "is required");
            v_reply(r, &v);
            return;
        }
    }
    if (drop_password) {
        sqlite3_stmt *st = db_stmt(d, "SELECT count(*) FROM passkeys WHERE user_id = ?");
        bool has_passkey = st && db_bind_text(st, 1, uid) && sqlite3_step(st) == SQLITE_ROW &&
                           sqlite3_column_int(st, 0) > 0;
        if (st)
            sqlite3_reset(st);
        if (!has_passkey) {
            v_free(&v);
            resp_error(r, 409, "last_sign_in_method",
                       "Add a passkey before removing the password: it is your only way in");
            return;
        }
    }
    v_free(&v);
    char new_hash[crypto_pwhash_STRBYTES];
    if (has_password && !password_hash(password, new_hash)) {
        resp_error(r, 503, "overloaded", "Could not hash the password; try again");
        return;
    }

    if (!req_begin(r))
        return;
    sqlite3_stmt *st = db_stmt(
        d, "UPDATE users SET name = coalesce(?1, name), ui_locale = coalesce(?2, ui_locale), "
           "locale = coalesce(?11, locale), locale_chosen = locale_chosen OR ?2 IS NOT NULL, "
           "email = coalesce(?3, email), password_hash = coalesce(?4, password_hash), "
           "unit_volume = coalesce(?7, unit_volume), unit_weight = coalesce(?8, "
           "unit_weight), unit_length = coalesce(?9, unit_length), unit_temperature = "
           "coalesce(?10, unit_temperature), "
           "updated_at = ?5 WHERE id = ?6 AND (?3 IS NULL OR NOT EXISTS "
           "(SELECT 1 FROM users WHERE email = ?3 AND id <> ?6))");
    bool bound = st && db_bind_text(st, 1, has_name ? name : NULL) &&
                 db_bind_text(st, 2, has_locale ? locale : NULL) &&
                 db_bind_text(st, 3, has_email ? email : NULL) &&
                 db_bind_text(st, 4, has_password ? new_hash : NULL) &&
                 db_bind_int64(st, 5, now_ms()) && db_bind_text(st, 6, uid);
    for (int i = 0; i < UNIT_DIMS && bound; i++)
        bound = db_bind_text(st, 7 + i, unit[i]);
    /* The server's own messages: in the language chosen when it has it. */
    const char *server_locale = NULL;
    for (int i = 0; has_locale && i < SERVER_LOCALES; i++)
        if (strcmp(locale, locales[i]) == 0)
            server_locale = locale;
    if (has_locale && !server_locale)
        server_locale = "en";
    bound = bound && db_bind_text(st, 11, server_locale);
    if (!bound || !db_step_done(d, st)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        db_rollback(d);
        reply_email_taken(r);
        return;
    }
    if (has_password) {
        end_other_sessions(d, r->session);
        audit_record(r, d, NULL, "password_changed", uid, NULL);
    }
    if (drop_password) {
        st = db_stmt(d, "UPDATE users SET password_hash = NULL WHERE id = ?");
        if (!st || !db_bind_text(st, 1, uid) || !db_step_done(d, st)) {
            db_rollback(d);
            resp_internal(r);
            return;
        }
        audit_record(r, d, NULL, "password_removed", uid, NULL);
    }
    if (has_digest) {
        /* The first digest covers the day (or week) from now; choosing the
         * same period again keeps its rhythm. */
        st = db_stmt(d, "UPDATE users SET digest_last_at = CASE WHEN ?1 = 'off' THEN NULL "
                        "WHEN digest = ?1 AND digest_last_at IS NOT NULL THEN digest_last_at "
                        "ELSE ?2 END, digest = ?1 WHERE id = ?3");
        if (!st || !db_bind_text(st, 1, digest) || !db_bind_int64(st, 2, now_ms()) ||
            !db_bind_text(st, 3, uid) || !db_step_done(d, st)) {
            db_rollback(d);
            resp_internal(r);
            return;
        }
        audit_record(r, d, NULL, "digest_changed", uid, detail_str("digest", digest));
    }
    if (!req_commit(r))
        return;
    cJSON *body = cJSON_CreateObject();
    cJSON *user = user_json(d, uid);
    cJSON_AddItemToObject(body, "user", user ? user : cJSON_CreateNull());
    resp_json(r, 200, body);
}

/* ---------- signed-in devices ---------- */

static void sessions_get(struct request *r)
{
    struct db *d = r->db;
    const struct session *s = r->session;
    /* A guest device sees only itself; an account sees all of its devices. */
    sqlite3_stmt *st = db_stmt(d, "SELECT id, device, created_at, renewed_at, expires_at "
                                  "FROM sessions WHERE expires_at > ?1 AND "
                                  "(user_id = ?2 OR id = ?3) ORDER BY renewed_at DESC");
    if (!st || !db_bind_int64(st, 1, now_ms()) ||
        !db_bind_text(st, 2, s->is_guest ? NULL : s->user_id) || !db_bind_text(st, 3, s->id)) {
        resp_internal(r);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
        cJSON_AddStringToObject(o, "device", db_col_text(st, 1));
        cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 2));
        cJSON_AddNumberToObject(o, "last_seen_at", (double)sqlite3_column_int64(st, 3));
        cJSON_AddNumberToObject(o, "expires_at", (double)sqlite3_column_int64(st, 4));
        cJSON_AddBoolToObject(o, "current", strcmp(db_col_text(st, 0), s->id) == 0);
        cJSON_AddItemToArray(list, o);
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "sessions", list);
    resp_json(r, 200, body);
}

static void session_delete(struct request *r)
{
    struct db *d = r->db;
    const struct session *s = r->session;
    const char *sid = req_param(r, "sid");
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM sessions WHERE id = ?1 AND "
                                  "(user_id = ?2 OR id = ?3)");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, s->is_guest ? NULL : s->user_id) ||
        !db_bind_text(st, 3, s->id) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such session");
        return;
    }
    if (strcmp(sid, s->id) == 0)
        session_clear_cookie(r);
    audit_record(r, d, NULL, "session_revoked", sid, NULL);
    resp_no_content(r);
}

/* ---------- links ---------- */

/* Finds a usable link for the join routes, or answers the page that says
 * why not (false). */
static bool join_find(struct request *r, struct db *d, struct link *l)
{
    switch (link_find(d, req_param(r, "token"), l)) {
    case LINK_UNKNOWN:
        reply_page(r, 404, "Link not found",
                   "This link does not exist. Check that it was copied whole.", NULL);
        return false;
    case LINK_DEAD:
        reply_page(r, 410, "This link no longer works",
                   "It has expired, been used up or been revoked. Ask the family's owner "
                   "for a new one.",
                   NULL);
        return false;
    case LINK_OK:
        break;
    }
    return true;
}

static const char *role_phrase(const char *role)
{
    return strcmp(role, "owner") == 0       ? "an owner"
           : strcmp(role, "caregiver") == 0 ? "a caregiver (can log care)"
                                            : "a viewer (read only)";
}

/* Shows what the link will do; changes nothing (no use counted, no member,
 * no session), so previews and repeated opening are harmless. */
static void join_get(struct request *r)
{
    struct db *d = r->db;
    struct link l;
    if (!join_find(r, d, &l))
        return;
    const char *family = html_text(r, l.family_name);
    const char *title = req_printf(r, "Join %s", family);
    const char *text =
        r->session && !r->session->is_guest
            ? req_printf(r, "You are signed in: joining adds %s to your account, as %s.", family,
                         role_phrase(l.role))
            : req_printf(r,
                         "This device will open %s's care log as “%s”, %s. No account is "
                         "needed. To add the family to your account instead, sign in first "
                         "and open this link again.",
                         family, html_text(r, l.label), role_phrase(l.role));
    if (!title || !text) {
        resp_internal(r);
        return;
    }
    reply_page(r, 200, title, text, "Join");
}

/* The page's button: uses the link. A signed-in account joins the family;
 * anyone else becomes a guest device of it. */
static void join_post(struct request *r)
{
    if (!link_post_allowed(r))
        return;
    struct db *d = r->db;
    struct link l;
    if (!join_find(r, d, &l))
        return;
    bool as_account = r->session && !r->session->is_guest;
    char member_id[37] = "";
    if (!db_begin(d)) {
        reply_page(r, 503, "Busy", "The server is busy. Try the link again in a moment.", NULL);
        return;
    }
    bool ok = link_take_use(d, l.id);
    if (ok && as_account)
        ok = member_join_account(d, &l, r->session->user_id);
    else if (ok)
        ok = member_add_guest(d, &l, member_id) && session_start(r, d, NULL, member_id, l.id);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        reply_page(r, 410, "This link no longer works",
                   "It was used up just now. Ask the family's owner for a new one.", NULL);
        return;
    }
    audit_record(r, d, l.family_id, "link_used", l.id, detail_str("role", l.role));
    char *to = req_printf(r, "/?family=%s", l.family_id);
    resp_redirect(r, to ? to : "/");
}

static void reply_signin_dead(struct request *r)
{
    reply_page(r, 410, "This sign-in link no longer works",
               "It was already used or has expired. Ask for a new one (the instance admin: "
               "run carelogctl admin-link).",
               NULL);
}

/* Shows a one-time sign-in link (the admin's, or a consultant's invitation
 * from the admin) without using it. */
static void signin_get(struct request *r)
{
    struct db *d = r->db;
    char hash[HASH_HEX_LEN + 1];
    token_hash(req_param(r, "token"), hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT u.is_admin FROM signin_tokens t JOIN users u ON u.id = t.user_id "
                   "WHERE t.token_hash = ? AND t.expires_at > ?");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms())) {
        resp_internal(r);
        return;
    }
    int rc = sqlite3_step(st);
    bool admin = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        reply_signin_dead(r);
        return;
    }
    if (rc != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    if (admin)
        reply_page(r, 200, "Sign in as the admin",
                   "This one-time link signs this browser in as the instance admin. It works "
                   "once.",
                   "Sign in");
    else
        reply_page(r, 200, "Sign in as a consultant",
                   "You were invited to carelog's console as a consultant. This one-time link "
                   "signs this browser in; then choose a password under Account. It works once.",
                   "Sign in");
}

static void signin_post(struct request *r)
{
    if (!link_post_allowed(r))
        return;
    struct db *d = r->db;
    char hash[HASH_HEX_LEN + 1], user_id[37] = "";
    token_hash(req_param(r, "token"), hash);
    if (!db_begin(d)) {
        reply_page(r, 503, "Busy", "The server is busy. Try the link again in a moment.", NULL);
        return;
    }
    /* One-time: the token is deleted in the same transaction that uses it. */
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM signin_tokens WHERE token_hash = ? AND "
                                  "expires_at > ? RETURNING user_id");
    if (st && db_bind_text(st, 1, hash) && db_bind_int64(st, 2, now_ms()) &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!user_id[0] || !session_start(r, d, user_id, NULL, NULL) || !db_commit(d)) {
        db_rollback(d);
        session_clear_cookie(r);
        reply_signin_dead(r);
        return;
    }
    audit_record(r, d, NULL, "sign_in", user_id, detail_str("method", "one_time_link"));
    resp_redirect(r, "/?welcome=admin");
}

/* ---------- password reset links ---------- */

static void reply_reset_dead(struct request *r)
{
    resp_error(r, 410, "reset_link_invalid",
               "This link has expired or was already used; ask for a new one");
}

/* Uses a reset link: sets the new password, ends every session of the
 * account (whoever else was signed in, including someone who took it
 * over) and signs this browser in. The token is looked up before the
 * password is hashed, so made-up tokens cost no argon2id; it is taken in
 * the same transaction that uses it, so it works once. */
static void reset_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *token = NULL, *password = NULL;
    v_string(&v, "token", V_REQUIRED, 1, 128, &token);
    v_string(&v, "password", V_REQUIRED, PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS, &password);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    char hash[HASH_HEX_LEN + 1];
    token_hash(token, hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT 1 FROM reset_tokens WHERE token_hash = ? AND expires_at > ?");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms())) {
        resp_internal(r);
        return;
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            reply_reset_dead(r);
        else
            resp_internal(r);
        return;
    }
    char pw_hash[crypto_pwhash_STRBYTES];
    if (!password_hash(password, pw_hash)) {
        resp_error(r, 503, "overloaded", "Could not hash the password; try again");
        return;
    }
    if (!req_begin(r))
        return;
    char user_id[37] = "", via[16] = "", family_id[37] = "", email[256] = "";
    st = db_stmt(d, "DELETE FROM reset_tokens WHERE token_hash = ? AND expires_at > ? "
                    "RETURNING user_id, via, family_id, "
                    "(SELECT email FROM users WHERE id = user_id)");
    if (st && db_bind_text(st, 1, hash) && db_bind_int64(st, 2, now_ms()) &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
        snprintf(via, sizeof via, "%s", db_col_text(st, 1));
        snprintf(family_id, sizeof family_id, "%s", db_col_text(st, 2));
        snprintf(email, sizeof email, "%s", db_col_text(st, 3));
    }
    if (st)
        sqlite3_reset(st);
    if (!user_id[0]) {
        db_rollback(d);
        reply_reset_dead(r); /* used by someone else a moment ago */
        return;
    }
    /* Its failed sign-ins are forgiven too: the throttle must not keep the
     * rightful owner out once they have proved it. */
    char account_key[HASH_HEX_LEN + 1];
    keyed_hash("login-account", email, account_key);
    sqlite3_stmt *up =
        db_stmt(d, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
    sqlite3_stmt *end = db_stmt(d, "DELETE FROM sessions WHERE user_id = ?");
    sqlite3_stmt *fails = db_stmt(d, "DELETE FROM login_failures WHERE key = ?");
    bool ok = up && db_bind_text(up, 1, pw_hash) && db_bind_int64(up, 2, now_ms()) &&
              db_bind_text(up, 3, user_id) && db_step_done(d, up) && end &&
              db_bind_text(end, 1, user_id) && db_step_done(d, end) && fails &&
              db_bind_text(fails, 1, account_key) && db_step_done(d, fails) &&
              session_start(r, d, user_id, NULL, NULL);
    if (!ok) {
        db_rollback(d);
        session_clear_cookie(r);
        resp_internal(r);
        return;
    }
    audit_record(r, d, family_id[0] ? family_id : NULL, "password_reset", user_id,
                 detail_str("via", via));
    if (!req_commit(r))
        return;
    reply_signed_in(r, d, 200);
}

/* The instance admin makes a reset link for any account, by its email (the
 * way a person asking for help names themselves). */
static void admin_reset_link(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    char email[256];
    v_email(&v, "email", V_REQUIRED, email, sizeof email);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    char user_id[37] = "";
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM users WHERE email = ?");
    if (st && db_bind_text(st, 1, email) && sqlite3_step(st) == SQLITE_ROW)
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!user_id[0]) {
        resp_error(r, 404, "not_found", "No account has this email");
        return;
    }
    char token[TOKEN_LEN + 1], path[96];
    int64_t expires_at = 0;
    if (!reset_issue(d, user_id, RESET_VIA_ADMIN, NULL, r->session->user_id, RESET_LINK_HANDED_MS,
                     token, &expires_at) ||
        !reset_path(token, path, sizeof path)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, NULL, "reset_link_created", user_id, detail_str("via", RESET_VIA_ADMIN));
    cJSON *body = cJSON_CreateObject();
    char *url = req_printf(r, "%s%s", req_base_url(r), path);
    cJSON_AddStringToObject(body, "url", url ? url : path);
    cJSON_AddStringToObject(body, "token", token);
    json_add_int64(body, "expires_at", expires_at);
    resp_json(r, 201, body);
}

/* ---------- email: forgot password, unsubscribe, the admin's view ---------- */

/* The answer is the same whether or not an account has the address, and
 * whether or not mail went out: 202 and one sentence. The limits are kept
 * per address and per email (known or not), so they tell nothing either. */
static void forgot_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    char email[256];
    v_email(&v, "email", V_REQUIRED, email, sizeof email);
    if (!v_accept(r, &v))
        return;
    if (!mail_configured()) {
        resp_error(r, 503, "mail_unavailable",
                   "Email is not set up on this server; ask the family's owner or the admin "
                   "for a reset link");
        return;
    }
    struct db *d = r->db;
    struct rate_limit per_addr =
        rate_limit_env("FORGOT_RATE_ADDR_MAX", 10, "FORGOT_RATE_WINDOW", 3600);
    struct rate_limit per_account =
        rate_limit_env("FORGOT_RATE_MAX", 3, "FORGOT_RATE_WINDOW", 3600);
    char block[80], key[HASH_HEX_LEN + 1];
    throttle_addr_block(req_client_addr(r), block, sizeof block);
    keyed_hash("forgot-addr", block, key);
    int64_t wait = rate_take(d, key, per_addr.max, per_addr.window_s);
    if (wait == 0) {
        keyed_hash("forgot-account", email, key);
        wait = rate_take(d, key, per_account.max, per_account.window_s);
    }
    if (wait != 0) {
        reply_rate_limited(r, wait, "Too many reset requests; try again later");
        return;
    }
    if (!req_begin(r))
        return;
    char user_id[37] = "", locale[8] = "en";
    sqlite3_stmt *st = db_stmt(d, "SELECT id, locale FROM users WHERE email = ?");
    if (st && db_bind_text(st, 1, email) && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
        snprintf(locale, sizeof locale, "%s", db_col_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    if (user_id[0]) {
        char token[TOKEN_LEN + 1], path[96], origin[512], url[700];
        int64_t expires_at;
        public_origin(origin, sizeof origin);
        bool ok = reset_issue(d, user_id, RESET_VIA_EMAIL, NULL, NULL, RESET_LINK_EMAIL_MS, token,
                              &expires_at) &&
                  reset_path(token, path, sizeof path) &&
                  snprintf(url, sizeof url, "%s%s", origin, path) < (int)sizeof url &&
                  mail_queue_reset(d, user_id, email, locale, url);
        if (!ok) {
            db_rollback(d);
            resp_internal(r);
            return;
        }
        audit_record(r, d, NULL, "reset_link_created", user_id, detail_str("via", RESET_VIA_EMAIL));
    }
    if (!req_commit(r))
        return;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "message",
                            "If an account has this address, a sign-in link is on its way");
    resp_json(r, 202, body);
}

static void unsubscribe_get(struct request *r)
{
    char uid[37];
    if (!unsubscribe_check(req_param(r, "token"), uid)) {
        reply_page(r, 404, "Link not found", "This link does not exist.", NULL);
        return;
    }
    reply_page(r, 200, "Stop the digest",
               "Press the button to stop getting the carelog digest by email. You can turn it "
               "on again in the app (Account).",
               "Stop the digest");
}

static void unsubscribe_post(struct request *r)
{
    char uid[37];
    if (!unsubscribe_check(req_param(r, "token"), uid)) {
        reply_page(r, 404, "Link not found", "This link does not exist.", NULL);
        return;
    }
    struct db *d = r->db;
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE users SET digest = 'off', digest_last_at = NULL WHERE id = ?");
    if (!st || !db_bind_text(st, 1, uid) || !db_step_done(d, st)) {
        reply_page(r, 503, "Busy", "The server is busy. Try again in a moment.", NULL);
        return;
    }
    reply_page(r, 200, "Digest stopped", "You will get no more carelog digests.", NULL);
}

/* How mail is doing, for the admin: counts by state and the latest
 * failures and retries, with reasons but without addresses or texts. */
static void admin_mail_get(struct request *r)
{
    struct db *d = r->db;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddBoolToObject(body, "configured", mail_configured());
    cJSON *counts = cJSON_AddObjectToObject(body, "counts");
    sqlite3_stmt *st =
        db_stmt(d, "SELECT count(*) FILTER (WHERE status = 'queued' AND attempts = 0), "
                   "count(*) FILTER (WHERE status = 'queued' AND attempts > 0), "
                   "count(*) FILTER (WHERE status = 'sent'), "
                   "count(*) FILTER (WHERE status = 'failed') FROM mail_outbox");
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        cJSON_Delete(body);
        resp_internal(r);
        return;
    }
    cJSON_AddNumberToObject(counts, "queued", sqlite3_column_int(st, 0));
    cJSON_AddNumberToObject(counts, "retrying", sqlite3_column_int(st, 1));
    cJSON_AddNumberToObject(counts, "sent", sqlite3_column_int(st, 2));
    cJSON_AddNumberToObject(counts, "failed", sqlite3_column_int(st, 3));
    sqlite3_reset(st);
    st = db_stmt(d, "SELECT id, kind, status, attempts, last_error, created_at, next_at, done_at "
                    "FROM mail_outbox WHERE last_error <> '' ORDER BY id DESC LIMIT 50");
    cJSON *list = cJSON_AddArrayToObject(body, "problems");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(o, "kind", db_col_text(st, 1));
        cJSON_AddStringToObject(o, "status", db_col_text(st, 2));
        cJSON_AddNumberToObject(o, "attempts", sqlite3_column_int(st, 3));
        cJSON_AddStringToObject(o, "last_error", db_col_text(st, 4));
        json_add_int64(o, "created_at", sqlite3_column_int64(st, 5));
        json_add_int64(o, "next_at", sqlite3_column_int64(st, 6));
        json_col_int(o, "done_at", st, 7);
        cJSON_AddItemToArray(list, o);
    }
    resp_json(r, 200, body);
}

/* ---------- passkeys ---------- */

#define CHALLENGE_TTL_MS (5 * 60 * 1000LL)

/* The origin passkeys are used from and their RP ID (the origin's host):
 * PUBLIC_URL when set (set it in production: then nothing depends on the
 * request), else this request's own scheme and Host. A Host is no
 * authority here: a credential only ever signs for the RP ID it was made
 * for, and a sign-in must match the RP ID stored with it. */
static bool webauthn_site(struct request *r, char *origin, size_t originsz, char *rp_id,
                          size_t rpsz)
{
    const char *pub = getenv("PUBLIC_URL"), *host = NULL;
    if (pub && *pub) {
        const char *sep = strstr(pub, "://");
        if (!sep)
            return false;
        snprintf(origin, originsz, "%s", pub);
        size_t n = strlen(origin);
        if (n && origin[n - 1] == '/')
            origin[n - 1] = '\0';
        host = sep + 3;
    } else {
        host = req_header(r, "Host");
        if (!host || !*host ||
            snprintf(origin, originsz, "%s://%s", req_is_https(r) ? "https" : "http", host) >=
                (int)originsz)
            return false;
    }
    size_t hn = strcspn(host, ":/");
    if (hn == 0 || hn >= rpsz)
        return false;
    for (size_t i = 0; i < hn; i++) {
        char c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
    }
    memcpy(rp_id, host, hn);
    rp_id[hn] = '\0';
    for (char *p = rp_id; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return true;
}

/* A base64url field of the request into a malloc'd buffer. */
static unsigned char *b64_field(const char *text, size_t *n)
{
    size_t len = strlen(text), cap = len * 3 / 4 + 3;
    unsigned char *out = malloc(cap);
    if (out && !b64url_decode(text, len, out, cap, n)) {
        free(out);
        out = NULL;
    }
    return out;
}

static void reply_passkey_invalid(struct request *r, int status, const char *why)
{
    resp_error(r, status, status == 401 ? "passkey_refused" : "passkey_invalid", why);
}

static cJSON *passkey_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "alg", sqlite3_column_int(st, 2) == WA_ES256 ? "ES256" : "EdDSA");
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 3));
    json_col_int(o, "last_used_at", st, 4);
    return o;
}

static void passkeys_get(struct request *r)
{
    sqlite3_stmt *st = db_stmt(r->db, "SELECT id, name, alg, created_at, last_used_at FROM "
                                      "passkeys WHERE user_id = ? ORDER BY created_at, id");
    if (!st || !db_bind_text(st, 1, r->session->user_id)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "passkeys", passkey_json);
}

static cJSON *b64_of(const unsigned char *p, size_t n)
{
    char out[1500];
    if (!b64url_encode(p, n, out, sizeof out))
        return cJSON_CreateNull();
    return cJSON_CreateString(out);
}

/* Options for navigator.credentials.create() or .get(), as JSON: the app
 * turns the base64url fields into bytes. */
static void passkey_challenge(struct request *r)
{
    static const char *const purposes[] = {"register", "login", NULL};
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *purpose = NULL;
    v_enum(&v, "purpose", V_REQUIRED, purposes, &purpose);
    if (!v_accept(r, &v))
        return;
    bool reg = strcmp(purpose, "register") == 0;
    struct session *s = r->session;
    if (reg && (!s || s->is_guest)) {
        resp_error(r, 401, "unauthenticated", "Sign in to your account first");
        return;
    }
    if (reg && !secret_equals(req_header(r, "X-CSRF-Token") ? req_header(r, "X-CSRF-Token") : "",
                              s->csrf)) {
        resp_error(r, 403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
        return;
    }
    char origin[512], rp_id[256];
    if (!webauthn_site(r, origin, sizeof origin, rp_id, sizeof rp_id)) {
        resp_error(r, 400, "bad_host", "Passkeys need a host name (set PUBLIC_URL)");
        return;
    }
    struct db *d = r->db;
    char challenge[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1];
    token_new(challenge);
    token_hash(challenge, hash);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM webauthn_challenges WHERE expires_at <= ?");
    bool ok = st && db_bind_int64(st, 1, now) && db_step_done(d, st);
    st = db_stmt(d, "INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, "
                    "expires_at) VALUES (?, ?, ?, ?)");
    ok = ok && st && db_bind_text(st, 1, hash) && db_bind_text(st, 2, purpose) &&
         db_bind_text(st, 3, reg ? s->user_id : NULL) &&
         db_bind_int64(st, 4, now + CHALLENGE_TTL_MS) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON *pk = cJSON_AddObjectToObject(body, "publicKey");
    cJSON_AddStringToObject(pk, "challenge", challenge);
    cJSON_AddNumberToObject(pk, "timeout", (double)CHALLENGE_TTL_MS);
    cJSON_AddStringToObject(pk, "userVerification", "required");
    if (!reg) {
        /* Discoverable credentials: the authenticator offers the passkeys it
         * holds for this site, so nobody types an email first. */
        cJSON_AddStringToObject(pk, "rpId", rp_id);
        cJSON_AddArrayToObject(pk, "allowCredentials");
        resp_json(r, 200, body);
        return;
    }
    cJSON *rp = cJSON_AddObjectToObject(pk, "rp");
    cJSON_AddStringToObject(rp, "id", rp_id);
    cJSON_AddStringToObject(rp, "name", "carelog");
    cJSON *user = cJSON_AddObjectToObject(pk, "user");
    cJSON_AddItemToObject(user, "id",
                          b64_of((const unsigned char *)s->user_id, strlen(s->user_id)));
    st = db_stmt(d, "SELECT email, name FROM users WHERE id = ?");
    if (st && db_bind_text(st, 1, s->user_id) && sqlite3_step(st) == SQLITE_ROW) {
        cJSON_AddStringToObject(user, "name", db_col_text(st, 0));
        cJSON_AddStringToObject(user, "displayName", db_col_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    cJSON *params = cJSON_AddArrayToObject(pk, "pubKeyCredParams");
    const int algs[] = {WA_ES256, WA_EDDSA};
    for (size_t i = 0; i < ARRAY_LEN(algs); i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "type", "public-key");
        cJSON_AddNumberToObject(p, "alg", algs[i]);
        cJSON_AddItemToArray(params, p);
    }
    cJSON_AddStringToObject(pk, "attestation", "none");
    cJSON *sel = cJSON_AddObjectToObject(pk, "authenticatorSelection");
    cJSON_AddStringToObject(sel, "residentKey", "required");
    cJSON_AddBoolToObject(sel, "requireResidentKey", true);
    cJSON_AddStringToObject(sel, "userVerification", "required");
    cJSON *exclude = cJSON_AddArrayToObject(pk, "excludeCredentials");
    st = db_stmt(d, "SELECT id FROM passkeys WHERE user_id = ?");
    if (st && db_bind_text(st, 1, s->user_id)) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "type", "public-key");
            cJSON_AddStringToObject(c, "id", db_col_text(st, 0));
            cJSON_AddItemToArray(exclude, c);
        }
    }
    resp_json(r, 200, body);
}

/* The fields of a PublicKeyCredential as the app sends them. */
struct credential {
    const char *id, *client_data, *attestation, *auth_data, *signature, *user_handle;
};

static bool read_credential(struct request *r, struct vobj *v, bool attestation,
                            struct credential *c, const char **name)
{
    static const char *const types[] = {"public-key", NULL};
    memset(c, 0, sizeof *c);
    const cJSON *resp = NULL;
    const char *type = NULL;
    v_string(v, "id", V_REQUIRED, 1, 1400, &c->id);
    v_enum(v, "type", 0, types, &type);
    if (name)
        v_string(v, "name", 0, 1, 60, name);
    if (v_object(v, "response", V_REQUIRED, &resp)) {
        struct vobj rv;
        v_init_nested(&rv, v, resp, "response");
        v_string(&rv, "clientDataJSON", V_REQUIRED, 1, 8192, &c->client_data);
        if (attestation) {
            v_string(&rv, "attestationObject", V_REQUIRED, 1, 65536, &c->attestation);
        } else {
            v_string(&rv, "authenticatorData", V_REQUIRED, 37, 8192, &c->auth_data);
            v_string(&rv, "signature", V_REQUIRED, 1, 1024, &c->signature);
            v_string(&rv, "userHandle", V_NULLABLE, 1, 128, &c->user_handle);
        }
        v_finish(&rv);
        v_free(&rv);
    }
    return v_accept(r, v);
}

/* Adds a passkey: the answer to a registration challenge of this account,
 * attestation "none", for this site, user verified. */
static void passkey_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    struct credential c;
    const char *name = NULL;
    if (!read_credential(r, &v, true, &c, &name))
        return;
    struct db *d = r->db;
    const char *uid = r->session->user_id, *why = NULL;
    char origin[512], rp_id[256], challenge[128], hash[HASH_HEX_LEN + 1], id_text[1400];
    size_t cd_len = 0, att_len = 0, ad_len = 0, der_len = 0;
    unsigned char *cd = b64_field(c.client_data, &cd_len),
                  *att = b64_field(c.attestation, &att_len);
    unsigned char *ad = NULL, *der = NULL;
    struct wa_auth_data a;
    int alg = 0;
    if (!cd || !att) {
        why = "clientDataJSON and attestationObject must be base64url";
    } else if (!webauthn_site(r, origin, sizeof origin, rp_id, sizeof rp_id)) {
        why = "passkeys need a host name (set PUBLIC_URL)";
    } else if (wa_client_data(cd, cd_len, "webauthn.create", origin, challenge, sizeof challenge,
                              &why) &&
               wa_attestation_none(att, att_len, &ad, &ad_len, &why) &&
               wa_auth_data_parse(ad, ad_len, true, &a, &why) &&
               wa_auth_data_check(&a, rp_id, &why) &&
               wa_cose_to_spki(a.cose_key, a.cose_key_len, &der, &der_len, &alg, &why)) {
        if (!b64url_encode(a.cred_id, a.cred_id_len, id_text, sizeof id_text) ||
            strcmp(id_text, c.id) != 0)
            why = "the credential id does not match the authenticator data";
    }
    if (!why) {
        token_hash(challenge, hash);
        sqlite3_stmt *st =
            db_stmt(d, "DELETE FROM webauthn_challenges WHERE challenge_hash = ? "
                       "AND purpose = 'register' AND user_id = ? AND expires_at > ?");
        if (!st || !db_bind_text(st, 1, hash) || !db_bind_text(st, 2, uid) ||
            !db_bind_int64(st, 3, now_ms()) || !db_step_done(d, st))
            why = "";
        else if (sqlite3_changes(d->h) != 1)
            why = "the challenge is unknown, used or expired; ask for a new one";
    }
    if (why) {
        free(cd);
        free(att);
        free(ad);
        free(der);
        if (*why)
            reply_passkey_invalid(r, 400, why);
        else
            resp_internal(r);
        return;
    }
    char device[48];
    device_label(req_header(r, "User-Agent"), device, sizeof device);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO passkeys (id, user_id, public_key, alg, rp_id, "
                                  "sign_count, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (id) DO NOTHING");
    bool ok = st && db_bind_text(st, 1, c.id) && db_bind_text(st, 2, uid) &&
              sqlite3_bind_blob(st, 3, der, (int)der_len, SQLITE_TRANSIENT) == SQLITE_OK &&
              db_bind_int64(st, 4, alg) && db_bind_text(st, 5, rp_id) &&
              db_bind_int64(st, 6, a.sign_count) && db_bind_text(st, 7, name ? name : device) &&
              db_bind_int64(st, 8, now) && db_step_done(d, st);
    free(cd);
    free(att);
    free(ad);
    free(der);
    if (!ok) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 409, "passkey_exists", "This passkey is already registered");
        return;
    }
    audit_record(r, d, NULL, "passkey_added", c.id,
                 detail_str("alg", alg == WA_ES256 ? "ES256" : "EdDSA"));
    st = db_stmt(d, "SELECT id, name, alg, created_at, last_used_at FROM passkeys WHERE id = ?");
    if (!st || !db_bind_text(st, 1, c.id) || sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    resp_json(r, 201, passkey_json(st));
}

static void passkey_delete(struct request *r)
{
    struct db *d = r->db;
    const char *uid = r->session->user_id, *pkid = req_param(r, "pkid");
    /* The last passkey of an account without a password is its only way in. */
    sqlite3_stmt *st = db_stmt(d, "SELECT (SELECT password_hash IS NULL FROM users WHERE id = ?1), "
                                  "(SELECT count(*) FROM passkeys WHERE user_id = ?1), "
                                  "EXISTS (SELECT 1 FROM passkeys WHERE user_id = ?1 AND id = ?2)");
    if (!st || !db_bind_text(st, 1, uid) || !db_bind_text(st, 2, pkid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    bool no_password = sqlite3_column_int(st, 0) == 1, mine = sqlite3_column_int(st, 2) == 1;
    int count = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    if (!mine) {
        resp_error(r, 404, "not_found", "No such passkey");
        return;
    }
    if (no_password && count == 1) {
        resp_error(r, 409, "last_sign_in_method",
                   "This passkey is your only way in: set a password first");
        return;
    }
    st = db_stmt(d, "DELETE FROM passkeys WHERE user_id = ? AND id = ?");
    if (!st || !db_bind_text(st, 1, uid) || !db_bind_text(st, 2, pkid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, NULL, "passkey_removed", pkid, NULL);
    resp_no_content(r);
}

/* Signs in with a passkey: the answer to a sign-in challenge, from a
 * registered credential, for this site, user verified, with a valid
 * signature and a counter that went up. The challenge is spent whatever
 * the outcome, and a counter that did not go up (a cloned authenticator)
 * is written to the audit log. */
static void passkey_login(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    struct credential c;
    if (!read_credential(r, &v, false, &c, NULL))
        return;
    struct db *d = r->db;
    const char *why = NULL;
    char origin[512], rp_id[256], challenge[128], hash[HASH_HEX_LEN + 1];
    size_t cd_len = 0, ad_len = 0, sig_len = 0;
    unsigned char *cd = b64_field(c.client_data, &cd_len), *ad = b64_field(c.auth_data, &ad_len);
    unsigned char *sig = b64_field(c.signature, &sig_len);
    if (!cd || !ad || !sig)
        why = "clientDataJSON, authenticatorData and signature must be base64url";
    else if (!webauthn_site(r, origin, sizeof origin, rp_id, sizeof rp_id))
        why = "passkeys need a host name (set PUBLIC_URL)";
    else
        wa_client_data(cd, cd_len, "webauthn.get", origin, challenge, sizeof challenge, &why);
    if (why) {
        reply_passkey_invalid(r, 401, why);
        goto out;
    }
    if (!req_begin(r))
        goto out;
    token_hash(challenge, hash);
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM webauthn_challenges WHERE challenge_hash = ? "
                                  "AND purpose = 'login' AND expires_at > ?");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms()) ||
        !db_step_done(d, st) || sqlite3_changes(d->h) != 1) {
        db_rollback(d);
        reply_passkey_invalid(r, 401, "the challenge is unknown, used or expired; try again");
        goto out;
    }
    char user_id[37] = "", stored_rp[256] = "";
    unsigned char *der = NULL;
    size_t der_len = 0;
    int alg = 0;
    int64_t stored_count = 0;
    st =
        db_stmt(d, "SELECT user_id, public_key, alg, rp_id, sign_count FROM passkeys WHERE id = ?");
    if (st && db_bind_text(st, 1, c.id) && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
        der_len = (size_t)sqlite3_column_bytes(st, 1);
        der = malloc(der_len ? der_len : 1);
        if (der && der_len)
            memcpy(der, sqlite3_column_blob(st, 1), der_len);
        alg = sqlite3_column_int(st, 2);
        snprintf(stored_rp, sizeof stored_rp, "%s", db_col_text(st, 3));
        stored_count = sqlite3_column_int64(st, 4);
    }
    if (st)
        sqlite3_reset(st);
    struct wa_auth_data a;
    char handle[64];
    bool counter_ok = false;
    if (!user_id[0] || !der)
        why = "this passkey is not registered here";
    else if (strcmp(stored_rp, rp_id) != 0)
        why = "the passkey belongs to another site (RP ID)";
    else if (!wa_auth_data_parse(ad, ad_len, false, &a, &why) ||
             !wa_auth_data_check(&a, rp_id, &why))
        ;
    else if (c.user_handle && (!b64url_encode((const unsigned char *)user_id, strlen(user_id),
                                              handle, sizeof handle) ||
                               strcmp(handle, c.user_handle) != 0))
        why = "the passkey belongs to another account";
    else if (!wa_verify(der, der_len, alg, ad, ad_len, cd, cd_len, sig, sig_len))
        why = "the signature does not verify";
    else if (!(counter_ok = wa_counter_ok((uint32_t)stored_count, a.sign_count)))
        why = "this passkey's counter went back: it may have been copied, so it is refused";
    free(der);
    if (why) {
        /* The spent challenge (and a suspected clone) are kept. */
        if (user_id[0] && !counter_ok && strstr(why, "counter"))
            audit_record(r, d, NULL, "passkey_clone_suspected", c.id, NULL);
        if (!req_commit(r))
            goto out;
        reply_passkey_invalid(r, 401, why);
        goto out;
    }
    st = db_stmt(d, "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ?");
    if (!st || !db_bind_int64(st, 1, a.sign_count) || !db_bind_int64(st, 2, now_ms()) ||
        !db_bind_text(st, 3, c.id) || !db_step_done(d, st) ||
        !session_start(r, d, user_id, NULL, NULL)) {
        db_rollback(d);
        session_clear_cookie(r);
        resp_internal(r);
        goto out;
    }
    audit_record(r, d, NULL, "sign_in", user_id, detail_str("method", "passkey"));
    if (req_commit(r))
        reply_signed_in(r, d, 200);
out:
    free(cd);
    free(ad);
    free(sig);
}

CARELOG_PROGRAM(auth, NULL, NULL)
