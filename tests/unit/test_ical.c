/* test_ical.c — the calendar feed's writers: iCalendar content lines
 * (CRLF, folding at 75 octets never inside a UTF-8 character, TEXT
 * escaping), a VTIMEZONE's observances, and RFC 5545 recurrence rules
 * (strict parsing, the normal form, expansion of each part). */
#include "tap.h"
#include "data/ical.h"
#include "data/rrule.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdlib.h>

/* Every physical line of b ends in CRLF and is at most 75 octets. */
static bool lines_ok(const struct buf *b, int *longest)
{
    *longest = 0;
    const char *p = b->p;
    while (p && *p) {
        const char *e = strstr(p, "\r\n");
        if (!e)
            return false;
        if (e - p > *longest)
            *longest = (int)(e - p);
        for (const char *q = p; q < e; q++)
            if (*q == '\r' || *q == '\n')
                return false;
        p = e + 2;
    }
    return *longest <= 75;
}

/* The content line unfolded (CRLF + space removed). */
static char *unfold(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ') {
            s += 2;
            continue;
        }
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

struct list {
    char text[2048];
    size_t used;
};

static bool add_date(struct date d, void *arg)
{
    struct list *l = arg;
    l->used += (size_t)snprintf(l->text + l->used, sizeof l->text - l->used, "%s%04d-%02d-%02d",
                                l->used ? "," : "", d.year, d.month, d.day);
    return l->used < sizeof l->text;
}

static const char *expand(const char *rule, struct date start, struct date last)
{
    static struct list l;
    struct rrule r;
    l.used = 0;
    l.text[0] = '\0';
    if (!rrule_parse(rule, tz_get("Europe/London"), &r, l.text, sizeof l.text))
        return l.text;
    rrule_expand(&r, start, 9 * 60, tz_get("Europe/London"), last, add_date, &l);
    return l.text;
}

int main(void)
{
    struct buf b;
    int longest;

    /* ---- content lines ---- */
    buf_init(&b, 1 << 20);
    ical_text(&b, "SUMMARY", "Physio; knee, left\\right\nbring brace\r\n");
    is_str(b.p, "SUMMARY:Physio\\; knee\\, left\\\\right\\nbring brace\\n\r\n",
           "TEXT escapes ; , \\ and newlines (CR dropped)");
    buf_free(&b);

    buf_init(&b, 1 << 20);
    char long_text[400];
    memset(long_text, 'a', 300);
    long_text[300] = '\0';
    ical_text(&b, "DESCRIPTION", long_text);
    ok(lines_ok(&b, &longest),
       "a 300-character value: CRLF lines of at most 75 octets (longest %d)", longest);
    is_int(longest, 75, "…filled to 75");
    char *u = unfold(b.p);
    ok(strncmp(u, "DESCRIPTION:", 12) == 0 && strlen(u) == 12 + 300 + 2, "…and unfolds to itself");
    free(u);
    buf_free(&b);

    /* "é" is two octets, "€" three, "😀" four: a fold never splits one. */
    buf_init(&b, 1 << 20);
    char utf[800] = "";
    for (int i = 0; i < 40; i++)
        strcat(utf, i % 3 == 0 ? "é" : i % 3 == 1 ? "€" : "😀");
    strcat(utf, "x");
    ical_text(&b, "LOCATION", utf);
    ok(lines_ok(&b, &longest), "multi-octet text: lines of at most 75 octets (longest %d)",
       longest);
    bool split = false;
    for (const char *p = b.p; (p = strstr(p, "\r\n ")); p += 3)
        split |= ((unsigned char)p[3] & 0xc0) == 0x80; /* a continuation octet after the fold */
    ok(!split, "…never inside a UTF-8 character");
    u = unfold(b.p);
    ok(strncmp(u + 9, utf, strlen(utf)) == 0, "…and unfolds to the text");
    free(u);
    buf_free(&b);

    /* ---- date-times and the zone ---- */
    char when[17];
    ical_utc(1773651600000LL, when);
    is_str(when, "20260316T090000Z", "a UTC date-time");
    ical_local(tz_get("Europe/London"), 1775462400000LL, when);
    is_str(when, "20260406T090000", "a local one in summer time (08:00Z is 09:00 BST)");
    buf_init(&b, 1 << 20);
    ical_vtimezone(&b, tz_get("Europe/London"), 2026, 2026);
    ok(b.p && strstr(b.p, "TZID:Europe/London\r\n"), "VTIMEZONE names its zone");
    ok(b.p && strstr(b.p, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\n"
                          "TZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT\r\n"),
       "…with spring's change at 01:00 local, +0000 to +0100");
    ok(b.p && strstr(b.p, "BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\n"
                          "TZOFFSETTO:+0000\r\n"),
       "…and autumn's at 02:00 local, +0100 to +0000");
    ok(lines_ok(&b, &longest), "…in CRLF lines");
    buf_free(&b);
    buf_init(&b, 1 << 20);
    ical_vtimezone(&b, tz_get("Asia/Kolkata"), 2026, 2027);
    ok(b.p && strstr(b.p, "TZOFFSETTO:+0530") && !strstr(b.p, "DAYLIGHT"),
       "a zone without changes: one standard observance at +0530");
    buf_free(&b);

    /* ---- recurrence rules ---- */
    struct rrule r;
    char err[160], norm[300];
    const struct tz *z = tz_get("Europe/London");
    ok(rrule_parse("RRULE:FREQ=MONTHLY;BYDAY=-1FR,2TU;INTERVAL=2;COUNT=5", z, &r, err, sizeof err),
       "a monthly rule with ordinals parses");
    rrule_format(&r, norm, sizeof norm);
    is_str(norm, "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR,2TU;COUNT=5", "…normal form: parts in order");
    ok(rrule_parse("FREQ=DAILY;UNTIL=20261101", z, &r, err, sizeof err), "a date UNTIL");
    rrule_format(&r, norm, sizeof norm);
    is_str(norm, "FREQ=DAILY;UNTIL=20261101T235959Z", "…through the end of that day in the zone");
    static const char *const bad[] = {"",
                                      "FREQ=YEARLY",
                                      "FREQ=DAILY;BYHOUR=3",
                                      "FREQ=DAILY;",
                                      "INTERVAL=2",
                                      "FREQ=DAILY;INTERVAL=0",
                                      "FREQ=DAILY;COUNT=2;UNTIL=20260101",
                                      "FREQ=WEEKLY;BYDAY=1MO",
                                      "FREQ=WEEKLY;BYDAY=MO,MO",
                                      "FREQ=MONTHLY;BYMONTHDAY=32",
                                      "FREQ=MONTHLY;BYMONTHDAY=0",
                                      "FREQ=MONTHLY;BYDAY=6MO",
                                      "FREQ=DAILY;UNTIL=20260230",
                                      "FREQ=DAILY;FREQ=DAILY",
                                      "freq=daily",
                                      NULL};
    for (const char *const *s = bad; *s; s++)
        ok(!rrule_parse(*s, z, &r, err, sizeof err) && err[0], "refused: '%s' (%s)", *s, err);

    is_str(expand("FREQ=DAILY;INTERVAL=3;COUNT=4", (struct date){2026, 2, 26},
                  (struct date){2027, 1, 1}),
           "2026-02-26,2026-03-01,2026-03-04,2026-03-07",
           "DAILY INTERVAL=3 COUNT=4 over a month's end");
    is_str(expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=5", (struct date){2026, 6, 1},
                  (struct date){2027, 1, 1}),
           "2026-06-01,2026-06-04,2026-06-15,2026-06-18,2026-06-29",
           "WEEKLY every other week, two days");
    is_str(expand("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4", (struct date){2026, 1, 31},
                  (struct date){2027, 1, 1}),
           "2026-01-31,2026-03-31,2026-05-31,2026-07-31",
           "BYMONTHDAY=31 skips shorter months (RFC 5545)");
    is_str(expand("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", (struct date){2028, 1, 31},
                  (struct date){2029, 1, 1}),
           "2028-01-31,2028-02-29,2028-03-31", "BYMONTHDAY=-1: the last day, leap February too");
    is_str(expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", (struct date){2026, 1, 30},
                  (struct date){2027, 1, 1}),
           "2026-01-30,2026-02-27,2026-03-27", "BYDAY=-1FR: the last Friday");
    is_str(expand("FREQ=MONTHLY", (struct date){2026, 1, 15}, (struct date){2026, 4, 30}),
           "2026-01-15,2026-02-15,2026-03-15,2026-04-15",
           "MONTHLY alone: the start's day, to the last date asked");
    is_str(expand("FREQ=WEEKLY;UNTIL=20260330T080000Z", (struct date){2026, 3, 16},
                  (struct date){2027, 1, 1}),
           "2026-03-16,2026-03-23,2026-03-30", "UNTIL inclusive: 09:00 BST on the 30th is 08:00Z");
    is_str(expand("FREQ=WEEKLY;UNTIL=20260330T075959Z", (struct date){2026, 3, 16},
                  (struct date){2027, 1, 1}),
           "2026-03-16,2026-03-23", "…a second earlier leaves it out");
    struct date start = {2026, 1, 5};
    ok(rrule_parse("FREQ=WEEKLY;BYDAY=MO", z, &r, err, sizeof err) &&
           rrule_matches(&r, start, start) && !rrule_matches(&r, start, (struct date){2026, 1, 6}),
       "rrule_matches: the start's own day, not the next");
    return done_testing();
}
