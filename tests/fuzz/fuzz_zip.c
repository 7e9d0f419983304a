/* fuzz_zip.c — libFuzzer target for the import's zip reader (util/zip.c).
 * Contracts: reading ends, every member handed over is NUL-terminated at
 * its length, and the members' bytes together never exceed the budget,
 * whatever the archive claims. */
#include <string.h>

#include "fuzz.h"
#include "util/zip.h"

#define BUDGET (1u << 20)

static bool visit(void *arg, const char *name, char *data, size_t len)
{
    size_t *total = arg;
    CHECK(name && *name && *name != '.' && !strchr(name, '/'));
    CHECK(data[len] == '\0');
    *total += len;
    CHECK(*total <= BUDGET);
    free(data);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t total = 0;
    char err[200];
    (void)zip_each(data, size, BUDGET, visit, &total, err, sizeof err);
    return 0;
}
