/* access.h — the one place that decides whether a request may reach its
 * handler: the route's access level, the session cookie, the CSRF header and
 * the caller's role in the family named by {fid}. */
#ifndef CARELOG_ACCESS_H
#define CARELOG_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

struct request;
struct sqlite3_stmt;

bool access_init(char *err, size_t errsz);
/* True when the request may proceed; otherwise it has already replied
 * (401 no session, 403 role or CSRF, 404 not a member of {fid}). */
bool access_check(struct request *r);
/* ---------- access per person (sql/021) ----------
 * A member may be limited to some of the family's people. Every route that
 * reads or writes a person's data asks one of these, and a hidden person is
 * answered exactly like another family's: 404, or left out of a list.
 *
 * access_subject_ok(r, sid): true when `sid` is a live person of the
 *   request's family whom the caller may see (use it for every {sid} in a
 *   path and every subject_id in a body; false → 404 / "not a person in this
 *   family").
 * ACCESS_SUBJECT_IN(col, n): an SQL condition "col is a visible person",
 *   reading parameter ?n; bind it with access_bind_subjects(r, st, n) (it
 *   binds NULL, meaning everyone, for unlimited callers). Add it to every
 *   query that lists per-person rows (entries, medications, reminders...). */
#define ACCESS_SUBJECT_IN(col, n)                                                                  \
    "(?" #n " IS NULL OR " col " IN (SELECT value FROM json_each(?" #n ")))"
/* ACCESS_MEMBER_SEES(m, n): for jobs that choose recipients (push, mail):
 *   "member row `m` may see the person in parameter ?n". */
#define ACCESS_MEMBER_SEES(m, n)                                                                   \
    "(" m ".subject_ids IS NULL OR ?" #n " IN (SELECT value FROM json_each(" m ".subject_ids)))"
bool access_subject_ok(const struct request *r, const char *sid);
/* Only the visibility half of access_subject_ok (no database look-up): for
 * rows already known to be the family's. */
bool access_subject_visible(const struct request *r, const char *sid);
/* A list of person ids shown with a thing that is not one person's (the
 * people a family-defined activity type applies to): keeps the ids `sees`
 * accepts and drops the rest; false when the list named people and none is
 * left, so the thing is only hidden people's and is hidden itself (an empty
 * list means "every person" and stays). access_request_sees is `sees` for a
 * request (`who` is the request). */
struct cJSON;
bool access_keep_visible(struct cJSON *ids, bool (*sees)(const void *who, const char *sid),
                         const void *who);
bool access_request_sees(const void *r, const char *sid);
/* True when the caller is limited to some people. */
bool access_limited(const struct request *r);
bool access_bind_subjects(const struct request *r, struct sqlite3_stmt *st, int n);
/* Parses a stored limit (JSON array text, NULL = everyone) into `s`. */
struct session;
bool access_set_subjects(struct request *r, struct session *s, const char *json);

/* Frees what access_check attached to the request. */
void access_release(struct request *r);

#endif
