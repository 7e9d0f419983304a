/* route.h — a program's route table: method + pattern with {captures} →
 * handler, and who may call it. Each program lists its routes at its top. */
#ifndef CARELOG_ROUTE_H
#define CARELOG_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

struct request;

typedef void (*route_handler)(struct request *r);

/* Who may call a route. Family-scoped levels take the family from the
 * route's {fid} capture; the check is made once, by the dispatcher. */
enum access {
    ACCESS_PUBLIC = 0, /* anyone; no session needed */
    ACCESS_SESSION,    /* any signed-in session (account or guest device) */
    ACCESS_ACCOUNT,    /* a signed-in account (not a guest device session) */
    ACCESS_ADMIN,      /* the instance admin */
    ACCESS_STAFF,      /* the instance admin or a consultant (the console) */
    ACCESS_CLIENT,     /* {fid} through the console: the admin, or a consultant assigned to it,
                          acting as its owner; an unassigned consultant gets 404, any other
                          caller 403 */
    ACCESS_VIEWER,     /* member of {fid} with any role */
    ACCESS_CAREGIVER,  /* member of {fid} who may write care data */
    ACCESS_OWNER,      /* owner of {fid} */
};

enum route_flags {
    ROUTE_JSON = 1 << 0,        /* the body must be a JSON object */
    ROUTE_NO_CSRF = 1 << 1,     /* a state-changing route callable without a session token */
    ROUTE_NO_DB = 1 << 2,       /* the handler never touches the database (r->db is NULL) */
    ROUTE_ARCHIVED_OK = 1 << 3, /* a write allowed on an archived (read-only) family */
    ROUTE_STREAMS = 1 << 4,     /* the answer goes out as it is written (SSE, exports), so
                                   lighttpd must pass it on unbuffered (conf/routes.sh) */
    ROUTE_WRITE = 1 << 5,       /* the handler runs inside one write transaction, begun and
                                   ended by the dispatcher (server.h) */
    ROUTE_STAFF = 1 << 6,       /* a family route the console uses too: a consultant assigned
                                   to {fid} passes as its owner (as the admin always does) */
};

struct route {
    const char *method;
    const char *pattern;
    route_handler handler;
    enum access access;
    unsigned flags;
};

struct route_capture {
    const char *name; /* points into the pattern */
    size_t name_len;
    const char *value; /* points into the path, still percent-encoded */
    size_t value_len;
};

/* Matches `path` (no query) against `pattern` segment by segment; a {name}
 * matches one non-empty segment. Fills up to `max` captures. */
bool route_match(const char *pattern, const char *path, struct route_capture *caps, int max,
                 int *ncaps);

/* Finds the route for method + path. Returns it, or NULL and then sets
 * *path_known when some other method would have matched (→ 405) and writes
 * those methods, comma separated, into allow. */
const struct route *route_find(const struct route *routes, size_t n, const char *method,
                               const char *path, struct route_capture *caps, int max, int *ncaps,
                               bool *path_known, char *allow, size_t allowsz);

bool method_changes_state(const char *method);

#endif
