/* push.c — Web Push: the VAPID public key, browsers' subscriptions, a test
 * notification, the snooze action from a notification, and the HTTP way to
 * run the sender for hosts without cron (POST /api/v1/cron/push with a
 * bearer). What is sent when lives in reminders.c; the sender is
 * cmd/carelog-push.c. */
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

static const struct route routes[] = {
    {"GET", "/api/v1/push/key", key_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/push/subscriptions", subscriptions_get, ACCESS_SESSION, 0},
    {"POST", "/api/v1/push/subscriptions", subscription_post, ACCESS_SESSION,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/push/subscriptions/{id}", subscription_delete, ACCESS_SESSION, ROUTE_WRITE},
    {"POST", "/api/v1/push/test", test_post, ACCESS_SESSION, 0},
    /* From a notification's action button: the token in its payload is the
     * authority, since the service worker has no CSRF token. */
    {"POST", "/api/v1/push/snooze", snooze_post, ACCESS_PUBLIC,
     ROUTE_JSON | ROUTE_NO_CSRF | ROUTE_WRITE},
    {"POST", "/api/v1/cron/push", cron_post, ACCESS_PUBLIC, ROUTE_NO_CSRF},
};

/* Made once in init, read-only afterwards (shared by the worker threads). */
static struct vapid_key *vapid;
static bool allow_loopback;
static char sender_path[PATH_MAX];

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
    json_col_int(o, "last_sent_at", st, 7);
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
    struct db *d = r->db;
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
    struct db *d = r->db;
    char id[37], device[48];
    uuid_v4(id);
    device_label(req_header(r, "User-Agent"), device, sizeof device);
    int64_t now = now_ms();
    /* The check and the upsert share the route's write transaction, so the
     * holder cannot change between them. */
    if (!endpoint_may_take(r, d, endpoint, p256dh, auth)) {
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
        resp_internal(r);
        return;
    }
    bool created = sqlite3_column_int(st, 9) == 1;
    cJSON *row = subscription_json_row(st);
    sqlite3_reset(st); /* a RETURNING statement finishes its write on reset */
    resp_json(r, created ? 201 : 200, row);
}

static void subscription_delete(struct request *r)
{
    struct db *d = r->db;
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
    struct db *d = r->db;
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
    struct db *d = r->db;
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
