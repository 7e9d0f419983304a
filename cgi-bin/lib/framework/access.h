/* access.h — the one place that decides whether a request may reach its
 * handler: the route's access level, the session cookie, the CSRF header and
 * the caller's role in the family named by {fid}. */
#ifndef CARELOG_ACCESS_H
#define CARELOG_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

struct request;

bool access_init(char *err, size_t errsz);
/* True when the request may proceed; otherwise it has already replied
 * (401 no session, 403 role or CSRF, 404 not a member of {fid}). */
bool access_check(struct request *r);
/* Frees what access_check attached to the request. */
void access_release(struct request *r);

#endif
