/* ical.h — writing iCalendar (RFC 5545) for the calendar feed: content
 * lines folded at 75 octets (never inside a UTF-8 character) and ended by
 * CRLF, TEXT values escaped, local and UTC date-times, and a VTIMEZONE
 * made from the zone's real transitions over the years the feed covers. */
#ifndef CARELOG_ICAL_H
#define CARELOG_ICAL_H

#include <stdint.h>

#include "data/tz.h"
#include "util/util.h"

/* Appends "NAME:VALUE\r\n" (NAME may carry parameters: "DTSTART;TZID=X"),
 * folded. `value` is written as it is. */
void ical_line(struct buf *b, const char *name, const char *value);
/* The same with a TEXT value escaped (\\ \; \, and newlines as \n). */
void ical_text(struct buf *b, const char *name, const char *text);
/* "20260316T090000": local wall time in `zone` at an instant. */
void ical_local(const struct tz *zone, int64_t ms, char out[16]);
/* "20260316T090000Z": UTC. */
void ical_utc(int64_t ms, char out[17]);
/* BEGIN:VTIMEZONE ... END:VTIMEZONE for `zone`, with an observance for
 * each change of offset in the years [from_year, to_year] (at most 40),
 * and the offset in force at their start. */
void ical_vtimezone(struct buf *b, const struct tz *zone, int from_year, int to_year);

#endif
