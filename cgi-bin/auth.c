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
#include "security/password.h"
#include "security/secret.h"
#include "security/throttle.h"

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

static const struct route routes[] = {
    {"POST", "/api/v1/auth/register", register_post, ACCESS_PUBLIC, ROUTE_JSON},
    {"POST", "/api/v1/auth/login", login_post, ACCESS_PUBLIC, ROUTE_JSON},
    {"POST", "/api/v1/auth/logout", logout_post, ACCESS_SESSION, ROUTE_WRITE},
    {"GET", "/api/v1/auth/me", me_get, ACCESS_SESSION, 0},
    {"PATCH", "/api/v1/auth/me", me_patch, ACCESS_SESSION, ROUTE_JSON},
    {"GET", "/api/v1/auth/sessions", sessions_get, ACCESS_SESSION, 0},
    {"DELETE", "/api/v1/auth/sessions/{sid}", session_delete, ACCESS_SESSION, ROUTE_WRITE},
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

/* ---------- shared pieces ---------- */

/* {id,email,name,is_admin,locale,guest,has_password,units} for an account,
 * or null. */
static cJSON *user_json(struct db *d, const char *user_id)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT id, email, name, is_admin, "
                   "CASE WHEN locale_chosen THEN coalesce(ui_locale, locale) END, "
                   "password_hash IS NOT NULL, unit_volume, unit_weight, unit_length, "
                   "unit_temperature FROM users WHERE id = ?");
    if (!st || !db_bind_text(st, 1, user_id) || sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(u, "email", db_col_text(st, 1));
    cJSON_AddStringToObject(u, "name", db_col_text(st, 2));
    cJSON_AddBoolToObject(u, "is_admin", sqlite3_column_int(st, 3) == 1);
    if (sqlite3_column_type(st, 4) == SQLITE_NULL)
        cJSON_AddNullToObject(u, "locale"); /* never chosen: the app follows the browser */
    else
        cJSON_AddStringToObject(u, "locale", db_col_text(st, 4));
    cJSON_AddBoolToObject(u, "guest", false);
    cJSON_AddBoolToObject(u, "has_password", sqlite3_column_int(st, 5) == 1);
    cJSON *units = cJSON_AddObjectToObject(u, "units");
    for (int i = 0; i < UNIT_DIMS; i++)
        json_col_text(units, unit_dims[i], st, 6 + i);
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
    sqlite3_stmt *st = db_stmt(d, "UPDATE links SET uses = uses + 1 WHERE id = ? AND "
                                  "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
                                  "AND (max_uses IS NULL OR uses < max_uses)");
    return st && db_bind_text(st, 1, link_id) && db_bind_int64(st, 2, now_ms()) &&
           db_step_done(d, st) && sqlite3_changes(d->h) == 1;
}

/* Adds the account to the family, or brings back a removed membership. An
 * existing active membership keeps its role when that role is higher. */
static bool member_join_account(struct db *d, const char *fid, const char *user_id,
                                const char *role)
{
    char id[37];
    uuid_v4(id);
    sqlite3_stmt *st = db_stmt(
        d, "INSERT INTO members (id, family_id, user_id, role, created_at) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT (family_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET "
           "role = CASE WHEN removed_at IS NOT NULL OR "
           "(CASE excluded.role WHEN 'owner' THEN 3 WHEN 'caregiver' THEN 2 ELSE 1 END) > "
           "(CASE role WHEN 'owner' THEN 3 WHEN 'caregiver' THEN 2 ELSE 1 END) "
           "THEN excluded.role ELSE role END, removed_at = NULL");
    return st && db_bind_text(st, 1, id) && db_bind_text(st, 2, fid) &&
           db_bind_text(st, 3, user_id) && db_bind_text(st, 4, role) &&
           db_bind_int64(st, 5, now_ms()) && db_step_done(d, st);
}

static bool member_add_guest(struct db *d, const struct link *l, char member_id[37])
{
    uuid_v4(member_id);
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO members (id, family_id, guest_name, link_id, "
                                  "role, created_at) VALUES (?, ?, ?, ?, ?, ?)");
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
    if (invite && (!link_take_use(d, link.id) ||
                   !member_join_account(d, link.family_id, user_id, link.role))) {
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
        v_string(&v, "password", 0, PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS, &password);
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
    if (!v_finish(&v)) {
        v_reply(r, &v);
        return;
    }
    struct db *d = r->db;
    const char *uid = r->session->user_id;

    /* Changing the password or email needs the current password, unless the
     * account has none yet (the admin's first sign-in by link). */
    if (has_password || has_email) {
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
        ok = member_join_account(d, l.family_id, r->session->user_id, l.role);
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
               "It was already used or has expired. Run carelogctl admin-link for a new one.",
               NULL);
}

/* Shows the admin's one-time link without using it. */
static void signin_get(struct request *r)
{
    struct db *d = r->db;
    char hash[HASH_HEX_LEN + 1];
    token_hash(req_param(r, "token"), hash);
    sqlite3_stmt *st =
        db_stmt(d, "SELECT 1 FROM signin_tokens WHERE token_hash = ? AND expires_at > ?");
    if (!st || !db_bind_text(st, 1, hash) || !db_bind_int64(st, 2, now_ms())) {
        resp_internal(r);
        return;
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        reply_signin_dead(r);
        return;
    }
    if (rc != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    reply_page(r, 200, "Sign in as the admin",
               "This one-time link signs this browser in as the instance admin. It works once.",
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

CARELOG_PROGRAM(auth, NULL, NULL)
