/* push.c — Web Push: the VAPID public key, browsers' subscriptions, a test
 * notification, reminder rules per person with members' opt-ins and quiet
 * hours, the snooze action from a notification, and the HTTP way to run the
 * sender for hosts without cron (POST /api/v1/cron/push with a bearer). */
#define _GNU_SOURCE /* pipe2 */
#include "carelog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "push/pushmsg.h"
#include "security/secret.h"
#include "framework/session.h"
#include "security/throttle.h"
#include "data/tz.h"
#include "push/webpush.h"

static void key_get(struct request *r);
static void subscriptions_get(struct request *r);
static void subscription_post(struct request *r);
static void subscription_delete(struct request *r);
static void test_post(struct request *r);
static void snooze_post(struct request *r);
static void cron_post(struct request *r);
static void reminders_get(struct request *r);
static void reminder_post(struct request *r);
static void reminder_patch(struct request *r);
static void reminder_delete(struct request *r);
static void optin_put(struct request *r);
static void optin_delete(struct request *r);
static void quiet_get(struct request *r);
static void quiet_put(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/push/key", key_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/push/subscriptions", subscriptions_get, ACCESS_SESSION, 0},
    {"POST", "/api/v1/push/subscriptions", subscription_post, ACCESS_SESSION, ROUTE_JSON},
    {"DELETE", "/api/v1/push/subscriptions/{id}", subscription_delete, ACCESS_SESSION, 0},
    {"POST", "/api/v1/push/test", test_post, ACCESS_SESSION, 0},
    /* From a notification's action button: the token in its payload is the
     * authority, since the service worker has no CSRF token. */
    {"POST", "/api/v1/push/snooze", snooze_post, ACCESS_PUBLIC, ROUTE_JSON | ROUTE_NO_CSRF},
    {"POST", "/api/v1/cron/push", cron_post, ACCESS_PUBLIC, ROUTE_NO_CSRF},
    {"GET", "/api/v1/families/{fid}/reminders", reminders_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/reminders", reminder_post, ACCESS_CAREGIVER, ROUTE_JSON},
    {"PATCH", "/api/v1/families/{fid}/reminders/{rid}", reminder_patch, ACCESS_CAREGIVER,
     ROUTE_JSON},
    {"DELETE", "/api/v1/families/{fid}/reminders/{rid}", reminder_delete, ACCESS_CAREGIVER, 0},
    {"PUT", "/api/v1/families/{fid}/reminders/{rid}/optin", optin_put, ACCESS_VIEWER, 0},
    {"DELETE", "/api/v1/families/{fid}/reminders/{rid}/optin", optin_delete, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/quiet-hours", quiet_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/quiet-hours", quiet_put, ACCESS_VIEWER, ROUTE_JSON},
};

/* Made once in init, read-only afterwards (shared by the worker threads). */
static struct vapid_key *vapid;
static bool allow_loopback;
static char sender_path[PATH_MAX];

static void field_error(struct request *r, const char *field, const char *message)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, field, message);
    resp_error_fields(r, 400, "validation_failed", "Some fields are missing or invalid", f);
}

/* ---------- key and subscriptions ---------- */

static void key_get(struct request *r)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "key", vapid_public_b64(vapid));
    resp_json(r, 200, body);
}

/* An endpoint must be an https URL (plain http to 127.0.0.1 only when the
 * server runs with PUSH_ALLOW_LOOPBACK=1, for tests). */
static bool endpoint_ok(const char *url)
{
    if (strncmp(url, "https://", 8) == 0)
        return strlen(url) > 8 && !strpbrk(url, " \t\r\n\"<>\\");
    return allow_loopback && strncmp(url, "http://127.0.0.1:", 17) == 0 &&
           !strpbrk(url, " \t\r\n\"<>\\");
}

static cJSON *subscription_json_row(sqlite3_stmt *st)
{
    /* id, endpoint, device, active, delivered, failures, last_status, last_sent_at, created_at */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    char origin[WP_ORIGIN_MAX];
    cJSON_AddStringToObject(o, "service",
                            push_origin(db_col_text(st, 1), origin, sizeof origin) ? origin : "");
    cJSON_AddStringToObject(o, "device", db_col_text(st, 2));
    cJSON_AddBoolToObject(o, "active", sqlite3_column_int(st, 3) == 1);
    cJSON_AddNumberToObject(o, "delivered", sqlite3_column_int(st, 4));
    cJSON_AddNumberToObject(o, "failures", sqlite3_column_int(st, 5));
    if (sqlite3_column_type(st, 6) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "last_status");
    else
        cJSON_AddNumberToObject(o, "last_status", sqlite3_column_int(st, 6));
    if (sqlite3_column_type(st, 7) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "last_sent_at");
    else
        cJSON_AddNumberToObject(o, "last_sent_at", (double)sqlite3_column_int64(st, 7));
    cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 8));
    return o;
}

#define SUBSCRIPTION_COLUMNS                                                                       \
    "id, endpoint, device, active, delivered, failures, last_status, last_sent_at, created_at"

/* The caller as a subscription owner: an account, or a guest member. */
static const char *owner_user(const struct request *r)
{
    return r->session->is_guest ? NULL : r->session->user_id;
}

static const char *owner_member(const struct request *r)
{
    return r->session->is_guest ? r->session->member_id : NULL;
}

static void subscriptions_get(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT " SUBSCRIPTION_COLUMNS " FROM push_subscriptions "
                                  "WHERE user_id = ?1 OR member_id = ?2 ORDER BY created_at");
    if (!st || !db_bind_text(st, 1, owner_user(r)) || !db_bind_text(st, 2, owner_member(r))) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "subscriptions", subscription_json_row);
}

/* Whether the caller may register `endpoint`: a new one, one it already
 * holds, or one held by another account or device when the caller sends the
 * same keys. The endpoint URL alone is no proof: it passes through push
 * services and logs. The keys (above all the auth secret) only the browser
 * that made the subscription has, and a holder of those could read its
 * messages anyway. Compared as bytes, in constant time. Replies 500 itself
 * on a database error (then false with the head sent). */
static bool endpoint_may_take(struct request *r, struct db *d, const char *endpoint,
                              const char *p256dh, const char *auth)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(user_id, ''), coalesce(member_id, ''), "
                                  "p256dh, auth FROM push_subscriptions WHERE endpoint = ?");
    if (!st || !db_bind_text(st, 1, endpoint)) {
        resp_internal(r);
        return false;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return true;
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        resp_internal(r);
        return false;
    }
    const char *me_user = owner_user(r), *me_member = owner_member(r);
    bool mine = strcmp(db_col_text(st, 0), me_user ? me_user : "") == 0 &&
                strcmp(db_col_text(st, 1), me_member ? me_member : "") == 0;
    unsigned char have_point[WP_POINT_LEN] = {0}, have_auth[WP_AUTH_LEN] = {0};
    unsigned char sent_point[WP_POINT_LEN] = {0}, sent_auth[WP_AUTH_LEN] = {0};
    bool same_keys = webpush_p256dh_decode(db_col_text(st, 2), have_point) &&
                     webpush_auth_decode(db_col_text(st, 3), have_auth) &&
                     webpush_p256dh_decode(p256dh, sent_point) &&
                     webpush_auth_decode(auth, sent_auth);
    sqlite3_reset(st);
    /* Both comparisons always run, so the time does not tell which differed. */
    int diff = sodium_memcmp(have_point, sent_point, sizeof have_point) |
               sodium_memcmp(have_auth, sent_auth, sizeof have_auth);
    return mine || (same_keys && diff == 0);
}

static void subscription_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *endpoint = NULL, *p256dh = NULL, *auth = NULL;
    const cJSON *keys = NULL;
    bool has_endpoint = v_string(&v, "endpoint", V_REQUIRED, 10, 2000, &endpoint);
    v_is_null(&v, "expirationTime");
    if (v_object(&v, "keys", V_REQUIRED, &keys)) {
        struct vobj kv;
        v_init_nested(&kv, &v, keys, "keys");
        unsigned char point[WP_POINT_LEN], secret[WP_AUTH_LEN];
        if (v_string(&kv, "p256dh", V_REQUIRED, 80, 100, &p256dh) &&
            !webpush_p256dh_decode(p256dh, point))
            v_error(&kv, "p256dh", "must be a P-256 public key (65 bytes, base64url)");
        if (v_string(&kv, "auth", V_REQUIRED, 16, 32, &auth) && !webpush_auth_decode(auth, secret))
            v_error(&kv, "auth", "must be 16 bytes, base64url");
        v_finish(&kv);
    }
    if (has_endpoint && !endpoint_ok(endpoint))
        v_error(&v, "endpoint", "must be an https URL");
    if (!v_accept(r, &v))
        return;
    struct db *d = req_db(r);
    if (!d)
        return;
    char id[37], device[48];
    uuid_v4(id);
    device_label(req_header(r, "User-Agent"), device, sizeof device);
    int64_t now = now_ms();
    /* The check and the upsert share one write transaction, so the holder
     * cannot change between them. */
    if (!db_begin(d)) {
        resp_error(r, 503, "db_busy", "The database is busy; try again");
        return;
    }
    if (!endpoint_may_take(r, d, endpoint, p256dh, auth)) {
        db_rollback(d);
        if (!r->head_sent)
            resp_error(r, 409, "subscription_conflict",
                       "This push endpoint is registered elsewhere with other keys");
        return;
    }
    /* Upsert by endpoint: the same browser subscribing again (or, holding
     * the same keys, for another account after a sign-in) takes it over. */
    sqlite3_stmt *st = db_stmt(
        d, "INSERT INTO push_subscriptions (id, endpoint, p256dh, auth, user_id, member_id, "
           "device, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
           "ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, "
           "user_id = excluded.user_id, member_id = excluded.member_id, device = excluded.device, "
           "active = 1, failures = 0, last_error = NULL, updated_at = excluded.updated_at "
           "RETURNING " SUBSCRIPTION_COLUMNS ", created_at = updated_at");
    if (!st || !db_bind_text(st, 1, id) || !db_bind_text(st, 2, endpoint) ||
        !db_bind_text(st, 3, p256dh) || !db_bind_text(st, 4, auth) ||
        !db_bind_text(st, 5, owner_user(r)) || !db_bind_text(st, 6, owner_member(r)) ||
        !db_bind_text(st, 7, device) || !db_bind_int64(st, 8, now) ||
        sqlite3_step(st) != SQLITE_ROW) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    bool created = sqlite3_column_int(st, 9) == 1;
    cJSON *row = subscription_json_row(st);
    sqlite3_reset(st); /* a RETURNING statement finishes its write on reset */
    if (!db_commit(d)) {
        db_rollback(d);
        cJSON_Delete(row);
        resp_internal(r);
        return;
    }
    resp_json(r, created ? 201 : 200, row);
}

static void subscription_delete(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM push_subscriptions WHERE id = ?1 AND "
                                  "(user_id = ?2 OR member_id = ?3)");
    if (!st || !db_bind_text(st, 1, req_param(r, "id")) || !db_bind_text(st, 2, owner_user(r)) ||
        !db_bind_text(st, 3, owner_member(r)) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such subscription");
        return;
    }
    resp_no_content(r);
}

/* ---------- running a pass ---------- */

extern char **environ;

/* Runs one pass of the sender and answers with its JSON line of counts.
 * The environment (DATA_DIR, VAPID_SUBJECT ...) is this program's own, read
 * only, plus the pass's time budget. */
static void run_sender(struct request *r, const char *budget_ms, int status, int queued)
{
    size_t n_env = 0;
    while (environ[n_env])
        n_env++;
    char **envp = req_alloc(r, (n_env + 2) * sizeof *envp);
    char *budget = req_printf(r, "PUSH_BUDGET_MS=%s", budget_ms);
    int fds[2] = {-1, -1};
    if (!envp || !budget || pipe2(fds, O_CLOEXEC) != 0) {
        resp_internal(r);
        return;
    }
    memcpy(envp, environ, n_env * sizeof *envp);
    envp[n_env] = budget;
    envp[n_env + 1] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    char *argv[] = {"carelog-push", "--once", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, sender_path, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        log_event("error", "sender_spawn_failed", strerror(rc));
        resp_error(r, 503, "push_failed", "Sending failed; it will be retried");
        return;
    }
    char out[1024];
    size_t len = 0;
    while (len < sizeof out - 1) {
        ssize_t got = read(fds[0], out + len, sizeof out - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    out[len] = '\0';
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    cJSON *body = cJSON_Parse(out);
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || !cJSON_IsObject(body)) {
        cJSON_Delete(body);
        resp_error(r, 503, "push_failed", "Sending failed; it will be retried");
        return;
    }
    if (queued >= 0)
        cJSON_AddNumberToObject(body, "test_queued", queued);
    resp_json(r, status, body);
}

static void test_post(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    /* Each test queues messages and starts a sender process that holds this
     * thread until it ends: a limit per account (or guest device) keeps one
     * caller from filling the outbox or tying up the program. */
    struct rate_limit lim = rate_limit_env("PUSH_TEST_RATE_MAX", 5, "PUSH_TEST_RATE_WINDOW", 300);
    char who[48], key[HASH_HEX_LEN + 1];
    snprintf(who, sizeof who, "%s:%s", r->session->is_guest ? "member" : "user",
             r->session->is_guest ? r->session->member_id : r->session->user_id);
    keyed_hash("push-test", who, key);
    int64_t wait = rate_take(d, key, lim.max, lim.window_s);
    if (wait != 0) {
        reply_rate_limited(r, wait, "Too many test notifications; try again later");
        return;
    }
    int queued = push_queue_test(d, owner_user(r), owner_member(r));
    if (queued < 0) {
        resp_internal(r);
        return;
    }
    if (queued == 0) {
        resp_error(r, 409, "no_subscription", "Turn notifications on for this device first");
        return;
    }
    run_sender(r, "10000", 202, queued);
}

static void cron_post(struct request *r)
{
    const char *secret = getenv("CRON_SECRET");
    const char *auth = req_header(r, "Authorization");
    char expected[300];
    /* Compared in constant time; an unset secret disables the route. */
    bool ok = secret && strlen(secret) >= 16 &&
              snprintf(expected, sizeof expected, "Bearer %s", secret) < (int)sizeof expected &&
              auth && secret_equals(auth, expected);
    if (!ok) {
        resp_header(r, "WWW-Authenticate", "Bearer");
        resp_error(r, 401, "unauthenticated", "A valid CRON_SECRET bearer token is required");
        return;
    }
    run_sender(r, "25000", 200, -1);
}

/* ---------- reminders ---------- */

static const char *const kinds[] = {"feed_due", "diaper_due", "daily", "once", NULL};

#define REMINDER_COLUMNS                                                                           \
    "r.id, r.subject_id, r.kind, r.interval_min, r.time_of_day, r.at, r.label, r.enabled, "        \
    "r.snooze_until, r.last_due, r.created_at, "                                                   \
    "EXISTS (SELECT 1 FROM reminder_optins o WHERE o.reminder_id = r.id AND o.member_id = ?), "    \
    "(SELECT count(*) FROM reminder_optins o WHERE o.reminder_id = r.id)"

static void add_nullable_int(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, (double)sqlite3_column_int64(st, col));
}

static cJSON *reminder_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "kind", db_col_text(st, 2));
    add_nullable_int(o, "interval_min", st, 3);
    if (sqlite3_column_type(st, 4) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "time");
    else
        cJSON_AddStringToObject(o, "time", db_col_text(st, 4));
    add_nullable_int(o, "at", st, 5);
    cJSON_AddStringToObject(o, "label", db_col_text(st, 6));
    cJSON_AddBoolToObject(o, "enabled", sqlite3_column_int(st, 7) == 1);
    add_nullable_int(o, "snooze_until", st, 8);
    add_nullable_int(o, "last_fired_for", st, 9);
    cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 10));
    cJSON_AddBoolToObject(o, "opted_in", sqlite3_column_int(st, 11) == 1);
    cJSON_AddNumberToObject(o, "optins", sqlite3_column_int(st, 12));
    return o;
}

static void reply_reminder(struct request *r, struct db *d, const char *rid, int status)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " REMINDER_COLUMNS " FROM reminders r "
                                  "WHERE r.id = ? AND r.family_id = ?");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) || !db_bind_text(st, 2, rid) ||
        !db_bind_text(st, 3, r->session->family_id) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    resp_json(r, status, reminder_json_row(st));
}

static void reminders_get(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT " REMINDER_COLUMNS " FROM reminders r "
                                  "WHERE r.family_id = ? ORDER BY r.created_at, r.id");
    if (!st || !db_bind_text(st, 1, r->session->family_member_id) ||
        !db_bind_text(st, 2, r->session->family_id)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "reminders", reminder_json_row);
}

/* "HH:MM", 00:00 .. 23:59; the minutes after midnight, or -1. */
static int parse_hhmm(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

struct reminder_fields {
    const char *subject_id, *kind, *time, *label;
    int64_t interval_min, at;
    bool enabled, has_interval, has_time, has_at, has_label, has_enabled;
};

static void reminder_fields_read(struct vobj *v, struct reminder_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    if (creating) {
        v_uuid(v, "subject_id", V_REQUIRED, &f->subject_id);
        v_enum(v, "kind", V_REQUIRED, kinds, &f->kind);
    }
    f->has_interval = v_int(v, "interval_min", 0, 5, 2880, &f->interval_min);
    f->has_time = v_string(v, "time", 0, 1, 5, &f->time);
    f->has_at = v_epoch_ms(v, "at", 0, &f->at);
    f->has_label = v_string(v, "label", 0, 0, 60, &f->label);
    f->has_enabled = v_bool(v, "enabled", 0, &f->enabled);
    if (f->has_time && parse_hhmm(f->time) < 0)
        v_error(v, "time", "must be a time as HH:MM");
    if (f->has_at && f->at <= now_ms())
        v_error(v, "at", "must be in the future");
}

/* What each kind needs: an interval, a time of day, or a moment. */
static void reminder_kind_check(struct vobj *v, const char *kind, bool interval, bool time, bool at)
{
    bool timed = strcmp(kind, "feed_due") == 0 || strcmp(kind, "diaper_due") == 0;
    if (timed && !interval)
        v_error(v, "interval_min", "is required for this kind of reminder");
    if (strcmp(kind, "daily") == 0 && !time)
        v_error(v, "time", "is required for a daily reminder");
    if (strcmp(kind, "once") == 0 && !at)
        v_error(v, "at", "is required for a one-off reminder");
}

static bool optin_set(struct db *d, const char *rid, const char *member_id, bool on)
{
    sqlite3_stmt *st =
        on ? db_stmt(d, "INSERT INTO reminder_optins (reminder_id, member_id) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING")
           : db_stmt(d, "DELETE FROM reminder_optins WHERE reminder_id = ? AND member_id = ?");
    return st && db_bind_text(st, 1, rid) && db_bind_text(st, 2, member_id) && db_step_done(d, st);
}

static void reminder_post(struct request *r)
{
    struct vobj v;
    struct reminder_fields f;
    v_init(&v, r->json, NULL);
    reminder_fields_read(&v, &f, true);
    if (f.kind)
        reminder_kind_check(&v, f.kind, f.has_interval, f.has_time, f.has_at);
    struct db *d = req_db(r);
    if (!d) {
        v_free(&v);
        return;
    }
    const char *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM subjects WHERE id = ? AND family_id = ? "
                                  "AND deleted_at IS NULL");
    if (v_ok(&v) && f.subject_id &&
        !(st && db_bind_text(st, 1, f.subject_id) && db_bind_text(st, 2, fid) &&
          sqlite3_step(st) == SQLITE_ROW))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    char rid[37];
    uuid_v4(rid);
    int64_t now = now_ms();
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    if (!db_begin(d)) {
        resp_error(r, 503, "db_busy", "The database is busy; try again");
        return;
    }
    st = db_stmt(d, "INSERT INTO reminders (id, family_id, subject_id, kind, interval_min, "
                    "time_of_day, at, label, enabled, created_by, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, rid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.subject_id) && db_bind_text(st, 4, f.kind) &&
              (f.has_interval ? db_bind_int64(st, 5, f.interval_min)
                              : sqlite3_bind_null(st, 5) == SQLITE_OK) &&
              db_bind_text(st, 6, f.has_time ? f.time : NULL) &&
              (f.has_at ? db_bind_int64(st, 7, f.at) : sqlite3_bind_null(st, 7) == SQLITE_OK) &&
              db_bind_text(st, 8, f.has_label ? f.label : "") &&
              db_bind_int64(st, 9, f.has_enabled ? f.enabled : 1) && db_bind_text(st, 10, me) &&
              db_bind_int64(st, 11, now) && db_bind_int64(st, 12, now) && db_step_done(d, st);
    /* Whoever sets a reminder up wants it. */
    ok = ok && (!me || optin_set(d, rid, me, true));
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 201);
}

static void reminder_patch(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    const char *rid = req_param(r, "rid"), *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT kind, interval_min IS NOT NULL, time_of_day IS NOT "
                                  "NULL, at IS NOT NULL FROM reminders WHERE id = ? AND "
                                  "family_id = ?");
    if (!st || !db_bind_text(st, 1, rid) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    char kind[16];
    snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
    bool had_interval = sqlite3_column_int(st, 1), had_time = sqlite3_column_int(st, 2),
         had_at = sqlite3_column_int(st, 3);
    sqlite3_reset(st);
    struct vobj v;
    struct reminder_fields f;
    v_init(&v, r->json, NULL);
    reminder_fields_read(&v, &f, false);
    reminder_kind_check(&v, kind, had_interval || f.has_interval, had_time || f.has_time,
                        had_at || f.has_at);
    if (!v_accept(r, &v))
        return;
    st = db_stmt(d, "UPDATE reminders SET interval_min = coalesce(?1, interval_min), "
                    "time_of_day = coalesce(?2, time_of_day), at = coalesce(?3, at), "
                    "label = coalesce(?4, label), enabled = coalesce(?5, enabled), "
                    "updated_at = ?6 WHERE id = ?7 AND family_id = ?8");
    bool ok =
        st &&
        (f.has_interval ? db_bind_int64(st, 1, f.interval_min)
                        : sqlite3_bind_null(st, 1) == SQLITE_OK) &&
        db_bind_text(st, 2, f.has_time ? f.time : NULL) &&
        (f.has_at ? db_bind_int64(st, 3, f.at) : sqlite3_bind_null(st, 3) == SQLITE_OK) &&
        db_bind_text(st, 4, f.has_label ? f.label : NULL) &&
        (f.has_enabled ? db_bind_int64(st, 5, f.enabled) : sqlite3_bind_null(st, 5) == SQLITE_OK) &&
        db_bind_int64(st, 6, now_ms()) && db_bind_text(st, 7, rid) && db_bind_text(st, 8, fid) &&
        db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 200);
}

static void reminder_delete(struct request *r)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM reminders WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, req_param(r, "rid")) ||
        !db_bind_text(st, 2, r->session->family_id) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    resp_no_content(r);
}

static void optin_change(struct request *r, bool on)
{
    struct db *d = req_db(r);
    if (!d)
        return;
    const char *rid = req_param(r, "rid"), *me = r->session->family_member_id;
    if (!me[0]) {
        resp_error(r, 409, "not_a_member", "Only members of the family get its reminders");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM reminders WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, rid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    sqlite3_reset(st);
    if (!optin_set(d, rid, me, on)) {
        resp_internal(r);
        return;
    }
    reply_reminder(r, d, rid, 200);
}

static void optin_put(struct request *r)
{
    optin_change(r, true);
}

static void optin_delete(struct request *r)
{
    optin_change(r, false);
}

/* ---------- snooze (from a notification) ---------- */

static void snooze_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *token = NULL;
    int64_t minutes = 15;
    v_string(&v, "token", V_REQUIRED, 1, 200, &token);
    v_int(&v, "minutes", 0, 1, 720, &minutes);
    if (!v_accept(r, &v))
        return;
    char rid[37];
    bool valid = push_snooze_token_check(token, rid);
    if (!valid) {
        resp_error(r, 403, "forbidden", "This snooze link is not valid any more");
        return;
    }
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st = db_stmt(d, "UPDATE reminders SET snooze_until = ?, updated_at = ? "
                                  "WHERE id = ?");
    int64_t now = now_ms();
    if (!st || !db_bind_int64(st, 1, now + minutes * 60000) || !db_bind_int64(st, 2, now) ||
        !db_bind_text(st, 3, rid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such reminder");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "snooze_until", (double)(now + minutes * 60000));
    resp_json(r, 200, body);
}

/* ---------- quiet hours ---------- */

static void reply_quiet(struct request *r, struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT start_min, end_min FROM quiet_hours WHERE member_id = ?");
    cJSON *body = cJSON_CreateObject();
    if (st && db_bind_text(st, 1, r->session->family_member_id) && sqlite3_step(st) == SQLITE_ROW) {
        char a[24], b[24];
        int s = sqlite3_column_int(st, 0), e = sqlite3_column_int(st, 1);
        snprintf(a, sizeof a, "%02d:%02d", s / 60, s % 60);
        snprintf(b, sizeof b, "%02d:%02d", e / 60, e % 60);
        cJSON_AddStringToObject(body, "start", a);
        cJSON_AddStringToObject(body, "end", b);
    } else {
        cJSON_AddNullToObject(body, "start");
        cJSON_AddNullToObject(body, "end");
    }
    resp_json(r, 200, body);
}

static void quiet_get(struct request *r)
{
    struct db *d = req_db(r);
    if (d)
        reply_quiet(r, d);
}

static void quiet_put(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *start = NULL, *end = NULL;
    bool has_start = v_string(&v, "start", V_NULLABLE, 1, 5, &start);
    bool has_end = v_string(&v, "end", V_NULLABLE, 1, 5, &end);
    int s = has_start ? parse_hhmm(start) : -1, e = has_end ? parse_hhmm(end) : -1;
    if (has_start && s < 0)
        v_error(&v, "start", "must be a time as HH:MM");
    if (has_end && e < 0)
        v_error(&v, "end", "must be a time as HH:MM");
    if (has_start != has_end)
        v_error(&v, has_start ? "end" : "start", "give both start and end, or null for none");
    if (!v_accept(r, &v))
        return;
    if (!r->session->family_member_id[0]) {
        field_error(r, "start", "only members of the family have quiet hours here");
        return;
    }
    struct db *d = req_db(r);
    if (!d)
        return;
    sqlite3_stmt *st =
        has_start ? db_stmt(d, "INSERT INTO quiet_hours (member_id, start_min, end_min) "
                               "VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
                               "start_min = excluded.start_min, end_min = excluded.end_min")
                  : db_stmt(d, "DELETE FROM quiet_hours WHERE member_id = ?");
    bool ok = st && db_bind_text(st, 1, r->session->family_member_id) &&
              (!has_start || (db_bind_int64(st, 2, s) && db_bind_int64(st, 3, e))) &&
              db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_quiet(r, d);
}

static bool push_init(void)
{
    const char *lb = getenv("PUSH_ALLOW_LOOPBACK");
    allow_loopback = lb && strcmp(lb, "1") == 0;
    /* The sender sits beside this program (build/bin, or build/asan/bin). */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        log_event("error", "sender_path_unknown", "");
        return false;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash || snprintf(sender_path, sizeof sender_path, "%.*s/carelog-push",
                           (int)(slash - self), self) >= (int)sizeof sender_path) {
        log_event("error", "sender_path_unknown", "");
        return false;
    }
    char err[256];
    vapid = push_vapid_key(cfg.data_dir, err, sizeof err);
    if (!vapid)
        log_event("error", "vapid_key_failed", err);
    return vapid != NULL;
}

static void push_shutdown(void)
{
    vapid_free(vapid);
}

CARELOG_PROGRAM(push, push_init, push_shutdown)
