/* mailsend.c — delivering the mail queue over SMTP with libcurl
 * (mailsend.h). Mail is claimed under a lease inside a write transaction,
 * so passes that overlap never send one message twice; one curl handle is
 * kept for the pass, so consecutive messages share one SMTP connection. */
#include "mail/mailsend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "framework/config.h"
#include "framework/log.h"
#include "mail/digest.h"
#include "mail/mail.h"
#include "security/reset.h"
#include "util/util.h"

#define BATCH        20
#define LEASE_MS     (10 * 60 * 1000LL)
#define MAX_DELAY_MS (6 * 3600 * 1000LL)
#define KEEP_MS      (30LL * 24 * 3600 * 1000)

bool mail_pass_opts_from_env(struct mail_pass_opts *o, char *err, size_t errsz)
{
    memset(o, 0, sizeof *o);
    if (!mail_configured() || !mail_from_address(o->from, sizeof o->from)) {
        snprintf(err, errsz, "mail is not configured (SMTP_URL and MAIL_FROM)");
        return false;
    }
    o->url = getenv("SMTP_URL");
    const char *tls = getenv("SMTP_STARTTLS");
    o->require_tls = tls && strcmp(tls, "require") == 0;
    const char *user = getenv("SMTP_USER");
    o->user = user && *user ? user : NULL;
    const char *pw = getenv("SMTP_PASSWORD"), *pw_file = getenv("SMTP_PASSWORD_FILE");
    if (pw_file && *pw_file) {
        /* A file keeps the password out of the process environment (and so
         * out of /proc/PID/environ and crash reports). */
        FILE *f = fopen(pw_file, "r");
        if (!f) {
            snprintf(err, errsz, "SMTP_PASSWORD_FILE: %s", strerror(errno));
            return false;
        }
        size_t n = fread(o->password, 1, sizeof o->password - 1, f);
        fclose(f);
        o->password[n] = '\0';
        o->password[strcspn(o->password, "\r\n")] = '\0';
    } else if (pw) {
        snprintf(o->password, sizeof o->password, "%s", pw);
    }
    const char *ca = getenv("SMTP_CA_FILE");
    o->ca_file = ca && *ca ? ca : NULL;
    long v;
    o->retry_base_ms = env_int("MAIL_RETRY_BASE_MS", 60000, 100, 3600000, &v) ? v : 60000;
    o->max_attempts = env_int("MAIL_MAX_ATTEMPTS", 8, 1, 50, &v) ? (int)v : 8;
    return true;
}

int64_t mail_backoff_ms(int64_t base_ms, int attempt)
{
    int64_t d = base_ms;
    for (int i = 1; i < attempt && d < MAX_DELAY_MS; i++)
        d *= 2;
    return d < MAX_DELAY_MS ? d : MAX_DELAY_MS;
}

/* ---------- one message over SMTP ---------- */

struct upload {
    const char *p;
    size_t left;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct upload *u = userdata;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(ptr, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

enum outcome { SENT, RETRY, FAILED };

/* Sends one message. `why` gets a short reason without any address: the
 * SMTP reply code, or curl's generic words for what went wrong. */
static enum outcome smtp_send(CURL *c, const struct mail_pass_opts *o, const char *rcpt,
                              const char *message, char *why, size_t whysz)
{
    char from[300], to[300];
    snprintf(from, sizeof from, "<%s>", o->from);
    snprintf(to, sizeof to, "<%s>", rcpt);
    struct curl_slist *rcpts = curl_slist_append(NULL, to);
    if (!rcpts) {
        snprintf(why, whysz, "out of memory");
        return RETRY;
    }
    struct upload up = {message, strlen(message)};
    curl_easy_reset(c);
    /* smtp://: STARTTLS when the server offers it (or required); smtps://
     * is TLS from the first byte whatever this says. */
    bool ok =
        curl_easy_setopt(c, CURLOPT_URL, o->url) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_USE_SSL,
                         (long)(o->require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY)) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAIL_FROM, from) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_READDATA, &up) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        (!o->user || (curl_easy_setopt(c, CURLOPT_USERNAME, o->user) == CURLE_OK &&
                      curl_easy_setopt(c, CURLOPT_PASSWORD, o->password) == CURLE_OK)) &&
        (!o->ca_file || curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) == CURLE_OK);
    if (!ok) {
        curl_slist_free_all(rcpts);
        snprintf(why, whysz, "curl setup");
        return FAILED;
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpts);
    if (rc == CURLE_OK)
        return SENT;
    if (code >= 400)
        snprintf(why, whysz, "smtp %ld", code);
    else
        snprintf(why, whysz, "%s", curl_easy_strerror(rc));
    /* 5xx is the server's final word on this message (no such mailbox,
     * refused); 4xx and a failed connection may pass later. A refused
     * login is this server's setting, not the message's fault: it waits
     * for the admin to fix SMTP_USER or the password. */
    if (rc == CURLE_LOGIN_DENIED || code == 530 || code == 535)
        return RETRY;
    return code >= 500 && code < 600 ? FAILED : RETRY;
}

/* ---------- the pass ---------- */

struct claimed {
    int64_t id;
    int attempts;
    char *rcpt, *message;
};

static int claim(struct db *d, int64_t now, struct claimed *out)
{
    if (!db_begin(d))
        return -1;
    sqlite3_stmt *st =
        db_stmt(d, "UPDATE mail_outbox SET lease_until = ?1, attempts = attempts + 1 WHERE id IN "
                   "(SELECT id FROM mail_outbox WHERE status = 'queued' AND next_at <= ?2 AND "
                   "lease_until <= ?2 ORDER BY next_at, id LIMIT ?3) "
                   "RETURNING id, attempts, rcpt, message");
    if (!st || !db_bind_int64(st, 1, now + LEASE_MS) || !db_bind_int64(st, 2, now) ||
        !db_bind_int64(st, 3, BATCH)) {
        db_rollback(d);
        return -1;
    }
    int n = 0, rc;
    while (n < BATCH && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        out[n].id = sqlite3_column_int64(st, 0);
        out[n].attempts = sqlite3_column_int(st, 1);
        out[n].rcpt = strdup(db_col_text(st, 2));
        out[n].message = strdup(db_col_text(st, 3));
        n++;
    }
    sqlite3_reset(st);
    if (!db_commit(d)) {
        db_rollback(d);
        for (int i = 0; i < n; i++) {
            free(out[i].rcpt);
            free(out[i].message);
        }
        return -1;
    }
    return n;
}

/* A sent message's text (links, names) is not kept: the row stays only
 * for the admin's counts. */
static bool record(struct db *d, const struct claimed *m, enum outcome oc, const char *why,
                   const struct mail_pass_opts *o, int64_t now)
{
    if (!db_begin(d))
        return false;
    sqlite3_stmt *st;
    if (oc == SENT) {
        st = db_stmt(d, "UPDATE mail_outbox SET status = 'sent', message = '', last_error = '', "
                        "done_at = ?1, lease_until = 0 WHERE id = ?2");
    } else if (oc == FAILED || m->attempts >= o->max_attempts) {
        st = db_stmt(d, "UPDATE mail_outbox SET status = 'failed', message = '', "
                        "last_error = ?3, done_at = ?1, lease_until = 0 WHERE id = ?2");
    } else {
        st = db_stmt(d, "UPDATE mail_outbox SET last_error = ?3, next_at = ?1 + ?4, "
                        "lease_until = 0 WHERE id = ?2");
    }
    bool ok = st && db_bind_int64(st, 1, now) && db_bind_int64(st, 2, m->id);
    if (ok && oc != SENT)
        ok = db_bind_text(st, 3, why);
    if (ok && oc == RETRY && m->attempts < o->max_attempts)
        ok = db_bind_int64(st, 4, mail_backoff_ms(o->retry_base_ms, m->attempts));
    ok = ok && db_step_done(d, st);
    if (!ok || !db_commit(d)) {
        db_rollback(d);
        return false;
    }
    return true;
}

bool mail_pass_run(struct db *d, const struct mail_pass_opts *o, struct mail_pass_stats *st,
                   char *err, size_t errsz)
{
    memset(st, 0, sizeof *st);
    int64_t now = now_ms();
    char origin[512];
    public_origin(origin, sizeof origin);
    int q = digest_queue_due(d, now, origin);
    if (q < 0) {
        snprintf(err, errsz, "could not queue digests");
        return false;
    }
    st->digests = q;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errsz, "curl_easy_init failed");
        return false;
    }
    struct claimed batch[BATCH];
    bool ok = true;
    /* Until nothing is due: a long queue drains in one pass. A message
     * that fails goes to the back (its next_at moves on). */
    for (int rounds = 0; ok && rounds < 50; rounds++) {
        int n = claim(d, now_ms(), batch);
        if (n < 0) {
            snprintf(err, errsz, "could not claim mail");
            ok = false;
            break;
        }
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            char why[128] = "";
            enum outcome oc =
                batch[i].rcpt && batch[i].message
                    ? smtp_send(c, o, batch[i].rcpt, batch[i].message, why, sizeof why)
                    : RETRY;
            if (oc == RETRY && batch[i].attempts >= o->max_attempts)
                oc = FAILED;
            if (oc == SENT)
                st->sent++;
            else if (oc == RETRY)
                st->retry++;
            else
                st->failed++;
            if (oc != SENT)
                log_event("warn", oc == RETRY ? "mail_retry" : "mail_failed", why);
            if (!record(d, &batch[i], oc, why, o, now_ms()))
                ok = false;
            free(batch[i].rcpt);
            free(batch[i].message);
        }
    }
    curl_easy_cleanup(c);
    if (ok && db_begin(d)) {
        sqlite3_stmt *s = db_stmt(d, "DELETE FROM mail_outbox WHERE status <> 'queued' AND "
                                     "done_at < ?");
        if (s && db_bind_int64(s, 1, now - KEEP_MS) && db_step_done(d, s))
            db_commit(d);
        else
            db_rollback(d);
    }
    return ok;
}
