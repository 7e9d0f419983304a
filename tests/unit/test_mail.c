/* test_mail.c — composing mail: templates and HTML escaping, the message's
 * headers (RFC 2047 subjects split only between whole UTF-8 characters,
 * folded; Date; Message-ID; List-Unsubscribe), base64 lines of at most 76
 * characters, refusing header injection, the unsubscribe token and the
 * retry backoff. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tap.h"
#include "framework/valid.h"
#include "mail/mail.h"
#include "mail/mailsend.h"
#include "security/secret.h"

static bool every_line_short(const char *s)
{
    for (const char *p = s; *p;) {
        const char *e = strstr(p, "\r\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 78)
            return false;
        p += n + (e ? 2 : 0);
    }
    return true;
}

int main(void)
{
    char dir[] = "/tmp/carelog-mail-test.XXXXXX", err[128];
    if (sodium_init() < 0 || !mkdtemp(dir) || !secret_init(dir, err, sizeof err))
        return 1;
    setenv("MAIL_FROM", "carelog <care@example.org>", 1);
    unsetenv("SMTP_URL");
    ok(!mail_configured(), "no SMTP_URL: mail is not configured");
    setenv("SMTP_URL", "http://example.org", 1);
    ok(!mail_configured(), "only smtp:// or smtps:// URLs");
    setenv("SMTP_URL", "smtps://mail.example.org", 1);
    ok(mail_configured(), "smtps:// and MAIL_FROM: configured");
    char from[64];
    ok(mail_from_address(from, sizeof from) && strcmp(from, "care@example.org") == 0,
       "the envelope sender is the address inside <>");
    is_str(mail_locale("de"), "en", "an unknown language falls back to English");
    is_str(mail_text("fr", "type.feed"), "Repas", "texts in the reader's language");
    is_str(mail_text("fr", "no.such.key"), "", "an unknown text is empty");

    struct buf b;
    buf_init(&b, 4096);
    const char *kv[] = {"name", "<Ana & Bo>", "!link", "<a href=\"x\">x</a>", NULL};
    mail_fill(&b, "Hi {name}, {link} {other}", kv, true);
    is_str(b.p, "Hi &lt;Ana &amp; Bo&gt;, <a href=\"x\">x</a> {other}",
           "HTML templates escape values, keep !raw ones and unknown keys");
    buf_reset(&b);
    mail_fill(&b, "Hi {name}", kv, false);
    is_str(b.p, "Hi <Ana & Bo>", "text templates take values as they are");

    const char *subject = "קישור הכניסה שלך ל־carelog — סיכום שבועי ארוך מאוד מאוד מאוד";
    struct mail_parts m = {.to = "mum@example.com",
                           .locale = "he",
                           .subject = subject,
                           .text = "line one\nline two",
                           .html = "<p>hello</p>",
                           .list_unsubscribe = "https://care.example/unsubscribe/x"};
    buf_reset(&b);
    ok(mail_compose(&m, 1780000000000LL, &b), "a message is composed");
    ok(strstr(b.p, "Date: Thu, 28 May 2026 20:26:40 +0000\r\n") != NULL, "Date in RFC 5322 form");
    ok(strstr(b.p, "From: carelog <care@example.org>\r\n") != NULL, "From is MAIL_FROM");
    ok(strstr(b.p, "@example.org>\r\n") && strstr(b.p, "Message-ID: <"),
       "Message-ID at the sender's domain");
    ok(strstr(b.p, "List-Unsubscribe: <https://care.example/unsubscribe/x>\r\n") &&
           strstr(b.p, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
       "List-Unsubscribe with one click");
    ok(strstr(b.p, "Subject: =?UTF-8?B?") != NULL, "a non-ASCII subject is encoded");
    ok(every_line_short(b.p), "no line is longer than 78 characters");
    /* Each encoded word decodes to whole characters, and together to the
     * subject. */
    const char *p = strstr(b.p, "Subject:") + 8;
    char joined[512] = "";
    bool whole = true;
    while ((p = strstr(p, "=?UTF-8?B?")) && p < strstr(b.p, "Message-ID")) {
        p += 10;
        const char *e = strstr(p, "?=");
        unsigned char raw[128];
        size_t n = 0;
        if (!e || sodium_base642bin(raw, sizeof raw, p, (size_t)(e - p), NULL, &n, NULL,
                                    sodium_base64_VARIANT_ORIGINAL) != 0)
            break;
        raw[n] = '\0';
        size_t chars;
        whole = whole && utf8_check((const char *)raw, false, &chars);
        strncat(joined, (const char *)raw, sizeof joined - strlen(joined) - 1);
        p = e + 2;
    }
    ok(whole, "every encoded word is whole UTF-8");
    is_str(joined, subject, "the encoded words make the subject");
    ok(strstr(b.p, "Content-Language: he") != NULL, "the language is named");

    m.to = "mum@example.com\r\nBcc: x@example.com";
    buf_reset(&b);
    ok(!mail_compose(&m, 0, &b), "a recipient with a line break is refused");
    m.to = "mum@example.com";
    m.list_unsubscribe = "https://x/\r\nBcc: y";
    ok(!mail_compose(&m, 0, &b), "so is an unsubscribe link with one");
    setenv("MAIL_FROM", "nobody", 1);
    m.list_unsubscribe = NULL;
    ok(!mail_compose(&m, 0, &b), "a MAIL_FROM without an address is refused");

    char tok[UNSUBSCRIBE_TOKEN_LEN + 1], uid[37];
    const char *id = "0190a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b";
    unsubscribe_token(id, tok);
    ok(unsubscribe_check(tok, uid) && strcmp(uid, id) == 0,
       "an unsubscribe token names its account");
    tok[UNSUBSCRIBE_TOKEN_LEN - 1] = tok[UNSUBSCRIBE_TOKEN_LEN - 1] == '0' ? '1' : '0';
    ok(!unsubscribe_check(tok, uid), "a changed token is refused");
    ok(!unsubscribe_check("short", uid), "so is one of the wrong shape");

    is_int(mail_backoff_ms(60000, 1), 60000, "the first retry waits the base delay");
    is_int(mail_backoff_ms(60000, 3), 240000, "then it doubles");
    is_int(mail_backoff_ms(60000, 40), 6 * 3600 * 1000LL, "at most six hours");
    buf_free(&b);
    return done_testing();
}
