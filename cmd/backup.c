/* backup.c — carelogctl backup, restore and check.
 *
 * A backup is one tar file, readable by any `tar`:
 *   MANIFEST            format line, carelog version, schema, time, what is secret
 *   carelog.db          the database: a consistent copy (SQLite's online
 *                       backup API, one read transaction, so the server keeps
 *                       writing) that passed integrity_check before packing
 *   secret/server.key   the instance's keys: whoever holds the file holds them
 *   secret/vapid.pem
 *   documents/<name>    the document vault's files that the copied database
 *                       names (files never change once written, and one
 *                       deleted since the copy was made is left out)
 *   SHA256SUMS          every member's SHA-256 (`sha256sum -c` reads it)
 * The archive is written under a temporary name, synced, renamed into place,
 * then read back and its sums checked before the command reports success.
 *
 * Restore never lets the server see a half-restored database. The file is
 * unpacked and checked (sums, integrity_check, a schema this program knows)
 * and migrated forward in a private copy; then SQLite's backup API copies it
 * over the live database inside one write transaction of the live file, so
 * every connection the running programs hold sees either the old database or
 * the whole new one (the backup bumps the schema cookie, so their prepared
 * statements re-prepare). While that transaction holds the write lock, and
 * before it commits, a reader copies the live database aside: the copy is
 * exactly what the restore replaces, with no write slipping in between. In
 * the same window the restored copy takes over what clients and the stream
 * hub have already seen of the live database, so nothing goes backwards:
 * the change sequence and AUTOINCREMENT counters (sync cursors and the
 * stream hub's revocation cursor never skip new rows), and, when the backup
 * comes from this same instance, only sessions still alive now (a session
 * revoked since the backup stays revoked). */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "carelog.h"
#include "data/docstore.h"
#include "tar.h"

#define BACKUP_FORMAT "carelog-backup 1"
#define SMALL_MAX     (64 * 1024) /* MANIFEST, SHA256SUMS and each key */
#define BUSY_WAIT_MS  20
#define BUSY_TRIES    500                  /* 10 s of waiting for the live database's lock */
#define ERR_SZ        (2 * PATH_MAX + 512) /* room for two paths and a reason */
#define HEX_SHA       (crypto_hash_sha256_BYTES * 2 + 1)
#define SUMS_MAX      (64 * 1024 * 1024) /* SHA256SUMS: a line per document */
#define DOCS_PREFIX   "documents/"

static const char *const key_names[] = {"server.key", "vapid.pem"};
#define NKEYS ARRAY_LEN(key_names)

static int known_schema(void)
{
    return carelog_migrations_count ? carelog_migrations[carelog_migrations_count - 1].version : 0;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("carelogctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static bool join(char *out, size_t sz, const char *dir, const char *name)
{
    int n = snprintf(out, sz, "%s/%s", dir, name);
    return n > 0 && (size_t)n < sz;
}

static void utc_stamp(char out[20])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 20, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(out, 20, "%lld", (long long)t);
}

static bool fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

static bool dir_of(const char *path, char *out, size_t sz)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return snprintf(out, sz, ".") == 1;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sz)
        return false;
    memcpy(out, path, n);
    out[n] = '\0';
    return true;
}

/* Files carelogctl makes as root (a backup, a restored key) belong to whoever
 * owns DATA_DIR, so the service's own user can still read and replace them. */
static bool own_like_data_dir(const char *path)
{
    if (geteuid() != 0)
        return true;
    struct stat st;
    if (stat(cfg.data_dir, &st) != 0)
        return false;
    return lchown(path, st.st_uid, st.st_gid) == 0;
}

static bool make_dir(const char *dir)
{
    if (mkdir(dir, 0700) != 0) {
        if (errno != EEXIST)
            return false;
        struct stat st;
        return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    }
    return own_like_data_dir(dir);
}

/* The default backup directory: $BACKUP_DIR, else DATA_DIR/backups. */
static bool backup_dir(char *out, size_t sz)
{
    const char *env = getenv("BACKUP_DIR");
    if (env && *env) {
        int n = snprintf(out, sz, "%s", env);
        return n > 0 && (size_t)n < sz && make_dir(out);
    }
    return join(out, sz, cfg.data_dir, "backups") && make_dir(out);
}

/* ---- SQLite helpers ---- */

static sqlite3 *open_raw(const char *path, bool create, char *err, size_t errsz)
{
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, BUSY_WAIT_MS * BUSY_TRIES);
    sqlite3_extended_result_codes(h, 1);
    return h;
}

static bool exec(sqlite3 *h, const char *sql, char *err, size_t errsz)
{
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(h));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

/* One integer from a query; `fallback` when there is no row or an error. */
static long long query_ll(sqlite3 *h, const char *sql, long long fallback)
{
    sqlite3_stmt *st = NULL;
    long long v = fallback;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The database's schema version: -1 when it is not a carelog database. */
static int schema_of(sqlite3 *h)
{
    if (query_ll(h,
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                 "'schema_migrations'",
                 0) != 1)
        return -1;
    return (int)query_ll(h, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1);
}

/* Copies all of `src` into `dst` (SQLite's backup API, one step: one read
 * transaction on the source, so the copy is one consistent moment). */
static bool copy_db(sqlite3 *dst, sqlite3 *src, char *err, size_t errsz)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        snprintf(err, errsz, "backup: %s", sqlite3_errmsg(dst));
        return false;
    }
    int rc, tries = 0;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++tries > BUSY_TRIES)
            break;
        sqlite3_sleep(BUSY_WAIT_MS);
    }
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE || frc != SQLITE_OK) {
        snprintf(err, errsz, "backup: %s", sqlite3_errstr(rc != SQLITE_DONE ? rc : frc));
        return false;
    }
    return true;
}

/* integrity_check: true when it says "ok"; otherwise its first findings. */
static bool integrity_ok(sqlite3 *h, char *msg, size_t msgsz)
{
    sqlite3_stmt *st = NULL;
    msg[0] = '\0';
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check(20)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(msg, msgsz, "%s", sqlite3_errmsg(h));
        return false;
    }
    bool ok = false;
    size_t used = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") == 0) {
            ok = true;
            continue;
        }
        int n = snprintf(msg + used, msgsz - used, "%s%s", used ? "; " : "", line ? line : "?");
        if (n > 0 && used + (size_t)n < msgsz)
            used += (size_t)n;
    }
    if (rc != SQLITE_DONE) {
        ok = false;
        snprintf(msg, msgsz, "%s", sqlite3_errmsg(h));
    }
    sqlite3_finalize(st);
    return ok;
}

/* Rows of foreign_key_check (-1 when it cannot run); the first few are
 * printed when `print` is set. */
static long long fk_violations(sqlite3 *h, bool print)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return -1;
    long long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (print && n < 10)
            printf("  %s row %lld refers to a missing %s row\n", db_col_text(st, 0),
                   (long long)sqlite3_column_int64(st, 1), db_col_text(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? n : -1;
}

/* Removes the -wal and -shm files a closed copy may leave beside it. */
static void remove_sidecars(const char *db)
{
    char p[PATH_MAX + 8];
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}

/* Reads a small file whole (at most SMALL_MAX bytes). 1: read; 0: absent;
 * -1: an error. */
static int read_small(const char *path, char *out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    long long n = read_full(fd, out, SMALL_MAX);
    char extra;
    bool more = n == SMALL_MAX && read_full(fd, &extra, 1) == 1;
    close(fd);
    if (n < 0 || more)
        return -1;
    *len = (size_t)n;
    return 1;
}

/* Writes `data` to `path` atomically (a temporary file in the same
 * directory, synced, then renamed over it), mode 0600. */
static bool write_atomic(const char *path, const void *data, size_t len, char *err, size_t errsz)
{
    char tmp[PATH_MAX], dir[PATH_MAX];
    if (!dir_of(path, dir, sizeof dir) ||
        snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= PATH_MAX) {
        snprintf(err, errsz, "%s: the path is too long", path);
        return false;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        return false;
    }
    bool ok = write_all(fd, data, len) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && own_like_data_dir(tmp) && rename(tmp, path) == 0 && fsync_dir(dir);
    if (!ok) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return ok;
}

/* ---- packing and reading a backup ---- */

static void sha_hex(crypto_hash_sha256_state *s, char out[HEX_SHA])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(s, d);
    hex_encode(d, sizeof d, out);
}

/* Adds the files of the document vault that the database copy `db_file`
 * names (live documents and their previews) as documents/<name>, each
 * with its line in `sums`. A file gone since the copy (its document was
 * deleted after it) is left out. */
static bool pack_documents(int fd, const char *db_file, int64_t mtime, struct buf *sums, char *err,
                           size_t errsz)
{
    sqlite3 *h = open_raw(db_file, false, err, errsz);
    if (!h)
        return false;
    sqlite3_stmt *st = NULL;
    /* A database from before the vault has no documents table: nothing to add. */
    if (sqlite3_prepare_v2(h,
                           "SELECT file FROM documents WHERE deleted_at IS NULL UNION "
                           "SELECT preview_file FROM documents WHERE deleted_at IS NULL AND "
                           "preview_file IS NOT NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return true;
    }
    bool ok = true;
    int rc;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char path[PATH_MAX], member[TAR_NAME_MAX + 1], hex[HEX_SHA];
        if (!docstore_path(name, path, sizeof path))
            continue; /* not a name the vault makes */
        int in = open(path, O_RDONLY | O_CLOEXEC);
        struct stat fst;
        if (in < 0 && errno == ENOENT)
            continue;
        if (in < 0 || fstat(in, &fst) != 0) {
            snprintf(err, errsz, "%s: %s", path, strerror(errno));
            if (in >= 0)
                close(in);
            ok = false;
            break;
        }
        snprintf(member, sizeof member, DOCS_PREFIX "%s", name);
        crypto_hash_sha256_state hs;
        crypto_hash_sha256_init(&hs);
        ok = tar_add_fd(fd, member, in, (uint64_t)fst.st_size, mtime, &hs, err, errsz);
        close(in);
        if (ok) {
            sha_hex(&hs, hex);
            buf_printf(sums, "%s  %s\n", hex, member);
        }
    }
    if (ok && rc != SQLITE_DONE) {
        snprintf(err, errsz, "reading the documents: %s", sqlite3_errmsg(h));
        ok = false;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return ok;
}

/* Writes the backup archive `out_path` from `db_file` (a consistent copy in
 * rollback-journal mode) and the keys in DATA_DIR. */
static bool pack(const char *db_file, int schema, const char *out_path, char *err, size_t errsz)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    if (!dir_of(out_path, dir, sizeof dir) || !join(tmp, sizeof tmp, dir, ".carelog-tar-XXXXXX")) {
        snprintf(err, errsz, "%s: the path is too long", out_path);
        return false;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", dir, strerror(errno));
        return false;
    }
    int64_t mtime = (int64_t)time(NULL);
    char created[32], hex[HEX_SHA];
    format_rfc3339_ms(now_ms(), created);
    struct buf sums;
    buf_init(&sums, SUMS_MAX);
    crypto_hash_sha256_state h;

    /* What each secret member is for, so that whoever opens the archive
     * knows what it holds. */
    struct buf manifest;
    buf_init(&manifest, SMALL_MAX);
    buf_printf(&manifest,
               BACKUP_FORMAT "\ncarelog-version: %s\nschema: %d\ncreated: %s\n"
                             "database: carelog.db\nsecret:",
               CARELOG_VERSION, schema, created);
    char keys[NKEYS][SMALL_MAX];
    size_t key_len[NKEYS];
    bool have[NKEYS];
    bool ok = true;
    for (size_t i = 0; i < NKEYS && ok; i++) {
        char p[PATH_MAX];
        int r = join(p, sizeof p, cfg.data_dir, key_names[i]) ? read_small(p, keys[i], &key_len[i])
                                                              : -1;
        if (r < 0) {
            snprintf(err, errsz, "%s: %s", p, strerror(errno));
            ok = false;
        }
        have[i] = r == 1;
        if (have[i])
            buf_printf(&manifest, " secret/%s", key_names[i]);
    }
    buf_puts(&manifest, "\nnote: SECRET. secret/ holds the instance's keys (server.key makes CSRF "
                        "tokens and hashed addresses; vapid.pem signs Web Push). Keep this file as "
                        "private as the keys themselves.\nrestore: carelogctl restore FILE\n");
    if (manifest.oom) {
        snprintf(err, errsz, "MANIFEST is too long");
        ok = false;
    }

    crypto_hash_sha256_init(&h);
    ok = ok && tar_add_mem(fd, "MANIFEST", manifest.p, manifest.len, mtime, &h, err, errsz);
    if (ok) {
        sha_hex(&h, hex);
        buf_printf(&sums, "%s  MANIFEST\n", hex);
    }
    buf_free(&manifest);

    int dbfd = ok ? open(db_file, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    if (ok && (dbfd < 0 || fstat(dbfd, &st) != 0)) {
        snprintf(err, errsz, "%s: %s", db_file, strerror(errno));
        ok = false;
    }
    crypto_hash_sha256_init(&h);
    ok = ok && tar_add_fd(fd, "carelog.db", dbfd, (uint64_t)st.st_size, mtime, &h, err, errsz);
    if (dbfd >= 0)
        close(dbfd);
    if (ok) {
        sha_hex(&h, hex);
        buf_printf(&sums, "%s  carelog.db\n", hex);
    }
    for (size_t i = 0; i < NKEYS && ok; i++) {
        if (!have[i])
            continue;
        char name[64];
        snprintf(name, sizeof name, "secret/%s", key_names[i]);
        crypto_hash_sha256_init(&h);
        ok = tar_add_mem(fd, name, keys[i], key_len[i], mtime, &h, err, errsz);
        sha_hex(&h, hex);
        buf_printf(&sums, "%s  %s\n", hex, name);
    }
    sodium_memzero(keys, sizeof keys);
    ok = ok && pack_documents(fd, db_file, mtime, &sums, err, errsz);
    if (ok && sums.oom) {
        snprintf(err, errsz, "SHA256SUMS is too long");
        ok = false;
    }
    ok = ok && tar_add_mem(fd, "SHA256SUMS", sums.p, sums.len, mtime, NULL, err, errsz) &&
         tar_finish(fd, err, errsz);
    buf_free(&sums);
    if (ok && fsync(fd) != 0) {
        snprintf(err, errsz, "%s: fsync: %s", tmp, strerror(errno));
        ok = false;
    }
    if (close(fd) != 0 && ok) {
        snprintf(err, errsz, "%s: close: %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && (!own_like_data_dir(tmp) || rename(tmp, out_path) != 0 || !fsync_dir(dir))) {
        snprintf(err, errsz, "%s: %s", out_path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    return ok;
}

/* What a backup file holds, once read and checked. */
struct contents {
    bool is_tar;       /* false: a plain SQLite database */
    int format_schema; /* the MANIFEST's schema line (tar only) */
    bool have_key[NKEYS];
    char key[NKEYS][SMALL_MAX];
    size_t key_len[NKEYS];
};

static const char *member_names[] = {"MANIFEST", "carelog.db", "secret/server.key",
                                     "secret/vapid.pem", "SHA256SUMS"};
enum { M_MANIFEST, M_DB, M_KEY0, M_KEY1, M_SUMS, M_COUNT };

/* The documents/<name> members met, with their sums, checked once
 * SHA256SUMS (the last member) has been read. */
struct doc_sums {
    char (*name)[DOC_NAME_LEN + 1];
    char (*hex)[HEX_SHA];
    size_t n, cap;
};

static bool doc_sums_add(struct doc_sums *d, const char *name, const char *hex)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        void *a = realloc(d->name, cap * sizeof *d->name),
             *b = a ? realloc(d->hex, cap * sizeof *d->hex) : NULL;
        if (a)
            d->name = a;
        if (!a || !b)
            return false;
        d->hex = b;
        d->cap = cap;
    }
    snprintf(d->name[d->n], sizeof d->name[d->n], "%s", name);
    snprintf(d->hex[d->n], sizeof d->hex[d->n], "%s", hex);
    d->n++;
    return true;
}

/* A documents/<name> member: its bytes into docs_dir/<name> (a new file)
 * when docs_dir is set, its sum noted. */
static bool read_document(int fd, const struct tar_entry *e, const char *docs_dir,
                          struct doc_sums *ds, char *err, size_t errsz)
{
    const char *name = e->name + strlen(DOCS_PREFIX);
    char path[PATH_MAX], hex[HEX_SHA];
    int out = -1;
    if (docs_dir && (!join(path, sizeof path, docs_dir, name) ||
                     (out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)) {
        snprintf(err, errsz, "%s: %s", name, strerror(errno));
        return false;
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    bool ok = tar_read_data(fd, e, out, &h, err, errsz);
    if (out >= 0 && (fsync(out) != 0 || close(out) != 0) && ok) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        ok = false;
    }
    sha_hex(&h, hex);
    if (ok && !doc_sums_add(ds, name, hex)) {
        snprintf(err, errsz, "out of memory");
        ok = false;
    }
    return ok;
}

/* Reads `file` and checks it: a tar must have MANIFEST, carelog.db and
 * SHA256SUMS, no member carelog does not write, and every sum right. With
 * `db_out`, the database is written there (a new file); with `docs_dir`,
 * the documents' files there. */
static bool read_backup(const char *file, const char *db_out, const char *docs_dir,
                        struct contents *c, char *err, size_t errsz)
{
    memset(c, 0, sizeof *c);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", file, strerror(errno));
        return false;
    }
    int out = -1;
    if (db_out && (out = open(db_out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        snprintf(err, errsz, "%s: %s", db_out, strerror(errno));
        close(fd);
        return false;
    }
    char magic[16];
    bool ok = read_full(fd, magic, sizeof magic) == (long long)sizeof magic;
    if (ok && memcmp(magic, "SQLite format 3", 16) == 0) {
        /* A bare database (e.g. from `litestream restore`): copied as is. */
        ok = lseek(fd, 0, SEEK_SET) == 0;
        static char chunk[64 * 1024];
        long long n;
        while (ok && (n = read_full(fd, chunk, sizeof chunk)) > 0)
            ok = out < 0 || write_all(out, chunk, (size_t)n);
        ok = ok && n == 0;
        if (!ok)
            snprintf(err, errsz, "%s: %s", file, strerror(errno));
    } else if (ok) {
        c->is_tar = true;
        ok = lseek(fd, 0, SEEK_SET) == 0;
        char hex[M_COUNT][HEX_SHA], manifest[SMALL_MAX + 1];
        char *sums = calloc(1, SUMS_MAX + TAR_BLOCK + 1);
        struct doc_sums ds = {0};
        if (!sums) {
            snprintf(err, errsz, "out of memory");
            ok = false;
        }
        bool seen[M_COUNT] = {false};
        size_t manifest_len = 0, sums_len = 0;
        struct tar_entry e;
        int r = 0;
        while (ok && (r = tar_next(fd, &e, err, errsz)) == 1) {
            int m = -1;
            for (int i = 0; i < M_COUNT; i++)
                if (strcmp(e.name, member_names[i]) == 0)
                    m = i;
            if (e.type == '5' || e.type == 'x' || e.type == 'g') {
                /* directories and pax headers another tar may have added */
                ok = tar_read_data(fd, &e, -1, NULL, err, errsz);
                continue;
            }
            if (m < 0 && e.type == '0' && strncmp(e.name, DOCS_PREFIX, strlen(DOCS_PREFIX)) == 0 &&
                docstore_name_ok(e.name + strlen(DOCS_PREFIX))) {
                ok = read_document(fd, &e, docs_dir, &ds, err, errsz);
                continue;
            }
            if (m < 0 || e.type != '0' || seen[m]) {
                snprintf(err, errsz, "%s: unexpected member '%s' (not a carelog backup?)", file,
                         e.name);
                ok = false;
                break;
            }
            seen[m] = true;
            if (m != M_DB && e.size > (m == M_SUMS ? SUMS_MAX : SMALL_MAX)) {
                snprintf(err, errsz, "%s: member %s is too large", file, e.name);
                ok = false;
                break;
            }
            crypto_hash_sha256_state h;
            crypto_hash_sha256_init(&h);
            if (m == M_DB) {
                ok = tar_read_data(fd, &e, out, &h, err, errsz);
            } else if (m == M_SUMS) {
                /* SHA256SUMS (a line per document) into the heap */
                size_t want = (size_t)e.size,
                       padded = (want + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
                ok = read_full(fd, sums, padded) == (long long)padded;
                if (!ok) {
                    snprintf(err, errsz, "%s: the archive is truncated", file);
                    break;
                }
                sums[sums_len = want] = '\0';
                crypto_hash_sha256_update(&h, (unsigned char *)sums, want);
            } else {
                /* Small members are read into memory, padding and all. */
                char *dst = m == M_MANIFEST ? manifest : c->key[m - M_KEY0];
                size_t want = (size_t)e.size,
                       padded = (want + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
                static char block[SMALL_MAX + TAR_BLOCK];
                ok = read_full(fd, block, padded) == (long long)padded;
                if (!ok) {
                    snprintf(err, errsz, "%s: the archive is truncated", file);
                    break;
                }
                memcpy(dst, block, want);
                crypto_hash_sha256_update(&h, (unsigned char *)dst, want);
                if (m == M_MANIFEST)
                    manifest[manifest_len = want] = '\0';
                else
                    c->key_len[m - M_KEY0] = want;
            }
            sha_hex(&h, hex[m]);
        }
        ok = ok && r == 0;
        if (ok && (!seen[M_MANIFEST] || !seen[M_DB] || !seen[M_SUMS])) {
            snprintf(err, errsz,
                     "%s: not a carelog backup (MANIFEST, carelog.db or SHA256SUMS "
                     "missing)",
                     file);
            ok = false;
        }
        size_t flen = strlen(BACKUP_FORMAT);
        if (ok && (manifest_len < flen + 1 || memcmp(manifest, BACKUP_FORMAT, flen) != 0 ||
                   manifest[flen] != '\n')) {
            snprintf(err, errsz, "%s: an unknown backup format (made by a newer carelog?)", file);
            ok = false;
        }
        if (ok) {
            const char *s = strstr(manifest, "\nschema: ");
            c->format_schema = s ? atoi(s + 9) : -1;
        }
        /* Every member but SHA256SUMS is listed there with its sum. */
        for (int m = 0; ok && m < M_COUNT; m++) {
            if (m == M_SUMS || !seen[m])
                continue;
            char line[HEX_SHA + 64];
            snprintf(line, sizeof line, "%.64s  %s\n", hex[m], member_names[m]);
            if (!strstr(sums, line)) {
                snprintf(err, errsz, "%s: %s does not match its SHA-256 (a damaged backup)", file,
                         member_names[m]);
                ok = false;
            }
        }
        /* And every document with its sum. */
        for (size_t i = 0; ok && i < ds.n; i++) {
            char line[HEX_SHA + DOC_NAME_LEN + 32];
            snprintf(line, sizeof line, "%s  " DOCS_PREFIX "%s\n", ds.hex[i], ds.name[i]);
            if (!strstr(sums, line)) {
                snprintf(err, errsz,
                         "%s: document %s does not match its SHA-256 (a damaged backup)", file,
                         ds.name[i]);
                ok = false;
            }
        }
        free(ds.name);
        free(ds.hex);
        free(sums);
        for (size_t i = 0; i < NKEYS; i++)
            c->have_key[i] = seen[M_KEY0 + i];
    } else {
        snprintf(err, errsz, "%s: not a carelog backup (too short)", file);
    }
    close(fd);
    if (out >= 0 && (fsync(out) != 0 || close(out) != 0) && ok) {
        snprintf(err, errsz, "%s: %s", db_out, strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- backup ---- */

/* carelog-YYYYMMDDTHHMMSSZ.tar: the unlabelled backups --keep rotates. */
static bool is_rotated_name(const char *n)
{
    static const char pattern[] = "carelog-########T######Z.tar";
    if (strlen(n) != sizeof pattern - 1)
        return false;
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == '#' ? (n[i] < '0' || n[i] > '9') : n[i] != pattern[i])
            return false;
    }
    return true;
}

static int rotated_filter(const struct dirent *d)
{
    return is_rotated_name(d->d_name);
}

/* Keeps the `keep` newest unlabelled backups in `dir` (names sort by time). */
static bool rotate(const char *dir, int keep)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, rotated_filter, alphasort);
    if (n < 0)
        return false;
    bool ok = true;
    for (int i = 0; i < n; i++) {
        char p[PATH_MAX];
        if (i < n - keep) {
            if (!join(p, sizeof p, dir, list[i]->d_name) || unlink(p) != 0)
                ok = false;
            else
                printf("carelog: removed the old backup %s\n", p);
        }
        free(list[i]);
    }
    free(list);
    return ok;
}

int backup_cmd(const char *target, const char *label, int keep, char *out_path, size_t outsz)
{
    char err[ERR_SZ], dir[PATH_MAX], path[PATH_MAX], stamp[20], name[128];
    struct stat st;
    if (stat(cfg.db_path, &st) != 0)
        return fail("no database at %s (nothing to back up)", cfg.db_path);
    utc_stamp(stamp);
    snprintf(name, sizeof name, "carelog-%s%s%s.tar", stamp, label ? "-" : "", label ? label : "");
    if (!target) {
        if (!backup_dir(dir, sizeof dir) || !join(path, sizeof path, dir, name))
            return fail("cannot use the backup directory: %s", strerror(errno));
    } else if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (snprintf(dir, sizeof dir, "%s", target) >= (int)sizeof dir ||
            !join(path, sizeof path, dir, name))
            return fail("%s: the path is too long", target);
    } else {
        if (snprintf(path, sizeof path, "%s", target) >= (int)sizeof path ||
            !dir_of(path, dir, sizeof dir))
            return fail("%s: the path is too long", target);
    }

    /* 1. A consistent copy, next to where the archive goes. */
    char tmp[PATH_MAX];
    if (!join(tmp, sizeof tmp, dir, ".carelog-backup-XXXXXX"))
        return fail("%s: the path is too long", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fail("%s: %s", dir, strerror(errno));
    close(fd);
    int rc = 1;
    sqlite3 *live = open_raw(cfg.db_path, false, err, sizeof err);
    sqlite3 *copy = live ? open_raw(tmp, false, err, sizeof err) : NULL;
    bool ok = copy && copy_db(copy, live, err, sizeof err);
    sqlite3_close(live);
    /* 2. A self-contained file (no -wal needed), checked. */
    ok = ok && exec(copy, "PRAGMA journal_mode=DELETE", err, sizeof err);
    char problems[512];
    bool sound = ok && integrity_ok(copy, problems, sizeof problems);
    long long fks = ok ? fk_violations(copy, false) : 0;
    int schema = ok ? schema_of(copy) : -1;
    sqlite3_close(copy);
    remove_sidecars(tmp);
    if (!ok) {
        fail("backup failed: %s", err);
        goto out;
    }
    if (!sound) {
        fail("the database fails integrity_check, no backup written: %s (run carelogctl check)",
             problems);
        goto out;
    }
    /* 3. The archive, written, synced, renamed, then read back. */
    if (!pack(tmp, schema, path, err, sizeof err)) {
        fail("backup failed: %s", err);
        goto out;
    }
    static struct contents c;
    if (!read_backup(path, NULL, NULL, &c, err, sizeof err)) {
        fail("the backup written does not read back: %s", err);
        unlink(path);
        goto out;
    }
    sodium_memzero(&c, sizeof c);
    /* The time of the last good backup, for `check` and monitoring. */
    char status[PATH_MAX + 64], status_path[PATH_MAX];
    int n = snprintf(status, sizeof status, "%lld %s\n", (long long)now_ms(), path);
    if (n > 0 && (size_t)n < sizeof status &&
        join(status_path, sizeof status_path, cfg.data_dir, "last-backup"))
        if (!write_atomic(status_path, status, (size_t)n, err, sizeof err))
            fprintf(stderr, "carelogctl: warning: %s\n", err);
    if (stat(path, &st) != 0)
        st.st_size = 0;
    printf("carelog: backup %s (schema %d, %lld bytes, integrity ok%s; SECRET: it holds the "
           "instance's keys)\n",
           path, schema, (long long)st.st_size,
           fks ? ", WARNING: foreign key violations, see carelogctl check" : "");
    if (keep > 0 && !rotate(dir, keep)) {
        fail("could not remove old backups in %s: %s", dir, strerror(errno));
        goto out;
    }
    if (out_path)
        snprintf(out_path, outsz, "%s", path);
    rc = 0;
out:
    unlink(tmp);
    return rc;
}

int backup_before_migrate(void)
{
    struct stat st;
    if (stat(cfg.db_path, &st) != 0 || st.st_size == 0)
        return 0; /* a new instance: nothing to keep */
    char err[ERR_SZ];
    sqlite3 *h = open_raw(cfg.db_path, false, err, sizeof err);
    if (!h)
        return fail("%s", err);
    int schema = schema_of(h);
    sqlite3_close(h);
    int known = known_schema();
    if (schema <= 0 || schema >= known)
        return 0; /* nothing to migrate (or a newer schema, which migrate refuses) */
    char label[64];
    snprintf(label, sizeof label, "pre-migrate-%d-to-%d", schema, known);
    printf("carelog: migrating the database from schema %d to %d: a backup first\n", schema, known);
    if (backup_cmd(NULL, label, 0, NULL, 0) != 0)
        return fail("the automatic backup before migrating failed; nothing was changed");
    return 0;
}

/* ---- restore ---- */

/* A server is running on DATA_DIR when one of its FastCGI sockets (lighttpd
 * names them NAME.sock-N) accepts a connection; a stopped server leaves
 * socket files that refuse. */
static bool server_running(void)
{
    char dir[PATH_MAX];
    if (!join(dir, sizeof dir, cfg.data_dir, "sockets"))
        return false;
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool up = false;
    struct dirent *e;
    while (!up && (e = readdir(d))) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (!strstr(e->d_name, ".sock") || snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir,
                                                    e->d_name) >= (int)sizeof sa.sun_path)
            continue;
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
            continue;
        up = connect(s, (struct sockaddr *)&sa, sizeof sa) == 0;
        close(s);
    }
    closedir(d);
    return up;
}

/* Puts the restored copy in place of a missing live database. */
static bool install_fresh(const char *restored, char *err, size_t errsz)
{
    /* The live database is always in WAL mode (readers beside a writer). */
    sqlite3 *h = open_raw(restored, false, err, errsz);
    bool wal = h && exec(h, "PRAGMA journal_mode=WAL", err, errsz);
    sqlite3_close(h);
    if (!wal)
        return false;
    remove_sidecars(cfg.db_path); /* a -wal without its database must not be replayed */
    if (!own_like_data_dir(restored) || rename(restored, cfg.db_path) != 0 ||
        !fsync_dir(cfg.data_dir)) {
        snprintf(err, errsz, "%s: %s", cfg.db_path, strerror(errno));
        return false;
    }
    return true;
}

/* Runs a statement on `h` with the text `p` bound to ?1. */
static bool exec_bound(sqlite3 *h, const char *sql, const char *p, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        snprintf(err, errsz, "%s", sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return ok;
}

static bool has_table(sqlite3 *h, const char *schema, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s.sqlite_master WHERE name = '%s'", schema,
             table);
    return query_ll(h, sql, 0) > 0;
}

/* What the live database has already shown the world, carried into the
 * restored copy `t` (which is the source of the running backup, so SQLite
 * copies these changes along): `prev` is the live database as it is now. */
static bool carry_over(sqlite3 *t, const char *prev, bool *pruned, char *err, size_t errsz)
{
    if (!exec_bound(t, "ATTACH ?1 AS prev", prev, err, errsz))
        return false;
    bool ok = exec(t, "BEGIN", err, errsz);
    /* Is the live database the newer one (a rollback to a backup), rather
     * than an older one being brought forward (recovery from a replica)? */
    bool live_newer = ok && query_ll(t,
                                     "SELECT (SELECT value FROM prev.seq_counter) >= "
                                     "(SELECT value FROM main.seq_counter)",
                                     0) == 1;
    /* Sync cursors: the sequence never goes back. */
    ok = ok && exec(t,
                    "UPDATE main.seq_counter SET value = max(value, coalesce((SELECT value FROM "
                    "prev.seq_counter WHERE id = 1), 0))",
                    err, errsz);
    /* AUTOINCREMENT ids (the stream hub's revocation cursor) never go back. */
    if (ok && has_table(t, "main", "sqlite_sequence") && has_table(t, "prev", "sqlite_sequence")) {
        ok = exec(t,
                  "UPDATE main.sqlite_sequence SET seq = max(seq, coalesce((SELECT p.seq FROM "
                  "prev.sqlite_sequence p WHERE p.name = main.sqlite_sequence.name), 0));"
                  "INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM "
                  "prev.sqlite_sequence WHERE name NOT IN (SELECT name FROM main.sqlite_sequence) "
                  "AND name IN (SELECT name FROM main.sqlite_master WHERE type = 'table')",
                  err, errsz);
    }
    /* Sessions: rolling the same instance (an account in common) back to an
     * older backup, only those alive now survive, and the stream hub ends the
     * streams of live sessions the restored database does not have. From
     * another instance (a fresh one set up before the restore), or when the
     * restored database is the newer one, its sessions are the truth. */
    *pruned = ok && live_newer &&
              query_ll(t,
                       "SELECT EXISTS (SELECT 1 FROM main.users m JOIN prev.users p "
                       "USING (id))",
                       0) == 1;
    if (ok && *pruned)
        ok = exec(t, "DELETE FROM main.sessions WHERE id NOT IN (SELECT id FROM prev.sessions)",
                  err, errsz);
    if (ok && *pruned && has_table(t, "main", "stream_revocations"))
        ok = exec(t,
                  "INSERT INTO main.stream_revocations (session_id, at) SELECT id, "
                  "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM prev.sessions "
                  "WHERE id NOT IN (SELECT id FROM main.sessions)",
                  err, errsz);
    ok = ok ? exec(t, "COMMIT", err, errsz) : (exec(t, "ROLLBACK", err, 0), false);
    char ignore[64];
    return exec(t, "DETACH prev", ignore, sizeof ignore) && ok;
}

/* Swaps the restored copy into the live database in one write transaction
 * (see the top of this file), copying the live one to `aside` first. */
static bool swap_live(const char *restored, const char *aside, char *err, size_t errsz)
{
    bool ok = false, pruned = false;
    sqlite3 *live = open_raw(cfg.db_path, false, err, errsz);
    sqlite3 *t = live ? open_raw(restored, false, err, errsz) : NULL;
    /* Readers must see the old database while the swap writes: WAL. */
    if (!t || !exec(live, "PRAGMA journal_mode=WAL", err, errsz)) {
        sqlite3_close(t);
        sqlite3_close(live);
        return false;
    }
    /* A first step of one page opens the write transaction on the live
     * database and keeps it: a carelog database has far more than one page,
     * so this step cannot finish (and commit) the copy. */
    if (query_ll(t, "PRAGMA page_count", 0) < 2) {
        snprintf(err, errsz, "the restored database is empty");
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(live, "main", t, "main");
    if (!b) {
        snprintf(err, errsz, "restore: %s", sqlite3_errmsg(live));
        goto out;
    }
    int rc, tries = 0;
    while ((rc = sqlite3_backup_step(b, 1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++tries > BUSY_TRIES)
            break;
        sqlite3_sleep(BUSY_WAIT_MS);
    }
    if (rc == SQLITE_OK) {
        /* Writers now wait; readers still see the old database: copy it. */
        sqlite3 *reader = open_raw(cfg.db_path, false, err, errsz);
        sqlite3 *copy = reader ? open_raw(aside, false, err, errsz) : NULL;
        bool aside_ok = copy && copy_db(copy, reader, err, errsz) &&
                        exec(copy, "PRAGMA journal_mode=DELETE", err, errsz);
        sqlite3_close(copy);
        sqlite3_close(reader);
        remove_sidecars(aside);
        if (aside_ok && carry_over(t, aside, &pruned, err, errsz)) {
            rc = sqlite3_backup_step(b, -1);
        } else {
            rc = SQLITE_ABORT; /* finish() rolls the live database back */
        }
    }
    int frc = sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE && frc == SQLITE_OK) {
        ok = true;
        if (pruned)
            printf("carelog: sessions ended since the backup stay ended\n");
    } else if (rc != SQLITE_ABORT) {
        snprintf(err, errsz, "restore: %s", sqlite3_errstr(rc != SQLITE_DONE ? rc : frc));
    }
out:
    sqlite3_close(t);
    sqlite3_close(live);
    return ok;
}

/* Replaces DATA_DIR's keys with the backup's where they differ. */
static bool install_keys(const struct contents *c, bool *changed, char *err, size_t errsz)
{
    *changed = false;
    for (size_t i = 0; i < NKEYS; i++) {
        if (!c->have_key[i])
            continue;
        char p[PATH_MAX];
        static char cur[SMALL_MAX];
        size_t len = 0;
        if (!join(p, sizeof p, cfg.data_dir, key_names[i]))
            return false;
        int r = read_small(p, cur, &len);
        if (r == 1 && len == c->key_len[i] && sodium_memcmp(cur, c->key[i], len) == 0)
            continue;
        sodium_memzero(cur, sizeof cur);
        if (!write_atomic(p, c->key[i], c->key_len[i], err, errsz))
            return false;
        *changed = *changed || r == 1;
    }
    return true;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            char p[PATH_MAX];
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
                join(p, sizeof p, dir, e->d_name))
                unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Moves the documents' files unpacked into `from` to DATA_DIR/documents/
 * (a name already there is left as it is), then syncs that directory. */
static bool install_documents(const char *from, char *err, size_t errsz)
{
    char dir[PATH_MAX];
    if (!docstore_path(NULL, dir, sizeof dir) || (mkdir(dir, 0700) != 0 && errno != EEXIST) ||
        !own_like_data_dir(dir)) {
        snprintf(err, errsz, "%s: %s", dir, strerror(errno));
        return false;
    }
    DIR *d = opendir(from);
    if (!d) {
        snprintf(err, errsz, "%s: %s", from, strerror(errno));
        return false;
    }
    bool ok = true;
    int moved = 0;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        char src[PATH_MAX], dst[PATH_MAX];
        if (!docstore_name_ok(e->d_name))
            continue;
        struct stat st;
        ok = join(src, sizeof src, from, e->d_name) && docstore_path(e->d_name, dst, sizeof dst);
        if (ok && stat(dst, &st) == 0)
            continue;
        ok = ok && own_like_data_dir(src) && rename(src, dst) == 0;
        if (!ok)
            snprintf(err, errsz, "%s: %s", dst, strerror(errno));
        moved++;
    }
    closedir(d);
    if (ok && moved > 0 && !fsync_dir(dir)) {
        snprintf(err, errsz, "%s: %s", dir, strerror(errno));
        ok = false;
    }
    if (ok && moved > 0)
        printf("carelog: restored %d document file%s\n", moved, moved == 1 ? "" : "s");
    return ok;
}

int restore_cmd(const char *file, bool migrate)
{
    char err[ERR_SZ], bdir[PATH_MAX], work[PATH_MAX], copy[PATH_MAX], aside[PATH_MAX];
    if (mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST)
        return fail("cannot create %s: %s", cfg.data_dir, strerror(errno));
    if (!backup_dir(bdir, sizeof bdir) || !join(work, sizeof work, bdir, ".restore-XXXXXX"))
        return fail("cannot use the backup directory: %s", strerror(errno));
    if (!mkdtemp(work))
        return fail("%s: %s", work, strerror(errno));
    static struct contents c;
    int rc = 1;
    struct stat st;
    bool live_exists = stat(cfg.db_path, &st) == 0 && st.st_size > 0;
    aside[0] = '\0';
    char docs[PATH_MAX] = "";
    if (!join(copy, sizeof copy, work, "carelog.db") || !join(docs, sizeof docs, work, "documents"))
        goto out;
    if (mkdir(docs, 0700) != 0) {
        fail("%s: %s", docs, strerror(errno));
        goto out;
    }

    /* 1. Unpacked and checked, in private. */
    if (!read_backup(file, copy, docs, &c, err, sizeof err)) {
        fail("refusing to restore: %s", err);
        goto out;
    }
    sqlite3 *h = open_raw(copy, false, err, sizeof err);
    if (!h) {
        fail("refusing to restore: %s", err);
        goto out;
    }
    char problems[512];
    bool ok = exec(h, "PRAGMA journal_mode=DELETE", err, sizeof err);
    bool sound = ok && integrity_ok(h, problems, sizeof problems);
    int schema = sound ? schema_of(h) : -1;
    long long fks = sound ? fk_violations(h, false) : 0;
    long long page = query_ll(h, "PRAGMA page_size", 0);
    if (ok && sound && live_exists) {
        /* A WAL database only takes a copy of its own page size. */
        sqlite3 *lh = open_raw(cfg.db_path, false, err, sizeof err);
        long long live_page = lh ? query_ll(lh, "PRAGMA page_size", 0) : 0;
        sqlite3_close(lh);
        if (live_page > 0 && live_page != page) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA page_size=%lld; VACUUM", live_page);
            ok = exec(h, sql, err, sizeof err);
        }
    }
    sqlite3_close(h);
    if (!ok) {
        fail("refusing to restore: %s", err);
        goto out;
    }
    if (!sound) {
        fail("refusing to restore: %s fails integrity_check: %s", file, problems);
        goto out;
    }
    if (schema < 0) {
        fail("refusing to restore: %s holds no carelog database", file);
        goto out;
    }
    if (schema > known_schema()) {
        fail("refusing to restore: %s has schema %d, newer than this carelog knows (%d); "
             "restore it with the release that made it",
             file, schema, known_schema());
        goto out;
    }
    if (fks > 0)
        printf("carelog: warning: the backup has %lld foreign key violations\n", fks);
    /* Without migrating, the running programs would meet an older schema
     * than they expect: that restore is for a stopped server (a rollback). */
    if (!migrate && live_exists && server_running()) {
        fail("refusing to restore without migrating while a server runs on %s: stop it first",
             cfg.data_dir);
        goto out;
    }

    /* 2. Migrated forward, still in private. */
    if (migrate && schema < known_schema()) {
        struct db d;
        if (db_open(&d, copy, err, sizeof err) != 0) {
            fail("restore: %s", err);
            goto out;
        }
        enum migrate_result mr =
            db_migrate(&d, carelog_migrations, carelog_migrations_count, err, sizeof err);
        db_close(&d);
        if (mr != MIGRATE_OK) {
            fail("restore: migrating the backup failed, nothing was changed: %s", err);
            goto out;
        }
        printf("carelog: migrated the backup from schema %d to %d\n", schema, known_schema());
    }

    /* 3. The documents' files put in place first (a file never changes once
     * written, so one already there is the same), then the database
     * swapped in: the restored database never names a file not there. */
    if (!install_documents(docs, err, sizeof err)) {
        fail("restore failed, the live database is unchanged: %s", err);
        goto out;
    }
    if (live_exists) {
        char stamp[20];
        utc_stamp(stamp);
        if (snprintf(aside, sizeof aside, "%s/.aside-%s.db", work, stamp) >= (int)sizeof aside)
            goto out;
        int fd = open(aside, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || close(fd) != 0) {
            fail("%s: %s", aside, strerror(errno));
            goto out;
        }
        if (!swap_live(copy, aside, err, sizeof err)) {
            fail("restore failed, the live database is unchanged: %s", err);
            goto out;
        }
    } else if (!install_fresh(copy, err, sizeof err)) {
        fail("restore failed: %s", err);
        goto out;
    }
    rc = 0;
    /* 4. The replaced database kept as a backup (with the keys it went
     * with), then the backup's keys. */
    if (live_exists) {
        char stamp[20], kept[PATH_MAX], name[96];
        utc_stamp(stamp);
        snprintf(name, sizeof name, "carelog-%s-before-restore.tar", stamp);
        sqlite3 *ah = open_raw(aside, false, err, sizeof err);
        int aside_schema = ah ? schema_of(ah) : -1;
        sqlite3_close(ah);
        if (!join(kept, sizeof kept, bdir, name) ||
            !pack(aside, aside_schema, kept, err, sizeof err)) {
            fail("restored, but the previous database could not be packed (it is in %s): %s", work,
                 err);
            return 1; /* keep `work`: it holds the only copy */
        }
        printf("carelog: the previous database is kept in %s\n", kept);
    }
    bool keys_changed = false;
    if (!install_keys(&c, &keys_changed, err, sizeof err)) {
        fail("restored the database, but not the keys: %s", err);
        rc = 1;
    }
    printf("carelog: restored %s into %s (schema %d%s)\n", file, cfg.db_path,
           migrate ? (schema > 0 && schema < known_schema() ? known_schema() : schema) : schema,
           c.is_tar ? ", with its keys" : "; no keys in a bare database, the current ones stay");
    if (keys_changed)
        printf("carelog: the keys changed: restart the server so that every program uses them\n");
out:
    sodium_memzero(&c, sizeof c);
    if (docs[0])
        remove_tree(docs);
    remove_tree(work);
    return rc;
}

/* ---- check ---- */

int check_cmd(void)
{
    char err[ERR_SZ];
    struct stat st;
    if (stat(cfg.db_path, &st) != 0)
        return fail("no database at %s", cfg.db_path);
    sqlite3 *h = open_raw(cfg.db_path, false, err, sizeof err);
    if (!h)
        return fail("%s", err);
    int bad = 0;
    int schema = schema_of(h);
    printf("database: %s\n", cfg.db_path);
    printf("schema: %d (this carelog knows %d)%s\n", schema, known_schema(),
           schema > known_schema() ? " NEWER: upgrade carelog" : "");
    if (schema > known_schema() || schema < 0)
        bad++;
    char problems[1024];
    if (integrity_ok(h, problems, sizeof problems)) {
        printf("integrity: ok\n");
    } else {
        printf("integrity: FAILED: %s\n", problems);
        bad++;
    }
    long long fks = fk_violations(h, true);
    if (fks == 0) {
        printf("foreign keys: ok\n");
    } else {
        printf("foreign keys: %lld violations\n", fks);
        bad++;
    }
    long long page = query_ll(h, "PRAGMA page_size", 0);
    printf("size: %lld bytes (%lld pages of %lld, %lld free)\n", (long long)st.st_size,
           query_ll(h, "PRAGMA page_count", 0), page, query_ll(h, "PRAGMA freelist_count", 0));
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", cfg.db_path);
    printf("wal: %lld bytes\n", stat(wal, &st) == 0 ? (long long)st.st_size : 0LL);
    /* Rows per table; names come from sqlite_master and are quoted (%w). */
    sqlite3_stmt *st_tables = NULL;
    if (sqlite3_prepare_v2(h,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite_%' ORDER BY name",
                           -1, &st_tables, NULL) == SQLITE_OK) {
        printf("rows:\n");
        while (sqlite3_step(st_tables) == SQLITE_ROW) {
            const char *t = db_col_text(st_tables, 0);
            char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", t);
            long long n = sql ? query_ll(h, sql, -1) : -1;
            sqlite3_free(sql);
            printf("  %-24s %lld\n", t, n);
        }
    } else {
        bad++;
    }
    sqlite3_finalize(st_tables);
    sqlite3_close(h);
    char status_path[PATH_MAX], status[PATH_MAX + 64];
    size_t len = 0;
    if (join(status_path, sizeof status_path, cfg.data_dir, "last-backup") &&
        read_small(status_path, status, &len) == 1 && len < sizeof status) {
        status[len] = '\0';
        long long at = atoll(status);
        char when[32];
        format_rfc3339_ms(at, when);
        char *path = strchr(status, ' ');
        if (path)
            path[strcspn(path, "\n")] = '\0';
        printf("last backup: %s (%lld h ago) %s\n", when, (now_ms() - at) / 3600000,
               path ? path + 1 : "");
    } else {
        printf("last backup: none recorded\n");
    }
    printf("%s\n", bad ? "check: PROBLEMS FOUND" : "check: ok");
    return bad ? 1 : 0;
}
