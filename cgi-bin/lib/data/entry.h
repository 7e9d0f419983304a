/* entry.h — the care log's entry types: their names, which ones run as
 * timers, and the validation of each type's `value` object (metric units,
 * bounded numbers, unknown fields rejected), all by the rules of the entry
 * catalogue (catalogue.h, from catalogue/entries.json). */
#ifndef CARELOG_ENTRY_H
#define CARELOG_ENTRY_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "framework/valid.h"

struct buf;

struct tz;

/* The catalogue's type names, NULL-terminated, for v_enum. */
const char *const *entry_types(void);

/* Timed types (feeds, sleeps, pumping, tummy time) may have an end_ts. */
bool entry_type_is_timed(const char *type);
/* True when an entry of this type and value without an end_ts is a running
 * timer (a sleep always; a feed only at the breast). */
bool entry_is_running(const char *type, const cJSON *value);

/* Validates `value` for `type`, recording errors as "value.<field>" on the
 * parent. `preset` relaxes it for quick-log button presets: required fields
 * and cross-field rules are left to the moment the entry is logged. */
void entry_value_check(struct vobj *parent, const char *type, const cJSON *value, bool preset);

/* The columns every entry read selects, in the order entry_json_row reads
 * them (id, subject_id, type, ts, end_ts, value, author_id, author_name,
 * created_at, updated_at, deleted, seq, family_id, created_by, group_id);
 * callers append WHERE. author_id wrote the latest version, created_by the
 * first; group_id joins the entries of one event logged for several people
 * at once (twins: sql/021). */
#define ENTRY_COLUMNS                                                                              \
    "e.id, e.subject_id, e.type, e.ts, e.end_ts, e.value, e.author_id, "                           \
    "coalesce(u.name, m.guest_name), e.created_at, e.updated_at, e.deleted, e.seq, e.family_id, "  \
    "e.created_by, e.group_id"
#define ENTRY_FROM                                                                                 \
    " FROM entries e LEFT JOIN members m ON m.id = e.author_id "                                   \
    "LEFT JOIN users u ON u.id = m.user_id "
#define ENTRY_SELECT "SELECT " ENTRY_COLUMNS ENTRY_FROM

/* The API's JSON for the current row of an ENTRY_SELECT statement, appended
 * to b (false when b is full), or as a cJSON item to place in a tree (a raw
 * item: it prints as written). */
bool entry_json_write(struct buf *b, sqlite3_stmt *st);
cJSON *entry_json_row(sqlite3_stmt *st);

/* A copy of a valid value with its fields in the type's fixed order, so equal
 * values always print as equal text (the tie-break in conflicts compares
 * it). NULL for an unknown type or out of memory. */
cJSON *entry_value_normalise(const char *type, const cJSON *value);

/* Fills the fields the catalogue derives when absent (a sleep's kind from the
 * hour it starts at in the family's zone). False when out of memory. */
bool entry_value_derive(const char *type, cJSON *value, const struct tz *zone, int64_t ts);

#endif
