/* meds.h — a medication's schedule and its doses: which instants a day
 * holds a dose at (fixed times or every N hours, as wall-clock times in the
 * family's zone, so a clock change moves no dose), the state of a
 * scheduled dose at a moment (due, late, missed, given, skipped), and the
 * SQL that says how much supply is left. medications.c (the API) and the
 * push pass (dose due, dose missed, refill) use the same rules; the app's
 * www/js/meds.js is their twin for offline use, held equal by
 * tests/t0222-schedule-shared.sh.
 *
 * Doses are entries of type medication_dose whose value names the
 * medication and the scheduled time (epoch ms; none for an as-needed or an
 * extra dose). Two caregivers may both record the same scheduled dose (two
 * phones offline): both entries are kept, because a dose given is a fact
 * and the patient may really have had two. The first the server stored
 * (lowest seq) is the slot's dose; every other live dose of the slot is a
 * conflict that every device shows until someone removes it or records it
 * as an extra dose. So there is never a silent second dose, and the supply
 * counts one per slot. */
#ifndef CARELOG_MEDS_H
#define CARELOG_MEDS_H

#include <stdbool.h>
#include <stdint.h>

#include "data/tz.h"

#define MED_MAX_TIMES        24
#define DOSE_LATE_AFTER_MS   0LL                /* past its time: late ... */
#define DOSE_MISSED_AFTER_MS (30 * 60 * 1000LL) /* ... 30 min later: missed (and the alert) */
#define DOSE_EARLY_MS        (60 * 60 * 1000LL) /* given up to an hour early is on time */

struct med_schedule {
    enum { MED_TIMES, MED_INTERVAL, MED_PRN } kind;
    int minutes[MED_MAX_TIMES]; /* times of day (after midnight), sorted, distinct */
    int nminutes;
    struct date start, end;
    bool has_end, active;
};

/* "HH:MM" (00:00 .. 23:59) as minutes after midnight, or -1. */
int med_parse_hhmm(const char *s);

/* The schedule's times of day from its stored form: `times_json` (a JSON
 * array of "HH:MM") for MED_TIMES; every `every_hours` (dividing 24) from
 * `first_time` for MED_INTERVAL. False when the stored form is broken. */
bool med_schedule_times(struct med_schedule *s, const char *kind, const char *times_json,
                        int every_hours, const char *first_time);

/* The instants of the doses on local day `day` in `zone` (none outside the
 * start and end dates, for an inactive or an as-needed medication), in
 * order, at most `max`. A time that a spring-forward gap swallows is taken
 * at the end of the gap; a time a fall-back repeats, at its first
 * occurrence (tz_civil_to_utc); two times falling on one instant are one
 * dose. Returns how many. */
int med_day_slots(const struct med_schedule *s, const struct tz *zone, struct date day,
                  int64_t *out, int max);

enum dose_state { DOSE_DUE, DOSE_LATE, DOSE_MISSED, DOSE_GIVEN, DOSE_SKIPPED };

/* The state of a scheduled dose at `now`: recorded (status "given" or
 * "skipped"), else due before its time, late for 30 minutes after it,
 * missed from then on. */
enum dose_state dose_state_at(int64_t scheduled, int64_t now, const char *status);
const char *dose_state_name(enum dose_state s);
/* Given on time: from an hour before to 30 minutes after the time. */
bool dose_on_time(int64_t scheduled, int64_t given_at);

/* The supply left of medication `m` (an alias in the caller's FROM with
 * columns supply, supply_at, dose and id): what was there at supply_at less
 * each given dose since (its own dose, else the medication's, else 1),
 * counting a scheduled time once (a conflicting second record of it is not
 * a second dose). NULL when no supply was entered. */
#define MED_SUPPLY_LEFT_SQL(m)                                                                     \
    "(" m ".supply - coalesce((SELECT sum(coalesce(json_extract(e.value, '$.dose'), " m ".dose, "  \
    "1)) FROM entries e WHERE e.type = 'medication_dose' AND "                                     \
    "json_extract(e.value, '$.medication_id') = " m ".id AND e.deleted = 0 AND "                   \
    "json_extract(e.value, '$.status') = 'given' AND e.ts >= " m ".supply_at AND "                 \
    "(json_extract(e.value, '$.scheduled_at') IS NULL OR NOT EXISTS (SELECT 1 FROM entries p "     \
    "WHERE p.type = 'medication_dose' AND json_extract(p.value, '$.medication_id') = " m ".id "    \
    "AND json_extract(p.value, '$.scheduled_at') = json_extract(e.value, '$.scheduled_at') AND "   \
    "p.deleted = 0 AND p.seq < e.seq))), 0))"

#endif
