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
    reply_rows_kept(r, st, key, row, NULL, NULL);
}

void reply_rows_kept(struct request *r, sqlite3_stmt *st, const char *key,
                     cJSON *(*row)(sqlite3_stmt *st), bool (*keep)(const void *who, cJSON *row),
                     const void *who)
{
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = row(st);
        if (!keep || keep(who, o))
            cJSON_AddItemToArray(list, o);
        else
            cJSON_Delete(o);
    }
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
