/* mail.h — email from a home server, without a third party in the request:
 * messages are composed (plain text plus simple HTML, in the reader's
 * language, with Date, Message-ID and, for digests, List-Unsubscribe) and
 * queued in the mail_outbox table inside the request's transaction; the
 * cron-run sender (carelog-push --once, mail/mailsend.h) delivers them over
 * SMTP. Nothing here talks to the network, and nothing here logs an address
 * or a text.
 *
 * Configured by the environment: SMTP_URL (smtp:// or smtps://) and
 * MAIL_FROM ("carelog <care@example.org>" or a bare address). Without both,
 * mail_configured() is false and the routes that would send say so. */
#ifndef CARELOG_MAIL_H
#define CARELOG_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/db.h"
#include "util/util.h"

bool mail_configured(void);

/* The envelope sender: MAIL_FROM's address (what is inside <...>, or all
 * of it). False when MAIL_FROM is unset or not an address. */
bool mail_from_address(char *out, size_t outsz);

/* The languages mail is written in (the app's); anything else is "en". */
const char *mail_locale(const char *locale);

struct mail_parts {
    const char *to;               /* the recipient's address */
    const char *locale;           /* "en", "fr" or "he" (right to left) */
    const char *subject;          /* UTF-8 text */
    const char *text;             /* the plain text body, UTF-8, \n line ends */
    const char *html;             /* the HTML body's inside, UTF-8, already escaped */
    const char *list_unsubscribe; /* an absolute URL for List-Unsubscribe, or NULL */
};

/* An RFC 5322 message: CRLF line ends, headers encoded (RFC 2047), a
 * multipart/alternative body in base64. False when `out` overflowed or
 * MAIL_FROM is unusable. */
bool mail_compose(const struct mail_parts *m, int64_t now_ms, struct buf *out);

/* Queues a composed message (inside the caller's transaction). `user_id`
 * may be NULL (an invite to someone without an account). */
bool mail_queue(struct db *d, const char *kind, const char *user_id, const char *rcpt,
                const struct buf *message);

/* Fills a template: each {key} in `tmpl` becomes its value from `kv` (key,
 * value, ..., NULL), HTML-escaped when `html`. Unknown keys stay as they are. */
bool mail_fill(struct buf *out, const char *tmpl, const char *const *kv, bool html);
/* Appends `s` HTML-escaped. */
bool mail_html_escape(struct buf *out, const char *s);

/* A localised text by key ("reset.subject"), in `locale` ("en" when the
 * key has no translation). Never NULL: an unknown key gives "". */
const char *mail_text(const char *locale, const char *key);

/* The three messages requests queue. Each composes in `locale` and queues;
 * `url` is absolute. */
bool mail_queue_reset(struct db *d, const char *user_id, const char *to, const char *locale,
                      const char *url);
bool mail_queue_invite(struct db *d, const char *to, const char *locale, const char *inviter,
                       const char *family, const char *role, const char *url);

/* The token of a digest's unsubscribe link: the account id and a MAC of it
 * under the server key, so it needs no storage and cannot be made up.
 * 36 + 1 + 32 characters. */
#define UNSUBSCRIBE_TOKEN_LEN 69
void unsubscribe_token(const char *user_id, char out[UNSUBSCRIBE_TOKEN_LEN + 1]);
/* The account an unsubscribe token names, or false. */
bool unsubscribe_check(const char *token, char user_id[37]);

#endif
