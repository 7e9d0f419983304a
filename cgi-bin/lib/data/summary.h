/* summary.h — what a person's log adds up to, in the family's time zone: a
 * day's totals and its hour-by-hour grid (23, 24 or 25 rows on DST days;
 * sleeps and feeds crossing midnight split at it), and per-day trends. The
 * one server-side definition of these figures: the family routes
 * (cgi-bin/summary.c) and the consultant console (cgi-bin/admin.c, its
 * client list's "today" too) all answer from here, and www/js/summary.js
 * computes the same figures offline by the same rules
 * (tests/t0212-summary-shared.sh holds the two to identical numbers). A rule
 * changed here changes there. */
#ifndef CARELOG_SUMMARY_H
#define CARELOG_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/db.h"

struct request;
struct tz;
struct date;

/* Whose figures: the family's zone and one person (or every person). */
struct summary_scope {
    const struct tz *zone;
    const char *subject_id; /* NULL: every person (export, or `all`) */
    bool all;               /* ?subject=all: every person the caller may see */
};

/* The family's zone (UTC when unknown) and the person asked for: ?subject=
 * or, when the family cares for exactly one person, that person;
 * ?subject=all: everyone the caller may see (a member limited to some
 * people: those), summed where adding makes sense. False when it answered
 * (404 no such person, 400 which person). */
bool summary_scope_load(struct request *r, struct db *d, bool subject_required,
                        struct summary_scope *s);
/* ?NAME=YYYY-MM-DD into *out (*given: it was there). False when it answered
 * 400. */
bool summary_date_param(struct request *r, const char *name, struct date *out, bool *given);

/* One entry as the summaries need it. */
struct summary_item {
    const char *id, *type, *method, *kind;
    int64_t ts, end; /* end = end_ts, or now for a running timer, or ts */
    bool running, wet, dirty;
    double amount_ml;
    cJSON *value; /* owned: the strings above point into it */
    bool session, top_up, continued;
    int64_t side_ms[3]; /* a session's time at the breast: left, right, both */
};

struct summary_totals {
    int64_t sleep_ms, nap_ms, night_ms, longest_sleep_ms, breast_left_ms, breast_right_ms,
        breast_both_ms, tummy_ms;
    int naps, nights, feeds, bottles, solids, wet, dirty, diapers, pumps, medications, notes;
    double bottle_ml, pump_ml;
};

/* Reads an entry from five columns of `st` starting at `col`: id, type, ts,
 * end_ts, value (as stored). False when out of memory (leave it out rather
 * than miscount); release with summary_item_free. Running timers end at
 * `now`, capped at 48 h. `ft`: the family's own activity types, so one of
 * them runs as a timer too (NULL: the built-in types only). */
struct family_types;
bool summary_item_read(sqlite3_stmt *st, int col, struct summary_item *it, const struct tz *zone,
                       int64_t now, const struct family_types *ft);
void summary_item_free(struct summary_item *it);

/* A feed is counted once. A breast feed that starts within a minute of the
 * end of the person's previous one continues it (a side switch logged as two
 * entries): call this on each item, oldest first, with *breast_end starting
 * at SUMMARY_NO_FEED. */
#define SUMMARY_NO_FEED (INT64_MIN / 2)
void summary_item_chain(struct summary_item *it, int64_t *breast_end);

/* Adds what of `it` falls in [start, end): durations are clipped to the
 * window, counts go to the window the entry starts in. A nursing session
 * (left_s, right_s) puts its time on each side in the window it starts in;
 * a continued breast feed and a bottle given as a top-up are no new feed. */
void summary_totals_add(struct summary_totals *t, const struct summary_item *it, int64_t start,
                        int64_t end);

/* The entry filter every summary uses, for entries of a person overlapping
 * [from, to) given `now`, and those ending up to a minute before it (a
 * breast feed that the first of the window may continue; they add nothing
 * to the window themselves): written once as SQL so that a query over many
 * families (the console's client list) picks exactly the entries the day
 * summary does. Parameters by name: e is the entries table's alias. */
#define SUMMARY_ENTRY_OVERLAPS(E, FROM, TO, NOW)                                                   \
    E ".deleted = 0 AND " E ".ts < " TO " AND coalesce(" E ".end_ts, " NOW ") >= " FROM            \
      " - 60000 AND " E ".ts >= " FROM " - 172800000"

/* The handlers of GET .../summary?date=&subject= and GET
 * .../trends?days=7|30&end=&subject= for the family the access check chose
 * (r->session->family_id). With subject=all the figures are the people's
 * added up (each person's feeds chained on their own: a nursing session of
 * one twin never continues the other's), subject_id is null and
 * subject_ids lists whom they cover; the day adds a block per person
 * (people: [{subject_id, totals, custom, last}]) and has no combined last. A read by staff who are
 * not members is recorded in the family's audit log. */
void summary_day_reply(struct request *r);
void summary_trends_reply(struct request *r);

#endif
