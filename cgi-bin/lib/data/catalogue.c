/* catalogue.c — reads the entry catalogue (catalogue/entries.json, embedded
 * by tools/embed.sh as `catalogue_json`) into rule tables once, and checks
 * entry values with them. The file is checked as strictly as a request body
 * (the same typed getters: unknown keys, wrong kinds and dangling references
 * are errors), so a mistake in it stops the program at start with the place
 * named, instead of quietly validating differently from the app. */
#include "data/catalogue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/tz.h"

extern const unsigned char catalogue_json[];
extern const size_t catalogue_json_len;

#define MAX_TYPES    64
#define MAX_FIELDS   40 /* below V_MAX_KNOWN: a value's vobj knows each field */
#define MAX_OPTIONS  32
#define MAX_KINDS    16 /* bits of an unsigned */
#define MAX_RULES    16
#define MAX_GROUPS   12 /* what PUT /config accepts */
#define MAX_BUTTONS  12
#define MAX_TEXT_LEN 100000
/* Integers beyond 2^53 do not survive a double (JSON numbers in C and JS). */
#define MAX_SAFE_INT 9007199254740991.0

/* ---------- memory: every table lives in blocks freed together ---------- */

struct cat_block {
    struct cat_block *next;
    max_align_t data[];
};

static void *cat_alloc(struct catalogue *c, size_t n)
{
    struct cat_block *b = calloc(1, sizeof *b + n);
    if (!b)
        return NULL;
    b->next = c->blocks;
    c->blocks = b;
    return b->data;
}

void catalogue_free(struct catalogue *c)
{
    if (!c)
        return;
    for (struct cat_block *b = c->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    cJSON_Delete(c->root);
    free(c);
}

/* ---------- reading the file ---------- */

static bool in_list(const char *s, const char *const *list)
{
    for (; s && list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Names of types, fields and kinds become JSON keys, i18n keys and CSS
 * classes in the app: lower-case letters, digits and '_' only. */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40 || s[0] < 'a' || s[0] > 'z')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void errorf(struct vobj *v, const char *name, const char *fmt, const char *arg)
{
    char msg[160];
    snprintf(msg, sizeof msg, fmt, arg);
    v_error(v, name, msg);
}

/* A JSON array of distinct strings as a NULL-terminated list; `names`
 * requires name_ok. NULL when absent or wrong (the error is recorded). */
static const char **string_list(struct catalogue *c, struct vobj *v, const char *name,
                                const cJSON *arr, size_t max, bool names)
{
    if (!cJSON_IsArray(arr)) {
        v_error(v, name, "must be an array of strings");
        return NULL;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0 || n > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "must have 1 to %zu items", max);
        v_error(v, name, msg);
        return NULL;
    }
    const char **list = cat_alloc(c, (n + 1) * sizeof *list);
    if (!list) {
        v_error(v, name, "out of memory");
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        if (!cJSON_IsString(it) || !it->valuestring[0] || (names && !name_ok(it->valuestring))) {
            v_error(v, name,
                    names ? "must hold names (a-z, 0-9, _)" : "must hold non-empty strings");
            return NULL;
        }
        list[i] = NULL; /* in_list stops here: checks the ones before */
        if (in_list(it->valuestring, list)) {
            errorf(v, name, "names %s twice", it->valuestring);
            return NULL;
        }
        list[i] = it->valuestring;
    }
    list[n] = NULL;
    return list;
}

static const char **string_list_field(struct catalogue *c, struct vobj *v, const char *name,
                                      unsigned flags, size_t max, bool names)
{
    const cJSON *arr = NULL;
    if (!v_array(v, name, flags, max, &arr))
        return NULL;
    return string_list(c, v, name, arr, max, names);
}

/* A list of person kinds as bits. */
static unsigned kinds_field(struct catalogue *c, struct vobj *v, const char *name)
{
    const char **list = string_list_field(c, v, name, V_REQUIRED, MAX_KINDS, true);
    unsigned bits = 0;
    for (size_t i = 0; list && list[i]; i++) {
        unsigned b = catalogue_kind_bit(c, list[i]);
        if (!b)
            errorf(v, name, "names %s, which is not one of person_kinds", list[i]);
        bits |= b;
    }
    return bits;
}

/* A field by key; fields whose key was refused have none (the catalogue is
 * refused then, but the rest is still read to report every mistake). */
static const struct cat_field *find_field(const struct cat_type *t, const char *key)
{
    for (size_t i = 0; key && i < t->nfields; i++)
        if (t->fields[i].key && strcmp(t->fields[i].key, key) == 0)
            return &t->fields[i];
    return NULL;
}

/* The number bounds: required for numbers and text, whole for ints and text. */
static void field_bounds(struct vobj *fv, struct cat_field *f)
{
    bool numeric = f->kind == CAT_INT || f->kind == CAT_NUMBER;
    bool text = f->kind == CAT_TEXT || f->kind == CAT_LONGTEXT;
    unsigned flags = (numeric || text) ? V_REQUIRED : 0;
    double lo = text ? 0 : -MAX_SAFE_INT, hi = text ? MAX_TEXT_LEN : MAX_SAFE_INT;
    bool has_min = v_number(fv, "min", flags, lo, hi, &f->min);
    bool has_max = v_number(fv, "max", flags, lo, hi, &f->max);
    if (!numeric && !text && (has_min || has_max))
        v_error(fv, has_min ? "min" : "max", "is only for int, number and text fields");
    if ((f->kind == CAT_INT || text) && has_min && f->min != (double)(int64_t)f->min)
        v_error(fv, "min", "must be a whole number");
    if ((f->kind == CAT_INT || text) && has_max && f->max != (double)(int64_t)f->max)
        v_error(fv, "max", "must be a whole number");
    if (has_min && has_max && f->min > f->max)
        v_error(fv, "max", "must not be below min");
}

/* only_when: {"<enum field>": [values], "message": "..."}; the field is
 * resolved once every field of the type is read. */
static void field_only_when(struct catalogue *c, struct vobj *fv, struct cat_field *f)
{
    const cJSON *w = NULL;
    if (!v_object(fv, "only_when", 0, &w))
        return;
    for (const cJSON *it = w->child; it; it = it->next) {
        if (strcmp(it->string, "message") == 0) {
            if (!cJSON_IsString(it) || !it->valuestring[0])
                v_error(fv, "only_when", "message must be a non-empty string");
            else
                f->when_message = it->valuestring;
        } else if (f->when_field) {
            v_error(fv, "only_when", "names one field");
        } else {
            f->when_field = it->string;
            f->when_values = string_list(c, fv, "only_when", it, MAX_OPTIONS, true);
        }
    }
    if (!f->when_field || !f->when_message)
        v_error(fv, "only_when", "needs a field with its values and a message");
}

static void field_by_hour(struct vobj *fv, struct cat_field *f)
{
    const cJSON *o = NULL;
    if (!v_object(fv, "default_by_start_hour", 0, &o))
        return;
    struct vobj hv;
    v_init_nested(&hv, fv, o, "default_by_start_hour");
    int64_t from = 0, until = 0;
    bool ok = v_int(&hv, "from", V_REQUIRED, 0, 23, &from);
    ok = v_int(&hv, "until", V_REQUIRED, 0, 23, &until) && ok;
    ok = v_string(&hv, "inside", V_REQUIRED, 1, 40, &f->hour_inside) && ok;
    ok = v_string(&hv, "outside", V_REQUIRED, 1, 40, &f->hour_outside) && ok;
    v_finish(&hv);
    if (!ok)
        return;
    if (f->kind != CAT_ENUM || !in_list(f->hour_inside, f->options) ||
        !in_list(f->hour_outside, f->options)) {
        v_error(fv, "default_by_start_hour",
                "is for enum fields, inside and outside among options");
        return;
    }
    f->by_hour = true;
    f->hour_from = (int)from;
    f->hour_until = (int)until;
}

/* "normal": {"<person kind>": [low, high]}: the range a trend chart draws
 * as normal for that kind of person (an adult's heart rate 60-100, a
 * baby's 100-160). Only the app reads it; it must lie inside min..max. */
static void field_normal(struct catalogue *c, struct vobj *fv, const struct cat_field *f)
{
    const cJSON *o = NULL;
    if (!v_object(fv, "normal", 0, &o))
        return;
    if (f->kind != CAT_INT && f->kind != CAT_NUMBER) {
        v_error(fv, "normal", "is for int and number fields");
        return;
    }
    for (const cJSON *it = o->child; it; it = it->next) {
        const cJSON *lo = cJSON_GetArrayItem(it, 0), *hi = cJSON_GetArrayItem(it, 1);
        if (!catalogue_kind_bit(c, it->string))
            errorf(fv, "normal", "names %s, which is not one of person_kinds", it->string);
        else if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 || !cJSON_IsNumber(lo) ||
                 !cJSON_IsNumber(hi) || lo->valuedouble >= hi->valuedouble ||
                 lo->valuedouble < f->min || hi->valuedouble > f->max)
            errorf(fv, "normal", "%s: must be [low, high] within min and max", it->string);
    }
}

/* The keys mostly the app reads, checked for shape so a typo is caught
 * here; the export names its columns by the unit and leaves out the fields
 * no form shows (control "none": a running timer's own bookkeeping). */
static void field_display(struct catalogue *c, struct vobj *fv, struct cat_field *f)
{
    static const char *const controls[] = {"select", "scale", "textarea", "none", NULL};
    const char *s = NULL;
    double step;
    const cJSON *o;
    v_string(fv, "unit", 0, 1, 20, &f->unit);
    v_number(fv, "step", 0, 1e-6, 1e6, &step);
    f->hidden = v_enum(fv, "control", 0, controls, &s) && strcmp(s, "none") == 0;
    v_object(fv, "show_when", 0, &o);
    if (string_list_field(c, fv, "suggest", 0, MAX_OPTIONS, true) && f->kind != CAT_TEXT)
        v_error(fv, "suggest", "is for text fields");
    field_normal(c, fv, f);
}

static void parse_field(struct catalogue *c, struct vobj *tv, const cJSON *item, size_t i,
                        struct cat_field *f)
{
    static const char *const kinds[] = {"enum", "int", "number", "bool", "text", "longtext", NULL};
    char name[32];
    snprintf(name, sizeof name, "fields[%zu]", i);
    struct vobj fv;
    v_init_nested(&fv, tv, item, name);
    const char *kind = NULL;
    if (v_string(&fv, "key", V_REQUIRED, 1, 40, &f->key) && !name_ok(f->key))
        v_error(&fv, "key", "must be a name (a-z, 0-9, _)");
    if (v_enum(&fv, "kind", V_REQUIRED, kinds, &kind)) {
        for (int k = 0; kinds[k]; k++)
            if (strcmp(kinds[k], kind) == 0)
                f->kind = (enum cat_kind)k;
    }
    v_bool(&fv, "required", 0, &f->required);
    if (kind) {
        field_bounds(&fv, f);
        f->options = string_list_field(c, &fv, "options", f->kind == CAT_ENUM ? V_REQUIRED : 0,
                                       MAX_OPTIONS, true);
        if (f->options && f->kind != CAT_ENUM)
            v_error(&fv, "options", "is for enum fields");
        field_only_when(c, &fv, f);
        field_by_hour(&fv, f);
        field_display(c, &fv, f);
    }
    v_finish(&fv);
}

/* at_least_one / both_or_neither over fields of the type. */
static void parse_rule(struct catalogue *c, struct vobj *tv, const cJSON *item, size_t i,
                       struct cat_type *t, struct cat_rule *r)
{
    static const char *const tests[] = {"present", "true", NULL};
    char name[32];
    snprintf(name, sizeof name, "rules[%zu]", i);
    struct vobj rv;
    v_init_nested(&rv, tv, item, name);
    const char **one = string_list_field(c, &rv, "at_least_one", 0, MAX_FIELDS, true);
    const char **both = string_list_field(c, &rv, "both_or_neither", 0, MAX_FIELDS, true);
    const char *test = NULL, *i18n = NULL;
    v_enum(&rv, "test", 0, tests, &test);
    v_string(&rv, "field", 0, 1, 40, &r->field);
    v_string(&rv, "message", V_REQUIRED, 1, 200, &r->message);
    v_string(&rv, "i18n", V_REQUIRED, 1, 80, &i18n);
    if (!one == !both) {
        v_error(&rv, "at_least_one", "a rule is at_least_one or both_or_neither");
    } else {
        r->kind = one ? CAT_AT_LEAST_ONE : CAT_BOTH_OR_NEITHER;
        r->fields = one ? one : both;
        r->test_true = test && strcmp(test, "true") == 0;
        if (test && !one)
            v_error(&rv, "test", "is for at_least_one");
        if (both && !both[1])
            v_error(&rv, "both_or_neither", "needs two fields or more");
        for (const char **k = r->fields; *k; k++) {
            const struct cat_field *f = find_field(t, *k);
            if (!f)
                errorf(&rv, one ? "at_least_one" : "both_or_neither", "names %s, not a field", *k);
            else if (r->test_true && f->kind != CAT_BOOL)
                errorf(&rv, "test", "\"true\" needs bool fields; %s is not", *k);
        }
        if (!r->field)
            r->field = r->fields[0];
        else if (!in_list(r->field, r->fields))
            v_error(&rv, "field", "must be one of the rule's fields");
    }
    v_finish(&rv);
}

/* The references between fields of one type, once all are read. */
static void link_fields(struct vobj *tv, struct cat_type *t)
{
    for (size_t i = 0; i < t->nfields; i++) {
        struct cat_field *f = &t->fields[i];
        char name[32];
        snprintf(name, sizeof name, "fields[%zu]", i);
        for (size_t k = 0; k < i && f->key; k++)
            if (t->fields[k].key && strcmp(t->fields[k].key, f->key) == 0)
                errorf(tv, name, "repeats the key %s", f->key);
        if (!f->when_field)
            continue;
        const struct cat_field *w = find_field(t, f->when_field);
        if (!w || w->kind != CAT_ENUM || w == f) {
            errorf(tv, name, "only_when names %s, not another enum field", f->when_field);
            continue;
        }
        for (const char **v = f->when_values; v && *v; v++)
            if (!in_list(*v, w->options))
                errorf(tv, name, "only_when names %s, not an option", *v);
    }
}

/* "timer": true, false, or {"<enum field>": [values]}. */
static void parse_timer(struct catalogue *c, struct vobj *tv, struct cat_type *t)
{
    const cJSON *timer = cJSON_GetObjectItemCaseSensitive(tv->obj, "timer");
    if (cJSON_IsBool(timer)) {
        v_bool(tv, "timer", 0, &t->timer_always);
    } else {
        const cJSON *o = NULL;
        if (!v_object(tv, "timer", 0, &o))
            return;
        if (!o->child || o->child->next) {
            v_error(tv, "timer", "names one enum field and its values");
            return;
        }
        t->timer_field = o->child->string;
        t->timer_values = string_list(c, tv, "timer", o->child, MAX_OPTIONS, true);
        const struct cat_field *f = find_field(t, t->timer_field);
        if (!f || f->kind != CAT_ENUM) {
            errorf(tv, "timer", "names %s, not an enum field", t->timer_field);
            return;
        }
        for (const char **v = t->timer_values; v && *v; v++)
            if (!in_list(*v, f->options))
                errorf(tv, "timer", "names %s, not an option", *v);
    }
    if ((t->timer_always || t->timer_field) && !t->timed)
        v_error(tv, "timer", "is only for timed types");
}

static void parse_type(struct catalogue *c, struct vobj *v, const cJSON *item, struct cat_type *t)
{
    char name[64];
    snprintf(name, sizeof name, "types.%s", item->string);
    struct vobj tv;
    v_init_nested(&tv, v, item, name);
    t->name = item->string;
    const char *icon;
    const cJSON *fields = NULL, *rules = NULL;
    bool picker;
    v_string(&tv, "icon", V_REQUIRED, 1, 16, &icon);
    t->kinds = kinds_field(c, &tv, "for");
    v_bool(&tv, "timed", 0, &t->timed);
    /* false: the app logs it from a screen of its own (a dose from the
     * day's schedule), never from the list of types. */
    v_bool(&tv, "picker", 0, &picker);
    if (v_array(&tv, "fields", V_REQUIRED, MAX_FIELDS, &fields)) {
        t->nfields = (size_t)cJSON_GetArraySize(fields);
        t->fields = cat_alloc(c, (t->nfields + 1) * sizeof *t->fields);
        size_t i = 0;
        for (const cJSON *f = fields->child; f && t->fields; f = f->next, i++)
            parse_field(c, &tv, f, i, &t->fields[i]);
        if (!t->fields) {
            t->nfields = 0;
            v_error(&tv, "fields", "out of memory");
        }
        link_fields(&tv, t);
    }
    parse_timer(c, &tv, t);
    if (v_array(&tv, "rules", 0, MAX_RULES, &rules)) {
        t->nrules = (size_t)cJSON_GetArraySize(rules);
        t->rules = cat_alloc(c, (t->nrules + 1) * sizeof *t->rules);
        size_t i = 0;
        for (const cJSON *r = rules->child; r && t->rules; r = r->next, i++)
            parse_rule(c, &tv, r, i, t, &t->rules[i]);
        if (!t->rules) {
            t->nrules = 0;
            v_error(&tv, "rules", "out of memory");
        }
    }
    v_finish(&tv);
}

static void parse_types(struct catalogue *c, struct vobj *v)
{
    const cJSON *types = NULL;
    if (!v_object(v, "types", V_REQUIRED, &types))
        return;
    size_t n = (size_t)cJSON_GetArraySize(types);
    if (n == 0 || n > MAX_TYPES) {
        v_error(v, "types", "must have 1 to 64 types");
        return;
    }
    c->types = cat_alloc(c, n * sizeof *c->types);
    c->type_names = cat_alloc(c, (n + 1) * sizeof *c->type_names);
    if (!c->types || !c->type_names) {
        v_error(v, "types", "out of memory");
        return;
    }
    for (const cJSON *t = types->child; t; t = t->next) {
        if (!name_ok(t->string) || in_list(t->string, c->type_names)) {
            errorf(v, "types", "has a bad or repeated name: %s", t->string);
            continue;
        }
        c->type_names[c->ntypes] = t->string;
        parse_type(c, v, t, &c->types[c->ntypes++]);
    }
}

/* Button groups: shaped as PUT /config wants them, presets valid as presets. */
static void parse_groups(struct catalogue *c, struct vobj *v)
{
    const cJSON *groups = NULL;
    if (!v_array(v, "button_groups", V_REQUIRED, MAX_GROUPS, &groups))
        return;
    c->groups = groups;
    size_t gi = 0;
    for (const cJSON *g = groups->child; g; g = g->next, gi++) {
        char gname[32];
        snprintf(gname, sizeof gname, "button_groups[%zu]", gi);
        struct vobj gv;
        v_init_nested(&gv, v, g, gname);
        const char *category;
        bool stateful;
        const cJSON *buttons = NULL;
        v_string(&gv, "category", V_REQUIRED, 1, 40, &category);
        v_bool(&gv, "stateful", V_REQUIRED, &stateful);
        v_array(&gv, "buttons", V_REQUIRED, MAX_BUTTONS, &buttons);
        size_t bi = 0;
        for (const cJSON *b = buttons ? buttons->child : NULL; b; b = b->next, bi++) {
            char bname[32];
            snprintf(bname, sizeof bname, "buttons[%zu]", bi);
            struct vobj bv;
            v_init_nested(&bv, &gv, b, bname);
            const char *type = NULL, *label;
            const cJSON *value = NULL;
            bool timing = false;
            v_enum(&bv, "type", V_REQUIRED, c->type_names, &type);
            v_string(&bv, "label", 0, 1, 40, &label);
            bool has_value = v_object(&bv, "value", V_REQUIRED, &value);
            v_bool(&bv, "timing", 0, &timing);
            kinds_field(c, &bv, "for");
            const struct cat_type *t = type ? catalogue_type(c, type) : NULL;
            if (t && has_value)
                cat_value_check(&bv, t, value, true);
            if (t && timing && !t->timed)
                v_error(&bv, "timing", "is only for timed types");
            v_finish(&bv);
        }
        v_finish(&gv);
    }
}

/* "person_views": {"<kind>": {"since": [types], "day_totals": bool,
 * "charts": [names]}}: what the app's home screen ("time since" these
 * types, the infant day totals) and trends (these charts) show for each
 * kind of person. Only the app reads it; checked for shape and for types
 * that exist, so a typo stops the build here. */
static void parse_person_views(struct catalogue *c, struct vobj *v)
{
    const cJSON *views = NULL;
    if (!v_object(v, "person_views", 0, &views))
        return;
    for (const cJSON *k = views->child; k; k = k->next) {
        char name[64];
        snprintf(name, sizeof name, "person_views.%s", k->string);
        if (!catalogue_kind_bit(c, k->string)) {
            errorf(v, "person_views", "names %s, which is not one of person_kinds", k->string);
            continue;
        }
        struct vobj kv;
        v_init_nested(&kv, v, k, name);
        bool totals;
        const char **since = string_list_field(c, &kv, "since", V_REQUIRED, 6, true);
        string_list_field(c, &kv, "charts", V_REQUIRED, 16, true);
        v_bool(&kv, "day_totals", 0, &totals);
        for (size_t i = 0; since && since[i]; i++)
            if (!catalogue_type(c, since[i]))
                errorf(&kv, "since", "names %s, not a type", since[i]);
        v_finish(&kv);
    }
    for (const char **k = c->person_kinds; k && *k; k++)
        if (!cJSON_GetObjectItemCaseSensitive(views, *k))
            errorf(v, "person_views", "has nothing for %s", *k);
}

/* "custom_fields": {"<kind>": {"timed": true} | {"field": {catalogue field
 * without its key}, "units": {"<unit>": {"max": n, "step": n}}}}. A field
 * template is read as a field (under the key "sample") so a typo in it
 * stops the build here, not when a family first uses the kind. */
static void parse_custom_fields(struct catalogue *c, struct vobj *v)
{
    const cJSON *kinds = NULL;
    if (!v_object(v, "custom_fields", 0, &kinds))
        return;
    c->custom_fields = kinds;
    for (const cJSON *k = kinds->child; k; k = k->next) {
        char name[64];
        snprintf(name, sizeof name, "custom_fields.%s", k->string);
        if (!name_ok(k->string)) {
            errorf(v, "custom_fields", "has a bad name: %s", k->string);
            continue;
        }
        struct vobj kv;
        v_init_nested(&kv, v, k, name);
        bool timed = false;
        const cJSON *tmpl = NULL, *units = NULL;
        v_bool(&kv, "timed", 0, &timed);
        bool has_field = v_object(&kv, "field", 0, &tmpl);
        v_object(&kv, "units", 0, &units);
        if (timed == has_field)
            v_error(&kv, "field", "a kind is timed or has a field");
        cJSON *sample = has_field ? cJSON_Duplicate(tmpl, true) : NULL;
        if (sample && cJSON_AddStringToObject(sample, "key", "sample")) {
            struct cat_field f;
            memset(&f, 0, sizeof f);
            /* an enum's options come from the family: a sample stands in */
            const cJSON *kind = cJSON_GetObjectItemCaseSensitive(sample, "kind");
            if (cJSON_IsString(kind) && strcmp(kind->valuestring, "enum") == 0)
                cJSON_AddItemToObject(sample, "options",
                                      cJSON_CreateStringArray((const char *[]){"sample"}, 1));
            /* an amount's unit gives its bounds: the first stands in */
            const cJSON *u = units ? units->child : NULL;
            const cJSON *umax = cJSON_GetObjectItemCaseSensitive(u, "max");
            if (u && cJSON_IsNumber(umax) && !cJSON_HasObjectItem(sample, "max"))
                cJSON_AddNumberToObject(sample, "max", umax->valuedouble);
            parse_field(c, &kv, sample, 0, &f);
        } else if (has_field) {
            v_error(&kv, "field", "out of memory");
        }
        for (const cJSON *u = units ? units->child : NULL; u; u = u->next) {
            struct vobj uv;
            char uname[64];
            snprintf(uname, sizeof uname, "units.%s", u->string);
            v_init_nested(&uv, &kv, u, uname);
            double max, step;
            v_number(&uv, "max", V_REQUIRED, 1e-6, MAX_SAFE_INT, &max);
            v_number(&uv, "step", V_REQUIRED, 1e-6, 1e6, &step);
            v_finish(&uv);
        }
        v_finish(&kv);
        cJSON_Delete(sample);
    }
}

/* "key: message; key: message" from the collected errors. */
static void errors_text(const struct vobj *v, char *err, size_t errsz)
{
    size_t used = 0;
    err[0] = '\0';
    for (const cJSON *e = v->errors ? v->errors->child : NULL; e && used < errsz; e = e->next) {
        int n = snprintf(err + used, errsz - used, "%s%s: %s", used ? "; " : "", e->string,
                         e->valuestring);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

bool catalogue_parse(const char *text, size_t len, struct catalogue **out, char *err, size_t errsz)
{
    *out = NULL;
    struct catalogue *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errsz, "out of memory");
        return false;
    }
    c->root = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(c->root)) {
        snprintf(err, errsz, "not a JSON object");
        catalogue_free(c);
        return false;
    }
    struct vobj v;
    v_init(&v, c->root, NULL);
    const cJSON *comment;
    const char *def = NULL;
    v_array(&v, "$comment", 0, 1000, &comment);
    c->person_kinds = string_list_field(c, &v, "person_kinds", V_REQUIRED, MAX_KINDS, true);
    if (v_string(&v, "default_person_kind", V_REQUIRED, 1, 40, &def) &&
        !(c->default_kinds = catalogue_kind_bit(c, def)))
        v_error(&v, "default_person_kind", "must be one of person_kinds");
    c->colours = string_list_field(c, &v, "person_colours", V_REQUIRED, 64, false);
    for (size_t i = 0; c->colours && c->colours[i]; i++, c->ncolours++) {
        const char *s = c->colours[i];
        if (strlen(s) != 7 || s[0] != '#' || strspn(s + 1, "0123456789abcdef") != 6)
            errorf(&v, "person_colours", "holds %s, not a colour as #rrggbb (lower case)", s);
    }
    parse_types(c, &v);
    if (v_ok(&v)) { /* buttons are checked with the types' rules: only when those are sound */
        parse_groups(c, &v);
        parse_person_views(c, &v);
        parse_custom_fields(c, &v);
    } else {
        v_is_null(&v, "custom_fields");
        v_is_null(&v, "button_groups");
        v_is_null(&v, "person_views");
    }
    if (!v_finish(&v)) {
        errors_text(&v, err, errsz);
        v_free(&v);
        catalogue_free(c);
        return false;
    }
    v_free(&v);
    *out = c;
    return true;
}

/* ---------- the embedded catalogue ---------- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static struct catalogue *global;
static char global_err[512];

static void global_load(void)
{
    catalogue_parse((const char *)catalogue_json, catalogue_json_len, &global, global_err,
                    sizeof global_err);
}

bool catalogue_init(char *err, size_t errsz)
{
    if (pthread_once(&global_once, global_load) != 0) {
        snprintf(err, errsz, "catalogue: pthread_once failed");
        return false;
    }
    if (!global)
        snprintf(err, errsz, "catalogue/entries.json: %s", global_err);
    return global != NULL;
}

const struct catalogue *catalogue(void)
{
    char err[600];
    if (!catalogue_init(err, sizeof err)) {
        /* Only a build from a broken file gets here, and programs stop at
         * start before: tools and tests must not run on other rules. */
        fprintf(stderr, "carelog: %s\n", err);
        abort();
    }
    return global;
}

const struct cat_type *catalogue_type(const struct catalogue *c, const char *name)
{
    for (size_t i = 0; name && i < c->ntypes; i++)
        if (strcmp(c->types[i].name, name) == 0)
            return &c->types[i];
    return NULL;
}

unsigned catalogue_kind_bit(const struct catalogue *c, const char *kind)
{
    for (unsigned i = 0; kind && c->person_kinds && c->person_kinds[i]; i++)
        if (strcmp(c->person_kinds[i], kind) == 0)
            return 1u << i;
    return 0;
}

/* ---------- values ---------- */

static bool field_check(struct vobj *v, const struct cat_field *f, bool preset)
{
    unsigned flags = (f->required && !preset) ? V_REQUIRED : 0;
    const char *s;
    int64_t i;
    double d;
    bool b;
    switch (f->kind) {
    case CAT_ENUM:
        return v_enum(v, f->key, flags, f->options, &s);
    case CAT_INT:
        return v_int(v, f->key, flags, (int64_t)f->min, (int64_t)f->max, &i);
    case CAT_NUMBER:
        return v_number(v, f->key, flags, f->min, f->max, &d);
    case CAT_BOOL:
        return v_bool(v, f->key, flags, &b);
    case CAT_TEXT:
        return v_string(v, f->key, flags, (size_t)f->min, (size_t)f->max, &s);
    case CAT_LONGTEXT:
        return v_string(v, f->key, flags | V_MULTILINE, (size_t)f->min, (size_t)f->max, &s);
    }
    return false;
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

/* The rules that span fields: a field given while its condition does not
 * hold, then the type's at_least_one and both_or_neither. */
static void cross_check(struct vobj *v, const struct cat_type *t, const cJSON *value)
{
    for (size_t i = 0; i < t->nfields; i++) {
        const struct cat_field *f = &t->fields[i];
        if (f->when_field && has(value, f->key) &&
            !in_list(text_of(value, f->when_field), f->when_values))
            v_error(v, f->key, f->when_message);
    }
    for (size_t i = 0; i < t->nrules; i++) {
        const struct cat_rule *r = &t->rules[i];
        size_t n = 0, given = 0;
        for (const char **k = r->fields; *k; k++, n++) {
            bool counts = r->test_true ? cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(value, *k))
                                       : has(value, *k);
            given += counts;
        }
        if (r->kind == CAT_AT_LEAST_ONE ? given == 0 : (given != 0 && given != n))
            v_error(v, r->field, r->message);
    }
}

void cat_value_check(struct vobj *parent, const struct cat_type *t, const cJSON *value, bool preset)
{
    struct vobj v;
    v_init_nested(&v, parent, value, "value");
    if (t) {
        for (size_t i = 0; i < t->nfields; i++)
            field_check(&v, &t->fields[i], preset);
        if (!preset && cJSON_IsObject(value))
            cross_check(&v, t, value);
    }
    v_finish(&v);
}

bool cat_is_running(const struct cat_type *t, const cJSON *value)
{
    if (!t || !t->timed)
        return false;
    return t->timer_always ||
           (t->timer_field && in_list(text_of(value, t->timer_field), t->timer_values));
}

cJSON *cat_value_normalise(const struct cat_type *t, const cJSON *value)
{
    cJSON *out = cJSON_CreateObject();
    for (size_t i = 0; out && i < t->nfields; i++) {
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(value, t->fields[i].key);
        if (!it || cJSON_IsNull(it))
            continue;
        cJSON *copy = cJSON_Duplicate(it, true);
        if (!copy || !cJSON_AddItemToObject(out, t->fields[i].key, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

bool cat_value_derive(const struct cat_type *t, cJSON *value, const struct tz *zone, int64_t ts)
{
    for (size_t i = 0; i < t->nfields; i++) {
        const struct cat_field *f = &t->fields[i];
        if (!f->by_hour || cJSON_GetObjectItemCaseSensitive(value, f->key))
            continue;
        struct civil c;
        tz_to_civil(zone, ts, &c);
        bool inside = f->hour_from <= f->hour_until
                          ? (c.hour >= f->hour_from && c.hour < f->hour_until)
                          : (c.hour >= f->hour_from || c.hour < f->hour_until);
        if (!cJSON_AddStringToObject(value, f->key, inside ? f->hour_inside : f->hour_outside))
            return false;
    }
    return true;
}

/* One default button as GET /config shows it; NULL when out of memory. */
static cJSON *default_button(const struct catalogue *c, const cJSON *b)
{
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(b, "label");
    const char *type = text_of(b, "type");
    cJSON *one = cJSON_CreateObject();
    if (!one ||
        (cJSON_IsString(label) && !cJSON_AddStringToObject(one, "label", label->valuestring)) ||
        !cJSON_AddStringToObject(one, "type", type)) {
        cJSON_Delete(one);
        return NULL;
    }
    cJSON *value =
        cat_value_normalise(catalogue_type(c, type), cJSON_GetObjectItemCaseSensitive(b, "value"));
    if (!value || !cJSON_AddItemToObject(one, "value", value)) {
        cJSON_Delete(value);
        cJSON_Delete(one);
        return NULL;
    }
    bool timing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "timing"));
    if (!cJSON_AddBoolToObject(one, "timing", timing)) {
        cJSON_Delete(one);
        return NULL;
    }
    return one;
}

/* The bits of a button's "for" list. */
static unsigned button_kinds(const struct catalogue *c, const cJSON *b)
{
    unsigned bits = 0;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(b, "for");
    for (const cJSON *k = list ? list->child : NULL; k; k = k->next)
        bits |= catalogue_kind_bit(c, cJSON_IsString(k) ? k->valuestring : NULL);
    return bits;
}

cJSON *catalogue_default_buttons(const struct catalogue *c, unsigned kinds)
{
    if (!kinds)
        kinds = c->default_kinds;
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *g = c->groups ? c->groups->child : NULL; out && g; g = g->next) {
        cJSON *group = cJSON_CreateObject();
        cJSON *list = cJSON_CreateArray();
        bool ok = group && list;
        const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(g, "buttons");
        for (const cJSON *b = buttons ? buttons->child : NULL; ok && b; b = b->next) {
            if (!(button_kinds(c, b) & kinds))
                continue;
            cJSON *one = default_button(c, b);
            ok = one && cJSON_AddItemToArray(list, one);
            if (!ok)
                cJSON_Delete(one);
        }
        if (ok && !list->child) { /* nothing for these people in this group */
            cJSON_Delete(list);
            cJSON_Delete(group);
            continue;
        }
        bool stateful = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "stateful"));
        ok = ok && cJSON_AddStringToObject(group, "category", text_of(g, "category")) &&
             cJSON_AddBoolToObject(group, "stateful", stateful);
        if (ok && cJSON_AddItemToObject(group, "buttons", list)) {
            list = NULL; /* the group owns it now */
            ok = cJSON_AddItemToArray(out, group);
        } else {
            ok = false;
        }
        if (!ok) {
            cJSON_Delete(list);
            cJSON_Delete(group);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

void catalogue_csv_heading(const struct cat_field *f, char *out, size_t outsz)
{
    size_t len = strlen(f->key), ulen = f->unit ? strlen(f->unit) : 0;
    /* "amount_ml" in ml is "amount (ml)"; "celsius" stays itself. */
    if (ulen && len > ulen + 1 && f->key[len - ulen - 1] == '_' &&
        strcmp(f->key + len - ulen, f->unit) == 0)
        len -= ulen + 1;
    if (!f->unit) {
        snprintf(out, outsz, "%s", f->key);
        return;
    }
    const char *sym = strcmp(f->unit, "celsius") == 0  ? "°C"
                      : strcmp(f->unit, "mmol_l") == 0 ? "mmol/L"
                                                       : f->unit;
    snprintf(out, outsz, "%.*s (%s)", (int)len, f->key, sym);
}
