/* meta.c — carelog about itself: GET /health (touches the database), the
 * OpenAPI document, a trivial "hello" that is the ceiling any API route can
 * reach through lighttpd, and the JSON 404 for every unknown /api/ path. */
#include "carelog.h"

#include <string.h>

static void health_get(struct request *r);
static void hello_get(struct request *r);
static void openapi_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/health", health_get, ACCESS_PUBLIC, ROUTE_NO_DB}, /* reports on the database */
    {"GET", "/api/v1/hello", hello_get, ACCESS_PUBLIC, ROUTE_NO_DB},
    {"GET", "/api/v1/openapi.json", openapi_get, ACCESS_PUBLIC, ROUTE_NO_DB},
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

CARELOG_PROGRAM(meta, NULL, NULL)
