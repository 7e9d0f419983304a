/* activity_types.c — the activity types a family defines (issue 18): bath,
 * potty, vitamin D drops. Owners define them (names per language, icon,
 * colour, the people they are for, fields of the catalogue's custom kinds);
 * every member reads them. A type some entry uses is archived rather than
 * removed, and a change never breaks an entry made before it: fields and
 * choices are only added, relabelled or archived (lib/data/acttype.c).
 * Entries of these types go through PUT entries/{uuid} and /sync like any. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/acttype.h"
#include "data/audit.h"
#include "data/entrywrite.h"

static void types_get(struct request *r);
static void type_post(struct request *r);
static void type_get(struct request *r);
static void type_patch(struct request *r);
static void type_delete(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/activity-types", types_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/activity-types", type_post, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/activity-types/{tid}", type_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/activity-types/{tid}", type_patch, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    /* Removes a type no entry uses; archives one that some entry does. */
    {"DELETE", "/api/v1/families/{fid}/activity-types/{tid}", type_delete, ACCESS_OWNER,
     ROUTE_WRITE},
};

/* A type made only for people the caller may not see is hidden, and a
 * type's list of people names only those the caller may see. */
static bool type_visible(const void *r, cJSON *o)
{
    return access_keep_visible(cJSON_GetObjectItemCaseSensitive(o, "subject_ids"),
                               access_request_sees, r);
}

static void types_get(struct request *r)
{
    sqlite3_stmt *st =
        db_stmt(r->db, ACTTYPE_SELECT "WHERE family_id = ? ORDER BY created_at, key");
    if (!st || !db_bind_text(st, 1, r->session->family_id)) {
        resp_internal(r);
        return;
    }
    reply_rows_kept(r, st, "activity_types", acttype_json_row, type_visible, r);
}

static void reply_type(struct request *r, const char *tid, int status)
{
    sqlite3_stmt *st = db_stmt(r->db, ACTTYPE_SELECT "WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, tid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such activity type");
        return;
    }
    cJSON *o = acttype_json_row(st);
    sqlite3_reset(st);
    if (!type_visible(r, o)) {
        cJSON_Delete(o);
        resp_error(r, 404, "not_found", "No such activity type");
        return;
    }
    resp_json(r, status, o);
}

static void type_get(struct request *r)
{
    reply_type(r, req_param(r, "tid"), 200);
}

/* A definition's JSON parts as stored text (NULL where not given). */
enum { NAMES, PEOPLE, FIELDS, NTEXTS };
static void print_parts(const struct acttype_in *in, char *texts[NTEXTS])
{
    const cJSON *parts[NTEXTS] = {in->names, in->subject_ids, in->fields};
    for (int i = 0; i < NTEXTS; i++)
        texts[i] = parts[i] ? cJSON_PrintUnformatted(parts[i]) : NULL;
}

/* Frees what a write held; answers 500 when it failed. */
static bool write_done(struct request *r, struct acttype_in *in, char *texts[NTEXTS], bool ok)
{
    for (int i = 0; i < NTEXTS; i++)
        free(texts[i]);
    acttype_in_free(in);
    if (!ok)
        resp_internal(r);
    return ok;
}

static void type_post(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    struct vobj v;
    struct acttype_in in;
    v_init(&v, r->json, NULL);
    acttype_read(&v, d, fid, NULL, &in);
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*), coalesce(sum(key = ?2), 0) FROM "
                                  "activity_types WHERE family_id = ?1");
    if (v_ok(&v) && st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, in.key) &&
        sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 1))
            v_error(&v, "key", "is taken by another of this family's types (archived ones too)");
        else if (sqlite3_column_int(st, 0) >= ACTTYPE_MAX_TYPES)
            v_error(&v, "key", "a family has at most 40 activity types");
    }
    if (st)
        sqlite3_reset(st);
    if (!v_accept(r, &v)) {
        acttype_in_free(&in);
        return;
    }
    char id[37];
    uuid_v4(id);
    char *texts[NTEXTS];
    print_parts(&in, texts);
    int64_t now = now_ms(), seq = entry_next_seq(d);
    st = db_stmt(d, "INSERT INTO activity_types (id, family_id, key, names, icon, colour, "
                    "subject_ids, fields, archived, created_at, updated_at, seq) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, '[]'), ?8, ?9, ?10, ?10, ?11)");
    bool ok = texts[NAMES] && texts[FIELDS] && seq > 0 && st && db_bind_text(st, 1, id) &&
              db_bind_text(st, 2, fid) && db_bind_text(st, 3, in.key) &&
              db_bind_text(st, 4, texts[NAMES]) && db_bind_text(st, 5, in.icon ? in.icon : "⭐") &&
              db_bind_text(st, 6, in.colour ? in.colour : catalogue()->colours[0]) &&
              db_bind_text(st, 7, texts[PEOPLE]) && db_bind_text(st, 8, texts[FIELDS]) &&
              db_bind_int64(st, 9, in.archived) && db_bind_int64(st, 10, now) &&
              db_bind_int64(st, 11, seq) && db_step_done(d, st);
    if (!write_done(r, &in, texts, ok))
        return;
    audit_record(r, d, fid, "activity_type_added", id, NULL);
    reply_type(r, id, 201);
}

/* The stored fields of a type of this family (NULL: none such, answered). */
static cJSON *stored_fields(struct request *r, const char *tid)
{
    sqlite3_stmt *st =
        db_stmt(r->db, "SELECT fields FROM activity_types WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, tid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such activity type");
        return NULL;
    }
    cJSON *fields = cJSON_Parse(db_col_text(st, 0));
    sqlite3_reset(st);
    if (!cJSON_IsArray(fields)) {
        cJSON_Delete(fields);
        resp_internal(r);
        return NULL;
    }
    return fields;
}

static void type_patch(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *tid = req_param(r, "tid");
    cJSON *old = stored_fields(r, tid);
    if (!old)
        return;
    struct vobj v;
    struct acttype_in in;
    v_init(&v, r->json, NULL);
    acttype_read(&v, d, fid, old, &in);
    cJSON_Delete(old);
    if (!v_accept(r, &v)) {
        acttype_in_free(&in);
        return;
    }
    char *texts[NTEXTS];
    print_parts(&in, texts);
    int64_t seq = entry_next_seq(d);
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE activity_types SET names = coalesce(?1, names), icon = coalesce(?2, "
                   "icon), colour = coalesce(?3, colour), subject_ids = coalesce(?4, "
                   "subject_ids), fields = coalesce(?5, fields), archived = coalesce(?6, "
                   "archived), version = version + 1, updated_at = ?7, seq = ?8 "
                   "WHERE id = ?9 AND family_id = ?10");
    bool ok = seq > 0 && st && db_bind_text(st, 1, texts[NAMES]) && db_bind_text(st, 2, in.icon) &&
              db_bind_text(st, 3, in.colour) && db_bind_text(st, 4, texts[PEOPLE]) &&
              db_bind_text(st, 5, texts[FIELDS]) &&
              (in.has_archived ? db_bind_int64(st, 6, in.archived)
                               : sqlite3_bind_null(st, 6) == SQLITE_OK) &&
              db_bind_int64(st, 7, now_ms()) && db_bind_int64(st, 8, seq) &&
              db_bind_text(st, 9, tid) && db_bind_text(st, 10, fid) && db_step_done(d, st);
    if (!write_done(r, &in, texts, ok))
        return;
    audit_changed(r, d, fid, "activity_type_changed", tid, NULL);
    reply_type(r, tid, 200);
}

static void type_delete(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id, *tid = req_param(r, "tid");
    /* used: any entry of it, tombstones too (a delete still syncs with its type) */
    sqlite3_stmt *st = db_stmt(
        d, "SELECT EXISTS (SELECT 1 FROM entries WHERE family_id = ?2 AND type = '" ACTTYPE_PREFIX
           "' || "
           "t.key) FROM activity_types t WHERE t.id = ?1 AND t.family_id = ?2");
    if (!st || !db_bind_text(st, 1, tid) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_error(r, 404, "not_found", "No such activity type");
        return;
    }
    bool used = sqlite3_column_int(st, 0) == 1;
    sqlite3_reset(st);
    if (used) {
        int64_t seq = entry_next_seq(d);
        st = db_stmt(d, "UPDATE activity_types SET archived = 1, version = version + 1, "
                        "updated_at = ?1, seq = ?2 WHERE id = ?3 AND family_id = ?4");
        if (seq <= 0 || !st || !db_bind_int64(st, 1, now_ms()) || !db_bind_int64(st, 2, seq) ||
            !db_bind_text(st, 3, tid) || !db_bind_text(st, 4, fid) || !db_step_done(d, st)) {
            resp_internal(r);
            return;
        }
        audit_record(r, d, fid, "activity_type_archived", tid, NULL);
        reply_type(r, tid, 200);
        return;
    }
    /* A type nothing was logged with goes with the reminders that wait for
     * it ("every 24 h since the last bath"): none of them could ever fire. */
    st = db_stmt(
        d, "DELETE FROM reminders WHERE family_id = ?2 AND entry_type = (SELECT '" ACTTYPE_PREFIX
           "' || key FROM activity_types WHERE id = ?1 AND family_id = ?2)");
    if (!st || !db_bind_text(st, 1, tid) || !db_bind_text(st, 2, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    st = db_stmt(d, "DELETE FROM activity_types WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, tid) || !db_bind_text(st, 2, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "activity_type_removed", tid, NULL);
    resp_no_content(r);
}

CARELOG_PROGRAM(activity_types, NULL, NULL)
