/* db.c — SQLite connection setup, statement cache, transactions and the
 * migration runner. */
#include "data/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/tz.h"
#include "framework/log.h"
#include "util/util.h"

/* Set once at start, before any thread opens a connection. */
static bool durable = true;
static bool checkpoints_elsewhere;

void db_set_durable(bool on)
{
    durable = on;
}

void db_set_checkpointer(bool elsewhere)
{
    checkpoints_elsewhere = elsewhere;
}

int db_open(struct db *d, const char *path, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &d->h, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "open: %s", d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        sqlite3_close(d->h);
        d->h = NULL;
        return -1;
    }
    sqlite3_busy_timeout(d->h, 5000);
    sqlite3_extended_result_codes(d->h, 1);
    /* WAL lets readers run beside one writer. FULL syncs the WAL at every
     * commit, so what was committed (and answered) survives a power loss;
     * NORMAL survives a crash of the program but may lose the last commits
     * on power loss. Group commit (framework/commit.c) shares the sync. */
    static const char setup[] = "PRAGMA journal_mode=WAL;"
                                "PRAGMA foreign_keys=ON;"
                                "PRAGMA temp_store=MEMORY;"
                                "PRAGMA cache_size=-1024;"

                                /* the WAL file shrinks back after a peak */
                                "PRAGMA journal_size_limit=67108864;";
    char *msg = NULL;
    rc = sqlite3_exec(d->h, setup, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(d->h, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                          NULL, NULL, &msg);
    /* A request's commit never checkpoints when a checkpointer thread does
     * it (the fdatasync of a checkpoint on the request path cost p99). */
    if (rc == SQLITE_OK && checkpoints_elsewhere)
        rc = sqlite3_exec(d->h, "PRAGMA wal_autocheckpoint=0", NULL, NULL, &msg);
    if (rc == SQLITE_OK && !tz_sql_register(d->h))
        rc = SQLITE_ERROR;
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "setup: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(d->h);
        d->h = NULL;
        return -1;
    }
    return 0;
}

void db_close(struct db *d)
{
    if (d->writing)
        db_rollback(d);
    for (int i = 0; i < d->nstmts; i++)
        sqlite3_finalize(d->stmts[i].st);
    d->nstmts = 0;
    if (d->ext_free)
        d->ext_free(d->ext);
    d->ext = NULL;
    d->ext_free = NULL;
    if (d->h)
        sqlite3_close(d->h);
    d->h = NULL;
}

sqlite3_stmt *db_stmt(struct db *d, const char *sql)
{
    /* By address first (a call site passes the same literal each time), then
     * by text (the same SQL written in two places). */
    int hit = -1;
    for (int i = 0; i < d->nstmts && hit < 0; i++)
        if (d->stmts[i].sql == sql)
            hit = i;
    for (int i = 0; i < d->nstmts && hit < 0; i++)
        if (strcmp(d->stmts[i].sql, sql) == 0)
            hit = i;
    if (hit >= 0) {
        sqlite3_stmt *st = d->stmts[hit].st;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        log_event("error", "db_prepare_failed", sqlite3_errmsg(d->h));
        return NULL;
    }
    if (d->nstmts < DB_STMT_CACHE) {
        d->stmts[d->nstmts].sql = sql;
        d->stmts[d->nstmts].st = st;
        d->nstmts++;
    } else {
        /* A full cache means a program prepares dynamic SQL, which it must not. */
        log_event("error", "db_stmt_cache_full", "statement cache is full");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

void db_release_all(struct db *d)
{
    for (int i = 0; i < d->nstmts; i++)
        sqlite3_reset(d->stmts[i].st);
    if (d->writing || (d->h && !sqlite3_get_autocommit(d->h)))
        db_rollback(d); /* a handler that forgot to finish its transaction */
}

/* Prepared once per connection like any statement: BEGIN, COMMIT and the
 * group commit's savepoints run several times per write, and sqlite3_exec
 * would compile them every time. */
bool db_exec(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_event("error", "db_exec_failed", sqlite3_errmsg(d->h));
        return false;
    }
    return true;
}

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_lock_release(struct db *d)
{
    if (d->writing) {
        d->writing = false;
        pthread_mutex_unlock(&write_lock);
    }
}

bool db_begin(struct db *d)
{
    pthread_mutex_lock(&write_lock);
    d->writing = true;
    if (db_exec(d, "BEGIN IMMEDIATE"))
        return true;
    write_lock_release(d);
    return false;
}

static void (*commit_hook)(void);

void db_on_commit(void (*fn)(void))
{
    commit_hook = fn;
}

bool db_commit(struct db *d)
{
    if (!db_exec(d, "COMMIT"))
        return false; /* the caller rolls back, which releases the lock */
    write_lock_release(d);
    if (commit_hook)
        commit_hook();
    return true;
}

void db_rollback(struct db *d)
{
    if (d->h && !sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    write_lock_release(d);
}

static const char create_migrations_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                              "  version    INTEGER PRIMARY KEY,"
                                              "  name       TEXT NOT NULL,"
                                              "  applied_at INTEGER NOT NULL"
                                              ")";

static int query_int(struct db *d, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int db_schema_version(struct db *d)
{
    /* Two steps: SQLite resolves table names when preparing, so a query on
     * schema_migrations cannot even be prepared before the table exists. */
    int exists = query_int(d, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                              "name='schema_migrations'");
    if (exists <= 0)
        return exists;
    return query_int(d, "SELECT coalesce(max(version), 0) FROM schema_migrations");
}

/* A migration that rebuilds a table (SQLite's 12-step ALTER, to change a
 * CHECK) starts with this line. It then runs with foreign keys off, which
 * SQLite allows only outside a transaction: with them on, its DROP TABLE
 * would delete every row that references the table. Before it commits,
 * PRAGMA foreign_key_check must find nothing; after it, they are on again. */
#define MIGRATION_FK_OFF "-- migrate: foreign-keys-off\n"

/* The first row of PRAGMA foreign_key_check (a table holding a reference
 * that points nowhere) into `err`; true when there is none. */
static bool foreign_keys_hold(struct db *d, const struct migration *m, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "migration %03d_%s: foreign_key_check: %s", m->version, m->name,
                 sqlite3_errmsg(d->h));
        return false;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(err, errsz, "migration %03d_%s: a row of %s refers to a missing row of %s",
                 m->version, m->name, (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        snprintf(err, errsz, "migration %03d_%s: foreign_key_check: %s", m->version, m->name,
                 sqlite3_errmsg(d->h));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

static enum migrate_result apply_in_transaction(struct db *d, const struct migration *m,
                                                bool fk_off, char *err, size_t errsz)
{
    char *msg = NULL;
    if (sqlite3_exec(d->h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "begin: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return MIGRATE_ERROR;
    }
    /* Another process may have applied it while we waited for the lock. */
    int current = db_schema_version(d);
    if (current >= m->version) {
        sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
        return MIGRATE_OK;
    }
    if (sqlite3_exec(d->h, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "migration %03d_%s: %s", m->version, m->name, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        return MIGRATE_ERROR;
    }
    if (fk_off && !foreign_keys_hold(d, m, err, errsz)) {
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        return MIGRATE_ERROR;
    }
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(d->h,
                                 "INSERT INTO schema_migrations(version, name, applied_at) "
                                 "VALUES (?, ?, ?)",
                                 -1, &st, NULL) == SQLITE_OK;
    ok = ok && sqlite3_bind_int(st, 1, m->version) == SQLITE_OK &&
         sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_int64(st, 3, now_ms()) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok || sqlite3_exec(d->h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "record %03d: %s", m->version, msg ? msg : sqlite3_errmsg(d->h));
        sqlite3_free(msg);
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        return MIGRATE_ERROR;
    }
    return MIGRATE_OK;
}

static enum migrate_result apply_one(struct db *d, const struct migration *m, char *err,
                                     size_t errsz)
{
    bool fk_off = strncmp(m->sql, MIGRATION_FK_OFF, strlen(MIGRATION_FK_OFF)) == 0;
    if (!fk_off)
        return apply_in_transaction(d, m, false, err, errsz);
    /* The pragma is a no-op inside a transaction: make sure it took. */
    if (sqlite3_exec(d->h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) != SQLITE_OK ||
        query_int(d, "PRAGMA foreign_keys") != 0) {
        snprintf(err, errsz, "migration %03d_%s: cannot turn foreign keys off", m->version,
                 m->name);
        sqlite3_exec(d->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
        return MIGRATE_ERROR;
    }
    enum migrate_result rc = apply_in_transaction(d, m, true, err, errsz);
    if (sqlite3_exec(d->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK ||
        query_int(d, "PRAGMA foreign_keys") != 1) {
        snprintf(err, errsz, "migration %03d_%s: cannot turn foreign keys back on", m->version,
                 m->name);
        return MIGRATE_ERROR;
    }
    return rc;
}

enum migrate_result db_migrate(struct db *d, const struct migration *m, size_t n, char *err,
                               size_t errsz)
{
    err[0] = '\0';
    char *msg = NULL;
    if (sqlite3_exec(d->h, create_migrations_table, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "schema_migrations: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return MIGRATE_ERROR;
    }
    int current = db_schema_version(d);
    if (current < 0) {
        snprintf(err, errsz, "cannot read the schema version");
        return MIGRATE_ERROR;
    }
    int known = n ? m[n - 1].version : 0;
    if (current > known) {
        snprintf(err, errsz, "database schema %d is newer than this program knows (%d)", current,
                 known);
        return MIGRATE_TOO_NEW;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= current)
            continue;
        enum migrate_result rc = apply_one(d, &m[i], err, errsz);
        if (rc != MIGRATE_OK)
            return rc;
    }
    return MIGRATE_OK;
}

bool db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    int rc = s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
    return rc == SQLITE_OK;
}

bool db_bind_int64(sqlite3_stmt *st, int idx, int64_t v)
{
    return sqlite3_bind_int64(st, idx, v) == SQLITE_OK;
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

bool db_step_done(struct db *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        log_event("error", "db_step_failed", sqlite3_errmsg(d->h));
        sqlite3_reset(st);
        return false;
    }
    sqlite3_reset(st);
    return true;
}

/* ---------- the checkpointer ---------- */

/* Copies the WAL back into the database file every CHECKPOINT_MS, off the
 * request path, in PASSIVE mode: it never waits for readers or writers and
 * never makes them wait; what it cannot copy now it copies next time. Under
 * a long burst the WAL still grows (it restarts from its beginning only once
 * all of it was copied and nobody reads it); past CHECKPOINT_BIG pages the
 * next check is a TRUNCATE, which holds new writers for the moment it takes
 * the readers of older snapshots to finish, then empties the file. */
#define CHECKPOINT_MS  200
#define CHECKPOINT_BIG 4096 /* pages: 16 MiB of 4 KiB pages */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, running;
    pthread_t thread;
    char path[4096];
} ckpt = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *checkpointer_main(void *arg)
{
    (void)arg;
    struct db d;
    char err[256];
    if (db_open(&d, ckpt.path, err, sizeof err) != 0) {
        log_event("error", "checkpointer_open_failed", err);
        return NULL;
    }
    int log_pages = 0, copied = 0;
    bool big = false;
    /* Under Litestream (REPLICA_URL) the replicator owns the WAL's restarts:
     * it holds a read lock where it has shipped up to, which a TRUNCATE would
     * wait on (holding writers). PASSIVE copies only what it may. */
    const char *replica = getenv("REPLICA_URL");
    bool replicated = replica && *replica;
    /* A TRUNCATE waits for readers at most this long (writers wait with it). */
    sqlite3_busy_timeout(d.h, 100);
    pthread_mutex_lock(&ckpt.lock);
    while (!ckpt.stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECKPOINT_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&ckpt.wake, &ckpt.lock, &until);
        if (ckpt.stop)
            break;
        pthread_mutex_unlock(&ckpt.lock);
        int rc = sqlite3_wal_checkpoint_v2(
            d.h, NULL, big && !replicated ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
            &log_pages, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_event("warn", "checkpoint_failed", sqlite3_errmsg(d.h));
        big = rc == SQLITE_OK ? log_pages > CHECKPOINT_BIG : big;
        pthread_mutex_lock(&ckpt.lock);
    }
    pthread_mutex_unlock(&ckpt.lock);
    db_close(&d);
    return NULL;
}

bool db_checkpointer_start(const char *path)
{
    snprintf(ckpt.path, sizeof ckpt.path, "%s", path);
    if (pthread_create(&ckpt.thread, NULL, checkpointer_main, NULL) != 0)
        return false;
    ckpt.running = true;
    return true;
}

void db_checkpointer_stop(void)
{
    if (!ckpt.running)
        return;
    pthread_mutex_lock(&ckpt.lock);
    ckpt.stop = true;
    pthread_cond_signal(&ckpt.wake);
    pthread_mutex_unlock(&ckpt.lock);
    pthread_join(ckpt.thread, NULL);
    ckpt.running = false;
}
