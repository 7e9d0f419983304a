/* admin.c — the consultant console's API (/api/v1/admin/): client families
 * with today's figures, a client's detail, summary and trends, its access
 * links, and the consultants themselves.
 *
 * Who: the instance admin sees every family; a consultant (users.
 * is_consultant, invited by the admin with a one-time sign-in link) sees the
 * families assigned to them (those they create are), and an unassigned
 * family's id answers 404 as if it did not exist. Anyone else gets 403. The
 * dispatcher decides all of this from the access levels (ACCESS_STAFF,
 * ACCESS_CLIENT, ACCESS_ADMIN). Staff are not members: what they read of a
 * family goes to its audit log (audit_staff_read), and removing an
 * assignment ends their open streams of that family (sql/012).
 *
 * The figures come from lib/data/summary.c, the same code as the family's
 * own summary routes; the links from lib/data/links.c, the same as the
 * family's sharing screen. */
#include "carelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/audit.h"
#include "data/catalogue.h"
#include "data/entry.h"
#include "data/links.h"
#include "data/summary.h"
#include "data/tz.h"
#include "security/secret.h"

static void clients_get(struct request *r);
static void client_post(struct request *r);
static void client_get(struct request *r);
static void client_patch(struct request *r);
static void client_links_get(struct request *r);
static void client_link_post(struct request *r);
static void client_link_delete(struct request *r);
static void consultants_get(struct request *r);
static void consultant_post(struct request *r);
static void consultant_delete(struct request *r);

static const struct route routes[] = {
    {"GET", "/api/v1/admin/clients", clients_get, ACCESS_STAFF, 0},
    {"POST", "/api/v1/admin/clients", client_post, ACCESS_STAFF, ROUTE_JSON | ROUTE_WRITE},
    {"GET", "/api/v1/admin/clients/{fid}", client_get, ACCESS_CLIENT, 0},
    /* Archived clients stay editable here: this is where they are unarchived. */
    {"PATCH", "/api/v1/admin/clients/{fid}", client_patch, ACCESS_CLIENT,
     ROUTE_JSON | ROUTE_WRITE | ROUTE_ARCHIVED_OK},
    {"GET", "/api/v1/admin/clients/{fid}/summary", summary_day_reply, ACCESS_CLIENT, 0},
    {"GET", "/api/v1/admin/clients/{fid}/trends", summary_trends_reply, ACCESS_CLIENT, 0},
    {"GET", "/api/v1/admin/clients/{fid}/links", client_links_get, ACCESS_CLIENT, 0},
    {"POST", "/api/v1/admin/clients/{fid}/links", client_link_post, ACCESS_CLIENT,
     ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/admin/clients/{fid}/links/{lid}", client_link_delete, ACCESS_CLIENT,
     ROUTE_WRITE | ROUTE_ARCHIVED_OK},
    {"GET", "/api/v1/admin/consultants", consultants_get, ACCESS_ADMIN, 0},
    {"POST", "/api/v1/admin/consultants", consultant_post, ACCESS_ADMIN, ROUTE_JSON | ROUTE_WRITE},
    {"DELETE", "/api/v1/admin/consultants", consultant_delete, ACCESS_ADMIN, ROUTE_WRITE},
    {"DELETE", "/api/v1/admin/consultants/{uid}", consultant_delete, ACCESS_ADMIN, ROUTE_WRITE},
};

#define CLIENTS_PAGE_MAX  1000
#define RECENT_ENTRIES    20
#define MAX_ASSIGNED      32
#define INVITE_TTL_MS     (7 * 24 * 3600 * 1000LL)
#define NAME_MAX_CHARS    80
#define NOTES_MAX_CHARS   4000
#define LABEL_MAX_CHARS   60
#define PERSON_NAME_CHARS 60

/* What the console says of a family `f`, as SQL (?1 is now): so that one
 * statement gives a whole page. Its consultants as a JSON text [{id, name}],
 * its access links that still work, and the start of its newest entry. */
#define F_CONSULTANTS                                                                              \
    "(SELECT json_group_array(json_object('id', u.id, 'name', u.name)) "                           \
    "FROM client_assignments a JOIN users u ON u.id = a.user_id WHERE a.family_id = f.id)"
#define F_LIVE_LINKS                                                                               \
    "(SELECT count(*) FROM links l WHERE l.family_id = f.id AND l.revoked_at IS NULL "             \
    "AND (l.expires_at IS NULL OR l.expires_at > ?1) "                                             \
    "AND (l.max_uses IS NULL OR l.uses < l.max_uses))"
#define F_LAST_ENTRY                                                                               \
    "(SELECT e.ts FROM entries e WHERE e.family_id = f.id AND e.deleted = 0 "                      \
    "ORDER BY e.ts DESC LIMIT 1)"
#define F_FIRST_PERSON                                                                             \
    "(SELECT s.id FROM subjects s WHERE s.family_id = f.id AND s.deleted_at IS NULL "              \
    "ORDER BY s.created_at, s.id LIMIT 1)"

/* The page of clients (?2 archived or not, ?3 the admin or else ?4 the
 * consultant's assigned ones, ?5 a search, ?6 after this id, ?7 at most so
 * many), each with the bounds of today (or of the date ?8) in its own zone,
 * then the entries of its first person that overlap that day, ordered by
 * client then entry. */
#define CLIENTS_PAGE_SQL                                                                           \
    "WITH page AS MATERIALIZED (SELECT f.id, f.name, f.notes, "                                    \
    "f.archived_at IS NOT NULL AS archived, f.timezone, f.created_at, "                            \
    "local_day_start(f.timezone, coalesce(?8, ?1), 0) AS d0, "                                     \
    "local_day_start(f.timezone, coalesce(?8, ?1), 1) AS d1, " F_FIRST_PERSON                      \
    " AS sid, " F_LAST_ENTRY " AS last_ts, " F_LIVE_LINKS " AS live_links, " F_CONSULTANTS         \
    " AS assigned "                                                                                \
    "FROM families f WHERE (f.archived_at IS NOT NULL) = ?2 "                                      \
    "AND (?3 OR EXISTS (SELECT 1 FROM client_assignments a "                                       \
    "WHERE a.family_id = f.id AND a.user_id = ?4)) "                                               \
    "AND (?5 IS NULL OR instr(lower(f.name), lower(?5)) > 0 "                                      \
    "OR instr(lower(f.notes), lower(?5)) > 0) "                                                    \
    "AND (?6 IS NULL OR (f.name, f.id) > (SELECT g.name, g.id FROM families g WHERE g.id = ?6)) "  \
    "ORDER BY f.name, f.id LIMIT ?7) "                                                             \
    "SELECT p.id, p.name, p.notes, p.archived, p.timezone, p.created_at, p.d0, p.d1, p.sid, "      \
    "(SELECT s.name FROM subjects s WHERE s.id = p.sid), p.last_ts, p.live_links, p.assigned, "    \
    "e.id, e.type, e.ts, e.end_ts, e.value FROM page p LEFT JOIN entries e "                       \
    "ON e.family_id = p.id AND e.subject_id = p.sid AND " SUMMARY_ENTRY_OVERLAPS(                  \
        "e", "p.d0", "p.d1", "?1") " ORDER BY p.name, p.id, e.ts, e.id"

static void add_json_text(cJSON *o, const char *name, const char *json)
{
    cJSON *v = cJSON_Parse(json);
    cJSON_AddItemToObject(o, name, v ? v : cJSON_CreateArray());
}

/* ---------- the client list ---------- */

/* One client of the page being read: its figures add up as its entry rows
 * go by (the statement orders rows by client, then entry). */
struct client_row {
    cJSON *obj;
    bool has_person;
    int64_t day_start, day_end;
    const struct tz *zone;
    struct summary_totals today;
    int64_t breast_end; /* summary_item_chain's */
};

static void client_row_finish(struct client_row *c, cJSON *list)
{
    if (!c->obj)
        return;
    if (c->has_person) {
        cJSON *t = cJSON_AddObjectToObject(c->obj, "today");
        char text[11];
        date_format(tz_date_at(c->zone, c->day_start), text);
        cJSON_AddStringToObject(t, "date", text);
        json_add_int64(t, "sleep_ms", c->today.sleep_ms);
        cJSON_AddNumberToObject(t, "sleep_minutes", (double)(c->today.sleep_ms / 60000));
        cJSON_AddNumberToObject(t, "feeds", c->today.feeds);
        cJSON_AddNumberToObject(t, "wet", c->today.wet);
        cJSON_AddNumberToObject(t, "dirty", c->today.dirty);
    } else {
        cJSON_AddNullToObject(c->obj, "today");
    }
    cJSON_AddItemToArray(list, c->obj);
    c->obj = NULL;
}

/* GET /admin/clients?archived=0|1&q=&limit=&after=&date= — one statement
 * per page, whatever its size: a materialised page of families (each with
 * its own "today" (or ?date=) cut in its own zone by local_day_start, its
 * first person, newest
 * entry, live links and consultants), joined to the entries of each first
 * person that overlap that today. The rows come ordered by client, then
 * entry, and each client's totals are added up by summary.c's rules as
 * they pass. */
static void clients_get(struct request *r)
{
    int64_t archived, limit;
    const char *q = NULL, *after = NULL, *date = NULL;
    struct date day;
    if (!query_int(r, "archived", 0, 1, 0, &archived) ||
        !query_int(r, "limit", 1, CLIENTS_PAGE_MAX, CLIENTS_PAGE_MAX, &limit))
        return;
    if (req_query(r, "q", &q) < 0 || (q && strlen(q) > 200)) {
        resp_field_error(r, "q", "must be at most 200 characters");
        return;
    }
    if (req_query(r, "after", &after) < 0 || (after && *after && !uuid_is_valid(after))) {
        resp_field_error(r, "after", "must be a client's id");
        return;
    }
    if (req_query(r, "date", &date) < 0 || (date && *date && !date_parse(date, &day))) {
        resp_field_error(r, "date", "must be a date as YYYY-MM-DD");
        return;
    }
    struct db *d = r->db;
    const struct session *s = r->session;
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, CLIENTS_PAGE_SQL);
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, archived) ||
        !db_bind_int64(st, 3, s->is_admin) || !db_bind_text(st, 4, s->user_id) ||
        !db_bind_text(st, 5, q && *q ? q : NULL) ||
        !db_bind_text(st, 6, after && *after ? after : NULL) || !db_bind_int64(st, 7, limit + 1) ||
        !db_bind_text(st, 8, date && *date ? date : NULL)) {
        resp_internal(r);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    struct client_row c = {0};
    char current[37] = "";
    int n = 0, rc;
    bool more = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *fid = db_col_text(st, 0);
        if (strcmp(fid, current) != 0) {
            client_row_finish(&c, list);
            if (n == limit) {
                more = true; /* one client past the page (LIMIT ?7 + 1): there is a next */
                rc = SQLITE_DONE;
                break;
            }
            snprintf(current, sizeof current, "%s", fid);
            n++;
            memset(&c, 0, sizeof c);
            c.breast_end = SUMMARY_NO_FEED;
            c.obj = cJSON_CreateObject();
            cJSON_AddStringToObject(c.obj, "id", fid);
            cJSON_AddStringToObject(c.obj, "name", db_col_text(st, 1));
            cJSON_AddStringToObject(c.obj, "notes", db_col_text(st, 2));
            cJSON_AddBoolToObject(c.obj, "archived", sqlite3_column_int(st, 3) == 1);
            cJSON_AddStringToObject(c.obj, "timezone", db_col_text(st, 4));
            json_add_int64(c.obj, "created_at", sqlite3_column_int64(st, 5));
            c.zone = tz_get(db_col_text(st, 4));
            if (!c.zone)
                c.zone = tz_get("UTC");
            c.day_start = sqlite3_column_int64(st, 6);
            c.day_end = sqlite3_column_int64(st, 7);
            c.has_person = sqlite3_column_type(st, 8) != SQLITE_NULL && c.zone;
            if (c.has_person) {
                cJSON *p = cJSON_AddObjectToObject(c.obj, "person");
                cJSON_AddStringToObject(p, "id", db_col_text(st, 8));
                cJSON_AddStringToObject(p, "name", db_col_text(st, 9));
            } else {
                cJSON_AddNullToObject(c.obj, "person");
            }
            json_col_int(c.obj, "last_activity", st, 10);
            cJSON_AddNumberToObject(c.obj, "live_links", sqlite3_column_int(st, 11));
            add_json_text(c.obj, "consultants", db_col_text(st, 12));
        }
        if (sqlite3_column_type(st, 13) != SQLITE_NULL && c.has_person) {
            struct summary_item it;
            if (summary_item_read(st, 13, &it, c.zone, now, NULL)) {
                summary_item_chain(&it, &c.breast_end);
                summary_totals_add(&c.today, &it, c.day_start, c.day_end);
                summary_item_free(&it);
            }
        }
    }
    client_row_finish(&c, list);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        resp_internal(r);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "clients", list);
    if (more)
        cJSON_AddStringToObject(body, "next_after", current);
    else
        cJSON_AddNullToObject(body, "next_after");
    json_add_int64(body, "now", now);
    resp_json(r, 200, body);
}

/* ---------- one client ---------- */

static cJSON *subject_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "kind", db_col_text(st, 2));
    json_col_text(o, "birth_date", st, 3);
    cJSON_AddStringToObject(o, "colour", db_col_text(st, 4));
    return o;
}

/* The client as the console shows it: the family, its consultants, its
 * people, its members (names and roles, no emails) and its recent log. */
static cJSON *client_json(struct db *d, const char *fid)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT f.id, f.name, f.notes, f.timezone, "
                   "f.archived_at IS NOT NULL, f.created_at, f.updated_at, " F_CONSULTANTS
                   ", " F_LIVE_LINKS ", " F_LAST_ENTRY " FROM families f WHERE f.id = ?2");
    if (!st || !db_bind_int64(st, 1, now_ms()) || !db_bind_text(st, 2, fid) ||
        sqlite3_step(st) != SQLITE_ROW)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "notes", db_col_text(st, 2));
    cJSON_AddStringToObject(o, "timezone", db_col_text(st, 3));
    cJSON_AddBoolToObject(o, "archived", sqlite3_column_int(st, 4) == 1);
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 5));
    json_add_int64(o, "updated_at", sqlite3_column_int64(st, 6));
    add_json_text(o, "consultants", db_col_text(st, 7));
    cJSON_AddNumberToObject(o, "live_links", sqlite3_column_int(st, 8));
    json_col_int(o, "last_activity", st, 9);
    sqlite3_reset(st);

    st = db_stmt(d, "SELECT id, name, kind, birth_date, colour FROM subjects WHERE family_id = ? "
                    "AND deleted_at IS NULL ORDER BY created_at, id");
    cJSON *people = cJSON_AddArrayToObject(o, "subjects");
    if (st && db_bind_text(st, 1, fid))
        while (sqlite3_step(st) == SQLITE_ROW)
            cJSON_AddItemToArray(people, subject_row(st));

    st = db_stmt(d, "SELECT coalesce(u.name, m.guest_name), m.role, m.user_id IS NULL "
                    "FROM members m LEFT JOIN users u ON u.id = m.user_id "
                    "WHERE m.family_id = ? AND m.removed_at IS NULL ORDER BY m.created_at, m.id");
    cJSON *members = cJSON_AddArrayToObject(o, "members");
    if (st && db_bind_text(st, 1, fid)) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddStringToObject(m, "name", db_col_text(st, 0));
            cJSON_AddStringToObject(m, "role", db_col_text(st, 1));
            cJSON_AddStringToObject(m, "kind", sqlite3_column_int(st, 2) ? "guest" : "account");
            cJSON_AddItemToArray(members, m);
        }
    }

    st = db_stmt(d, ENTRY_SELECT "WHERE e.family_id = ? AND e.deleted = 0 "
                                 "ORDER BY e.ts DESC, e.id DESC LIMIT ?");
    cJSON *recent = cJSON_AddArrayToObject(o, "recent");
    if (st && db_bind_text(st, 1, fid) && db_bind_int64(st, 2, RECENT_ENTRIES))
        while (sqlite3_step(st) == SQLITE_ROW)
            cJSON_AddItemToArray(recent, entry_json_row(st));
    return o;
}

static void client_get(struct request *r)
{
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    cJSON *body = client_json(d, fid);
    if (!body) {
        resp_internal(r);
        return;
    }
    resp_json(r, 200, body);
    audit_staff_read(r, d, fid, "client_viewed", NULL);
}

/* ---------- creating and changing clients ---------- */

/* The consultants' ids of a `consultants` array: each an existing
 * consultant's (reported on the field otherwise). */
static int read_consultants(struct request *r, struct vobj *v, const cJSON *arr,
                            const char *ids[MAX_ASSIGNED])
{
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsString(item) || !uuid_is_valid(item->valuestring)) {
            v_error(v, "consultants", "must be a list of consultants' ids");
            return 0;
        }
        sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM users WHERE id = ? AND is_consultant = 1");
        bool found = st && db_bind_text(st, 1, item->valuestring) && sqlite3_step(st) == SQLITE_ROW;
        if (st)
            sqlite3_reset(st);
        if (!found) {
            v_error(v, "consultants", "names someone who is not a consultant");
            return 0;
        }
        bool dup = false;
        for (int i = 0; i < n && !dup; i++)
            dup = strcmp(ids[i], item->valuestring) == 0;
        if (!dup && n < MAX_ASSIGNED)
            ids[n++] = item->valuestring;
    }
    return n;
}

/* Makes the family's consultants exactly `ids`: removed assignments go
 * (their streams with them, by trigger), new ones come, each audited. */
static bool assign_exactly(struct request *r, struct db *d, const char *fid, const char **ids,
                           int n)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT user_id FROM client_assignments WHERE family_id = ?");
    if (!st || !db_bind_text(st, 1, fid))
        return false;
    char gone[MAX_ASSIGNED * 4][37];
    int ngone = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && ngone < (int)ARRAY_LEN(gone)) {
        const char *uid = db_col_text(st, 0);
        bool kept = false;
        for (int i = 0; i < n && !kept; i++)
            kept = strcmp(ids[i], uid) == 0;
        if (!kept)
            snprintf(gone[ngone++], sizeof gone[0], "%s", uid);
    }
    sqlite3_reset(st);
    for (int i = 0; i < ngone; i++) {
        st = db_stmt(d, "DELETE FROM client_assignments WHERE family_id = ? AND user_id = ?");
        if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, gone[i]) ||
            !db_step_done(d, st))
            return false;
        audit_record(r, d, fid, "consultant_unassigned", gone[i], NULL);
    }
    for (int i = 0; i < n; i++) {
        st = db_stmt(d, "INSERT INTO client_assignments (family_id, user_id, assigned_by, "
                        "created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
        if (!st || !db_bind_text(st, 1, fid) || !db_bind_text(st, 2, ids[i]) ||
            !db_bind_text(st, 3, r->session->user_id) || !db_bind_int64(st, 4, now_ms()) ||
            !db_step_done(d, st))
            return false;
        if (sqlite3_changes(d->h) == 1)
            audit_record(r, d, fid, "consultant_assigned", ids[i], NULL);
    }
    return true;
}

static void check_birth_date(struct vobj *v, const char *field, const char *text)
{
    struct date born;
    /* "Today" where it is latest on Earth (UTC+14), as for any person. */
    struct date today = tz_date_at(tz_get("UTC"), now_ms() + 14 * 3600 * 1000LL);
    if (!date_parse(text, &born) || born.year < 1900)
        v_error(v, field, "must be a date as YYYY-MM-DD");
    else if (date_to_days(born) > date_to_days(today))
        v_error(v, field, "must not be in the future");
}

/* POST /admin/clients {name, notes?, timezone, person?: {name, kind,
 * birth_date?}, consultants?: [ids] (admin)} — the family and its first
 * person in the dispatcher's one transaction; a consultant who creates a
 * client is assigned to it. Staff are not made members. */
static void client_post(struct request *r)
{
    struct vobj v, pv;
    v_init(&v, r->json, NULL);
    const char *name = NULL, *tz = NULL, *notes = "";
    const char *pname = NULL, *kind = NULL, *birth = NULL;
    const cJSON *person = NULL, *assigned = NULL;
    v_string(&v, "name", V_REQUIRED, 1, NAME_MAX_CHARS, &name);
    if (v_string(&v, "timezone", V_REQUIRED, 1, TZ_NAME_MAX, &tz) && !tz_name_is_valid(tz))
        v_error(&v, "timezone", "must be an IANA time zone such as Europe/London");
    v_string(&v, "notes", V_MULTILINE, 0, NOTES_MAX_CHARS, &notes);
    bool has_person = v_object(&v, "person", V_NULLABLE, &person);
    bool has_assigned = v_array(&v, "consultants", 0, MAX_ASSIGNED, &assigned);
    if (has_person) {
        v_init_nested(&pv, &v, person, "person");
        v_string(&pv, "name", V_REQUIRED, 1, PERSON_NAME_CHARS, &pname);
        v_enum(&pv, "kind", V_REQUIRED, catalogue()->person_kinds, &kind);
        if (v_string(&pv, "birth_date", V_NULLABLE, 1, 10, &birth))
            check_birth_date(&pv, "birth_date", birth);
        v_finish(&pv);
        v_free(&pv);
    }
    const char *ids[MAX_ASSIGNED];
    int nids = 0;
    if (has_assigned && !r->session->is_admin)
        v_error(&v, "consultants", "only the instance admin assigns consultants");
    else if (has_assigned)
        nids = read_consultants(r, &v, assigned, ids);
    if (!v_accept(r, &v))
        return;
    if (!r->session->is_admin) {
        ids[0] = r->session->user_id; /* the consultant's own client */
        nids = 1;
    }
    struct db *d = r->db;
    char fid[37], sid[37];
    uuid_v4(fid);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO families (id, name, timezone, notes, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    bool ok = st && db_bind_text(st, 1, fid) && db_bind_text(st, 2, name) &&
              db_bind_text(st, 3, tz) && db_bind_text(st, 4, notes) && db_bind_int64(st, 5, now) &&
              db_bind_int64(st, 6, now) && db_step_done(d, st);
    if (ok && has_person) {
        uuid_v4(sid);
        const struct catalogue *cat = catalogue();
        st = db_stmt(d, "INSERT INTO subjects (id, family_id, name, kind, birth_date, colour, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ok = st && db_bind_text(st, 1, sid) && db_bind_text(st, 2, fid) &&
             db_bind_text(st, 3, pname) && db_bind_text(st, 4, kind) &&
             db_bind_text(st, 5, birth) && db_bind_text(st, 6, cat->colours[0]) &&
             db_bind_int64(st, 7, now) && db_bind_int64(st, 8, now) && db_step_done(d, st);
    }
    audit_record(r, d, fid, "family_created", fid, NULL);
    if (ok && has_person)
        audit_record(r, d, fid, "subject_added", sid, NULL);
    if (!ok || !assign_exactly(r, d, fid, ids, nids)) {
        resp_internal(r);
        return;
    }
    cJSON *body = client_json(d, fid);
    if (!body) {
        resp_internal(r);
        return;
    }
    resp_json(r, 201, body);
}

/* PATCH /admin/clients/{fid} {name?, notes?, archived?, consultants? (admin)}. */
static void client_patch(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *name = NULL, *notes = NULL;
    bool archived = false;
    const cJSON *assigned = NULL;
    bool has_name = v_string(&v, "name", 0, 1, NAME_MAX_CHARS, &name);
    bool has_notes = v_string(&v, "notes", V_MULTILINE, 0, NOTES_MAX_CHARS, &notes);
    bool has_archived = v_bool(&v, "archived", 0, &archived);
    bool has_assigned = v_array(&v, "consultants", 0, MAX_ASSIGNED, &assigned);
    const char *ids[MAX_ASSIGNED];
    int nids = 0;
    if (has_assigned && !r->session->is_admin) {
        /* Who else may see a family is the instance admin's call alone. */
        v_free(&v);
        resp_error(r, 403, "forbidden", "Only the instance admin assigns consultants");
        return;
    }
    if (has_assigned)
        nids = read_consultants(r, &v, assigned, ids);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    const char *fid = r->session->family_id;
    int64_t now = now_ms();
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE families SET name = coalesce(?1, name), notes = coalesce(?2, notes), "
                   "archived_at = CASE WHEN ?3 = 0 THEN archived_at WHEN ?3 = 1 THEN NULL "
                   "ELSE coalesce(archived_at, ?4) END, updated_at = ?4 WHERE id = ?5");
    if (!st || !db_bind_text(st, 1, has_name ? name : NULL) ||
        !db_bind_text(st, 2, has_notes ? notes : NULL) ||
        !db_bind_int64(st, 3, has_archived ? (archived ? 2 : 1) : 0) ||
        !db_bind_int64(st, 4, now) || !db_bind_text(st, 5, fid) || !db_step_done(d, st) ||
        (has_assigned && !assign_exactly(r, d, fid, ids, nids))) {
        resp_internal(r);
        return;
    }
    if (has_name || has_notes) {
        cJSON *changed = cJSON_CreateArray();
        if (has_name)
            cJSON_AddItemToArray(changed, cJSON_CreateString("name"));
        if (has_notes)
            cJSON_AddItemToArray(changed, cJSON_CreateString("notes"));
        audit_changed(r, d, fid, "family_updated", fid, changed);
    }
    if (has_archived && archived != r->session->family_archived)
        audit_record(r, d, fid, archived ? "family_archived" : "family_unarchived", fid, NULL);
    cJSON *body = client_json(d, fid);
    if (!body) {
        resp_internal(r);
        return;
    }
    resp_json(r, 200, body);
}

/* ---------- a client's access links ---------- */

static void client_links_get(struct request *r)
{
    links_reply(r, r->db, r->session->family_id);
    if (r->status == 200)
        audit_staff_read(r, r->db, r->session->family_id, "links_viewed", NULL);
}

/* POST .../links {label, expires_at: ms | null (never), role? (caregiver),
 * max_uses?} — the console's form offers 14 days. */
static void client_link_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    const char *role = "caregiver", *label = NULL;
    int64_t expires_at = 0, max_uses = 0;
    v_enum(&v, "role", 0, family_roles, &role);
    v_string(&v, "label", V_REQUIRED, 1, LABEL_MAX_CHARS, &label);
    bool has_expiry = v_epoch_ms(&v, "expires_at", V_NULLABLE, &expires_at);
    v_int(&v, "max_uses", V_NULLABLE, 1, 1000, &max_uses);
    const char *subject_ids = NULL;
    links_read_subjects(r, &v, r->session->family_id, role, &subject_ids);
    if (has_expiry && expires_at <= now_ms())
        v_error(&v, "expires_at", "must be in the future");
    if (!v_accept(r, &v))
        return;
    char token[TOKEN_LEN + 1];
    cJSON *body = links_create(r, r->db, r->session->family_id, role, label,
                               has_expiry ? expires_at : 0, max_uses, NULL, subject_ids, token);
    if (body)
        resp_json(r, 201, body);
    else
        resp_internal(r);
}

static void client_link_delete(struct request *r)
{
    links_revoke(r, r->db, r->session->family_id, req_param(r, "lid"));
}

/* ---------- consultants (the instance admin's) ---------- */

#define CONSULTANT_SELECT                                                                          \
    "SELECT u.id, u.name, u.email, u.created_at, u.password_hash IS NOT NULL, "                    \
    "(SELECT count(*) FROM client_assignments a WHERE a.user_id = u.id), "                         \
    "EXISTS (SELECT 1 FROM signin_tokens t WHERE t.user_id = u.id AND t.expires_at > ?1) "         \
    "FROM users u WHERE u.is_consultant = 1 "

static cJSON *consultant_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", db_col_text(st, 0));
    cJSON_AddStringToObject(o, "name", db_col_text(st, 1));
    cJSON_AddStringToObject(o, "email", db_col_text(st, 2));
    json_add_int64(o, "created_at", sqlite3_column_int64(st, 3));
    cJSON_AddBoolToObject(o, "has_password", sqlite3_column_int(st, 4) == 1);
    cJSON_AddNumberToObject(o, "clients", sqlite3_column_int(st, 5));
    cJSON_AddBoolToObject(o, "invite_pending", sqlite3_column_int(st, 6) == 1);
    return o;
}

static void consultants_get(struct request *r)
{
    sqlite3_stmt *st = db_stmt(r->db, CONSULTANT_SELECT "ORDER BY u.name, u.id");
    if (!st || !db_bind_int64(st, 1, now_ms())) {
        resp_internal(r);
        return;
    }
    reply_rows(r, st, "consultants", consultant_row);
}

/* POST /admin/consultants {email, name} — invites a consultant. A new
 * email becomes an account without a password and a one-time sign-in link
 * (7 days) the admin passes on; a consultant who never signed in gets a
 * fresh link (the old one stops working). An existing account with a
 * password is made a consultant and signs in as before: no link, since a
 * link that signs into someone's existing account would let the admin be
 * them. The admin cannot be a consultant. */
static void consultant_post(struct request *r)
{
    struct vobj v;
    v_init(&v, r->json, NULL);
    char email[256];
    const char *name = NULL;
    v_email(&v, "email", V_REQUIRED, email, sizeof email);
    v_string(&v, "name", V_REQUIRED, 1, NAME_MAX_CHARS, &name);
    if (!v_accept(r, &v))
        return;
    struct db *d = r->db;
    int64_t now = now_ms();
    char uid[37] = "";
    bool is_admin = false, has_password = false, existed = false;
    sqlite3_stmt *st =
        db_stmt(d, "SELECT id, is_admin, password_hash IS NOT NULL FROM users WHERE email = ?");
    if (st && db_bind_text(st, 1, email) && sqlite3_step(st) == SQLITE_ROW) {
        existed = true;
        snprintf(uid, sizeof uid, "%s", db_col_text(st, 0));
        is_admin = sqlite3_column_int(st, 1) == 1;
        has_password = sqlite3_column_int(st, 2) == 1;
    }
    if (st)
        sqlite3_reset(st);
    if (is_admin) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "email", "belongs to the instance admin");
        resp_error_fields(r, 409, "already_admin", "The instance admin cannot be a consultant", f);
        return;
    }
    if (!existed) {
        uuid_v4(uid);
        st = db_stmt(d, "INSERT INTO users (id, email, name, is_consultant, created_at, "
                        "updated_at) VALUES (?, ?, ?, 1, ?, ?)");
        if (!st || !db_bind_text(st, 1, uid) || !db_bind_text(st, 2, email) ||
            !db_bind_text(st, 3, name) || !db_bind_int64(st, 4, now) ||
            !db_bind_int64(st, 5, now) || !db_step_done(d, st)) {
            resp_internal(r);
            return;
        }
    } else {
        st = db_stmt(d, "UPDATE users SET is_consultant = 1, updated_at = ? WHERE id = ?");
        if (!st || !db_bind_int64(st, 1, now) || !db_bind_text(st, 2, uid) ||
            !db_step_done(d, st)) {
            resp_internal(r);
            return;
        }
    }
    char token[TOKEN_LEN + 1] = "", hash[HASH_HEX_LEN + 1];
    if (!has_password) {
        token_new(token);
        token_hash(token, hash);
        st = db_stmt(d, "DELETE FROM signin_tokens WHERE user_id = ?");
        bool ok = st && db_bind_text(st, 1, uid) && db_step_done(d, st);
        st = db_stmt(d, "INSERT INTO signin_tokens (token_hash, user_id, expires_at) "
                        "VALUES (?, ?, ?)");
        ok = ok && st && db_bind_text(st, 1, hash) && db_bind_text(st, 2, uid) &&
             db_bind_int64(st, 3, now + INVITE_TTL_MS) && db_step_done(d, st);
        if (!ok) {
            resp_internal(r);
            return;
        }
    }
    audit_record(r, d, NULL, "consultant_invited", uid, NULL);
    st = db_stmt(d, CONSULTANT_SELECT "AND u.id = ?2");
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_text(st, 2, uid) ||
        sqlite3_step(st) != SQLITE_ROW) {
        resp_internal(r);
        return;
    }
    cJSON *body = consultant_row(st);
    sqlite3_reset(st);
    if (token[0]) {
        char *url = req_printf(r, "%s/signin/%s", req_base_url(r), token);
        cJSON_AddStringToObject(body, "url", url ? url : "");
    } else {
        cJSON_AddNullToObject(body, "url");
    }
    resp_json(r, 201, body);
}

/* DELETE /admin/consultants/{uid} (or /admin/consultants?id=, the form
 * the issue names) — no longer a consultant: every
 * assignment goes (a trigger does it, and ends their streams), and an
 * unused invitation stops working. The account itself stays (it may be a
 * member of families of its own). */
static void consultant_delete(struct request *r)
{
    struct db *d = r->db;
    const char *uid = req_param(r, "uid");
    if (!*uid && (req_query(r, "id", &uid) < 1 || !*uid)) {
        resp_field_error(r, "id", "is required");
        return;
    }
    sqlite3_stmt *st = db_stmt(d, "UPDATE users SET is_consultant = 0, updated_at = ? "
                                  "WHERE id = ? AND is_consultant = 1");
    if (!st || !db_bind_int64(st, 1, now_ms()) || !db_bind_text(st, 2, uid) ||
        !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    if (sqlite3_changes(d->h) != 1) {
        resp_error(r, 404, "not_found", "No such consultant");
        return;
    }
    st = db_stmt(d, "DELETE FROM signin_tokens WHERE user_id = ?");
    if (!st || !db_bind_text(st, 1, uid) || !db_step_done(d, st)) {
        resp_internal(r);
        return;
    }
    audit_record(r, d, NULL, "consultant_removed", uid, NULL);
    resp_no_content(r);
}

CARELOG_PROGRAM(admin, NULL, NULL)
