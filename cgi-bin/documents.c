/* documents.c — the document vault: photos and PDFs of a family
 * (prescriptions, insurance cards, discharge reports, lab results),
 * optionally about one person, with a title, category, date and who may see
 * them (every member, or owners only). The file is the request body as is
 * (metadata in the query), up to 20 MB, typed by its first bytes; it is
 * stored under DATA_DIR/documents/ by lib/data/docstore.c and downloaded
 * through lighttpd (X-Sendfile: zero-copy, Range, ETag), every download in
 * the audit log. Previews are made by the browser (the server has no image
 * library) and uploaded beside the document. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "data/audit.h"
#include "data/docstore.h"
#include "data/entrywrite.h"
#include "data/tz.h"

static void documents_get(struct request *r);
static void document_post(struct request *r);
static void document_get(struct request *r);
static void document_patch(struct request *r);
static void document_delete(struct request *r);
static void content_get(struct request *r);
static void preview_get(struct request *r);
static void preview_put(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}/documents", documents_get, ACCESS_VIEWER, 0},
    /* The body is the file itself (not JSON): the handler reads it and runs
     * its own transaction, so that the file is in place before the row
     * commits and removed when it does not. */
    {"POST", "/api/v1/families/{fid}/documents", document_post, ACCESS_CAREGIVER, 0},
    {"GET", "/api/v1/families/{fid}/documents/{did}", document_get, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}/documents/{did}", document_patch, ACCESS_CAREGIVER,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/families/{fid}/documents/{did}", document_delete, ACCESS_CAREGIVER, 0},
    {"GET", "/api/v1/families/{fid}/documents/{did}/content", content_get, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/families/{fid}/documents/{did}/preview", preview_get, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/documents/{did}/preview", preview_put, ACCESS_CAREGIVER, 0},
};

#define DOC_MAX     (20 * 1000 * 1000) /* bytes of one document */
#define PREVIEW_MAX (512 * 1024)       /* bytes of one preview */
#define SWEEP_MAX   64                 /* files removed after one write */

static const char *const categories[] = {"prescription", "insurance", "discharge", "lab", "imaging",
                                         "report",       "id",        "other",     NULL};
static const char *const visibilities[] = {"all", "owners", NULL};

/* ---------- reading ---------- */

/* What a caller may see: not deleted, owners-only ones only for owners, and
 * a person's only for members who may see that person (?9: bind it with
 * access_bind_subjects); the whole family's papers are every member's. */
#define VISIBLE                                                                                    \
    "d.family_id = ?1 AND d.deleted_at IS NULL AND (?2 OR d.visibility = 'all') "                  \
    "AND (d.subject_id IS NULL OR " ACCESS_SUBJECT_IN("d.subject_id", 9) ") "

static bool is_owner(const struct request *r)
{
    return r->session->role >= ROLE_OWNER;
}

/* The document {did} as the caller may see it, stepped to its row; NULL
 * (after a 404) when it is not there for them. Reset it when done. */
static sqlite3_stmt *visible_document(struct request *r)
{
    const char *did = req_param(r, "did");
    sqlite3_stmt *st = uuid_is_valid(did)
                           ? db_stmt(r->db, DOCUMENT_SELECT "WHERE " VISIBLE "AND d.id = ?3")
                           : NULL;
    if (st && db_bind_text(st, 1, r->session->family_id) &&
        sqlite3_bind_int(st, 2, is_owner(r)) == SQLITE_OK && db_bind_text(st, 3, did) &&
        access_bind_subjects(r, st, 9) && sqlite3_step(st) == SQLITE_ROW)
        return st;
    if (st)
        sqlite3_reset(st);
    resp_error(r, 404, "not_found", "No such document");
    return NULL;
}

/* Whether the caller may see {did} (else it answered 404). */
static bool may_see(struct request *r)
{
    sqlite3_stmt *st = visible_document(r);
    if (st)
        sqlite3_reset(st);
    return st != NULL;
}

static void reply_document(struct request *r, int status)
{
    sqlite3_stmt *st = visible_document(r);
    if (!st)
        return;
    cJSON *o = document_json_row(st);
    sqlite3_reset(st);
    resp_json(r, status, o);
}

static void document_get(struct request *r)
{
    reply_document(r, 200);
}

/* ?subject=<person id> (or "none": the family's own papers) &category= */
static void documents_get(struct request *r)
{
    const char *subject = NULL, *category = NULL;
    int qs = req_query(r, "subject", &subject), qc = req_query(r, "category", &category);
    bool none = qs == 1 && strcmp(subject, "none") == 0;
    if (qs < 0 || (qs == 1 && *subject && !none && !uuid_is_valid(subject))) {
        resp_field_error(r, "subject", "must be a person's id or none");
        return;
    }
    bool known = qc != 1 || !*category;
    for (const char *const *c = categories; !known && *c; c++)
        known = strcmp(*c, category) == 0;
    if (qc < 0 || !known) {
        resp_field_error(r, "category",
                         "must be one of: prescription, insurance, discharge, lab, "
                         "imaging, report, id, other");
        return;
    }
    sqlite3_stmt *st = db_stmt(r->db, DOCUMENT_SELECT
                               "WHERE " VISIBLE "AND (?3 IS NULL OR d.subject_id = ?3) "
                               "AND (NOT ?4 OR d.subject_id IS NULL) "
                               "AND (?5 IS NULL OR d.category = ?5) "
                               "ORDER BY coalesce(d.doc_date, '') DESC, d.created_at DESC, d.id "
                               "LIMIT 1000");
    if (!st || !db_bind_text(st, 1, r->session->family_id) ||
        sqlite3_bind_int(st, 2, is_owner(r)) != SQLITE_OK ||
        !db_bind_text(st, 3, qs == 1 && *subject && !none ? subject : NULL) ||
        sqlite3_bind_int(st, 4, none) != SQLITE_OK ||
        !db_bind_text(st, 5, qc == 1 && *category ? category : NULL) ||
        !access_bind_subjects(r, st, 9)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "documents", document_json_row);
}

/* ---------- sending a file ---------- */

/* Hands the file to lighttpd (X-Sendfile): it sends it zero-copy and
 * answers Range, If-None-Match and If-Modified-Since itself. */
static void send_file(struct request *r, const char *name, const char *type,
                      const char *disposition)
{
    char path[4096];
    if (!docstore_path(name, path, sizeof path)) {
        resp_internal(r);
        return;
    }
    resp_header(r, "X-Sendfile", path);
    resp_header(r, "Content-Disposition", disposition);
    resp_header(r, "X-Content-Type-Options", "nosniff");
    resp_header(r, "Cache-Control", "private, no-cache");
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    if (resp_begin(r, 200, type))
        resp_flush(r);
}

static void content_get(struct request *r)
{
    sqlite3_stmt *st = visible_document(r);
    if (!st)
        return;
    char name[DOC_NAME_LEN + 8], type[64], filename[96], did[37];
    snprintf(name, sizeof name, "%s", db_col_text(st, DOCUMENT_FILE_COL));
    snprintf(type, sizeof type, "%s", db_col_text(st, 7));
    snprintf(filename, sizeof filename, "%s", db_col_text(st, 6));
    snprintf(did, sizeof did, "%s", db_col_text(st, 0));
    sqlite3_reset(st);
    /* Every download is in the audit log, whoever reads. */
    audit_read(r, r->db, r->session->family_id, "document.download", did, NULL);
    send_file(r, name, type, req_printf(r, "attachment; filename=\"%s\"", filename));
}

static void preview_get(struct request *r)
{
    sqlite3_stmt *st = visible_document(r);
    if (!st)
        return;
    if (sqlite3_column_type(st, DOCUMENT_PREVIEW_COL) == SQLITE_NULL) {
        sqlite3_reset(st);
        resp_error(r, 404, "not_found", "This document has no preview");
        return;
    }
    char name[DOC_NAME_LEN + 8], type[64];
    snprintf(name, sizeof name, "%s", db_col_text(st, DOCUMENT_PREVIEW_COL));
    snprintf(type, sizeof type, "%s", db_col_text(st, 10));
    sqlite3_reset(st);
    send_file(r, name, type, "inline");
}

/* ---------- writing ---------- */

/* After a write committed: the files of rows gone are removed. */
static void sweep(struct request *r)
{
    if (docstore_sweep(r->db, SWEEP_MAX) < 0)
        log_event("warn", "documents.sweep", "files left for the next sweep");
}

/* Reads the body (≤ max bytes: 413 from its Content-Length alone, before a
 * byte is read), and tells its type from its bytes. NULL when it replied. */
static const char *read_file_body(struct request *r, size_t max, const char *what)
{
    if (!read_raw_body(r, max))
        return NULL;
    if (r->body_len == 0) {
        resp_error(r, 400, "empty_body", req_printf(r, "Send the %s as the body", what));
        return NULL;
    }
    return docstore_sniff((const unsigned char *)r->body, r->body_len);
}

/* Stores the body as a new file, then runs `write` (which binds and steps
 * its statements) in a transaction, publishing the file before the commit
 * and removing it when anything fails. True when committed. */
static bool store_and_commit(struct request *r, struct docfile *f,
                             bool (*write)(struct request *r, const struct docfile *f, void *arg),
                             void *arg)
{
    if (!docstore_write(f, r->body, r->body_len)) {
        resp_error(r, 507, "insufficient_storage", "The file could not be stored");
        return false;
    }
    if (!req_begin(r)) {
        docstore_discard(f);
        return false;
    }
    if (!write(r, f, arg)) {
        db_rollback(r->db);
        docstore_discard(f);
        return false;
    }
    if (!docstore_publish(f)) {
        db_rollback(r->db);
        docstore_discard(f);
        resp_error(r, 507, "insufficient_storage", "The file could not be stored");
        return false;
    }
    if (!req_commit(r)) {
        docstore_discard(f);
        return false;
    }
    return true;
}

struct upload {
    const char *id, *subject, *title, *category, *date, *visibility, *type;
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    char filename[96];
};

static bool insert_document(struct request *r, const struct docfile *f, void *arg)
{
    struct upload *u = arg;
    int64_t seq = entry_next_seq(r->db), now = now_ms();
    sqlite3_stmt *st = db_stmt(
        r->db, "INSERT INTO documents (id, family_id, subject_id, title, category, doc_date, "
               "visibility, filename, content_type, size, sha256, file, created_by, created_at, "
               "updated_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = seq > 0 && st && db_bind_text(st, 1, u->id) &&
              db_bind_text(st, 2, r->session->family_id) && db_bind_text(st, 3, u->subject) &&
              db_bind_text(st, 4, u->title) && db_bind_text(st, 5, u->category) &&
              db_bind_text(st, 6, u->date) && db_bind_text(st, 7, u->visibility) &&
              db_bind_text(st, 8, u->filename) && db_bind_text(st, 9, u->type) &&
              db_bind_int64(st, 10, (int64_t)r->body_len) && db_bind_text(st, 11, u->sha) &&
              db_bind_text(st, 12, f->name) &&
              db_bind_text(st, 13,
                           r->session->family_member_id[0] ? r->session->family_member_id : NULL) &&
              db_bind_int64(st, 14, now) && db_bind_int64(st, 15, now) &&
              db_bind_int64(st, 16, seq) && sqlite3_step(st) == SQLITE_DONE;
    if (st)
        sqlite3_reset(st);
    if (!ok) {
        resp_internal(r);
        return false;
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "category", u->category);
    cJSON_AddStringToObject(detail, "content_type", u->type);
    audit_record(r, r->db, r->session->family_id, "document.upload", u->id, detail);
    return true;
}

/* One query parameter of the upload: 0 absent, 1 present (in *out), -1
 * when it replied 400. */
static int upload_param(struct request *r, const char *name, const char **out)
{
    int q = req_query(r, name, out);
    if (q < 0) {
        resp_field_error(r, name, "is not properly encoded");
        return -1;
    }
    if (q == 1 && !**out)
        q = 0;
    return q;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* POST documents?title=&category=&date=YYYY-MM-DD&visibility=all|owners
 * &subject_id= with the file as the body. */
static void document_post(struct request *r)
{
    struct upload u = {.category = "other", .visibility = "all"};
    int t = upload_param(r, "title", &u.title), c = upload_param(r, "category", &u.category),
        d = upload_param(r, "date", &u.date), v = upload_param(r, "visibility", &u.visibility),
        s = upload_param(r, "subject_id", &u.subject);
    if (t < 0 || c < 0 || d < 0 || v < 0 || s < 0)
        return;
    size_t chars = 0;
    if (t == 0 || !utf8_check(u.title, false, &chars) || chars < 1 || chars > 120) {
        resp_field_error(r, "title", "is required: 1 to 120 characters on one line");
        return;
    }
    if (c == 0)
        u.category = "other";
    if (!in_list(u.category, categories)) {
        resp_field_error(r, "category",
                         "must be one of: prescription, insurance, discharge, lab, "
                         "imaging, report, id, other");
        return;
    }
    struct date day;
    if (d == 0)
        u.date = NULL;
    else if (!date_parse(u.date, &day)) {
        resp_field_error(r, "date", "must be a date (YYYY-MM-DD)");
        return;
    }
    if (v == 0)
        u.visibility = "all";
    if (!in_list(u.visibility, visibilities)) {
        resp_field_error(r, "visibility", "must be all or owners");
        return;
    }
    if (strcmp(u.visibility, "owners") == 0 && !is_owner(r)) {
        resp_error(r, 403, "forbidden", "Only owners may file a document for owners only");
        return;
    }
    if (s == 0)
        u.subject = NULL;
    else if (!uuid_is_valid(u.subject) || !access_subject_ok(r, u.subject)) {
        resp_field_error(r, "subject_id", "is not a person in this family");
        return;
    }
    u.type = read_file_body(r, DOC_MAX, "file");
    if (!u.type) {
        if (r->body_len > 0)
            resp_error(r, 415, "unsupported_media_type",
                       "The file is not a JPEG, PNG, WebP, HEIC or PDF (its bytes were checked, "
                       "not its name or type)");
        return;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)r->body, r->body_len);
    hex_encode(digest, sizeof digest, u.sha);
    docstore_filename(u.title, u.type, u.filename, sizeof u.filename);
    char id[37];
    uuid_v4(id);
    u.id = id;
    struct docfile f;
    if (!store_and_commit(r, &f, insert_document, &u))
        return;
    sweep(r);
    char loc[160];
    snprintf(loc, sizeof loc, "/api/v1/families/%s/documents/%s", r->session->family_id, id);
    resp_header(r, "Location", loc);
    /* reply_document reads it back with the {did} of the route: there is
     * none here, so read it by id. */
    sqlite3_stmt *st = db_stmt(r->db, DOCUMENT_SELECT "WHERE d.id = ?");
    if (!st || !db_bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        resp_internal(r);
        return;
    }
    cJSON *o = document_json_row(st);
    sqlite3_reset(st);
    resp_json(r, 201, o);
}

static bool set_preview(struct request *r, const struct docfile *f, void *arg)
{
    const char *type = arg;
    int64_t seq = entry_next_seq(r->db);
    sqlite3_stmt *st = db_stmt(r->db, "UPDATE documents SET preview_file = ?, preview_type = ?, "
                                      "preview_size = ?, updated_at = ?, seq = ? WHERE id = ? "
                                      "AND family_id = ? AND deleted_at IS NULL");
    bool ok = seq > 0 && st && db_bind_text(st, 1, f->name) && db_bind_text(st, 2, type) &&
              db_bind_int64(st, 3, (int64_t)r->body_len) && db_bind_int64(st, 4, now_ms()) &&
              db_bind_int64(st, 5, seq) && db_bind_text(st, 6, req_param(r, "did")) &&
              db_bind_text(st, 7, r->session->family_id) && sqlite3_step(st) == SQLITE_DONE &&
              sqlite3_changes(r->db->h) == 1;
    if (st)
        sqlite3_reset(st);
    if (!ok)
        resp_internal(r);
    return ok;
}

/* PUT documents/{did}/preview: a small JPEG, WebP or PNG the browser made. */
static void preview_put(struct request *r)
{
    if (!may_see(r))
        return;
    const char *type = read_file_body(r, PREVIEW_MAX, "preview image");
    if (!type) {
        if (r->body_len > 0)
            resp_error(r, 415, "unsupported_media_type",
                       "A preview must be a JPEG, WebP or PNG image");
        return;
    }
    if (strcmp(type, "image/jpeg") != 0 && strcmp(type, "image/webp") != 0 &&
        strcmp(type, "image/png") != 0) {
        resp_error(r, 415, "unsupported_media_type", "A preview must be a JPEG, WebP or PNG image");
        return;
    }
    struct docfile f;
    if (!store_and_commit(r, &f, set_preview, (void *)type))
        return;
    sweep(r);
    reply_document(r, 200);
}

/* PATCH: title, category, date (null clears), visibility, subject_id (null:
 * the whole family's). */
static void document_patch(struct request *r)
{
    if (!may_see(r))
        return;
    struct vobj v;
    const char *title = NULL, *category = NULL, *date = NULL, *visibility = NULL, *subject = NULL;
    v_init(&v, r->json, NULL);
    v_string(&v, "title", 0, 1, 120, &title);
    v_enum(&v, "category", 0, categories, &category);
    bool clear_date = v_is_null(&v, "date");
    if (!clear_date && v_string(&v, "date", 0, 10, 10, &date)) {
        struct date day;
        if (!date_parse(date, &day))
            v_error(&v, "date", "must be a date (YYYY-MM-DD)");
    }
    v_enum(&v, "visibility", 0, visibilities, &visibility);
    bool clear_subject = v_is_null(&v, "subject_id");
    if (!clear_subject && v_uuid(&v, "subject_id", 0, &subject) && !access_subject_ok(r, subject))
        v_error(&v, "subject_id", "is not a person in this family");
    if (!v_accept(r, &v))
        return;
    if (visibility && strcmp(visibility, "owners") == 0 && !is_owner(r)) {
        resp_error(r, 403, "forbidden", "Only owners may make a document owners-only");
        return;
    }
    int64_t seq = entry_next_seq(r->db);
    sqlite3_stmt *st = db_stmt(
        r->db, "UPDATE documents SET title = coalesce(?1, title), category = coalesce(?2, "
               "category), doc_date = CASE WHEN ?3 THEN NULL ELSE coalesce(?4, doc_date) END, "
               "visibility = coalesce(?5, visibility), subject_id = CASE WHEN ?6 THEN NULL "
               "ELSE coalesce(?7, subject_id) END, updated_at = ?8, seq = ?9 "
               "WHERE id = ?10 AND family_id = ?11");
    if (seq <= 0 || !st || !db_bind_text(st, 1, title) || !db_bind_text(st, 2, category) ||
        sqlite3_bind_int(st, 3, clear_date) != SQLITE_OK || !db_bind_text(st, 4, date) ||
        !db_bind_text(st, 5, visibility) || sqlite3_bind_int(st, 6, clear_subject) != SQLITE_OK ||
        !db_bind_text(st, 7, subject) || !db_bind_int64(st, 8, now_ms()) ||
        !db_bind_int64(st, 9, seq) || !db_bind_text(st, 10, req_param(r, "did")) ||
        !db_bind_text(st, 11, r->session->family_id) || sqlite3_step(st) != SQLITE_DONE) {
        if (st)
            sqlite3_reset(st);
        resp_internal(r);
        return;
    }
    sqlite3_reset(st);
    audit_changed(r, r->db, r->session->family_id, "document.update", req_param(r, "did"), NULL);
    reply_document(r, 200);
}

/* DELETE: a tombstone for the sync; its files go once that has committed
 * (the trigger of sql/019 lists them, the sweep removes them). */
static void document_delete(struct request *r)
{
    if (!may_see(r))
        return;
    if (!req_begin(r))
        return;
    int64_t seq = entry_next_seq(r->db), now = now_ms();
    sqlite3_stmt *st =
        db_stmt(r->db, "UPDATE documents SET deleted_at = ?, updated_at = ?, seq = ? "
                       "WHERE id = ? AND family_id = ? AND deleted_at IS NULL");
    bool ok = seq > 0 && st && db_bind_int64(st, 1, now) && db_bind_int64(st, 2, now) &&
              db_bind_int64(st, 3, seq) && db_bind_text(st, 4, req_param(r, "did")) &&
              db_bind_text(st, 5, r->session->family_id) && sqlite3_step(st) == SQLITE_DONE;
    if (st)
        sqlite3_reset(st);
    if (!ok) {
        db_rollback(r->db);
        resp_internal(r);
        return;
    }
    audit_record(r, r->db, r->session->family_id, "document.delete", req_param(r, "did"), NULL);
    if (!req_commit(r))
        return;
    sweep(r);
    resp_no_content(r);
}

CARELOG_PROGRAM(documents, NULL, NULL)
