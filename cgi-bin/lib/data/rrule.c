/* rrule.c — RFC 5545 recurrence rules, the subset appointments use; see
 * rrule.h. Expansion walks the days from the start and asks of each
 * whether the rule makes it: a few thousand cheap tests at most (bounded by
 * RRULE_MAX_DAYS), and no arithmetic on months of different lengths to get
 * wrong. */
#include "data/rrule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const wday_names[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

/* A whole number of at most 9 digits from s[0..n), or -1. */
static long small_number(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "[+-]?N" with 1 <= |N| <= max, or 0. */
static int signed_number(const char *s, size_t n, int max)
{
    int sign = 1;
    if (n && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        s++;
        n--;
    }
    long v = small_number(s, n);
    return v >= 1 && v <= max ? sign * (int)v : 0;
}

static bool parse_byday(struct rrule *r, const char *s, size_t n, char *err, size_t errsz)
{
    while (n > 0) {
        const char *comma = memchr(s, ',', n);
        size_t len = comma ? (size_t)(comma - s) : n;
        if (len < 2 || r->nbyday == RRULE_MAX_BYDAY) {
            snprintf(err, errsz, "BYDAY must list weekdays (MO, TU, ... or 1MO, -1FR)");
            return false;
        }
        int wday = -1;
        for (int i = 0; i < 7; i++)
            if (memcmp(s + len - 2, wday_names[i], 2) == 0)
                wday = i;
        int nth = len > 2 ? signed_number(s, len - 2, 5) : 0;
        if (wday < 0 || (len > 2 && nth == 0)) {
            snprintf(err, errsz, "BYDAY must list weekdays (MO, TU, ... or 1MO, -1FR)");
            return false;
        }
        for (int i = 0; i < r->nbyday; i++)
            if (r->byday[i].wday == wday && r->byday[i].nth == nth) {
                snprintf(err, errsz, "BYDAY names a day twice");
                return false;
            }
        r->byday[r->nbyday].wday = wday;
        r->byday[r->nbyday++].nth = nth;
        s += len;
        n -= len;
        if (comma) {
            s++;
            n--;
            if (n == 0) {
                snprintf(err, errsz, "BYDAY must list weekdays (MO, TU, ... or 1MO, -1FR)");
                return false;
            }
        }
    }
    return true;
}

static bool parse_bymonthday(struct rrule *r, const char *s, size_t n, char *err, size_t errsz)
{
    while (n > 0) {
        const char *comma = memchr(s, ',', n);
        size_t len = comma ? (size_t)(comma - s) : n;
        int v = signed_number(s, len, 31);
        if (v == 0 || r->nbymonthday == RRULE_MAX_BYMONTHDAY) {
            snprintf(err, errsz, "BYMONTHDAY must list days 1 to 31 (or -1 to -31)");
            return false;
        }
        for (int i = 0; i < r->nbymonthday; i++)
            if (r->bymonthday[i] == v) {
                snprintf(err, errsz, "BYMONTHDAY names a day twice");
                return false;
            }
        r->bymonthday[r->nbymonthday++] = v;
        s += len;
        n -= len;
        if (comma) {
            s++;
            n--;
            if (n == 0) {
                snprintf(err, errsz, "BYMONTHDAY must list days 1 to 31 (or -1 to -31)");
                return false;
            }
        }
    }
    return true;
}

/* UNTIL=YYYYMMDD or YYYYMMDDTHHMMSS[Z]. */
static bool parse_until(struct rrule *r, const char *s, size_t n, const struct tz *zone)
{
    if (n != 8 && n != 15 && n != 16)
        return false;
    long y = small_number(s, 4), mo = small_number(s + 4, 2), d = small_number(s + 6, 2);
    struct date day = {(int)y, (int)mo, (int)d};
    if (y < 1 || mo < 1 || d < 1 || !date_is_valid(day))
        return false;
    struct civil c = {day.year, day.month, day.day, 23, 59, 59, 0};
    if (n > 8) {
        long h = small_number(s + 9, 2), mi = small_number(s + 11, 2), se = small_number(s + 13, 2);
        if (s[8] != 'T' || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 ||
            (n == 16 && s[15] != 'Z'))
            return false;
        c.hour = (int)h;
        c.minute = (int)mi;
        c.second = (int)se;
    }
    if (n == 16) {
        r->until = (date_to_days(day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second) * 1000;
    } else if (!tz_civil_to_utc(zone, &c, &r->until)) {
        return false;
    }
    r->until += n == 8 ? 999 : 0; /* a whole day: through its last millisecond */
    r->has_until = true;
    return true;
}

bool rrule_parse(const char *text, const struct tz *zone, struct rrule *out, char *err,
                 size_t errsz)
{
    memset(out, 0, sizeof *out);
    out->interval = 1;
    if (!text || strlen(text) > RRULE_MAX_TEXT) {
        snprintf(err, errsz, "must be a recurrence rule of at most %d characters", RRULE_MAX_TEXT);
        return false;
    }
    if (strncmp(text, "RRULE:", 6) == 0)
        text += 6;
    bool seen[6] = {false};
    static const char *const parts[] = {"FREQ",       "INTERVAL", "BYDAY",
                                        "BYMONTHDAY", "COUNT",    "UNTIL"};
    const char *p = text;
    if (!*p) {
        snprintf(err, errsz, "FREQ is required");
        return false;
    }
    while (*p) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq) {
            snprintf(err, errsz, "must be NAME=VALUE parts separated by ;");
            return false;
        }
        size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
        const char *v = eq + 1;
        int k = -1;
        for (int i = 0; i < 6; i++)
            if (strlen(parts[i]) == klen && memcmp(p, parts[i], klen) == 0)
                k = i;
        if (k < 0) {
            snprintf(err, errsz,
                     "%.*s is not supported (FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)",
                     (int)(klen > 20 ? 20 : klen), p);
            return false;
        }
        if (seen[k]) {
            snprintf(err, errsz, "%s is given twice", parts[k]);
            return false;
        }
        seen[k] = true;
        bool ok = true;
        long num;
        switch (k) {
        case 0:
            if (vlen == 5 && memcmp(v, "DAILY", 5) == 0)
                out->freq = RRULE_DAILY;
            else if (vlen == 6 && memcmp(v, "WEEKLY", 6) == 0)
                out->freq = RRULE_WEEKLY;
            else if (vlen == 7 && memcmp(v, "MONTHLY", 7) == 0)
                out->freq = RRULE_MONTHLY;
            else {
                snprintf(err, errsz, "FREQ must be DAILY, WEEKLY or MONTHLY");
                return false;
            }
            break;
        case 1:
            num = small_number(v, vlen);
            ok = num >= 1 && num <= 999;
            out->interval = (int)num;
            if (!ok)
                snprintf(err, errsz, "INTERVAL must be 1 to 999");
            break;
        case 2:
            ok = parse_byday(out, v, vlen, err, errsz);
            break;
        case 3:
            ok = parse_bymonthday(out, v, vlen, err, errsz);
            break;
        case 4:
            num = small_number(v, vlen);
            ok = num >= 1 && num <= 1000;
            out->count = (int)num;
            if (!ok)
                snprintf(err, errsz, "COUNT must be 1 to 1000");
            break;
        default:
            ok = parse_until(out, v, vlen, zone);
            if (!ok)
                snprintf(err, errsz,
                         "UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ");
            break;
        }
        if (!ok)
            return false;
        p += len;
        if (semi) {
            p++;
            if (!*p) {
                snprintf(err, errsz, "must not end with ;");
                return false;
            }
        }
    }
    if (!seen[0]) {
        snprintf(err, errsz, "FREQ is required");
        return false;
    }
    if (seen[4] && seen[5]) {
        snprintf(err, errsz, "COUNT and UNTIL cannot both be given");
        return false;
    }
    for (int i = 0; i < out->nbyday; i++)
        if (out->byday[i].nth && out->freq != RRULE_MONTHLY) {
            snprintf(err, errsz, "a BYDAY ordinal (1MO, -1FR) is for FREQ=MONTHLY");
            return false;
        }
    return true;
}

void rrule_format(const struct rrule *r, char *out, size_t outsz)
{
    static const char *const freqs[] = {"DAILY", "WEEKLY", "MONTHLY"};
    size_t used = (size_t)snprintf(out, outsz, "FREQ=%s", freqs[r->freq]);
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (used < outsz)                                                                          \
            used += (size_t)snprintf(out + used, outsz - used, __VA_ARGS__);                       \
    } while (0)
    if (r->interval > 1)
        APPEND(";INTERVAL=%d", r->interval);
    for (int i = 0; i < r->nbyday; i++) {
        if (r->byday[i].nth)
            APPEND("%s%d%s", i ? "," : ";BYDAY=", r->byday[i].nth, wday_names[r->byday[i].wday]);
        else
            APPEND("%s%s", i ? "," : ";BYDAY=", wday_names[r->byday[i].wday]);
    }
    for (int i = 0; i < r->nbymonthday; i++)
        APPEND("%s%d", i ? "," : ";BYMONTHDAY=", r->bymonthday[i]);
    if (r->count)
        APPEND(";COUNT=%d", r->count);
    if (r->has_until) {
        int64_t s = r->until / 1000, days = s / 86400 - (s % 86400 < 0);
        int64_t rest = s - days * 86400;
        struct date d = date_from_days(days);
        APPEND(";UNTIL=%04d%02d%02dT%02d%02d%02dZ", d.year, d.month, d.day, (int)(rest / 3600),
               (int)(rest / 60 % 60), (int)(rest % 60));
    }
#undef APPEND
}

/* The Monday on or before a date (weeks start on Monday: WKST=MO). */
static int64_t week_of(struct date d)
{
    int64_t days = date_to_days(d);
    return days - (date_weekday(d) + 6) % 7;
}

static bool monthday_matches(const struct rrule *r, struct date d)
{
    int last = date_days_in_month(d.year, d.month);
    for (int i = 0; i < r->nbymonthday; i++) {
        int v = r->bymonthday[i];
        if (v > 0 ? v == d.day : last + 1 + v == d.day)
            return true;
    }
    return false;
}

static bool weekday_matches(const struct rrule *r, struct date d)
{
    int wd = date_weekday(d);
    int last = date_days_in_month(d.year, d.month);
    for (int i = 0; i < r->nbyday; i++) {
        if (r->byday[i].wday != wd)
            continue;
        int nth = r->byday[i].nth;
        if (nth == 0 || (nth > 0 && (d.day - 1) / 7 + 1 == nth) ||
            (nth < 0 && (last - d.day) / 7 + 1 == -nth))
            return true;
    }
    return false;
}

bool rrule_matches(const struct rrule *r, struct date start, struct date d)
{
    int64_t from = date_to_days(start), day = date_to_days(d);
    if (day < from)
        return false;
    switch (r->freq) {
    case RRULE_DAILY:
        if ((day - from) % r->interval != 0)
            return false;
        break;
    case RRULE_WEEKLY:
        if (((week_of(d) - week_of(start)) / 7) % r->interval != 0)
            return false;
        if (r->nbyday == 0 && date_weekday(d) != date_weekday(start))
            return false;
        break;
    case RRULE_MONTHLY: {
        int months = (d.year - start.year) * 12 + (d.month - start.month);
        if (months % r->interval != 0)
            return false;
        if (r->nbyday == 0 && r->nbymonthday == 0)
            return d.day == start.day;
        break;
    }
    }
    if (r->nbymonthday && !monthday_matches(r, d))
        return false;
    if (r->nbyday && !weekday_matches(r, d))
        return false;
    return true;
}

int rrule_expand(const struct rrule *r, struct date start, int minute, const struct tz *zone,
                 struct date last, bool (*fn)(struct date d, void *arg), void *arg)
{
    int n = 0;
    int64_t from = date_to_days(start), to = date_to_days(last);
    if (to > from + RRULE_MAX_DAYS)
        to = from + RRULE_MAX_DAYS;
    for (int64_t day = from; day <= to; day++) {
        struct date d = date_from_days(day);
        if (!rrule_matches(r, start, d))
            continue;
        if (r->has_until) {
            struct civil c = {d.year, d.month, d.day, minute / 60, minute % 60, 0, 0};
            int64_t at;
            if (!tz_civil_to_utc(zone, &c, &at) || at > r->until)
                break;
        }
        n++;
        if (!fn(d, arg) || (r->count && n >= r->count))
            break;
    }
    return n;
}
