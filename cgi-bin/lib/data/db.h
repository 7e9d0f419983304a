/* db.h — the SQLite connection each worker thread owns: opened with WAL,
 * a busy timeout and foreign keys; a cache of prepared statements; the
 * migration runner over sql/NNN_*.sql (compiled into every program). */
#ifndef CARELOG_DB_H
#define CARELOG_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Statements one connection keeps prepared. A program uses a fixed set
 * (no dynamic SQL), and the handler fuzzer drives every program's routes
 * through one connection, so this holds all of them together with room to
 * grow: when it was 96 the care programs filled it and db_stmt failed. */
#define DB_STMT_CACHE 320

struct db {
    sqlite3 *h;
    bool writing; /* holds this process's write lock (between db_begin and its end) */
    int nstmts;
    struct {
        const char *sql; /* the caller's string; compared by address, then text */
        sqlite3_stmt *st;
    } stmts[DB_STMT_CACHE];
    /* What a library part keeps with the connection (data/acttype.c: the
     * family's activity types), freed by db_close with ext_free. */
    void *ext;
    void (*ext_free)(void *);
};

struct migration {
    int version;
    const char *name;
    const char *sql;
};

/* The migrations compiled from sql/ (generated at build time). */
extern const struct migration carelog_migrations[];
extern const size_t carelog_migrations_count;

/* Whether commits are synced to disk before they return (synchronous=FULL,
 * the default) or only written (NORMAL). Called once at start. */
void db_set_durable(bool on);
/* Whether a checkpointer thread (below) keeps the WAL short, so that the
 * connections opened from now on never checkpoint on their own commits.
 * Called once at start by the FastCGI programs. */
void db_set_checkpointer(bool elsewhere);
/* The checkpointer: one thread (in the entries program) that copies the
 * WAL back into the database every 200 ms without blocking anyone. */
bool db_checkpointer_start(const char *path);
void db_checkpointer_stop(void);
/* Opens (creating if needed) and configures a connection. 0 on success. */
int db_open(struct db *d, const char *path, char *err, size_t errsz);
void db_close(struct db *d);

/* A prepared statement for `sql` from this connection's cache, reset and with
 * bindings cleared. NULL on error (logged). Pass string literals: the cache
 * keys on them. */
sqlite3_stmt *db_stmt(struct db *d, const char *sql);
/* Resets every statement of the connection so no read transaction outlives a
 * request; the dispatcher calls this after each request. */
void db_release_all(struct db *d);

/* Transactions: writers use BEGIN IMMEDIATE so a busy database waits for the
 * busy timeout instead of failing mid-transaction. Within a process, writers
 * also queue on one mutex: SQLite admits one writer at a time anyway, and a
 * thread waiting here wakes the moment the lock is free, where SQLite's busy
 * handler would sleep in steps of up to 100 ms. Every db_begin ends in
 * db_commit or db_rollback (db_release_all rolls back a forgotten one). */
bool db_begin(struct db *d);
/* Runs a statement without parameters or rows (SAVEPOINT, RELEASE...). */
bool db_exec(struct db *d, const char *sql);
bool db_commit(struct db *d);
/* Calls fn after every successful db_commit (framework/wake.c: it wakes the
 * live stream). Set once at start, before any thread commits. */
void db_on_commit(void (*fn)(void));
void db_rollback(struct db *d);

/* Highest applied migration, 0 for a fresh database, -1 on error. */
int db_schema_version(struct db *d);

enum migrate_result { MIGRATE_OK = 0, MIGRATE_TOO_NEW = 1, MIGRATE_ERROR = 2 };
/* Applies the pending ones of `m[0..n)` (sorted by version), each in its own
 * transaction, recording them in schema_migrations. Refuses a database whose
 * schema is newer than the last of `m`. */
enum migrate_result db_migrate(struct db *d, const struct migration *m, size_t n, char *err,
                               size_t errsz);

/* Convenience binders: text may be NULL (→ SQL NULL). */
bool db_bind_text(sqlite3_stmt *st, int idx, const char *s);
bool db_bind_int64(sqlite3_stmt *st, int idx, int64_t v);
/* Column text or "" (never NULL). */
const char *db_col_text(sqlite3_stmt *st, int col);
/* Runs a statement expecting SQLITE_DONE (logs otherwise). */
bool db_step_done(struct db *d, sqlite3_stmt *st);

#endif
