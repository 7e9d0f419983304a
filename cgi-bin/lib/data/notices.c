/* notices.c — inbox items and emergency alerts as JSON (see notices.h). */
#include "data/notices.h"

#include "data/rows.h"
#include "data/db.h"
#include "util/util.h"

cJSON *inbox_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    json_col_int(o, "id", st, 0);
    json_col_text(o, "family_id", st, 1);
    json_col_text(o, "family_name", st, 2);
    json_col_text(o, "kind", st, 3);
    json_col_text(o, "about", st, 4);
    json_col_text(o, "about_id", st, 5);
    json_col_text(o, "subject_id", st, 6);
    cJSON *data = cJSON_Parse(db_col_text(st, 7));
    cJSON_AddItemToObject(o, "data", data ? data : cJSON_CreateObject());
    json_col_int(o, "created_at", st, 8);
    json_col_int(o, "read_at", st, 9);
    json_col_int(o, "seq", st, INBOX_SEQ_COL);
    return o;
}

cJSON *inbox_event_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "item", inbox_json_row(st));
    json_col_int(o, "unread", st, 12);
    return o;
}

cJSON *alert_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    json_col_text(o, "id", st, 0);
    json_col_text(o, "family_id", st, 1);
    cJSON *sender = cJSON_AddObjectToObject(o, "sender");
    json_col_text(sender, "member_id", st, 2);
    json_col_text(sender, "name", st, 3);
    json_col_text(o, "type", st, 4);
    json_col_text(o, "message", st, 5);
    if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
        cJSON *loc = cJSON_AddObjectToObject(o, "location");
        cJSON_AddNumberToObject(loc, "lat", sqlite3_column_double(st, 6));
        cJSON_AddNumberToObject(loc, "lon", sqlite3_column_double(st, 7));
        if (sqlite3_column_type(st, 8) != SQLITE_NULL)
            cJSON_AddNumberToObject(loc, "accuracy", sqlite3_column_double(st, 8));
    } else {
        cJSON_AddNullToObject(o, "location");
    }
    json_col_int(o, "created_at", st, 9);
    json_col_int(o, "resolved_at", st, 10);
    if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
        cJSON *by = cJSON_AddObjectToObject(o, "resolved_by");
        json_col_text(by, "member_id", st, 16);
        json_col_text(by, "name", st, 11);
    } else {
        cJSON_AddNullToObject(o, "resolved_by");
    }
    json_col_text(o, "resolve_note", st, 12);
    cJSON *answers = cJSON_Parse(db_col_text(st, 15));
    cJSON_AddItemToObject(o, "answers", cJSON_IsArray(answers) ? answers : cJSON_CreateArray());
    if (!cJSON_IsArray(answers))
        cJSON_Delete(answers);
    json_col_int(o, "seq", st, ALERT_SEQ_COL);
    json_col_int(o, "updated_at", st, 14);
    return o;
}
