/* links.h — invite and access links of a family, as both the family's own
 * sharing screen (families.c) and the consultant console (admin.c) make,
 * list and revoke them: one definition of what a link row says (active,
 * uses, when it was last used), how a new one is stored (only its token's
 * hash) and what revoking ends (every device that came in with it). */
#ifndef CARELOG_LINKS_H
#define CARELOG_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "data/db.h"
#include "security/secret.h"

struct request;

/* The roles in a family (which a link gives), NULL-terminated, for v_enum. */
extern const char *const family_roles[];

/* GET: 200 {"links": [...]} for the family, newest first. Each link says
 * when it was last used: the last time it let a device in, or the last time
 * a device that came in with it was seen (sessions renew hourly). */
void links_reply(struct request *r, struct db *d, const char *fid);

/* Makes a link and gives what the 201 answer says of it: the link, its
 * token (also in `token`) and its URL, the only time the token is shown;
 * NULL on failure (the caller answers 500). expires_at / max_uses: 0 for
 * none. created_by: the creator's member id, or NULL (staff). Audited as
 * link_created. */
cJSON *links_create(struct request *r, struct db *d, const char *fid, const char *role,
                    const char *label, int64_t expires_at, int64_t max_uses, const char *created_by,
                    const char *subject_ids, char token[TOKEN_LEN + 1]);

struct vobj;
/* Reads "subject_ids" of a member, invite or link body (sql/021): the people
 * of family `fid` the member may see. Absent: false (nothing to change).
 * null: true, *out NULL (everyone). An array of 1 to 64 distinct live people
 * of the family: true, *out their JSON array (in the request's arena). Bad
 * input is recorded on `v`. `role` (when known) may not be owner with a
 * limit: owners see everyone. */
bool links_read_subjects(struct request *r, struct vobj *v, const char *fid, const char *role,
                         const char **out);

/* The stored limit (JSON text or SQL NULL) of column `col` as the API shows
 * it: an array of ids, or null for everyone. */
void links_add_subjects(cJSON *o, sqlite3_stmt *st, int col);

/* Revokes link `lid` of the family and signs out its devices: 204, or 404
 * when the family has no such link. Audited as link_revoked. */
void links_revoke(struct request *r, struct db *d, const char *fid, const char *lid);

#endif
