/* imports.c — bringing a family's history in: Baby Buddy's per-model CSV
 * exports (child.csv, feeding.csv, sleep.csv, diaperchange.csv, pumping,
 * tummytime, temperature, weight, height, headcircumference, note,
 * medication) and carelog's own export (CSV or JSON). Every row becomes an
 * ordinary entry through the one validator (data/entrywrite.h), with an id
 * made from the source row, so importing the same files again adds nothing.
 * All of it is one transaction; a bad row is reported with its file and
 * line and skipped; a dry run does the same work and rolls it back, which is
 * the preview. Baby Buddy's words and units are mapped in data/babybuddy.c.
 * The body is one file (CSV or JSON), a JSON object of several files, or a
 * zip of them (util/zip.c), which may inflate to at most the import limit. */
#include "carelog.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "data/audit.h"
#include "data/babybuddy.h"
#include "data/acttype.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/entrywrite.h"
#include "data/tz.h"
#include "util/csv.h"
#include "util/zip.h"

static void import_post(struct request *r);

static const struct route routes[] = {
    /* The body is CSV, JSON or a zip: the handler reads it, up to
     * CARELOG_MAX_IMPORT, and runs its own transaction (a dry run rolls it
     * back). It streams: asked for, progress lines go out as rows are read. */
    {"POST", "/api/v1/families/{fid}/import", import_post, ACCESS_CAREGIVER, ROUTE_STREAMS},
};

#define MAX_WARNINGS 500
#define MAX_PREVIEW  5
#define MAX_COLUMNS  200 /* the export: a column per field, the family's types too */
#define MAX_FILES    20
#define MAX_PEOPLE   64

enum bb_model {
    BB_UNKNOWN,
    BB_CHILD,
    BB_FEEDING,
    BB_SLEEP,
    BB_DIAPER,
    BB_PUMPING,
    BB_TUMMY,
    BB_TEMPERATURE,
    BB_WEIGHT,
    BB_HEIGHT,
    BB_HEAD,
    BB_NOTE,
    BB_MEDICATION,
    BB_NO_HOME, /* bmi, tags: nothing in carelog to hold them */
};

/* How each Baby Buddy model is mapped: said once per file in the answer. */
static const struct {
    const char *name; /* the file name's model, as Baby Buddy names it */
    enum bb_model model;
    const char *mapping;
} bb_models[] = {
    {"child", BB_CHILD,
     "child → a person (kind baby): first_name + last_name → name, birth_date → birth date"},
    {"children", BB_CHILD, NULL},
    {"feeding", BB_FEEDING,
     "feeding → feed: left/right/both breasts → breast_left/right/both; bottle → bottle with milk "
     "breast_milk (breast milk, fortified breast milk) or formula; solid food → solids; amount → "
     "amount_ml for bottles and solids (else kept in notes); 'fortified', 'parent fed', 'self "
     "fed' kept in notes"},
    {"feedings", BB_FEEDING, NULL},
    {"sleep", BB_SLEEP,
     "sleep → sleep: nap true → nap, false → night (absent: by the hour it starts)"},
    {"diaperchange", BB_DIAPER,
     "diaperchange → diaper: wet → wet, solid → dirty, color → colour; amount kept in notes"},
    {"diaperchanges", BB_DIAPER, NULL},
    {"changes", BB_DIAPER, NULL},
    {"pumping", BB_PUMPING,
     "pumping → pump: side both (Baby Buddy records none); amount → amount_ml"},
    {"tummytime", BB_TUMMY,
     "tummytime → tummy_time: milestone → milestone (over 100 characters: kept in notes)"},
    {"tummytimes", BB_TUMMY, NULL},
    {"temperature", BB_TEMPERATURE,
     "temperature → temperature: celsius (readings above 50, or units=imperial, read as °F and "
     "converted)"},
    {"weight", BB_WEIGHT, "weight → growth weight_g (kg × 1000, or lb with units=imperial)"},
    {"height", BB_HEIGHT, "height → growth length_cm (cm, or inches with units=imperial)"},
    {"headcircumference", BB_HEAD,
     "headcircumference → growth head_cm (cm, or inches with units=imperial)"},
    {"note", BB_NOTE, "note → note: note → text"},
    {"notes", BB_NOTE, NULL},
    {"medication", BB_MEDICATION,
     "medication → medication: name, dosage → dose, dosage_unit → unit"},
    {"bmi", BB_NO_HOME, NULL},
    {"tag", BB_NO_HOME, NULL},
    {"tags", BB_NO_HOME, NULL},
};

struct person {
    char key[80]; /* the source's name for them */
    char id[37];
};

struct importer {
    struct request *r;
    struct db *d;
    const char *fid;
    const char *author;
    const struct tz *zone;
    bool imperial;
    const char *source;
    char fallback[37]; /* where rows of an unknown person go ("" when nowhere) */
    int imported, updated, duplicates, invalid, people, tombstones;
    cJSON *by_type, *warnings, *mapping, *preview;
    int nwarnings;
    struct person people_seen[MAX_PEOPLE];
    int npeople;
    int colour_next;
    /* Progress, for a client that asked for it (Accept: application/x-ndjson):
     * bytes of the body read so far, out of total. */
    bool progress;
    size_t total, before, file_len;
    int64_t last_tick;
};

/* A line {"progress": {"file", "done", "total"}} at most every 200 ms, so
 * a 100,000-row file shows its bar moving and a small one costs nothing. */
static void tick(struct importer *im, const char *file, size_t at_in_file)
{
    int64_t now = mono_us();
    if (!im->progress || now - im->last_tick < 200000)
        return;
    im->last_tick = now;
    char line[200];
    cJSON *name = cJSON_CreateString(file);
    char *quoted = name ? cJSON_PrintUnformatted(name) : NULL;
    int n = snprintf(line, sizeof line, "{\"progress\":{\"file\":%s,\"done\":%zu,\"total\":%zu}}\n",
                     quoted && strlen(quoted) < 120 ? quoted : "\"\"", im->before + at_in_file,
                     im->total);
    cJSON_free(quoted);
    cJSON_Delete(name);
    if (n > 0 && (size_t)n < sizeof line)
        (void)(resp_write(im->r, line, (size_t)n) && resp_flush(im->r));
}

/* ---------- reporting ---------- */

static void warn(struct importer *im, const char *file, int line, bool skipped, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
static void warn(struct importer *im, const char *file, int line, bool skipped, const char *fmt,
                 ...)
{
    if (skipped)
        im->invalid++;
    if (im->nwarnings++ >= MAX_WARNINGS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *w = cJSON_CreateObject();
    cJSON_AddStringToObject(w, "file", file);
    cJSON_AddNumberToObject(w, "line", line);
    cJSON_AddStringToObject(w, "message", msg);
    cJSON_AddBoolToObject(w, "skipped", skipped);
    cJSON_AddItemToArray(im->warnings, w);
}

static void mapping_note(struct importer *im, const char *text)
{
    for (const cJSON *m = im->mapping->child; m; m = m->next)
        if (strcmp(m->valuestring, text) == 0)
            return;
    cJSON_AddItemToArray(im->mapping, cJSON_CreateString(text));
}

/* "value.amount_ml must be between 1 and 1000; ts is required" */
static void errors_text(const cJSON *errors, char *out, size_t outsz)
{
    size_t used = 0;
    out[0] = '\0';
    for (const cJSON *e = errors ? errors->child : NULL; e && used < outsz; e = e->next)
        used += (size_t)snprintf(out + used, outsz - used, "%s%s %s", used ? "; " : "", e->string,
                                 cJSON_IsString(e) ? e->valuestring : "is not valid");
}

/* ---------- ids made from the source row ---------- */

/* A UUID (version 8: made by us, from a hash) of the family and a key that
 * names the source row: the same row gives the same id in the same family. */
static void derived_id(const char *fid, const char *key, char out[37])
{
    unsigned char h[16];
    crypto_generichash_state s;
    crypto_generichash_init(&s, (const unsigned char *)"carelog-import", 14, sizeof h);
    crypto_generichash_update(&s, (const unsigned char *)fid, strlen(fid));
    crypto_generichash_update(&s, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&s, (const unsigned char *)key, strlen(key));
    crypto_generichash_final(&s, h, sizeof h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
}

/* ---------- people ---------- */

static bool person_insert(struct importer *im, const char *id, const char *name,
                          const char *birth_date)
{
    const struct catalogue *cat = catalogue();
    if (im->colour_next < 0) {
        sqlite3_stmt *c = db_stmt(im->d, "SELECT count(*) FROM subjects WHERE family_id = ?");
        im->colour_next = (c && db_bind_text(c, 1, im->fid) && sqlite3_step(c) == SQLITE_ROW)
                              ? sqlite3_column_int(c, 0)
                              : 0;
        if (c)
            sqlite3_reset(c);
    }
    const char *colour = cat->colours[(size_t)im->colour_next++ % cat->ncolours];
    const char *kind = cat->person_kinds[0];
    for (const char *const *k = cat->person_kinds; *k; k++)
        if (catalogue_kind_bit(cat, *k) == cat->default_kinds)
            kind = *k;
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(im->d, "INSERT INTO subjects (id, family_id, name, kind, "
                                      "birth_date, colour, created_at, updated_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, id) && db_bind_text(st, 2, im->fid) &&
              db_bind_text(st, 3, name) && db_bind_text(st, 4, kind) &&
              db_bind_text(st, 5, birth_date) && db_bind_text(st, 6, colour) &&
              db_bind_int64(st, 7, now) && db_bind_int64(st, 8, now) && db_step_done(im->d, st);
    if (ok)
        im->people++;
    return ok;
}

/* The person a source names (Baby Buddy's child id, or a carelog export's
 * person name), made once per import: their id is derived from the key, so
 * a second import finds them again. Returns false when nobody fits. */
static bool person_of(struct importer *im, const char *key, char out[37])
{
    for (int i = 0; i < im->npeople; i++)
        if (strcmp(im->people_seen[i].key, key) == 0) {
            snprintf(out, 37, "%s", im->people_seen[i].id);
            return out[0] != '\0';
        }
    char id[37];
    derived_id(im->fid, key, id);
    bool found = subject_in_family(im->d, im->fid, id);
    if (!found && im->fallback[0]) {
        snprintf(id, sizeof id, "%s", im->fallback);
        found = true;
    }
    if (im->npeople < MAX_PEOPLE) {
        struct person *p = &im->people_seen[im->npeople++];
        snprintf(p->key, sizeof p->key, "%s", key);
        snprintf(p->id, sizeof p->id, "%s", found ? id : "");
    }
    if (found)
        snprintf(out, 37, "%s", id);
    return found;
}

static void person_remember(struct importer *im, const char *key, const char *id)
{
    for (int i = 0; i < im->npeople; i++)
        if (strcmp(im->people_seen[i].key, key) == 0) {
            snprintf(im->people_seen[i].id, sizeof im->people_seen[i].id, "%s", id);
            return;
        }
    if (im->npeople < MAX_PEOPLE) {
        struct person *p = &im->people_seen[im->npeople++];
        snprintf(p->key, sizeof p->key, "%s", key);
        snprintf(p->id, sizeof p->id, "%s", id);
    }
}

/* ---------- one entry, through the validator ---------- */

/* Writes one entry (or, in a dry run, the same, later rolled back). `value`
 * is taken; `notes` (may be empty) go to its notes field (a note's text). */
static void emit(struct importer *im, const char *file, int line, const char *id,
                 const char *subject, const char *type, int64_t ts, bool has_end, int64_t end_ts,
                 cJSON *value, const struct buf *notes, int64_t created_at, int64_t updated_at)
{
    if (notes && notes->len) {
        const char *key = strcmp(type, "note") == 0 ? "text" : "notes";
        const cJSON *had = cJSON_GetObjectItemCaseSensitive(value, key);
        struct buf all;
        buf_init(&all, 1 << 20);
        if (cJSON_IsString(had) && had->valuestring[0]) {
            buf_puts(&all, had->valuestring);
            buf_puts(&all, "\n");
        }
        buf_append(&all, notes->p, notes->len);
        cJSON_DeleteItemFromObjectCaseSensitive(value, key);
        cJSON_AddStringToObject(value, key, all.p ? all.p : "");
        buf_free(&all);
    }
    /* Epoch ms are below 2^53: exact as JSON numbers. */
    cJSON *parsed = cJSON_CreateObject();
    cJSON_AddStringToObject(parsed, "id", id);
    cJSON_AddStringToObject(parsed, "subject_id", subject);
    cJSON_AddStringToObject(parsed, "type", type);
    cJSON_AddNumberToObject(parsed, "ts", (double)ts);
    if (has_end)
        cJSON_AddNumberToObject(parsed, "end_ts", (double)end_ts);
    cJSON_AddItemToObject(parsed, "value", value);
    cJSON_AddNumberToObject(parsed, "created_at", (double)(created_at ? created_at : ts));
    cJSON_AddNumberToObject(parsed, "updated_at", (double)(updated_at ? updated_at : ts));
    struct vobj v;
    struct entry_in e;
    v_init(&v, parsed, NULL);
    entry_read(&v, im->r, NULL, &e);
    if (!v_finish(&v)) {
        cJSON *errors = v_take_errors(&v);
        char msg[400];
        errors_text(errors, msg, sizeof msg);
        cJSON_Delete(errors);
        warn(im, file, line, true, "%s", msg);
        v_free(&v);
        cJSON_Delete(e.value);
        cJSON_Delete(parsed);
        return;
    }
    v_free(&v);
    enum apply_result res = APPLY_ERROR;
    if (e.value) {
        sqlite3_exec(im->d->h, "SAVEPOINT row", NULL, NULL, NULL);
        res = entry_apply(im->d, im->fid, im->author, &e);
        sqlite3_exec(im->d->h,
                     res == APPLY_CREATED || res == APPLY_UPDATED ? "RELEASE row"
                                                                  : "ROLLBACK TO row; RELEASE row",
                     NULL, NULL, NULL);
    }
    switch (res) {
    case APPLY_CREATED:
    case APPLY_UPDATED: {
        if (res == APPLY_CREATED)
            im->imported++;
        else
            im->updated++;
        cJSON *n = cJSON_GetObjectItemCaseSensitive(im->by_type, type);
        if (n)
            cJSON_SetNumberValue(n, n->valuedouble + 1);
        else
            cJSON_AddNumberToObject(im->by_type, type, 1);
        if (cJSON_GetArraySize(im->preview) < MAX_PREVIEW) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "file", file);
            cJSON_AddNumberToObject(p, "line", line);
            cJSON_AddStringToObject(p, "id", e.id);
            cJSON_AddStringToObject(p, "subject_id", e.subject_id);
            cJSON_AddStringToObject(p, "type", e.type);
            json_add_int64(p, "ts", e.ts);
            if (e.has_end)
                json_add_int64(p, "end_ts", e.end_ts);
            cJSON_AddItemToObject(p, "value", cJSON_Duplicate(e.value, true));
            cJSON_AddItemToArray(im->preview, p);
        }
        break;
    }
    case APPLY_SAME:
    case APPLY_STALE:
        im->duplicates++;
        break;
    case APPLY_NOT_FOUND:
        warn(im, file, line, true, "id %s belongs to another family", e.id);
        break;
    case APPLY_SLEEP_RUNNING:
        warn(im, file, line, true, "a sleep without an end is already running for this person");
        break;
    default:
        warn(im, file, line, true, "the entry could not be stored");
        break;
    }
    cJSON_Delete(e.value);
    cJSON_Delete(parsed);
}

/* ---------- CSV files with a header ---------- */

struct table {
    char *names[MAX_COLUMNS];
    int ncols;
    char **f; /* the current row */
    int n;
};

static const char *col(const struct table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0)
            return i < t->n ? t->f[i] : "";
    return "";
}

static bool has_col(const struct table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0)
            return true;
    return false;
}

/* A number cell: false when present but not a number. *present says whether
 * it was there at all (empty cells are absent). */
static bool number_cell(const char *s, double *out, bool *present)
{
    *present = false;
    while (*s == ' ')
        s++;
    if (!*s)
        return true;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || !isfinite(v))
        return false;
    *out = v;
    *present = true;
    return true;
}

/* The key naming a Baby Buddy row: its id when the export has one, else
 * the whole row (a re-export lists rows in another order). */
static void bb_row_key(const char *model, const struct table *t, struct buf *key)
{
    buf_reset(key);
    const char *id = col(t, "id");
    if (*id) {
        buf_printf(key, "babybuddy|%s|id|%s", model, id);
        return;
    }
    buf_printf(key, "babybuddy|%s|row", model);
    for (int i = 0; i < t->n; i++) {
        buf_puts(key, "\x1f");
        buf_puts(key, t->f[i]);
    }
}

static bool bb_time(struct importer *im, const char *file, int line, const char *what,
                    const char *s, int64_t *ms)
{
    const char *note = NULL;
    if (!*s) {
        warn(im, file, line, true, "%s is required", what);
        return false;
    }
    if (!bb_time_parse(s, im->zone, ms, &note)) {
        warn(im, file, line, true, "%s \"%.40s\" is not a date and time (YYYY-MM-DD HH:MM:SS)",
             what, s);
        return false;
    }
    if (note)
        warn(im, file, line, false, "%s %s: %s", what, s, note);
    return true;
}

static void notes_add(struct buf *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void notes_add(struct buf *notes, const char *fmt, ...)
{
    char line[1100];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (notes->len)
        buf_puts(notes, "\n");
    buf_puts(notes, line);
}

static void bb_child_row(struct importer *im, const char *file, int line, int rowno,
                         const struct table *t)
{
    char key[80], name[200], id[37];
    const char *bbid = col(t, "id");
    if (*bbid)
        snprintf(key, sizeof key, "babybuddy|child|%.40s", bbid);
    else
        snprintf(key, sizeof key, "babybuddy|child|%d", rowno);
    snprintf(name, sizeof name, "%s%s%s", col(t, "first_name"), *col(t, "last_name") ? " " : "",
             col(t, "last_name"));
    size_t chars;
    if (!name[0] || !utf8_check(name, false, &chars) || chars > 80) {
        warn(im, file, line, true,
             "first_name and last_name must make a name of 1 to 80 "
             "characters");
        return;
    }
    const char *birth = col(t, "birth_date");
    char date[11] = "";
    struct date dd;
    if (strlen(birth) >= 10) {
        snprintf(date, sizeof date, "%.10s", birth);
        if (!date_parse(date, &dd))
            date[0] = '\0';
    }
    if (*birth && !date[0])
        warn(im, file, line, false, "birth_date \"%.20s\" is not a date: left out", birth);
    derived_id(im->fid, key, id);
    if (!subject_in_family(im->d, im->fid, id)) {
        if (!person_insert(im, id, name, date[0] ? date : NULL)) {
            warn(im, file, line, true, "the person could not be stored");
            return;
        }
    } else {
        im->duplicates++;
    }
    person_remember(im, key, id);
    if (*col(t, "birth_time"))
        warn(im, file, line, false, "birth_time has no place in carelog: left out");
}

static void bb_entry_row(struct importer *im, const char *file, int line, enum bb_model model,
                         const char *model_name, const struct table *t, struct buf *key,
                         struct buf *notes)
{
    const char *child = col(t, "child_id");
    if (!*child)
        child = col(t, "child");
    char person_key[80], sid[37];
    snprintf(person_key, sizeof person_key, "babybuddy|child|%.40s", child);
    if (!*child || !person_of(im, person_key, sid)) {
        warn(im, file, line, true,
             "child_id %.20s is not a child of this import (send child.csv with it, or choose the "
             "person)",
             *child ? child : "(empty)");
        return;
    }
    bb_row_key(model_name, t, key);
    char id[37];
    derived_id(im->fid, key->p, id);
    buf_reset(notes);
    cJSON *value = cJSON_CreateObject();
    const char *type = NULL;
    int64_t ts = 0, end_ts = 0;
    bool has_end = false, present;
    double amount = -1, x;
    const char *note_col = col(t, "notes");
    if (*note_col)
        notes_add(notes, "%s", note_col);
    if (*col(t, "tags"))
        notes_add(notes, "Baby Buddy tags: %s", col(t, "tags"));
    switch (model) {
    case BB_FEEDING: {
        type = "feed";
        if (!bb_time(im, file, line, "start", col(t, "start"), &ts))
            goto skip;
        if (*col(t, "end")) {
            if (!bb_time(im, file, line, "end", col(t, "end"), &end_ts))
                goto skip;
            has_end = true;
        }
        if (!number_cell(col(t, "amount"), &x, &present)) {
            warn(im, file, line, true, "amount \"%.20s\" is not a number", col(t, "amount"));
            goto skip;
        }
        if (present)
            amount = im->imperial ? x * BB_ML_PER_FLOZ : x;
        const char *msg;
        struct buf extra;
        buf_init(&extra, 4096);
        bool ok = bb_feed_value(col(t, "type"), col(t, "method"), amount, value, &extra, &msg);
        if (extra.len)
            notes_add(notes, "%s", extra.p);
        buf_free(&extra);
        if (!ok) {
            warn(im, file, line, true, "%s", msg);
            goto skip;
        }
        break;
    }
    case BB_SLEEP:
        type = "sleep";
        if (!bb_time(im, file, line, "start", col(t, "start"), &ts) ||
            !bb_time(im, file, line, "end", col(t, "end"), &end_ts))
            goto skip;
        has_end = true;
        if (*col(t, "nap"))
            cJSON_AddStringToObject(value, "kind", bb_truthy(col(t, "nap")) ? "nap" : "night");
        break;
    case BB_DIAPER: {
        type = "diaper";
        if (!bb_time(im, file, line, "time", col(t, "time"), &ts))
            goto skip;
        cJSON_AddBoolToObject(value, "wet", bb_truthy(col(t, "wet")));
        cJSON_AddBoolToObject(value, "dirty", bb_truthy(col(t, "solid")));
        const char *colour = col(t, "color");
        if (*colour) {
            const char *c = bb_color_in(colour);
            if (c)
                cJSON_AddStringToObject(value, "colour", c);
            else
                notes_add(notes, "colour: %s", colour);
        }
        if (*col(t, "amount"))
            notes_add(notes, "amount: %s", col(t, "amount"));
        break;
    }
    case BB_PUMPING:
        type = "pump";
        cJSON_AddStringToObject(value, "side", "both");
        if (*col(t, "start")) {
            if (!bb_time(im, file, line, "start", col(t, "start"), &ts))
                goto skip;
            if (*col(t, "end")) {
                if (!bb_time(im, file, line, "end", col(t, "end"), &end_ts))
                    goto skip;
                has_end = true;
            }
        } else if (!bb_time(im, file, line, "time", col(t, "time"), &ts)) {
            goto skip;
        } else {
            end_ts = ts;
            has_end = true; /* an old export's moment: a pump that is over */
        }
        if (!number_cell(col(t, "amount"), &x, &present)) {
            warn(im, file, line, true, "amount \"%.20s\" is not a number", col(t, "amount"));
            goto skip;
        }
        if (present)
            cJSON_AddNumberToObject(value, "amount_ml",
                                    floor((im->imperial ? x * BB_ML_PER_FLOZ : x) + 0.5));
        break;
    case BB_TUMMY: {
        type = "tummy_time";
        if (!bb_time(im, file, line, "start", col(t, "start"), &ts) ||
            !bb_time(im, file, line, "end", col(t, "end"), &end_ts))
            goto skip;
        has_end = true;
        const char *m = col(t, "milestone");
        size_t chars = 0;
        if (*m && utf8_check(m, false, &chars) && chars <= 100)
            cJSON_AddStringToObject(value, "milestone", m);
        else if (*m)
            notes_add(notes, "milestone: %s", m);
        break;
    }
    case BB_TEMPERATURE: {
        type = "temperature";
        if (!bb_time(im, file, line, "time", col(t, "time"), &ts))
            goto skip;
        if (!number_cell(col(t, "temperature"), &x, &present) || !present) {
            warn(im, file, line, true, "temperature must be a number");
            goto skip;
        }
        if (im->imperial || x > 50) {
            x = bb_f_to_c(x);
            mapping_note(im, "temperature: readings in °F converted to °C");
        }
        cJSON_AddNumberToObject(value, "celsius", round(x * 10) / 10);
        break;
    }
    case BB_WEIGHT:
    case BB_HEIGHT:
    case BB_HEAD: {
        type = "growth";
        const char *date = col(t, "date");
        if (!*date)
            date = col(t, "time");
        if (!bb_time(im, file, line, "date", date, &ts))
            goto skip;
        const char *name = model == BB_WEIGHT   ? "weight"
                           : model == BB_HEIGHT ? "height"
                                                : "head_circumference";
        if (!number_cell(col(t, name), &x, &present) || !present) {
            warn(im, file, line, true, "%s must be a number", name);
            goto skip;
        }
        if (model == BB_WEIGHT)
            cJSON_AddNumberToObject(value, "weight_g",
                                    floor(x * (im->imperial ? BB_G_PER_LB : 1000.0) + 0.5));
        else
            cJSON_AddNumberToObject(value, model == BB_HEIGHT ? "length_cm" : "head_cm",
                                    round(x * (im->imperial ? BB_CM_PER_IN : 1.0) * 10) / 10);
        break;
    }
    case BB_NOTE: {
        type = "note";
        if (!bb_time(im, file, line, "time", col(t, "time"), &ts))
            goto skip;
        const char *text = col(t, "note");
        if (*text)
            cJSON_AddStringToObject(value, "text", text);
        break;
    }
    case BB_MEDICATION: {
        type = "medication";
        const char *when = *col(t, "time") ? col(t, "time") : col(t, "start");
        if (!bb_time(im, file, line, "time", when, &ts))
            goto skip;
        const char *name = *col(t, "name") ? col(t, "name") : col(t, "medication");
        if (*name)
            cJSON_AddStringToObject(value, "name", name);
        const char *dose = *col(t, "dosage") ? col(t, "dosage") : col(t, "dose");
        if (!number_cell(dose, &x, &present)) {
            notes_add(notes, "dose: %s", dose);
        } else if (present) {
            cJSON_AddNumberToObject(value, "dose", x);
        }
        const char *unit = *col(t, "dosage_unit") ? col(t, "dosage_unit") : col(t, "unit");
        if (*unit)
            cJSON_AddStringToObject(value, "unit", unit);
        break;
    }
    default:
        goto skip;
    }
    emit(im, file, line, id, sid, type, ts, has_end, end_ts, value, notes, 0, 0);
    return;
skip:
    cJSON_Delete(value);
}

static enum bb_model bb_model_of(const char *file, const char **mapping)
{
    /* "Feeding-2024-05-01.csv", "diaperchange.csv", "tummy_time.csv" → the
     * letters before the first digit or dot, lower-cased, without _ - or space. */
    char name[40];
    size_t n = 0;
    const char *base = strrchr(file, '/');
    for (const char *p = base ? base + 1 : file; *p && *p != '.' && n + 1 < sizeof name; p++) {
        if (*p >= '0' && *p <= '9')
            break;
        if (*p == '_' || *p == '-' || *p == ' ')
            continue;
        name[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    }
    name[n] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(bb_models); i++)
        if (strcmp(bb_models[i].name, name) == 0) {
            *mapping = bb_models[i].mapping;
            for (size_t k = 0; !*mapping && k < ARRAY_LEN(bb_models); k++)
                if (bb_models[k].model == bb_models[i].model)
                    *mapping = bb_models[k].mapping;
            return bb_models[i].model;
        }
    *mapping = NULL;
    return BB_UNKNOWN;
}

/* Reads the header row: lower-cased, trimmed names. False when there is none. */
static bool read_header(struct importer *im, const char *file, struct csv *c, struct table *t)
{
    int line = 0;
    enum csv_result res = csv_next(c, t->names, MAX_COLUMNS, &t->ncols, &line);
    if (res != CSV_RECORD) {
        warn(im, file, line ? line : 1, false,
             res == CSV_END ? "the file is empty" : "the header row is not valid CSV");
        return false;
    }
    for (int i = 0; i < t->ncols; i++) {
        for (char *p = t->names[i]; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        while (*t->names[i] == ' ')
            t->names[i]++;
        size_t len = strlen(t->names[i]);
        while (len && t->names[i][len - 1] == ' ')
            t->names[i][--len] = '\0';
    }
    return true;
}

static void bb_file(struct importer *im, const char *file, char *text, size_t len)
{
    const char *mapping = NULL;
    enum bb_model model = bb_model_of(file, &mapping);
    if (model == BB_UNKNOWN || model == BB_NO_HOME) {
        warn(im, file, 0, false,
             model == BB_UNKNOWN ? "not a Baby Buddy export carelog knows (name the file as Baby "
                                   "Buddy does: feeding.csv, sleep.csv, ...): left out"
                                 : "this Baby Buddy model has no place in carelog: left out");
        return;
    }
    if (mapping)
        mapping_note(im, mapping);
    struct csv c;
    csv_init(&c, text, len);
    struct table t = {0};
    if (!read_header(im, file, &c, &t))
        return;
    const char *model_name = file;
    for (size_t i = 0; i < ARRAY_LEN(bb_models); i++)
        if (bb_models[i].model == model) {
            model_name = bb_models[i].name;
            break;
        }
    if (model != BB_CHILD && !has_col(&t, "child_id") && !has_col(&t, "child")) {
        warn(im, file, 1, true, "the header has no child_id column");
        return;
    }
    char *fields[MAX_COLUMNS];
    struct buf key, notes;
    buf_init(&key, 1 << 20);
    buf_init(&notes, 1 << 20);
    int line = 0, rowno = 0;
    enum csv_result res;
    while ((res = csv_next(&c, fields, MAX_COLUMNS, &t.n, &line)) != CSV_END) {
        rowno++;
        tick(im, file, (size_t)(c.p - text));
        if (res == CSV_BAD) {
            warn(im, file, line, true, "the row is not valid CSV");
            continue;
        }
        t.f = fields;
        if (model == BB_CHILD)
            bb_child_row(im, file, line, rowno, &t);
        else
            bb_entry_row(im, file, line, model, model_name, &t, &key, &notes);
    }
    buf_free(&key);
    buf_free(&notes);
}

/* ---------- carelog's own export ---------- */

/* The person a carelog export names: by name in this family, else the chosen
 * person, else one made by that name. */
static bool carelog_person(struct importer *im, const char *name, char out[37])
{
    char key[80];
    snprintf(key, sizeof key, "carelog|person|%.60s", name);
    for (int i = 0; i < im->npeople; i++)
        if (strcmp(im->people_seen[i].key, key) == 0) {
            snprintf(out, 37, "%s", im->people_seen[i].id);
            return out[0] != '\0';
        }
    sqlite3_stmt *st = db_stmt(im->d, "SELECT id FROM subjects WHERE family_id = ? AND name = ? "
                                      "AND deleted_at IS NULL ORDER BY created_at LIMIT 1");
    bool found = st && db_bind_text(st, 1, im->fid) && db_bind_text(st, 2, name) &&
                 sqlite3_step(st) == SQLITE_ROW;
    if (found)
        snprintf(out, 37, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!found && im->fallback[0]) {
        snprintf(out, 37, "%s", im->fallback);
        found = true;
    }
    size_t chars;
    if (!found && *name && utf8_check(name, false, &chars) && chars <= 80) {
        derived_id(im->fid, key, out);
        found = person_insert(im, out, name, NULL);
    }
    person_remember(im, key, found ? out : "");
    return found;
}

/* The id an exported entry keeps: its own, unless another family holds it
 * (an export imported into a second family of the same instance). */
static void carelog_id(struct importer *im, const char *id, const char *fallback_key, char out[37])
{
    if (uuid_is_valid(id) && !entry_is_foreign(im->d, im->fid, id)) {
        snprintf(out, 37, "%s", id);
        return;
    }
    char key[200];
    snprintf(key, sizeof key, "carelog|%.150s", uuid_is_valid(id) ? id : fallback_key);
    derived_id(im->fid, key, out);
}

/* One exported cell as the field's JSON value: numbers and true/false as
 * they were written, text as it is; what does not read as its kind is kept
 * as text, so the validator names it. */
static void add_typed(cJSON *v, const struct cat_field *f, const char *text)
{
    if (f->kind == CAT_INT || f->kind == CAT_NUMBER) {
        char *e;
        double x = strtod(text, &e);
        if (*e || !*text)
            cJSON_AddStringToObject(v, f->key, text);
        else
            cJSON_AddNumberToObject(v, f->key, x);
    } else if (f->kind == CAT_BOOL && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)) {
        cJSON_AddBoolToObject(v, f->key, text[0] == 't');
    } else {
        cJSON_AddStringToObject(v, f->key, text);
    }
}

/* "method=bottle; amount_ml=120; notes=a; b" → the type's value. A field's
 * text runs until "; " and the next field of the type. */
static cJSON *details_value(const struct cat_type *t, const char *s)
{
    cJSON *v = cJSON_CreateObject();
    while (*s) {
        const struct cat_field *f = NULL;
        for (size_t i = 0; i < t->nfields; i++) {
            size_t kl = strlen(t->fields[i].key);
            if (strncmp(s, t->fields[i].key, kl) == 0 && s[kl] == '=') {
                f = &t->fields[i];
                s += kl + 1;
                break;
            }
        }
        if (!f) {
            cJSON_Delete(v);
            return NULL;
        }
        /* the end: the next "; key=" of this type, or the end of the text */
        const char *end = s + strlen(s);
        for (const char *p = strstr(s, "; "); p; p = strstr(p + 1, "; ")) {
            bool next = false;
            for (size_t i = 0; i < t->nfields && !next; i++) {
                size_t kl = strlen(t->fields[i].key);
                next = strncmp(p + 2, t->fields[i].key, kl) == 0 && p[2 + kl] == '=';
            }
            if (next) {
                end = p;
                break;
            }
        }
        char *text = strndup(s, (size_t)(end - s));
        if (!text) {
            cJSON_Delete(v);
            return NULL;
        }
        add_typed(v, f, text);
        free(text);
        s = *end ? end + 2 : end;
    }
    return v;
}

/* A spreadsheet guard the export put before a formula-like cell. */
static const char *unguard(const char *s)
{
    return (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1])) ? s + 1 : s;
}

/* A row of the export's column form: each field of the type from its own
 * column, found by the heading the export gives it (catalogue_csv_heading). */
static cJSON *columns_value(const struct cat_type *t, const struct table *tb)
{
    cJSON *v = cJSON_CreateObject();
    for (size_t i = 0; v && i < t->nfields; i++) {
        char heading[96];
        catalogue_csv_heading(&t->fields[i], heading, sizeof heading);
        for (char *p = heading; *p; p++) /* as read_header folds the file's */
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        const char *cell = unguard(col(tb, heading));
        if (*cell)
            add_typed(v, &t->fields[i], cell);
    }
    return v;
}

static void carelog_csv(struct importer *im, const char *file, char *text, size_t len)
{
    struct csv c;
    csv_init(&c, text, len);
    struct table t = {0};
    if (!read_header(im, file, &c, &t))
        return;
    /* Two forms: a column per catalogue field (the export today), or one
     * "details" column of "key=value; ..." (exports before it). */
    bool details = has_col(&t, "details");
    if (!has_col(&t, "type") || !has_col(&t, "start")) {
        warn(im, file, 1, true, "not a carelog export: the header needs type and start");
        return;
    }
    mapping_note(im, details ? "carelog CSV: person → the person of that name (made when missing), "
                               "start/end → the entry's times, details → its value"
                             : "carelog CSV: person → the person of that name (made when missing), "
                               "start/end → the entry's times, a column per field → its value");
    char *fields[MAX_COLUMNS];
    int line = 0;
    enum csv_result res;
    struct buf key;
    buf_init(&key, 1 << 20);
    while ((res = csv_next(&c, fields, MAX_COLUMNS, &t.n, &line)) != CSV_END) {
        tick(im, file, (size_t)(c.p - text));
        if (res == CSV_BAD) {
            warn(im, file, line, true, "the row is not valid CSV");
            continue;
        }
        t.f = fields;
        const char *type = col(&t, "type");
        const struct cat_type *ct = family_type(family_types(im->d, im->fid), type);
        if (!ct) {
            warn(im, file, line, true, "type \"%.30s\" is not an entry type", type);
            continue;
        }
        int64_t ts, end_ts = 0;
        bool has_end = *col(&t, "end") != '\0';
        if (!bb_time(im, file, line, "start", col(&t, "start"), &ts) ||
            (has_end && !bb_time(im, file, line, "end", col(&t, "end"), &end_ts)))
            continue;
        cJSON *value =
            details ? details_value(ct, unguard(col(&t, "details"))) : columns_value(ct, &t);
        if (!value) {
            warn(im, file, line, true, "details \"%.60s\" are not fields of a %s",
                 col(&t, "details"), type);
            continue;
        }
        char sid[37], id[37];
        if (!carelog_person(im, unguard(col(&t, "person")), sid)) {
            warn(im, file, line, true, "person \"%.60s\" cannot be made", col(&t, "person"));
            cJSON_Delete(value);
            continue;
        }
        buf_reset(&key);
        for (int i = 0; i < t.n; i++) {
            buf_puts(&key, fields[i]);
            buf_puts(&key, "\x1f");
        }
        carelog_id(im, col(&t, "id"), key.p ? key.p : "", id);
        emit(im, file, line, id, sid, type, ts, has_end, end_ts, value, NULL, 0, 0);
    }
    buf_free(&key);
}

static int64_t int_member(const cJSON *o, const char *name, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 9e15) {
        *ok = false;
        return 0;
    }
    return (int64_t)v->valuedouble;
}

static void carelog_json(struct importer *im, const char *file, const cJSON *list)
{
    mapping_note(im, "carelog JSON: every entry as exported; a person this family does not have "
                     "→ the chosen person");
    int line = 0, count = cJSON_GetArraySize(list);
    for (const cJSON *e = list->child; e; e = e->next) {
        line++;
        tick(im, file, count ? im->file_len / (size_t)count * (size_t)line : 0);
        if (!cJSON_IsObject(e)) {
            warn(im, file, line, true, "item %d is not an entry object", line);
            continue;
        }
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "deleted"))) {
            im->tombstones++;
            continue;
        }
        const cJSON *idj = cJSON_GetObjectItemCaseSensitive(e, "id");
        const cJSON *sj = cJSON_GetObjectItemCaseSensitive(e, "subject_id");
        const cJSON *tj = cJSON_GetObjectItemCaseSensitive(e, "type");
        const cJSON *vj = cJSON_GetObjectItemCaseSensitive(e, "value");
        const cJSON *ej = cJSON_GetObjectItemCaseSensitive(e, "end_ts");
        bool ok = true;
        int64_t ts = int_member(e, "ts", &ok);
        bool has_end = ej && !cJSON_IsNull(ej);
        int64_t end_ts = has_end ? int_member(e, "end_ts", &ok) : 0;
        bool times_ok = true;
        int64_t created = int_member(e, "created_at", &times_ok);
        int64_t updated = int_member(e, "updated_at", &times_ok);
        if (!ok || !cJSON_IsString(tj) || !cJSON_IsObject(vj)) {
            warn(im, file, line, true, "an entry needs type, ts and a value object");
            continue;
        }
        char sid[37], id[37];
        const char *subject = cJSON_IsString(sj) ? sj->valuestring : "";
        if (uuid_is_valid(subject) && subject_in_family(im->d, im->fid, subject)) {
            snprintf(sid, sizeof sid, "%s", subject);
        } else if (im->fallback[0]) {
            snprintf(sid, sizeof sid, "%s", im->fallback);
        } else {
            warn(im, file, line, true,
                 "subject_id is not a person of this family (choose the "
                 "person to import into)");
            continue;
        }
        char fallback_key[64];
        snprintf(fallback_key, sizeof fallback_key, "json|%d", line);
        carelog_id(im, cJSON_IsString(idj) ? idj->valuestring : "", fallback_key, id);
        emit(im, file, line, id, sid, tj->valuestring, ts, has_end, end_ts,
             cJSON_Duplicate(vj, true), NULL, times_ok ? created : 0, times_ok ? updated : 0);
    }
}

/* ---------- the route ---------- */

/* The connection's page cache, in PRAGMA cache_size's terms (0: unknown). */
static int cache_size_get(struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "PRAGMA cache_size");
    int v = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int(st, 0) : 0;
    if (st)
        sqlite3_reset(st);
    return v;
}

static void cache_size_set(struct db *d, int v)
{
    char sql[48]; /* an integer we read or chose, never the request's */
    snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", v);
    if (v != 0 && sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        log_event("warn", "import_cache_size", sqlite3_errmsg(d->h));
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && ascii_ieq(s + a - b, tail);
}

/* One file of the body: CSV by its name or content, or carelog JSON. */
static void import_file(struct importer *im, const char *file, char *text, size_t len)
{
    bool babybuddy = strcmp(im->source, "babybuddy") == 0;
    if (!babybuddy && (ends_with(file, ".json") || (len && (text[0] == '[' || text[0] == '{')))) {
        cJSON *j = json_parse_body(text, len);
        const cJSON *list = cJSON_IsArray(j) ? j : cJSON_GetObjectItemCaseSensitive(j, "entries");
        if (!cJSON_IsArray(list))
            warn(im, file, 0, true, "not a carelog JSON export (an array of entries)");
        else
            carelog_json(im, file, list);
        cJSON_Delete(j);
    } else if (babybuddy) {
        bb_file(im, file, text, len);
    } else {
        carelog_csv(im, file, text, len);
    }
}

/* One file, counted into the progress. */
static void import_one(struct importer *im, const char *file, char *text, size_t len)
{
    im->file_len = len;
    import_file(im, file, text, len);
    im->before += len;
}

static const struct tz *family_zone(struct db *d, const char *fid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    const struct tz *z = NULL;
    if (st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW)
        z = tz_get(db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    return z ? z : tz_get("UTC");
}

/* With no person chosen, a family of exactly one person takes the rows of
 * people it does not know. */
static void only_person(struct importer *im)
{
    sqlite3_stmt *st = db_stmt(im->d, "SELECT min(id), count(*) FROM subjects "
                                      "WHERE family_id = ? AND deleted_at IS NULL");
    if (st && db_bind_text(st, 1, im->fid) && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_int(st, 1) == 1)
        snprintf(im->fallback, sizeof im->fallback, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
}

/* Files in Baby Buddy's order of need: children before what refers to them. */
/* The files of a zip body, in the archive's order. */
struct unzipped {
    struct importer *im;
    int n;
    struct {
        char *name, *text;
        size_t len;
    } f[MAX_FILES];
};

static bool take_member(void *arg, const char *name, char *data, size_t len)
{
    struct unzipped *z = arg;
    if (!ends_with(name, ".csv") && !ends_with(name, ".json")) {
        warn(z->im, name, 0, false, "not a .csv or .json file: left out");
        free(data);
        return true;
    }
    if (memchr(data, '\0', len)) {
        warn(z->im, name, 0, true, "holds a NUL byte: it is not text");
        free(data);
        return true;
    }
    char *copy = strdup(name);
    if (z->n == MAX_FILES || !copy) {
        warn(z->im, name, 0, true, "more than 20 files in the archive: left out");
        free(copy);
        free(data);
        return true;
    }
    z->f[z->n].name = copy;
    z->f[z->n].text = data;
    z->f[z->n].len = len;
    z->n++;
    return true;
}

static void unzipped_free(struct unzipped *z)
{
    for (int i = 0; i < z->n; i++) {
        free(z->f[i].name);
        free(z->f[i].text);
    }
    z->n = 0;
}

static int file_rank(const char *name)
{
    const char *mapping;
    return bb_model_of(name, &mapping) == BB_CHILD ? 0 : 1;
}

/* Does the client read the answer as it comes (a progress bar)? */
static bool wants_progress(struct request *r)
{
    const char *accept = req_env(r, "HTTP_ACCEPT");
    return accept && strstr(accept, "application/x-ndjson") != NULL;
}

static void import_post(struct request *r)
{
    static const char *const sources[] = {"babybuddy", "carelog", NULL};
    const char *source = NULL, *dry = NULL, *units = NULL, *subject = NULL, *file = NULL;
    if (req_query(r, "source", &source) < 0 || req_query(r, "dry_run", &dry) < 0 ||
        req_query(r, "units", &units) < 0 || req_query(r, "subject_id", &subject) < 0 ||
        req_query(r, "file", &file) < 0) {
        resp_error(r, 400, "validation_failed", "A query parameter is not valid");
        return;
    }
    bool known = false;
    for (const char *const *s = sources; source && *s; s++)
        known = known || strcmp(*s, source) == 0;
    if (!known) {
        resp_field_error(r, "source", "must be one of: babybuddy, carelog");
        return;
    }
    if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0) {
        resp_field_error(r, "dry_run", "must be 0 or 1");
        return;
    }
    if (units && strcmp(units, "metric") != 0 && strcmp(units, "imperial") != 0) {
        resp_field_error(r, "units", "must be one of: metric, imperial");
        return;
    }
    if (file && (strlen(file) > 100 || !*file)) {
        resp_field_error(r, "file", "must be a file name of 1 to 100 characters");
        return;
    }
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    /* An import may add people and write for anyone in the file: it is for
     * members who see everyone (access per person). */
    if (access_limited(r)) {
        resp_error(r, 403, "forbidden", "Imports need access to every person in the family");
        return;
    }
    if (subject && *subject && (!uuid_is_valid(subject) || !subject_in_family(d, fid, subject))) {
        resp_field_error(r, "subject_id", "is not a person in this family");
        return;
    }
    if (!read_raw_body(r, cfg.max_import))
        return;
    if (r->body_len == 0) {
        resp_error(r, 400, "empty_body", "Send the exported file as the body");
        return;
    }
    bool zipped = zip_is_archive((const unsigned char *)r->body, r->body_len);
    if (!zipped && memchr(r->body, '\0', r->body_len)) {
        resp_error(r, 400, "bad_request", "The file holds a NUL byte: it is not text");
        return;
    }
    const char *ct = req_env(r, "CONTENT_TYPE");
    bool json = !zipped && content_type_is_json(ct);
    cJSON *files = NULL, *body = NULL;
    if (json) {
        body = json_parse_body(r->body, r->body_len);
        if (!body) {
            resp_error(r, 400, "invalid_json", "The body is not valid JSON");
            return;
        }
        files = cJSON_GetObjectItemCaseSensitive(body, "files");
        if (files && (!cJSON_IsObject(files) || cJSON_GetArraySize(files) > MAX_FILES)) {
            cJSON_Delete(body);
            resp_field_error(r, "files", "must be an object of up to 20 file names → their text");
            return;
        }
        for (const cJSON *f = files ? files->child : NULL; f; f = f->next)
            if (!cJSON_IsString(f)) {
                cJSON_Delete(body);
                resp_field_error(r, "files", "every file's text must be a string");
                return;
            }
        if (!files && strcmp(source, "babybuddy") == 0) {
            cJSON_Delete(body);
            resp_field_error(r, "files", "is required: {\"files\": {\"feeding.csv\": \"...\"}}");
            return;
        }
    } else if (!zipped && strcmp(source, "babybuddy") == 0 && !file) {
        resp_field_error(r, "file", "name the Baby Buddy file the body holds (file=feeding.csv)");
        return;
    }

    struct importer im = {.r = r,
                          .d = d,
                          .fid = fid,
                          .author =
                              r->session->family_member_id[0] ? r->session->family_member_id : NULL,
                          .zone = family_zone(d, fid),
                          .imperial = units && strcmp(units, "imperial") == 0,
                          .source = source,
                          .colour_next = -1,
                          .progress = wants_progress(r),
                          .total = r->body_len};
    im.by_type = cJSON_CreateObject();
    im.warnings = cJSON_CreateArray();
    im.mapping = cJSON_CreateArray();
    im.preview = cJSON_CreateArray();
    bool dry_run = dry && strcmp(dry, "1") == 0;
    int64_t started = mono_us();
    struct unzipped zip = {.im = &im};
    char why[160];
    if (zipped && !zip_each((const unsigned char *)r->body, r->body_len, cfg.max_import,
                            take_member, &zip, why, sizeof why)) {
        unzipped_free(&zip);
        cJSON_Delete(im.by_type);
        cJSON_Delete(im.warnings);
        cJSON_Delete(im.mapping);
        cJSON_Delete(im.preview);
        char msg[200];
        snprintf(msg, sizeof msg, "The zip archive cannot be read: %s", why);
        resp_error(r, 400, "bad_archive", msg);
        return;
    }
    if (zipped || files) { /* progress counts the files' bytes, not the wrapping */
        im.total = 0;
        for (int i = 0; i < zip.n; i++)
            im.total += zip.f[i].len;
        for (const cJSON *f = files ? files->child : NULL; f; f = f->next)
            im.total += strlen(f->valuestring);
    }
    /* A big import touches far more pages than the connection's usual 1 MiB
     * cache holds: without room they spill to the WAL mid-transaction (a
     * 100,000-row import took twice as long). Put back at the end. */
    int cache_was = cache_size_get(d);
    cache_size_set(d, -65536);
    if (!req_begin(r)) {
        cache_size_set(d, cache_was);
        unzipped_free(&zip);
        cJSON_Delete(body);
        cJSON_Delete(im.by_type);
        cJSON_Delete(im.warnings);
        cJSON_Delete(im.mapping);
        cJSON_Delete(im.preview);
        return;
    }
    if (im.progress) {
        /* From here on the answer is lines: progress, then the result. */
        resp_header(r, "Cache-Control", "no-store");
        if (!resp_begin(r, 200, "application/x-ndjson"))
            im.progress = false;
        im.last_tick = 0;
    }
    if (subject && *subject)
        snprintf(im.fallback, sizeof im.fallback, "%s", subject);
    else
        only_person(&im);
    if (im.fallback[0]) {
        char note[120];
        snprintf(note, sizeof note, "rows whose person is not known here go to person %s",
                 im.fallback);
        mapping_note(&im, note);
    }
    if (zipped) {
        for (int rank = 0; rank < 2; rank++)
            for (int i = 0; i < zip.n; i++)
                if (file_rank(zip.f[i].name) == rank)
                    import_one(&im, zip.f[i].name, zip.f[i].text, zip.f[i].len);
        unzipped_free(&zip);
    } else if (!json) {
        import_one(&im, file ? file : "export.csv", r->body, r->body_len);
    } else if (files) {
        for (int rank = 0; rank < 2; rank++)
            for (cJSON *f = files->child; f; f = f->next)
                if (file_rank(f->string) == rank)
                    import_one(&im, f->string, f->valuestring, strlen(f->valuestring));
    } else {
        const cJSON *list =
            cJSON_IsArray(body) ? body : cJSON_GetObjectItemCaseSensitive(body, "entries");
        im.file_len = r->body_len;
        if (cJSON_IsArray(list))
            carelog_json(&im, file ? file : "export.json", list);
        else
            warn(&im, file ? file : "export.json", 0, true,
                 "not a carelog JSON export (an array of entries)");
    }
    cJSON_Delete(body);
    bool committed = false;
    if (dry_run) {
        db_rollback(d);
        cache_size_set(d, cache_was);
    } else {
        cJSON *detail = cJSON_CreateObject();
        cJSON_AddStringToObject(detail, "source", source);
        cJSON_AddNumberToObject(detail, "imported", im.imported + im.updated);
        cJSON_AddNumberToObject(detail, "skipped", im.invalid + im.duplicates);
        audit_record(r, d, fid, "import", NULL, detail);
        committed = im.progress ? db_commit(d) : req_commit(r);
        if (!committed && im.progress) {
            db_rollback(d);
            static const char busy[] = "{\"error\":{\"code\":\"db_busy\",\"message\":\"The "
                                       "change could not be saved; try again\"}}\n";
            (void)resp_write(r, busy, sizeof busy - 1);
        }
        cache_size_set(d, cache_was);
        if (!committed) {
            cJSON_Delete(im.by_type);
            cJSON_Delete(im.warnings);
            cJSON_Delete(im.mapping);
            cJSON_Delete(im.preview);
            return;
        }
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "dry_run", dry_run);
    cJSON_AddStringToObject(out, "source", source);
    cJSON_AddNumberToObject(out, "imported", im.imported + im.updated);
    cJSON_AddNumberToObject(out, "updated", im.updated);
    cJSON_AddNumberToObject(out, "skipped", im.invalid + im.duplicates + im.tombstones);
    cJSON_AddNumberToObject(out, "duplicates", im.duplicates);
    cJSON_AddNumberToObject(out, "invalid", im.invalid);
    cJSON_AddNumberToObject(out, "people", im.people);
    cJSON_AddItemToObject(out, "by_type", im.by_type);
    cJSON_AddItemToObject(out, "warnings", im.warnings);
    cJSON_AddBoolToObject(out, "warnings_truncated", im.nwarnings > MAX_WARNINGS);
    cJSON_AddItemToObject(out, "mapping", im.mapping);
    cJSON_AddItemToObject(out, "preview", im.preview);
    json_add_int64(out, "took_ms", (mono_us() - started) / 1000);
    (void)committed;
    if (!im.progress) {
        resp_json(r, dry_run ? 200 : 201, out);
        return;
    }
    cJSON *last = cJSON_CreateObject();
    cJSON_AddItemToObject(last, "result", out);
    char *text = cJSON_PrintUnformatted(last);
    if (!text || !resp_write(r, text, strlen(text)) || !resp_write(r, "\n", 1))
        log_event("warn", "import_answer_lost", "the client went away");
    cJSON_free(text);
    cJSON_Delete(last);
}

CARELOG_PROGRAM(imports, NULL, NULL)
