/* entrywrite.c — reading, checking and applying one entry change (see
 * entrywrite.h); moved here from entries.c so that every writer shares it. */
#include "data/entrywrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/acttype.h"
#include "data/entry.h"
#include "data/tz.h"
#include "framework/access.h"
#include "framework/http.h"
#include "framework/log.h"
#include "framework/session.h"
#include "util/util.h"

/* How far ahead of the server's clock a client's updated_at may be. Last
 * write wins on updated_at, so a phone whose clock runs years ahead would
 * otherwise pin its version against every later edit and delete; later
 * stamps are taken as now + this (the write is kept, not refused: refusing
 * would lose an entry logged offline on a wrong clock). */
#define MAX_CLOCK_AHEAD_MS (2 * 60 * 1000LL)

bool subject_in_family(struct db *d, const char *fid, const char *sid)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM subjects WHERE id = ? AND family_id = ? "
                                  "AND deleted_at IS NULL");
    bool ok = st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, fid) &&
              sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return ok;
}

/* A dose names a medication of the same person (its tombstone counts: a
 * dose logged offline before the medication was removed is still kept). */
static bool dose_medication_ok(struct db *d, const char *fid, const char *sid, const cJSON *value)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(value, "medication_id");
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM medications WHERE id = ? AND family_id = ? AND "
                                  "subject_id = ?");
    bool ok = cJSON_IsString(m) && st && db_bind_text(st, 1, m->valuestring) &&
              db_bind_text(st, 2, fid) && db_bind_text(st, 3, sid) &&
              sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return ok;
}

/* Fields the catalogue derives when absent (a sleep's kind: night when it
 * starts between 19:00 and 07:00 in the family's zone, else nap). */
static bool derive_fields(struct db *d, const char *fid, const struct cat_type *t,
                          struct entry_in *e)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM families WHERE id = ?");
    const struct tz *z = NULL;
    if (st && db_bind_text(st, 1, fid) && sqlite3_step(st) == SQLITE_ROW)
        z = tz_get(db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!z)
        z = tz_get("UTC");
    return cat_value_derive(t, e->value, z, e->ts);
}

/* "<lead> (feed, sleep, pump, tummy_time)": the timed types named from the
 * catalogue, so the message stays true when a type is added. */
const char *timed_only_message(const char *lead)
{
    static _Thread_local char msg[256];
    size_t used = (size_t)snprintf(msg, sizeof msg, "%s (", lead);
    const char *sep = "";
    for (const char *const *t = entry_types(); *t && used < sizeof msg; t++) {
        if (!entry_type_is_timed(*t))
            continue;
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", sep, *t);
        sep = ", ";
    }
    if (used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, ")");
    return msg;
}

/* Validates an entry object into `e`. `id` comes from the path for PUT (NULL:
 * read it from the object, as sync does). */
void entry_read(struct vobj *v, struct request *r, const char *id, struct entry_in *e)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    memset(e, 0, sizeof *e);
    const cJSON *value = NULL;
    if (id) {
        e->id = id;
        if (!uuid_is_valid(id))
            v_error(v, "id", "must be a lower-case UUID");
    } else {
        v_uuid(v, "id", V_REQUIRED, &e->id);
    }
    v_uuid(v, "subject_id", V_REQUIRED, &e->subject_id);
    /* the built-in types and the family's own (lib/data/acttype.c), archived
     * ones too: an entry logged before the archive still syncs */
    const struct family_types *ft = family_types(d, fid);
    const struct cat_type *t = NULL;
    bool has_type = v_enum(v, "type", V_REQUIRED, ft ? ft->names : entry_types(), &e->type);
    if (has_type)
        t = family_type(ft, e->type);
    bool has_ts = v_epoch_ms(v, "ts", V_REQUIRED, &e->ts);
    e->has_end = v_epoch_ms(v, "end_ts", V_NULLABLE, &e->end_ts);
    bool has_value = v_object(v, "value", V_REQUIRED, &value);
    bool has_created = v_epoch_ms(v, "created_at", 0, &e->created_at);
    bool has_updated = v_epoch_ms(v, "updated_at", V_REQUIRED, &e->updated_at);
    v_uuid(v, "group_id", V_NULLABLE, &e->group_id);
    v_is_null(v, "seq"); /* echoes of server fields are accepted and ignored */
    v_is_null(v, "author_id");
    v_is_null(v, "author_name");
    v_is_null(v, "created_by");
    v_bool(v, "deleted", 0, &e->deleted);
    int64_t now = now_ms();
    if (has_ts && e->ts > now + ENTRY_MAX_FUTURE_MS)
        v_error(v, "ts", "must not be more than a day in the future");
    if (e->has_end && has_ts && e->end_ts < e->ts)
        v_error(v, "end_ts", "must not be before ts");
    else if (e->has_end && has_ts && e->end_ts - e->ts > ENTRY_MAX_DURATION_MS)
        v_error(v, "end_ts", "must be within 48 hours of ts");
    if (e->has_end && t && !t->timed)
        v_error(v, "end_ts", timed_only_message("is only for timed types"));
    if (t && has_value)
        cat_value_check(v, t, value, false);
    if (!has_created && has_updated)
        e->created_at = e->updated_at;
    if (v_ok(v) && e->subject_id && !access_subject_ok(r, e->subject_id))
        v_error(v, "subject_id", "is not a person in this family");
    if (v_ok(v) && strcmp(e->type, "medication_dose") == 0 &&
        !dose_medication_ok(d, fid, e->subject_id, value))
        v_error(v, "value.medication_id", "is not a medication of this person");
    if (v_ok(v)) {
        e->value = cat_value_normalise(t, value);
        if (e->value && !derive_fields(d, fid, t, e)) {
            cJSON_Delete(e->value);
            e->value = NULL; /* answered as out of memory */
        }
    }
}

int64_t entry_next_seq(struct db *d)
{
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE seq_counter SET value = value + 1 WHERE id = 1 RETURNING value");
    int64_t seq = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : -1;
    if (st)
        sqlite3_reset(st);
    return seq;
}

/* The text compared when two versions carry the same updated_at: any total
 * order works, as long as every server and replay picks the same winner. */
static char *version_text(int deleted, const char *subject, const char *type, int64_t ts,
                          bool has_end, int64_t end_ts, const char *value)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_printf(&b, "%d|%s|%s|%lld|%lld|%s", deleted, subject, type, (long long)ts,
               has_end ? (long long)end_ts : -1LL, value);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    return b.p;
}

static int64_t bounded_client_time(int64_t ms)
{
    int64_t limit = now_ms() + MAX_CLOCK_AHEAD_MS;
    return ms > limit ? limit : ms;
}

/* Applies one change inside the caller's transaction. Every write passes
 * here, so the clock bound is applied here and nowhere else. */
enum apply_result entry_apply(struct db *d, const char *fid, const char *author,
                              const struct entry_in *in)
{
    struct entry_in bounded = *in;
    bounded.updated_at = bounded_client_time(in->updated_at);
    bounded.created_at = bounded_client_time(in->created_at);
    const struct entry_in *e = &bounded;
    char *value = cJSON_PrintUnformatted(e->value);
    if (!value)
        return APPLY_ERROR;
    enum apply_result result = APPLY_ERROR;
    char *mine =
        version_text(e->deleted, e->subject_id, e->type, e->ts, e->has_end, e->end_ts, value);
    sqlite3_stmt *st = db_stmt(d, "SELECT family_id, updated_at, deleted, subject_id, type, ts, "
                                  "end_ts, value FROM entries WHERE id = ?");
    if (!mine || !st || !db_bind_text(st, 1, e->id))
        goto out;
    bool exists = false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        exists = true;
        if (strcmp(db_col_text(st, 0), fid) != 0) {
            result = APPLY_NOT_FOUND; /* another family's id: say nothing about it */
            goto out;
        }
        int64_t stored_at = sqlite3_column_int64(st, 1);
        char *theirs =
            version_text(sqlite3_column_int(st, 2), db_col_text(st, 3), db_col_text(st, 4),
                         sqlite3_column_int64(st, 5), sqlite3_column_type(st, 6) != SQLITE_NULL,
                         sqlite3_column_int64(st, 6), db_col_text(st, 7));
        if (!theirs)
            goto out;
        int cmp = strcmp(mine, theirs);
        free(theirs);
        if (e->updated_at < stored_at || (e->updated_at == stored_at && cmp < 0)) {
            result = APPLY_STALE;
            goto out;
        }
        if (e->updated_at == stored_at && cmp == 0) {
            result = APPLY_SAME; /* a replay: nothing to write, no new seq */
            goto out;
        }
    } else if (rc != SQLITE_DONE) {
        goto out;
    }
    sqlite3_reset(st);
    int64_t seq = entry_next_seq(d);
    if (seq < 0)
        goto out;
    /* A group is given when the entries are made together; a later write
     * without one keeps it. */
    st = exists ? db_stmt(d, "UPDATE entries SET subject_id = ?2, type = ?3, ts = ?4, "
                             "end_ts = ?5, value = ?6, author_id = ?7, updated_at = ?9, "
                             "deleted = ?10, seq = ?11, group_id = coalesce(?13, group_id) "
                             "WHERE id = ?1 AND family_id = ?12")
                : db_stmt(d, "INSERT INTO entries (id, subject_id, type, ts, end_ts, value, "
                             "author_id, created_at, updated_at, deleted, seq, family_id, "
                             "created_by, group_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                             "?10, ?11, ?12, ?7, ?13)");
    if (!st || !db_bind_text(st, 1, e->id) || !db_bind_text(st, 2, e->subject_id) ||
        !db_bind_text(st, 3, e->type) || !db_bind_int64(st, 4, e->ts) ||
        !(e->has_end ? db_bind_int64(st, 5, e->end_ts) : sqlite3_bind_null(st, 5) == SQLITE_OK) ||
        !db_bind_text(st, 6, value) || !db_bind_text(st, 7, author) ||
        !db_bind_int64(st, 8, e->created_at) || !db_bind_int64(st, 9, e->updated_at) ||
        !db_bind_int64(st, 10, e->deleted) || !db_bind_int64(st, 11, seq) ||
        !db_bind_text(st, 12, fid) || !db_bind_text(st, 13, e->group_id))
        goto out;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        result = exists ? APPLY_UPDATED : APPLY_CREATED;
    else if (sqlite3_extended_errcode(d->h) == SQLITE_CONSTRAINT_UNIQUE)
        result = APPLY_SLEEP_RUNNING; /* the one-running-sleep index */
    else
        log_event("error", "entry_write_failed", sqlite3_errmsg(d->h));
out:
    if (st)
        sqlite3_reset(st);
    free(mine);
    free(value);
    return result;
}

/* True when `id` names an entry of another family: such ids answer 404
 * before anything is said about the body. */
bool entry_is_foreign(struct db *d, const char *fid, const char *id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT family_id <> ? FROM entries WHERE id = ?");
    bool foreign = st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, id) &&
                   sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    if (st)
        sqlite3_reset(st);
    return foreign;
}

bool entry_hidden(struct request *r, const char *id)
{
    sqlite3_stmt *st = db_stmt(r->db, "SELECT family_id, subject_id FROM entries WHERE id = ?");
    bool hidden = st && db_bind_text(st, 1, id) && sqlite3_step(st) == SQLITE_ROW &&
                  (strcmp(db_col_text(st, 0), r->session->family_id) != 0 ||
                   !access_subject_visible(r, db_col_text(st, 1)));
    if (st)
        sqlite3_reset(st);
    return hidden;
}

/* The stored entry as a change, so a delete can reuse entry_apply. */
bool entry_load(struct db *d, const char *fid, const char *id, struct entry_in *e, char **strings)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT subject_id, type, ts, end_ts, value FROM entries "
                                  "WHERE id = ? AND family_id = ?");
    if (!st || !db_bind_text(st, 1, id) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW)
        return false;
    strings[0] = strdup(db_col_text(st, 0));
    strings[1] = strdup(db_col_text(st, 1));
    e->id = id;
    e->subject_id = strings[0];
    e->type = strings[1];
    e->ts = sqlite3_column_int64(st, 2);
    e->has_end = sqlite3_column_type(st, 3) != SQLITE_NULL;
    e->end_ts = sqlite3_column_int64(st, 3);
    e->value = cJSON_Parse(db_col_text(st, 4));
    sqlite3_reset(st);
    return strings[0] && strings[1] && e->value;
}
