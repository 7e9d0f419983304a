/* throttle.c — counting failed sign-ins per key within a sliding window. */
#include "throttle.h"

#include "config.h"
#include "util.h"

static int64_t window_ms(void)
{
    long s;
    if (!env_int("LOGIN_THROTTLE_WINDOW", 900, 1, 86400, &s))
        s = 900;
    return s * 1000LL;
}

static long max_failures(void)
{
    long n;
    if (!env_int("LOGIN_THROTTLE_MAX", 10, 1, 1000, &n))
        n = 10;
    return n;
}

/* When the key is over the limit: ms until its oldest counted failure leaves
 * the window. */
static int64_t key_wait_ms(struct db *d, const char *key, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT count(*), min(at) FROM (SELECT at FROM login_failures "
                                  "WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?)");
    int64_t win = window_ms();
    if (!st || !db_bind_text(st, 1, key) || !db_bind_int64(st, 2, now - win) ||
        !db_bind_int64(st, 3, max_failures()) || sqlite3_step(st) != SQLITE_ROW)
        return 0;
    int64_t n = sqlite3_column_int64(st, 0), oldest = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return n >= max_failures() ? oldest + win - now : 0;
}

int64_t throttle_wait(struct db *d, const char *account_key, const char *addr_key)
{
    int64_t now = now_ms();
    int64_t a = key_wait_ms(d, account_key, now), b = key_wait_ms(d, addr_key, now);
    int64_t ms = a > b ? a : b;
    return ms > 0 ? (ms + 999) / 1000 : 0;
}

static void record(struct db *d, const char *key, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO login_failures (key, at) VALUES (?, ?)");
    if (st && db_bind_text(st, 1, key) && db_bind_int64(st, 2, now))
        db_step_done(d, st);
}

void throttle_failed(struct db *d, const char *account_key, const char *addr_key)
{
    int64_t now = now_ms();
    record(d, account_key, now);
    record(d, addr_key, now);
    /* Old rows are worthless; dropping them here keeps the table small. */
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM login_failures WHERE at < ?");
    if (st && db_bind_int64(st, 1, now - window_ms()))
        db_step_done(d, st);
}

void throttle_clear(struct db *d, const char *account_key)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM login_failures WHERE key = ?");
    if (st && db_bind_text(st, 1, account_key))
        db_step_done(d, st);
}
