/* rows.h — SQLite rows as the API's JSON: a column as a member (null when
 * the column is NULL), and a whole result as {"<key>": [row, ...]}. */
#ifndef CARELOG_ROWS_H
#define CARELOG_ROWS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include <sqlite3.h>

struct request;

/* o[name] = the column's text, or null. */
void json_col_text(cJSON *o, const char *name, sqlite3_stmt *st, int col);
/* o[name] = the column's integer (exact up to 64 bits), or null. */
void json_col_int(cJSON *o, const char *name, sqlite3_stmt *st, int col);

/* Answers 200 {"<key>": [row(st) for each row]} for a bound statement
 * (500 when stepping fails). */
void reply_rows(struct request *r, sqlite3_stmt *st, const char *key,
                cJSON *(*row)(sqlite3_stmt *st));
/* The same, leaving out each row `keep` refuses (keep may also narrow the
 * row it is given; `who` is passed on). */
void reply_rows_kept(struct request *r, sqlite3_stmt *st, const char *key,
                     cJSON *(*row)(sqlite3_stmt *st), bool (*keep)(const void *who, cJSON *row),
                     const void *who);

#endif
