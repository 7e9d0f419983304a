/* links.c — a family's invite and access links: listing, making and
 * revoking them (see links.h). */
#include "data/links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/rows.h"
#include "framework/http.h"
#include "framework/valid.h"
#include "security/secret.h"
#include "util/util.h"

const char *const family_roles[] = {"owner", "caregiver", "viewer", NULL};

/* The last use: the link's own (a device let in) or that of the newest
 * device it let in, whichever is later; NULL when never used. */
#define LINK_COLUMNS                                                                               \
    "l.id, l.role, l.label, l.expires_at, l.max_uses, l.uses, l.created_at, "                      \
    "l.revoked_at IS NOT NULL, "                                                                   \
    "l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?1) AND "                    \
    "(l.max_uses IS NULL OR l.uses < l.max_uses), "                                                \
    "nullif(max(coalesce(l.last_used_at, 0), coalesce((SELECT max(s.renewed_at) FROM sessions s "  \
    "WHERE s.link_id = l.id), 0)), 0), l.subject_ids"

static cJSON *link_json_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "role", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "label", db_col_text(st, 2));
    json_col_int(o, "expires_at", st, 3);
    if (sqlite3_column_type(st, 4) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "max_uses");
    else
        cJSON_AddNumberToObject(o, "max_uses", sqlite3_column_int(st, 4));
    cJSON_AddNumberToObject(o, "uses", sqlite3_column_int(st, 5));
    cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(st, 6));
    cJSON_AddBoolToObject(o, "revoked", sqlite3_column_int(st, 7) == 1);
    cJSON_AddBoolToObject(o, "active", sqlite3_column_int(st, 8) == 1);
    json_col_int(o, "last_used_at", st, 9);
    links_add_subjects(o, st, 10);
    return o;
}

void links_add_subjects(cJSON *o, sqlite3_stmt *st, int col)
{
    cJSON *list = sqlite3_column_type(st, col) == SQLITE_NULL
                      ? NULL
                      : cJSON_Parse((const char *)sqlite3_column_text(st, col));
    cJSON_AddItemToObject(o, "subject_ids", list ? list : cJSON_CreateNull());
}

#define MAX_SUBJECT_IDS 64

bool links_read_subjects(struct request *r, struct vobj *v, const char *fid, const char *role,
                         const char **out)
{
    *out = NULL;
    if (!v_has(v, "subject_ids"))
        return false;
    if (v_is_null(v, "subject_ids"))
        return true;
    const cJSON *list = NULL;
    if (!v_array(v, "subject_ids", 0, MAX_SUBJECT_IDS, &list))
        return false;
    if (!list->child) {
        v_error(v, "subject_ids", "must name at least one person (null: everyone)");
        return false;
    }
    if (role && strcmp(role, "owner") == 0) {
        v_error(v, "subject_ids", "must be null for an owner: owners see everyone");
        return false;
    }
    cJSON *ids = cJSON_CreateArray();
    sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM subjects WHERE id = ? AND family_id = ? "
                                      "AND deleted_at IS NULL");
    bool ok = ids && st;
    for (const cJSON *e = list->child; ok && e; e = e->next) {
        bool dup = false;
        for (const cJSON *p = list->child; p != e && !dup; p = p->next)
            dup = cJSON_IsString(p) && cJSON_IsString(e) &&
                  strcmp(p->valuestring, e->valuestring) == 0;
        if (!cJSON_IsString(e) || !uuid_is_valid(e->valuestring)) {
            v_error(v, "subject_ids", "must be an array of people's ids");
            ok = false;
        } else if (dup) {
            v_error(v, "subject_ids", "must not name a person twice");
            ok = false;
        } else {
            bool found = db_bind_text(st, 1, e->valuestring) && db_bind_text(st, 2, fid) &&
                         sqlite3_step(st) == SQLITE_ROW;
            sqlite3_reset(st);
            if (!found) {
                v_error(v, "subject_ids", "must name people of this family");
                ok = false;
            } else {
                cJSON_AddItemToArray(ids, cJSON_CreateString(e->valuestring));
            }
        }
    }
    char *text = ok ? cJSON_PrintUnformatted(ids) : NULL;
    cJSON_Delete(ids);
    if (ok && !text) {
        v_error(v, "subject_ids", "could not be read (out of memory)");
        ok = false;
    }
    *out = text ? req_strdup(r, text) : NULL;
    free(text);
    if (ok && !*out)
        v_error(v, "subject_ids", "could not be read (out of memory)");
    return ok && *out;
}

void links_reply(struct request *r, struct db *d, const char *fid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " LINK_COLUMNS " FROM links l WHERE l.family_id = ?2 "
                                  "ORDER BY l.created_at DESC, l.id");
    if (!st || !db_bind_int64(st, 1, now_ms()) || !db_bind_text(st, 2, fid)) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "links", link_json_row);
}

cJSON *links_create(struct request *r, struct db *d, const char *fid, const char *role,
                    const char *label, int64_t expires_at, int64_t max_uses, const char *created_by,
                    const char *subject_ids, char token[TOKEN_LEN + 1])
{
    char id[37], hash[HASH_HEX_LEN + 1];
    uuid_v4(id);
    token_new(token);
    token_hash(token, hash);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO links (id, family_id, token_hash, role, label, "
                                  "expires_at, max_uses, created_by, created_at, subject_ids) "
                                  "VALUES (?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, id) && db_bind_text(st, 2, fid) &&
              db_bind_text(st, 3, hash) && db_bind_text(st, 4, role) &&
              db_bind_text(st, 5, label) && db_bind_int64(st, 6, expires_at) &&
              db_bind_int64(st, 7, max_uses) && db_bind_text(st, 8, created_by) &&
              db_bind_int64(st, 9, now) && db_bind_text(st, 10, subject_ids) && db_step_done(d, st);
    if (!ok)
        return NULL;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "role", role);
    cJSON_AddStringToObject(detail, "label", label);
    if (subject_ids)
        cJSON_AddItemToObject(detail, "subject_ids", cJSON_Parse(subject_ids));
    audit_record(r, d, fid, "link_created", id, detail);
    st = db_stmt(d, "SELECT " LINK_COLUMNS " FROM links l WHERE l.id = ?2");
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_text(st, 2, id) ||
        sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    /* The only time the token is shown: only its hash is kept. */
    cJSON *body = link_json_row(st);
    sqlite3_reset(st);
    cJSON_AddStringToObject(body, "token", token);
    char *url = req_printf(r, "%s/join/%s", req_base_url(r), token);
    cJSON_AddStringToObject(body, "url", url ? url : "");
    return body;
}

void links_revoke(struct request *r, struct db *d, const char *fid, const char *lid)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE links SET revoked_at = coalesce(revoked_at, ?) "
                                  "WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_int64(st, 1, now_ms()) || !db_bind_text(st, 2, lid) ||
        !db_bind_text(st, 3, fid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) != 1) {
        resp_error(r, 404, "not_found", "No such link");
        return;
    }
    /* Revoking a link also signs out every device that came in with it. */
    st = db_stmt(d, "DELETE FROM sessions WHERE link_id = ?");
    if (!st || !db_bind_text(st, 1, lid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, fid, "link_revoked", lid, NULL);
    resp_no_content(r);
}
