/* entry.c — per-type rules for entry values, as a table: each type lists its
 * fields (kind, bounds, choices), plus the few rules that span fields. */
#include "data/entry.h"

#include <string.h>

#include "data/db.h"
#include "framework/http.h"
#include "util/util.h"

const char *const entry_types[] = {"feed",   "diaper",      "sleep",      "pump",
                                   "growth", "temperature", "medication", "symptom",
                                   "vitals", "tummy_time",  "note",       NULL};

enum field_kind { F_ENUM, F_INT, F_NUMBER, F_BOOL, F_TEXT, F_LONGTEXT };

struct field_rule {
    const char *name;
    enum field_kind kind;
    double min, max;            /* bounds for numbers, lengths for text */
    const char *const *choices; /* F_ENUM */
    bool required;
};

static const char *const feed_methods[] = {"breast_left", "breast_right", "breast_both",
                                           "bottle",      "solids",       NULL};
static const char *const milks[] = {"breast_milk", "formula", "mixed", NULL};
static const char *const diaper_colours[] = {"yellow", "mustard", "green", "brown",
                                             "black",  "red",     "white", NULL};
static const char *const sleep_kinds[] = {"nap", "night", NULL};
static const char *const sides[] = {"left", "right", "both", NULL};
static const char *const temp_methods[] = {"oral", "axillary", "rectal", "ear", "forehead", NULL};

#define NOTES                                                                                      \
    {                                                                                              \
        "notes", F_LONGTEXT, 0, 1000, NULL, false                                                  \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, F_BOOL, 0, 0, NULL, false                                                            \
    }

static const struct field_rule feed_fields[] = {{"method", F_ENUM, 0, 0, feed_methods, true},
                                                {"milk", F_ENUM, 0, 0, milks, false},
                                                {"amount_ml", F_INT, 1, 1000, NULL, false},
                                                {"food", F_TEXT, 1, 200, NULL, false},
                                                NOTES,
                                                END};
static const struct field_rule diaper_fields[] = {{"wet", F_BOOL, 0, 0, NULL, false},
                                                  {"dirty", F_BOOL, 0, 0, NULL, false},
                                                  {"colour", F_ENUM, 0, 0, diaper_colours, false},
                                                  NOTES,
                                                  END};
static const struct field_rule sleep_fields[] = {
    {"kind", F_ENUM, 0, 0, sleep_kinds, false}, NOTES, END};
static const struct field_rule pump_fields[] = {
    {"side", F_ENUM, 0, 0, sides, true}, {"amount_ml", F_INT, 0, 1000, NULL, false}, NOTES, END};
static const struct field_rule growth_fields[] = {{"weight_g", F_INT, 300, 300000, NULL, false},
                                                  {"length_cm", F_NUMBER, 20, 250, NULL, false},
                                                  {"head_cm", F_NUMBER, 20, 70, NULL, false},
                                                  NOTES,
                                                  END};
static const struct field_rule temperature_fields[] = {
    {"celsius", F_NUMBER, 30, 45, NULL, true},
    {"method", F_ENUM, 0, 0, temp_methods, false},
    NOTES,
    END};
static const struct field_rule medication_fields[] = {
    {"name", F_TEXT, 1, 100, NULL, true},
    {"dose", F_NUMBER, 0.001, 100000, NULL, false},
    {"unit", F_TEXT, 1, 20, NULL, false},
    NOTES,
    END};
static const struct field_rule symptom_fields[] = {
    {"text", F_LONGTEXT, 1, 500, NULL, true}, {"severity", F_INT, 1, 5, NULL, false}, END};
static const struct field_rule vitals_fields[] = {
    {"heart_rate", F_INT, 20, 250, NULL, false},
    {"bp_systolic", F_INT, 50, 260, NULL, false},
    {"bp_diastolic", F_INT, 30, 160, NULL, false},
    {"spo2", F_INT, 50, 100, NULL, false},
    {"glucose", F_NUMBER, 1, 40, NULL, false}, /* mmol/L */
    NOTES,
    END};
static const struct field_rule tummy_fields[] = {
    {"milestone", F_TEXT, 1, 100, NULL, false}, NOTES, END};
static const struct field_rule note_fields[] = {{"text", F_LONGTEXT, 1, 2000, NULL, true}, END};

static const struct {
    const char *type;
    bool timed;
    const struct field_rule *fields;
} types[] = {
    {"feed", true, feed_fields},
    {"diaper", false, diaper_fields},
    {"sleep", true, sleep_fields},
    {"pump", true, pump_fields},
    {"growth", false, growth_fields},
    {"temperature", false, temperature_fields},
    {"medication", false, medication_fields},
    {"symptom", false, symptom_fields},
    {"vitals", false, vitals_fields},
    {"tummy_time", true, tummy_fields},
    {"note", false, note_fields},
};

bool entry_type_is_timed(const char *type)
{
    for (size_t i = 0; i < ARRAY_LEN(types); i++)
        if (strcmp(types[i].type, type) == 0)
            return types[i].timed;
    return false;
}

/* Reads one field by its rule; true when present and valid. */
static bool field_check(struct vobj *v, const struct field_rule *f, bool preset)
{
    unsigned flags = (f->required && !preset) ? V_REQUIRED : 0;
    const char *s;
    int64_t i;
    double d;
    bool b;
    switch (f->kind) {
    case F_ENUM:
        return v_enum(v, f->name, flags, f->choices, &s);
    case F_INT:
        return v_int(v, f->name, flags, (int64_t)f->min, (int64_t)f->max, &i);
    case F_NUMBER:
        return v_number(v, f->name, flags, f->min, f->max, &d);
    case F_BOOL:
        return v_bool(v, f->name, flags, &b);
    case F_TEXT:
        return v_string(v, f->name, flags, (size_t)f->min, (size_t)f->max, &s);
    case F_LONGTEXT:
        return v_string(v, f->name, flags | V_MULTILINE, (size_t)f->min, (size_t)f->max, &s);
    }
    return false;
}

static bool is_true(const cJSON *value, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(value, name));
}

static bool has(const cJSON *value, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(value, name);
    return it && !cJSON_IsNull(it);
}

static const char *text_of(const cJSON *value, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(value, name);
    return cJSON_IsString(it) ? it->valuestring : "";
}

/* The rules that span fields. */
static void cross_field_check(struct vobj *v, const char *type, const cJSON *value)
{
    if (strcmp(type, "feed") == 0) {
        const char *m = text_of(value, "method");
        bool bottle = strcmp(m, "bottle") == 0, solids = strcmp(m, "solids") == 0;
        if (has(value, "milk") && !bottle)
            v_error(v, "milk", "is only for bottle feeds");
        if (has(value, "amount_ml") && !bottle && !solids)
            v_error(v, "amount_ml", "is only for bottle feeds and solids");
        if (has(value, "food") && !solids)
            v_error(v, "food", "is only for solids");
    } else if (strcmp(type, "diaper") == 0) {
        if (!is_true(value, "wet") && !is_true(value, "dirty"))
            v_error(v, "wet", "a diaper is wet, dirty or both");
    } else if (strcmp(type, "growth") == 0) {
        if (!has(value, "weight_g") && !has(value, "length_cm") && !has(value, "head_cm"))
            v_error(v, "weight_g", "give a weight, a length or a head size");
    } else if (strcmp(type, "vitals") == 0) {
        if (!has(value, "heart_rate") && !has(value, "bp_systolic") &&
            !has(value, "bp_diastolic") && !has(value, "spo2") && !has(value, "glucose"))
            v_error(v, "heart_rate", "give at least one measurement");
        if (has(value, "bp_systolic") != has(value, "bp_diastolic"))
            v_error(v, "bp_systolic", "blood pressure needs both systolic and diastolic");
    }
}

void entry_value_check(struct vobj *parent, const char *type, const cJSON *value, bool preset)
{
    struct vobj v;
    v_init_nested(&v, parent, value, "value");
    for (size_t i = 0; i < ARRAY_LEN(types); i++) {
        if (strcmp(types[i].type, type) != 0)
            continue;
        for (const struct field_rule *f = types[i].fields; f->name; f++)
            field_check(&v, f, preset);
        if (!preset && cJSON_IsObject(value))
            cross_field_check(&v, type, value);
        break;
    }
    v_finish(&v);
}

cJSON *entry_value_normalise(const char *type, const cJSON *value)
{
    for (size_t i = 0; i < ARRAY_LEN(types); i++) {
        if (strcmp(types[i].type, type) != 0)
            continue;
        cJSON *out = cJSON_CreateObject();
        for (const struct field_rule *f = types[i].fields; out && f->name; f++) {
            const cJSON *it = cJSON_GetObjectItemCaseSensitive(value, f->name);
            if (it && !cJSON_IsNull(it))
                cJSON_AddItemToObject(out, f->name, cJSON_Duplicate(it, true));
        }
        return out;
    }
    return NULL;
}

static void add_nullable_ms(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        json_add_int64(o, name, sqlite3_column_int64(st, col));
}

static void add_nullable_text(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, db_col_text(st, col));
}

cJSON *entry_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "subject_id", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "type", db_col_text(st, 2));
    json_add_int64(o, "ts", sqlite3_column_int64(st, 3));
    add_nullable_ms(o, "end_ts", st, 4);
    cJSON *value = cJSON_Parse(db_col_text(st, 5));
    cJSON_AddItemToObject(o, "value", value ? value : cJSON_CreateObject());
    add_nullable_text(o, "author_id", st, 6);
    add_nullable_text(o, "author_name", st, 7);
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 8));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 9));
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 10) == 1);
    json_add_int64(o, "seq", sqlite3_column_int64(st, 11));
    return o;
}
