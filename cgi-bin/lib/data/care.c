/* care.c — profiles (and, with them, the other care records) as the API's
 * JSON; see care.h. */
#include "data/care.h"

#include <string.h>

#include "data/db.h"
#include "data/tz.h"
#include "data/rows.h"
#include "framework/http.h"

const char *const profile_keys[] = {"blood_type", "allergies",        "conditions",         "gp",
                                    "hospital",   "insurance_number", "emergency_contacts", "notes",
                                    NULL};

/* An empty place (a doctor, a hospital): every member present. */
static cJSON *empty_place(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", "");
    cJSON_AddStringToObject(o, "address", "");
    cJSON_AddStringToObject(o, "phone", "");
    return o;
}

cJSON *profile_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 0));
    json_col_text(o, "birth_date", st, 1);
    cJSON *data = cJSON_Parse(db_col_text(st, 2));
    for (const char *const *k = profile_keys; *k; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, *k);
        cJSON *copy = v ? cJSON_Duplicate(v, true) : NULL;
        if (!copy) {
            if (strcmp(*k, "gp") == 0 || strcmp(*k, "hospital") == 0)
                copy = empty_place();
            else if (strcmp(*k, "emergency_contacts") == 0)
                copy = cJSON_CreateArray();
            else if (strcmp(*k, "blood_type") == 0)
                copy = cJSON_CreateNull();
            else
                copy = cJSON_CreateString("");
        }
        cJSON_AddItemToObject(o, *k, copy);
    }
    cJSON_Delete(data);
    json_add_int64(o, "version", sqlite3_column_int64(st, 3));
    json_col_int(o, "updated_at", st, 4);
    json_col_text(o, "updated_by", st, 5);
    return o;
}

/* A REAL column as a number, or null. */
static void json_col_real(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, sqlite3_column_double(st, col));
}

static void json_col_int_or_null(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, (double)sqlite3_column_int64(st, col));
}

cJSON *medication_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 2));
    cJSON_AddStringToObject(o, "form", db_col_text(st, 3));
    json_col_real(o, "dose", st, 4);
    cJSON_AddStringToObject(o, "unit", db_col_text(st, 5));
    cJSON_AddStringToObject(o, "instructions", db_col_text(st, 6));
    cJSON_AddStringToObject(o, "prescriber", db_col_text(st, 7));
    cJSON_AddStringToObject(o, "pharmacy_phone", db_col_text(st, 8));
    cJSON_AddStringToObject(o, "start_date", db_col_text(st, 9));
    json_col_text(o, "end_date", st, 10);
    cJSON_AddBoolToObject(o, "active", sqlite3_column_int(st, 11) == 1);
    cJSON *sched = cJSON_AddObjectToObject(o, "schedule");
    const char *kind = db_col_text(st, 12);
    cJSON_AddStringToObject(sched, "kind", kind);
    if (strcmp(kind, "times") == 0) {
        cJSON *times = cJSON_Parse(db_col_text(st, 13));
        cJSON_AddItemToObject(sched, "times", times ? times : cJSON_CreateArray());
    } else if (strcmp(kind, "interval") == 0) {
        json_col_int_or_null(sched, "every_hours", st, 14);
        json_col_text(sched, "first_time", st, 15);
    } else {
        json_col_int_or_null(sched, "min_interval_min", st, 16);
        json_col_int_or_null(sched, "max_per_24h", st, 17);
    }
    json_col_real(o, "supply", st, 18);
    json_col_int(o, "supply_at", st, 19);
    json_col_real(o, "supply_left", st, 20);
    json_col_real(o, "refill_at", st, 21);
    cJSON_AddBoolToObject(o, "missed_urgent", sqlite3_column_int(st, 22) == 1);
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 23));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 24));
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 25) == 1);
    json_add_int64(o, "version", sqlite3_column_int64(st, 26));
    return o;
}

cJSON *appointment_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    const struct tz *z = tz_get(db_col_text(st, 19));
    if (!z)
        z = tz_get("UTC");
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "title", db_col_text(st, 2));
    cJSON_AddStringToObject(o, "type", db_col_text(st, 3));
    struct civil c;
    int64_t start = 0;
    int duration = sqlite3_column_int(st, 5);
    if (appt_parse_local(db_col_text(st, 4), &c) && tz_civil_to_utc(z, &c, &start)) {
        json_add_int64(o, "start", start);
        json_add_int64(o, "end", start + (int64_t)duration * 60000);
    } else {
        cJSON_AddNullToObject(o, "start");
        cJSON_AddNullToObject(o, "end");
    }
    cJSON_AddStringToObject(o, "start_local", db_col_text(st, 4));
    cJSON_AddNumberToObject(o, "duration_min", duration);
    cJSON_AddStringToObject(o, "location", db_col_text(st, 6));
    cJSON_AddStringToObject(o, "with_whom", db_col_text(st, 7));
    cJSON_AddStringToObject(o, "notes", db_col_text(st, 8));
    json_col_text(o, "driver_id", st, 9);
    json_col_text(o, "driver_name", st, 10);
    cJSON *rem = cJSON_Parse(db_col_text(st, 11));
    cJSON_AddItemToObject(o, "reminders", rem ? rem : cJSON_CreateArray());
    json_col_text(o, "rrule", st, 12);
    cJSON *ex = cJSON_AddArrayToObject(o, "exceptions");
    cJSON *list = cJSON_Parse(db_col_text(st, 13));
    for (const cJSON *x = cJSON_IsArray(list) ? list->child : NULL; x; x = x->next) {
        const cJSON *orig = cJSON_GetObjectItemCaseSensitive(x, "original");
        struct civil oc;
        int64_t at;
        if (!cJSON_IsString(orig) || !appt_parse_local(orig->valuestring, &oc) ||
            !tz_civil_to_utc(z, &oc, &at))
            continue;
        cJSON *e = cJSON_CreateObject();
        json_add_int64(e, "original", at);
        cJSON_AddStringToObject(e, "original_local", orig->valuestring);
        const cJSON *cancelled = cJSON_GetObjectItemCaseSensitive(x, "cancelled");
        cJSON_AddBoolToObject(e, "cancelled", cJSON_IsNumber(cancelled) && cancelled->valueint);
        const cJSON *s2 = cJSON_GetObjectItemCaseSensitive(x, "start"),
                    *e2 = cJSON_GetObjectItemCaseSensitive(x, "end");
        if (cJSON_IsNumber(s2) && cJSON_IsNumber(e2)) {
            json_add_int64(e, "start", (int64_t)s2->valuedouble);
            json_add_int64(e, "end", (int64_t)e2->valuedouble);
        } else {
            cJSON_AddNullToObject(e, "start");
            cJSON_AddNullToObject(e, "end");
        }
        cJSON_AddItemToArray(ex, e);
    }
    cJSON_Delete(list);
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 14));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 15));
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 16) == 1);
    json_add_int64(o, "version", sqlite3_column_int64(st, 17));
    return o;
}

bool phone_is_valid(const char *s)
{
    size_t digits = 0, n = strlen(s);
    if (n == 0 || n > 40)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c == '+' ? i != 0 : !strchr(" .-()", c))
            return false;
    }
    return digits >= 3 && digits <= 20;
}
