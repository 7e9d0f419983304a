/* ical.c — iCalendar output for the calendar feed; see ical.h. */
#include "data/ical.h"

#include <stdio.h>
#include <string.h>

void ical_line(struct buf *b, const char *name, const char *value)
{
    /* Folding (RFC 5545 3.1): at most 75 octets a line, a continuation
     * starts with one space; a UTF-8 sequence is never split. */
    size_t col = strlen(name) + 1;
    buf_puts(b, name);
    buf_puts(b, ":");
    for (const unsigned char *p = (const unsigned char *)value; *p;) {
        size_t len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
        for (size_t i = 1; i < len; i++)
            if (!p[i])
                len = i;
        if (col + len > 75) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_append(b, p, len);
        col += len;
        p += len;
    }
    buf_puts(b, "\r\n");
}

void ical_text(struct buf *b, const char *name, const char *text)
{
    struct buf v;
    buf_init(&v, 1 << 20);
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '\\':
        case ';':
        case ',':
            buf_append(&v, "\\", 1);
            buf_append(&v, p, 1);
            break;
        case '\r':
            break;
        case '\n':
            buf_puts(&v, "\\n");
            break;
        default:
            /* Other control characters have no place in a TEXT value. */
            if ((unsigned char)*p >= 0x20 || *p == '\t')
                buf_append(&v, p, 1);
        }
    }
    ical_line(b, name, v.p ? v.p : "");
    buf_free(&v);
}

/* "YYYYMMDDTHHMMSS" (the fields of a real time always fit). */
static void civil_text(const struct civil *c, char out[16])
{
    snprintf(out, 16, "%04u%02u%02uT%02u%02u%02u", (unsigned)c->year % 10000u,
             (unsigned)c->month % 100u, (unsigned)c->day % 100u, (unsigned)c->hour % 100u,
             (unsigned)c->minute % 100u, (unsigned)c->second % 100u);
}

void ical_local(const struct tz *zone, int64_t ms, char out[16])
{
    struct civil c;
    tz_to_civil(zone, ms, &c);
    civil_text(&c, out);
}

void ical_utc(int64_t ms, char out[17])
{
    struct civil c;
    tz_to_civil(tz_get("UTC"), ms, &c);
    civil_text(&c, out);
    out[15] = 'Z';
    out[16] = '\0';
}

/* "+0100", "-0430". */
static void offset_text(int32_t s, char out[8])
{
    char sign = s < 0 ? '-' : '+';
    if (s < 0)
        s = -s;
    snprintf(out, 8, "%c%02d%02d", sign, (int)(s / 3600 % 100), (int)(s / 60 % 60));
}

/* One observance: it starts at `at`, when the offset goes from `from` to `to`. */
static void observance(struct buf *b, const struct tz *zone, int64_t at, int32_t from, int32_t to)
{
    const char *kind = to > from ? "DAYLIGHT" : "STANDARD";
    char f[8], t[8], start[16];
    offset_text(from, f);
    offset_text(to, t);
    /* DTSTART is the local time of the onset in the offset before it. */
    struct civil c;
    tz_to_civil(tz_get("UTC"), at + (int64_t)from * 1000, &c);
    civil_text(&c, start);
    ical_line(b, "BEGIN", kind);
    ical_line(b, "DTSTART", start);
    ical_line(b, "TZOFFSETFROM", f);
    ical_line(b, "TZOFFSETTO", t);
    ical_text(b, "TZNAME", tz_abbr_at(zone, at));
    ical_line(b, "END", kind);
}

void ical_vtimezone(struct buf *b, const struct tz *zone, int from_year, int to_year)
{
    if (to_year < from_year)
        to_year = from_year;
    if (to_year - from_year > 40)
        to_year = from_year + 40;
    int64_t start = date_to_days((struct date){from_year, 1, 1}) * 86400000LL;
    int64_t end = date_to_days((struct date){to_year + 1, 1, 1}) * 86400000LL;
    ical_line(b, "BEGIN", "VTIMEZONE");
    ical_text(b, "TZID", tz_name(zone));
    int32_t first = tz_offset_at(zone, start);
    observance(b, zone, start, first, first);
    /* The changes of offset, found a day at a time and then to the second. */
    int32_t prev = first;
    for (int64_t day = start; day < end; day += 86400000LL) {
        int32_t next = tz_offset_at(zone, day + 86400000LL);
        if (next == prev)
            continue;
        int64_t lo = day, hi = day + 86400000LL;
        while (hi - lo > 1000) {
            int64_t mid = lo + (hi - lo) / 2000 * 1000;
            if (tz_offset_at(zone, mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        observance(b, zone, hi, prev, next);
        prev = next;
    }
    ical_line(b, "END", "VTIMEZONE");
}
