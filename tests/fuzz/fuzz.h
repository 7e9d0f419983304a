/* fuzz.h — what the libFuzzer targets share: the entry point's prototype and
 * CHECK, which turns a broken contract (a result the header promises never
 * to give) into a crash the fuzzer records, like a memory error. */
#ifndef CARELOG_FUZZ_H
#define CARELOG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "contract broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
