/* carelogctl — the administrator's command: create or migrate the database
 * and prepare an instance for `make run`.
 *   carelogctl migrate     apply pending migrations (refuses a newer schema)
 *   carelogctl setup       migrate, server key, VAPID key, the instance admin: from
 *                          ADMIN_EMAIL + ADMIN_PASSWORD, or else a one-time
 *                          sign-in link printed while the admin has no password
 *   carelogctl admin-link  print a fresh one-time sign-in link for the admin
 *   carelogctl backup [FILE|DIR] [--keep N]
 *                          a consistent, verified backup (database and keys) while
 *                          the server runs; --keep N keeps the N newest
 *   carelogctl restore [--no-migrate] FILE
 *                          restore a backup (or a bare database) into the live
 *                          database in one transaction, the old one kept aside
 *   carelogctl check       integrity, foreign keys, sizes, rows per table
 *   carelogctl reset-link EMAIL
 *                          print a one-time link with which that account sets a
 *                          new password (and is signed in; its other sessions end)
 *   carelogctl version     print the program and schema versions
 * migrate and setup take an automatic backup first when they will apply
 * migrations to an existing database (backup.c). */
#include "carelog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backup.h"
#include "security/password.h"
#include "push/pushmsg.h"
#include "security/reset.h"
#include "security/secret.h"
#include "push/webpush.h"

#define SIGNIN_LINK_TTL_MS    (24 * 3600 * 1000LL)
#define BOOTSTRAP_ADMIN_EMAIL "admin@carelog.invalid"

static int cmd_migrate(void)
{
    if (mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "carelogctl: cannot create %s: %s\n", cfg.data_dir, strerror(errno));
        return 1;
    }
    /* The way back from an upgrade: a backup of the schema it leaves. */
    if (backup_before_migrate() != 0)
        return 1;
    char err[256];
    if (!database_prepare(err, sizeof err)) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return 1;
    }
    return 0;
}

static bool open_db(struct db *d)
{
    char err[256];
    if (db_open(d, cfg.db_path, err, sizeof err) != 0) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return false;
    }
    return true;
}

/* ADMIN_EMAIL + ADMIN_PASSWORD create the admin account or bring its email
 * and password in line with the environment. */
static int admin_from_env(struct db *d, const char *email_in, const char *password)
{
    char email[256], hash[crypto_pwhash_STRBYTES], id[37];
    if (!email_normalise(email_in, email, sizeof email)) {
        fprintf(stderr, "carelogctl: ADMIN_EMAIL is not an email address\n");
        return 1;
    }
    size_t chars = 0;
    if (!utf8_check(password, false, &chars) || chars < PASSWORD_MIN_CHARS) {
        fprintf(stderr, "carelogctl: ADMIN_PASSWORD needs at least %d characters\n",
                PASSWORD_MIN_CHARS);
        return 1;
    }
    if (!password_hash(password, hash)) {
        fprintf(stderr, "carelogctl: could not hash ADMIN_PASSWORD\n");
        return 1;
    }
    uuid_v4(id);
    int64_t now = now_ms();
    /* The account with this email becomes the admin; a bootstrap admin that
     * never signed in takes the email instead of leaving a second admin. */
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM users WHERE email = ? AND password_hash IS NULL");
    bool ok = st && db_bind_text(st, 1, BOOTSTRAP_ADMIN_EMAIL) && db_step_done(d, st);
    st = db_stmt(d, "INSERT INTO users (id, email, name, password_hash, is_admin, created_at, "
                    "updated_at) VALUES (?1, ?2, 'Admin', ?3, 1, ?4, ?4) ON CONFLICT (email) DO "
                    "UPDATE SET password_hash = excluded.password_hash, is_admin = 1, "
                    "updated_at = excluded.updated_at");
    ok = ok && st && db_bind_text(st, 1, id) && db_bind_text(st, 2, email) &&
         db_bind_text(st, 3, hash) && db_bind_int64(st, 4, now) && db_step_done(d, st);
    if (!ok) {
        fprintf(stderr, "carelogctl: could not write the admin account\n");
        return 1;
    }
    printf("carelog: admin account %s is ready\n", email);
    return 0;
}

static void print_signin_link(const char *token)
{
    const char *pub = getenv("PUBLIC_URL");
    const char *port = getenv("PORT");
    if (pub && *pub)
        printf("carelog: sign in as the admin (once, within 24 h): %s/signin/%s\n", pub, token);
    else
        printf("carelog: sign in as the admin (once, within 24 h): "
               "http://127.0.0.1:%s/signin/%s\n",
               port && *port ? port : "8080", token);
}

/* A fresh one-time link for the admin; older unused links stop working. */
static int admin_signin_link(struct db *d, const char *user_id)
{
    char token[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1];
    token_new(token);
    token_hash(token, hash);
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM signin_tokens WHERE user_id = ?");
    bool ok = st && db_bind_text(st, 1, user_id) && db_step_done(d, st);
    st = db_stmt(d, "INSERT INTO signin_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)");
    ok = ok && st && db_bind_text(st, 1, hash) && db_bind_text(st, 2, user_id) &&
         db_bind_int64(st, 3, now_ms() + SIGNIN_LINK_TTL_MS) && db_step_done(d, st);
    if (!ok) {
        fprintf(stderr, "carelogctl: could not create a sign-in link\n");
        return 1;
    }
    print_signin_link(token);
    return 0;
}

/* The admin's id and whether it has a password; false when there is none. */
static bool find_admin(struct db *d, char id[37], bool *has_password)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, password_hash IS NOT NULL FROM users "
                                  "WHERE is_admin = 1 ORDER BY password_hash IS NULL, created_at "
                                  "LIMIT 1");
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return false;
    snprintf(id, 37, "%s", db_col_text(st, 0));
    *has_password = sqlite3_column_int(st, 1) == 1;
    sqlite3_reset(st);
    return true;
}

static int ensure_admin(struct db *d)
{
    const char *email = getenv("ADMIN_EMAIL"), *password = getenv("ADMIN_PASSWORD");
    bool has_email = email && *email, has_password = password && *password;
    if (has_email != has_password) {
        fprintf(stderr, "carelogctl: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither\n");
        return 1;
    }
    if (has_email)
        return admin_from_env(d, email, password);
    char id[37];
    bool with_password = false;
    if (find_admin(d, id, &with_password))
        return with_password ? 0 : admin_signin_link(d, id);
    uuid_v4(id);
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO users (id, email, name, is_admin, created_at, "
                                  "updated_at) VALUES (?, ?, 'Admin', 1, ?, ?)");
    if (!st || !db_bind_text(st, 1, id) || !db_bind_text(st, 2, BOOTSTRAP_ADMIN_EMAIL) ||
        !db_bind_int64(st, 3, now) || !db_bind_int64(st, 4, now) || !db_step_done(d, st)) {
        fprintf(stderr, "carelogctl: could not create the admin account\n");
        return 1;
    }
    return admin_signin_link(d, id);
}

static int cmd_setup(void)
{
    if (cmd_migrate() != 0)
        return 1;
    char err[256];
    if (!secret_init(cfg.data_dir, err, sizeof err)) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return 1;
    }
    /* The VAPID key pair for Web Push (DATA_DIR/vapid.pem, 0600). */
    struct vapid_key *key = push_vapid_key(cfg.data_dir, err, sizeof err);
    if (!key) {
        fprintf(stderr, "carelogctl: VAPID key: %s\n", err);
        return 1;
    }
    vapid_free(key);
    struct db d;
    if (!open_db(&d))
        return 1;
    int rc = ensure_admin(&d);
    db_close(&d);
    return rc;
}

static int cmd_admin_link(void)
{
    char err[256];
    if (cmd_migrate() != 0 || !secret_init(cfg.data_dir, err, sizeof err))
        return 1;
    struct db d;
    if (!open_db(&d))
        return 1;
    char id[37];
    bool with_password;
    int rc = find_admin(&d, id, &with_password) ? admin_signin_link(&d, id) : ensure_admin(&d);
    db_close(&d);
    return rc;
}

/* The self-hoster at the console gets anyone back in: a reset link for the
 * account, written to the audit log like the owner's and the admin's. */
static int cmd_reset_link(const char *email_in)
{
    char email[256], err[256];
    if (!email_normalise(email_in, email, sizeof email)) {
        fprintf(stderr, "carelogctl: %s is not an email address\n", email_in);
        return 2;
    }
    if (cmd_migrate() != 0 || !secret_init(cfg.data_dir, err, sizeof err))
        return 1;
    struct db d;
    if (!open_db(&d))
        return 1;
    int rc = 1;
    char user_id[37] = "", token[TOKEN_LEN + 1], path[96], origin[512];
    int64_t expires_at = 0;
    if (!db_begin(&d)) {
        fprintf(stderr, "carelogctl: the database is busy\n");
        goto out;
    }
    sqlite3_stmt *st = db_stmt(&d, "SELECT id FROM users WHERE email = ?");
    if (st && db_bind_text(st, 1, email) && sqlite3_step(st) == SQLITE_ROW)
        snprintf(user_id, sizeof user_id, "%s", db_col_text(st, 0));
    if (st)
        sqlite3_reset(st);
    if (!user_id[0]) {
        db_rollback(&d);
        fprintf(stderr, "carelogctl: no account has the email %s\n", email);
        goto out;
    }
    st = db_stmt(&d, "INSERT INTO audit_log (action, target, detail, at) "
                     "VALUES ('reset_link_created', ?, '{\"via\":\"console\"}', ?)");
    bool ok = reset_issue(&d, user_id, RESET_VIA_CONSOLE, NULL, NULL, RESET_LINK_HANDED_MS, token,
                          &expires_at) &&
              reset_path(token, path, sizeof path) && st && db_bind_text(st, 1, user_id) &&
              db_bind_int64(st, 2, now_ms()) && db_step_done(&d, st) && db_commit(&d);
    if (!ok) {
        db_rollback(&d);
        fprintf(stderr, "carelogctl: could not create a reset link\n");
        goto out;
    }
    public_origin(origin, sizeof origin);
    printf("carelog: reset link for %s (once, within 24 h): %s%s\n", email, origin, path);
    rc = 0;
out:
    db_close(&d);
    return rc;
}

static int cmd_version(void)
{
    int known =
        carelog_migrations_count ? carelog_migrations[carelog_migrations_count - 1].version : 0;
    printf("carelog %s (schema %d)\n", CARELOG_VERSION, known);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(void);
} commands[] = {
    {"migrate", cmd_migrate}, {"setup", cmd_setup},     {"admin-link", cmd_admin_link},
    {"check", check_cmd},     {"version", cmd_version},
};

#define USAGE                                                                                      \
    "usage: carelogctl migrate | setup | admin-link | check | version\n"                           \
    "       carelogctl reset-link EMAIL\n"                                                         \
    "       carelogctl backup [FILE|DIR] [--keep N]\n"                                             \
    "       carelogctl restore [--no-migrate] FILE\n"

static int usage(void)
{
    fputs(USAGE, stderr);
    return 2;
}

/* backup [FILE|DIR] [--keep N], in any order. */
static int cmd_backup(int argc, char **argv)
{
    const char *target = NULL;
    long keep = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            keep = strtol(argv[++i], &end, 10);
            if (errno || *end || keep < 1 || keep > 100000)
                return usage();
        } else if (argv[i][0] == '-' || target) {
            return usage();
        } else {
            target = argv[i];
        }
    }
    return backup_cmd(target, NULL, (int)keep, NULL, 0);
}

static int cmd_restore(int argc, char **argv)
{
    bool migrate = true;
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--no-migrate") == 0)
            migrate = false;
        else if (argv[i][0] == '-' || file)
            return usage();
        else
            file = argv[i];
    }
    return file ? restore_cmd(file, migrate) : usage();
}

int main(int argc, char **argv)
{
    log_set_program("carelogctl");
    char err[256];
    if (!config_load(err, sizeof err)) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], "backup") == 0)
        return cmd_backup(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "restore") == 0)
        return cmd_restore(argc - 2, argv + 2);
    for (size_t i = 0; argc == 2 && i < ARRAY_LEN(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run();
    if (argc == 3 && strcmp(argv[1], "reset-link") == 0)
        return cmd_reset_link(argv[2]);
    return usage();
}
