/* entrywrite.h — the one way an entry is written: a change read from a JSON
 * object and checked by the catalogue's rules (entry_read), then applied
 * inside the caller's transaction with last write wins on the client's
 * updated_at, ties broken by content, and a new server seq (entry_apply).
 * The entries program (PUT, DELETE, sync), the importer and the Baby
 * Buddy-compatible API all write through here. */
#ifndef CARELOG_ENTRYWRITE_H
#define CARELOG_ENTRYWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "data/db.h"
#include "framework/valid.h"

#define ENTRY_MAX_DURATION_MS (48 * 3600 * 1000LL)
#define ENTRY_MAX_FUTURE_MS   (24 * 3600 * 1000LL)

/* One change as it arrives (PUT body or a sync change), validated. */
struct entry_in {
    const char *id, *subject_id, *type;
    const char *group_id; /* entries logged together (twins); NULL keeps the stored one */
    int64_t ts, end_ts, created_at, updated_at;
    bool has_end, deleted;
    cJSON *value; /* normalised copy, owned */
};

enum apply_result {
    APPLY_CREATED,
    APPLY_UPDATED,
    APPLY_SAME,
    APPLY_STALE,
    APPLY_NOT_FOUND,
    APPLY_SLEEP_RUNNING,
    APPLY_ERROR
};

/* True when `sid` is a live person of family `fid`. */
bool subject_in_family(struct db *d, const char *fid, const char *sid);

/* "<lead> (feed, sleep, pump, tummy_time)": the timed types named from the
 * catalogue, so the message stays true when a type is added. */
const char *timed_only_message(const char *lead);

/* Validates an entry object (the vobj's) into `e`, for the request's family
 * (r->db, r->session->family_id): a person the caller may not see
 * (access per person) is answered like another family's person. `id` comes from the path
 * for PUT (NULL: read it from the object, as sync does). On success e->value
 * is a normalised copy with derived fields filled (NULL when out of memory). */
struct request;
void entry_read(struct vobj *v, struct request *r, const char *id, struct entry_in *e);

/* The next server sequence number (-1 on a database error). */
int64_t entry_next_seq(struct db *d);

/* Applies one change inside the caller's transaction. */
enum apply_result entry_apply(struct db *d, const char *fid, const char *author,
                              const struct entry_in *in);

/* The stored entry as a change, so a delete can reuse entry_apply; strings[0]
 * and strings[1] are the caller's to free, e->value too. */
bool entry_load(struct db *d, const char *fid, const char *id, struct entry_in *e, char **strings);

/* True when `id` names an entry of another family. */
bool entry_is_foreign(struct db *d, const char *fid, const char *id);
/* True when `id` names an entry the caller may not see: another family's,
 * or one of a person hidden from them (access per person): answer 404. */
bool entry_hidden(struct request *r, const char *id);

#endif
