/* valid.h — typed, bounded getters over a cJSON object that collect
 * per-field errors instead of stopping at the first one. A handler asks for
 * every field it knows, then v_finish() rejects unknown and duplicate fields.
 *
 *   struct vobj v;
 *   v_init(&v, r->json, NULL);
 *   v_string(&v, "name", V_REQUIRED, 1, 80, &name);
 *   v_int(&v, "amount_ml", 0, 1, 1000, &ml);
 *   if (!v_accept(r, &v)) return;
 */
#ifndef CARELOG_VALID_H
#define CARELOG_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct request;

enum v_flags {
    V_REQUIRED = 1 << 0,  /* missing → "is required" */
    V_NULLABLE = 1 << 1,  /* null is accepted (and reported as absent) */
    V_MULTILINE = 1 << 2, /* strings may hold newlines and tabs */
};

#define V_MAX_KNOWN  48 /* field names one object may know (a bit each) */
#define V_MAX_ERRORS 16 /* field errors collected before the rest are dropped */

struct vobj {
    const cJSON *obj;
    char prefix[64]; /* "value." for nested objects, "" at the top */
    cJSON *errors;   /* shared with nested vobjs; name → message */
    bool owns_errors;
    const char *known[V_MAX_KNOWN];
    int nknown;
};

/* `obj` may be NULL or not an object: then the first getter (or v_finish)
 * reports it, so a getter that yields nothing has always either found the
 * field absent and optional or recorded why. */
void v_init(struct vobj *v, const cJSON *obj, const char *prefix);
/* A nested object sharing the parent's error list; field names get prefixed. */
void v_init_nested(struct vobj *child, struct vobj *parent, const cJSON *obj, const char *name);
void v_free(struct vobj *v);

/* Each getter returns true when the field is present, not null and valid. */
bool v_string(struct vobj *v, const char *name, unsigned flags, size_t min_chars, size_t max_chars,
              const char **out);
bool v_int(struct vobj *v, const char *name, unsigned flags, int64_t min, int64_t max,
           int64_t *out);
bool v_number(struct vobj *v, const char *name, unsigned flags, double min, double max,
              double *out);
bool v_bool(struct vobj *v, const char *name, unsigned flags, bool *out);
/* `allowed` is NULL-terminated. */
bool v_enum(struct vobj *v, const char *name, unsigned flags, const char *const *allowed,
            const char **out);
bool v_uuid(struct vobj *v, const char *name, unsigned flags, const char **out);
bool v_epoch_ms(struct vobj *v, const char *name, unsigned flags, int64_t *out);
bool v_object(struct vobj *v, const char *name, unsigned flags, const cJSON **out);
bool v_array(struct vobj *v, const char *name, unsigned flags, size_t max_items, const cJSON **out);

/* An email address, trimmed and lower-cased into out (≤ 254 characters,
 * one '@', a dotted domain, no spaces or control characters). */
bool v_email(struct vobj *v, const char *name, unsigned flags, char *out, size_t outsz);
bool email_normalise(const char *in, char *out, size_t outsz);

/* True when `name` is present with the value null. Marks it known. */
bool v_is_null(struct vobj *v, const char *name);
/* True when `name` is present at all. Does not mark it known. */
bool v_has(const struct vobj *v, const char *name);

/* Records a custom error (cross-field rules); the first error per field wins. */
void v_error(struct vobj *v, const char *name, const char *message);
bool v_ok(const struct vobj *v);
/* Flags unknown and duplicate fields; true when no error was recorded. */
bool v_finish(struct vobj *v);
/* Moves the collected errors out (caller owns them); NULL when none. */
cJSON *v_take_errors(struct vobj *v);
/* Sends 400 validation_failed with the collected field errors. */
void v_reply(struct request *r, struct vobj *v);
/* The usual end of reading a body: v_finish, then either 400 with the field
 * errors (false: the handler returns) or the errors freed (true). */
bool v_accept(struct request *r, struct vobj *v);

/* A whole-number query parameter in [min, max], `def` when absent. On bad
 * input replies 400 validation_failed naming the parameter, returns false. */
bool query_int(struct request *r, const char *name, int64_t min, int64_t max, int64_t def,
               int64_t *out);

/* UTF-8 well-formedness and a code point count; false on bad UTF-8 or on
 * control characters (newline and tab allowed when `multiline`). */
bool utf8_check(const char *s, bool multiline, size_t *chars);

#endif
