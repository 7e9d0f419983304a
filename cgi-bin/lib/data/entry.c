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

/* A text column as a JSON string, or null. */
static void json_text_or_null(struct buf *b, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        buf_append(b, "null", 4);
    else
        buf_json_str(b, db_col_text(st, col));
}

/* Written, not built as a tree: a page of entries or a sync pull is mostly
 * this, and a cJSON tree per row (an allocation per member, printed and
 * freed) was half of a listing's CPU. */
bool entry_json_write(struct buf *b, sqlite3_stmt *st)
{
    buf_puts(b, "{\"id\":");
    buf_json_str(b, db_col_text(st, 0));
    buf_puts(b, ",\"subject_id\":");
    buf_json_str(b, db_col_text(st, 1));
    buf_puts(b, ",\"type\":");
    buf_json_str(b, db_col_text(st, 2));
    buf_puts(b, ",\"ts\":");
    buf_json_int(b, sqlite3_column_int64(st, 3));
    buf_puts(b, ",\"end_ts\":");
    if (sqlite3_column_type(st, 4) == SQLITE_NULL)
        buf_puts(b, "null");
    else
        buf_json_int(b, sqlite3_column_int64(st, 4));
    /* Stored values are JSON objects this program printed: they go out as
     * they are, not parsed and printed again (a 10,000-entry pull spent a
     * third of its time on that). */
    const char *value = db_col_text(st, 5);
    size_t vlen = strlen(value);
    buf_puts(b, ",\"value\":");
    if (vlen >= 2 && value[0] == '{' && value[vlen - 1] == '}')
        buf_append(b, value, vlen);
    else
        buf_puts(b, "{}");
    buf_puts(b, ",\"author_id\":");
    json_text_or_null(b, st, 6);
    buf_puts(b, ",\"author_name\":");
    json_text_or_null(b, st, 7);
    buf_puts(b, ",\"created_by\":");
    json_text_or_null(b, st, 13);
    if (sqlite3_column_type(st, 14) != SQLITE_NULL) { /* only entries logged together have one */
        buf_puts(b, ",\"group_id\":");
        buf_json_str(b, db_col_text(st, 14));
    }
    buf_puts(b, ",\"created_at\":");
    buf_json_int(b, sqlite3_column_int64(st, 8));
    buf_puts(b, ",\"updated_at\":");
    buf_json_int(b, sqlite3_column_int64(st, 9));
    buf_puts(b, sqlite3_column_int(st, 10) == 1 ? ",\"deleted\":true" : ",\"deleted\":false");
    buf_puts(b, ",\"seq\":");
    buf_json_int(b, sqlite3_column_int64(st, 11));
    return buf_puts(b, "}") && !b->oom;
}

cJSON *entry_json_row(sqlite3_stmt *st)
{
    struct buf b;
    buf_init(&b, 1u << 20);
    cJSON *o = entry_json_write(&b, st) ? cJSON_CreateRaw(b.p) : NULL;
    buf_free(&b);
    return o;
}
