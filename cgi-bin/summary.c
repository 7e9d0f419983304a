/* summary.c — what the log adds up to, in the family's time zone: a day's
 * totals and its hour-by-hour grid (23, 24 or 25 rows on DST days; sleeps
 * and feeds crossing midnight split at it), per-day trends for charts, and
 * the export of every entry as streamed CSV (RFC 4180) or JSON.
 * The figures come from lib/data/summary.c, which the consultant console
 * (admin.c) answers from too. They are the truth online; www/js/summary.js
 * computes the same ones offline by the same rules, and
 * tests/t0212-summary-shared.sh holds the two to identical numbers on one
 * fixture. A rule changed there changes here. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/acttype.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/summary.h"
#include "data/tz.h"

static void export_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/summary", summary_day_reply, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/trends", summary_trends_reply, ACCESS_VIEWER, 0},
    /* The console's "export" too: an assigned consultant passes (audited). */
    {"GET", "/api/v1/families/{fid}/export", export_get, ACCESS_VIEWER,
     ROUTE_STREAMS | ROUTE_STAFF},
};

/* ---------- GET export ---------- */

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
 * A cell that a spreadsheet would read as a formula (=, +, -, @, tab or CR
 * first: OWASP's CSV injection list) gets a leading apostrophe, which the
 * spreadsheet shows as text; the JSON export keeps every value as is. */
static void csv_field(struct buf *b, const char *s, bool last)
{
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    if (formula || strpbrk(s, ",\"\r\n")) {
        buf_puts(b, formula ? "\"'" : "\"");
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                buf_puts(b, "\"");
            buf_append(b, p, 1);
        }
        buf_puts(b, "\"");
    } else {
        buf_puts(b, s);
    }
    buf_puts(b, last ? "\r\n" : ",");
}

/* Local time with its UTC offset, e.g. 2026-11-23T06:30:00+02:00. */
static void local_time(const struct tz *z, int64_t ms, char out[40])
{
    struct civil c;
    tz_to_civil(z, ms, &c);
    int off = tz_offset_at(z, ms);
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year % 10000, c.month, c.day,
             c.hour, c.minute, c.second, sign, off / 3600, (off / 60) % 60);
}

/* The CSV's detail columns: one per field of the catalogue's types, then
 * of the family's own (lib/data/acttype.c), in that order; fields with the
 * same heading share a column. Headed by the key and its stored unit:
 * "amount (ml)", "weight (g)", "celsius (°C)" (the import finds a field by
 * it: catalogue_csv_heading). */
#define CSV_MAX_COLUMNS 160

struct csv_columns {
    char header[CSV_MAX_COLUMNS][64];
    int n;
};

static int csv_column(const struct csv_columns *c, const char *heading)
{
    for (int k = 0; k < c->n; k++)
        if (strcmp(c->header[k], heading) == 0)
            return k;
    return -1;
}

static void csv_columns_add(struct csv_columns *c, const struct catalogue *cat)
{
    for (size_t t = 0; cat && t < cat->ntypes; t++) {
        for (size_t i = 0; i < cat->types[t].nfields; i++) {
            const struct cat_field *f = &cat->types[t].fields[i];
            char heading[64];
            catalogue_csv_heading(f, heading, sizeof heading);
            if (f->hidden || c->n == CSV_MAX_COLUMNS || csv_column(c, heading) >= 0)
                continue;
            snprintf(c->header[c->n++], sizeof c->header[0], "%s", heading);
        }
    }
}

static void csv_columns_make(struct csv_columns *c, const struct family_types *ft)
{
    c->n = 0;
    csv_columns_add(c, catalogue());
    csv_columns_add(c, ft ? ft->cat : NULL);
}

/* One stored field as a cell: text as it is, numbers and true/false as JSON
 * writes them, nothing for a field the entry does not have. */
static void csv_value(struct buf *b, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        csv_field(b, "", false);
    } else if (cJSON_IsString(v)) {
        csv_field(b, v->valuestring, false);
    } else {
        char *text = cJSON_PrintUnformatted(v);
        csv_field(b, text ? text : "", false);
        free(text);
    }
}

static void export_csv_row(struct buf *b, sqlite3_stmt *st, const struct tz *z,
                           const struct csv_columns *cols, const struct family_types *ft)
{
    char start[40], end[40] = "", minutes[24] = "";
    int64_t ts = sqlite3_column_int64(st, 3);
    local_time(z, ts, start);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        int64_t e = sqlite3_column_int64(st, 4);
        local_time(z, e, end);
        snprintf(minutes, sizeof minutes, "%.1f", (double)(e - ts) / 60000.0);
    }
    cJSON *value = cJSON_Parse(db_col_text(st, 5));
    csv_field(b, db_col_text(st, 0), false);
    csv_field(b, db_col_text(st, 15), false);
    csv_field(b, db_col_text(st, 2), false);
    csv_field(b, start, false);
    csv_field(b, end, false);
    csv_field(b, minutes, false);
    /* each field of the entry's type in its column */
    const cJSON *cells[CSV_MAX_COLUMNS] = {0};
    const struct cat_type *t = family_type(ft, db_col_text(st, 2));
    for (size_t i = 0; t && i < t->nfields; i++) {
        char heading[64];
        catalogue_csv_heading(&t->fields[i], heading, sizeof heading);
        int k = t->fields[i].hidden ? -1 : csv_column(cols, heading);
        if (k >= 0)
            cells[k] = cJSON_GetObjectItemCaseSensitive(value, t->fields[i].key);
    }
    for (int i = 0; i < cols->n; i++)
        csv_value(b, cells[i]);
    csv_field(b, db_col_text(st, 16), false);
    csv_field(b, db_col_text(st, 7), true);
    cJSON_Delete(value);
}

static void export_get(struct request *r)
{
    static const char *const formats[] = {"csv", "json", NULL};
    const char *format = NULL;
    struct date from_d, to_d;
    bool has_from, has_to;
    if (req_query(r, "format", &format) < 0 || !format || !*format)
        format = "csv";
    bool known = false;
    for (const char *const *f = formats; *f; f++)
        known = known || strcmp(*f, format) == 0;
    if (!known) {
        resp_field_error(r, "format", "must be one of: csv, json");
        return;
    }
    if (!summary_date_param(r, "from", &from_d, &has_from) ||
        !summary_date_param(r, "to", &to_d, &has_to))
        return;
    struct db *d = r->db;
    struct summary_scope s;
    if (!summary_scope_load(r, d, false, &s))
        return;
    int64_t from = INT64_MIN, to = INT64_MAX, ignored;
    if ((has_from && !tz_day_bounds(s.zone, from_d, &from, &ignored)) ||
        (has_to && !tz_day_bounds(s.zone, to_d, &ignored, &to))) {
        resp_field_error(r, has_from ? "from" : "to", "must be a real date");
        return;
    }
    const char *fid = r->session->family_id;
    sqlite3_stmt *st =
        db_stmt(d, "SELECT " ENTRY_COLUMNS ", s.name, coalesce(cu.name, "
                   "cm.guest_name)" ENTRY_FROM "JOIN subjects s ON s.id = e.subject_id "
                   "LEFT JOIN members cm ON cm.id = e.created_by "
                   "LEFT JOIN users cu ON cu.id = cm.user_id WHERE e.family_id = ?1 "
                   "AND e.deleted = 0 AND e.ts >= ?2 AND e.ts < ?3 "
                   "AND (?4 IS NULL OR e.subject_id = ?4) "
                   "AND " ACCESS_SUBJECT_IN("e.subject_id", 5) " ORDER BY e.ts, e.id");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, from) ||
        !db_bind_int64(st, 3, to) || !db_bind_text(st, 4, s.subject_id) ||
        !access_bind_subjects(r, st, 5)) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "format", format);
    /* (before the first step: the statement keeps its bindings) */
    audit_read(r, d, fid, "export", s.subject_id, detail);

    bool csv = strcmp(format, "csv") == 0;
    char *disposition =
        req_printf(r, "attachment; filename=\"carelog-%.8s.%s\"", fid, csv ? "csv" : "json");
    resp_header(r, "Content-Disposition", disposition ? disposition : "attachment");
    resp_header(r, "Cache-Control", "no-store");
    if (!resp_begin(r, 200, csv ? "text/csv; charset=utf-8; header=present" : "application/json"))
        return;
    /* Rows go out in chunks as they are read: memory stays flat for any size. */
    struct buf b;
    buf_init(&b, 1 << 20);
    struct csv_columns cols;
    const struct family_types *ft = family_types(d, fid);
    if (csv) {
        csv_columns_make(&cols, ft);
        buf_puts(&b, "id,person,type,start,end,minutes,");
        for (int i = 0; i < cols.n; i++)
            csv_field(&b, cols.header[i], false);
        buf_puts(&b, "logged_by,changed_by\r\n");
    } else {
        buf_puts(&b, "[");
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (csv) {
            export_csv_row(&b, st, s.zone, &cols, ft);
        } else {
            if (n)
                buf_puts(&b, ",");
            entry_json_write(&b, st);
        }
        n++;
        if (b.len > 32768 || b.oom) {
            if (!resp_write(r, b.p, b.len))
                break;
            buf_reset(&b);
        }
    }
    if (!csv)
        buf_puts(&b, "]");
    resp_write(r, b.p ? b.p : "", b.len);
    buf_free(&b);
}

CARELOG_PROGRAM(summary, NULL, NULL)
