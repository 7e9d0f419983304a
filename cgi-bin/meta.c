/* meta.c — carelog about itself: GET /health (cheap: is the database
 * there), GET /ready (can it be written, are the migrations current), GET
 * /metrics (every program's figures in the Prometheus text format, for
 * loopback or a bearer token), the OpenAPI document, the time zones a
 * family chooses from (the server's own, so the app offers only zones the
 * server knows), a trivial "hello" that
 * is the ceiling any API route can reach through lighttpd, and the JSON 404
 * for every unknown /api/ path. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/tz.h"
#include "framework/metrics.h"
#include "security/secret.h"

static void health_get(struct request *r);
static void ready_get(struct request *r);
static void metrics_get(struct request *r);
static void hello_get(struct request *r);
static void openapi_get(struct request *r);
static void timezones_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/health", health_get, ACCESS_PUBLIC, ROUTE_NO_DB}, /* reports on the database */
    {"GET", "/ready", ready_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/metrics", metrics_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/hello", hello_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/openapi.json", openapi_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/timezones", timezones_get, ACCESS_PUBLIC, ROUTE_NO_DB},
};

/* Generated from cgi-bin/openapi.json at build time. */
extern const unsigned char openapi_json[];
extern const size_t openapi_json_len;

static void health_get(struct request *r)
{
    struct db *d = worker_db(r->worker);
    bool db_ok = false;
    if (d) {
        sqlite3_stmt *st = db_stmt(d, "SELECT max(version) FROM schema_migrations");
        db_ok = st && sqlite3_step(st) == SQLITE_ROW;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddBoolToObject(body, "ok", db_ok);
    cJSON_AddStringToObject(body, "version", CARELOG_VERSION);
    cJSON_AddStringToObject(body, "db", db_ok ? "ok" : "error");
    resp_json(r, db_ok ? 200 : 503, body);
}

/* Ready to serve: the database takes a write lock (then lets it go without
 * writing) and holds every migration this program knows. */
static void ready_get(struct request *r)
{
    struct db *d = worker_db(r->worker);
    int version = d ? db_schema_version(d) : -1;
    int known =
        carelog_migrations_count ? carelog_migrations[carelog_migrations_count - 1].version : 0;
    bool writable = d && db_begin(d);
    if (writable)
        db_rollback(d);
    bool ready = writable && version == known;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddBoolToObject(body, "ready", ready);
    cJSON_AddBoolToObject(body, "writable", writable);
    cJSON_AddNumberToObject(body, "schema", version);
    cJSON_AddNumberToObject(body, "schema_expected", known);
    resp_json(r, ready ? 200 : 503, body);
}

/* Loopback, or `Authorization: Bearer $METRICS_TOKEN` (16+ characters). */
static bool metrics_allowed(struct request *r)
{
    const char *a = req_client_addr(r);
    if (strcmp(a, "127.0.0.1") == 0 || strcmp(a, "::1") == 0)
        return true;
    const char *token = getenv("METRICS_TOKEN");
    const char *auth = req_header(r, "Authorization");
    return token && strlen(token) >= 16 && auth && strncmp(auth, "Bearer ", 7) == 0 &&
           secret_equals(auth + 7, token);
}

static void file_gauge(struct buf *b, const char *name, const char *help, const char *path)
{
    struct stat st;
    buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name,
               stat(path, &st) == 0 ? (long long)st.st_size : 0LL);
}

/* What only the database knows: push messages by state and last status,
 * reminders, and when the last backup was taken. */
static void database_figures(struct buf *b, struct db *d)
{
    char path[4200];
    snprintf(path, sizeof path, "%s", cfg.db_path);
    file_gauge(b, "carelog_db_bytes", "Size of the database file.", path);
    snprintf(path, sizeof path, "%s-wal", cfg.db_path);
    file_gauge(b, "carelog_wal_bytes", "Size of the write-ahead log.", path);
    buf_puts(b, "# HELP carelog_push_messages Push messages kept in the outbox, by state and the "
                "push service's last status.\n# TYPE carelog_push_messages gauge\n");
    sqlite3_stmt *st = d ? db_stmt(d, "SELECT state, coalesce(last_status, 0), count(*) FROM "
                                      "push_messages GROUP BY 1, 2 ORDER BY 1, 2")
                         : NULL;
    while (st && sqlite3_step(st) == SQLITE_ROW)
        buf_printf(b, "carelog_push_messages{state=\"%s\",status=\"%d\"} %lld\n",
                   db_col_text(st, 0), sqlite3_column_int(st, 1),
                   (long long)sqlite3_column_int64(st, 2));
    buf_puts(b, "# HELP carelog_mail_messages Email in the outbox, by kind and state.\n"
                "# TYPE carelog_mail_messages gauge\n");
    st =
        d ? db_stmt(d, "SELECT kind, status, count(*) FROM mail_outbox GROUP BY 1, 2 ORDER BY 1, 2")
          : NULL;
    while (st && sqlite3_step(st) == SQLITE_ROW)
        buf_printf(b, "carelog_mail_messages{kind=\"%s\",state=\"%s\"} %lld\n", db_col_text(st, 0),
                   db_col_text(st, 1), (long long)sqlite3_column_int64(st, 2));
    buf_puts(b, "# HELP carelog_reminders Reminder rules, by whether they are on.\n"
                "# TYPE carelog_reminders gauge\n");
    st = d ? db_stmt(d, "SELECT sum(enabled), sum(1 - enabled) FROM reminders") : NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        buf_printf(
            b,
            "carelog_reminders{enabled=\"true\"} %lld\ncarelog_reminders{enabled=\"false\"} %lld\n",
            (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1));
    /* DATA_DIR/last-backup: "<epoch ms> <file>", written by carelogctl backup. */
    snprintf(path, sizeof path, "%s/last-backup", cfg.data_dir);
    FILE *f = fopen(path, "r");
    long long at = 0;
    if (f) {
        if (fscanf(f, "%lld", &at) != 1)
            at = 0;
        fclose(f);
    }
    buf_printf(b,
               "# HELP carelog_last_backup_timestamp_seconds When the last verified backup "
               "was taken (0: none).\n# TYPE carelog_last_backup_timestamp_seconds gauge\n"
               "carelog_last_backup_timestamp_seconds %.3f\n",
               (double)at / 1000.0);
}

static void metrics_get(struct request *r)
{
    if (!metrics_allowed(r)) {
        resp_error(r, 403, "forbidden", "Metrics are for loopback or the METRICS_TOKEN bearer");
        return;
    }
    struct buf b;
    buf_init(&b, 8 << 20);
    metrics_render(cfg.data_dir, &b);
    database_figures(&b, worker_db(r->worker));
    if (b.oom) {
        buf_free(&b);
        resp_internal(r);
        return;
    }
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len);
    buf_free(&b);
}

static void hello_get(struct request *r)
{
    static const char body[] = "{\"hello\":\"carelog\"}";
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, 200, "application/json", body, sizeof body - 1);
}

static void openapi_get(struct request *r)
{
    resp_header(r, "Cache-Control", "no-cache");
    resp_raw(r, 200, "application/json", (const char *)openapi_json, openapi_json_len);
}

/* {"timezones": ["Africa/Abidjan", ..., "UTC"]}: the IANA zones of the
 * server's tzdata (data/tz.h tz_list); they change only with tzdata. */
static void timezones_get(struct request *r)
{
    size_t n;
    const char *const *names = tz_list(&n);
    if (!names) {
        resp_error(r, 503, "unavailable", "The server has no time zone tables (install tzdata)");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(body, "timezones");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(names[i]));
    resp_header(r, "Cache-Control", "public, max-age=86400");
    resp_json(r, 200, body);
}

CARELOG_PROGRAM(meta, NULL, NULL)
