/* rows.c — SQLite rows as the API's JSON. */
#include "data/rows.h"

#include "data/db.h"
#include "framework/http.h"

void json_col_text(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, db_col_text(st, col));
}

void json_col_int(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        json_add_int64(o, name, sqlite3_column_int64(st, col));
}

void reply_rows(struct request *r, sqlite3_stmt *st, const char *key,
                cJSON *(*row)(sqlite3_stmt *st))
{
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(list, row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, key, list);
    resp_json(r, 200, body);
}
