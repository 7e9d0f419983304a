/* audit.c — writing audit events, and staff reads of a family's data. */
#include "data/audit.h"

#include <stdlib.h>

#include "framework/http.h"
#include "framework/log.h"
#include "security/secret.h"
#include "framework/session.h"
#include "util/util.h"

void audit_record(struct request *r, struct db *d, const char *family_id, const char *action,
                  const char *target, cJSON *detail)
{
    const struct session *s = r->session;
    const char *user = s && s->user_id[0] ? s->user_id : NULL;
    const char *member = NULL;
    if (s && s->family_member_id[0])
        member = s->family_member_id;
    else if (s && s->member_id[0])
        member = s->member_id;
    char addr[HASH_HEX_LEN + 1];
    keyed_hash("addr", req_client_addr(r), addr);
    char *text = detail ? cJSON_PrintUnformatted(detail) : NULL;
    cJSON_Delete(detail);
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO audit_log (family_id, actor_user_id, "
                                  "actor_member_id, action, target, detail, addr_hash, at) "
                                  "VALUES (?, ?, ?, ?, ?, coalesce(?, '{}'), ?, ?)");
    if (!st || !db_bind_text(st, 1, family_id) || !db_bind_text(st, 2, user) ||
        !db_bind_text(st, 3, member) || !db_bind_text(st, 4, action) ||
        !db_bind_text(st, 5, target) || !db_bind_text(st, 6, text) || !db_bind_text(st, 7, addr) ||
        !db_bind_int64(st, 8, now_ms()) || !db_step_done(d, st))
        log_event("error", "audit_write_failed", action);
    free(text);
}

/* A read route writes its audit event in a transaction of its own, its
 * reads ended first: writing straight from a read's snapshot (a statement
 * left on a row keeps it open) fails at once, "database is locked", whenever
 * another connection committed since that read began. Within a write (group
 * commit) the event is simply part of it. *own: a transaction was begun. */
static bool write_begin(struct db *d, const char *action, bool *own)
{
    *own = !d->writing && sqlite3_get_autocommit(d->h);
    if (!*own)
        return true;
    db_release_all(d);
    if (db_begin(d))
        return true;
    log_event("error", "audit_write_failed", action);
    return false;
}

static void write_end(struct db *d, const char *action, bool own)
{
    if (own && !db_commit(d)) {
        log_event("error", "audit_write_failed", action);
        db_rollback(d);
    }
}

void audit_changed(struct request *r, struct db *d, const char *family_id, const char *action,
                   const char *target, cJSON *changed)
{
    if (!changed) {
        changed = cJSON_CreateArray();
        for (const cJSON *k = r->json ? r->json->child : NULL; k; k = k->next)
            cJSON_AddItemToArray(changed, cJSON_CreateString(k->string));
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddItemToObject(detail, "changed", changed);
    audit_record(r, d, family_id, action, target, detail);
}

void audit_read(struct request *r, struct db *d, const char *family_id, const char *action,
                const char *target, cJSON *detail)
{
    bool own;
    if (!write_begin(d, action, &own)) {
        cJSON_Delete(detail);
        return;
    }
    audit_record(r, d, family_id, action, target, detail);
    write_end(d, action, own);
}

#define STAFF_READ_QUIET_MS (10 * 60 * 1000LL)

void audit_staff_read(struct request *r, struct db *d, const char *family_id, const char *action,
                      cJSON *detail)
{
    const struct session *s = r->session;
    bool own;
    if (!s || !s->as_staff || !s->user_id[0] || !write_begin(d, action, &own)) {
        cJSON_Delete(detail);
        return;
    }
    /* The same reader's same read within the quiet period: already logged.
     * Only the family's newest events are looked at (its index, bounded). */
    sqlite3_stmt *st = db_stmt(
        d, "SELECT 1 FROM (SELECT actor_user_id, action, at FROM audit_log WHERE family_id = ?1 "
           "ORDER BY id DESC LIMIT 200) WHERE actor_user_id = ?2 AND action = ?3 AND at > ?4");
    bool seen = st && db_bind_text(st, 1, family_id) && db_bind_text(st, 2, s->user_id) &&
                db_bind_text(st, 3, action) &&
                db_bind_int64(st, 4, now_ms() - STAFF_READ_QUIET_MS) &&
                sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    if (seen)
        cJSON_Delete(detail);
    else
        audit_record(r, d, family_id, action, NULL, detail);
    write_end(d, action, own);
}
