/* fuzz_csv.c — libFuzzer target for the import's readers: the CSV record
 * reader (util/csv.c), decoding in place, over the whole input, and Baby
 * Buddy's time parser (data/babybuddy.c) over each field read. Contracts:
 * every field lies inside the input and is NUL-terminated there, line
 * numbers never go backwards, reading ends, and a parsed time is a real
 * instant. */
#include <string.h>

#include "data/babybuddy.h"
#include "data/tz.h"
#include "fuzz.h"
#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const struct tz *zone = tz_get("Europe/London");
    struct csv c;
    csv_init(&c, text, size);
    char *fields[8];
    int n = 0, line = 0, last = 0;
    enum csv_result res;
    size_t records = 0;
    while ((res = csv_next(&c, fields, 8, &n, &line)) != CSV_END) {
        CHECK(records++ <= size + 1);
        CHECK(line >= last);
        last = line;
        if (res != CSV_RECORD)
            continue;
        CHECK(n >= 1 && n <= 8);
        for (int i = 0; i < n; i++) {
            CHECK(fields[i] >= text && fields[i] <= text + size);
            size_t len = strlen(fields[i]);
            CHECK(fields[i] + len <= text + size);
            int64_t ms;
            const char *note;
            if (zone && bb_time_parse(fields[i], zone, &ms, &note))
                CHECK(ms > -400000000000000LL && ms < 400000000000000LL);
        }
    }
    free(text);
    return 0;
}
