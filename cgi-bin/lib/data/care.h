/* care.h — the care records beyond entries, as the API's JSON: the profile
 * of a person cared for (what the emergency card shows). Shared by the
 * programs that write them and the live stream that sends them, so a
 * record reads the same in an answer and in an event. */
#ifndef CARELOG_CARE_H
#define CARELOG_CARE_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

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

/* A phone number as people write one: digits with spaces, dots, dashes,
 * brackets and a leading +, 3 to 20 digits in all. */
bool phone_is_valid(const char *s);

#endif
