/* session.h — signed-in browsers: the session cookie (HttpOnly, SameSite=Lax,
 * Secure + __Host- prefix over HTTPS), sliding expiry renewed at most hourly,
 * and the caller's role in the family a route names. */
#ifndef CARELOG_SESSION_H
#define CARELOG_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "data/db.h"
#include "security/secret.h"

struct request;

enum role { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_CAREGIVER = 2, ROLE_OWNER = 3 };

const char *role_name(enum role r);
/* "owner" / "caregiver" / "viewer" → role; ROLE_NONE otherwise. */
enum role role_parse(const char *s);

struct session {
    char id[37];
    char user_id[37];   /* "" for a guest device session */
    char member_id[37]; /* the guest's member id; "" for accounts */
    char link_id[37];   /* the link a guest session came from */
    bool is_admin;
    bool is_consultant; /* an instance-level consultant (sql/012) */
    bool is_guest;
    char csrf[TOKEN_LEN + 1];
    int64_t renewed_at, expires_at;

    /* Set by the access check for routes with {fid}. */
    char family_id[37];
    char family_member_id[37]; /* the caller's member id there ("" for the admin) */
    enum role role;
    bool family_archived;
    /* The caller reached the family as staff, not as a member: the admin, or
     * a consultant through their assignment (then `assigned` too). Reads
     * made this way go to the family's audit log. */
    bool as_staff;
    bool assigned;
    /* The people the caller may see there (sql/021): a JSON array of subject
     * ids, or NULL for everyone. Use access_subject_ok / ACCESS_SUBJECT_IN
     * (framework/access.h), not this directly. */
    const char *subjects;
    int nsubjects;
    char (*subject_list)[37];
};

/* Session idle lifetime in ms (SESSION_IDLE_DAYS, default 30). */
int64_t session_idle_ms(void);

/* Starts a session for an account (user_id) or a guest member (member_id,
 * link_id), sets the cookie and attaches it to the request. */
bool session_start(struct request *r, struct db *d, const char *user_id, const char *member_id,
                   const char *link_id);
/* Loads the session named by the request's cookie into r->session (NULL when
 * none or expired), renewing it when the last renewal is over an hour old. */
bool session_load(struct request *r, struct db *d);
/* Ends the request's session (sign out) and clears the cookie. */
void session_end(struct request *r, struct db *d);
void session_clear_cookie(struct request *r);

/* A short device label ("Firefox on Android") from a User-Agent; never the
 * raw header. */
void device_label(const char *user_agent, char *out, size_t outsz);

#endif
