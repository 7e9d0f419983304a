/* acttype.c — a family's activity types (see acttype.h): reading a
 * definition, writing it as a catalogue type, and the family's compiled
 * types cached on the connection. */
#include "data/acttype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framework/http.h"
#include "framework/log.h"
#include "util/util.h"

#define MAX_OPTIONS 20
#define MAX_NAMES   16
#define MAX_PEOPLE  20

/* Keys become catalogue names (JSON keys, i18n keys, CSS classes). */
static bool key_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || s[0] < 'a' || s[0] > 'z')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static const cJSON *custom_kind(const char *kind)
{
    const cJSON *kinds = catalogue()->custom_fields;
    return kind ? cJSON_GetObjectItemCaseSensitive(kinds, kind) : NULL;
}

static bool kind_is_timed(const char *kind)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(custom_kind(kind), "timed"));
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static const cJSON *field_by_key(const cJSON *fields, const char *key)
{
    for (const cJSON *f = fields ? fields->child : NULL; f && key; f = f->next) {
        const char *k = str_of(f, "key");
        if (k && strcmp(k, key) == 0)
            return f;
    }
    return NULL;
}

static bool has_timed(const cJSON *fields)
{
    for (const cJSON *f = fields ? fields->child : NULL; f; f = f->next)
        if (kind_is_timed(str_of(f, "kind")))
            return true;
    return false;
}

/* {"<lang>": "name"}: language tags ("en", "pt-BR") to 1-60 characters. */
static cJSON *read_names(struct vobj *v, unsigned flags)
{
    const cJSON *o = NULL;
    if (!v_object(v, "names", flags, &o))
        return NULL;
    int n = cJSON_GetArraySize(o);
    if (n < 1 || n > MAX_NAMES) {
        v_error(v, "names", "must give 1 to 16 names by language");
        return NULL;
    }
    struct vobj nv;
    v_init_nested(&nv, v, o, "names");
    cJSON *out = cJSON_CreateObject();
    for (const cJSON *it = o->child; it && out; it = it->next) {
        size_t len = strlen(it->string);
        bool tag =
            len >= 2 && len <= 8 && it->string[0] >= 'a' && it->string[0] <= 'z' &&
            strspn(it->string, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == len;
        const char *s = NULL;
        if (!tag) {
            v_error(&nv, it->string, "must be a language tag such as en or pt-BR");
            v_is_null(&nv, it->string);
        } else if (v_string(&nv, it->string, V_REQUIRED, 1, 60, &s) &&
                   !cJSON_AddStringToObject(out, it->string, s)) {
            cJSON_Delete(out);
            out = NULL;
        }
    }
    v_finish(&nv);
    return out;
}

/* An app icon name (a-z, 0-9, _) or one emoji (no ASCII at all). */
static void read_icon(struct vobj *v, unsigned flags, const char **icon)
{
    if (!v_string(v, "icon", flags, 1, 16, icon))
        return;
    bool emoji = true;
    for (const unsigned char *p = (const unsigned char *)*icon; *p; p++)
        emoji = emoji && *p >= 0x80;
    if (!key_ok(*icon, 40) && !(emoji && strlen(*icon) <= 32))
        v_error(v, "icon", "must be an icon name (a-z, 0-9, _) or one emoji");
}

static void read_colour(struct vobj *v, unsigned flags, const char **colour)
{
    if (!v_string(v, "colour", flags, 7, 7, colour))
        return;
    if ((*colour)[0] != '#' || strspn(*colour + 1, "0123456789abcdef") != 6)
        v_error(v, "colour", "must be a colour as #rrggbb (lower case)");
}

static cJSON *read_people(struct vobj *v, struct db *d, const char *fid)
{
    const cJSON *arr = NULL;
    if (!v_array(v, "subject_ids", 0, MAX_PEOPLE, &arr))
        return NULL;
    cJSON *out = cJSON_CreateArray();
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM subjects WHERE id = ? AND family_id = ? "
                                  "AND deleted_at IS NULL");
    for (const cJSON *it = arr->child; it && out; it = it->next) {
        bool seen = false;
        for (const cJSON *o = out->child; o && cJSON_IsString(it) && !seen; o = o->next)
            seen = strcmp(o->valuestring, it->valuestring) == 0;
        bool ok = cJSON_IsString(it) && uuid_is_valid(it->valuestring) && !seen && st;
        if (ok) {
            sqlite3_reset(st);
            ok = db_bind_text(st, 1, it->valuestring) && db_bind_text(st, 2, fid) &&
                 sqlite3_step(st) == SQLITE_ROW;
        }
        if (!ok) {
            v_error(v, "subject_ids", "must name people of this family, each once");
            break;
        }
        cJSON_AddItemToArray(out, cJSON_CreateString(it->valuestring));
    }
    if (st)
        sqlite3_reset(st);
    return out;
}

/* A choice's options: [{"key", "label"}], keys unique; kept in order. */
static cJSON *read_options(struct vobj *fv, const cJSON *old)
{
    const cJSON *arr = NULL;
    if (!v_array(fv, "options", V_REQUIRED, MAX_OPTIONS, &arr))
        return NULL;
    if (!arr->child) {
        v_error(fv, "options", "must have 1 to 20 options");
        return NULL;
    }
    cJSON *out = cJSON_CreateArray();
    int i = 0;
    for (const cJSON *o = arr->child; o && out; o = o->next, i++) {
        char name[32];
        snprintf(name, sizeof name, "options[%d]", i);
        struct vobj ov;
        v_init_nested(&ov, fv, o, name);
        const char *key = NULL, *label = NULL;
        if (v_string(&ov, "key", V_REQUIRED, 1, 30, &key) && !key_ok(key, 30))
            v_error(&ov, "key", "must be a name (a-z, 0-9, _)");
        v_string(&ov, "label", 0, 1, 60, &label);
        for (const cJSON *p = out->child; key && p; p = p->next)
            if (strcmp(str_of(p, "key"), key) == 0)
                v_error(&ov, "key", "repeats another option's key");
        if (v_finish(&ov) && key) {
            cJSON *one = cJSON_CreateObject();
            cJSON_AddStringToObject(one, "key", key);
            if (label)
                cJSON_AddStringToObject(one, "label", label);
            cJSON_AddItemToArray(out, one);
        }
    }
    /* compatible by construction: an option once offered stays */
    for (const cJSON *p = old ? old->child : NULL; p && out; p = p->next) {
        bool kept = false;
        for (const cJSON *q = out->child; q && !kept; q = q->next)
            kept = strcmp(str_of(q, "key"), str_of(p, "key")) == 0;
        if (!kept) {
            char msg[96];
            snprintf(msg, sizeof msg, "must keep the option %.30s (entries may hold it)",
                     str_of(p, "key"));
            v_error(fv, "options", msg);
        }
    }
    return out;
}

/* One field: {key, kind, label?, unit? (amount), options? (choice),
 * archived?}, checked against the stored field of the same key. */
static cJSON *read_field(struct vobj *v, const cJSON *item, int i, const cJSON *old_fields)
{
    const char *kinds[16] = {0}; /* the catalogue's custom_fields */
    int nkinds = 0;
    for (const cJSON *k = catalogue()->custom_fields ? catalogue()->custom_fields->child : NULL;
         k && nkinds < 15; k = k->next)
        kinds[nkinds++] = k->string;
    char name[32];
    snprintf(name, sizeof name, "fields[%d]", i);
    struct vobj fv;
    v_init_nested(&fv, v, item, name);
    const char *key = NULL, *kind = NULL, *label = NULL, *unit = NULL;
    bool archived = false;
    if (v_string(&fv, "key", V_REQUIRED, 1, 30, &key) && !key_ok(key, 30))
        v_error(&fv, "key", "must be a name (a-z, 0-9, _)");
    v_enum(&fv, "kind", V_REQUIRED, kinds, &kind);
    v_string(&fv, "label", 0, 1, 60, &label);
    v_bool(&fv, "archived", 0, &archived);
    const cJSON *tmpl = custom_kind(kind);
    const cJSON *units = cJSON_GetObjectItemCaseSensitive(tmpl, "units");
    if (units) {
        const char *names[16];
        int n = 0;
        for (const cJSON *u = units->child; u && n < 15; u = u->next)
            names[n++] = u->string;
        names[n] = NULL;
        v_enum(&fv, "unit", V_REQUIRED, names, &unit);
    }
    const cJSON *old = key ? field_by_key(old_fields, key) : NULL;
    cJSON *options = NULL;
    if (kind && strcmp(kind, "choice") == 0)
        options = read_options(&fv, cJSON_GetObjectItemCaseSensitive(old, "options"));
    if (old && kind && strcmp(str_of(old, "kind"), kind) != 0)
        v_error(&fv, "kind", "cannot change once made (entries hold the field): add a new field");
    else if (old && unit && str_of(old, "unit") && strcmp(str_of(old, "unit"), unit) != 0)
        v_error(&fv, "unit", "cannot change once made (entries hold amounts in it)");
    cJSON *out = NULL;
    if (v_finish(&fv) && key && kind) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "key", key);
        cJSON_AddStringToObject(out, "kind", kind);
        if (label)
            cJSON_AddStringToObject(out, "label", label);
        if (unit)
            cJSON_AddStringToObject(out, "unit", unit);
        if (options) {
            cJSON_AddItemToObject(out, "options", options);
            options = NULL;
        }
        if (archived)
            cJSON_AddTrueToObject(out, "archived");
    }
    cJSON_Delete(options);
    return out;
}

static cJSON *read_fields(struct vobj *v, unsigned flags, const cJSON *old_fields)
{
    const cJSON *arr = NULL;
    if (!v_array(v, "fields", flags, ACTTYPE_MAX_FIELDS, &arr))
        return NULL;
    cJSON *out = cJSON_CreateArray();
    int i = 0, timed = 0;
    for (const cJSON *f = arr->child; f && out; f = f->next, i++) {
        cJSON *one = read_field(v, f, i, old_fields);
        if (!one)
            continue;
        const char *key = str_of(one, "key");
        if (field_by_key(out, key)) {
            char name[32];
            snprintf(name, sizeof name, "fields[%d].key", i);
            v_error(v, name, "repeats another field's key");
        }
        timed += kind_is_timed(str_of(one, "kind"));
        cJSON_AddItemToArray(out, one);
    }
    if (timed > 1)
        v_error(v, "fields", "may have one duration");
    for (const cJSON *f = old_fields ? old_fields->child : NULL; f && v_ok(v); f = f->next) {
        if (!field_by_key(out, str_of(f, "key"))) {
            char msg[128];
            snprintf(msg, sizeof msg, "must keep the field %.30s (archive it instead)",
                     str_of(f, "key"));
            v_error(v, "fields", msg);
        }
    }
    if (old_fields && v_ok(v) && has_timed(old_fields) != has_timed(out))
        v_error(v, "fields", "a duration is fixed when the type is made");
    return out;
}

void acttype_read(struct vobj *v, struct db *d, const char *fid, const cJSON *old_fields,
                  struct acttype_in *in)
{
    memset(in, 0, sizeof *in);
    unsigned req = old_fields ? 0 : V_REQUIRED;
    if (!old_fields && v_string(v, "key", V_REQUIRED, 1, 30, &in->key) && !key_ok(in->key, 30))
        v_error(v, "key", "must be a name (a-z, 0-9, _), starting with a letter");
    in->names = read_names(v, req);
    read_icon(v, 0, &in->icon);
    read_colour(v, 0, &in->colour);
    in->subject_ids = read_people(v, d, fid);
    in->fields = read_fields(v, req, old_fields);
    in->has_archived = v_bool(v, "archived", 0, &in->archived);
    v_is_null(v, "id"); /* echoes of what GET shows */
    v_is_null(v, "type");
    v_is_null(v, "version");
    v_is_null(v, "seq");
    v_is_null(v, "catalogue");
    v_is_null(v, "created_at");
    v_is_null(v, "updated_at");
    v_is_null(v, "used");
    if (v_ok(v) && in->fields) { /* the catalogue's parser has the last word */
        cJSON *types = cJSON_CreateObject();
        cJSON *t = acttype_catalogue_type(in->icon ? in->icon : "x", in->fields);
        struct catalogue *c = NULL;
        char err[300] = "out of memory";
        if (types && t && cJSON_AddItemToObject(types, in->key ? in->key : "t", t))
            t = NULL;
        if (!t)
            acttype_compile(types, &c, err, sizeof err);
        if (!c)
            v_error(v, "fields", err);
        catalogue_free(c);
        cJSON_Delete(t);
        cJSON_Delete(types);
    }
}

void acttype_in_free(struct acttype_in *in)
{
    cJSON_Delete(in->names);
    cJSON_Delete(in->subject_ids);
    cJSON_Delete(in->fields);
    memset(in, 0, sizeof *in);
}

/* ---------- as a catalogue type ---------- */

static cJSON *catalogue_field(const cJSON *f)
{
    const char *kind = str_of(f, "kind");
    const cJSON *tmpl = custom_kind(kind);
    cJSON *out = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(tmpl, "field"), true);
    if (!out || !cJSON_AddStringToObject(out, "key", str_of(f, "key"))) {
        cJSON_Delete(out);
        return NULL;
    }
    const char *unit = str_of(f, "unit");
    const cJSON *u = unit ? cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetObjectItemCaseSensitive(tmpl, "units"), unit)
                          : NULL;
    if (u) { /* the unit's bounds over the template's */
        cJSON_DeleteItemFromObjectCaseSensitive(out, "max");
        cJSON_DeleteItemFromObjectCaseSensitive(out, "step");
        cJSON_AddStringToObject(out, "unit", unit);
        cJSON_AddNumberToObject(out, "max",
                                cJSON_GetObjectItemCaseSensitive(u, "max")->valuedouble);
        cJSON_AddNumberToObject(out, "step",
                                cJSON_GetObjectItemCaseSensitive(u, "step")->valuedouble);
    }
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(f, "options");
    if (options) {
        cJSON *keys = cJSON_AddArrayToObject(out, "options");
        for (const cJSON *o = options->child; keys && o; o = o->next)
            cJSON_AddItemToArray(keys, cJSON_CreateString(str_of(o, "key")));
    }
    return out;
}

cJSON *acttype_catalogue_type(const char *icon, const cJSON *fields)
{
    const struct catalogue *c = catalogue();
    int nkinds = 0;
    while (c->person_kinds[nkinds])
        nkinds++;
    cJSON *t = cJSON_CreateObject();
    cJSON *list = cJSON_CreateArray();
    cJSON *kinds = cJSON_CreateStringArray(c->person_kinds, nkinds);
    bool ok = t && list && kinds && cJSON_AddStringToObject(t, "icon", icon) &&
              cJSON_AddItemToObject(t, "for", kinds);
    if (!ok)
        cJSON_Delete(kinds);
    if (ok && has_timed(fields))
        ok = cJSON_AddTrueToObject(t, "timed") && cJSON_AddTrueToObject(t, "timer");
    for (const cJSON *f = fields ? fields->child : NULL; ok && f; f = f->next) {
        if (kind_is_timed(str_of(f, "kind")))
            continue; /* the entry's start and end, not a value field */
        cJSON *one = catalogue_field(f);
        ok = one && cJSON_AddItemToArray(list, one);
        if (!ok)
            cJSON_Delete(one);
    }
    if (!ok || !cJSON_AddItemToObject(t, "fields", list)) {
        if (!ok)
            cJSON_Delete(list);
        cJSON_Delete(t);
        return NULL;
    }
    return t;
}

/* A stored JSON column, parsed (an empty one of `fallback`'s kind if bad). */
static cJSON *json_col(sqlite3_stmt *st, int col, bool array)
{
    cJSON *v = cJSON_Parse(db_col_text(st, col));
    if (array ? cJSON_IsArray(v) : cJSON_IsObject(v))
        return v;
    cJSON_Delete(v);
    return array ? cJSON_CreateArray() : cJSON_CreateObject();
}

cJSON *acttype_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    const char *key = db_col_text(st, 1);
    char type[64];
    snprintf(type, sizeof type, "%s%s", ACTTYPE_PREFIX, key);
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "key", key);
    cJSON_AddItemToObject(o, "names", json_col(st, 2, false));
    cJSON_AddStringToObject(o, "icon", db_col_text(st, 3));
    cJSON_AddStringToObject(o, "colour", db_col_text(st, 4));
    cJSON_AddItemToObject(o, "subject_ids", json_col(st, 5, true));
    cJSON *fields = json_col(st, 6, true);
    cJSON *cat = acttype_catalogue_type(db_col_text(st, 3), fields);
    cJSON_AddItemToObject(o, "fields", fields);
    json_add_int64(o, "version", sqlite3_column_int64(st, 7));
    cJSON_AddBoolToObject(o, "archived", sqlite3_column_int(st, 8) == 1);
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 9));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 10));
    json_add_int64(o, "seq", sqlite3_column_int64(st, 11));
    cJSON_AddItemToObject(o, "catalogue", cat ? cat : cJSON_CreateNull());
    return o;
}

/* ---------- the family's types on the connection ---------- */

static void family_types_free(void *p)
{
    struct family_types *ft = p;
    if (!ft)
        return;
    catalogue_free(ft->cat);
    if (ft->names) {
        for (size_t i = catalogue()->ntypes; ft->names[i]; i++)
            free((char *)ft->names[i]);
        free(ft->names);
    }
    free(ft);
}

bool acttype_compile(const cJSON *types, struct catalogue **out, char *err, size_t errsz)
{
    const cJSON *root = catalogue()->root;
    cJSON *doc = cJSON_CreateObject();
    bool ok = doc && types;
    static const char *const copied[] = {"person_kinds", "default_person_kind", "person_colours"};
    for (size_t i = 0; ok && i < sizeof copied / sizeof *copied; i++) {
        cJSON *it = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(root, copied[i]), true);
        ok = it && cJSON_AddItemToObject(doc, copied[i], it);
        if (!ok)
            cJSON_Delete(it);
    }
    ok = ok && cJSON_AddItemReferenceToObject(doc, "types", (cJSON *)types) &&
         cJSON_AddArrayToObject(doc, "button_groups");
    char *text = ok ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    *out = NULL;
    if (!text) {
        snprintf(err, errsz, "out of memory");
        return false;
    }
    ok = catalogue_parse(text, strlen(text), out, err, errsz);
    free(text);
    return ok;
}

static struct family_types *family_types_load(struct db *d, const char *fid, int64_t max_seq,
                                              int64_t count)
{
    const struct catalogue *builtin = catalogue();
    struct family_types *ft = calloc(1, sizeof *ft);
    if (!ft)
        return NULL;
    snprintf(ft->fid, sizeof ft->fid, "%s", fid);
    ft->max_seq = max_seq;
    ft->count = count;
    ft->names = calloc(builtin->ntypes + (size_t)count + 1, sizeof *ft->names);
    cJSON *types = cJSON_CreateObject();
    if (!ft->names || !types)
        goto fail;
    memcpy(ft->names, builtin->type_names, builtin->ntypes * sizeof *ft->names);
    size_t n = builtin->ntypes;
    sqlite3_stmt *st = db_stmt(d, "SELECT key, icon, fields FROM activity_types "
                                  "WHERE family_id = ? ORDER BY created_at, key");
    if (!st || !db_bind_text(st, 1, fid))
        goto fail;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < builtin->ntypes + (size_t)count) {
        const char *key = db_col_text(st, 0);
        cJSON *fields = cJSON_Parse(db_col_text(st, 2));
        cJSON *t = acttype_catalogue_type(db_col_text(st, 1), fields);
        cJSON_Delete(fields);
        char *name = malloc(strlen(key) + sizeof ACTTYPE_PREFIX);
        if (!t || !name || !cJSON_AddItemToObject(types, key, t)) {
            cJSON_Delete(t);
            free(name);
            sqlite3_reset(st);
            goto fail;
        }
        sprintf(name, "%s%s", ACTTYPE_PREFIX, key);
        ft->names[n++] = name;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        goto fail;
    char err[300];
    if (types->child && !acttype_compile(types, &ft->cat, err, sizeof err)) {
        log_event("error", "activity_types_compile", err);
        goto fail;
    }
    cJSON_Delete(types);
    return ft;
fail:
    cJSON_Delete(types);
    family_types_free(ft);
    return NULL;
}

const struct family_types *family_types(struct db *d, const char *fid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(max(seq), 0), count(*) FROM activity_types "
                                  "WHERE family_id = ?");
    if (!st || !db_bind_text(st, 1, fid) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        return NULL;
    }
    int64_t max_seq = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    struct family_types *ft = d->ext;
    if (ft && strcmp(ft->fid, fid) == 0 && ft->max_seq == max_seq && ft->count == count)
        return ft;
    family_types_free(ft);
    d->ext = NULL;
    ft = family_types_load(d, fid, max_seq, count);
    d->ext = ft;
    d->ext_free = family_types_free;
    return ft;
}

const struct cat_type *family_type(const struct family_types *ft, const char *name)
{
    const struct cat_type *t = catalogue_type(catalogue(), name);
    if (t || !ft || !ft->cat || !name)
        return t;
    size_t plen = strlen(ACTTYPE_PREFIX);
    if (strncmp(name, ACTTYPE_PREFIX, plen) != 0)
        return NULL;
    return catalogue_type(ft->cat, name + plen);
}
