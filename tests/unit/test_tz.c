/* test_tz.c — the TZif time-zone reader: DST days of real zones, the POSIX
 * footer far in the future, pre-1970 instants, gaps and overlaps, strict
 * dates, name validation, malformed TZif images, the shared cache under
 * threads, and a cross-check of every answer against glibc's localtime_r. */
#include "tap.h"
#include "data/tz.h"
#include "util/util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

static int64_t utc_ms(int y, int mo, int d, int h, int mi, int s)
{
    return (date_to_days((struct date){y, mo, d}) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

/* Length of a local day in seconds, -1 when refused. */
static int64_t day_secs(const char *zone, int y, int mo, int d)
{
    int64_t a, b;
    const struct tz *z = tz_get(zone);
    if (!z || !tz_day_bounds(z, (struct date){y, mo, d}, &a, &b))
        return -1;
    return (b - a) / 1000;
}

static int64_t day_start(const char *zone, int y, int mo, int d)
{
    int64_t a, b;
    const struct tz *z = tz_get(zone);
    if (!z || !tz_day_bounds(z, (struct date){y, mo, d}, &a, &b))
        return -1;
    return a;
}

static int64_t local_to_utc(const char *zone, int y, int mo, int d, int h, int mi, int s)
{
    struct civil c = {y, mo, d, h, mi, s, 0};
    int64_t ms;
    const struct tz *z = tz_get(zone);
    if (!z || !tz_civil_to_utc(z, &c, &ms))
        return -1;
    return ms;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A pseudo-random instant (seconds) in [from, 2100). */
static int64_t random_instant_from(int year)
{
    const int64_t lo = date_to_days((struct date){year, 1, 1}) * 86400, hi = 4102444800;
    return lo + (int64_t)(rng() % (uint64_t)(hi - lo));
}

static int64_t random_instant(void)
{
    return random_instant_from(1950);
}

/* ---- a TZif image writer, for hand-made and broken files ---- */

struct ttype {
    int32_t utoff;
    uint8_t isdst, abbr;
};

struct spec {
    int version; /* 1..4 */
    size_t ntrans;
    const int64_t *trans;
    const uint8_t *idx;
    size_t ntypes;
    const struct ttype *types;
    const char *chars;
    size_t nchars;
    size_t nleap;
    const char *footer; /* v2+; NULL leaves the footer out */
};

struct img {
    unsigned char b[8192];
    size_t len;
};

static void put(struct img *m, const void *p, size_t n)
{
    if (n > 0 && m->len + n <= sizeof m->b)
        memcpy(m->b + m->len, p, n);
    m->len += n;
}

static void put_be(struct img *m, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        unsigned char c = (unsigned char)(v >> (8 * i));
        put(m, &c, 1);
    }
}

static void put_block(struct img *m, const struct spec *s, int timesize, int version)
{
    unsigned char zero[15] = {0}, v = version == 1 ? 0 : (unsigned char)('0' + version);
    put(m, "TZif", 4);
    put(m, &v, 1);
    put(m, zero, 15);
    put_be(m, 0, 4); /* isutcnt */
    put_be(m, s->ntypes, 4);
    put_be(m, s->nleap, 4);
    put_be(m, s->ntrans, 4);
    put_be(m, s->ntypes, 4);
    put_be(m, s->nchars, 4);
    for (size_t i = 0; i < s->ntrans; i++)
        put_be(m, (uint64_t)s->trans[i], timesize);
    put(m, s->idx, s->ntrans);
    for (size_t i = 0; i < s->ntypes; i++) {
        put_be(m, (uint32_t)s->types[i].utoff, 4);
        put(m, &s->types[i].isdst, 1);
        put(m, &s->types[i].abbr, 1);
    }
    put(m, s->chars, s->nchars);
    for (size_t i = 0; i < s->nleap; i++) {
        put_be(m, 0, timesize);
        put_be(m, 0, 4);
    }
    for (size_t i = 0; i < s->ntypes; i++)
        put(m, "\0", 1); /* isstd */
}

static void make_tzif(struct img *m, const struct spec *s)
{
    m->len = 0;
    put_block(m, s, 4, s->version);
    if (s->version >= 2) {
        put_block(m, s, 8, s->version);
        if (s->footer) {
            put(m, "\n", 1);
            put(m, s->footer, strlen(s->footer));
            put(m, "\n", 1);
        }
    }
}

/* tz_parse on an exact-size heap copy, so that ASan sees any over-read. */
static struct tz *parse_copy(const unsigned char *p, size_t n)
{
    unsigned char *copy = malloc(n ? n : 1);
    if (!copy)
        return NULL;
    memcpy(copy, p, n);
    struct tz *z = tz_parse(copy, n, "test/Image");
    free(copy);
    return z;
}

static bool parses(const struct spec *s)
{
    struct img m;
    make_tzif(&m, s);
    struct tz *z = parse_copy(m.b, m.len);
    tz_free(z);
    return z != NULL;
}

/* ---- a zoneinfo directory of our own, through CARELOG_ZONEINFO ---- */

static char zdir[] = "/tmp/carelog-tz-XXXXXX";
static const char *const linked[] = {"Europe",  "America", "Asia", "Australia", "Africa",
                                     "Pacific", "Etc",     "UTC",  "EST5EDT"};
static const char *const planted[] = {"Test/Text", "Test/Empty", "Test/Big", "Test/London",
                                      "zone.tab"};

static bool write_file(const char *name, const void *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", zdir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool good = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && good;
}

/* tzdata's table of zones by country: comments, places that are zones,
 * one twice, and names that are no zone (a text file, a missing file, a
 * name that leaves the directory). */
static const char zone_tab[] = "# tzdata's zone.tab, in short\n"
                               "GB\t+513030-0000731\tTest/London\n"
                               "FR\t+4852+00220\tEurope/Paris\n"
                               "XX\t+0000+00000\tTest/Text\n"
                               "XX\t+0000+00000\tTest/Missing\tcomment\n"
                               "XX\t+0000+00000\t../etc/passwd\n"
                               "GB\t+513030-0000731\tTest/London\n"
                               "no tabs here\n";

/* The real zones (linked) plus files that exist but are no zones: text, an
 * empty file, and a real zone padded past the 64 KiB size limit. */
static bool zoneinfo_make(void)
{
    char path[256], target[256];
    if (!mkdtemp(zdir))
        return false;
    for (size_t i = 0; i < ARRAY_LEN(linked); i++) {
        snprintf(path, sizeof path, "%s/%s", zdir, linked[i]);
        snprintf(target, sizeof target, "/usr/share/zoneinfo/%s", linked[i]);
        if (symlink(target, path) != 0)
            return false;
    }
    snprintf(path, sizeof path, "%s/Test", zdir);
    static unsigned char big[70000];
    FILE *f = fopen("/usr/share/zoneinfo/Europe/London", "rb");
    size_t n = f ? fread(big, 1, sizeof big, f) : 0;
    if (f)
        fclose(f);
    return n > 0 && mkdir(path, 0700) == 0 && write_file("Test/Text", "not a zone\n", 11) &&
           write_file("Test/Empty", "", 0) && write_file("Test/Big", big, sizeof big) &&
           write_file("Test/London", big, n) &&
           write_file("zone.tab", zone_tab, strlen(zone_tab)) &&
           setenv("CARELOG_ZONEINFO", zdir, 1) == 0;
}

static void zoneinfo_remove(void)
{
    char path[256];
    for (size_t i = 0; i < ARRAY_LEN(linked); i++) {
        snprintf(path, sizeof path, "%s/%s", zdir, linked[i]);
        unlink(path);
    }
    for (size_t i = 0; i < ARRAY_LEN(planted); i++) {
        snprintf(path, sizeof path, "%s/%s", zdir, planted[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/Test", zdir);
    rmdir(path);
    rmdir(zdir);
}

/* ---- tests ---- */

static void test_dates(void)
{
    struct date d;
    ok(date_parse("2024-02-29", &d) && d.year == 2024 && d.month == 2 && d.day == 29,
       "date_parse: leap day");
    ok(date_parse("0001-01-01", &d) && date_parse("9999-12-31", &d), "date_parse: range ends");
    const char *bad[] = {"2026-02-29",      "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                         "2026-01-00",      "0000-01-01", "2026-1-01",  "2026-01-1",  " 2026-01-01",
                         "2026-01-011",     "2026/01/01", "2026-01-0a", "+026-01-01", "",
                         "2026-01-01T00:00"};
    bool all = true;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        if (date_parse(bad[i], &d)) {
            all = false;
            printf("# accepted '%s'\n", bad[i]);
        }
    ok(all, "date_parse: refuses %zu malformed or impossible dates", ARRAY_LEN(bad));
    ok(!date_parse(NULL, &d), "date_parse: NULL");
    is_int(date_days_in_month(2024, 2), 29, "days in Feb 2024");
    is_int(date_days_in_month(2100, 2), 28, "days in Feb 2100 (not leap)");
    is_int(date_days_in_month(2000, 2), 29, "days in Feb 2000 (leap)");
    is_int(date_days_in_month(2026, 4), 30, "days in April");
    is_int(date_days_in_month(2026, 13), 0, "month 13");
    is_int(date_to_days((struct date){1970, 1, 1}), 0, "epoch day 0");
    is_int(date_to_days((struct date){1969, 12, 31}), -1, "day before the epoch");
    is_int(date_to_days((struct date){2026, 3, 29}), 20541, "2026-03-29 is day 20541");
    char s[11];
    date_format(date_add_days((struct date){2024, 2, 28}, 1), s);
    is_str(s, "2024-02-29", "next day of 2024-02-28");
    date_format(date_add_days((struct date){2026, 12, 31}, 1), s);
    is_str(s, "2027-01-01", "next day crosses a year");
    date_format(date_add_days((struct date){2026, 3, 1}, -1), s);
    is_str(s, "2026-02-28", "previous day crosses a month");
    date_format(date_add_days((struct date){2026, 1, 1}, -366), s);
    is_str(s, "2024-12-31", "a year back over a leap year");
    is_int(date_weekday((struct date){2026, 3, 29}), 0, "2026-03-29 is a Sunday");
    is_int(date_weekday((struct date){1969, 12, 31}), 3, "1969-12-31 was a Wednesday");
    bool round = true;
    for (int64_t day = -719162; day <= 2932896 && round; day += 97) {
        struct date x = date_from_days(day);
        round = date_is_valid(x) && date_to_days(x) == day;
    }
    ok(round, "days -> date -> days round-trips over years 1..9999");
}

static void test_utc(void)
{
    const struct tz *z = tz_get("UTC");
    ok(z != NULL, "UTC is built in");
    if (!z)
        return;
    is_str(tz_name(z), "UTC", "its name");
    is_int(tz_offset_at(z, utc_ms(2026, 7, 1, 0, 0, 0)), 0, "offset 0");
    is_str(tz_abbr_at(z, 0), "UTC", "abbreviation");
    is_int(day_secs("UTC", 2026, 3, 29), 86400, "every UTC day is 24 h");
    struct civil c;
    tz_to_civil(z, -1, &c);
    ok(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.minute == 59 &&
           c.second == 59 && c.wday == 3,
       "-1 ms is 1969-12-31 23:59:59, a Wednesday");
    ok(tz_get("Etc/UTC") != NULL, "Etc/UTC from the file");
}

static void test_dst_days(void)
{
    is_int(day_secs("Europe/London", 2026, 3, 29), 23 * 3600, "London 2026-03-29 is 23 h");
    is_int(day_secs("Europe/London", 2026, 10, 25), 25 * 3600, "London 2026-10-25 is 25 h");
    is_int(day_secs("Europe/London", 2026, 3, 28), 24 * 3600, "London 2026-03-28 is 24 h");
    is_int(day_start("Europe/London", 2026, 3, 29), utc_ms(2026, 3, 29, 0, 0, 0),
           "London 2026-03-29 starts at 00:00 UTC (GMT)");
    is_int(day_start("Europe/London", 2026, 10, 25), utc_ms(2026, 10, 24, 23, 0, 0),
           "London 2026-10-25 starts at 23:00 UTC the day before (BST)");
    const struct tz *london = tz_get("Europe/London");
    if (london) {
        is_int(tz_offset_at(london, utc_ms(2026, 1, 15, 12, 0, 0)), 0, "London winter GMT");
        is_int(tz_offset_at(london, utc_ms(2026, 7, 15, 12, 0, 0)), 3600, "London summer BST");
        is_str(tz_abbr_at(london, utc_ms(2026, 7, 15, 12, 0, 0)), "BST", "BST abbreviation");
        is_int(tz_offset_at(london, utc_ms(2026, 3, 29, 0, 59, 59)), 0, "second before change");
        is_int(tz_offset_at(london, utc_ms(2026, 3, 29, 1, 0, 0)), 3600, "instant of change");
    }
    is_int(day_secs("America/New_York", 2026, 3, 8), 23 * 3600, "New York 2026-03-08 is 23 h");
    is_int(day_secs("America/New_York", 2026, 11, 1), 25 * 3600, "New York 2026-11-01 is 25 h");
    is_int(day_start("America/New_York", 2026, 3, 8), utc_ms(2026, 3, 8, 5, 0, 0),
           "New York 2026-03-08 starts at 05:00 UTC");
    is_int(day_start("America/New_York", 2026, 11, 1), utc_ms(2026, 11, 1, 4, 0, 0),
           "New York 2026-11-01 starts at 04:00 UTC");

    /* Israel: DST from the Friday before the last Sunday of March (M3.4.4/26
     * = 26:00 on the fourth Thursday) to the last Sunday of October. */
    is_int(date_weekday((struct date){2026, 3, 27}), 5, "2026-03-27 is a Friday");
    is_int(day_secs("Asia/Jerusalem", 2026, 3, 27), 23 * 3600, "Jerusalem 2026-03-27 is 23 h");
    is_int(day_secs("Asia/Jerusalem", 2026, 3, 26), 24 * 3600, "Jerusalem 2026-03-26 is 24 h");
    is_int(day_secs("Asia/Jerusalem", 2026, 10, 25), 25 * 3600, "Jerusalem 2026-10-25 is 25 h");
    is_int(day_start("Asia/Jerusalem", 2026, 3, 27), utc_ms(2026, 3, 26, 22, 0, 0),
           "Jerusalem 2026-03-27 starts at 22:00 UTC the day before");

    /* Lord Howe: half-hour DST, +10:30 / +11. */
    is_int(day_secs("Australia/Lord_Howe", 2026, 10, 4), 23 * 3600 + 1800,
           "Lord Howe 2026-10-04 is 23.5 h");
    is_int(day_secs("Australia/Lord_Howe", 2026, 4, 5), 24 * 3600 + 1800,
           "Lord Howe 2026-04-05 is 24.5 h");
    is_int(day_start("Australia/Lord_Howe", 2026, 10, 4), utc_ms(2026, 10, 3, 13, 30, 0),
           "Lord Howe 2026-10-04 starts at 13:30 UTC the day before");
    const struct tz *lh = tz_get("Australia/Lord_Howe");
    if (lh) {
        is_int(tz_offset_at(lh, utc_ms(2026, 1, 1, 0, 0, 0)), 11 * 3600, "Lord Howe summer +11");
        is_int(tz_offset_at(lh, utc_ms(2026, 7, 1, 0, 0, 0)), 10 * 3600 + 1800,
               "Lord Howe winter +10:30");
        is_str(tz_abbr_at(lh, utc_ms(2026, 7, 1, 0, 0, 0)), "+1030", "quoted abbreviation");
    }

    /* Tokyo: no DST; every day of 2026 is 24 h. */
    const struct tz *tokyo = tz_get("Asia/Tokyo");
    bool all24 = tokyo != NULL;
    for (struct date d = {2026, 1, 1}; all24 && d.year == 2026; d = date_add_days(d, 1))
        all24 = day_secs("Asia/Tokyo", d.year, d.month, d.day) == 86400 &&
                tz_offset_at(tokyo, day_start("Asia/Tokyo", d.year, d.month, d.day)) == 32400;
    ok(all24, "Tokyo: every day of 2026 is 24 h at +09:00");

    /* Santiago changes at 24:00 on Saturday: Sunday's midnight never happens,
     * so the day starts at the end of the gap. */
    is_int(day_secs("America/Santiago", 2026, 9, 6), 23 * 3600, "Santiago 2026-09-06 is 23 h");
    is_int(day_start("America/Santiago", 2026, 9, 6), utc_ms(2026, 9, 6, 4, 0, 0),
           "Santiago 2026-09-06 starts when the gap ends (01:00 -03)");
}

static void test_far_and_old(void)
{
    /* 2090 is past every transition in the file: only the footer knows. */
    is_int(day_secs("Europe/London", 2090, 3, 26), 23 * 3600, "London 2090-03-26 is 23 h");
    is_int(day_secs("Europe/London", 2090, 10, 29), 25 * 3600, "London 2090-10-29 is 25 h");
    is_int(day_secs("Europe/London", 2090, 3, 19), 24 * 3600, "London 2090-03-19 is 24 h");
    is_int(day_secs("Asia/Jerusalem", 2090, 3, 24), 23 * 3600,
           "Jerusalem 2090-03-24 (a Friday) is 23 h");
    is_int(day_secs("Asia/Jerusalem", 2090, 10, 29), 25 * 3600, "Jerusalem 2090-10-29 is 25 h");
    is_int(day_secs("America/New_York", 2090, 3, 12), 23 * 3600, "New York 2090-03-12 is 23 h");
    is_int(day_secs("Australia/Lord_Howe", 2090, 10, 1), 23 * 3600 + 1800,
           "Lord Howe 2090-10-01 is 23.5 h");

    const struct tz *london = tz_get("Europe/London"), *ny = tz_get("America/New_York");
    if (london && ny) {
        is_int(tz_offset_at(london, utc_ms(1969, 6, 1, 12, 0, 0)), 3600,
               "London 1969: British Standard Time, +1 all year");
        is_int(tz_offset_at(london, utc_ms(1969, 1, 1, 12, 0, 0)), 3600, "... in winter too");
        is_int(tz_offset_at(ny, utc_ms(1960, 7, 1, 12, 0, 0)), -4 * 3600, "New York 1960 EDT");
        is_int(tz_offset_at(ny, utc_ms(1960, 1, 1, 12, 0, 0)), -5 * 3600, "New York 1960 EST");
        is_int(tz_offset_at(ny, utc_ms(1850, 1, 1, 12, 0, 0)), -17762,
               "New York 1850: local mean time -4:56:02");
        struct civil c;
        tz_to_civil(ny, utc_ms(1960, 7, 1, 3, 30, 0), &c);
        ok(c.year == 1960 && c.month == 6 && c.day == 30 && c.hour == 23 && c.minute == 30 &&
               c.wday == 4,
           "New York 1960-07-01 03:30 UTC is Thursday 06-30 23:30 local");
        is_int(day_secs("America/New_York", 1960, 4, 24), 23 * 3600, "New York 1960-04-24 23 h");
    }
}

static void test_gaps_and_overlaps(void)
{
    is_int(local_to_utc("Europe/London", 2026, 3, 29, 1, 30, 0), utc_ms(2026, 3, 29, 1, 0, 0),
           "gap: London 01:30 maps to the end of the gap, 02:00 BST");
    is_int(local_to_utc("Europe/London", 2026, 3, 29, 1, 0, 0), utc_ms(2026, 3, 29, 1, 0, 0),
           "gap: 01:00 (first missing second) too");
    is_int(local_to_utc("Europe/London", 2026, 3, 29, 0, 59, 59), utc_ms(2026, 3, 29, 0, 59, 59),
           "00:59:59 GMT just before the gap");
    is_int(local_to_utc("Europe/London", 2026, 3, 29, 2, 0, 0), utc_ms(2026, 3, 29, 1, 0, 0),
           "02:00 BST just after the gap");
    is_int(local_to_utc("Europe/London", 2026, 10, 25, 1, 30, 0), utc_ms(2026, 10, 25, 0, 30, 0),
           "overlap: London 01:30 is the first occurrence (BST)");
    is_int(local_to_utc("Europe/London", 2026, 10, 25, 0, 59, 59), utc_ms(2026, 10, 24, 23, 59, 59),
           "00:59:59 BST before the overlap");
    is_int(local_to_utc("Europe/London", 2026, 10, 25, 2, 0, 0), utc_ms(2026, 10, 25, 2, 0, 0),
           "02:00 GMT after the overlap");
    is_int(local_to_utc("America/New_York", 2026, 3, 8, 2, 30, 0), utc_ms(2026, 3, 8, 7, 0, 0),
           "gap: New York 02:30 -> 03:00 EDT");
    is_int(local_to_utc("America/New_York", 2026, 11, 1, 1, 30, 0), utc_ms(2026, 11, 1, 5, 30, 0),
           "overlap: New York 01:30 -> 01:30 EDT");
    is_int(local_to_utc("Australia/Lord_Howe", 2026, 10, 4, 2, 15, 0),
           utc_ms(2026, 10, 3, 15, 30, 0), "gap: Lord Howe 02:15 -> 02:30 +11");
    is_int(local_to_utc("Australia/Lord_Howe", 2026, 4, 5, 1, 45, 0), utc_ms(2026, 4, 4, 14, 45, 0),
           "overlap: Lord Howe 01:45 -> first, +11");
    is_int(local_to_utc("Asia/Jerusalem", 2090, 3, 24, 2, 30, 0), utc_ms(2090, 3, 24, 0, 0, 0),
           "gap from the footer: Jerusalem 2090 02:30 -> 03:00 IDT");
    is_int(local_to_utc("Asia/Jerusalem", 2090, 10, 29, 1, 30, 0), utc_ms(2090, 10, 28, 22, 30, 0),
           "overlap from the footer: first occurrence (IDT)");
    is_int(local_to_utc("Asia/Tokyo", 2026, 3, 29, 8, 0, 0), utc_ms(2026, 3, 28, 23, 0, 0),
           "Tokyo 08:00 -> 23:00 UTC the day before");

    const struct tz *z = tz_get("Europe/London");
    struct civil bad[] = {{2026, 13, 1, 0, 0, 0, 0}, {2026, 2, 29, 0, 0, 0, 0},
                          {2026, 1, 1, 24, 0, 0, 0}, {2026, 1, 1, 0, 60, 0, 0},
                          {2026, 1, 1, 0, 0, 60, 0}, {0, 1, 1, 0, 0, 0, 0},
                          {2026, 1, 1, -1, 0, 0, 0}, {10000, 1, 1, 0, 0, 0, 0}};
    bool refused = z != NULL;
    int64_t ms;
    for (size_t i = 0; z && i < ARRAY_LEN(bad); i++)
        refused = refused && !tz_civil_to_utc(z, &bad[i], &ms);
    ok(refused, "tz_civil_to_utc refuses impossible wall times");
    int64_t a, b;
    ok(z && !tz_day_bounds(z, (struct date){2026, 2, 30}, &a, &b), "tz_day_bounds refuses Feb 30");
    ok(z && tz_day_bounds(z, (struct date){9999, 12, 31}, &a, &b) && b - a == 86400000,
       "tz_day_bounds: 9999-12-31");
}

/* A name as TAP may print it: control characters shown as '?', cut at 40. */
static const char *printable(const char *s)
{
    static char out[41];
    size_t n = 0;
    for (; s[n] && n < sizeof out - 1; n++)
        out[n] = (unsigned char)s[n] < 0x20 ? '?' : s[n];
    out[n] = '\0';
    return out;
}

static void test_names(void)
{
    const char *good[] = {"Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                          "Etc/GMT-14",    "America/Port-au-Prince",         "UTC",
                          "EST5EDT"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        ok(tz_name_is_valid(good[i]), "valid: %s", good[i]);
    char longname[300];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    char just_too_long[TZ_NAME_MAX + 2];
    memcpy(just_too_long, "Europe/", 7);
    memset(just_too_long + 7, 'x', sizeof just_too_long - 8);
    just_too_long[sizeof just_too_long - 1] = '\0';
    const char *bad[] = {"../etc/passwd",
                         "/etc/localtime",
                         "Nope/Zone",
                         "",
                         longname,
                         just_too_long,
                         "Europe/../Europe/London",
                         "Europe//London",
                         "Europe/London/",
                         "europe/london",
                         "Europe/London\n",
                         "zone.tab",
                         "iso3166.tab",
                         "localtime",
                         "posixrules",
                         "posix/Europe/London",
                         "right/Europe/London",
                         "Europe",
                         "Europe/ London",
                         "-Europe/London",
                         "Europe/London ",
                         "Factory"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        ok(!tz_name_is_valid(bad[i]), "invalid: '%s'", printable(bad[i]));
    ok(!tz_name_is_valid(NULL), "invalid: NULL");
    ok(tz_name_is_valid("Test/London"), "CARELOG_ZONEINFO is where zones come from");
    ok(!tz_name_is_valid("Test/Text"), "invalid: a text file");
    ok(!tz_name_is_valid("Test/Empty"), "invalid: an empty file");
    ok(!tz_name_is_valid("Test/Big"), "invalid: a file over 64 KiB (a real zone, padded)");
    ok(!tz_name_is_valid("Test"), "invalid: a directory");
    ok(tz_get("Europe/London") == tz_get("Europe/London"), "cached: the same zone twice");
    size_t n = 0;
    const char *const *list = tz_list(&n);
    char joined[256] = "";
    for (size_t i = 0; list && i < n; i++)
        snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", i ? " " : "",
                 list[i]);
    is_str(joined, "Europe/Paris Test/London UTC",
           "tz_list: the tables' zones that are TZif files, once each, and UTC, sorted");
    is_str(tz_name(tz_get("Asia/Tokyo")), "Asia/Tokyo", "tz_name");
}

/* ---- hand-made TZif images ---- */

static const struct ttype two_types[] = {{3600, 0, 0}, {7200, 1, 4}};
static const char two_chars[] = "AAA\0BBB"; /* 8 bytes with the final NUL */

static void test_images(void)
{
    const int64_t trans[] = {-1000000, 0, 1000000};
    const uint8_t idx[] = {1, 0, 1};
    struct spec v1 = {1, 3, trans, idx, 2, two_types, two_chars, 8, 0, NULL};
    struct img m;
    make_tzif(&m, &v1);
    struct tz *z = parse_copy(m.b, m.len);
    ok(z != NULL, "v1 image parses");
    if (z) {
        is_int(tz_offset_at(z, -2000000000LL), 3600, "v1: type 0 before the first transition");
        is_int(tz_offset_at(z, -1000000000LL), 7200, "v1: at the first transition");
        is_int(tz_offset_at(z, -1), 7200, "v1: just before the second");
        is_int(tz_offset_at(z, 0), 3600, "v1: at the second");
        is_int(tz_offset_at(z, 5000000000LL), 7200, "v1: the last type lasts forever");
        is_str(tz_abbr_at(z, 5000000000LL), "BBB", "v1: abbreviation");
        tz_free(z);
    }

    /* Only a footer: every instant comes from the POSIX rule, and must agree
     * with the real Asia/Jerusalem in the years the file leaves to its own
     * footer. */
    static const struct ttype ist[] = {{7200, 0, 0}};
    const char *jer = "IST-2IDT,M3.4.4/26,M10.5.0";
    const struct tz *real = tz_get("Asia/Jerusalem");
    for (int version = 2; version <= 4; version++) {
        struct spec s = {version, 0, NULL, NULL, 1, ist, "IST", 4, 0, jer};
        make_tzif(&m, &s);
        z = parse_copy(m.b, m.len);
        ok(z != NULL, "v%d image with a footer only parses", version);
        if (!z || !real)
            continue;
        int64_t a, b;
        ok(tz_day_bounds(z, (struct date){2090, 3, 24}, &a, &b) && b - a == 23 * 3600000LL,
           "v%d footer: 2090-03-24 is 23 h", version);
        int diff = 0;
        for (int i = 0; i < 2000; i++) {
            int64_t t = (2524608000LL + (int64_t)(rng() % 1893456000ULL)) * 1000; /* 2050..2110 */
            diff += tz_offset_at(z, t) != tz_offset_at(real, t);
        }
        is_int(diff, 0, "v%d footer agrees with Asia/Jerusalem on 2000 instants 2050-2110",
               version);
        tz_free(z);
    }

    /* Broken images: every one refused, none read out of bounds. */
    struct spec good = {2, 3, trans, idx, 2, two_types, two_chars, 8, 0, "AAA-1"};
    ok(parses(&good), "reference v2 image parses");
    make_tzif(&m, &good);
    bool all_refused = true;
    for (size_t n = 0; n < m.len; n++) {
        struct tz *t = parse_copy(m.b, n);
        all_refused = all_refused && t == NULL;
        tz_free(t);
    }
    ok(all_refused, "every truncation of a v2 image (%zu lengths) is refused", m.len);
    v1.ntrans = 2;
    make_tzif(&m, &v1);
    all_refused = true;
    for (size_t n = 0; n < m.len; n++) {
        struct tz *t = parse_copy(m.b, n);
        all_refused = all_refused && t == NULL;
        tz_free(t);
    }
    ok(all_refused, "every truncation of a v1 image is refused");

    struct spec s = good;
    const int64_t unsorted[] = {0, -1, 5};
    s.trans = unsorted;
    ok(!parses(&s), "refused: transitions out of order");
    const int64_t dup[] = {0, 0, 5};
    s.trans = dup;
    ok(!parses(&s), "refused: a repeated transition");
    s = good;
    const uint8_t bad_idx[] = {0, 2, 1};
    s.idx = bad_idx;
    ok(!parses(&s), "refused: transition names a missing type");
    s = good;
    const struct ttype bad_abbr[] = {{3600, 0, 0}, {7200, 1, 8}};
    s.types = bad_abbr;
    ok(!parses(&s), "refused: abbreviation index past the characters");
    const struct ttype bad_dst[] = {{3600, 0, 0}, {7200, 2, 4}};
    s.types = bad_dst;
    ok(!parses(&s), "refused: isdst 2");
    const struct ttype bad_off[] = {{3600, 0, 0}, {INT32_MIN, 0, 4}};
    s.types = bad_off;
    ok(!parses(&s), "refused: offset -2^31");
    s = good;
    s.ntypes = 0;
    ok(!parses(&s), "refused: no types");
    s = good;
    s.nchars = 0;
    s.types = (const struct ttype[]){{3600, 0, 0}, {7200, 1, 0}};
    ok(!parses(&s), "refused: no abbreviation characters");
    s = good;
    s.nleap = 1;
    ok(!parses(&s), "refused: leap-second records");
    s = good;
    s.footer = NULL;
    ok(!parses(&s), "refused: v2 without a footer");
    s.footer = "";
    ok(parses(&s), "accepted: v2 with an empty footer");
    s.version = 5;
    ok(!parses(&s), "refused: version 5");
    const char *bad_footers[] = {"AAA",
                                 "AA-1",
                                 "AAA-1BBB",
                                 "AAA-1BBB,M3.5.0",
                                 "AAA25",
                                 "AAA-1BBB,M13.1.0,M10.5.0",
                                 "AAA-1BBB,M3.6.0,M10.5.0",
                                 "AAA-1BBB,M3.5.7,M10.5.0",
                                 "AAA-1BBB,J0,J365",
                                 "AAA-1BBB,366,J365",
                                 "AAA-1BBB,M3.5.0/168,M10.5.0",
                                 "<AB>-1",
                                 "<A:B>-1",
                                 "<AAA-1",
                                 "AAA-1:60",
                                 "AAA-1BBB,M3.5.0,M10.5.0x",

                                 "AAAAAAAAAAAAAAAA-1",
                                 "AAA-1BBB-25,M3.5.0,M10.5.0",
                                 "AAA-1BBB,M3.5.0/1:2:,M10.5.0"};
    bool refused = true;
    s = good;
    for (size_t i = 0; i < ARRAY_LEN(bad_footers); i++) {
        s.footer = bad_footers[i];
        if (parses(&s)) {
            refused = false;
            printf("# accepted footer '%s'\n", bad_footers[i]);
        }
    }
    ok(refused, "refused: %zu malformed POSIX footers", ARRAY_LEN(bad_footers));
    const char *good_footers[] = {"AAA-1",
                                  "<+0545>-5:45",
                                  "<-00>0",
                                  "AAA-1BBB,J60,J300/-3",
                                  "AAA-1BBB-3:30:15,0/0,365/167",
                                  "AAA+1BBB,M3.5.0/-167,M10.5.0"};
    bool accepted = true;
    for (size_t i = 0; i < ARRAY_LEN(good_footers); i++) {
        s.footer = good_footers[i];
        if (!parses(&s)) {
            accepted = false;
            printf("# refused footer '%s'\n", good_footers[i]);
        }
    }
    ok(accepted, "accepted: %zu unusual but valid POSIX footers", ARRAY_LEN(good_footers));
    unsigned char text[] = "TZif but not really";
    ok(parse_copy(text, sizeof text) == NULL, "refused: text");
    ok(tz_parse(NULL, 0, "x") == NULL, "refused: NULL");
    ok(tz_parse_posix("EST5EDT", "x") == NULL, "refused: POSIX DST without a rule");
}

/* ---- glibc cross-checks ---- */

/* Compares one instant; on the first mismatch prints what differed. */
static bool agree(const struct tz *z, int64_t t, int *reported)
{
    time_t tt = (time_t)t;
    struct tm tm;
    struct civil c;
    if (!localtime_r(&tt, &tm))
        return false;
    tz_to_civil(z, t * 1000, &c);
    int32_t off = tz_offset_at(z, t * 1000);
    const char *abbr = tz_abbr_at(z, t * 1000);
    bool same = off == tm.tm_gmtoff && c.year == tm.tm_year + 1900 && c.month == tm.tm_mon + 1 &&
                c.day == tm.tm_mday && c.hour == tm.tm_hour && c.minute == tm.tm_min &&
                c.second == tm.tm_sec && c.wday == tm.tm_wday && strcmp(abbr, tm.tm_zone) == 0;
    if (!same && (*reported)++ == 0)
        printf("# %s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d %+d %s, glibc %04d-%02d-%02d "
               "%02d:%02d:%02d %+ld %s\n",
               tz_name(z), (long long)t, c.year, c.month, c.day, c.hour, c.minute, c.second, off,
               abbr, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
               (long)tm.tm_gmtoff, tm.tm_zone);
    return same;
}

/* Random instants from `since` to 2100, plus every half hour (and the second
 * before it) of the given years, which lands on every transition of real
 * zones. */
static void cross_check(const char *tzenv, const struct tz *z, int since, int years[],
                        size_t nyears, int randoms)
{
    if (setenv("TZ", tzenv, 1) != 0)
        return;
    tzset();
    int reported = 0, bad = 0, n = 0;
    for (int i = 0; i < randoms; i++, n++)
        bad += !agree(z, random_instant_from(since), &reported);
    for (size_t y = 0; y < nyears; y++) {
        int64_t from = date_to_days((struct date){years[y], 1, 1}) * 86400;
        int64_t to = date_to_days((struct date){years[y] + 1, 1, 1}) * 86400;
        for (int64_t t = from; t < to; t += 1800, n += 2)
            bad += !agree(z, t, &reported) + !agree(z, t - 1, &reported);
    }
    is_int(bad, 0, "glibc agrees with %s on %d instants", tzenv, n);
}

static void test_glibc_zones(void)
{
    const char *zones[] = {"Europe/London",       "America/New_York", "Asia/Jerusalem",
                           "Australia/Lord_Howe", "Asia/Tokyo",       "Europe/Dublin",
                           "America/Nuuk",        "America/Santiago", "Pacific/Chatham",
                           "America/St_Johns",    "Asia/Gaza",        "Africa/Casablanca",
                           "Asia/Kolkata",        "Pacific/Auckland"};
    int years[] = {2026, 2090};
    for (size_t i = 0; i < ARRAY_LEN(zones); i++) {
        const struct tz *z = tz_get(zones[i]);
        ok(z != NULL, "loaded %s", zones[i]);
        if (z)
            cross_check(zones[i], z, 1950, years, ARRAY_LEN(years), 400);
    }
}

static void test_glibc_posix(void)
{
    const char *specs[] = {"EST5EDT,M3.2.0,M11.1.0",
                           "CET-1CEST,M3.5.0,M10.5.0/3",
                           "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
                           "XXX3YYY,J60/2,J300/2",
                           "AAA-5BBB-6,59/1,250/23",
                           "IST-2IDT,M3.4.4/26,M10.5.0",
                           "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
                           "EET-2EEST,M3.4.4/50,M10.4.4/50",
                           "IST-1GMT0,M10.5.0,M3.5.0/1",
                           "<-04>4<-03>,M9.1.6/24,M4.1.6/24",
                           "NST3:30NDT,M3.2.0/0:01,M11.1.0/0:01",
                           "<+0545>-5:45",
                           "HST10"};
    /* glibc applies a bare POSIX rule to years before 1970 as if they were
     * 1970, so the comparison starts there; the rule itself (and this
     * reader) applies to every year, checked separately below. */
    int years[] = {2032};
    for (size_t i = 0; i < ARRAY_LEN(specs); i++) {
        struct tz *z = tz_parse_posix(specs[i], "posix");
        ok(z != NULL, "POSIX string parses: %s", specs[i]);
        if (z)
            cross_check(specs[i], z, 1970, years, ARRAY_LEN(years), 300);
        tz_free(z);
    }

    struct tz *us = tz_parse_posix("EST5EDT,M3.2.0,M11.1.0", "posix");
    struct tz *jul = tz_parse_posix("XXX3YYY,J60/2,J300/2", "posix");
    struct tz *zero = tz_parse_posix("AAA-5BBB-6,59/1,250/23", "posix");
    int64_t a, b;
    if (us && jul && zero) {
        is_int(tz_offset_at(us, utc_ms(1956, 8, 12, 12, 0, 0)), -4 * 3600,
               "a bare POSIX rule holds before 1970 too (EDT in August 1956)");
        ok(tz_day_bounds(us, (struct date){1956, 3, 11}, &a, &b) && b - a == 23 * 3600000LL,
           "... and 1956-03-11 (second Sunday of March) is 23 h");
        ok(tz_day_bounds(jul, (struct date){2032, 3, 1}, &a, &b) && b - a == 23 * 3600000LL,
           "J60 never counts February 29: 2032-03-01");
        ok(tz_day_bounds(zero, (struct date){2032, 2, 29}, &a, &b) && b - a == 23 * 3600000LL,
           "zero-based 59 counts February 29: 2032-02-29");
        ok(tz_day_bounds(zero, (struct date){2031, 3, 1}, &a, &b) && b - a == 23 * 3600000LL,
           "zero-based 59 is March 1 in 2031");
    }
    tz_free(us);
    tz_free(jul);
    tz_free(zero);

    /* tzcode's spelling of all-year DST: DST ends at the very instant the
     * next year's starts, which must read as DST, not as a blink of EST. */
    struct tz *always = tz_parse_posix("EST5EDT4,0/0,J365/25", "posix");
    int not_dst = always == NULL;
    for (int y = 2028; always && y <= 2031; y++) {
        int64_t jan1 = utc_ms(y, 1, 1, 5, 0, 0); /* 00:00 EST, the start and the end */
        not_dst += tz_offset_at(always, jan1) != -4 * 3600;
        not_dst += tz_offset_at(always, jan1 - 1000) != -4 * 3600;
        not_dst += tz_offset_at(always, utc_ms(y, 7, 1, 0, 0, 0)) != -4 * 3600;
    }
    is_int(not_dst, 0, "all-year DST (EST5EDT4,0/0,J365/25) is DST at every instant checked");
    tz_free(always);
}

/* Round trips: local time of an instant maps back to that instant, or to
 * the first occurrence of the same wall time; consecutive days tile time. */
static void test_round_trips(void)
{
    const char *zones[] = {"Europe/London",    "America/New_York", "Australia/Lord_Howe",
                           "America/Santiago", "Asia/Gaza",        "Europe/Dublin"};
    for (size_t i = 0; i < ARRAY_LEN(zones); i++) {
        const struct tz *z = tz_get(zones[i]);
        int bad = 0;
        for (int k = 0; z && k < 3000; k++) {
            int64_t t = random_instant() * 1000, u;
            struct civil c, back;
            tz_to_civil(z, t, &c);
            if (!tz_civil_to_utc(z, &c, &u)) {
                bad++;
                continue;
            }
            tz_to_civil(z, u, &back);
            bool same_wall = memcmp(&c, &back, sizeof c) == 0;
            bad += !same_wall || u > t || (u < t && tz_offset_at(z, u) == tz_offset_at(z, t));
        }
        is_int(bad, 0, "%s: wall time -> UTC -> wall time on 3000 instants", zones[i]);
        int tiling = 0;
        for (struct date d = {2026, 1, 1}; z && d.year < 2028; d = date_add_days(d, 1)) {
            int64_t a, b, a2, b2;
            tz_day_bounds(z, d, &a, &b);
            tz_day_bounds(z, date_add_days(d, 1), &a2, &b2);
            struct date first = tz_date_at(z, a), last = tz_date_at(z, b - 1);
            tiling += b != a2 || b - a < 22 * 3600000LL || b - a > 26 * 3600000LL ||
                      memcmp(&first, &d, sizeof d) != 0 || memcmp(&last, &d, sizeof d) != 0;
        }
        is_int(tiling, 0, "%s: days of 2026-2027 tile time, each holding only its date", zones[i]);
    }
}

/* ---- threads ---- */

static const char *const thread_zones[] = {"Europe/Paris",   "Asia/Shanghai",    "America/Chicago",
                                           "Africa/Nairobi", "Pacific/Honolulu", "Europe/Berlin",
                                           "Asia/Singapore", "America/Denver"};
#define THREADS 4

static void *thread_main(void *arg)
{
    const struct tz **out = arg;
    for (int round = 0; round < 50; round++)
        for (size_t i = 0; i < ARRAY_LEN(thread_zones); i++) {
            const struct tz *z = tz_get(thread_zones[i]);
            if (round == 0)
                out[i] = z;
            else if (z != out[i])
                out[i] = NULL;
        }
    return NULL;
}

static void test_threads(void)
{
    pthread_t th[THREADS];
    const struct tz *seen[THREADS][ARRAY_LEN(thread_zones)];
    int started = 0;
    for (int i = 0; i < THREADS; i++)
        started += pthread_create(&th[i], NULL, thread_main, seen[i]) == 0;
    ok(started == THREADS, "started %d threads", THREADS);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    bool same = started == THREADS;
    for (int i = 0; same && i < THREADS; i++)
        for (size_t k = 0; k < ARRAY_LEN(thread_zones); k++)
            same = same && seen[i][k] != NULL && seen[i][k] == tz_get(thread_zones[k]);
    ok(same, "threads loading zones at once all get the one cached copy of each");
}

int main(void)
{
    /* Before any zone is loaded: the directory is read once, on first use. */
    ok(zoneinfo_make(), "a zoneinfo directory in %s", zdir);
    test_dates();
    test_utc();
    test_threads();
    test_dst_days();
    test_far_and_old();
    test_gaps_and_overlaps();
    test_names();
    test_images();
    test_glibc_zones();
    test_glibc_posix();
    test_round_trips();
    zoneinfo_remove();
    return done_testing();
}
