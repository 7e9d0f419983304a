/* throttle.c — sign-in throttling (per account, per address, with the known
 * address exemption) and plain rate limits, each decided and recorded inside
 * one write transaction. The rules are in throttle.h. */
#include "security/throttle.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "framework/config.h"
#include "framework/http.h"
#include "util/util.h"

#define KNOWN_MS (30LL * 24 * 3600 * 1000) /* rule 3: 30 days */
#define DAY_MS   (24LL * 3600 * 1000)      /* the longest rate window */

static int64_t window_ms(void)
{
    long s;
    if (!env_int("LOGIN_THROTTLE_WINDOW", 900, 1, 86400, &s))
        s = 900;
    return s * 1000LL;
}

static long account_max(void)
{
    long n;
    if (!env_int("LOGIN_THROTTLE_MAX", 10, 1, 1000, &n))
        n = 10;
    return n;
}

static long addr_max(void)
{
    long n;
    if (!env_int("LOGIN_THROTTLE_ADDR_MAX", 5 * account_max(), 1, 100000, &n))
        n = 5 * account_max();
    return n;
}

void throttle_addr_block(const char *addr, char *out, size_t outsz)
{
    struct in6_addr a6;
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, addr, &a6) == 1 && !IN6_IS_ADDR_V4MAPPED(&a6)) {
        memset(a6.s6_addr + 8, 0, 8);
        if (inet_ntop(AF_INET6, &a6, text, sizeof text)) {
            snprintf(out, outsz, "%s/64", text);
            return;
        }
    }
    snprintf(out, outsz, "%s", addr);
}

void login_keys_make(const char *email, const char *addr, struct login_keys *k)
{
    char block[INET6_ADDRSTRLEN + 8];
    throttle_addr_block(addr, block, sizeof block);
    keyed_hash("login-account", email, k->account);
    keyed_hash("login-addr", block, k->addr);
    /* An email cannot hold a newline, so "email\nblock" names one pair. */
    char pair[512];
    int n = snprintf(pair, sizeof pair, "%s\n%s", email, block);
    if (n < 0 || (size_t)n >= sizeof pair)
        snprintf(pair, sizeof pair, "%s", "overlong"); /* never known: rule 2 holds */
    keyed_hash("login-known", pair, k->pair);
}

/* How many rows `key` has in the window (at most `max` are looked at) and,
 * when that reaches `max`, ms until the oldest of them leaves the window.
 * -1 on a database error. */
static int64_t key_wait_ms(struct db *d, const char *table_sql, const char *key, long max,
                           int64_t win, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, table_sql);
    if (!st || !db_bind_text(st, 1, key) || !db_bind_int64(st, 2, now - win) ||
        !db_bind_int64(st, 3, max) || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    int64_t n = sqlite3_column_int64(st, 0), oldest = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    if (n < max)
        return 0;
    int64_t ms = oldest + win - now;
    return ms > 0 ? ms : 1;
}

static const char failures_in_window[] =
    "SELECT count(*), min(at) FROM (SELECT at FROM login_failures "
    "WHERE key = ?1 AND at > ?2 ORDER BY at DESC LIMIT ?3)";
static const char events_in_window[] = "SELECT count(*), min(at) FROM (SELECT at FROM rate_events "
                                       "WHERE key = ?1 AND at > ?2 ORDER BY at DESC LIMIT ?3)";

static int64_t secs(int64_t ms)
{
    return (ms + 999) / 1000;
}

/* Rule 3: did this email sign in from this address recently? */
static int known_pair(struct db *d, const char *pair, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM login_known WHERE key = ? AND at > ?");
    if (!st || !db_bind_text(st, 1, pair) || !db_bind_int64(st, 2, now - KNOWN_MS))
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static bool record_failure(struct db *d, const char *key, int64_t now, int64_t *rowid)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO login_failures (key, at) VALUES (?, ?)");
    if (!st || !db_bind_text(st, 1, key) || !db_bind_int64(st, 2, now) || !db_step_done(d, st))
        return false;
    *rowid = sqlite3_last_insert_rowid(d->h);
    return true;
}

int64_t throttle_admit(struct db *d, const struct login_keys *k, struct login_ticket *t)
{
    t->nrows = 0;
    int64_t now = now_ms(), win = window_ms();
    if (!db_begin(d))
        return -1;
    int64_t wait = key_wait_ms(d, failures_in_window, k->account, account_max(), win, now);
    if (wait == 0) {
        wait = key_wait_ms(d, failures_in_window, k->addr, addr_max(), win, now);
        if (wait > 0) {
            int known = known_pair(d, k->pair, now);
            wait = known < 0 ? -1 : known ? 0 : wait;
        }
    }
    if (wait != 0) {
        db_rollback(d);
        return wait < 0 ? -1 : secs(wait);
    }
    /* Recorded before the password is checked: attempts running at once
     * each see the ones admitted before them. */
    bool ok = record_failure(d, k->account, now, &t->rows[0]) &&
              record_failure(d, k->addr, now, &t->rows[1]);
    /* Old rows are worthless; dropping them here keeps the table small. */
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM login_failures WHERE at <= ?");
    ok = ok && st && db_bind_int64(st, 1, now - win) && db_step_done(d, st);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return -1;
    }
    t->nrows = 2;
    return 0;
}

void throttle_succeeded(struct db *d, const struct login_keys *k, const struct login_ticket *t)
{
    int64_t now = now_ms();
    if (!db_begin(d))
        return; /* the attempt stays counted as a failure: the safe side */
    bool ok = true;
    for (int i = 0; i < t->nrows && ok; i++) {
        sqlite3_stmt *st = db_stmt(d, "DELETE FROM login_failures WHERE rowid = ?");
        ok = st && db_bind_int64(st, 1, t->rows[i]) && db_step_done(d, st);
    }
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM login_failures WHERE key = ?");
    ok = ok && st && db_bind_text(st, 1, k->account) && db_step_done(d, st);
    st = db_stmt(d, "INSERT INTO login_known (key, at) VALUES (?1, ?2) "
                    "ON CONFLICT (key) DO UPDATE SET at = excluded.at");
    ok = ok && st && db_bind_text(st, 1, k->pair) && db_bind_int64(st, 2, now) &&
         db_step_done(d, st);
    st = db_stmt(d, "DELETE FROM login_known WHERE at <= ?");
    ok = ok && st && db_bind_int64(st, 1, now - KNOWN_MS) && db_step_done(d, st);
    if (!ok || !db_commit(d))
        db_rollback(d);
}

int64_t rate_take(struct db *d, const char *key, long max, long window_s)
{
    int64_t now = now_ms(), win = window_s * 1000LL;
    if (!db_begin(d))
        return -1;
    int64_t wait = key_wait_ms(d, events_in_window, key, max, win, now);
    if (wait != 0) {
        db_rollback(d);
        return wait < 0 ? -1 : secs(wait);
    }
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO rate_events (key, at) VALUES (?, ?)");
    bool ok = st && db_bind_text(st, 1, key) && db_bind_int64(st, 2, now) && db_step_done(d, st);
    /* No window is longer than a day (rate_limit_env caps it). */
    st = db_stmt(d, "DELETE FROM rate_events WHERE at <= ?");
    ok = ok && st && db_bind_int64(st, 1, now - DAY_MS) && db_step_done(d, st);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return -1;
    }
    return 0;
}

struct rate_limit rate_limit_env(const char *max_var, long max_def, const char *window_var,
                                 long window_def)
{
    struct rate_limit l;
    if (!env_int(max_var, max_def, 1, 100000, &l.max))
        l.max = max_def;
    if (!env_int(window_var, window_def, 1, 86400, &l.window_s))
        l.window_s = window_def;
    return l;
}

void reply_rate_limited(struct request *r, int64_t wait, const char *message)
{
    if (wait < 0) {
        resp_error(r, 503, "db_busy", "The database is busy; try again");
        return;
    }
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)wait);
    resp_header(r, "Retry-After", s);
    resp_error(r, 429, "rate_limited", message);
}
