/* babybuddy.h — Baby Buddy's words for what carelog logs, in both
 * directions, defined once for the importer (imports.c) and the Baby
 * Buddy-compatible API (babybuddy.c): feeding types and methods, diaper
 * colours, units, and its naive local times. Values built here still go
 * through the catalogue's validator (entrywrite.h) like any other write. */
#ifndef CARELOG_BABYBUDDY_H
#define CARELOG_BABYBUDDY_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/util.h"

struct tz;

/* Baby Buddy's feeding types and methods (its choice values). */
extern const char *const bb_feeding_types[];   /* NULL-terminated */
extern const char *const bb_feeding_methods[]; /* NULL-terminated */
extern const char *const bb_diaper_colors[];   /* NULL-terminated */

/* A Baby Buddy feeding (type, method, amount) as a carelog feed value:
 * sets method, milk, amount_ml in `value`; what has no home in carelog is
 * appended to `notes` ("fortified breast milk", an amount given for a breast
 * feed). `amount_ml` < 0: none. Returns false for a type or method Baby
 * Buddy does not have (the message says which). */
bool bb_feed_value(const char *type, const char *method, double amount_ml, cJSON *value,
                   struct buf *notes, const char **message);
/* A carelog feed value as Baby Buddy's type and method. */
void bb_feed_words(const cJSON *value, const char **type, const char **method);

/* A Baby Buddy diaper colour as carelog's (NULL for none or unknown). */
const char *bb_color_in(const char *color);

/* Unit conversions (Baby Buddy stores bare numbers in the units its users
 * chose). */
#define BB_ML_PER_FLOZ 29.5735295625
#define BB_G_PER_LB    453.59237
#define BB_CM_PER_IN   2.54
double bb_f_to_c(double f);
double bb_c_to_f(double c);

/* Parses a Baby Buddy time: "YYYY-MM-DD HH:MM[:SS[.ffffff]]" ('T' also
 * allowed) with an optional "Z" or ±HH:MM offset, or a bare date (taken as
 * noon). Without an offset it is a wall time in `zone`. *note is set when
 * the wall time does not exist (clocks went forward: the transition moment
 * is taken) or happened twice (the first is taken). False when unreadable. */
bool bb_time_parse(const char *s, const struct tz *zone, int64_t *ms, const char **note);

/* Formats ms as Baby Buddy does: local time with its offset,
 * "2020-03-12T21:25:28-07:00", into out[40]. */
void bb_time_format(const struct tz *zone, int64_t ms, char out[40]);

/* Django's duration text: "HH:MM:SS", with "D " before it past a day, into out[48]. */
void bb_duration_format(int64_t ms, char out[48]);

/* True for "1", "true", "True", "yes" (and false for "0", "false", "",...):
 * a CSV boolean. */
bool bb_truthy(const char *s);

#endif
