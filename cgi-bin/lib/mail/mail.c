/* mail.c — composing and queueing email (mail.h): the localised texts,
 * RFC 5322 headers with RFC 2047 encoded words, a multipart/alternative
 * body in base64, and the unsubscribe token. */
#include "mail/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "security/secret.h"

bool mail_configured(void)
{
    const char *url = getenv("SMTP_URL");
    char from[256];
    return url && (strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0) &&
           mail_from_address(from, sizeof from);
}

bool mail_from_address(char *out, size_t outsz)
{
    const char *from = getenv("MAIL_FROM");
    if (!from || !*from || strpbrk(from, "\r\n"))
        return false;
    const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    const char *a = lt ? lt + 1 : from;
    size_t n = lt ? (gt ? (size_t)(gt - a) : 0) : strlen(from);
    if (n == 0 || n >= outsz)
        return false;
    memcpy(out, a, n);
    out[n] = '\0';
    const char *at = strchr(out, '@');
    return at && at != out && at[1] && !strpbrk(out, " <>\"");
}

const char *mail_locale(const char *locale)
{
    if (locale && (strcmp(locale, "fr") == 0 || strcmp(locale, "he") == 0))
        return locale;
    return "en";
}

/* ---------- texts ---------- */

static const struct {
    const char *key, *en, *fr, *he;
} texts[] = {
    {"reset.subject", "Your carelog sign-in link", "Votre lien de connexion carelog",
     "קישור הכניסה שלך ל־carelog"},
    {"reset.body",
     "Someone, hopefully you, asked for a way back into your carelog account.\n\n"
     "This link lets you choose a new password and signs you in; it also signs you out on "
     "every other device. It works once, within an hour:\n\n{url}\n\n"
     "If you did not ask for it, ignore this email: nothing changes.",
     "Quelqu'un, sans doute vous, a demandé à retrouver l'accès à votre compte carelog.\n\n"
     "Ce lien vous permet de choisir un nouveau mot de passe et vous connecte ; il vous "
     "déconnecte aussi de tous vos autres appareils. Il sert une fois, pendant une heure :\n\n"
     "{url}\n\nSi vous n'avez rien demandé, ignorez ce message : rien ne change.",
     "מישהו, כנראה את/ה, ביקש לחזור לחשבון carelog שלך.\n\n"
     "הקישור הזה מאפשר לבחור סיסמה חדשה ומכניס אותך לחשבון; הוא גם מנתק אותך מכל שאר "
     "המכשירים. הוא פועל פעם אחת, במשך שעה:\n\n{url}\n\n"
     "אם לא ביקשת, אפשר להתעלם מההודעה: שום דבר לא ישתנה."},
    {"invite.subject", "{inviter} invites you to {family} on carelog",
     "{inviter} vous invite à rejoindre {family} sur carelog",
     "{inviter} מזמין/ה אותך אל {family} ב־carelog"},
    {"invite.body",
     "{inviter} invites you to follow {family}'s care log on carelog, as {role}.\n\n"
     "Open this link to join:\n\n{url}\n\nIf you do not know {inviter}, ignore this email.",
     "{inviter} vous invite à suivre le journal de soins de {family} sur carelog, en tant que "
     "{role}.\n\nOuvrez ce lien pour rejoindre :\n\n{url}\n\n"
     "Si vous ne connaissez pas {inviter}, ignorez ce message.",
     "{inviter} מזמין/ה אותך לעקוב אחר יומן הטיפול של {family} ב־carelog, בתפקיד {role}.\n\n"
     "פתחו את הקישור כדי להצטרף:\n\n{url}\n\n"
     "אם אינך מכיר/ה את {inviter}, אפשר להתעלם מההודעה."},
    {"role.owner", "owner", "propriétaire", "בעלים"},
    {"role.caregiver", "caregiver", "aidant", "מטפל/ת"},
    {"role.viewer", "viewer", "lecteur", "צופה"},
    {"digest.subject.daily", "Your carelog daily digest", "Votre résumé quotidien carelog",
     "הסיכום היומי שלך מ־carelog"},
    {"digest.subject.weekly", "Your carelog weekly digest", "Votre résumé hebdomadaire carelog",
     "הסיכום השבועי שלך מ־carelog"},
    {"digest.since", "Logged since {since}", "Noté depuis le {since}", "נרשם מאז {since}"},
    {"digest.nothing", "Nothing was logged.", "Rien n'a été noté.", "לא נרשם דבר."},
    {"digest.missed", "Missed doses (a daily reminder with no medication logged after it)",
     "Doses manquées (un rappel quotidien sans médicament noté après)",
     "מנות שהוחמצו (תזכורת יומית שלא נרשמה אחריה תרופה)"},
    {"digest.coming", "Coming up", "À venir", "בקרוב"},
    {"digest.footer",
     "You get this because you chose a {period} digest in carelog. To stop it: {url}",
     "Vous recevez ce message car vous avez choisi un résumé {period} dans carelog. Pour "
     "l'arrêter : {url}",
     "קיבלת הודעה זו כי בחרת בסיכום {period} ב־carelog. להפסקה: {url}"},
    {"digest.period.daily", "daily", "quotidien", "יומי"},
    {"digest.period.weekly", "weekly", "hebdomadaire", "שבועי"},
    {"type.feed", "Feed", "Repas", "האכלה"},
    {"type.diaper", "Diaper", "Couche", "חיתול"},
    {"type.sleep", "Sleep", "Sommeil", "שינה"},
    {"type.pump", "Pump", "Tire-lait", "שאיבה"},
    {"type.growth", "Growth", "Croissance", "גדילה"},
    {"type.temperature", "Temperature", "Température", "חום"},
    {"type.medication", "Medication", "Médicament", "תרופה"},
    {"type.symptom", "Symptom", "Symptôme", "תסמין"},
    {"type.vitals", "Vitals", "Constantes", "מדדים"},
    {"type.tummy_time", "Tummy time", "Temps sur le ventre", "זמן בטן"},
    {"type.note", "Note", "Note", "הערה"},
};

const char *mail_text(const char *locale, const char *key)
{
    const char *l = mail_locale(locale);
    for (size_t i = 0; i < ARRAY_LEN(texts); i++)
        if (strcmp(texts[i].key, key) == 0)
            return strcmp(l, "fr") == 0   ? texts[i].fr
                   : strcmp(l, "he") == 0 ? texts[i].he
                                          : texts[i].en;
    return "";
}

/* ---------- templates ---------- */

bool mail_html_escape(struct buf *out, const char *s)
{
    for (const char *p = s; *p; p++) {
        const char *e = *p == '&'   ? "&amp;"
                        : *p == '<' ? "&lt;"
                        : *p == '>' ? "&gt;"
                        : *p == '"' ? "&quot;"
                                    : NULL;
        if (!(e ? buf_puts(out, e) : buf_append(out, p, 1)))
            return false;
    }
    return true;
}

/* A key written "!name" in `kv` is HTML already (a link): put in as it is. */
bool mail_fill(struct buf *out, const char *tmpl, const char *const *kv, bool html)
{
    for (const char *p = tmpl; *p;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        bool done = false;
        for (size_t i = 0; end && kv[i] && kv[i + 1] && !done; i += 2) {
            const char *k = kv[i][0] == '!' ? kv[i] + 1 : kv[i];
            size_t kl = strlen(k);
            if ((size_t)(end - p - 1) != kl || memcmp(p + 1, k, kl) != 0)
                continue;
            bool raw = kv[i][0] == '!' || !html;
            if (!(raw ? buf_puts(out, kv[i + 1]) : mail_html_escape(out, kv[i + 1])))
                return false;
            p = end + 1;
            done = true;
        }
        if (!done) {
            if (!buf_append(out, p, 1))
                return false;
            p++;
        }
    }
    return !out->oom;
}

/* Plain text made of paragraphs (blank lines) and lines, as HTML. */
static bool paragraphs_html(struct buf *out, const char *filled)
{
    if (!buf_puts(out, "<p>"))
        return false;
    for (const char *p = filled; *p; p++) {
        bool ok = p[0] == '\n' && p[1] == '\n' ? (p++, buf_puts(out, "</p>\r\n<p>"))
                  : p[0] == '\n'               ? buf_puts(out, "<br>\r\n")
                                               : buf_append(out, p, 1);
        if (!ok)
            return false;
    }
    return buf_puts(out, "</p>");
}

/* ---------- the message ---------- */

/* An unstructured header's text (Subject) as RFC 2047 encoded words when it
 * is not plain ASCII, each word whole UTF-8 characters, folded lines. */
static bool header_text(struct buf *out, const char *name, const char *value)
{
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            ascii = false;
    if (ascii)
        return buf_printf(out, "%s: %s\r\n", name, value);
    if (!buf_printf(out, "%s:", name))
        return false;
    const unsigned char *p = (const unsigned char *)value;
    size_t left = strlen(value);
    while (left > 0) {
        size_t n = left < 39 ? left : 39;         /* 52 base64 characters: lines stay under 78 */
        while (n < left && (p[n] & 0xc0) == 0x80) /* never split a character */
            n--;
        char b64[64];
        sodium_bin2base64(b64, sizeof b64, p, n, sodium_base64_VARIANT_ORIGINAL);
        if (!buf_printf(out, " =?UTF-8?B?%s?=\r\n", b64))
            return false;
        p += n;
        left -= n;
    }
    return true;
}

static bool base64_lines(struct buf *out, const char *data)
{
    size_t len = strlen(data);
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (!b64)
        return false;
    sodium_bin2base64(b64, b64len, (const unsigned char *)data, len,
                      sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(b64);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i += 76)
        ok = buf_append(out, b64 + i, n - i < 76 ? n - i : 76) && buf_puts(out, "\r\n");
    free(b64);
    return ok;
}

bool mail_compose(const struct mail_parts *m, int64_t now, struct buf *out)
{
    char from_addr[256];
    const char *from = getenv("MAIL_FROM");
    if (!mail_from_address(from_addr, sizeof from_addr) || strpbrk(m->to, "\r\n<>,") ||
        (m->list_unsubscribe && strpbrk(m->list_unsubscribe, "\r\n<>")))
        return false;
    const char *domain = strchr(from_addr, '@') + 1;
    unsigned char rnd[16];
    char id[33], boundary[40], date[64];
    randombytes_buf(rnd, sizeof rnd);
    hex_encode(rnd, sizeof rnd, id);
    snprintf(boundary, sizeof boundary, "=_carelog_%.16s", id + 16);
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
        return false;
    const char *lang = mail_locale(m->locale);
    bool rtl = strcmp(lang, "he") == 0;

    bool ok = buf_printf(out, "Date: %s\r\n", date) &&
              buf_printf(out, "From: %s\r\n", strchr(from, '<') ? from : from_addr) &&
              buf_printf(out, "To: <%s>\r\n", m->to) && header_text(out, "Subject", m->subject) &&
              buf_printf(out, "Message-ID: <%.16s.%lld@%s>\r\n", id, (long long)now, domain) &&
              buf_puts(out, "MIME-Version: 1.0\r\n") &&
              buf_printf(out, "Content-Language: %s\r\n", lang) &&
              buf_puts(out, "Auto-Submitted: auto-generated\r\n");
    /* RFC 2369 and RFC 8058: mail programs offer "unsubscribe" and may do it
     * with one POST, no page in between. */
    if (ok && m->list_unsubscribe)
        ok = buf_printf(out, "List-Unsubscribe: <%s>\r\n", m->list_unsubscribe) &&
             buf_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    ok =
        ok &&
        buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary) &&
        buf_printf(out,
                   "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n",
                   boundary) &&
        base64_lines(out, m->text) &&
        buf_printf(out,
                   "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n",
                   boundary);
    if (!ok)
        return false;
    struct buf page;
    buf_init(&page, 1 << 20);
    ok = buf_printf(&page,
                    "<!doctype html><html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
                    "<title>",
                    lang, rtl ? "rtl" : "ltr") &&
         mail_html_escape(&page, m->subject) &&
         buf_puts(&page, "</title></head><body style=\"font-family:sans-serif;line-height:1.5;"
                         "max-width:40em\">") &&
         buf_puts(&page, m->html) && buf_puts(&page, "</body></html>\r\n") && page.p &&
         base64_lines(out, page.p) && buf_printf(out, "--%s--\r\n", boundary);
    buf_free(&page);
    return ok && !out->oom;
}

bool mail_queue(struct db *d, const char *kind, const char *user_id, const char *rcpt,
                const struct buf *message)
{
    int64_t now = now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO mail_outbox (kind, user_id, rcpt, message, "
                                  "next_at, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    return st && message->p && db_bind_text(st, 1, kind) && db_bind_text(st, 2, user_id) &&
           db_bind_text(st, 3, rcpt) && db_bind_text(st, 4, message->p) &&
           db_bind_int64(st, 5, now) && db_bind_int64(st, 6, now) && db_step_done(d, st);
}

/* One of the link messages: a text with {url} and a button to the link. */
static bool queue_link_mail(struct db *d, const char *kind, const char *user_id, const char *to,
                            const char *locale, const char *subject_key, const char *body_key,
                            const char *const *kv, size_t nkv, const char *url)
{
    const char *all[16], *html_kv[16];
    if (nkv + 3 > ARRAY_LEN(all))
        return false;
    struct buf anchor, subject, text, filled, html, msg;
    buf_init(&anchor, 8192);
    buf_init(&subject, 4096);
    buf_init(&text, 1 << 16);
    buf_init(&filled, 1 << 16);
    buf_init(&html, 1 << 17);
    buf_init(&msg, 1 << 20);
    bool ok = buf_puts(&anchor, "<a href=\"") && mail_html_escape(&anchor, url) &&
              buf_puts(&anchor, "\">") && mail_html_escape(&anchor, url) &&
              buf_puts(&anchor, "</a>");
    for (size_t i = 0; i < nkv; i++)
        all[i] = html_kv[i] = kv[i];
    all[nkv] = "url";
    all[nkv + 1] = url;
    all[nkv + 2] = NULL;
    html_kv[nkv] = "!url";
    html_kv[nkv + 1] = anchor.p ? anchor.p : "";
    html_kv[nkv + 2] = NULL;
    ok = ok && mail_fill(&subject, mail_text(locale, subject_key), all, false) &&
         mail_fill(&text, mail_text(locale, body_key), all, false) &&
         mail_fill(&filled, mail_text(locale, body_key), html_kv, true) && filled.p &&
         paragraphs_html(&html, filled.p) && subject.p && text.p && html.p;
    if (ok) {
        struct mail_parts m = {.to = to,
                               .locale = locale,
                               .subject = subject.p,
                               .text = text.p,
                               .html = html.p,
                               .list_unsubscribe = NULL};
        ok = mail_compose(&m, now_ms(), &msg) && mail_queue(d, kind, user_id, to, &msg);
    }
    buf_free(&anchor);
    buf_free(&subject);
    buf_free(&text);
    buf_free(&filled);
    buf_free(&html);
    buf_free(&msg);
    return ok;
}

bool mail_queue_reset(struct db *d, const char *user_id, const char *to, const char *locale,
                      const char *url)
{
    return queue_link_mail(d, "reset", user_id, to, locale, "reset.subject", "reset.body", NULL, 0,
                           url);
}

bool mail_queue_invite(struct db *d, const char *to, const char *locale, const char *inviter,
                       const char *family, const char *role, const char *url)
{
    char role_key[32];
    snprintf(role_key, sizeof role_key, "role.%s", role);
    const char *kv[] = {"inviter", inviter, "family", family, "role", mail_text(locale, role_key)};
    return queue_link_mail(d, "invite", NULL, to, locale, "invite.subject", "invite.body", kv,
                           ARRAY_LEN(kv), url);
}

/* ---------- unsubscribing from digests ---------- */

static void unsubscribe_mac(const char *user_id, char out[33])
{
    char h[HASH_HEX_LEN + 1];
    keyed_hash("unsubscribe", user_id, h);
    snprintf(out, 33, "%.32s", h);
}

void unsubscribe_token(const char *user_id, char out[UNSUBSCRIBE_TOKEN_LEN + 1])
{
    char mac[33];
    unsubscribe_mac(user_id, mac);
    snprintf(out, UNSUBSCRIBE_TOKEN_LEN + 1, "%.36s.%s", user_id, mac);
}

bool unsubscribe_check(const char *token, char user_id[37])
{
    if (strlen(token) != 36 + 1 + 32 || token[36] != '.')
        return false;
    snprintf(user_id, 37, "%.36s", token);
    if (!uuid_is_valid(user_id))
        return false;
    char mac[33];
    unsubscribe_mac(user_id, mac);
    return secret_equals(token + 37, mac);
}
