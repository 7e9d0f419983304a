/* tz.c — IANA time zones read straight from TZif files (RFC 8536), so that
 * threads never touch the process-global TZ/tzset/localtime state. A zone is
 * its transition table plus the POSIX TZ rule in the file's footer, which
 * governs every instant after the last transition. Zones are immutable once
 * parsed and cached for the life of the process. */
#include "data/tz.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_CACHE_MAX   1024        /* distinct zones per process; tzdata has about 600 names */
#define TZ_FILE_MAX    (64 * 1024) /* real files are under 4 KiB */
#define TZ_MAX_TIMES   2000        /* transitions; real files have at most about 310 */
#define TZ_MAX_TYPES   256         /* a transition names its type in one byte */
#define TZ_MAX_CHARS   256         /* abbreviation characters; real files use at most 40 */
#define TZ_ABBR_MAX    15          /* one POSIX abbreviation */
#define TZ_FOOTER_MAX  127         /* POSIX TZ string; real ones are under 50 */
#define TZ_OFFSET_MAX  93599       /* |UT offset| in seconds, RFC 8536: 25:59:59 */
#define TZ_RULE_HOURS  167         /* RFC 8536 v3 allows rule times of -167..167 hours */

#define DAY_SECS 86400

/* One local time type: its offset east of UTC, DST flag and abbreviation
 * (an index into the zone's NUL-separated abbreviation characters). */
struct tz_type {
    int32_t utoff;
    bool isdst;
    uint8_t abbr;
};

/* The date part of a POSIX rule: Jn (1..365, February 29 never counted),
 * n (0..365, counted) or Mm.w.d (day d of week w of month m, 5 = last);
 * `time` is local wall time on that date, in seconds (may be negative or
 * beyond 24 hours). */
enum rule_kind { RULE_JULIAN1, RULE_JULIAN0, RULE_MONTH };
struct tz_rule {
    enum rule_kind kind;
    int day, month, week, wday;
    int32_t time;
};

/* A POSIX TZ string such as "GMT0BST,M3.5.0/1,M10.5.0", offsets east of UTC. */
struct tz_posix {
    char std_abbr[TZ_ABBR_MAX + 1], dst_abbr[TZ_ABBR_MAX + 1];
    int32_t std_off, dst_off;
    bool has_dst;
    struct tz_rule start, end;
};

struct tz {
    char name[TZ_NAME_MAX + 1];
    size_t timecnt, typecnt;
    int64_t *trans;      /* strictly ascending transition instants, seconds */
    uint8_t *trans_type; /* the type in force from trans[i] on */
    struct tz_type *types;
    char *chars;     /* abbreviations, with a guard NUL after the last */
    bool has_footer; /* a non-empty POSIX footer rules after the last transition */
    struct tz_posix footer;
};

/* What a zone says about one instant. */
struct local {
    int32_t utoff;
    bool isdst;
    const char *abbr;
};

/* ---- calendar arithmetic (Howard Hinnant's days_from_civil/civil_from_days) ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    days += 719468;
    int64_t era = floor_div(days, 146097);
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int weekday_of_days(int64_t days)
{
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static int month_days(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int date_days_in_month(int year, int month)
{
    return month >= 1 && month <= 12 ? month_days(year, month) : 0;
}

bool date_is_valid(struct date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= month_days(d.year, d.month);
}

int64_t date_to_days(struct date d)
{
    return days_from_civil(d.year, d.month, d.day);
}

struct date date_from_days(int64_t days)
{
    int64_t y;
    struct date d;
    civil_from_days(days, &y, &d.month, &d.day);
    d.year = (int)y;
    return d;
}

struct date date_add_days(struct date d, int n)
{
    return date_from_days(date_to_days(d) + n);
}

int date_weekday(struct date d)
{
    return weekday_of_days(date_to_days(d));
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, struct date *out)
{
    struct date d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &d.year) ||
        !digits(s + 5, 2, &d.month) || !digits(s + 8, 2, &d.day) || !date_is_valid(d))
        return false;
    *out = d;
    return true;
}

void date_format(struct date d, char out[11])
{
    /* The modulo keeps the compiler sure of the width; valid dates are unchanged. */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
             (unsigned)d.day % 100u);
}

/* ---- POSIX TZ strings ---- */

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1..maxdigits decimal digits. */
static bool posix_num(const char **pp, int maxdigits, int *out)
{
    const char *p = *pp;
    int v = 0, n = 0;
    while (n < maxdigits && is_digit(*p)) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n == 0)
        return false;
    *out = v;
    *pp = p;
    return true;
}

/* An abbreviation: three or more letters, or <...> of letters, digits, + and -. */
static bool posix_name(const char **pp, char out[TZ_ABBR_MAX + 1])
{
    const char *p = *pp;
    size_t n = 0;
    bool quoted = *p == '<';
    if (quoted)
        p++;
    while (quoted ? (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-') : is_alpha(*p)) {
        if (n == TZ_ABBR_MAX)
            return false;
        out[n++] = *p++;
    }
    if (quoted && *p++ != '>')
        return false;
    if (n < 3)
        return false;
    out[n] = '\0';
    *pp = p;
    return true;
}

/* [+-]hh[:mm[:ss]] as signed seconds, hours at most max_hours. */
static bool posix_hms(const char **pp, int max_hours, int32_t *out)
{
    const char *p = *pp;
    int sign = 1, h, m = 0, s = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!posix_num(&p, 3, &h) || h > max_hours)
        return false;
    if (*p == ':') {
        p++;
        if (!posix_num(&p, 2, &m) || m > 59)
            return false;
        if (*p == ':') {
            p++;
            if (!posix_num(&p, 2, &s) || s > 59)
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    *pp = p;
    return true;
}

/* A UT offset: POSIX writes hours west of UTC; we keep seconds east. */
static bool posix_offset(const char **pp, int32_t *east)
{
    int32_t west;
    if (!posix_hms(pp, 24, &west))
        return false;
    *east = -west;
    return true;
}

static bool posix_rule(const char **pp, struct tz_rule *r)
{
    const char *p = *pp;
    memset(r, 0, sizeof *r);
    if (*p == 'J') {
        p++;
        r->kind = RULE_JULIAN1;
        if (!posix_num(&p, 3, &r->day) || r->day < 1 || r->day > 365)
            return false;
    } else if (*p == 'M') {
        p++;
        r->kind = RULE_MONTH;
        if (!posix_num(&p, 2, &r->month) || r->month < 1 || r->month > 12 || *p++ != '.' ||
            !posix_num(&p, 1, &r->week) || r->week < 1 || r->week > 5 || *p++ != '.' ||
            !posix_num(&p, 1, &r->wday) || r->wday > 6)
            return false;
    } else {
        r->kind = RULE_JULIAN0;
        if (!posix_num(&p, 3, &r->day) || r->day > 365)
            return false;
    }
    r->time = 2 * 3600;
    if (*p == '/') {
        p++;
        if (!posix_hms(&p, TZ_RULE_HOURS, &r->time))
            return false;
    }
    *pp = p;
    return true;
}

/* std offset [dst [offset] ,start[/time],end[/time]]. A DST name without a
 * rule is refused: POSIX leaves the rule to the implementation, and TZif
 * footers always spell it out. */
static bool posix_parse(const char *s, struct tz_posix *out)
{
    const char *p = s;
    memset(out, 0, sizeof *out);
    if (!posix_name(&p, out->std_abbr) || !posix_offset(&p, &out->std_off))
        return false;
    if (*p == '\0')
        return true;
    if (!posix_name(&p, out->dst_abbr))
        return false;
    out->dst_off = out->std_off + 3600;
    if (*p != ',' && !posix_offset(&p, &out->dst_off))
        return false;
    if (*p++ != ',' || !posix_rule(&p, &out->start) || *p++ != ',' || !posix_rule(&p, &out->end) ||
        *p != '\0')
        return false;
    out->has_dst = true;
    return true;
}

/* The day (since the epoch) on which a rule falls in `year`. */
static int64_t rule_day(const struct tz_rule *r, int64_t year)
{
    int64_t jan1 = days_from_civil(year, 1, 1);
    switch (r->kind) {
    case RULE_JULIAN1:
        return jan1 + r->day - 1 + (is_leap(year) && r->day >= 60);
    case RULE_JULIAN0:
        return jan1 + r->day;
    case RULE_MONTH:
        break;
    }
    int64_t first = days_from_civil(year, r->month, 1);
    int mday = 1 + (r->wday - weekday_of_days(first) + 7) % 7 + (r->week - 1) * 7;
    if (mday > month_days(year, r->month)) /* week 5 = last: at most 35, one week too far */
        mday -= 7;
    return first + mday - 1;
}

/* One DST start or end as a UTC instant. */
struct change {
    int64_t at;
    bool to_dst;
};

#define FOOTER_CHANGES 10

/* The DST starts and ends of the years around instant t, in time order. Five
 * years, because rule times of up to a week (and offsets) can move a year's
 * change into its neighbour, so a change at or before t and one after t are
 * always among them. On a tie an end sorts before a start, so a rule that
 * ends and starts DST at the same instant (all-year DST) means DST. */
static void footer_changes(const struct tz_posix *f, int64_t t, struct change out[FOOTER_CHANGES])
{
    int64_t y;
    int m, d;
    civil_from_days(floor_div(t + f->std_off, DAY_SECS), &y, &m, &d);
    size_t n = 0;
    for (int64_t year = y - 2; year <= y + 2; year++) {
        /* A start is written in standard time, an end in DST. */
        out[n++] = (struct change){
            rule_day(&f->start, year) * DAY_SECS + f->start.time - f->std_off, true};
        out[n++] =
            (struct change){rule_day(&f->end, year) * DAY_SECS + f->end.time - f->dst_off, false};
    }
    for (size_t i = 1; i < n; i++) {
        struct change c = out[i];
        size_t j = i;
        while (j > 0 && (out[j - 1].at > c.at ||
                         (out[j - 1].at == c.at && out[j - 1].to_dst && !c.to_dst))) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = c;
    }
}

static struct local footer_local(const struct tz_posix *f, int64_t t)
{
    bool dst = false;
    if (f->has_dst) {
        struct change ch[FOOTER_CHANGES];
        footer_changes(f, t, ch);
        for (size_t i = 0; i < FOOTER_CHANGES && ch[i].at <= t; i++)
            dst = ch[i].to_dst;
    }
    return dst ? (struct local){f->dst_off, true, f->dst_abbr}
               : (struct local){f->std_off, false, f->std_abbr};
}

static bool footer_next(const struct tz_posix *f, int64_t t, int64_t *when)
{
    if (!f->has_dst)
        return false;
    struct change ch[FOOTER_CHANGES];
    footer_changes(f, t, ch);
    for (size_t i = 0; i < FOOTER_CHANGES; i++) {
        if (ch[i].at > t) {
            *when = ch[i].at;
            return true;
        }
    }
    return false;
}

/* ---- looking up an instant ---- */

/* How many transitions happen at or before t. */
static size_t transitions_upto(const struct tz *z, int64_t t)
{
    size_t lo = 0, hi = z->timecnt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct local type_local(const struct tz *z, size_t type)
{
    const struct tz_type *ty = &z->types[type];
    return (struct local){ty->utoff, ty->isdst, z->chars + ty->abbr};
}

/* RFC 8536 3.2: type 0 before the first transition; the footer after the
 * last (or always, when there are no transitions); without a footer the last
 * transition's type stays in force. */
static struct local local_at(const struct tz *z, int64_t t)
{
    if (z->timecnt == 0 || t >= z->trans[z->timecnt - 1]) {
        if (z->has_footer)
            return footer_local(&z->footer, t);
        return type_local(z, z->timecnt ? z->trans_type[z->timecnt - 1] : 0);
    }
    size_t i = transitions_upto(z, t);
    return type_local(z, i ? z->trans_type[i - 1] : 0);
}

/* The first instant after t at which the zone may change; false if none. */
static bool next_change(const struct tz *z, int64_t t, int64_t *when)
{
    if (z->timecnt > 0 && t < z->trans[z->timecnt - 1]) {
        *when = z->trans[transitions_upto(z, t)];
        return true;
    }
    return z->has_footer && footer_next(&z->footer, t, when);
}

/* The first instant whose wall clock reads `wall` (local seconds since the
 * epoch), or the end of the gap that swallows it. Walks the stretches of
 * constant offset near `wall` in time order: the first stretch whose wall
 * times include `wall` gives the first occurrence; a stretch that starts past
 * `wall` means `wall` fell into the gap before it. */
static int64_t wall_to_utc(const struct tz *z, int64_t wall)
{
    int64_t t = wall - 2 * DAY_SECS; /* offsets stay within ±26 h */
    int64_t hi = wall + 2 * DAY_SECS;
    int32_t off = local_at(z, t).utoff;
    for (size_t step = 0; step < z->timecnt + 2 * FOOTER_CHANGES; step++) {
        int64_t next;
        bool more = next_change(z, t, &next) && next < hi;
        int64_t end = more ? next : hi;
        if (t + off > wall)
            return t;
        if (wall < end + off)
            return wall - off;
        if (!more)
            break;
        t = next;
        off = local_at(z, t).utoff;
    }
    return wall - off; /* unreachable with sane data; a malformed zone still gets an answer */
}

/* ---- public lookups ---- */

const char *tz_name(const struct tz *z)
{
    return z->name;
}

int32_t tz_offset_at(const struct tz *z, int64_t utc_ms)
{
    return local_at(z, floor_div(utc_ms, 1000)).utoff;
}

const char *tz_abbr_at(const struct tz *z, int64_t utc_ms)
{
    return local_at(z, floor_div(utc_ms, 1000)).abbr;
}

void tz_to_civil(const struct tz *z, int64_t utc_ms, struct civil *out)
{
    int64_t t = floor_div(utc_ms, 1000);
    int64_t wall = t + local_at(z, t).utoff;
    int64_t days = floor_div(wall, DAY_SECS), secs = wall - days * DAY_SECS;
    int64_t y;
    civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
    out->wday = weekday_of_days(days);
}

struct date tz_date_at(const struct tz *z, int64_t utc_ms)
{
    struct civil c;
    tz_to_civil(z, utc_ms, &c);
    return (struct date){c.year, c.month, c.day};
}

bool tz_civil_to_utc(const struct tz *z, const struct civil *local, int64_t *utc_ms)
{
    struct date d = {local->year, local->month, local->day};
    if (!date_is_valid(d) || local->hour < 0 || local->hour > 23 || local->minute < 0 ||
        local->minute > 59 || local->second < 0 || local->second > 59)
        return false;
    int64_t wall =
        date_to_days(d) * DAY_SECS + local->hour * 3600 + local->minute * 60 + local->second;
    *utc_ms = wall_to_utc(z, wall) * 1000;
    return true;
}

bool tz_day_bounds(const struct tz *z, struct date day, int64_t *start_ms, int64_t *end_ms)
{
    if (!date_is_valid(day))
        return false;
    int64_t midnight = date_to_days(day) * DAY_SECS;
    *start_ms = wall_to_utc(z, midnight) * 1000;
    *end_ms = wall_to_utc(z, midnight + DAY_SECS) * 1000;
    return true;
}

/* ---- TZif parsing ---- */

void tz_free(struct tz *z)
{
    if (!z)
        return;
    free(z->trans);
    free(z->trans_type);
    free(z->types);
    free(z->chars);
    free(z);
}

static struct tz *tz_new(const char *name)
{
    if (!name || strlen(name) > TZ_NAME_MAX)
        return NULL;
    struct tz *z = calloc(1, sizeof *z);
    if (z)
        memcpy(z->name, name, strlen(name) + 1);
    return z;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64s(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

#define TZIF_HEADER 44

struct tzif_header {
    int version; /* 1..4 */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static bool header_read(const unsigned char *p, size_t len, struct tzif_header *h)
{
    if (len < TZIF_HEADER || memcmp(p, "TZif", 4) != 0)
        return false;
    if (p[4] == 0)
        h->version = 1;
    else if (p[4] >= '2' && p[4] <= '4')
        h->version = p[4] - '0';
    else
        return false;
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return true;
}

/* Bytes of the data block after a header; 64-bit sums cannot overflow. */
static uint64_t block_size(const struct tzif_header *h, unsigned timesize)
{
    return (uint64_t)h->timecnt * (timesize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

/* Leap-second zones ("right/...") count TAI-like seconds; carelog's clocks
 * are POSIX, so such files are refused rather than read wrongly. */
static bool header_is_sane(const struct tzif_header *h)
{
    return h->timecnt <= TZ_MAX_TIMES && h->typecnt >= 1 && h->typecnt <= TZ_MAX_TYPES &&
           h->charcnt >= 1 && h->charcnt <= TZ_MAX_CHARS && h->leapcnt == 0 &&
           (h->isstdcnt == 0 || h->isstdcnt == h->typecnt) &&
           (h->isutcnt == 0 || h->isutcnt == h->typecnt);
}

/* Reads a data block whose size has been checked against the input. */
static bool block_read(struct tz *z, const struct tzif_header *h, const unsigned char *p,
                       unsigned timesize)
{
    z->timecnt = h->timecnt;
    z->typecnt = h->typecnt;
    z->trans = malloc((h->timecnt ? h->timecnt : 1) * sizeof *z->trans);
    z->trans_type = malloc(h->timecnt ? h->timecnt : 1);
    z->types = malloc(h->typecnt * sizeof *z->types);
    z->chars = malloc(h->charcnt + 1);
    if (!z->trans || !z->trans_type || !z->types || !z->chars)
        return false;
    for (size_t i = 0; i < h->timecnt; i++, p += timesize) {
        z->trans[i] = timesize == 8 ? be64s(p) : (int32_t)be32(p);
        if (i > 0 && z->trans[i] <= z->trans[i - 1])
            return false;
    }
    for (size_t i = 0; i < h->timecnt; i++, p++) {
        if (*p >= h->typecnt)
            return false;
        z->trans_type[i] = *p;
    }
    for (size_t i = 0; i < h->typecnt; i++, p += 6) {
        int32_t utoff = (int32_t)be32(p);
        if (utoff < -TZ_OFFSET_MAX || utoff > TZ_OFFSET_MAX || p[4] > 1 || p[5] >= h->charcnt)
            return false;
        z->types[i] = (struct tz_type){utoff, p[4] == 1, p[5]};
    }
    memcpy(z->chars, p, h->charcnt);
    z->chars[h->charcnt] = '\0'; /* every abbreviation ends, even an unterminated last one */
    p += h->charcnt;
    /* leapcnt is 0; the standard/wall and UT/local indicators only matter to
     * POSIX rules without a footer, which we never derive, but must be 0/1. */
    for (size_t i = 0; i < (size_t)h->isstdcnt + h->isutcnt; i++)
        if (p[i] > 1)
            return false;
    return true;
}

/* The footer of a v2+ file: "\n" TZ-string "\n"; empty means none. */
static bool footer_read(struct tz *z, const unsigned char *p, size_t len)
{
    if (len < 2 || p[0] != '\n')
        return false;
    size_t room = len - 1 < TZ_FOOTER_MAX + 1 ? len - 1 : TZ_FOOTER_MAX + 1;
    const unsigned char *nl = memchr(p + 1, '\n', room);
    if (!nl)
        return false;
    size_t n = (size_t)(nl - (p + 1));
    if (n == 0)
        return true;
    char spec[TZ_FOOTER_MAX + 1];
    memcpy(spec, p + 1, n);
    spec[n] = '\0';
    if (strlen(spec) != n || !posix_parse(spec, &z->footer))
        return false;
    z->has_footer = true;
    return true;
}

struct tz *tz_parse(const unsigned char *data, size_t len, const char *name)
{
    struct tzif_header h;
    if (!data || !header_read(data, len, &h))
        return NULL;
    size_t pos = TZIF_HEADER;
    unsigned timesize = 4;
    if (h.version >= 2) {
        /* Skip the 32-bit block; the 64-bit one that follows says it all. */
        uint64_t skip = block_size(&h, 4);
        if (skip > len - pos || !header_read(data + pos + skip, len - pos - skip, &h))
            return NULL;
        pos += skip + TZIF_HEADER;
        timesize = 8;
    }
    uint64_t size = block_size(&h, timesize);
    if (!header_is_sane(&h) || size > len - pos)
        return NULL;
    struct tz *z = tz_new(name);
    if (!z || !block_read(z, &h, data + pos, timesize) ||
        (timesize == 8 && !footer_read(z, data + pos + size, len - pos - size))) {
        tz_free(z);
        return NULL;
    }
    return z;
}

struct tz *tz_parse_posix(const char *spec, const char *name)
{
    struct tz *z = tz_new(name);
    if (!z)
        return NULL;
    z->typecnt = 1;
    z->types = calloc(1, sizeof *z->types);
    z->chars = calloc(1, 1);
    if (!spec || strlen(spec) > TZ_FOOTER_MAX || !z->types || !z->chars ||
        !posix_parse(spec, &z->footer)) {
        tz_free(z);
        return NULL;
    }
    z->has_footer = true;
    return z;
}

/* ---- loading by name, and the cache ---- */

static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static char zoneinfo_dir[PATH_MAX]; /* written once by dir_init, read-only after */

static void dir_init(void)
{
    const char *dir = getenv("CARELOG_ZONEINFO");
    if (!dir || !*dir)
        dir = TZ_DEFAULT_DIR;
    if (strlen(dir) < sizeof zoneinfo_dir)
        memcpy(zoneinfo_dir, dir, strlen(dir) + 1);
    /* else left empty: every load fails rather than reading somewhere else */
}

/* Names that exist in zoneinfo but are not places: the host's own zone, the
 * tzcode default, a placeholder, and alternative trees of the whole set. */
static bool name_is_reserved(const char *name)
{
    static const char *const names[] = {"localtime", "posixrules", "Factory"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return strncmp(name, "posix/", 6) == 0 || strncmp(name, "right/", 6) == 0;
}

/* Components of letters, digits, '_', '-' and '+' joined by single '/',
 * each starting with a letter. No '.' at all, hence no ".." and no hidden
 * files; no leading '/', so the name stays inside the zoneinfo directory. */
static bool name_is_sane(const char *name)
{
    size_t n = strnlen(name, TZ_NAME_MAX + 1);
    if (n == 0 || n > TZ_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool starts = i == 0 || name[i - 1] == '/';
        if (starts ? !is_alpha(c)
                   : !(is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '+' ||
                       (c == '/' && i + 1 < n)))
            return false;
    }
    return !name_is_reserved(name);
}

static bool read_all(int fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

static struct tz *zone_load(const char *name)
{
    if (pthread_once(&dir_once, dir_init) != 0)
        return NULL;
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", zoneinfo_dir, name);
    if (!zoneinfo_dir[0] || n < 0 || (size_t)n >= sizeof path)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    struct tz *z = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= TZ_FILE_MAX) {
        size_t size = (size_t)st.st_size;
        unsigned char *data = malloc(size);
        if (data && read_all(fd, data, size))
            z = tz_parse(data, size, name);
        free(data);
    }
    close(fd);
    return z;
}

static struct tz_type utc_types[1] = {{0, false, 0}};
static char utc_chars[] = "UTC";
static const struct tz utc_zone = {
    .name = "UTC", .typecnt = 1, .types = utc_types, .chars = utc_chars};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *cache[TZ_CACHE_MAX]; /* guarded by cache_lock; entries never change or go */
static size_t cache_len;

static struct tz *cache_find(const char *name)
{
    for (size_t i = 0; i < cache_len; i++)
        if (strcmp(cache[i]->name, name) == 0)
            return cache[i];
    return NULL;
}

const struct tz *tz_get(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "UTC") == 0)
        return &utc_zone;
    if (!name_is_sane(name))
        return NULL;
    pthread_mutex_lock(&cache_lock);
    struct tz *z = cache_find(name);
    pthread_mutex_unlock(&cache_lock);
    if (z)
        return z;
    /* Read the file outside the lock; if another thread cached the same zone
     * meanwhile, keep theirs and drop ours. */
    struct tz *fresh = zone_load(name);
    if (!fresh)
        return NULL;
    pthread_mutex_lock(&cache_lock);
    z = cache_find(name);
    if (!z && cache_len < TZ_CACHE_MAX) {
        z = cache[cache_len++] = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    tz_free(fresh);
    return z;
}

bool tz_name_is_valid(const char *name)
{
    return tz_get(name) != NULL;
}

/* ---- the list people choose from ---- */

static pthread_once_t list_once = PTHREAD_ONCE_INIT;
static char **zone_names; /* written once by list_init, read-only after */
static size_t zone_count;

/* A TZif file under that name in the zoneinfo directory (its magic only:
 * the zone itself is read when a family uses it). */
static bool zone_file_is_tzif(const char *name)
{
    char path[PATH_MAX], magic[4];
    int n = snprintf(path, sizeof path, "%s/%s", zoneinfo_dir, name);
    if (n < 0 || (size_t)n >= sizeof path || !name_is_sane(name))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= TZ_FILE_MAX &&
              read_all(fd, (unsigned char *)magic, 4) && memcmp(magic, "TZif", 4) == 0;
    close(fd);
    return ok;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the zones named in a tzdata table (country code, coordinates, zone,
 * comment; tab-separated, '#' comments). */
static void list_add_table(const char *table, char ***names, size_t *n, size_t *cap)
{
    char path[PATH_MAX], line[512];
    int len = snprintf(path, sizeof path, "%s/%s", zoneinfo_dir, table);
    FILE *f = len > 0 && (size_t)len < sizeof path ? fopen(path, "re") : NULL;
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *zone = strchr(line, '\t');
        zone = zone ? strchr(zone + 1, '\t') : NULL;
        if (!zone)
            continue;
        zone++;
        zone[strcspn(zone, "\t\r\n")] = '\0';
        bool seen = false;
        for (size_t i = 0; i < *n && !seen; i++)
            seen = strcmp((*names)[i], zone) == 0;
        if (seen || !zone_file_is_tzif(zone))
            continue;
        if (*n == *cap) {
            size_t more = *cap ? *cap * 2 : 512;
            char **grown = realloc(*names, more * sizeof *grown);
            if (!grown)
                break;
            *names = grown;
            *cap = more;
        }
        char *copy = strdup(zone);
        if (copy)
            (*names)[(*n)++] = copy;
    }
    if (f)
        fclose(f);
}

static void list_init(void)
{
    if (pthread_once(&dir_once, dir_init) != 0 || !zoneinfo_dir[0])
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    list_add_table("zone1970.tab", &names, &n, &cap);
    list_add_table("zone.tab", &names, &n, &cap);
    if (n == 0) {
        free(names);
        return;
    }
    char *utc = strdup("UTC");
    char **grown = realloc(names, (n + 1) * sizeof *grown);
    if (utc && grown) {
        names = grown;
        names[n++] = utc;
    } else {
        free(utc);
        if (grown)
            names = grown;
    }
    qsort(names, n, sizeof *names, name_cmp);
    zone_names = names;
    zone_count = n;
}

const char *const *tz_list(size_t *n)
{
    if (pthread_once(&list_once, list_init) != 0 || !zone_names) {
        *n = 0;
        return NULL;
    }
    *n = zone_count;
    return (const char *const *)zone_names;
}

/* ---------- the SQL function local_day_start ---------- */

static void sql_local_day_start(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int when = sqlite3_value_type(argv[1]);
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
        (when != SQLITE_INTEGER && when != SQLITE_TEXT) ||
        sqlite3_value_type(argv[2]) != SQLITE_INTEGER) {
        sqlite3_result_null(ctx);
        return;
    }
    const struct tz *z = tz_get((const char *)sqlite3_value_text(argv[0]));
    if (!z)
        z = tz_get("UTC");
    int64_t days = sqlite3_value_int64(argv[2]);
    struct date day;
    if (!z ||
        (when == SQLITE_TEXT && !date_parse((const char *)sqlite3_value_text(argv[1]), &day))) {
        sqlite3_result_null(ctx);
        return;
    }
    if (when == SQLITE_INTEGER)
        day = tz_date_at(z, sqlite3_value_int64(argv[1]));
    int64_t start, end;
    if (days < -36600 || days > 36600 ||
        !tz_day_bounds(z, date_add_days(day, (int)days), &start, &end)) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, start);
}

bool tz_sql_register(struct sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "local_day_start", 3,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                      sql_local_day_start, NULL, NULL, NULL) == SQLITE_OK;
}
