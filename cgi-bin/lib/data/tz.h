/* tz.h — IANA time zones without process-global state: a small reader for
 * compiled TZif files (RFC 8536, versions 1-4) and their POSIX TZ footer, so
 * worker threads can turn epoch milliseconds into local wall time (and back)
 * for any family's zone at once. Also the calendar-date helpers that go with
 * it ("YYYY-MM-DD", days in a month, day arithmetic).
 *
 * Zones come from the system zoneinfo directory (Debian package tzdata,
 * /usr/share/zoneinfo), or from $CARELOG_ZONEINFO, read once on first use.
 * "UTC" is built in and needs no file. Loaded zones are cached for the life of
 * the process and never change, so a `const struct tz *` may be kept and
 * shared between threads freely. */
#ifndef CARELOG_TZ_H
#define CARELOG_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_NAME_MAX 64 /* longest zone name accepted (the longest IANA name has 32) */

struct tz;

/* A zone by IANA name ("Europe/London", "UTC"); NULL when the name is not a
 * sane zone name, the file is missing or is not valid TZif, or the cache is
 * full (1024 distinct zones, more than tzdata has). Thread-safe. */
const struct tz *tz_get(const char *name);

/* True when tz_get(name) would succeed (and loads the zone into the cache). */
bool tz_name_is_valid(const char *name);

/* The name the zone was loaded under. */
const char *tz_name(const struct tz *z);

/* Offset of local time from UTC at an instant, in seconds east of UTC. */
int32_t tz_offset_at(const struct tz *z, int64_t utc_ms);

/* The zones a family chooses from: the places of tzdata's zone1970.tab and
 * zone.tab in the zoneinfo directory (every canonical zone, and one per
 * country, such as Europe/Amsterdam) that are TZif files, and UTC; sorted,
 * read once and kept for the life of the process. *n is their number; NULL
 * (and 0) when no table can be read. Thread-safe. */
const char *const *tz_list(size_t *n);

/* The zone's abbreviation in force at an instant ("BST", "+1030"); the string
 * lives as long as the zone. */
const char *tz_abbr_at(const struct tz *z, int64_t utc_ms);

/* Local wall time. wday: 0 = Sunday .. 6 = Saturday. */
struct civil {
    int year, month, day, hour, minute, second, wday;
};

/* The local wall time at an instant (milliseconds are dropped). */
void tz_to_civil(const struct tz *z, int64_t utc_ms, struct civil *out);

/* The instant at which local wall time reads `local` (wday is ignored).
 * Fields must be a real time: year 1..9999, a valid date, hour 0..23,
 * minute and second 0..59; false otherwise.
 * - In a gap (clocks jump forward, e.g. 01:30 on a spring-forward day in
 *   London) the time never happens; the result is the first instant after
 *   the gap, i.e. the moment of the transition (01:00 UTC = 02:00 BST).
 * - In an overlap (clocks fall back, the time happens twice) the result is the
 *   first occurrence (01:30 BST rather than 01:30 GMT). */
bool tz_civil_to_utc(const struct tz *z, const struct civil *local, int64_t *utc_ms);

/* A calendar date. */
struct date {
    int year, month, day;
};

/* The local day `day` as the UTC interval [*start_ms, *end_ms): 24 hours
 * usually, 23 or 25 (or 23.5, 24.5 ...) on days when the clocks change. A
 * day starts at its first local midnight, or at the end of a gap that
 * swallows midnight. False when the date is not valid (year 1..9999). */
bool tz_day_bounds(const struct tz *z, struct date day, int64_t *start_ms, int64_t *end_ms);

/* The local calendar date at an instant. */
struct date tz_date_at(const struct tz *z, int64_t utc_ms);

/* Adds the SQL function local_day_start(zone, when, days) to a connection:
 * the first instant of the local day `days` after `when` in IANA zone
 * `zone` (UTC when unknown); `when` is an instant (epoch ms: the day holding
 * it there) or a date ('YYYY-MM-DD'). So local_day_start(z, now, 0) and
 * local_day_start(z, now, 1) are today's bounds (23, 24 or 25 hours apart),
 * and one query can cut many families' days in their own zones (the
 * console's client list). NULL for an argument of the wrong kind. */
struct sqlite3;
bool tz_sql_register(struct sqlite3 *db);

/* ---- calendar dates (proleptic Gregorian, no time zone involved) ---- */

/* Strict "YYYY-MM-DD": exactly ten characters, year 0001..9999, a real date. */
bool date_parse(const char *s, struct date *out);
/* Formats as "YYYY-MM-DD" into out[11]; the date must be valid. */
void date_format(struct date d, char out[11]);
bool date_is_valid(struct date d);
int date_days_in_month(int year, int month); /* 0 for a month outside 1..12 */
/* Days since 1970-01-01 (negative before), and back. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
/* `d` moved by `n` days (negative: back), e.g. the next or previous day. */
struct date date_add_days(struct date d, int n);
int date_weekday(struct date d); /* 0 = Sunday .. 6 = Saturday */

/* ---- internal: exposed for the unit tests and the fuzzer ---- */

/* Parses a TZif image from memory into a new zone called `name`; NULL when the
 * image is malformed. Release with tz_free (never a zone from tz_get). */
struct tz *tz_parse(const unsigned char *data, size_t len, const char *name);
/* A zone made from a POSIX TZ string alone ("EST5EDT,M3.2.0,M11.1.0"), as if
 * it were the footer of a TZif file without transitions; NULL when malformed. */
struct tz *tz_parse_posix(const char *spec, const char *name);
void tz_free(struct tz *z);

#endif
