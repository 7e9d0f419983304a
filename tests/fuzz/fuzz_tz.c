/* fuzz_tz.c — libFuzzer target for the time-zone reader. Input that starts
 * with "TZif" is parsed as a zone file, anything else as a POSIX TZ string;
 * whatever parses is then asked about instants and wall times, extreme ones
 * included, so the rule evaluation and the gap/overlap search run on
 * malformed zones too. Parsing must never crash, over-read or hang. */
#include "data/tz.h"

#include <stdint.h>
#include <string.h>

static int64_t seed_from(const uint8_t *data, size_t size)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size && i < 8; i++)
        v = v << 8 | data[size - 1 - i];
    return (int64_t)v;
}

static void exercise(const struct tz *z, int64_t seed)
{
    const int64_t probes[] = {INT64_MIN,
                              INT64_MAX,
                              0,
                              -1,
                              seed,
                              seed / 1000,
                              seed % 4102444800000,
                              3786825600000 /* 2090 */,
                              -631152000000 /* 1950 */};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        struct civil c;
        int64_t ms, a, b;
        (void)tz_offset_at(z, probes[i]);
        if (strlen(tz_abbr_at(z, probes[i])) > 256)
            __builtin_trap();
        tz_to_civil(z, probes[i], &c);
        struct date d = tz_date_at(z, probes[i]);
        /* The first occurrence of the wall time of an instant is no later than
         * the instant, and lies within the bounds of its local day, whatever
         * the zone: both follow from "first instant whose wall time is at
         * least W" being monotonic in W. */
        if (tz_civil_to_utc(z, &c, &ms)) { /* years 1..9999 only: no overflow below */
            int64_t sec_ms = probes[i] - (probes[i] % 1000 + 1000) % 1000;
            if (ms > sec_ms || !tz_day_bounds(z, d, &a, &b) || ms < a || ms > b)
                __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tz *z;
    if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
        z = tz_parse(data, size, "fuzz");
    } else {
        char spec[256];
        size_t n = size < sizeof spec - 1 ? size : sizeof spec - 1;
        memcpy(spec, data, n);
        spec[n] = '\0';
        z = tz_parse_posix(spec, "fuzz");
    }
    if (z)
        exercise(z, seed_from(data, size));
    tz_free(z);
    return 0;
}
