/* fuzz_ical.c — libFuzzer target for the calendar feed's parsers and
 * writers: the input is a recurrence rule (rrule_parse), and a rule that
 * parses is printed in its normal form, which must parse again to the same
 * text, and expanded from a start taken from the input; the input is also
 * written as an iCalendar TEXT value, whose lines must end in CRLF and stay
 * within 75 octets. Nothing may crash, over-read or hang. */
#include "data/ical.h"
#include "data/rrule.h"
#include "util/util.h"

#include <stdint.h>
#include <string.h>

static bool count(struct date d, void *arg)
{
    (void)d;
    return ++*(int *)arg < 5000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[RRULE_MAX_TEXT + 64];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    const struct tz *z = tz_get("Europe/London");
    if (!z)
        __builtin_trap();
    struct rrule r, again;
    char err[160], norm[512], norm2[512];
    if (rrule_parse(text, z, &r, err, sizeof err)) {
        rrule_format(&r, norm, sizeof norm);
        if (!rrule_parse(norm, z, &again, err, sizeof err))
            __builtin_trap();
        rrule_format(&again, norm2, sizeof norm2);
        if (strcmp(norm, norm2) != 0)
            __builtin_trap();
        unsigned s = size ? data[size - 1] : 0;
        struct date start = {2024 + (int)(s % 4), 1 + (int)(s % 12), 1 + (int)(s % 28)};
        int seen = 0;
        rrule_expand(&r, start, (int)(s * 7 % 1440), z, (struct date){start.year + 3, 12, 31},
                     count, &seen);
    }
    struct buf b;
    buf_init(&b, 1 << 16);
    ical_text(&b, "DESCRIPTION", text);
    for (const char *p = b.p; p && *p;) {
        const char *e = strstr(p, "\r\n");
        if (!e || e - p > 75)
            __builtin_trap();
        p = e + 2;
    }
    buf_free(&b);
    return 0;
}
