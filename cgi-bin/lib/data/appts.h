/* appts.h — appointments and their occurrences: a series is a first start
 * (a wall-clock time in the family's zone), a length, an optional RRULE
 * (rrule.h) and exceptions by original start (cancelled: an EXDATE; moved:
 * a RECURRENCE-ID override with its own start and end). The programs, the
 * push pass (reminders 24 h and 1 h before) and the calendar feed all list
 * occurrences through appt_occurrences, so they agree on every date. */
#ifndef CARELOG_APPTS_H
#define CARELOG_APPTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/rrule.h"
#include "data/tz.h"

#define APPT_MAX_EXCEPTIONS 64
#define APPT_MAX_MOVE_MS    (31 * 86400000LL) /* an occurrence moves within a month */

struct appt_exception {
    char original[17]; /* "YYYY-MM-DDTHH:MM" */
    bool cancelled;
    int64_t start, end; /* moved */
};

struct appt_series {
    struct civil dtstart; /* local, seconds 0 */
    int duration_min;
    bool has_rule;
    struct rrule rule;
    int nexceptions;
    struct appt_exception exceptions[APPT_MAX_EXCEPTIONS];
};

/* One occurrence: its original start (local text and instant) and its
 * actual start and end (moved ones differ). */
struct appt_occurrence {
    char original[17];
    int64_t original_at, start, end;
    bool moved;
};

/* "YYYY-MM-DDTHH:MM" as a local time (seconds 0); false when malformed. */
bool appt_parse_local(const char *s, struct civil *out);
void appt_format_local(const struct civil *c, char out[17]);
/* The same text of an instant in `zone` (seconds dropped). */
void appt_local_text(const struct tz *zone, int64_t ms, char out[17]);

/* Reads a series from its stored columns (dtstart text, duration, rrule
 * text or NULL, exceptions as the JSON array APPT_EXCEPTIONS_SQL makes).
 * False when a stored value is broken. */
bool appt_series_read(struct appt_series *s, const char *dtstart, int duration_min,
                      const char *rrule, const char *exceptions_json, const struct tz *zone);

/* Calls fn for each occurrence whose (actual) start is in [from, to), in
 * order of original start, cancelled ones left out; stops when fn returns
 * false. Returns how many were passed. */
int appt_occurrences(const struct appt_series *s, const struct tz *zone, int64_t from, int64_t to,
                     bool (*fn)(const struct appt_occurrence *o, void *arg), void *arg);

/* Whether `at` is the original start of an occurrence of the series (a
 * cancelled or moved one too). Fills its local text. */
bool appt_is_occurrence(const struct appt_series *s, const struct tz *zone, int64_t at,
                        char original[17]);

/* The exceptions of appointment a (an alias) as a JSON array, for selects. */
#define APPT_EXCEPTIONS_SQL(a)                                                                     \
    "(SELECT json_group_array(json_object('original', x.original, 'cancelled', x.cancelled, "      \
    "'start', x.start, 'end', x.end)) FROM appointment_exceptions x WHERE x.appointment_id = " a   \
    ".id)"

#endif
