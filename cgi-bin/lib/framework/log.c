/* log.c — JSON log lines to stderr, one write(2) each so lines from
 * concurrent threads and processes never interleave. */
#include "framework/log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static const char *program_name = "carelog"; /* set before threads start */

void log_set_program(const char *name)
{
    program_name = name;
}

/* Set once before serving (the handler fuzzer writes millions of lines). */
static bool quiet;

void log_set_quiet(bool on)
{
    quiet = on;
}

static void write_line(const char *line, size_t n)
{
    if (quiet)
        return;
    while (n > 0) {
        ssize_t w = write(2, line, n);
        if (w <= 0)
            return;
        line += w;
        n -= (size_t)w;
    }
}

/* Copies s into out as the body of a JSON string, dropping anything that is
 * not printable ASCII so a log line can never be broken or forged. */
static void json_safe(const char *s, char *out, size_t outsz)
{
    size_t o = 0;
    for (; s && *s && o + 2 < outsz; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f)
            c = '?';
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
}

static const char *safe_method(const char *m)
{
    static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (m && strcmp(m, known[i]) == 0)
            return known[i];
    return "OTHER";
}

void log_request(const char *method, const char *route, int status, int64_t duration_us)
{
    char ts[32], rt[256], line[512];
    format_rfc3339_ms(now_ms(), ts);
    json_safe(route ? route : "-", rt, sizeof rt);
    int n = snprintf(line, sizeof line,
                     "{\"ts\":\"%s\",\"prog\":\"%s\",\"method\":\"%s\",\"route\":\"%s\","
                     "\"status\":%d,\"us\":%lld}\n",
                     ts, program_name, safe_method(method), rt, status, (long long)duration_us);
    if (n > 0)
        write_line(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void log_event(const char *level, const char *event, const char *detail)
{
    char ts[32], ev[96], det[384], line[640];
    format_rfc3339_ms(now_ms(), ts);
    json_safe(event, ev, sizeof ev);
    json_safe(detail ? detail : "", det, sizeof det);
    int n = snprintf(line, sizeof line,
                     "{\"ts\":\"%s\",\"prog\":\"%s\",\"level\":\"%s\",\"event\":\"%s\","
                     "\"detail\":\"%s\"}\n",
                     ts, program_name, level, ev, det);
    if (n > 0)
        write_line(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
