/* families.c — families and who is in them: the family itself (name, time
 * zone, notes, archive), the people cared for ("subjects") and their
 * profiles (what an emergency card shows), members and their roles,
 * invite/access links, and the family's audit log. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/care.h"
#include "data/docstore.h"
#include "data/catalogue.h"
#include "data/links.h"
#include "mail/mail.h"
#include "push/notify.h"
#include "push/pushmsg.h"
#include "security/reset.h"
#include "security/secret.h"
#include "data/tz.h"

static void families_get(struct request *r);
static void family_post(struct request *r);
static void family_get(struct request *r);
static void family_patch(struct request *r);
static void family_archive(struct request *r);
static void family_unarchive(struct request *r);
static void family_delete(struct request *r);
static void subjects_get(struct request *r);
static void subject_post(struct request *r);
static void subject_patch(struct request *r);
static void subject_delete(struct request *r);
static void profile_get(struct request *r);
static void profile_put(struct request *r);
static void members_get(struct request *r);
static void member_patch(struct request *r);
static void member_delete(struct request *r);
static void member_reset_link(struct request *r);
static void links_get(struct request *r);
static void link_post(struct request *r);
static void link_delete(struct request *r);
static void audit_get(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families", families_get, ACCESS_SESSION, 0},
    {"POST", "/api/v1/families", family_post, ACCESS_ACCOUNT, ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}", family_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}", family_patch, ACCESS_OWNER, ROUTE_JSON | ROUTE_WRITE},
    {"POST", "/api/v1/families/{fid}/archive", family_archive, ACCESS_OWNER,
     ROUTE_ARCHIVED_OK | ROUTE_WRITE},
    {"POST", "/api/v1/families/{fid}/unarchive", family_unarchive, ACCESS_OWNER,
     ROUTE_ARCHIVED_OK | ROUTE_WRITE},
    /* Runs its own transaction: the vault's files go once it has committed. */
    {"DELETE", "/api/v1/families/{fid}", family_delete, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_ARCHIVED_OK},
    {"GET", "/api/v1/families/{fid}/subjects", subjects_get, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families/{fid}/subjects", subject_post, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    {"PATCH", "/api/v1/families/{fid}/subjects/{sid}", subject_patch, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/subjects/{sid}", subject_delete, ACCESS_OWNER, ROUTE_WRITE},
    /* The profile is care data: caregivers keep it up to date, viewers read
     * it (the emergency card); the person itself (name, kind) is the owner's. */
    {"GET", "/api/v1/families/{fid}/people/{sid}/profile", profile_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/people/{sid}/profile", profile_put, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/members", members_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/members/{mid}", member_patch, ACCESS_OWNER,
     ROUTE_JSON | ROUTE_WRITE},
    /* Any member may remove themselves (leave); owners may remove anyone. */
    {"DELETE", "/api/v1/families/{fid}/members/{mid}", member_delete, ACCESS_VIEWER,
     ROUTE_ARCHIVED_OK | ROUTE_WRITE},
    /* A one-time sign-in link for a member who cannot get in (the member
     * sets a new password with it); an account matter, so archived is ok. */
    {"POST", "/api/v1/families/{fid}/members/{mid}/reset-link", member_reset_link, ACCESS_OWNER,
     ROUTE_ARCHIVED_OK | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/links", links_get, ACCESS_OWNER, 0},
    {"POST", "/api/v1/families/{fid}/links", link_post, ACCESS_OWNER, ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/links/{lid}", link_delete, ACCESS_OWNER,
     ROUTE_ARCHIVED_OK | ROUTE_WRITE},
    {"GET", "/api/v1/families/{fid}/audit", audit_get, ACCESS_OWNER, 0},
};

static const char *const sexes[] = {"female", "male", NULL};
static const char *const locales[] = {"en", "he", "fr", NULL};
/* The kinds of people and the colours given to new ones in turn come from
 * the entry catalogue, which the app's person form reads too: a colour it
 * offers is one the server gives. */

/* ---------- families ---------- */

#define FAMILY_COLUMNS                                                                             \
    "f.id, f.name, f.timezone, f.notes, f.archived_at IS NOT NULL, f.created_at, f.updated_at, "   \
    "f.sleep_guidance"

static cJSON *family_json_row(sqlite3_stmt *st, const char *role)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(f, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(f, "timezone", db_col_text(st, 2));
    cJSON_AddStringToObject(f, "notes", db_col_text(st, 3));
    cJSON_AddBoolToObject(f, "archived", sqlite3_column_int(st, 4) == 1);
    cJSON_AddNumberToObject(f, "created_at", (double)sqlite3_column_int64(st, 5));
    cJSON_AddNumberToObject(f, "updated_at", (double)sqlite3_column_int64(st, 6));
    cJSON_AddBoolToObject(f, "sleep_guidance", sqlite3_column_int(st, 7) == 1);
    cJSON_AddStringToObject(f, "role", role);
    return f;
}

static void reply_family(struct request *r, struct db *d, const char *fid, int status)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " FAMILY_COLUMNS " FROM families f WHERE f.id = ?");
    if (!st || !db_bind_text(st, 1, fid) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such family");
        return;
    }
    resp_json(r, status, family_json_row(st, role_name(r->session->role)));
}

static void families_get(struct request *r)
{
    struct db *d = r->db;
    const struct session *s = r->session;
    const char *all = NULL;
    bool every = req_query(r, "all", &all) == 1 && strcmp(all, "1") == 0 && s->is_admin;
    /* The admin (the consultant) may list every client family. */
    sqlite3_stmt *st = db_stmt(
        d, "SELECT " FAMILY_COLUMNS ", coalesce(m.role, 'owner') FROM families f "
           "LEFT JOIN members m ON m.family_id = f.id AND m.removed_at IS NULL "
           "AND (m.user_id = ?1 OR m.id = ?2) WHERE m.id IS NOT NULL OR ?3 ORDER BY f.name, f.id");
    if (!st || !db_bind_text(st, 1, s->is_guest ? NULL : s->user_id) ||
        !db_bind_text(st, 2, s->is_guest ? s->member_id : NULL) || !db_bind_int64(st, 3, every)) {
        resp_internal(r);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(list, family_json_row(st, db_col_text(st, 8)));
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "families", list);
    resp_json(r, 200, body);
}

static void check_timezone(struct vobj *v, const char *tz)
{
    if (tz && !tz_name_is_valid(tz))
        v_error(v, "timezone", "must be an IANA time zone such as Europe/London");
}

static void family_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL, *tz = NULL, *notes = "";
    v_string(&v, "name", V_REQUIRED, 1, 80, &name);
    if (v_string(&v, "timezone", V_REQUIRED, 1, TZ_NAME_MAX, &tz))
        check_timezone(&v, tz);
    v_string(&v, "notes", V_MULTILINE, 0, 4000, &notes);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    char fid[37], mid[37];
    uuid_v4(fid);
    uuid_v4(mid);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO families (id, name, timezone, notes, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, name) &&
              db_bind_text(st, 3, tz) && db_bind_text(st, 4, notes) && db_bind_int64(st, 5, now) &&
              db_bind_int64(st, 6, now) && db_step_done(d, st);
    st = db_stmt(d, "INSERT INTO members (id, family_id, user_id, role, created_at) "
                    "VALUES (?, ?, ?, 'owner', ?)");
    ok = ok && st && db_bind_text(st, 1, mid) && db_bind_text(st, 2, fid) &&
         db_bind_text(st, 3, r->session->user_id) && db_bind_int64(st, 4, now) &&
         db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    r->session->role = ROLE_OWNER;
    snprintf(r->session->family_member_id, sizeof r->session->family_member_id, "%s", mid);
    audit_record(r, d, fid, "family_created", fid, NULL);
    reply_family(r, d, fid, 201);
}

static void family_get(struct request *r)
{
    reply_family(r, r->db, r->session->family_id, 200);
}

static void family_patch(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL, *tz = NULL, *notes = NULL;
    bool has_name = v_string(&v, "name", 0, 1, 80, &name);
    bool has_tz = v_string(&v, "timezone", 0, 1, TZ_NAME_MAX, &tz);
    bool has_notes = v_string(&v, "notes", V_MULTILINE, 0, 4000, &notes);
    bool guidance = true;
    bool has_guidance = v_bool(&v, "sleep_guidance", 0, &guidance);
    if (has_tz)
        check_timezone(&v, tz);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "UPDATE families SET name = coalesce(?, name), "
                                  "timezone = coalesce(?, timezone), notes = coalesce(?, notes), "
                                  "updated_at = ?, sleep_guidance = coalesce(?, sleep_guidance) "
                                  "WHERE id = ?");
    if (!st || !db_bind_text(st, 1, has_name ? name : NULL) ||
        !db_bind_text(st, 2, has_tz ? tz : NULL) ||
        !db_bind_text(st, 3, has_notes ? notes : NULL) || !db_bind_int64(st, 4, now_ms()) ||
        !(has_guidance ? db_bind_int64(st, 5, guidance) : sqlite3_bind_null(st, 5) == SQLITE_OK) ||
        !db_bind_text(st, 6, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    cJSON *changed = cJSON_CreateArray();
    if (has_name)
        cJSON_AddItemToArray(changed, cJSON_CreateString("name"));
    if (has_tz)
        cJSON_AddItemToArray(changed, cJSON_CreateString("timezone"));
    if (has_notes)
        cJSON_AddItemToArray(changed, cJSON_CreateString("notes"));
    if (has_guidance)
        cJSON_AddItemToArray(changed, cJSON_CreateString("sleep_guidance"));
    audit_changed(r, d, fid, "family_updated", fid, changed);
    reply_family(r, d, fid, 200);
}

static void family_set_archived(struct request *r, bool archived)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE families SET archived_at = CASE WHEN ? THEN "
                                  "coalesce(archived_at, ?) END, updated_at = ? WHERE id = ?");
    if (!st || !db_bind_int64(st, 1, archived) || !db_bind_int64(st, 2, now) ||
        !db_bind_int64(st, 3, now) || !db_bind_text(st, 4, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, archived ? "family_archived" : "family_unarchived", fid, NULL);
    reply_family(r, d, fid, 200);
}

static void family_archive(struct request *r)
{
    family_set_archived(r, true);
}

static void family_unarchive(struct request *r)
{
    family_set_archived(r, false);
}

/* DELETE /families/{fid} {"confirm": "<the family's name>"}: the family and
 * everything in it, by the schema's cascades (people, entries, care records,
 * documents, members, links, its audit log); the members' open streams end
 * (sql/006's triggers), and the vault's files are removed once committed.
 * Typing the name is the guard against a tap in the wrong place: there is no
 * undo. One line in the program log says it happened, without the name. */
static void family_delete(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *confirm = NULL;
    v_string(&v, "confirm", V_REQUIRED, 1, 80, &confirm);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    if (!req_begin(r))
        return;
    sqlite3_stmt *st = db_stmt(d, "SELECT name FROM families WHERE id = ?");
    bool same = st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW &&
                strcmp(db_col_text(st, 0), confirm) == 0;
    if (st)
        sqlite3_reset(st);
    if (!same) {
        db_rollback(d);
        resp_field_error(r, "confirm", "must be the family's name, as it is written");
        return;
    }
    st = db_stmt(d, "DELETE FROM families WHERE id = ?");
    if (!st || !db_bind_text(st, 1, fid) || !db_step_done(d, st)) {
        db_rollback(d);
        resp_internal(r);
        return;
    }
    if (!req_commit(r))
        return;
    log_event("info", "family_deleted", fid);
    if (docstore_sweep(d, 100000) < 0)
        log_event("warn", "family_deleted", "document files left for the next sweep");
    resp_no_content(r);
}

/* ---------- subjects (people cared for) ---------- */

#define SUBJECT_COLUMNS "id, name, kind, birth_date, sex, colour, created_at, updated_at"

static cJSON *subject_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "kind", db_col_text(st, 2));
    json_col_text(o, "birth_date", st, 3);
    json_col_text(o, "sex", st, 4);
    cJSON_AddStringToObject(o, "colour", db_col_text(st, 5));
    cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 6));
    cJSON_AddNumberToObject(o, "updated_at", (double)sqlite3_column_int64(st, 7));
    return o;
}

static void reply_subject(struct request *r, struct db *d, const char *sid, int status)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " SUBJECT_COLUMNS " FROM subjects WHERE id = ? AND "
                                  "family_id = ? AND deleted_at IS NULL");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such person in this family");
        return;
    }
    resp_json(r, status, subject_json_row(st));
}

static void subjects_get(struct request *r)
{
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT " SUBJECT_COLUMNS " FROM subjects WHERE family_id = ?1 "
           "AND deleted_at IS NULL AND " ACCESS_SUBJECT_IN("id", 2) " "
                                                                    "ORDER BY created_at, id");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !access_bind_subjects(r, st, 2)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "subjects", subject_json_row);
}

/* The fields shared by create and update, validated the same way. */
struct subject_fields {
    const char *name, *kind, *birth_date, *sex, *colour;
    bool has_name, has_kind, has_birth_date, has_sex, has_colour;
    bool clear_birth_date, clear_sex;
};

static bool colour_is_valid(const char *c)
{
    if (strlen(c) != 7 || c[0] != '#')
        return false;
    for (int i = 1; i < 7; i++)
        if (!strchr("0123456789abcdefABCDEF", c[i]))
            return false;
    return true;
}

static void subject_fields_read(struct vobj *v, struct subject_fields *f, bool creating)
{
    memset(f, 0, sizeof *f);
    unsigned req = creating ? V_REQUIRED : 0;
    f->has_name = v_string(v, "name", req, 1, 60, &f->name);
    f->has_kind = v_enum(v, "kind", req, catalogue()->person_kinds, &f->kind);
    f->clear_birth_date = v_is_null(v, "birth_date");
    f->has_birth_date = v_string(v, "birth_date", V_NULLABLE, 1, 10, &f->birth_date);
    f->clear_sex = v_is_null(v, "sex");
    f->has_sex = v_enum(v, "sex", V_NULLABLE, sexes, &f->sex);
    f->has_colour = v_string(v, "colour", 0, 1, 7, &f->colour);
    struct date born;
    if (f->has_birth_date) {
        /* "Today" where it is latest on Earth (UTC+14), so no zone's today is
         * refused as being in the future. */
        struct date today = tz_date_at(tz_get("UTC"), now_ms() + 14 * 3600 * 1000LL);
        if (!date_parse(f->birth_date, &born) || born.year < 1900)
            v_error(v, "birth_date", "must be a date as YYYY-MM-DD");
        else if (date_to_days(born) > date_to_days(today))
            v_error(v, "birth_date", "must not be in the future");
    }
    if (f->has_colour && !colour_is_valid(f->colour))
        v_error(v, "colour", "must be a colour as #rrggbb");
}

static void subject_post(struct request *r)
{
    struct vobj v;
    struct subject_fields f;
    v_init(&v, r->json, NULL);
    subject_fields_read(&v, &f, true);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    const char *colour = f.colour;
    if (!f.has_colour) {
        sqlite3_stmt *c = db_stmt(d, "SELECT count(*) FROM subjects WHERE family_id = ?");
        int n = (c && db_bind_text(c, 1, fid) && sqlite3_step(c) == SQLITE_ROW)
                    ? sqlite3_column_int(c, 0)
                    : 0;
        const struct catalogue *cat = catalogue();
        colour = cat->colours[(size_t)n % cat->ncolours];
    }
    char sid[37];
    uuid_v4(sid);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO subjects (id, family_id, name, kind, birth_date, "
                                  "sex, colour, created_at, updated_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, lower(?), ?, ?)");
    bool ok = st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, f.name) && db_bind_text(st, 4, f.kind) &&
              db_bind_text(st, 5, f.has_birth_date ? f.birth_date : NULL) &&
              db_bind_text(st, 6, f.has_sex ? f.sex : NULL) && db_bind_text(st, 7, colour) &&
              db_bind_int64(st, 8, now) && db_bind_int64(st, 9, now) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "subject_added", sid, NULL);
    reply_subject(r, d, sid, 201);
}

static void subject_patch(struct request *r)
{
    struct vobj v;
    struct subject_fields f;
    v_init(&v, r->json, NULL);
    subject_fields_read(&v, &f, false);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *sid = req_param(r, "sid");
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE subjects SET name = coalesce(?1, name), kind = coalesce(?2, kind), "
                   "birth_date = CASE WHEN ?3 THEN NULL ELSE coalesce(?4, birth_date) END, "
                   "sex = CASE WHEN ?5 THEN NULL ELSE coalesce(?6, sex) END, "
                   "colour = coalesce(lower(?7), colour), updated_at = ?8 "
                   "WHERE id = ?9 AND family_id = ?10 AND deleted_at IS NULL");
    bool ok = st && db_bind_text(st, 1, f.has_name ? f.name : NULL) &&
              db_bind_text(st, 2, f.has_kind ? f.kind : NULL) &&
              db_bind_int64(st, 3, f.clear_birth_date) &&
              db_bind_text(st, 4, f.has_birth_date ? f.birth_date : NULL) &&
              db_bind_int64(st, 5, f.clear_sex) && db_bind_text(st, 6, f.has_sex ? f.sex : NULL) &&
              db_bind_text(st, 7, f.has_colour ? f.colour : NULL) &&
              db_bind_int64(st, 8, now_ms()) && db_bind_text(st, 9, sid) &&
              db_bind_text(st, 10, r->session->family_id) && db_step_done(d, st);
    if (!ok) {
        resp_internal(r);
        return;
    }
    reply_subject(r, d, sid, 200); /* 404 when it was not this family's */
}

static void subject_delete(struct request *r)
{
    struct db *d = r->db;
    const char *sid = req_param(r, "sid");
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE subjects SET deleted_at = ?, updated_at = ? "
                                  "WHERE id = ? AND family_id = ? AND deleted_at IS NULL");
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, now) ||
        !db_bind_text(st, 3, sid) || !db_bind_text(st, 4, r->session->family_id) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) == 0) {
        resp_error(r, 404, "not_found", "No such person in this family");
        return;
    }
    audit_record(r, d, r->session->family_id, "subject_removed", sid, NULL);
    resp_no_content(r);
}

/* ---------- profiles (the emergency card) ---------- */

static void reply_profile(struct request *r, struct db *d, const char *sid, int status)
{
    if (!access_subject_ok(r, sid)) {
        resp_error(r, 404, "not_found", "No such person in this family");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, PROFILE_SELECT "WHERE s.id = ? AND s.family_id = ? "
                                                 "AND s.deleted_at IS NULL");
    if (!st || !db_bind_text(st, 1, sid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such person in this family");
        return;
    }
    resp_json(r, status, profile_json_row(st));
}

static void profile_get(struct request *r)
{
    reply_profile(r, r->db, req_param(r, "sid"), 200);
}

static const char *const blood_types[] = {"A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", NULL};

static void check_phone(struct vobj *v, const char *name, const char *phone)
{
    if (phone && *phone && !phone_is_valid(phone))
        v_error(v, name, "must be a phone number (digits, spaces, + - . ( ))");
}

/* {name, address, phone} of a doctor or a hospital, all optional. */
static cJSON *place_read(struct vobj *v, const char *name)
{
    const cJSON *o = NULL;
    cJSON *out = cJSON_CreateObject();
    const char *n = "", *a = "", *ph = "";
    if (v_object(v, name, V_NULLABLE, &o)) {
        struct vobj pv;
        v_init_nested(&pv, v, o, name);
        v_string(&pv, "name", 0, 0, 100, &n);
        v_string(&pv, "address", V_MULTILINE, 0, 300, &a);
        if (v_string(&pv, "phone", 0, 0, 40, &ph))
            check_phone(&pv, "phone", ph);
        v_finish(&pv);
    } else {
        v_is_null(v, name);
    }
    cJSON_AddStringToObject(out, "name", n ? n : "");
    cJSON_AddStringToObject(out, "address", a ? a : "");
    cJSON_AddStringToObject(out, "phone", ph ? ph : "");
    return out;
}

/* The whole profile from a PUT body, normalised (every key, in order). */
static cJSON *profile_read(struct vobj *v)
{
    cJSON *out = cJSON_CreateObject();
    const char *blood = NULL, *allergies = "", *conditions = "", *insurance = "", *notes = "";
    const cJSON *contacts = NULL;
    if (v_enum(v, "blood_type", V_NULLABLE, blood_types, &blood))
        cJSON_AddStringToObject(out, "blood_type", blood);
    else
        cJSON_AddNullToObject(out, "blood_type");
    v_string(v, "allergies", V_MULTILINE, 0, 2000, &allergies);
    cJSON_AddStringToObject(out, "allergies", allergies ? allergies : "");
    v_string(v, "conditions", V_MULTILINE, 0, 2000, &conditions);
    cJSON_AddStringToObject(out, "conditions", conditions ? conditions : "");
    cJSON_AddItemToObject(out, "gp", place_read(v, "gp"));
    cJSON_AddItemToObject(out, "hospital", place_read(v, "hospital"));
    v_string(v, "insurance_number", 0, 0, 60, &insurance);
    cJSON_AddStringToObject(out, "insurance_number", insurance ? insurance : "");
    cJSON *list = cJSON_AddArrayToObject(out, "emergency_contacts");
    v_array(v, "emergency_contacts", 0, 8, &contacts);
    int i = 0;
    for (const cJSON *c = contacts ? contacts->child : NULL; c; c = c->next, i++) {
        char name[40];
        snprintf(name, sizeof name, "emergency_contacts[%d]", i);
        struct vobj cv;
        v_init_nested(&cv, v, c, name);
        const char *n = NULL, *rel = "", *ph = NULL;
        v_string(&cv, "name", V_REQUIRED, 1, 100, &n);
        v_string(&cv, "relation", 0, 0, 60, &rel);
        if (v_string(&cv, "phone", V_REQUIRED, 1, 40, &ph))
            check_phone(&cv, "phone", ph);
        v_finish(&cv);
        cJSON *one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "name", n ? n : "");
        cJSON_AddStringToObject(one, "relation", rel ? rel : "");
        cJSON_AddStringToObject(one, "phone", ph ? ph : "");
        cJSON_AddItemToArray(list, one);
    }
    v_string(v, "notes", V_MULTILINE, 0, 4000, &notes);
    cJSON_AddStringToObject(out, "notes", notes ? notes : "");
    return out;
}

/* A PUT replaces the whole profile (a field left out is emptied), so the
 * form and the API say the same thing; `version` (the one read) makes a
 * stale form answer 409 instead of overwriting another caregiver's edit. */
static void profile_put(struct request *r)
{
    struct db *d = r->db;
    const char *sid = req_param(r, "sid"), *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT s.birth_date, p.data, coalesce(p.seq, 0) FROM subjects s "
                                  "LEFT JOIN subject_profiles p ON p.subject_id = s.id "
                                  "WHERE s.id = ? AND s.family_id = ? AND s.deleted_at IS NULL");
    if (!access_subject_visible(r, sid) || !st || !db_bind_text(st, 1, sid) ||
        !db_bind_text(st, 2, fid) || sqlite3_step(st) != SQLITE_ROW) {
        resp_error(r, 404, "not_found", "No such person in this family");
        return;
    }
    char *old_birth = req_strdup(r, db_col_text(st, 0));
    cJSON *old = cJSON_Parse(db_col_text(st, 1));
    int64_t current = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    struct vobj v;
    v_init(&v, r->json, NULL);
    int64_t expected = 0;
    bool has_version = v_int(&v, "version", 0, 0, INT64_MAX / 2, &expected);
    /* The date of birth lives with the person (subjects.birth_date): left
     * out it stays as it is, null clears it. */
    const char *birth = NULL;
    bool birth_given = v_has(&v, "birth_date");
    bool has_birth = v_string(&v, "birth_date", V_NULLABLE, 1, 10, &birth);
    struct date born;
    if (has_birth && (!date_parse(birth, &born) || born.year < 1900))
        v_error(&v, "birth_date", "must be a date as YYYY-MM-DD");
    else if (has_birth && date_to_days(born) >
                              date_to_days(tz_date_at(tz_get("UTC"), now_ms() + 14 * 3600000LL)))
        v_error(&v, "birth_date", "must not be in the future");
    /* Echoes of what GET answers are accepted and ignored. */
    v_is_null(&v, "subject_id");
    v_is_null(&v, "updated_at");
    v_is_null(&v, "updated_by");
    cJSON *data = profile_read(&v);
    if (!v_finish(&v)) {
        cJSON_Delete(old);
        cJSON_Delete(data);
        v_reply(r, &v);
        return;
    }
    v_free(&v);
    if (has_version && expected != current) {
        cJSON_Delete(old);
        cJSON_Delete(data);
        resp_error(r, 409, "stale", "The profile was changed meanwhile; reload it");
        return;
    }
    /* What changed, by name only: the audit log never holds the values. */
    cJSON *changed = cJSON_CreateArray();
    for (const char *const *k = profile_keys; *k; k++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(old, *k),
                    *b = cJSON_GetObjectItemCaseSensitive(data, *k);
        if (!old || !cJSON_Compare(a, b, true))
            cJSON_AddItemToArray(changed, cJSON_CreateString(*k));
    }
    if (birth_given && strcmp(old_birth, has_birth ? birth : "") != 0)
        cJSON_AddItemToArray(changed, cJSON_CreateString("birth_date"));
    cJSON_Delete(old);
    char *text = cJSON_PrintUnformatted(data);
    cJSON_Delete(data);
    sqlite3_stmt *seq = db_stmt(d, "UPDATE seq_counter SET value = value + 1 WHERE id = 1 "
                                   "RETURNING value");
    int64_t next = (seq && sqlite3_step(seq) == SQLITE_ROW) ? sqlite3_column_int64(seq, 0) : -1;
    if (seq)
        sqlite3_reset(seq);
    const char *me = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    st = db_stmt(d, "INSERT INTO subject_profiles (subject_id, family_id, data, updated_by, "
                    "updated_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (subject_id) "
                    "DO UPDATE SET data = ?3, updated_by = ?4, updated_at = ?5, seq = ?6");
    bool ok = text && next > 0 && st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, text) && db_bind_text(st, 4, me) &&
              db_bind_int64(st, 5, now_ms()) && db_bind_int64(st, 6, next) && db_step_done(d, st);
    free(text);
    st = db_stmt(d, "UPDATE subjects SET birth_date = ?, updated_at = ? WHERE id = ?");
    ok = ok && (!birth_given || (st && db_bind_text(st, 1, has_birth ? birth : NULL) &&
                                 db_bind_int64(st, 2, now_ms()) && db_bind_text(st, 3, sid) &&
                                 db_step_done(d, st)));
    if (!ok) {
        cJSON_Delete(changed);
        resp_internal(r);
        return;
    }
    audit_changed(r, d, fid, "profile_updated", sid, changed);
    reply_profile(r, d, sid, 200);
}

/* ---------- members ---------- */

static cJSON *member_json_row(struct request *r, sqlite3_stmt *st)
{
    /* columns: id, name, role, is_guest, created_at, email */
    cJSON *o = cJSON_CreateObject();
    const char *id = db_col_text(st, 0);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "role", db_col_text(st, 2));
    bool guest = sqlite3_column_int(st, 3) == 1;
    cJSON_AddStringToObject(o, "kind", guest ? "guest" : "account");
    cJSON_AddBoolToObject(o, "is_me", strcmp(id, r->session->family_member_id) == 0);
    cJSON_AddNumberToObject(o, "joined_at", (double)sqlite3_column_int64(st, 4));
    if (!guest && r->session->role == ROLE_OWNER)
        cJSON_AddStringToObject(o, "email", db_col_text(st, 5));
    /* The people they may see (null: everyone): for owners, and for oneself. */
    if (r->session->role == ROLE_OWNER || strcmp(id, r->session->family_member_id) == 0)
        links_add_subjects(o, st, 6);
    return o;
}

#define MEMBER_SELECT                                                                              \
    "SELECT m.id, coalesce(u.name, m.guest_name), m.role, m.user_id IS NULL, m.created_at, "       \
    "coalesce(u.email, ''), m.subject_ids FROM members m LEFT JOIN users u ON u.id = m.user_id "

static void members_get(struct request *r)
{
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(d, MEMBER_SELECT "WHERE m.family_id = ? AND m.removed_at IS NULL "
                                                "ORDER BY m.created_at, m.id");
    if (!st || !db_bind_text(st, 1, r->session->family_id)) {
        resp_internal(r);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(list, member_json_row(r, st));
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "members", list);
    resp_json(r, 200, body);
}

/* The member's role in this family, or NULL when not an active member. */
static const char *member_role(struct request *r, struct db *d, const char *mid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT role FROM members WHERE id = ? AND family_id = ? "
                                  "AND removed_at IS NULL");
    if (!st || !db_bind_text(st, 1, mid) || !db_bind_text(st, 2, r->session->family_id) ||
        sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    return req_strdup(r, db_col_text(st, 0));
}

/* True when `mid` is the only active owner left. */
static bool is_last_owner(struct request *r, struct db *d, const char *mid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*) FROM members WHERE family_id = ? AND "
                                  "role = 'owner' AND removed_at IS NULL AND id <> ?");
    return st && db_bind_text(st, 1, r->session->family_id) && db_bind_text(st, 2, mid) &&
           sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
}

/* ---------- telling a member what happened to their membership ---------- */

struct member_news {
    const char *family_name, *role; /* role: the new one, or NULL when removed */
    const char *family_id;
};

static cJSON *member_news_payload(const void *ctx, int lang)
{
    const struct member_news *x = ctx;
    const char *const *w = push_words(lang);
    char body[400], url[80], tag[48];
    const char *role = !x->role                            ? ""
                       : strcmp(x->role, "owner") == 0     ? w[W_ROLE_OWNER]
                       : strcmp(x->role, "caregiver") == 0 ? w[W_ROLE_CAREGIVER]
                                                           : w[W_ROLE_VIEWER];
    if (x->role)
        snprintf(body, sizeof body, w[W_ROLE_NOW], x->family_name, role);
    else
        snprintf(body, sizeof body, w[W_REMOVED_FROM], x->family_name);
    if (x->role)
        snprintf(url, sizeof url, "/?family=%s", x->family_id);
    else
        snprintf(url, sizeof url, "/");
    snprintf(tag, sizeof tag, "family-%.8s", x->family_id);
    return push_payload_new(lang, x->role ? "role_changed" : "removed", x->family_id,
                            w[x->role ? W_ROLE_CHANGED : W_REMOVED], body, url, tag);
}

/* The member's inbox (and push) hears of a new role (role set) or of their
 * removal (role NULL). */
static bool tell_member(struct request *r, struct db *d, const char *mid, const char *role)
{
    const char *fid = r->session->family_id;
    sqlite3_stmt *st = db_stmt(d, "SELECT name, timezone FROM families WHERE id = ?");
    if (!st || !db_bind_text(st, 1, fid) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        return false;
    }
    char name[256], zone[64], dedupe[96];
    snprintf(name, sizeof name, "%s", db_col_text(st, 0));
    snprintf(zone, sizeof zone, "%s", db_col_text(st, 1));
    sqlite3_reset(st);
    int64_t now = now_ms();
    snprintf(dedupe, sizeof dedupe, "%s:%.36s@%lld", role ? "role" : "removed", mid,
             (long long)now);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "family_name", name);
    if (role)
        cJSON_AddStringToObject(data, "role", role);
    struct member_news news = {name, role, fid};
    struct notice n = {.family_id = fid,
                       .kind = role ? "role_changed" : "removed",
                       .about = "family",
                       .about_id = fid,
                       .data = data,
                       .dedupe = dedupe,
                       .urgency = "normal",
                       .ttl = 24 * 3600,
                       .quiet = QUIET_HOLD,
                       .zone = tz_get(zone),
                       .payload = member_news_payload,
                       .ctx = &news};
    struct notify_counts c = {0};
    bool ok = data && notify_member(d, mid, &n, now, &c);
    notice_done(&n);
    cJSON_Delete(data);
    return ok;
}

static void member_patch(struct request *r)
{
    struct db *d = r->db;
    const char *mid = req_param(r, "mid"), *fid = r->session->family_id;
    /* Not this family's member → 404 before anything is said about the body. */
    const char *old = member_role(r, d, mid);
    if (!old) {
        resp_error(r, 404, "not_found", "No such member");
        return;
    }
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *role = NULL, *subject_ids = NULL;
    bool has_role = v_enum(&v, "role", 0, family_roles, &role);
    bool has_subjects = links_read_subjects(r, &v, fid, has_role ? role : old, &subject_ids);
    if (v_ok(&v) && !has_role && !v_has(&v, "subject_ids"))
        v_error(&v, "role", "is required (or subject_ids)");
    if (!v_finish(&v)) {
        v_reply(r, &v);
        return;
    }
    v_free(&v);
    if (!has_role)
        role = old;
    if (strcmp(old, "owner") == 0 && strcmp(role, "owner") != 0 && is_last_owner(r, d, mid)) {
        resp_error(r, 409, "last_owner", "A family needs at least one owner");
        return;
    }
    /* Owners see everyone: becoming one lifts a limit. */
    bool lift = strcmp(role, "owner") == 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT subject_ids FROM members WHERE id = ?");
    const char *old_subjects = NULL;
    if (!st || !db_bind_text(st, 1, mid) || sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        old_subjects = req_strdup(r, db_col_text(st, 0));
    sqlite3_reset(st);
    st = db_stmt(d, "UPDATE members SET role = ?1, subject_ids = CASE WHEN ?4 THEN ?5 "
                    "WHEN ?6 THEN NULL ELSE subject_ids END WHERE id = ?2 AND family_id = ?3");
    if (!st || !db_bind_text(st, 1, role) || !db_bind_text(st, 2, mid) ||
        !db_bind_text(st, 3, fid) || !db_bind_int64(st, 4, has_subjects && !lift) ||
        !db_bind_text(st, 5, subject_ids) || !db_bind_int64(st, 6, lift || has_subjects) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (strcmp(old, role) != 0) {
        cJSON *detail = cJSON_CreateObject();
        cJSON_AddStringToObject(detail, "from", old);
        cJSON_AddStringToObject(detail, "to", role);
        audit_record(r, d, fid, "role_changed", mid, detail);
        if (!tell_member(r, d, mid, role)) {
            resp_internal(r);
            return;
        }
    }
    const char *new_subjects = lift ? NULL : has_subjects ? subject_ids : old_subjects;
    if ((old_subjects == NULL) != (new_subjects == NULL) ||
        (old_subjects && strcmp(old_subjects, new_subjects) != 0)) {
        cJSON *detail = cJSON_CreateObject();
        cJSON *from = old_subjects ? cJSON_Parse(old_subjects) : NULL;
        cJSON *to = new_subjects ? cJSON_Parse(new_subjects) : NULL;
        cJSON_AddItemToObject(detail, "from", from ? from : cJSON_CreateNull());
        cJSON_AddItemToObject(detail, "to", to ? to : cJSON_CreateNull());
        audit_record(r, d, fid, "member_people_changed", mid, detail);
    }
    st = db_stmt(d, MEMBER_SELECT "WHERE m.id = ?");
    if (!st || !db_bind_text(st, 1, mid) || sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    resp_json(r, 200, member_json_row(r, st));
}

static void member_delete(struct request *r)
{
    struct db *d = r->db;
    const char *mid = req_param(r, "mid"), *fid = r->session->family_id;
    bool self = strcmp(mid, r->session->family_member_id) == 0;
    if (!self && r->session->role != ROLE_OWNER) {
        resp_error(r, 403, "forbidden", "Only owners can remove other members");
        return;
    }
    const char *old = member_role(r, d, mid);
    if (!old) {
        resp_error(r, 404, "not_found", "No such member");
        return;
    }
    if (strcmp(old, "owner") == 0 && is_last_owner(r, d, mid)) {
        resp_error(r, 409, "last_owner", "A family needs at least one owner");
        return;
    }
    /* The row stays (the log names its authors); a guest's devices go. */
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE members SET removed_at = ? WHERE id = ? AND family_id = ?");
    bool ok = st && db_bind_int64(st, 1, now_ms()) && db_bind_text(st, 2, mid) &&
              db_bind_text(st, 3, fid) && db_step_done(d, st);
    st = db_stmt(d, "DELETE FROM sessions WHERE member_id = ?");
    ok = ok && st && db_bind_text(st, 1, mid) && db_step_done(d, st);
    /* Removed by an owner: told (leaving needs no news). */
    ok = ok && (self || tell_member(r, d, mid, NULL));
    if (!ok) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, self ? "member_left" : "member_removed", mid, NULL);
    resp_no_content(r);
}

/* The owner hands a member a way back in. The link is the member's account,
 * so an owner may make one only for an account that is in no family the
 * owner does not own as well, and never for the instance admin: otherwise
 * owning a family would be a way into other families, or into the whole
 * instance. The admin (who may act in every family) may for anyone. */
static void member_reset_link(struct request *r)
{
    struct db *d = r->db;
    const struct session *s = r->session;
    const char *mid = req_param(r, "mid"), *fid = s->family_id;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT m.user_id, coalesce(u.is_admin, 0), EXISTS (SELECT 1 FROM members o "
           "WHERE o.user_id = m.user_id AND o.removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
           "members w WHERE w.family_id = o.family_id AND w.user_id = ?3 AND w.role = 'owner' "
           "AND w.removed_at IS NULL)) FROM members m LEFT JOIN users u ON u.id = m.user_id "
           "WHERE m.id = ?1 AND m.family_id = ?2 AND m.removed_at IS NULL");
    if (!st || !db_bind_text(st, 1, mid) || !db_bind_text(st, 2, fid) ||
        !db_bind_text(st, 3, s->user_id)) {
        resp_internal(r);
        return;
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            resp_error(r, 404, "not_found", "No such member");
        else
            resp_internal(r);
        return;
    }
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        resp_error(r, 409, "guest_member",
                   "This member is a device link, not an account; make a new link instead");
        return;
    }
    const char *uid = req_strdup(r, db_col_text(st, 0));
    bool target_admin = sqlite3_column_int(st, 1) == 1, elsewhere = sqlite3_column_int(st, 2) == 1;
    sqlite3_reset(st);
    if (!uid) {
        resp_internal(r);
        return;
    }
    if (!s->is_admin && (target_admin || elsewhere)) {
        resp_error(r, 403, "forbidden",
                   target_admin ? "Only the console can reset the instance admin"
                                : "This person is also in a family you do not own; ask the "
                                  "instance admin for their reset link");
        return;
    }
    char token[TOKEN_LEN + 1], path[96];
    int64_t expires_at = 0;
    const char *via = s->is_admin && !s->family_member_id[0] ? RESET_VIA_ADMIN : RESET_VIA_OWNER;
    if (!reset_issue(d, uid, via, fid, s->user_id, RESET_LINK_HANDED_MS, token, &expires_at) ||
        !reset_path(token, path, sizeof path)) {
        resp_internal(r);
        return;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "via", via);
    audit_record(r, d, fid, "reset_link_created", mid, detail);
    cJSON *body = cJSON_CreateObject();
    char *url = req_printf(r, "%s%s", req_base_url(r), path);
    cJSON_AddStringToObject(body, "url", url ? url : path);
    cJSON_AddStringToObject(body, "token", token);
    json_add_int64(body, "expires_at", expires_at);
    resp_json(r, 201, body);
}

/* ---------- invite and access links (lib/data/links.c, shared with the console) ---------- */

static void links_get(struct request *r)
{
    links_reply(r, r->db, r->session->family_id);
}

/* Queues the invite (inside the route's transaction): from the inviter's
 * name, for the family's name, with the link made absolute. */
static bool invite_by_email(struct request *r, struct db *d, const char *email, const char *locale,
                            const char *role, const char *token)
{
    char inviter[128] = "", my_locale[8] = "en", family[256] = "", origin[512];
    /* The inviter may be a guest device with the owner's role: its name. */
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(u.name, m.guest_name, 'carelog'), "
                                  "coalesce(u.locale, 'en'), f.name FROM families f "
                                  "LEFT JOIN users u ON u.id = ?1 LEFT JOIN members m ON m.id = ?3 "
                                  "WHERE f.id = ?2");
    if (!st || !db_bind_text(st, 1, r->session->user_id) ||
        !db_bind_text(st, 2, r->session->family_id) ||
        !db_bind_text(st, 3, r->session->family_member_id) || sqlite3_step(st) != SQLITE_ROW)
        return false;
    snprintf(inviter, sizeof inviter, "%s", db_col_text(st, 0));
    snprintf(my_locale, sizeof my_locale, "%s", db_col_text(st, 1));
    snprintf(family, sizeof family, "%s", db_col_text(st, 2));
    sqlite3_reset(st);
    public_origin(origin, sizeof origin);
    char *url = req_printf(r, "%s/join/%s", origin, token);
    if (!url ||
        !mail_queue_invite(d, email, locale ? locale : my_locale, inviter, family, role, url))
        return false;
    audit_record(r, d, r->session->family_id, "invite_emailed", NULL, NULL);
    return true;
}

static void link_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *role = NULL, *label = NULL;
    int64_t expires_at = 0, max_uses = 0;
    v_enum(&v, "role", V_REQUIRED, family_roles, &role);
    v_string(&v, "label", V_REQUIRED, 1, 60, &label);
    bool has_expiry = v_epoch_ms(&v, "expires_at", V_NULLABLE, &expires_at);
    bool has_max = v_int(&v, "max_uses", V_NULLABLE, 1, 1000, &max_uses);
    /* An invite by email: the link goes to this address (in `locale`,
     * else the inviter's language) instead of being copied by hand. */
    char email[256];
    const char *locale = NULL;
    bool has_email = v_email(&v, "email", 0, email, sizeof email);
    v_enum(&v, "locale", 0, locales, &locale);
    if (has_expiry && expires_at <= now_ms())
        v_error(&v, "expires_at", "must be in the future");
    if (has_email && !mail_configured())
        v_error(&v, "email", "cannot be sent: email is not set up on this server");
    const char *subject_ids = NULL; /* the people it lets see (null: everyone) */
    links_read_subjects(r, &v, r->session->family_id, role, &subject_ids);
    if (!v_accept(r, &v))
        return;
    const char *creator = r->session->family_member_id[0] ? r->session->family_member_id : NULL;
    char token[TOKEN_LEN + 1];
    cJSON *body =
        links_create(r, r->db, r->session->family_id, role, label, has_expiry ? expires_at : 0,
                     has_max ? max_uses : 0, creator, subject_ids, token);
    if (!body || (has_email && !invite_by_email(r, r->db, email, locale, role, token))) {
        cJSON_Delete(body);
        resp_internal(r);
        return;
    }
    cJSON_AddBoolToObject(body, "emailed", has_email);
    resp_json(r, 201, body);
}

static void link_delete(struct request *r)
{
    links_revoke(r, r->db, r->session->family_id, req_param(r, "lid"));
}

/* ---------- audit log ---------- */

static void audit_get(struct request *r)
{
    int64_t before, limit;
    if (!query_int(r, "before", 1, INT64_MAX, INT64_MAX, &before) ||
        !query_int(r, "limit", 1, 200, 50, &limit))
        return;
    struct db *d = r->db;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT a.id, a.at, a.action, a.target, a.detail, coalesce(m.guest_name, u.name), "
           "a.actor_member_id FROM audit_log a "
           "LEFT JOIN members m ON m.id = a.actor_member_id "
           "LEFT JOIN users u ON u.id = coalesce(m.user_id, a.actor_user_id) "
           "WHERE a.family_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?");
    if (!st || !db_bind_text(st, 1, r->session->family_id) || !db_bind_int64(st, 2, before) ||
        !db_bind_int64(st, 3, limit)) {
        resp_internal(r);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    int64_t last = 0;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        last = sqlite3_column_int64(st, 0);
        cJSON_AddNumberToObject(e, "id", (double)last);
        cJSON_AddNumberToObject(e, "at", (double)sqlite3_column_int64(st, 1));
        cJSON_AddStringToObject(e, "action", db_col_text(st, 2));
        json_col_text(e, "target", st, 3);
        cJSON *detail = cJSON_Parse(db_col_text(st, 4));
        cJSON_AddItemToObject(e, "detail", detail ? detail : cJSON_CreateObject());
        if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
            cJSON_AddNullToObject(e, "actor");
        } else {
            cJSON *actor = cJSON_AddObjectToObject(e, "actor");
            cJSON_AddStringToObject(actor, "name", db_col_text(st, 5));
            if (sqlite3_column_type(st, 6) != SQLITE_NULL)
                cJSON_AddStringToObject(actor, "member_id", db_col_text(st, 6));
        }
        cJSON_AddItemToArray(list, e);
        n++;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "events", list);
    if (n == limit)
        cJSON_AddNumberToObject(body, "next_before", (double)last);
    else
        cJSON_AddNullToObject(body, "next_before");
    resp_json(r, 200, body);
}

CARELOG_PROGRAM(families, NULL, NULL)
