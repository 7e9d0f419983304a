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

#endif
