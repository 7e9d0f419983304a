/* care.c — profiles (and, with them, the other care records) as the API's
 * JSON; see care.h. */
#include "data/care.h"

#include <string.h>

#include "data/db.h"
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
