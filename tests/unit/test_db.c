/* test_db.c — the migration runner on a temporary file: fresh apply,
 * idempotent re-run, a newer database refused, a failing migration rolled
 * back whole; a table rebuilt with foreign keys off (the marker line) keeps
 * the rows that reference it, and one that would leave a dangling reference
 * is refused; connection pragmas; the statement cache. */
#include <stdlib.h>
#include <unistd.h>

#include "data/db.h"
#include "tap.h"

static const struct migration good[] = {
    {1, "one", "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);"},
    {2, "two", "CREATE TABLE b(y TEXT);"},
};
static const struct migration bad[] = {
    {1, "one", "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);"},
    {2, "two", "CREATE TABLE b(y TEXT);"},
    {3, "broken", "CREATE TABLE c(z); INSERT INTO nowhere VALUES (1);"},
};

/* A parent whose children cascade on delete, rebuilt the 12-step way. */
static const struct migration rebuild[] = {
    {1, "parent",
     "CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT CHECK (k IN ('a')));"
     "CREATE TABLE c(pid INTEGER REFERENCES p(id) ON DELETE CASCADE);"
     "INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1), (1);"},
    {2, "rebuild",
     "-- migrate: foreign-keys-off\n"
     "CREATE TABLE p_new(id INTEGER PRIMARY KEY, k TEXT CHECK (k IN ('a', 'b')));"
     "INSERT INTO p_new SELECT id, k FROM p; DROP TABLE p;"
     "ALTER TABLE p_new RENAME TO p;"},
    {3, "dangling",
     "-- migrate: foreign-keys-off\n"
     "CREATE TABLE p_new(id INTEGER PRIMARY KEY, k TEXT);"
     "DROP TABLE p; ALTER TABLE p_new RENAME TO p;"},
};

static int count(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    int n = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int(st, 0) : -1;
    if (st)
        sqlite3_reset(st);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/carelog-unit-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    char err[256];
    struct db d;
    ok(db_open(&d, path, err, sizeof err) == 0, "open creates the file");
    is_int(db_schema_version(&d), 0, "fresh database is version 0");
    is_int(db_migrate(&d, good, 2, err, sizeof err), MIGRATE_OK, "migrate fresh");
    is_int(db_schema_version(&d), 2, "now version 2");
    is_int(db_migrate(&d, good, 2, err, sizeof err), MIGRATE_OK, "re-run is a no-op");
    is_int(count(&d, "SELECT count(*) FROM a"), 1, "migration 1 ran once");
    is_int(count(&d, "SELECT count(*) FROM schema_migrations"), 2, "both recorded");
    is_int(count(&d, "PRAGMA foreign_keys"), 1, "foreign keys on");
    sqlite3_stmt *st = db_stmt(&d, "PRAGMA journal_mode");
    ok(st && sqlite3_step(st) == SQLITE_ROW &&
           strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0,
       "WAL mode");
    db_release_all(&d);

    is_int(db_migrate(&d, good, 1, err, sizeof err), MIGRATE_TOO_NEW,
           "a program knowing only 1 refuses schema 2");
    ok(strstr(err, "newer") != NULL, "with a message saying why");

    is_int(db_migrate(&d, bad, 3, err, sizeof err), MIGRATE_ERROR, "broken migration fails");
    is_int(db_schema_version(&d), 2, "version unchanged");
    is_int(count(&d, "SELECT count(*) FROM sqlite_master WHERE name='c'"), 0,
           "its first statement was rolled back too");
    ok(sqlite3_get_autocommit(d.h), "no transaction left open");

    sqlite3_stmt *a = db_stmt(&d, "SELECT 1");
    sqlite3_stmt *b = db_stmt(&d, "SELECT 1");
    ok(a && a == b, "statement cache returns the same statement");
    db_begin(&d);
    db_release_all(&d);
    ok(sqlite3_get_autocommit(d.h), "release rolls back a forgotten transaction");
    db_close(&d);

    unlink(path);
    ok(db_open(&d, path, err, sizeof err) == 0, "a second database");
    is_int(db_migrate(&d, rebuild, 2, err, sizeof err), MIGRATE_OK, "a marked rebuild applies");
    is_int(count(&d, "SELECT count(*) FROM c"), 2, "…and the rows referencing it survive it");
    is_int(count(&d, "PRAGMA foreign_keys"), 1, "…and foreign keys are on again");
    is_int(count(&d, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%''b''%'"), 1,
           "…with the new CHECK");
    is_int(db_migrate(&d, rebuild, 3, err, sizeof err), MIGRATE_ERROR,
           "a rebuild that leaves a dangling reference fails");
    ok(strstr(err, "refers to a missing row") != NULL, "…saying so");
    is_int(db_schema_version(&d), 2, "…rolled back");
    is_int(count(&d, "SELECT count(*) FROM p"), 1, "…its parent kept");
    is_int(count(&d, "PRAGMA foreign_keys"), 1, "…and foreign keys are on again");
    ok(sqlite3_get_autocommit(d.h), "…no transaction left open");
    db_close(&d);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
    return done_testing();
}
