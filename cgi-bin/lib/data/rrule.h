/* rrule.h — the RFC 5545 recurrence rules appointments use: the subset
 * FREQ=DAILY|WEEKLY|MONTHLY with INTERVAL, BYDAY (weekdays; an ordinal
 * such as 1MO or -1FR with MONTHLY), BYMONTHDAY (1..31, -1..-31), and COUNT
 * or UNTIL, parsed strictly, printed back in one normal form, and expanded
 * into local dates: the occurrences keep their wall-clock time in the
 * family's zone, so a weekly 09:00 stays at 09:00 across a clock change
 * (the caller turns each local date and time into an instant).
 *
 * The rule's first occurrence must be its start (a weekly Monday rule
 * starts on a Monday): RFC 5545 counts DTSTART as an occurrence even when
 * the rule would not make it, and common readers of the calendar feed do
 * not; requiring it keeps every reader on the same dates. */
#ifndef CARELOG_RRULE_H
#define CARELOG_RRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/tz.h"

#define RRULE_MAX_BYDAY      14
#define RRULE_MAX_BYMONTHDAY 31
#define RRULE_MAX_TEXT       256
/* How far a rule is followed from its start (a COUNT or an UNTIL beyond is
 * cut there): 20 years of a family's appointments. */
#define RRULE_MAX_DAYS (20 * 366)

enum rrule_freq { RRULE_DAILY, RRULE_WEEKLY, RRULE_MONTHLY };

struct rrule {
    enum rrule_freq freq;
    int interval; /* 1.. */
    int nbyday;
    struct {
        int wday; /* 0 = Sunday .. 6 = Saturday */
        int nth;  /* 0: every; 1..5 or -1..-5 (MONTHLY): that one in the month */
    } byday[RRULE_MAX_BYDAY];
    int nbymonthday;
    int bymonthday[RRULE_MAX_BYMONTHDAY]; /* 1..31 or -1..-31 */
    int count;                            /* 0: none */
    bool has_until;
    int64_t until; /* UTC epoch ms, inclusive (a date UNTIL: the end of that local day) */
};

/* Parses "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10" (an optional
 * "RRULE:" prefix is allowed). A date UNTIL (YYYYMMDD) means through that
 * day in `zone`; a date-time UNTIL must be UTC (…Z) or is read in `zone`.
 * On failure writes why into err (for a 400) and returns false. */
bool rrule_parse(const char *text, const struct tz *zone, struct rrule *out, char *err,
                 size_t errsz);

/* The rule in its normal form (parts in a fixed order, UNTIL in UTC). */
void rrule_format(const struct rrule *r, char *out, size_t outsz);

/* Whether local date `d` is an occurrence of the rule that starts on
 * `start` (before COUNT and UNTIL, which need the whole sequence). */
bool rrule_matches(const struct rrule *r, struct date start, struct date d);

/* Calls fn(date, arg) for each occurrence date in order, from `start`
 * (whose time of day is `minute` after midnight, for UNTIL) through
 * `last` (or the rule's end), stopping early when fn returns false.
 * Returns how many were passed. */
int rrule_expand(const struct rrule *r, struct date start, int minute, const struct tz *zone,
                 struct date last, bool (*fn)(struct date d, void *arg), void *arg);

#endif
