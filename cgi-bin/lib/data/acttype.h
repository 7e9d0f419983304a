/* acttype.h — the activity types a family defines (sql/020_activity_types.sql):
 * a definition read and checked from a request (acttype_read), and the
 * family's types as the catalogue's own type descriptions. A definition is
 * written as a catalogue type (from the catalogue's custom_fields) and read
 * by catalogue_parse, so an entry of a family's type is checked by the very
 * validator the built-in types use (cat_value_check), and the export, the
 * import and the summaries read its fields from the same struct cat_type.
 *
 * Entries name such a type "x-<key>": built-in names never hold a '-'. */
#ifndef CARELOG_ACTTYPE_H
#define CARELOG_ACTTYPE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/catalogue.h"
#include "data/db.h"
#include "framework/valid.h"

#define ACTTYPE_PREFIX     "x-"
#define ACTTYPE_MAX_FIELDS 12
#define ACTTYPE_MAX_TYPES  40

/* A definition as a request gives it; absent parts are NULL / false. */
struct acttype_in {
    const char *key, *icon, *colour;
    cJSON *names, *subject_ids, *fields; /* normalised copies, owned */
    bool has_archived, archived;
};

/* Reads a POST (`old_fields` NULL: key, names and fields required) or a
 * PATCH body (`old_fields`: the stored fields, which the new ones must keep:
 * no field or choice removed or retyped, duration as it was) into `in`,
 * recording field errors on `v`. People named must be live people of `fid`. */
void acttype_read(struct vobj *v, struct db *d, const char *fid, const cJSON *old_fields,
                  struct acttype_in *in);
void acttype_in_free(struct acttype_in *in);

/* The catalogue type a definition's fields become ({"icon", "for",
 * "timed", "timer", "fields"}); NULL when out of memory. */
cJSON *acttype_catalogue_type(const char *icon, const cJSON *fields);

/* Types ({"<key>": catalogue type}) as a catalogue of their own, read by
 * the catalogue's parser (catalogue_parse, with the built-in catalogue's
 * person kinds and colours). False with the parser's reason in `err`. */
bool acttype_compile(const cJSON *types, struct catalogue **out, char *err, size_t errsz);

/* The columns a read selects, in the order acttype_json_row reads them;
 * callers append WHERE. Its seq is column 11, its family column 12. */
#define ACTTYPE_SELECT                                                                             \
    "SELECT id, key, names, icon, colour, subject_ids, fields, version, archived, created_at, "    \
    "updated_at, seq, family_id FROM activity_types "
#define ACTTYPE_SEQ_COL    11
#define ACTTYPE_FAMILY_COL 12

/* The API's JSON for the current row of an ACTTYPE_SELECT statement: the
 * definition, its entry type ("x-<key>") and its catalogue type. */
cJSON *acttype_json_row(sqlite3_stmt *st);

/* A family's types, compiled; kept on the connection until they change. */
struct family_types {
    char fid[37];
    int64_t max_seq, count;
    struct catalogue *cat; /* the family's types, named by key; NULL if none */
    const char **names;    /* built-in names, then "x-<key>": for v_enum */
};

/* The family's types (cheap when unchanged); NULL on a database error or
 * out of memory. */
const struct family_types *family_types(struct db *d, const char *fid);
/* A built-in type, or one of the family's ("x-<key>"); NULL when neither.
 * `ft` may be NULL (built-in types only). */
const struct cat_type *family_type(const struct family_types *ft, const char *name);

#endif
