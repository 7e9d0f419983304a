/* entry.c — entry values by the catalogue's rules (catalogue.c holds the
 * tables), and the API's JSON for a stored entry. */
#include "data/entry.h"

#include <string.h>

#include "data/catalogue.h"
#include "data/db.h"
#include "data/rows.h"
#include "framework/http.h"
#include "util/util.h"

const char *const *entry_types(void)
{
    return catalogue()->type_names;
}

bool entry_type_is_timed(const char *type)
{
    const struct cat_type *t = catalogue_type(catalogue(), type);
    return t && t->timed;
}

bool entry_is_running(const char *type, const cJSON *value)
{
    return cat_is_running(catalogue_type(catalogue(), type), value);
}

void entry_value_check(struct vobj *parent, const char *type, const cJSON *value, bool preset)
{
    cat_value_check(parent, catalogue_type(catalogue(), type), value, preset);
}

cJSON *entry_value_normalise(const char *type, const cJSON *value)
{
    const struct cat_type *t = catalogue_type(catalogue(), type);
    return t ? cat_value_normalise(t, value) : NULL;
}

bool entry_value_derive(const char *type, cJSON *value, const struct tz *zone, int64_t ts)
{
    const struct cat_type *t = catalogue_type(catalogue(), type);
    return !t || cat_value_derive(t, value, zone, ts);
}

cJSON *entry_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "type", db_col_text(st, 2));
    json_add_int64(o, "ts", sqlite3_column_int64(st, 3));
    json_col_int(o, "end_ts", st, 4);
    /* Stored values are JSON objects this program printed: they go out as
     * they are, not parsed and printed again (a 10,000-entry pull spent a
     * third of its time on that). */
    const char *value = db_col_text(st, 5);
    size_t vlen = strlen(value);
    if (vlen >= 2 && value[0] == '{' && value[vlen - 1] == '}')
        cJSON_AddRawToObject(o, "value", value);
    else
        cJSON_AddItemToObject(o, "value", cJSON_CreateObject());
    json_col_text(o, "author_id", st, 6);
    json_col_text(o, "author_name", st, 7);
    json_col_text(o, "created_by", st, 13);
    if (sqlite3_column_type(st, 14) != SQLITE_NULL) /* only entries logged together have one */
        cJSON_AddStringToObject(o, "group_id", db_col_text(st, 14));
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 8));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 9));
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 10) == 1);
    json_add_int64(o, "seq", sqlite3_column_int64(st, 11));
    return o;
}
