/* care.h — the care records beyond entries, as the API's JSON: the profile
 * of a person cared for (what the emergency card shows), medications and
 * appointments.
 * Shared by the programs that write them and the live stream that sends
 * them, so a record reads the same in an answer and in an event. */
#ifndef CARELOG_CARE_H
#define CARELOG_CARE_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/appts.h"
#include "data/meds.h"

/* The columns a profile read selects, in the order profile_json_row reads
 * them (subject id, birth date, data, seq, updated_at, updated_by's name,
 * family id); callers append WHERE. A person without a profile row reads
 * as an empty profile of version 0. */
#define PROFILE_SELECT                                                                             \
    "SELECT s.id, s.birth_date, p.data, p.seq, p.updated_at, coalesce(u.name, m.guest_name), "     \
    "s.family_id FROM subjects s LEFT JOIN subject_profiles p ON p.subject_id = s.id "             \
    "LEFT JOIN members m ON m.id = p.updated_by LEFT JOIN users u ON u.id = m.user_id "

/* The keys of a profile's stored data, in the order the API shows them. */
extern const char *const profile_keys[];

/* The API's JSON for the current row of a PROFILE_SELECT statement. */
cJSON *profile_json_row(sqlite3_stmt *st);

/* The columns a medication read selects (medications m), in the order
 * medication_json_row reads them; callers append WHERE. Its seq is column
 * 26 and its family column 27. */
#define MEDICATION_SELECT                                                                          \
    "SELECT m.id, m.subject_id, m.name, m.form, m.dose, m.unit, m.instructions, m.prescriber, "    \
    "m.pharmacy_phone, m.start_date, m.end_date, m.active, m.schedule_kind, m.times, "             \
    "m.every_hours, m.first_time, m.min_interval_min, m.max_per_24h, m.supply, "                   \
    "m.supply_at, " MED_SUPPLY_LEFT_SQL(                                                           \
        "m") ", m.refill_at, m.missed_urgent, m.created_at, m.updated_at, "                        \
             "m.deleted_at IS NOT NULL, m.seq, m.family_id FROM medications m "
#define MEDICATION_SEQ_COL    26
#define MEDICATION_FAMILY_COL 27

/* The API's JSON for the current row of a MEDICATION_SELECT statement. */
cJSON *medication_json_row(sqlite3_stmt *st);

/* The columns an appointment read selects (appointments a, with its family
 * f and driver), in the order appointment_json_row reads them; callers
 * append WHERE. Its seq is column 17, its family 18, the zone 19. */
#define APPOINTMENT_SELECT                                                                         \
    "SELECT a.id, a.subject_id, a.title, a.type, a.dtstart, a.duration_min, a.location, "          \
    "a.with_whom, a.notes, a.driver_id, coalesce(u.name, m.guest_name), a.reminders, "             \
    "a.rrule, " APPT_EXCEPTIONS_SQL(                                                               \
        "a") ", a.created_at, a.updated_at, a.deleted_at IS NOT NULL, a.seq, "                     \
             "a.family_id, f.timezone FROM appointments a JOIN families f ON f.id = a.family_id "  \
             "LEFT JOIN members m ON m.id = a.driver_id LEFT JOIN users u ON u.id = m.user_id "
#define APPOINTMENT_SEQ_COL    17
#define APPOINTMENT_FAMILY_COL 18

/* The API's JSON for the current row of an APPOINTMENT_SELECT statement:
 * the series with its first start and end as instants, its rule, and its
 * exceptions (cancelled or moved occurrences by original start). */
cJSON *appointment_json_row(sqlite3_stmt *st);

/* A phone number as people write one: digits with spaces, dots, dashes,
 * brackets and a leading +, 3 to 20 digits in all. */
bool phone_is_valid(const char *s);

#endif
