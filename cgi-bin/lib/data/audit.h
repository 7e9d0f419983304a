/* audit.h — the audit log: who did what, when. Actors come from the
 * request's session; the client address is stored as a keyed hash. */
#ifndef CARELOG_AUDIT_H
#define CARELOG_AUDIT_H

#include <cjson/cJSON.h>

#include "data/db.h"

struct request;

/* Records an event. family_id may be NULL (account-level events such as
 * sign-ins); target is the id of what was affected (may be NULL); detail is
 * small JSON without secrets (taken over; may be NULL). Failures are logged,
 * never fatal to the request. */
void audit_record(struct request *r, struct db *d, const char *family_id, const char *action,
                  const char *target, cJSON *detail);

/* audit_record with detail {"changed": [names]}: which fields an update
 * touched, never their values. `changed` (a JSON array) is taken over; NULL
 * lists the top-level members of the request's JSON body. */
void audit_changed(struct request *r, struct db *d, const char *family_id, const char *action,
                   const char *target, cJSON *changed);

/* audit_record for a read route (an export): the same terms as
 * audit_staff_read below for when to call it. */
void audit_read(struct request *r, struct db *d, const char *family_id, const char *action,
                const char *target, cJSON *detail);

/* Records that staff (the admin, or a consultant through an assignment)
 * read the family's data without being a member: the family's audit log
 * shows every such reader. Only when the request's session reached the
 * family as staff (session.as_staff); a member's reads are not logged. A
 * console open on a family reads it again at every change, so one event
 * stands for the same reader's same kind of read for ten minutes. Outside
 * a write transaction, call it after the handler's reads are done (or before
 * any is stepped): it resets the connection's statements (their bindings
 * stay) and writes in a transaction of its own. */
void audit_staff_read(struct request *r, struct db *d, const char *family_id, const char *action,
                      cJSON *detail);

#endif
