/* digest.c — composing and queueing the family digests that are due
 * (digest.h). Figures come straight from the tables the app syncs. */
#include "mail/digest.h"

#include "framework/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/tz.h"
#include "framework/log.h"
#include "mail/mail.h"
#include "util/util.h"

#define DAY_MS  (86400 * 1000LL)
#define WEEK_MS (7 * DAY_MS)
/* Cron runs every minute, a little late at times: a digest due within
 * five minutes goes now, so a daily one does not creep later each day. */
#define SLACK_MS  (5 * 60 * 1000LL)
#define MAX_USERS 200

struct recipient {
    char id[37], email[256], locale[8], period[8];
    int64_t last_at;
};

/* "2026-06-01 07:30" in the family's zone. */
static void local_time(const char *zone, int64_t ms, char out[24])
{
    const struct tz *z = tz_get(zone);
    struct civil c = {0};
    if (z)
        tz_to_civil(z, ms, &c);
    snprintf(out, 24, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute);
}

/* Appends to the text and the HTML at once. */
struct two {
    struct buf *text, *html;
};

static bool both_text(struct two *o, const char *text_before, const char *s, const char *html_tag)
{
    return buf_puts(o->text, text_before) && buf_puts(o->text, s) && buf_puts(o->text, "\n") &&
           buf_printf(o->html, "<%s>", html_tag) && mail_html_escape(o->html, s) &&
           buf_printf(o->html, "</%s>\r\n", html_tag);
}

/* What was logged per person: "Noa: Feed 8, Diaper 6". */
static bool family_counts(struct db *d, const char *fid, const char *visible, const char *locale,
                          int64_t since, int64_t now, struct two *o, bool *any)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT s.id, s.name, e.type, count(*) FROM entries e JOIN subjects s "
                   "ON s.id = e.subject_id WHERE e.family_id = ? AND e.deleted = 0 AND "
                   "e.ts >= ? AND e.ts < ? AND " ACCESS_SUBJECT_IN(
                       "s.id", 9) " "
                                  "GROUP BY s.id, e.type ORDER BY s.name, s.id, e.type");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, since) ||
        !db_bind_int64(st, 3, now) || !db_bind_text(st, 9, visible))
        return false;
    char current[37] = "";
    struct buf line;
    buf_init(&line, 4096);
    bool ok = true, open = false;
    int rc;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sid = db_col_text(st, 0);
        if (strcmp(sid, current) != 0) {
            if (open)
                ok = both_text(o, "  ", line.p ? line.p : "", "li");
            buf_reset(&line);
            snprintf(current, sizeof current, "%s", sid);
            ok = ok && buf_printf(&line, "%s:", db_col_text(st, 1));
            open = true;
        } else {
            ok = buf_puts(&line, ",");
        }
        char key[48];
        snprintf(key, sizeof key, "type.%s", db_col_text(st, 2));
        ok = ok && buf_printf(&line, " %s %d", mail_text(locale, key), sqlite3_column_int(st, 3));
        *any = true;
    }
    if (ok && open)
        ok = both_text(o, "  ", line.p ? line.p : "", "li");
    sqlite3_reset(st);
    buf_free(&line);
    return ok;
}

/* Daily reminders that came due in the period with no medication logged
 * for the person from half an hour before on (when the dose was given a
 * little early, it still counts). */
static bool family_missed(struct db *d, const char *fid, const char *visible, const char *zone,
                          const char *locale, int64_t since, int64_t now, struct two *o)
{
    sqlite3_stmt *st = db_stmt(
        d, "SELECT r.label, s.name, r.last_due FROM reminders r JOIN subjects s "
           "ON s.id = r.subject_id WHERE r.family_id = ?1 AND r.kind = 'daily' AND r.enabled = 1 "
           "AND r.last_due >= ?2 AND r.last_due < ?3 AND NOT EXISTS (SELECT 1 FROM entries e "
           "WHERE e.subject_id = r.subject_id AND e.type = 'medication' AND e.deleted = 0 AND "
           "e.ts >= r.last_due - 1800000) AND " ACCESS_SUBJECT_IN(
               "s.id", 9) " "
                          "ORDER BY r.last_due LIMIT 20");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, since) ||
        !db_bind_int64(st, 3, now) || !db_bind_text(st, 9, visible))
        return false;
    bool ok = true, first = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (first)
            ok = both_text(o, "\n", mail_text(locale, "digest.missed"), "h3") &&
                 buf_puts(o->html, "<ul>");
        first = false;
        char when[24], line[512];
        local_time(zone, sqlite3_column_int64(st, 2), when);
        snprintf(line, sizeof line, "%s (%s), %s", db_col_text(st, 0), db_col_text(st, 1), when);
        ok = ok && both_text(o, "  ", line, "li");
    }
    sqlite3_reset(st);
    return ok && (first || buf_puts(o->html, "</ul>"));
}

/* One-off reminders (appointments) in the coming week. */
static bool family_coming(struct db *d, const char *fid, const char *visible, const char *zone,
                          const char *locale, int64_t now, struct two *o)
{
    sqlite3_stmt *st = db_stmt(
        d, "SELECT r.label, s.name, r.at FROM reminders r JOIN subjects s ON s.id = r.subject_id "
           "WHERE r.family_id = ?1 AND r.kind = 'once' AND r.enabled = 1 AND r.at >= ?2 AND "
           "r.at < ?2 + 604800000 AND " ACCESS_SUBJECT_IN("s.id", 9) " ORDER BY r.at LIMIT 20");
    if (!st || !db_bind_text(st, 1, fid) || !db_bind_int64(st, 2, now) ||
        !db_bind_text(st, 9, visible))
        return false;
    bool ok = true, first = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (first)
            ok = both_text(o, "\n", mail_text(locale, "digest.coming"), "h3") &&
                 buf_puts(o->html, "<ul>");
        first = false;
        char when[24], line[512];
        local_time(zone, sqlite3_column_int64(st, 2), when);
        snprintf(line, sizeof line, "%s, %s (%s)", when, db_col_text(st, 0), db_col_text(st, 1));
        ok = ok && both_text(o, "  ", line, "li");
    }
    sqlite3_reset(st);
    return ok && (first || buf_puts(o->html, "</ul>"));
}

static bool compose_body(struct db *d, const struct recipient *u, int64_t now, struct two *o)
{
    /* Each family as the member sees it: only the people they may see. */
    sqlite3_stmt *st = db_stmt(d, "SELECT f.id, f.name, f.timezone, m.subject_ids "
                                  "FROM members m JOIN families f "
                                  "ON f.id = m.family_id WHERE m.user_id = ? AND m.removed_at IS "
                                  "NULL AND f.archived_at IS NULL ORDER BY f.name, f.id");
    if (!st || !db_bind_text(st, 1, u->id))
        return false;
    struct fam {
        char id[37], name[256], zone[64];
        char *visible; /* NULL: everyone */
    } *fams = calloc(32, sizeof *fams);
    bool ok = fams != NULL;
    int n = 0;
    while (fams && n < 32 && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(fams[n].id, sizeof fams[n].id, "%s", db_col_text(st, 0));
        snprintf(fams[n].name, sizeof fams[n].name, "%s", db_col_text(st, 1));
        snprintf(fams[n].zone, sizeof fams[n].zone, "%s", db_col_text(st, 2));
        if (sqlite3_column_type(st, 3) != SQLITE_NULL &&
            !(fams[n].visible = strdup(db_col_text(st, 3))))
            ok = false;
        n++;
    }
    sqlite3_reset(st);
    for (int i = 0; ok && i < n; i++) {
        char since[24], line[128];
        local_time(fams[i].zone, u->last_at, since);
        const char *kv[] = {"since", since, NULL};
        struct buf intro;
        buf_init(&intro, 1024);
        bool any = false;
        ok = both_text(o, i ? "\n" : "", fams[i].name, "h2") &&
             mail_fill(&intro, mail_text(u->locale, "digest.since"), kv, false) && intro.p &&
             snprintf(line, sizeof line, "%s:", intro.p) > 0 && both_text(o, "", line, "p") &&
             buf_puts(o->html, "<ul>") &&
             family_counts(d, fams[i].id, fams[i].visible, u->locale, u->last_at, now, o, &any) &&
             (any || both_text(o, "  ", mail_text(u->locale, "digest.nothing"), "li")) &&
             buf_puts(o->html, "</ul>") &&
             family_missed(d, fams[i].id, fams[i].visible, fams[i].zone, u->locale, u->last_at, now,
                           o) &&
             family_coming(d, fams[i].id, fams[i].visible, fams[i].zone, u->locale, now, o);
        buf_free(&intro);
    }
    for (int i = 0; fams && i < n; i++)
        free(fams[i].visible);
    free(fams);
    return ok;
}

static bool queue_one(struct db *d, const struct recipient *u, int64_t now, const char *origin)
{
    char token[UNSUBSCRIBE_TOKEN_LEN + 1], url[700], period_key[32], subject_key[40];
    unsubscribe_token(u->id, token);
    snprintf(url, sizeof url, "%s/unsubscribe/%s", origin, token);
    snprintf(period_key, sizeof period_key, "digest.period.%s", u->period);
    snprintf(subject_key, sizeof subject_key, "digest.subject.%s", u->period);
    struct buf text, html, footer, msg;
    buf_init(&text, 1 << 20);
    buf_init(&html, 1 << 20);
    buf_init(&footer, 4096);
    buf_init(&msg, 4 << 20);
    struct two o = {&text, &html};
    const char *kv[] = {"period", mail_text(u->locale, period_key), "url", url, NULL};
    bool ok = compose_body(d, u, now, &o) &&
              mail_fill(&footer, mail_text(u->locale, "digest.footer"), kv, false) && footer.p &&
              buf_printf(&text, "\n-- \n%s\n", footer.p) &&
              buf_puts(&html, "<hr><p style=\"color:#666;font-size:small\">") &&
              mail_html_escape(&html, footer.p) && buf_puts(&html, "</p>") && text.p && html.p;
    if (ok) {
        struct mail_parts m = {.to = u->email,
                               .locale = u->locale,
                               .subject = mail_text(u->locale, subject_key),
                               .text = text.p,
                               .html = html.p,
                               .list_unsubscribe = url};
        ok = mail_compose(&m, now, &msg) && mail_queue(d, "digest", u->id, u->email, &msg);
    }
    sqlite3_stmt *st = db_stmt(d, "UPDATE users SET digest_last_at = ? WHERE id = ?");
    ok = ok && st && db_bind_int64(st, 1, now) && db_bind_text(st, 2, u->id) && db_step_done(d, st);
    buf_free(&text);
    buf_free(&html);
    buf_free(&footer);
    buf_free(&msg);
    return ok;
}

int digest_queue_due(struct db *d, int64_t now, const char *origin)
{
    sqlite3_stmt *st =
        db_stmt(d, "SELECT id, email, locale, digest, digest_last_at FROM users "
                   "WHERE digest <> 'off' AND digest_last_at IS NOT NULL AND digest_last_at <= "
                   "?1 + ?2 - CASE digest WHEN 'daily' THEN ?3 ELSE ?4 END LIMIT ?5");
    if (!st || !db_bind_int64(st, 1, now) || !db_bind_int64(st, 2, SLACK_MS) ||
        !db_bind_int64(st, 3, DAY_MS) || !db_bind_int64(st, 4, WEEK_MS) ||
        !db_bind_int64(st, 5, MAX_USERS))
        return -1;
    struct recipient *us = calloc(MAX_USERS, sizeof *us);
    int n = 0;
    while (us && n < MAX_USERS && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(us[n].id, sizeof us[n].id, "%s", db_col_text(st, 0));
        snprintf(us[n].email, sizeof us[n].email, "%s", db_col_text(st, 1));
        snprintf(us[n].locale, sizeof us[n].locale, "%s", mail_locale(db_col_text(st, 2)));
        snprintf(us[n].period, sizeof us[n].period, "%s", db_col_text(st, 3));
        us[n].last_at = sqlite3_column_int64(st, 4);
        n++;
    }
    sqlite3_reset(st);
    if (!us)
        return -1;
    int queued = 0;
    for (int i = 0; i < n; i++) {
        if (!db_begin(d)) {
            free(us);
            return -1;
        }
        /* One account's digest failing (a text that will not compose) must
         * not hold back the others. */
        if (queue_one(d, &us[i], now, origin) && db_commit(d)) {
            queued++;
        } else {
            db_rollback(d);
            log_event("warn", "digest_not_queued", "");
        }
    }
    free(us);
    return queued;
}
