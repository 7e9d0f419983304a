/* alerts.c — the emergency alert: a member raises one (type, optional
 * message, the location only if they allowed it that moment); every other
 * member gets it in their inbox and as Web Push at high urgency, sent by
 * this request right after its commit (not at the next cron pass), and
 * every open app gets it on the live stream; those without a working push
 * subscription get an email when mail is set up. Members answer "on my way"
 * or "I can't" (one answer each, changeable); the sender or an owner
 * resolves it with a note. Any member may raise and answer, viewers too: a
 * grandparent with read-only access may be the one who finds the fall, and
 * calling for help writes no care data. */
#include "carelog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "data/audit.h"
#include "data/entrywrite.h"
#include "data/notices.h"
#include "data/tz.h"
#include "push/notify.h"
#include "push/pushmsg.h"
#include "push/pushpass.h"
#include "push/webpush.h"

static void alerts_get(struct request *r);
static void alert_get(struct request *r);
static void alert_post(struct request *r);
static void alert_answer(struct request *r);
static void alert_resolve(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/alerts", alerts_get, ACCESS_VIEWER, 0},
    /* Not ROUTE_WRITE: it commits itself, then sends the pushes at once. */
    {"POST", "/api/v1/families/{fid}/alerts", alert_post, ACCESS_VIEWER, ROUTE_JSON},
    {"GET", "/api/v1/families/{fid}/alerts/{alertid}", alert_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/alerts/{alertid}/answer", alert_answer, ACCESS_VIEWER,
     ROUTE_JSON | ROUTE_WRITE},
    {"POST", "/api/v1/families/{fid}/alerts/{alertid}/resolve", alert_resolve, ACCESS_VIEWER,
     ROUTE_JSON | ROUTE_WRITE},
};

static const char *const types[] = {"fall", "breathing", "chest_pain", "confusion", "other", NULL};
static const char *const answers[] = {"on_my_way", "cannot", NULL};

#define ALERT_TTL_S     600  /* a push service keeps it 10 minutes: after that, it is stale */
#define SEND_TIMEOUT_MS 4000 /* what the request waits for push services, at most */
#define LIST_MAX        100

/* Made once in init, read-only afterwards (shared by the worker threads). */
/* The sender (libcurl and its TLS library, the VAPID key) is made ready at
 * the first alert, not at start: ready it holds ~9 MB of RSS, and most
 * families never raise an alert. */
static pthread_once_t sender_once = PTHREAD_ONCE_INIT;
static struct vapid_key *vapid; /* NULL until ready, or when it could not be */
static bool curl_ready;
static struct push_pass_opts pass_opts;

static void sender_ready(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_event("error", "curl_init_failed", "");
        return;
    }
    curl_ready = true;
    char err[256];
    vapid = push_vapid_key(cfg.data_dir, err, sizeof err);
    if (!vapid)
        log_event("error", "vapid_key_failed", err);
}

static void reply_alert(struct request *r, struct db *d, const char *aid, int status)
{
    sqlite3_stmt *st = db_stmt(d, ALERT_SELECT "WHERE a.id = ? AND a.family_id = ?");
    if (!st || !db_bind_text(st, 1, aid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_error(r, 404, "not_found", "No such alert");
        return;
    }
    cJSON *body = alert_json_row(st);
    sqlite3_reset(st);
    resp_json(r, status, body);
}

/* GET alerts — open ones first, then the newest. */
static void alerts_get(struct request *r)
{
    int64_t limit;
    if (!query_int(r, "limit", 1, LIST_MAX, 20, &limit))
        return;
    sqlite3_stmt *st =
        db_stmt(r->db, ALERT_SELECT "WHERE a.family_id = ? ORDER BY a.resolved_at IS NOT NULL, "
                                    "a.created_at DESC LIMIT ?");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !db_bind_int64(st, 2, limit)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "alerts", alert_json_row);
}

static void alert_get(struct request *r)
{
    reply_alert(r, r->db, req_param(r, "alertid"), 200);
}

/* ---------- raising one ---------- */

struct alert_news {
    const char *id, *family_id, *type, *sender, *message;
};

static cJSON *alert_payload(const void *ctx, int lang)
{
    const struct alert_news *x = ctx;
    const char *const *w = push_words(lang);
    int t = 0;
    while (types[t] && strcmp(types[t], x->type) != 0)
        t++;
    static const enum word type_words[] = {W_AT_FALL, W_AT_BREATHING, W_AT_CHEST_PAIN,
                                           W_AT_CONFUSION, W_AT_OTHER};
    char title[200], body[900], url[160], tag[48];
    snprintf(title, sizeof title, w[W_EMERGENCY], w[type_words[types[t] ? t : 4]]);
    int n = snprintf(body, sizeof body, w[W_ALERT_BY], x->sender);
    if (x->message[0] && n > 0 && (size_t)n < sizeof body)
        snprintf(body + n, sizeof body - (size_t)n, "\n%s", x->message);
    snprintf(url, sizeof url, "/?family=%s#/alert/%s", x->family_id, x->id);
    snprintf(tag, sizeof tag, "alert-%.8s", x->id);
    cJSON *p = push_payload_new(lang, "alert", x->family_id, title, body, url, tag);
    cJSON_AddBoolToObject(p, "requireInteraction", true);
    cJSON_AddBoolToObject(p, "renotify", true);
    cJSON *data = cJSON_GetObjectItemCaseSensitive(p, "data");
    cJSON_AddStringToObject(data, "alert_id", x->id);
    return p;
}

/* Every member but the sender: the inbox and push (notify_member, quiet
 * hours bypassed); then email to those push cannot reach. */
static bool alert_fan_out(struct request *r, struct db *d, const struct alert_news *news,
                          int64_t now, struct notify_counts *c, int *mailed)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    char zone[64] = "UTC";
    if (st && db_bind_text(st, 1, news->family_id) && sqlite3_step(st) == SQLITE_ROW)
        snprintf(zone, sizeof zone, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    char dedupe[64];
    snprintf(dedupe, sizeof dedupe, "alert:%s", news->id);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "type", news->type);
    cJSON_AddStringToObject(data, "sender_name", news->sender);
    cJSON_AddStringToObject(data, "message", news->message);
    struct notice n = {.family_id = news->family_id,
                       .kind = "alert",
                       .about = "alert",
                       .about_id = news->id,
                       .data = data,
                       .dedupe = dedupe,
                       .urgency = "high",
                       .ttl = ALERT_TTL_S,
                       .quiet = QUIET_BYPASS,
                       .zone = tz_get(zone),
                       .payload = alert_payload,
                       .ctx = news};
    sqlite3_stmt *q = db_stmt(d, "SELECT id FROM members WHERE family_id = ? AND "
                                 "removed_at IS NULL AND id <> ?");
    bool ok = data && q && db_bind_text(q, 1, news->family_id) &&
              db_bind_text(q, 2, r->session->family_member_id);
    char(*ids)[37] = NULL;
    size_t k = 0, cap = 0;
    while (ok && sqlite3_step(q) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            char(*grown)[37] = realloc(ids, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            ids = grown;
        }
        snprintf(ids[k++], 37, "%s", db_col_text(q, 0));
    }
    if (q)
        sqlite3_reset(q);
    for (size_t i = 0; ok && i < k; i++)
        ok = notify_member(d, ids[i], &n, now, c);
    free(ids);
    /* Email for the accounts with an address and no device that takes push. */
    char path[160];
    snprintf(path, sizeof path, "/?family=%s#/alert/%s", news->family_id, news->id);
    int quiet = 0;
    ok = ok && notify_mail_unreachable(d, &n, r->session->family_member_id, false, path, now,
                                       mailed, &quiet);
    notice_done(&n);
    cJSON_Delete(data);
    return ok;
}

/* The sender's name, for the push text. */
static void member_name(struct db *d, const char *mid, char *out, size_t outsz)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(u.name, m.guest_name) FROM members m "
                                  "LEFT JOIN users u ON u.id = m.user_id WHERE m.id = ?");
    snprintf(out, outsz, "?");
    if (st && db_bind_text(st, 1, mid) && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, outsz, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
}

/* POST alerts {id?, type, message?, location?: {lat, lon, accuracy?}}.
 * The client's id makes a retry from its outbox idempotent: an alert
 * already raised answers 200 and is not sent again. */
static void alert_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *id = NULL, *type = NULL, *message = "";
    const cJSON *loc = NULL;
    v_uuid(&v, "id", 0, &id);
    v_enum(&v, "type", V_REQUIRED, types, &type);
    v_string(&v, "message", V_NULLABLE | V_MULTILINE, 0, 500, &message);
    double lat = 0, lon = 0, acc = -1;
    bool has_loc = v_object(&v, "location", V_NULLABLE, &loc);
    if (has_loc) {
        struct vobj lv;
        v_init_nested(&lv, &v, loc, "location");
        v_number(&lv, "lat", V_REQUIRED, -90, 90, &lat);
        v_number(&lv, "lon", V_REQUIRED, -180, 180, &lon);
        v_number(&lv, "accuracy", V_NULLABLE, 0, 100000, &acc);
        v_finish(&lv);
        v_free(&lv);
    }
    if (!v_accept(r, &v))
        return;
    if (!message)
        message = "";
    const char *fid = r->session->family_id, *me = r->session->family_member_id;
    if (!me[0]) {
        resp_error(r, 403, "forbidden", "Only members of the family can raise an alert");
        return;
    }
    char aid[37];
    if (id)
        snprintf(aid, sizeof aid, "%s", id);
    else
        uuid_v4(aid);
    struct db *d = r->db;
    if (!req_begin(r))
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT family_id = ? FROM alerts WHERE id = ?");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, aid)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    int rc = sqlite3_step(st);
    bool ours = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        db_rollback(d);
        if (ours)
            reply_alert(r, d, aid, 200);
        else
            resp_error(r, 409, "conflict", "This id is taken");
        return;
    }
    int64_t now = now_ms(), seq = entry_next_seq(d);
    st = db_stmt(d, "INSERT INTO alerts (id, family_id, sender_id, type, message, lat, lon, "
                    "accuracy, created_at, updated_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, aid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, me) && db_bind_text(st, 4, type) &&
              db_bind_text(st, 5, message) &&
              (has_loc ? sqlite3_bind_double(st, 6, lat) : sqlite3_bind_null(st, 6)) == SQLITE_OK &&
              (has_loc ? sqlite3_bind_double(st, 7, lon) : sqlite3_bind_null(st, 7)) == SQLITE_OK &&
              (has_loc && acc >= 0 ? sqlite3_bind_double(st, 8, acc) : sqlite3_bind_null(st, 8)) ==
                  SQLITE_OK &&
              db_bind_int64(st, 9, now) && db_bind_int64(st, 10, now) &&
              db_bind_int64(st, 11, seq) && db_step_done(d, st);
    char sender[128];
    member_name(d, me, sender, sizeof sender);
    struct alert_news news = {aid, fid, type, sender, message};
    struct notify_counts c = {0};
    int mailed = 0;
    ok = ok && alert_fan_out(r, d, &news, now, &c, &mailed);
    if (!ok) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "type", type);
    cJSON_AddBoolToObject(detail, "location", has_loc);
    audit_record(r, d, fid, "alert_raised", aid, detail);
    if (!req_commit(r))
        return;
    /* Committed (the stream has it): now the pushes, bounded in time. */
    struct push_pass_stats ps = {0};
    char err[256] = "";
    char dedupe[64];
    snprintf(dedupe, sizeof dedupe, "alert:%s", aid);
    if (c.queued > 0)
        pthread_once(&sender_once, sender_ready);
    if (c.queued > 0 && vapid &&
        !push_send_firing(d, vapid, &pass_opts, dedupe, &ps, err, sizeof err))
        log_event("error", "alert_push_failed", err);
    sqlite3_stmt *out = db_stmt(d, ALERT_SELECT "WHERE a.id = ?");
    if (!out || !db_bind_text(out, 1, aid) || sqlite3_step(out) != SQLITE_ROW) {
        if (out)
            sqlite3_reset(out);
        resp_internal(r);
        return;
    }
    cJSON *body = alert_json_row(out);
    sqlite3_reset(out);
    cJSON *sent = cJSON_AddObjectToObject(body, "delivery");
    cJSON_AddNumberToObject(sent, "members", c.stored);
    cJSON_AddNumberToObject(sent, "push_queued", c.queued);
    cJSON_AddNumberToObject(sent, "push_delivered", ps.delivered);
    cJSON_AddNumberToObject(sent, "push_retrying", ps.retry);
    cJSON_AddNumberToObject(sent, "mailed", mailed);
    resp_json(r, 201, body);
}

/* ---------- answers and the end ---------- */

/* The alert of this family, open or not: false (and 404) when none. */
static bool alert_find(struct request *r, struct db *d, const char *aid, bool *open,
                       char sender[37])
{
    sqlite3_stmt *st = db_stmt(d, "SELECT resolved_at IS NULL, sender_id FROM alerts "
                                  "WHERE id = ? AND family_id = ?");
    bool found = st && db_bind_text(st, 1, aid) && db_bind_text(st, 2, r->session->family_id) &&
                 sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        *open = sqlite3_column_int(st, 0) == 1;
        snprintf(sender, 37, "%s", db_col_text(st, 1));
    }
    if (st)
        sqlite3_reset(st);
    if (!found)
        resp_error(r, 404, "not_found", "No such alert");
    return found;
}

/* A new seq: the stream sends the alert again, as it is now. */
static bool alert_touch(struct db *d, const char *aid, int64_t now)
{
    int64_t seq = entry_next_seq(d);
    sqlite3_stmt *st = db_stmt(d, "UPDATE alerts SET seq = ?, updated_at = ? WHERE id = ?");
    return seq > 0 && st && db_bind_int64(st, 1, seq) && db_bind_int64(st, 2, now) &&
           db_bind_text(st, 3, aid) && db_step_done(d, st);
}

/* After an answer or the resolution: a new seq (the stream sends the alert
 * again, as it is now), the audit line, and the alert as the answer. */
static void alert_changed(struct request *r, struct db *d, const char *aid, bool ok, int64_t now,
                          const char *action, cJSON *detail)
{
    if (!ok || !alert_touch(d, aid, now)) {
        cJSON_Delete(detail);
        resp_internal(r);
        return;
    }
    audit_record(r, d, r->session->family_id, action, aid, detail);
    reply_alert(r, d, aid, 200);
}

/* What answering and resolving begin with: the alert of {alertid} here (404),
 * and the body's one field (one of `allowed`, required; or text up to 1000
 * characters). False when it answered. */
static bool alert_request(struct request *r, const char *field, const char *const *allowed,
                          const char **value, bool *open, char sender[37])
{
    if (!alert_find(r, r->db, req_param(r, "alertid"), open, sender))
        return false;
    struct vobj v;
    v_init(&v, r->json, NULL);
    if (allowed)
        v_enum(&v, field, V_REQUIRED, allowed, value);
    else
        v_string(&v, field, V_NULLABLE | V_MULTILINE, 0, 1000, value);
    return v_accept(r, &v);
}

static void alert_answer(struct request *r)
{
    struct db *d = r->db;
    const char *aid = req_param(r, "alertid"), *me = r->session->family_member_id;
    bool open = false;
    char sender[37];
    const char *answer = NULL;
    if (!alert_request(r, "answer", answers, &answer, &open, sender))
        return;
    if (!me[0]) {
        resp_error(r, 403, "forbidden", "Only members of the family can answer");
        return;
    }
    if (!open) {
        resp_error(r, 409, "alert_resolved", "This alert is resolved");
        return;
    }
    int64_t now = now_ms();
    sqlite3_stmt *st =
        db_stmt(d, "INSERT INTO alert_answers (alert_id, member_id, answer, answered_at) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (alert_id, member_id) DO UPDATE SET "
                   "answer = excluded.answer, answered_at = excluded.answered_at");
    bool ok = st && db_bind_text(st, 1, aid) && db_bind_text(st, 2, me) &&
              db_bind_text(st, 3, answer) && db_bind_int64(st, 4, now) && db_step_done(d, st);
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "answer", answer);
    alert_changed(r, d, aid, ok, now, "alert_answered", detail);
}

static void alert_resolve(struct request *r)
{
    struct db *d = r->db;
    const char *aid = req_param(r, "alertid"), *me = r->session->family_member_id;
    bool open = false;
    char sender[37];
    const char *note = "";
    if (!alert_request(r, "note", NULL, &note, &open, sender))
        return;
    if (r->session->role != ROLE_OWNER && strcmp(sender, me) != 0) {
        resp_error(r, 403, "forbidden", "Only the sender or an owner can resolve an alert");
        return;
    }
    if (!open) {
        resp_error(r, 409, "alert_resolved", "This alert is resolved already");
        return;
    }
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE alerts SET resolved_at = ?, resolved_by = ?, "
                                  "resolve_note = ? WHERE id = ?");
    bool ok = st && db_bind_int64(st, 1, now) && db_bind_text(st, 2, me[0] ? me : NULL) &&
              db_bind_text(st, 3, note ? note : "") && db_bind_text(st, 4, aid) &&
              db_step_done(d, st);
    alert_changed(r, d, aid, ok, now, "alert_resolved", NULL);
}

static bool alerts_init(void)
{
    push_pass_opts_from_env(&pass_opts);
    pass_opts.timeout_ms = SEND_TIMEOUT_MS;
    pass_opts.budget_ms = SEND_TIMEOUT_MS;
    return true;
}

static void alerts_shutdown(void)
{
    vapid_free(vapid);
    if (curl_ready)
        curl_global_cleanup();
}

CARELOG_PROGRAM(alerts, alerts_init, alerts_shutdown)
