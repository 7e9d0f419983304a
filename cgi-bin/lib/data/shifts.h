/* shifts.h — caregivers' shifts and their handoffs as the API's JSON: a
 * shift (or a weekly series of them, expanded like appointments through
 * appts.h), one occurrence as it happened (a visit: check-in, check-out,
 * the handoff note and digest), and the digest itself: what was logged for
 * the person between two instants. Shared by cgi-bin/shifts.c, the live
 * stream and the push pass (lib/push/shiftpush.c). */
#ifndef CARELOG_SHIFTS_H
#define CARELOG_SHIFTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/appts.h"
#include "data/db.h"
#include "data/tz.h"

#define SHIFT_MAX_MIN (24 * 60) /* a shift lasts a day at most */

/* The columns a shift read selects (shifts s, its family f and caregiver),
 * in the order shift_json_row reads them; callers append WHERE. */
#define SHIFT_SELECT                                                                               \
    "SELECT s.id, s.subject_id, s.caregiver_id, coalesce(u.name, m.guest_name), s.dtstart, "       \
    "s.duration_min, s.rrule, s.notes, s.created_at, s.updated_at, s.deleted_at IS NOT NULL, "     \
    "s.seq, s.family_id, f.timezone FROM shifts s JOIN families f ON f.id = s.family_id "          \
    "LEFT JOIN members m ON m.id = s.caregiver_id LEFT JOIN users u ON u.id = m.user_id "
#define SHIFT_SEQ_COL    11
#define SHIFT_FAMILY_COL 12

/* The columns a visit read selects (shift_visits v and who checked in). */
#define VISIT_SELECT                                                                               \
    "SELECT v.id, v.shift_id, v.occurrence, v.subject_id, v.member_id, "                           \
    "coalesce(u.name, m.guest_name), v.checked_in_at, v.checked_out_at, v.note, v.digest, "        \
    "v.updated_at, v.seq, v.family_id FROM shift_visits v "                                        \
    "LEFT JOIN members m ON m.id = v.member_id LEFT JOIN users u ON u.id = m.user_id "
#define VISIT_SEQ_COL    11
#define VISIT_FAMILY_COL 12

/* The family's zone (UTC when unknown). */
const struct tz *family_tz(struct db *d, const char *family_id);

/* A shift's series from its stored columns (no exceptions); false when a
 * stored value is broken. */
bool shift_series_read(struct appt_series *s, const char *dtstart, int duration_min,
                       const char *rrule, const struct tz *zone);

/* The API's JSON for the current row of a SHIFT_SELECT / VISIT_SELECT. */
cJSON *shift_json_row(sqlite3_stmt *st);
cJSON *visit_json_row(sqlite3_stmt *st);

/* The newest handoff (a visit checked out) for the person, at or before
 * `before`, as visit JSON; NULL when there is none (or on error). */
cJSON *shift_last_handoff(struct db *d, const char *subject_id, int64_t before);

/* What was logged for the person in [from, to): scheduled doses in the
 * window (given, skipped, or missed/late/due at `to` when not recorded)
 * and doses recorded in it; meals (feeds), sleep (overlapping the window),
 * vitals (vitals, temperature, growth), incidents (symptoms, ad-hoc
 * medication, notes) and other entries; with counts. NULL on error. */
cJSON *shift_digest(struct db *d, const char *subject_id, int64_t from, int64_t to);

#endif
