/* tap.h — a few TAP helpers for the C unit tests; prove reads the output. */
#ifndef CARELOG_TAP_H
#define CARELOG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static void tap_result(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void tap_result(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed++;
        printf("#   at %s line %d\n", file, line);
    }
}

#define ok(cond, ...) tap_result(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                                                     \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        tap_result(g_ == w_, __FILE__, __LINE__, __VA_ARGS__);                                     \
        if (g_ != w_)                                                                              \
            printf("#   got: %lld\n#   expected: %lld\n", g_, w_);                                 \
    } while (0)
#define is_str(got, want, ...)                                                                     \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        int p_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                                      \
        tap_result(p_, __FILE__, __LINE__, __VA_ARGS__);                                           \
        if (!p_)                                                                                   \
            printf("#   got: '%s'\n#   expected: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    } while (0)

static int done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
